"""SLS120 open-redirect."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Severity
from secure_ls.engine.taint import Sink
from secure_ls.rules._support import frameworks, redirects, web
from secure_ls.rules.base import Example, Rule, code

_REDIRECTS = redirects.REDIRECT_CALLS


class OpenRedirect(Rule):
    """
    ## What it does
    Finds redirects (`flask.redirect`, Django's `redirect` and
    `HttpResponseRedirect`, Starlette/FastAPI `RedirectResponse`, ..., and a
    `Location` header set by hand: `response.headers["Location"] = url`,
    Django's `response["Location"] = url`, unless the response was made with a status that
    is no redirect, such as a 201's `Location`, or the mapping is a record made here:
    `event = {}`, then `event["location"] = ...`) whose target comes from the request, such
    as a `?next=` parameter, and is not checked first.

    ## Why is this bad?
    An attacker sends a victim a link to your trusted site that immediately
    forwards them to `https://evil.example/login`, a look-alike page that
    collects their password. The link looks legitimate because the domain is
    yours.

    ## How to fix it
    Check the target before redirecting: with Django's
    `url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})`
    (or its standalone copies for other frameworks, `safe_redirect_url` and `is_safe_url`),
    by comparing `urlparse(url).netloc` with an allow-list of hosts, or by
    accepting only local paths that start with a single `/` (rule out `//`
    and `/\\` as well: browsers read both as another host; Django's redirects
    percent-encode `\\`, so there ruling out `//` is enough). Fall back to a
    fixed page when the check fails. A target that starts with a fixed local
    path (`f"/users/{id}"`) or a fixed host (also through a module constant:
    `STORE + "/" + path` with `STORE = "https://store.example.com"`) is not reported; neither is a
    redirect to the request's own URL (`request.url`) or to the Referer
    header ("go back" links), nor a query string added after `?` to a target
    the client did not choose (`url = f"{url}?{query}"`), nor a value that
    starts with `?` or `#` (`f"?next={wanted}"`: a query or fragment of the
    page the browser is on, also once put after a path of this site). A target made of
    `/`, a value the client did not choose (a stored path) and then the
    client's text is low confidence: only an empty value, or one starting
    with `/`, would give the client the host. The object a Django form or a
    DRF serializer saved (`shelf = form.save()`) is a stored row, like one a
    query found: a redirect to its path (`shelf.local_path`) is not reported,
    nor Django's `redirect()` of such a row or of one a query found
    (`qs.first()`, `get_object_or_404(...)`, a view's `self.object`), which
    goes to the row's `get_absolute_url()`; the form's `cleaned_data` stays
    the client's text. A target a
    method of the same class returns (`redirect(self.success_url(request))`)
    is judged by that method's returns: when each is a constant, the
    request's own URL, what the object holds or such a value followed by a
    query string after `?`, or a path the class binds to `reverse_lazy(...)`
    filled in with `%` (`self.redirect_url % kwargs`), the client did not
    choose it. Nor is a target that starts with a value the client did not
    choose, then a fixed path segment or `?` before the client's text
    (`f"{settings.FRONTEND_URL}/accounts/{key}"`): the literal ends any host
    that value began, while `f"{settings.FRONTEND_URL}/{next}"` is reported.
    The same holds of Jupyter's `url_path_join(self.base_url, "api/contents", path)`,
    which puts one `/` between its pieces: a literal piece is a whole path segment,
    and of a helper of the workspace whose every return puts such a segment after one
    of its parameters (`url = "%s/auth/sso/%s" % (endpoint, kind)`, then `return url`)
    when the call passes a value the client did not choose there
    (`sso_url(settings.KEYSTONE_URL, kind)`; `sso_url(request.POST["endpoint"], kind)` is reported).
    That value may be a page of this site made absolute on the request's
    host (`url = build_absolute_uri(request, reverse("done"))`, also through
    the project's helper of that name) when nothing but the request object
    it is given is the client's. Nor is the configured or fixed start
    followed by the request's query after the separator that puts it in the
    query string (`sep.join([url, query])`, `f"{url}{sep}{query}"` with `sep
    = "&" if "?" in url else "?"`). Such a start followed by `&` and the
    client's text (`url += f"&{key}={value}"`) is low confidence: only a
    start that is a bare `scheme://host`, with no path, would let
    `&@evil.example` choose the host. Nor is the URL an OAuth client builds for
    its provider (`url, state = flow.authorization_url(...)`) when the call names
    no endpoint, or one the client did not choose: the rest goes in its query.
    """

    id = "SLS120"
    name = "open-redirect"
    title = "Redirect to a URL taken from the request"
    cwe = 601
    codeql = ("py/url-redirection",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "input-validation"
    forwarded_sink = Sink.REDIRECT
    fixable = False
    calls = frozenset(_REDIRECTS)
    methods = frozenset({"redirect"})  # Tornado's `self.redirect(url)`

    VALID = [
        # a record's location field, not a response header
        code("""
            from flask import jsonify, request

            def create_event():
                event = {"location": ""}
                event["location"] = request.form["location"]
                return jsonify(event)
        """),
        # the application's helper redirects only after checking the target itself
        code("""
            from flask import Flask, redirect, request
            from django.utils.http import url_has_allowed_host_and_scheme

            app = Flask(__name__)

            def back_to(target):
                if url_has_allowed_host_and_scheme(target, allowed_hosts={"example.com"}):
                    return redirect(target)
                return redirect("/")

            @app.route("/login")
            def login():
                return back_to(request.args.get("next", "/"))
        """),
        # Django's check in its standalone package, in a helper that falls back to a fixed page
        code("""
            from fastapi import FastAPI
            from fastapi.responses import RedirectResponse
            from safe_redirect_url import url_has_allowed_host_and_scheme

            app = FastAPI()

            def safe_return_url(return_to):
                if return_to is None or not url_has_allowed_host_and_scheme(return_to, {"example.com"}):
                    return "/"
                return return_to

            @app.get("/callback")
            async def callback(return_to: str | None = None):
                return RedirectResponse(safe_return_url(return_to), 303)
        """),
        # the client's text only ever follows `?`: the target is this page's own path with a query
        code("""
            from django.shortcuts import redirect

            def login_page(request):
                wanted = request.GET.get("next", "")
                if wanted:
                    wanted = f"?next={wanted}"
                return redirect(f"/{wanted}")
        """),
        code(r"""
            from flask import redirect, request

            def back():
                target = request.args.get("next", "/")
                if not target.startswith("/") or target.startswith(("//", "/\\")):
                    target = "/"
                return redirect(target)
        """),
        code("""
            from flask import Flask, redirect, request, url_for
            app = Flask(__name__)

            @app.route("/login")
            def login():
                return redirect(url_for("index"))
        """),
        code("""
            from django.shortcuts import redirect
            from django.utils.http import url_has_allowed_host_and_scheme

            def login(request):
                target = request.GET.get("next", "/")
                if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                    target = "/"
                return redirect(target)
        """),
        code("""
            from flask import redirect, request

            def go():
                page = request.args["page"]
                return redirect(f"/pages/{page}")
        """),
        code("""
            from flask import redirect, request

            def force_https():
                return redirect(request.url.replace("http://", "https://", 1), code=301)
        """),
        code("""
            from flask import redirect, request
            ALLOWED = {"/home", "/account"}

            def go():
                target = request.args.get("next")
                if target not in ALLOWED:
                    target = "/home"
                return redirect(target)
        """),
        code("""
            from urllib.parse import urlparse
            from django.http import HttpResponseRedirect

            def go(request):
                target = request.GET["next"]
                if urlparse(target).netloc not in ("example.com", ""):
                    target = "/"
                return HttpResponseRedirect(target)
        """),
        code("""
            def redirect(x):
                return x

            def go(request):
                return redirect(request.GET["next"])
        """),
        code("""
            import tornado.web

            class Item(tornado.web.RequestHandler):
                def get(self):
                    self.redirect("/items/" + self.get_argument("id"))
        """),
        # a row the application stored, chosen by the client's key
        code("""
            from django.shortcuts import redirect
            from .models import Image

            def original(request):
                image = Image.objects.get(pk=request.GET["id"])
                return redirect(image.url)
        """),
        # a path of this site, then a query string taken from the request
        code("""
            from django.shortcuts import redirect
            from django.urls import reverse

            def back_to_list(request):
                url = reverse("items")
                url += "?" + request.GET.urlencode()
                return redirect(url)
        """),
        # the application's own predicate checks the host (in this module or another)
        code("""
            from urllib.parse import urlparse
            from django.shortcuts import redirect

            def _allowed(url):
                if not url:
                    return False
                return not urlparse(url).netloc

            def done(request):
                target = request.GET.get("next")
                if target and _allowed(target):
                    return redirect(target)
                return redirect("/")
        """),
        # a helper that hands the value back only once a library validator accepted it
        code("""
            from django.shortcuts import redirect
            from django.utils.http import url_has_allowed_host_and_scheme

            def safe_next(request, default):
                target = request.GET.get("next")
                if target and url_has_allowed_host_and_scheme(target, request.get_host()):
                    return target
                return default

            def done(request):
                return redirect(safe_next(request, "/"))
        """),
        # the client's query string, re-encoded, after a path of the site's own (through a helper)
        code("""
            from django.http import HttpResponseRedirect
            from django.urls import reverse
            from django.views import View

            class Save(View):
                def with_query(self, url):
                    parts = [url]
                    if self.request.GET.urlencode():
                        parts += [self.request.GET.urlencode()]
                    return "?".join(parts)

                def post(self, request):
                    return HttpResponseRedirect(self.with_query(reverse("items")))
        """),
        # a path joiner puts the literal segment between the configured base and the client's text
        code("""
            import tornado.web
            from jupyter_server.utils import url_path_join

            class NotebooksRedirect(tornado.web.RequestHandler):
                def get(self, path):
                    self.redirect(url_path_join(self.settings["base_url"], "api/contents", path))
        """),
        # the helper puts a whole path segment after the configured endpoint: the client's kind only fills the path
        code("""
            from django.conf import settings
            from django.http import HttpResponseRedirect

            def sso_url(endpoint, kind):
                if kind.startswith("saml"):
                    url = "%s/auth/saml/%s" % (endpoint, kind)
                else:
                    url = "%s/auth/sso/%s" % (endpoint, kind)
                return url

            def login(request):
                return HttpResponseRedirect(sso_url(settings.KEYSTONE_URL, request.POST["kind"]))
        """),
        # the configured URL, then the request's query after the `?` it has or is given
        code("""
            import tornado.web

            class Forward(tornado.web.RequestHandler):
                def initialize(self, url):
                    self._url = url

                def get(self):
                    sep = "&" if "?" in self._url else "?"
                    url = sep.join([self._url, self.request.query])
                    self.redirect(url)
        """),
        # a start the client did not choose, then a query string: text after `?` cannot change the host
        code("""
            from django.shortcuts import redirect
            from .models import Snapshot

            def canonical(request, pk):
                target = f"/{Snapshot.objects.get(pk=pk).url_path}/index.html"
                if request.META.get("QUERY_STRING"):
                    target = f"{target}?{request.META['QUERY_STRING']}"
                return redirect(target)
        """),
        # the branch where the URL check passed on the very same read of the request
        # a model instance: Django redirects to its get_absolute_url(): a saved form, a row the
        # client's search found, a view's saved object (a field set on it leaves it a row)
        code("""
            from django.shortcuts import redirect
            from .forms import SearchForm, TicketForm

            def edit(request):
                form = TicketForm(request.POST)
                if form.is_valid():
                    ticket = form.save()
                    return redirect(ticket)

            class Manifests:
                def get(self, request):
                    self.form = SearchForm(request.GET)
                    return redirect(self.form.get_queryset().first())

                def form_valid(self, form):
                    self.object = form.save(commit=False)
                    self.object.backend = self.request.GET["backend"]
                    return redirect(self.object)
        """),
        # the saved row's path: where the stored object says, like a row a query found
        code("""
            from django.shortcuts import redirect
            from .forms import ShelfForm

            def create_shelf(request):
                form = ShelfForm(request.POST)
                if not form.is_valid():
                    return redirect("shelves")
                shelf = form.save(commit=False)
                shelf.owner = request.user
                shelf.save()
                return redirect(shelf.local_path)
        """),
        code("""
            from django.http import HttpResponseRedirect

            def find(request, tickets):
                lookup = {"id": int(request.GET["q"])} if request.GET["q"].isdigit() else {"slug": request.GET["q"]}
                ticket = tickets.get(**lookup)
                return HttpResponseRedirect(ticket.staff_url)
        """),
        code("""
            from flask import redirect, request
            from .validators import is_safe_url

            def login_done():
                if request.args.get("next") and is_safe_url(request.args.get("next")):
                    return redirect(request.args.get("next"))
                return redirect("/")
        """),
        # a method of the class returns the request's own path, or that path with a query string
        code("""
            from urllib.parse import urlencode
            from django.shortcuts import redirect
            from django.views import View

            class Confirm(View):
                success_url = None

                def login_again_url(self):
                    wanted = self.request.GET.get("next")
                    if not wanted:
                        return self.request.path
                    return f"{self.request.path}?{urlencode({'next': wanted})}"

                def success_target(self, request):
                    if self.success_url:
                        return self.success_url
                    return request.get_full_path()

                def post(self, request):
                    if not request.POST.get("code"):
                        return redirect(self.login_again_url())
                    return redirect(self.success_target(request))
        """),
        # the URL route's values fill a path of this site the class names
        code("""
            from django.http import HttpResponseRedirect
            from django.urls import reverse_lazy
            from django.views import View

            class PostOnly(View):
                redirect_url = reverse_lazy("home")

                def get_redirect_url(self, *args, **kwargs):
                    return self.redirect_url % kwargs

                def get(self, request, *args, **kwargs):
                    return HttpResponseRedirect(self.get_redirect_url(*args, **kwargs))
        """),
        # this site's own page made absolute on the request's host, then a query string
        code("""
            from django.http import HttpResponseRedirect
            from django.urls import reverse
            from django.utils.http import urlencode

            def build_absolute_uri(request, location):
                return request.build_absolute_uri(location)

            def callback(request):
                params = {"code": request.POST.get("code", ""), "state": request.POST.get("state", "")}
                url = build_absolute_uri(request, reverse("finish"))
                return HttpResponseRedirect(f"{url}?{urlencode(params)}")
        """),
        # the site's configured front end, a fixed path segment, then the client's text
        code("""
            from django.conf import settings
            from django.shortcuts import redirect

            def confirm_email(request):
                return redirect(f"{settings.FRONTEND_URL}/accounts/confirm/{request.GET['key']}")
        """),
    ]
    INVALID = [
        Example(  # the application's helper redirects wherever it is told
            code("""
                from flask import Flask, redirect, request

                app = Flask(__name__)

                def back_to(target):
                    return redirect(target)

                @app.route("/login")
                def login():
                    return back_to(request.args.get("next", "/"))
            """),
            where='request.args.get("next", "/")',
            says="comes from the Flask request and `back_to()` redirects to it",
        ),
        Example(  # made absolute from the client's own target: the host is the client's choice
            code("""
                from django.http import HttpResponseRedirect
                from django.utils.http import urlencode

                def build_absolute_uri(request, location):
                    return request.build_absolute_uri(location)

                def callback(request):
                    url = build_absolute_uri(request, request.GET["next"])
                    return HttpResponseRedirect(f"{url}?{urlencode({'done': 1})}")
            """),
            where='f"{url}?{urlencode({\'done\': 1})}"',
            says="comes from the HTTP request",
        ),
        # only `/` after the configured value: an empty value leaves `//` and the client's host
        Example(
            code("""
                from django.conf import settings
                from django.shortcuts import redirect

                def confirm_email(request):
                    return redirect(f"{settings.FRONTEND_URL}/{request.GET['next']}")
            """),
            where="f\"{settings.FRONTEND_URL}/{request.GET['next']}\"",
            says="comes from the HTTP request",
        ),
        # a template the class fills with the route's values, starting with one of them
        Example(
            code("""
                from django.http import HttpResponseRedirect
                from django.views import View

                class Jump(View):
                    redirect_url = "%(target)s/done"

                    def get_redirect_url(self, *args, **kwargs):
                        return self.redirect_url % kwargs

                    def get(self, request, *args, **kwargs):
                        return HttpResponseRedirect(self.get_redirect_url(*args, **kwargs))
            """),
            where="self.get_redirect_url(*args, **kwargs)",
            says="comes from the URL parameter `kwargs`",
        ),
        # the class's method starts the target with the client's text: the query after it does not help
        Example(
            code("""
                from django.shortcuts import redirect
                from django.views import View

                class Confirm(View):
                    def login_again_url(self):
                        wanted = self.request.GET.get("next")
                        if not wanted:
                            return self.request.path
                        return f"{wanted}?from={self.request.path}"

                    def post(self, request):
                        return redirect(self.login_again_url())
            """),
            where="self.login_again_url()",
            says="Redirect target `self.login_again_url()` comes from the HTTP request",
        ),
        # a redirect by hand: the Location header of a 302 response
        Example(
            code("""
                from django.http import HttpResponse

                def go(request):
                    response = HttpResponse(status=302)
                    response["Location"] = request.GET.get("next", "/")
                    return response
            """),
            where='request.GET.get("next", "/")',
            says='Redirect target `request.GET.get("next", "/")` comes from the HTTP request',
        ),
        # the check failed on that read: the redirect goes where it says not to
        Example(
            code("""
                from flask import redirect, request
                from .validators import is_safe_url

                def login_done():
                    if not is_safe_url(request.args.get("next")):
                        return redirect(request.args.get("next"))
                    return redirect("/")
            """),
            where='request.args.get("next")',
            says='Redirect target `request.args.get("next")` comes from the Flask request',
        ),
        # the form's data before it was saved is still the client's text
        Example(
            code("""
                from django.shortcuts import redirect
                from .forms import ShelfForm

                def create_shelf(request):
                    form = ShelfForm(request.POST)
                    if form.is_valid():
                        form.save()
                    return redirect(form.cleaned_data["next"])
            """),
            where='form.cleaned_data["next"]',
            says="comes from the HTTP request",
        ),
        # on the path where the client's text is not put after `?`, it starts the target
        Example(
            code("""
                from django.shortcuts import redirect

                def login_page(request):
                    wanted = request.GET.get("next", "")
                    if request.GET.get("again"):
                        wanted = f"?next={wanted}"
                    return redirect(wanted)
            """),
            where='wanted',
            says='Redirect target `wanted` comes from the HTTP request',
        ),
        # the client chose the start: a query string appended after it does not make it safe
        Example(
            code("""
                from django.shortcuts import redirect

                def done(request):
                    target = request.GET["next"]
                    if request.GET.get("tab"):
                        target = f"{target}?tab={request.GET['tab']}"
                    return redirect(target)
            """),
            where="target",
            says="Redirect target `target` comes from the HTTP request",
        ),
        # a predicate of the application that never looks at the host checks nothing
        Example(
            code("""
                from django.shortcuts import redirect

                def _present(url):
                    return url is not None and url.strip() != ""

                def done(request):
                    target = request.GET.get("next")
                    if _present(target):
                        return redirect(target)
                    return redirect("/")
            """),
            where="target",
            says="Redirect target `target` comes from the HTTP request",
        ),
        # `//evil.example` starts with "/" too
        Example(
            code("""
                from flask import redirect, request

                def back():
                    target = request.args.get("next", "/")
                    if not target.startswith("/"):
                        target = "/"
                    return redirect(target)
            """),
            where="target",
            says="Redirect target `target` comes from the Flask request",
        ),
        Example(
            code("""
                from flask import redirect, request

                def login():
                    return redirect(request.args.get("next", "/"))
            """),
            where='request.args.get("next", "/")',
            says='Redirect target `request.args.get("next", "/")` comes from the Flask request',
        ),
        Example(
            code("""
                from django.http import HttpResponseRedirect

                def done(request):
                    target = request.POST["return_to"]
                    return HttpResponseRedirect(target)
            """),
            where="target",
            says="Redirect target `target` comes from the HTTP request",
        ),
        Example(
            code("""
                from flask import redirect as go, request

                def back():
                    return go("/" + request.args["path"])
            """),
            where='"/" + request.args["path"]',
            says='Redirect target `"/" + request.args["path"]` comes from the Flask request',
        ),
        Example(
            code("""
                from fastapi import FastAPI
                from fastapi.responses import RedirectResponse
                app = FastAPI()

                @app.get("/out")
                def out(url: str):
                    return RedirectResponse(url)
            """),
            where="url",
            says="Redirect target `url` comes from the route parameter `url`",
        ),
        Example(  # `&` with no `?` before it: after a bare host, `&@evil.example` changes the host
            code("""
                import tornado.web

                class Forward(tornado.web.RequestHandler):
                    def initialize(self, url):
                        self._url = url

                    def get(self):
                        url = "&".join([self._url, self.request.query])
                        self.redirect(url)
            """),
            where="url",
            says="Redirect target `url` comes from the HTTP request",
        ),
        Example(  # no literal segment after the base: `//evil.example` makes the joined path start a host
            code("""
                import tornado.web
                from jupyter_server.utils import url_path_join

                class Files(tornado.web.RequestHandler):
                    def get(self, path):
                        self.redirect(url_path_join(self.settings["base_url"], path))
            """),
            where='url_path_join(self.settings["base_url"], path)',
            says="comes from the URL parameter `path`",
        ),
        Example(  # the client chooses the endpoint the helper puts first: it names the host
            code("""
                from django.http import HttpResponseRedirect

                def sso_url(endpoint, kind):
                    url = "%s/auth/sso/%s" % (endpoint, kind)
                    return url

                def login(request):
                    return HttpResponseRedirect(sso_url(request.POST["endpoint"], "oidc"))
            """),
            where='sso_url(request.POST["endpoint"], "oidc")',
            says="comes from the HTTP request",
        ),
        Example(
            code("""
                import tornado.web

                class Logout(tornado.web.RequestHandler):
                    def get(self):
                        self.redirect(self.get_argument("next", "/"))
            """),
            where='self.get_argument("next", "/")',
            says='Redirect target `self.get_argument("next", "/")` comes from the HTTP request',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        names = ("url",) if frameworks.tornado_handler_method(node, ctx) == "redirect" else _REDIRECTS.get(name or "")
        if names is None:
            return
        target = web.argument(node, 0, names)
        if target is not None:
            self._check(node, target, name, ctx)

    def visit_Forwarded(self, node: ast.Call, callee: str, position: str, target: ast.expr, ctx) -> None:
        # `go(request.args["next"])` where `def go(url): return redirect(url)`: judged where the target is
        # chosen; a private helper of the module is judged inside, with what its calls pass (flow._callers_arguments)
        if callee in _REDIRECTS and position in ("0", *_REDIRECTS[callee]) and not redirects.private_helper(node.func, ctx):
            self._check(node, target, callee, ctx, through=f" and `{ctx.text(node.func)}()` redirects to it")

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        # `response.headers["Location"] = url`, Django's `response["Location"] = url`: a redirect by hand
        if any(redirects.sets_location(t) and not redirects.not_a_redirect(t, ctx) for t in node.targets):
            self._check(node, node.value, None, ctx)

    def _check(self, node: ast.stmt | ast.Call, target: ast.expr, name: str | None, ctx, through: str = "") -> None:
        part = ctx.origin(target).risk(Sink.REDIRECT)
        if not redirects.client_chosen(ctx, part):
            return  # "go back" redirects to the Referer are not chosen by a link's author
        if name == "django.shortcuts.redirect" and redirects.model_instance(ctx, target) or redirects.django_site_path(ctx, target, name):
            return  # `redirect(form.save())`: the row's get_absolute_url(); `/` but not `//` first: Django encodes `\`
        built, _ = web.built_value(ctx, target)
        if redirects.starts_fixed(built) or redirects.always_starts_fixed(ctx, target) or redirects.own_method_returns_fixed(ctx, target):
            return
        if redirects.host_settled_after_application_value(ctx, built) or redirects.provider_authorization_url(ctx, target):
            return
        if redirects.checked_in_function(ctx, node, target):
            return
        if redirects.query_continued_after_application_value(ctx, target):
            ctx.report(
                self,
                target,
                f"Redirect target `{ctx.text(target)}` goes on with {part.describe()} after `&`: if its start can be a bare "
                "`https://host` with no path, `&@evil.example` makes the attacker's site the host. Make sure the start has a path, "
                "or put the client's values after `?` with `urlencode`.",
                confidence=Confidence.LOW,
                related=ctx.related_path(part),
            )
            return
        after = redirects.after_application_segment(ctx, target)
        if after is not None:
            # `f"/{snapshot.url_path}/{path}"`: another host only if that value is empty or starts with `/`
            ctx.report(
                self,
                target,
                f"Redirect target `{ctx.text(target)}` goes on with {part.describe()} after `/{after}`: if that value can be "
                "empty or start with `/`, the target becomes `//host` and an attacker chooses the site. Make sure it cannot, "
                "or check the whole target with `url_has_allowed_host_and_scheme`.",
                confidence=Confidence.LOW,
                related=ctx.related_path(part),
            )
            return
        ctx.report(
            self,
            target,
            f"Redirect target `{ctx.text(target)}` comes from {part.describe()}{through}: an attacker can send users to any site. "
            "Check it with `url_has_allowed_host_and_scheme` or against an allow-list of hosts, and fall back to a fixed page.",
            confidence=part.confidence(),
            related=ctx.related_path(part),
        )
