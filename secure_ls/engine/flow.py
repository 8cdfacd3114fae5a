"""Where a value comes from: a constant, a parameter, untrusted input, or unknown.

One forward pass over each function body records, for every variable read,
the origin of the value it holds at that point: assignments, augmented
assignments, branches (joined), loops (run twice), `with ... as`, `for`
targets, comprehension variables and walrus assignments. Rules then ask
`origin(expr)` for any expression, which combines the recorded origins of
the names it reads.

This is what lets a rule stay quiet on `cur.execute("SELECT " + COLUMNS)`
and speak up on `cur.execute("SELECT " + request.args["c"])`, and what the
taint findings' "how it got here" path is built from.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

if TYPE_CHECKING:
    from secure_ls.engine.summaries import FunctionSummary

from secure_ls.engine import astutil, catalog

PARAM = "param"
UNKNOWN = "unknown"
UNTRUSTED = "untrusted"
RANK = {UNTRUSTED: 3, PARAM: 2, UNKNOWN: 1}
"""How bad a value of each kind is at a sink, for choosing the worst part of an
origin: untrusted (the attacker's data) over param (the caller's) over unknown."""
ALL = frozenset({"*"})

Step = tuple[int, int, int, int, str]  # ast line, col, end line, end col, what happened


@dataclass(frozen=True)
class Part:
    """One way a value may be non-constant."""

    kind: str  # PARAM, UNKNOWN or UNTRUSTED
    label: str  # the parameter's name, or the source ("the Flask request")
    safe_for: frozenset[str] = frozenset()  # sink classes a sanitizer made it safe for
    steps: tuple[Step, ...] = ()  # the path the value took, for untrusted data

    def is_safe_for(self, sink: str) -> bool:
        return "*" in self.safe_for or sink in self.safe_for


def describe_parameter(label: str) -> str:
    """How a message names a PARAM part: a plain parameter by its name, a parameter
    reached through an instance attribute by its own description (see
    `instance_attribute_origins`: "the constructor parameter `folder`")."""
    return f"the parameter `{label}`" if label.isidentifier() else label


class Origin:
    """The union of the ways a value may be non-constant; empty means constant.

    An origin can be *deferred*: computed on first use. The flow pass records
    every assignment, but rules ask about few values (the ones reaching a
    sink), and computing an origin can mean summarising a function in another
    module. So an assignment's origin is a thunk over the bindings its names
    had at that point; joins, sanitizers and steps on deferred origins stay
    deferred. Chains are forced when they grow deep (long functions must not
    exhaust the stack when a rule finally asks).
    """

    __slots__ = ("_parts", "_compute", "_depth")

    def __init__(self, parts: frozenset[Part] = frozenset()):
        self._parts = parts
        self._compute: Callable[[], frozenset[Part]] | None = None
        self._depth = 0

    @classmethod
    def deferred(cls, compute: Callable[[], frozenset[Part]], depth: int) -> "Origin":
        if depth > _MAX_DEFERRED_DEPTH:
            return cls(compute())
        origin = cls()
        origin._compute = compute
        origin._depth = depth
        return origin

    @property
    def parts(self) -> frozenset[Part]:
        compute = self._compute
        if compute is not None:
            self._compute = None  # a value can never need itself; if it did, it reads as constant
            self._parts = compute()
            self._depth = 0
        return self._parts

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Origin) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __repr__(self) -> str:
        return f"Origin({set(self.parts) if self._compute is None else 'deferred'})"

    @property
    def is_constant(self) -> bool:
        return not self.parts

    def join(self, other: "Origin") -> "Origin":
        if self._compute is not None or other._compute is not None:
            return Origin.deferred(lambda: _joined(self.parts, other.parts), max(self._depth, other._depth) + 1)
        if not other._parts:
            return self
        if not self._parts:
            return other
        return Origin(_joined(self._parts, other._parts))

    def sanitized(self, sinks: frozenset[str]) -> "Origin":
        if self._compute is not None:
            return Origin.deferred(lambda: _sanitized(self.parts, sinks), self._depth + 1)
        return Origin(_sanitized(self._parts, sinks))

    def with_step(self, step: Step) -> "Origin":
        if self._compute is not None:
            return Origin.deferred(lambda: _stepped(self.parts, step), self._depth + 1)
        return Origin(_stepped(self._parts, step))

    def risk(self, sink: str = "*") -> Part | None:
        """The worst way this value reaches a sink of class `sink`, or None if it is safe."""
        worst = None
        for part in self.parts:
            if part.is_safe_for(sink):
                continue
            # ties broken by content, never by set order: the same code must give
            # the same message however it was reached (incremental or fresh analysis)
            if worst is None or _part_order(part) > _part_order(worst):
                worst = part
        return worst


# Deferred origins built on deferred origins deeper than this are computed at once.
_MAX_DEFERRED_DEPTH = 48


def _joined(a: frozenset[Part], b: frozenset[Part]) -> frozenset[Part]:
    if not b:
        return a
    if not a:
        return b
    merged = a | b
    if len(merged) > 12:  # keep long chains of joins cheap: keep the worst few
        merged = frozenset(sorted(merged, key=_part_order, reverse=True)[:12])
    return merged


def _sanitized(parts: frozenset[Part], sinks: frozenset[str]) -> frozenset[Part]:
    return frozenset(replace(p, safe_for=p.safe_for | sinks) for p in parts)


def _stepped(parts: frozenset[Part], step: Step) -> frozenset[Part]:
    return frozenset(replace(p, steps=(p.steps + (step,))[-8:]) if p.kind == UNTRUSTED else p for p in parts)


CONSTANT = Origin()


def _part_order(part: Part) -> tuple:
    return (RANK[part.kind], part.steps, part.label, tuple(sorted(part.safe_for)))


def _step(node: ast.AST, text: str) -> Step:
    return (
        node.lineno,
        node.col_offset,
        getattr(node, "end_lineno", node.lineno) or node.lineno,
        getattr(node, "end_col_offset", node.col_offset) or node.col_offset,
        text,
    )


@dataclass
class Binding:
    origin: Origin
    # the expressions assigned to the name on the paths reaching this point
    values: tuple[ast.expr, ...] = ()
    alias: str | None = None  # the qualified name the variable stands for (h = hashlib.md5)
    function: bool = False  # bound by a `def` (so a call may use the function's summary)
    # A dict, list or tuple literal whose items sit under constant keys (`{"term": q, "table":
    # "posts"}`): the origin of each item, so that reading `d["table"]` is not tainted by
    # `d["term"]`. Kept while the name is only read and written through constant keys; any
    # other use (passed on, a method called, `del`, a non-constant key) drops it, and reads
    # then fall back to `origin`, which always holds every item.
    fields: dict[object, Origin] | None = None


Env = dict[str, Binding]


@dataclass
class ScopeFacts:
    """What one pass over a scope learned; looked up by rules through the context."""

    loads: dict[int, Binding] = field(default_factory=dict)  # id(Name node) -> binding
    returns: list[Origin] = field(default_factory=list)
    # method passes only: attribute of the instance (`self.<name> = ...`) -> what was stored in it
    attribute_stores: dict[str, Origin] = field(default_factory=dict)
    # ... and the expressions stored whole (the target itself for a partial store: `self.x[k] = v`)
    attribute_values: dict[str, tuple[ast.expr, ...]] = field(default_factory=dict)
    dead: list[tuple[int, int]] = field(default_factory=list)  # line ranges that never run


class FlowAnalyzer:
    """Runs the forward pass over a function (or module/class body)."""

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
        typed_fields: Mapping[str, frozenset[str]] | None = None,
        instance_attributes: "Callable[[], InstanceAttributes] | None" = None,
        describe_parameters: bool = False,
        record_classes: Mapping[str, frozenset[str]] | None = None,
        enum_classes: Iterable[str] = (),
        translation_tables: Mapping[str, frozenset[str]] | None = None,
        constant_values: tuple[Mapping[str, object], ...] = (),
    ):
        self._qualify = qualify
        self._constants = module_constants
        self._sources = sources if sources is not None else catalog.SOURCE_NAMES
        self._sanitizers = sanitizers if sanitizers is not None else catalog.SANITIZERS
        self._summaries = function_summaries or {}
        self._class = class_name  # the class whose method this is: `self.helper()` calls resolve in it
        packages = {m.split(".", 1)[0] for m in imported_modules}
        self._django = "django" in packages
        # the frameworks this file uses: their handler shapes and request-reading methods apply
        self._frameworks = tuple(f for f in catalog.FRAMEWORKS if f.module in packages)
        self._class_bases = tuple(class_bases)  # last names of the enclosing class's bases
        self._typed_fields = typed_fields or {}  # form/serializer class -> its number/choice fields
        self._record_classes = record_classes or {}  # dataclass/NamedTuple -> its number/date/UUID fields
        self._enum_classes = frozenset(enum_classes)  # the module's Enum classes (route parameters typed so)
        self._translation_tables = translation_tables or {}  # module-level `str.maketrans` tables -> characters mapped
        self._constant_values = constant_values  # the module's literal constants by name (strings, numbers, flags)
        # what the enclosing class's methods store on `self` (asked lazily: most methods never read one)
        self._instance_attributes = instance_attributes
        # label parameters with their method ("the constructor parameter `x`") so that they stay
        # recognisable, and never collide with a parameter name, once read in another method
        self._describe_parameters = describe_parameters
        self._instance: str | None = None  # the method's `self` parameter, once run_function knows it
        self.read_instance_attributes = False  # whether the pass read `self.<name>` (the class pass iterates then)
        self.facts = ScopeFacts()
        # argparse options declared here with `choices=CONSTANTS` or `type=int`: `args.<dest>` holds one of those
        self._constrained_options: set[str] = set()
        # while a deferred origin is computed: the bindings its names had where it was made
        self._overlay: dict[int, Binding] | None = None

    # ---- the pass -------------------------------------------------------
    def run_function(self, func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, outer: Env | None) -> ScopeFacts:
        env: Env = dict(outer or {})
        self._instance = _instance_parameter(func) if self._class is not None else None
        route = is_route_handler(func)
        url_kwargs = not route and self._takes_url_parameters(func)
        wsgi = _wsgi_environ(func)
        defaults = _defaults(func.args)
        for arg in _all_args(func.args):
            dependency = _dependency(defaults.get(arg.arg), arg.annotation) if route else None
            if dependency is not None and self._dependency_origin(dependency) is not None:
                # FastAPI `Depends(get_settings)`: whatever get_settings returns
                env[arg.arg] = Binding(self._dependency_origin(dependency))
                continue
            if route and _is_client_parameter(arg, defaults.get(arg.arg)):
                # `id: int`, `<int:id>`: the framework converts the value (or rejects the request)
                converted = ALL if _is_converted_parameter(arg, func, self._enum_classes) else frozenset()
                part = Part(UNTRUSTED, f"the route parameter `{arg.arg}`", converted, steps=(_step(arg, f"`{arg.arg}` comes from the client"),))
            elif arg.arg == wsgi:
                part = Part(UNTRUSTED, "the WSGI environ", steps=(_step(arg, f"`{arg.arg}` is the request (a WSGI application)"),))
            elif url_kwargs and arg.arg in url_kwargs:
                part = Part(UNTRUSTED, f"the URL parameter `{arg.arg}`", steps=(_step(arg, f"`{arg.arg}` comes from the URL"),))
            else:
                part = Part(PARAM, self._parameter_label(func, arg.arg))
            env[arg.arg] = Binding(Origin(frozenset({part})))
        if isinstance(func, ast.Lambda):
            self._expr(func.body, env, record_only=True)
        else:
            self._block(func.body, env)
        return self.facts

    def _parameter_label(self, func: ast.AST, name: str) -> str:
        if not self._describe_parameters or name == self._instance or isinstance(func, ast.Lambda):
            return name
        if func.name == "__init__":
            return f"the constructor parameter `{name}`"
        return f"the parameter `{name}` of `{func.name}()`"

    def _takes_url_parameters(self, func: ast.AST) -> frozenset[str]:
        """The parameters of a view or handler method that the framework fills from the URL:
        `def view(request, slug)` (Django), `def get(self, request, pk)` (Django class-based),
        `def get(self, slug)` on a Tornado `RequestHandler`, `def on_get(self, req, resp, user_id)` (Falcon)."""
        if isinstance(func, ast.Lambda):
            return frozenset()
        params = [a.arg for a in _all_args(func.args)]
        if self._django and _is_django_function_view(func):
            return frozenset(params) - catalog.NON_DATA_PARAMETERS
        if self._class is None:
            return frozenset()
        for framework in self._frameworks:
            leading = framework.handler_leading
            if func.name not in framework.handler_methods or len(params) <= len(leading):
                continue
            if any(want is not None and want != have for want, have in zip(leading, params)):
                continue
            suffix = framework.handler_base_suffix
            if suffix is not None and not any(base.endswith(suffix) for base in self._class_bases):
                continue
            return frozenset(params[len(leading) :]) - catalog.NON_DATA_PARAMETERS
        return frozenset()

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
        return catalog.SOURCE_METHODS.get(func.attr)

    def run_block(self, body: list[ast.stmt], outer: Env | None = None) -> tuple[ScopeFacts, Env]:
        env: Env = dict(outer or {})
        self._block(body, env)
        return self.facts, env

    def _block(self, body: Iterable[ast.stmt], env: Env) -> bool:
        """Runs statements; returns False when the block always leaves (return/raise/...)."""
        body = list(body)
        for index, stmt in enumerate(body):
            if not self._stmt(stmt, env):
                if index + 1 < len(body):
                    rest = body[index + 1 :]
                    self.facts.dead.append((rest[0].lineno, getattr(rest[-1], "end_lineno", None) or rest[-1].lineno))
                return False
        return True

    def _stmt(self, stmt: ast.stmt, env: Env) -> bool:
        if isinstance(stmt, ast.Assign):
            names: dict[int, Binding] = {}
            origin = self._value(stmt.value, env, names)
            for target in stmt.targets:
                self._bind(target, origin, stmt.value, env, names)
        elif isinstance(stmt, ast.AnnAssign):
            self._expr(stmt.annotation, env, record_only=True)
            if stmt.value is not None:
                names = {}
                self._bind(stmt.target, self._value(stmt.value, env, names), stmt.value, env, names)
        elif isinstance(stmt, ast.AugAssign):
            origin = self._value(stmt.value, env)
            if isinstance(stmt.target, ast.Name):
                old = env.get(stmt.target.id)
                old_origin = old.origin if old else self._name_origin(stmt.target.id)
                values = (old.values if old else ()) + (stmt.value,)
                env[stmt.target.id] = Binding(old_origin.join(origin), values[-6:])
            else:
                self._expr(stmt.target, env)
                self._record_attribute_store(stmt.target, origin, None)
                target = stmt.target
                key = _constant_key(target.slice) if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) else None
                old = env.get(target.value.id) if key is not None else None
                if old is not None and old.fields is not None:
                    # `d["k"] += v`: item k (and the whole) now also holds v
                    fields = {**old.fields, key: old.fields.get(key, old.origin).join(origin)}
                    env[target.value.id] = Binding(old.origin.join(origin), old.values, old.alias, fields=fields)
        elif isinstance(stmt, (ast.Return,)):
            if stmt.value is not None:
                self.facts.returns.append(self._value(stmt.value, env))
            return False
        elif isinstance(stmt, ast.Raise):
            if stmt.exc is not None:
                self._expr(stmt.exc, env, record_only=True)
            return False
        elif isinstance(stmt, (ast.Break, ast.Continue)):
            return False
        elif isinstance(stmt, ast.Expr):
            names = {}
            self._expr(stmt.value, env, record_only=True, seen=names)  # the value is dropped: only its reads matter
            self._note_constrained_option(stmt.value)
            self._container_write(stmt.value, env, names)
            if _is_abort_call(stmt.value, self._qualify):
                return False
        elif isinstance(stmt, ast.If):
            return self._if(stmt, env)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            origin = self._value(stmt.iter, env)
            for _ in range(2):  # a second round sees values assigned late in the body
                self._bind(stmt.target, origin, None, env)
                inner = dict(env)
                self._block(stmt.body, inner)
                _join_into(env, inner)
            self._block(stmt.orelse, env)
        elif isinstance(stmt, ast.While):
            self._expr(stmt.test, env, record_only=True)
            for _ in range(2):
                inner = dict(env)
                self._block(stmt.body, inner)
                _join_into(env, inner)
            self._block(stmt.orelse, env)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                origin = self._value(item.context_expr, env)
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, origin, item.context_expr, env)
            return self._block(stmt.body, env)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            start = dict(env)
            body_env = dict(env)
            falls = self._block(stmt.body, body_env)
            contained = self._contained_paths(stmt, body_env)
            ends = [body_env] if falls else []
            if falls:
                falls = self._block(stmt.orelse, body_env)
                if not falls:
                    ends = []
            for handler in stmt.handlers:
                h_env = dict(start)
                _join_into(h_env, body_env)
                if handler.name:
                    h_env[handler.name] = Binding(Origin(frozenset({Part(UNKNOWN, handler.name)})))
                if self._block(handler.body, h_env):
                    ends.append(h_env)
                    if _catches(handler, "ValueError"):
                        contained = set()  # the failed check falls through too
            if contained and falls:
                # `try: p.relative_to(ROOT) except ValueError: raise`: past the try, p is inside ROOT
                _mark_safe(body_env, contained, _PATH_SINKS)
            merged = ends[0] if ends else dict(start)
            for other in ends[1:]:
                _join_into(merged, other)
            env.clear()
            env.update(merged)
            self._block(stmt.finalbody, env)
            return bool(ends)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for deco in stmt.decorator_list:
                self._expr(deco, env, record_only=True)
            env[stmt.name] = Binding(Origin(frozenset({Part(UNKNOWN, stmt.name)})), function=True)
            # nested scopes are analysed separately, with this env as their closure
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            from secure_ls.engine.symbols import import_bindings

            for local, qualified in import_bindings(stmt):
                env[local] = Binding(CONSTANT, alias=qualified)
        elif type(stmt).__name__ == "Match":
            subject = self._value(stmt.subject, env)
            taken = self._static_case(stmt, env)
            if taken is not None:
                # `match DIALECT:` on a literal constant: only the case it selects runs
                for case in stmt.cases:
                    if case is not taken and case.body:
                        self.facts.dead.append((case.body[0].lineno, getattr(case.body[-1], "end_lineno", None) or case.body[-1].lineno))
                return self._block(taken.body, env)
            ends = []
            exhaustive = False
            for case in stmt.cases:
                c_env = dict(env)
                # `case "title" | "author" as field:` holds one of those literals
                literal = _is_literal_pattern(case.pattern)
                captured = subject.sanitized(ALL) if literal else subject
                for node in astutil.walk(case.pattern):
                    name = getattr(node, "name", None) or (getattr(node, "rest", None) if type(node).__name__ == "MatchMapping" else None)
                    if isinstance(name, str):
                        c_env[name] = Binding(captured)
                if literal and isinstance(stmt.subject, ast.Name):
                    _mark_safe(c_env, {stmt.subject.id})
                if case.guard is not None:
                    self._expr(case.guard, c_env, record_only=True)
                elif _is_irrefutable_pattern(case.pattern):
                    exhaustive = True  # `case _:`: no value falls through the match
                if self._block(case.body, c_env):
                    ends.append(c_env)
            if exhaustive:
                if not ends:
                    return False
                env.clear()
                env.update(ends[0])
                ends = ends[1:]
            for other in ends:
                _join_into(env, other)
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    env.pop(target.id, None)
        else:
            for child in astutil.children(stmt):
                if isinstance(child, ast.expr):
                    self._expr(child, env, record_only=True)
        return True

    def _if(self, stmt: ast.If, env: Env) -> bool:
        self._expr(stmt.test, env, record_only=True)
        truth = self._static(stmt.test, env)
        if truth is not _NOT_STATIC:
            # `if False:`, `if DEBUG:` with `DEBUG = False`, `if MODE == "sqlite":`: one branch never runs
            taken, dead = (stmt.body, stmt.orelse) if truth else (stmt.orelse, stmt.body)
            if dead:
                self.facts.dead.append((dead[0].lineno, getattr(dead[-1], "end_lineno", None) or dead[-1].lineno))
            return self._block(taken, env)
        then_env = dict(env)
        else_env = dict(env)
        validated, when, sinks = _validation(stmt.test, self._qualify, self._origin, self._single_value, self.summary_of)
        if any("." in name for name in validated):
            for node in astutil.walk(stmt.test):
                path = _field_path(node)
                if path in validated and path not in env:
                    # a validated field (`f.key`) is tracked like a name from here on
                    then_env[path] = else_env[path] = Binding(self._origin(node))
        # `if x not in ALLOWED: return` makes x safe after the if; so does the
        # positive branch of `if x in ALLOWED:`.
        if validated and when:
            _mark_safe(then_env, validated, sinks)
        elif validated:
            _mark_safe(else_env, validated, sinks)
        then_falls = self._block(stmt.body, then_env)
        else_falls = self._block(stmt.orelse, else_env)
        if then_falls and else_falls:
            env.clear()
            env.update(then_env)
            _join_into(env, else_env)
        elif then_falls:
            env.clear()
            env.update(then_env)
        elif else_falls:
            env.clear()
            env.update(else_env)
        else:
            return False
        return True

    def _static_case(self, stmt, env: Env):
        """The case a `match` on a literal constant selects (None: not known before run time)."""
        value = self._static(stmt.subject, env)
        if value is _NOT_STATIC:
            return None
        for case in stmt.cases:
            if case.guard is not None:
                return None
            patterns = case.pattern.patterns if type(case.pattern).__name__ == "MatchOr" else [case.pattern]
            for pattern in patterns:
                kind = type(pattern).__name__
                if kind == "MatchValue" and self._static(pattern.value) is not _NOT_STATIC:
                    if self._static(pattern.value) == value:
                        return case
                elif kind == "MatchSingleton":
                    if pattern.value is value:
                        return case
                elif _is_irrefutable_pattern(pattern) and kind == "MatchAs" and pattern.name is None:
                    return case  # `case _:`
                else:
                    return None  # a capture or a class pattern: leave it to the general pass
        return None

    def _note_constrained_option(self, call: ast.expr) -> None:
        """`parser.add_argument("env", choices=ENVIRONMENTS)` / `add_argument("--n", type=int)`:
        argparse rejects any other value, so the parsed attribute is safe for every sink."""
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "add_argument"):
            return
        keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
        choices, kind = keywords.get("choices"), keywords.get("type")
        constrained = choices is not None and self._origin(choices).is_constant
        constrained = constrained or kind is not None and self._sanitizers.get(self._qualify(kind) or "") == ALL
        if not constrained:
            return
        dest = keywords.get("dest")
        if isinstance(dest, ast.Constant) and isinstance(dest.value, str):
            self._constrained_options.add(dest.value)
            return
        flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        # argparse's dest: the first long option, else the first flag, without dashes
        named = next((f for f in flags if f.startswith("--")), flags[0] if flags else None)
        if named is not None:
            self._constrained_options.add(named.lstrip("-").replace("-", "_"))

    def _is_constrained_option(self, node: ast.Attribute) -> bool:
        """`args.env` where `args = parser.parse_args()` and `env` was declared with fixed choices."""
        if node.attr not in self._constrained_options or not isinstance(node.value, ast.Name):
            return False
        made = self._single_value(node.value)
        return isinstance(made, ast.Call) and isinstance(made.func, ast.Attribute) and made.func.attr.startswith("parse_")

    def _contained_paths(self, stmt: ast.Try, env: Env) -> set[str]:
        """Names a `try` body checks with `resolved.relative_to(BASE)`, when a handler catches the
        ValueError it raises for a path outside BASE (the handler must leave; see the caller)."""
        if not any(_catches(h, "ValueError") for h in stmt.handlers):
            return set()
        names = set()
        for inner in stmt.body:
            call = inner.value if isinstance(inner, (ast.Expr, ast.Assign)) else None
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "relative_to"):
                continue
            receiver = call.func.value
            resolved = isinstance(receiver, ast.Call) and self._is_resolving(receiver)
            while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
                receiver = receiver.func.value  # `p.resolve().relative_to(ROOT)`
            if not isinstance(receiver, ast.Name) or receiver.id not in env:
                continue
            values = env[receiver.id].values
            # without resolving first, `ROOT / "../etc"` is "relative to" ROOT
            if resolved or values and all(isinstance(v, ast.Call) and self._is_resolving(v) for v in values):
                names.add(receiver.id)
        return names

    def _is_resolving(self, call: ast.Call) -> bool:
        """`p.resolve()`, `os.path.realpath(p)`, `os.path.abspath(p)`: no `..` left in the result."""
        if isinstance(call.func, ast.Attribute) and call.func.attr == "resolve":
            return True
        return self._qualify(call.func) in ("os.path.realpath", "os.path.abspath")

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
            else:
                for t in target.elts:
                    self._bind(t, origin, None, env)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, origin, None, env)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            field = _field_path(target)
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
                key = _constant_key(target.slice) if isinstance(target, ast.Subscript) and target.value is base else None
                if old.fields is not None and key is not None:
                    # `d["k"] = v` on a literal with constant keys: item k now holds v, the others keep theirs
                    env[base.id] = Binding(old.origin.join(origin), old.values, old.alias, fields={**old.fields, key: origin})
                elif not origin.is_constant:
                    env[base.id] = Binding(old.origin.join(origin), old.values, old.alias)

    def _container_write(self, call: ast.expr, env: Env, names: dict[int, Binding]) -> None:
        """`parts.append(x)`, `buf.write(x)`, `d.update(x)`, `self.items.extend(x)`: the
        container now also holds what it was given. `names`: the bindings the statement's
        reads had (recorded by its walk)."""
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in catalog.CONTAINER_WRITES):
            return
        args = list(call.args) + [k.value for k in call.keywords]
        if all(isinstance(a, ast.Constant) for a in args):
            return
        # deferred, like an assignment's value: most containers never reach a sink
        origin = self._deferred_join(args, names)
        container = call.func.value
        if isinstance(container, ast.Name):
            old = env.get(container.id)
            if old is not None and not old.function:
                env[container.id] = Binding(old.origin.join(origin), old.values, old.alias)
        else:
            self._record_attribute_store(container, origin, None)

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
            keys = [_constant_key(k) if k is not None else None for k in value.keys]
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
        constant = _constant_key(key)
        if binding is None or binding.fields is None or constant is None:
            return None
        return binding.fields.get(constant)

    def _record_attribute_store(self, target: ast.AST, origin: Origin, value: ast.expr | None) -> None:
        """`self.x = v`, `self.x[k] = v`, `self.x.y = v`, `self.x += v`: attribute `x` now holds v."""
        if self._instance is None:
            return
        attribute = _instance_attribute(target, self._instance)
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
            used = _item_use(current)
            if used is not None:
                item_uses.add(id(used))
            path = _field_path(current) if isinstance(current, ast.Attribute) and isinstance(current.ctx, ast.Load) else None
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
            return Origin(frozenset({Part(UNTRUSTED, self._sources[qualified])}))
        return Origin(frozenset({Part(UNKNOWN, name)}))

    def origin(self, node: ast.AST | None) -> Origin:
        """The origin of an expression, from the bindings recorded so far.

        Code that never runs (after a `return`/`raise`, under `if False:`)
        holds no data: its expressions are constant.
        """
        if node is not None and self.facts.dead and _inside(node, self.facts.dead):
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
        if isinstance(node, ast.JoinedStr):
            out = CONSTANT
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    out = out.join(self._origin(value.value))
            return out
        if isinstance(node, ast.FormattedValue):
            return self._origin(node.value)
        if isinstance(node, ast.BinOp):
            return self._origin(node.left).join(self._origin(node.right))
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
            if self._is_typed_field(node.value, node.slice):
                return CONSTANT
            origin = self._field(node.value, node.slice)
            if origin is None:
                origin = self._origin(node.value)
            return origin.with_step(_step(node, "an item is read")) if origin.risk() else origin
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.NamedExpr):
            return self._origin(node.value)
        return Origin(frozenset({Part(UNKNOWN, type(node).__name__)}))

    def _static(self, node: ast.expr, env: Env | None = None):
        """The value of an expression made only of literals and the module's literal constants
        (`DEBUG`, `not DEBUG`, `MODE == "sqlite"`, `A and B`), or _NOT_STATIC."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            bound = env.get(node.id) if env is not None else self._binding(node)
            if bound is not None or node.id not in self._constants:
                return _NOT_STATIC  # a local of that name, or a module name that is not a literal
            for values in self._constant_values:
                if node.id in values:
                    return values[node.id]
            return _NOT_STATIC
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            value = self._static(node.operand, env)
            return _NOT_STATIC if value is _NOT_STATIC else not value
        if isinstance(node, ast.BoolOp):
            values = [self._static(v, env) for v in node.values]
            conjunction = isinstance(node.op, ast.And)
            if any(v is not _NOT_STATIC and bool(v) != conjunction for v in values):
                return not conjunction  # `FEATURE_ON and x`: false whatever x is (as a truth value)
            if any(v is _NOT_STATIC for v in values):
                return _NOT_STATIC
            result = values[0]
            for value in values[1:]:
                result = (result and value) if isinstance(node.op, ast.And) else (result or value)
            return result
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _STATIC_COMPARISONS:
            left, right = self._static(node.left, env), self._static(node.comparators[0], env)
            if left is _NOT_STATIC or right is _NOT_STATIC:
                return _NOT_STATIC
            return _STATIC_COMPARISONS[type(node.ops[0])](left, right)
        return _NOT_STATIC

    def _conditional(self, node: ast.IfExp) -> Origin:
        """`x if x in ALLOWED else "default"`: the branch a validating test guards holds a valid value."""
        truth = self._static(node.test)
        if truth is not _NOT_STATIC:
            return self._origin(node.body if truth else node.orelse)  # `q if FEATURE_ON else "id"`
        body, orelse = self._origin(node.body), self._origin(node.orelse)
        validated, when, sinks = _validation(node.test, self._qualify, self._origin, self._single_value, self.summary_of)
        guarded = node.body if when else node.orelse
        if isinstance(guarded, ast.Name) and guarded.id in validated:
            if when:
                body = body.sanitized(sinks)
            else:
                orelse = orelse.sanitized(sinks)
        return body.join(orelse)

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
            return tracked.origin  # a field validated earlier (see _field_path)
        if isinstance(node.value, ast.Name) and node.value.id == self._instance and self._is_handler_attribute(node.attr):
            return Origin(frozenset({Part(UNTRUSTED, "the HTTP request", steps=(_step(node, "read from the HTTP request"),))}))
        qualified = self._qualify(node)
        if qualified:
            for prefix, label in self._sources.items():
                if qualified == prefix or qualified.startswith(prefix + "."):
                    return Origin(frozenset({Part(UNTRUSTED, label, steps=(_step(node, f"read from {label}"),))}))
        if self._is_incoming_request(node.value) and node.attr in catalog.REQUEST_ATTRIBUTES:
            return Origin(frozenset({Part(UNTRUSTED, "the HTTP request", steps=(_step(node, "read from the HTTP request"),))}))
        if self._is_converted_record_field(node):
            return CONSTANT
        base = self._origin(node.value)
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
        if qualified:
            if qualified in self._sources:
                label = self._sources[qualified]
                return Origin(frozenset({Part(UNTRUSTED, label, steps=(_step(node, f"read from {label}"),))}))
        label = self._request_method_label(func)
        if label is not None:
            return Origin(frozenset({Part(UNTRUSTED, label, steps=(_step(node, f"read from {label}"),))}))
        if self._is_outbound_call(node):
            # `api.get("https://api.example.com/boards", params)`: an HTTP client (a wrapper of the
            # application's own, a session) asked a server the program chose; the answer is that
            # server's, not the client's data it sent along (nor a mapping lookup with a default)
            label = "an HTTP response"
            return Origin(frozenset({Part(UNTRUSTED, label, steps=(_step(node, f"read from {label}"),))}))
        if _is_database_read(func):
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
            if qualified in catalog.PROPAGATORS:
                joined = self._join_all(args)
                if qualified in catalog.PERCENT_DECODERS and joined.risk():
                    joined = joined.with_step(_step(node, catalog.PERCENT_DECODED))
                return joined
            summary = self._summaries.get(qualified)
            if summary is not None:
                return self._apply(summary, node)
        elif self._summaries:
            if self._class and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
                summary = self._summaries.get(f"{self._class}.{func.attr}")
                if summary is not None:
                    return self._apply(summary, node, bound=True)
            summary = self._local_summary(func)
            if summary is not None:
                return self._apply(summary, node)
        if isinstance(func, ast.Attribute):
            if self._is_incoming_request(func.value) and func.attr in catalog.REQUEST_ATTRIBUTES:
                return Origin(frozenset({Part(UNTRUSTED, "the HTTP request", steps=(_step(node, "read from the HTTP request"),))}))
            receiver = self._origin(func.value)
            if func.attr == "translate" and len(node.args) == 1 and self._translated(node.args[0]) >= {"\r", "\n"}:
                # `text.translate(str.maketrans({"\r": "\\r", "\n": "\\n"}))`: line breaks mapped away
                return receiver.sanitized(frozenset({"log"}))
            if func.attr == "replace" and _doubles_a_quote(node):
                # `.replace("'", "''")`: the value cannot close the quoted literal it is put in
                # (XPath 2's escape; in XPath 1 two literals in a row are a syntax error)
                return receiver.join(self._join_all(args)).sanitized(frozenset({"xpath"}))
            if func.attr == "urlencode" and not any(k.arg == "safe" for k in node.keywords) and len(node.args) == 0:
                # Django's `QueryDict.urlencode()`: every key and value percent-encoded
                return receiver.sanitized(catalog.SANITIZERS["urllib.parse.urlencode"])
            if func.attr == "replace" and _removed_line_breaks(node) >= {"\r", "\n"}:
                # `.replace("\r", "").replace("\n", "")`: no forged log lines any more
                return receiver.join(self._join_all(args)).sanitized(frozenset({"log"}))
            if func.attr == "get" and node.args and self._is_typed_field(func.value, node.args[0]):
                return self._join_all(node.args[1:])  # `validated_data.get("count", 0)` of an IntegerField
            item = self._field(func.value, node.args[0]) if func.attr == "get" and node.args and not node.keywords else None
            if item is not None:
                return item.join(self._join_all(node.args[1:]))  # `options.get("table", "posts")` of a tracked literal
            if func.attr in catalog.CHOOSING_METHODS and node.args and self._origin(node.args[0]).is_constant:
                # `request.accept_languages.best_match(SUPPORTED)`: one of the offered constants
                return self._join_all(node.args[1:])
            if func.attr == "get" and receiver.is_constant and node.args and not node.keywords:
                # `COMMANDS.get(name, default)` on a table of constants: one of its
                # values or the default, whatever the key (like `COMMANDS[name]`)
                return self._join_all(node.args[1:])
            if func.attr in catalog.LOOKUP_METHODS and node.args and not isinstance(node.args[0], ast.Starred):
                # `cache.get(key, default)`: the value stored under the key (or the default), not the
                # key itself, like `cache[key]`; the receiver's own taint is all that can come back
                return receiver.join(self._join_all(args[1:]))
            if func.attr in catalog.PROPAGATING_METHODS or receiver.risk() and receiver.risk().kind == UNTRUSTED:
                return receiver.join(self._join_all(args))
            if isinstance(func.value, ast.Constant):
                return self._join_all(args)
        if isinstance(func, ast.Name) and func.id in ("str", "repr", "format"):
            return self._join_all(args)
        if astutil.last_name(func) in self._record_classes:
            # `Export(**request.json)`, `Target(args["host"], port)`: the instance holds its arguments
            # as fields (see _is_converted_record_field for the fields that cannot hold text)
            return self._join_all(args)
        if astutil.last_name(func).endswith(catalog.VALIDATING_CLASS_SUFFIXES):
            # `SearchSerializer(data=request.data)`, `ContactForm(request.POST)`: what it
            # validates is still what the client sent (typed fields excepted, see _is_typed_field)
            return self._join_all(args)
        parts = frozenset({Part(UNKNOWN, qualified or _describe_call(func))})
        # An unknown function fed untrusted data may hand it back: keep the taint
        # but only at "unknown" strength, so it does not drive high confidence.
        joined = self._join_all(args)
        if joined.risk() and joined.risk().kind == UNTRUSTED:
            return Origin(parts | frozenset(replace(p, kind=UNKNOWN) for p in joined.parts if p.kind == UNTRUSTED))
        return Origin(parts)

    def _is_incoming_request(self, node: ast.AST) -> bool:
        """A name like `request`/`req` holding the request the program answers, not one it sent:
        `req = requests.get(url)` (then `req.text` is the other server's answer)."""
        if not _is_request_object(node):
            return False
        if isinstance(node, ast.Name):
            binding = self._binding(node)
            if binding is not None and binding.values and all(self._is_outbound_response(v) for v in binding.values):
                return False
        return True

    def _is_outbound_response(self, value: ast.expr) -> bool:
        """The result of an HTTP call the program makes: a known client (`requests.get`, `urlopen`)
        or any client called with an absolute URL (see _is_outbound_call)."""
        while isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return False
        if self._is_outbound_call(value):
            return True
        qualified = self._qualify(value.func)
        return bool(qualified) and self._sources.get(qualified) in catalog.OUTBOUND_SOURCES

    def _is_outbound_call(self, node: ast.Call) -> bool:
        """`client.get("https://api.example.com/x", params)`, `session.post(API_URL, json=body)`,
        `http.request("GET", "https://...")`: an HTTP verb method called with an absolute URL
        whose scheme and host are written in the code."""
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in catalog.HTTP_CLIENT_METHODS or not node.args:
            return False
        candidates = node.args[:2] if func.attr == "request" else node.args[:1]
        return any(self._absolute_url_text(arg) for arg in candidates)

    def _absolute_url_text(self, node: ast.expr) -> bool:
        """An http(s) URL whose host the code fixes: a literal, a constant of the module, a local
        holding one, or an f-string or concatenation that starts with one."""
        found = self._literal_prefix(node)
        if found is None:
            return False
        text, whole = found
        return _ABSOLUTE_URL.match(text + ("/" if whole else "")) is not None

    def _literal_prefix(self, node: ast.expr, depth: int = 0) -> tuple[str, bool] | None:
        """The constant text a string value starts with, and whether that is all of it."""
        if depth > 4:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value, True
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            return (first.value, False) if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self._literal_prefix(node.left, depth + 1)
            return (left[0], False) if left is not None else None
        if isinstance(node, ast.Name):
            binding = self._binding(node)
            if binding is not None:
                if len(binding.values) != 1:
                    return None
                return self._literal_prefix(binding.values[0], depth + 1)
            if node.id in self._constants:
                for values in self._constant_values:
                    value = values.get(node.id)
                    if isinstance(value, str):
                        return value, True
        return None

    def _translated(self, table: ast.expr) -> frozenset[str]:
        """The characters a translation table maps to something else (see symbols.translated_characters)."""
        from secure_ls.engine.symbols import translated_characters

        if isinstance(table, ast.Name):
            binding = self._binding(table)
            if binding is None:
                return self._translation_tables.get(table.id, frozenset())
            table = binding.values[0] if len(binding.values) == 1 else table
        if isinstance(table, ast.Call) and isinstance(table.func, ast.Attribute) and table.func.attr == "maketrans":
            return translated_characters(table)
        return frozenset()

    def _is_typed_field(self, container: ast.AST, key: ast.AST) -> bool:
        """`s.validated_data["count"]` where `s = CountSerializer(...)` declares `count` as an
        IntegerField/ChoiceField/... in this module: the framework let only such values through."""
        if not self._typed_fields or not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return False
        if not (isinstance(container, ast.Attribute) and container.attr in catalog.VALIDATED_DATA_ATTRIBUTES):
            return False
        instance = container.value
        made = self._single_value(instance) if isinstance(instance, ast.Name) else None
        if not isinstance(made, ast.Call):
            return False
        return key.value in self._typed_fields.get(astutil.last_name(made.func), ())

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
        summary = self._summaries.get(qualified) if qualified else self._local_summary(func)
        if summary is None:
            return None
        return summary.apply(None, [], {}, None)

    def summary_of(self, func: ast.expr) -> "FunctionSummary | None":
        """The summary of the function a call names: of this module, or of an imported one."""
        if not self._summaries:
            return None
        qualified = self._qualify(func)
        summary = self._summaries.get(qualified) if qualified else None
        return summary if summary is not None else self._local_summary(func)

    def _local_summary(self, func: ast.AST) -> "FunctionSummary | None":
        """The summary of a function (or `Class.method`) of this module called by name."""
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
        return self._summaries.get(key)

    def _apply(self, summary: "FunctionSummary", node: ast.Call, bound: bool = False) -> Origin:
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
        return summary.apply(node, positional, keywords, _step(node, ""), bound)

    def _join_all(self, nodes: Iterable[ast.AST]) -> Origin:
        out = CONSTANT
        for n in nodes:
            out = out.join(self._origin(n))
        return out


@dataclass
class InstanceAttributes:
    """What the methods of one class store on `self`, by attribute name."""

    origins: dict[str, Origin] = field(default_factory=dict)
    values: dict[str, tuple[ast.expr, ...]] = field(default_factory=dict)  # see ScopeFacts.attribute_values


def instance_attribute_origins(
    cls: ast.ClassDef, outer: Env | None, make_analyzer: Callable[[InstanceAttributes], FlowAnalyzer]
) -> InstanceAttributes:
    """What the methods of `cls` store in each attribute of the instance (`self.x = ...`).

    A method reading `self.x` then sees the join of those values: a constructor
    parameter (`the constructor parameter `folder``), request data read by a
    handler method, or constants. `make_analyzer(known)` returns an analyzer
    for one method of the class that labels its parameters by method and reads
    `self.<name>` from `known` (the previous round). Attributes stored from other attributes
    (`self.url = self.base + path`) need a second round; three at most, so
    cycles (`self.a = self.b; self.b = self.a`) end.
    """
    storing = []
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            instance = _instance_parameter(stmt)
            if instance is not None and _stores_on(stmt, instance):
                storing.append(stmt)
    known = InstanceAttributes()
    for _ in range(3):
        found: dict[str, Origin] = {}
        values: dict[str, tuple[ast.expr, ...]] = {}
        reads_own = False
        for method in storing:
            analyzer = make_analyzer(known)
            facts = analyzer.run_function(method, outer)
            for attribute, origin in facts.attribute_stores.items():
                found[attribute] = found.get(attribute, CONSTANT).join(origin)
            for attribute, stored in facts.attribute_values.items():
                values[attribute] = values.get(attribute, ()) + stored
            reads_own = reads_own or analyzer.read_instance_attributes
        if found == known.origins or not reads_own:
            return InstanceAttributes(found, values)
        known = InstanceAttributes(found, values)
    return known


def _instance_parameter(func: ast.AST) -> str | None:
    """`self` (or `cls`) of a method: its first positional parameter, unless it is a staticmethod."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    if any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in func.decorator_list):
        return None
    positional = [*getattr(func.args, "posonlyargs", ()), *func.args.args]
    return positional[0].arg if positional else None


def _instance_attribute(target: ast.AST, instance: str) -> str | None:
    """`x` for an assignment target `self.x`, `self.x[k]`, `self.x.y` (`self` named `instance`)."""
    node = target
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == instance:
            return node.attr
        node = node.value
    return None


def _stores_on(func: ast.AST, instance: str) -> bool:
    """Whether a method assigns an attribute of its instance (nested scopes aside)."""
    stack = list(func.body)  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, ast.Store):
            if _instance_attribute(node, instance) is not None:
                return True
        stack.extend(astutil.children(node))
    return False


def _describe_call(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id + "()"
    if isinstance(func, ast.Attribute):
        return func.attr + "()"
    return "a call"


def _doubles_a_quote(call: ast.Call) -> bool:
    """`value.replace("'", "''")` (or the same with double quotes)."""
    if len(call.args) != 2 or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args):
        return False
    old, new = call.args[0].value, call.args[1].value
    return old in ("'", '"') and new == old * 2


def _removed_line_breaks(call: ast.Call) -> set[str]:
    """The line-break characters a chain of `.replace(old, new)` calls removes."""
    removed: set[str] = set()
    node: ast.AST = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "replace" and len(node.args) >= 2:
        old, new = node.args[0], node.args[1]
        if not (isinstance(old, ast.Constant) and isinstance(new, ast.Constant) and isinstance(old.value, str) and isinstance(new.value, str)):
            break
        if old.value in ("\r", "\n") and "\r" not in new.value and "\n" not in new.value:
            removed.add(old.value)
        node = node.func.value
    return removed


# An absolute http(s) URL up to the end of its host: where the program's own request goes.
_ABSOLUTE_URL = re.compile(r"https?://[^/?#{}\s]+[/?#]", re.IGNORECASE)


def _is_request_object(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id in catalog.REQUEST_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in catalog.REQUEST_NAMES and isinstance(node.value, ast.Name) and node.value.id == "self"
    return False


def _is_database_read(func: ast.expr) -> bool:
    """A query of the ORM: `Model.objects...get(...)` (Django), `Model.query.filter(...).first()`
    (Flask-SQLAlchemy), `get_object_or_404(...)`."""
    if astutil.last_name(func) in catalog.ORM_LOOKUPS:
        return True
    node = func
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute):
            if node.attr in catalog.ORM_MANAGERS and node is not func and _is_model_class(node.value):
                return True
            node = node.value
        else:
            node = node.func
    return False


def _is_model_class(node: ast.expr) -> bool:
    """`Image`, `models.Image`, `cls`, `model_data.model`: what a manager hangs from. Not a request
    (`request.query` is aiohttp's query string) nor a parsed URL (`parsed.query`): a class-like
    name, `cls`, or an attribute named `model`."""
    name = astutil.last_name(node)
    return name == "cls" or name == "model" or name[:1].isupper() and not name.isupper()


def _all_args(args: ast.arguments) -> list[ast.arg]:
    out = list(getattr(args, "posonlyargs", [])) + list(args.args) + list(args.kwonlyargs)
    if args.vararg:
        out.append(args.vararg)
    if args.kwarg:
        out.append(args.kwarg)
    return out


def _defaults(args: ast.arguments) -> dict[str, ast.expr]:
    positional = list(getattr(args, "posonlyargs", [])) + list(args.args)
    out = {a.arg: d for a, d in zip(positional[len(positional) - len(args.defaults) :], args.defaults)}
    out.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    return out


def _is_client_parameter(arg: ast.arg, default: ast.expr | None) -> bool:
    """Whether a route handler's parameter holds client data (not a framework object)."""
    if arg.arg in catalog.NON_DATA_PARAMETERS:
        return False
    annotation = arg.annotation
    while isinstance(annotation, ast.Subscript):  # Annotated[Session, Depends(...)], Optional[Request]
        inner = annotation.slice
        annotation = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    name = annotation.attr if isinstance(annotation, ast.Attribute) else annotation.id if isinstance(annotation, ast.Name) else None
    if name in catalog.NON_DATA_ANNOTATIONS:
        return False
    if name and name.endswith(catalog.NON_DATA_ANNOTATION_SUFFIXES) and name not in catalog.NON_DATA_ANNOTATION_SUFFIXES:
        return False
    if isinstance(default, ast.Call):
        callee = default.func
        callee_name = callee.attr if isinstance(callee, ast.Attribute) else callee.id if isinstance(callee, ast.Name) else None
        if callee_name in catalog.NON_DATA_DEFAULTS:
            return False
    if isinstance(arg.annotation, ast.Subscript):
        for node in astutil.walk(arg.annotation):
            if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
                callee_name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                if callee_name in catalog.NON_DATA_DEFAULTS:
                    return False
    return True


def _is_converted_parameter(arg: ast.arg, func: ast.AST, enum_classes: frozenset[str] = frozenset()) -> bool:
    """A route parameter the framework converts to a number, date or UUID (`id: int`, `<int:id>`),
    or validates as one of fixed values: an Enum of the module (`sort: SortKey`), `Literal["a", "b"]`."""
    annotation = arg.annotation
    if annotation is not None:
        text = ast.unparse(annotation)
        last = text.rsplit(".", 1)[-1]
        if text in catalog.CONVERTED_ANNOTATIONS or last in catalog.CONVERTED_ANNOTATIONS or last in enum_classes:
            return True
        if isinstance(annotation, ast.Subscript) and astutil.last_name(annotation.value) == "Literal":
            return True
    converter = re.compile(r"<(int|float|uuid):" + re.escape(arg.arg) + ">")
    for deco in getattr(func, "decorator_list", ()):
        if isinstance(deco, ast.Call) and deco.args and isinstance(deco.args[0], ast.Constant) and isinstance(deco.args[0].value, str):
            if converter.search(deco.args[0].value):
                return True
    return False


def _dependency(default: ast.expr | None, annotation: ast.expr | None) -> ast.expr | None:
    """`get_db` in `db = Depends(get_db)` or `Annotated[Session, Depends(get_db)]`."""
    candidates = [default] if default is not None else []
    if isinstance(annotation, ast.Subscript):
        candidates.extend(n for n in astutil.walk(annotation) if isinstance(n, ast.Call))
    for node in candidates:
        if isinstance(node, ast.Call) and node.args:
            callee = node.func
            name = callee.attr if isinstance(callee, ast.Attribute) else callee.id if isinstance(callee, ast.Name) else None
            if name in catalog.NON_DATA_DEFAULTS:
                return node.args[0]
    return None


def _is_django_function_view(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`def view(request, slug)`: a function view whose other parameters are URL kwargs."""
    names = [a.arg for a in (*getattr(func.args, "posonlyargs", ()), *func.args.args)]
    if names[:1] == ["request"] and len(names) > 1:
        # a view answers with a response (`return render(...)`) or is decorated
        # (`@login_required`); a helper taking the request returns plain values
        return bool(func.decorator_list) or any(
            isinstance(node, ast.Return)
            and isinstance(node.value, ast.Call)
            and astutil.last_name(node.value.func) not in catalog.URL_BUILDERS
            for node in astutil.walk(func)
        )
    return False


def is_route_handler(func: ast.AST) -> bool:
    """Whether `func` is a web route handler by its decorators: `@app.route(...)`,
    `@router.get(...)` and the other catalog.ROUTE_DECORATOR_ATTRIBUTES (a bare
    `@x.get` is a property getter, not a route), or Bottle's `@route("/x")`."""
    for deco in getattr(func, "decorator_list", ()):
        target = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(target, ast.Attribute) and target.attr in catalog.ROUTE_DECORATOR_ATTRIBUTES:
            if target.attr == "get" and not isinstance(deco, ast.Call):
                continue
            return True
        if isinstance(deco, ast.Call) and isinstance(target, ast.Name) and target.id in catalog.ROUTE_DECORATOR_ATTRIBUTES:
            return True  # Bottle's module-level `@route("/x")`, `@get("/x")`
    return False


def _is_literal_pattern(pattern: ast.AST) -> bool:
    """A `case` pattern that only matches literals: `"a"`, `"a" | "b"`, `None`, `"a" as x`."""
    kind = type(pattern).__name__
    if kind in ("MatchValue", "MatchSingleton"):
        return True
    if kind == "MatchOr":
        return all(_is_literal_pattern(p) for p in pattern.patterns)
    if kind == "MatchAs":
        return pattern.pattern is not None and _is_literal_pattern(pattern.pattern)
    return False


def _is_irrefutable_pattern(pattern: ast.AST) -> bool:
    """`case _:` or `case name:`: matches whatever is left."""
    kind = type(pattern).__name__
    if kind == "MatchAs":
        return pattern.pattern is None or _is_irrefutable_pattern(pattern.pattern)
    if kind == "MatchOr":
        return any(_is_irrefutable_pattern(p) for p in pattern.patterns)
    return False


def _join_into(env: Env, other: Env) -> None:
    for path in [k for k in env if "." in k and k not in other]:
        del env[path]  # a field checked on one path only is not checked after the join
    for name, binding in other.items():
        mine = env.get(name)
        if mine is None:
            if "." not in name:
                env[name] = binding
        elif mine is not binding:
            values = mine.values + tuple(v for v in binding.values if v not in mine.values)
            fields = None
            if mine.fields is not None and binding.fields is not None:
                # an item keeps its own origin only where both paths track it
                fields = {k: mine.fields[k].join(binding.fields[k]) for k in mine.fields.keys() & binding.fields.keys()}
            env[name] = Binding(mine.origin.join(binding.origin), values[-6:], mine.alias if mine.alias == binding.alias else None, fields=fields)


def _wsgi_environ(func: ast.AST) -> str | None:
    """The `environ` parameter of a WSGI application, `def app(environ, start_response)`
    (or a method `__call__(self, environ, start_response)`)."""
    if isinstance(func, ast.Lambda):
        return None
    params = [a.arg for a in func.args.posonlyargs + func.args.args]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    return params[0] if len(params) == 2 and params[1] == "start_response" else None


def _field_path(node: ast.AST) -> str | None:
    """`f.key` for a field of a local name (the only attribute reads a check can pin down)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _constant_key(node: ast.AST | None) -> object | None:
    """The key of `d["k"]` / `items[0]` / `items[-1]` when it is a literal string or integer."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        if isinstance(value, int) and not isinstance(value, bool):
            return -value
    return None


def _item_use(node: ast.AST) -> ast.Name | None:
    """The name in `d["k"]` (read or assigned) or `d.get("k", ...)`: a use that keeps item tracking."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.ctx, (ast.Load, ast.Store)):
        return node.value if _constant_key(node.slice) is not None else None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
        and node.args
        and not node.keywords
        and _constant_key(node.args[0]) is not None
    ):
        return node.func.value
    return None


def _mark_safe(env: Env, names: set[str], sinks: frozenset[str] = frozenset({"*"})) -> None:
    for name in names:
        binding = env.get(name)
        if binding is not None:
            env[name] = Binding(binding.origin.sanitized(sinks), binding.values, binding.alias)


def _inside(node: ast.AST, ranges: list[tuple[int, int]]) -> bool:
    line = getattr(node, "lineno", None)
    if line is None:
        return False
    return any(start <= line <= end for start, end in ranges)


_NOT_STATIC = object()  # what _static returns for a value only known at run time
_STATIC_COMPARISONS = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
}
_VALIDATING_METHODS = frozenset({"isdigit", "isdecimal", "isnumeric", "isalnum", "isalpha", "isidentifier", "is_relative_to", "startswith"})
# functions that validate one of their arguments: name -> (argument index, sink classes)
_VALIDATING_FUNCTIONS = {
    "re.fullmatch": (1, ALL),
    "re.match": (1, ALL),
    "django.utils.http.url_has_allowed_host_and_scheme": (0, frozenset({"url", "redirect"})),
    "django.utils.http.is_safe_url": (0, frozenset({"url", "redirect"})),
}
_QUOTES = frozenset("'\"")
_QUOTE_SINKS = frozenset({"xpath"})
# methods of a compiled regular expression that validate their first argument
_PATTERN_METHODS = frozenset({"fullmatch", "match"})
_URL_PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit", "urlparse.urlparse"})
_URL_HOST_PARTS = frozenset({"netloc", "hostname"})
_URL_SINKS = frozenset({"url", "redirect"})
_DIGEST_CHECKS = frozenset({"hmac.compare_digest", "secrets.compare_digest"})
# A URL prefix that fixes the host: `https://host/...`, or a path on this site (`/x`, not `//`).
SAFE_URL_PREFIX = re.compile(r"^(https?://[^/]+/|/[^/\\])")


def _validation(test: ast.expr, qualify, origin=None, value_of=None, validator=None) -> tuple[set[str], bool, frozenset[str]]:
    """Names a test validates, whether they are valid when the test is true, and for which sinks.

    `value_of` gives the one value a name holds, so `parsed.netloc` reads as
    `urlparse(url).netloc` when `parsed = urlparse(url)`. `validator` gives the
    summary of a called function, so the application's own predicates
    (`if is_safe_url(target):`) validate like the library ones.
    """
    positive = True
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, positive = test.operand, not positive
    names: set[str] = set()
    sinks = ALL
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Is, ast.IsNot))
        and isinstance(test.left, ast.Call)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        # `PATTERN.fullmatch(x) is None` fails exactly when the call's result is false
        found, when, kinds = _validation(test.left, qualify, origin, value_of, validator)
        matched = isinstance(test.ops[0], ast.IsNot)
        return found, when == (matched == positive), kinds
    if isinstance(test, ast.BoolOp):
        # `if a not in OK or b not in OK: abort()` validates both after the if (the whole
        # test is false only when each part is); `if a in OK and b in OK:` inside it
        valid_when = isinstance(test.op, ast.And)
        for value in test.values:
            found, when, kinds = _validation(value, qualify, origin, value_of, validator)
            if found and when == valid_when:
                names |= found
                sinks = kinds if sinks == ALL else sinks if kinds == ALL else sinks & kinds
        return names, valid_when == positive, sinks
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn)):
        left, right = test.left, test.comparators[0]
        if isinstance(test.ops[0], ast.NotIn):
            positive = not positive
        # membership in a collection literal or a named (constant-like) collection
        if isinstance(left, ast.Name) and isinstance(right, (ast.Name, ast.Attribute, ast.Set, ast.List, ast.Tuple, ast.Dict)):
            # not when the allow-list itself comes from the client
            if origin is None or not _is_untrusted(origin(right)):
                names.add(left.id)
        elif _url_host(left, qualify, value_of) is not None and isinstance(right, (ast.Name, ast.Attribute, ast.Set, ast.List, ast.Tuple)):
            # `urlparse(url).netloc in ALLOWED_HOSTS`
            names.add(_url_host(left, qualify, value_of))
            sinks = _URL_SINKS
        elif _field_path(left) is not None and isinstance(right, (ast.Name, ast.Attribute, ast.Set, ast.List, ast.Tuple, ast.Dict)):
            # `if f.key not in COLUMNS: raise`: that field of f, until f or the field is assigned again
            if origin is None or not _is_untrusted(origin(right)):
                names.add(_field_path(left))
        elif isinstance(right, ast.Name) and isinstance(left, ast.Constant) and isinstance(left.value, str) and set(left.value) & _QUOTES:
            # `if "'" in name: abort(400)`: without quotes, the value cannot leave an XPath string literal
            # (XPath 1.0 has no escape inside literals; rejecting the quote is the usual defence)
            names.add(right.id)
            sinks = _QUOTE_SINKS
            positive = not positive  # valid when the quote is *not* in it
    elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq)):
        left, right = test.left, test.comparators[0]
        if isinstance(test.ops[0], ast.NotEq):
            positive = not positive
        if isinstance(left, ast.Name) and (isinstance(right, ast.Constant) or origin is not None and isinstance(right, (ast.Name, ast.Attribute)) and origin(right).is_constant):
            names.add(left.id)  # `x == "literal"` / `x == ALLOWED_VALUE`: x is that constant
        elif _url_host(left, qualify, value_of) is not None and isinstance(right, (ast.Constant, ast.Name, ast.Attribute)):
            names.add(_url_host(left, qualify, value_of))
            sinks = _URL_SINKS
        elif isinstance(left, ast.Call) and qualify(left.func) == "os.path.commonpath" and left.args and isinstance(left.args[0], (ast.List, ast.Tuple)):
            # `os.path.commonpath([BASE, target]) == BASE`: target is inside BASE
            names.update(e.id for e in left.args[0].elts if isinstance(e, ast.Name) and not (isinstance(right, ast.Name) and e.id == right.id))
            sinks = frozenset({"path"})
    elif isinstance(test, ast.Call):
        func = test.func
        qualified = qualify(func)
        if isinstance(func, ast.Attribute) and func.attr in _VALIDATING_METHODS:
            base = func.value
            while isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute):
                base = base.func.value  # path.resolve().is_relative_to(root)
            if isinstance(base, ast.Name) and func.attr != "startswith":
                names.add(base.id)
            elif isinstance(base, ast.Name) and test.args and isinstance(test.args[0], ast.Constant) and isinstance(test.args[0].value, str):
                # `url.startswith("https://api.example.com/")` fixes the host
                if SAFE_URL_PREFIX.match(test.args[0].value):
                    names.add(base.id)
                    sinks = _URL_SINKS
        elif qualified in _VALIDATING_FUNCTIONS:
            index, sinks = _VALIDATING_FUNCTIONS[qualified]
            if len(test.args) > index and isinstance(test.args[index], ast.Name):
                names.add(test.args[index].id)
        elif qualified in _DIGEST_CHECKS:
            # `hmac.compare_digest(sig, hmac.new(KEY, data, ...).hexdigest())`: data is authentic
            # (also `expected = hmac.new(KEY, data, sha256).digest()` then `compare_digest(sig, expected)`)
            compared = [*test.args]
            if value_of is not None:
                compared += [v for v in (value_of(a) for a in test.args if isinstance(a, ast.Name)) if v is not None]
            for node in (n for arg in compared for n in astutil.walk(arg)):
                if isinstance(node, ast.Call) and qualify(node.func) in ("hmac.new", "hmac.digest"):
                    names.update(a.id for a in node.args[1:2] if isinstance(a, ast.Name))
        elif isinstance(func, ast.Attribute) and func.attr in _PATTERN_METHODS and test.args and isinstance(test.args[0], ast.Name):
            # `NAME_RE.fullmatch(x)` with a pattern compiled beforehand (str has no such method)
            names.add(test.args[0].id)
        elif validator is not None:
            summary = validator(func)
            for param, kinds in summary.validates if summary is not None else ():
                arg = _argument_for(test, summary.params, param)
                if isinstance(arg, ast.Name):
                    names.add(arg.id)
                    sinks = kinds
    return names, positive, sinks


def _argument_for(call: ast.Call, params: tuple[str, ...], name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    index = params.index(name) if name in params else -1
    if 0 <= index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return None


_URL_READERS = _URL_PARSERS | {"urllib.parse.urljoin"}
_URL_PARTS_CHECKED = frozenset({"netloc", "hostname", "scheme"})


def validated_parameters(func: ast.FunctionDef | ast.AsyncFunctionDef, qualify, validator=None) -> tuple[tuple[str, frozenset[str]], ...]:
    """The parameters a predicate checks as URLs that stay on an allowed host.

    A predicate returns only truth values (`True`/`False`, comparisons, `not`, `and`/`or`,
    calls); it checks a parameter as a URL when it parses the parameter (or a value made from
    it) and looks at the host or scheme, or hands it to a URL validator, its own or a library's:

        def is_safe_url(target):
            parsed = urlparse(target.strip())
            return not parsed.netloc or parsed.netloc == request.host

    After `if is_safe_url(next_url):`, `next_url` is safe for redirects and URL sinks.
    """
    returns = [node for node in _own_nodes(func) if isinstance(node, ast.Return)]
    if not returns or not all(_is_truth_value(r.value) for r in returns):
        return ()
    params = [a.arg for a in _all_args(func.args)]
    assigned: list[tuple[set[str], ast.expr]] = []
    calls: list[ast.Call] = []
    host_reads: list[ast.expr] = []  # `x` of every `x.netloc` / `x.hostname`
    reads_url_parts = False
    for node in _own_nodes(func):
        if isinstance(node, ast.Assign):
            targets = {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            assigned.append((targets, node.value))
        elif isinstance(node, (ast.For, ast.AsyncFor)):  # `for candidate in (url, url.replace("\\", "/")):`
            assigned.append(({n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}, node.iter))
        elif isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, ast.Attribute) and node.attr in _URL_PARTS_CHECKED:
            reads_url_parts = True
            if node.attr in _URL_HOST_PARTS:
                host_reads.append(node.value)
    out = []
    for param in params:
        derived = {param}
        changed = True
        while changed:  # names made from the parameter: `target = target.strip()`, `parsed = urlsplit(target)`
            changed = False
            for targets, value in assigned:
                if not targets <= derived and _mentions(value, derived):
                    derived |= targets
                    changed = True
        if any(_mentions(value, derived) for value in host_reads):
            # `url_info = _urlparse(url)` ... `url_info.netloc in allowed_hosts`: whatever parsed it
            out.append((param, _URL_SINKS))
            continue
        for call in calls:
            name = qualify(call.func)
            arguments = [*call.args, *(k.value for k in call.keywords)]
            if not any(_mentions(a, derived) for a in arguments):
                continue
            if (
                name in _URL_READERS and reads_url_parts
                or name in _VALIDATING_FUNCTIONS and _VALIDATING_FUNCTIONS[name][1] == _URL_SINKS
                or validator is not None and _validates_any(validator(call.func))
            ):
                out.append((param, _URL_SINKS))
                break
    return tuple(out)


def _validates_any(summary) -> bool:
    return summary is not None and any(kinds == _URL_SINKS for _, kinds in summary.validates)


def _is_truth_value(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, bool)
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.Not)
    return isinstance(value, (ast.Compare, ast.BoolOp, ast.Call))


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _own_nodes(func: ast.AST) -> Iterable[ast.AST]:
    """The nodes of a function's body, nested functions and classes aside."""
    stack = list(func.body)  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(astutil.children(node))


_PATH_SINKS = frozenset({"path"})


def _catches(handler: ast.ExceptHandler, error: str) -> bool:
    """Whether an `except` clause catches the builtin exception `error` (bare, Exception, or by name)."""
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(k is None or isinstance(k, ast.Name) and k.id in (error, "Exception", "BaseException") for k in kinds)


def _is_untrusted(origin: Origin) -> bool:
    part = origin.risk()
    return part is not None and part.kind == UNTRUSTED


def _url_host(node: ast.AST, qualify, value_of=None) -> str | None:
    """`x` for `urlparse(x).netloc` / `urlsplit(x).hostname` (also through `parsed = urlparse(x)`)."""
    if isinstance(node, ast.Attribute) and node.attr in _URL_HOST_PARTS:
        call = node.value
        if isinstance(call, ast.Name) and value_of is not None:
            call = value_of(call)
        if isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Name) and qualify(call.func) in _URL_PARSERS:
            return call.args[0].id
    return None


def _is_abort_call(node: ast.AST, qualify) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = qualify(node.func) or ""
    return name in ("flask.abort", "sys.exit", "os._exit", "exit", "quit", "django.http.Http404") or name.endswith(".abort")
