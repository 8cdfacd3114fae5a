"""Which methods a module only ever hands bytes its objects read from their own storage.

A cache's serializer (`def loads(self, bvalue): return pickle.loads(bvalue)`) decodes whatever
its callers pass. When every call of it an object of the module makes (`self.loads(...)`,
`self.serializer.loads(...)`) hands it what that object read from its own storage
(`expires, value = self._cache[key]` then `self.serializer.loads(value)`; `row =
self.db.execute(sql, (key,)).fetchone()` then `self.deserialize(row[0])`), the bytes are what
the module stored there. Asked only of a module with a class that pickles and has methods
taking one argument (`pickling_methods`, a unit's symbol): the module's units are then read
for the calls of those methods (the analyzer, with the module's symbols).
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil

# Methods that read an entry or rows out of a store, chosen by their arguments: the key, the query.
_READS = frozenset({"get", "__getitem__", "execute", "fetchone", "fetchall", "fetchmany"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


PICKLE_MODULES = frozenset({"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib"})


def pickling_methods(tree: ast.Module) -> frozenset[str]:
    """The methods taking one argument (besides `self`) of the unit's classes that use a pickle
    module (`pickle.loads(...)` in a method): the candidates for `own_storage_methods`."""
    found = set()
    for cls in astutil.walk(tree):
        if isinstance(cls, ast.ClassDef) and any(isinstance(n, ast.Name) and n.id in PICKLE_MODULES for n in astutil.walk(cls)):
            found.update(m.name for m in cls.body if isinstance(m, _FUNCTIONS) and len(m.args.posonlyargs) + len(m.args.args) == 2)
    return frozenset(found)


def own_storage_methods(trees, methods: frozenset[str], imported: frozenset[str]) -> frozenset[str]:
    """Those of `methods` that some function of the module's units (`trees`) calls on its own
    object, and every call of which (`self.method(a)`, `self.<attribute>.method(a)`) hands
    bytes read from the object's own storage; a call on anything else but an `imported` module
    (`pickle.loads(b)` is no call of the module's `loads`) hands bytes of the caller's choosing."""
    own, other = set(), set()
    for tree in trees:
        for method, reads_own in _calls(tree, methods, imported):
            (own if reads_own else other).add(method)
    return frozenset(own - other)


def _calls(tree: ast.Module, methods: frozenset[str], imported: frozenset[str]):
    """(method, whether the argument is read from the caller's own storage) for each call of
    one of `methods` in a function of `tree`: on the object's own attributes, one argument."""
    for func in _functions(tree.body):
        bindings = None
        for node in astutil.walk(func):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods):
                continue
            root = _root(node.func.value)
            if isinstance(root, ast.Name) and root.id in imported:
                continue
            if not _is_self(root) or len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                yield node.func.attr, False
                continue
            argument = node.args[0]
            if bindings is None and isinstance(argument.value if isinstance(argument, ast.Subscript) else argument, ast.Name):
                bindings = _bindings(func)
            yield node.func.attr, _own_bytes(argument, bindings or {}, 0)


def _functions(body: list[ast.stmt]):
    """The functions defined by the statements of `body`, at any depth (methods, nested ones)."""
    for stmt in body:
        if isinstance(stmt, _FUNCTIONS):
            yield stmt
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(stmt, field, None)
            if inner:
                yield from _functions(inner)


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _own_bytes(node: ast.AST, bindings: dict[str, list[ast.AST | None]], depth: int) -> bool:
    """`self._cache[key]`, `self.db.execute(sql, (key,)).fetchone()`, or a local (or an item of
    one, `row[1]`) that only such reads bind, by assignment, unpacking or a `for`."""
    if depth > 3:
        return False
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        node = node.value  # `row[1]`: a field of the row
    if isinstance(node, ast.Name):
        values = bindings.get(node.id, ())
        return bool(values) and all(v is not None and _own_bytes(v, bindings, depth + 1) for v in values)
    return _reads_own_store(node)


def _reads_own_store(node: ast.AST) -> bool:
    """A lookup in, or a query of, a store the object keeps: attributes, items and reading
    methods (`_READS`) all the way down to `self`."""
    read = False
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Attribute) and node.func.attr in _READS):
                return False
            read, node = True, node.func.value
        else:
            read, node = read or isinstance(node, ast.Subscript), node.value
    return read and _is_self(node)


def _bindings(func: ast.AST) -> dict[str, list[ast.AST | None]]:
    """What the statements of `func` bind each name to: the value assigned or unpacked, the
    iterable of a `for`; None for a parameter or a binding of another kind (`with ... as`)."""
    found: dict[str, list[ast.AST | None]] = {}
    args = func.args
    for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if a is not None:
            found.setdefault(a.arg, []).append(None)  # the caller's
    pending = list(func.body)
    while pending:
        stmt = pending.pop()
        if isinstance(stmt, ast.Assign):
            pairs = [(t, stmt.value) for t in stmt.targets]
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            pairs = [(stmt.target, stmt.iter)]
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            pairs = [(stmt.target, None)]
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            pairs = [(item.optional_vars, None) for item in stmt.items if item.optional_vars is not None]
        else:
            pairs = []
        for target, value in pairs:
            for name in _names(target):
                found.setdefault(name, []).append(value)
        if not isinstance(stmt, _FUNCTIONS):
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                pending.extend(getattr(stmt, field, None) or ())
    return found


def _is_self(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for e in target.elts for name in _names(e)]
    return []
