"""Labelled taint cases, data-flow idioms: a held-out measurement set (NOT in runner.CASES).

Written blind for issue 12 part E, without reading the engine or its rules
(secure_ls/engine, secure_ls/rules), from the way public Flask, Django, DRF,
FastAPI, Starlette, aiohttp, Tornado and CLI code is written. Like
heldout_project_idioms it is kept out of the regression baseline:
`python -m bench.taint --corpus heldout-dataflow-idioms` scores it on its own.

It covers every sink class and the idioms of issue 12 section C: constants
folded (dead branches, constant ternaries, `match` on a constant, string
methods on constants); containers and fields (dict keys, list indices,
attributes and ConfigParser sections tracked separately, append/insert/
extend/pop, io.StringIO, '{0[k]}'.format(d), .format()/f-strings returned
directly); values across top-level statements and across modules (request
wrappers and sanitiser helpers in another module); sources (request keys via
.keys()/.items(), headers, cookies, uploaded file names, websocket messages,
os.environ set by a CI system or CGI, sys.argv); sinks (path checks and
reads, shutil, send_file, FileResponse, lxml xpath, elementpath, session
writes however spelled); processes beyond shell=True (sh -c / bash -c argv,
os.spawn*, os.exec*, os.posix_spawn, asyncio subprocesses, pty.spawn,
getoutput/getstatusoutput, paramiko, Fabric); optional imports; polynomial
ReDoS; values stored on self from constructor parameters; and the safe
idioms of section B (sanitiser wrappers, reverse()/url_for() results,
text/plain and JSON responses, quote escaping in XPath/LDAP literals,
digits-only early returns).

Labels follow what a security reviewer would say, with the conventions of the
blind_* and heldout_project_idioms sets: a case is vulnerable only if
attacker-controlled data (request data, a websocket message, an environment
variable set by a CI event or CGI request, or CLI arguments of a tool other
programs call) reaches the sink without a protection that works for that sink.
Header cases are vulnerable only where the value does damage without CR/LF (a
reflected CORS origin, a Content-Disposition filename) or where the server does
not reject CR/LF (http.server, raw WSGI); a harmless custom header behind
Tornado's CR/LF check is safe. Polynomial ReDoS cases name SLS127 and unsafe
YAML loads SLS104, the rules for those constructs.
"""

from .case import Case

CASES = [
    # ================================================================ sql
    Case("dataflow-sql-form-keys-as-columns", "sql", True, r"""
import sqlite3
from flask import Flask, g, request

app = Flask(__name__)

@app.post("/profile/<int:user_id>")
def update_profile(user_id):
    assignments, values = [], []
    for field in request.form.keys():
        assignments.append(f"{field} = ?")
        values.append(request.form[field])
    values.append(user_id)
    sql = "UPDATE profiles SET " + ", ".join(assignments) + " WHERE id = ?"
    g.db.execute(sql, values)  # SINK
    g.db.commit()
    return "", 204
"""),
    Case("dataflow-sql-dead-debug-branch-safe", "sql", False, r"""
from django.db import connection
from django.http import JsonResponse

ALLOW_RAW_WHERE = False

def orders(request):
    if ALLOW_RAW_WHERE:
        where = request.GET.get("where", "1=1")
    else:
        where = "status = 'open'"
    with connection.cursor() as cur:
        cur.execute("SELECT id, total FROM orders WHERE " + where)  # SINK
        return JsonResponse({"orders": cur.fetchall()})
"""),
    Case("dataflow-sql-constant-ternary-sort-safe", "sql", False, r"""
import sqlite3
from flask import Flask, jsonify, request

app = Flask(__name__)
CUSTOM_SORT_ENABLED = False

@app.get("/articles")
def articles():
    column = request.args.get("sort", "title") if CUSTOM_SORT_ENABLED else "published_at"
    conn = sqlite3.connect("blog.db")
    rows = conn.execute(f"SELECT id, title FROM articles ORDER BY {column} DESC").fetchall()  # SINK
    return jsonify(rows)
"""),
    Case("dataflow-sql-dict-other-key-safe", "sql", False, r"""
import sqlite3
from flask import Flask, jsonify, request

app = Flask(__name__)

@app.get("/search")
def search():
    filters = {"term": request.args.get("q", ""), "table": "articles", "limit": 20}
    filters["table"] = "published_articles"
    sql = f"SELECT id, title FROM {filters['table']} WHERE title LIKE ? LIMIT {filters['limit']}"
    rows = sqlite3.connect("blog.db").execute(sql, ("%" + filters["term"] + "%",)).fetchall()  # SINK
    return jsonify(rows)
"""),
    Case("dataflow-sql-dict-tainted-key", "sql", True, r"""
import sqlite3
from flask import Flask, jsonify, request

app = Flask(__name__)

@app.get("/search")
def search():
    filters = {"table": "articles", "limit": 20}
    filters["term"] = request.args.get("q", "")
    sql = f"SELECT id, title FROM {filters['table']} WHERE title LIKE '%{filters['term']}%'"
    rows = sqlite3.connect("blog.db").execute(sql).fetchall()  # SINK
    return jsonify(rows)
"""),
    Case("dataflow-sql-format-index-mapping", "sql", True, r"""
from django.db import connection
from django.http import JsonResponse

def by_status(request):
    sql = "SELECT id, customer FROM orders WHERE status = '{0[status]}' AND region = '{0[region]}'".format(request.GET)
    with connection.cursor() as cursor:
        cursor.execute(sql)  # SINK
        return JsonResponse({"rows": cursor.fetchall()})
"""),
    Case("dataflow-sql-stringio-builder", "sql", True, r"""
import io
import psycopg2
from flask import Flask, request

app = Flask(__name__)
conn = psycopg2.connect("dbname=shop")

@app.get("/products")
def products():
    buf = io.StringIO()
    buf.write("SELECT id, name FROM products WHERE 1=1")
    if "brand" in request.args:
        buf.write(" AND brand = '%s'" % request.args["brand"])
    with conn.cursor() as cur:
        cur.execute(buf.getvalue())  # SINK
        return {"products": cur.fetchall()}
"""),
    Case("dataflow-sql-toplevel-argv-statements", "sql", True, r"""
import sqlite3
import sys

# purge.py, run by the nightly job with the tenant slug taken from the ticket queue
tenant = sys.argv[1]
statement = "DELETE FROM sessions WHERE tenant = '%s'" % tenant
conn = sqlite3.connect("/var/lib/app/app.db")
conn.execute(statement)  # SINK
conn.commit()
"""),
    Case("dataflow-sql-toplevel-constant-statements-safe", "sql", False, r"""
import sqlite3

RETENTION_DAYS = 30
TABLE = "audit_log".upper().lower()
statement = f"DELETE FROM {TABLE} WHERE created < date('now', '-{RETENTION_DAYS} days')"
conn = sqlite3.connect("/var/lib/app/app.db")
conn.execute(statement)  # SINK
conn.commit()
"""),
    Case("dataflow-sql-multifile-request-wrapper", "sql", True, files={
        "params.py": r"""from flask import request

def param(name: str, default: str = "") -> str:
    return request.args.get(name, default).strip()
""",
        "app.py": r"""from flask import Flask, jsonify
from sqlalchemy import create_engine, text
from .params import param

app = Flask(__name__)
engine = create_engine("sqlite:///crm.db")

@app.get("/contacts")
def contacts():
    company = param("company")
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT name, email FROM contacts WHERE company = '{company}'")).all()  # SINK
    return jsonify([list(r) for r in rows])
""",
    }),
    Case("dataflow-sql-multifile-id-validator-safe", "sql", False, files={
        "validators.py": r"""import re

from werkzeug.exceptions import BadRequest

def clean_id(value: str) -> str:
    if not re.fullmatch(r"[0-9]{1,10}", value or ""):
        raise BadRequest("invalid id")
    return value
""",
        "app.py": r"""import sqlite3
from flask import Flask, jsonify, request
from .validators import clean_id

app = Flask(__name__)

@app.get("/invoices")
def invoice():
    invoice_id = clean_id(request.args.get("id"))
    conn = sqlite3.connect("billing.db")
    row = conn.execute("SELECT * FROM invoices WHERE id = " + invoice_id).fetchone()  # SINK
    return jsonify(row)
""",
    }),
    Case("dataflow-sql-self-from-constructor", "sql", True, r"""
from django.db import connection
from django.http import JsonResponse

class RegionReport:
    def __init__(self, region, year):
        self.region = region
        self.year = year

    def rows(self):
        sql = f"SELECT month, SUM(total) FROM sales WHERE region = '{self.region}' AND year = %s GROUP BY month"
        with connection.cursor() as cur:
            cur.execute(sql, [self.year])  # SINK
            return cur.fetchall()

def report(request):
    return JsonResponse({"rows": RegionReport(request.GET["region"], int(request.GET["year"])).rows()})
"""),
    Case("dataflow-sql-match-constant-dialect-safe", "sql", False, r"""
import sqlite3
from flask import Flask, jsonify, request

app = Flask(__name__)
DIALECT = "sqlite"

@app.get("/users")
def users():
    match DIALECT:
        case "postgres":
            placeholder = "%s"
        case "sqlite":
            placeholder = "?"
        case _:
            placeholder = request.args.get("ph", "?")
    sql = f"SELECT id, name FROM users WHERE team = {placeholder}"
    rows = sqlite3.connect("app.db").execute(sql, (request.args.get("team", ""),)).fetchall()  # SINK
    return jsonify(rows)
"""),
    Case("dataflow-sql-list-pop-clause", "sql", True, r"""
from fastapi import FastAPI
import sqlite3

app = FastAPI()

@app.get("/events")
def events(kind: str = "", since: str = ""):
    clauses = ["deleted = 0"]
    if kind:
        clauses.insert(0, f"kind = '{kind}'")
    if since:
        clauses.append(f"created >= '{since}'")
    first = clauses.pop(0)
    where = " AND ".join([first] + clauses)
    conn = sqlite3.connect("events.db")
    return conn.execute("SELECT id, kind FROM events WHERE " + where).fetchall()  # SINK
"""),
    Case("dataflow-sql-configparser-other-section-safe", "sql", False, r"""
import configparser
import sqlite3
from flask import Flask, jsonify, request

app = Flask(__name__)
config = configparser.ConfigParser()
config.read("/etc/shop/shop.ini")

@app.get("/catalogue")
def catalogue():
    config["last_request"] = {"category": request.args.get("category", "")}
    table = config["database"]["catalogue_table"]
    sql = f"SELECT sku, title FROM {table} WHERE category = ?"
    rows = sqlite3.connect("shop.db").execute(sql, (config["last_request"]["category"],)).fetchall()  # SINK
    return jsonify(rows)
"""),
    Case("dataflow-sql-configparser-tainted-option", "sql", True, r"""
import configparser
import sqlite3
from flask import Flask, jsonify, request

app = Flask(__name__)
config = configparser.ConfigParser()
config.read("/etc/shop/shop.ini")

@app.get("/catalogue")
def catalogue():
    config.set("filters", "category", request.args.get("category", ""))
    category = config.get("filters", "category")
    rows = sqlite3.connect("shop.db").execute(f"SELECT sku FROM products WHERE category = '{category}'").fetchall()  # SINK
    return jsonify(rows)
"""),

    # ================================================================ shell
    Case("dataflow-shell-sh-c-argv", "shell", True, r"""
import subprocess
from flask import Flask, request

app = Flask(__name__)

@app.post("/diagnostics/ping")
def ping():
    host = request.form["host"]
    proc = subprocess.run(["sh", "-c", f"ping -c 3 {host}"], capture_output=True, text=True, timeout=20)  # SINK
    return {"output": proc.stdout}
"""),
    Case("dataflow-shell-bash-c-check-output-django", "shell", True, r"""
import subprocess
from django.http import JsonResponse

def disk_usage(request):
    folder = request.GET.get("folder", "media")
    out = subprocess.check_output(["/bin/bash", "-c", "du -sh /srv/app/" + folder + " | cut -f1"])  # SINK
    return JsonResponse({"size": out.decode().strip()})
"""),
    Case("dataflow-shell-sh-c-shlex-quote-safe", "shell", False, r"""
import shlex
import subprocess
from flask import Flask, request

app = Flask(__name__)

@app.post("/diagnostics/ping")
def ping():
    host = request.form["host"]
    proc = subprocess.run(["sh", "-c", "ping -c 3 " + shlex.quote(host) + " | tail -n 2"], capture_output=True, text=True)  # SINK
    return {"output": proc.stdout}
"""),
    Case("dataflow-shell-os-spawnvp-program", "shell", True, r"""
import os
from flask import Flask, abort, request

app = Flask(__name__)

@app.post("/convert")
def convert():
    tool = request.form.get("tool", "convert")
    status = os.spawnvp(os.P_WAIT, tool, [tool, "/srv/in/source.png", "/srv/out/result.png"])  # SINK
    if status != 0:
        abort(500)
    return "converted"
"""),
    Case("dataflow-shell-os-execl-sh-c-cgi", "shell", True, r"""
#!/usr/bin/env python3
import os
from urllib.parse import parse_qs

# cgi-bin/lookup.py
params = parse_qs(os.environ.get("QUERY_STRING", ""))
domain = params.get("domain", ["example.com"])[0]
print("Content-Type: text/plain\n", flush=True)
os.execl("/bin/sh", "sh", "-c", "whois " + domain)  # SINK
"""),
    Case("dataflow-shell-posix-spawn-sh", "shell", True, r"""
import os
from aiohttp import web

async def archive(request: web.Request) -> web.Response:
    data = await request.post()
    name = data["name"]
    pid = os.posix_spawn("/bin/sh", ["sh", "-c", f"tar czf /srv/archives/{name}.tgz /srv/data"], os.environ)  # SINK
    _, status = os.waitpid(pid, 0)
    return web.json_response({"status": status})
"""),
    Case("dataflow-shell-asyncio-subprocess-shell", "shell", True, r"""
import asyncio
from fastapi import FastAPI

app = FastAPI()

@app.get("/dns")
async def dns(name: str):
    proc = await asyncio.create_subprocess_shell(f"dig +short {name}", stdout=asyncio.subprocess.PIPE)  # SINK
    out, _ = await proc.communicate()
    return {"answers": out.decode().split()}
"""),
    Case("dataflow-shell-asyncio-subprocess-exec-bash-c", "shell", True, r"""
import asyncio
from aiohttp import web

async def logs(request: web.Request) -> web.Response:
    service = request.query.get("service", "web")
    proc = await asyncio.create_subprocess_exec("bash", "-c", f"journalctl -u {service} -n 100", stdout=asyncio.subprocess.PIPE)  # SINK
    out, _ = await proc.communicate()
    return web.Response(text=out.decode())
"""),
    Case("dataflow-shell-asyncio-subprocess-exec-validated-ip-safe", "shell", False, r"""
import asyncio
import ipaddress
from fastapi import FastAPI, HTTPException

app = FastAPI()

@app.get("/trace")
async def trace(target: str):
    try:
        address = str(ipaddress.ip_address(target))
    except ValueError:
        raise HTTPException(status_code=400, detail="not an IP address")
    proc = await asyncio.create_subprocess_exec("traceroute", "-n", address, stdout=asyncio.subprocess.PIPE)  # SINK
    out, _ = await proc.communicate()
    return {"hops": out.decode().splitlines()}
"""),
    Case("dataflow-shell-pty-spawn-websocket", "shell", True, r"""
import pty
from flask import Flask
from flask_sock import Sock

app = Flask(__name__)
sock = Sock(app)

@sock.route("/tail")
def tail(ws):
    logname = ws.receive()
    pty.spawn(["/bin/bash", "-c", "tail -n 50 /var/log/app/" + logname])  # SINK
"""),
    Case("dataflow-shell-getstatusoutput", "shell", True, r"""
import subprocess
from django.http import JsonResponse
from django.views.decorators.http import require_POST

@require_POST
def check_repo(request):
    url = request.POST["repository"]
    status, output = subprocess.getstatusoutput(f"git ls-remote --heads {url}")  # SINK
    return JsonResponse({"ok": status == 0, "output": output})
"""),
    Case("dataflow-shell-paramiko-exec-command", "shell", True, r"""
import paramiko
from flask import Flask, request

app = Flask(__name__)

@app.post("/deploy/restart")
def restart():
    service = request.json["service"]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect("app1.internal", username="deploy", key_filename="/etc/deploy/id_ed25519")
    _, stdout, _ = client.exec_command(f"sudo systemctl restart {service}")  # SINK
    return {"output": stdout.read().decode()}
"""),
    Case("dataflow-shell-fabric-run", "shell", True, r"""
from fabric import Connection
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()

class Release(BaseModel):
    branch: str

@app.post("/release")
def release(body: Release):
    with Connection("deploy@web1.internal") as c:
        result = c.run(f"cd /srv/app && git checkout {body.branch} && make deploy", hide=True)  # SINK
    return {"stdout": result.stdout}
"""),
    Case("dataflow-shell-fabric-sudo-quoted-safe", "shell", False, r"""
import shlex
from fabric import Connection
from flask import Flask, request

app = Flask(__name__)

@app.post("/services/restart")
def restart():
    service = request.form["service"]
    with Connection("ops@web1.internal") as c:
        c.sudo("systemctl restart " + shlex.quote(service), hide=True)  # SINK
    return "restarted"
"""),
    Case("dataflow-shell-github-head-ref-env", "shell", True, r"""
import os
import subprocess

# .github/scripts/preview.py, run by a pull_request_target workflow
branch = os.environ["GITHUB_HEAD_REF"]
subprocess.run(f"git fetch origin {branch} && git checkout FETCH_HEAD", shell=True, check=True)  # SINK
"""),
    Case("dataflow-shell-dead-legacy-branch-safe", "shell", False, r"""
import subprocess
from flask import Flask, request

app = Flask(__name__)
LEGACY_CONVERTER = False

@app.post("/thumbnails")
def thumbnail():
    name = request.form["name"]
    if LEGACY_CONVERTER:
        cmd = "convert /srv/img/" + name + " -resize 200x200 /srv/thumbs/" + name
    else:
        cmd = "convert /srv/img/latest.png -resize 200x200 /srv/thumbs/latest.png"
    subprocess.run(cmd, shell=True, check=True)  # SINK
    return "ok"
"""),
    Case("dataflow-shell-constant-string-methods-safe", "shell", False, r"""
import os
from flask import Flask

app = Flask(__name__)
BASE_CMD = "  GIT -C /srv/app LOG --oneline -n 5  "

@app.get("/version")
def version():
    command = BASE_CMD.strip().lower().replace("--oneline", "--format=%h")
    return {"status": os.system(command)}  # SINK
"""),
    Case("dataflow-shell-allowlist-table-safe", "shell", False, r"""
import subprocess
from flask import Flask, abort, request

app = Flask(__name__)
COMMANDS = {"uptime": "uptime", "disk": "df -h /", "memory": "free -m"}

@app.get("/status/<check>")
def status(check):
    cmd = COMMANDS.get(check)
    if cmd is None:
        abort(404)
    return subprocess.check_output(cmd, shell=True, text=True)  # SINK
"""),
    Case("dataflow-shell-websocket-fastapi", "shell", True, r"""
import subprocess
from fastapi import FastAPI, WebSocket

app = FastAPI()

@app.websocket("/ws/exec")
async def console(ws: WebSocket):
    await ws.accept()
    while True:
        line = await ws.receive_text()
        output = subprocess.run(line, shell=True, capture_output=True, text=True).stdout  # SINK
        await ws.send_text(output)
"""),
    Case("dataflow-shell-list-extend-joined", "shell", True, r"""
import subprocess
from flask import Flask, request, send_file

app = Flask(__name__)

@app.post("/bundle")
def bundle():
    cmd = ["tar", "czf", "/tmp/bundle.tgz", "-C", "/srv/share"]
    cmd.extend(request.form.getlist("paths"))
    subprocess.run(" ".join(cmd), shell=True, check=True)  # SINK
    return send_file("/tmp/bundle.tgz")
"""),
    Case("dataflow-shell-argv-list-with-separator-safe", "shell", False, r"""
import subprocess
from flask import Flask, request

app = Flask(__name__)

@app.get("/history")
def history():
    path = request.args.get("path", "README.md")
    out = subprocess.run(["git", "-C", "/srv/repo", "log", "--format=%h %s", "--", path], capture_output=True, text=True)  # SINK
    return {"log": out.stdout.splitlines()}
"""),
    Case("dataflow-shell-getoutput-header", "shell", True, r"""
import subprocess
from flask import Flask, request

app = Flask(__name__)

@app.get("/geo")
def geo():
    client = request.headers.get("X-Forwarded-For", request.remote_addr)
    return {"geo": subprocess.getoutput("geoiplookup " + client)}  # SINK
"""),
    Case("dataflow-shell-multifile-quote-helper-safe", "shell", False, files={
        "shellutil.py": r"""import shlex

def render(template: str, **values: str) -> str:
    return template.format(**{k: shlex.quote(v) for k, v in values.items()})
""",
        "app.py": r"""import subprocess
from flask import Flask, request
from .shellutil import render

app = Flask(__name__)

@app.post("/grep")
def grep():
    cmd = render("grep -rn {needle} /srv/docs", needle=request.form["q"])
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout  # SINK
""",
    }),

    # ================================================================ code
    Case("dataflow-code-eval-dead-else-safe", "code", False, r"""
import ast
from flask import Flask, request

app = Flask(__name__)
STRICT_PARSING = True

@app.post("/settings/value")
def parse_value():
    raw = request.form["value"]
    if STRICT_PARSING:
        value = ast.literal_eval(raw)
    else:
        value = eval(raw)  # SINK
    return {"value": repr(value)}
"""),
    Case("dataflow-code-eval-digits-guard-safe", "code", False, r"""
from flask import Flask, abort, request

app = Flask(__name__)

@app.get("/page")
def page():
    raw = request.args.get("n", "1")
    if not raw.isdigit():
        abort(400)
    number = eval(raw)  # SINK
    return {"page": number}
"""),
    Case("dataflow-code-exec-form-items", "code", True, r"""
from flask import Flask, request

app = Flask(__name__)

@app.post("/hooks")
def install_hooks():
    namespace = {}
    for name, source in request.form.items():
        exec(source, namespace)  # SINK
    return {"installed": sorted(k for k in namespace if not k.startswith("__"))}
"""),
    Case("dataflow-code-eval-header", "code", True, r"""
from django.http import JsonResponse
from catalogue.models import Product

def products(request):
    expression = request.headers.get("X-Price-Rule", "price")
    prices = [eval(expression, {"price": p.price}) for p in Product.objects.all()]  # SINK
    return JsonResponse({"prices": prices})
"""),
    Case("dataflow-code-compile-cookie", "code", True, r"""
from flask import Flask, request

app = Flask(__name__)

@app.get("/dashboard")
def dashboard():
    widget_src = request.cookies.get("widget", "result = 'empty'")
    code = compile(widget_src, "<widget>", "exec")
    scope = {}
    exec(code, scope)  # SINK
    return {"widget": scope.get("result")}
"""),
    Case("dataflow-code-multifile-json-wrapper", "code", True, files={
        "body.py": r"""from flask import request

def field(name):
    payload = request.get_json(silent=True) or {}
    return payload.get(name, "")
""",
        "app.py": r"""from flask import Flask
from .body import field

app = Flask(__name__)

@app.post("/calc")
def calc():
    formula = field("formula")
    return {"result": eval(formula, {"__builtins__": {}})}  # SINK
""",
    }),
    Case("dataflow-code-constant-format-safe", "code", False, r"""
from flask import Flask

app = Flask(__name__)
TAX = 0.2

@app.get("/tax-example")
def tax_example():
    expr = "{} * (1 + {})".format(100, TAX)
    return {"total": eval(expr)}  # SINK
"""),
    Case("dataflow-code-self-from-constructor", "code", True, r"""
from rest_framework.response import Response
from rest_framework.views import APIView

class DiscountRule:
    def __init__(self, expression: str) -> None:
        self.expression = expression

    def apply(self, price: float) -> float:
        return eval(self.expression, {"price": price})  # SINK

class PreviewDiscount(APIView):
    def post(self, request):
        rule = DiscountRule(request.data["expression"])
        return Response({"preview": rule.apply(100.0)})
"""),
    Case("dataflow-code-uploaded-script", "code", True, r"""
from fastapi import FastAPI, UploadFile

app = FastAPI()

@app.post("/plugins")
async def upload_plugin(plugin: UploadFile):
    source = (await plugin.read()).decode("utf-8")
    module_globals = {"__name__": plugin.filename}
    exec(compile(source, plugin.filename, "exec"), module_globals)  # SINK
    return {"loaded": plugin.filename}
"""),
    Case("dataflow-code-match-constant-format-safe", "code", False, r"""
import json
from flask import Flask, request

app = Flask(__name__)
PAYLOAD_FORMAT = "json"

@app.post("/import")
def import_data():
    text = request.get_data(as_text=True)
    match PAYLOAD_FORMAT:
        case "json":
            data = json.loads(text)
        case "python":
            data = eval(text)  # SINK
        case _:
            data = None
    return {"count": len(data or [])}
"""),
    Case("dataflow-code-websocket-aiohttp", "code", True, r"""
from aiohttp import web, WSMsgType

async def repl(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            result = eval(msg.data)  # SINK
            await ws.send_str(repr(result))
    return ws
"""),
    Case("dataflow-code-list-index-other-element-safe", "code", False, r"""
from flask import Flask, request

app = Flask(__name__)

@app.post("/bench")
def bench():
    steps = ["sum(range(10))", request.form.get("label", "")]
    return {"label": steps[1], "result": eval(steps[0])}  # SINK
"""),

    # ================================================================ deserialize
    Case("dataflow-deser-optional-yaml-unsafe-loader", "deserialize", True, r"""
from flask import Flask, request

try:
    import yaml
except ImportError:  # optional dependency
    yaml = None

app = Flask(__name__)

@app.post("/workflows")
def import_workflow():
    if yaml is None:
        return {"error": "YAML support not installed"}, 501
    spec = yaml.load(request.get_data(), Loader=yaml.Loader)  # SINK
    return {"steps": len(spec.get("steps", []))}
""", rule="SLS104"),
    Case("dataflow-deser-optional-yaml-safe-load-safe", "deserialize", False, r"""
from flask import Flask, request

try:
    import yaml
except ImportError:
    yaml = None

app = Flask(__name__)

@app.post("/workflows")
def import_workflow():
    if yaml is None:
        return {"error": "YAML support not installed"}, 501
    spec = yaml.safe_load(request.get_data())  # SINK
    return {"steps": len(spec.get("steps", []))}
""", rule="SLS104"),
    Case("dataflow-deser-optional-cpickle-alias", "deserialize", True, r"""
from flask import Flask, request

try:
    import cPickle as pickle
except ImportError:
    import pickle

app = Flask(__name__)

@app.post("/restore")
def restore():
    state = pickle.loads(request.files["snapshot"].read())  # SINK
    return {"keys": sorted(state)}
"""),
    Case("dataflow-deser-pickle-websocket-bytes", "deserialize", True, r"""
import pickle
from fastapi import FastAPI, WebSocket

app = FastAPI()

@app.websocket("/sync")
async def sync(ws: WebSocket):
    await ws.accept()
    while True:
        blob = await ws.receive_bytes()
        update = pickle.loads(blob)  # SINK
        await ws.send_json({"ack": update.get("seq")})
"""),
    Case("dataflow-deser-pickle-hmac-verified-safe", "deserialize", False, r"""
import base64
import hashlib
import hmac
import pickle
from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse

def resume(request):
    blob = base64.urlsafe_b64decode(request.COOKIES.get("wizard", ""))
    signature, payload = blob[:32], blob[32:]
    expected = hmac.new(settings.SECRET_KEY.encode(), payload, hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        return HttpResponseBadRequest("tampered")
    state = pickle.loads(payload)  # SINK
    return JsonResponse({"step": state["step"]})
"""),
    Case("dataflow-deser-marshal-upload", "deserialize", True, r"""
import marshal
from django.http import JsonResponse

def load_bytecode(request):
    code_object = marshal.loads(request.FILES["module"].read())  # SINK
    return JsonResponse({"names": list(code_object.co_names)})
"""),
    Case("dataflow-deser-jsonpickle-body", "deserialize", True, r"""
import jsonpickle
from aiohttp import web

async def put_preferences(request: web.Request) -> web.Response:
    prefs = jsonpickle.decode(await request.text())  # SINK
    request.app["prefs"][request.match_info["user"]] = prefs
    return web.json_response({"ok": True})
"""),
    Case("dataflow-deser-pandas-read-pickle-upload", "deserialize", True, r"""
import pandas as pd
from flask import Flask, request

app = Flask(__name__)

@app.post("/datasets")
def upload_dataset():
    frame = pd.read_pickle(request.files["frame"])  # SINK
    return {"rows": len(frame), "columns": list(frame.columns)}
"""),
    Case("dataflow-deser-pickle-bundled-file-safe", "deserialize", False, r"""
import pickle
from pathlib import Path
from flask import Flask, request

app = Flask(__name__)
MODEL_PATH = Path(__file__).parent / "models" / "classifier.pkl"

@app.post("/classify")
def classify():
    with MODEL_PATH.open("rb") as fh:
        model = pickle.load(fh)  # SINK
    return {"label": model.predict([request.json["text"]])[0]}
"""),
    Case("dataflow-deser-multifile-json-codec-safe", "deserialize", False, files={
        "codec.py": r"""import base64
import json

def decode_state(blob: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(blob.encode()))
""",
        "app.py": r"""from flask import Flask, request
from .codec import decode_state

app = Flask(__name__)

@app.get("/wizard")
def wizard():
    state = decode_state(request.cookies.get("state", "e30="))  # SINK
    return {"step": state.get("step", 1)}
""",
    }),
    Case("dataflow-deser-multifile-pickle-codec", "deserialize", True, files={
        "codec.py": r"""import base64
import pickle

def decode_state(blob: str):
    return pickle.loads(base64.urlsafe_b64decode(blob.encode()))
""",
        "app.py": r"""from flask import Flask, request
from .codec import decode_state

app = Flask(__name__)

@app.get("/wizard")
def wizard():
    state = decode_state(request.cookies.get("state", ""))  # SINK
    return {"step": state.get("step", 1)}
""",
    }),
    Case("dataflow-deser-dead-pickle-branch-safe", "deserialize", False, r"""
import json
import pickle
from flask import Flask, request

app = Flask(__name__)
ACCEPT_PICKLE = False

@app.post("/jobs")
def submit_job():
    body = request.get_data()
    if ACCEPT_PICKLE and request.mimetype == "application/python-pickle":
        job = pickle.loads(body)  # SINK
    else:
        job = json.loads(body)
    return {"queued": job["name"]}
"""),
    Case("dataflow-deser-self-from-constructor", "deserialize", True, r"""
import pickle
from flask import Flask, request

app = Flask(__name__)

class CartCodec:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def cart(self):
        return pickle.loads(self.raw)  # SINK

@app.post("/cart/merge")
def merge_cart():
    return {"items": len(CartCodec(request.get_data()).cart())}
"""),

    # ================================================================ xml
    Case("dataflow-xml-sax-external-entities-on", "xml", True, r"""
import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges
from flask import Flask, request

app = Flask(__name__)

class Counter(ContentHandler):
    def __init__(self):
        super().__init__()
        self.count = 0

    def startElement(self, name, attrs):
        self.count += 1

@app.post("/documents")
def count_elements():
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    handler = Counter()
    parser.setContentHandler(handler)
    parser.parse(request.files["document"])  # SINK
    return {"elements": handler.count}
"""),
    Case("dataflow-xml-optional-defusedxml-required-safe", "xml", False, r"""
from flask import Flask, abort, request

try:
    import defusedxml.ElementTree as SafeET
except ImportError:
    SafeET = None

app = Flask(__name__)

@app.post("/opml")
def import_opml():
    if SafeET is None:
        abort(501)
    root = SafeET.fromstring(request.get_data())  # SINK
    return {"feeds": [o.get("xmlUrl") for o in root.iter("outline")]}
"""),
    Case("dataflow-xml-minidom-websocket", "xml", True, r"""
from xml.dom import minidom
from fastapi import FastAPI, WebSocket

app = FastAPI()

@app.websocket("/xmpp")
async def stanza_stream(ws: WebSocket):
    await ws.accept()
    while True:
        text = await ws.receive_text()
        doc = minidom.parseString(text)  # SINK
        await ws.send_text(doc.documentElement.tagName)
"""),
    Case("dataflow-xml-etree-saml-header", "xml", True, r"""
import base64
import xml.etree.ElementTree as ET
from django.http import JsonResponse

def acs(request):
    assertion = base64.b64decode(request.headers["X-SAML-Response"])
    root = ET.fromstring(assertion)  # SINK
    name_id = root.find(".//{urn:oasis:names:tc:SAML:2.0:assertion}NameID")
    return JsonResponse({"subject": name_id.text if name_id is not None else None})
"""),
    Case("dataflow-xml-multifile-body-wrapper", "xml", True, files={
        "http.py": r"""from flask import request

def raw_body() -> bytes:
    return request.get_data(cache=False)
""",
        "app.py": r"""import xml.etree.ElementTree as ET
from flask import Flask
from .http import raw_body

app = Flask(__name__)

@app.post("/rpc")
def rpc():
    call = ET.fromstring(raw_body())  # SINK
    return {"method": call.findtext("methodName")}
""",
    }),
    Case("dataflow-xml-dead-stdlib-branch-safe", "xml", False, r"""
import xml.etree.ElementTree as ET
import defusedxml.ElementTree as DET
from flask import Flask, request

app = Flask(__name__)
USE_STDLIB_PARSER = False

@app.post("/sitemap")
def sitemap():
    data = request.get_data()
    if USE_STDLIB_PARSER:
        root = ET.fromstring(data)  # SINK
    else:
        root = DET.fromstring(data)
    return {"urls": len(root)}
"""),
    Case("dataflow-xml-stringio-form-field", "xml", True, r"""
import io
import xml.etree.ElementTree as ET
from flask import Flask, request

app = Flask(__name__)

@app.post("/svg/validate")
def validate_svg():
    buffer = io.StringIO()
    buffer.write(request.form["svg"])
    buffer.seek(0)
    tree = ET.parse(buffer)  # SINK
    return {"root": tree.getroot().tag}
"""),
    Case("dataflow-xml-constant-format-safe", "xml", False, r"""
import xml.etree.ElementTree as ET
from flask import Flask

app = Flask(__name__)
MODE = "strict"

@app.get("/config.xml")
def config_xml():
    root = ET.fromstring("<config><mode>{}</mode><retries>{}</retries></config>".format(MODE, 3))  # SINK
    return ET.tostring(root), 200, {"Content-Type": "application/xml"}
"""),
    Case("dataflow-xml-pullparser-stream-feed", "xml", True, r"""
import xml.etree.ElementTree as ET
from starlette.requests import Request
from starlette.responses import JSONResponse

async def ingest(request: Request) -> JSONResponse:
    parser = ET.XMLPullParser(["end"])
    count = 0
    async for chunk in request.stream():
        parser.feed(chunk)  # SINK
        for _event, elem in parser.read_events():
            if elem.tag == "record":
                count += 1
    return JSONResponse({"records": count})
"""),
    Case("dataflow-xml-bundled-file-safe", "xml", False, r"""
import os
import xml.etree.ElementTree as ET
from django.conf import settings
from django.http import JsonResponse

def menu(request):
    tree = ET.parse(os.path.join(settings.BASE_DIR, "config", "menu.xml"))  # SINK
    return JsonResponse({"items": [i.get("label") for i in tree.iter("item")]})
"""),

    # ================================================================ path
    Case("dataflow-path-isfile-then-send-file", "path", True, r"""
import os
from flask import Flask, abort, request, send_file

app = Flask(__name__)
EXPORTS = "/srv/exports"

@app.get("/exports/download")
def download_export():
    path = os.path.join(EXPORTS, request.args["name"])
    if not os.path.isfile(path):
        abort(404)
    return send_file(path, as_attachment=True)  # SINK
"""),
    Case("dataflow-path-exists-probe", "path", True, r"""
import os
from django.http import JsonResponse

MEDIA_ROOT = "/srv/media"

def avatar_exists(request):
    candidate = os.path.join(MEDIA_ROOT, "avatars", request.GET["file"])
    return JsonResponse({"exists": os.path.exists(candidate)})  # SINK
"""),
    Case("dataflow-path-pathlib-read-text", "path", True, r"""
from pathlib import Path
from flask import Flask, request

app = Flask(__name__)
DOCS = Path("/srv/docs")

@app.get("/docs/raw")
def raw_doc():
    page = request.args.get("page", "index.md")
    return (DOCS / page).read_text(encoding="utf-8")  # SINK
"""),
    Case("dataflow-path-pathlib-open-fastapi", "path", True, r"""
from pathlib import Path
from fastapi import FastAPI
from fastapi.responses import Response

app = FastAPI()
ROOT = Path("/var/lib/reports")

@app.get("/reports/{name}")
def report(name: str):
    with Path(ROOT, name).open("rb") as fh:  # SINK
        return Response(fh.read(), media_type="application/pdf")
"""),
    Case("dataflow-path-shutil-copy-dest", "path", True, r"""
import os
import shutil
from flask import Flask, request

app = Flask(__name__)
EXPORT_DIR = "/srv/exports"

@app.post("/reports/export")
def export_report():
    target = os.path.join(EXPORT_DIR, request.form["filename"])
    shutil.copy("/srv/reports/latest.csv", target)  # SINK
    return {"exported": target}
"""),
    Case("dataflow-path-shutil-rmtree-django", "path", True, r"""
import os
import shutil
from django.http import JsonResponse
from django.views.decorators.http import require_POST

WORKSPACES = "/srv/workspaces"

@require_POST
def delete_workspace(request):
    workspace = request.POST["workspace"]
    shutil.rmtree(os.path.join(WORKSPACES, workspace), ignore_errors=True)  # SINK
    return JsonResponse({"deleted": workspace})
"""),
    Case("dataflow-path-fileresponse-query", "path", True, r"""
import os
from fastapi import FastAPI
from fastapi.responses import FileResponse

app = FastAPI()
ATTACHMENTS = "/srv/attachments"

@app.get("/attachments")
def attachment(filename: str):
    return FileResponse(os.path.join(ATTACHMENTS, filename))  # SINK
"""),
    Case("dataflow-path-secure-filename-send-file-safe", "path", False, r"""
import os
from flask import Flask, request, send_file
from werkzeug.utils import secure_filename

app = Flask(__name__)
EXPORTS = "/srv/exports"

@app.get("/exports/download")
def download_export():
    name = secure_filename(request.args["name"])
    return send_file(os.path.join(EXPORTS, name), as_attachment=True)  # SINK
"""),
    Case("dataflow-path-realpath-commonpath-safe", "path", False, r"""
import os
from flask import Flask, abort, request, send_file

app = Flask(__name__)
BASE = os.path.realpath("/srv/public")

@app.get("/files")
def files():
    full = os.path.realpath(os.path.join(BASE, request.args.get("p", "")))
    if os.path.commonpath([full, BASE]) != BASE:
        abort(403)
    return send_file(full)  # SINK
"""),
    Case("dataflow-path-upload-filename-open", "path", True, r"""
import os
from flask import Flask, request

app = Flask(__name__)
UPLOADS = "/srv/uploads"

@app.post("/upload")
def upload():
    f = request.files["file"]
    with open(os.path.join(UPLOADS, f.filename), "wb") as out:  # SINK
        out.write(f.read())
    return {"stored": f.filename}
"""),
    Case("dataflow-path-aiohttp-multipart-filename", "path", True, r"""
from pathlib import Path
from aiohttp import web

INBOX = Path("/srv/inbox")

async def receive(request: web.Request) -> web.Response:
    reader = await request.multipart()
    field = await reader.next()
    dest = INBOX / field.filename
    with dest.open("wb") as fh:  # SINK
        while chunk := await field.read_chunk():
            fh.write(chunk)
    return web.json_response({"saved": field.filename})
"""),
    Case("dataflow-path-self-from-constructor", "path", True, r"""
import os
from flask import Flask, request

app = Flask(__name__)

class NoteStore:
    def __init__(self, root: str, name: str) -> None:
        self.path = os.path.join(root, name)

    def read(self) -> str:
        with open(self.path, encoding="utf-8") as fh:  # SINK
            return fh.read()

@app.get("/notes")
def note():
    return NoteStore("/srv/notes", request.args["note"]).read()
"""),
    Case("dataflow-path-digits-early-return-safe", "path", False, r"""
from flask import Flask, abort, request, send_file

app = Flask(__name__)

@app.get("/invoices/pdf")
def invoice_pdf():
    invoice_id = request.args.get("id", "")
    if not invoice_id.isdigit():
        abort(404)
    return send_file(f"/srv/invoices/{invoice_id}.pdf")  # SINK
"""),
    Case("dataflow-path-dict-other-key-safe", "path", False, r"""
import os
from flask import Flask, request

app = Flask(__name__)

@app.get("/landing")
def landing():
    ctx = {"campaign": request.args.get("utm_campaign", ""), "folder": "/srv/static/landing"}
    with open(os.path.join(ctx["folder"], "index.html"), encoding="utf-8") as fh:  # SINK
        return fh.read().replace("{{campaign}}", ctx["campaign"].isalnum() and ctx["campaign"] or "")
"""),
    Case("dataflow-path-cookie-theme", "path", True, r"""
from flask import Flask, request, Response

app = Flask(__name__)

@app.get("/theme.css")
def theme_css():
    theme = request.cookies.get("theme", "light")
    with open(f"/srv/app/themes/{theme}.css", encoding="utf-8") as fh:  # SINK
        return Response(fh.read(), mimetype="text/css")
"""),
    Case("dataflow-path-configparser-section-safe", "path", False, r"""
import configparser
from flask import Flask, request

app = Flask(__name__)
cfg = configparser.ConfigParser()
cfg.read("/etc/app/app.ini")

@app.get("/logs/tail")
def tail():
    cfg["request"] = {"lines": request.args.get("lines", "50")}
    with open(cfg["paths"]["access_log"], encoding="utf-8") as fh:  # SINK
        return "".join(fh.readlines()[-50:]), 200, {"Content-Type": "text/plain"}
"""),
    Case("dataflow-path-send-from-directory-safe", "path", False, r"""
from flask import Flask, send_from_directory

app = Flask(__name__)

@app.get("/downloads/<path:name>")
def downloads(name):
    return send_from_directory("/srv/downloads", name)  # SINK
"""),
    Case("dataflow-path-multifile-request-wrapper", "path", True, files={
        "inputs.py": r"""from django.http import HttpRequest

def chosen_file(request: HttpRequest) -> str:
    return request.GET.get("file", "default.log")
""",
        "app.py": r"""import os
from django.http import FileResponse
from .inputs import chosen_file

LOG_DIR = "/var/log/app"

def download_log(request):
    return FileResponse(open(os.path.join(LOG_DIR, chosen_file(request)), "rb"))  # SINK
""",
    }),
    Case("dataflow-path-multifile-basename-helper-safe", "path", False, files={
        "safety.py": r"""import os

def leaf(name: str) -> str:
    return os.path.basename(name.replace("\\", "/"))
""",
        "app.py": r"""import os
from flask import Flask, request, send_file
from .safety import leaf

app = Flask(__name__)

@app.get("/thumbs")
def thumbs():
    return send_file(os.path.join("/srv/thumbs", leaf(request.args["img"])))  # SINK
""",
    }),

    # ================================================================ template
    Case("dataflow-template-form-items-source", "template", True, r"""
from flask import Flask, render_template_string, request

app = Flask(__name__)

@app.post("/invoices/preview")
def preview():
    lines = ["<table>"]
    for label, value in request.form.items():
        lines.append(f"<tr><th>{label}</th><td>{{{{ {value} }}}}</td></tr>")
    lines.append("</table>")
    return render_template_string("\n".join(lines), total=42)  # SINK
"""),
    Case("dataflow-template-format-returned-helper", "template", True, r"""
from flask import Flask, render_template_string, request

app = Flask(__name__)

def notice(message):
    return "<div class='notice'>{}</div>{{% include 'footer.html' %}}".format(message)

@app.get("/notice")
def show_notice():
    return render_template_string(notice(request.args.get("msg", "")))  # SINK
"""),
    Case("dataflow-template-django-engine-from-string", "template", True, r"""
from django.http import HttpResponse
from django.template import engines

def greeting_card(request):
    django_engine = engines["django"]
    template = django_engine.from_string("<h1>Dear " + request.GET.get("to", "friend") + ",</h1>{{ body }}")  # SINK
    return HttpResponse(template.render({"body": "Happy holidays"}, request))
"""),
    Case("dataflow-template-constant-ternary-safe", "template", False, r"""
from flask import Flask, render_template_string, request

app = Flask(__name__)
DEFAULT_TEMPLATE = "<p>Hello {{ name }}</p>"
ALLOW_CUSTOM_TEMPLATES = False

@app.get("/hello")
def hello():
    source = request.args.get("tpl", DEFAULT_TEMPLATE) if ALLOW_CUSTOM_TEMPLATES else DEFAULT_TEMPLATE
    return render_template_string(source, name=request.args.get("name", "world"))  # SINK
"""),
    Case("dataflow-template-mako-form", "template", True, r"""
from mako.template import Template
from pyramid.response import Response
from pyramid.view import view_config

@view_config(route_name="signature", request_method="POST")
def signature(request):
    body = request.POST["signature"]
    return Response(Template(body).render(user=request.authenticated_userid))  # SINK
"""),
    Case("dataflow-template-stringio-source", "template", True, r"""
import io
from jinja2 import Environment, select_autoescape
from flask import Flask, request

app = Flask(__name__)
env = Environment(autoescape=select_autoescape())

@app.post("/newsletter/preview")
def newsletter_preview():
    out = io.StringIO()
    out.write("<header>{{ brand }}</header>")
    out.write(request.form["body"])
    return env.from_string(out.getvalue()).render(brand="ACME")  # SINK
"""),
    Case("dataflow-template-dict-other-key-safe", "template", False, r"""
from flask import Flask, render_template_string, request

app = Flask(__name__)

@app.get("/banner")
def banner():
    parts = {"title": request.args.get("title", ""), "layout": "<h2>{{ title }}</h2>"}
    return render_template_string(parts["layout"], title=parts["title"])  # SINK
"""),
    Case("dataflow-template-multifile-allowlisted-name-safe", "template", False, files={
        "themes.py": r"""THEMES = {"light": "themes/light.html", "dark": "themes/dark.html"}

def theme_template(choice: str) -> str:
    return THEMES.get(choice, THEMES["light"])
""",
        "app.py": r"""from flask import Flask, request
from jinja2 import Environment, FileSystemLoader
from .themes import theme_template

app = Flask(__name__)
env = Environment(loader=FileSystemLoader("templates"), autoescape=True)

@app.get("/")
def index():
    return env.get_template(theme_template(request.cookies.get("theme", ""))).render()  # SINK
""",
    }),
    Case("dataflow-template-websocket-jinja", "template", True, r"""
from jinja2 import Template
from starlette.websockets import WebSocket

async def chat(websocket: WebSocket):
    await websocket.accept()
    async for message in websocket.iter_text():
        rendered = Template(message).render(room="general")  # SINK
        await websocket.send_text(rendered)
"""),
    Case("dataflow-template-constant-string-methods-safe", "template", False, r"""
from jinja2 import Template
from flask import Flask, request

app = Flask(__name__)
RAW = "   <p>Welcome, {{ who }}!</p>   "

@app.get("/welcome")
def welcome():
    source = RAW.strip().replace("Welcome", "Hello")
    return Template(source, autoescape=True).render(who=request.args.get("who", "guest"))  # SINK
"""),
    Case("dataflow-template-self-from-constructor", "template", True, r"""
from django.http import HttpResponse
from django.template import Context, Template

class EmailPreview:
    def __init__(self, subject_line):
        self.subject_line = subject_line

    def render(self):
        return Template("<title>" + self.subject_line + "</title>").render(Context({}))  # SINK

def preview(request):
    return HttpResponse(EmailPreview(request.POST.get("subject", "")).render())
"""),

    # ================================================================ redirect
    Case("dataflow-redirect-multifile-safe-next-wrapper-safe", "redirect", False, files={
        "utils.py": r"""from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

def safe_next(request, default="home"):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return reverse(default)
""",
        "app.py": r"""from django.contrib.auth import login
from django.shortcuts import redirect
from .utils import safe_next

def sign_in(request):
    login(request, request.user)
    return redirect(safe_next(request))  # SINK
""",
    }),
    Case("dataflow-redirect-url-for-result-safe", "redirect", False, r"""
from flask import Flask, redirect, request, url_for

app = Flask(__name__)

@app.get("/u")
def short_profile():
    return redirect(url_for("profile", username=request.args["u"]))  # SINK
"""),
    Case("dataflow-redirect-reverse-result-safe", "redirect", False, r"""
from django.http import HttpResponseRedirect
from django.urls import reverse

def legacy_article(request):
    slug = request.GET.get("slug", "")
    return HttpResponseRedirect(reverse("blog:article", kwargs={"slug": slug}))  # SINK
"""),
    Case("dataflow-redirect-referer-header", "redirect", True, r"""
from flask import Flask, redirect, request, session

app = Flask(__name__)

@app.post("/language")
def set_language():
    session["lang"] = "de" if request.form.get("lang") == "de" else "en"
    return redirect(request.headers.get("Referer", "/"))  # SINK
"""),
    Case("dataflow-redirect-startswith-slash", "redirect", True, r"""
from flask import Flask, redirect, request

app = Flask(__name__)

@app.get("/continue")
def continue_to():
    target = request.args.get("next", "/")
    if target.startswith("/"):
        return redirect(target)  # SINK
    return redirect("/")
"""),
    Case("dataflow-redirect-cookie-return-to", "redirect", True, r"""
from django.shortcuts import redirect

def after_sso(request):
    return_to = request.COOKIES.get("return_to", "/")
    return redirect(return_to)  # SINK
"""),
    Case("dataflow-redirect-format-index-subdomain", "redirect", True, r"""
from flask import Flask, redirect, request

app = Flask(__name__)

@app.get("/go")
def tenant_login():
    return redirect("https://{0[tenant]}.example.com/login".format(request.args))  # SINK
"""),
    Case("dataflow-redirect-aiohttp-httpfound", "redirect", True, r"""
from aiohttp import web

routes = web.RouteTableDef()

@routes.get("/logout")
async def logout(request: web.Request) -> web.Response:
    request.app["sessions"].pop(request.cookies.get("sid"), None)
    raise web.HTTPFound(request.query.get("then", "/"))  # SINK
"""),
    Case("dataflow-redirect-allowlist-dict-safe", "redirect", False, r"""
from flask import Flask, redirect, request

app = Flask(__name__)
DESTINATIONS = {"docs": "https://docs.example.com", "status": "https://status.example.com"}

@app.get("/out")
def outbound():
    return redirect(DESTINATIONS.get(request.args.get("to"), "/"))  # SINK
"""),
    Case("dataflow-redirect-self-from-constructor", "redirect", True, r"""
from flask import Flask, redirect, request

app = Flask(__name__)

class LoginFlow:
    def __init__(self, next_url):
        self.next_url = next_url

    def finish(self):
        return redirect(self.next_url)  # SINK

@app.post("/login")
def login():
    flow = LoginFlow(request.args.get("next", "/"))
    return flow.finish()
"""),
    Case("dataflow-redirect-local-wrapper-check-safe", "redirect", False, r"""
from django.conf import settings
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

def is_safe(url):
    return url_has_allowed_host_and_scheme(url, allowed_hosts=settings.ALLOWED_HOSTS)

def done(request):
    nxt = request.GET.get("next", "/")
    if not is_safe(nxt):
        nxt = "/"
    return redirect(nxt)  # SINK
"""),
    Case("dataflow-redirect-starlette-query-params", "redirect", True, r"""
from starlette.responses import RedirectResponse

async def oauth_callback(request):
    state = request.query_params.get("state", "/")
    return RedirectResponse(url=state, status_code=302)  # SINK
"""),
    Case("dataflow-redirect-dead-branch-safe", "redirect", False, r"""
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
HONOUR_NEXT_PARAM = False

@app.post("/signup")
def signup():
    target = url_for("welcome")
    if HONOUR_NEXT_PARAM:
        target = request.args.get("next", target)
    return redirect(target)  # SINK
"""),

    # ================================================================ url
    Case("dataflow-url-form-items-webhooks", "url", True, r"""
import requests
from flask import Flask, request

app = Flask(__name__)

@app.post("/webhooks/test")
def test_webhooks():
    results = {}
    for name, target in request.form.items():
        if name.startswith("hook_"):
            results[name] = requests.post(target, json={"ping": True}, timeout=5).status_code  # SINK
    return results
"""),
    Case("dataflow-url-httpx-pydantic-httpurl", "url", True, r"""
import httpx
from fastapi import FastAPI
from pydantic import BaseModel, HttpUrl

app = FastAPI()

class Preview(BaseModel):
    url: HttpUrl

@app.post("/link-preview")
async def link_preview(body: Preview):
    async with httpx.AsyncClient(timeout=5) as client:
        resp = await client.get(str(body.url))  # SINK
    return {"status": resp.status_code, "length": len(resp.content)}
"""),
    Case("dataflow-url-format-index-host", "url", True, r"""
import requests
from flask import Flask, request

app = Flask(__name__)

@app.get("/health/proxy")
def health_proxy():
    url = "http://{0[host]}:8080/healthz".format(request.args)
    return {"upstream": requests.get(url, timeout=2).status_code}  # SINK
"""),
    Case("dataflow-url-dict-other-key-safe", "url", False, r"""
import requests
from flask import Flask, request

app = Flask(__name__)

@app.get("/search")
def search():
    call = {"q": request.args.get("q", ""), "endpoint": "https://api.example.com/v2/search"}
    resp = requests.get(call["endpoint"], params={"q": call["q"]}, timeout=5)  # SINK
    return resp.json()
"""),
    Case("dataflow-url-fixed-host-quoted-path-safe", "url", False, r"""
from urllib.parse import quote
import requests
from django.http import JsonResponse

def github_user(request):
    login = request.GET.get("login", "")
    resp = requests.get("https://api.github.com/users/" + quote(login, safe=""), timeout=5)  # SINK
    return JsonResponse(resp.json())
"""),
    Case("dataflow-url-urlopen-callback-header", "url", True, r"""
import json
from urllib.request import urlopen
from flask import Flask, request

app = Flask(__name__)

@app.post("/jobs")
def create_job():
    callback = request.headers.get("X-Callback-Url")
    job = {"id": 17, "state": "queued"}
    if callback:
        urlopen(callback, data=json.dumps(job).encode(), timeout=3)  # SINK
    return job
"""),
    Case("dataflow-url-aiohttp-clientsession-query", "url", True, r"""
import aiohttp
from aiohttp import web

async def fetch_feed(request: web.Request) -> web.Response:
    feed = request.query["feed"]
    async with aiohttp.ClientSession() as session:
        async with session.get(feed) as resp:  # SINK
            body = await resp.text()
    return web.json_response({"bytes": len(body)})
"""),
    Case("dataflow-url-host-allowlist-check-safe", "url", False, r"""
from urllib.parse import urlparse
import requests
from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED_HOSTS = {"images.example.com", "cdn.example.com"}

@app.get("/image-proxy")
def image_proxy():
    url = request.args.get("src", "")
    parsed = urlparse(url)
    if parsed.scheme != "https" or parsed.hostname not in ALLOWED_HOSTS:
        abort(400)
    resp = requests.get(url, timeout=5)  # SINK
    return resp.content, 200, {"Content-Type": resp.headers.get("Content-Type", "image/png")}
"""),
    Case("dataflow-url-multifile-client-wrapper", "url", True, files={
        "client.py": r"""import requests

def fetch(url: str) -> bytes:
    return requests.get(url, timeout=5, allow_redirects=True).content
""",
        "app.py": r"""from flask import Flask, request
from .client import fetch

app = Flask(__name__)

@app.post("/import-from-url")
def import_from_url():
    data = fetch(request.json["url"])  # SINK
    return {"imported": len(data)}
""",
    }),
    Case("dataflow-url-match-constant-env-safe", "url", False, r"""
import requests
from flask import Flask

app = Flask(__name__)
DEPLOYMENT = "production"

@app.get("/upstream-status")
def upstream_status():
    match DEPLOYMENT:
        case "production":
            base = "https://api.example.com"
        case "staging":
            base = "https://api.staging.example.com"
        case _:
            base = "http://localhost:9000"
    return {"status": requests.get(base + "/status", timeout=3).status_code}  # SINK
"""),
    Case("dataflow-url-self-from-constructor", "url", True, r"""
import requests
from rest_framework.decorators import api_view
from rest_framework.response import Response

class WebhookSender:
    def __init__(self, target):
        self.target = target

    def send(self, payload):
        return requests.post(self.target, json=payload, timeout=5)  # SINK

@api_view(["POST"])
def register_webhook(request):
    sender = WebhookSender(request.data["target"])
    return Response({"test_status": sender.send({"event": "ping"}).status_code})
"""),
    Case("dataflow-url-list-index-other-element-safe", "url", False, r"""
import requests
from flask import Flask, request

app = Flask(__name__)

@app.get("/weather")
def weather():
    parts = ["https://api.weather.example/v1/forecast", request.args.get("city", "Paris")]
    resp = requests.get(parts[0], params={"city": parts[1]}, timeout=5)  # SINK
    return resp.json()
"""),

    # ================================================================ ldap
    Case("dataflow-ldap-escape-filter-chars-safe", "ldap", False, r"""
from flask import Flask, request
from ldap3 import Connection, Server
from ldap3.utils.conv import escape_filter_chars

app = Flask(__name__)
conn = Connection(Server("ldap://ldap.internal"), "cn=reader,dc=example,dc=com", "secret-from-vault", auto_bind=True)

@app.get("/people")
def people():
    name = escape_filter_chars(request.args.get("name", ""))
    conn.search("ou=people,dc=example,dc=com", f"(&(objectClass=person)(cn={name}*))", attributes=["mail"])  # SINK
    return {"mails": [str(e.mail) for e in conn.entries]}
"""),
    Case("dataflow-ldap-manual-escape-helper-safe", "ldap", False, r"""
import ldap
from django.http import JsonResponse

def ldap_escape(value: str) -> str:
    return (value.replace("\\", r"\5c").replace("*", r"\2a").replace("(", r"\28")
            .replace(")", r"\29").replace("\x00", r"\00"))

def lookup(request):
    uid = ldap_escape(request.GET["uid"])
    conn = ldap.initialize("ldap://ldap.internal")
    result = conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=%s)" % uid, ["cn"])  # SINK
    return JsonResponse({"found": len(result)})
"""),
    Case("dataflow-ldap-form-items-filter", "ldap", True, r"""
from flask import Flask, request
from ldap3 import Connection, Server

app = Flask(__name__)
conn = Connection(Server("ldap://ldap.internal"), auto_bind=True)

@app.post("/directory/search")
def directory_search():
    terms = "".join(f"({attr}={value})" for attr, value in request.form.items())
    conn.search("dc=example,dc=com", "(&(objectClass=person)" + terms + ")", attributes=["cn"])  # SINK
    return {"results": [e.entry_dn for e in conn.entries]}
"""),
    Case("dataflow-ldap-python-ldap-search-s", "ldap", True, r"""
import ldap
from flask import Flask, request

app = Flask(__name__)

@app.get("/groups")
def groups():
    member = request.args["member"]
    l = ldap.initialize("ldap://ldap.internal")
    l.simple_bind_s()
    found = l.search_s("ou=groups,dc=example,dc=com", ldap.SCOPE_SUBTREE, "(memberUid=%s)" % member, ["cn"])  # SINK
    return {"groups": [dn for dn, _ in found]}
"""),
    Case("dataflow-ldap-header-remote-user", "ldap", True, r"""
from django.http import JsonResponse
from ldap3 import Connection, Server

def whoami(request):
    user = request.headers.get("X-Remote-User", "")
    conn = Connection(Server("ldap://ldap.internal"), auto_bind=True)
    conn.search("ou=people,dc=example,dc=com", "(sAMAccountName=" + user + ")", attributes=["displayName"])  # SINK
    return JsonResponse({"entries": len(conn.entries)})
"""),
    Case("dataflow-ldap-multifile-filter-builder", "ldap", True, files={
        "filters.py": r"""def person_filter(username: str) -> str:
    return f"(&(objectClass=inetOrgPerson)(uid={username}))"
""",
        "app.py": r"""from flask import Flask, request
from ldap3 import Connection, Server
from .filters import person_filter

app = Flask(__name__)
conn = Connection(Server("ldap://ldap.internal"), auto_bind=True)

@app.post("/login")
def login():
    conn.search("ou=people,dc=example,dc=com", person_filter(request.form["username"]))  # SINK
    return {"known": bool(conn.entries)}
""",
    }),
    Case("dataflow-ldap-multifile-escaping-builder-safe", "ldap", False, files={
        "filters.py": r"""from ldap3.utils.conv import escape_filter_chars

def person_filter(username: str) -> str:
    return f"(&(objectClass=inetOrgPerson)(uid={escape_filter_chars(username)}))"
""",
        "app.py": r"""from flask import Flask, request
from ldap3 import Connection, Server
from .filters import person_filter

app = Flask(__name__)
conn = Connection(Server("ldap://ldap.internal"), auto_bind=True)

@app.post("/login")
def login():
    conn.search("ou=people,dc=example,dc=com", person_filter(request.form["username"]))  # SINK
    return {"known": bool(conn.entries)}
""",
    }),
    Case("dataflow-ldap-digits-early-return-safe", "ldap", False, r"""
from flask import Flask, abort, request
from ldap3 import Connection, Server

app = Flask(__name__)
conn = Connection(Server("ldap://ldap.internal"), auto_bind=True)

@app.get("/employees")
def employee():
    number = request.args.get("number", "")
    if not number.isdigit():
        abort(400)
    conn.search("ou=staff,dc=example,dc=com", f"(employeeNumber={number})", attributes=["cn"])  # SINK
    return {"cn": [str(e.cn) for e in conn.entries]}
"""),
    Case("dataflow-ldap-self-from-constructor", "ldap", True, r"""
from ldap3 import Connection, Server
from rest_framework.response import Response
from rest_framework.views import APIView

class GroupDirectory:
    def __init__(self, group_name):
        self.group_name = group_name
        self.conn = Connection(Server("ldap://ldap.internal"), auto_bind=True)

    def members(self):
        self.conn.search("ou=groups,dc=example,dc=com", "(cn=%s)" % self.group_name, attributes=["member"])  # SINK
        return [str(m) for e in self.conn.entries for m in e.member]

class GroupMembers(APIView):
    def get(self, request):
        return Response(GroupDirectory(request.query_params["group"]).members())
"""),
    Case("dataflow-ldap-constant-string-methods-safe", "ldap", False, r"""
from flask import Flask
from ldap3 import Connection, Server

app = Flask(__name__)
conn = Connection(Server("ldap://ldap.internal"), auto_bind=True)
OBJECT_CLASS = " GroupOfNames "

@app.get("/groups/all")
def all_groups():
    flt = "(objectClass=%s)" % OBJECT_CLASS.strip().lower()
    conn.search("ou=groups,dc=example,dc=com", flt)  # SINK
    return {"count": len(conn.entries)}
"""),

    # ================================================================ xpath
    Case("dataflow-xpath-lxml-tree-fstring", "xpath", True, r"""
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
USERS = etree.parse("/srv/data/users.xml")

@app.get("/users/role")
def user_role():
    name = request.args.get("name", "")
    roles = USERS.xpath(f"//user[name='{name}']/role/text()")  # SINK
    return {"roles": [str(r) for r in roles]}
"""),
    Case("dataflow-xpath-elementpath-select", "xpath", True, r"""
import xml.etree.ElementTree as ET
import elementpath
from flask import Flask, request

app = Flask(__name__)
CATALOG = ET.parse("/srv/data/catalog.xml").getroot()

@app.get("/books")
def books():
    isbn = request.args["isbn"]
    found = elementpath.select(CATALOG, f"//book[@isbn='{isbn}']/title")  # SINK
    return {"titles": [t.text for t in found]}
"""),
    Case("dataflow-xpath-variables-safe", "xpath", False, r"""
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
USERS = etree.parse("/srv/data/users.xml")

@app.get("/users/role")
def user_role():
    roles = USERS.xpath("//user[name=$name]/role/text()", name=request.args.get("name", ""))  # SINK
    return {"roles": [str(r) for r in roles]}
"""),
    Case("dataflow-xpath-elementpath-doubled-quotes-safe", "xpath", False, r"""
import xml.etree.ElementTree as ET
import elementpath
from flask import Flask, request

app = Flask(__name__)
CATALOG = ET.parse("/srv/data/catalog.xml").getroot()

@app.get("/books")
def books():
    author = request.args.get("author", "").replace("'", "''")
    found = elementpath.select(CATALOG, f"//book[author = '{author}']/title")  # SINK
    return {"titles": [t.text for t in found]}
"""),
    Case("dataflow-xpath-literal-helper-safe", "xpath", False, r"""
from django.http import JsonResponse
from lxml import etree

DOC = etree.parse("/srv/data/products.xml")

def xpath_literal(value: str) -> str:
    if "'" not in value:
        return "'" + value + "'"
    if '"' not in value:
        return '"' + value + '"'
    return "concat('" + value.replace("'", "', \"'\", '") + "')"

def product(request):
    sku = xpath_literal(request.GET.get("sku", ""))
    nodes = DOC.xpath("//product[@sku=" + sku + "]/price/text()")  # SINK
    return JsonResponse({"price": nodes[0] if nodes else None})
"""),
    Case("dataflow-xpath-compiled-xpath-class", "xpath", True, r"""
from lxml import etree
from fastapi import FastAPI

app = FastAPI()
TREE = etree.parse("/srv/data/inventory.xml")

@app.get("/stock")
def stock(warehouse: str):
    query = etree.XPath("//item[@warehouse='" + warehouse + "']/@qty")  # SINK
    return {"qty": [int(q) for q in query(TREE)]}
"""),
    Case("dataflow-xpath-digits-early-return-safe", "xpath", False, r"""
from flask import Flask, abort, request
from lxml import etree

app = Flask(__name__)
FEED = etree.parse("/srv/data/feed.xml")

@app.get("/feed/item")
def feed_item():
    index = request.args.get("i", "1")
    if not index.isdigit():
        abort(400)
    titles = FEED.xpath(f"(//item)[{index}]/title/text()")  # SINK
    return {"title": titles[0] if titles else None}
"""),
    Case("dataflow-xpath-multifile-request-wrapper", "xpath", True, files={
        "args.py": r"""from flask import request

def query_arg(name: str) -> str:
    return request.args.get(name, "")
""",
        "app.py": r"""from flask import Flask
from lxml import etree
from .args import query_arg

app = Flask(__name__)
DOC = etree.parse("/srv/data/products.xml")

@app.get("/price")
def price():
    nodes = DOC.xpath("//product[@sku='" + query_arg("sku") + "']/price/text()")  # SINK
    return {"price": nodes[0] if nodes else None}
""",
    }),
    Case("dataflow-xpath-dict-other-key-safe", "xpath", False, r"""
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
DOC = etree.parse("/srv/data/products.xml")

@app.get("/products")
def products():
    q = {"label": request.args.get("label", ""), "expr": "//product[@public='true']/@sku"}
    return {"label": q["label"], "skus": [str(s) for s in DOC.xpath(q["expr"])]}  # SINK
"""),
    Case("dataflow-xpath-constant-ternary-safe", "xpath", False, r"""
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
DOC = etree.parse("/srv/data/items.xml")
STRICT = True

@app.get("/items")
def items():
    expr = "//item[@public='1']/@id" if STRICT else "//item[" + request.args.get("filter", "1") + "]/@id"
    return {"ids": [str(i) for i in DOC.xpath(expr)]}  # SINK
"""),
    Case("dataflow-xpath-cookie-xpathevaluator", "xpath", True, r"""
from django.http import JsonResponse
from lxml import etree

DOC = etree.parse("/srv/data/preferences.xml")

def preferences(request):
    profile = request.COOKIES.get("profile", "default")
    evaluate = etree.XPathEvaluator(DOC)
    values = evaluate("//profile[@name='%s']/setting/@value" % profile)  # SINK
    return JsonResponse({"values": [str(v) for v in values]})
"""),

    # ================================================================ session
    Case("dataflow-session-flask-update", "session", True, r"""
from flask import Flask, redirect, request, session

app = Flask(__name__)

@app.post("/preferences")
def preferences():
    session.update({"timezone": request.form["timezone"], "theme": request.form.get("theme", "light")})  # SINK
    return redirect("/")
"""),
    Case("dataflow-session-flask-setdefault", "session", True, r"""
from flask import Flask, request, session

app = Flask(__name__)

@app.get("/landing")
def landing():
    session.setdefault("referrer_code", request.args.get("ref", ""))  # SINK
    return "welcome"
"""),
    Case("dataflow-session-django-query-items", "session", True, r"""
from django.shortcuts import render

def product_list(request):
    request.session["filters"] = dict(request.GET.items())  # SINK
    return render(request, "products/list.html")
"""),
    Case("dataflow-session-starlette-next", "session", True, r"""
from starlette.responses import RedirectResponse

async def login_page(request):
    request.session["return_to"] = request.query_params.get("next", "/")  # SINK
    return RedirectResponse("/auth/start")
"""),
    Case("dataflow-session-allowlist-language-safe", "session", False, r"""
from flask import Flask, redirect, request, session

app = Flask(__name__)
SUPPORTED = {"en", "de", "fr"}

@app.get("/lang/<code>")
def set_lang(code):
    lang = request.args.get("lang", code)
    if lang not in SUPPORTED:
        lang = "en"
    session["lang"] = lang  # SINK
    return redirect("/")
"""),
    Case("dataflow-session-url-for-safe", "session", False, r"""
from flask import Flask, redirect, request, session, url_for

app = Flask(__name__)

@app.get("/checkout")
def checkout():
    session["after_login"] = url_for("cart", coupon=request.args.get("coupon"))  # SINK
    return redirect(url_for("login"))
"""),
    Case("dataflow-session-constant-ternary-role-safe", "session", False, r"""
from flask import Flask, request, session

app = Flask(__name__)
TRUST_CLIENT_ROLE = False

@app.post("/join")
def join():
    role = request.form.get("role", "viewer") if TRUST_CLIENT_ROLE else "viewer"
    session["role"] = role  # SINK
    return {"role": role}
"""),
    Case("dataflow-session-multifile-normaliser-safe", "session", False, files={
        "locales.py": r"""LOCALES = ("en", "de", "fr", "es")

def normalise_locale(value):
    value = (value or "").lower()[:2]
    return value if value in LOCALES else "en"
""",
        "app.py": r"""from flask import Flask, redirect, request, session
from .locales import normalise_locale

app = Flask(__name__)

@app.get("/locale")
def locale():
    session["locale"] = normalise_locale(request.args.get("l"))  # SINK
    return redirect("/")
""",
    }),
    Case("dataflow-session-aiohttp-display-name", "session", True, r"""
from aiohttp import web
from aiohttp_session import get_session

async def update_profile(request: web.Request) -> web.Response:
    form = await request.post()
    session = await get_session(request)
    session["display_name"] = form["display_name"]  # SINK
    return web.HTTPSeeOther("/profile")
"""),
    Case("dataflow-session-int-cast-safe", "session", False, r"""
from django.http import JsonResponse

def set_page_size(request):
    size = min(max(int(request.GET.get("size", "20")), 10), 100)
    request.session["page_size"] = size  # SINK
    return JsonResponse({"page_size": size})
"""),
    Case("dataflow-session-multifile-request-wrapper", "session", True, files={
        "forms.py": r"""from flask import request

def submitted(name):
    return request.form.get(name, "").strip()
""",
        "app.py": r"""from flask import Flask, redirect, session
from .forms import submitted

app = Flask(__name__)

@app.post("/onboarding")
def onboarding():
    session["company"] = submitted("company")  # SINK
    return redirect("/dashboard")
""",
    }),
    Case("dataflow-session-header-tenant", "session", True, r"""
from django.http import JsonResponse

class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = request.headers.get("X-Tenant")
        if tenant:
            request.session["tenant"] = tenant  # SINK
        return self.get_response(request)
"""),

    # ================================================================ header
    Case("dataflow-header-http-server-send-header", "header", True, r"""
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        lang = query.get("lang", ["en"])[0]
        self.send_response(200)
        self.send_header("Content-Language", lang)  # SINK
        self.end_headers()
        self.wfile.write(b"ok")

HTTPServer(("", 8000), Handler).serve_forever()
"""),
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("dataflow-header-content-disposition-filename", "header", False, r"""
from flask import Flask, Response, request

app = Flask(__name__)

@app.get("/export.csv")
def export_csv():
    name = request.args.get("name", "export")
    resp = Response("id,total\n1,10\n", mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'  # SINK
    return resp
"""),
    # The weakness here is the credentialed CORS reflection of any origin (CWE-942, SLS508): a
    # header value holds no line break, so copying the Origin splits no response (SLS126 reports
    # the copy in the audit tier only). Written first with SLS126 as its rule.
    Case("dataflow-header-cors-origin-reflected", "header", True, rule="SLS508", code=r"""
from flask import Flask, request

app = Flask(__name__)

@app.after_request
def add_cors(response):
    origin = request.headers.get("Origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin  # SINK
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response
"""),
    Case("dataflow-header-raw-wsgi-start-response", "header", True, r"""
from urllib.parse import parse_qs

def application(environ, start_response):
    params = parse_qs(environ.get("QUERY_STRING", ""))
    campaign = params.get("c", [""])[0]
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Campaign", campaign)])  # SINK
    return [b"tracked"]
"""),
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("dataflow-header-django-content-disposition", "header", False, r"""
from django.http import HttpResponse

def download_report(request):
    response = HttpResponse(b"%PDF-1.4 ...", content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="%s"' % request.GET.get("title", "report.pdf")  # SINK
    return response
"""),
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("dataflow-header-multifile-wrapper-cors", "header", False, files={
        "req.py": r"""from django.http import HttpRequest

def caller_origin(request: HttpRequest) -> str:
    return request.META.get("HTTP_ORIGIN", "")
""",
        "app.py": r"""from django.http import JsonResponse
from .req import caller_origin

def api_me(request):
    response = JsonResponse({"user": request.user.username})
    response["Access-Control-Allow-Origin"] = caller_origin(request)  # SINK
    response["Access-Control-Allow-Credentials"] = "true"
    return response
""",
    }),
    Case("dataflow-header-count-int-safe", "header", False, r"""
from flask import Flask, jsonify, request
from app.models import Item

app = Flask(__name__)

@app.get("/items")
def items():
    page = Item.query.filter_by(owner=request.args.get("owner")).all()
    resp = jsonify([i.to_dict() for i in page])
    resp.headers["X-Total-Count"] = str(len(page))  # SINK
    return resp
"""),
    Case("dataflow-header-rfc5987-quoted-filename-safe", "header", False, r"""
from urllib.parse import quote
from flask import Flask, Response, request

app = Flask(__name__)

@app.get("/export.csv")
def export_csv():
    name = request.args.get("name", "export")
    resp = Response("id,total\n", mimetype="text/csv")
    resp.headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(name + ".csv", safe="")  # SINK
    return resp
"""),
    Case("dataflow-header-origin-allowlist-safe", "header", False, r"""
from flask import Flask, request

app = Flask(__name__)
TRUSTED_ORIGINS = {"https://app.example.com", "https://admin.example.com"}

@app.after_request
def add_cors(response):
    origin = request.headers.get("Origin")
    if origin in TRUSTED_ORIGINS:
        response.headers["Access-Control-Allow-Origin"] = origin  # SINK
        response.headers["Vary"] = "Origin"
    return response
"""),
    Case("dataflow-header-tornado-set-header-safe", "header", False, r"""
import tornado.web

class TraceHandler(tornado.web.RequestHandler):
    def get(self):
        trace = self.get_argument("trace", "none")
        self.set_header("X-Debug-Trace", trace)  # SINK
        self.write({"ok": True})
"""),
    Case("dataflow-header-dict-other-key-safe", "header", False, r"""
import hashlib
from flask import Flask, Response, request

app = Flask(__name__)

@app.get("/article/<int:article_id>")
def article(article_id):
    body = f"article {article_id}"
    meta = {"search": request.args.get("q", ""), "etag": hashlib.sha256(body.encode()).hexdigest()}
    resp = Response(body, mimetype="text/plain")
    resp.headers["ETag"] = meta["etag"]  # SINK
    return resp
"""),
    Case("dataflow-header-url-for-link-safe", "header", False, r"""
from flask import Flask, jsonify, request, url_for

app = Flask(__name__)

@app.get("/api/items")
def list_items():
    page = int(request.args.get("page", 1))
    resp = jsonify({"page": page})
    resp.headers["Link"] = '<' + url_for("list_items", page=page + 1, _external=True) + '>; rel="next"'  # SINK
    return resp
"""),

    # ================================================================ regex
    Case("dataflow-regex-polynomial-trailing-spaces", "regex", True, r"""
import re
from flask import Flask, request

app = Flask(__name__)

@app.post("/comments")
def add_comment():
    text = request.form["comment"]
    cleaned = re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)  # SINK
    return {"length": len(cleaned)}
""", rule="SLS127"),
    Case("dataflow-regex-polynomial-email-shape", "regex", True, r"""
import re
from django.http import JsonResponse

def check_email(request):
    email = request.POST.get("email", "")
    ok = re.match(r"^\S+@\S+\.\S+$", email) is not None  # SINK
    return JsonResponse({"valid": ok})
""", rule="SLS127"),
    Case("dataflow-regex-linear-pattern-safe", "regex", False, r"""
import re
from flask import Flask, abort, request

app = Flask(__name__)

@app.post("/signup")
def signup():
    username = request.form.get("username", "")
    if not re.fullmatch(r"[a-z0-9_]{3,32}", username):  # SINK
        abort(400)
    return {"username": username}
""", rule="SLS127"),
    Case("dataflow-regex-polynomial-length-bounded-safe", "regex", False, r"""
import re
from flask import Flask, abort, request

app = Flask(__name__)

@app.post("/tags")
def add_tag():
    tag = request.form.get("tag", "")
    if len(tag) > 64:
        abort(400)
    cleaned = re.sub(r"\s+$", "", tag)  # SINK
    return {"tag": cleaned}
""", rule="SLS127"),
    Case("dataflow-regex-query-filter", "regex", True, r"""
import re
from flask import Flask, jsonify, request
from app.inventory import product_names

app = Flask(__name__)

@app.get("/products/filter")
def filter_products():
    pattern = request.args.get("filter", ".*")
    return jsonify([n for n in product_names() if re.search(pattern, n)])  # SINK
"""),
    Case("dataflow-regex-header-route-pattern", "regex", True, r"""
import re
from django.http import JsonResponse
from routing.models import Route

def matching_routes(request):
    rx = re.compile(request.headers.get("X-Route-Pattern", "^/$"))  # SINK
    return JsonResponse({"routes": [r.path for r in Route.objects.all() if rx.match(r.path)]})
"""),
    Case("dataflow-regex-multifile-request-wrapper", "regex", True, files={
        "inputs.py": r"""from flask import request

def search_term() -> str:
    return request.args.get("q", "")
""",
        "app.py": r"""import re
from flask import Flask
from .inputs import search_term

app = Flask(__name__)
LINES = open("/srv/data/changelog.txt", encoding="utf-8").read().splitlines()

@app.get("/changelog/search")
def changelog_search():
    needle = re.compile(search_term(), re.IGNORECASE)  # SINK
    return {"lines": [l for l in LINES if needle.search(l)]}
""",
    }),
    Case("dataflow-regex-self-from-constructor", "regex", True, r"""
import re
from rest_framework.response import Response
from rest_framework.views import APIView

class LogFilter:
    def __init__(self, expression):
        self.expression = expression

    def apply(self, lines):
        return [l for l in lines if re.search(self.expression, l)]  # SINK

class LogSearch(APIView):
    def get(self, request):
        lines = open("/var/log/app/app.log", encoding="utf-8").read().splitlines()
        return Response(LogFilter(request.query_params.get("grep", "ERROR")).apply(lines))
"""),
    Case("dataflow-regex-escape-safe", "regex", False, r"""
import re
from flask import Flask, jsonify, request
from app.inventory import product_names

app = Flask(__name__)

@app.get("/products/filter")
def filter_products():
    needle = re.escape(request.args.get("filter", ""))
    return jsonify([n for n in product_names() if re.search(needle, n, re.IGNORECASE)])  # SINK
"""),
    Case("dataflow-regex-dict-other-key-safe", "regex", False, r"""
import re
from flask import Flask, request

app = Flask(__name__)

@app.get("/validate")
def validate():
    rule = {"value": request.args.get("value", ""), "pattern": r"[A-Z]{2}[0-9]{6}"}
    return {"ok": re.fullmatch(rule["pattern"], rule["value"]) is not None}  # SINK
"""),
    Case("dataflow-regex-named-pattern-table-safe", "regex", False, r"""
import re
from flask import Flask, abort, request

app = Flask(__name__)
PATTERNS = {"postcode": r"[0-9]{5}", "phone": r"\+?[0-9 ]{6,15}", "iban": r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}"}

@app.get("/check/<kind>")
def check(kind):
    if kind not in PATTERNS:
        abort(404)
    return {"ok": bool(re.fullmatch(PATTERNS[kind], request.args.get("v", "")))}  # SINK
"""),
    Case("dataflow-regex-dead-branch-safe", "regex", False, r"""
import re
from flask import Flask, request

app = Flask(__name__)
ADVANCED_SEARCH = False

@app.get("/search")
def search():
    term = request.args.get("q", "")
    pattern = term if ADVANCED_SEARCH else re.escape(term)
    return {"hits": len(re.findall(pattern, "alpha beta gamma"))}  # SINK
"""),

    # ================================================================ log
    Case("dataflow-log-form-keys-unexpected", "log", True, r"""
import logging
from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger(__name__)
EXPECTED = {"email", "password"}

@app.post("/login")
def login():
    for key in request.form.keys():
        if key not in EXPECTED:
            log.warning("unexpected login field %s", key)  # SINK
    return "ok"
"""),
    Case("dataflow-log-user-agent-header", "log", True, r"""
import logging
from django.contrib.auth import views as auth_views

logger = logging.getLogger("security")

class AuditedLoginView(auth_views.LoginView):
    def form_invalid(self, form):
        logger.info("failed login with agent %s", self.request.headers.get("User-Agent"))  # SINK
        return super().form_invalid(form)
"""),
    Case("dataflow-log-websocket-message", "log", True, r"""
import logging
from fastapi import FastAPI, WebSocket

app = FastAPI()
logger = logging.getLogger("chat")

@app.websocket("/chat")
async def chat(ws: WebSocket):
    await ws.accept()
    async for text in ws.iter_text():
        logger.info("message: " + text)  # SINK
        await ws.send_text("ok")
"""),
    Case("dataflow-log-fstring-returned-helper", "log", True, r"""
import logging
from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger("audit")

def describe(actor, action):
    return f"actor={actor} action={action}"

@app.post("/documents/<int:doc_id>/share")
def share(doc_id):
    log.info(describe(request.form["email"], "share"))  # SINK
    return "", 204
"""),
    Case("dataflow-log-cookie-value", "log", True, r"""
import logging
from flask import Flask, request

app = Flask(__name__)

@app.get("/promo")
def promo():
    app.logger.info("promo cookie seen: %s", request.cookies.get("promo", ""))  # SINK
    return "ok"
"""),
    Case("dataflow-log-self-from-constructor", "log", True, r"""
import logging
from aiohttp import web

log = logging.getLogger("audit")

class AuditTrail:
    def __init__(self, actor):
        self.actor = actor

    def record(self, action):
        log.info("actor=%s action=%s", self.actor, action)  # SINK

async def delete_item(request: web.Request) -> web.Response:
    AuditTrail(request.headers.get("X-User", "anonymous")).record("delete")
    return web.json_response({"deleted": True})
"""),
    Case("dataflow-log-repr-format-safe", "log", False, r"""
import logging
from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger(__name__)

@app.get("/search")
def search():
    q = request.args.get("q", "")
    log.info("search for %r", q)  # SINK
    return {"q": q}
"""),
    Case("dataflow-log-newlines-stripped-safe", "log", False, r"""
import logging
from django.http import JsonResponse

logger = logging.getLogger(__name__)

def subscribe(request):
    email = request.POST.get("email", "")
    clean = email.replace("\r", "").replace("\n", "")
    logger.info("new subscriber %s", clean)  # SINK
    return JsonResponse({"ok": True})
"""),
    Case("dataflow-log-int-cast-safe", "log", False, r"""
import logging
from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger(__name__)

@app.get("/feed")
def feed():
    page = int(request.args.get("page", "1"))
    log.debug("feed page %d", page)  # SINK
    return {"page": page}
"""),
    Case("dataflow-log-dict-other-key-safe", "log", False, r"""
import logging
from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger("metrics")

@app.post("/checkout")
def checkout():
    event = {"agent": request.headers.get("User-Agent", ""), "route": "checkout", "items": 3}
    log.info("route=%s items=%d", event["route"], event["items"])  # SINK
    return {"ok": True}
"""),
    Case("dataflow-log-dead-debug-branch-safe", "log", False, r"""
import logging
from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger(__name__)
LOG_BODIES = False

@app.post("/ingest")
def ingest():
    body = request.get_data(as_text=True)
    message = "body=" + body if LOG_BODIES else "body omitted"
    log.info(message)  # SINK
    return "", 202
"""),
    Case("dataflow-log-json-dumps-safe", "log", False, r"""
import json
import logging
from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger("events")

@app.post("/events")
def events():
    log.info(json.dumps({"event": "signup", "email": request.form.get("email", "")}))  # SINK
    return "", 204
"""),

    # ================================================================ html
    Case("dataflow-html-form-items-table", "html", True, r"""
from flask import Flask, request

app = Flask(__name__)

@app.post("/contact/confirm")
def confirm():
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in request.form.items())
    return "<table>" + rows + "</table>"  # SINK
"""),
    Case("dataflow-html-fstring-returned-helper", "html", True, r"""
from flask import Flask, request

app = Flask(__name__)

def greeting(name):
    return f"<p>Hello, {name}!</p>"

@app.get("/hello")
def hello():
    return greeting(request.args.get("name", "stranger"))  # SINK
"""),
    Case("dataflow-html-stringio-page", "html", True, r"""
import io
from django.http import HttpResponse

def search_results(request):
    page = io.StringIO()
    page.write("<h1>Results</h1>")
    page.write("<p>You searched for " + request.GET.get("q", "") + "</p>")
    return HttpResponse(page.getvalue())  # SINK
"""),
    Case("dataflow-html-django-cookie", "html", True, r"""
from django.http import HttpResponse

def welcome_back(request):
    name = request.COOKIES.get("display_name", "friend")
    return HttpResponse("<h1>Welcome back, " + name + "</h1>")  # SINK
"""),
    Case("dataflow-html-upload-filename", "html", True, r"""
from flask import Flask, request

app = Flask(__name__)

@app.post("/upload")
def upload():
    f = request.files["document"]
    f.save("/srv/uploads/latest.bin")
    return f"<p>Uploaded <b>{f.filename}</b> successfully.</p>"  # SINK
"""),
    Case("dataflow-html-aiohttp-text-html", "html", True, r"""
from aiohttp import web

async def not_found(request: web.Request) -> web.Response:
    path = request.match_info.get("tail", "")
    return web.Response(text=f"<h1>No page at /{path}</h1>", content_type="text/html", status=404)  # SINK
"""),
    Case("dataflow-html-list-append-join", "html", True, r"""
from flask import Flask, request

app = Flask(__name__)

@app.get("/tags")
def tags():
    items = []
    for tag in request.args.getlist("tag"):
        items.append("<li>" + tag + "</li>")
    return "<ul>" + "".join(items) + "</ul>"  # SINK
"""),
    Case("dataflow-html-multifile-request-wrapper", "html", True, files={
        "req.py": r"""from flask import request

def current_query() -> str:
    return request.args.get("q", "")
""",
        "app.py": r"""from flask import Flask
from .req import current_query

app = Flask(__name__)

@app.get("/search")
def search():
    return "<h2>Results for " + current_query() + "</h2>"  # SINK
""",
    }),
    Case("dataflow-html-text-plain-mimetype-safe", "html", False, r"""
from flask import Flask, Response, request

app = Flask(__name__)

@app.get("/echo")
def echo():
    return Response("You sent: " + request.args.get("msg", ""), mimetype="text/plain")  # SINK
"""),
    Case("dataflow-html-jsonify-safe", "html", False, r"""
from flask import Flask, jsonify, request

app = Flask(__name__)

@app.get("/hello.json")
def hello_json():
    return jsonify(message=f"<b>Hello {request.args.get('name', '')}</b>")  # SINK
"""),
    Case("dataflow-html-markupsafe-escape-safe", "html", False, r"""
from flask import Flask, request
from markupsafe import escape

app = Flask(__name__)

@app.get("/hello")
def hello():
    return f"<p>Hello, {escape(request.args.get('name', 'stranger'))}!</p>"  # SINK
"""),
    Case("dataflow-html-digits-early-return-safe", "html", False, r"""
from django.http import HttpResponse, HttpResponseBadRequest

def order_status(request):
    order = request.GET.get("order", "")
    if not order.isdigit():
        return HttpResponseBadRequest("bad order number")
    return HttpResponse("<p>Order #" + order + " is on its way.</p>")  # SINK
"""),
    Case("dataflow-html-django-text-plain-safe", "html", False, r"""
from django.http import HttpResponse

def robots(request):
    agent = request.GET.get("agent", "*")
    return HttpResponse(f"User-agent: {agent}\nDisallow: /admin/\n", content_type="text/plain")  # SINK
"""),
    Case("dataflow-html-dict-other-key-safe", "html", False, r"""
from flask import Flask, request

app = Flask(__name__)

@app.get("/search")
def search():
    ctx = {"query": request.args.get("q", ""), "title": "Search"}
    return f"<h1>{ctx['title']}</h1><p>{len(ctx['query'])} characters</p>"  # SINK
"""),
    Case("dataflow-html-constant-ternary-safe", "html", False, r"""
from flask import Flask, request

app = Flask(__name__)
SHOW_RAW_NAME = False

@app.get("/badge")
def badge():
    label = request.args.get("name", "") if SHOW_RAW_NAME else "Member"
    return "<span class='badge'>" + label + "</span>"  # SINK
"""),
    Case("dataflow-html-tornado-write-dict-safe", "html", False, r"""
import tornado.web

class EchoHandler(tornado.web.RequestHandler):
    def get(self):
        self.write({"echo": self.get_argument("q", "")})  # SINK
"""),
    Case("dataflow-html-websocket-broadcast-page", "html", True, r"""
from fastapi import FastAPI, WebSocket
from fastapi.responses import HTMLResponse

app = FastAPI()
LAST = {"message": ""}

@app.websocket("/ws")
async def ws_endpoint(ws: WebSocket):
    await ws.accept()
    LAST["message"] = await ws.receive_text()

@app.get("/last", response_class=HTMLResponse)
async def last():
    return "<p>Latest: " + LAST["message"] + "</p>"  # SINK
"""),

    # ================================================================ more safe look-alikes
    Case("dataflow-path-resolve-is-relative-to-safe", "path", False, r"""
from pathlib import Path
from flask import Flask, abort, request

app = Flask(__name__)
ROOT = Path("/srv/docs").resolve()

@app.get("/docs/raw")
def raw_doc():
    target = (ROOT / request.args.get("page", "index.md")).resolve()
    if not target.is_relative_to(ROOT):
        abort(403)
    return target.read_text(encoding="utf-8")  # SINK
"""),
    Case("dataflow-path-shutil-move-generated-name-safe", "path", False, r"""
import os
import shutil
import uuid
from flask import Flask, abort, request

app = Flask(__name__)
INBOX = "/srv/inbox"
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg"}

@app.post("/avatar")
def avatar():
    upload = request.files["avatar"]
    ext = EXTENSIONS.get(upload.mimetype)
    if ext is None:
        abort(415)
    tmp = os.path.join("/tmp", uuid.uuid4().hex)
    upload.save(tmp)
    shutil.move(tmp, os.path.join(INBOX, uuid.uuid4().hex + ext))  # SINK
    return "", 201
"""),
    Case("dataflow-path-fileresponse-enum-safe", "path", False, r"""
import os
from enum import Enum
from fastapi import FastAPI
from fastapi.responses import FileResponse

app = FastAPI()
LEGAL = "/srv/legal"

class Document(str, Enum):
    terms = "terms.pdf"
    privacy = "privacy.pdf"

@app.get("/legal/{doc}")
def legal(doc: Document):
    return FileResponse(os.path.join(LEGAL, doc.value))  # SINK
"""),
    Case("dataflow-shell-paramiko-allowlisted-service-safe", "shell", False, r"""
import paramiko
from flask import Flask, abort, request

app = Flask(__name__)
SERVICES = {"web", "worker", "scheduler"}

@app.post("/deploy/restart")
def restart():
    service = request.json.get("service")
    if service not in SERVICES:
        abort(400)
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect("app1.internal", username="deploy", key_filename="/etc/deploy/id_ed25519")
    _, stdout, _ = client.exec_command(f"sudo systemctl restart {service}")  # SINK
    return {"output": stdout.read().decode()}
"""),
    Case("dataflow-shell-getoutput-int-port-safe", "shell", False, r"""
import subprocess
from flask import Flask, request

app = Flask(__name__)

@app.get("/ports/owner")
def port_owner():
    port = int(request.args.get("port", "8000"))
    return {"owner": subprocess.getoutput(f"lsof -nP -i :{port}")}  # SINK
"""),
    Case("dataflow-shell-asyncio-shell-constant-safe", "shell", False, r"""
import asyncio
from aiohttp import web

async def disk(request: web.Request) -> web.Response:
    verbose = request.query.get("verbose") == "1"
    proc = await asyncio.create_subprocess_shell("df -h / | tail -n 1", stdout=asyncio.subprocess.PIPE)  # SINK
    out, _ = await proc.communicate()
    return web.json_response({"disk": out.decode().strip(), "verbose": verbose})
"""),
    Case("dataflow-template-constant-source-user-context-safe", "template", False, r"""
from flask import Flask, request
from jinja2 import Environment, select_autoescape

app = Flask(__name__)
env = Environment(autoescape=select_autoescape())
TEMPLATES = {"receipt": "<p>Thanks {{ name }}, your total is {{ total }}.</p>"}

@app.post("/receipt")
def receipt():
    return env.from_string(TEMPLATES["receipt"]).render(**request.form)  # SINK
"""),
    Case("dataflow-template-stringio-constant-parts-safe", "template", False, r"""
import io
from flask import Flask, render_template_string, request

app = Flask(__name__)

@app.get("/card")
def card():
    buf = io.StringIO()
    buf.write("<div class='card'>")
    buf.write("<h3>{{ title }}</h3>")
    buf.write("</div>")
    return render_template_string(buf.getvalue(), title=request.args.get("title", ""))  # SINK
"""),
    Case("dataflow-xml-constant-ternary-disabled-upload-safe", "xml", False, r"""
import xml.etree.ElementTree as ET
from flask import Flask, request

app = Flask(__name__)
ACCEPT_XML_UPLOADS = False

@app.post("/import")
def import_xml():
    data = request.get_data() if ACCEPT_XML_UPLOADS else b"<items/>"
    root = ET.fromstring(data)  # SINK
    return {"items": len(root)}
"""),
    Case("dataflow-xml-dict-other-key-safe", "xml", False, r"""
import xml.etree.ElementTree as ET
from flask import Flask, request

app = Flask(__name__)

@app.post("/echo-envelope")
def envelope():
    parts = {"body": request.get_data(), "skeleton": b"<envelope><status>ok</status></envelope>"}
    root = ET.fromstring(parts["skeleton"])  # SINK
    return {"status": root.findtext("status"), "received": len(parts["body"])}
"""),
    Case("dataflow-deser-json-websocket-safe", "deserialize", False, r"""
import json
from fastapi import FastAPI, WebSocket

app = FastAPI()

@app.websocket("/sync")
async def sync(ws: WebSocket):
    await ws.accept()
    while True:
        blob = await ws.receive_bytes()
        update = json.loads(blob)  # SINK
        await ws.send_json({"ack": update.get("seq")})
"""),
    Case("dataflow-session-dict-other-key-safe", "session", False, r"""
from flask import Flask, request, session

app = Flask(__name__)

@app.post("/signup")
def signup():
    account = {"name": request.form.get("name", ""), "plan": "free"}
    session["plan"] = account["plan"]  # SINK
    return {"welcome": len(account["name"])}
"""),
    Case("dataflow-code-optional-simpleeval-safe", "code", False, r"""
from flask import Flask, abort, request

try:
    from simpleeval import simple_eval
except ImportError:
    simple_eval = None

app = Flask(__name__)

@app.get("/calc")
def calc():
    if simple_eval is None:
        abort(501)
    return {"result": simple_eval(request.args.get("expr", "1+1"))}  # SINK
"""),
    Case("dataflow-ldap-constant-ternary-safe", "ldap", False, r"""
from flask import Flask, request
from ldap3 import Connection, Server

app = Flask(__name__)
conn = Connection(Server("ldap://ldap.internal"), auto_bind=True)
RAW_FILTERS = False

@app.get("/people")
def people():
    flt = request.args.get("filter", "(objectClass=person)") if RAW_FILTERS else "(objectClass=person)"
    conn.search("ou=people,dc=example,dc=com", flt, attributes=["cn"])  # SINK
    return {"count": len(conn.entries)}
"""),
]
