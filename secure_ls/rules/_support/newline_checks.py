"""Checks earlier in a function that already refuse a value holding a line feed.

`if re.search(r"[\\s\\x00-\\x1f]", host): return False` (or `"\\n" in host`, `not
host.isprintable()`, `not re.fullmatch(r"[a-z.]+", host)`) ends the function for any value
with a line feed in it, so a later `re.match(r"^[a-z.]+$", host)` cannot let one through; so
does such a check first thing in the branch where the match succeeded (refused_on_match).
"""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil
from secure_ls.rules._support import refuncs, regex

# str predicates that are false for any text holding a line feed
_NEWLINE_FREE_PREDICATES = frozenset({"isalnum", "isalpha", "isdecimal", "isdigit", "isidentifier", "isnumeric", "isprintable"})
_BLOCKS = ("body", "orelse", "finalbody")


def refused_before(statement: ast.stmt, subject: ast.expr, ctx) -> bool:
    """An earlier statement of the same function (in this block or an enclosing one) is an `if`
    whose test is true for every `subject` holding a line feed and whose branch leaves (return,
    raise, continue, break, `abort(400)`: `UnitContext.always_leaves`), and nothing in between assigns the subject again."""
    subject_text = ctx.text(subject)
    for earlier in earlier_statements(statement, ctx):
        if _refuses_newline(earlier, subject_text, ctx):
            return True
        if _assigns(earlier, subject, ctx):
            return False
    return False


def refused_on_match(call: ast.Call, subject: ast.expr, ctx) -> bool:
    """`if re.match(r"^[a-z0-9.-]+$", host):` whose branch first refuses any value holding a line
    feed (`if re.search(r"[^a-zA-Z0-9.-]", host): return "suspicious"`): the trailing newline `$`
    lets by is caught before the matching value is accepted."""
    statement = ctx.parent(call)
    if not (isinstance(statement, ast.If) and statement.test is call and statement.body):
        return False
    return _refuses_newline(statement.body[0], ctx.text(subject), ctx)


def _refuses_newline(statement: ast.stmt, subject_text: str, ctx) -> bool:
    """`if <test true for any value with a line feed>: <leave>` on the subject."""
    return isinstance(statement, ast.If) and ctx.always_leaves(statement.body) and _true_for_newline(statement.test, subject_text, ctx)


def earlier_statements(statement: ast.stmt, ctx):
    """The statements that run before `statement` on every path to it within its function,
    nearest first: its earlier siblings, then those of the compound statement holding it, and
    so on out to the function's body."""
    node: ast.AST = statement
    while not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module, ast.ClassDef, ast.Lambda)):
        parent = ctx.parent(node)
        if parent is None:
            return
        siblings = next((getattr(parent, f) for f in _BLOCKS if node in getattr(parent, f, ())), [])
        yield from reversed(siblings[: siblings.index(node)] if node in siblings else [])
        node = parent


def _assigns(statement: ast.stmt, subject: ast.expr, ctx) -> bool:
    """`statement` stores into the subject's variable (or into the subject itself: `self.host = ...`)."""
    root = subject
    while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
        root = root.func if isinstance(root, ast.Call) else root.value
    for node in astutil.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and isinstance(root, ast.Name) and node.id == root.id:
            return True
        if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, ast.Store) and ctx.text(node) == ctx.text(subject):
            return True
    return False


def _true_for_newline(test: ast.expr, subject_text: str, ctx) -> bool:
    """The test holds for any value (of the subject) with a line feed in it."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_true_for_newline(v, subject_text, ctx) for v in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _false_for_newline(test.operand, subject_text, ctx)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In):
        needle = test.left.value if isinstance(test.left, ast.Constant) else None
        return needle in ("\n", b"\n") and ctx.text(test.comparators[0]) == subject_text
    if isinstance(test, ast.Call) and ctx.call_name(test) == "re.search":
        return _pattern_test(test, "re.search", subject_text, ctx, regex.finds_any_newline)
    return False


def _false_for_newline(test: ast.expr, subject_text: str, ctx) -> bool:
    """The test fails for any value with a line feed: `s.isprintable()`, `re.fullmatch(P, s)`
    with a pattern that matches no line feed."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_false_for_newline(v, subject_text, ctx) for v in test.values)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr in _NEWLINE_FREE_PREDICATES and not test.args:
        return ctx.text(test.func.value) == subject_text
    if isinstance(test, ast.Call) and ctx.call_name(test) == "re.fullmatch":
        return _pattern_test(test, "re.fullmatch", subject_text, ctx, regex.matches_no_newline)
    return False


def _pattern_test(call: ast.Call, name: str, subject_text: str, ctx, holds) -> bool:
    subject = refuncs.subject_arg(call, name)
    pattern_node = refuncs.pattern_arg(call)
    if subject is None or pattern_node is None or ctx.text(subject) != subject_text:
        return False
    pattern = refuncs.constant_pattern(pattern_node, ctx)
    flags = refuncs.flags_value(call, name, ctx)
    return pattern is not None and flags is not None and holds(pattern, flags)


def stripped_after(statement: ast.stmt, subject: ast.expr, ctx) -> bool:
    """`if not re.match(r"^[a-z_ .-]+$", name): raise ...` then `name = name.strip().lower()`:
    every later read of the checked name, up to that reassignment, only compares it, so the
    value goes on stripped and a newline the `$` let through goes no further. Not in a loop,
    where a later statement may run before the check."""
    if not isinstance(subject, ast.Name):
        return False
    node: ast.AST = statement
    while not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parent = ctx.parent(node)
        if parent is None or isinstance(parent, (ast.For, ast.AsyncFor, ast.While, ast.Module, ast.ClassDef, ast.Lambda)):
            return False
        siblings = next((getattr(parent, f) for f in _BLOCKS if node in getattr(parent, f, ())), None)
        for later in siblings[siblings.index(node) + 1 :] if siblings is not None else []:
            if isinstance(later, ast.Assign) and _restrips(later, subject.id, ctx):
                return True
            for read in astutil.walk(later):
                if isinstance(read, ast.Name) and read.id == subject.id and isinstance(read.ctx, ast.Load) and not isinstance(ctx.parent(read), ast.Compare):
                    return False
        node = parent
    return False


def _restrips(assign: ast.Assign, name: str, ctx) -> bool:
    """`name = name.strip()...`: the name rebound to its own stripped value (reading it nowhere else)."""
    if not (len(assign.targets) == 1 and isinstance(assign.targets[0], ast.Name) and assign.targets[0].id == name):
        return False
    reads = [n for n in astutil.walk(assign.value) if isinstance(n, ast.Name) and n.id == name]
    return bool(reads) and all(_strip_receiver(read, ctx) for read in reads)


def _strip_receiver(read: ast.Name, ctx) -> bool:
    method = ctx.parent(read)
    call = ctx.parent(method)
    return (
        isinstance(method, ast.Attribute) and method.attr in ("strip", "rstrip")
        and isinstance(call, ast.Call) and call.func is method and not call.args and not call.keywords
    )


def checkable(expr: ast.expr) -> bool:
    """A subject matched_whole can follow: a name, a field of one (`request.path`), or an item of
    such a field under a literal key (`request.headers["ST"]`)."""
    if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant):
        expr = expr.value
    return isinstance(expr, ast.Name) or isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name)


def matched_whole(statement: ast.stmt, subject: ast.expr, ctx) -> bool:
    """`statement` runs only where a pattern that consumes no line feed matched the whole of
    `subject` (a name, or a field such as `request.path`): in the branch of `if
    BLOCKED.match(request.path):`, or after `if not CHECK.fullmatch(name): raise`, with nothing
    assigning it in between; or where it equals literals without a line feed (`if st == "ssdp:all":`). `match` must end at `$` or `\\Z`: `$` lets one trailing line feed
    through, with nothing of the value after it. The pattern is a literal, or a name bound to
    `re.compile("...")` without flags, in the function or at the module's top level."""
    subject_text = ctx.text(subject)
    node: ast.AST = statement
    while True:
        parent = ctx.parent(node)
        if parent is None or isinstance(parent, (ast.Lambda, ast.ClassDef, ast.Module)):
            return False
        siblings = next((getattr(parent, f) for f in _BLOCKS if node in getattr(parent, f, ())), [])
        for earlier in reversed(siblings[: siblings.index(node)] if node in siblings else []):
            test = earlier.test if isinstance(earlier, ast.If) and ctx.always_leaves(earlier.body) else None
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and _holds_only_safe_text(test.operand, subject_text, ctx):
                return True
            if _parses_number(earlier, subject_text, ctx) or _parsed_in_guarded_try(earlier, subject_text, ctx):
                return True  # `retries = int(request.headers["X-Retry"])`: had it not been a number, it raised
            if _assigns(earlier, subject, ctx):
                return False
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.For, ast.AsyncFor, ast.While)):
            return False  # the function's start; or a loop, whose next round may come back before the check
        if isinstance(parent, ast.If) and node in parent.body:
            test = parent.test
            conjuncts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
            if any(_holds_only_safe_text(t, subject_text, ctx) or _parses_number(t, subject_text, ctx) for t in conjuncts):
                return True  # ... or `if "X-Retry" in headers and int(headers["X-Retry"]) > 1:` parsed it as a number
        node = parent


def _holds_only_safe_text(test: ast.expr, subject_text: str, ctx) -> bool:
    """Where `test` is true, the subject holds no line feed: a pattern without one matched it
    whole, or it equals one of some literals without one (`st == "ssdp:all" or st == "upnp:rootdevice"`,
    `method in ("GET", "HEAD")`)."""
    return _whole_match(test, subject_text, ctx) or _equals_literals(test, subject_text, ctx)


def _equals_literals(test: ast.expr, subject_text: str, ctx) -> bool:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return all(_equals_literals(v, subject_text, ctx) for v in test.values)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.In))):
        return False
    left, right = test.left, test.comparators[0]
    if isinstance(test.ops[0], ast.Eq) and ctx.text(right) == subject_text:
        left, right = right, left
    if ctx.text(left) != subject_text:
        return False
    literals = right.elts if isinstance(test.ops[0], ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)) else [right] if isinstance(test.ops[0], ast.Eq) else []
    return bool(literals) and all(isinstance(v, ast.Constant) and isinstance(v.value, (str, bytes)) and "\n" not in str(v.value) and "\r" not in str(v.value) for v in literals)


def _whole_match(test: ast.expr, subject_text: str, ctx) -> bool:
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr in ("match", "fullmatch")):
        return False
    name = ctx.call_name(test)
    if name in ("re.match", "re.fullmatch"):
        subject, pattern, flags = refuncs.subject_arg(test, name), refuncs.constant_pattern(refuncs.pattern_arg(test), ctx), refuncs.flags_value(test, name, ctx)
    elif test.args and not test.keywords and len(test.args) == 1:
        subject, pattern, flags = test.args[0], _compiled_pattern(test.func.value, ctx), 0
    else:
        return False
    if subject is None or ctx.text(subject) != subject_text or pattern is None or flags is None or flags & re.MULTILINE:
        return False
    if test.func.attr == "match":
        shape = regex.anchors(pattern, flags)
        if shape is None or shape[1] is None:
            return False
    return regex.matches_no_newline(pattern, flags)


def _compiled_pattern(node: ast.expr, ctx) -> str | bytes | None:
    """The text of `NAME` bound to `re.compile("...")` (no flags), in the function or at module level."""
    if not isinstance(node, ast.Name):
        return None
    values = ctx.assigned_values(node)
    if values:
        made = values[0] if len(values) == 1 else None
        if isinstance(made, ast.Call) and ctx.call_name(made) == "re.compile" and len(made.args) == 1 and not made.keywords:
            return refuncs.constant_pattern(made.args[0], ctx)
        return None
    func = ctx.enclosing_function(node)
    if func is not None and any(a.arg == node.id for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)):
        return None  # a parameter, not the module's pattern
    if ctx.module.made_by.get(node.id) != "re.compile":
        return None
    pattern = dict(ctx.module.made_with.get(node.id, ())).get("pattern")
    return pattern if isinstance(pattern, (str, bytes)) else None


# Where a conversion runs whenever the node holding it does: an operand, an argument, the value a
# statement assigns or the test of an `if` (not a branch of `x if c else y`, a later operand of
# `and`/`or`, a comprehension, a lambda, nor the body of a compound statement)
_ALWAYS_EVALUATED = (
    ast.Call, ast.Compare, ast.BinOp, ast.UnaryOp, ast.Subscript, ast.Attribute, ast.Tuple, ast.List, ast.Set, ast.Dict,
    ast.keyword, ast.FormattedValue, ast.JoinedStr, ast.Await, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr,
)


def _parses_number(node: ast.AST, subject_text: str, ctx) -> bool:
    """`node` (a statement that ran before, or a test that held) always calls `int(subject)`,
    `float(subject)` or `Decimal(subject)` and got past it: the subject is digits (a sign, a point,
    an exponent, `_`) with at most whitespace around them, which the conversion ignores, so no text
    of the client's can follow a line break in it; or an Enum class, `Provider(subject)` or
    `AuthMethod(f"{subject}-auth")`: the text (with the literal around it) is one of the class's
    values. Not a conversion inside a `try` (the handler may go on with text that failed), a
    conditional branch or a later operand of `and`/`or`."""
    for call in astutil.walk(node):
        if not (isinstance(call, ast.Call) and call.args and not call.keywords and len(call.args) <= 2):
            continue
        if not (ctx.call_name(call) in _WHITESPACE_BLIND and ctx.text(call.args[0]) == subject_text or _enum_value_of(call, subject_text, ctx)):
            continue
        child, parent = call, ctx.parent(call)
        while child is not node and parent is not None:
            if isinstance(parent, ast.If) and child is parent.test or isinstance(parent, ast.BoolOp) and child is parent.values[0]:
                pass
            elif not isinstance(parent, _ALWAYS_EVALUATED) or isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)) and child is not parent.value:
                break
            child, parent = parent, ctx.parent(parent)
        if child is node:
            return True
    return False


def _parsed_in_guarded_try(statement: ast.stmt, subject_text: str, ctx) -> bool:
    """`try: op = BatchOperation(op_str)` / `except ValueError: return JsonResponse(..., status=400)`:
    a statement of the `try` converts the subject (_parses_number) and every handler leaves, so
    past the `try` the conversion held (a handler that goes on may have caught its failure)."""
    if not (isinstance(statement, ast.Try) and statement.handlers and all(ctx.always_leaves(h.body) for h in statement.handlers)):
        return False
    return any(_parses_number(inner, subject_text, ctx) for inner in statement.body)


def _enum_value_of(call: ast.Call, subject_text: str, ctx) -> bool:
    """`Provider(subject)` or `Provider(f"{subject}-auth")` (the subject a plain field of the
    f-string), the class an Enum: a lookup by value, which raises unless the text is one."""
    value = call.args[0] if len(call.args) == 1 else None
    if isinstance(value, ast.JoinedStr):
        fields = [v for v in value.values if isinstance(v, ast.FormattedValue)]
        if len(fields) != 1 or fields[0].conversion not in (-1, None) or fields[0].format_spec is not None:
            return False
        value = fields[0].value
    return value is not None and ctx.text(value) == subject_text and _names_enum(call.func, ctx)


# Conversions that ignore whitespace around the text (`int("5\n") == 5`)
_WHITESPACE_BLIND = frozenset({"int", "float", "decimal.Decimal"})


def converted_after(check: ast.Call, subject: ast.expr, ctx) -> bool:
    """`if not re.match(r"^\\d+$", str(value)) or int(value) > top: raise ...` then
    `out.append(int(value))`: every read of the checked name after the check (in its own test
    too) is the one argument of `int()`/`float()`, which ignore a trailing newline, so the
    newline `$` lets by goes no further than the number. `str(value)` is checked as `value`."""
    if isinstance(subject, ast.Call) and ctx.call_name(subject) == "str" and len(subject.args) == 1 and not subject.keywords:
        subject = subject.args[0]
    func = ctx.enclosing_function(check)
    if not isinstance(subject, ast.Name) or func is None:
        return False
    inside = {id(n) for n in astutil.walk(check)}
    after = [
        read for read in astutil.name_reads(func, subject.id)
        if id(read) not in inside and (read.lineno, read.col_offset) > (check.end_lineno, check.end_col_offset)
    ]
    return bool(after) and all(_converted(read, ctx) for read in after)


def _converted(read: ast.Name, ctx) -> bool:
    call = ctx.parent(read)
    return isinstance(call, ast.Call) and call.args == [read] and not call.keywords and ctx.call_name(call) in _WHITESPACE_BLIND


def _names_enum(func: ast.expr, ctx) -> bool:
    """Whether `func` names an Enum class of this module or of the workspace module it is imported from."""
    if isinstance(func, ast.Name) and func.id in ctx.module.enum_classes:
        return True
    declared = ctx.declared(func)
    return declared is not None and declared.enum
