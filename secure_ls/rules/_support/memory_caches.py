"""Whether a value is only kept in the process's own memory: compared, or a key or value of a
dict the class (or the function) creates empty and never hands on.

A password's fast hash kept that way (a per-request cache of checked passwords, a login cache
with an expiry) is never written where it could leak in bulk: there is no table of hashes to
crack, and the plaintext passes through the same memory anyway. SLS301 reports it at the audit
tier. A hash compared with a value read from anywhere else (a database row, a file), stored on
an object, returned to callers outside the class, or handed to any call is not kept so.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.rules._support import web

# Calls that make a new, empty container.
_EMPTY_CONTAINERS = frozenset({"dict", "set", "list", "OrderedDict", "defaultdict"})
# Methods of a container that read or change its items without handing the container on.
_CONTAINER_METHODS = frozenset({"get", "keys", "values", "items", "pop", "setdefault", "clear", "add", "discard", "remove", "append"})
# Methods and calls that give the same value in another spelling.
_RESPELLINGS = frozenset({"hex", "hexdigest", "digest", "decode", "encode", "upper", "lower"})
_MAX_DEPTH = 8


def kept_in_memory(value: ast.expr, ctx, depth: int = 0) -> bool:
    """Whether every use of `value` (a digest) keeps it in memory only: compared with a constant
    or with what such a container holds, looked up in one, or put in one as a key or a value;
    through local names, concatenation (`login + ":" + digest`), re-spellings (`str(...)`,
    `.hex()`) and, for a method's return value, the calls of the method in its class."""
    if depth > _MAX_DEPTH:
        return False
    parent = ctx.parent(value)
    if (
        isinstance(parent, ast.Attribute) and parent.value is value and parent.attr in _RESPELLINGS and isinstance(ctx.parent(parent), ast.Call)
        or isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add)
    ):
        return kept_in_memory(ctx.parent(parent) if isinstance(parent, ast.Attribute) else parent, ctx, depth + 1)
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in ("str", "bytes") and parent.args == [value]:
        return kept_in_memory(parent, ctx, depth + 1)
    if isinstance(parent, ast.Compare) and len(parent.ops) == 1:
        other = parent.comparators[0] if parent.left is value else parent.left
        if isinstance(parent.ops[0], (ast.In, ast.NotIn)):
            return parent.left is value and _memory_container(_container_of(other), ctx)
        return isinstance(parent.ops[0], (ast.Eq, ast.NotEq)) and (isinstance(other, ast.Constant) or _read_from_memory(other, ctx))
    if isinstance(parent, ast.Subscript) and parent.slice is value:
        return _memory_container(parent.value, ctx)
    if isinstance(parent, ast.Call) and value in parent.args and isinstance(parent.func, ast.Attribute) and parent.func.attr in _CONTAINER_METHODS:
        return _memory_container(parent.func.value, ctx)
    if isinstance(parent, ast.Tuple):
        parent_of_tuple = ctx.parent(parent)
        return isinstance(parent_of_tuple, ast.Assign) and parent_of_tuple.value is parent and _all_memory_items(parent_of_tuple.targets, ctx)
    if isinstance(parent, ast.Assign) and parent.value is value:
        if _all_memory_items(parent.targets, ctx):
            return True
        if len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            reads = astutil.name_reads(web.function_body(ctx, value), parent.targets[0].id)
            return bool(reads) and all(kept_in_memory(read, ctx, depth + 1) for read in reads)
        return False
    if isinstance(parent, ast.Return) and parent.value is value:
        calls = _calls_in_class(parent, ctx)
        return bool(calls) and all(kept_in_memory(call, ctx, depth + 1) for call in calls)
    return False


def _all_memory_items(targets: list[ast.expr], ctx) -> bool:
    """`self._cache[login] = ...`: every target is an item of a container kept in memory."""
    return all(isinstance(t, ast.Subscript) and _memory_container(t.value, ctx) for t in targets)


def _container_of(node: ast.expr) -> ast.expr:
    """`self._seen.keys()` -> `self._seen`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("keys", "values", "items") and not node.args:
        return node.func.value
    return node


def _read_from_memory(node: ast.expr, ctx) -> bool:
    """A name bound in the function only from items of a container kept in memory
    (`(cached, when) = self._cache[login]`, `cached = self._cache.get(login)`), or such an item."""
    if isinstance(node, ast.Subscript):
        return _memory_container(node.value, ctx)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "pop"):
        return _memory_container(node.func.value, ctx)
    if not isinstance(node, ast.Name):
        return False
    sources = [
        stmt.value
        for stmt in astutil.walk(web.function_body(ctx, node))
        if isinstance(stmt, ast.Assign)
        and any(isinstance(n, ast.Name) and n.id == node.id for t in stmt.targets for n in ([t] if isinstance(t, ast.Name) else t.elts if isinstance(t, ast.Tuple) else []))
    ]
    return bool(sources) and all(_read_from_memory(source, ctx) for source in sources if not isinstance(source, ast.Name))


def _memory_container(node: ast.expr, ctx) -> bool:
    """`self._cache` that the class only ever binds to a new empty container and only reads
    items of, or a local name the function so binds and uses."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        scope = next((a for a in ctx.ancestors(node) if isinstance(a, ast.ClassDef)), None)
        same = lambda n: isinstance(n, ast.Attribute) and n.attr == node.attr and isinstance(n.value, ast.Name) and n.value.id == "self"  # noqa: E731
    elif isinstance(node, ast.Name):
        scope = ctx.enclosing_function(node)
        same = lambda n: isinstance(n, ast.Name) and n.id == node.id  # noqa: E731
    else:
        return False
    if scope is None:
        return False
    bound = False
    for found in astutil.walk(scope):
        if not same(found):
            continue
        parent = ctx.parent(found)
        if isinstance(found.ctx, ast.Store):
            if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and _empty_container(parent.value)):
                return False  # bound to something else: it may be a record that is saved
            bound = True
        elif not _item_use(found, parent, ctx):
            return False  # handed on whole: whoever gets it may write it anywhere
    return bound


def _empty_container(value: ast.expr) -> bool:
    if isinstance(value, (ast.Dict, ast.Set, ast.List)):
        return not getattr(value, "keys", None) and not getattr(value, "elts", None)
    return isinstance(value, ast.Call) and astutil.last_name(value.func) in _EMPTY_CONTAINERS and not value.args[1:] and not value.keywords and (
        not value.args or astutil.last_name(value.func) == "defaultdict"
    )


def _item_use(read: ast.expr, parent: ast.AST | None, ctx) -> bool:
    """`cache[key]`, `cache.get(key)`, `key in cache`, `len(cache)`, `for key in cache`."""
    if isinstance(parent, ast.Subscript) and parent.value is read:
        return True
    if isinstance(parent, ast.Attribute) and parent.value is read:
        return parent.attr in _CONTAINER_METHODS and isinstance(ctx.parent(parent), ast.Call)
    if isinstance(parent, ast.Compare):
        return any(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops) and read is not parent.left
    if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is read:
        return True
    return isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in ("len", "bool") and parent.args == [read]


def _calls_in_class(returned: ast.Return, ctx) -> list[ast.Call]:
    """The calls `self.name(...)` of the method that returns `returned`, in its class."""
    func = ctx.enclosing_function(returned)
    cls = next((a for a in ctx.ancestors(func) if isinstance(a, ast.ClassDef)), None) if func is not None else None
    if cls is None or ctx.parent(func) is not cls:
        return []
    reads = [n for n in astutil.walk(cls) if isinstance(n, ast.Attribute) and n.attr == func.name and isinstance(n.ctx, ast.Load)]
    calls = [ctx.parent(n) for n in reads]
    if not all(isinstance(c, ast.Call) and c.func is n and isinstance(n.value, ast.Name) and n.value.id == "self" for c, n in zip(calls, reads)):
        return []  # the method handed on, or called on another object: callers unknown
    return calls  # type: ignore[return-value]
