"""Labelled taint cases, blind framework idioms: held out at first, now regression cases.

Written blind, without reading the engine or its rules (secure_ls/), to measure
how the taint engine generalises to code nobody tuned it for. It deliberately
uses idioms the earlier sets do not: Django REST Framework views, viewsets and
serializers (`validated_data` is still attacker-chosen unless the field is a
choice/typed field), Flask-RESTful `Resource` + `reqparse`, Starlette/FastAPI
`Form()`/`File()`/`Header()` and pydantic validators, Tornado, Falcon, Bottle,
Sanic, Celery tasks fed by a view (multi-file), click/typer CLIs, values kept
on `self`, dataclasses/NamedTuple, `**kwargs` unpacking, `functools.partial`,
lambdas, try/except fallbacks, the walrus operator, `match`, async/await,
generators and decorated views.

Labels follow what a security reviewer would say: a case is vulnerable only if
attacker-controlled data reaches the sink without a protection that works for
that sink. As in the earlier sets, user data written unencoded into a response
header counts as header injection, into the session as session poisoning, and
into a log message as log injection.
"""

from .case import Case

CASES = [
    # ================================================================ sql
    Case("framework-sql-drf-viewset-raw", "sql", True, r"""
from rest_framework import viewsets
from rest_framework.response import Response
from shop.models import Order
from shop.serializers import OrderSerializer

class OrderViewSet(viewsets.ViewSet):
    def list(self, request):
        status = request.query_params.get("status", "open")
        orders = Order.objects.raw(f"SELECT * FROM shop_order WHERE status = '{status}'")  # SINK
        return Response(OrderSerializer(orders, many=True).data)
"""),
    Case("framework-sql-drf-serializer-extra", "sql", True, r"""
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from crm.models import Contact

class SearchSerializer(serializers.Serializer):
    company = serializers.CharField(max_length=80)

class ContactSearch(APIView):
    def post(self, request):
        s = SearchSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        company = s.validated_data["company"]
        qs = Contact.objects.extra(where=["company = '%s'" % company])  # SINK
        return Response({"count": qs.count()})
"""),
    Case("framework-sql-restful-self-init", "sql", True, r"""
from flask_restful import Resource, reqparse
from app.db import get_cursor

class ReportQuery:
    def __init__(self, sort):
        self.sort = sort

    def run(self, cur):
        cur.execute("SELECT id, total FROM reports ORDER BY " + self.sort)  # SINK
        return cur.fetchall()

parser = reqparse.RequestParser()
parser.add_argument("sort", type=str, default="id")

class Reports(Resource):
    def get(self):
        args = parser.parse_args()
        return ReportQuery(args["sort"]).run(get_cursor())
"""),
    Case("framework-sql-click-argument", "sql", True, r"""
import sqlite3
import click

@click.command()
@click.argument("username")
def deactivate(username):
    conn = sqlite3.connect("app.db")
    conn.execute(f"UPDATE users SET active = 0 WHERE name = '{username}'")  # SINK
    conn.commit()
"""),
    Case("framework-sql-celery-task-multifile", "sql", True, files={
        "views.py": r"""from django.http import JsonResponse
from .app import purge_tag

def delete_tag(request):
    purge_tag.delay(request.POST["tag"])
    return JsonResponse({"queued": True})
""",
        "app.py": r"""from celery import shared_task
from django.db import connection

@shared_task
def purge_tag(tag):
    with connection.cursor() as cur:
        cur.execute("DELETE FROM blog_tag WHERE name = '%s'" % tag)  # SINK
""",
    }),
    Case("framework-sql-sqlalchemy-bindparams-safe", "sql", False, r"""
from fastapi import Depends, FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from app.db import get_session

app = FastAPI()

@app.get("/items")
async def items(owner: str, session: AsyncSession = Depends(get_session)):
    stmt = text("SELECT id, title FROM items WHERE owner = :owner").bindparams(owner=owner)
    result = await session.execute(stmt)  # SINK
    return [dict(r._mapping) for r in result]
"""),
    Case("framework-sql-psycopg-identifier-safe", "sql", False, r"""
from flask import Flask, request
from psycopg import sql
from app.db import pool

app = Flask(__name__)

@app.get("/export")
def export():
    column = request.args.get("column", "id")
    query = sql.SQL("SELECT {} FROM invoices WHERE tenant_id = %s").format(sql.Identifier(column))
    with pool.connection() as conn:
        rows = conn.execute(query, (request.args["tenant"],)).fetchall()  # SINK
    return {"rows": rows}
"""),
    Case("framework-sql-drf-choicefield-safe", "sql", False, r"""
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from catalog.models import Product

class ListParams(serializers.Serializer):
    order = serializers.ChoiceField(choices=["name", "price", "created"])

class ProductList(APIView):
    def get(self, request):
        params = ListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        order = params.validated_data["order"]
        rows = Product.objects.raw(f"SELECT * FROM catalog_product ORDER BY {order}")  # SINK
        return Response({"ids": [p.pk for p in rows]})
"""),
    Case("framework-sql-bottle-match-sort-safe", "sql", False, r"""
from bottle import request, route
from app.db import cursor

@route("/posts")
def posts():
    match request.query.get("sort"):
        case "new":
            order = "published DESC"
        case "top":
            order = "score DESC"
        case _:
            order = "id"
    cursor.execute(f"SELECT id, title FROM posts ORDER BY {order}")  # SINK
    return {"posts": cursor.fetchall()}
"""),
    Case("framework-sql-falcon-int-param-safe", "sql", False, r"""
import falcon
from app.db import conn

class AuditLog:
    def on_get(self, req, resp):
        limit = req.get_param_as_int("limit", default=50, min_value=1, max_value=500)
        rows = conn.execute(f"SELECT * FROM audit ORDER BY ts DESC LIMIT {limit}").fetchall()  # SINK
        resp.media = [list(r) for r in rows]

app = falcon.App()
app.add_route("/audit", AuditLog())
"""),
    # ================================================================ shell
    Case("framework-shell-asyncio-subprocess-shell", "shell", True, r"""
import asyncio
from fastapi import FastAPI, Form

app = FastAPI()

@app.post("/dns")
async def dns_lookup(domain: str = Form(...)):
    proc = await asyncio.create_subprocess_shell(f"dig +short {domain}", stdout=asyncio.subprocess.PIPE)  # SINK
    out, _ = await proc.communicate()
    return {"answer": out.decode()}
"""),
    Case("framework-shell-tornado-popen", "shell", True, r"""
import os
import tornado.web

class DiskUsage(tornado.web.RequestHandler):
    def get(self):
        folder = self.get_argument("folder")
        report = os.popen("du -sh /srv/share/" + folder).read()  # SINK
        self.write({"usage": report})
"""),
    Case("framework-shell-typer-cli", "shell", True, r"""
import subprocess
import typer

app = typer.Typer()

@app.command()
def backup(database: str):
    subprocess.run(f"pg_dump {database} > /backups/{database}.sql", shell=True, check=True)  # SINK
"""),
    Case("framework-shell-partial-shell-true", "shell", True, r"""
import functools
import subprocess
from bottle import request, route

sh = functools.partial(subprocess.run, shell=True, check=True)

@route("/thumb")
def thumb():
    name = request.query.image
    sh(f"convert /uploads/{name} -resize 128x128 /thumbs/{name}")  # SINK
    return "ok"
"""),
    Case("framework-shell-sanic-self-init", "shell", True, r"""
import os
from sanic import Sanic, response

app = Sanic("archiver")

class Archiver:
    def __init__(self, folder):
        self.command = "tar czf /tmp/export.tgz " + folder

    def run(self):
        return os.system(self.command)  # SINK

@app.get("/export")
async def export(request):
    Archiver(request.args.get("folder")).run()
    return response.text("done")
"""),
    Case("framework-shell-list-shell-false-safe", "shell", False, r"""
import subprocess
import tornado.web

class FileHistory(tornado.web.RequestHandler):
    def get(self):
        path = self.get_argument("path")
        out = subprocess.run(["git", "log", "--oneline", "--", path], shell=False, capture_output=True, text=True)  # SINK
        self.write({"log": out.stdout})
"""),
    Case("framework-shell-falcon-regex-raise-safe", "shell", False, r"""
import os
import re
import falcon

HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}")

class Ping:
    def on_get(self, req, resp):
        host = req.get_param("host", required=True)
        if not HOST.fullmatch(host):
            raise falcon.HTTPBadRequest(title="invalid host")
        os.system(f"ping -c 1 {host}")  # SINK
        resp.media = {"ok": True}
"""),
    Case("framework-shell-shlex-join-safe", "shell", False, r"""
import shlex
import subprocess
from flask_restful import Resource, reqparse

parser = reqparse.RequestParser()
parser.add_argument("needle", required=True)

class LogGrep(Resource):
    def get(self):
        needle = parser.parse_args()["needle"]
        cmd = shlex.join(["grep", "-F", "--", needle, "/var/log/app.log"])
        result = subprocess.run(cmd, shell=True, capture_output=True, text=True)  # SINK
        return {"lines": result.stdout.splitlines()}
"""),
    Case("framework-shell-match-action-safe", "shell", False, r"""
import os
from fastapi import FastAPI, HTTPException

app = FastAPI()

@app.post("/service/{action}")
def service(action: str):
    match action:
        case "restart":
            cmd = "systemctl restart worker"
        case "status":
            cmd = "systemctl status worker"
        case _:
            raise HTTPException(status_code=400)
    os.system(cmd)  # SINK
    return {"done": action}
"""),
    Case("framework-shell-try-int-fallback-safe", "shell", False, r"""
import os
from bottle import request, route

@route("/tail")
def tail():
    try:
        lines = int(request.query.lines)
    except ValueError:
        lines = 20
    return os.popen(f"tail -n {lines} /var/log/app.log").read()  # SINK
"""),
    # ================================================================ code
    Case("framework-code-drf-compile-eval", "code", True, r"""
from rest_framework.response import Response
from rest_framework.views import APIView

class RuleEvaluator(APIView):
    def post(self, request):
        source = request.data["expression"]
        code = compile(source, "<rule>", "eval")
        result = eval(code, {"__builtins__": {}}, {"order": request.data.get("order", {})})  # SINK
        return Response({"result": result})
"""),
    Case("framework-code-lambda-callback", "code", True, r"""
from flask import Flask, request

app = Flask(__name__)
OPERATIONS = {
    "calc": lambda expr: eval(expr),  # SINK
    "echo": lambda expr: expr,
}

@app.post("/run/<op>")
def run(op):
    return str(OPERATIONS[op](request.form["expr"]))
"""),
    Case("framework-code-sanic-exec", "code", True, r"""
from sanic import Sanic, response

app = Sanic("notebook")

@app.post("/cell")
async def run_cell(request):
    snippet = request.json.get("source", "")
    namespace = {}
    exec(snippet, namespace)  # SINK
    return response.json({"vars": sorted(k for k in namespace if not k.startswith("_"))})
"""),
    Case("framework-code-kwargs-unpack", "code", True, r"""
from flask import Flask, request

app = Flask(__name__)

def apply_formula(formula, **_ignored):
    return eval(formula)  # SINK

@app.post("/price")
def price():
    params = request.get_json()
    return {"price": apply_formula(**params)}
"""),
    Case("framework-code-tornado-formula-table-safe", "code", False, r"""
import tornado.web

FORMULAS = {"vat": "net * 0.2", "gross": "net * 1.2"}

class Calc(tornado.web.RequestHandler):
    def get(self):
        kind = self.get_argument("kind")
        if kind not in FORMULAS:
            raise tornado.web.HTTPError(400)
        net = float(self.get_argument("net"))
        self.write({"value": eval(FORMULAS[kind], {"__builtins__": {}}, {"net": net})})  # SINK
"""),
    Case("framework-code-walrus-float-safe", "code", False, r"""
from flask import Flask, request

app = Flask(__name__)
RATE = 1.2

@app.get("/convert")
def convert():
    if (amount := float(request.args.get("amount", "0"))) <= 0:
        return {"error": "amount must be positive"}, 400
    total = eval(f"{amount} * RATE")  # SINK
    return {"total": total}
"""),
    Case("framework-code-user-value-as-local-safe", "code", False, r"""
from fastapi import FastAPI

app = FastAPI()
BADGE_RULE = "'VIP' if tier.upper() == 'GOLD' else 'standard'"

@app.get("/badge")
def badge(tier: str):
    label = eval(BADGE_RULE, {"__builtins__": {}}, {"tier": tier})  # SINK
    return {"badge": label}
"""),
    Case("framework-code-exec-local-hooks-file-safe", "code", False, r"""
from pathlib import Path
from flask import Flask, request

app = Flask(__name__)
HOOKS = Path(__file__).with_name("hooks.py")

@app.post("/reload")
def reload_hooks():
    namespace = {"requested_by": request.form.get("user", "")}
    exec(compile(HOOKS.read_text(), str(HOOKS), "exec"), namespace)  # SINK
    return {"hooks": sorted(namespace)}
"""),
    # ================================================================ deserialize
    Case("framework-deser-jsonpickle-restful", "deserialize", True, r"""
import jsonpickle
from flask import request
from flask_restful import Resource

class Workspace(Resource):
    def put(self):
        state = jsonpickle.decode(request.get_data(as_text=True))  # SINK
        return {"restored": type(state).__name__}
"""),
    Case("framework-deser-dill-drf", "deserialize", True, r"""
import base64
import dill
from rest_framework.response import Response
from rest_framework.views import APIView

class ModelUpload(APIView):
    def post(self, request):
        blob = base64.b64decode(request.data["model"])
        model = dill.loads(blob)  # SINK
        return Response({"type": type(model).__name__})
"""),
    Case("framework-deser-marshal-tornado", "deserialize", True, r"""
import marshal
import tornado.web

class Bytecode(tornado.web.RequestHandler):
    def post(self):
        code = marshal.loads(self.request.body)  # SINK
        self.write({"names": list(code.co_names)})
"""),
    Case("framework-deser-pickle-uploadfile", "deserialize", True, r"""
import pickle
from fastapi import FastAPI, File, UploadFile

app = FastAPI()

@app.post("/restore")
async def restore(snapshot: UploadFile = File(...)):
    state = pickle.load(snapshot.file)  # SINK
    return {"keys": list(state)}
"""),
    Case("framework-deser-yaml-unsafe-load-falcon", "deserialize", True, r"""
import falcon
import yaml

class Pipeline:
    def on_post(self, req, resp):
        spec = yaml.unsafe_load(req.stream.read())  # SINK
        resp.media = {"stages": len(spec["stages"])}

app = falcon.App()
app.add_route("/pipelines", Pipeline())
""", rule="SLS104"),
    Case("framework-deser-shelve-server-file-safe", "deserialize", False, r"""
import shelve
from bottle import request, route

CACHE = "/var/cache/app/previews"

@route("/preview")
def preview():
    key = request.query.key
    with shelve.open(CACHE, flag="r") as db:  # SINK
        return db.get(key, {})
"""),
    Case("framework-deser-pickle-roundtrip-copy-safe", "deserialize", False, r"""
import pickle
from sanic import Sanic, response

app = Sanic("drafts")

@app.post("/drafts")
async def new_draft(request):
    # deep copy of the JSON body: the pickle is produced by us, from plain JSON types
    draft = pickle.loads(pickle.dumps(request.json))  # SINK
    draft["status"] = "draft"
    return response.json(draft)
"""),
    Case("framework-deser-dill-local-model-safe", "deserialize", False, r"""
import dill
from fastapi import FastAPI

app = FastAPI()
MODEL_PATH = "/opt/models/scorer.dill"

with open(MODEL_PATH, "rb") as fh:
    scorer = dill.load(fh)  # SINK

@app.get("/score")
def score(text: str):
    return {"score": scorer(text)}
"""),
    Case("framework-deser-django-signing-safe", "deserialize", False, r"""
import base64
import pickle
from django.core import signing
from django.http import JsonResponse

def resume_wizard(request):
    try:
        payload = signing.loads(request.COOKIES["wizard"], salt="wizard", max_age=3600)
    except (KeyError, signing.BadSignature):
        return JsonResponse({"step": 1})
    state = pickle.loads(base64.b64decode(payload["state"]))  # SINK
    return JsonResponse({"step": state["step"]})
"""),
    # ================================================================ xml
    Case("framework-xml-falcon-iterparse", "xml", True, r"""
import xml.etree.ElementTree as ET
import falcon

class Import:
    def on_post(self, req, resp):
        count = 0
        for _event, elem in ET.iterparse(req.stream):  # SINK
            if elem.tag == "record":
                count += 1
        resp.media = {"records": count}
"""),
    Case("framework-xml-lxml-parse-uploadfile", "xml", True, r"""
from fastapi import FastAPI, File, UploadFile
from lxml import etree

app = FastAPI()

@app.post("/sitemap")
async def sitemap(upload: UploadFile = File(...)):
    tree = etree.parse(upload.file)  # SINK
    return {"urls": len(tree.findall(".//{*}loc"))}
""", rule="SLS109"),
    Case("framework-xml-pulldom-tornado", "xml", True, r"""
from xml.dom import pulldom
import tornado.web

class Feed(tornado.web.RequestHandler):
    def post(self):
        titles = []
        events = pulldom.parseString(self.request.body.decode())  # SINK
        for event, node in events:
            if event == pulldom.START_ELEMENT and node.tagName == "title":
                events.expandNode(node)
                titles.append(node.toxml())
        self.write({"titles": titles})
"""),
    Case("framework-xml-lxml-objectify-drf", "xml", True, r"""
from lxml import objectify
from rest_framework.response import Response
from rest_framework.views import APIView

class InvoiceImport(APIView):
    def post(self, request):
        invoice = objectify.fromstring(request.body)  # SINK
        return Response({"total": float(invoice.total)})
""", rule="SLS109"),
    Case("framework-xml-defused-minidom-drf-safe", "xml", False, r"""
from defusedxml import minidom
from rest_framework.response import Response
from rest_framework.views import APIView

class KmlUpload(APIView):
    def post(self, request):
        doc = minidom.parseString(request.body)  # SINK
        return Response({"placemarks": len(doc.getElementsByTagName("Placemark"))})
"""),
    Case("framework-xml-lxml-self-parser-safe", "xml", False, r"""
from lxml import etree
from sanic import Sanic, response

class SafeXml:
    def __init__(self):
        self.parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

    def load(self, data):
        return etree.fromstring(data, self.parser)  # SINK

app = Sanic("orders")
xml = SafeXml()

@app.post("/orders")
async def orders(request):
    root = xml.load(request.body)
    return response.json({"orders": len(root.findall("order"))})
""", rule="SLS109"),
    Case("framework-xml-xmltodict-default-safe", "xml", False, r"""
import xmltodict
from flask import Flask, request

app = Flask(__name__)

@app.post("/webhook/payments")
def payment_webhook():
    # xmltodict.parse defaults to disable_entities=True: entity declarations are refused
    doc = xmltodict.parse(request.data)  # SINK
    return {"status": doc["notification"]["status"]}
"""),
    Case("framework-xml-etree-fixture-file-safe", "xml", False, r"""
import xml.etree.ElementTree as ET
from pathlib import Path
from django.conf import settings
from django.http import JsonResponse

def countries(request):
    tree = ET.parse(Path(settings.BASE_DIR) / "fixtures" / "countries.xml")  # SINK
    wanted = request.GET.get("region", "")
    names = [c.get("name") for c in tree.getroot() if c.get("region") == wanted]
    return JsonResponse({"countries": names})
"""),
    Case("framework-xml-roundtrip-generated-safe", "xml", False, r"""
import xml.etree.ElementTree as ET
from bottle import request, route

@route("/note", method="POST")
def note():
    root = ET.Element("note")
    root.text = request.forms.get("text", "")
    payload = ET.tostring(root)
    parsed = ET.fromstring(payload)  # SINK
    return {"length": len(parsed.text or "")}
"""),
    # ================================================================ path
    Case("framework-path-flask-decorated-view", "path", True, r"""
import functools
import os
from flask import Flask, abort, request

app = Flask(__name__)

def require_token(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.headers.get("X-Token") != os.environ["ADMIN_TOKEN"]:
            abort(403)
        return view(*args, **kwargs)
    return wrapper

@app.get("/logs")
@require_token
def read_log():
    with open(os.path.join("/var/log/app", request.args["name"])) as fh:  # SINK
        return fh.read()
"""),
    Case("framework-path-sanic-response-file", "path", True, r"""
from sanic import Sanic, response

app = Sanic("media")

@app.get("/media")
async def media(request):
    name = request.args.get("name")
    return await response.file(f"/var/www/media/{name}")  # SINK
"""),
    Case("framework-path-celery-rmtree-multifile", "path", True, files={
        "views.py": r"""from flask import Blueprint, request
from .app import cleanup_workspace

bp = Blueprint("ws", __name__)

@bp.delete("/workspace")
def delete_workspace():
    cleanup_workspace.delay(request.json["workspace"])
    return {"queued": True}
""",
        "app.py": r"""import os
import shutil
from celery import shared_task

WORK_ROOT = "/srv/workspaces"

@shared_task
def cleanup_workspace(name):
    shutil.rmtree(os.path.join(WORK_ROOT, name))  # SINK
""",
    }),
    Case("framework-path-dataclass-bottle", "path", True, r"""
from dataclasses import dataclass
from pathlib import Path
from bottle import request, route

@dataclass
class Export:
    filename: str
    body: str

@route("/export", method="POST")
def export():
    job = Export(**request.json)
    Path("/srv/exports", job.filename).write_text(job.body)  # SINK
    return {"saved": job.filename}
"""),
    Case("framework-path-django-safe-join-safe", "path", False, r"""
from django.conf import settings
from django.http import FileResponse
from django.utils._os import safe_join
from rest_framework.views import APIView

class Attachment(APIView):
    def get(self, request):
        path = safe_join(settings.MEDIA_ROOT, request.query_params["file"])
        return FileResponse(open(path, "rb"))  # SINK
"""),
    Case("framework-path-fastapi-int-path-param-safe", "path", False, r"""
from fastapi import FastAPI
from fastapi.responses import FileResponse

app = FastAPI()

@app.get("/invoices/{invoice_id}")
def invoice(invoice_id: int):
    return FileResponse(f"/srv/invoices/{invoice_id}.pdf")  # SINK
"""),
    Case("framework-path-bottle-uuid-safe", "path", False, r"""
import uuid
from bottle import HTTPError, request, route

@route("/results")
def results():
    try:
        job = uuid.UUID(request.query.job)
    except ValueError:
        raise HTTPError(400, "bad job id")
    with open(f"/var/lib/jobs/{job}.json") as fh:  # SINK
        return fh.read()
"""),
    Case("framework-path-falcon-regex-raise-safe", "path", False, r"""
import os
import re
import falcon

REPORT = re.compile(r"[\w-]{1,64}\.csv")

class Reports:
    def on_get(self, req, resp):
        name = req.get_param("name", required=True)
        if not REPORT.fullmatch(name):
            raise falcon.HTTPBadRequest(title="bad name")
        resp.stream = open(os.path.join("/srv/reports", name), "rb")  # SINK
        resp.content_type = "text/csv"
"""),
    # ================================================================ template
    Case("framework-template-drf-jinja-template", "template", True, r"""
from jinja2 import Template
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

class PreviewSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)

class EmailPreview(APIView):
    def post(self, request):
        s = PreviewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        html = Template(s.validated_data["body"]).render(user=request.user)  # SINK
        return Response({"html": html})
"""),
    Case("framework-template-user-format-map", "template", True, r"""
from flask import Flask, request
from flask_login import current_user

app = Flask(__name__)

@app.post("/signature")
def signature():
    pattern = request.form["pattern"]
    return {"text": pattern.format_map({"user": current_user, "app": app})}  # SINK
"""),
    Case("framework-template-django-template-post", "template", True, r"""
from django.http import HttpResponse
from django.template import Context, Template

def render_banner(request):
    template = Template(request.POST["banner"])  # SINK
    return HttpResponse(template.render(Context({"user": request.user})))
"""),
    Case("framework-template-tornado-template", "template", True, r"""
import tornado.template
import tornado.web

class Preview(tornado.web.RequestHandler):
    def post(self):
        tpl = tornado.template.Template(self.get_argument("layout"))  # SINK
        self.write(tpl.generate(name=self.current_user))
"""),
    Case("framework-template-restful-render-string", "template", True, r"""
from flask import render_template_string
from flask_restful import Resource, reqparse

parser = reqparse.RequestParser()
parser.add_argument("message", type=str, location="json")

class Banner(Resource):
    def post(self):
        args = parser.parse_args()
        return {"html": render_template_string("<div class='banner'>" + args["message"] + "</div>")}  # SINK
"""),
    Case("framework-template-sandboxed-env-safe", "template", False, r"""
from fastapi import FastAPI
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel

app = FastAPI()
env = ImmutableSandboxedEnvironment()

class Layout(BaseModel):
    source: str

@app.post("/preview")
def preview(layout: Layout):
    return {"html": env.from_string(layout.source).render(title="Preview")}  # SINK
"""),
    Case("framework-template-sanic-loader-safe", "template", False, r"""
from jinja2 import Environment, PackageLoader, select_autoescape
from sanic import Sanic, response

app = Sanic("site")
env = Environment(loader=PackageLoader("site"), autoescape=select_autoescape())

@app.get("/welcome")
async def welcome(request):
    page = env.get_template("welcome.html").render(name=request.args.get("name", ""))  # SINK
    return response.html(page)
"""),
    Case("framework-template-constant-format-map-safe", "template", False, r"""
from bottle import request, route

GREETING = "Hello {name}, you have {count} new messages"

@route("/greet")
def greet():
    return {"text": GREETING.format_map({"name": request.query.name, "count": 3})}  # SINK
"""),
    Case("framework-template-django-layout-lookup-safe", "template", False, r"""
from django.http import JsonResponse
from django.template import Context, Template

LAYOUTS = {
    "short": "Hi {{ name }}",
    "long": "Dear {{ name }}, thank you for your order.",
}

def notice(request):
    source = LAYOUTS.get(request.GET.get("kind"), LAYOUTS["short"])
    text = Template(source).render(Context({"name": request.GET.get("name", "")}))  # SINK
    return JsonResponse({"text": text})
"""),
    # ================================================================ redirect
    Case("framework-redirect-drf-httpresponseredirect", "redirect", True, r"""
from django.http import HttpResponseRedirect
from rest_framework.views import APIView

class SsoCallback(APIView):
    def get(self, request):
        return_to = request.query_params.get("return_to", "/")
        return HttpResponseRedirect(return_to)  # SINK
"""),
    Case("framework-redirect-fastapi-form", "redirect", True, r"""
from fastapi import FastAPI, Form
from fastapi.responses import RedirectResponse

app = FastAPI()

@app.post("/login")
def login(username: str = Form(...), password: str = Form(...), next_url: str = Form("/")):
    return RedirectResponse(url=next_url, status_code=303)  # SINK
"""),
    Case("framework-redirect-tornado-self-redirect", "redirect", True, r"""
import tornado.web

class Logout(tornado.web.RequestHandler):
    def get(self):
        self.clear_cookie("session")
        self.redirect(self.get_argument("next", "/"))  # SINK
"""),
    Case("framework-redirect-bottle-walrus", "redirect", True, r"""
from bottle import redirect, request, route

@route("/go")
def go():
    if target := request.query.get("to"):
        redirect(target)  # SINK
    redirect("/")
"""),
    Case("framework-redirect-drf-reverse-safe", "redirect", False, r"""
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from rest_framework.views import APIView
from shop.models import Order

class ReorderView(APIView):
    def post(self, request):
        order = get_object_or_404(Order, pk=int(request.data["order"]), owner=request.user)
        return HttpResponseRedirect(reverse("order-detail", args=[order.pk]))  # SINK
"""),
    Case("framework-redirect-starlette-url-for-safe", "redirect", False, r"""
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

app = FastAPI()

@app.get("/users/{user_id}/profile", name="profile")
def profile(user_id: int):
    return {"id": user_id}

@app.get("/me")
def me(request: Request, user_id: int):
    return RedirectResponse(request.url_for("profile", user_id=user_id))  # SINK
"""),
    Case("framework-redirect-tornado-host-allowlist-safe", "redirect", False, r"""
from urllib.parse import urlsplit
import tornado.web

ALLOWED = {"app.example.com", "docs.example.com"}

class Continue(tornado.web.RequestHandler):
    def get(self):
        target = self.get_argument("target")
        parts = urlsplit(target)
        if parts.scheme != "https" or parts.hostname not in ALLOWED:
            raise tornado.web.HTTPError(400)
        self.redirect(target)  # SINK
"""),
    Case("framework-redirect-falcon-try-int-safe", "redirect", False, r"""
import falcon

class NextPage:
    def on_get(self, req, resp):
        try:
            page = int(req.get_param("page") or 1)
        except ValueError:
            page = 1
        raise falcon.HTTPFound(f"/articles?page={page}")  # SINK
"""),
    # ================================================================ url (SSRF)
    Case("framework-url-sanic-aiohttp-session", "url", True, r"""
import aiohttp
from sanic import Sanic, response

app = Sanic("hooks")

@app.post("/hooks/test")
async def test_hook(request):
    url = request.json["callback_url"]
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as resp:  # SINK
            return response.json({"status": resp.status})
"""),
    Case("framework-url-drf-urlfield-httpx", "url", True, r"""
import httpx
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

class FeedSerializer(serializers.Serializer):
    feed_url = serializers.URLField()

class FeedPreview(APIView):
    def post(self, request):
        s = FeedSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        r = httpx.get(s.validated_data["feed_url"], timeout=5)  # SINK
        return Response({"bytes": len(r.content)})
"""),
    Case("framework-url-tornado-urlopen", "url", True, r"""
import urllib.request
import tornado.web

class Fetch(tornado.web.RequestHandler):
    def get(self):
        with urllib.request.urlopen(self.get_argument("src"), timeout=5) as fh:  # SINK
            self.write(fh.read(4096))
"""),
    Case("framework-url-namedtuple-restful", "url", True, r"""
from typing import NamedTuple
import requests
from flask_restful import Resource, reqparse

class Target(NamedTuple):
    host: str
    port: int

parser = reqparse.RequestParser()
parser.add_argument("host", required=True)
parser.add_argument("port", type=int, default=80)

class HealthProbe(Resource):
    def get(self):
        args = parser.parse_args()
        t = Target(args["host"], args["port"])
        return {"up": requests.get(f"http://{t.host}:{t.port}/health", timeout=3).ok}  # SINK
"""),
    Case("framework-url-self-init-session", "url", True, r"""
import requests
from django.http import JsonResponse

class WebhookClient:
    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.session = requests.Session()

    def ping(self):
        return self.session.post(self.endpoint, json={"event": "ping"}, timeout=5)  # SINK

def test_webhook(request):
    client = WebhookClient(request.POST["endpoint"])
    return JsonResponse({"status": client.ping().status_code})
"""),
    Case("framework-url-falcon-params-only-safe", "url", False, r"""
import falcon
import requests

WEATHER_API = "https://api.weather.example.com/v1/current"

class Weather:
    def on_get(self, req, resp):
        city = req.get_param("city", required=True)
        r = requests.get(WEATHER_API, params={"q": city}, timeout=5)  # SINK
        resp.media = r.json()
"""),
    Case("framework-url-pydantic-validator-safe", "url", False, r"""
from urllib.parse import urlsplit
import httpx
from fastapi import FastAPI
from pydantic import BaseModel, field_validator
app = FastAPI()
ALLOWED_HOSTS = {"hooks.slack.com", "discord.com"}
class Hook(BaseModel):
    url: str
    @field_validator("url")
    @classmethod
    def allowed(cls, v):
        parts = urlsplit(v)
        if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
            raise ValueError("host not allowed")
        return v

@app.post("/notify")
async def notify(hook: Hook):
    async with httpx.AsyncClient() as client:
        await client.post(hook.url, json={"text": "deploy finished"})  # SINK
"""),
    Case("framework-url-bottle-match-region-safe", "url", False, r"""
import requests
from bottle import request, route

@route("/status")
def status():
    match request.query.region:
        case "eu":
            base = "https://eu.status.example.com"
        case "us":
            base = "https://us.status.example.com"
        case _:
            base = "https://status.example.com"
    return requests.get(base + "/api/v2/status.json", timeout=5).json()  # SINK
"""),
    Case("framework-url-tornado-dead-after-raise-safe", "url", False, r"""
import requests
import tornado.web

class Preview(tornado.web.RequestHandler):
    def get(self):
        url = self.get_argument("url")
        raise tornado.web.HTTPError(410, "link previews were removed")
        r = requests.get(url, timeout=5)  # SINK
        self.write({"status": r.status_code})
"""),
    # ================================================================ ldap
    Case("framework-ldap-restful-ldap3", "ldap", True, r"""
from flask_restful import Resource, reqparse
from ldap3 import Connection, Server

parser = reqparse.RequestParser()
parser.add_argument("username", required=True)
conn = Connection(Server("ldap://ldap.corp"), auto_bind=True)

class Directory(Resource):
    def get(self):
        username = parser.parse_args()["username"]
        conn.search("dc=corp,dc=example", f"(uid={username})", attributes=["cn", "mail"])  # SINK
        return {"entries": [e.entry_to_json() for e in conn.entries]}
"""),
    Case("framework-ldap-drf-serializer-member", "ldap", True, r"""
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from app.directory import conn

class LookupSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=64)

class GroupLookup(APIView):
    def post(self, request):
        s = LookupSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        flt = "(&(objectClass=groupOfNames)(member=uid=%s,ou=people,dc=corp))" % s.validated_data["login"]
        conn.search("ou=groups,dc=corp", flt)  # SINK
        return Response({"groups": [e.entry_dn for e in conn.entries]})
"""),
    Case("framework-ldap-tornado-initialize-python-ldap", "ldap", True, r"""
import ldap
import tornado.web

class People(tornado.web.RequestHandler):
    def initialize(self, directory):
        self.directory = directory

    def get(self):
        name = self.get_argument("name")
        results = self.directory.search_s("ou=people,dc=corp", ldap.SCOPE_SUBTREE, "(cn=" + name + ")")  # SINK
        self.write({"count": len(results)})
"""),
    Case("framework-ldap-falcon-kwargs-helper", "ldap", True, r"""
import falcon
from app.directory import conn

def find_user(*, uid, **_extra):
    conn.search("ou=people,dc=corp", "(uid=%s)" % uid, attributes=["cn"])  # SINK
    return conn.entries

class Users:
    def on_get(self, req, resp):
        entries = find_user(**req.params)
        resp.media = [e.entry_to_json() for e in entries]
"""),
    Case("framework-ldap-tornado-escape-safe", "ldap", False, r"""
import ldap
from ldap.filter import escape_filter_chars
import tornado.web

class People(tornado.web.RequestHandler):
    def get(self):
        name = escape_filter_chars(self.get_argument("name"))
        results = self.application.ldap.search_s("ou=people,dc=corp", ldap.SCOPE_SUBTREE, f"(cn={name})")  # SINK
        self.write({"count": len(results)})
"""),
    Case("framework-ldap-sanic-fullmatch-safe", "ldap", False, r"""
import re
from sanic import Sanic, response
from sanic.exceptions import BadRequest
from app.directory import conn

app = Sanic("dir")

@app.get("/uid")
async def lookup(request):
    uid = request.args.get("uid", "")
    if not re.fullmatch(r"[a-z0-9._-]{1,32}", uid):
        raise BadRequest("invalid uid")
    conn.search("ou=people,dc=corp", f"(uid={uid})", attributes=["cn"])  # SINK
    return response.json({"found": len(conn.entries)})
"""),
    Case("framework-ldap-bottle-int-safe", "ldap", False, r"""
from bottle import request, route
from app.directory import conn

@route("/employee")
def employee():
    number = int(request.query.number)
    conn.search("ou=people,dc=corp", f"(employeeNumber={number})", attributes=["cn"])  # SINK
    return {"found": [e.cn.value for e in conn.entries]}
"""),
    Case("framework-ldap-python-side-filter-safe", "ldap", False, r"""
from fastapi import FastAPI
from app.directory import conn

app = FastAPI()

@app.get("/members")
def members(team: str):
    conn.search("ou=people,dc=corp", "(objectClass=inetOrgPerson)", attributes=["uid", "ou"])  # SINK
    return [e.uid.value for e in conn.entries if e.ou.value == team]
"""),
    # ================================================================ xpath
    Case("framework-xpath-fastapi-header-concat", "xpath", True, r"""
from fastapi import FastAPI, Header
from lxml import etree

app = FastAPI()
TREE = etree.parse("/etc/app/tenants.xml")

@app.get("/tenant")
def tenant(x_tenant: str = Header(...)):
    nodes = TREE.xpath("//tenant[@name='" + x_tenant + "']/plan/text()")  # SINK
    return {"plan": nodes[0] if nodes else None}
"""),
    Case("framework-xpath-drf-evaluator", "xpath", True, r"""
from lxml import etree
from rest_framework.response import Response
from rest_framework.views import APIView

CATALOG = etree.parse("catalog.xml")

class BookSearch(APIView):
    def get(self, request):
        find = etree.XPathEvaluator(CATALOG)
        title = request.query_params.get("title", "")
        hits = find(f"//book[title='{title}']/@isbn")  # SINK
        return Response({"isbn": [str(h) for h in hits]})
"""),
    Case("framework-xpath-tornado-percent", "xpath", True, r"""
import tornado.web
from lxml import etree

PRICES = etree.parse("prices.xml")

class Price(tornado.web.RequestHandler):
    def get(self):
        sku = self.get_argument("sku")
        price = PRICES.xpath("string(//product[sku='%s']/price)" % sku)  # SINK
        self.write({"price": price})
"""),
    Case("framework-xpath-bottle-self-init", "xpath", True, r"""
from bottle import request, route
from lxml import etree

class Catalog:
    def __init__(self, category):
        self.tree = etree.parse("catalog.xml")
        self.query = f"//item[@category='{category}']/name/text()"

    def names(self):
        return self.tree.xpath(self.query)  # SINK

@route("/items")
def items():
    return {"names": Catalog(request.query.category).names()}
"""),
    Case("framework-xpath-fastapi-header-variable-safe", "xpath", False, r"""
from fastapi import FastAPI, Header
from lxml import etree

app = FastAPI()
TREE = etree.parse("/etc/app/tenants.xml")

@app.get("/tenant")
def tenant(x_tenant: str = Header(...)):
    nodes = TREE.xpath("//tenant[@name=$name]/plan/text()", name=x_tenant)  # SINK
    return {"plan": nodes[0] if nodes else None}
"""),
    Case("framework-xpath-sanic-int-safe", "xpath", False, r"""
from lxml import etree
from sanic import Sanic, response

app = Sanic("orders")
ORDERS = etree.parse("orders.xml")

@app.get("/order")
async def order(request):
    oid = int(request.args.get("id", "0"))
    status = ORDERS.xpath(f"string(//order[@id={oid}]/status)")  # SINK
    return response.json({"status": status})
"""),
    Case("framework-xpath-falcon-match-field-safe", "xpath", False, r"""
import falcon
from lxml import etree

BOOKS = etree.parse("books.xml")

class Field:
    def on_get(self, req, resp):
        match req.get_param("field"):
            case "title" | "author" | "year" as field:
                pass
            case _:
                raise falcon.HTTPBadRequest()
        resp.media = [str(v) for v in BOOKS.xpath(f"//book/{field}/text()")]  # SINK
"""),
    Case("framework-xpath-reject-quote-safe", "xpath", False, r"""
from flask import Flask, abort, request
from lxml import etree

app = Flask(__name__)
USERS = etree.parse("users.xml")

@app.get("/role")
def role():
    name = request.args.get("name", "")
    if "'" in name:
        abort(400)
    return {"role": USERS.xpath(f"string(//user[@name='{name}']/@role)")}  # SINK
"""),
    # ================================================================ session
    Case("framework-session-drf-viewset-action", "session", True, r"""
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

class AccountViewSet(viewsets.ViewSet):
    @action(detail=False, methods=["post"])
    def switch(self, request):
        account_id = request.data.get("account_id")
        request.session["active_account"] = account_id  # SINK
        return Response({"active": account_id})
"""),
    Case("framework-session-restful-tenant", "session", True, r"""
from flask import session
from flask_restful import Resource, reqparse

parser = reqparse.RequestParser()
parser.add_argument("tenant", required=True)

class Tenant(Resource):
    def post(self):
        args = parser.parse_args()
        session["tenant_id"] = args["tenant"]  # SINK
        return {"tenant": args["tenant"]}
"""),
    Case("framework-session-starlette-form-no-check", "session", True, r"""
from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import Route

async def login(request):
    form = await request.form()
    request.session["username"] = form["username"]  # SINK
    return RedirectResponse("/", status_code=303)

app = Starlette(routes=[Route("/login", login, methods=["POST"])])
"""),
    Case("framework-session-walrus-impersonate", "session", True, r"""
from flask import Flask, request, session

app = Flask(__name__)

@app.get("/support")
def support():
    if (uid := request.args.get("as_user")) is not None:
        session["impersonate"] = uid  # SINK
    return "ok"
"""),
    Case("framework-session-drf-choicefield-safe", "session", False, r"""
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

class ThemeSerializer(serializers.Serializer):
    theme = serializers.ChoiceField(choices=["light", "dark", "contrast"])

class Theme(APIView):
    def post(self, request):
        s = ThemeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        request.session["theme"] = s.validated_data["theme"]  # SINK
        return Response({"theme": request.session["theme"]})
"""),
    Case("framework-session-drf-clamped-int-safe", "session", False, r"""
from rest_framework.response import Response
from rest_framework.views import APIView

class PageSize(APIView):
    def post(self, request):
        size = max(10, min(int(request.data.get("size", 25)), 100))
        request.session["page_size"] = size  # SINK
        return Response({"page_size": size})
"""),
    Case("framework-session-starlette-verified-safe", "session", False, r"""
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from app.users import get_user, verify_password

async def login(request):
    form = await request.form()
    user = await get_user(form["username"])
    if user is None or not verify_password(form["password"], user.password_hash):
        raise HTTPException(status_code=401)
    request.session["user_id"] = user.id  # SINK
    return RedirectResponse("/", status_code=303)
"""),
    Case("framework-session-try-lookup-safe", "session", False, r"""
from flask import Flask, request, session

app = Flask(__name__)
LOCALES = {"en": "en_US", "de": "de_DE", "fr": "fr_FR"}

@app.post("/locale")
def set_locale():
    try:
        locale = LOCALES[request.form["lang"]]
    except KeyError:
        locale = "en_US"
    session["locale"] = locale  # SINK
    return {"locale": locale}
"""),
    # ================================================================ header
    Case("framework-header-fastapi-response-headers-kw", "header", True, r"""
from fastapi import FastAPI, Query
from fastapi.responses import Response

app = FastAPI()

@app.get("/download")
def download(filename: str = Query(...)):
    data = b"col1,col2\n"
    return Response(data, media_type="text/csv", headers={"Content-Disposition": f"attachment; filename={filename}"})  # SINK
"""),
    Case("framework-header-falcon-set-header", "header", True, r"""
import falcon

class Download:
    def on_get(self, req, resp):
        name = req.get_param("name", default="report.pdf")
        resp.set_header("Content-Disposition", 'attachment; filename="%s"' % name)  # SINK
        resp.data = b"%PDF-1.4"
"""),
    Case("framework-header-sanic-headers-dict", "header", True, r"""
from sanic import Sanic, response

app = Sanic("pager")

@app.get("/items")
async def items(request):
    cursor = request.args.get("cursor", "")
    return response.json({"items": []}, headers={"Link": f"</items?cursor={cursor}>; rel=next"})  # SINK
"""),
    Case("framework-header-drf-location", "header", True, r"""
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

class UploadSerializer(serializers.Serializer):
    callback = serializers.CharField()

class Upload(APIView):
    def post(self, request):
        s = UploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return Response(status=status.HTTP_201_CREATED, headers={"Location": s.validated_data["callback"]})  # SINK
"""),
    Case("framework-header-fastapi-bounded-int-safe", "header", False, r"""
from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse

app = FastAPI()

@app.get("/items")
def items(limit: int = Query(20, ge=1, le=100)):
    return JSONResponse({"items": []}, headers={"X-Limit": str(limit)})  # SINK
"""),
    Case("framework-header-tornado-match-safe", "header", False, r"""
import tornado.web

class Export(tornado.web.RequestHandler):
    def get(self):
        match self.get_argument("fmt"):
            case "csv":
                ctype = "text/csv"
            case "json":
                ctype = "application/json"
            case _:
                raise tornado.web.HTTPError(400)
        self.set_header("Content-Type", ctype)  # SINK
        self.write("")
"""),
    Case("framework-header-falcon-regex-raise-safe", "header", False, r"""
import re
import falcon

SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")

class Download:
    def on_get(self, req, resp):
        name = req.get_param("name", default="report.pdf")
        if not SAFE_NAME.fullmatch(name):
            raise falcon.HTTPBadRequest(title="bad file name")
        resp.set_header("Content-Disposition", f'attachment; filename="{name}"')  # SINK
        resp.data = b"%PDF-1.4"
"""),
    Case("framework-header-bottle-sha256-etag-safe", "header", False, r"""
import hashlib
from bottle import request, response, route

@route("/echo", method="POST")
def echo():
    body = request.body.read()
    response.set_header("ETag", '"%s"' % hashlib.sha256(body).hexdigest())  # SINK
    return {"size": len(body)}
"""),
    # ================================================================ regex
    Case("framework-regex-tornado-search-comprehension", "regex", True, r"""
import re
import tornado.web

class Grep(tornado.web.RequestHandler):
    def get(self):
        pattern = self.get_argument("pattern")
        with open("/var/log/app.log") as fh:
            hits = [line for line in fh if re.search(pattern, line)]  # SINK
        self.write({"hits": hits[:100]})
"""),
    Case("framework-regex-drf-get-queryset", "regex", True, r"""
import re
from rest_framework import viewsets
from catalog.models import Product
from catalog.serializers import ProductSerializer

class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProductSerializer

    def get_queryset(self):
        rule = self.request.query_params.get("name_like", ".*")
        return [p for p in Product.objects.all() if re.match(rule, p.name)]  # SINK
"""),
    Case("framework-regex-bottle-split", "regex", True, r"""
import re
from bottle import request, route

@route("/tokenize", method="POST")
def tokenize():
    sep = request.forms.get("separator", ",")
    return {"tokens": re.split(sep, request.forms.get("text", ""))}  # SINK
"""),
    Case("framework-regex-sanic-generator", "regex", True, r"""
import re
from sanic import Sanic, response

app = Sanic("search")

def matching(lines, pattern):
    for line in lines:
        if re.search(pattern, line):  # SINK
            yield line

@app.get("/search")
async def search(request):
    with open("/srv/data/names.txt") as fh:
        return response.json(list(matching(fh, request.args.get("q", ""))))
"""),
    Case("framework-regex-map-escape-join-safe", "regex", False, r"""
import re
import tornado.web

class Highlight(tornado.web.RequestHandler):
    def post(self):
        words = self.get_arguments("word")
        pattern = re.compile("|".join(map(re.escape, words)), re.IGNORECASE)  # SINK
        self.write({"marked": pattern.sub(lambda m: m.group(0).upper(), self.get_argument("text"))})
"""),
    Case("framework-regex-fastapi-pattern-table-safe", "regex", False, r"""
import re
from fastapi import FastAPI, HTTPException

app = FastAPI()
PATTERNS = {"email": r"[^@\s]+@[^@\s]+\.[a-z]{2,}", "zip": r"\d{5}"}

@app.get("/validate/{kind}")
def validate(kind: str, value: str):
    if kind not in PATTERNS:
        raise HTTPException(status_code=404)
    return {"valid": re.fullmatch(PATTERNS[kind], value) is not None}  # SINK
"""),
    Case("framework-regex-falcon-isalnum-safe", "regex", False, r"""
import re
import falcon

class Tags:
    def on_get(self, req, resp):
        term = req.get_param("term", required=True)
        if not term.isalnum():
            raise falcon.HTTPBadRequest(title="letters and digits only")
        rx = re.compile(term, re.IGNORECASE)  # SINK
        resp.media = [t for t in ("python", "rust", "go") if rx.search(t)]
"""),
    Case("framework-regex-bottle-clamped-quantifier-safe", "regex", False, r"""
import re
from bottle import request, route

@route("/codes")
def codes():
    try:
        n = max(1, min(int(request.query.digits), 12))
    except ValueError:
        n = 6
    rx = re.compile(rf"\b\d{{{n}}}\b")  # SINK
    return {"codes": rx.findall(request.query.text)}
"""),
    Case("framework-regex-starlette-overwritten-safe", "regex", False, r"""
import re
from starlette.responses import JSONResponse

DEFAULT_PATTERN = r"ERROR|CRITICAL"

async def scan(request):
    pattern = request.query_params.get("pattern", DEFAULT_PATTERN)
    # custom patterns are disabled until we move to RE2
    pattern = DEFAULT_PATTERN
    with open("/var/log/app.log") as fh:
        hits = [line for line in fh if re.search(pattern, line)]  # SINK
    return JSONResponse({"hits": hits[-50:]})
"""),
    # ================================================================ log
    Case("framework-log-drf-extra-formatter", "log", True, r"""
import logging
from rest_framework.response import Response
from rest_framework.views import APIView

logging.basicConfig(format="%(asctime)s user=%(username)s %(message)s")
audit = logging.getLogger("audit")

class Login(APIView):
    def post(self, request):
        audit.warning("login failed", extra={"username": request.data.get("username")})  # SINK
        return Response(status=401)
"""),
    Case("framework-log-tornado-fstring", "log", True, r"""
import logging
import tornado.web

log = logging.getLogger("api")

class Token(tornado.web.RequestHandler):
    def post(self):
        client = self.get_argument("client_id")
        log.warning(f"rejected token request from client {client}")  # SINK
        self.set_status(401)
"""),
    Case("framework-log-celery-task-multifile", "log", True, files={
        "views.py": r"""from django.http import JsonResponse
from .app import send_welcome

def signup(request):
    send_welcome.delay(request.POST["email"])
    return JsonResponse({"ok": True})
""",
        "app.py": r"""import logging
from celery import shared_task

logger = logging.getLogger(__name__)

@shared_task
def send_welcome(email):
    logger.info("sending welcome mail to %s", email)  # SINK
""",
    }),
    Case("framework-log-falcon-exception-handler", "log", True, r"""
import logging
import falcon

log = logging.getLogger(__name__)

class Import:
    def on_post(self, req, resp):
        raw = req.get_param("rows", default="")
        try:
            resp.media = {"rows": int(raw)}
        except ValueError:
            log.exception("could not parse rows=%s", raw)  # SINK
            raise falcon.HTTPBadRequest()
"""),
    Case("framework-log-unicode-escape-safe", "log", False, r"""
import logging
from flask_restful import Resource, reqparse

log = logging.getLogger(__name__)
parser = reqparse.RequestParser()
parser.add_argument("query", default="")

class Search(Resource):
    def get(self):
        q = parser.parse_args()["query"]
        log.info("search query=%s", q.encode("unicode_escape").decode("ascii"))  # SINK
        return {"results": []}
"""),
    Case("framework-log-sanic-fstring-repr-safe", "log", False, r"""
import logging
from sanic import Sanic, response

app = Sanic("auth")
log = logging.getLogger("auth")

@app.post("/login")
async def login(request):
    username = request.form.get("username", "")
    log.warning(f"failed login for {username!r}")  # SINK
    return response.text("denied", status=401)
"""),
    Case("framework-log-drf-uuid-safe", "log", False, r"""
import logging
import uuid
from rest_framework.response import Response
from rest_framework.views import APIView

log = logging.getLogger(__name__)

class JobStatus(APIView):
    def get(self, request):
        job_id = uuid.UUID(request.query_params["job"])
        log.info("status requested for job %s", job_id)  # SINK
        return Response({"job": str(job_id)})
"""),
    Case("framework-log-fastapi-length-only-safe", "log", False, r"""
import logging
from fastapi import FastAPI, File, UploadFile

app = FastAPI()
log = logging.getLogger(__name__)

@app.post("/upload")
async def upload(doc: UploadFile = File(...)):
    data = await doc.read()
    log.info("received upload of %d bytes", len(data))  # SINK
    return {"size": len(data)}
"""),
    # ================================================================ html (XSS)
    Case("framework-html-fastapi-form-htmlresponse", "html", True, r"""
from fastapi import FastAPI, Form
from fastapi.responses import HTMLResponse

app = FastAPI()

@app.post("/contact", response_class=HTMLResponse)
def contact(name: str = Form(...)):
    return HTMLResponse(f"<p>Thanks, {name}! We will be in touch.</p>")  # SINK
"""),
    Case("framework-html-tornado-write", "html", True, r"""
import tornado.web

class Search(tornado.web.RequestHandler):
    def get(self):
        q = self.get_argument("q", "")
        self.write("<h2>Results for " + q + "</h2>")  # SINK
"""),
    Case("framework-html-falcon-resp-text", "html", True, r"""
import falcon

class Greeting:
    def on_get(self, req, resp):
        who = req.get_param("who", default="friend")
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"<div class='greeting'>Hello {who}</div>"  # SINK
"""),
    Case("framework-html-bottle-percent", "html", True, r"""
from bottle import request, route

@route("/notice")
def notice():
    return "<div class='notice'>%s</div>" % request.query.msg  # SINK
"""),
    Case("framework-html-bottle-html-escape-safe", "html", False, r"""
from bottle import html_escape, request, route

@route("/notice")
def notice():
    return "<div class='notice'>%s</div>" % html_escape(request.query.msg)  # SINK
"""),
    Case("framework-html-tornado-xhtml-escape-safe", "html", False, r"""
import tornado.escape
import tornado.web

class Search(tornado.web.RequestHandler):
    def get(self):
        q = tornado.escape.xhtml_escape(self.get_argument("q", ""))
        self.write("<h2>Results for " + q + "</h2>")  # SINK
"""),
    Case("framework-html-sanic-text-plain-safe", "html", False, r"""
from sanic import Sanic, response

app = Sanic("echo")

@app.get("/echo")
async def echo(request):
    return response.text(request.args.get("msg", ""))  # SINK
"""),
    Case("framework-html-jinja-autoescape-safe", "html", False, r"""
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

app = FastAPI()
env = Environment(loader=PackageLoader("shop"), autoescape=select_autoescape(["html"]))

@app.get("/search", response_class=HTMLResponse)
def search(q: str = ""):
    return HTMLResponse(env.get_template("search.html").render(q=q))  # SINK
"""),
    Case("framework-html-drf-json-response-safe", "html", False, r"""
from rest_framework.decorators import api_view
from rest_framework.response import Response

@api_view(["GET"])
def echo(request):
    return Response({"message": request.query_params.get("msg", "")})  # SINK
"""),
]
