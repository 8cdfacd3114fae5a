"""SLS122 urlopen-unchecked-scheme."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil, taint
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import strings, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_OPENERS = {
    "urllib.request.urlopen": 0,
    "urllib.request.Request": 0,
    "urllib.request.urlretrieve": 0,
    "urllib.urlopen": 0,
    "urllib.urlretrieve": 0,
    "urllib2.urlopen": 0,
    "urllib2.Request": 0,
    "six.moves.urllib.request.urlopen": 0,
}
_SCHEME_START = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SCHEME_WORDS = re.compile(r"https?:|scheme|https\?", re.IGNORECASE)


class UrlopenUncheckedScheme(Rule):
    """
    ## What it does
    Finds `urllib.request.urlopen`, `urlretrieve` and `Request` given a URL
    that is not a constant, does not start with a fixed `http://` or
    `https://` (or a constant base URL or URL template defined elsewhere:
    `LOOKUP_URLS[kind] % quote(address)`, or through a name every plain
    assignment of which starts so: `protocol = "https://"` or `"http://"`,
    `url = protocol + host`, then `url += "?" + query`), and whose scheme the function never checks (nor, for a
    URL kept on `self`, the method that stores it: a constructor that
    raises unless the scheme is http or https guards the whole class).
    A URL read from outside data (a downloaded page, a file, the process
    environment or command line) is reported with medium confidence. A request object a helper makes
    from the URL it is given (`urlopen(api_request(url))` with `def
    api_request(url): return Request(url, headers=...)`) is judged by that
    URL, not by the headers or data it also carries. A function's URL parameter,
    a URL a helper returns, one an object was configured with (a client's base URL kept on
    `self`), or a configuration value (`conf`, `settings`) is the audit tier (low
    confidence): the code or configuration that chooses it is usually the
    operator's, who could as well read the file directly; measured on
    real projects, those findings were almost never a weakness (a parameter's 24
    findings on 280 projects: no weakness, 13 wrong). Where a caller hands such a
    function the client's URL, SLS121 (server-side request forgery) reports it.

    ## Why is this bad?
    `urllib` opens more than web pages: `file:///etc/passwd` reads local
    files and `ftp://` reaches other servers. Whoever controls the URL
    chooses the scheme. (A URL that comes straight from a web request is
    reported as server-side request forgery, SLS121, instead.)

    ## How to fix it
    Check the scheme before opening:
    `if urllib.parse.urlparse(url).scheme not in ("http", "https"): raise ValueError(...)`,
    or build the URL from a fixed `https://` prefix. An HTTP library such as
    `requests` or `httpx` only speaks HTTP(S) and avoids the problem.
    """

    id = "SLS122"
    name = "urlopen-unchecked-scheme"
    title = "urlopen of a URL whose scheme is not checked"
    cwe = 22
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "input-validation"
    bandit = ("B310",)
    fixable = False
    calls = frozenset(_OPENERS)

    VALID = [
        # every value that starts the URL starts with a scheme; what is added later goes at its end
        code("""
            import urllib.parse
            import urllib.request

            def process(host, ssl, params):
                if ssl:
                    protocol = "https://"
                else:
                    protocol = "http://"
                url = protocol + host + "/api"
                url += "?" + urllib.parse.urlencode(params)
                return urllib.request.urlopen(url, timeout=30)
        """),
        # a constant table of URL templates, picked by key: the template's text names the scheme
        code("""
            import urllib.parse
            import urllib.request

            LOOKUP_URLS = {
                "geo": "https://stat.example.net/geoloc.json?resource=%s",
                "asn": "https://stat.example.net/network-info.json?resource=%s",
            }

            def lookup(kind, address):
                if kind not in LOOKUP_URLS:
                    return None
                req = urllib.request.Request(LOOKUP_URLS[kind] % urllib.parse.quote(address, safe=""))
                return urllib.request.urlopen(req, timeout=5).read()
        """),
        code("""
            from urllib.request import urlopen

            def fetch():
                return urlopen("https://example.com/feed.xml", timeout=5).read()
        """),
        code("""
            from urllib.parse import urlparse
            from urllib.request import urlopen

            def fetch(url):
                if urlparse(url).scheme not in ("http", "https"):
                    raise ValueError(url)
                return urlopen(url, timeout=5).read()
        """),
        code("""
            import urllib.request

            def fetch(path):
                return urllib.request.urlopen(f"https://api.example.com/{path}", timeout=5).read()
        """),
        code("""
            import urllib.request

            def fetch(url):
                if not url.startswith(("http://", "https://")):
                    raise ValueError(url)
                return urllib.request.urlopen(url).read()
        """),
        code("""
            import urllib.request

            def fetch(url):
                req = urllib.request.Request("https://example.com/api", data=url.encode())
                return urllib.request.urlopen(req).read()
        """),
        code("""
            def urlopen(url):
                return url

            def f(x):
                return urlopen(x)
        """),
        # the helper hands the URL to Request whole: what it is given starts with a fixed https://
        code("""
            import os
            import urllib.request

            API = "https://api.example.com/releases"

            def _api_request(url):
                return urllib.request.Request(url, headers={"Authorization": os.environ["TOKEN"]})

            def latest():
                req = _api_request(f"{API}/latest")
                return urllib.request.urlopen(req, timeout=5).read()
        """),
        # the constructor that stores the URL refuses any other scheme
        code("""
            import urllib.parse
            import urllib.request

            class Client:
                def __init__(self, api_url):
                    self._api_url = api_url.rstrip("/")
                    parsed = urllib.parse.urlparse(self._api_url)
                    if parsed.scheme not in ("http", "https"):
                        raise ValueError(api_url)

                def tags(self):
                    return urllib.request.urlopen(f"{self._api_url}/api/tags", timeout=5).read()
        """),
    ]
    INVALID = [
        Example(  # the template itself is the caller's: it may start with file://
            code("""
                import urllib.parse
                import urllib.request

                def lookup(template, address):
                    req = urllib.request.Request(template % urllib.parse.quote(address, safe=""))
                    return urllib.request.urlopen(req, timeout=5).read()
            """),
            where='template % urllib.parse.quote(address, safe="")',
            says="is opened with `Request` without checking its scheme",
        ),
        Example(  # stored by a constructor that checks nothing
            code("""
                import urllib.request

                class Client:
                    def __init__(self, api_url):
                        self._api_url = api_url

                    def tags(self):
                        return urllib.request.urlopen(f"{self._api_url}/api/tags", timeout=5).read()
            """),
            where='f"{self._api_url}/api/tags"',
            says='`f"{self._api_url}/api/tags"` is opened with `urlopen` without checking its',
        ),
        Example(
            code("""
                import urllib.request

                def download(url, dest):
                    with urllib.request.urlopen(url) as response, open(dest, "wb") as out:
                        out.write(response.read())
            """),
            where="url",
            says="`url` is opened with `urlopen` without checking its scheme",
        ),
        Example(
            code("""
                from urllib.request import Request, urlopen

                def fetch(url, token):
                    req = Request(url, headers={"Authorization": token})
                    return urlopen(req).read()
            """),
            where="url",
            says="`url` is opened with `Request` without checking its scheme",
        ),
        Example(
            code("""
                import sys
                from urllib.request import urlretrieve

                urlretrieve(sys.argv[1], "out.bin")
            """),
            where="sys.argv[1]",
            says="`sys.argv[1]` is opened with `urlretrieve` without checking its scheme",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name not in _OPENERS:
            return
        url = web.argument(node, _OPENERS[name], ("url", "fullurl"))
        if url is None:
            return
        url = _url_given_to_helper(url, ctx) or url
        part = ctx.origin(url).risk(Sink.URL)
        if part is None or web.is_client(part):
            return  # constant, or reported as SSRF
        if ctx.in_test_code(node):
            return
        if _is_request_object(url, ctx):
            return
        if _starts_with_scheme(url, ctx):
            return
        if _scheme_checked(ctx, node, url):
            return
        ctx.report(
            self,
            url,
            f"`{ctx.text(url)}` is opened with `{name.rsplit('.', 1)[-1]}` without checking its scheme: `file://` and `ftp://` URLs work too. "
            "Check `urlparse(url).scheme in (\"http\", \"https\")` first.",
            confidence=_confidence(part),
            related=ctx.related_path(part),
        )


def _confidence(part: taint.Part) -> Confidence:
    """Medium for outside data (a downloaded page, a file, the environment, the command line); the
    audit tier for what the code's callers choose: a function's URL parameter, a URL a helper
    returns or an object was configured with (a method's `self._api_url`, a client's base URL),
    and configuration (`conf`, `settings`). Measured on the real projects, a parameter's 24
    findings held no weakness: callers pass constants, checked URLs or the operator's settings."""
    return Confidence.MEDIUM if part.kind == taint.UNTRUSTED else Confidence.LOW


def _starts_with_scheme(url: ast.expr, ctx, depth: int = 0) -> bool:
    """Whether the URL's text starts with a scheme the code wrote: a literal (`"https://" + host`),
    a constant base URL defined elsewhere, a constant template filled in, or a name whose every
    value does (`protocol = "https://"` or `"http://"`, then `url = protocol + host`, then
    `url += "?" + query`)."""
    built, _ = web.built_value(ctx, url)
    parts = strings.pieces(built)
    if parts and isinstance(parts[0], strings.Literal) and _SCHEME_START.match(parts[0].text):
        return True
    if parts and isinstance(parts[0], strings.Value) and ctx.origin(parts[0].node).is_constant:
        return True  # a constant base URL defined elsewhere
    if _constant_template(built, ctx):
        return True  # `URLS[kind] % quote(address)`: a constant template defined elsewhere fills in the values
    first = parts[0].node if parts and isinstance(parts[0], strings.Value) else url if built is url else None
    if depth < 3 and isinstance(first, ast.Name):
        # `url += "?" + query` adds to the end: the values that start the name are its plain assignments
        values = [v for v in ctx.assigned_values(first) if not isinstance(ctx.statement(v), ast.AugAssign)]
        return bool(values) and all(_starts_with_scheme(v, ctx, depth + 1) for v in values)
    return False


def _constant_template(built: ast.expr, ctx) -> bool:
    """`LOOKUP_URLS[kind] % quote(address)`, `API[name].format(id)`: the URL is a template that is
    a constant defined elsewhere (a module table of URLs, picked by key), filled with values; its
    text, not theirs, starts the URL and names the scheme (as a constant base URL does). A
    template whose text is known must start with a scheme itself (not `"%s"`)."""
    if isinstance(built, ast.BinOp) and isinstance(built.op, ast.Mod):
        template = built.left
    elif isinstance(built, ast.Call) and isinstance(built.func, ast.Attribute) and built.func.attr == "format":
        template = built.func.value
    else:
        return False
    if isinstance(template, ast.Constant) or not ctx.origin(template).is_constant:
        return False
    text = ctx.string_value(template)
    return text is None or _SCHEME_START.match(text) is not None


def _is_request_object(url: ast.expr, ctx) -> bool:
    if isinstance(url, ast.Call) and ctx.call_name(url) in _OPENERS:
        return True
    if isinstance(url, ast.Name):
        values = ctx.assigned_values(url)
        if values and all(isinstance(v, ast.Call) and (ctx.call_name(v) or "").endswith("Request") for v in values):
            return True
        if not values and url.id in ("req", "request"):
            return True
    return False


def _url_given_to_helper(url: ast.expr, ctx) -> ast.expr | None:
    """`urlopen(github_request(f"{API}/latest"))` with `def github_request(url): return Request(url,
    headers=...)`: the URL is what the call gives the helper that hands it whole to an opener (the
    request object also carries headers or data, which say nothing of its scheme). Also through a
    name: `req = github_request(url)` then `urlopen(req)`."""
    if isinstance(url, ast.Name):
        values = ctx.assigned_values(url)
        url = values[0] if len(values) == 1 else url
    if not isinstance(url, ast.Call):
        return None
    return next((given for callee, position, given, _ in ctx.forwarded(url) if callee in _OPENERS and position == "0"), None)


def _scheme_checked(ctx, call: ast.Call, url: ast.expr) -> bool:
    values = [url, *(ctx.assigned_values(url) if isinstance(url, ast.Name) else ())]
    names = set().union(*(web.names_in(v) for v in values))
    if _checks_scheme(ctx, web.function_body(ctx, call), lambda node: bool(web.names_in(node) & names)):
        return True
    return _checked_where_stored(ctx, call, values)


def _checks_scheme(ctx, body: ast.AST, mentions) -> bool:
    """Whether `body` checks the scheme of a value `mentions(node)` says is the URL's: its
    `urlparse(...).scheme`, a `startswith("https://")`, a `re.match("^https?:", ...)`."""
    for node in astutil.walk(body):
        if isinstance(node, ast.Attribute) and node.attr == "scheme" and mentions(node.value):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "startswith":
            if mentions(node.func.value) and any(_SCHEME_WORDS.search(ast.unparse(a)) for a in node.args):
                return True
        if isinstance(node, ast.Call) and (ctx.call_name(node) or "").startswith("re.") and any(
            _SCHEME_WORDS.search(ast.unparse(a)) for a in node.args[:1]
        ) and any(mentions(a) for a in node.args[1:]):
            return True
    return False


def _checked_where_stored(ctx, call: ast.Call, values: list[ast.expr]) -> bool:
    """`self._api_url` checked by the method that stores it: a constructor that raises unless the
    scheme is http or https guards every method of the class that opens it."""
    fields = {n.attr for v in values for n in astutil.walk(v) if _self_field(n)}
    cls = next((a for a in ctx.ancestors(call) if isinstance(a, ast.ClassDef)), None)
    if not fields or cls is None:
        return False

    def reads_field(node: ast.AST) -> bool:
        return any(_self_field(n) in fields for n in astutil.walk(node))

    for method in (m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))):
        stored = [s.value for s in astutil.walk(method) if isinstance(s, ast.Assign) and any(_self_field(t) in fields for t in s.targets)]
        if not stored:
            continue
        held = set().union(*(web.names_in(v) for v in stored)) - {"self"}  # the parameter stored (`api_url`)
        for stmt in astutil.walk(method):  # and names made from either (`parsed = urlparse(self._api_url)`)
            if isinstance(stmt, ast.Assign) and (web.names_in(stmt.value) & held or reads_field(stmt.value)):
                held |= {t.id for t in stmt.targets if isinstance(t, ast.Name)}
        if _checks_scheme(ctx, method, lambda node: bool(web.names_in(node) & held) or reads_field(node)):
            return True
    return False


def _self_field(node: ast.AST) -> str | None:
    """`x` for `self.x`."""
    return node.attr if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" else None
