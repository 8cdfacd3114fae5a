"""SLS704 log-injection."""

from __future__ import annotations

import ast

from secure_ls.engine import logconfig
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import log_values, logs
from secure_ls.rules.base import Example, Rule, code

_LOG_LEVEL_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal"})


class LogInjection(Rule):
    """
    ## What it does
    Finds request data (query parameters, form fields, headers, route parameters, ...) written to a log by
    `logging`/logger calls as `%s` arguments, f-string fields, `str.format()` fields or concatenations
    (loguru's `{}` fields: an argument none names is not printed), without escaping. Values logged with `%r`/`!r`, as numbers, or after
    `html.escape`, `urllib.parse.quote` or `json.dumps` are not reported,
    nor the URLs Werkzeug builds (Flask's `request.url`, `base_url`,
    `url_root`, and `str(request)`), which percent-encode control
    characters; nor a value a pattern that takes no line feed matched whole
    first (`if BLOCKED.match(request.path):`, ending at `$`), or that a conversion to a number
    took (`int(value)` in the test that held, or in a statement before, outside
    a `try` or in one whose handlers all leave: digits with at most whitespace around them; or an Enum's lookup by
    value, `Provider(f"{name}-auth")`: one of its values), or that equals
    literals without one there (`if st == "ssdp:all" or st == "upnp:rootdevice":`), or stored rows (in `except Sub.MultipleObjectsReturned:` after `Sub.objects.get(sid=value)`); the decoded
    `request.path` is reported, except in a handler
    whose routes are all fixed paths (`@app.route("/cached.gif")`), where it
    is one of them (a blueprint registered elsewhere under a prefix with a
    variable part, `url_prefix="/<lang>"`, would put that part in it; the
    handler's module does not show that prefix). Tornado's `self.request.path`, `.uri` and `.query`
    (and Sanic's `request.path` and `.query_string`) are the
    raw request target (still percent-encoded): not reported, also once
    kept in a name or cut short; nor are Tornado's `self.request.headers` and `.host`
    (it joins a folded header's lines with a space), nor a part of a URL split by `urlparse` or
    `urlsplit`, which drop its tabs and line breaks, until `unquote` or `parse_qs` decodes it. Mappings logged whole print as the repr()
    of their items, every line break escaped: a form's `cleaned_data`, a
    `QueryDict`, Werkzeug's `args`, Django's `request.headers` and
    `request.FILES`, parsed JSON a text key was read from first (`if message["command"] == ...`: a dict),
    aiohttp's websocket and the WSMessage tuples its `receive()` returns, a value where `isinstance(value, dict)` (or another
    built-in container: `list`, `tuple`, `set`, `frozenset`) held, in that
    branch or after `if not isinstance(...): return` (until it is given
    another value), what a function annotated to return one gives (`def
    request_data() -> dict[str, Any]`) or makes one at every return (`return
    list(sock.recv(n))`), also kept in an attribute (Werkzeug's headers print as header lines, so they stay
    reported there; a Django upload's own `.name` is not reported either, as
    Django keeps only its printable characters, nor the cleaned value of a
    form's or serializer's `FileField`/`ImageField`, the upload shown by that
    name), a
    parameter annotated as a list, dict, set or tuple (`rows: List[str]`),
    the request's raw body read as bytes (Django's `request.body`, Flask's
    `request.get_data()`, aiohttp's `await request.read()`, Starlette's
    `await request.body()`), which prints as `b'...'` (decoded to text, it
    is reported),
    a name the function gives items under literal keys
    (`user["name"] = user_name`: a mapping), and a container's `copy()`.
    An upload's `size` (FastAPI's `UploadFile`, Django's `request.FILES`, a
    form's item where `isinstance(item, UploadFile)` held) is the number of bytes the framework counted.

    A project whose logging configuration (a `dictConfig` dict in a settings
    module or a module named after logging, such as Django's `LOGGING`) gives
    every handler a formatter that escapes line breaks gets these findings
    at low confidence (the audit tier): a JSON formatter
    (`python-json-logger`, `json-log-formatter`, `ecs-logging`) escapes the
    whole record; a `logging.Formatter` subclass of the project whose
    `format` replaces what is not printable escapes the message it rewrites
    (`record.msg`: f-strings and concatenations, not `%s` arguments). One
    handler with a plain formatter, or a `logging.basicConfig()` call there,
    keeps every finding, except `extra=` fields its format does not name: a
    plain format of the record's own attributes (`%(asctime)s %(message)s`,
    or none) prints no extra field. A handler whose formatter is chosen by a
    variable counts as any of the formatters defined (a formatter class named
    by dotted path is read from a settings, logging or `formatter(s)` module).
    Configurations read from files (`fileConfig`, YAML) are not seen. With
    no configuration in sight at all (none in the workspace, and the module
    builds no formatter and calls no `basicConfig` whose format names a
    field), a value passed only in `extra=` is the audit tier too: logging's
    own formats print the message alone.

    ## Why is this bad?
    A value containing a newline starts a new log line: an attacker can
    forge entries (`admin logged in`), hide their traces, or inject
    content that misleads log viewers and parsers (CWE-117). The
    severity is low, but forged audit logs undermine investigations.

    ## How to fix it
    Log untrusted values with `%r` (or `!r` in an f-string), which quotes
    the value and escapes newlines, or replace `\\r` and `\\n` before
    logging. The quick fix switches the placeholder to `%r` or adds `!r` to
    the f-string field; it is safe (only the log text changes, which now
    shows quotes around the value).
    """

    id = "SLS704"
    name = "log-injection"
    title = "Request data logged without escaping"
    cwe = 117
    codeql = ("py/log-injection",)
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    topic = "logging"
    fixable = True
    methods = _LOG_LEVEL_METHODS

    VALID = [
        # an Enum's lookup by value in a `try` whose handler refuses the request: one of its values after it
        code("""
            import logging
            from enum import Enum
            from django.http import HttpResponseBadRequest
            class Op(str, Enum):
                ARCHIVE = "archive"

            def batch(request):
                try:
                    Op(request.POST["op"])
                except ValueError:
                    return HttpResponseBadRequest()
                logging.error("unhandled operation %s", request.POST["op"])
        """),
        # Werkzeug's and Starlette's request mappings logged whole: their items print with repr()
        code("""
            import logging
            from flask import Flask, request

            app = Flask(__name__)
            log = logging.getLogger(__name__)

            @app.route("/hook", methods=["POST"])
            def hook():
                log.debug("hook args=%s form=%s cookies=%s", request.args, request.form, request.cookies)
                return ""
        """),
        # Django's request.headers logged whole: it prints as a dict's repr, every value escaped
        code("""
            import logging

            from django.conf import settings

            logger = logging.getLogger(__name__)

            class LogRequestHeaders:
                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    logger.info("Request Headers: %s", request.headers)
                    return self.get_response(request)
        """),
        # a WSGI middleware's peer address: the server wrote it, and it holds no line break
        code("""
            import logging

            log = logging.getLogger(__name__)

            class ProxyCheck:
                def __init__(self, app):
                    self.app = app

                def __call__(self, environ, start_response):
                    log.warning("untrusted proxy: %s", environ.get("REMOTE_ADDR"))
                    return self.app(environ, start_response)
        """),
        # a converter the application registered validated the segment (its to_python, in any module)
        code("""
            import logging
            from flask import Flask

            app = Flask(__name__)

            @app.route("/watch/<uuid_str:uuid>")
            def watch(uuid):
                logging.info("opening %s", uuid)
                return "ok"
        """),
        # Django keeps only the printable characters of an upload's name (since Django 4.1)
        code("""
            import logging
            from django.http import JsonResponse

            logger = logging.getLogger(__name__)

            def upload(request):
                logger.debug(f"uploads: {request.FILES}")
                upload = request.FILES.get("file")
                logger.error(f"could not store {upload.name}")
                return JsonResponse({})
        """),
        # str.format() with !r shows the value's repr; a handler of a fixed route: request.path is that route
        code("""
            import logging
            from flask import Flask, request

            app = Flask(__name__)
            log = logging.getLogger(__name__)

            @app.route("/cached.gif")
            def cached():
                log.info("cache miss for {} with {!r}".format(request.path, request.args.get("v")))
                return ""
        """),
        # Tornado's request target is raw (percent-encoded, one request line)
        code("""
            import logging
            import tornado.web

            log = logging.getLogger(__name__)

            class Legacy(tornado.web.RequestHandler):
                def get(self):
                    log.info("deprecated endpoint %s", self.request.path)
        """),
        # Starlette (FastAPI) splits request.url with urlsplit, which drops CR, LF and TAB from its parts
        code("""
            import logging
            from fastapi import FastAPI, Request

            app = FastAPI()
            log = logging.getLogger(__name__)

            @app.middleware("http")
            async def timing(request: Request, call_next):
                response = await call_next(request)
                log.info("served %s %s", request.url.path, response.status_code)
                return response
        """),
        # ... also once kept in a name
        code("""
            import logging
            import tornado.web

            log = logging.getLogger(__name__)

            class Cached(tornado.web.RequestHandler):
                def get(self):
                    short_url = self.request.path[:80]
                    log.info("caching %s", short_url)
        """),
        # a container is logged item by item with repr(): newlines come out escaped
        code("""
            import logging
            from flask import request

            def bulk():
                logging.info("deleting %s", [name for name in request.form.getlist("name")])
        """),
        # past `hasattr(self, route)`, the route names one of the handler's methods: no line break in it
        code("""
            import logging
            import tornado.web

            log = logging.getLogger(__name__)

            class Pages(tornado.web.RequestHandler):
                def get(self, route):
                    if not hasattr(self, route):
                        return self.redirect("/home/")
                    log.debug(f"page {route} asked for")
                    return self.render(route + ".html")
        """),
        # the same through a translated template: its translations keep the placeholders
        code("""
            import logging
            from gettext import gettext as _
            from flask import request

            def search():
                terms = [request.args["q"]]
                logging.debug(_("Searching for {terms}").format(terms=terms))
        """),
        # a string cut into pieces, or a mapping's list of values, is a list: each item shown with repr()
        code("""
            import logging
            from django.http import HttpResponse

            log = logging.getLogger(__name__)

            def tags(request):
                names = request.GET["tags"].split(",")
                log.info("tags %s, colours %s", names, request.GET.getlist("colour"))
                return HttpResponse("ok")
        """),
        # an upload's size is the number of bytes the framework counted (also a form's item an isinstance()
        # test said is an upload); a mapping's copy prints as a dict
        code("""
            import logging
            from fastapi import FastAPI, File, Request, UploadFile

            app = FastAPI()
            log = logging.getLogger(__name__)

            @app.post("/settings")
            async def update(settings: dict, file: UploadFile = File(...)):
                log.info(f"upload of {file.size} bytes")
                merged = DEFAULTS.copy()
                merged.update({k: v for k, v in settings.items() if v is not None})
                log.info(f"applying {merged}")
                return {}

            @app.post("/import")
            async def import_rows(request: Request):
                upload = (await request.form()).get("file")
                if upload is None or not isinstance(upload, UploadFile):
                    return {}
                log.info(f"import of {upload.size} bytes")
                return {}
        """),
        # a Django form's changed_data is the list of the names of the fields that changed
        code("""
            import logging

            from django.http import HttpResponse

            from .forms import ProfileForm

            log = logging.getLogger(__name__)

            def save(request):
                form = ProfileForm(request.POST)
                if form.has_changed():
                    log.debug("changed: %s", form.changed_data)
                return HttpResponse("ok")
        """),
        # where `isinstance(value, dict)` held, the value is a dict: its strings print with repr()
        code("""
            import logging
            from flask import Flask, request

            app = Flask(__name__)
            log = logging.getLogger(__name__)

            @app.route("/events", methods=["POST"])
            def events():
                if isinstance(request.json, dict):
                    log.debug("event %s", request.json)
                body = request.get_json()
                if not isinstance(body, (dict, list)):
                    return "expected an object or a list", 400
                log.info(f"batch {body}")
                return ""
        """),
        # the answer of a server the program chose to call is not what its clients send
        code("""
            import logging, requests

            def notify(url, body):
                resp = requests.post(url, json=body, timeout=5)
                logging.error("send failed: %s", resp.text)
        """),
        code("""
            import logging
            from flask import request
            def view():
                logging.info('search for %r', request.args.get('q'))
        """),
        code("""
            import logging
            from flask import request
            def view():
                logging.info(f"search for {request.args.get('q')!r}")
        """),
        code("""
            import logging
            def work(name):
                logging.info('working on %s', name)
        """),
        code("""
            import logging

            logger = logging.getLogger(__name__)

            class Audit:
                def __call__(self, request):
                    client_ip = request.META.get('REMOTE_ADDR')
                    logger.warning(f'login page from {client_ip}')
        """),
        code("""
            import logging
            from flask import request
            def view():
                logging.info('page %d', int(request.args['page']))
        """),
        code(r"""
            import logging
            from flask import request
            def view():
                logging.info('search', extra={'query': request.args.get('q', '').replace('\r', '').replace('\n', '')})
        """),
        code(r"""
            import logging
            from flask import request

            logger = logging.getLogger(__name__)
            _CONTROL = str.maketrans({"\r": "\\r", "\n": "\\n"})

            def ping():
                logger.info("ping from %s", request.headers["X-Client"].translate(_CONTROL))
        """),
        # the name matched one of the application's own plugins, or the request was aborted
        code("""
            import logging
            from flask import Flask, abort
            app = Flask(__name__)

            @app.route("/plugin/<string:name>")
            def plugin(name):
                found = registry().filtered(lambda p: p.identifier == name)
                if not found:
                    abort(404)
                logging.info(f"calling plugin {name}")
                return found[0].call()
        """),
        # bytes from a socket: str() shows them as b'...', a newline as \\n
        code("""
            import logging, socket
            log = logging.getLogger(__name__)

            def fetch(host, port):
                sck = socket.create_connection((host, port))
                data = b""
                while True:
                    received = sck.recv(4096)
                    if not received:
                        break
                    data += received
                log.debug(f"Received data from the daemon: {data}")
                return data
        """),
        # the whole environ formatted with %: a dict prints its strings with repr(), newlines escaped
        code("""
            import logging
            from flask import request

            log = logging.getLogger(__name__)

            def args():
                try:
                    return request.args
                except UnicodeDecodeError:
                    log.info("Error decoding QUERY_STRING: %s" % request.environ)
                    raise
        """),
        # pieces cut at every line break hold none; the request line's method is one token
        code("""
            import logging
            from flask import request

            log = logging.getLogger(__name__)

            def beacon():
                for line in request.get_data(as_text=True).splitlines():
                    callsign = line.split(" ")[0]
                    log.info("beacon from %s", callsign)
                log.info("%s request", request.environ.get("REQUEST_METHOD"))
                return ""
        """),
        # a form's upload field: its cleaned value is the uploaded file, shown by its (printable) name
        code("""
            import logging

            from django import forms
            from django.http import HttpResponse

            log = logging.getLogger(__name__)

            class ProofForm(forms.Form):
                proof = forms.FileField()

            def attach(request):
                form = ProofForm(request.POST, request.FILES)
                if form.is_valid():
                    log.info(f"attaching {form.cleaned_data['proof']}")
                return HttpResponse("ok")
        """),
        # the raw body read as bytes prints as b'...', every line break escaped
        code("""
            import logging
            from aiohttp import web

            log = logging.getLogger(__name__)

            async def hook(request: web.Request):
                body = await request.read()
                log.error(f"undecodable hook body: {body}")
                raise web.HTTPBadRequest()
        """),
        # matched whole by a pattern that takes no line feed (`.` stops at one; `$` lets one end the value)
        code("""
            import logging
            import re

            log = logging.getLogger(__name__)
            RESERVED = re.compile(r"^/internal/.*$")

            class BlockInternal:
                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    if RESERVED.match(request.path):
                        log.warning("%s is reserved", request.path)
                    return self.get_response(request)
        """),
        # parsed as a number where the test held: digits, at most whitespace around them
        code("""
            import logging
            from django.http import HttpResponse

            log = logging.getLogger(__name__)

            def hook(request):
                if "HTTP_X_RETRY_NUM" in request.META and int(request.META["HTTP_X_RETRY_NUM"]) > 1:
                    log.warning("retry %s of the hook", request.META["HTTP_X_RETRY_NUM"])
                return HttpResponse("ok")
        """),
    ]
    INVALID = [
        # a conversion whose failure the handler lets pass proves nothing about the text
        Example(
            code("""
                import logging
                from django.http import HttpResponse

                log = logging.getLogger(__name__)

                def hook(request):
                    try:
                        retries = int(request.META["HTTP_X_RETRY_NUM"])
                    except ValueError:
                        retries = 0
                    log.warning("retry %s of the hook", request.META["HTTP_X_RETRY_NUM"])
                    return HttpResponse(str(retries))
            """),
            fixed=code("""
                import logging
                from django.http import HttpResponse

                log = logging.getLogger(__name__)

                def hook(request):
                    try:
                        retries = int(request.META["HTTP_X_RETRY_NUM"])
                    except ValueError:
                        retries = 0
                    log.warning("retry %r of the hook", request.META["HTTP_X_RETRY_NUM"])
                    return HttpResponse(str(retries))
            """),
            where='request.META["HTTP_X_RETRY_NUM"]',
            says="logged unescaped",
        ),
        # str.format(): each value shown with str() is checked, not the whole message
        Example(
            code("""
                import logging
                from flask import request

                log = logging.getLogger(__name__)

                def search():
                    log.info("search {!r} from {}".format(request.args.get("q"), request.headers.get("X-Client")))
            """),
            fixed=None,
            where='request.headers.get("X-Client")',
            says='The Flask request `request.headers.get("X-Client")` logged unescaped',
        ),
        # two values in one statement: one finding, whose fix covers both
        Example(
            code("""
                import logging
                from flask import request

                def hello():
                    logging.info(f"hello {request.args.get('a')} from {request.args.get('b')}")
            """),
            fixed=code("""
                import logging
                from flask import request

                def hello():
                    logging.info(f"hello {request.args.get('a')!r} from {request.args.get('b')!r}")
            """),
            where="request.args.get('a')",
            says="The Flask request `request.args.get('a')` logged unescaped",
        ),
        Example(
            code("""
                import logging
                from flask import request

                logger = logging.getLogger(__name__)

                def login():
                    user = request.form['username']
                    logger.warning('failed login for %s from %s', user, request.remote_addr)
            """),
            fixed=code("""
                import logging
                from flask import request

                logger = logging.getLogger(__name__)

                def login():
                    user = request.form['username']
                    logger.warning('failed login for %r from %s', user, request.remote_addr)
            """),
            where="user",
            says="The Flask request `user` logged unescaped",
        ),
        Example(
            code("""
                import logging
                from flask import request

                def search():
                    logging.info(f"search: {request.args.get('q')}")
            """),
            fixed=code("""
                import logging
                from flask import request

                def search():
                    logging.info(f"search: {request.args.get('q')!r}")
            """),
            where="request.args.get('q')",
            says="The Flask request `request.args.get('q')` logged unescaped",
        ),
        # the pieces joined back into one string: the line breaks are the client's again
        Example(
            code("""
                import logging
                from django.http import HttpResponse

                log = logging.getLogger(__name__)

                def tags(request):
                    log.info("tags %s", ", ".join(request.GET.getlist("tag")))
                    return HttpResponse("ok")
            """),
            where='", ".join(request.GET.getlist("tag"))',
            fixed=code("""
                import logging
                from django.http import HttpResponse

                log = logging.getLogger(__name__)

                def tags(request):
                    log.info("tags %r", ", ".join(request.GET.getlist("tag")))
                    return HttpResponse("ok")
            """),
            says='The HTTP request `request.GET.getlist("tag")` logged unescaped',
        ),
        # an isinstance() test for a container says nothing once the name holds one of its items
        Example(
            code("""
                import logging
                from flask import request

                def events():
                    body = request.get_json()
                    if not isinstance(body, dict):
                        return "expected an object", 400
                    body = body.get("name")
                    logging.info("event for %s" % body)
            """),
            where="body",
            says="The HTTP request `body` logged unescaped",
        ),
        # the upload's own file name is the client's text
        Example(
            code("""
                import logging
                from fastapi import FastAPI, File, UploadFile

                app = FastAPI()
                log = logging.getLogger(__name__)

                @app.post("/upload")
                async def upload(file: UploadFile = File(...)):
                    log.warning(f"skipped {file.filename} ({file.size} bytes)")
                    return {}
            """),
            fixed=code("""
                import logging
                from fastapi import FastAPI, File, UploadFile

                app = FastAPI()
                log = logging.getLogger(__name__)

                @app.post("/upload")
                async def upload(file: UploadFile = File(...)):
                    log.warning(f"skipped {file.filename!r} ({file.size} bytes)")
                    return {}
            """),
            where="file.filename",
            says="logged unescaped",
        ),
        # "..." % value: each value is checked; split(None, 1) keeps the rest of the text, line breaks and all
        Example(
            code("""
                import logging
                from flask import request

                def search():
                    command, rest = request.get_data(as_text=True).split(None, 1)
                    logging.info("%r: %s" % (command, rest))
            """),
            where="rest",
            says="The HTTP request `rest` logged unescaped",
        ),
        Example(
            code("""
                import logging
                from flask import request

                def search():
                    logging.info('search: ' + request.args['q'])
            """),
            fixed=None,
            where="'search: ' + request.args['q']",
            says="The Flask request `request.args['q']` logged unescaped",
        ),
        # an extra field the module's own format prints (with no format naming it, the audit tier)
        Example(
            code("""
                import logging
                from flask import request

                logging.basicConfig(format="%(asctime)s user=%(username)s %(message)s")
                audit = logging.getLogger('audit')

                def login():
                    audit.warning('login failed', extra={'username': request.form['username']})
            """),
            fixed=None,
            where="request.form['username']",
            says="The Flask request `request.form['username']` logged unescaped",
        ),
        Example(
            code("""
                import logging

                access = logging.getLogger("access")

                class AccessLogMiddleware:
                    def __init__(self, get_response):
                        self.get_response = get_response

                    def __call__(self, request):
                        access.info("visit %s", request.path)
                        return self.get_response(request)
            """),
            fixed=code("""
                import logging

                access = logging.getLogger("access")

                class AccessLogMiddleware:
                    def __init__(self, get_response):
                        self.get_response = get_response

                    def __call__(self, request):
                        access.info("visit %r", request.path)
                        return self.get_response(request)
            """),
            where="request.path",
            says="The HTTP request `request.path` logged unescaped",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if not logs.is_logging_call(node, ctx) or node.func.attr not in _LOG_LEVEL_METHODS or not node.args:
            return
        message = node.args[0]
        # where the value sits in the record: the `%s` arguments, or the message the call wrote
        place = logconfig.ARGUMENTS if isinstance(message, ast.Constant) and len(node.args) > 1 else logconfig.MESSAGE
        tainted = log_values.tainted_values(node, message, log_values.untrusted, ctx)
        hits = [(*hit, place) for hit in tainted] + [(*hit, logconfig.EXTRA) for hit in log_values.tainted_extra(node, ctx)]
        formatting = ctx.module.log_formatting
        for value, part, fix, where in hits:
            subject = log_values.subject(ctx, part, value)
            escaped = formatting is not None and where in formatting.escaped
            # no configuration in sight: logging's own formats (the last-resort handler's, basicConfig's,
            # Django's) print the message alone, never an extra field
            unseen_extra = formatting is None and where == logconfig.EXTRA and not ctx.module.prints_extra_fields
            message = (
                f"{subject} logged unescaped; every handler of the project's logging configuration escapes line breaks in the {where} (or leaves it out), "
                "so no entry can be forged while it is in force. Log it with %r (or !r) to keep it safe under any configuration."
                if escaped
                else f"{subject} logged unescaped in an extra field; logging's default formats print no extra field, and no logging configuration "
                "of the project was found that names one. A format naming it (`%(field)s`) would write its line breaks as they are: strip \\r and \\n."
                if unseen_extra
                else f"{subject} logged unescaped: a newline in it forges log entries. Log it with %r (or !r), or strip \\r and \\n."
            )
            low = escaped or unseen_extra
            ctx.report(self, value, message, fix=fix, confidence=Confidence.LOW if low else part.confidence(), related=ctx.related_path(part))

