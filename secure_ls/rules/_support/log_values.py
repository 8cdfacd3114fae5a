"""Which values a logging call prints with str() (SLS704): the `%s` arguments of a constant
message, an f-string's fields, `str.format()` fields, the operands of `"..." % value`, or a
message built another way; a value shown with `%r`/`!r` or a numeric conversion is left out;
and which of them hold request data that may carry a line break (`untrusted`)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from secure_ls.engine import catalog, taint
from secure_ls.engine.model import Edit, Fix, Position, Span
from secure_ls.engine.taint import Sink
from secure_ls.rules._support import frameworks, logs, newline_checks, printed, web

# Request attributes that cannot hold a line break (`sid`: the session id Flask-SocketIO's server
# assigned the connection).
_NO_NEWLINES = catalog.PEER_ADDRESS_ATTRIBUTES | {"method", "scheme", "is_secure", "content_length", "is_json", "status_code", "sid"}
# Request attributes the framework fills from the application's own routing table (the view's
# name, the matched rule), not from what the client sent.
_ROUTING_ATTRIBUTES = frozenset({"endpoint", "url_rule", "blueprint", "blueprints", "resolver_match", "url_name", "view_name"})
SAFE_CONVERSIONS = frozenset({"r", "a", "d", "i", "f", "F", "e", "E", "g", "G", "x", "X", "o", "u", "c"})


def tainted_values(call: ast.Call, message: ast.expr, untrusted: Callable, ctx) -> list:
    """The values the log call `call` (whose message is `message`) prints with str(), each with
    what `untrusted` says of it (a taint.Part, or None: left out) and a fix that logs it with
    %r/!r (or None): `%s` arguments, f-string fields, `str.format()` fields, `%` operands, or the
    whole message built another way."""
    hits: list = []
    fields = None
    if isinstance(message, ast.Constant) and isinstance(message.value, str) and len(call.args) > 1 and (ctx.call_name(call) or "").startswith("loguru."):
        # loguru's logger.info("... {} ...", value) formats with str.format: an argument no `{}` names is not printed
        fields = logs.brace_arguments(message.value, call.args[1:]) or []
    # logger.info("... %s ...", value)
    elif isinstance(message, ast.Constant) and isinstance(message.value, str) and len(call.args) > 1:
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
    if fields is None:
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
        specs = logs.percent_specs(logs.template_text(message.left) or "")  # type: ignore[attr-defined]
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


def untrusted(expr: ast.expr, ctx) -> taint.Part | None:
    """The request data `expr` holds that may carry a line break into a log record (None when it
    cannot: an address, a container printed with repr(), a value matched whole by a pattern
    without line feeds, a weak or outbound source, a `request` of code that serves none)."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "str" and len(expr.args) == 1 and not expr.keywords:
        return untrusted(expr.args[0], ctx)  # `"%s" % str(event)` prints what `"%s" % event` prints
    if isinstance(expr, ast.Attribute) and expr.attr in _NO_NEWLINES | _ROUTING_ATTRIBUTES:
        return None
    if (
        printed.prints_items(expr, ctx) or printed.is_raw_body(expr) or printed.aiohttp_socket_object(expr, ctx) or isinstance(expr, (ast.Name, ast.Attribute)) and printed.holds_container(expr, ctx)
        or isinstance(expr, ast.Name) and printed.holds_body_model(expr, ctx)
    ):
        return None
    if isinstance(expr, ast.Name) and printed.holds_bytes(expr, ctx):
        return None
    if isinstance(expr, ast.Attribute) and expr.attr in ("headers", "FILES") and ctx.imports("django"):
        return None  # Django's `request.headers` (HttpHeaders) and `FILES` print as the repr() of a dict
    if printed.is_django_upload_name(expr, ctx) or printed.is_upload_size(expr, ctx):
        return None
    if newline_checks.checkable(expr) and newline_checks.matched_whole(ctx.statement(expr), expr, ctx):
        return None  # `if BLOCKED.match(request.path):` with a pattern that takes no line feed, `if st == "ssdp:all":`
    part = ctx.origin(expr).risk(Sink.LOG)
    if part is None or part.kind != taint.UNTRUSTED or part.label in catalog.WEAK_SOURCES | catalog.OUTBOUND_SOURCES:
        return None
    if part.label == "the HTTP request" and not frameworks.imports_any(ctx, frameworks.SERVES_REQUESTS) and not frameworks.in_middleware(expr, ctx):
        return None  # a variable named `request` in code that is no web application
    if web.reads_server_token(ctx, part, expr):
        return None  # `client_ip = request.META.get("REMOTE_ADDR")`: no line break in an address
    return part


def tainted_extra(call: ast.Call, ctx) -> list:
    """`extra={"user": value}`: the formatter writes the record's extra fields as they are
    (`%(user)s` in the format), with no chance to use %r at the call. (value, part, no fix) each."""
    extra = next((kw.value for kw in call.keywords if kw.arg == "extra"), None)
    values = extra.values if isinstance(extra, ast.Dict) else []
    return [(value, part, None) for value in values if (part := untrusted(value, ctx)) is not None]


def subject(ctx, part: taint.Part, value: ast.expr) -> str:
    """What is logged, named by its source and its text: "The Flask request `request.args["pk"]`" (the
    read itself where the logged value holds it: not `"search: " + request.args["q"]`)."""
    read = web.source_node(ctx, part)
    if read is None or not any(node is read for node in ast.walk(value)):
        read = value
    while read is not value and isinstance(up := ctx.parent(read), (ast.Attribute, ast.Subscript, ast.Call)) and getattr(up, "value", getattr(up, "func", None)) is read:
        read = up  # `request.args` read on: `.get("q")`, `["q"]`
    label = web.describe_value(ctx, part, read) if part.label else "Untrusted data"
    return label[0].upper() + label[1:]
