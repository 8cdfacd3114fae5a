"""Shared helpers for the web-input rules (redirects, SSRF, LDAP, XPath, XSS, regex, CSRF).

Everything here is read-only over the tree and the context: which argument
a call passes, where a value comes from, whether the value came from the
client (not from the environment or the command line), and how to wrap
inserted values in an escaping call.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable

from secure_ls.engine import astutil, catalog, taint
from secure_ls.engine import frameworks as engine_frameworks
from secure_ls.engine.context import argument  # noqa: F401 (re-exported for the rules)
from secure_ls.rules._support import strings

# The request's own URL and path (`request.path`, `request.get_full_path()`, `self.request.uri`):
# its text starts with the server's scheme (http or https) or with `/`, so it is never a
# `javascript:` URL (SLS804).
URL_START_ATTRIBUTES = frozenset(
    {
        "url", "base_url", "path", "full_path", "path_info", "host_url", "url_root", "script_root", "uri",
        "get_full_path", "get_full_path_info", "build_absolute_uri",
    }
)
# Request attributes that carry the address the client asked for: the host is
# the server's own, so redirecting to or fetching them is not attacker-chosen.
SELF_URL_ATTRIBUTES = URL_START_ATTRIBUTES | frozenset(
    {"host", "get_host", "scheme", "url_rule", "endpoint", "method", "is_secure", "rel_url", "raw_path"}
)


def is_client(part: taint.Part | None) -> bool:
    """True for data that comes from the remote client (a web request or an untyped route parameter;
    the flow pass already made parameters the framework converts, `id: int`, safe)."""
    return part is not None and part.from_client()


def is_path_parameter(ctx, part: taint.Part) -> bool:
    """A route parameter named in the route's path (`/orgs/<slug>`, `/orgs/{org_id}`):
    the framework routed the request by it. Other handler parameters are the query."""
    return route_converter(ctx, part) is not None


def is_single_segment_parameter(ctx, part: taint.Part) -> bool:
    """A route parameter that matches one path segment (`/files/<name>`, `/files/{name}`, not
    `<path:name>` or `{name:path}`): Flask, Django and Starlette match it against the decoded
    path with `[^/]+`, so it holds no `/` (`..` at most)."""
    return route_converter(ctx, part) not in (None, "path")


def route_converter(ctx, part: taint.Part) -> str | None:
    """For a route parameter named in the route's path: its converter (`path` in `<path:name>`
    and `{name:path}`; "" when none is given); None for anything else."""
    node = source_node(ctx, part)
    if not isinstance(node, ast.arg):
        return None
    func = ctx.parent(ctx.parent(node)) if isinstance(ctx.parent(node), ast.arguments) else None
    name = re.escape(node.arg)
    pattern = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?" + name + r">|\{" + name + r"(?::(\w+))?\}")
    for deco in getattr(func, "decorator_list", ()):
        if isinstance(deco, ast.Call):
            for arg in [*deco.args[:1], *(k.value for k in deco.keywords if k.arg in ("rule", "path"))]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and (found := pattern.search(arg.value)):
                    return found.group(1) or found.group(2) or ""
    return None


def worst_value(ctx, nodes: Iterable[ast.expr], sink: taint.Sink, narrowed: Callable | None = None) -> tuple[taint.Part | None, ast.expr | None]:
    """The worst unsanitized origin among `nodes`, and the node carrying it; `narrowed(node,
    origin)` keeps only the parts of a node's origin the caller still counts."""
    best: tuple[taint.Part | None, ast.expr | None] = (None, None)
    for node in nodes:
        origin = ctx.origin(node)
        part = (narrowed(node, origin) if narrowed is not None else origin).risk(sink)
        if part is not None and (best[0] is None or part.kind.rank > best[0].kind.rank):
            best = (part, node)
    return best


def source_node(ctx, part: taint.Part) -> ast.AST | None:
    """The expression where an untrusted value was first read (from the path's first step)."""
    if not part.steps:
        return None
    line, col, end_line, end_col, _ = part.steps[0]
    for node in astutil.walk(ctx.tree):
        if (
            isinstance(node, (ast.Attribute, ast.Call, ast.Subscript, ast.arg))
            and getattr(node, "lineno", None) == line
            and node.col_offset == col
            and getattr(node, "end_lineno", None) == end_line
            and getattr(node, "end_col_offset", None) == end_col
        ):
            return node
    return None


def _decoded(part: taint.Part) -> bool:
    """Whether the value was decoded after it was read (catalog.DECODERS): it may hold anything."""
    return any(step[4] in catalog.DECODED_STEPS for step in part.steps)


def reads_own_url(ctx, part: taint.Part) -> bool:
    """Whether the untrusted value is the request's own URL/path/host (not a client-chosen target).
    Not once decoded (`parse_qs(urlparse(self.path).query)`), nor a piece a regular expression
    found in it (`re.finditer(PAIR, query)`): that is the client's text."""
    if _decoded(part) or any(step[4] == catalog.MATCHED_STEP for step in part.steps):
        return False
    return names_own_url(source_node(ctx, part))


def names_own_url(node: ast.AST | None, attributes: frozenset[str] = SELF_URL_ATTRIBUTES) -> bool:
    """`x.path`, `x.get_full_path()`, `x.url`: a read of one of `attributes` (on whatever
    object; callers know it is the request)."""
    if isinstance(node, ast.Call):
        node = node.func
    return isinstance(node, ast.Attribute) and node.attr in attributes


def starts_own_url(ctx, node: ast.AST | None) -> bool:
    """Whether `node` reads the request's own URL or path (URL_START_ATTRIBUTES), so that a URL
    made from it starts with the server's scheme or `/`: a link to the current page with other
    query parameters (`f'<a href="{request.path}?page=2">'`), or a path of this site made absolute
    with the request's scheme and host (`request.build_absolute_uri(reverse("oauth", args=(obj.id,)))`).
    `build_absolute_uri` keeps an absolute location as it is, so only a location that is not the
    client's counts."""
    if isinstance(node, ast.Call) and node.args:
        return (
            names_own_url(node, frozenset({"build_absolute_uri"}))
            and len(node.args) == 1
            and ctx.origin(node.args[0]).risk(taint.Sink.REDIRECT) is None
        )
    return names_own_url(node, URL_START_ATTRIBUTES)


# ... of which these hold the path percent-decoded (Flask, Django, aiohttp, Starlette): a link to
# `/%3Cscript%3E` puts `<script>` in them, so they are the client's text once written into HTML.
DECODED_PATH_ATTRIBUTES = frozenset({"path", "full_path", "path_info"})


def reads_decoded_path(ctx, part: taint.Part) -> bool:
    """Whether the untrusted value is the request's percent-decoded path (`request.path`)."""
    node = source_node(ctx, part)
    return isinstance(node, ast.Attribute) and node.attr in DECODED_PATH_ATTRIBUTES


def reads_referrer(ctx, part: taint.Part) -> bool:
    """Whether the untrusted value is the Referer header (`request.referrer`, `META["HTTP_REFERER"]`)."""
    return _reads(ctx, part, frozenset({"referrer", "referer"}), frozenset({"http_referer", "referer"}))


def reads_server_token(ctx, part: taint.Part, expr: ast.expr | None = None) -> bool:
    """Whether the untrusted value `expr` is one the server cuts out as a single token: the
    connection's peer address (`request.remote_addr`, `META["REMOTE_ADDR"]`, from the socket or a
    proxy's one-line header), or the request line's method and protocol version
    (`environ.get("REQUEST_METHOD")`, split at whitespace). None can hold a line break."""
    return _reads(ctx, part, catalog.PEER_ADDRESS_ATTRIBUTES, _SERVER_TOKEN_KEYS, expr)


_SERVER_TOKEN_KEYS = frozenset({"remote_addr", "remote_port", "request_method", "server_protocol"})


def reads_header(ctx, part: taint.Part, expr: ast.expr | None = None) -> bool:
    """Whether the untrusted value is a request header's value, not decoded since
    (`request.headers["Origin"]`, `META["HTTP_ORIGIN"]`, `request.user_agent`): the server cut it
    out of one header line, and a compliant one rejects or unfolds a folded continuation, so
    it holds no line break."""
    return not _decoded(part) and _reads(ctx, part, _HEADER_ATTRIBUTES, None, expr)


# Request attributes that are a header's value (Werkzeug, Django, Starlette), and methods that
# read one by its name (Falcon's `req.get_header("Origin")`).
_HEADER_ATTRIBUTES = frozenset({"origin", "referrer", "user_agent", "host", "authorization", "content_type", "mimetype", "accept_languages", "get_header"})


def header_read(expr: ast.expr, ctx) -> str | None:
    """The header name, lower case with `-` (`"authorization"`), when `expr` (or the one value
    of a name) reads a request header's value:
    `request.headers.get("Sec-Fetch-Mode", "")`, `request.headers["X"]`, `request.META["HTTP_X"]`,
    `environ.get("HTTP_X")`."""
    value = expr
    if isinstance(expr, ast.Name):
        values = ctx.assigned_values(expr)
        value = values[0] if len(values) == 1 else None
        if not values and (declared := _header_parameter(expr, ctx)) is not None:
            return declared
    read = _mapping_read(value)
    if read is None:
        return None
    mapping, key = read
    if mapping == "headers":
        return key.replace("_", "-")
    if mapping in ("META", "environ") and key.startswith("http_"):
        return key[5:].replace("_", "-")
    return None


def _header_parameter(name: ast.Name, ctx) -> str | None:
    """The header a FastAPI handler's parameter `name` is filled from: `authorization: str =
    Header(None)` (the parameter's name, `_` read as `-`), `Header(alias="x-api-key")`, or the same
    in `Annotated[str, Header()]`."""
    func = ctx.enclosing_function(name)
    if func is None or isinstance(func, ast.Lambda):
        return None
    arg = next((a for a in engine_frameworks.all_args(func.args) if a.arg == name.id), None)
    if arg is None:
        return None
    candidates = [engine_frameworks.parameter_defaults(func.args).get(arg.arg)]
    if isinstance(arg.annotation, ast.Subscript) and astutil.last_name(arg.annotation.value) == "Annotated" and isinstance(arg.annotation.slice, ast.Tuple):
        candidates.extend(arg.annotation.slice.elts[1:])
    for call in candidates:
        if isinstance(call, ast.Call) and astutil.last_name(call.func) == "Header":
            alias = next((k.value.value for k in call.keywords if k.arg == "alias" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)), None)
            return (alias or name.id).lower().replace("_", "-")
    return None


# Request headers that carry the client's credentials.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token", "x-csrftoken", "x-amz-security-token"})


def is_credential_header(name: str | None) -> bool:
    """A header name (as header_read gives it) that carries a credential: CREDENTIAL_HEADERS, or
    one named for an API key (`api-key`, `x-gitlab-api-key`, `x-apikey`)."""
    if name is None:
        return False
    words = name.split("-")
    return name in CREDENTIAL_HEADERS or "apikey" in words or ("api" in words and "key" in words)


# Mappings of the request's metadata, whose keys the server or the protocol names.
_REQUEST_MAPPINGS = frozenset({"META", "environ", "headers", "scope"})


def _mapping_read(node: ast.AST | None) -> tuple[str, str] | None:
    """(mapping, key) when `node` reads a request mapping under a constant key, the key lower
    case with `-` as `_`: `environ["REMOTE_ADDR"]` and `request.META.get("REMOTE_ADDR")` give
    ("environ", "remote_addr") and ("META", "remote_addr")."""
    if isinstance(node, ast.Subscript):
        mapping, key = node.value, node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        mapping, key = node.func.value, node.args[0]
    else:
        return None
    name = astutil.last_name(mapping)
    if name not in _REQUEST_MAPPINGS or not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    return name, key.value.lower().replace("-", "_")


def _reads(ctx, part: taint.Part, attributes: frozenset[str], keys: frozenset[str] | None, expr: ast.expr | None = None) -> bool:
    """Whether the untrusted value was read as one of `attributes` of the request, or under one
    of `keys` (any case, `-` as `_`) of a mapping such as `META`, `headers` or `environ`
    (`keys` None: under any header's key).

    Where the request is a parameter (a WSGI `environ`, a middleware's `request`), the value's
    path starts at the parameter, not at the read: then `expr` itself (or the one value a name
    holds) is the read to look at."""
    node = source_node(ctx, part)
    if isinstance(node, ast.arg) and expr is not None:
        node = expr
        if isinstance(expr, ast.Name):
            values = ctx.assigned_values(expr)
            node = values[0] if len(values) == 1 else None
        if isinstance(node, ast.IfExp):
            # `request.headers.get(name) if name else "viewer"`: the one branch that is not a constant
            branches = [b for b in (node.body, node.orelse) if not ctx.is_constant(b)]
            node = branches[0] if len(branches) == 1 else None
    if node is None:
        return False
    if isinstance(node, ast.Call) and _mapping_read(node) is None:
        node = node.func
    if isinstance(node, ast.Attribute) and node.attr in attributes:
        return True
    # the read itself, or the mapping the path starts at read by its parent (`request.META` in `request.META["X"]`)
    parent = ctx.parent(node)
    for read in (node, parent, ctx.parent(parent) if isinstance(parent, ast.Attribute) else None):
        found = _mapping_read(read)
        if found is not None:
            mapping, key = found
            return key in keys if keys is not None else mapping == "headers" or key.startswith("http_")
        if keys is None and _headers_item(read):
            return True  # `request.headers.get(name)`: whatever header the key names, a header's value
    return False


def _headers_item(node: ast.AST | None) -> bool:
    """`headers[key]` or `headers.get(key, ...)` under a key that is not a constant."""
    if isinstance(node, ast.Subscript):
        mapping = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        mapping = node.func.value
    else:
        return False
    return astutil.last_name(mapping) == "headers"


def describe_value(ctx, part: taint.Part, node: ast.AST) -> str:
    """"the Flask request `request.args["q"]`"; for a parameter, "`tag.id` (from the parameter `tag`)"
    (not two names run together), without repeating a parameter's own name."""
    text = ctx.text(node)
    if part.kind in (taint.PARAM,) and text == part.label or part.label.endswith(f"`{text}`"):
        return part.describe()
    if len(text) > 80:
        return part.describe()
    described = part.describe()
    if part.kind == taint.PARAM or described.endswith("`"):
        return f"`{text}` (from {described})"  # "the route parameter `kwargs`" names something already
    return f"{described} `{text}`"


def built_value(ctx, expr: ast.expr, sink: taint.Sink | None = None, assembled: bool = False) -> tuple[ast.expr, ast.stmt | None]:
    """The string-building expression behind `expr`, and the plain assignment it came from.

    `expr` itself when it is built in place. For a name: its one built value
    (with the `x = ...` statement, so a fix may rewrite it there). A name
    assembled piece by piece (`q += ...` in a loop, branches) gives, when the
    caller names its `sink`, the built piece carrying the worst data for it,
    with no statement: there is no single place to fix. Rules that only read
    the start of the string (a fixed scheme or host) pass no sink, because a
    later piece says nothing about the start. With `assembled`, a buffer or list read back
    whole (`buf.getvalue()`, `" ".join(parts)`) gives its worst built piece the same way.
    Otherwise `expr` unchanged.
    """
    pieces = written_pieces(ctx, expr) if assembled and sink is not None else []
    built = [v for v in pieces if strings.is_built(v)]
    if built:
        # `buf.write(" AND brand = '%s'" % brand)` ... `buf.getvalue()`, `parts.append(...)` ...
        # `" ".join(parts)`: assembled piece by piece, so no single place to fix
        return max(built, key=lambda v: _rank(ctx, v, sink)), None
    if strings.is_built(expr):
        return expr, None
    if isinstance(expr, (ast.Name, ast.Attribute)):  # `self.x`: what the class's methods store in it
        values = ctx.assigned_values(expr)
        if len(values) == 1 and strings.is_built(values[0]):
            stmt = ctx.statement(values[0])
            single = isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and stmt.value is values[0]
            return values[0], stmt if single else None
        built = [v for v in values if strings.is_built(v)]
        if built and sink is not None:
            return max(built, key=lambda v: _rank(ctx, v, sink)), None
    return expr, None


# `buf.getvalue()` is what was written to buf; `sep.join(parts)` what was added to parts
_ASSEMBLED_BY = {"getvalue": frozenset({"write"}), "join": frozenset({"append", "insert", "extend"})}


def written_pieces(ctx, expr: ast.expr) -> list[ast.expr]:
    """The values written into the buffer or list that `expr` reads back whole."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _ASSEMBLED_BY):
        return []
    if expr.func.attr == "getvalue":
        container = expr.func.value
    elif len(expr.args) == 1:
        container = expr.args[0]
    else:
        return []
    if not isinstance(container, ast.Name):
        return []
    writes = _ASSEMBLED_BY[expr.func.attr]
    out = []
    for value in ctx.assigned_values(container):  # `parts = ["SELECT ..."]`, `io.StringIO("SELECT ...")`
        if isinstance(value, (ast.List, ast.Tuple)):
            out.extend(e for e in value.elts if not isinstance(e, ast.Starred))
        elif isinstance(value, ast.Call) and value.args:
            out.append(value.args[0])
    for node in astutil.walk(function_body(ctx, expr)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in writes
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == container.id
            and node.args
        ):
            out.append(node.args[-1])
    return out


def _rank(ctx, built: ast.expr, sink: taint.Sink) -> int:
    parts = strings.pieces(built)
    values = strings.values(parts) if parts is not None else [built]
    part, _ = worst_value(ctx, values, sink)
    return -1 if part is None else part.kind.rank


def names_in(node: ast.AST) -> set[str]:
    return {n.id for n in astutil.walk(node) if isinstance(n, ast.Name)}


def function_body(ctx, node: ast.AST) -> ast.AST:
    func = ctx.enclosing_function(node)
    return func if func is not None else ctx.tree


def wrap_edits(ctx, nodes: Iterable[ast.expr], func_text: str) -> list:
    """Edits that turn each `node` into `func_text(node)`."""
    edits = []
    for node in nodes:
        edits.append(ctx.insert_before(node, func_text + "("))
        edits.append(ctx.insert_after(node, ")"))
    return edits


def wrappable(ctx, node: ast.expr) -> bool:
    """Whether the source of `node` can be wrapped in a call by text edits (positions are exact)."""
    try:
        text = ctx.text(node)
    except Exception:
        return False
    try:
        reparsed = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return False
    return ast.dump(reparsed) == ast.dump(node)


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def branch_conditions(ctx, node: ast.AST):
    """The conditions that held where `node` runs, from the `if`s whose body holds it, innermost
    first, up to its function: each `if`'s test, or each operand of its `and`
    (`if a in ALLOWED and b: ...` gives `a in ALLOWED` and `b`)."""
    child: ast.AST = node
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return
        if isinstance(ancestor, ast.If) and any(child is stmt for stmt in ancestor.body):
            test = ancestor.test
            yield from test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
        child = ancestor


def own_method(ctx, call: ast.expr) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The method of the enclosing class that `self.name(...)` calls, if the class defines it."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) and call.func.value.id == "self"):
        return None
    cls = next((a for a in ctx.ancestors(call) if isinstance(a, ast.ClassDef)), None)
    if cls is None:
        return None
    return next((m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name == call.func.attr), None)


def returns_of(func: ast.AST):
    """The `return` statements of a function, not of the functions defined inside it."""
    return astutil.returns_in(getattr(func, "body", []))
