"""What an expression's value is made of: the value half of the data-flow pass.

`ValueOrigins` holds what the pass knows about the module (how names qualify, its
constants, the frameworks it uses, the summaries of functions it calls) and the
bindings recorded so far, and answers `origin(expr)`: the parts (taint.Part) a value
may be made of. `flow.FlowAnalyzer` extends it with the statement walk that records the
bindings. Sources (request reads, sockets, framework handler parameters), sanitizers,
propagating calls and function summaries are all applied here.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

if TYPE_CHECKING:
    from secure_ls.engine.summaries import FunctionSummary

from secure_ls.engine import astutil, catalog, formatting, frameworks, guards
from secure_ls.engine.astutil import constant_key, instance_attribute
from secure_ls.engine.bindings import Binding, Env, InstanceAttributes, ScopeFacts
from secure_ls.engine.symbols import Declaration, translated_characters
from secure_ls.engine.taint import ALL, CONSTANT, PARAM, UNKNOWN, UNTRUSTED, Origin, Part, Sink, make_step


_SELF_QUOTED = frozenset({Sink.SELF_QUOTED})
_OWN_HOST = frozenset({Sink.URL})  # an absolute http(s) URL up to the end of its host: where the program's own request goes
NOT_STATIC = object()  # what _static returns for a value only known at run time
_STATIC_COMPARISONS = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
}


class ValueOrigins:
    """The origin of any expression, from the bindings the statement walk recorded."""

    def __init__(
        self,
        qualify: Callable[[ast.AST], str | None],
        module_constants: set[str],
        sources: dict[str, str] | None = None,
        sanitizers: dict[str, frozenset[str]] | None = None,
        function_summaries: "Mapping[str, FunctionSummary] | None" = None,
        imported_modules: Iterable[str] = (),
        class_name: str | None = None,
        class_bases: Iterable[str] = (),
        typed_fields: Mapping[str, frozenset[tuple[str, frozenset[str]]]] | None = None,
        instance_attributes: "Callable[[], InstanceAttributes] | None" = None,
        describe_parameters: bool = False,
        record_classes: Mapping[str, frozenset[str]] | None = None,
        enum_classes: Iterable[str] = (),
        translation_tables: Mapping[str, frozenset[str]] | None = None,
        constant_values: tuple[Mapping[str, object], ...] = (),
        declared: Mapping[str, Declaration] | None = None,
        constructor_arguments=None,
        url_routes=None,
    ):
        self._qualify = qualify
        self._constants = module_constants
        self._sources = sources if sources is not None else catalog.SOURCE_NAMES
        self._sanitizers = sanitizers if sanitizers is not None else catalog.SANITIZERS
        self._summaries = function_summaries or {}
        self._class = class_name  # the class whose method this is: `self.helper()` calls resolve in it
        packages = {m.split(".", 1)[0] for m in imported_modules}
        self._django = "django" in packages
        self._url_routes = url_routes  # the project's URL configurations (engine/routes.py), if known
        # the frameworks this file uses: their handler shapes and request-reading methods apply
        self._frameworks = tuple(f for f in catalog.FRAMEWORKS if f.module in packages)
        self._class_bases = tuple(class_bases)  # last names of the enclosing class's bases
        self._typed_fields = typed_fields or {}  # form/serializer class -> its number/choice fields
        self._record_classes = record_classes or {}  # dataclass/NamedTuple -> its number/date/UUID fields
        self._enum_classes = frozenset(enum_classes)  # the module's Enum classes (route parameters typed so)
        self._translation_tables = translation_tables or {}  # module-level `str.maketrans` tables -> characters mapped
        self._constant_values = constant_values  # the module's literal constants by name (strings, numbers, flags)
        self._declared = declared or {}  # what the module declares about its classes and aliases
        # what the module's call sites pass to the constructor of the class (engine/constructions.py)
        self._constructor_arguments = constructor_arguments
        # route parameters annotated with a class that declares typed fields: name -> (binding, fields)
        self._model_parameters: dict[str, tuple[Binding, frozenset[str]]] = {}
        # what the enclosing class's methods store on `self` (asked lazily: most methods never read one)
        self._instance_attributes = instance_attributes
        # label parameters with their method ("the constructor parameter `x`") so that they stay
        # recognisable, and never collide with a parameter name, once read in another method
        self._describe_parameters = describe_parameters
        self._instance: str | None = None  # the method's `self` parameter, once run_function knows it
        self._fixed_route = False  # a handler of fixed paths only (frameworks.fixed_route_path): `request.path` is one of them
        self.read_instance_attributes = False  # whether the pass read `self.<name>` (the class pass iterates then)
        self.facts = ScopeFacts()
        # argparse options declared here with `choices=CONSTANTS` or `type=int`: `args.<dest>` holds one of those
        self._constrained_options: set[str] = set()
        # while a deferred origin is computed: the bindings its names had where it was made
        self._overlay: dict[int, Binding] | None = None

    def _is_handler_attribute(self, attr: str) -> bool:
        """`self.path` in a method of an http.server request handler: the request line."""
        for framework in self._frameworks:
            suffix = framework.handler_base_suffix
            if attr in framework.handler_attributes and (suffix is None or any(b.endswith(suffix) for b in self._class_bases)):
                return True
        return False

    def _request_method_label(self, func: ast.AST) -> str | None:
        """The source a method call reads, when the method is one a framework or library
        defines as returning outside data (`sock.recv()`, Tornado's `self.get_argument()`)."""
        if not isinstance(func, ast.Attribute):
            return None
        for framework in self._frameworks:
            if func.attr in framework.request_methods:
                return framework.request_label
            if func.attr in framework.handler_reads and isinstance(func.value, ast.Name) and func.value.id == "self":
                return "the HTTP request"
        if func.attr in catalog.INSTANCE_SOURCE_METHOD_NAMES and isinstance(func.value, ast.Name):
            # `resolver = dns.resolver.Resolver()` ... `resolver.resolve(name)` (the name is asked only for these methods)
            made = self._qualify_call(self._single_value(func.value))
            if (made, func.attr) in catalog.INSTANCE_SOURCE_METHODS:
                return catalog.INSTANCE_SOURCE_METHODS[(made, func.attr)]  # type: ignore[index]
        return catalog.SOURCE_METHODS.get(func.attr)

    def _is_constrained_option(self, node: ast.Attribute) -> bool:
        """`args.env` where `args = parser.parse_args()` and `env` was declared with fixed choices."""
        if node.attr not in self._constrained_options or not isinstance(node.value, ast.Name):
            return False
        return astutil.parses_options(self._single_value(node.value))

    def _qualify_call(self, value: ast.expr | None) -> str | None:
        return self._qualify(value.func) if isinstance(value, ast.Call) else None

    def _single_value(self, name: ast.Name) -> ast.expr | None:
        """The one expression a name read holds (`parsed` in `parsed = urlparse(url)`)."""
        binding = self._binding(name)
        return binding.values[0] if binding is not None and len(binding.values) == 1 else None

    def _bind(self, target: ast.AST, origin: Origin, value: ast.expr | None, env: Env, names: dict[int, Binding] | None = None) -> None:
        """`names`: the bindings the value's reads had (from `_value`), when the caller has them."""
        if isinstance(target, ast.Name):
            for path in [k for k in env if k.startswith(target.id + ".")]:
                del env[path]  # `f` is another object now: what was checked of the old one does not hold
            alias = self._qualify(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
            env[target.id] = Binding(origin, (value,) if value is not None else (), alias, fields=self._literal_fields(value, env, names))
        elif isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) and not any(
                isinstance(e, ast.Starred) for e in target.elts
            ):
                for t, v in zip(target.elts, value.elts):
                    self._bind(t, self._origin(v), v, env)
            elif (items := self._returned_items(value, len(target.elts))) is not None:
                for t, item in zip(target.elts, items):
                    self._bind(t, item, None, env)  # `command, data, error = parse(request)`
            else:
                for i, t in enumerate(target.elts):  # `opts, args = parser.parse_args()`: optparse's options come first
                    self._bind(t, origin, value if i == 0 and astutil.parses_options(value) else None, env)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, origin, None, env)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            field = guards.field_path(target)
            if field is not None:
                env.pop(field, None)  # `f.key = other`: the check was of the old value
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
                elif field is not None and base.id != self._instance and not old.function:
                    # `book.cover = v`: that attribute holds v from here on, the others what they held
                    env[field] = Binding(origin, (value,) if value is not None else ())
                    env[base.id] = Binding(old.origin.join(origin), old.values, old.alias, own=old.origin if old.own is None else old.own)
                elif not origin.is_constant:
                    env[base.id] = Binding(old.origin.join(origin), old.values, old.alias)

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
        while stack:
            current = stack.pop()
            used = astutil.item_use(current)
            if used is not None:
                item_uses.add(id(used))
            path = guards.field_path(current) if isinstance(current, ast.Attribute) and isinstance(current.ctx, ast.Load) else None
            if path is not None and path in env:
                loads[id(current)] = env[path]
                if seen is not None:
                    seen[id(current)] = env[path]
            if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Load):
                binding = env.get(current.id)
                if binding is not None:
                    loads[id(current)] = binding
                    if seen is not None:
                        seen[id(current)] = binding
                    if binding.fields is not None and id(current) not in item_uses:
                        # used whole (passed on, aliased, a method called): items may change unseen
                        env[current.id] = replace(binding, fields=None)
            elif isinstance(current, ast.NamedExpr):
                self._bind(current.target, self._value(current.value, env, seen), current.value, env)
                continue
            elif isinstance(current, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                inner = dict(env)
                for gen in current.generators:
                    self._bind(gen.target, self._value(gen.iter, inner, seen), None, inner)
                    for cond in gen.ifs:
                        self._expr(cond, inner, True, seen)
                parts = [current.key, current.value] if isinstance(current, ast.DictComp) else [current.elt]
                for part in parts:
                    self._expr(part, inner, True, seen)
                continue
            elif isinstance(current, ast.Lambda):
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

    def _binding(self, name: ast.Name) -> Binding | None:
        """The binding a name read had (as recorded for the origin being computed, if any)."""
        if self._overlay is not None:
            found = self._overlay.get(id(name))
            if found is not None:
                return found
        return self.facts.loads.get(id(name))

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
            quoted = guards.self_quoted(pieces) if len(pieces) >= 3 else ()
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
            # a chain of `+` is read as its operands, once (not again for each nested `+`)
            operands = astutil.added(node) if isinstance(node.op, ast.Add) else [node.left, node.right]
            quoted = guards.self_quoted([o.value if isinstance(o, ast.Constant) else o for o in operands])
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
            return self._origin(node.elt)
        if isinstance(node, ast.DictComp):
            return self._origin(node.key).join(self._origin(node.value))
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Subscript):
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

    def _static(self, node: ast.expr, env: Env | None = None):
        """The value of an expression made only of literals and the module's literal constants
        (`DEBUG`, `not DEBUG`, `MODE == "sqlite"`, `A and B`), or NOT_STATIC."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            bound = env.get(node.id) if env is not None else self._binding(node)
            if bound is not None or node.id not in self._constants:
                return NOT_STATIC  # a local of that name, or a module name that is not a literal
            for values in self._constant_values:
                if node.id in values:
                    return values[node.id]
            return NOT_STATIC
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            value = self._static(node.operand, env)
            return NOT_STATIC if value is NOT_STATIC else not value
        if isinstance(node, ast.BoolOp):
            values = [self._static(v, env) for v in node.values]
            conjunction = isinstance(node.op, ast.And)
            if any(v is not NOT_STATIC and bool(v) != conjunction for v in values):
                return not conjunction  # `FEATURE_ON and x`: false whatever x is (as a truth value)
            if any(v is NOT_STATIC for v in values):
                return NOT_STATIC
            result = values[0]
            for value in values[1:]:
                result = (result and value) if isinstance(node.op, ast.And) else (result or value)
            return result
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _STATIC_COMPARISONS:
            left, right = self._static(node.left, env), self._static(node.comparators[0], env)
            if left is NOT_STATIC or right is NOT_STATIC:
                return NOT_STATIC
            return _STATIC_COMPARISONS[type(node.ops[0])](left, right)
        return NOT_STATIC

    def _conditional(self, node: ast.IfExp) -> Origin:
        """`x if x in ALLOWED else "default"`: the branch a validating test guards holds a valid value."""
        truth = self._static(node.test)
        if truth is not NOT_STATIC:
            return self._origin(node.body if truth else node.orelse)  # `q if FEATURE_ON else "id"`
        body, orelse = self._origin(node.body), self._origin(node.orelse)
        validated, when, sinks = guards.validation(node.test, self._qualify, self._origin, self._single_value, self.summary_of)
        guarded = node.body if when else node.orelse
        if isinstance(guarded, ast.Name) and guarded.id in validated:
            if when:
                body = body.sanitized(sinks)
            else:
                orelse = orelse.sanitized(sinks)
        return body.join(orelse)

    def _temporary_file(self, node: ast.expr) -> bool:
        """`tmp` after `tmp = NamedTemporaryFile()`, or `self._tmp` that the class only sets to one or None
        (what is written into it, `self._tmp.write(data)`, is no new file)."""
        made = [self._single_value(node)] if isinstance(node, ast.Name) else [
            v for v in self.instance_attribute_values(node) if not astutil.is_none(v) and ast.dump(v) != ast.dump(node)]
        return bool(made) and all(self._qualify_call(v) in catalog.TEMPORARY_FILES for v in made)

    def instance_attribute_values(self, node: ast.AST) -> tuple[ast.expr, ...]:
        """The expressions the class's methods store in `self.x` (for a read `node` of it), else ()."""
        if self._instance is None or self._instance_attributes is None:
            return ()
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self._instance:
            return self._instance_attributes().values.get(node.attr, ())
        return ()

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
        read = frameworks.request_read(node, self._frameworks)
        if read is not None and self._is_incoming_request(read[0]):
            return Origin(frozenset({Part(UNTRUSTED, "the HTTP request", read[1], steps=(make_step(node, "read from the HTTP request"),))}))
        if self._is_converted_record_field(node):
            return CONSTANT
        if node.attr in catalog.CODE_NAME_ATTRIBUTES or node.attr == "name" and self._temporary_file(node.value):
            return CONSTANT  # `cls.__name__`; the path tempfile chose, whatever was written into the file
        holder = self._binding(node.value) if isinstance(node.value, ast.Name) else None
        base = holder.own if holder is not None and holder.own is not None else self._origin(node.value)
        if node.attr in catalog.KEY_ATTRIBUTES or self._is_validated_model_field(node):
            return base.sanitized(ALL)
        if node.attr in catalog.HELD_KEY_ATTRIBUTES and not any(p.kind == UNTRUSTED for p in base.parts):
            return base.sanitized(ALL)
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
        func = node.func
        qualified = self._qualify(func)
        args = [a for a in node.args] + [k.value for k in node.keywords]
        if (defaults := frameworks.converted_read_defaults(node, self._enum_classes)) is not None:
            return self._join_all(defaults)  # `request.args.get("page", 1, type=int)`: a number, or the default
        if qualified:
            if qualified in self._sources:
                label = self._sources[qualified]
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
        if qualified:
            sinks = self._sanitizers.get(qualified)
            if sinks is not None:
                joined = CONSTANT
                for arg in args:
                    joined = joined.join(self._origin(arg))
                return joined.sanitized(sinks)
            if qualified == "map" and len(node.args) >= 2 and not node.keywords:
                # `map(str, ids)`: the elements, made by the function (`map(int, ids)` sanitizes)
                made = self._sanitizers.get(self._qualify(node.args[0]) or "")
                joined = self._join_all(node.args[1:])
                return joined.sanitized(made) if made is not None else joined
            if qualified in catalog.PROPAGATORS:
                joined = self._join_all(args)
                if qualified in catalog.DECODERS and joined.risk():
                    joined = joined.with_step(make_step(node, catalog.DECODERS[qualified]))
                return joined
            summary = self._function_summary(qualified)
            if summary is not None:
                return self._apply(summary, node)
        elif self._summaries:
            summary = self._local_summary(func)
            if summary is not None:
                return self._apply(summary, node)
        if isinstance(func, ast.Attribute):
            read = frameworks.request_read(func, self._frameworks)
            if read is not None and self._is_incoming_request(read[0]):  # `request.get_full_path()`: percent-encoded, one line
                return Origin(frozenset({Part(UNTRUSTED, "the HTTP request", read[1] if not node.args else frozenset(), steps=(make_step(node, "read from the HTTP request"),))}))
            receiver = self._origin(func.value)
            rewritten = guards.rewritten(node, receiver, self._join_all, self._translated)
            if rewritten is not None:  # `.replace("\n", "")`, `.translate(...)`, `.format(**mapping)`, ...
                return self._settled(node, rewritten)  # `"{}/{}".format(route, x)`: its start (through names) may settle the host
            typed = self._typed_field(func.value, node.args[0]) if func.attr == "get" and node.args else frozenset()
            if typed:  # `validated_data.get("count", 0)` of an IntegerField (every sink) or an EmailField (one line)
                return (CONSTANT if Sink.ANY in typed else receiver.sanitized(typed)).join(self._join_all(node.args[1:]))
            item = self._field(func.value, node.args[0]) if func.attr == "get" and node.args and not node.keywords else None
            if item is not None:
                return item.join(self._join_all(node.args[1:]))  # `options.get("table", "posts")` of a tracked literal
            if func.attr in catalog.CHOOSING_METHODS and node.args and self._origin(node.args[0]).is_constant:
                # `request.accept_languages.best_match(SUPPORTED)`: one of the offered constants
                return self._join_all(node.args[1:])
            if func.attr == "get" and receiver.is_constant and node.args and not node.keywords:
                # `COMMANDS.get(name, default)` on constants: one of its values or the default, whatever the key
                return self._join_all(node.args[1:])
            if func.attr in catalog.LOOKUP_METHODS and node.args and not isinstance(node.args[0], ast.Starred):
                # `cache.get(key, default)`: the value stored under the key (or the default), not the
                # key itself, like `cache[key]`; the receiver's own taint is all that can come back
                # (SQLAlchemy's `session.get(Account, pk)`: the stored row, and no default)
                return receiver.join(self._join_all(args[1:] if not astutil.names_a_class(node.args[0]) else ()))
            if func.attr in catalog.NUMBER_METHODS or func.attr.startswith(catalog.PREDICATE_PREFIXES) or func.attr in catalog.HEX_METHODS and not node.args:
                return CONSTANT
            if func.attr in catalog.PROPAGATING_METHODS or receiver.risk() and receiver.risk().kind == UNTRUSTED:
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
        parts = frozenset({Part(UNKNOWN, qualified or astutil.describe_call(func))})
        joined = self._join_all(args)
        # An unknown function fed untrusted data may hand it back: keep the taint, at "unknown" strength
        if joined.risk() and joined.risk().kind == UNTRUSTED:
            parts |= frozenset(replace(p, kind=UNKNOWN) for p in joined.parts if p.kind == UNTRUSTED)
        # `reverse("detail", args=[slug])`: a path of this site, whatever it names
        return Origin(parts).sanitized(guards.SAME_SITE) if astutil.last_name(func) in catalog.SITE_URL_BUILDERS else Origin(parts)

    def _is_incoming_request(self, node: ast.AST) -> bool:
        """A name like `request`/`req` holding the request the program answers, not one it sent:
        `req = requests.get(url)` (then `req.text` is the other server's answer)."""
        if not frameworks.is_request_object(node):
            return False
        binding = self._binding(node) if isinstance(node, ast.Name) else None
        return not (binding is not None and binding.values and all(self._is_outbound_response(v) for v in binding.values))

    def _is_outbound_response(self, value: ast.expr) -> bool:
        """An HTTP call's answer: of a known client or session, or any client given an absolute URL."""
        while isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return False
        if guards.is_outbound_call(value, self._name_value):
            return True
        receiver = value.func.value if isinstance(value.func, ast.Attribute) and value.func.attr in catalog.HTTP_CLIENT_METHODS else None
        if isinstance(receiver, ast.Name) and self._qualify_call(self._single_value(receiver)) in catalog.HTTP_CLIENT_SESSIONS:
            return True  # `async with aiohttp.ClientSession() as session:` ... `session.get(url)`
        qualified = self._qualify(value.func)
        return bool(qualified) and self._sources.get(qualified) in catalog.OUTBOUND_SOURCES

    def _after_configured_host(self, first: ast.expr, second: ast.expr, built: Origin) -> Origin:
        """`f"{settings.REVIEWS_URL}/{ext_id}"`: a base URL of the application's own, then `/`: the
        server fetches from the host the application chose, or from nowhere (an empty base leaves a
        relative URL no client fetches). Not for redirects: there an empty base makes `//evil.example`
        out of `/` and the client's `/evil.example`. (And a settled URL's query: guards.query_of_settled.)"""
        follows = astutil.literal_prefix(second, self._name_value)  # `"/x"`, `f"/reviews/{id}"`
        if follows is not None and follows[0].startswith(("?", "#")):
            return guards.query_of_settled(self._origin(first), built)  # `reverse("list") + "?page=" + n`
        if follows is None or not follows[0].startswith("/"):
            return built
        if isinstance(first, ast.Constant) or any(p.kind in (UNTRUSTED, PARAM) for p in self._origin(first).parts):
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

    def _name_value(self, name: ast.Name) -> ast.expr | str | None:
        """The one expression a local name holds, or the text of a module string constant."""
        binding = self._binding(name)
        if binding is not None:
            return binding.values[0] if len(binding.values) == 1 else None
        if name.id in self._constants:
            for values in self._constant_values:
                value = values.get(name.id)
                if isinstance(value, str):
                    return value
        return None

    def _translated(self, table: ast.expr) -> frozenset[str]:
        """The characters a translation table maps to something else (see symbols.translated_characters)."""
        if isinstance(table, ast.Name):
            binding = self._binding(table)
            if binding is None:
                return self._translation_tables.get(table.id, frozenset())
            table = binding.values[0] if len(binding.values) == 1 else table
        if isinstance(table, ast.Call) and isinstance(table.func, ast.Attribute) and table.func.attr == "maketrans":
            return translated_characters(table)
        return frozenset()

    def _typed_field(self, container: ast.AST, key: ast.AST) -> frozenset[str]:
        """The sinks `s.validated_data["count"]` is safe for, `s = CountSerializer(...)` declaring the field in this module
        (symbols._typed_fields), or an item of the request's metadata the server sets (frameworks.server_set_item_sinks)."""
        if (server_set := frameworks.server_set_item_sinks(container, key)) and self._qualify(container) not in catalog.PROCESS_ENVIRONMENT:
            return server_set  # a request's environ, not the process's (`os.environ`: the operator's input)
        if not (self._typed_fields and isinstance(key, ast.Constant) and isinstance(container, ast.Attribute)) or container.attr not in catalog.VALIDATED_DATA_ATTRIBUTES:
            return frozenset()
        instance = container.value
        made = self._single_value(instance) if isinstance(instance, ast.Name) else None
        if not isinstance(made, ast.Call):
            return frozenset()
        fields = self._typed_fields.get(astutil.last_name(made.func), ())
        return next((sinks for name, sinks in fields if name == key.value), frozenset())

    def _is_converted_record_field(self, node: ast.Attribute) -> bool:
        """`t.port` where `t = Target(...)` and the record class annotates `port: int` (or a date,
        UUID, ...): the dataclass or NamedTuple field holds a number, whatever the client sent."""
        if not self._record_classes or not isinstance(node.value, ast.Name):
            return False
        made = self._single_value(node.value)
        if not isinstance(made, ast.Call):
            return False
        return node.attr in self._record_classes.get(astutil.last_name(made.func), ())

    def _dependency_origin(self, func: ast.expr) -> Origin | None:
        qualified = self._qualify(func)
        summary = self._function_summary(qualified) if qualified else self._local_summary(func)
        if summary is None:
            return None
        return summary.apply(None, [], {}, None)

    def summary_of(self, func: ast.expr) -> "FunctionSummary | None":
        """The summary of the function a call names: of this module, or of an imported one."""
        if not self._summaries:
            return None
        qualified = self._qualify(func)
        summary = self._function_summary(qualified) if qualified else None
        return summary if summary is not None else self._local_summary(func)

    def _local_summary(self, func: ast.AST) -> "FunctionSummary | None":
        """The summary of a function (or `Class.method`) of this module called by name, or of a
        method called on `self`/`cls`: the enclosing class's, else a base class's of this module
        (`if not self.is_worker(name): raise` where a base class defines `is_worker`). A method
        comes back bound: its parameters without the instance."""
        if self._class and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            local = getattr(self._summaries, "local", self._summaries)  # bases of this module: no workspace lookup
            found = (self._function_summary(f"{owner}.{func.attr}", local) for owner in self._class_bases)
            method = self._function_summary(f"{self._class}.{func.attr}") or next((f for f in found if f is not None), None)
            if method is not None:
                return replace(method, params=method.params[1:])
        if isinstance(func, ast.Name):
            key = func.id
            binding = self._binding(func)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            key = f"{func.value.id}.{func.attr}"
            binding = self._binding(func.value)
        else:
            return None
        if binding is not None and not binding.function:
            return None  # a local variable or parameter of that name
        return self._function_summary(key)

    def _function_summary(self, key: str | None, store: Mapping | None = None) -> "FunctionSummary | None":
        found = (self._summaries if store is None else store).get(key) if key else None
        return None if found is None or isinstance(found, Declaration) else found

    def declaration(self, annotation: ast.expr | None) -> Declaration | None:
        """What the module, or the module it is imported from, declares about the class or alias
        an annotation names (`payload: MfaPayload`, `user: CurrentUser`)."""
        if not isinstance(annotation, (ast.Name, ast.Attribute)):
            return None
        if isinstance(annotation, ast.Name) and annotation.id in self._declared:
            return self._declared[annotation.id]
        qualified = self._qualify(annotation)
        found = self._summaries.get(qualified) if qualified else None
        return found if isinstance(found, Declaration) else None

    def _is_validated_model_field(self, node: ast.Attribute) -> bool:
        """`payload.project_id` where the route parameter `payload` is annotated with a class
        declaring `project_id: int`: the framework validated the request body against it."""
        if not isinstance(node.value, ast.Name):
            return False
        model = self._model_parameters.get(node.value.id)
        return model is not None and self._binding(node.value) is model[0] and node.attr in model[1]

    def _returned_items(self, value: ast.expr | None, count: int) -> list[Origin] | None:
        """The origin of each item of the tuple a called function of the workspace returns, or of
        the pieces of text cut at its first line feed (guards.line_cut)."""
        if (cut := guards.line_cut(value, count)) is not None:
            return [self._origin(value).sanitized(safe) for safe in cut]  # `line, buf = buf.split(b"\n", 1)`
        if not isinstance(value, ast.Call) or any(isinstance(a, ast.Starred) for a in value.args) or not self._summaries:
            return None
        summary = self.summary_of(value.func)
        if summary is None or len(summary.elements) != count:
            return None
        return [self._apply(summary, value, element=i) for i in range(count)]

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
        return summary.apply(node, positional, keywords, make_step(node, ""), element=element)

    def _join_all(self, nodes: Iterable[ast.AST]) -> Origin:
        out = CONSTANT
        for n in nodes:
            out = out.join(self._origin(n))
        return out
