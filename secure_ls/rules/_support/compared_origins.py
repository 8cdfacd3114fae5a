"""Where a value compared with a secret comes from, for SLS303 (timing-unsafe comparison): only
a side the client may choose on every try can be guessed byte by byte.

`may_come_from_client(node, ctx)`: request data, or a parameter a caller may fill with it; not
what the session holds, a server's answer, or the operator's settings.
`only_outside_data(node, ctx, answered)`: made only of what the request carries (both sides of a
double-submit check), or, with `answered`, only of what a server the program called answered.
`reads_session(node, ctx)`: read from `request.session`, which the server stored or signed.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, catalog, taint
from secure_ls.rules._support import compared_values

_CLIENT_KINDS = (taint.UNTRUSTED, taint.PARAM)
# The operator's inputs: set once when the program starts, not a new guess on every try.
_OPERATOR_SOURCES = frozenset({"an environment variable", "command-line arguments"})


def may_come_from_client(node: ast.expr, ctx, kinds: tuple = _CLIENT_KINDS) -> bool:
    """Request data, or a parameter the caller may fill with it (not `self`). Not what the
    session holds (`request.session.get(KEY)`): the server stored it, or signed it, so the
    client cannot put a new guess there on every try. Nor the answer of a server the program
    called (a nonce it echoes back): that server does not time the comparison. Nor the
    operator's inputs (an environment variable, the command line, a parameter named for the
    configuration): set once, not a new guess on every try."""
    if reads_session(node, ctx):
        return False
    return any(
        part.kind in kinds
        and part.label not in ("self", "cls")
        and part.label not in taint.OUTBOUND_SOURCES
        and part.label not in _OPERATOR_SOURCES
        and not part.is_configuration()
        for part in _open_parts(node, ctx)
    )


def only_outside_data(node: ast.expr, ctx, answered: bool) -> bool:
    """A value made only of outside data: with `answered`, what a server the program called
    answered (an HTTP response, DNS records: the program checks that answer, an ACME challenge
    published in DNS; only that server chose it, and it does not time the comparison); without,
    what the request itself carries (a cookie, a form field; not the operator's environment
    variables or command line, which are the server's side)."""
    parts = _open_parts(node, ctx)
    return bool(parts) and all(
        part.kind == taint.UNTRUSTED and (part.label in taint.OUTBOUND_SOURCES) == answered and part.label not in _OPERATOR_SOURCES for part in parts
    )


def _open_parts(node: ast.expr, ctx) -> list[taint.Part]:
    """The parts of a value's origin that no sanitizer made safe for every sink; a parameter of a
    lambda that `filter` or `map` calls stands for the items of the collection it goes over."""
    parts = []
    for part in ctx.origin(node).parts:
        if part.is_safe_for(taint.Sink.ANY):
            continue
        items = compared_values.lambda_items(node, part.label, ctx) if part.kind == taint.PARAM else None
        parts += [part] if items is None else _open_parts(items, ctx)
    return parts


def reads_session(node: ast.expr, ctx, depth: int = 2) -> bool:
    """`request.session.get(KEY)`, also through the names it was kept in (`admin_token =
    request.session.get(KEY)`, `pending = request.session.pop(key)` then `pending["token"]`),
    and on the request a template's or serializer's context holds (`context["request"].session`)."""
    for sub in astutil.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr == "session" and _names_request(sub.value):
            return True
        if depth and isinstance(sub, ast.Name):
            values = ctx.assigned_values(sub)
            if values and all(reads_session(v, ctx, depth - 1) for v in values):
                return True
    return False


def _names_request(node: ast.expr) -> bool:
    """`request`, `self.request`, `context["request"]`."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value in catalog.REQUEST_NAMES
    return astutil.last_name(node) in catalog.REQUEST_NAMES


def own_fields(left: ast.expr, right: ast.expr, ctx) -> bool:
    """`self.access_token != self.password`: the object compares two of its own fields, set from
    its configuration (its constructor's parameters) or a server it called, not from a request; a
    guess would have to be built into a new object each time. A name holding only a copy of one
    counts as that field (`token = self.access_token`, then `if token != self.access_token:` after
    a wait: did another task replace it?). Not when a field holds request data (`self.given =
    request.headers["X-Token"]`)."""
    sides = (left, right)
    if not all(compared_values.own_field(side) or compared_values.copy_of_own_field(side, ctx) for side in sides):
        return False
    return not any(may_come_from_client(side, ctx, kinds=(taint.UNTRUSTED,)) for side in sides)
