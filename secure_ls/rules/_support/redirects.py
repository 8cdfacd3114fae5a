"""What decides whether the client chose a redirect target's host (SLS120): fixed starts,
query strings appended after `?`, the request's own URL, values of the application's own,
and what a method of the same class returns."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil, catalog, guards, lookups, taint
from secure_ls.engine.taint import Sink
from secure_ls.rules._support import naming, strings, web

# Functions that check a redirect target (Django's and common hand-written names).
_CHECKS = re.compile(r"(url_has_allowed_host_and_scheme|is_safe_url|safe_url|is_safe|allowed|trusted|valid|same_origin|is_local)", re.IGNORECASE)
_HOST_PARTS = frozenset({"netloc", "hostname", "host", "scheme"})

# The calls that answer with a redirect, and the keyword that names the target
REDIRECT_CALLS = {
    "flask.redirect": ("location",),
    "quart.redirect": ("location",),
    "werkzeug.utils.redirect": ("location",),
    "werkzeug.redirect": ("location",),
    "django.shortcuts.redirect": ("to",),
    "django.http.HttpResponseRedirect": ("redirect_to",),
    "django.http.HttpResponsePermanentRedirect": ("redirect_to",),
    "django.http.response.HttpResponseRedirect": ("redirect_to",),
    "django.http.response.HttpResponsePermanentRedirect": ("redirect_to",),
    "starlette.responses.RedirectResponse": ("url",),
    "fastapi.responses.RedirectResponse": ("url",),
    "bottle.redirect": ("url",),
    "aiohttp.web.HTTPFound": ("location",),
    "aiohttp.web.HTTPSeeOther": ("location",),
    "aiohttp.web.HTTPTemporaryRedirect": ("location",),
    "aiohttp.web.HTTPMovedPermanently": ("location",),
}

_DJANGO_REDIRECTS = frozenset(name for name in REDIRECT_CALLS if name.startswith("django."))


def django_site_path(ctx, target: ast.expr, name: str | None) -> bool:
    """A Django redirect to a value checked to start with "/" and not with "//": Django
    percent-encodes a backslash in the Location it sends (iri_to_uri), so `/\\host` stays a path
    of this site (a browser given the raw text would read it as another host)."""
    parts = [p for p in ctx.origin(target).parts if not p.is_safe_for(Sink.REDIRECT)] if name in _DJANGO_REDIRECTS else []
    return bool(parts) and all(p.is_safe_for(Sink.PATH_START) and p.is_safe_for(Sink.NO_DOUBLE_SLASH_START) for p in parts)


def starts_fixed(value: ast.expr) -> bool:
    """`"/items/" + x`, `f"https://example.com/{x}"`, `reverse("items") + "?" + query`: the host is settled by the start."""
    if _is_own_url(value) or astutil.root_then_unslashed(value):
        return True
    parts = strings.pieces(value)
    if not parts:
        return False
    first = parts[0]
    if isinstance(first, strings.Literal):
        return bool(guards.SAFE_URL_PREFIX.match(first.text))
    return _is_own_url(first.node)  # a path of this site, then a query string


def always_starts_fixed(ctx, target: ast.expr) -> bool:
    """`url = reverse("items")` then `url += "?" + query`: every plain assignment starts fixed,
    and appending to a string never changes its start. Whatever the start, text appended after
    `?` or `#` (`url = f"{url}?{query}"`) is the query or fragment: it cannot change the host, so
    when no start is the client's choice, neither is the host."""
    if not isinstance(target, (ast.Name, ast.Attribute)):
        return False
    starts, appended = _starts_and_tails(ctx, target)
    queried = {id(v): start for v in starts if (start := _start_before_query(ctx, v)) is not None}
    starts = [queried.get(id(v), v) for v in starts]
    if not starts:
        return False
    if all(starts_fixed(v) for v in starts):
        return True
    if not (appended or queried) or not isinstance(target, ast.Name):
        return False  # (what methods store on `self` is judged by the data flow, not here)
    after_mark = all(_opens_with(tail, "?#") for tail in appended.values())
    return after_mark and not any(client_chosen(ctx, ctx.origin(v).risk(Sink.REDIRECT)) for v in starts)


def query_continued_after_application_value(ctx, target: ast.expr) -> bool:
    """`url = next_url(request)` (a value the client did not choose) then `url += f"&{key}={value}"`:
    the client's text goes on a query string the start is taken to have begun. Another host only
    if that start is a bare `scheme://host` with no path or `?` (then `&@evil.example` makes
    `evil.example` the host), a fact about the value that the code does not show."""
    if not isinstance(target, ast.Name):
        return False
    starts, tails = _starts_and_tails(ctx, target)
    if not starts or not tails or not all(_opens_with(tail, "?#&") for tail in tails.values()):
        return False
    return not any(client_chosen(ctx, ctx.origin(v).risk(Sink.REDIRECT)) for v in starts)


def site_url_then_query(ctx, value: ast.expr) -> bool:
    """A URL of this site with the client's text only in its query string: the request's own path
    then `?` (`f"{request.path_info}?{request.META['QUERY_STRING']}"`, the page the user is on), or
    a URL the site builds (`reverse(...)`, `url_for(...)`) then `?` and a query, also appended
    to a name (`uri = reverse("callback", external=True)` then `uri += "?" + urlencode(...)`)."""
    if isinstance(value, ast.Name):
        starts, tails = _starts_and_tails(ctx, value)
        return (
            bool(starts)
            and all(_is_own_url(v) or _own_url_read(v) or _site_url_then_query(v) for v in starts)
            and all(_opens_with(tail, "?#") for tail in tails.values())
        )
    return _site_url_then_query(value)


def _site_url_then_query(value: ast.expr) -> bool:
    start = _start_of_query(value)
    return start is not None and (_is_own_url(start) or _own_url_read(start))


def _start_of_query(value: ast.expr) -> ast.expr | None:
    """`f"{start}?page=2"`, `start + "#groups"`: the value the text starts with when a query
    string or fragment follows it at once (what comes after cannot change the host)."""
    parts = strings.pieces(value) or []
    if len(parts) >= 2 and isinstance(parts[0], strings.Value) and isinstance(parts[1], strings.Literal) and parts[1].text[:1] in "?#":
        return parts[0].node
    return None


def _start_before_query(ctx, value: ast.expr) -> ast.expr | None:
    """`sep.join([url, query])` or `f"{url}{sep}{query}"` with `sep = "&" if "?" in url else "?"`:
    what follows `url` goes after a `?` it has or is given, in the query: the start, `url`."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "join" and len(value.args) == 1:
        items = value.args[0]
        if isinstance(items, (ast.List, ast.Tuple)) and len(items.elts) >= 2 and _query_separator(ctx, value.func.value, items.elts[0]):
            return items.elts[0]
        return None
    parts = strings.pieces(value) or []
    if len(parts) >= 2 and isinstance(parts[0], strings.Value) and isinstance(parts[1], strings.Value) and _query_separator(ctx, parts[1].node, parts[0].node):
        return parts[0].node
    return None


def _query_separator(ctx, node: ast.expr, start: ast.expr) -> bool:
    """`"?"`, or a name bound only to `"&" if "?" in start else "?"` (or the `not in` spelling):
    the separator that puts what follows `start` in its query string."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value[:1] in ("?", "#")
    values = ctx.assigned_values(node) if isinstance(node, ast.Name) else ()
    return bool(values) and all(_separator_choice(ctx, v, start) for v in values)


def _separator_choice(ctx, value: ast.expr, start: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str) and value.value[:1] in ("?", "#")
    if not isinstance(value, ast.IfExp):
        return False
    test = value.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn))):
        return False
    if not (isinstance(test.left, ast.Constant) and test.left.value == "?" and ctx.text(test.comparators[0]) == ctx.text(start)):
        return False
    has_mark, lacks_mark = (value.body, value.orelse) if isinstance(test.ops[0], ast.In) else (value.orelse, value.body)
    marked = isinstance(has_mark, ast.Constant) and isinstance(has_mark.value, str)
    return marked and isinstance(lacks_mark, ast.Constant) and isinstance(lacks_mark.value, str) and lacks_mark.value[:1] == "?"


def host_settled_after_application_value(ctx, built: ast.expr) -> bool:
    """`f"{settings.FRONTEND_URL}/accounts/{next}"`: a value the client did not choose, then a
    literal path segment (or `?`, `#`), then the client's text. Whatever that value is (empty,
    a host, `/`), the host is over before the client's text starts: the literal closes it."""
    parts = _path_joined(ctx, built) or strings.pieces(built) or []
    if len(parts) < 3 or not (isinstance(parts[0], strings.Value) and isinstance(parts[1], strings.Literal)):
        return False
    if not (guards.CLOSED_SEGMENT.match(parts[1].text) or parts[1].text[:1] in ("?", "#")):
        return False
    if _builds_own_url(ctx, parts[0].node):
        return True
    part = ctx.origin(parts[0].node).risk(Sink.REDIRECT)
    # a helper's parameter is its callers' choice, which may be the client's
    return part is None or not client_chosen(ctx, part) and not (part.kind == taint.PARAM and part.label != "self")


def _path_joined(ctx, built: ast.expr) -> list | None:
    """`url_path_join(self.base_url, "api/contents", path)` (catalog.URL_PATH_JOINS) as the pieces
    it joins with `/` between them: `{base_url}/api/contents/{path}`."""
    if not (isinstance(built, ast.Call) and not built.keywords and ctx.call_name(built) in catalog.URL_PATH_JOINS):
        return None
    joined: list = []
    for index, argument in enumerate(built.args):
        if isinstance(argument, ast.Starred):
            return None  # `url_path_join(*parts)`: which piece comes first is unknown
        found = strings.pieces(argument) or [strings.Value(argument)]
        joined += ([strings.Literal("/")] if index else []) + found
    return strings.merged(joined)


def _builds_own_url(ctx, node: ast.expr) -> bool:
    """`url` given only `build_absolute_uri(request, reverse("done"))` (any of catalog.URL_BUILDERS,
    also the project's own helper of that name): a URL of this site, on the host the request was
    sent to, when no argument but the request object itself is the client's. The request makes
    the helper's result the request's in the data flow; the host it gives is the one the link
    pointed the browser at."""
    values = ctx.assigned_values(node) if isinstance(node, ast.Name) else ()
    return bool(values) and all(
        _is_own_url(value) and not any(_client_argument(ctx, a) for a in (*value.args, *(k.value for k in value.keywords))) for value in values
    )


def _client_argument(ctx, argument: ast.expr) -> bool:
    if isinstance(argument, (ast.Name, ast.Attribute)) and astutil.last_name(argument) in catalog.REQUEST_NAMES:
        return False  # the request object: its host is the site's
    return client_chosen(ctx, ctx.origin(argument).risk(Sink.REDIRECT))


def own_method_returns_fixed(ctx, target: ast.expr, depth: int = 0) -> bool:
    """`redirect(self.success_url())` where that method of the same class returns, on every
    path, a target the client did not choose (_fixed_return). A method's summary says only
    that its value comes from the request; its returns say which part."""
    method = web.own_method(ctx, target)
    if method is None or depth > 3:
        return method is None and _inherited_success_url(ctx, target)
    returns = list(web.returns_of(method))
    return bool(returns) and all(r.value is not None and _fixed_return(ctx, r.value, depth) for r in returns)


# Django's generic views whose `get_success_url()` gives a URL of this site: the class's own
# `success_url` (filled with the object's fields) or the object's `get_absolute_url()` (FormMixin,
# ModelFormMixin, DeletionMixin), or a `next` that passed url_has_allowed_host_and_scheme (LoginView)
_DJANGO_GENERIC_VIEWS = ("django.views.generic.", "django.contrib.auth.views.")


def _inherited_success_url(ctx, target: ast.expr) -> bool:
    """`self.get_success_url()` (also then text after `?` or `#`: `f"{self.get_success_url()}#groups"`)
    in a class whose bases are all Django's generic views and that does not define it itself."""
    target = _start_of_query(target) or target
    if not (isinstance(target, ast.Call) and not target.args and isinstance(target.func, ast.Attribute) and target.func.attr == "get_success_url"):
        return False
    cls = next((a for a in ctx.ancestors(target) if isinstance(a, ast.ClassDef)), None)
    if cls is None or not cls.bases or not (isinstance(target.func.value, ast.Name) and target.func.value.id == "self"):
        return False
    if any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "get_success_url" for s in cls.body):
        return False
    return all((ctx.qualified_name(base) or "").startswith(_DJANGO_GENERIC_VIEWS) for base in cls.bases)


def _fixed_return(ctx, value: ast.expr, depth: int) -> bool:
    """A constant, the request's own URL (`request.get_full_path()`, `self.request.path`), what
    the object holds (`self.success_url`, when nothing stored the client's text there: the
    caller's `self` is this object), a fixed start, one of these then a query string after `?`
    or `#` (`f"{self.request.path}?{urlencode(...)}"`), or another such method's result; a
    name, when each value assigned to it is one. Judged piece by piece: an origin joins every
    read of the request into one."""
    if depth > 3:
        return False
    if isinstance(value, ast.Constant):
        return value.value is None or isinstance(value.value, str)
    if own_method_returns_fixed(ctx, value, depth + 1) or starts_fixed(value) or _own_url_read(value):
        return True
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod) and _site_path_attribute(ctx, value.left):
        return True  # `self.redirect_url % kwargs`: the values fill a path of this site
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "self":
        part = ctx.origin(value).risk(Sink.REDIRECT)
        return part is None or part.kind == taint.PARAM and part.label == "self"
    if isinstance(value, ast.Name):
        assigned = ctx.assigned_values(value)
        return bool(assigned) and all(_fixed_return(ctx, v, depth + 1) for v in assigned)
    start = _start_of_query(value)
    return start is not None and _fixed_return(ctx, start, depth + 1)


def _site_path_attribute(ctx, node: ast.expr) -> bool:
    """`self.redirect_url` where the class body binds `redirect_url = reverse_lazy("home")`: a
    path of this site (catalog.SITE_URL_BUILDERS), which a `%` filling in values keeps at its start."""
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"):
        return False
    cls = next((a for a in ctx.ancestors(node) if isinstance(a, ast.ClassDef)), None)
    bound = [
        stmt.value for stmt in (cls.body if cls is not None else ())
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.attr for t in stmt.targets)
    ]
    return len(bound) == 1 and isinstance(bound[0], ast.Call) and astutil.last_name(bound[0].func) in catalog.SITE_URL_BUILDERS


def _own_url_read(node: ast.expr) -> bool:
    """`request.path`, `self.request.get_full_path()`: the URL the request was sent to."""
    if isinstance(node, ast.Call) and node.args or not web.names_own_url(node):
        return False
    owner = (node.func if isinstance(node, ast.Call) else node).value
    return isinstance(owner, (ast.Name, ast.Attribute)) and astutil.last_name(owner) in catalog.REQUEST_NAMES


def start_values(ctx, target: ast.Name) -> list[ast.expr]:
    """The values assigned to `target` that start it anew (`base = row["path"]`), not those that
    append to it (`base += f"{pk}/"`): what the string it holds begins with."""
    return _starts_and_tails(ctx, target)[0]


def _starts_and_tails(ctx, target: ast.expr) -> tuple[list[ast.expr], dict[int, list]]:
    """The values assigned to `target` that start it anew, in order, and the pieces each other
    assignment appends to it (by the value's id; see _appended)."""
    values = ctx.assigned_values(target)
    tails = {id(v): tail for v in values if (tail := _appended(ctx, target, v)) is not None}
    return [v for v in values if id(v) not in tails], tails


def _opens_with(tail: list, marks: str) -> bool:
    """Whether appended pieces begin with text starting with one of `marks` (`?`, `#`: the query
    or the fragment, which cannot change the host)."""
    return bool(tail) and isinstance(tail[0], strings.Literal) and tail[0].text[:1] in marks


def _appended(ctx, target: ast.expr, value: ast.expr) -> list | None:
    """The pieces `value` appends to `target` (`target += "?" + q`, `target = f"{target}?{q}"`),
    or None when it is a new start."""
    if isinstance(ctx.statement(value), ast.AugAssign):
        return strings.pieces(value) or []
    parts = strings.pieces(value)
    if parts and isinstance(parts[0], strings.Value) and ctx.text(parts[0].node) == ctx.text(target):
        return parts[1:]
    return None


def after_application_segment(ctx, target: ast.expr) -> str | None:
    """For a target that starts `/` then a value the client did not choose (a stored path, a
    slug from the database), every way it is built (query strings appended after `?` aside): the
    text of that value. The client's text comes after it, so the host is the site's unless that
    value is empty or starts with `/` (the audit tier)."""
    values = [target]
    if isinstance(target, ast.Name):
        values = _starts_and_tails(ctx, target)[0]
    texts = set()
    for value in values:
        parts = strings.pieces(web.built_value(ctx, value)[0] if isinstance(value, ast.Name) else value) or []
        if len(parts) < 2 or not (isinstance(parts[0], strings.Literal) and parts[0].text == "/" and isinstance(parts[1], strings.Value)):
            return None
        if client_chosen(ctx, ctx.origin(parts[1].node).risk(Sink.REDIRECT)):
            return None
        texts.add(ctx.text(parts[1].node))
    return texts.pop() if len(texts) == 1 else None


def client_chosen(ctx, part) -> bool:
    """Whether the client chose this redirect target (not the request's own URL nor its Referer)."""
    return web.is_client(part) and not web.reads_own_url(ctx, part) and not web.reads_referrer(ctx, part)


def _is_own_url(node: ast.expr) -> bool:
    """`reverse(...)`, `url_for(...)`, `obj.get_absolute_url()`: a URL of the application's own."""
    return isinstance(node, ast.Call) and astutil.last_name(node.func) in catalog.URL_BUILDERS


def sets_location(target: ast.expr) -> bool:
    """`resp.headers["Location"]` or `response["Location"]` on anything but the request."""
    if not (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and str(target.slice.value).lower() == "location"):
        return False
    owner = response_of(target)
    return not (isinstance(owner, (ast.Name, ast.Attribute)) and astutil.last_name(owner) in catalog.REQUEST_NAMES)


def response_of(target: ast.Subscript) -> ast.expr:
    """`resp` in `resp.headers["Location"]` and in Django's `resp["Location"]`."""
    return target.value.value if isinstance(target.value, ast.Attribute) and target.value.attr == "headers" else target.value


def not_a_redirect(target: ast.Subscript, ctx) -> bool:
    """The response was made with a status that is no redirect (`make_response(body, 201)`: the
    `Location` of a created resource, which browsers do not follow), or the mapping is a record of
    data made here (`event = {}`, then `event["location"] = form["location"]`), not headers."""
    owner = response_of(target)
    made = ctx.assigned_values(owner) if isinstance(owner, ast.Name) else ()
    if isinstance(owner, ast.Name) and _data_record(owner, made, ctx):
        return True
    if len(made) != 1 or not isinstance(made[0], ast.Call):
        return False
    status = next((k.value for k in made[0].keywords if k.arg == "status"), made[0].args[1] if len(made[0].args) > 1 else None)
    return isinstance(status, ast.Constant) and isinstance(status.value, int) and not 300 <= status.value < 400


def _data_record(owner: ast.Name, made: tuple, ctx) -> bool:
    """A mapping made here (every value a `{...}` display or `dict()`), not named for headers, never
    handed on as headers (`headers=h`, `return body, 302, h`): a record whose field is a location."""
    if not made or not all(isinstance(v, ast.Dict) or isinstance(v, ast.Call) and astutil.last_name(v.func) == "dict" for v in made):
        return False
    if {"header", "headers", "hdrs"} & set(naming.words(owner.id)):
        return False
    function = ctx.enclosing_function(owner)
    reads = astutil.name_reads(function, owner.id) if function is not None else []
    return not any(isinstance(k := ctx.parent(read), ast.keyword) and k.arg == "headers" or isinstance(ctx.parent(read), ast.Tuple) for read in reads)


def checked_in_function(ctx, call: ast.Call, target: ast.expr) -> bool:
    """Whether the function checks the target's host or calls a URL check on it."""
    if _guarded_by_check_of_same_read(ctx, call, target):
        return True
    names = web.names_in(target)
    if isinstance(target, ast.Name):
        for value in ctx.assigned_values(target):
            names |= web.names_in(value)
    names -= catalog.REQUEST_NAMES | {"self"}
    if not names:
        return False
    body = web.function_body(ctx, call)
    prefixes: set[str] = set()  # what the target is checked to start with
    for node in astutil.walk(body):
        if node is call:
            continue
        if isinstance(node, ast.Call):
            func = node.func
            label = astutil.last_name(func)
            args = list(node.args) + [k.value for k in node.keywords]
            if _CHECKS.search(label) and any(web.names_in(a) & names for a in args):
                return True
            if label == "startswith" and isinstance(func, ast.Attribute) and web.names_in(func.value) & names:
                prefixes |= _prefixes(node)
        if isinstance(node, ast.Attribute) and node.attr in _HOST_PARTS and web.names_in(node.value) & names:
            return True
    # a fixed host or local path (`https://example.com/`, `/app/`) is a check; a bare `/`
    # only with `//` and `/\\` ruled out too, since browsers read both as another host
    return any(guards.SAFE_URL_PREFIX.match(p) for p in prefixes) or {"/", "//", "/\\"} <= prefixes


def _guarded_by_check_of_same_read(ctx, call: ast.Call, target: ast.expr) -> bool:
    """`if is_safe_url(request.args.get("next")): return redirect(request.args.get("next"))`: the
    redirect sits in the branch where a URL check passed on the very same read of the request."""
    if not isinstance(target, (ast.Attribute, ast.Subscript, ast.Call)):
        return False
    shape = ast.dump(target)
    return any(_passes_check(node, shape) for node in web.branch_conditions(ctx, call))


def _passes_check(node: ast.AST, shape: str) -> bool:
    """A call of a URL check (by its name) on an expression of this shape."""
    if not isinstance(node, ast.Call):
        return False
    if not _CHECKS.search(astutil.last_name(node.func)):
        return False
    return any(ast.dump(a) == shape for a in list(node.args) + [k.value for k in node.keywords])


def _prefixes(startswith: ast.Call) -> set[str]:
    """The constant prefixes of `x.startswith("a")` / `x.startswith(("a", "b"))`."""
    found = startswith.args[:1]
    if found and isinstance(found[0], ast.Tuple):
        found = found[0].elts
    return {p.value for p in found if isinstance(p, ast.Constant) and isinstance(p.value, str)}


# Methods of OAuth clients that build the provider's authorization URL (requests_oauthlib's
# OAuth2Session and OAuth1Session, google_auth_oauthlib's Flow, authlib's clients): the
# authorization endpoint, given as the first argument or configured in the client, then the
# request's parameters, which the library encodes into its query string.
_AUTHORIZATION_URL_METHODS = frozenset({"authorization_url", "create_authorization_url"})


def provider_authorization_url(ctx, target: ast.expr) -> bool:
    """`authorization_url, state = flow.authorization_url(prompt="consent")` then
    `redirect(authorization_url)`: every value of the target is what an OAuth client built for its
    provider's authorization endpoint, which the call names with a value the client did not choose
    (`oauth.authorization_url(AUTHORIZE_URL, ...)`) or does not name (the client's configured
    one). What else went in (a state, the site's own callback URL) is in the query string."""
    values = (ctx.assigned_values(target) or _unpacked_first(ctx, target)) if isinstance(target, ast.Name) else (target,)
    return bool(values) and all(_builds_authorization_url(ctx, value) for value in values)


def _unpacked_first(ctx, name: ast.Name) -> list[ast.expr]:
    """The values whose first item every binding of `name` in its function unpacks
    (`url, state = make()`: `make()`), or nothing when some binding of it is anything else."""
    found = []
    for node in astutil.walk(web.function_body(ctx, name)):
        if not (isinstance(node, ast.Name) and node.id == name.id and not isinstance(node.ctx, ast.Load)):
            continue
        unpacked = ctx.parent(node)
        statement = ctx.parent(unpacked) if isinstance(unpacked, ast.Tuple) else None
        if not (isinstance(statement, ast.Assign) and statement.targets == [unpacked] and unpacked.elts[0] is node):
            return []
        found.append(statement.value)
    return found


def _builds_authorization_url(ctx, value: ast.expr) -> bool:
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _AUTHORIZATION_URL_METHODS):
        return False
    endpoint = value.args[0] if value.args else next((k.value for k in value.keywords if k.arg == "url"), None)
    return endpoint is None or not client_chosen(ctx, ctx.origin(endpoint).risk(Sink.REDIRECT))


def model_instance(ctx, target: ast.expr) -> bool:
    """Whether the target is a model instance, directly or through every value of a name or of an
    attribute the class stores (`self.object = form.save(commit=False)`): what a form's or
    serializer's `save()` returned, or a row a query found (`qs.first()`, `Model.objects.get(...)`,
    `get_object_or_404(...)`, a view's `self.get_object()`). Django's `redirect()` turns it into the
    URL its `get_absolute_url()` builds, not text of the client's (an instance without one is
    refused: Django reverses it as a view name and fails)."""
    values: tuple[ast.expr, ...] = (target,)
    if isinstance(target, (ast.Name, ast.Attribute)):
        # a field set on the row (`self.object.backend = ...`, listed as its target) leaves it a row
        values = tuple(v for v in ctx.assigned_values(target) if not (isinstance(target, ast.Attribute) and _part_of(v, target)))
    return bool(values) and all(_row(ctx, value) for value in values)


def _part_of(store: ast.expr, whole: ast.Attribute) -> bool:
    base = store.value if isinstance(store, (ast.Attribute, ast.Subscript)) else None
    return base is not None and ast.dump(base) == ast.dump(whole)


def _row(ctx, value: ast.expr) -> bool:
    """A row a query found here, or what a function of the workspace returns when every return of
    it is one (a search form's `get_redirect_to()` returning `qs.first()`)."""
    return lookups.is_found_row(value, ctx.qualified_name) or isinstance(value, ast.Call) and ctx.summary_says(value, "returns_row")


def private_helper(func: ast.expr, ctx) -> bool:
    """`_sign_in(...)` of the module, `self._back(...)`: private, so its own redirect is judged with what its calls pass."""
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    own = isinstance(func, ast.Attribute) or name in ctx.module.functions
    return own and name.startswith("_") and not name.startswith("__")
