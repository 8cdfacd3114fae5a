"""SLS131 float-nan-input."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, frameworks
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import constants, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_GUARDS = frozenset(
    {
        "math.isnan", "math.isfinite", "math.isinf", "cmath.isnan", "cmath.isfinite", "cmath.isinf",
        "numpy.isnan", "numpy.isfinite", "numpy.isinf", "np.isnan", "np.isfinite",
    }
)


class FloatNanInput(Rule):
    """
    ## What it does
    Finds `float()` applied to request data (query parameters, form fields,
    JSON, headers) in a function that never checks the result with
    `math.isnan`/`math.isfinite`/`math.isinf`. A number that only bounds a
    model column in a query's condition (`query.filter(Bill.amount >= x)`,
    also inside a condition combined with `&`, `|`, `~` or SQLAlchemy's
    `and_()`/`or_()`: `.where((x >= Rec.start) & (x <= Rec.end))`) is
    reported in the audit tier only: the database compares it (NaN matches
    nothing), no check of the program's lets it through. Nor is a value
    whose text the function itself tests for `"nan"` or `"inf"` (`if given
    in ["nan", "inf"]: ... else: float(given)`): it takes them on purpose.
    Nor is a number turned into an integer in the same expression
    (`int(float(text))`, `int(math.ceil(float(count) / size))`,
    `round(float(x))`): the conversion raises for NaN and infinity, so no
    non-finite value comes out (`round(float(x), 2)` is still reported).
    Nor is one passed straight to a call that raises for both
    (`datetime.fromtimestamp(float(date), tz=utc)`, `timedelta(hours=float(h))`,
    `time.gmtime`). Nor is `float()` of what is a number already
    (`float(max(running - now, 0))`: arithmetic no string has, `int()`,
    `len()`, a name every value of which is one): any NaN in it came from an
    earlier `float()`, judged where it is. Nor is one that meets no check in the function: only
    handed, as it is, to a function of another module or a library
    (`contour_lines(dem, interval)`, `search(q, min_confidence=x)`) or
    compared for equality (`x == 0`: NaN is just another unequal number),
    or clamped with the bound first (`max(0.1, float(t))` gives 0.1 for
    NaN). Nor is one converted only where an `if` found the text, or a
    slice of it or the text with some non-letters taken out, to be digits
    (`elif val.replace(".", "", 1).isdigit(): x = float(val)`): every
    spelling of NaN and infinity has letters. A number handed to a function of the same module (which may
    compare it), to min/max, round, math functions, a container or
    `setattr`, or used as a duration (`timeout=x`, `sleep(x)`,
    `callLater(x, f)`: infinity waits forever) is still reported.

    ## Why is this bad?
    `float("nan")`, `float("inf")` and `float("-Infinity")` all succeed.
    NaN compares false with everything, so `if amount > balance: reject()`
    lets it through; it then poisons every sum it touches and is stored as
    NaN. Infinity overflows limits and breaks serialization.

    ## How to fix it
    Reject non-finite values right after parsing:
    `if not math.isfinite(value): raise ValueError(...)`. The quick fix
    adds that check after the assignment. Consider `decimal.Decimal` for
    money (it also parses "NaN", so check `is_finite()` there too).
    """

    id = "SLS131"
    name = "float-nan-input"
    title = "float() of request data without a NaN/infinity check"
    cwe = 1287
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    topic = "input-validation"
    fixable = True
    calls = frozenset({"float"})

    VALID = [
        # a number already: what `-` and max() give is no text to spell "nan" in
        code("""
            import time

            def cache_from_env(env):
                return env.get("swift.cache")

            class RateLimit:
                def __init__(self, app):
                    self.app = app

                def __call__(self, env, start_response):
                    running = cache_from_env(env).incr("ratelimit", delta=5)
                    need = 0
                    if running > 10:
                        need = max(running - 10, 0)
                    time.sleep(float(need) / 1000)
                    return self.app(env, start_response)
        """),
        # the function takes "nan" and "inf" on purpose: it tests the text for them itself
        code("""
            import numpy as np
            from flask import request

            def edit_cell(frame, row, column):
                given = request.args["value"]
                if given in ["nan", "inf"]:
                    frame.loc[row, column] = getattr(np, given)
                else:
                    frame.loc[row, column] = float(given)
                return "ok"
        """),
        code("""
            import math
            from flask import request

            def pay():
                amount = float(request.form["amount"])
                if not math.isfinite(amount):
                    return "bad", 400
                return str(amount)
        """),
        code("""
            from flask import request

            def page():
                return int(request.args["page"])
        """),
        code("""
            import os

            def timeout():
                return float(os.environ.get("TIMEOUT", "5"))
        """),
        code("""
            def ratio(value):
                return float(value)
        """),

        # passed straight to a call that raises for NaN and infinity
        code("""
            import datetime
            from flask import request

            def retry_after():
                date = request.args["date"]
                when = datetime.datetime.fromtimestamp(float(date), tz=datetime.timezone.utc)
                wait = datetime.timedelta(hours=float(request.args["hours"]) * 2)
                return when + wait
        """),
        # turned into an integer in the same expression: int(), ceil() and floor() raise for NaN and infinity
        code("""
            import math
            from flask import request

            def pages(total):
                per_page = int(math.ceil(float(request.args.get("per_page", "20")) * 2))
                if per_page > 100:
                    return "too many", 400
                return str(total // per_page)
        """),

        # used only where a two-sided bound held: NaN fails both comparisons, infinity one
        code("""
            import time
            from flask import request

            def link_ok():
                expires = float(request.args.get("expires") or 0)
                if time.time() < expires <= time.time() + 3600:
                    return expires - time.time()
                return None
        """),
        # handed on as it is to another module's function (or compared for equality only): no check here for NaN to pass
        code("""
            from flask import request
            from geo.contours import contour_lines

            def contours(dem):
                interval = float(request.form.get("interval", 1))
                if interval == 0:
                    return "no lines", 400
                return contour_lines(dem, interval, simplify=float(request.form.get("simplify", 0.01)))
        """),
        # the text is read before the conversion and in its `except`; the number is only handed on
        code("""
            from flask import request

            def export(task):
                resample = request.form.get("resample")
                if resample is not None:
                    try:
                        resample = float(resample)
                    except ValueError:
                        return "bad resample value %s" % resample, 400
                return task.export_pointcloud(resample=resample)
        """),
        # converted only where the text is digits with one "." (and maybe a leading "-"): never "nan" or "inf"
        code("""
            from flask import request

            def width():
                val = request.args.get("width", "")
                if val.isdigit():
                    width = int(val)
                elif "." in val and (val.replace(".", "", 1).isdigit() or (val.startswith("-") and val[1:].replace(".", "", 1).isdigit())):
                    width = float(val)
                else:
                    return "bad width", 400
                if width > 100:
                    return "too wide", 400
                return str(width)
        """),
        # clamped with the bound first: max() keeps 0.1 when NaN compares false
        code("""
            from flask import request

            def sampled(track):
                step = max(0.1, float(request.args.get("t", 1)))
                return track.sample(step)
        """),
    ]
    INVALID = [
        # handed to a function of this module, which compares it: NaN passes `amount > balance`
        Example(
            code("""
                from flask import request

                def withdraw(account, amount):
                    if amount > account.balance:
                        return "insufficient funds", 400
                    account.balance -= amount
                    return "ok"

                def withdraw_view(account):
                    return withdraw(account, float(request.form["amount"]))
            """),
            where='float(request.form["amount"])',
            says='`float()` of the Flask request accepts "nan" and "inf"',
        ),
        # the bound second: max(nan, 0.1) is nan; and a duration: inf waits forever
        Example(
            code("""
                import requests
                from flask import request

                def sampled(track):
                    step = max(float(request.args.get("t", 1)), 0.1)
                    return track.sample(step)
            """),
            where='float(request.args.get("t", 1))',
            says='`float()` of the Flask request accepts "nan" and "inf"',
        ),
        Example(
            code("""
                import requests
                from flask import request

                def probe(url):
                    return requests.get(url, timeout=float(request.args["timeout"])).status_code
            """),
            where='float(request.args["timeout"])',
            says='`float()` of the Flask request accepts "nan" and "inf"',
        ),
        Example(
            code("""
                from flask import request

                def withdraw(account):
                    amount = float(request.form["amount"])
                    if amount > account.balance:
                        return "insufficient funds", 400
                    account.balance -= amount
                    return "ok"
            """),
            fixed=code("""
                from flask import request
                import math

                def withdraw(account):
                    amount = float(request.form["amount"])
                    if not math.isfinite(amount):
                        raise ValueError("amount must be a finite number")
                    if amount > account.balance:
                        return "insufficient funds", 400
                    account.balance -= amount
                    return "ok"
            """),
            where='float(request.form["amount"])',
            says='`float()` of the Flask request accepts "nan" and "inf"',
        ),
        # one bound only: NaN fails it, but infinity passes
        Example(
            code("""
                import time
                from flask import request

                def link_ok():
                    expires = float(request.args.get("expires") or 0)
                    if expires > time.time():
                        return expires - time.time()
                    return None
            """),
            fixed=code("""
                import time
                from flask import request
                import math

                def link_ok():
                    expires = float(request.args.get("expires") or 0)
                    if not math.isfinite(expires):
                        raise ValueError("expires must be a finite number")
                    if expires > time.time():
                        return expires - time.time()
                    return None
            """),
            where='float(request.args.get("expires") or 0)',
            says='`float()` of the Flask request accepts "nan" and "inf"',
        ),
        # rounded to two digits, not to an integer: round(nan, 2) is still NaN
        Example(
            code("""
                from flask import request

                def withdraw(account):
                    amount = round(float(request.form["amount"]), 2)
                    if amount > account.balance:
                        return "insufficient funds", 400
                    account.balance -= amount
                    return "ok"
            """),
            where='float(request.form["amount"])',
            says='`float()` of the Flask request accepts "nan" and "inf"',
        ),
        # the text is tested for other words, not for "nan" or "inf"
        Example(
            code("""
                from flask import request

                def edit_cell(frame, row, column):
                    given = request.args["value"]
                    if given in ["", "none"]:
                        frame.loc[row, column] = None
                    else:
                        frame.loc[row, column] = float(given)
                    return "ok"
            """),
            where="float(given)",
            says='`float()` of the Flask request accepts "nan" and "inf"',
        ),
        Example(
            code("""
                def rate(request, item):
                    item.score = (item.score + float(request.POST["stars"])) / 2
                    item.save()
            """),
            where='float(request.POST["stars"])',
            says='`float()` of the HTTP request accepts "nan" and "inf"',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if ctx.call_name(node) != "float" or len(node.args) != 1 or node.keywords:
            return
        part = ctx.origin(node.args[0]).risk(Sink.ANY)
        if not web.is_client(part):
            return
        stmt = ctx.statement(node)
        target = None
        if isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            target = stmt.targets[0].id
        if constants.is_number(node.args[0], ctx):
            return  # `float(need_to_sleep_m)` of `max(running - now, 0)`: no text to parse "nan" from
        if _guarded(ctx, node, target) or _spells_non_finite(ctx, node) or _checked_as_digits(ctx, node) or _rounded_to_integer(ctx, node) or _given_to_a_call_rejecting_non_finite(ctx, node):
            return
        if _clamped_by_a_constant(ctx, node) or _only_handed_on(ctx, node, target):
            return
        confidence = part.confidence()
        if _only_query_bounds(ctx, node, target):
            confidence = Confidence.LOW  # `filter(Bill.amount >= x)`: the database compares, no check of the program's
        fix = None
        if target is not None and ctx.lines[stmt.end_lineno - 1][ctx.span(stmt).end.column :].strip() == "":
            indent = ctx.indentation(stmt)
            fix = Fix(
                "Reject NaN and infinity",
                (ctx.insert_after(stmt, f'\n{indent}if not math.isfinite({target}):\n{indent}    raise ValueError("{target} must be a finite number")'),),
                safe=False,
                imports=("import math",),
            )
        ctx.report(
            self,
            node,
            f"`float()` of {part.describe()} accepts \"nan\" and \"inf\": NaN passes every comparison check. "
            "Reject non-finite values with `math.isfinite()`.",
            fix=fix,
            confidence=confidence,
            related=ctx.related_path(part),
        )


# Query methods whose arguments are conditions the database evaluates (Django, SQLAlchemy).
_QUERY_FILTERS = frozenset({"filter", "filter_by", "where", "having", "exclude"})


def _only_query_bounds(ctx, call: ast.Call, target: str | None) -> bool:
    """Whether the number is only ever a bound in a query's condition on a model's column
    (`query.filter(Bill.amount >= float(x))`): a search criterion the database compares, where NaN
    matches nothing (or everything), not a check in the program that NaN slips through."""
    if target is None:
        uses: list[ast.expr] = [call]
    else:
        body = web.function_body(ctx, call)
        uses = astutil.name_reads(body, target)
    return bool(uses) and all(_column_bound(ctx, use) for use in uses)


def _column_bound(ctx, use: ast.expr) -> bool:
    compare = ctx.parent(use)
    if not (isinstance(compare, ast.Compare) and len(compare.ops) == 1):
        return False
    column = compare.left if compare.comparators[0] is use else compare.comparators[0]
    if not (isinstance(column, ast.Attribute) and frameworks.is_model_class(column.value)):
        return False
    condition: ast.expr = compare
    query = ctx.parent(compare)
    while _combines_conditions(query, ctx):
        # `.where((x >= Rec.start) & (x <= Rec.end))`, `.filter(and_(Bill.amount >= x, ...))`: still the query's condition
        condition, query = query, ctx.parent(query)
    return isinstance(query, ast.Call) and condition in query.args and isinstance(query.func, ast.Attribute) and query.func.attr in _QUERY_FILTERS


# SQLAlchemy's functions that combine conditions into one
_CONDITION_COMBINERS = frozenset({"sqlalchemy.and_", "sqlalchemy.or_", "sqlalchemy.not_", "sqlalchemy.sql.and_", "sqlalchemy.sql.or_", "sqlalchemy.sql.not_"})


def _combines_conditions(node: ast.AST | None, ctx) -> bool:
    """`a & b`, `a | b`, `~a` (the operators peewee and SQLAlchemy overload to build a condition
    the database evaluates) or SQLAlchemy's `and_(a, b)`/`or_`/`not_`."""
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, (ast.BitAnd, ast.BitOr))
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.Invert)
    return isinstance(node, ast.Call) and ctx.call_name(node) in _CONDITION_COMBINERS


def _guarded(ctx, call: ast.Call, target: str | None) -> bool:
    body = web.function_body(ctx, call)
    if target is not None and _used_only_within_bounds(body, target):
        return True
    for node in astutil.walk(body):
        if isinstance(node, ast.Call) and (ctx.call_name(node) in _GUARDS or astutil.last_name(node.func) in ("isnan", "isfinite", "isinf", "is_finite")):
            if target is None or any(target in web.names_in(a) for a in node.args):
                return True
        if isinstance(node, ast.Compare) and target is not None and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            if isinstance(node.left, ast.Name) and node.left.id == target and isinstance(node.comparators[0], ast.Name) and node.comparators[0].id == target:
                return True  # `x != x`
    return False


# Conversions to an integer: each raises for NaN (ValueError) and for infinity (OverflowError).
_TO_INTEGER = frozenset({"int", "math.ceil", "math.floor", "math.trunc"})


def _rounded_to_integer(ctx, call: ast.Call) -> bool:
    """`int(float(text))`, `int(math.ceil(float(count) / size))`, `round(float(x))`: the parsed
    number, perhaps after arithmetic, is turned into an integer in the same expression, which raises
    for NaN and infinity; no non-finite value leaves the expression. (`round(x, 2)` keeps NaN.)"""
    node, parent = _after_arithmetic(ctx, call)
    if not (isinstance(parent, ast.Call) and len(parent.args) == 1 and not parent.keywords and parent.args[0] is node):
        return False
    return ctx.call_name(parent) in _TO_INTEGER or (ctx.call_name(parent) == "round")


# Calls that raise for NaN (ValueError) and infinity (OverflowError) in any of their number arguments
_REJECTS_NON_FINITE = frozenset(
    {"datetime.datetime.fromtimestamp", "datetime.datetime.utcfromtimestamp", "datetime.date.fromtimestamp", "datetime.timedelta", "time.gmtime", "time.localtime"}
)


def _given_to_a_call_rejecting_non_finite(ctx, call: ast.Call) -> bool:
    """`datetime.fromtimestamp(float(date), tz=utc)`, `timedelta(hours=float(h))`: the parsed
    number, perhaps after arithmetic, goes straight into a call that raises for NaN and
    infinity; no non-finite value comes out."""
    node, parent = _after_arithmetic(ctx, call)
    if isinstance(parent, ast.keyword):
        node, parent = parent, ctx.parent(parent)
    return isinstance(parent, ast.Call) and node is not parent.func and ctx.call_name(parent) in _REJECTS_NON_FINITE


_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.USub, ast.UAdd)


def _after_arithmetic(ctx, call: ast.Call) -> tuple[ast.AST, ast.AST | None]:
    """The outermost arithmetic around the parsed number (`float(count) / size`), and what holds it."""
    node: ast.AST = call
    parent = ctx.parent(node)
    while isinstance(parent, (ast.BinOp, ast.UnaryOp)) and isinstance(parent.op, _ARITHMETIC):
        node, parent = parent, ctx.parent(parent)
    return node, parent


def _spells_non_finite(ctx, call: ast.Call) -> bool:
    """`if updated in ["nan", "inf"]: value = getattr(np, updated)` ... `else: value = float(updated)`:
    the function tests the same text for the spellings of NaN or infinity itself, so it takes
    them as values on purpose (a cell editor that stores NaN when asked to)."""
    given = call.args[0]
    if not isinstance(given, ast.Name):
        return False
    for node in astutil.walk(web.function_body(ctx, call)):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.In))):
            continue
        sides = [node.left, node.comparators[0]]
        if not any(isinstance(side, ast.Name) and side.id == given.id for side in sides):
            continue
        spelled = [e for side in sides for e in (side.elts if isinstance(side, (ast.List, ast.Tuple, ast.Set)) else [side])]
        if any(isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value.strip().lower().lstrip("+-") in _NON_FINITE for e in spelled):
            return True
    return False


_NON_FINITE = frozenset({"nan", "inf", "infinity"})
# str methods that say every character is a digit (and that there is one)
_DIGIT_TESTS = frozenset({"isdigit", "isdecimal", "isnumeric"})


def _checked_as_digits(ctx, call: ast.Call) -> bool:
    """`elif "." in val and val.replace(".", "", 1).isdigit(): val = float(val)`: the `if` that
    leads to the conversion holds only when the text, or a slice of it or the text with some
    characters taken out (`val[1:]` after a leading "-"), is all digits. The spellings of NaN and
    infinity end in a letter (or a space), so no part of them that ends where they end is digits,
    and one that stops earlier leaves a letter out only after a digit, which float() refuses."""
    given = call.args[0]
    if not isinstance(given, ast.Name):
        return False
    child: ast.AST = call
    for ancestor in ctx.ancestors(call):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(ancestor, ast.If) and child in ancestor.body and _requires_digits(ancestor.test, given.id):
            return True
        child = ancestor
    return False


def _requires_digits(test: ast.expr, name: str) -> bool:
    """Whether `test` holds only when a digit test of `name` (`name.isdigit()`, `name[1:].isdigit()`,
    `name.replace(".", "", 1).isdigit()`) holds: one part of an `and`, every part of an `or`."""
    if isinstance(test, ast.BoolOp):
        parts = [_requires_digits(value, name) for value in test.values]
        return any(parts) if isinstance(test.op, ast.And) else all(parts)
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr in _DIGIT_TESTS and not test.args):
        return False
    subject = test.func.value
    while True:
        if isinstance(subject, ast.Call) and isinstance(subject.func, ast.Attribute) and subject.func.attr in ("replace", "strip", "lstrip", "rstrip"):
            if not all(isinstance(a, ast.Constant) and not (isinstance(a.value, str) and any(c.isalpha() for c in a.value)) for a in subject.args):
                return False  # `val.replace("nan", "1")` could take the letters out
            subject = subject.func.value
        elif isinstance(subject, ast.Subscript) and isinstance(subject.slice, ast.Slice) and subject.slice.step is None:
            subject = subject.value
        else:
            return isinstance(subject, ast.Name) and subject.id == name


def _bounded_on_both_sides(test: ast.expr, target: str) -> bool:
    """`low < x <= high` (or `high > x >= low`): false for NaN, which fails every comparison,
    and for infinity, which fails one bound."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 2 and isinstance(test.comparators[0], ast.Name)):
        return False
    if test.comparators[0].id != target:
        return False
    rising = all(isinstance(op, (ast.Lt, ast.LtE)) for op in test.ops)
    falling = all(isinstance(op, (ast.Gt, ast.GtE)) for op in test.ops)
    return rising or falling


def _used_only_within_bounds(body: ast.AST, target: str) -> bool:
    """Every use of the parsed number is in the branch of an `if` whose test bounds it on both
    sides (`if sig and time.time() < expires <= time.time() + 3600:`): NaN and infinity never get there."""
    guards = []
    for node in astutil.walk(body):
        if isinstance(node, ast.If):
            test = node.test
            conjuncts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
            if any(_bounded_on_both_sides(c, target) for c in conjuncts):
                guards.append(node)
    if not guards:
        return False
    inside: set[int] = set()
    for guard in guards:
        for part in [guard.test, *guard.body]:
            inside.update(id(n) for n in astutil.walk(part))
    uses = astutil.name_reads(body, target)
    return bool(uses) and all(id(n) in inside for n in uses)


def _clamped_by_a_constant(ctx, call: ast.Call) -> bool:
    """`max(0.1, float(t))`, `min(10, float(n))`: the bound comes first, and max/min keep their
    first argument when the comparison with NaN is false, so NaN comes out as the bound; infinity
    is within the one bound given. (`max(float(t), 0.1)` returns NaN: still reported.)"""
    parent = ctx.parent(call)
    if not (isinstance(parent, ast.Call) and not parent.keywords and len(parent.args) == 2 and parent.args[1] is call):
        return False
    return ctx.call_name(parent) in ("max", "min") and isinstance(parent.args[0], ast.Constant) and isinstance(parent.args[0].value, (int, float))


# Calls that compare or accumulate the numbers they are given (`min(nan, 10)` is nan), hand back
# a number made from them (`round(nan, 2)`, `math.sqrt(nan)`: NaN again, for this function to
# compare), keep them (`setattr`, a container), or wait for them (`sleep(inf)`, `callLater(inf, f)` never return): a
# number handed to one still matters here.
_KEEPS_THE_NUMBER = frozenset({"min", "max", "sum", "sorted", "round", "abs", "pow", "divmod", "float", "complex", "setattr", "asyncio.sleep", "time.sleep"})
_NUMBER_MODULES = ("math.", "cmath.", "statistics.", "numpy.", "decimal.")
_CONTAINER_METHODS = frozenset({"append", "add", "insert", "extend", "update", "setdefault", "put", "put_nowait"})
# Names that say a number is a duration: NaN or infinity as a timeout or delay waits forever.
_DURATION_WORDS = ("timeout", "delay", "sleep", "wait")
# Methods that wait, or run something after a delay, for as long as their first number says
# (`reactor.callLater(latency, finish)`, `loop.call_later(delay, cb)`, `threading.Timer`).
_WAITS = frozenset({"sleep", "wait", "wait_for", "callLater", "call_later", "Timer"})


def _only_handed_on(ctx, call: ast.Call, target: str | None) -> bool:
    """`contours(dem, float(request.data["interval"]))`, `search(q, min_confidence=rate)`: the
    parsed number meets no check in this function; it is only handed, as it is, to calls of other
    modules or libraries (or compared for equality, where NaN is just another unequal number). What
    those do with it is theirs to check. Still reported: a number compared by order, used in
    arithmetic, stored (`item.score = x`, `setattr`, `params["t"] = x`, a container's `append`),
    clamped with min/max, used as a duration (`sleep(x)`, `timeout=x`), or handed to a function
    of this module or a method on `self`, which may compare it where this rule does not look."""
    if target is not None and any(word in target.lower() for word in _DURATION_WORDS):
        return False
    stmt = ctx.statement(call)
    uses: list[ast.expr] = [call] if target is None else [u for u in astutil.name_reads(web.function_body(ctx, call), target) if _may_read_the_number(ctx, u, stmt)]
    return bool(uses) and all(_handed_on(ctx, use) or _compared_for_equality(ctx, use) for use in uses)


def _may_read_the_number(ctx, use: ast.Name, assignment: ast.stmt) -> bool:
    """A read after the assignment (a read before it, outside a loop, sees the text, as do one in
    the assignment itself, `x = float(x)`, and one in the handler of the `except ValueError:` the
    failed conversion raises into)."""
    if any(a is assignment for a in ctx.ancestors(use)):
        return False
    if (use.lineno, use.col_offset) < (assignment.lineno, assignment.col_offset):
        return any(isinstance(a, (ast.For, ast.AsyncFor, ast.While)) for a in ctx.ancestors(use))
    handler = next((a for a in ctx.ancestors(use) if isinstance(a, ast.ExceptHandler)), None)
    if handler is not None:
        tried = ctx.parent(handler)
        if isinstance(tried, ast.Try) and any(assignment is n for part in tried.body for n in astutil.walk(part)):
            return False
    return True


def _handed_on(ctx, use: ast.expr) -> bool:
    parent = ctx.parent(use)
    keyword = None
    if isinstance(parent, ast.keyword):
        keyword, parent = parent, ctx.parent(parent)
    if not isinstance(parent, ast.Call) or use is parent.func:
        return False
    if keyword is not None and (keyword.arg is None or any(word in keyword.arg.lower() for word in _DURATION_WORDS)):
        return False
    if keyword is None and use not in parent.args:
        return False
    func = parent.func
    name = ctx.call_name(parent) or ""
    if name in _KEEPS_THE_NUMBER or name.startswith(_NUMBER_MODULES) or astutil.last_name(func) in _CONTAINER_METHODS or astutil.last_name(func) in _WAITS:
        return False
    if isinstance(func, ast.Name) and func.id in ctx.module.functions and func.id not in ctx.module.imports:
        return False  # a function of this module: it may compare the number
    return not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"))


def _compared_for_equality(ctx, use: ast.expr) -> bool:
    """`x == 0`, `x is None`: NaN is unequal to everything, like any other number that is not 0."""
    compare = ctx.parent(use)
    return isinstance(compare, ast.Compare) and len(compare.ops) == 1 and isinstance(compare.ops[0], (ast.Eq, ast.NotEq, ast.Is, ast.IsNot))
