"""What the result of a comparison is used for, for SLS303 (timing-unsafe comparison): uses that
decide nothing a guesser could learn from, so its time leaks nothing worth having.

`removes_matches(node, ctx)`: a `!=` that picks the entries to drop from a collection stored back
in its place (`pending = [p for p in pending if p.token != token]`).
`keeps_the_others(node, ctx)`: a `!=` in a loop that only copies the items that differ into
another list (`for r in records: if r.content != token: kept.append(r)`).
`recorded_as_data(node, ctx)`: a result kept in a name that is only shown or stored
(`current = (row["token"] == mine)` then `{"current": current}`), never tested.
`builds_expression(node, ctx)`: an argument of a query builder (`filter(Model.key == key)`), no test.
`in_equality_method(node, ctx)`: inside `__eq__`/`__ne__`, comparing two objects.
`only_warns_or_forgets(node, ctx)`: the test of an `if` whose one branch only prints, logs, warns
or drops entries (`session.pop(KEY)`), or of a choice of words for a log message.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.rules._support import compared_values, logs, naming


def removes_matches(node: ast.Compare, ctx) -> bool:
    """`self.pending = list(filter(lambda p: p.token != token, self.pending))`, `keys = [k for k
    in keys if k.value != value]`: the comparison picks the entries to drop from a collection,
    and the rest is stored back in its place. Bookkeeping (after whatever check granted
    something): its time tells a guesser nothing they can act on."""
    if not isinstance(node.ops[0], ast.NotEq):
        return False
    parent = ctx.parent(node)
    if isinstance(parent, ast.Lambda) and parent.body is node:
        kept = ctx.parent(parent)
        if not (isinstance(kept, ast.Call) and astutil.last_name(kept.func) == "filter" and len(kept.args) == 2 and kept.args[0] is parent):
            return False
        source = kept.args[1]
    elif isinstance(parent, ast.comprehension) and node in parent.ifs and len(parent.ifs) == 1:
        kept, source = ctx.parent(parent), parent.iter
        if not isinstance(kept, (ast.ListComp, ast.SetComp)) or len(kept.generators) != 1:
            return False
    else:
        return False
    wrapper = ctx.parent(kept)
    if isinstance(wrapper, ast.Call) and astutil.last_name(wrapper.func) in ("list", "set", "tuple") and wrapper.args == [kept]:
        kept = wrapper
    stmt = ctx.parent(kept)
    if not (isinstance(stmt, ast.Assign) and stmt.value is kept and len(stmt.targets) == 1):
        return False
    return ctx.text(stmt.targets[0]) in (ctx.text(source), item_iterated(source, ctx))


def item_iterated(name: ast.expr, ctx) -> str | None:
    """`D[k]` for `v` in `for k, v in D.items():`, the text of the entry the loop value is."""
    if not isinstance(name, ast.Name):
        return None
    loop = next((a for a in ctx.ancestors(name) if isinstance(a, (ast.For, ast.AsyncFor))), None)
    if loop is None or not (isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == 2 and all(isinstance(e, ast.Name) for e in loop.target.elts)):
        return None
    key, value = loop.target.elts
    items = loop.iter
    if value.id != name.id or not (isinstance(items, ast.Call) and isinstance(items.func, ast.Attribute) and items.func.attr == "items" and not items.args):
        return None
    return f"{ctx.text(items.func.value)}[{key.id}]"


def keeps_the_others(node: ast.Compare, ctx) -> bool:
    """`for record in records: if record.content != token: kept.append(record)`: in a loop over a
    collection, a `!=` whose branch only appends the loop's own item to a list, and does nothing
    when they match. It sorts entries (the ones to keep, or send back, without the matching
    one); no branch grants, refuses or answers anything, so its time tells a guesser nothing.
    Not an `==` (the branch then handles the matching entry, a found record), nor a branch that
    appends anything else, returns, raises or carries on."""
    if not isinstance(node.ops[0], ast.NotEq):
        return False
    branch = ctx.parent(node)
    if not (isinstance(branch, ast.If) and branch.test is node and not branch.orelse and len(branch.body) == 1):
        return False
    stmt = branch.body[0]
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "append" and len(call.args) == 1 and not call.keywords):
        return False
    loop = ctx.parent(branch)
    if not (isinstance(loop, (ast.For, ast.AsyncFor)) and branch in loop.body and isinstance(loop.target, ast.Name)):
        return False
    item = call.args[0]
    return isinstance(item, ast.Name) and item.id == loop.target.id and ctx.text(call.func.value) != ctx.text(loop.iter)


# Where a read of a name only puts its value into data: a mapping's value, a formatted string.
_DATA_PLACES = (ast.Dict, ast.FormattedValue)


def recorded_as_data(node: ast.Compare, ctx) -> bool:
    """`for item in rows: current = (item["jwt_token"] == jwt_token)` then `{"current": current}`,
    or `row_class = ' class="selected"' if option == token else ''` then `f"<tr{row_class}>"`: in
    a loop over entries, one side an entry's, the result (or one of two constants it picks) is
    kept in a name whose every read only puts it into a mapping or a formatted string, to mark
    which entry matched. Nothing is granted or refused by it here. Not when any read is tested
    (`if ok:`), returned, compared or passed to a call: those may decide something; nor outside
    such a loop (`valid = token == expected` then `{"valid": valid}` answers whether a guess is
    right)."""
    if not _compares_a_loop_item(node, ctx):
        return False
    held: ast.AST = node
    parent = ctx.parent(node)
    if isinstance(parent, ast.IfExp) and parent.test is node:
        if not all(isinstance(branch, ast.Constant) for branch in (parent.body, parent.orelse)):
            return False
        held, parent = parent, ctx.parent(parent)
    if not (isinstance(parent, ast.Assign) and parent.value is held and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    function = ctx.enclosing_function(node)
    if function is None:
        return False
    reads = astutil.name_reads(function, parent.targets[0].id)
    return bool(reads) and all(_only_put_in_data(read, ctx) for read in reads)


def _compares_a_loop_item(node: ast.Compare, ctx) -> bool:
    """One side reads a name an enclosing `for` (in the same function) binds to each entry."""
    read = {n.id for side in (node.left, *node.comparators) for n in astutil.walk(side) if isinstance(n, ast.Name)}
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
        if isinstance(ancestor, (ast.For, ast.AsyncFor)) and read & {n.id for n in astutil.walk(ancestor.target) if isinstance(n, ast.Name)}:
            return True
    return False


def _only_put_in_data(read: ast.Name, ctx) -> bool:
    parent = ctx.parent(read)
    if isinstance(parent, ast.Dict):
        return any(value is read for value in parent.values)
    return isinstance(parent, ast.FormattedValue) and parent.value is read


def only_warns_or_forgets(node: ast.Compare, ctx) -> bool:
    """The comparison decides only whether a message is printed, logged or warned, or whether
    entries are dropped: the test (alone, or a conjunct of the `and`) of an `if` with no `else`
    whose branch only makes such calls (`if given != configured: warn("ignored")`; `if
    session.get(KEY) == token: session.pop(KEY)`, a clean-up), or of a choice between two
    constants passed straight to such a call (`log.info("%s key", "default" if key == default
    else "custom")`). Nothing is granted or refused by it, so its time answers no guess."""
    parent = ctx.parent(node)
    if isinstance(parent, ast.IfExp) and parent.test is node:
        call = ctx.parent(parent)
        constants = all(isinstance(branch, ast.Constant) for branch in (parent.body, parent.orelse))
        return constants and isinstance(call, ast.Call) and parent in call.args and _warns(call, ctx)
    decided = compared_values.deciding_if(node, ctx)
    if decided is None or decided.orelse:
        return False
    return all(
        isinstance(stmt, ast.Delete) or isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and (_warns(stmt.value, ctx) or _forgets(stmt.value))
        for stmt in decided.body
    )


def _warns(call: ast.Call, ctx) -> bool:
    """`print(...)`, `warnings.warn(...)`, `logger.warning(...)`, a helper named for warning
    (`warn_once(...)`), or an application's audit record (`AuditLog.log(...)`, `audit(...)`)."""
    if (ctx.call_name(call) or "") in ("print", "warnings.warn") or logs.is_logging_call(call, ctx):
        return True
    method = naming.words(astutil.last_name(call.func))
    receiver = naming.words(astutil.last_name(call.func.value)) if isinstance(call.func, ast.Attribute) else []
    return "warn" in astutil.last_name(call.func).lower() or "audit" in method + receiver or method[:1] == ["log"]


def _forgets(call: ast.Call) -> bool:
    """`session.pop(KEY)`, `self.session_pop(KEY)`, `pending.discard(token)`: an entry dropped."""
    name = astutil.last_name(call.func)
    return name in ("pop", "remove", "discard") or name.endswith("_pop")


def builds_expression(node: ast.Compare, ctx) -> bool:
    """`query.filter(Model.api_key == key)`, `and_(a == b, ...)`: the comparison is an argument,
    an expression handed to a query builder, not a test the program branches on."""
    child = node
    for parent in ctx.ancestors(node):
        if isinstance(parent, ast.Call):
            return child is not parent.func
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.BitAnd, ast.BitOr)) or isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Invert):
            return True  # `filters & (Model.digest == d)`: `&`, `|` and `~` of comparisons build a query
        if isinstance(parent, (ast.keyword, ast.BoolOp, ast.UnaryOp)):
            child = parent
            continue
        return False
    return False


def in_equality_method(node: ast.Compare, ctx) -> bool:
    """`def __eq__(self, other): return self.token == other.token` compares two objects."""
    function = ctx.enclosing_function(node)
    return function is not None and function.name in ("__eq__", "__ne__")
