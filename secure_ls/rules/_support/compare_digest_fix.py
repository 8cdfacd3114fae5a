"""The hmac.compare_digest fix of SLS303 (timing-unsafe comparison): what each compared side is
(text, ASCII text, bytes, maybe None), and the rewrite that keeps the comparison's answer for
every input where both sides are known; unsafe where a side's type is not known."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Fix


# What a value is, as far as compare_digest cares: "str" (any text), "ascii" (text known to be
# ASCII, such as a hex digest), "bytes", or None (unknown: an object, a parameter).
_STR_CALLS = frozenset({"str", "format", "decode"})
_SAME_KIND_METHODS = frozenset({"strip", "lower", "upper", "replace", "join", "rstrip", "lstrip"})
_ASCII_CALLS = frozenset({"hexdigest", "secrets.token_hex", "secrets.token_urlsafe", "uuid.uuid4().hex"})
_BYTES_CALLS = frozenset({"digest", "encode", "os.urandom", "secrets.token_bytes", "base64.b64decode", "base64.urlsafe_b64decode", "base64.b64encode", "binascii.unhexlify", "bytes.fromhex", "bytes"})
_OPTIONAL_GETTERS = frozenset({"get", "getheader", "get_cookie", "pop", "getenv"})


def _kind(node: ast.expr, ctx, depth: int = 0) -> str | None:
    if depth > 4:
        return None
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bytes):
            return "bytes"
        if isinstance(node.value, str):
            return "ascii" if node.value.isascii() else "str"
        return None
    if isinstance(node, ast.JoinedStr):
        return "str"
    if _is_request_text(node, ctx) or _is_environment_text(node, ctx):
        return "str"
    if isinstance(node, ast.Call):
        name = ctx.call_name(node) or ""
        attr = astutil.last_name(node.func)
        if name in _ASCII_CALLS or attr == "hexdigest" or name.endswith((".hexdigest", "token_hex", "token_urlsafe")):
            return "ascii"
        if name in _BYTES_CALLS or attr in ("digest", "encode") or name.endswith(".digest"):
            return "bytes"
        if isinstance(node.func, ast.Attribute) and attr in _SAME_KIND_METHODS:
            kind = _kind(node.func.value, ctx, depth + 1)  # b"x".strip() is bytes
            return "str" if kind == "ascii" and attr != "lower" and attr != "upper" and attr != "strip" else kind
        if attr in _STR_CALLS and not (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, bytes)):
            return "str"
        return None
    if isinstance(node, ast.Name):
        values = [v for v in ctx.assigned_values(node) if not (isinstance(v, ast.Constant) and v.value is None)]
        if values:
            kinds = {_kind(v, ctx, depth + 1) for v in values}
            if kinds == {"ascii", "str"}:
                return "str"
            return kinds.pop() if len(kinds) == 1 else None
        return _annotated(node, ctx)[0]
    return None


_REQUEST_MAPPINGS = frozenset({"headers", "args", "form", "cookies", "GET", "POST", "META", "COOKIES", "query_params", "values"})


def _is_request_text(node: ast.expr, ctx) -> bool:
    """`request.headers["X"]`, `request.args.get("t")`: text (or a missing value) from a request."""
    if isinstance(node, ast.Subscript):
        mapping = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "getheader") and len(node.args) == 1:
        mapping = node.func.value
    else:
        return False
    return isinstance(mapping, ast.Attribute) and mapping.attr in _REQUEST_MAPPINGS and "request" in ctx.text(mapping.value).lower()


def _is_environment_text(node: ast.expr, ctx) -> bool:
    """`os.environ["KEY"]`, `os.environ.get("KEY")`, `os.getenv("KEY")`: text (or a missing value)."""
    if isinstance(node, ast.Subscript):
        return ctx.qualified_name(node.value) == "os.environ"
    return isinstance(node, ast.Call) and ctx.call_name(node) in ("os.environ.get", "os.getenv") and len(node.args) == 1


def _annotated(name: ast.Name, ctx) -> tuple[str | None, bool]:
    """(kind, may be None) from the annotation or default of a parameter `name`."""
    func = ctx.enclosing_function(name)
    if func is None:
        return None, False
    args = func.args
    positional = args.posonlyargs + args.args
    defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    for arg in positional + args.kwonlyargs:
        if arg.arg != name.id:
            continue
        optional = isinstance(defaults.get(arg.arg), ast.Constant) and defaults[arg.arg].value is None
        text = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        optional = optional or "None" in text or "Optional" in text
        bare = text.replace("Optional[", "").replace("]", "").replace("| None", "").replace("None |", "").strip()
        kind = {"str": "str", "bytes": "bytes"}.get(bare)
        return kind, optional
    return None, False


def _may_be_none(node: ast.expr, ctx) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Attribute) and node.func.attr in _OPTIONAL_GETTERS and len(node.args) < 2
    if isinstance(node, ast.Name):
        values = ctx.assigned_values(node)
        if values:
            return any(_may_be_none(v, ctx) for v in values)
        return _annotated(node, ctx)[1]
    return False


def fix(node: ast.Compare, left: ast.expr, right: ast.expr, ctx) -> Fix | None:
    """hmac.compare_digest where both sides are known text or known bytes (text encoded to
    UTF-8 unless known ASCII, since compare_digest refuses other text), keeping a missing
    value unequal; unsafe where a side's type is unknown; none where the kinds differ."""
    negate = isinstance(node.ops[0], ast.NotEq)
    kinds = [_kind(left, ctx), _kind(right, ctx)]
    texts = [ctx.text(left), ctx.text(right)]
    missing = [_may_be_none(left, ctx), _may_be_none(right, ctx)]
    if all(k in ("str", "ascii") for k in kinds):
        if "str" in kinds:
            texts = [f"{_atom(t, n)}.encode()" for t, n in zip(texts, (left, right))]
        safe, title = True, "Compare in constant time with hmac.compare_digest"
    elif kinds == ["bytes", "bytes"]:
        safe, title = True, "Compare in constant time with hmac.compare_digest"
    elif None in kinds and not (set(kinds) >= {"bytes"} and set(kinds) & {"str", "ascii"}):
        safe = False
        title = (
            "Compare in constant time with hmac.compare_digest (raises TypeError unless both sides are "
            "str (ASCII) or both bytes: the engine cannot tell their types)"
        )
    else:
        return None  # text against bytes: never equal, a bug to look at by hand
    call = f"hmac.compare_digest({texts[0]}, {texts[1]})"
    guards = [f"{ctx.text(side)} is not None" for side, m in zip((left, right), missing) if m]
    if len(guards) == 2:
        if safe:
            safe = False
            title = "Compare in constant time with hmac.compare_digest (two missing values no longer compare equal)"
    if guards:
        call = " and ".join(guards + [call])
        call = f"not ({call})" if negate else f"({call})"
    elif negate:
        call = f"not {call}"
    return Fix(title, (ctx.replace(node, call),), safe=safe, imports=("import hmac",))


def _atom(text: str, node: ast.expr) -> str:
    return text if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant)) else f"({text})"
