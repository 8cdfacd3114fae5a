"""SLS810 csrf-exempt."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Edit, Fix, Position, Severity, Span
from secure_ls.rules.base import Example, Rule, code

_EXEMPT = frozenset({"django.views.decorators.csrf.csrf_exempt"})
_METHOD_DECORATOR = frozenset({"django.utils.decorators.method_decorator"})
# What shows that a view acts for the user its session cookie names: only such a view can be
# forged across sites. Views authenticated by an API key, a signature in the URL or a webhook
# secret read none of these, and their exemption is the usual, intended set-up.
_SESSION_ATTRIBUTES = frozenset({"user", "session", "auser"})
_SESSION_DECORATORS = frozenset({"login_required", "permission_required", "user_passes_test", "staff_member_required", "superuser_required"})
_SESSION_MIXINS = ("LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin")
_SESSION_CALLS = frozenset({"login", "logout", "update_session_auth_hash", "get_user"})
# Methods the CSRF check never applies to (RFC 9110's safe methods), and decorators that limit a
# view to them: `@require_GET`, `@require_safe`, `@require_http_methods(["GET"])`, DRF's `@api_view(["GET"])`.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_SAFE_ONLY_DECORATORS = frozenset({"require_GET", "require_safe"})
_METHOD_LIST_DECORATORS = frozenset({"require_http_methods", "api_view"})
_UNSAFE_HANDLERS = ("post", "put", "patch", "delete")
# Single sign-on libraries' calls that complete a login or logout protocol from the identity
# provider's message, which they verify themselves (the OAuth `state`, a SAML signature): their
# endpoints must take the provider's cross-site POST, where a CSRF token cannot be sent.
# LTI 1.3 (pylti1p3) is OpenID Connect too: the learning platform posts the login initiation and
# then the signed launch (`id_token`) from its own site; `OIDCLogin` answers the first with a
# fresh state and nonce, `get_launch_data()` verifies the second's signature, state and nonce.
_SSO_COMPLETIONS = frozenset(
    {"social_core.actions.do_complete", "pylti1p3.oidc_login.OIDCLogin", "pylti1p3.contrib.django.DjangoOIDCLogin", "pylti1p3.contrib.django.oidc_login.DjangoOIDCLogin"}
)
_SSO_COMPLETION_METHODS = frozenset({"process_slo", "get_launch_data"})  # python3-saml's OneLogin_Saml2_Auth, pylti1p3's MessageLaunch


class CsrfExempt(Rule):
    """
    ## What it does
    Finds Django views exempted from CSRF protection with `@csrf_exempt`,
    directly or through `@method_decorator(csrf_exempt, ...)`.

    ## Why is this bad?
    Without the CSRF check, any web page the user visits can make their
    browser submit this view with their cookies: change their e-mail,
    transfer money, delete data, all without their knowledge (cross-site
    request forgery).

    ## How to fix it
    Remove the exemption and send the CSRF token with the request (`{% csrf_token %}`
    in forms, the `X-CSRFToken` header in JavaScript). Endpoints called by
    other servers (webhooks) should authenticate the caller another way,
    e.g. by checking a signature, and not rely on cookies. The quick fix
    removes the decorator; it is marked unsafe because clients that do not
    send a token will start getting 403 responses.

    A view that accepts only safe methods (`@require_GET`, `@require_safe`,
    `@require_http_methods(["GET"])`, DRF's `@api_view(["GET"])`) is not
    reported: Django never checks CSRF on GET or HEAD, so the exemption
    changes nothing.

    Nor is a Django REST framework view (`@api_view([...])`, a class deriving
    from an `APIView` or a `ViewSet`): DRF exempts its views from the
    middleware's check already and runs that check itself, in
    `SessionAuthentication`, for requests a session cookie authenticates.

    A view that runs the CSRF check itself on the paths it chooses (Django's
    `CsrfViewMiddleware(...).process_view(...)`, or a helper named for it such
    as `enforce_csrf(request)`: an OpenID Connect endpoint that must take a
    client's cross-site POST first) is reported at low confidence.

    A class-based view whose unsafe-method handlers (`post`, `put`, ...) only
    return what its `get` returns (the same method of the view, called with
    the other method's parameters) is not reported either: a cross-site GET
    already does all that POST can.

    A view that completes a single sign-on protocol with a library that
    verifies the identity provider's message itself (social-core's
    `do_complete`, which checks the OAuth `state`; python3-saml's
    `process_slo`; pylti1p3's `OIDCLogin` and `MessageLaunch.get_launch_data()`, the two
    LTI 1.3 steps a learning platform posts from its own site) is reported at low confidence: the provider posts to it
    from another site, so it cannot carry a CSRF token.

    A view that reads neither the logged-in user nor the session (nor logs
    anyone in, nor requires a login) is reported at low confidence: no
    cookie acts in it. That includes a webhook that sets `request.user`
    itself, from the owner of the token in its URL, before reading it.
    """

    id = "SLS810"
    name = "csrf-exempt"
    title = "View exempted from CSRF protection"
    cwe = 352
    codeql = ("py/csrf-protection-disabled",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "csrf"
    fixable = True
    calls = _EXEMPT

    VALID = [
        # DRF exempts its views already, and SessionAuthentication checks CSRF itself
        code("""
            from django.views.decorators.csrf import csrf_exempt
            from rest_framework.decorators import api_view
            from rest_framework.response import Response

            @csrf_exempt
            @api_view(["POST"])
            def delete_task(request, task_id):
                Task.objects.filter(owner=request.user, pk=task_id).delete()
                return Response({"deleted": task_id})
        """),
        code("""
            from django.views.decorators.csrf import csrf_exempt
            from django.views.decorators.http import require_GET

            @require_GET
            @csrf_exempt
            def profile(request):
                return request.user.username
        """),
        code("""
            from django.views.decorators.csrf import csrf_protect

            @csrf_protect
            def update(request):
                return None
        """),
        code("""
            def csrf_exempt(view):
                return view

            @csrf_exempt
            def update(request):
                return None
        """),
        code("""
            from django.views.decorators.http import require_POST

            @require_POST
            def update(request):
                return None
        """),
        # POST does exactly what GET does: a cross-site GET needs no token anyway
        code("""
            from django.contrib.auth.mixins import LoginRequiredMixin
            from django.http import HttpResponse
            from django.utils.decorators import method_decorator
            from django.views import View
            from django.views.decorators.csrf import csrf_exempt

            @method_decorator(csrf_exempt, name="dispatch")
            class ReportDownload(LoginRequiredMixin, View):
                def get(self, request):
                    name = request.GET.get("report")
                    return self.render_report(request, name)

                def post(self, request):
                    name = request.POST.get("report")
                    return self.render_report(request, name)

                def render_report(self, request, name):
                    return HttpResponse(build_pdf(request.user, name), content_type="application/pdf")
        """),
    ]
    INVALID = [
        Example(
            code("""
                from django.http import JsonResponse
                from django.views.decorators.csrf import csrf_exempt

                @csrf_exempt
                def update_email(request):
                    request.user.email = request.POST["email"]
                    request.user.save()
                    return JsonResponse({"ok": True})
            """),
            fixed=code("""
                from django.http import JsonResponse
                from django.views.decorators.csrf import csrf_exempt

                def update_email(request):
                    request.user.email = request.POST["email"]
                    request.user.save()
                    return JsonResponse({"ok": True})
            """),
            where="csrf_exempt",
            says="CSRF protection is switched off for this view",
        ),
        Example(
            code("""
                from django.utils.decorators import method_decorator
                from django.views import View
                from django.views.decorators.csrf import csrf_exempt

                @method_decorator(csrf_exempt, name="dispatch")
                class Upload(View):
                    def post(self, request):
                        return None
            """),
            fixed=code("""
                from django.utils.decorators import method_decorator
                from django.views import View
                from django.views.decorators.csrf import csrf_exempt

                class Upload(View):
                    def post(self, request):
                        return None
            """),
            where='method_decorator(csrf_exempt, name="dispatch")',
            says="CSRF protection is switched off for this view",
        ),
        # the shared helper acts only on POST: POST does more than GET
        Example(
            code("""
                from django.contrib.auth.mixins import LoginRequiredMixin
                from django.http import HttpResponse
                from django.utils.decorators import method_decorator
                from django.views import View
                from django.views.decorators.csrf import csrf_exempt

                @method_decorator(csrf_exempt, name="dispatch")
                class Account(LoginRequiredMixin, View):
                    def get(self, request):
                        return self.handle(request)

                    def post(self, request):
                        return self.handle(request)

                    def handle(self, request):
                        if request.method == "POST":
                            request.user.delete()
                        return HttpResponse("ok")
            """),
            fixed=code("""
                from django.contrib.auth.mixins import LoginRequiredMixin
                from django.http import HttpResponse
                from django.utils.decorators import method_decorator
                from django.views import View
                from django.views.decorators.csrf import csrf_exempt

                class Account(LoginRequiredMixin, View):
                    def get(self, request):
                        return self.handle(request)

                    def post(self, request):
                        return self.handle(request)

                    def handle(self, request):
                        if request.method == "POST":
                            request.user.delete()
                        return HttpResponse("ok")
            """),
            where='method_decorator(csrf_exempt, name="dispatch")',
            says="CSRF protection is switched off for this view",
        ),
        Example(
            code("""
                from django.urls import path
                from django.views.decorators.csrf import csrf_exempt
                from . import views

                urlpatterns = [path("hook/", csrf_exempt(views.hook))]
            """),
            where="csrf_exempt(views.hook)",
            says="CSRF protection is switched off for this view",
        ),
    ]

    def visit_FunctionDef(self, node, ctx) -> None:
        self._decorators(node, ctx)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call, ctx) -> None:
        parent = ctx.parent(node)
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node in parent.decorator_list:
            return
        if ctx.call_name(node) in _EXEMPT and node.args and not ctx.in_test_code(node):
            # `path("hook/", csrf_exempt(views.hook))`: the view is elsewhere, so whether it
            # relies on the session cannot be seen here
            ctx.report(self, node, _MESSAGE_UNSEEN, confidence=Confidence.LOW)

    def _decorators(self, node, ctx) -> None:
        if not node.decorator_list or ctx.in_test_code(node):  # the cheap test first: most defs have no decorator
            return
        for deco in node.decorator_list:
            if ctx.qualified_name(deco) in _EXEMPT or (
                isinstance(deco, ast.Call)
                and ctx.call_name(deco) in _METHOD_DECORATOR
                and deco.args
                and ctx.qualified_name(deco.args[0]) in _EXEMPT
            ):
                if _safe_methods_only(node) or _unsafe_methods_repeat_get(node):
                    continue  # Django checks CSRF on unsafe methods only: the exemption changes nothing
                if _rest_framework_view(node, ctx):
                    continue  # DRF exempts its views already and checks CSRF itself in SessionAuthentication
                if _checks_csrf_itself(node):
                    ctx.report(self, deco, _MESSAGE_SELF_CHECKED, fix=_remove_decorator(deco, ctx), confidence=Confidence.LOW)
                elif _completes_sso(node, ctx):
                    ctx.report(self, deco, _MESSAGE_SSO, fix=_remove_decorator(deco, ctx), confidence=Confidence.LOW)
                elif _acts_for_session_user(node):
                    ctx.report(self, deco, _MESSAGE, fix=_remove_decorator(deco, ctx))
                else:
                    ctx.report(self, deco, _MESSAGE_NO_SESSION, fix=_remove_decorator(deco, ctx), confidence=Confidence.LOW)


_MESSAGE = (
    "CSRF protection is switched off for this view: any site can make a logged-in user's browser call it. "
    "Remove `csrf_exempt` and send the CSRF token (or authenticate callers without cookies)."
)


_MESSAGE_NO_SESSION = (
    "CSRF protection is switched off for this view. It reads neither the logged-in user nor the session, "
    "so it is probably authenticated another way (an API key, a signature): make sure it never acts on cookies alone."
)
_MESSAGE_SELF_CHECKED = (
    "CSRF protection is switched off for this view, which runs a CSRF check itself: make sure every path "
    "that acts for the logged-in user runs it."
)
_MESSAGE_SSO = (
    "CSRF protection is switched off for this view, which completes a single sign-on protocol: the library "
    "must verify the identity provider's message (OAuth state, SAML signature) on every path."
)
_MESSAGE_UNSEEN = (
    "CSRF protection is switched off for this view: if it acts for the logged-in user, any site can make "
    "that user's browser call it. Authenticate callers without cookies, or remove `csrf_exempt`."
)


def _acts_for_session_user(view: ast.AST) -> bool:
    """Whether a view (function or class) reads `request.user`/`request.session`, logs users in or
    out, or is guarded by a login decorator or mixin."""
    for deco in getattr(view, "decorator_list", ()):
        target = deco.func if isinstance(deco, ast.Call) else deco
        if astutil.last_name(target) in _SESSION_DECORATORS:
            return True
    if isinstance(view, ast.ClassDef) and any((astutil.last_name(b) or "").endswith(_SESSION_MIXINS) for b in view.bases):
        return True
    # `request.user = bot.created_by`: the view names the user itself (from a token in the URL),
    # so what it reads from there on is not what the session cookie says
    own = {n.attr for n in ast.walk(view) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and _names_request(n.value)}
    for node in ast.walk(view):
        if isinstance(node, ast.Attribute) and node.attr in _SESSION_ATTRIBUTES - own and _names_request(node.value) and isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, ast.Call) and astutil.last_name(node.func) in _SESSION_CALLS:
            return True
    return False


_CHECK_VERBS = ("enforce", "check", "verify", "validate")


def _checks_csrf_itself(view: ast.AST) -> bool:
    """The exempt view runs the check on the paths it chooses: Django's `CsrfViewMiddleware(...)
    .process_view(request, ...)`, or a helper named for it (`_enforce_csrf(request)`, DRF's
    `enforce_csrf`): an OAuth or OIDC endpoint that must take a client's cross-site POST first."""
    for node in ast.walk(view):
        if not isinstance(node, ast.Call):
            continue
        name = (astutil.last_name(node.func) or "").lower()
        if name == "csrfviewmiddleware" or "csrf" in name and any(verb in name for verb in _CHECK_VERBS):
            return True
    return False


def _completes_sso(view: ast.AST, ctx) -> bool:
    """The view hands the request to a single sign-on library that completes the protocol (see _SSO_COMPLETIONS)."""
    return any(
        isinstance(node, ast.Call)
        and (ctx.call_name(node) in _SSO_COMPLETIONS or isinstance(node.func, ast.Attribute) and node.func.attr in _SSO_COMPLETION_METHODS)
        for node in ast.walk(view)
    )


def _unsafe_methods_repeat_get(view: ast.AST) -> bool:
    """A class view whose `get` is `return self.handle(...)` and whose every unsafe-method handler is
    the same `return self.handle(...)` (with its own arguments): POST can do nothing GET cannot.
    Only for a class that defines no `dispatch` and whose bases are Django's `View` or mixins, so no
    handler is hidden in a base class."""
    if not isinstance(view, ast.ClassDef):
        return False
    if not all((astutil.last_name(b) or "") == "View" or (astutil.last_name(b) or "").endswith("Mixin") for b in view.bases):
        return False
    methods = {stmt.name: stmt for stmt in view.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if "dispatch" in methods or "get" not in methods:
        return False
    handled_by = _delegate(methods["get"])
    unsafe = [methods[name] for name in _UNSAFE_HANDLERS if name in methods]
    if handled_by not in methods or not unsafe or not all(_delegate(method) == handled_by for method in unsafe):
        return False
    # the shared helper must not tell the methods apart, nor read what only a POST carries
    return not any(
        isinstance(node, ast.Attribute) and node.attr in _METHOD_DEPENDENT and _names_request(node.value) for node in ast.walk(methods[handled_by])
    )


# What a request carries only when its method is not GET, or tells the methods apart.
_METHOD_DEPENDENT = frozenset({"method", "POST", "FILES", "body", "data", "stream", "read"})


def _delegate(method: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """`helper` when the method's only effect is `return self.helper(...)` (assignments of plain
    reads may come first: `name = request.GET.get("chart")`)."""
    *before, last = method.body
    if not all(isinstance(stmt, ast.Assign) and not any(isinstance(n, ast.Call) and not _is_plain_read(n) for n in ast.walk(stmt.value)) for stmt in before):
        return None
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Call) and isinstance(last.value.func, ast.Attribute)):
        return None
    func = last.value.func
    return func.attr if isinstance(func.value, ast.Name) and func.value.id == "self" else None


def _is_plain_read(call: ast.Call) -> bool:
    """`request.GET.get("chart")`: reading a request parameter, no action."""
    return isinstance(call.func, ast.Attribute) and call.func.attr == "get" and isinstance(call.func.value, ast.Attribute) and _names_request(call.func.value.value)


def _rest_framework_view(view: ast.AST, ctx) -> bool:
    """A Django REST framework view: a function under `@api_view(...)`, or a class deriving from an
    `APIView` or a `ViewSet`. DRF's `as_view()` already exempts it from the middleware's check,
    and `SessionAuthentication` runs that check itself for requests a session cookie
    authenticates, so `csrf_exempt` on it changes nothing."""
    if not ctx.imports("rest_framework"):
        return False
    if isinstance(view, ast.ClassDef):
        return any((astutil.last_name(b) or "").endswith(("APIView", "ViewSet")) for b in view.bases)
    return any(
        (ctx.qualified_name(d.func if isinstance(d, ast.Call) else d) or "").startswith("rest_framework.") and astutil.last_name(d.func if isinstance(d, ast.Call) else d) == "api_view"
        for d in view.decorator_list
    )


def _safe_methods_only(view: ast.AST) -> bool:
    """A view decorated to accept only GET, HEAD, OPTIONS or TRACE."""
    for deco in getattr(view, "decorator_list", ()):
        name = astutil.last_name(deco.func if isinstance(deco, ast.Call) else deco)
        if name in _SAFE_ONLY_DECORATORS:
            return True
        if name in _METHOD_LIST_DECORATORS and isinstance(deco, ast.Call) and deco.args and isinstance(deco.args[0], (ast.List, ast.Tuple, ast.Set)):
            methods = deco.args[0].elts
            if methods and all(isinstance(m, ast.Constant) and isinstance(m.value, str) and m.value.upper() in _SAFE_METHODS for m in methods):
                return True
    return False


def _names_request(node: ast.expr) -> bool:
    """`request`, `req`, `self.request`."""
    return astutil.last_name(node) in ("request", "req")


def _remove_decorator(deco: ast.expr, ctx) -> Fix | None:
    span = ctx.span(deco)
    line_text = ctx.lines[span.start.line]
    at = line_text.find("@")
    if at < 0 or line_text[:at].strip() or ctx.lines[span.end.line][span.end.column :].strip():
        return None
    edit = Edit(Span(Position(span.start.line, 0), Position(span.end.line + 1, 0)), "")
    return Fix("Remove @csrf_exempt", (edit,), safe=False)
