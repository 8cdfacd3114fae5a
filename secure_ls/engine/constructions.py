"""What the module's own call sites pass to a class's constructor.

A class that keeps a constructor argument (`self.raw = raw`) and sinks it in another
method (`pickle.loads(self.raw)`) is only as dangerous as what its callers pass in:

    class CartCodec:
        def __init__(self, raw):
            self.raw = raw

        def cart(self):
            return pickle.loads(self.raw)          # reported: see below

    @app.post("/cart/merge")
    def merge_cart():
        return CartCodec(request.get_data()).cart()

Each top-level statement is its own unit (engine/units.py), so the class and the handler
are analysed apart. `callers_by_unit` finds, for every unit defining a class with a
constructor, the other units that call one of its classes by name (from the names each
unit calls, already known); the analyzer keys the class unit's cached findings by those
units' text and distance, so editing a caller re-analyses the class. `ConstructorArguments`
then analyses the callers' data flow (not their rules) when a constructor parameter's origin
is asked for, and hands back the untrusted data each parameter receives.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Callable, NamedTuple, Sequence

from secure_ls.engine import astutil
from secure_ls.engine.taint import CONSTANT, UNTRUSTED, Origin, Part
from secure_ls.engine.toplevel import is_statement_unit


@dataclass(frozen=True)
class Passed:
    """Untrusted data one call site passes to a constructor parameter."""

    part: Part  # its kind, label and the sinks it is safe for (no steps: they are the caller's)
    where: str  # "`CartCodec(...)` on line 15 passes it"


def constructed_classes(tree: ast.Module | None) -> frozenset[str]:
    """The top-level classes of a unit whose `__init__` takes arguments."""
    if tree is None:
        return frozenset()
    found = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef):
            for inner in stmt.body:
                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) and inner.name == "__init__" and _parameters(inner):
                    found.add(stmt.name)
    return frozenset(found)


def private_functions(tree: ast.Module | None) -> frozenset[str]:
    """The top-level functions of a unit that are private to the module (`_label(...)`, not a
    dunder) and undecorated, taking arguments: by convention no other module calls them, and no
    framework does, so the module's own calls are all the calls (see `ConstructorArguments.passed`)."""
    if tree is None:
        return frozenset()
    return frozenset(stmt.name for stmt in tree.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_private(stmt) and _takes_arguments(stmt))


def top_level_functions(tree: ast.Module | None) -> frozenset[str]:
    """The top-level functions of a unit that take arguments: in a closed world (a notebook, a
    script), the module's own calls of them are all the calls."""
    if tree is None:
        return frozenset()
    return frozenset(stmt.name for stmt in tree.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and _takes_arguments(stmt))


def _takes_arguments(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return bool(func.args.args or func.args.posonlyargs or func.args.kwonlyargs or func.args.vararg)


def runs_alone(tree: ast.Module | None) -> bool:
    """A top-level statement showing that the module is run, never imported by the program's
    other modules: `if __name__ == "__main__":` (a script), a Django migration
    (`class Migration(migrations.Migration)`), a Django management command (`class
    Command(BaseCommand)`) or an Alembic revision (`down_revision = ...`), which their
    frameworks load by themselves."""
    return tree is not None and any(_runs_alone(stmt) for stmt in tree.body)


_COMMAND_ENTRY_POINTS = frozenset({"handle", "handle_label", "handle_app_config"})  # Django's BaseCommand, LabelCommand, AppCommand


def _runs_alone(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Compare) and isinstance(stmt.test.left, ast.Name) and stmt.test.left.id == "__name__":
        return any(isinstance(c, ast.Constant) and c.value == "__main__" for c in stmt.test.comparators)
    if isinstance(stmt, ast.ClassDef) and stmt.name == "Migration":
        return any(astutil.last_name(base) == "Migration" for base in stmt.bases)
    if isinstance(stmt, ast.ClassDef) and stmt.name == "Command" and any(astutil.last_name(b).endswith("Command") for b in stmt.bases):
        # a Django management command: `manage.py` finds the module's `Command` by its name and
        # runs its `handle` (a base class of commands, named so, defines none)
        return any(isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name in _COMMAND_ENTRY_POINTS for m in stmt.body)
    return isinstance(stmt, (ast.Assign, ast.AnnAssign)) and any(
        isinstance(t, ast.Name) and t.id == "down_revision" for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
    )


# The methods of Django's command classes that they call themselves: any other method of a
# management command is called only by the command's own methods.
_COMMAND_BASE_METHODS = _COMMAND_ENTRY_POINTS | frozenset(
    {"add_arguments", "execute", "run_from_argv", "create_parser", "get_version", "print_help", "check", "check_migrations", "add_base_argument"}
)


def is_command_helper(cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A method of a Django management command (`class Command(BaseCommand)` with `handle`, a class
    manage.py runs and nothing imports) that Django's command classes do not call: the command's
    own `self.method(...)` calls are all its calls (`self.get_rows(limit)` from `handle`)."""
    return _runs_alone(cls) and method.name not in _COMMAND_BASE_METHODS and not method.name.startswith("__") and is_called_directly(method)


def is_private(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`def _label(...)`: by convention only its own module calls it (see `is_called_directly`)."""
    return func.name.startswith("_") and not func.name.startswith("__") and is_called_directly(func)


def is_called_directly(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Undecorated (no framework registers it to call it), and never naming itself (a recursive
    call passes what the function computed, which its callers' constants say nothing about).
    Kept in the function's node (trees never change): every flow pass of it asks."""
    found = func.__dict__.get("_sls_called_directly")
    if found is None:
        found = func.__dict__["_sls_called_directly"] = not func.decorator_list and not any(
            isinstance(n, ast.Name) and n.id == func.name for n in astutil.walk(func)
        )
    return found


def callers_by_unit(classes: Sequence[frozenset[str]], calls: Sequence[frozenset[str]]) -> dict[int, tuple[int, ...]]:
    """For each unit index defining constructed classes: the other units calling one of them."""
    every = frozenset().union(*classes) if classes else frozenset()
    if not every:
        return {}
    callers_of: dict[str, list[int]] = {}
    for index, names in enumerate(calls):
        for name in every.intersection(names) if names else ():
            callers_of.setdefault(name, []).append(index)
    out = {}
    for index, names in enumerate(classes):
        callers = sorted({j for name in names for j in callers_of.get(name, ()) if j != index})
        if callers:
            out[index] = tuple(callers)
    return out


class _Shape(NamedTuple):
    """What the index keeps of a unit's text."""

    called: frozenset[str]  # its classes with a constructor and its private functions: callers wanted
    statement: bool  # it runs module-level code (toplevel.is_statement_unit)
    functions: frozenset[str]  # its top-level functions taking arguments (callers wanted in a closed world)
    runs_alone: bool  # it shows the module is run, not imported (`runs_alone`)


class Index:
    """Per unit text (cached): the classes with a constructor it defines, and whether it runs
    module-level code (engine/toplevel.py); per analysis, the units calling those classes."""

    def __init__(self) -> None:
        self._shapes: dict[str, _Shape] = {}

    def clear(self) -> None:
        self._shapes.clear()

    def _shape(self, parsed) -> _Shape:
        found = self._shapes.get(parsed.text)
        if found is None:
            tree = parsed.tree
            found = self._shapes[parsed.text] = _Shape(
                constructed_classes(tree) | private_functions(tree), is_statement_unit(tree), top_level_functions(tree), runs_alone(tree)
            )
        return found

    def is_statement(self, parsed) -> bool:
        return self._shape(parsed).statement

    def runs_alone(self, units: Sequence) -> bool:
        """Whether one of the units shows the module is run, not imported (see `runs_alone`)."""
        return any(self._shape(unit.parsed).runs_alone for unit in units)

    def callers(self, units: Sequence, calls: Sequence[frozenset[str]], unit_keys: list[int], closed_world: bool = False) -> dict[int, tuple[int, ...]]:
        """`callers_by_unit` for `units` (`calls[i]`: the names unit i calls); folds into each
        class unit's key the text of its callers and their distance (the line a call is on is
        part of the finding's path). In a closed world, every top-level function has callers."""
        shapes = [self._shape(unit.parsed) for unit in units]
        callers = callers_by_unit([shape.called | (shape.functions if closed_world else frozenset()) for shape in shapes], calls)
        for index, found in callers.items():
            distance = tuple((units[j].parsed.text, units[j].start_line - units[index].start_line) for j in found)
            unit_keys[index] = hash((unit_keys[index], distance))
        return callers


def arguments(units: Sequence, callers: tuple[int, ...], context_for: Callable, closed_world: bool = False) -> "ConstructorArguments | None":
    """What the caller units pass to the constructors of one unit's classes (None: no callers).
    `closed_world`: these callers are all there are (a notebook, a script), see `ConstructorArguments.passed`."""
    if not callers:
        return None
    return ConstructorArguments([units[j] for j in callers], context_for, lambda unit, line: unit.start_line + line, closed_world)


class ConstructorArguments:
    """`(class name, parameter names) -> {parameter: [Passed]}` for one class unit, computed
    on first use from the caller units' data flow; `context_for(unit)` gives a fresh
    analysis context of a caller unit (no constructor arguments of its own: one level)."""

    def __init__(self, callers: Sequence, context_for: Callable, line_of: Callable[[object, int], int], closed_world: bool = False):
        self._callers = callers
        self._context_for = context_for
        self._line_of = line_of  # (caller unit, its ast line) -> the file's 1-based line
        self._closed_world = closed_world
        self._known: dict[str, dict[str, list[Passed]]] = {}
        self._contexts: dict[int, Callable] = {}  # caller unit -> its origin function, analysed once
        self._passed: dict[tuple, dict[str, Origin]] = {}  # see `passed`

    def passed(self, class_name: str, positional: tuple[str, ...], keyword_names: frozenset[str], vararg: str | None, private: bool = False) -> dict[str, Origin]:
        """In a closed world (a notebook or a script, which nothing else calls), or for a function
        `private` to the module: what every call of the class or function passes to each
        parameter, joined (`display("df1", "df2")`, `_clone(url, tempfile.mkdtemp())`)."""
        if not (self._closed_world or private):
            return {}
        key = (class_name, positional, keyword_names, vararg)
        found = self._passed.get(key)
        if found is None:  # each flow pass of the function asks again; the callers stay the same
            sites = [(unit.parsed.tree, lambda unit=unit: self._origin_in(unit)) for unit in self._callers if unit.parsed.tree is not None]
            found = self._passed[key] = passed_origins(sites, class_name, positional, keyword_names, vararg)
        return found

    def _origin_in(self, unit) -> Callable:
        found = self._contexts.get(id(unit))
        if found is None:
            found = self._contexts[id(unit)] = self._context_for(unit).origin
        return found

    def __call__(self, class_name: str, positional: tuple[str, ...], keyword_names: frozenset[str]) -> dict[str, list[Passed]]:
        known = self._known.get(class_name)
        if known is None:
            known = self._known[class_name] = self._compute(class_name, positional, keyword_names)
        return known

    def _compute(self, class_name: str, positional: tuple[str, ...], keyword_names: frozenset[str]) -> dict[str, list[Passed]]:
        out: dict[str, list[Passed]] = {}
        for unit in self._callers:
            tree = unit.parsed.tree
            if tree is None:
                continue
            ctx = None
            for node in astutil.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == class_name):
                    continue
                ctx = ctx or self._context_for(unit)
                for name, arg in _arguments(node, positional, keyword_names):
                    part = ctx.origin(arg).risk()
                    if part is None or part.kind != UNTRUSTED:
                        continue
                    where = f"`{class_name}(...)` on line {self._line_of(unit, node.lineno)} passes it {part.label}"
                    out.setdefault(name, []).append(Passed(Part(UNTRUSTED, part.label, part.safe_for), where))
        return out


class LocalCalls:
    """For a function defined inside another: the enclosing function's calls of it are all its
    calls (`fetch("https://ipinfo.io/ip")` in a list of fallbacks), unless it is handed on."""

    def __init__(self, enclosing: ast.AST, origin_of: Callable):
        self._enclosing = enclosing
        self._origin_of = origin_of

    def passed(self, name: str, positional: tuple[str, ...], keyword_names: frozenset[str], vararg: str | None, private: bool = False) -> dict[str, Origin]:
        return passed_origins([(self._enclosing, lambda: self._origin_of)], name, positional, keyword_names, vararg)

    def __call__(self, class_name: str, positional: tuple[str, ...], keyword_names: frozenset[str]) -> dict[str, list[Passed]]:
        return {}


class SelfCalls:
    """For a method private to a class that derives from nothing (`def _label(self, ...)`, see
    `is_private`): the class's calls `self._label(...)` are all its calls, by the convention that
    makes a module's calls of a private function all of them; none, when the method is handed
    on as a value (`map(self._label, rows)`), called on another object, or calls itself, nor
    when the class has a base, which may call it as a hook of its own, unless the base is
    known not to (`base_known`: a management command's own method, is_command_helper)."""

    # The methods whose callers are being read: a method called from one of them (private methods
    # calling each other) gets no answer rather than one read from a flow still under way; a chain
    # of them (`handle` calls `export(limit)`, which calls `rows(limit)`) is read to its start.
    _asking: set[int] = set()

    def __init__(self, cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef, origin_of: Callable, base_known: bool = False):
        self._cls = cls
        self._method = method
        self._origin_of = origin_of
        self._base_known = base_known  # the bases are known not to call it (is_command_helper)

    def passed(self, name: str, positional: tuple[str, ...], keyword_names: frozenset[str], vararg: str | None, private: bool = False) -> dict[str, Origin]:
        if id(self._method) in SelfCalls._asking:
            return {}

        if not self._base_known and (any(not (isinstance(b, ast.Name) and b.id == "object") for b in self._cls.bases) or self._cls.keywords):
            return {}  # a base class may call it too (a hook it declares), where these calls are not seen

        attributes, names, calls = _class_names(self._cls)
        mentioned, called = attributes.get(name, ()), calls.get(name, ())
        if len(called) != len(mentioned) or any(_inside(n, self._method) or not _is_self(n.value) for n in mentioned):
            return {}  # handed on as a value (`map(self._label, rows)`), called on another object, or recursive
        if name in names:
            return {}  # `on_error = _label` in the class body: called under another name
        methods = [m for m in self._cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m is not self._method]
        callers = [(m, in_method) for m in methods if (in_method := [c for c in called if _inside(c, m)])]
        if sum(len(c) for _, c in callers) != len(called) or any(id(m) in SelfCalls._asking for m, _ in callers):
            return {}  # a call outside the class's methods (in its body, or a nested class's), or in one being read
        found = [(in_method, lambda: self._origin_of) for _, in_method in callers]
        SelfCalls._asking.add(id(self._method))
        try:
            return joined_arguments(found, positional, keyword_names, vararg)
        finally:
            SelfCalls._asking.discard(id(self._method))

    def __call__(self, class_name: str, positional: tuple[str, ...], keyword_names: frozenset[str]) -> dict[str, list[Passed]]:
        return {}


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


# Where _class_names keeps a class's answer, in the class node itself (trees never change after
# parsing): each private method of a class asks about the same class.
_CLASS_NAMES = "_sls_class_names"


def _class_names(cls: ast.ClassDef) -> tuple[dict[str, list[ast.Attribute]], set[str], dict[str, list[ast.Call]]]:
    """The attribute reads of a class's body by name (`self._label`), the plain names it uses, and
    the calls of an attribute by its name (`self._label(...)`)."""
    found = cls.__dict__.get(_CLASS_NAMES)
    if found is None:
        attributes: dict[str, list[ast.Attribute]] = {}
        names: set[str] = set()
        calls: dict[str, list[ast.Call]] = {}
        for node in astutil.walk(cls):
            if isinstance(node, ast.Attribute):
                attributes.setdefault(node.attr, []).append(node)
            elif isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                calls.setdefault(node.func.attr, []).append(node)
        found = cls.__dict__[_CLASS_NAMES] = (attributes, names, calls)
    return found


def _inside(node: ast.AST, tree: ast.AST) -> bool:
    return tree.lineno <= node.lineno <= tree.end_lineno and (node.lineno, node.col_offset) >= (tree.lineno, tree.col_offset)


def passed_origins(sites, name: str, positional: tuple[str, ...], keyword_names: frozenset[str], vararg: str | None) -> dict[str, Origin]:
    """What every call of `name` in `sites` ((tree, make origin function) pairs) passes to each
    parameter, joined (see joined_arguments). Nothing when there is no call, or when the name is
    also used as a value (`pool.map(_label, rows)`, `return helper`): those calls are not seen."""
    # Every site is read before any origin is asked for: an origin runs the caller's whole flow
    # pass, wasted when a later use of the name makes the answer nothing (one walk per site).
    found: list[tuple[list[ast.Call], Callable]] = []
    for tree, make_origin in sites:
        called: set[int] = set()
        reads: list[ast.Name] = []
        calls: list[ast.Call] = []
        for node in astutil.walk(tree):
            if isinstance(node, ast.Call):
                called.add(id(node.func))
                if isinstance(node.func, ast.Name) and node.func.id == name:
                    calls.append(node)
            elif isinstance(node, ast.Name) and node.id == name:
                reads.append(node)
        if any(id(node) not in called for node in reads):
            return {}  # passed on as a value: called where this cannot see
        if calls:
            found.append((calls, make_origin))
    return joined_arguments(found, positional, keyword_names, vararg)


def joined_arguments(found: list[tuple[list[ast.Call], Callable]], positional: tuple[str, ...], keyword_names: frozenset[str], vararg: str | None) -> dict[str, Origin]:
    """What the calls (with the make-origin function of the scope each is in) pass to each
    parameter, joined; a parameter some call leaves out keeps its default there. Nothing without
    a call, or with `f(*rows)` / `f(**opts)` (what goes where is unknown). The callers' steps are
    left out: they are in another unit (or function) than the parameter."""
    sites = [([list(_arguments(call, positional, keyword_names, vararg)) for call in calls], make_origin) for calls, make_origin in found]
    if not sites or any(param is None for arguments, _ in sites for passed in arguments for param, _ in passed):
        return {}
    passed: dict[str, Origin] = {param: CONSTANT for param in (*positional, *keyword_names, *((vararg,) if vararg else ()))}
    for arguments, make_origin in sites:
        origin = make_origin()
        for each in arguments:
            for param, arg in each:
                passed[param] = passed[param].join(origin(arg))
    return {param: found if found.is_constant else Origin(frozenset(replace(p, steps=()) for p in found.parts)) for param, found in passed.items()}


def constructor_parameters(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[tuple[str, ...], frozenset[str]]:
    """The parameters of `__init__` a call fills by position (after `self`), and those it may name."""
    positional = tuple(a.arg for a in (*func.args.posonlyargs, *func.args.args))[1:]
    return positional, frozenset((*(a.arg for a in func.args.args[1:]), *(a.arg for a in func.args.kwonlyargs)))


def _parameters(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    positional, named = constructor_parameters(func)
    return bool(positional or named or func.args.vararg)


def _arguments(call: ast.Call, positional: tuple[str, ...], keyword_names: frozenset[str], vararg: str | None = None):
    """(parameter, argument) pairs of a constructor call; with `vararg` named, the extra
    positional arguments go to it, and an unpacked `*x`/`**x` gives (None, x)."""
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            if vararg is not None:
                yield None, arg
            break
        if index >= len(positional):
            if vararg is None:
                break
            yield vararg, arg
            continue
        yield positional[index], arg
    for keyword in call.keywords:
        if keyword.arg in keyword_names:
            yield keyword.arg, keyword.value
        elif keyword.arg is None and vararg is not None:
            yield None, keyword.value
