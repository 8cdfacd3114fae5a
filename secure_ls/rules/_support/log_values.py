"""Which values a logging call prints with str() (SLS704): the `%s` arguments of a constant
message, an f-string's fields, `str.format()` fields, the operands of `"..." % value`, or a
message built another way; a value shown with `%r`/`!r` or a numeric conversion is left out."""

from __future__ import annotations

import ast
from collections.abc import Callable

from secure_ls.engine.model import Edit, Fix, Position, Span
from secure_ls.rules._support import logs

SAFE_CONVERSIONS = frozenset({"r", "a", "d", "i", "f", "F", "e", "E", "g", "G", "x", "X", "o", "u", "c"})


def tainted_values(call: ast.Call, message: ast.expr, untrusted: Callable, ctx) -> list:
    """The values the log call `call` (whose message is `message`) prints with str(), each with
    what `untrusted` says of it (a taint.Part, or None: left out) and a fix that logs it with
    %r/!r (or None): `%s` arguments, f-string fields, `str.format()` fields, `%` operands, or the
    whole message built another way."""
    hits: list = []
    # logger.info("... %s ...", value)
    if isinstance(message, ast.Constant) and isinstance(message.value, str) and len(call.args) > 1:
        specs = logs.percent_specs(message.value)
        for index, arg in enumerate(call.args[1:]):
            if isinstance(arg, ast.Starred):
                return []
            part = untrusted(arg, ctx)
            if part is None:
                continue
            if specs is not None and len(specs) == len(call.args) - 1 and specs[index].group("conv") in SAFE_CONVERSIONS:
                continue
            hits.append((arg, part, logs.percent_fix(message, index, specs, len(call.args) - 1, ctx)))
        return hits
    if isinstance(message, ast.JoinedStr):
        for value in message.values:
            if not isinstance(value, ast.FormattedValue):
                continue
            if value.conversion in (ord("r"), ord("a")):
                continue
            if value.format_spec is not None and any(
                isinstance(v, ast.Constant) and str(v.value)[-1:] in "dfxXoeEgGn%" for v in value.format_spec.values
            ):
                continue
            part = untrusted(value.value, ctx)
            if part is None:
                continue
            fix = None
            if value.format_spec is None and value.conversion in (-1, None):
                located = logs.field_span(value.value, ctx)
                if located is not None and located[1].strip() == "":
                    span, rest = located
                    at = Position(span.end.line, span.end.column - 1 - len(rest))
                    fix = Fix("Log the value with !r", (Edit(Span(at, at), "!r"),), safe=True)
            hits.append((value.value, part, fix))
        return hits
    fields = logs.format_fields(message)
    if fields is not None:
        # logger.info("... {} ... {!r}".format(a, b)): the values shown with str(), each
        for value, conversion, spec in fields:
            if conversion in ("r", "a") or spec[-1:] in tuple("dfxXoeEgGn%"):
                continue
            part = untrusted(value, ctx)
            if part is not None:
                hits.append((value, part, None))
        return hits
    values = logs.percent_operands(message)
    if values is not None:
        # "... %s" % value, "%s and %s" % (a, b): each value shown with str() is checked
        specs = logs.percent_specs(message.left.value)  # type: ignore[attr-defined]
        for index, value in enumerate(values):
            if specs is not None and len(specs) == len(values) and specs[index].group("conv") in SAFE_CONVERSIONS:
                continue
            part = untrusted(value, ctx)
            if part is not None:
                hits.append((value, part, None))
        return hits
    if isinstance(message, (ast.BinOp, ast.Call)):
        part = untrusted(message, ctx)
        if part is not None:
            hits.append((message, part, None))
    return hits
