"""SLS125 session-trust-boundary."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import redirects, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_SESSIONS = frozenset({"flask.session", "quart.session", "bottle.request.session"})
# Calls that hand back the current request's session object.
_SESSION_GETTERS = frozenset({"aiohttp_session.get_session", "aiohttp_session.new_session"})
_CHECKS = re.compile(r"(check|verify|validat|authenticat|authoriz|is_valid|login|allowed|clean|sanitiz|(?<!un)safe|lookup|get_object|fullmatch)", re.IGNORECASE)


class SessionTrustBoundary(Rule):
    """
    ## What it does
    Finds request data (query parameters, form fields, JSON, headers,
    cookies) stored into the session (`flask.session[...]`,
    Django's `request.session[...]`) in a function that never checks it.

    ## Why is this bad?
    The session is where the server keeps what it has decided to trust: who
    the user is, their role, what they paid. Code that reads the session
    later assumes its values were checked. Copying raw client input into it
    mixes the two (CWE-501), so a forged `role=admin` or `user_id=1` form
    field becomes "trusted" state for every later request.

    ## How to fix it
    Validate the value first (compare it with an allow-list, parse it into
    the type you expect, look the object up and check the user may use it)
    and store the validated result. A value checked in the same function
    (membership in an allow-list, a `check_*`/`verify_*`/`validate_*` call,
    also through the name its result is bound to: `user = authenticate(...)` then `if user:`,
    also one whose failing branch replaces the value, `if not is_safe_url(url): url = "/"`,
    a helper named for safety such as `get_safe_redirect()`, `int()`), and the request's own URL (`session["next"] = request.url`),
    are not reported, nor is a URL of this site with the client's text only in
    its query string (`f"{request.path_info}?{request.META['QUERY_STRING']}"`,
    `reverse("callback") + "?" + urlencode({"next": wanted})`): whoever reads
    it back gets a page of this site, as with the request's own URL;
    nor is an item of the request stored in the branch where
    the same item, read again, was one of fixed values
    (`if request.GET.get("view") in ["team", "debate"]:` then
    `request.session["view"] = request.GET["view"]`);
    nor is a sticky request parameter, whose remembered value is read back
    only as the default of the request's own item
    (`start = request.GET.get("start", request.session.get("start"))`, then
    `request.session["start"] = start`): the code takes it where it takes the
    client's text anyway (unless the same function or class also reads the
    remembered value on its own); nor is a value that every read of its key
    there cleans before any other use, as the client's text it is
    (`unsafe = session.pop("next_url")` then `redirect(safe_next_path(unsafe))`,
    with a URL check, `int()` or another function whose result the engine
    knows to be safe for where it leads or what it runs; a response or an
    escape such as `json.dumps` is no check), or only tests for emptiness.
    """

    id = "SLS125"
    name = "session-trust-boundary"
    title = "Unvalidated request data stored in the session"
    cwe = 501
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    topic = "input-validation"
    fixable = False
    methods = frozenset({"update", "setdefault"})

    VALID = [
        # pytz refuses any name not in its time zone database: past the check, one of those names
        code("""
            import pytz
            from django.http import HttpResponse, HttpResponseBadRequest

            def set_timezone(request):
                tz_name = request.POST.get("tz_name")
                try:
                    pytz.timezone(tz_name)
                except pytz.exceptions.UnknownTimeZoneError:
                    return HttpResponseBadRequest("Invalid timezone")
                request.session["tz"] = tz_name
                return HttpResponse()
        """),
        # its only reader cleans it first, as the client's text: a URL check before the redirect
        code("""
            from django.utils.http import url_has_allowed_host_and_scheme
            from flask import redirect, request, session

            def safe_next_path(url):
                if url_has_allowed_host_and_scheme(url, allowed_hosts=None):
                    return url
                return "/"

            class OAuthViews:
                def login(self):
                    session["next_url"] = request.args.get("next")
                    return redirect("/oauth/authorize")

                def callback(self):
                    unsafe_next = session.pop("next_url", None)
                    if not unsafe_next:
                        unsafe_next = "/"
                    return redirect(safe_next_path(unsafe_next))
        """),
        # the failed check puts a fixed value in the name's place: what is stored passed it or is "/"
        code("""
            from flask import redirect, request, session

            def login(is_safe_url, authorize_url):
                next_url = request.args.get("next", "/")
                if not is_safe_url(next_url):
                    next_url = "/"
                session["next"] = next_url
                return redirect(authorize_url)
        """),
        # written where an authentication the test reads through a name succeeded
        code("""
            from django.contrib import auth

            def callback(request):
                params = request.GET
                user = auth.authenticate(request=request)
                if user:
                    auth.login(request, user)
                    request.session["session_state"] = params.get("session_state")
        """),
        # the page the user is on, path and query: what `request.get_full_path()` gives
        code("""
            class RememberSearch:
                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    if request.META["QUERY_STRING"]:
                        request.session["last_search"] = f"{request.path_info}?{request.META['QUERY_STRING']}"
                    return self.get_response(request)
        """),
        # this site's callback URL; the client's page goes only in its encoded query
        code("""
            from urllib.parse import urlencode
            from django.urls import reverse

            def bind(request):
                callback = reverse("bind-callback")
                callback += "?" + urlencode({"redirect_url": request.GET.get("redirect_url")})
                request.session["callback"] = callback
        """),
        # the same item of the request, read again, was one of fixed values
        code("""
            from django.shortcuts import render

            def results(request):
                if request.GET.get("view") in ["team", "debate"]:
                    request.session["results_view"] = request.GET["view"]
                return render(request, "results.html")
        """),
        # a sticky request parameter: the session item is only ever the default of the request's own
        code("""
            def usage(request, DateForm):
                start = request.GET.get("start", request.session.get("usage_start"))
                if not start:
                    start = "2024-01-01"
                request.session["usage_start"] = start
                return DateForm({"start": start})
        """),
        code("""
            from flask import request, session
            LANGS = {"en", "fr"}

            def set_lang():
                lang = request.args.get("lang", "en")
                if lang not in LANGS:
                    lang = "en"
                session["lang"] = lang
        """),
        code("""
            from flask import request, session

            def login(users):
                name = request.form["name"]
                if not users.check_password(name, request.form["password"]):
                    return "no", 403
                session["user"] = name
        """),
        code("""
            from flask import request, session

            def remember():
                session["next"] = request.url
        """),
        # a helper named for making the value safe (`get_safe_redirect`, `is_safe_url`) checked it
        code("""
            from flask import request, session

            def get_safe_redirect(url):
                if url and is_safe_redirect_url(url):
                    return url
                return "/"

            def saml_login():
                next_url = get_safe_redirect(request.args.get("next", ""))
                session["saml_next"] = next_url
        """),
        code("""
            from flask import request, session

            def page():
                session["page"] = int(request.args.get("page", 1))
        """),
        code("""
            def store(session, request):
                session["x"] = 1
        """),
        code("""
            from fastapi import FastAPI, Request

            app = FastAPI()

            @app.get("/orgs/{slug}")
            def visit(request: Request, slug: str):
                request.session["last_org"] = slug
        """),
        code("""
            from flask import session

            def reset():
                session.update({"cart": [], "step": 1})
        """),
        code("""
            from flask import request, session

            THEMES = ("light", "dark")

            def set_theme():
                theme = request.form.get("theme", "")
                session["theme"] = theme if theme in THEMES else "light"
        """),
    ]
    INVALID = [
        Example(  # one reader cleans it, another redirects to it as it is
            code("""
                from django.utils.http import url_has_allowed_host_and_scheme
                from flask import redirect, request, session

                def safe_next_path(url):
                    if url_has_allowed_host_and_scheme(url, allowed_hosts=None):
                        return url
                    return "/"

                class OAuthViews:
                    def login(self):
                        session["next_url"] = request.args.get("next")
                        return redirect("/oauth/authorize")

                    def callback(self):
                        return redirect(safe_next_path(session.get("next_url", "/")))

                    def resume(self):
                        return redirect(session["next_url"])
            """),
            where='session["next_url"]',
            says="is stored in the session without validation",
        ),
        Example(  # the check's result, bound to a name, guards only the login: the write happens anyway
            code("""
                from django.contrib import auth

                def callback(request):
                    params = request.GET
                    user = auth.authenticate(request=request)
                    if user:
                        auth.login(request, user)
                    request.session["session_state"] = params.get("session_state")
            """),
            where='request.session["session_state"]',
            says='`params.get("session_state")` from the HTTP request is stored in the session without',
        ),
        # the failed check is only logged: the unchecked value is stored all the same
        Example(
            code("""
                from flask import current_app, redirect, request, session

                def login(is_safe_url, authorize_url):
                    next_url = request.args.get("next", "/")
                    if not is_safe_url(next_url):
                        current_app.logger.warning("unsafe next: %s", next_url)
                    session["next"] = next_url
                    return redirect(authorize_url)
            """),
            where='session["next"]',
            says="is stored in the session without validation",
        ),
        Example(
            code("""
                from flask import request, session

                def set_role():
                    session["role"] = request.form["role"]
                    return "ok"
            """),
            where='session["role"]',
            says='`request.form["role"]` from the Flask request is stored in the session without',
        ),
        Example(
            code("""
                def choose_account(request):
                    request.session["account_id"] = request.POST.get("account")
            """),
            where='request.session["account_id"]',
            says='`request.POST.get("account")` from the HTTP request is stored in the session',
        ),
        Example(
            code("""
                from flask import request, session

                def pick_tenant():
                    session.update({"tenant": request.args["tenant"], "visited": True})
            """),
            where='request.args["tenant"]',
            says='`request.args["tenant"]` from the Flask request is stored in the session without',
        ),
        # a query parameter of a FastAPI handler (not part of the route's path)
        Example(
            code("""
                from fastapi import FastAPI, Request

                app = FastAPI()

                @app.get("/org")
                def set_org(request: Request, org_id: str):
                    request.session["org_id"] = org_id
            """),
            where='request.session["org_id"]',
            says="`org_id` from the route parameter `org_id` is stored in the session without",
        ),
        # the allow-list checked another item than the one stored
        Example(
            code("""
                from django.shortcuts import render

                def results(request):
                    if request.GET.get("view") in ["team", "debate"]:
                        request.session["results_sort"] = request.GET["sort"]
                    return render(request, "results.html")
            """),
            where='request.session["results_sort"]',
            says='`request.GET["sort"]` from the HTTP request is stored in the session without',
        ),
        # the default is what the session holds under another key: the client's text becomes that key's
        Example(
            code("""
                def usage(request):
                    start = request.GET.get("start", request.session.get("usage_start"))
                    request.session["org_id"] = start
            """),
            where='request.session["org_id"]',
            says="is stored in the session without",
        ),
        # the class also reads the remembered value on its own, not as the request's default
        Example(
            code("""
                class RoleView:
                    def choose_role(self, request):
                        role = request.GET.get("role", request.session.get("role"))
                        request.session["role"] = role

                    def admin_page(self, request):
                        if request.session["role"] != "admin":
                            raise PermissionError
            """),
            where='request.session["role"]',
            says="is stored in the session without",
        ),
        Example(
            code("""
                from flask import request, session as s

                def prefs():
                    data = request.get_json()
                    s["theme"] = data["theme"]
            """),
            where='s["theme"]',
            says='`data["theme"]` from the HTTP request is stored in the session without',
        ),
        Example(
            code("""
                from flask import flash, request, session

                def login(users):
                    form = request.form
                    if users.check_password(form["email"], form["password"]):
                        flash("Welcome back!")
                    session["user_email"] = form["email"]
            """),
            where='session["user_email"]',
            says='`form["email"]` from the Flask request is stored in the session without',
        ),
        Example(  # the client's text in the path of the stored URL, not after `?`: the client's own target
            code("""
                from django.urls import reverse

                def bind(request):
                    request.session["callback"] = reverse("bind-callback") + request.GET["next"]
            """),
            where='request.session["callback"]',
            says="is stored in the session without",
        ),
        Example(
            code("""
                from aiohttp_session import get_session

                async def switch_tenant(request):
                    data = await request.json()
                    session = await get_session(request)
                    session["tenant_id"] = data["tenant"]
            """),
            where='session["tenant_id"]',
            says='`data["tenant"]` from the HTTP request is stored in the session without',
        ),
    ]

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        for target in node.targets:
            if isinstance(target, ast.Subscript) and self._is_session(target.value, ctx):
                self._check(target, node.value, ctx)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        """`session.update({"k": v}, k2=v2)` and `session.setdefault("k", v)` store values too."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and self._is_session(func.value, ctx)):
            return
        if func.attr == "update":
            values = [k.value for k in node.keywords if k.arg is not None]
            if node.args and isinstance(node.args[0], ast.Dict):
                values += node.args[0].values
        else:
            values = node.args[1:2]
        for value in values:
            self._check(value, value, ctx)

    def _is_session(self, node: ast.expr, ctx) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == "session":
            base = node.value
            return (isinstance(base, ast.Name) and base.id in ("request", "req")) or (
                isinstance(base, ast.Attribute) and base.attr == "request"
            )
        if isinstance(node, ast.Name):
            # `session = await get_session(request)` (aiohttp_session)
            values = ctx.assigned_values(node)
            made = values[0] if len(values) == 1 else None
            if isinstance(made, ast.Await):
                made = made.value
            if isinstance(made, ast.Call) and ctx.call_name(made) in _SESSION_GETTERS:
                return True
        return ctx.qualified_name(node) in _SESSIONS

    def _remembers_request_item(self, ctx, target: ast.AST, value: ast.expr) -> bool:
        """`start = request.GET.get("start", request.session.get("start"))` then
        `request.session["start"] = start`: a sticky request parameter. The session item is read
        back as the default of the request's own item, so the code takes it where it takes the
        client's text anyway and trusts it no more than that; the client could send it again.
        Every client value the stored name may hold must be such a read of the same key, and
        every read of the key the rule sees (in the same top-level function or class) must be
        such a default, not a value used on its own (`if session["role"] != "admin"`)."""
        key = astutil.constant_key(target.slice) if isinstance(target, ast.Subscript) else None
        if key is None or not isinstance(value, ast.Name):
            return False
        client = [v for v in ctx.assigned_values(value) if web.is_client(ctx.origin(v).risk(Sink.ANY))]
        if not client or not all(self._fallback(ctx, v, key) is not None for v in client):
            return False
        return all(self._read_as_fallback(ctx, read, key) for read in astutil.walk(ctx.tree) if self._reads_item(ctx, read, key))

    def _fallback(self, ctx, read: ast.expr, key: object) -> ast.expr | None:
        """The session read of `key` that `read` falls back to: `request.GET.get("start", session.get(key))`
        or `request.GET.get("start") or session[key]`."""
        if isinstance(read, ast.Call) and isinstance(read.func, ast.Attribute) and read.func.attr == "get":
            fallback = astutil.argument(read, 1, ("default",))
        elif isinstance(read, ast.BoolOp) and isinstance(read.op, ast.Or) and len(read.values) == 2:
            fallback = read.values[1]
        else:
            return None
        return fallback if fallback is not None and self._reads_item(ctx, fallback, key) else None

    def _reads_item(self, ctx, node: ast.AST, key: object) -> bool:
        """`session[key]` (read), `session.get(key, ...)` or `session.pop(key, ...)`."""
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            return astutil.constant_key(node.slice) == key and self._is_session(node.value, ctx)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "pop") and node.args:
            return astutil.constant_key(node.args[0]) == key and self._is_session(node.func.value, ctx)
        return False

    def _sanitized_where_read(self, ctx, target: ast.AST) -> bool:
        """`session["next_url"] = request.args.get("next")`, and the callback's
        `unsafe = session.get("next_url")` then `redirect(get_next_path(unsafe))`: every read
        of the key the rule sees (in the same top-level function or class, as for a sticky
        parameter) goes, before any other use, through a function that makes it safe for some
        sink (a sanitizer the engine knows, also the application's own, by its summary), or
        into a test of its truth. Its readers already take it for the client's text, so
        storing it makes nothing trusted."""
        key = astutil.constant_key(target.slice) if isinstance(target, ast.Subscript) else None
        if key is None:
            return False
        # (`session.pop(key, None)` as a statement only drops the item: no use)
        reads = [node for node in astutil.walk(ctx.tree) if self._reads_item(ctx, node, key) and not isinstance(ctx.parent(node), ast.Expr)]
        return bool(reads) and all(_cleaned_before_use(ctx, read) for read in reads)

    def _read_as_fallback(self, ctx, read: ast.expr, key: object) -> bool:
        holder = ctx.parent(read)
        if isinstance(holder, ast.keyword):
            holder = ctx.parent(holder)
        return isinstance(holder, ast.expr) and self._fallback(ctx, holder, key) is read and web.is_client(ctx.origin(holder).risk(Sink.ANY))

    def _check(self, target: ast.Subscript, value: ast.expr, ctx) -> None:
        part = ctx.origin(value).risk(Sink.ANY)
        if not web.is_client(part) or web.reads_own_url(ctx, part):
            return
        if part.label.startswith("the URL parameter") or web.is_path_parameter(ctx, part):
            return  # the page the user is on (`/orgs/<slug>`): the framework routed the request by it
        if _validated(ctx, target, value) or _read_allow_listed(ctx, target, value):
            return
        if self._remembers_request_item(ctx, target, value):
            return  # the remembered value is read back only as the default of the request's own item
        if self._sanitized_where_read(ctx, target):
            return  # its readers treat it as the client's text: each cleans it before any use
        if redirects.site_url_then_query(ctx, value):
            return  # a URL of this site, the client's text only in its query: like the request's own URL
        ctx.report(
            self,
            target,
            f"`{ctx.text(value)}` from {part.describe()} is stored in the session without validation: later code will trust it. "
            "Check it (allow-list, type, ownership) before storing it.",
            confidence=part.confidence() if part.label == "the HTTP request" else Confidence.MEDIUM,
            related=ctx.related_path(part),
        )


def _cleaned_before_use(ctx, read: ast.expr) -> bool:
    """Each use of what `read` gives (itself, or the one name a statement `name = read` binds,
    in its function) tests its truth or is an argument of a call that cleans it (_cleaned_by_call)."""
    holder = ctx.parent(read)
    if isinstance(holder, ast.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0], ast.Name):
        name = holder.targets[0].id
        uses = astutil.name_reads(web.function_body(ctx, read), name)
    else:
        uses = [read]
    read_parts = {(p.kind, p.label): p.safe_for for p in ctx.origin(read).parts}
    return bool(read_parts) and all(_tests_truth(ctx, use) or _cleaned_by_call(ctx, use, read_parts) for use in uses)


def _tests_truth(ctx, use: ast.expr) -> bool:
    """`if not value:`, `x if value else y`: only whether it is empty is read."""
    holder = ctx.parent(use)
    if isinstance(holder, ast.UnaryOp) and isinstance(holder.op, ast.Not):
        return True
    return isinstance(holder, (ast.If, ast.While, ast.IfExp)) and holder.test is use


# What a function that cleans a value makes it safe for: where it leads or what it runs (a URL
# check, `int()`, an allow-list). Not output encodings: a response made of it (`redirect(x)`,
# `jsonify(x)`) or an escape (`json.dumps(x)`) is safe in a page, a header or a log, not checked.
_CHECKED_FOR = frozenset(
    {Sink.ANY, Sink.SQL, Sink.SHELL, Sink.CODE, Sink.PATH, Sink.URL, Sink.REDIRECT, Sink.LDAP, Sink.XPATH, Sink.REGEX, Sink.DESERIALIZE}
)


def _cleaned_by_call(ctx, use: ast.expr, read_parts: dict) -> bool:
    """`get_next_path(unsafe)`: the parts of the call's result that came from the read are safe
    for a sink the read was not (_CHECKED_FOR)."""
    call = ctx.parent(use)
    if isinstance(call, ast.keyword):
        call = ctx.parent(call)
    if not (isinstance(call, ast.Call) and use is not call.func):
        return False
    came = [p for p in ctx.origin(call).parts if (p.kind, p.label) in read_parts]
    return bool(came) and all((p.safe_for - read_parts[(p.kind, p.label)]) & _CHECKED_FOR for p in came)


def _validated(ctx, target: ast.AST, value: ast.expr) -> bool:
    names = web.names_in(value)
    if isinstance(value, ast.Name):
        for v in ctx.assigned_values(value):
            names |= web.names_in(v)
    body = web.function_body(ctx, target)
    ignored: set[int] = set()  # calls in the test of a check whose outcome the write does not depend on
    for node in astutil.walk(body):
        if isinstance(node, (ast.If, ast.While, ast.Assert, ast.IfExp)):
            guarding = _guards(node, target, ctx) or _resets_when_failed(node, names)
            if guarding and _tests_check_result(ctx, node.test):
                return True
            for call in astutil.walk(node.test):
                if isinstance(call, ast.Call):
                    if not guarding:
                        ignored.add(id(call))
                        continue
                    func = call.func
                    label = astutil.last_name(func)
                    if _CHECKS.search(label):
                        return True
        if isinstance(node, ast.Call) and id(node) not in ignored:
            func = node.func
            label = astutil.last_name(func)
            if _CHECKS.search(label) and any(web.names_in(a) & names for a in list(node.args) + [k.value for k in node.keywords]):
                return True
    return False


def _tests_check_result(ctx, test: ast.expr) -> bool:
    """`user = auth.authenticate(request, ...)` then `if user:` (or `if not user: return`): the
    test reads what a check returned, through the name it was bound to, as `if check(...):`
    would; the write depends on the check's outcome just the same."""
    return any(
        isinstance(value, ast.Call) and _CHECKS.search(astutil.last_name(value.func))
        for name in astutil.walk(test) if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load)
        for value in (v.value if isinstance(v, ast.Await) else v for v in ctx.assigned_values(name))
    )


def _resets_when_failed(check: ast.AST, names: set[str]) -> bool:
    """`if not is_safe_url(next_url): next_url = "/"`: the branch taken when the check fails
    binds the stored name anew, so after the `if` it holds either a value that passed the check
    or the replacement; the check's outcome decides what is stored as much as a `return` would."""
    if not isinstance(check, ast.If):
        return False
    failed = check.body if isinstance(check.test, ast.UnaryOp) and isinstance(check.test.op, ast.Not) else check.orelse
    return any(
        isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id in names for t in stmt.targets) for stmt in failed
    )


def _item_read(node: ast.AST) -> tuple[str, object] | None:
    """The container and the constant key an item read names: `request.GET["view"]` and
    `request.GET.get("view")` (with or without a default) read the same item."""
    if isinstance(node, ast.Subscript) and (key := astutil.constant_key(node.slice)) is not None:
        return ast.dump(node.value), key
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        if (key := astutil.constant_key(node.args[0])) is not None:
            return ast.dump(node.func.value), key
    return None


def _read_allow_listed(ctx, target: ast.AST, value: ast.expr) -> bool:
    """`if request.GET.get("view") in ["team", "debate"]: session["view"] = request.GET["view"]`:
    the write sits in the branch where the same item of the request, read again, was one of
    fixed values (a literal collection or a constant one)."""
    item = _item_read(value)
    if item is None:
        return False
    return any(
        isinstance(check, ast.Compare) and len(check.ops) == 1 and isinstance(check.ops[0], (ast.In, ast.Eq))
        and _item_read(check.left) == item and ctx.is_constant(check.comparators[0])
        for check in web.branch_conditions(ctx, target)
    )


def _guards(test_holder: ast.AST, target: ast.AST, ctx) -> bool:
    """Whether a check's outcome can matter for the session write `target`: the write is inside
    the `if`/loop/conditional expression, or a branch of the `if` leaves (`if not ok: return`).
    A check whose result is ignored (`if ok: flash("hi")` and then the write anyway) protects nothing."""
    if isinstance(test_holder, ast.Assert):
        return True
    start, end = test_holder.lineno, getattr(test_holder, "end_lineno", test_holder.lineno)
    if start <= target.lineno <= (end or start):
        return True
    if isinstance(test_holder, ast.If):
        return any(ctx.always_leaves(branch) for branch in (test_holder.body, test_holder.orelse))
    return False
