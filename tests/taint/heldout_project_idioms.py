"""Labelled taint cases, project idioms: a held-out measurement set (NOT in runner.CASES).

Written blind, without reading the engine or its rules (secure_ls/), after all
the fixes driven by the blind_* sets, to measure how the taint engine generalises
to code nobody here tuned it for. It is deliberately kept out of the regression
baseline: `python -m bench.taint --corpus heldout-project-idioms` scores it alone.

The code imitates how open-source projects are written rather than the idioms
of the regression cases: repository/service classes, Django middleware and auth backends,
Django forms' `cleaned_data`, Flask-WTF forms, webargs `@use_kwargs`, FastAPI
`Annotated`/`Cookie`/Enum parameters, Starlette endpoints and `path_params`,
aiohttp `RouteTableDef`/multipart/`HTTPFound`, pandas/peewee/asyncpg/aiosqlite,
joblib/numpy loaders, `urljoin` base overrides, `Markup` % pairs, `format_html`
misuse, `after_request` hooks, `functools.lru_cache` helpers, frozen config
dataclasses, `str.translate` sanitizers, XPath literal quoting and
multi-module helpers.

Labels follow what a security reviewer would say, with the conventions of the
regression cases: a case is vulnerable only if attacker-controlled data (request
data, or CLI arguments for the CLI tools) reaches the sink without a protection
that works for that sink; user data written unencoded into a response header
counts as header injection, into the session as session poisoning, and into a
log message as log injection.
"""

from .case import Case

CASES = [
    # ================================================================ sql
    Case("project-sql-pandas-read-sql-annotated", "sql", True, r"""
from typing import Annotated

import pandas as pd
from fastapi import FastAPI, Query
from sqlalchemy import create_engine

app = FastAPI()
engine = create_engine("postgresql://reporting@db/warehouse")

@app.get("/reports/revenue")
def revenue(region: Annotated[str, Query(max_length=32)] = "emea"):
    query = "SELECT month, SUM(amount) AS total FROM sales WHERE region = '" + region + "' GROUP BY month"
    frame = pd.read_sql(query, engine)  # SINK
    return frame.to_dict(orient="records")
"""),
    Case("project-sql-repository-method", "sql", True, r"""
import sqlite3
from flask import Flask, jsonify, request

class UserRepository:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def find_by_email(self, email: str) -> list[tuple]:
        sql = "SELECT id, name FROM users WHERE email = '{}'".format(email)
        return self._conn.execute(sql).fetchall()  # SINK

app = Flask(__name__)
repo = UserRepository(sqlite3.connect("users.db", check_same_thread=False))

@app.get("/users/lookup")
def lookup():
    return jsonify(repo.find_by_email(request.args.get("email", "")))
"""),
    Case("project-sql-django-rawsql-annotate", "sql", True, r"""
from django.db.models.expressions import RawSQL
from django.http import JsonResponse
from inventory.models import Item

def ranked_items(request):
    weight = request.GET.get("weight", "1")
    items = Item.objects.annotate(score=RawSQL(f"price * {weight}", []))  # SINK
    ids = items.order_by("-score").values_list("id", flat=True)
    return JsonResponse({"ids": list(ids)})
"""),
    Case("project-sql-argparse-executescript", "sql", True, r"""
import argparse
import sqlite3

def main() -> None:
    parser = argparse.ArgumentParser(description="Archive old rows")
    parser.add_argument("--table", required=True)
    parser.add_argument("--before", default="2020-01-01")
    args = parser.parse_args()
    conn = sqlite3.connect("app.db")
    script = (
        f"INSERT INTO archive SELECT * FROM {args.table} WHERE created < '{args.before}';\n"
        f"DELETE FROM {args.table} WHERE created < '{args.before}';"
    )
    conn.executescript(script)  # SINK
    conn.commit()

if __name__ == "__main__":
    main()
"""),
    Case("project-sql-aiosqlite-enum-sort-safe", "sql", False, r"""
from enum import Enum

import aiosqlite
from fastapi import FastAPI

app = FastAPI()

class SortKey(str, Enum):
    newest = "created_at DESC"
    cheapest = "price ASC"

@app.get("/listings")
async def listings(sort: SortKey = SortKey.newest):
    async with aiosqlite.connect("market.db") as db:
        cursor = await db.execute(f"SELECT id, title FROM listings ORDER BY {sort.value}")  # SINK
        return await cursor.fetchall()
"""),
    Case("project-sql-asyncpg-placeholders-safe", "sql", False, r"""
from aiohttp import web

routes = web.RouteTableDef()

@routes.get("/tickets/{project}")
async def tickets(request: web.Request) -> web.Response:
    project = request.match_info["project"]
    status = request.query.get("status", "open")
    pool = request.app["pg"]
    rows = await pool.fetch("SELECT id, title FROM tickets WHERE project = $1 AND status = $2", project, status)  # SINK
    return web.json_response([dict(r) for r in rows])
"""),
    Case("project-sql-peewee-bucket-map-safe", "sql", False, r"""
from flask import Blueprint, request
from app.models import db

bp = Blueprint("stats", __name__)
BUCKETS = {"day": "date_trunc('day', created)", "week": "date_trunc('week', created)"}

@bp.route("/stats")
def stats():
    bucket = BUCKETS.get(request.args.get("by", "day"), BUCKETS["day"])
    sql = " ".join(["SELECT", bucket, "AS b, count(*) FROM events GROUP BY b"])
    cursor = db.execute_sql(sql)  # SINK
    return {"rows": cursor.fetchall()}
"""),
    Case("project-sql-multifile-service-params-safe", "sql", False, files={
        "services.py": r"""from dataclasses import dataclass

@dataclass
class InvoiceQuery:
    customer: str
    year: int

    def as_sql(self) -> tuple[str, tuple]:
        return "SELECT * FROM invoices WHERE customer = %s AND year = %s", (self.customer, self.year)
""",
        "app.py": r"""from django.db import connection
from django.http import JsonResponse
from .services import InvoiceQuery

def invoices(request):
    q = InvoiceQuery(customer=request.GET["customer"], year=int(request.GET.get("year", 2024)))
    sql, params = q.as_sql()
    with connection.cursor() as cur:
        cur.execute(sql, params)  # SINK
        return JsonResponse({"rows": cur.fetchall()})
""",
    }),

    # ================================================================ shell
    Case("project-shell-getoutput-require-post", "shell", True, r"""
import subprocess
from django.http import JsonResponse
from django.views.decorators.http import require_POST

@require_POST
def traceroute(request):
    host = request.POST.get("host", "").strip()
    if not host:
        return JsonResponse({"error": "host required"}, status=400)
    output = subprocess.getoutput("traceroute -m 10 " + host)  # SINK
    return JsonResponse({"output": output})
"""),
    Case("project-shell-click-percent-dict", "shell", True, r"""
import os
import click

@click.command()
@click.option("--database", default="app")
@click.option("--dest", type=click.Path(), default="/var/backups")
def backup(database: str, dest: str) -> None:
    cmd = "pg_dump %(db)s | gzip > %(dest)s/%(db)s.sql.gz" % {"db": database, "dest": dest}
    click.echo(f"running: {cmd}")
    if os.system(cmd) != 0:  # SINK
        raise click.ClickException("backup failed")
"""),
    Case("project-shell-starlette-argv-joined", "shell", True, r"""
import subprocess
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

async def thumbnail(request):
    width = request.query_params.get("width", "800")
    argv = ["convert", "/srv/img/source.png", "-resize", width, "/tmp/out.png"]
    proc = subprocess.Popen(" ".join(argv), shell=True, stderr=subprocess.PIPE)  # SINK
    _, err = proc.communicate()
    return PlainTextResponse(err.decode() or "ok")

app = Starlette(routes=[Route("/thumbnail", thumbnail)])
"""),
    Case("project-shell-multifile-command-builder", "shell", True, files={
        "commands.py": r"""def archive_command(ref: str, fmt: str = "tar") -> str:
    return f"git archive --format={fmt} {ref} | gzip -9"
""",
        "app.py": r"""import subprocess
from flask import Flask, Response, request
from .commands import archive_command

app = Flask(__name__)

@app.get("/archive")
def archive():
    cmd = archive_command(request.args.get("ref", "HEAD"))
    blob = subprocess.run(cmd, shell=True, capture_output=True, cwd="/srv/repo").stdout  # SINK
    return Response(blob, mimetype="application/gzip")
""",
    }),
    Case("project-shell-argparse-choices-safe", "shell", False, r"""
import argparse
import subprocess

ENVIRONMENTS = ("staging", "production")

def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="deploy")
    parser.add_argument("env", choices=ENVIRONMENTS)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    flag = "--check" if args.dry_run else ""
    subprocess.run(f"ansible-playbook -i inventories/{args.env} site.yml {flag}", shell=True, check=True)  # SINK

if __name__ == "__main__":
    main()
"""),
    Case("project-shell-aiohttp-exec-no-shell-safe", "shell", False, r"""
import asyncio
from aiohttp import web

async def probe(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    proc = await asyncio.create_subprocess_exec("ffprobe", "-v", "error", "-show_format", f"/media/{name}", stdout=asyncio.subprocess.PIPE)  # SINK
    out, _ = await proc.communicate()
    return web.Response(text=out.decode())

app = web.Application()
app.router.add_get("/probe/{name}", probe)
"""),
    Case("project-shell-branch-validator-raises-safe", "shell", False, r"""
import re
import subprocess
from flask import Flask, abort, request

app = Flask(__name__)
_BRANCH = re.compile(r"[A-Za-z0-9._/-]{1,64}")

def checked_branch(raw: str) -> str:
    if not _BRANCH.fullmatch(raw) or raw.startswith("-"):
        raise ValueError(raw)
    return raw

@app.post("/deploy")
def deploy():
    try:
        branch = checked_branch(request.form["branch"])
    except ValueError:
        abort(400)
    subprocess.run(f"git fetch origin {branch} && git checkout {branch}", shell=True, check=True, cwd="/srv/app")  # SINK
    return "deployed"
"""),

    # ================================================================ code
    Case("project-code-django-form-cleaned-eval", "code", True, r"""
from django import forms
from django.http import JsonResponse

class FormulaForm(forms.Form):
    expression = forms.CharField(max_length=200)

def evaluate(request):
    form = FormulaForm(request.POST)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    result = eval(form.cleaned_data["expression"], {"__builtins__": {}}, {})  # SINK
    return JsonResponse({"result": result})
"""),
    Case("project-code-starlette-rule-engine-exec", "code", True, r"""
from starlette.requests import Request
from starlette.responses import JSONResponse

class RuleEngine:
    def __init__(self, source: str) -> None:
        self.source = source
        self.namespace: dict = {}

    def load(self) -> None:
        exec(self.source, self.namespace)  # SINK

async def upload_rules(request: Request) -> JSONResponse:
    engine = RuleEngine((await request.body()).decode("utf-8"))
    engine.load()
    return JSONResponse({"rules": sorted(k for k in engine.namespace if not k.startswith("_"))})
"""),
    Case("project-code-header-lambda-filter", "code", True, r"""
from flask import Flask, jsonify, request
from app.data import load_rows

app = Flask(__name__)

@app.get("/rows")
def rows():
    predicate = request.headers.get("X-Row-Filter", "True")
    keep = eval(f"lambda row: {predicate}")  # SINK
    return jsonify([r for r in load_rows() if keep(r)])
"""),
    Case("project-code-decimal-operator-table-safe", "code", False, r"""
from decimal import Decimal, InvalidOperation
from fastapi import FastAPI, HTTPException

app = FastAPI()
OPS = {"add": "+", "sub": "-", "mul": "*"}

@app.get("/calc")
def calc(a: str, b: str, op: str = "add"):
    try:
        left, right = Decimal(a), Decimal(b)
    except InvalidOperation:
        raise HTTPException(400, "not a number")
    if op not in OPS:
        raise HTTPException(400, "bad operator")
    value = eval(f"left {OPS[op]} right", {"__builtins__": {}}, {"left": left, "right": right})  # SINK
    return {"result": str(value)}
"""),
    Case("project-code-default-expression-cli-safe", "code", False, r"""
import sys

DEFAULT_EXPR = "width * height"

def area(width: int, height: int, expr: str = DEFAULT_EXPR) -> int:
    return eval(expr, {"__builtins__": {}}, {"width": width, "height": height})  # SINK

def main() -> None:
    width, height = (int(v) for v in sys.argv[1:3])
    print(area(width, height))

if __name__ == "__main__":
    main()
"""),
    Case("project-code-aiohttp-math-allowlist-safe", "code", False, r"""
import math
from aiohttp import web

ALLOWED = frozenset({"sin", "cos", "sqrt", "log10"})

async def apply(request: web.Request) -> web.Response:
    fn = request.query.get("fn", "")
    x = float(request.query.get("x", "0"))
    if fn not in ALLOWED:
        return web.json_response({"error": "unsupported"}, status=400)
    value = eval(f"math.{fn}(x)", {"math": math, "__builtins__": {}}, {"x": x})  # SINK
    return web.json_response({"value": value})
"""),

    # ================================================================ deserialize
    Case("project-deser-joblib-uploadfile", "deserialize", True, r"""
import joblib
from fastapi import FastAPI, UploadFile

app = FastAPI()
MODELS: dict[str, object] = {}

@app.post("/models/{name}")
async def register_model(name: str, artifact: UploadFile):
    MODELS[name] = joblib.load(artifact.file)  # SINK
    return {"registered": name}
"""),
    Case("project-deser-django-middleware-cookie", "deserialize", True, r"""
import base64
import pickle

class RememberedFiltersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        blob = request.COOKIES.get("filters")
        if blob:
            request.saved_filters = pickle.loads(base64.urlsafe_b64decode(blob))  # SINK
        return self.get_response(request)
"""),
    Case("project-deser-yaml-load-all-unsafe-loader", "deserialize", True, r"""
import yaml
from flask import Flask, request

app = Flask(__name__)

@app.post("/pipelines/import")
def import_pipelines():
    stages = []
    for doc in yaml.load_all(request.get_data(as_text=True), Loader=yaml.UnsafeLoader):  # SINK
        stages.extend(doc.get("stages", []))
    return {"imported": len(stages)}
"""),
    Case("project-deser-numpy-allow-pickle", "deserialize", True, r"""
import io
import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse

async def upload_embeddings(request: Request) -> JSONResponse:
    form = await request.form()
    raw = await form["vectors"].read()
    vectors = np.load(io.BytesIO(raw), allow_pickle=True)  # SINK
    return JSONResponse({"shape": list(vectors.shape)})
"""),
    Case("project-deser-yaml-csafeloader-fallback-safe", "deserialize", False, r"""
import yaml
from aiohttp import web

try:
    from yaml import CSafeLoader as Loader
except ImportError:
    from yaml import SafeLoader as Loader

async def import_config(request: web.Request) -> web.Response:
    text = await request.text()
    config = yaml.load(text, Loader=Loader)  # SINK
    return web.json_response({"keys": sorted(config)})
"""),
    Case("project-deser-pickle-own-redis-cache-safe", "deserialize", False, r"""
import pickle
import redis
from django.http import JsonResponse
from reports.builder import build_report

cache = redis.Redis()

def report(request, slug):
    key = f"report:{slug}"
    blob = cache.get(key)
    if blob is None:
        data = build_report(slug)
        cache.set(key, pickle.dumps(data), ex=300)
    else:
        data = pickle.loads(blob)  # SINK
    return JsonResponse(data)
"""),
    Case("project-deser-pickle-model-registry-safe", "deserialize", False, r"""
import pickle
from pathlib import Path
from fastapi import FastAPI, HTTPException

app = FastAPI()
MODEL_DIR = Path("/opt/models")
MODELS = {"churn": "churn-v3.pkl", "fraud": "fraud-v7.pkl"}

@app.get("/predict/{model}")
def predict(model: str, amount: float):
    filename = MODELS.get(model)
    if filename is None:
        raise HTTPException(404)
    with open(MODEL_DIR / filename, "rb") as fh:
        clf = pickle.load(fh)  # SINK
    return {"score": float(clf.predict_proba([[amount]])[0][1])}
"""),

    # ================================================================ xml
    Case("project-xml-lxml-starlette-body", "xml", True, r"""
from lxml import etree
from starlette.requests import Request
from starlette.responses import JSONResponse

async def soap_endpoint(request: Request) -> JSONResponse:
    payload = await request.body()
    envelope = etree.fromstring(payload)  # SINK
    action = envelope.find(".//{http://schemas.xmlsoap.org/soap/envelope/}Body")[0].tag
    return JSONResponse({"action": action})
"""),
    Case("project-xml-lxml-dtd-network-django-upload", "xml", True, r"""
from django.http import JsonResponse
from lxml import etree

PARSER = etree.XMLParser(load_dtd=True, no_network=False)

def import_catalogue(request):
    upload = request.FILES["catalogue"]
    tree = etree.parse(upload, PARSER)  # SINK
    skus = tree.xpath("//product/@sku")
    return JsonResponse({"imported": len(skus)})
"""),
    Case("project-xml-lxml-iterparse-flask-files", "xml", True, r"""
from flask import Flask, request
from lxml import etree

app = Flask(__name__)

@app.post("/feeds")
def ingest_feed():
    titles = []
    for _, item in etree.iterparse(request.files["feed"], events=("end",), tag="item"):  # SINK
        titles.append(item.findtext("title"))
        item.clear()
    return {"items": titles}
"""),
    Case("project-xml-defused-alias-import-safe", "xml", False, r"""
from defusedxml.ElementTree import fromstring as parse_xml
from flask import Flask, request

app = Flask(__name__)

@app.post("/invoices")
def receive_invoice():
    root = parse_xml(request.get_data())  # SINK
    return {"number": root.findtext("number"), "total": root.findtext("total")}
"""),
    Case("project-xml-lxml-inline-hardened-parser-safe", "xml", False, r"""
from aiohttp import web
from lxml import etree

async def gpx_upload(request: web.Request) -> web.Response:
    body = await request.read()
    root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))  # SINK
    points = root.findall(".//{http://www.topografix.com/GPX/1/1}trkpt")
    return web.json_response({"points": len(points)})
"""),
    Case("project-xml-constant-skeleton-safe", "xml", False, r"""
import xml.etree.ElementTree as ET
from django.http import HttpResponse

SKELETON = "<response><status>ok</status><echo/></response>"

def ping(request):
    root = ET.fromstring(SKELETON)  # SINK
    root.find("echo").text = request.GET.get("msg", "")
    return HttpResponse(ET.tostring(root), content_type="application/xml")
"""),

    # ================================================================ path
    Case("project-path-starlette-fileresponse-query", "path", True, r"""
import os
from starlette.responses import FileResponse

EXPORT_DIR = "/var/exports"

async def download_export(request):
    filename = request.query_params["file"]
    return FileResponse(os.path.join(EXPORT_DIR, filename), filename=os.path.basename(filename))  # SINK
"""),
    Case("project-path-aiohttp-multipart-filename", "path", True, r"""
from pathlib import Path
from aiohttp import web

UPLOAD_ROOT = Path("/srv/uploads")

async def upload(request: web.Request) -> web.Response:
    reader = await request.multipart()
    field = await reader.next()
    target = UPLOAD_ROOT / field.filename
    with target.open("wb") as out:  # SINK
        while chunk := await field.read_chunk():
            out.write(chunk)
    return web.json_response({"saved": field.filename})
"""),
    Case("project-path-django-suffix-check-only", "path", True, r"""
from django.conf import settings
from django.http import FileResponse, Http404

def invoice_pdf(request):
    name = request.GET.get("file", "").lstrip("/")
    if not name.endswith(".pdf"):
        raise Http404("not a pdf")
    return FileResponse(open(f"{settings.MEDIA_ROOT}/invoices/{name}", "rb"))  # SINK
"""),
    Case("project-path-sysargv-tenant-rmtree", "path", True, r"""
import shutil
import sys

TENANT_ROOT = "/srv/tenants"

def purge_cache(tenant: str) -> None:
    shutil.rmtree(f"{TENANT_ROOT}/{tenant}/cache", ignore_errors=True)  # SINK

if __name__ == "__main__":
    # invoked by the web app's worker as: purge_cache.py <tenant-slug>
    purge_cache(sys.argv[1])
"""),
    Case("project-path-werkzeug-safe-join-none-safe", "path", False, r"""
from flask import Flask, abort, request, send_file
from werkzeug.security import safe_join

app = Flask(__name__)
ATTACHMENTS = "/srv/app/attachments"

@app.get("/attachments")
def attachment():
    path = safe_join(ATTACHMENTS, request.args.get("name", ""))
    if path is None:
        abort(404)
    return send_file(path)  # SINK
"""),
    Case("project-path-resolve-relative-to-try-safe", "path", False, r"""
from pathlib import Path
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

app = FastAPI()
ROOT = Path("/srv/static").resolve()

@app.get("/assets/{asset_path:path}")
def asset(asset_path: str):
    target = (ROOT / asset_path).resolve()
    try:
        target.relative_to(ROOT)
    except ValueError:
        raise HTTPException(status_code=404)
    return FileResponse(target)  # SINK
"""),
    Case("project-path-django-uuid-report-safe", "path", False, r"""
import uuid
from django.conf import settings
from django.http import FileResponse, HttpResponseBadRequest

def export_csv(request):
    try:
        report_id = uuid.UUID(request.GET["id"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("bad id")
    path = settings.EXPORT_ROOT / f"{report_id}.csv"
    return FileResponse(open(path, "rb"), as_attachment=True)  # SINK
"""),
    Case("project-path-multifile-slug-guard-safe", "path", False, files={
        "guards.py": r"""import re

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")

def require_slug(value: str) -> str:
    if not SLUG.fullmatch(value):
        raise PermissionError(value)
    return value
""",
        "app.py": r"""from flask import Flask, request
from .guards import require_slug

app = Flask(__name__)

@app.get("/docs")
def docs_page():
    slug = require_slug(request.args.get("page", "index"))
    with open(f"/srv/docs/{slug}.md", encoding="utf-8") as fh:  # SINK
        return fh.read()
""",
    }),

    # ================================================================ template
    Case("project-template-mailer-class-from-string", "template", True, r"""
from flask import Flask, request
from jinja2 import BaseLoader, Environment

class Mailer:
    env = Environment(loader=BaseLoader(), autoescape=True)

    def render_subject(self, subject_template: str, **ctx) -> str:
        return self.env.from_string(subject_template).render(**ctx)  # SINK

app = Flask(__name__)
mailer = Mailer()

@app.post("/campaigns/preview")
def preview_campaign():
    data = request.get_json()
    return {"subject": mailer.render_subject(data["subject"], first_name="Ada")}
"""),
    Case("project-template-fastapi-cookie-jinja", "template", True, r"""
from fastapi import Cookie, FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Template

app = FastAPI()

@app.get("/welcome", response_class=HTMLResponse)
def welcome(display_name: str | None = Cookie(default=None)):
    greeting = "<h1>Welcome back, %s!</h1>" % (display_name or "guest")
    return Template(greeting).render()  # SINK
"""),
    Case("project-template-layout-helper-title", "template", True, r"""
from flask import Flask, render_template_string, request

app = Flask(__name__)

def _layout(title: str) -> str:
    return "<html><head><title>" + title + "</title></head><body>{% for i in items %}<li>{{ i }}</li>{% endfor %}</body></html>"

@app.route("/list")
def listing():
    title = request.args.get("title", "Items")
    return render_template_string(_layout(title), items=["a", "b"])  # SINK
"""),
    Case("project-template-filesystem-get-template-safe", "template", False, r"""
from flask import Flask, request
from jinja2 import Environment, FileSystemLoader, select_autoescape

app = Flask(__name__)
env = Environment(loader=FileSystemLoader("templates/pdf"), autoescape=select_autoescape())

@app.post("/invoice/preview")
def invoice_preview():
    template = env.get_template("invoice.html")
    return template.render(customer=request.form["customer"], lines=request.form.getlist("line"))  # SINK
"""),
    Case("project-template-starlette-constant-source-safe", "template", False, r"""
from jinja2 import Environment
from starlette.responses import HTMLResponse

env = Environment(autoescape=True)
CARD = env.from_string("<div class='card'><h2>{{ title }}</h2><p>{{ body }}</p></div>")

async def card(request):
    params = request.query_params
    html = CARD.render(title=params.get("title", ""), body=params.get("body", ""))  # SINK
    return HTMLResponse(html)
"""),
    Case("project-template-isalnum-early-return-safe", "template", False, r"""
from django.http import HttpResponse, HttpResponseBadRequest
from jinja2 import Environment

env = Environment(autoescape=True)

def badge(request):
    color = request.GET.get("color", "blue")
    if not color.isalnum():
        return HttpResponseBadRequest("invalid colour")
    tpl = env.from_string('<span class="badge badge-' + color + '">{{ label }}</span>')  # SINK
    return HttpResponse(tpl.render(label=request.GET.get("label", "")))
"""),

    # ================================================================ redirect
    Case("project-redirect-django-next-fallback-chain", "redirect", True, r"""
from django.contrib.auth import authenticate, login
from django.shortcuts import redirect, render

def sign_in(request):
    if request.method != "POST":
        return render(request, "sign_in.html")
    user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
    if user is None:
        return render(request, "sign_in.html", {"error": True})
    login(request, user)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    return redirect(next_url)  # SINK
"""),
    Case("project-redirect-aiohttp-raise-httpfound", "redirect", True, r"""
from aiohttp import web

routes = web.RouteTableDef()

@routes.get("/logout")
async def logout(request: web.Request) -> web.Response:
    request.app["sessions"].pop(request.cookies.get("sid"), None)
    raise web.HTTPFound(location=request.query.get("return_to", "/"))  # SINK
"""),
    Case("project-redirect-starlette-oauth-state", "redirect", True, r"""
import base64
import json
from starlette.responses import RedirectResponse

async def oauth_callback(request):
    state = json.loads(base64.urlsafe_b64decode(request.query_params["state"]))
    # exchange request.query_params["code"] for a token here
    return RedirectResponse(state.get("return_to", "/dashboard"), status_code=302)  # SINK
"""),
    Case("project-redirect-fixed-path-prefix-safe", "redirect", False, r"""
from flask import Flask, redirect, request

app = Flask(__name__)

@app.post("/profile/rename")
def rename():
    new_name = request.form["username"].strip()
    # ... persist new_name ...
    return redirect(f"/users/{new_name}/profile")  # SINK
"""),
    Case("project-redirect-aiohttp-destination-map-safe", "redirect", False, r"""
from aiohttp import web

DESTINATIONS = {
    "docs": "https://docs.example.com/",
    "status": "https://status.example.com/",
    "home": "/",
}

async def go(request: web.Request) -> web.Response:
    target = DESTINATIONS.get(request.match_info["key"], "/")
    raise web.HTTPSeeOther(target)  # SINK
"""),
    Case("project-redirect-django-helper-allowed-host-safe", "redirect", False, r"""
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

def _next_or_default(request, default: str = "/") -> str:
    candidate = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return default

def finish_checkout(request):
    return HttpResponseRedirect(_next_or_default(request, "/orders/"))  # SINK
"""),

    # ================================================================ url
    Case("project-url-urljoin-base-override", "url", True, r"""
from urllib.parse import urljoin

import requests
from django.http import JsonResponse

API_BASE = "https://inventory.internal/api/"
http = requests.Session()

def proxy(request):
    resource = request.GET.get("resource", "items")
    upstream = http.get(urljoin(API_BASE, resource), timeout=5)  # SINK
    return JsonResponse(upstream.json(), safe=False)
"""),
    Case("project-url-urllib-request-object", "url", True, r"""
import urllib.request
from flask import Flask, Response, request

app = Flask(__name__)

@app.post("/preview")
def preview():
    url = request.get_json(force=True)["url"]
    req = urllib.request.Request(url, headers={"User-Agent": "preview-bot/1.0"})
    with urllib.request.urlopen(req, timeout=3) as upstream:  # SINK
        return Response(upstream.read(4096), mimetype="text/plain")
"""),
    Case("project-url-webargs-use-kwargs", "url", True, r"""
import requests
from flask import Flask
from webargs import fields
from webargs.flaskparser import use_kwargs

app = Flask(__name__)

@app.post("/webhooks/test")
@use_kwargs({"callback": fields.Url(required=True)}, location="json")
def test_webhook(callback: str):
    resp = requests.post(callback, json={"event": "ping"}, timeout=5)  # SINK
    return {"status": resp.status_code}
"""),
    Case("project-url-fixed-host-path-id-safe", "url", False, r"""
import httpx
from starlette.responses import JSONResponse

STRIPE = "https://api.stripe.com/v1"

async def customer(request):
    customer_id = request.path_params["customer_id"]
    async with httpx.AsyncClient(base_url=STRIPE, timeout=5) as client:
        resp = await client.get(f"/customers/{customer_id}")  # SINK
    return JSONResponse(resp.json())
"""),
    Case("project-url-urlsplit-host-allowlist-safe", "url", False, r"""
from urllib.parse import urlsplit

import httpx
from django.http import HttpResponseBadRequest, JsonResponse

TRUSTED_HOSTS = {"cdn.example.com", "images.example.com"}

def import_image(request):
    url = request.POST.get("url", "")
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname not in TRUSTED_HOSTS:
        return HttpResponseBadRequest("untrusted source")
    resp = httpx.get(url, timeout=10, follow_redirects=False)  # SINK
    return JsonResponse({"bytes": len(resp.content)})
"""),
    Case("project-url-frozen-config-params-safe", "url", False, r"""
from dataclasses import dataclass

import requests
from flask import Flask, request

@dataclass(frozen=True)
class WeatherConfig:
    base_url: str = "https://api.weather.example/v2/forecast"
    timeout: float = 4.0

config = WeatherConfig()
app = Flask(__name__)

@app.get("/forecast")
def forecast():
    resp = requests.get(config.base_url, params={"city": request.args.get("city", "")}, timeout=config.timeout)  # SINK
    return resp.json()
"""),

    # ================================================================ ldap
    Case("project-ldap-ldap3-fastapi-group", "ldap", True, r"""
from fastapi import FastAPI
from ldap3 import Connection, Server

app = FastAPI()
server = Server("ldaps://ldap.corp.example")

@app.get("/groups/{group}/members")
def members(group: str):
    with Connection(server, "cn=reader,dc=corp", "secret", auto_bind=True) as conn:
        conn.search("ou=groups,dc=corp", f"(&(objectClass=groupOfNames)(cn={group}))", attributes=["member"])  # SINK
        return [str(m) for e in conn.entries for m in e.member]
"""),
    Case("project-ldap-flask-wtf-login-helper", "ldap", True, r"""
import ldap
from flask import Flask, redirect
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
app = Flask(__name__)

class LoginForm(FlaskForm):
    username = StringField("Username")
    password = PasswordField("Password")

def find_dn(conn, username: str):
    results = conn.search_s("ou=people,dc=example,dc=org", ldap.SCOPE_SUBTREE, "(uid=%s)" % username, ["dn"])  # SINK
    return results[0][0] if results else None

@app.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit() and find_dn(ldap.initialize("ldap://dir"), form.username.data):
        return redirect("/")
    return "login failed", 401
"""),
    Case("project-ldap-django-auth-backend", "ldap", True, r"""
import ldap
from django.conf import settings
from django.contrib.auth.backends import BaseBackend

class ActiveDirectoryBackend(BaseBackend):
    def authenticate(self, request, username=None, password=None):
        conn = ldap.initialize(settings.AD_URL)
        conn.simple_bind_s(settings.AD_BIND_DN, settings.AD_BIND_PASSWORD)
        found = conn.search_s(settings.AD_BASE, ldap.SCOPE_SUBTREE, "(sAMAccountName=" + username + ")")  # SINK
        if not found:
            return None
        return self._user_for(found[0], password)
"""),
    Case("project-ldap-escaped-or-filter-safe", "ldap", False, r"""
from aiohttp import web
from ldap3.utils.conv import escape_filter_chars

ATTRS = ("cn", "mail", "uid")

async def directory_search(request: web.Request) -> web.Response:
    term = escape_filter_chars(request.query.get("q", ""))
    flt = "(|" + "".join(f"({attr}=*{term}*)" for attr in ATTRS) + ")"
    conn = request.app["ldap"]
    conn.search("ou=people,dc=example,dc=org", flt, attributes=list(ATTRS))  # SINK
    return web.json_response([e.entry_to_json() for e in conn.entries])
"""),
    Case("project-ldap-starlette-regex-early-return-safe", "ldap", False, r"""
import re
from starlette.responses import JSONResponse

USERNAME = re.compile(r"[a-z][a-z0-9_.-]{0,31}")

async def user_profile(request):
    username = request.path_params["username"]
    if USERNAME.fullmatch(username) is None:
        return JSONResponse({"error": "invalid username"}, status_code=400)
    conn = request.app.state.ldap
    conn.search("dc=example,dc=org", f"(uid={username})", attributes=["cn", "mail"])  # SINK
    return JSONResponse({"entries": [e.entry_to_json() for e in conn.entries]})
"""),
    Case("project-ldap-ou-map-base-only-safe", "ldap", False, r"""
from flask import Flask, abort, request
from app.ldap import connection

app = Flask(__name__)
DEPARTMENTS = {"eng": "ou=engineering,dc=corp", "ops": "ou=operations,dc=corp"}

@app.get("/people")
def people():
    base = DEPARTMENTS.get(request.args.get("dept", ""))
    if base is None:
        abort(404)
    connection.search(base, "(objectClass=inetOrgPerson)", attributes=["cn"])  # SINK
    return {"people": [str(e.cn) for e in connection.entries]}
"""),

    # ================================================================ xpath
    Case("project-xpath-lru-cached-compiled", "xpath", True, r"""
from functools import lru_cache

from fastapi import FastAPI
from lxml import etree

app = FastAPI()
CATALOGUE = etree.parse("catalogue.xml")

@lru_cache(maxsize=256)
def product_query(sku: str) -> etree.XPath:
    return etree.XPath(f"//product[sku='{sku}']/price/text()")  # SINK

@app.get("/price/{sku}")
def price(sku: str):
    return {"price": product_query(sku)(CATALOGUE)}
"""),
    Case("project-xpath-django-percent-dict-login", "xpath", True, r"""
from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from lxml import etree

USERS = etree.parse(settings.USERS_XML)

def legacy_login(request):
    params = {"u": request.POST["username"], "p": request.POST["password"]}
    query = "//user[name/text()='%(u)s' and password/text()='%(p)s']" % params
    if not USERS.xpath(query):  # SINK
        return HttpResponseForbidden()
    return HttpResponse("welcome")
"""),
    Case("project-xpath-starlette-format-comprehension", "xpath", True, r"""
from lxml import etree
from starlette.responses import JSONResponse

GLOSSARY = etree.parse("glossary.xml").getroot()

async def terms(request):
    lang = request.query_params.get("lang", "en")
    nodes = GLOSSARY.xpath("//entry[@lang='{}']/term".format(lang))  # SINK
    return JSONResponse([n.text for n in nodes])
"""),
    Case("project-xpath-bound-variables-safe", "xpath", False, r"""
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
ACL = etree.parse("acl.xml")

@app.get("/can")
def can():
    name, role = request.args.get("user", ""), request.args.get("role", "")
    hits = ACL.xpath("//grant[user=$name and role=$role]", name=name, role=role)  # SINK
    return {"allowed": bool(hits)}
"""),
    Case("project-xpath-literal-quoting-helper-safe", "xpath", False, r"""
from aiohttp import web
from lxml import etree

BOOKS = etree.parse("books.xml")

def xpath_literal(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "concat('" + "', \"'\", '".join(value.split("'")) + "')"

async def by_author(request: web.Request) -> web.Response:
    author = xpath_literal(request.query.get("author", ""))
    titles = BOOKS.xpath(f"//book[author={author}]/title/text()")  # SINK
    return web.json_response([str(t) for t in titles])
"""),
    Case("project-xpath-named-query-table-safe", "xpath", False, r"""
from django.http import Http404, JsonResponse
from lxml import etree

INVENTORY = etree.parse("inventory.xml")
QUERIES = {
    "low": "//item[number(stock) < 5]/@id",
    "discontinued": "//item[@status='discontinued']/@id",
}

def report(request, kind):
    try:
        expr = QUERIES[kind]
    except KeyError:
        raise Http404(kind)
    return JsonResponse({"ids": [str(i) for i in INVENTORY.xpath(expr)]})  # SINK
"""),

    # ================================================================ session
    Case("project-session-aiohttp-tenant-json", "session", True, r"""
from aiohttp import web
from aiohttp_session import get_session

async def switch_tenant(request: web.Request) -> web.Response:
    data = await request.json()
    session = await get_session(request)
    session["tenant_id"] = data["tenant"]  # SINK
    return web.json_response({"tenant": data["tenant"]})
"""),
    Case("project-session-flask-check-result-ignored", "session", True, r"""
from flask import Flask, flash, redirect, request, session, url_for
from app.models import User

app = Flask(__name__)

@app.post("/login")
def login():
    form = request.form
    user = User.query.filter_by(email=form["email"]).first()
    if user and user.check_password(form["password"]):
        flash("Welcome back!")
    session["user_email"] = form["email"]  # SINK
    return redirect(url_for("index"))
"""),
    Case("project-session-django-active-org-unchecked", "session", True, r"""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

@login_required
def switch_org(request):
    org_id = request.GET.get("org")
    if org_id:
        request.session["active_org"] = org_id  # SINK
    return redirect("dashboard")
"""),
    Case("project-session-django-membership-lookup-safe", "session", False, r"""
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from orgs.models import Organization

@login_required
def switch_org(request, slug):
    org = get_object_or_404(Organization, slug=slug, members=request.user)
    request.session["active_org"] = org.pk  # SINK
    return redirect("dashboard")
"""),
    Case("project-session-flask-theme-ternary-safe", "session", False, r"""
from flask import Blueprint, redirect, request, session

prefs = Blueprint("prefs", __name__)
THEMES = ("light", "dark", "high-contrast")

@prefs.post("/theme")
def set_theme():
    theme = request.form.get("theme", "")
    session["theme"] = theme if theme in THEMES else "light"  # SINK
    return redirect(request.referrer or "/")
"""),
    Case("project-session-aiohttp-verified-user-row-safe", "session", False, r"""
from aiohttp import web
from aiohttp_session import new_session
from app.auth import check_credentials

async def login(request: web.Request) -> web.Response:
    form = await request.post()
    row = await check_credentials(request.app["db"], form["login"], form["password"])
    if row is None:
        raise web.HTTPUnauthorized()
    session = await new_session(request)
    session["uid"] = row["id"]  # SINK
    raise web.HTTPFound("/")
"""),

    # ================================================================ header
    Case("project-header-starlette-link-header", "header", True, r"""
from starlette.responses import Response

async def page(request):
    cursor = request.query_params.get("cursor", "")
    body = b"[]"
    link = f'</items?cursor={cursor}>; rel="next"'
    return Response(body, media_type="application/json", headers={"Link": link})  # SINK
"""),
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("project-header-aiohttp-content-disposition", "header", False, r"""
from aiohttp import web

async def download(request: web.Request) -> web.Response:
    name = request.query.get("as", "export.csv")
    resp = web.Response(body=b"id,total\n", content_type="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'  # SINK
    return resp
"""),
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("project-header-flask-after-request-hook", "header", False, r"""
from flask import Flask, request

app = Flask(__name__)

@app.after_request
def add_trace_header(response):
    trace = request.args.get("trace")
    if trace:
        response.headers["X-Trace-Id"] = trace  # SINK
    return response
"""),
    Case("project-header-count-of-results-safe", "header", False, r"""
from flask import Flask, jsonify, request
from app.search import search_products

app = Flask(__name__)

@app.get("/products")
def products():
    items = search_products(request.args.get("q", ""))
    resp = jsonify(items)
    resp.headers["X-Total-Count"] = str(len(items))  # SINK
    return resp
"""),
    Case("project-header-accept-language-best-match-safe", "header", False, r"""
from flask import Flask, make_response, render_template, request

app = Flask(__name__)
SUPPORTED = ["en", "de", "fr"]

@app.get("/")
def index():
    lang = request.accept_languages.best_match(SUPPORTED) or "en"
    resp = make_response(render_template("index.html", lang=lang))
    resp.headers["Content-Language"] = lang  # SINK
    return resp
"""),
    Case("project-header-fastapi-resub-filename-safe", "header", False, r"""
import re
from fastapi import FastAPI
from fastapi.responses import Response

app = FastAPI()

@app.get("/export")
def export(name: str = "report"):
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:64]
    headers = {"Content-Disposition": f'attachment; filename="{safe_name}.csv"'}
    return Response("a,b\n", media_type="text/csv", headers=headers)  # SINK
"""),

    # ================================================================ regex
    Case("project-regex-django-highlight-sub", "regex", True, r"""
import re
from django.shortcuts import render
from blog.models import Post

def search(request):
    term = request.GET.get("q", "")
    posts = Post.objects.filter(body__icontains=term)[:20]
    for post in posts:
        post.snippet = re.sub(f"({term})", r"<mark>\1</mark>", post.body[:300], flags=re.IGNORECASE)  # SINK
    return render(request, "search.html", {"posts": posts})
"""),
    Case("project-regex-fastapi-annotated-max-length", "regex", True, r"""
import re
from typing import Annotated
from fastapi import FastAPI, Query
from app.store import all_skus

app = FastAPI()

@app.get("/skus")
def skus(pattern: Annotated[str, Query(max_length=100)]):
    rx = re.compile(pattern)  # SINK
    return [s for s in all_skus() if rx.fullmatch(s)]
"""),
    Case("project-regex-aiohttp-json-rules-loop", "regex", True, r"""
import re
from aiohttp import web

async def validate(request: web.Request) -> web.Response:
    body = await request.json()
    errors = []
    for rule in body.get("rules", []):
        if not re.fullmatch(rule["pattern"], body.get("value", "")):  # SINK
            errors.append(rule.get("message", "invalid"))
    return web.json_response({"errors": errors})
"""),
    Case("project-regex-highlighter-escaped-init-safe", "regex", False, r"""
import re
from flask import Flask, request

class Highlighter:
    def __init__(self, words: list[str]) -> None:
        alternation = "|".join(re.escape(w) for w in words if w)
        self._rx = re.compile(rf"\b({alternation})\b", re.IGNORECASE)  # SINK

    def apply(self, text: str) -> str:
        return self._rx.sub(r"[\1]", text)

app = Flask(__name__)

@app.get("/highlight")
def highlight():
    return Highlighter(request.args.getlist("w")).apply("the quick brown fox")
"""),
    Case("project-regex-user-text-split-safe", "regex", False, r"""
import re
from fastapi import FastAPI

app = FastAPI()
SEPARATORS = re.compile(r"\s*[,;]\s*")

@app.get("/tags/normalise")
def normalise(tags: str = ""):
    parts = SEPARATORS.split(tags.strip())  # SINK
    return sorted({p.lower() for p in parts if p})
"""),
    Case("project-regex-validator-kind-table-safe", "regex", False, r"""
import re
from django.http import JsonResponse

VALIDATORS = {
    "zip": r"\d{5}(-\d{4})?",
    "phone": r"\+?[0-9 ()-]{7,20}",
    "sku": r"[A-Z]{3}-\d{4}",
}

def check_field(request):
    kind = request.GET.get("kind", "zip")
    pattern = VALIDATORS.get(kind, VALIDATORS["zip"])
    ok = re.fullmatch(pattern, request.GET.get("value", "")) is not None  # SINK
    return JsonResponse({"valid": ok})
"""),
    Case("project-regex-starlette-prefix-escape-safe", "regex", False, r"""
import re
from starlette.responses import JSONResponse
from app.index import all_keys

async def keys_with_prefix(request):
    prefix = request.path_params["prefix"]
    matcher = re.compile("^" + re.escape(prefix) + r"[:/]")  # SINK
    return JSONResponse([k for k in all_keys() if matcher.match(k)])
"""),

    # ================================================================ log
    Case("project-log-app-logger-upload-filename", "log", True, r"""
from flask import Flask, request

app = Flask(__name__)
ALLOWED = {".png", ".jpg"}

@app.post("/avatar")
def avatar():
    upload = request.files["avatar"]
    if not any(upload.filename.endswith(ext) for ext in ALLOWED):
        app.logger.warning("rejected upload %s from %s", upload.filename, request.remote_addr)  # SINK
        return "unsupported type", 415
    return "ok"
"""),
    Case("project-log-django-access-middleware-path", "log", True, r"""
import logging
import time

access = logging.getLogger("access")

class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        access.info("%s %s -> %s in %.1fms", request.method, request.path, response.status_code, (time.monotonic() - started) * 1000)  # SINK
        return response
"""),
    Case("project-log-multifile-audit-helper", "log", True, files={
        "audit.py": r"""import logging

_log = logging.getLogger("audit")

def describe(action: str, target: str) -> str:
    return "action=" + action + " target=" + target
""",
        "app.py": r"""import logging
from aiohttp import web
from .audit import describe

log = logging.getLogger("audit")

async def delete_document(request: web.Request) -> web.Response:
    doc = request.match_info["doc"]
    log.info(describe("delete", doc))  # SINK
    return web.json_response({"deleted": doc})
""",
    }),
    Case("project-log-translate-crlf-safe", "log", False, r"""
import logging
from fastapi import FastAPI, Header

app = FastAPI()
logger = logging.getLogger(__name__)
_CONTROL = str.maketrans({"\r": "\\r", "\n": "\\n"})

@app.get("/ping")
def ping(x_client: str = Header(default="unknown")):
    logger.info("ping from client %s", x_client.translate(_CONTROL))  # SINK
    return {"pong": True}
"""),
    Case("project-log-django-integerfield-safe", "log", False, r"""
import logging
from django import forms
from django.http import JsonResponse

log = logging.getLogger(__name__)

class RestockForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=1000)

def restock(request, sku):
    form = RestockForm(request.POST)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    log.info("restock requested: quantity=%d", form.cleaned_data["quantity"])  # SINK
    return JsonResponse({"ok": True})
"""),
    Case("project-log-db-primary-key-safe", "log", False, r"""
import logging
from starlette.responses import JSONResponse
from app.users import find_user

logger = logging.getLogger("auth")

async def reset_password(request):
    form = await request.form()
    user = await find_user(form["email"])
    if user is None:
        return JSONResponse({"sent": True})
    logger.info("password reset requested for user_id=%s", user.id)  # SINK
    return JSONResponse({"sent": True})
"""),
    Case("project-log-urlquote-safe", "log", False, r"""
import logging
from urllib.parse import quote
from aiohttp import web

log = logging.getLogger(__name__)

async def not_found(request: web.Request) -> web.Response:
    log.warning("404 for %s", quote(request.path))  # SINK
    return web.Response(status=404, text="not found")
"""),

    # ================================================================ html
    Case("project-html-starlette-tag-list-join", "html", True, r"""
from starlette.responses import HTMLResponse

async def tag_cloud(request):
    tags = request.query_params.getlist("tag")
    items = "".join(f"<li>{t}</li>" for t in tags)
    return HTMLResponse("<ul class='tags'>" + items + "</ul>")  # SINK
"""),
    Case("project-html-format-html-preformatted", "html", True, r"""
from django.http import HttpResponse
from django.utils.html import format_html

def comment_preview(request):
    comment = request.POST.get("comment", "")
    fragment = format_html("<div class='comment'>" + comment + "</div>")
    return HttpResponse(fragment)  # SINK
"""),
    Case("project-html-aiohttp-404-path", "html", True, r"""
from aiohttp import web

@web.middleware
async def friendly_404(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return web.Response(text=f"<h1>Nothing at {request.path}</h1>", content_type="text/html", status=404)  # SINK
"""),
    Case("project-html-markup-wraps-formatted-str", "html", True, r"""
from flask import Flask, request
from markupsafe import Markup

app = Flask(__name__)

@app.get("/hello")
def hello():
    name = request.args.get("name", "stranger")
    return Markup("<p>Hello, <b>%s</b></p>" % name)  # SINK
"""),
    Case("project-html-markup-mod-escapes-safe", "html", False, r"""
from flask import Flask, request
from markupsafe import Markup

app = Flask(__name__)

@app.get("/hello")
def hello():
    name = request.args.get("name", "stranger")
    return Markup("<p>Hello, <b>%s</b></p>") % name  # SINK
"""),
    Case("project-html-bleach-clean-safe", "html", False, r"""
import bleach
from django.http import HttpResponse

ALLOWED_TAGS = ["b", "i", "em", "strong", "a"]

def render_bio(request):
    bio = bleach.clean(request.POST.get("bio", ""), tags=ALLOWED_TAGS, attributes={"a": ["href"]}, strip=True)
    return HttpResponse(f"<section class='bio'>{bio}</section>")  # SINK
"""),
    Case("project-html-aiohttp-escape-loop-safe", "html", False, r"""
import html
from aiohttp import web

async def echo_form(request: web.Request) -> web.Response:
    data = await request.post()
    rows = []
    for key, value in data.items():
        rows.append(f"<tr><td>{html.escape(key)}</td><td>{html.escape(str(value))}</td></tr>")
    return web.Response(text="<table>" + "".join(rows) + "</table>", content_type="text/html")  # SINK
"""),
    Case("project-html-fastapi-jinja-templates-safe", "html", False, r"""
from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates

app = FastAPI()
templates = Jinja2Templates(directory="templates")

@app.get("/search")
def search(request: Request, q: str = ""):
    return templates.TemplateResponse(request, "search.html", {"q": q})  # SINK
"""),
]
