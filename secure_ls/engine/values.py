"""What an expression's value is made of: the value half of the data-flow pass.

`ValueOrigins` answers `origin(expr)` from the bindings recorded so far: the parts
(taint.Part) a value may be made of. What the module and the bindings say about an
expression short of its origin (the value a name holds, the function a call names, ...)
comes from its base, expressions.ExpressionFacts. `flow.FlowAnalyzer` extends it with the
statement walk that records the bindings. Sources (request reads, sockets, framework handler parameters), sanitizers,
propagating calls and function summaries are all applied here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from secure_ls.engine.summaries import FunctionSummary

from secure_ls.engine import astutil, catalog, flags, formatting, frameworks, guards, quoting, regex_removal
from secure_ls.engine.astutil import constant_key, instance_attribute
from secure_ls.engine.bindings import Binding, Env
from secure_ls.engine.expressions import NOT_STATIC, ExpressionFacts
from secure_ls.engine.taint import ALL, CONSTANT, LINE_SINKS, PARAM, QUOTE_MARKERS, UNKNOWN, UNTRUSTED, Origin, Part, Sink, make_step

_SELF_QUOTED = frozenset({Sink.SELF_QUOTED})
_UPLOAD_NAME_SINKS = frozenset({Sink.PATH, Sink.LOG, Sink.HEADER})
_OWN_HOST = frozenset({Sink.URL})  # an absolute http(s) URL up to the end of its host: where the program's own request goes
_COMPREHENSIONS = frozenset({ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})


class ValueOrigins(ExpressionFacts):
    """The origin of any expression, from the bindings the statement walk recorded."""

    _loop_names: tuple[frozenset[str], ...] = ()  # the names each loop around the statement assigns (flags)

    def _bind(self, target: ast.AST, origin: Origin, value: ast.expr | None, env: Env, names: dict[int, Binding] | None = None) -> None:
        """`names`: the bindings the value's reads had (from `_value`), when the caller has them."""
        if isinstance(target, ast.Name):
            name, size = target.id, len(target.id)
            for path in [k for k in env if k.startswith(name) and k[size : size + 1] in (".", "[")]:
                del env[path]  # `f` is another object now: what was checked of the old one does not hold
            alias = self._qualify(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
            env[target.id] = Binding(origin, (value,) if value is not None else (), alias, fields=self._literal_fields(value, env, names))
            if isinstance(value, ast.Constant) and value.value is True:
                env[target.id].implies = flags.implied(env, self._loop_names)  # `found = True` where a check held
        elif isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) and not any(
                isinstance(e, ast.Starred) for e in target.elts
            ):
                for t, v in zip(target.elts, value.elts):
                    self._bind(t, self._origin(v), v, env)
            elif (returned := self._returned_items(self._kept_call(value, env), len(target.elts))) is not None:
                items, first = returned
                for t, item in zip(target.elts, items):
                    self._bind(t, item, first if t is target.elts[0] else None, env)  # `command, data, error = parse(request)`
            else:
                for i, t in enumerate(target.elts):  # `opts, args = parser.parse_args()`: optparse's options come first
                    self._bind(t, origin, value if i == 0 and astutil.parses_options(value) else None, env)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, origin, None, env)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            field = guards.field_path(target)
            if field is not None:
                env.pop(field, None)  # `f.key = other`: the check was of the old value
                for path in [k for k in env if k.startswith(field + "[")]:
                    del env[path]  # `options.cmd = other`: so was the check of its items
            env.pop(astutil.item_path(target) or "", None)  # `argv[1] = other`
            if isinstance(target, ast.Attribute) and (stored := astutil.dotted(target)) is not None:
                for path in [k for k in env if k.startswith((stored + ".", stored + "[")) and "[" in k]:
                    del env[path]  # `self.request = other`: so was the check of `self.request.GET.get("next")`
            self._expr(target, env)
            self._record_attribute_store(target, origin, value)
            # `self.x = tainted` / `d["k"] = tainted`: the container now carries it
            base = target
            while isinstance(base, (ast.Attribute, ast.Subscript)):
                base = base.value
            if isinstance(base, ast.Name) and base.id in env:
                old = env[base.id]
                key = constant_key(target.slice) if isinstance(target, ast.Subscript) and target.value is base else None
                if old.fields is not None and key is not None:
                    # `d["k"] = v` on a literal with constant keys: item k now holds v, the others keep theirs
                    env[base.id] = Binding(old.origin.join(origin), old.values, old.alias, fields={**old.fields, key: origin})
                elif field is not None and not old.function:
                    # `book.cover = v`: that attribute holds v from here on, the others what they held.
                    # `self.cover = v`: v, or what another method of the class may put there meanwhile
                    held = origin.join(self._stored_by_class(target.attr)) if base.id == self._instance else origin
                    env[field] = Binding(held, (value,) if value is not None else ())
                    env[base.id] = Binding(old.origin.join(origin), old.values, old.alias, own=old.origin if old.own is None else old.own)
                elif (held := guards.field_path(target.value) if isinstance(target, ast.Subscript) else None) and not origin.is_constant and not old.function:
                    # `request.session["k"] = v`: that attribute now also holds v, the others
                    # (`request.user`) what they held; so does `self.data["k"] = v`, which leaves
                    # `self.NAME_PATTERN` (a class attribute) the program's
                    before = env[held].origin if held in env else self._origin(target.value)
                    env[held] = Binding(before.join(origin), env[held].values if held in env else ())
                    env[base.id] = Binding(old.origin.join(origin), old.values, old.alias, own=old.origin if old.own is None else old.own)
                elif not origin.is_constant:
                    env[base.id] = Binding(old.origin.join(origin), old.values, old.alias)

    def _stored_by_class(self, attribute: str) -> Origin:
        """What the methods of the enclosing class store in `self.<attribute>` (asked only if read)."""
        known = self._instance_attributes
        if known is None:
            return CONSTANT
        self.read_instance_attributes = True
        return Origin.deferred(lambda: (known().origins.get(attribute) or CONSTANT).parts, 1)

    def _deferred_join(self, nodes: list[ast.expr], names: dict[int, Binding]) -> Origin:
        """The join of `nodes`' origins, computed if ever asked, with the bindings in `names`."""
        depth = max((b.origin._depth for b in names.values()), default=0) + 1

        def joined() -> frozenset[Part]:
            out = CONSTANT
            for node in nodes:
                out = out.join(self._origin_with(node, names))
            return out.parts

        return Origin.deferred(joined, depth)

    def _literal_fields(self, value: ast.expr | None, env: Env, names: dict[int, Binding] | None = None) -> dict[object, Origin] | None:
        """The item origins of a dict literal with constant keys, or of a list/tuple literal by
        index. `names`: the bindings the literal's reads had, when already recorded."""

        def item(node: ast.expr) -> Origin:
            return self._deferred_join([node], names) if names is not None else self._value(node, env)

        if isinstance(value, ast.Dict) and value.keys:
            keys = [constant_key(k) if k is not None else None for k in value.keys]
            if any(k is None for k in keys):
                return None  # `**other` or a computed key
            return {k: item(v) for k, v in zip(keys, value.values)}
        if isinstance(value, (ast.List, ast.Tuple)) and value.elts and not any(isinstance(e, ast.Starred) for e in value.elts):
            n = len(value.elts)
            fields: dict[object, Origin] = {}
            for i, elt in enumerate(value.elts):
                fields[i] = fields[i - n] = item(elt)
            return fields
        return None

    def _field(self, container: ast.expr, key: ast.expr) -> Origin | None:
        """The origin of `container[key]` when the container is a literal tracked item by item."""
        if not isinstance(container, ast.Name):
            return None
        binding = self._binding(container)
        constant = constant_key(key)
        if binding is None or binding.fields is None or constant is None:
            return None
        return binding.fields.get(constant)

    def _record_attribute_store(self, target: ast.AST, origin: Origin, value: ast.expr | None) -> None:
        """`self.x = v`, `self.x[k] = v`, `self.x.y = v`, `self.x += v`: attribute `x` now holds v."""
        if self._instance is None:
            return
        attribute = instance_attribute(target, self._instance)
        if attribute is not None:
            stores = self.facts.attribute_stores
            stores[attribute] = stores.get(attribute, CONSTANT).join(origin)
            whole = value is not None and isinstance(target, ast.Attribute) and target.attr == attribute
            values = self.facts.attribute_values
            values[attribute] = values.get(attribute, ()) + ((value if whole else target),)

    # ---- expressions ----------------------------------------------------
    def _expr(self, node: ast.AST, env: Env, record_only: bool = False, seen: dict[int, Binding] | None = None) -> Origin:
        """Records the bindings of every name read in `node` (also into `seen`); returns its origin."""
        loads = self.facts.loads
        stack = [node]
        item_uses: set[int] = set()  # names read or written only through a constant key
        # Dispatched on the exact node type (ast.parse makes no subclasses): this loop visits every
        # node of every statement, once per pass, and the generic tests were a twentieth of a check.
        Name, Attribute, Load = ast.Name, ast.Attribute, ast.Load
        while stack:
            current = stack.pop()
            cls = type(current)
            if cls is ast.Subscript or cls is ast.Call:
                used = astutil.item_use(current)
                if used is not None:
                    item_uses.add(id(used))
                if cls is ast.Call:  # `f(**kwargs)`, `f(*args)`: the callee gets a copy, the items stay as they are
                    item_uses.update(id(k.value) for k in current.keywords if k.arg is None and type(k.value) is Name)
                    item_uses.update(id(a.value) for a in current.args if type(a) is ast.Starred and type(a.value) is Name)
                if (cls is ast.Call or type(current.slice) is ast.Constant and type(current.ctx) is Load) and (path := astutil.item_path(current)) is not None and path in env:
                    loads[id(current)] = env[path]  # an item checked earlier (see astutil.item_path)
                    if seen is not None:
                        seen[id(current)] = env[path]
            elif cls is Attribute and type(current.ctx) is Load:
                path = guards.field_path(current)
                if path is not None and path in env:
                    loads[id(current)] = env[path]
                    if seen is not None:
                        seen[id(current)] = env[path]
            if cls is Name and type(current.ctx) is Load:
                binding = env.get(current.id)
                if binding is not None:
                    loads[id(current)] = binding
                    if seen is not None:
                        seen[id(current)] = binding
                    if binding.fields is not None and id(current) not in item_uses:
                        # used whole (passed on, aliased, a method called): items may change unseen
                        env[current.id] = replace(binding, fields=None)
            elif cls is ast.NamedExpr:
                self._bind(current.target, self._value(current.value, env, seen), current.value, env)
                continue
            elif cls in _COMPREHENSIONS:
                inner = dict(env)
                for gen in current.generators:
                    self._bind(gen.target, self._value(gen.iter, inner, seen), None, inner)
                    for cond in gen.ifs:
                        self._expr(cond, inner, True, seen)
                parts = [current.key, current.value] if isinstance(current, ast.DictComp) else [current.elt]
                for part in parts:
                    self._expr(part, inner, True, seen)
                continue
            elif cls is ast.Lambda:
                continue  # analysed as its own scope
            stack.extend(astutil.children(current))
        return CONSTANT if record_only else self._origin(node)

    def _value(self, node: ast.AST, env: Env, seen: dict[int, Binding] | None = None) -> Origin:
        """`node`'s origin, deferred (see Origin): computed, if ever, with the bindings its
        names have now (a loop's second round rebinds them)."""
        names: dict[int, Binding] = {}
        self._expr(node, env, record_only=True, seen=names)
        if seen is not None:
            seen.update(names)
        if isinstance(node, ast.Constant):
            return CONSTANT
        depth = max((b.origin._depth for b in names.values()), default=0) + 1
        return Origin.deferred(lambda: self._origin_with(node, names).parts, depth)

    def _origin_with(self, node: ast.AST, names: dict[int, Binding]) -> Origin:
        saved, self._overlay = self._overlay, names
        try:
            return self._origin(node)
        finally:
            self._overlay = saved

    def _name_origin(self, name: str) -> Origin:
        if name in self._constants:
            return CONSTANT
        qualified = self._qualify(ast.Name(id=name, ctx=ast.Load()))
        if qualified and qualified in self._sources:
            # the request object itself, written out whole (catalog.SAFE_REQUEST_ATTRIBUTES[...][""])
            safe = catalog.SAFE_REQUEST_ATTRIBUTES.get(qualified, {}).get("", frozenset())
            return Origin(frozenset({Part(UNTRUSTED, self._sources[qualified], safe)}))
        return Origin(frozenset({Part(UNKNOWN, name)}))

    def origin(self, node: ast.AST | None) -> Origin:
        """The origin of an expression, from the bindings recorded so far.

        Code that never runs (after a `return`/`raise`, under `if False:`)
        holds no data: its expressions are constant.
        """
        if node is not None and self.facts.dead and astutil.inside(node, self.facts.dead):
            return CONSTANT
        return self._origin(node)

    def _origin(self, node: ast.AST | None) -> Origin:
        if node is None:
            return CONSTANT
        if isinstance(node, ast.Constant):
            return CONSTANT
        if isinstance(node, ast.Name):
            binding = self._binding(node)
            if binding is not None:
                return binding.origin
            if node.id in ("True", "False", "None", "__name__", "__file__"):
                return CONSTANT
            return self._name_origin(node.id)
        if isinstance(node, (ast.Subscript, ast.Call)) and (label := frameworks.client_environment(node, self._qualify)):
            return Origin(frozenset({Part(UNTRUSTED, label, steps=(make_step(node, f"read from {label}"),))}))
        if isinstance(node, ast.JoinedStr):
            out = CONSTANT
            pieces = [v.value if isinstance(v, ast.Constant) else v for v in node.values]
            quoted = quoting.self_quoted(pieces, self._kept_in) if len(pieces) >= 3 else ()
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    origin = self._origin(value.value)
                    if formatting.numeric_spec(value.format_spec):
                        origin = origin.sanitized(ALL)  # `f"{size:.1f} MB"`
                    out = out.join(origin.sanitized(_SELF_QUOTED) if id(value) in quoted else origin)
            if len(node.values) >= 2 and isinstance(node.values[0], ast.FormattedValue):
                out = self._after_configured_host(node.values[0].value, node.values[1], out)
            return self._settled(node, out)
        if isinstance(node, ast.FormattedValue):
            return self._origin(node.value)
        if isinstance(node, ast.BinOp):
            repeated = astutil.repeated_literal(node)
            if repeated is not None:  # `b"\x00" * n`: the literal's characters, however many times
                return self._origin(repeated)
            numbers = formatting.numeric_arguments(node)
            if numbers:  # `"%3.1f MB" % size`: digits in place of the numbers
                others = [v for v in (node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]) if v not in numbers]
                return self._origin(node.left).join(self._join_all(others)).join(self._join_all(numbers).sanitized(ALL))
            if isinstance(node.op, ast.Sub):
                # `on_disk - wanted`: a set difference holds only items of its left side (and a
                # difference of numbers is a number, whatever the right side was)
                return self._origin(node.left)
            pieces = formatting.percent_pieces(node)
            if pieces and (quoted := quoting.self_quoted(pieces, self._kept_in)):
                # "`%s`" % name.replace("`", "``"): the template, then the values its `%s` fields insert
                operands = [node.left, *(p for p in pieces if not isinstance(p, str))]
            else:
                # a chain of `+` is read as its operands, once (not again for each nested `+`)
                operands = astutil.added(node) if isinstance(node.op, ast.Add) else [node.left, node.right]
                quoted = quoting.self_quoted([o.value if isinstance(o, ast.Constant) else o for o in operands], self._kept_in)
            out = CONSTANT
            for operand in operands:  # `'"' + name.replace('"', '""') + '"'`
                origin = self._origin(operand)
                out = out.join(origin.sanitized(_SELF_QUOTED) if id(operand) in quoted else origin)
            if len(operands) >= 2:
                out = self._after_configured_host(operands[0], operands[1], out)
            return self._settled(node, out)
        if isinstance(node, ast.BoolOp):
            out = CONSTANT
            for value in node.values:
                out = out.join(self._origin(value))
            return out
        if isinstance(node, ast.IfExp):
            return self._conditional(node)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            out = CONSTANT
            for elt in node.elts:
                out = out.join(self._origin(elt))
            return out
        if isinstance(node, ast.Dict):
            out = CONSTANT
            for value in node.values:
                out = out.join(self._origin(value))
            for key in node.keys:
                if key is not None:
                    out = out.join(self._origin(key))
            return out
        if isinstance(node, ast.Compare):
            return CONSTANT
        if isinstance(node, ast.UnaryOp):
            return CONSTANT if isinstance(node.op, ast.Not) else self._origin(node.operand)
        if isinstance(node, (ast.Starred, ast.Await)):
            return self._origin(node.value)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return self._kept(node, self._origin(node.elt))
        if isinstance(node, ast.DictComp):
            return self._origin(node.key).join(self._origin(node.value))
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Subscript):
            if (tracked := self._binding(node)) is not None:  # type: ignore[arg-type]
                return tracked.origin  # an item validated earlier (see astutil.item_path)
            if Sink.ANY in (typed := self._typed_field(node.value, node.slice)):
                return CONSTANT
            origin = self._field(node.value, node.slice)
            if origin is None:
                origin = self._origin(node.value).sanitized(guards.first_line_safety(node) | typed)
            return origin.with_step(make_step(node, "an item is read")) if origin.risk() else origin
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.NamedExpr):
            return self._origin(node.value)
        return Origin(frozenset({Part(UNKNOWN, type(node).__name__)}))

    def _validation(self, test: ast.expr) -> tuple[set[str], bool, frozenset[str]]:
        """guards.validation of a condition, with what this pass knows of values and callees."""
        return guards.validation(test, self._qualify, self._origin, self._single_value, self.summary_of, self._values, self._collection)

    def _conditional(self, node: ast.IfExp) -> Origin:
        """`x if x in ALLOWED else "default"`: the branch a validating test guards holds a valid value."""
        truth = self._static(node.test)
        if truth is not NOT_STATIC:
            return self._origin(node.body if truth else node.orelse)  # `q if FEATURE_ON else "id"`
        body, orelse = self._origin(node.body), self._origin(node.orelse)
        validated, when, sinks = self._validation(node.test)
        guarded = node.body if when else node.orelse
        if isinstance(guarded, ast.Name) and guarded.id in validated:
            if when:
                body = body.sanitized(sinks)
            else:
                orelse = orelse.sanitized(sinks)
        return body.join(orelse)

    def _kept(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp, elements: Origin) -> Origin:
        """`c for c in text if c.isprintable()`: the elements a comprehension keeps passed its
        tests, which validate them as an `if` would (`_conditional`)."""
        if isinstance(node.elt, ast.Name):
            for test in (test for loop in node.generators for test in loop.ifs):
                validated, when, sinks = self._validation(test)
                if when and node.elt.id in validated:
                    elements = elements.sanitized(sinks)
        return elements

    def _attribute(self, node: ast.Attribute) -> Origin:
        tracked = self._binding(node) if isinstance(node.value, ast.Name) else None
        if tracked is not None:
            return tracked.origin  # a field validated earlier (see guards.field_path)
        if isinstance(node.value, ast.Name) and node.value.id == self._instance and self._is_handler_attribute(node.attr):
            return Origin(frozenset({Part(UNTRUSTED, "the HTTP request", steps=(make_step(node, "read from the HTTP request"),))}))
        qualified = self._qualify(node)
        if qualified:
            for prefix, label in self._sources.items():
                if qualified == prefix or qualified.startswith(prefix + "."):
                    if self._fixed_route and qualified[len(prefix) + 1 :] == "path" and prefix in catalog.SAFE_REQUEST_ATTRIBUTES:
                        return CONSTANT
                    safe = catalog.SAFE_REQUEST_ATTRIBUTES.get(prefix, {}).get(qualified[len(prefix) + 1 :], frozenset())
                    return Origin(frozenset({Part(UNTRUSTED, label, safe, steps=(make_step(node, f"read from {label}"),))}))
        if node.attr in catalog.REQUEST_APPLICATION_ATTRIBUTES and self._is_incoming_request(node.value):
            return Origin(frozenset({Part(UNKNOWN, "the application")}))  # `request.app.config.cameras`: the server's
        read = frameworks.request_read(node, self._frameworks)
        if read is not None and self._is_incoming_request(read[0]):
            return Origin(frozenset({Part(UNTRUSTED, "the HTTP request", read[1], steps=(make_step(node, "read from the HTTP request"),))}))
        if self._is_converted_record_field(node):
            return CONSTANT
        if node.attr in catalog.CODE_NAME_ATTRIBUTES or node.attr == "name" and self._temporary_file(node.value) or _model_option(node):
            # `cls.__name__`; the path tempfile chose, whatever was written into the file; what a
            # model class declares (`obj._meta.verbose_name_plural`)
            return CONSTANT
        holder = self._binding(node.value) if isinstance(node.value, ast.Name) else None
        base = holder.own if holder is not None and holder.own is not None else self._origin(node.value)
        if node.attr == "name" and self._django and self._django_upload(node.value):
            # Django keeps only the last component of an upload's name, printable characters only,
            # never "." or ".." (MultiPartParser.sanitize_file_name): one file name, one line
            return base.sanitized(_UPLOAD_NAME_SINKS)
        if node.attr in catalog.KEY_ATTRIBUTES or self._is_validated_model_field(node):
            return base.sanitized(ALL)
        if (field := self._literal_record_field(node)) is not None:
            return Origin(frozenset({Part(UNKNOWN, field)}))
        if node.attr in catalog.HELD_ATTRIBUTES and not any(p.kind == UNTRUSTED for p in base.parts):
            return base.sanitized(catalog.HELD_ATTRIBUTES[node.attr])  # `row.id`, `response.status_code`, its reason phrase
        if self._is_constrained_option(node):
            return base.sanitized(ALL)
        if self._instance is not None and self._instance_attributes is not None:
            if isinstance(node.value, ast.Name) and node.value.id == self._instance:
                self.read_instance_attributes = True
                stored = self._instance_attributes().origins.get(node.attr)
                if stored is not None:
                    # what the class's methods store in it, plus whatever this method put on
                    # `self` so far; the bare `self` parameter says nothing more about it
                    here = frozenset(p for p in base.parts if not (p.kind == PARAM and p.label == self._instance))
                    return stored.join(Origin(here))
        return base

    def _call(self, node: ast.Call) -> Origin:
        if (tracked := self._binding(node)) is not None:  # type: ignore[arg-type]
            return tracked.origin  # `request.GET.get("next")` checked earlier (see astutil.item_path)
        func = node.func
        qualified = self._qualify(func)
        args = [a for a in node.args] + [k.value for k in node.keywords]
        if (defaults := frameworks.converted_read_defaults(node, self._enum_classes)) is not None:
            return self._join_all(defaults)  # `request.args.get("page", 1, type=int)`: a number, or the default
        if (substitution := regex_removal.sub_call(node, qualified, self._regex_constant)) is not None:
            # `re.sub(r"[\r\n]", "", text)`: the text, and what replaces the matches, less what is replaced
            text, repl, escaped = substitution
            return self._join_all([a for a in (text, repl) if a is not None]).sanitized(escaped)
        if (extraction := regex_removal.extract_call(node, qualified, self._regex_constant)) is not None:
            # `re.findall(r"name=([^&]+)", query)`, `PATTERN.search(path)`: pieces of the text searched,
            # as safe as the characters the pattern can match (`\d+`: digits)
            text, safe = extraction
            matched = self._origin(text).sanitized(safe)
            return matched.with_step(make_step(node, catalog.MATCHED_STEP)) if matched.risk() else matched
        if qualified:
            if qualified in self._sources:
                label = self._sources[qualified]
                # `requests.request(method, url)`: the URL second; `urlopen(url)`, `requests.get(url)`: first
                url = astutil.argument_for(node, ("method", "url") if qualified.endswith(".request") else ("url",), "url")
                if label == "an HTTP response" and url is not None:
                    # `urlopen(request.args["url"]).read()`: the client chose the server, so what it
                    # answers is the client's too (remote file inclusion, a page they host)
                    named = [p for p in self._origin(url).parts if not p.is_safe_for(Sink.URL)]
                    chosen = [p for p in named if p.from_client()]
                    if chosen and len(chosen) == len(named):  # not `urljoin(API_BASE, request.path)`: the program's server
                        return Origin(frozenset(chosen)).with_step(make_step(node, "fetched from a URL the client chose"))
                return Origin(frozenset({Part(UNTRUSTED, label, steps=(make_step(node, f"read from {label}"),))}))
        label = self._request_method_label(func)
        if label is not None:
            return Origin(frozenset({Part(UNTRUSTED, label, steps=(make_step(node, f"read from {label}"),))}))
        if guards.is_outbound_call(node, self._name_value):
            # `api.get("https://api.example.com/boards", params)`: an HTTP client (a wrapper of the
            # application's own, a session) asked a server the program chose; the answer is that
            # server's, not the client's data it sent along (nor a mapping lookup with a default)
            label = "an HTTP response"
            return Origin(frozenset({Part(UNTRUSTED, label, steps=(make_step(node, f"read from {label}"),))}))
        if frameworks.is_database_read(func) or frameworks.is_row_lookup(node):
            # `Image.objects.get(pk=request.GET["id"])`: a row the application stored; the
            # client's key chose which one, it did not write it
            return Origin(frozenset({Part(UNKNOWN, "a database row")}))
        if frameworks.saves_validated_model(node, self._single_value):
            # `obj = form.save()`: the row the form stored. Its fields hold what the client sent
            # (still the client's text in a query, a page, a command), but a redirect to one
            # (`redirect(obj.local_path)`) goes where the stored row says, like a row an ORM query
            # found: the user who submitted the form (a POST a cross-site page cannot make) is sent
            # where they saved, and anyone else gets there by a query
            saved = self._origin(node.func.value).join(self._join_all(args)).sanitized(guards.SAME_SITE)
            return saved.join(Origin(frozenset({Part(UNKNOWN, "a database row")})))
        if frameworks.verified_claims(node, qualified):
            # `jwt.decode(token, key, algorithms=[...])`: what the key's holder signed, not the client's choice
            return Origin(frozenset({Part(UNKNOWN, "a signed token's claims")}))
        if qualified:
            sinks = self._sanitizers.get(qualified)
            if sinks is not None:
                joined = CONSTANT
                for arg in args:
                    joined = joined.join(self._origin(arg))
                if qualified in catalog.PERCENT_ENCODERS and self._keeps_no_markup(node, catalog.PERCENT_ENCODERS[qualified]):
                    sinks = sinks | {Sink.HTML}  # `quote(next_url)`: %3C, %22, %3A; nothing an HTML page reads as markup
                return joined.sanitized(sinks)
            if qualified == "map" and len(node.args) >= 2 and not node.keywords:
                # `map(str, ids)`: the elements, made by the function (`map(int, ids)` sanitizes)
                made = self._sanitizers.get(self._qualify(node.args[0]) or "")
                joined = self._join_all(node.args[1:])
                return joined.sanitized(made) if made is not None else joined
            if qualified in catalog.PROPAGATORS:
                joined = self._join_all(args)
                if qualified in catalog.DECODERS and joined.risk():
                    # `unquote(name)`: `%27` is a quote again, `%0A` a line break, whatever was doubled, checked or split before
                    joined = joined.exposed(QUOTE_MARKERS | LINE_SINKS).with_step(make_step(node, catalog.DECODERS[qualified]))
                return joined
            summary = self.named_summary(func, qualified)
            if summary is not None:
                return self._apply(summary, node)
        elif self._summaries:
            summary = self._local_summary(func)
            if summary is not None:
                return self._apply(summary, node)
        if isinstance(func, ast.Attribute):
            read = frameworks.request_read(func, self._frameworks)
            if read is not None and self._is_incoming_request(read[0]):
                # `request.get_full_path()`: percent-encoded, one line; so is what Django's
                # `build_absolute_uri(location)` makes of a location (iri_to_uri quotes CR and LF)
                step = (make_step(node, "read from the HTTP request"),)
                location = frameworks.built_location(node, self._frameworks)
                if location is not None:
                    # the client chose only the (validated) host; the rest is the location's
                    host = Part(UNTRUSTED, "the HTTP request", frameworks.VALIDATED_HOST_SINKS, steps=step)
                    return self._origin(location).sanitized(read[1]).join(Origin(frozenset({host})))
                return Origin(frozenset({Part(UNTRUSTED, "the HTTP request", read[1], steps=step)}))
            if func.attr in ("format", "format_map") and isinstance(func.value, ast.Constant) and formatting.gives_template_back(func.value.value):
                return CONSTANT
            receiver = self._origin(func.value)
            rewritten = guards.rewritten(node, receiver, self._join_all, self._translated)
            template = self._name_value(func.value) if func.attr == "format" and isinstance(func.value, ast.Name) else None
            if isinstance(template, ast.JoinedStr) and len(template.values) >= 2 and isinstance(template.values[0], ast.FormattedValue):
                # `ENDPOINT.format(id=x)` with `ENDPOINT = f"{BASE}/items/{{id}}"`: the base's host, then a path
                filled = (rewritten or receiver).join(self._join_all([*node.args, *(k.value for k in node.keywords)]))
                return self._after_configured_host(template.values[0].value, template.values[1], filled)
            if rewritten is not None:  # `.replace("\n", "")`, `.translate(...)`, `.format(**mapping)`, ...
                return self._settled(node, rewritten)  # `"{}/{}".format(route, x)`: its start (through names) may settle the host
            typed = self._typed_field(func.value, node.args[0]) if func.attr == "get" and node.args else frozenset()
            if typed:  # `validated_data.get("count", 0)` of an IntegerField (every sink) or an EmailField (one line)
                return (CONSTANT if Sink.ANY in typed else receiver.sanitized(typed)).join(self._join_all(node.args[1:]))
            item = self._field(func.value, node.args[0]) if func.attr == "get" and node.args and not node.keywords else None
            if item is not None:
                return item.join(self._join_all(node.args[1:]))  # `options.get("table", "posts")` of a tracked literal
            if func.attr in catalog.CHOOSING_METHODS and node.args:
                # `request.accept_languages.best_match(SUPPORTED, default=...)`: one of the offered values
                # or the default, whatever the client's header said
                return self._join_all([*node.args, *(k.value for k in node.keywords)])
            if func.attr == "get" and receiver.is_constant and node.args and not node.keywords:
                # `COMMANDS.get(name, default)` on constants: one of its values or the default, whatever the key
                return self._join_all(node.args[1:])
            if func.attr in catalog.LOOKUP_METHODS and node.args and not isinstance(node.args[0], ast.Starred):
                # `cache.get(key, default)`: the value stored under the key (or the default), not the
                # key itself, like `cache[key]`; the receiver's own taint is all that can come back
                # (SQLAlchemy's `session.get(Account, pk)`: the stored row, and no default)
                return receiver.join(self._join_all(args[1:] if not astutil.names_a_class(node.args[0]) else ()))
            if func.attr in catalog.SERVER_PATH_METHODS and not node.args:
                return receiver.sanitized(frozenset({Sink.PATH}))  # `upload.temporary_file_path()`: where the server put it
            if func.attr in catalog.NUMBER_METHODS or func.attr.startswith(catalog.PREDICATE_PREFIXES) or func.attr in catalog.HEX_METHODS and not node.args:
                return CONSTANT
            # `device.get_absolute_url()` of whatever row: the row's page on this site (the generic call below)
            site_page = func.attr in catalog.SITE_URL_BUILDERS and not node.args
            if func.attr in catalog.PROPAGATING_METHODS or not site_page and receiver.risk() and receiver.risk().kind == UNTRUSTED:
                return receiver.join(self._join_all(args))
            if isinstance(func.value, ast.Constant):
                return self._join_all(args)
        if isinstance(func, ast.Name) and func.id in ("str", "format"):
            return self._join_all(args)
        if astutil.last_name(func) in self._record_classes:
            # `Export(**request.json)`: the instance holds its arguments as fields (see _is_converted_record_field)
            return self._join_all(args)
        if astutil.last_name(func).endswith(catalog.VALIDATING_CLASS_SUFFIXES):
            # `SearchSerializer(data=request.data)`, `ContactForm(request.POST)`: what it
            # validates is still what the client sent (typed fields excepted, see _is_typed_field)
            return self._join_all(args)
        joined = self._join_all(args)
        if qualified in catalog.ROUTE_REVERSERS and args and not any(k.arg == "_external" for k in node.keywords) and joined.risk(Sink.ANY) is None:
            # `reverse("admin:change", args=(row.id,))`: the route's text with the arguments encoded
            # in, all of them constants or numbers here: nothing else can come back
            return joined.sanitized(guards.SAME_SITE)
        parts = frozenset({Part(UNKNOWN, qualified or astutil.describe_call(func))})
        # An unknown function fed untrusted data may hand it back: keep the taint, at "unknown" strength
        if joined.risk() and joined.risk().kind == UNTRUSTED:
            parts |= frozenset(replace(p, kind=UNKNOWN) for p in joined.parts if p.kind == UNTRUSTED)
        # `reverse("detail", args=[slug])`: a path of this site, whatever it names
        return Origin(parts).sanitized(guards.SAME_SITE) if astutil.last_name(func) in catalog.SITE_URL_BUILDERS else Origin(parts)

    def _regex_constant(self, node: ast.expr, compiled: bool = False):
        """For regex_removal.sub_call: the constant `node` stands for (a literal, a name bound to
        one, a `re` flag or flags joined with `|`), or with `compiled`, the pattern and flags
        nodes of the `re.compile(...)` a name holds; None when not known."""
        if isinstance(node, ast.Name):
            bound = self._name_value(node)
            if isinstance(bound, str):
                return None if compiled else bound
            if bound is None and node.id in self._made_with and self._binding(node) is None:
                pattern = dict(self._made_with[node.id]).get("pattern")  # `NAME = re.compile("...")` of the module
                return (ast.Constant(pattern), None) if compiled and pattern is not None else None
            node = bound if bound is not None else node
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self._instance:
            # `re.sub(self.LEGAL_NAME, ...)`: the class attribute, of this class or a base (regex_constants), no method replaces
            keys = [f"{c}.{node.attr}" for c in (self._class, *self._class_bases) if f"{c}.{node.attr}" in self._made_with]
            stored = self._instance_attributes is not None and node.attr in self._instance_attributes().origins
            pattern = dict(self._made_with[keys[0]]).get("pattern") if keys and not stored else None
            return (ast.Constant(pattern), None) if compiled and pattern is not None else None
        if compiled:
            if isinstance(node, ast.Call) and self._qualify(node.func) == "re.compile" and node.args:
                return node.args[0], astutil.argument_for(node, ("pattern", "flags"), "flags")
            return None
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left, right = self._regex_constant(node.left), self._regex_constant(node.right)
            return left | right if isinstance(left, int) and isinstance(right, int) else None
        qualified = self._qualify(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        flag = getattr(re, qualified[3:], None) if qualified and qualified.startswith("re.") else None
        return int(flag) if isinstance(flag, re.RegexFlag) else None

    def _keeps_no_markup(self, call: ast.Call, safe_position: int) -> bool:
        """A percent-encoder's `safe` characters (left as they are) hold no markup, quote or colon:
        none given, or a constant without them."""
        safe = astutil.argument_for(call, ("string",) * safe_position + ("safe",), "safe")
        if safe is None:
            return not any(isinstance(a, ast.Starred) for a in call.args) and not any(k.arg is None for k in call.keywords)
        value = self._name_value(safe) if isinstance(safe, ast.Name) else safe
        text = value.value if isinstance(value, ast.Constant) else value
        if isinstance(text, bytes):
            text = text.decode("latin-1")
        return isinstance(text, str) and not set(text) & catalog.HTML_UNSAFE_IN_SAFE

    def _after_configured_host(self, first: ast.expr, second: ast.expr, built: Origin) -> Origin:
        """`f"{settings.REVIEWS_URL}/{ext_id}"`: a base URL of the application's own, then `/`: the
        server fetches from the host the application chose, or from nowhere (an empty base leaves a
        relative URL no client fetches). Not for redirects: there an empty base makes `//evil.example`
        out of `/` and the client's `/evil.example`. (And a settled URL's query: guards.query_of_settled.)"""
        return self.after_own_base(self._origin(first), second, built, literal=isinstance(first, ast.Constant))

    def after_own_base(self, base: Origin, second: ast.expr, built: Origin, literal: bool | None = None) -> Origin:
        """`built`, made of `base` then `second` (also `url += "/" + name`, where `base` is what
        `url` held): settled as `_after_configured_host` says when `second` starts with `/`, `?` or
        `#` and `base` is a value of the application's own. `literal`: whether the base is written
        as a literal there (its text settles it, `_settled`); None when that is not known, and then
        a constant base counts as one (`url = ""` before `url += "/" + name` leaves `//name`)."""
        follows = astutil.literal_prefix(second, self._name_value)  # `"/x"`, `f"/reviews/{id}"`
        if follows is not None and follows[0].startswith(("?", "#")):
            return guards.query_of_settled(base, built)  # `reverse("list") + "?page=" + n`
        if follows is None or not follows[0].startswith("/"):
            return built
        if (base.is_constant if literal is None else literal) or any(p.kind in (UNTRUSTED, PARAM) for p in base.parts):
            return built
        return built.sanitized(_OWN_HOST)

    def _settled(self, node: ast.expr, built: Origin) -> Origin:
        """What the start of a built string settles about where a redirect to it goes (guards.settled_url)."""
        if astutil.root_then_unslashed(node):
            return built.sanitized(guards.SAME_SITE)  # `"/" + path.lstrip("/\\")`: a path of this site
        return guards.settled_url(self._start_text(node), built)

    def _start_text(self, node: ast.expr) -> str | None:
        """The constant text a built string starts with, through module constants (`BASE + "/"`)."""
        found = astutil.literal_prefix(node, self._name_value)
        return found[0] if found is not None else None

    def _dependency_origin(self, func: ast.expr) -> Origin | None:
        qualified = self._qualify(func)
        summary = self._function_summary(qualified) if qualified else self._local_summary(func)
        if summary is None:
            return None
        if summary.authenticates:
            # the account a security dependency found for the credential it accepted: the
            # server's own record of the caller, as `request.user` is Django's
            return Origin(frozenset({Part(UNKNOWN, f"the account `{summary.name}` authenticated")}))
        return summary.apply(None, [], {}, None)

    @staticmethod
    def _kept_call(value: ast.expr | None, env: Env) -> ast.expr | None:
        """The call whose result a name holds, when that is all it holds (`response = validate(request)`,
        `if isinstance(response, HttpResponse): return response`, then `obj, data = response`)."""
        binding = env.get(value.id) if isinstance(value, ast.Name) else None
        if binding is not None and len(binding.values) == 1 and isinstance(binding.values[0], ast.Call):
            return binding.values[0]
        return value

    def _returned_items(self, value: ast.expr | None, count: int) -> tuple[list[Origin], ast.expr | None] | None:
        """The origin of each item of the tuple a called function of the workspace returns, or of
        the pieces of text cut at its first line feed (guards.line_cut); and what the first name
        unpacked holds when that item is a predicate's truth (`ok, message = check(path)`: validates_first)."""
        if (cut := guards.line_cut(value, count)) is not None:
            return [self._origin(value).sanitized(safe) for safe in cut], None  # `line, buf = buf.split(b"\n", 1)`
        if not isinstance(value, ast.Call) or any(isinstance(a, ast.Starred) for a in value.args) or not self._summaries:
            return None
        summary = self.summary_of(value.func)
        if summary is None or len(summary.elements) != count:
            return None
        first = guards.first_item_of(value) if summary.validates_first else None
        return [self._apply(summary, value, element=i) for i in range(count)], first

    def _apply(self, summary: "FunctionSummary", node: ast.Call, element: int | None = None) -> Origin:
        positional: list[Origin] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                starred = self._origin(arg.value)
                positional.extend([starred] * 4)  # unknown length: may fill any later slot
                break
            positional.append(self._origin(arg))
        keywords: dict[str | None, Origin] = {}
        for kw in node.keywords:
            keywords[kw.arg] = keywords.get(kw.arg, CONSTANT).join(self._origin(kw.value))
        out = summary.apply(node, positional, keywords, make_step(node, ""), element=element)
        if summary.returned_start is not None and element is None and out.risk():
            # settled as each start the result may have settles it (a name assigned in two branches)
            starts = self._returned_starts(summary, node)
            settled = guards.settled_url(starts[0] or None, out)
            for start in starts[1:]:
                settled = settled.join(guards.settled_url(start or None, out))
            out = settled if not self._host_closed_after_argument(summary, node) else out.sanitized(guards.SAME_SITE)
        return out

    def _host_closed_after_argument(self, summary: "FunctionSummary", node: ast.Call) -> bool:
        """`get_sso_url(request, settings.KEYSTONE_URL, kind)` with `def get_sso_url(request,
        auth_url, kind): return "%s/auth/sso/%s" % (auth_url, kind)`: this call's argument for
        the parameter every return puts first (after constant text, if any) is not the client's
        choice, and the helper follows it with a whole path segment (guards.CLOSED_SEGMENT) or
        `?`/`#`, which ends any host that value began: whatever comes after cannot name another site."""
        _, parameter, then = summary.returned_start
        if not parameter or not (guards.CLOSED_SEGMENT.match(then) or then.startswith(("?", "#"))):
            return False
        given = astutil.argument_for(node, summary.params, parameter)
        chosen = self._origin(given).risk(Sink.REDIRECT) if given is not None else None
        # the application's own data (settings, a row) is no one's choice; a parameter is the callers'
        return given is not None and (chosen is None or chosen.kind == UNKNOWN)

    def _returned_starts(self, summary: "FunctionSummary", node: ast.Call) -> list[str]:
        """The constant texts the called function's result may start with: its own leading text,
        then what this call's argument for the parameter that follows it starts with
        (`endpoint("/search?" + q)` with `def endpoint(route): return "{}{}".format(HOST, route)`),
        one text for each value a name passed may hold."""
        text, parameter, _ = summary.returned_start
        given = astutil.argument_for(node, summary.params, parameter) if parameter else None  # (a keyword-only one by its name)
        if given is None:
            return [text]
        values = self._values(given) if isinstance(given, ast.Name) else ()
        return [text + (self._start_text(value) or "") for value in values or (given,)]

    def _join_all(self, nodes: Iterable[ast.AST]) -> Origin:
        out = CONSTANT
        for n in nodes:
            out = out.join(self._origin(n))
        return out

    def _kept_in(self, node: ast.expr) -> frozenset[str]:
        """The quotes a value cannot leave, rewritten for them before (`q = name.replace('"', '""')`,
        then `f'"{q}"'`): see quoting.stays_in."""
        return quoting.stays_in(self._origin(node))

    def _django_upload(self, node: ast.expr) -> bool:
        """`request.FILES["f"]`, `request.FILES.get("f")`, `request.FILES.getlist("f")[0]` (or
        `.pop("f", [])[0]`: the stored list, also through a name), or a name bound once to one: an
        UploadedFile Django made of the client's upload."""
        value = self._single_value(node) if isinstance(node, ast.Name) else node
        if isinstance(value, ast.Subscript):
            value = value.value
            if isinstance(value, ast.Name):
                value = self._single_value(value)  # `files = request.FILES.pop("f", [])`, then `files[0]`
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("getlist", "pop"):
                value = value.func.value
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get":
            value = value.func.value
        else:
            return False
        return isinstance(value, ast.Attribute) and value.attr == "FILES" and astutil.last_name(value.value) in catalog.REQUEST_NAMES


def _model_option(node: ast.Attribute) -> bool:
    """`obj._meta.verbose_name_plural`, `Payment._meta.get_field("amount").verbose_name`: an option
    of a model class (Django's and Peewee's `_meta`) or of one of its declared fields, written in
    the code that declares the model, whichever instance it is read through."""
    holder = node.value
    if isinstance(holder, ast.Call) and isinstance(holder.func, ast.Attribute) and holder.func.attr == "get_field":
        holder = holder.func.value
    return isinstance(holder, ast.Attribute) and holder.attr == "_meta"
