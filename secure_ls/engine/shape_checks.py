"""Checks that pin down the shape of a value without an `if`: a path compared with its base
directory, and a conversion that raises unless the whole text is a number or a UUID.

`safe_as_compared(origin)` is what a value equal to one of that origin is safe for.
`contained_paths(call, base, qualify, value_of)` reads `os.path.commonpath([BASE, p]) == BASE`
(and `commonprefix`): the names it shows to be inside BASE. `resolved_in_place(func, names,
qualify)` finds the parameters a function only ever rebinds to their resolved path (`p =
os.path.abspath(p)`), so what it checks of that path it checks of its argument.
`resolved_joins(func, params, qualify)` finds the locals a function binds once to its base joined
with a parameter and resolved (`full = (Path(base) / name).resolve()`): a containment check of
such a local is a check that the parameter, joined to that base, stays inside.
`second_character_test(test)` reads a test of what follows a leading "/" (`x[1] in ("/", "\\")`,
`len(x) > 1`): where it fails, no host can start there (taint.Sink.NO_HOST_START).
`checked_by_conversion(call, qualify)` reads a call such as `uuid.UUID(token)` that has returned: the name it parsed, and
the sinks that name is then safe for.
`prefixed_without_parent(test, valid_when, trusted)` reads `if ".." in p or not p.startswith(BASE): raise`:
with no `..` left, a path that starts with its base stays inside it, as a resolved one does.
`characters_checked(test, trusted)` reads a test that every character of a name is in a fixed set
(`set(expr).issubset(ALLOWED)`): a character allow-list, validation as a whole-text pattern is.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.taint import ALL, Origin, meet, sinks

# Functions comparing paths with their base: `commonpath` by whole components, `commonprefix`
# character by character (so `/srv/media` admits its sibling `/srv/media2`, as `startswith`
# does: the rule's own prefix check accepts that too).
_CONTAINMENT = frozenset({"os.path.commonpath", "os.path.commonprefix", "posixpath.commonpath", "posixpath.commonprefix"})
# Calls that leave no `..` in a path: compared after one of them, a path that starts with its
# base stays inside it. Before, `BASE/../../etc/passwd` starts with BASE too. `normpath` is
# `abspath` without the working directory: of a path under an absolute base it leaves no `..`
# (`/srv/build/../../etc` is `/etc`), and of a relative one only leading `..`, outside any base.
_RESOLVING = frozenset(
    {"os.path.realpath", "os.path.abspath", "os.path.normpath", "posixpath.realpath", "posixpath.abspath", "posixpath.normpath"}
)
PATH = sinks("path")

# Conversions that raise ValueError unless the whole text has their form. `int()` admits
# digits, a sign, `_` and surrounding whitespace; `uuid.UUID()` hex digits, `-`, braces,
# `urn:uuid:` (and, through `int(hex, 16)`, `_`, `+` and whitespace). Neither lets a `/`, `.`,
# `\`, quote, `<`, `&`, `*` or `(` through. Whitespace may hold a line break (not safe in logs,
# headers, command lines), and a UUID's `--` comments out the rest of an SQL statement.
_SHAPES = sinks("path", "html", "xpath", "ldap")
# Conversions that raise unless the text has a shape: a number or a UUID (`int` still takes spaces
# and a line break around its digits), or one of a fixed set of names (pytz and zoneinfo accept
# only the time zones of their database: `Europe/Paris`, in any case for pytz).
_CHECKING_CONVERSIONS = {"int": _SHAPES, "uuid.UUID": _SHAPES, "pytz.timezone": ALL, "zoneinfo.ZoneInfo": ALL}


def is_resolving(call: ast.AST, qualify) -> bool:
    """`p.resolve()`, `os.path.realpath(p)`, `os.path.abspath(p)`: no `..` left in the result."""
    if not isinstance(call, ast.Call):
        return False
    if isinstance(call.func, ast.Attribute) and call.func.attr == "resolve":
        return True
    return qualify(call.func) in _RESOLVING


def resolved(name: ast.expr, qualify, value_of=None, values_of=None) -> bool:
    """A name every value of which is a resolved path (`p = os.path.realpath(os.path.normpath(p))`)."""
    if not isinstance(name, ast.Name):
        return False
    values = values_of(name) if values_of is not None else ((value_of(name),) if value_of is not None else ())
    return bool(values) and all(v is not None and is_resolving(v, qualify) for v in values)


def resolved_then_tested(call: ast.expr, prefix: list[ast.expr], qualify, value_of=None) -> str | None:
    """`p` of `os.path.normpath(p).startswith(root)` (`call` the receiver of startswith, `prefix`
    its arguments): the name whose resolved form starts with a base, so opening it opens a path
    inside the base. Not a bare `"/"` for base, which every absolute path starts with; nor a name
    the function joined under a directory other than that base (`p = os.path.join(ROOT,
    "analyses", task_id, name)` tested against ROOT: `../<other task>/` stays inside ROOT)."""
    if not (len(prefix) == 1 and is_resolving(call, qualify)) or isinstance(prefix[0], ast.Constant) and len(str(prefix[0].value)) <= 1:
        return None
    name = _resolved_name(call)
    joined = value_of(call.args[0]) if name is not None and value_of is not None and call.args and isinstance(call.args[0], ast.Name) else None
    if isinstance(joined, ast.Call) and qualify(joined.func) in _JOINS and not (len(joined.args) == 2 and ast.dump(joined.args[0]) == ast.dump(prefix[0])):
        return None
    return name


def starts_tested(tests: list[ast.expr]) -> tuple[str, set[str]] | None:
    """(x, the prefixes) when every test is `x.startswith(<constant text>)` of the same name x."""
    names, prefixes = set(), set()
    for test in tests:
        if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "startswith" and len(test.args) == 1):
            return None
        if not isinstance(test.func.value, ast.Name):
            return None
        names.add(test.func.value.id)
        prefixes |= constant_strings(test.args[0])
    return (names.pop(), prefixes) if len(names) == 1 else None


def path_text_of(node: ast.expr | None) -> ast.expr | None:
    """`x.as_posix()`, `str(x)`, `os.fspath(x)`: the text of the path x, checked as x; else the node."""
    if isinstance(node, ast.Call) and not node.keywords:
        if isinstance(node.func, ast.Attribute) and node.func.attr == "as_posix" and not node.args:
            return node.func.value
        if astutil.dotted(node.func) in ("str", "os.fspath") and len(node.args) == 1:
            return node.args[0]
    return node


def contained_paths(call: ast.expr, base: ast.expr, qualify, values_of) -> set[str] | None:
    """For `os.path.commonpath([BASE, p]) == BASE` (`call` the left side, `base` the right): the
    names shown to be inside BASE, each resolved first (every value `values_of(p)` says it may
    hold is `os.path.realpath(...)` or the like, or the call is written in the list). None when
    `call` compares no paths; empty when none was resolved, since `BASE/../x` passes such a test.
    The common path made a `Path` to compare it with one (`Path(os.path.commonpath([...])) != ROOT`) is the same test."""
    if isinstance(call, ast.Call) and len(call.args) == 1 and not call.keywords and qualify(call.func) in _JOINS:
        call = call.args[0]
    if not (isinstance(call, ast.Call) and qualify(call.func) in _CONTAINMENT and call.args and isinstance(call.args[0], (ast.List, ast.Tuple))):
        return None
    names = set()
    for element in call.args[0].elts:
        if isinstance(base, ast.Name) and isinstance(element, ast.Name) and element.id == base.id:
            continue  # the base itself
        values = values_of(element) if values_of is not None and isinstance(element, ast.Name) else ()
        if values and all(is_resolving(value, qualify) for value in values):
            names.add(element.id)
        elif is_resolving(element, qualify) and (inner := _resolved_name(element)) is not None:
            names.add(inner)  # `commonpath([BASE, os.path.realpath(p)])`: opening p opens that file
    return names


def _resolved_name(call: ast.Call) -> str | None:
    target = call.func.value if isinstance(call.func, ast.Attribute) and call.func.attr == "resolve" else (call.args[0] if call.args else None)
    return target.id if isinstance(target, ast.Name) else None


def checked_by_conversion(call: ast.expr, qualify) -> tuple[str, frozenset[str]] | None:
    """`uuid.UUID(token)`, `int(page)` or `pytz.timezone(name)` has returned (as a statement, or
    assigned): it would have raised otherwise, so the name it parsed holds a number, a UUID's
    text or a time zone's name."""
    converted = _CHECKING_CONVERSIONS.get(qualify(call.func) or "") if isinstance(call, ast.Call) else None
    if converted is None or not call.args or not isinstance(call.args[0], ast.Name):  # type: ignore[attr-defined]
        return None
    return call.args[0].id, converted  # type: ignore[attr-defined]


def safe_as_compared(compared: Origin) -> frozenset[str]:
    """`if name != "trackers/" + os.path.basename(wanted): continue`: where the test passed, name
    holds the same text as the value it was compared with (up to case, where both sides were
    case-folded), so it is safe for what every part of that value is safe for."""
    parts = compared.parts
    if not parts:
        return ALL
    safe = ALL
    for part in parts:
        safe = meet(safe, part.safe_for)
    return safe


def resolved_in_place(func: ast.AST, names: frozenset[str], qualify) -> frozenset[str]:
    """Those of `names` (a function's parameters) that the function assigns only as
    `p = os.path.abspath(p)` (or `realpath`, `Path(p).resolve()`): opening the argument opens
    the file the resolved path names, so a containment check of one is a check of the other."""
    # Only a name stored somewhere can be one (below, nothing else makes an entry True). Most
    # functions never rebind a parameter: one walk over the cached children answers them, where
    # the scan below (ast.walk, nested scopes twice) was a twelfth of a check's CPU.
    if not any(isinstance(n, ast.Name) and n.id in names and isinstance(n.ctx, ast.Store) for n in astutil.walk(func)):
        return frozenset()
    assigned: dict[str, bool] = {}
    for node in astutil.walk(func):
        if node is not func and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            for inner in astutil.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store) and inner.id in names:
                    assigned[inner.id] = False  # a nested scope's `nonlocal` could rebind it: give up
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in names:
            assigned.setdefault(node.id, True)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Delete)):
            in_place = isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            if in_place:
                target = node.targets[0].id  # type: ignore[attr-defined]
                in_place = is_resolving(node.value, qualify) and _resolved_name(node.value) == target  # type: ignore[arg-type]
            for target_name in _stored_names(node):
                if target_name in names and not in_place:
                    assigned[target_name] = False
    return frozenset(name for name, only in assigned.items() if only)


def resolved_joins(func: ast.AST, params: list[str], qualify) -> dict[str, str]:
    """The locals of `func` bound once, at the top of its body, to a base joined with one of
    `params` as the last component and resolved: `full = (Path(base) / name).resolve()`,
    `os.path.realpath(os.path.join(base, name))`, `Path(base, name).resolve()`, or the parameter
    resolved alone (`Path(name).resolve()`). A name that holds `..` or is absolute leaves the base
    once resolved (`Path(base) / "/etc"` is `/etc`), so a containment check of the local that holds
    is one of the parameter, for paths under that base."""
    stores: dict[str, int] = {}
    for node in astutil.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            stores[node.id] = stores.get(node.id, 0) + 1
    out = {}
    for stmt in getattr(func, "body", ()):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        local = stmt.targets[0].id
        if stores.get(local) != 1 or not is_resolving(stmt.value, qualify):
            continue
        resolved = _resolved_argument(stmt.value)
        # `Path(name).resolve()`, `os.path.realpath(name)`: the name itself, wherever it leads
        joined = _joined_component(resolved, qualify) or _made_path_of(resolved, qualify)
        if isinstance(joined, ast.Name) and joined.id in params and stores.get(joined.id, 0) == 0:
            out[local] = joined.id
    return out


def _made_path_of(node: ast.expr | None, qualify) -> ast.expr | None:
    """`name` of a bare name or `Path(name)`."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords and qualify(node.func) in _JOINS:
        node = node.args[0]
    return node if isinstance(node, ast.Name) else None


def _resolved_argument(call: ast.Call) -> ast.expr | None:
    if isinstance(call.func, ast.Attribute) and call.func.attr == "resolve":
        return call.func.value
    return call.args[0] if call.args else None


def _joined_component(node: ast.expr | None, qualify) -> ast.expr | None:
    """The last component of `base / x`, `os.path.join(base, x)`, `Path(base, x)`,
    `Path(base).joinpath(x)` (None when `node` joins nothing to a base)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return node.right
    if not isinstance(node, ast.Call) or len(node.args) < 2 or node.keywords:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "joinpath" and len(node.args) == 1:
            return node.args[0]
        return None
    if qualify(node.func) in _JOINS:
        return node.args[-1]
    return None


_JOINS = frozenset({"os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})


def _stored_names(node: ast.AST) -> set[str]:
    return {n.id for n in astutil.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}


# what may follow a leading "/" to make a browser read a host: `//evil.example`, `/\\evil.example`
HOST_STARTS = frozenset({"//", "/\\"})


def constant_strings(node: ast.expr) -> set[str]:
    """The strings of a literal tuple, list or set of strings (or of one string)."""
    items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}


def prefixed_without_parent(test: ast.BoolOp, valid_when: bool, trusted) -> str | None:
    """The name a test of two parts shows to be inside a base directory: `".." in p or not
    p.startswith(BASE)` false (`valid_when` False, the usual `if ...: raise`), or `".." not in p
    and p.startswith(BASE)` true. Neither part alone keeps p inside: without `..` an absolute path
    may still go anywhere, and `BASE/../x` starts with BASE. Together they do, as a path resolved
    before the prefix test does (_RESOLVING; like it, `/srv/media` admits its sibling
    `/srv/media2`). BASE must be the program's (`trusted`), and not "/" or "", which every
    absolute path starts with."""
    without_parent, prefixed = set(), set()
    for part in test.values:
        holds = valid_when  # what each part evaluates to where the whole test validates
        while isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not):
            part, holds = part.operand, not holds
        if (
            isinstance(part, ast.Compare)
            and len(part.ops) == 1
            and isinstance(part.ops[0], (ast.In, ast.NotIn))
            and isinstance(part.left, ast.Constant)
            and part.left.value == ".."
            and isinstance(part.comparators[0], ast.Name)
            and isinstance(part.ops[0], ast.NotIn) == holds
        ):
            without_parent.add(part.comparators[0].id)
        elif (
            holds
            and isinstance(part, ast.Call)
            and isinstance(part.func, ast.Attribute)
            and part.func.attr == "startswith"
            and isinstance(part.func.value, ast.Name)
            and len(part.args) == 1
            and not part.keywords
            and not constant_strings(part.args[0]) & {"", "/"}
            and trusted(part.args[0])
        ):
            prefixed.add(part.func.value.id)
    both = without_parent & prefixed
    return next(iter(both)) if len(both) == 1 else None


def second_character_test(test: ast.expr) -> tuple[str, bool] | None:
    """(x, whether the test is true where x is harmless) for a test of x's second character
    that is false exactly when no host can follow a leading "/": `x[1] in ("/", "\\")` (true
    on `//` and `/\\`), `len(x) > 1` / `len(x) >= 2` (false: nothing follows the first character)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if (
        isinstance(op, (ast.In, ast.NotIn))
        and isinstance(left, ast.Subscript)
        and isinstance(left.value, ast.Name)
        and astutil.constant_key(left.slice) == 1
        and {"/", "\\"} <= constant_strings(right)
    ):
        return left.value.id, isinstance(op, ast.NotIn)
    if (
        isinstance(left, ast.Call)
        and isinstance(left.func, ast.Name)
        and left.func.id == "len"
        and len(left.args) == 1
        and isinstance(left.args[0], ast.Name)
        and isinstance(right, ast.Constant)
        and (isinstance(op, ast.Gt) and right.value == 1 or isinstance(op, ast.GtE) and right.value == 2)
    ):
        return left.args[0].id, False
    return None


def characters_checked(test: ast.expr, trusted) -> str | None:
    """x, for a test true exactly when every character of x is one of a set the program fixed:
    `set(x).issubset(ALLOWED)`, `set(x) <= ALLOWED`, `all(c in ALLOWED for c in x)`. `trusted`
    says whether the set is the program's own (not one the client sent). Like a pattern that must
    match the whole text, the set says what may pass, whatever a sink then makes of it."""
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "issubset" and len(test.args) == 1:
        checked, allowed = _set_of_name(test.func.value), test.args[0]
    elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.LtE, ast.Lt)):
        checked, allowed = _set_of_name(test.left), test.comparators[0]
    elif (
        isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "all"
        and len(test.args) == 1 and isinstance(gen := test.args[0], ast.GeneratorExp) and len(gen.generators) == 1
        and isinstance(gen.generators[0].target, ast.Name) and isinstance(gen.generators[0].iter, ast.Name)
        and not gen.generators[0].ifs and isinstance(gen.elt, ast.Compare) and len(gen.elt.ops) == 1
        and isinstance(gen.elt.ops[0], ast.In) and isinstance(gen.elt.left, ast.Name)
        and gen.elt.left.id == gen.generators[0].target.id
    ):
        checked, allowed = gen.generators[0].iter.id, gen.elt.comparators[0]
    else:
        return None
    return checked if checked is not None and trusted(allowed) else None


def _set_of_name(node: ast.expr) -> str | None:
    """x for `set(x)`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "set" and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
        return node.args[0].id
    return None
