"""Function summaries: what a function does to the data passed to it.

A summary says which parameters reach the function's return value (and
which sink classes a sanitizer or a validation inside the function made
them safe for), which untrusted sources the return value reads by itself
(`def name(): return request.args["name"]`), and whether it may return
something else that is not constant. The flow pass applies a summary at
each call of the function, so

    def clean(name):
        if not re.fullmatch(r"[a-z]+", name):
            raise ValueError(name)
        return name

    cur.execute("... " + clean(request.args["n"]))   # safe

    def user_id():
        return request.args["id"]

    cur.execute("... " + user_id())                  # untrusted

Summaries are computed for the top-level functions of a module, per unit,
and cached by the unit's text and what its names resolve to (engine/
analyzer.py). Summaries of other modules of the workspace come from a
`workspace.WorkspaceSummaries`, which the CLI fills before a run and the
language server fills in the background (lsp/workspace_index.py).
"""

from __future__ import annotations

import ast
import functools
import itertools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from secure_ls.engine import astutil, bindings, flow, formatting, frameworks, lookups, predicates, raised, taint, unreturned
from secure_ls.engine.pacing import Pace, Steps, finish
from secure_ls.engine.resolver import LazySummaries
from secure_ls.engine.declarations import Declaration, declarations
from secure_ls.engine.symbols import ModuleSymbols, base_names

_MAX_ROUNDS = 3


@dataclass(frozen=True)
class FunctionSummary:
    """What one function returns, in terms of its parameters."""

    name: str
    params: tuple[str, ...]  # positional parameters in order (posonly + regular)
    kwonly: tuple[str, ...] = ()
    vararg: str | None = None
    kwarg: str | None = None
    # (parameter, sink classes it is safe for on every path to the return)
    returns_params: tuple[tuple[str, frozenset[str]], ...] = ()
    # (source label, sink classes it is safe for): untrusted data the function reads itself
    returns_untrusted: tuple[tuple[str, frozenset[str]], ...] = ()
    returns_unknown: bool = False  # may return other non-constant data
    placeholder: bool = False  # stands in for its subclasses' method (raised.placeholder): returns what theirs does, unknown
    # (parameter, sink classes): a predicate; when it returns true, the argument is safe for them
    validates: tuple[tuple[str, frozenset[str]], ...] = ()
    # the same of a predicate that returns a pair, the truth first (`return True, None`, `return
    # False, message`): where the caller's `ok, message = check(path)` holds a true `ok`
    validates_first: tuple[tuple[str, frozenset[str]], ...] = ()
    # every return gives a tuple of this many items: (returns_params, returns_untrusted,
    # returns_unknown) of each item, so that `command, data, error = parse(request)` tells them apart
    elements: tuple[tuple, ...] = ()
    # (parameter, sink classes): checked on every path that returns, the function raising or
    # aborting otherwise (`if name not in PROVIDERS: raise ValueError`), so once a call has
    # returned, the caller's argument is safe for them
    ensures: tuple[tuple[str, frozenset[str]], ...] = ()
    # (parameter, sink classes): checked on every path that returns something other than None
    # (`return TABLE.get(name)`, `if name not in SPECS: return None`), so where the caller's
    # `spec = find_spec(name)` is not None, its argument is safe for them
    ensures_when_found: tuple[tuple[str, frozenset[str]], ...] = ()
    # the parameters whose value no return can hold (only logged, compared or dropped:
    # `log.error(error); return Response(message)`), see engine/unreturned.py
    unreturned: tuple[str, ...] = ()
    # the parameters whose value no return can hold when it is an exception: the function
    # returns early under `isinstance(error, Exception)`, without it (engine/unreturned.py)
    unreturned_exceptions: tuple[str, ...] = ()
    # every return is `Annotated[User, Security(get_current_user, scopes=...)]`: a FastAPI
    # dependency factory, so a name bound to what it returns is a dependency alias (Declaration)
    returns_dependency: bool = False
    # a FastAPI security dependency: a parameter declared with `Security(...)`, FastAPI's marker
    # for a credential (an API key header, a bearer token), not returned as it came. Injected with
    # `Depends(f)`, what it returns, once it accepted the credential, is the caller's account as the
    # server holds it
    authenticates: bool = False
    # (parameter, callee, position, sinks it is safe for there): the parameter passed whole, never
    # rebound, as argument `position` (an index, or a keyword's name) of a call inside: `cursor.execute(sql)`
    # in `def run(sql)` is ("sql", ".execute", "0", {}); a callee the module qualifies is named so
    # (`os.system`), a method by "." and its name. What reaches that call reaches the sink, unless
    # the function checked it first for that sink class (`if is_safe_url(url): return redirect(url)`).
    forwards: tuple[tuple[str, str, str, frozenset[str]], ...] = ()
    # a `@staticmethod`: called on `self`/`cls`, its first parameter is the first argument, not the instance
    static: bool = False
    # annotated to return a built-in container (`-> dict[str, Any]`): str() of the result shows its items with repr()
    returns_container: bool = False
    # every return is a row a query found (`qs.first()`, `Model.objects.get(...)`) or None: a model
    # instance, which Django's `redirect()` sends to its `get_absolute_url()`
    returns_row: bool = False
    # (text, parameter, then): every return is a string that starts with the constant `text` and
    # then, when `parameter` is not empty, with that parameter's value (`"{}{}".format(HOST, route)`,
    # `f"{base_url}?{query}"`), then with the constant `then` (`f"{base}/auth/{kind}"`: "/auth/"):
    # the caller knows how its result starts (values.ValueOrigins._apply)
    returned_start: tuple[str, str, str] | None = None
    # the ancestries of the exceptions that can escape the function (engine/raised.py), None: any
    raises: tuple[tuple[str, ...], ...] | None = None
    # it raises on some path and never returns None (no `return None`, no path off the end): a
    # look-up of this shape raises on a miss (lookups.found_before_handler)
    raises_instead_of_none: bool = False
    # an override that looks its key up first through the base's own method (`instance = await
    # super().get(id)`), which raises on a miss: what that look-up raises (a handler none of it
    # reaches runs with the key found, lookups.found_before_handler)
    found_first_raises: tuple[tuple[str, ...], ...] | None = None

    def raises_until_found(self) -> tuple[tuple[str, ...], ...] | None:
        """What a call of it can raise before its key is found (None: anything)."""
        return self.found_first_raises if self.found_first_raises is not None else self.raises

    def finds_or_raises(self) -> bool:
        """A look-up that raises on a miss: once it returned, its key was found."""
        return self.raises_instead_of_none or self.found_first_raises is not None

    def apply(
        self, call: ast.Call | None, positional: list[taint.Origin], keywords: dict, step: taint.Step | None, element: int | None = None
    ) -> taint.Origin:
        """The origin of `call`'s result given the origins of its arguments (of its item `element`,
        when the function returns a tuple: see `elements`). A method called on an instance comes
        here bound (expressions.ExpressionFacts._local_summary): its parameters without the instance."""
        returns_params, returns_untrusted, returns_unknown = (
            self.elements[element] if element is not None else (self.returns_params, self.returns_untrusted, self.returns_unknown)
        )
        out = taint.CONSTANT
        params = self.params
        for name, safe in returns_params:
            arg = _argument(name, params, self.kwonly, self.vararg, self.kwarg, positional, keywords)
            if arg.is_constant:
                continue
            if safe:
                arg = arg.sanitized(safe)
            if step is not None:
                arg = arg.with_step(step[:4] + (f"passes through `{self.name}()`" + (" (sanitized there)" if safe else ""),))
            out = out.join(arg)
        parts = set()
        for label, safe in returns_untrusted:
            steps = (step[:4] + (f"`{self.name}()` returns data read from {label}",),) if step is not None else ()
            parts.add(taint.Part(taint.UNTRUSTED, label, safe_for=safe, steps=steps))
        if returns_unknown:
            parts.add(taint.Part(taint.UNKNOWN, f"{self.name}()"))
        if parts:
            out = out.join(taint.Origin(frozenset(parts)))
        return out


def _argument(name, params, kwonly, vararg, kwarg, positional, keywords) -> taint.Origin:
    if name in keywords:
        return keywords[name]
    if name in params:
        index = params.index(name)
        if index < len(positional):
            return positional[index]
        if None in keywords:  # **mapping passed: may hold it
            return keywords[None]
        return taint.CONSTANT  # the default value
    if name in kwonly:
        # `find(**request.args)` fills keyword-only parameters from the mapping too
        return keywords.get(None, taint.CONSTANT)
    if name == vararg:
        out = taint.CONSTANT
        for origin in positional[len(params) :]:
            out = out.join(origin)
        return out
    if name == kwarg:
        out = taint.CONSTANT
        for key, origin in keywords.items():
            if key not in params and key not in kwonly:
                out = out.join(origin)
        return out
    return taint.CONSTANT


def summarize_function(
    func: ast.FunctionDef | ast.AsyncFunctionDef,
    module: ModuleSymbols,
    functions: Mapping[str, FunctionSummary],
    sources: dict[str, str] | None = None,
    sanitizers: dict[str, frozenset[str]] | None = None,
    name: str | None = None,
    class_name: str | None = None,
) -> FunctionSummary:
    args = func.args
    positional = tuple(a.arg for a in (*getattr(args, "posonlyargs", ()), *args.args))
    kwonly = tuple(a.arg for a in args.kwonlyargs)
    vararg = args.vararg.arg if args.vararg else None
    kwarg = args.kwarg.arg if args.kwarg else None
    static = class_name is not None and any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in func.decorator_list)
    body = _BodySyntax(func)
    placeholder = class_name is not None and raised.placeholder(func)  # what a subclass's method returns
    if body.generator or placeholder or not (body.returns_value or body.raises):
        # nothing to follow: a generator's items are unknown, a procedure returns None (one
        # that raises may still be a check its callers rely on: `_check_name(name)`, see ensures)
        forwards = _checked_forwards(_forwards(body, (*positional, *kwonly), lambda node: qualify_in(node, module, {})), {})
        return FunctionSummary(name or func.name, positional, kwonly, vararg, kwarg, returns_unknown=body.generator or placeholder, forwards=forwards, static=static, placeholder=placeholder)
    analyzer = flow.FlowAnalyzer(
        lambda node, loads: qualify_in(node, module, loads),  # not over `analyzer`: see ExpressionFacts._qualify_with
        module.constants,
        sources=sources,
        sanitizers=sanitizers,
        function_summaries=functions,
        imported_modules=module.imported_modules,
        class_name=class_name,
        class_bases=module.ancestors(module.class_bases.get(class_name, ())) if class_name else (),
        constant_values=(module.strings, module.scalars),
        made_with=module.made_with_patterns(),
    )
    qualify = analyzer._qualify
    exits = analyzer.track_exits()
    facts = analyzer.run_function(func, None)
    returned = taint.CONSTANT
    if not frameworks.is_converted_annotation(func.returns):  # `def status_of(error) -> int`: a number, whatever went in
        for origin in facts.returns:
            returned = returned.join(origin)
    returns_params, returns_untrusted, returns_unknown = _returned(returned)
    shapes = [shape for shape in facts.returned_items if shape != ()]  # `()`: a response returned instead
    elements: tuple[tuple, ...] = ()
    if shapes and all(shape is not None for shape in shapes) and len({len(shape) for shape in shapes}) == 1:
        elements = tuple(_returned(_join(shape[i] for shape in shapes)) for i in range(len(shapes[0])))
    returned_values = [r.value for r in body.returns]
    every = (*positional, *kwonly, *filter(None, (vararg, kwarg)))
    summary = FunctionSummary(
        name=name or func.name,
        params=positional,
        kwonly=kwonly,
        vararg=vararg,
        kwarg=kwarg,
        returns_params=returns_params,
        returns_untrusted=returns_untrusted,
        returns_unknown=returns_unknown,
        validates=predicates.validated_parameters(func, qualify, analyzer.summary_of) or predicates.checked_before_true(func, qualify, analyzer.summary_of),
        validates_first=predicates.validated_parameters(func, qualify, analyzer.summary_of, item=0) if elements else (),
        elements=elements,
        ensures=_ensured(positional + kwonly, exits),
        ensures_when_found=_ensured(positional + kwonly, exits[:1] + analyzer.found_exits),
        # a function returning constants only holds none of its arguments anyway
        unreturned=unreturned.unreturned(func, every) if returned.parts else (),
        unreturned_exceptions=unreturned.unreturned_exceptions(func, every) if returned.parts else (),
        returns_dependency=frameworks.dependency_returns(returned_values),
        authenticates=frameworks.authenticates(func, returned_values, qualify),
        forwards=_checked_forwards(_forwards(body, (*positional, *kwonly), qualify), facts.loads),
        static=static,
        returns_container=frameworks.returns_builtin_container(func.returns) or frameworks.returns_made_container(func, returned_values, facts.loads),
        returns_row=frameworks.returns_made(func, returned_values, facts.loads, lambda value: lookups.is_found_row(value, qualify)),
        returned_start=_returned_start(body, (*positional, *kwonly), module.strings),
        raises=raised.escaping(func.body, lambda node: raised.raised_class(node, module, functions, qualify)),
        found_first_raises=raised.base_lookup_raises(func, module.ancestors(module.class_bases.get(class_name, ())) if class_name else (), analyzer.summary_of),
        raises_instead_of_none=body.raises and not any(r.value is None or astutil.is_none(r.value) for r in body.returns) and raised.always_leaves(func.body),
    )
    analyzer.release()  # nothing of the pass outlives the summary (plain names and tuples)
    return summary


class _BodySyntax:
    """What a summary reads off the syntax of a function's body (nested scopes aside), in one
    walk: its `return` statements, whether it is a generator, whether it raises, its calls and
    the names it binds. The returns, the dependency-factory test and the forwarded parameters
    each walked the whole body apart (together 7% of a check's CPU profile)."""

    __slots__ = ("returns", "returns_value", "generator", "raises", "calls", "stored", "assigned", "_bindings", "_parameters")

    def __init__(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.returns: list[ast.Return] = []
        self.generator = self.raises = False
        self.calls: list[ast.Call] = []
        self.stored: set[str] = set()  # names bound, or declared global/nonlocal
        self.assigned: dict[str, list[ast.expr]] = {}  # the values of the plain `name = value` statements
        self._bindings: dict[str, int] = {}  # how many times each name is bound (any way)
        self._parameters = frozenset(a.arg for a in frameworks.all_args(func.args))
        stack = list(func.body)
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is ast.Call:
                self.calls.append(node)
            elif kind is ast.Name:
                if type(node.ctx) is not ast.Load:
                    self.stored.add(node.id)
                    self._bindings[node.id] = self._bindings.get(node.id, 0) + 1
            elif kind is ast.Assign and len(node.targets) == 1 and type(node.targets[0]) is ast.Name:
                self.assigned.setdefault(node.targets[0].id, []).append(node.value)
            elif kind is ast.Return:
                self.returns.append(node)
            elif kind is ast.Raise:
                self.raises = True
            elif kind is ast.Yield or kind is ast.YieldFrom:
                self.generator = True
            elif kind is ast.Global or kind is ast.Nonlocal:
                self.stored.update(node.names)
                self._bindings.update(dict.fromkeys(node.names, -1))  # bound elsewhere too
            elif kind in _NAMED_BINDINGS:  # `except E as name`, `import m as name`, `case [*name]`: no Name node
                bound = getattr(node, "name", None) if kind is not ast.alias else (node.asname or node.name).split(".")[0]
                if bound:
                    self._bindings[bound] = self._bindings.get(bound, 0) + 1
            elif kind in _NESTED_SCOPES:
                continue
            stack.extend(astutil.children(node))
        self.returns_value = any(r.value is not None for r in self.returns)

    def returned_values(self, value: ast.expr | None) -> list[ast.expr | None]:
        """What a `return` gives: the values of a local name (not a parameter, which holds the
        argument until bound) bound only by plain assignments (`url = f"{base}/a/{x}"` in each
        branch, then `return url`), else the returned expression."""
        if not isinstance(value, ast.Name) or value.id in self._parameters:
            return [value]
        if value.id in self.assigned and self._bindings.get(value.id) == len(self.assigned[value.id]):
            return list(self.assigned[value.id])
        return [value]


_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_NAMED_BINDINGS = (ast.ExceptHandler, ast.alias, ast.MatchAs, ast.MatchStar)


def _returned_start(body: _BodySyntax, params: tuple[str, ...], strings: Mapping[str, str]) -> tuple[str, str, str] | None:
    """How every string the function returns starts: the same constant text on every `return`
    (through the module's string constants), then the same parameter, never rebound, then the
    constant text every return puts right after it (their common start: `/auth/` of
    `/auth/sso/` and `/auth/idp/`), or nothing known; (common text, "", "") when the returns
    agree on their text only. None when a return's start is unknown."""
    kept = frozenset(params) - body.stored

    def value_of(name: ast.Name) -> str | None:
        return strings.get(name.id) if name.id not in body.stored else None

    starts = {_start(value, kept, value_of) for r in body.returns for value in body.returned_values(r.value)}
    if not starts or None in starts:
        return None
    if len({(text, parameter) for text, parameter, _ in starts}) == 1:
        text, parameter, _ = next(iter(starts))
        return text, parameter, os.path.commonprefix([then for _, _, then in starts])
    texts = [text for text, _, _ in starts]
    common = os.path.commonprefix(texts)
    return (common, "", "") if common else None


def _start(node: ast.expr | None, params: frozenset[str], value_of) -> tuple[str, str, str] | None:
    """(constant text, parameter, constant text after it) a returned string starts with: see `_returned_start`."""
    if isinstance(node, ast.Name) and node.id in params:
        return "", node.id, ""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        pieces: list | None = astutil.added(node)
    else:
        pieces = formatting.percent_pieces(node) or astutil.template_pieces(node)  # (`%` read past its first field)
    if pieces is None:
        found = astutil.literal_prefix(node, value_of) if node is not None else None
        return (found[0], "", "") if found is not None and found[0] else None
    text = ""
    for index, piece in enumerate(pieces):
        if isinstance(piece, str):
            text += piece
            continue
        if isinstance(piece, ast.Name) and piece.id in params:
            return text, piece.id, "".join(itertools.takewhile(lambda p: isinstance(p, str), pieces[index + 1:]))
        found = astutil.literal_prefix(piece, value_of)
        if found is None:
            break
        text += found[0]
        if not found[1]:
            break
    return (text, "", "") if text else None


def _forwards(body: _BodySyntax, params: tuple[str, ...], qualify) -> list[tuple[str, str, str, ast.Name]]:
    """The calls inside the function (nested scopes aside) that get one of its parameters whole,
    where the parameter is never rebound: (parameter, callee, position, the argument's name)."""
    if not params:
        return []
    whole = set(params) - body.stored
    out = []
    for call in body.calls:
        callee = qualify(call.func) or ("." + call.func.attr if isinstance(call.func, ast.Attribute) else None)
        if callee is None:
            continue
        for position, arg in [*((str(i), a) for i, a in enumerate(call.args)), *((k.arg, k.value) for k in call.keywords if k.arg)]:
            if isinstance(arg, ast.Starred):
                break
            if isinstance(arg, ast.Name) and arg.id in whole:
                out.append((arg.id, callee, position, arg))
            elif (last := _appended_parameter(arg, whole)) is not None:
                out.append((last.id, callee, position + BUILT, last))
    return out


# A position of FunctionSummary.forwards marked so: the argument there is the parameter appended
# to text of the function's own (`open(UPLOAD_DIR + name, "w")`), not the parameter whole. Only a
# rule for which that prefix changes nothing (a path: `../` still climbs out) reads such an entry.
BUILT = "+"


def _appended_parameter(arg: ast.expr, params: set[str]) -> ast.Name | None:
    """The parameter `arg` ends with, after pieces that hold no parameter: `UPLOAD_DIR + name`,
    `f"{BASE}/{name}"`, `os.path.join(BASE, name)`, `API_ENDPOINT.format(name)`."""
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add):
        pieces = [arg.left, arg.right]
    elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[-1], ast.FormattedValue):
        pieces = [v.value if isinstance(v, ast.FormattedValue) else v for v in arg.values]
    elif isinstance(arg, ast.Call) and astutil.dotted(arg.func) in ("os.path.join", "posixpath.join") and arg.args and not arg.keywords:
        pieces = list(arg.args)
    elif _formats_one(arg):
        pieces = [arg.func.value, arg.args[0]]  # `API_ENDPOINT.format(prefix)`: the parameter put into the function's own text
    else:
        return None
    last, before = pieces[-1], pieces[:-1]
    if not (isinstance(last, ast.Name) and last.id in params):
        return None
    if any(isinstance(n, ast.Name) and n.id in params for piece in before for n in astutil.walk(piece)):
        return None
    return last


def _formats_one(arg: ast.expr) -> bool:
    """`TEMPLATE.format(value)`, `"...{}".format(value)`: a named or written template given one value."""
    return (
        isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format"
        and isinstance(arg.func.value, (ast.Name, ast.Constant)) and len(arg.args) == 1 and not arg.keywords
    )


def _checked_forwards(calls: list[tuple[str, str, str, ast.Name]], loads: Mapping[int, object]) -> tuple[tuple[str, str, str, frozenset[str]], ...]:
    """FunctionSummary.forwards: each forwarded parameter with the sinks it is safe for where it is
    handed on, on every call (`if is_safe_url(url): return redirect(url)`: safe for redirects), as
    the function's flow pass (`loads`: its bindings at each name read) saw it; none without one."""
    out: dict[tuple[str, str, str], frozenset[str]] = {}
    for param, callee, position, arg in calls:
        binding = loads.get(id(arg))
        safe = frozenset()
        if binding is not None:
            # every part the name holds there (a view's URL parameter, the parameter itself) checked alike
            held = [p.safe_for for p in binding.origin.parts]
            safe = functools.reduce(taint.meet, held) if held else frozenset()
        key = (param, callee, position)
        out[key] = taint.meet(out[key], safe) if key in out else safe
    return tuple(sorted((*key, safe) for key, safe in out.items()))


def _ensured(params: tuple[str, ...], exits: list[dict[str, frozenset[str]]]) -> tuple[tuple[str, frozenset[str]], ...]:
    """The parameters the function checked on every path that returns (it raises or aborts
    otherwise), with what for: `exits[0]` is the entry, the others the normal exits."""
    if len(exits) < 2:
        return ()
    entry, returns = exits[0], exits[1:]
    out = []
    for param in params:
        assumed = entry.get(param)
        if assumed is None or "*" in assumed or any(param not in state for state in returns):
            continue
        checked = returns[0][param]
        for state in returns[1:]:
            checked = taint.meet(checked, state[param])
        checked = checked if "*" in checked else checked - assumed
        if checked:
            out.append((param, frozenset(checked)))
    return tuple(out)


def _join(origins: Iterable[taint.Origin]) -> taint.Origin:
    out = taint.CONSTANT
    for origin in origins:
        out = out.join(origin)
    return out


def _returned(returned: taint.Origin) -> tuple:
    """(returns_params, returns_untrusted, returns_unknown) of what a function returns."""
    by_param: dict[str, frozenset[str] | None] = {}
    by_label: dict[str, frozenset[str] | None] = {}
    unknown = False
    for part in returned.parts:
        if part.kind == taint.PARAM:
            # a parameter is safe for a sink only if it is safe on every path
            old = by_param.get(part.label)
            by_param[part.label] = part.safe_for if old is None else taint.meet(old, part.safe_for)
        elif part.kind == taint.UNTRUSTED:
            old = by_label.get(part.label)
            by_label[part.label] = part.safe_for if old is None else taint.meet(old, part.safe_for)
        elif not part.is_safe_for(taint.Sink.ANY):
            unknown = True
    return (
        tuple(sorted((p, s or frozenset()) for p, s in by_param.items())),
        tuple(sorted((label, s or frozenset()) for label, s in by_label.items())),
        unknown,
    )


def _factory_aliases(trees: list[ast.Module], module: ModuleSymbols, external: Mapping | None, wanted: frozenset[str] | None) -> dict[str, Declaration]:
    """Names the module binds to what a dependency factory returns (`ViewNode =
    require_scopes("node.view")`, `require_scopes` defined here or summarised in the module it
    is imported from): dependency aliases, as `CurrentUser = Annotated[User,
    Depends(get_current_user)]` is."""
    # Only the callees of `made_by` are asked whether they are factories defined here: asking
    # every top-level function walked all their returns at each call, which units and
    # importers make many times per module (16 s of a 350 s profile of the standard library).
    defined: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] | None = None
    out: dict[str, Declaration] = {}
    for name, callee in module.made_by.items():
        if wanted is not None and name not in wanted:
            continue
        local = callee in module.dependency_factories
        if not local:
            if defined is None:
                defined = {}
                for tree in trees:
                    for key, func in top_level_functions(tree):
                        defined.setdefault(key, []).append(func)
            local = any(frameworks.returns_dependency(func) for func in defined.get(callee, ()))
        found = external.get(callee) if external is not None and "." in callee and not local else None
        if local or isinstance(found, FunctionSummary) and found.returns_dependency:
            out[name] = Declaration(name, dependency=True)
    return out


def qualify_in(node: ast.AST, module: ModuleSymbols, loads: dict[int, bindings.Binding]) -> str | None:
    """The qualified name of `node` (ModuleSymbols.qualified, without reading names as a star
    import's: a summary holds only what the module itself binds)."""
    return module.qualified(node, loads, star_imports=False)


def top_level_functions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """(name, def) for functions defined at the top level, and methods as `Class.method`."""
    out = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append((stmt.name, stmt))
        elif isinstance(stmt, ast.ClassDef):
            for inner in stmt.body:
                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out.append((f"{stmt.name}.{inner.name}", inner))
    return out


def references(tree: ast.Module) -> tuple[frozenset[str], frozenset[str]]:
    """The names a unit reads, and the functions it may call: those names
    plus `Class.method` for `Class.method` and, inside a class, `self.method` (of the class
    or of a base class: the value pass resolves `self.method` in both)."""
    names: set[str] = set()
    pairs: set[str] = set()
    defined = [s for s in tree.body if isinstance(s, ast.ClassDef)]
    classes = [c.name for c in defined] + [base for c in defined for base in base_names(c)]
    made: dict[str, set[str]] = {}  # `thing = Thing(...)`: the classes a name is made by
    attributes: list[tuple[str, str]] = []
    for node in astutil.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            base = node.value.id
            if base in ("self", "cls"):
                pairs.update(f"{c}.{node.attr}" for c in classes)
            else:
                pairs.add(f"{base}.{node.attr}")
                attributes.append((base, node.attr))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
            pairs.add(f"{node.value.func.id}.{node.attr}")  # `Thing("x").do(...)`: a method of the class
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    made.setdefault(target.id, set()).add(node.value.func.id)
    pairs.update(f"{owner}.{attr}" for base, attr in attributes for owner in made.get(base, ()))
    frozen = frozenset(names)
    return frozen, frozen | pairs


def summarize_module(*args, **kwargs) -> dict[str, FunctionSummary]:
    """`summarize_module_steps` run straight through (the same arguments, without `pace`)."""
    return finish(summarize_module_steps(*args, **kwargs))


def summarize_module_steps(
    trees: list[ast.Module],
    module: ModuleSymbols,
    external: Mapping[str, FunctionSummary] | None = None,
    sources: dict[str, str] | None = None,
    sanitizers: dict[str, frozenset[str]] | None = None,
    names: frozenset[str] | None = None,
    wanted: frozenset[str] | None = None,
    computed: dict[str, FunctionSummary] | None = None,
    pace: Pace | None = None,
    remembered: dict[str, tuple[FunctionSummary, dict]] | None = None,
) -> Steps[dict[str, FunctionSummary]]:
    """Summaries of the functions defined in `trees` (one module or one unit), and the
    declarations of its classes and dependency aliases (`Declaration`).

    With `pace`, pauses between two functions when it is due (engine/pacing.py): a
    5,000-line class holds a few hundred methods, half a second of work in all.

    With `wanted`, only those functions (by name) and what they call are
    summarised: another module imports just these. `computed` holds the
    summaries of an earlier call for the same trees (reused, and filled). `remembered`
    holds each function's summary with what it read of the others, from an earlier
    computation of the same trees: a function whose reads still give the same keeps
    its summary (workspace.py settles an import cycle by computing its modules again,
    and most of a module's functions read nothing the cycle changed). It is filled
    with what this computation read.

    Functions are summarised callees first, so one pass is enough unless
    they call each other in a cycle (recursion), which gets more rounds.
    `names`, if given, are the names the trees read: when none of them is
    a function defined here (the usual unit), no call graph is needed.
    """
    pieces = {stmt.name: base_names(stmt) for tree in trees for stmt in tree.body if isinstance(stmt, ast.ClassDef) and stmt.name not in module.class_bases}
    if pieces:  # the classes of a module read in pieces (`wanted`): their bases (an exception's, engine/raised.py)
        module = replace(module, class_bases={**module.class_bases, **pieces})
    declared = {**declarations(trees, module, wanted), **_factory_aliases(trees, module, external, wanted)}
    if computed is not None:
        computed.update(declared)
    defs = [(name, func) for tree in trees for name, func in top_level_functions(tree)]
    if not defs:
        return declared
    keys = [name for name, _ in defs]
    by_head: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        by_head.setdefault(key.split(".", 1)[0], []).append(index)
    methods = any("." in key for key in keys)
    include: set[int] | None = None
    if wanted is not None:
        include = set()
        needs = [set() for _ in defs]
        frontier = [i for i, key in enumerate(keys) if key in wanted]
        while frontier:
            index = frontier.pop()
            if index in include:
                continue
            include.add(index)
            if computed is not None and keys[index] in computed:
                continue  # summarised by an earlier call, with what it calls
            needs[index] = _needs(keys[index], defs[index][1], by_head, keys)
            frontier.extend(needs[index] - include)
        if not include:
            return declared
    elif names is not None and not methods and by_head.keys().isdisjoint(names):
        needs = [set() for _ in defs]
    else:
        needs = [_needs(key, func, by_head, keys) for key, func in defs]
    order = callees_first(needs) if include is None else [i for i in callees_first(needs) if i in include]
    # what is summarised here must not leak into the caller's mapping, which keeps its local entries
    known = external.layered() if isinstance(external, LazySummaries) else dict(external or {})
    current: dict[str, FunctionSummary] = {}
    pending: list[int] = []
    done: set[int] = set()
    for index in order:
        if computed is not None and keys[index] in computed:
            current[keys[index]] = known[keys[index]] = computed[keys[index]]
            done.add(index)
            continue
        if not needs[index] <= done:
            pending.append(index)  # calls something not summarised yet: a cycle
        _summarize_into(defs[index], module, known, current, sources, sanitizers, remembered)
        done.add(index)
        if pace is not None and pace.due():
            yield
    for _ in range(_MAX_ROUNDS - 1):
        if not pending:
            break
        changed = False
        for index in pending:
            before = current.get(keys[index])
            _summarize_into(defs[index], module, known, current, sources, sanitizers, remembered)
            changed |= current.get(keys[index]) != before
            if pace is not None and pace.due():
                yield
        if not changed:
            break
    if computed is not None:
        computed.update(current)
    return {**declared, **{k: v for k, v in current.items() if worth_keeping(v)}}


def worth_keeping(entry: "FunctionSummary | Declaration") -> bool:
    """A function that returns unknown data and nothing else needs no summary: the flow
    pass treats calls to unknown functions the same way. One that returns None unless it found
    its argument (`ensures_when_found`) tells its callers so, one that drops some of its
    arguments (`unreturned`) that its result holds none of them, a predicate (`validates`:
    `return name.isalnum()`) what its truth says of them, one that returns only after checking
    them (`ensures`) that they passed, one that makes a container (`returns_container`) that
    its callers hold one, one that raises (`raises`, `raises_instead_of_none`) which of their
    handlers a call can reach, and a placeholder that its result is no request's (on a view's `self`)."""
    return isinstance(entry, Declaration) or bool(
        entry.returns_params or entry.returns_untrusted or not entry.returns_unknown or entry.elements or entry.ensures_when_found or entry.unreturned or entry.unreturned_exceptions
        or entry.returns_dependency or entry.authenticates or entry.forwards or entry.validates or entry.ensures or entry.returns_container or entry.returns_row
        or entry.raises or entry.raises_instead_of_none or entry.found_first_raises or entry.placeholder
    )


def _summarize_into(item, module, known: dict, current: dict, sources, sanitizers, remembered: dict | None = None) -> None:
    name, func = item
    owner = name.split(".", 1)[0] if "." in name else None
    recording = remembered is not None and isinstance(known, LazySummaries)
    if recording:
        kept = remembered.pop(name, None)  # type: ignore[union-attr]
        if kept is not None and known.reads_again(kept[1]):  # type: ignore[attr-defined]
            remembered[name] = kept  # type: ignore[index]
            current[name] = known[name] = kept[0]
            return
        known.reads = {}  # type: ignore[attr-defined]
    try:
        summary = summarize_function(func, module, known, sources, sanitizers, name=name.rsplit(".", 1)[-1], class_name=owner)
    except RecursionError:
        return
    finally:
        if recording:
            reads, known.reads = known.reads, None  # type: ignore[attr-defined]
    current[name] = summary
    known[name] = summary
    if recording:
        remembered[name] = (summary, reads)  # type: ignore[index]


def _needs(key: str, func: ast.AST, by_head: dict[str, list[int]], keys: list[str]) -> set[int]:
    """Indices of the functions (of the same trees) that `func` may call."""
    owner = key.split(".", 1)[0] if "." in key else None
    out: set[int] = set()
    for node in astutil.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            out.update(by_head.get(node.id, ()))
        elif owner and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            wanted = f"{owner}.{node.attr}"
            out.update(i for i in by_head.get(owner, ()) if keys[i] == wanted)
        elif owner and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call) and astutil.last_name(node.value.func) == "super":
            out.update(i for i, k in enumerate(keys) if k.endswith(f".{node.attr}") and k != key)  # a base's: any class's of that name here
    return out


def callees_first(needs: list[set[int]]) -> list[int]:
    """An order of 0..n-1 in which each item comes after the items it needs (cycles broken anywhere)."""
    state = [0] * len(needs)  # 0 new, 1 on the stack, 2 done
    order: list[int] = []
    for start in range(len(needs)):
        if state[start]:
            continue
        state[start] = 1
        stack = [(start, iter(needs[start]))]
        while stack:
            node, pending = stack[-1]
            for following in pending:
                if state[following] == 0:
                    state[following] = 1
                    stack.append((following, iter(needs[following])))
                    break
            else:
                state[node] = 2
                order.append(node)
                stack.pop()
    return order
