"""Labelled taint cases, blind web applications: held out at first, now regression cases.

Written blind, without reading the engine or its rules (secure_ls/), in the
style of public Flask / Django / DRF / FastAPI / aiohttp code, to measure how
the taint engine generalises beyond the cases it was tuned on (sinks_*.py and
sources_and_propagation.py). Labels follow what a security reviewer would say:
a case is vulnerable only if attacker-controlled data reaches the sink without
a protection that works for that sink.
"""

from .case import Case

CASES = [
    # ================================================================ sql
    Case("webapp-sql-cbv-get", "sql", True, """
from django.db import connection
from django.http import JsonResponse
from django.views import View

class UserSearchView(View):
    def get(self, request):
        term = request.GET.get("q", "")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, email FROM auth_user WHERE email LIKE '%%%s%%'" % term)  # SINK
            rows = cursor.fetchall()
        return JsonResponse({"rows": rows})
"""),
    Case("webapp-sql-blueprint-sqlalchemy-text", "sql", True, """
from flask import Blueprint, jsonify, request
from sqlalchemy import text
from app.extensions import db

orders = Blueprint("orders", __name__)

@orders.route("/orders")
def list_orders():
    status = request.args.get("status", "open")
    rows = db.session.execute(text(f"SELECT * FROM orders WHERE status = '{status}'")).fetchall()  # SINK
    return jsonify([dict(r._mapping) for r in rows])
"""),
    Case("webapp-sql-json-format-kwargs", "sql", True, """
import sqlite3
from flask import Flask, jsonify, request

app = Flask(__name__)

@app.post("/customers/search")
def search_customers():
    data = request.get_json()
    sql = "SELECT * FROM customers WHERE name = '{name}' AND city = '{city}'".format(**data)
    conn = sqlite3.connect("shop.db")
    return jsonify(conn.execute(sql).fetchall())  # SINK
"""),
    Case("webapp-sql-fastapi-pydantic-order-by", "sql", True, """
import psycopg2
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()

class ProductFilter(BaseModel):
    sort: str = "id"
    limit: int = 20

@app.post("/products")
def products(flt: ProductFilter):
    cur = psycopg2.connect("dbname=shop").cursor()
    cur.execute(f"SELECT * FROM products ORDER BY {flt.sort} LIMIT %s", (flt.limit,))  # SINK
    return cur.fetchall()
"""),
    Case("webapp-sql-multifile-where-helper", "sql", True, files={
        "helpers.py": """
def where_clause(column, value):
    return "%s = '%s'" % (column, value)
""".lstrip(),
        "app.py": """
import sqlite3
from flask import Flask, request
from .helpers import where_clause

app = Flask(__name__)

@app.route("/find")
def find():
    conn = sqlite3.connect("app.db")
    clause = where_clause("username", request.args["u"])
    return str(conn.execute("SELECT * FROM users WHERE " + clause).fetchall())  # SINK
""".lstrip(),
    }),
    Case("webapp-sql-drf-param-safe", "sql", False, """
from django.db import connection
from rest_framework.response import Response
from rest_framework.views import APIView

class AccountLookup(APIView):
    def get(self, request):
        email = request.query_params.get("email", "")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, name FROM accounts WHERE email = %s", [email])  # SINK
            return Response(cursor.fetchall())
"""),
    Case("webapp-sql-django-raw-params-safe", "sql", False, """
from django.shortcuts import render
from library.models import Book

def books_by_author(request):
    author = request.GET.get("author", "")
    books = Book.objects.raw("SELECT * FROM library_book WHERE author = %s", [author])  # SINK
    return render(request, "books.html", {"books": books})
"""),
    Case("webapp-sql-fastapi-sort-allowlist-safe", "sql", False, """
import sqlite3
from fastapi import FastAPI, HTTPException, Query

app = FastAPI()
SORTABLE = {"price", "name", "created_at"}

@app.get("/items")
def items(sort: str = Query("name")):
    if sort not in SORTABLE:
        raise HTTPException(status_code=400, detail="bad sort")
    conn = sqlite3.connect("shop.db")
    return conn.execute(f"SELECT * FROM items ORDER BY {sort}").fetchall()  # SINK
"""),
    Case("webapp-sql-aiohttp-int-id-safe", "sql", False, """
from aiohttp import web

async def get_user(request):
    user_id = int(request.match_info["id"])
    async with request.app["db"].acquire() as conn:
        row = await conn.fetchrow(f"SELECT * FROM users WHERE id = {user_id}")  # SINK
    return web.json_response(dict(row))
"""),
    Case("webapp-sql-sqlalchemy-bind-safe", "sql", False, """
from flask import Blueprint, jsonify, request
from sqlalchemy import text
from app.extensions import db

orders = Blueprint("orders", __name__)

@orders.route("/orders")
def list_orders():
    status = request.args.get("status", "open")
    rows = db.session.execute(text("SELECT * FROM orders WHERE status = :status"), {"status": status}).fetchall()  # SINK
    return jsonify([dict(r._mapping) for r in rows])
"""),

    # ================================================================ shell
    Case("webapp-shell-run-fstring-blueprint", "shell", True, """
import subprocess
from flask import Blueprint, request

images = Blueprint("images", __name__)

@images.post("/thumbnail")
def thumbnail():
    size = request.form.get("size", "128x128")
    subprocess.run(f"convert /srv/in.png -resize {size} /srv/out.png", shell=True, check=True)  # SINK
    return "ok"
"""),
    Case("webapp-shell-methodview-helper-method", "shell", True, """
import os
from flask import request
from flask.views import MethodView

class DnsLookup(MethodView):
    def _resolve(self, host):
        return os.popen("dig +short " + host).read()  # SINK

    def post(self):
        host = request.get_json()["host"]
        return {"answer": self._resolve(host)}
"""),
    Case("webapp-shell-aiohttp-subprocess-shell", "shell", True, """
import asyncio
from aiohttp import web

async def line_count(request):
    path = request.rel_url.query["file"]
    proc = await asyncio.create_subprocess_shell(f"wc -l {path}", stdout=asyncio.subprocess.PIPE)  # SINK
    out, _ = await proc.communicate()
    return web.Response(text=out.decode())
"""),
    Case("webapp-shell-list-sh-c", "shell", True, """
import subprocess
from django.http import HttpResponse

def extract(request):
    archive = request.POST["archive"]
    subprocess.Popen(["/bin/sh", "-c", "tar -xzf /srv/uploads/" + archive + " -C /srv/out"])  # SINK
    return HttpResponse("started")
"""),
    Case("webapp-shell-quote-fstring-safe", "shell", False, """
import shlex
import subprocess
from flask import Blueprint, request

images = Blueprint("images", __name__)

@images.post("/thumbnail")
def thumbnail():
    size = request.form.get("size", "128x128")
    subprocess.run(f"convert /srv/in.png -resize {shlex.quote(size)} /srv/out.png", shell=True, check=True)  # SINK
    return "ok"
"""),
    Case("webapp-shell-argv-no-shell-safe", "shell", False, """
import subprocess
from fastapi import FastAPI, Query

app = FastAPI()

@app.get("/history")
def history(path: str = Query(...)):
    out = subprocess.run(["git", "log", "--oneline", "-n", "10", "--", path], capture_output=True, text=True, cwd="/srv/repo")  # SINK
    return {"log": out.stdout.splitlines()}
"""),
    Case("webapp-shell-command-map-safe", "shell", False, """
import subprocess
from flask import Flask, abort, request

app = Flask(__name__)
COMMANDS = {"disk": "df -h", "memory": "free -m", "load": "uptime"}

@app.route("/diag")
def diag():
    cmd = COMMANDS.get(request.args.get("check", ""))
    if cmd is None:
        abort(404)
    return subprocess.check_output(cmd, shell=True, text=True)  # SINK
"""),
    Case("webapp-shell-ipaddress-validated-safe", "shell", False, """
import ipaddress
import os
from flask import Flask, request

app = Flask(__name__)

@app.route("/ping")
def ping():
    ip = ipaddress.ip_address(request.args["ip"])
    status = os.system(f"ping -c 1 -W 1 {ip} > /dev/null")  # SINK
    return {"up": status == 0}
"""),

    # ================================================================ code
    Case("webapp-code-eval-json-no-builtins", "code", True, """
from flask import Flask, jsonify, request

app = Flask(__name__)

@app.post("/calc")
def calc():
    expr = request.get_json()["expression"]
    result = eval(expr, {"__builtins__": {}}, {})  # SINK
    return jsonify(result=result)
"""),
    Case("webapp-code-drf-exec-script", "code", True, """
from rest_framework.response import Response
from rest_framework.views import APIView

class RunHook(APIView):
    def post(self, request):
        namespace = {"payload": request.data.get("payload")}
        exec(request.data.get("script", ""), namespace)  # SINK
        return Response({"result": namespace.get("result")})
"""),
    Case("webapp-code-fastapi-body-eval", "code", True, """
from fastapi import Body, FastAPI

app = FastAPI()

@app.post("/compute")
def compute(formula: str = Body(..., embed=True)):
    return {"value": eval(formula)}  # SINK
"""),
    Case("webapp-code-literal-eval-form-safe", "code", False, """
import ast
from flask import Flask, request

app = Flask(__name__)

@app.post("/settings")
def save_setting():
    value = ast.literal_eval(request.form["value"])  # SINK
    return {"saved": value}
"""),
    Case("webapp-code-constant-expr-namespace-safe", "code", False, """
from flask import Flask, request

app = Flask(__name__)
DISCOUNT_RULE = compile("amount * 0.9 if amount > 100 else amount", "<rule>", "eval")

@app.route("/price")
def price():
    amount = float(request.args["amount"])
    return {"total": eval(DISCOUNT_RULE, {"__builtins__": {}}, {"amount": amount})}  # SINK
"""),
    Case("webapp-code-allowlist-math-safe", "code", False, """
import math
from flask import Flask, abort, request

app = Flask(__name__)
FUNCS = ("sqrt", "log", "sin", "cos")

@app.route("/math")
def do_math():
    func = request.args["f"]
    if func not in FUNCS:
        abort(400)
    value = float(request.args["x"])
    return {"r": eval(f"math.{func}({value})")}  # SINK
"""),

    # ================================================================ deserialize
    Case("webapp-deser-pickle-b64-data", "deserialize", True, """
import base64
import pickle
from flask import Blueprint, request

state = Blueprint("state", __name__)

@state.post("/restore")
def restore():
    obj = pickle.loads(base64.b64decode(request.data))  # SINK
    return {"restored": type(obj).__name__}
"""),
    Case("webapp-deser-yaml-loader-cbv", "deserialize", True, """
import yaml
from django.http import JsonResponse
from django.views import View

class ImportConfig(View):
    def post(self, request):
        config = yaml.load(request.body, Loader=yaml.Loader)  # SINK
        return JsonResponse({"keys": list(config)})
""", rule="SLS104"),
    Case("webapp-deser-pickle-upload", "deserialize", True, """
import pickle
from flask import Flask, request

app = Flask(__name__)

@app.post("/models")
def upload_model():
    model = pickle.load(request.files["model"])  # SINK
    return {"type": type(model).__name__}
"""),
    Case("webapp-deser-cookie-cart-method", "deserialize", True, """
import base64
import pickle
from django.views.generic import TemplateView

class CartView(TemplateView):
    template_name = "cart.html"

    def load_cart(self):
        raw = self.request.COOKIES.get("cart", "")
        return pickle.loads(base64.urlsafe_b64decode(raw))  # SINK

    def get_context_data(self, **kwargs):
        return {"cart": self.load_cart()}
"""),
    Case("webapp-deser-yaml-safe-load-fastapi-safe", "deserialize", False, """
import yaml
from fastapi import FastAPI, Request

app = FastAPI()

@app.post("/pipelines")
async def create_pipeline(request: Request):
    spec = yaml.safe_load(await request.body())  # SINK
    return {"stages": len(spec.get("stages", []))}
""", rule="SLS104"),
    Case("webapp-deser-yaml-safeloader-kw-safe", "deserialize", False, """
import yaml
from flask import Flask, request

app = Flask(__name__)

@app.post("/config")
def config():
    data = yaml.load(request.data, Loader=yaml.SafeLoader)  # SINK
    return {"keys": sorted(data)}
""", rule="SLS104"),
    Case("webapp-deser-itsdangerous-safe", "deserialize", False, """
from flask import Flask, request
from itsdangerous import BadSignature, URLSafeSerializer

app = Flask(__name__)
signer = URLSafeSerializer("change-me", salt="prefs")

@app.route("/prefs")
def prefs():
    try:
        data = signer.loads(request.cookies.get("prefs", ""))  # SINK
    except BadSignature:
        data = {}
    return data
"""),
    Case("webapp-deser-pickle-local-cache-safe", "deserialize", False, """
import pickle
from pathlib import Path
from flask import Flask, request

app = Flask(__name__)
CACHE = Path(__file__).parent / "cache" / "vocab.pkl"

@app.route("/vocab")
def vocab():
    with CACHE.open("rb") as fh:
        words = pickle.load(fh)  # SINK
    return {"known": request.args.get("w", "") in words}
"""),

    # ================================================================ xml
    Case("webapp-xml-lxml-resolve-entities", "xml", True, """
from flask import Blueprint, request
from lxml import etree

api = Blueprint("api", __name__)
parser = etree.XMLParser(resolve_entities=True, no_network=False)

@api.route("/invoices", methods=["POST"])
def upload_invoice():
    doc = etree.fromstring(request.data, parser)  # SINK
    return {"total": doc.findtext("total")}
""", rule="SLS109"),
    Case("webapp-xml-lxml-load-dtd-cbv", "xml", True, """
from django.http import JsonResponse
from django.views import View
from lxml import etree

class FeedImport(View):
    def post(self, request):
        parser = etree.XMLParser(load_dtd=True, resolve_entities=True)
        tree = etree.parse(request.FILES["feed"], parser)  # SINK
        return JsonResponse({"entries": len(tree.findall("entry"))})
""", rule="SLS109"),
    Case("webapp-xml-sax-external-ges", "xml", True, """
import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges
from flask import Flask, request

app = Flask(__name__)

@app.post("/import/feed")
def import_feed():
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    parser.setContentHandler(ContentHandler())
    parser.parse(request.stream)  # SINK
    return "imported"
"""),
    Case("webapp-xml-defusedxml-fastapi-safe", "xml", False, """
from defusedxml.ElementTree import fromstring
from fastapi import FastAPI, Request

app = FastAPI()

@app.post("/orders/xml")
async def import_orders(request: Request):
    root = fromstring(await request.body())  # SINK
    return {"orders": len(root.findall("order"))}
"""),
    Case("webapp-xml-lxml-hardened-parser-safe", "xml", False, """
from django.http import JsonResponse
from django.views import View
from lxml import etree

class FeedImport(View):
    def post(self, request):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        tree = etree.parse(request.FILES["feed"], parser)  # SINK
        return JsonResponse({"entries": len(tree.findall("entry"))})
""", rule="SLS109"),
    Case("webapp-xml-constant-with-int-safe", "xml", False, """
import xml.etree.ElementTree as ET
from flask import Flask, request

app = Flask(__name__)

@app.route("/stub")
def stub():
    count = int(request.args.get("n", 1))
    root = ET.fromstring("<batch><count>%d</count></batch>" % count)  # SINK
    return root.findtext("count")
"""),

    # ================================================================ path
    Case("webapp-path-send-file-join", "path", True, """
import os
from flask import Blueprint, request, send_file

files = Blueprint("files", __name__)
UPLOAD_DIR = "/srv/app/uploads"

@files.route("/download")
def download():
    filename = request.args.get("file", "")
    return send_file(os.path.join(UPLOAD_DIR, filename), as_attachment=True)  # SINK
"""),
    Case("webapp-path-with-open-cbv", "path", True, """
import os
from django.conf import settings
from django.http import HttpResponse
from django.views import View

class ReportView(View):
    def get(self, request):
        with open(os.path.join(settings.MEDIA_ROOT, "reports", request.GET["name"])) as fh:  # SINK
            return HttpResponse(fh.read(), content_type="text/csv")
"""),
    Case("webapp-path-pathlib-fastapi-query", "path", True, """
from pathlib import Path
from fastapi import FastAPI, Query

app = FastAPI()
DOCS = Path("/srv/docs")

@app.get("/docs")
def read_doc(name: str = Query(...)):
    return {"text": (DOCS / name).read_text()}  # SINK
"""),
    Case("webapp-path-aiohttp-file-response", "path", True, """
from pathlib import Path
from aiohttp import web

STATIC = Path("/srv/static")

async def static_file(request):
    return web.FileResponse(STATIC / request.query.get("file", "index.html"))  # SINK
"""),
    Case("webapp-path-multifile-storage-remove", "path", True, files={
        "storage.py": """
import os

ROOT = "/var/lib/app/files"

def path_for(name):
    return os.path.join(ROOT, name)
""".lstrip(),
        "app.py": """
import os
from flask import Flask, request
from .storage import path_for

app = Flask(__name__)

@app.post("/files/delete")
def delete_file():
    os.remove(path_for(request.form["name"]))  # SINK
    return "deleted"
""".lstrip(),
    }),
    Case("webapp-path-secure-filename-save-safe", "path", False, """
import os
from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/app/uploads"

@app.post("/upload")
def upload():
    f = request.files["file"]
    f.save(os.path.join(UPLOAD_DIR, secure_filename(f.filename)))  # SINK
    return "saved"
"""),
    Case("webapp-path-resolve-is-relative-to-safe", "path", False, """
from pathlib import Path
from flask import Flask, abort, request, send_file

app = Flask(__name__)
BASE = Path("/srv/app/exports").resolve()

@app.route("/export")
def export():
    target = (BASE / request.args["name"]).resolve()
    if not target.is_relative_to(BASE):
        abort(403)
    return send_file(target)  # SINK
"""),
    Case("webapp-path-realpath-startswith-safe", "path", False, """
import os
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

BASE = os.path.realpath("/srv/reports")

def report(request):
    full = os.path.realpath(os.path.join(BASE, request.GET["name"]))
    if not full.startswith(BASE + os.sep):
        raise PermissionDenied
    with open(full) as fh:  # SINK
        return HttpResponse(fh.read(), content_type="text/plain")
"""),
    Case("webapp-path-generated-name-safe", "path", False, """
import os
import uuid
from flask import Flask, request

app = Flask(__name__)
UPLOAD_DIR = "/srv/app/avatars"

@app.post("/avatar")
def avatar():
    name = f"{uuid.uuid4().hex}.png"
    with open(os.path.join(UPLOAD_DIR, name), "wb") as out:  # SINK
        out.write(request.get_data())
    return {"name": name}
"""),
    Case("webapp-path-send-from-directory-safe", "path", False, """
from flask import Flask, request, send_from_directory

app = Flask(__name__)
DOCS_DIR = "/srv/app/docs"

@app.route("/help")
def help_page():
    return send_from_directory(DOCS_DIR, request.args.get("page", "index.html"))  # SINK
"""),

    # ================================================================ template
    Case("webapp-template-methodview-format", "template", True, """
from flask import render_template_string, request
from flask.views import MethodView

class WelcomePage(MethodView):
    def get(self):
        user = request.args.get("user", "guest")
        tpl = "<h1>Welcome back, {}!</h1>".format(user)
        return render_template_string(tpl)  # SINK
"""),
    Case("webapp-template-jinja-env-json-body", "template", True, """
from flask import Flask, request
from jinja2 import BaseLoader, Environment

app = Flask(__name__)
env = Environment(loader=BaseLoader())

@app.post("/emails/preview")
def preview_email():
    data = request.get_json()
    return env.from_string(data["body"]).render(order={"id": 1})  # SINK
"""),
    Case("webapp-template-join-parts", "template", True, """
from flask import Flask, render_template_string, request

app = Flask(__name__)

@app.route("/banner")
def banner():
    html = "".join(["<div class='banner'>", request.args.get("msg", ""), "</div>"])
    return render_template_string(html)  # SINK
"""),
    Case("webapp-template-html-escape-wrong-sanitizer", "template", True, """
from flask import Flask, render_template_string, request
from markupsafe import escape

app = Flask(__name__)

@app.route("/hello")
def hello():
    name = str(escape(request.args.get("name", "")))
    return render_template_string("<p>Hello " + name + "</p>")  # SINK
"""),
    Case("webapp-template-render-kwargs-safe", "template", False, """
from flask import Flask, render_template_string, request

app = Flask(__name__)
PAGE = "<h1>Results for {{ q }}</h1><ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul>"

@app.route("/search")
def search():
    q = request.args.get("q", "")
    return render_template_string(PAGE, q=q, items=[q.upper(), q.lower()])  # SINK
"""),
    Case("webapp-template-layout-allowlist-safe", "template", False, """
from flask import Flask, abort, render_template_string, request

app = Flask(__name__)
LAYOUTS = {"card": "<div class=card>{{ body }}</div>", "row": "<tr><td>{{ body }}</td></tr>"}

@app.route("/widget")
def widget():
    name = request.args.get("layout", "card")
    if name not in LAYOUTS:
        abort(404)
    return render_template_string(LAYOUTS[name], body=request.args.get("body", ""))  # SINK
"""),
    Case("webapp-template-file-source-safe", "template", False, """
import os
from jinja2 import Template
from flask import Flask, request

app = Flask(__name__)
TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "templates")

@app.post("/invoice")
def invoice():
    with open(os.path.join(TEMPLATE_DIR, "invoice.html")) as fh:
        source = fh.read()
    return Template(source).render(**request.get_json())  # SINK
"""),

    Case("webapp-template-dead-after-return-safe", "template", False, """
from flask import Flask, render_template_string, request

app = Flask(__name__)

@app.route("/legacy/preview")
def legacy_preview():
    return "this endpoint was removed", 410
    return render_template_string(request.args["tpl"])  # SINK
"""),

    # ================================================================ redirect
    Case("webapp-redirect-cbv-post-next", "redirect", True, """
from django.contrib.auth import authenticate, login
from django.http import HttpResponseRedirect
from django.views import View

class LoginView(View):
    def post(self, request):
        user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
        if user is not None:
            login(request, user)
        return HttpResponseRedirect(request.POST.get("next", "/"))  # SINK
"""),
    Case("webapp-redirect-methodview-helper", "redirect", True, """
from flask import redirect, request
from flask.views import MethodView

class LogoutView(MethodView):
    def _target(self):
        return request.args.get("return_to") or "/"

    def get(self):
        return redirect(self._target())  # SINK
"""),
    Case("webapp-redirect-fastapi-query", "redirect", True, """
from fastapi import FastAPI, Query
from fastapi.responses import RedirectResponse

app = FastAPI()

@app.get("/oauth/callback")
def oauth_callback(code: str, redirect_uri: str = Query("/")):
    return RedirectResponse(url=redirect_uri, status_code=302)  # SINK
"""),
    Case("webapp-redirect-startswith-slash-bypass", "redirect", True, """
from flask import Flask, redirect, request

app = Flask(__name__)

@app.route("/continue")
def continue_to():
    target = request.args.get("next", "/")
    if not target.startswith("/"):
        target = "/"
    return redirect(target)  # SINK
"""),
    Case("webapp-redirect-django-allowed-host-safe", "redirect", False, """
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

class AfterLogin(View):
    def get(self, request):
        nxt = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(nxt)  # SINK
        return redirect("home")
"""),
    Case("webapp-redirect-netloc-allowlist-safe", "redirect", False, """
from urllib.parse import urlparse
from flask import Flask, abort, redirect, request

app = Flask(__name__)
ALLOWED_HOSTS = {"example.com", "www.example.com"}

@app.route("/out")
def out():
    target = request.args["to"]
    parsed = urlparse(target)
    if parsed.scheme not in ("http", "https") or parsed.netloc not in ALLOWED_HOSTS:
        abort(400)
    return redirect(target)  # SINK
"""),
    Case("webapp-redirect-url-for-endpoint-safe", "redirect", False, """
from flask import Flask, abort, redirect, request, url_for

app = Flask(__name__)
PAGES = {"profile", "settings", "billing"}

@app.route("/go")
def go():
    page = request.args.get("page", "profile")
    if page not in PAGES:
        abort(404)
    return redirect(url_for(page))  # SINK
"""),
    Case("webapp-redirect-multifile-safe-helper", "redirect", False, files={
        "helpers.py": """
from django.utils.http import url_has_allowed_host_and_scheme

def safe_next(request, default="/"):
    target = request.GET.get("next", default)
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default
""".lstrip(),
        "app.py": """
from django.http import HttpResponseRedirect
from .helpers import safe_next

def after_signup(request):
    return HttpResponseRedirect(safe_next(request))  # SINK
""".lstrip(),
    }),

    # ================================================================ url (SSRF)
    Case("webapp-url-requests-preview-blueprint", "url", True, """
import requests
from flask import Blueprint, request

preview = Blueprint("preview", __name__)

@preview.route("/link-preview")
def link_preview():
    resp = requests.get(request.args["url"], timeout=5)  # SINK
    return {"status": resp.status_code, "length": len(resp.content)}
"""),
    Case("webapp-url-httpx-pydantic-webhook", "url", True, """
import httpx
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()

class Webhook(BaseModel):
    callback_url: str
    event: str

@app.post("/webhooks/test")
async def test_webhook(hook: Webhook):
    async with httpx.AsyncClient() as client:
        r = await client.post(hook.callback_url, json={"event": hook.event})  # SINK
    return {"status": r.status_code}
"""),
    Case("webapp-url-drf-urlopen-host-format", "url", True, """
from urllib.request import urlopen
from rest_framework.response import Response
from rest_framework.views import APIView

class NodeStatus(APIView):
    def post(self, request):
        url = "http://{}/status".format(request.data["host"])
        with urlopen(url, timeout=3) as resp:  # SINK
            return Response({"status": resp.read().decode()})
"""),
    Case("webapp-url-startswith-no-slash-bypass", "url", True, """
import requests
from flask import Flask, abort, request

app = Flask(__name__)

@app.route("/proxy")
def proxy():
    url = request.args["url"]
    if not url.startswith("https://api.example.com"):
        abort(400)
    return requests.get(url, timeout=5).text  # SINK
"""),
    Case("webapp-url-hostname-allowlist-safe", "url", False, """
from urllib.parse import urlparse
import requests
from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED_HOSTS = {"images.example.com", "cdn.example.com"}

@app.route("/fetch-image")
def fetch_image():
    url = request.args["src"]
    parsed = urlparse(url)
    if parsed.scheme != "https" or parsed.hostname not in ALLOWED_HOSTS:
        abort(400)
    return requests.get(url, timeout=5).content  # SINK
"""),
    Case("webapp-url-fixed-host-quoted-path-safe", "url", False, """
from urllib.parse import quote
import requests
from fastapi import FastAPI

app = FastAPI()

@app.get("/github/{username}")
def github_profile(username: str):
    r = requests.get(f"https://api.github.com/users/{quote(username, safe='')}", timeout=5)  # SINK
    return r.json()
"""),
    Case("webapp-url-int-id-safe", "url", False, """
import requests
from django.http import JsonResponse

API_BASE = "https://inventory.internal.example.com/api"

def stock(request):
    item_id = int(request.GET["item"])
    r = requests.get(f"{API_BASE}/items/{item_id}/stock", timeout=3)  # SINK
    return JsonResponse(r.json())
"""),

    Case("webapp-url-aiohttp-service-map-safe", "url", False, """
from aiohttp import ClientSession, web

SERVICES = {"billing": "http://billing:8000", "search": "http://search:9200"}

async def health(request):
    base = SERVICES[request.match_info["service"]]
    async with ClientSession() as client:
        async with client.get(f"{base}/health") as resp:  # SINK
            return web.json_response({"status": resp.status})
"""),

    # ================================================================ ldap
    Case("webapp-ldap-ldap3-cbv-and-filter", "ldap", True, """
from django.http import JsonResponse
from django.views import View
from ldap3 import SUBTREE, Connection, Server

class DirectoryLookup(View):
    def post(self, request):
        username = request.POST["username"]
        conn = Connection(Server("ldap://dc1"), auto_bind=True)
        conn.search("dc=corp,dc=example", f"(&(objectClass=person)(sAMAccountName={username}))", SUBTREE, attributes=["mail"])  # SINK
        return JsonResponse({"found": len(conn.entries)})
"""),
    Case("webapp-ldap-join-or-filter", "ldap", True, """
import ldap
from flask import Flask, request

app = Flask(__name__)

@app.post("/people/bulk")
def bulk_lookup():
    emails = request.get_json()["emails"]
    filt = "(|" + "".join(f"(mail={m})" for m in emails) + ")"
    conn = ldap.initialize("ldap://ldap.example.com")
    return {"n": len(conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, filt))}  # SINK
"""),
    Case("webapp-ldap-class-method-filter", "ldap", True, """
import ldap
from flask import Flask, request

app = Flask(__name__)

class LdapAuth:
    def __init__(self):
        self.conn = ldap.initialize("ldap://ldap.example.com")

    def find_user(self, username):
        return self.conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=%s)" % username)  # SINK

@app.post("/login")
def login():
    return {"exists": bool(LdapAuth().find_user(request.form["username"]))}
"""),
    Case("webapp-ldap-ldap3-escape-format-safe", "ldap", False, """
from django.http import JsonResponse
from django.views import View
from ldap3 import SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars

class DirectoryLookup(View):
    def post(self, request):
        username = escape_filter_chars(request.POST["username"])
        conn = Connection(Server("ldap://dc1"), auto_bind=True)
        conn.search("dc=corp,dc=example", "(&(objectClass=person)(sAMAccountName={}))".format(username), SUBTREE)  # SINK
        return JsonResponse({"found": len(conn.entries)})
"""),
    Case("webapp-ldap-fullmatch-abort-safe", "ldap", False, """
import re
import ldap
from flask import Flask, abort, request

app = Flask(__name__)

@app.route("/users/lookup")
def lookup():
    uid = request.args.get("uid", "")
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", uid):
        abort(400)
    conn = ldap.initialize("ldap://ldap.example.com")
    return {"n": len(conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={uid})"))}  # SINK
"""),
    Case("webapp-ldap-filter-format-safe", "ldap", False, """
import ldap
from ldap.filter import filter_format
from flask import Flask, request

app = Flask(__name__)
GROUP_DN = "cn=staff,ou=groups,dc=example,dc=com"

@app.route("/staff")
def is_staff():
    filt = filter_format("(&(uid=%s)(memberOf=%s))", [request.args["uid"], GROUP_DN])
    conn = ldap.initialize("ldap://ldap.example.com")
    return {"staff": bool(conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, filt))}  # SINK
"""),

    # ================================================================ xpath
    Case("webapp-xpath-login-and", "xpath", True, """
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
USERS = etree.parse("users.xml")

@app.post("/login")
def login():
    u, p = request.form["username"], request.form["password"]
    match = USERS.xpath("//user[name/text()='" + u + "' and password/text()='" + p + "']")  # SINK
    return {"ok": bool(match)}
"""),
    Case("webapp-xpath-cbv-format-kw", "xpath", True, """
from django.http import JsonResponse
from django.views import View
from lxml import etree

class BookSearch(View):
    catalog = etree.parse("catalog.xml")

    def get(self, request):
        query = "//book[author='{author}']/title/text()".format(author=request.GET["author"])
        return JsonResponse({"titles": self.catalog.xpath(query)})  # SINK
"""),
    Case("webapp-xpath-etree-findall-fastapi", "xpath", True, """
import xml.etree.ElementTree as ET
from fastapi import FastAPI, Query

app = FastAPI()
ROOT = ET.parse("strings.xml").getroot()

@app.get("/strings")
def strings(lang: str = Query("en")):
    return [e.text for e in ROOT.findall(f".//entry[@lang='{lang}']")]  # SINK
"""),
    Case("webapp-xpath-compiled-variable-safe", "xpath", False, """
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
DOC = etree.parse("users.xml")
FIND_USER = etree.XPath("//user[@id=$uid]/name/text()")

@app.route("/user")
def user():
    return {"name": FIND_USER(DOC, uid=request.args["id"])}  # SINK
"""),
    Case("webapp-xpath-isdigit-abort-safe", "xpath", False, """
from flask import Flask, abort, request
from lxml import etree

app = Flask(__name__)
DOC = etree.parse("catalog.xml")

@app.route("/sku")
def sku():
    code = request.args.get("code", "")
    if not code.isdigit():
        abort(400)
    return {"name": DOC.xpath(f"//item[@sku='{code}']/name/text()")}  # SINK
"""),
    Case("webapp-xpath-constant-query-python-filter-safe", "xpath", False, """
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
DOC = etree.parse("users.xml")

@app.route("/user-by-name")
def by_name():
    name = request.args["name"]
    users = DOC.xpath("//user")  # SINK
    return {"ids": [u.get("id") for u in users if u.findtext("name") == name]}
"""),

    # ================================================================ session
    Case("webapp-session-json-user-id", "session", True, """
from flask import Flask, request, session

app = Flask(__name__)

@app.post("/api/switch-user")
def switch_user():
    data = request.get_json()
    session["user_id"] = data["user_id"]  # SINK
    return {"ok": True}
"""),
    Case("webapp-session-cbv-role", "session", True, """
from django.http import JsonResponse
from django.views import View

class ChooseRole(View):
    def post(self, request):
        request.session["role"] = request.POST.get("role", "member")  # SINK
        return JsonResponse({"role": request.session["role"]})
"""),
    Case("webapp-session-update-dict", "session", True, """
from flask import Flask, redirect, request, session

app = Flask(__name__)

@app.route("/tenant")
def pick_tenant():
    session.update({"tenant": request.args["tenant"], "visited": True})  # SINK
    return redirect("/")
"""),
    Case("webapp-session-starlette-query", "session", True, """
from fastapi import FastAPI, Request
from starlette.middleware.sessions import SessionMiddleware

app = FastAPI()
app.add_middleware(SessionMiddleware, secret_key="change-me")

@app.get("/org")
def set_org(request: Request, org_id: str):
    request.session["org_id"] = org_id  # SINK
    return {"org": org_id}
"""),
    Case("webapp-session-after-password-check-safe", "session", False, """
from flask import Flask, abort, request, session
from werkzeug.security import check_password_hash
from app.models import User

app = Flask(__name__)

@app.post("/login")
def login():
    user = User.query.filter_by(email=request.form["email"]).first()
    if user is None or not check_password_hash(user.password_hash, request.form["password"]):
        abort(401)
    session["user_id"] = user.id  # SINK
    return {"ok": True}
"""),
    Case("webapp-session-currency-allowlist-safe", "session", False, """
from flask import Flask, abort, request, session

app = Flask(__name__)
SUPPORTED = ("EUR", "USD", "GBP")

@app.post("/currency")
def set_currency():
    currency = request.form.get("currency", "EUR").upper()
    if currency not in SUPPORTED:
        abort(400)
    session["currency"] = currency  # SINK
    return {"currency": currency}
"""),
    Case("webapp-session-token-safe", "session", False, """
import secrets
from django.shortcuts import render

def start_checkout(request):
    request.session["checkout_nonce"] = secrets.token_urlsafe(32)  # SINK
    return render(request, "checkout.html", {"item": request.GET.get("item")})
"""),
    Case("webapp-session-bool-compare-safe", "session", False, """
from flask import Flask, request, session

app = Flask(__name__)

@app.post("/prefs")
def prefs():
    session["remember_me"] = request.form.get("remember") == "on"  # SINK
    return "saved"
"""),

    # ================================================================ header
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("webapp-header-drf-content-disposition", "header", False, """
from django.http import HttpResponse
from rest_framework.views import APIView

class ExportCsv(APIView):
    def get(self, request):
        name = request.query_params.get("filename", "export.csv")
        response = HttpResponse("a,b\\n1,2\\n", content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}"'  # SINK
        return response
"""),
    Case("webapp-header-fastapi-response-param", "header", True, """
from fastapi import FastAPI, Query, Response

app = FastAPI()

@app.get("/content")
def content(response: Response, lang: str = Query("en")):
    response.headers["Content-Language"] = lang  # SINK
    return {"lang": lang}
"""),
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("webapp-header-make-response-dict", "header", False, """
from flask import Flask, make_response, request

app = Flask(__name__)

@app.route("/report")
def report():
    fname = request.args.get("name", "report.txt")
    return make_response("report body", 200, {"Content-Disposition": "attachment; filename=" + fname})  # SINK
"""),
    Case("webapp-header-mime-map-safe", "header", False, """
from flask import Flask, make_response, request

app = Flask(__name__)
MIME = {"csv": "text/csv", "json": "application/json", "txt": "text/plain"}

@app.route("/dump")
def dump():
    resp = make_response("data")
    resp.headers["Content-Type"] = MIME.get(request.args.get("fmt", ""), "application/octet-stream")  # SINK
    return resp
"""),
    Case("webapp-header-rfc5987-quote-safe", "header", False, """
from urllib.parse import quote
from django.http import HttpResponse

def download(request):
    name = request.GET.get("name", "file.txt")
    response = HttpResponse(b"...", content_type="application/octet-stream")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(name)  # SINK
    return response
"""),
    Case("webapp-header-int-cache-control-safe", "header", False, """
from flask import Flask, make_response, request

app = Flask(__name__)

@app.route("/cached")
def cached():
    max_age = min(int(request.args.get("ttl", 60)), 3600)
    resp = make_response("ok")
    resp.headers["Cache-Control"] = f"public, max-age={max_age}"  # SINK
    return resp
"""),

    # ================================================================ regex
    Case("webapp-regex-drf-compile-query-param", "regex", True, """
import re
from rest_framework.response import Response
from rest_framework.views import APIView

class LogGrep(APIView):
    def get(self, request):
        rx = re.compile(request.query_params.get("pattern", ""))  # SINK
        lines = open("/var/log/app.log").read().splitlines()
        return Response([l for l in lines if rx.search(l)])
"""),
    Case("webapp-regex-json-rule-match", "regex", True, """
import re
from flask import Flask, request

app = Flask(__name__)

@app.post("/rules/test")
def test_rule():
    rule = request.get_json()
    ok = re.match(rule["pattern"], rule["sample"]) is not None  # SINK
    return {"matches": ok}
"""),
    Case("webapp-regex-fastapi-prefix-fstring", "regex", True, """
import re
from fastapi import FastAPI, Query

app = FastAPI()
NAMES = ["alice", "bob", "carol"]

@app.get("/names")
def names(prefix: str = Query("")):
    return [n for n in NAMES if re.search(f"^{prefix}.*", n)]  # SINK
"""),
    Case("webapp-regex-escape-word-boundary-safe", "regex", False, r"""
import re
from flask import Flask, request

app = Flask(__name__)

@app.route("/highlight")
def highlight():
    term = request.args.get("term", "")
    rx = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)  # SINK
    return {"hits": len(rx.findall(open("doc.txt").read()))}
"""),
    Case("webapp-regex-named-pattern-abort-safe", "regex", False, r"""
import re
from flask import Flask, abort, request

app = Flask(__name__)
PATTERNS = {"email": r"[\w.+-]+@[\w-]+\.[\w.]+", "phone": r"\+?\d[\d -]{7,}\d"}

@app.post("/extract")
def extract():
    pattern = PATTERNS.get(request.args.get("kind", ""))
    if pattern is None:
        abort(400)
    return {"found": re.findall(pattern, request.get_data(as_text=True))}  # SINK
"""),
    Case("webapp-regex-user-text-as-subject-safe", "regex", False, r"""
import re
from django.http import JsonResponse

def mentions(request):
    body = request.POST["body"]
    return JsonResponse({"emails": re.findall(r"@(\w{1,30})", body)})  # SINK
"""),

    # ================================================================ log
    Case("webapp-log-percent-operator", "log", True, """
import logging
from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)

@app.route("/profile")
def profile():
    logger.info("user %s opened profile" % request.args["user"])  # SINK
    return "ok"
"""),
    Case("webapp-log-cbv-str-format", "log", True, """
import logging
from django.http import JsonResponse
from django.views import View

logger = logging.getLogger("accounts")

class PasswordReset(View):
    def post(self, request):
        logger.warning("Password reset requested for {}".format(request.POST["email"]))  # SINK
        return JsonResponse({"sent": True})
"""),
    Case("webapp-log-fastapi-pydantic-fstring", "log", True, """
import logging
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()
log = logging.getLogger("payments")

class Payment(BaseModel):
    card_holder: str
    amount: float

@app.post("/pay")
def pay(payment: Payment):
    log.error(f"payment declined for {payment.card_holder}")  # SINK
    return {"status": "declined"}
"""),
    Case("webapp-log-int-id-safe", "log", False, """
import logging
from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)

@app.route("/order")
def order():
    order_id = int(request.args["id"])
    logger.info("order %d viewed", order_id)  # SINK
    return "ok"
"""),
    Case("webapp-log-crlf-stripped-safe", "log", False, """
import logging
from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)

@app.post("/login")
def login():
    user = request.form["username"].replace("\\r", "").replace("\\n", "")
    logger.info("login attempt for %s", user)  # SINK
    return "ok"
"""),
    Case("webapp-log-constant-message-safe", "log", False, """
import logging
from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)

@app.post("/upload")
def upload():
    data = request.get_data()
    if len(data) > 10_000_000:
        logger.warning("rejected upload: body too large")  # SINK
        return "too large", 413
    return "ok"
"""),

    # ================================================================ html
    Case("webapp-html-make-response-fstring-bp", "html", True, """
from flask import Blueprint, make_response, request

search = Blueprint("search", __name__)

@search.route("/search")
def results():
    q = request.args.get("q", "")
    return make_response(f"<h2>Results for {q}</h2><p>Nothing found.</p>")  # SINK
"""),
    Case("webapp-html-cbv-join-list", "html", True, """
from django.http import HttpResponse
from django.views import View

class TagList(View):
    def get(self, request):
        tags = request.GET.getlist("tag")
        return HttpResponse("<ul>" + "".join(f"<li>{t}</li>" for t in tags) + "</ul>")  # SINK
"""),
    Case("webapp-html-fastapi-htmlresponse-model", "html", True, """
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

app = FastAPI()

class Comment(BaseModel):
    author: str
    text: str

@app.post("/comments/preview", response_class=HTMLResponse)
def preview(comment: Comment):
    return HTMLResponse(content=f"<p><b>{comment.author}</b>: {comment.text}</p>")  # SINK
"""),
    Case("webapp-html-django-mark-safe", "html", True, """
from django.http import HttpResponse
from django.utils.safestring import mark_safe

def greet(request):
    banner = mark_safe("<b>Hello %s</b>" % request.GET.get("name", ""))
    return HttpResponse(banner)  # SINK
"""),
    Case("webapp-html-aiohttp-text-html", "html", True, """
from aiohttp import web

async def hello(request):
    name = request.query.get("name", "world")
    return web.Response(text=f"<h1>Hello {name}</h1>", content_type="text/html")  # SINK
"""),
    Case("webapp-html-escape-join-safe", "html", False, """
import html
from django.http import HttpResponse
from django.views import View

class TagList(View):
    def get(self, request):
        tags = request.GET.getlist("tag")
        return HttpResponse("<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in tags) + "</ul>")  # SINK
"""),
    Case("webapp-html-format-html-safe", "html", False, """
from django.http import HttpResponse
from django.utils.html import format_html

def greet(request):
    banner = format_html("<b>Hello {}</b>", request.GET.get("name", ""))
    return HttpResponse(banner)  # SINK
"""),
    Case("webapp-html-jsonify-safe", "html", False, """
from flask import Flask, jsonify, request

app = Flask(__name__)

@app.route("/api/echo")
def echo():
    return jsonify({"q": request.args.get("q", ""), "ok": True})  # SINK
"""),
    Case("webapp-html-markup-format-safe", "html", False, """
from flask import Flask, request
from markupsafe import Markup

app = Flask(__name__)

@app.route("/hi")
def hi():
    return Markup("<p>Hi {}</p>").format(request.args.get("name", ""))  # SINK
"""),
    Case("webapp-html-fastapi-plaintext-safe", "html", False, """
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI()

@app.get("/hello")
def hello(name: str = "world"):
    return PlainTextResponse(f"<h1>hello {name}</h1>")  # SINK
"""),
]
