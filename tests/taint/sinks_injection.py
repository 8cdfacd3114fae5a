"""Labelled taint cases, injection sinks: sql, shell, code, path, redirect, url.

Each case: sink class, whether it is a real vulnerability, and code whose
sink line ends with `# SINK`. Multi-file cases give `files` (the main file
is `app.py` inside the package written to a temporary folder).
"""

from .case import Case

F = "from flask import Flask, request\napp = Flask(__name__)\n"

CASES = [
    # ---------------------------------------------------------------- sql
    Case("sql-flask-fstring", "sql", True, F + """
def view(cur):
    name = request.args["name"]
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")  # SINK
"""),
    Case("sql-django-concat", "sql", True, """
from django.db import connection
def view(request):
    uid = request.GET.get("id")
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM t WHERE id = " + uid)  # SINK
"""),
    Case("sql-fastapi-param", "sql", True, """
import sqlite3
from fastapi import FastAPI
app = FastAPI()
@app.get("/items")
def items(q: str):
    db = sqlite3.connect("x.db")
    return db.execute("SELECT * FROM items WHERE title LIKE '%" + q + "%'").fetchall()  # SINK
"""),
    Case("sql-aug-assign", "sql", True, F + """
def view(cur):
    query = "SELECT * FROM t WHERE 1=1"
    query += " AND owner = '%s'" % request.form["owner"]
    cur.execute(query)  # SINK
"""),
    Case("sql-container", "sql", True, F + """
def view(cur):
    filters = {"owner": request.args.get("owner", "")}
    owner = filters.get("owner")
    cur.execute("SELECT * FROM t WHERE owner = '{}'".format(owner))  # SINK
"""),
    Case("sql-helper-source", "sql", True, F + """
def current_owner():
    return request.args["owner"].strip()

def view(cur):
    cur.execute("SELECT * FROM t WHERE owner = '" + current_owner() + "'")  # SINK
"""),
    Case("sql-helper-passthrough", "sql", True, F + """
def normalize(value):
    return value.lower().replace(" ", "")

def view(cur):
    who = normalize(request.args["who"])
    cur.execute(f"DELETE FROM t WHERE who = '{who}'")  # SINK
"""),
    Case("sql-unpacking", "sql", True, F + """
def view(cur):
    first, last = request.args["a"], request.args["b"]
    cur.execute("SELECT * FROM p WHERE last = '%s'" % last)  # SINK
"""),
    Case("sql-cross-module-source", "sql", True, files={
        "helpers.py": "from flask import request\n\ndef get_owner():\n    return request.args['owner']\n",
        "app.py": "from .helpers import get_owner\n\ndef view(cur):\n    cur.execute(f\"SELECT * FROM t WHERE owner = '{get_owner()}'\")  # SINK\n",
    }),
    Case("sql-cross-module-passthrough", "sql", True, files={
        "text.py": "def tidy(s):\n    return s.strip()\n",
        "app.py": "from flask import request\nfrom pkg.text import tidy\n\ndef view(cur):\n    q = tidy(request.args['q'])\n    cur.execute('SELECT * FROM t WHERE q = ' + q)  # SINK\n",
    }),
    Case("sql-param-safe", "sql", False, F + """
def view(cur):
    cur.execute("SELECT * FROM users WHERE name = ?", (request.args["name"],))  # SINK
"""),
    Case("sql-int-safe", "sql", False, F + """
def view(cur):
    limit = int(request.args.get("limit", 10))
    cur.execute(f"SELECT * FROM t LIMIT {limit}")  # SINK
"""),
    Case("sql-allowlist-safe", "sql", False, F + """
COLUMNS = {"name", "created"}
def view(cur):
    order = request.args.get("order", "name")
    if order not in COLUMNS:
        return "bad", 400
    cur.execute(f"SELECT * FROM t ORDER BY {order}")  # SINK
"""),
    Case("sql-dict-lookup-safe", "sql", False, F + """
ORDERS = {"new": "created DESC", "old": "created ASC"}
def view(cur):
    order = ORDERS[request.args["sort"]]
    cur.execute("SELECT * FROM t ORDER BY " + order)  # SINK
"""),
    Case("sql-overwritten-safe", "sql", False, F + """
def view(cur):
    table = request.args["table"]
    table = "users"
    cur.execute("SELECT * FROM " + table)  # SINK
"""),
    Case("sql-constant-safe", "sql", False, """
import sqlite3
TABLE = "users"
def view(cur):
    cur.execute("SELECT * FROM " + TABLE + " WHERE active = 1")  # SINK
"""),
    Case("sql-helper-validator-safe", "sql", False, F + """
import re
def checked_name(value):
    if not re.fullmatch(r"[a-z_]+", value):
        raise ValueError("bad name")
    return value

def view(cur):
    col = checked_name(request.args["col"])
    cur.execute(f"SELECT {col} FROM t")  # SINK
"""),
    Case("sql-dead-code-safe", "sql", False, F + """
def view(cur):
    return "disabled"
    cur.execute("SELECT * FROM t WHERE x = '" + request.args["x"] + "'")  # SINK
"""),
    Case("sql-cross-module-sanitizer-safe", "sql", False, files={
        "checks.py": "def as_id(v):\n    return int(v)\n",
        "app.py": "from flask import request\nfrom .checks import as_id\n\ndef view(cur):\n    cur.execute('SELECT * FROM t WHERE id = %d' % as_id(request.args['id']))  # SINK\n",
    }),
    Case("sql-cross-module-constant-safe", "sql", False, files={
        "queries.py": "def table_name():\n    return 'users'\n",
        "app.py": "from pkg import queries\n\ndef view(cur):\n    cur.execute('SELECT * FROM ' + queries.table_name())  # SINK\n",
    }),
    # ---------------------------------------------------------------- shell
    Case("shell-os-system", "shell", True, F + """
import os
def ping():
    host = request.args["host"]
    os.system("ping -c 1 " + host)  # SINK
"""),
    Case("shell-subprocess-shell", "shell", True, """
import subprocess
def view(request):
    name = request.POST["name"]
    return subprocess.check_output(f"ls /srv/{name}", shell=True)  # SINK
"""),
    Case("shell-route-param", "shell", True, F + """
import subprocess
@app.route("/archive/<name>")
def archive(name):
    subprocess.run("tar czf /tmp/out.tgz " + name, shell=True)  # SINK
"""),
    Case("shell-json-body", "shell", True, F + """
import os
def hook():
    payload = request.get_json()
    cmd = "git checkout {}".format(payload["branch"])
    os.popen(cmd)  # SINK
"""),
    Case("shell-helper-source", "shell", True, F + """
import os
def target():
    return request.form.get("target", "")

def run():
    os.system("nslookup " + target())  # SINK
"""),
    Case("shell-join-list", "shell", True, F + """
import subprocess
def run():
    args = ["echo", request.args["msg"]]
    subprocess.call(" ".join(args), shell=True)  # SINK
"""),
    Case("shell-cross-module", "shell", True, files={
        "util.py": "def host_of(req):\n    return req.args['host']\n",
        "app.py": "import os\nfrom flask import request\nfrom .util import host_of\n\ndef ping():\n    os.system('ping ' + host_of(request))  # SINK\n",
    }),
    Case("shell-quote-safe", "shell", False, F + """
import os, shlex
def ping():
    host = request.args["host"]
    os.system("ping -c 1 " + shlex.quote(host))  # SINK
"""),
    Case("shell-argv-list-safe", "shell", False, F + """
import subprocess
def ping():
    subprocess.run(["ping", "-c", "1", request.args["host"]])  # SINK
"""),
    Case("shell-int-safe", "shell", False, F + """
import os
def tail():
    n = int(request.args["n"])
    os.system("tail -n %d /var/log/app.log" % n)  # SINK
"""),
    Case("shell-allowlist-safe", "shell", False, F + """
import subprocess
TOOLS = ("uptime", "df", "free")
def tool():
    name = request.args["tool"]
    if name in TOOLS:
        subprocess.run(name + " -h", shell=True)  # SINK
"""),
    Case("shell-constant-safe", "shell", False, """
import subprocess
BIN = "/usr/bin/tool"
def version():
    return subprocess.check_output(BIN + " --version", shell=True)  # SINK
"""),
    Case("shell-helper-quote-safe", "shell", False, F + """
import os, shlex
def q(v):
    return shlex.quote(v)

def run():
    os.system("grep " + q(request.args["p"]) + " log.txt")  # SINK
"""),
    Case("shell-cross-module-quote-safe", "shell", False, files={
        "esc.py": "import shlex\n\ndef esc(v):\n    return shlex.quote(v)\n",
        "app.py": "import os\nfrom flask import request\nfrom pkg.esc import esc\n\ndef run():\n    os.system('grep ' + esc(request.args['p']))  # SINK\n",
    }),
    # ---------------------------------------------------------------- code
    Case("code-eval-form", "code", True, F + """
def calc():
    expr = request.form["expr"]
    return str(eval(expr))  # SINK
"""),
    Case("code-exec-json", "code", True, F + """
def run():
    src = request.json["code"]
    exec(src, {})  # SINK
"""),
    Case("code-eval-fstring-django", "code", True, """
def view(request):
    field = request.GET["f"]
    return eval(f"obj.{field}")  # SINK
"""),
    Case("code-eval-helper", "code", True, F + """
def expression():
    return request.args.get("e", "1")

def calc():
    return eval(expression())  # SINK
"""),
    Case("code-eval-input", "code", True, """
def main():
    line = input("> ")
    print(eval(line))  # SINK
"""),
    Case("code-compile-exec", "code", True, F + """
def run():
    code = compile(request.data.decode(), "<req>", "exec")
    exec(code)  # SINK
"""),
    Case("code-cross-module", "code", True, files={
        "src_.py": "from flask import request\n\ndef formula():\n    return request.args['f']\n",
        "app.py": "from . import src_\n\ndef calc():\n    return eval(src_.formula())  # SINK\n",
    }),
    Case("code-literal-eval-safe", "code", False, F + """
import ast
def calc():
    return ast.literal_eval(request.form["v"])  # SINK
"""),
    Case("code-constant-safe", "code", False, """
EXPR = "1 + 2"
def calc():
    return eval(EXPR)  # SINK
"""),
    Case("code-allowlist-safe", "code", False, F + """
OPS = {"1+1", "2*3"}
def calc():
    e = request.args["e"]
    if e not in OPS:
        return "no"
    return eval(e)  # SINK
"""),
    Case("code-overwritten-safe", "code", False, F + """
def calc():
    e = request.args["e"]
    e = "0"
    return eval(e)  # SINK
"""),
    Case("code-int-safe", "code", False, F + """
def calc():
    n = int(request.args["n"])
    return eval(f"{n} * 2")  # SINK
"""),
    Case("code-dead-safe", "code", False, F + """
def calc():
    if request.args:
        return "off"
    raise RuntimeError("off")
    eval(request.args["e"])  # SINK
"""),
    # ---------------------------------------------------------------- path
    Case("path-open-concat", "path", True, F + """
def read():
    with open("/srv/files/" + request.args["name"]) as fh:  # SINK
        return fh.read()
"""),
    Case("path-join-django", "path", True, """
import os
from django.http import FileResponse
def download(request):
    return FileResponse(open(os.path.join("/srv/files", request.GET["f"]), "rb"))  # SINK
"""),
    Case("path-send-file", "path", True, F + """
from flask import send_file
@app.route("/doc/<path:name>")
def doc(name):
    return send_file("docs/" + name)  # SINK
"""),
    Case("path-pathlib", "path", True, """
from pathlib import Path
from fastapi import FastAPI
app = FastAPI()
ROOT = Path("/data")
@app.get("/doc")
def doc(name: str):
    return (ROOT / name).read_text()  # SINK
"""),
    Case("path-helper", "path", True, F + """
import os
def requested_file():
    return os.path.join("/srv/uploads", request.args["file"])

def read():
    with open(requested_file()) as fh:  # SINK
        return fh.read()
"""),
    Case("path-remove", "path", True, F + """
import os
def delete():
    os.remove("/tmp/jobs/" + request.form["job"])  # SINK
"""),
    Case("path-cross-module", "path", True, files={
        "paths.py": "import os\n\ndef under_uploads(name):\n    return os.path.join('/srv/uploads', name)\n",
        "app.py": "from flask import request\nfrom .paths import under_uploads\n\ndef read():\n    with open(under_uploads(request.args['f'])) as fh:  # SINK\n        return fh.read()\n",
    }),
    Case("path-basename-safe", "path", False, F + """
import os
def read():
    name = os.path.basename(request.args["name"])
    with open(os.path.join("/srv/files", name)) as fh:  # SINK
        return fh.read()
"""),
    Case("path-secure-filename-safe", "path", False, F + """
import os
from werkzeug.utils import secure_filename
def save():
    f = request.files["doc"]
    f.save(os.path.join("/srv/up", secure_filename(f.filename)))
    return open(os.path.join("/srv/up", secure_filename(f.filename))).read()  # SINK
"""),
    Case("path-resolve-relative-safe", "path", False, F + """
from pathlib import Path
BASE = Path("/srv/files")
def read():
    target = (BASE / request.args["p"]).resolve()
    if not target.is_relative_to(BASE):
        return "no", 403
    return open(target).read()  # SINK
"""),
    Case("path-commonpath-safe", "path", False, F + """
import os
BASE = "/srv/files"
def read():
    target = os.path.realpath(os.path.join(BASE, request.args["p"]))
    if os.path.commonpath([BASE, target]) != BASE:
        return "no", 403
    with open(target) as fh:  # SINK
        return fh.read()
"""),
    Case("path-allowlist-safe", "path", False, F + """
REPORTS = {"daily": "/srv/r/daily.csv", "weekly": "/srv/r/weekly.csv"}
def read():
    with open(REPORTS[request.args["r"]]) as fh:  # SINK
        return fh.read()
"""),
    Case("path-constant-safe", "path", False, """
import os
DATA = "/srv/data"
def read():
    with open(os.path.join(DATA, "config.json")) as fh:  # SINK
        return fh.read()
"""),
    Case("path-helper-basename-safe", "path", False, F + """
import os
def safe_name(n):
    return os.path.basename(n)

def read():
    with open("/srv/files/" + safe_name(request.args["n"])) as fh:  # SINK
        return fh.read()
"""),
    Case("path-cross-module-safe", "path", False, files={
        "fs.py": "from werkzeug.utils import secure_filename\n\ndef clean(name):\n    return secure_filename(name)\n",
        "app.py": "from flask import request\nfrom pkg.fs import clean\n\ndef read():\n    with open('/srv/files/' + clean(request.args['n'])) as fh:  # SINK\n        return fh.read()\n",
    }),
    # ---------------------------------------------------------------- redirect
    Case("redirect-flask-next", "redirect", True, F + """
from flask import redirect
def login():
    return redirect(request.args.get("next", "/"))  # SINK
"""),
    Case("redirect-django", "redirect", True, """
from django.http import HttpResponseRedirect
def done(request):
    target = request.POST["return_to"]
    return HttpResponseRedirect(target)  # SINK
"""),
    Case("redirect-fastapi", "redirect", True, """
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
app = FastAPI()
@app.get("/out")
def out(url: str):
    return RedirectResponse(url)  # SINK
"""),
    Case("redirect-helper", "redirect", True, F + """
from flask import redirect
def next_url():
    return request.values.get("next") or "/"

def login():
    return redirect(next_url())  # SINK
"""),
    Case("redirect-cookie", "redirect", True, F + """
from flask import redirect
def back():
    dest = request.cookies.get("return")
    return redirect(dest)  # SINK
"""),
    Case("redirect-cross-module", "redirect", True, files={
        "nav.py": "def pick(args):\n    return args.get('next', '/')\n",
        "app.py": "from flask import redirect, request\nfrom .nav import pick\n\ndef login():\n    return redirect(pick(request.args))  # SINK\n",
    }),
    Case("redirect-url-for-safe", "redirect", False, F + """
from flask import redirect, url_for
def login():
    return redirect(url_for("index"))  # SINK
"""),
    Case("redirect-relative-safe", "redirect", False, F + """
from flask import redirect
def go():
    return redirect("/pages/" + str(int(request.args["page"])))  # SINK
"""),
    Case("redirect-allowlist-safe", "redirect", False, F + """
from flask import redirect
ALLOWED = {"/home", "/account"}
def go():
    target = request.args.get("next")
    if target not in ALLOWED:
        target = "/home"
    return redirect(target)  # SINK
"""),
    Case("redirect-host-check-safe", "redirect", False, """
from urllib.parse import urlparse
from django.http import HttpResponseRedirect
ALLOWED_HOSTS = {"example.com"}
def go(request):
    target = request.GET["next"]
    if urlparse(target).netloc not in ALLOWED_HOSTS:
        return HttpResponseRedirect("/")
    return HttpResponseRedirect(target)  # SINK
"""),
    Case("redirect-overwritten-safe", "redirect", False, F + """
from flask import redirect
def go():
    target = request.args.get("next")
    target = "/"
    return redirect(target)  # SINK
"""),
    Case("redirect-constant-safe", "redirect", False, """
from flask import redirect
HOME = "https://example.com/"
def go():
    return redirect(HOME)  # SINK
"""),
    # ---------------------------------------------------------------- url (SSRF)
    Case("url-requests", "url", True, F + """
import requests
def preview():
    url = request.args["url"]
    return requests.get(url, timeout=5).text  # SINK
"""),
    Case("url-httpx-fastapi", "url", True, """
import httpx
from fastapi import FastAPI
app = FastAPI()
@app.get("/proxy")
async def proxy(host: str):
    async with httpx.AsyncClient() as client:
        r = await client.get(f"http://{host}/status")  # SINK
    return r.json()
"""),
    Case("url-urlopen-django", "url", True, """
from urllib.request import urlopen
def fetch(request):
    return urlopen(request.POST["feed"]).read()  # SINK
"""),
    Case("url-helper", "url", True, F + """
import requests
def callback_url():
    return request.json["callback"]

def hook():
    requests.post(callback_url(), json={"ok": True}, timeout=5)  # SINK
"""),
    Case("url-aiohttp", "url", True, """
import aiohttp
from aiohttp import web
async def handler(request):
    target = request.query["u"]
    async with aiohttp.ClientSession() as s:
        async with s.get(target) as r:  # SINK
            return web.Response(text=await r.text())
"""),
    Case("url-cross-module", "url", True, files={
        "inputs.py": "from flask import request\n\ndef webhook():\n    return request.form['webhook']\n",
        "app.py": "import requests\nfrom pkg.inputs import webhook\n\ndef hook():\n    requests.get(webhook(), timeout=5)  # SINK\n",
    }),
    Case("url-fixed-host-safe", "url", False, F + """
import requests
def user():
    name = request.args["name"]
    return requests.get(f"https://api.example.com/users/{name}", timeout=5).json()  # SINK
"""),
    Case("url-allowlist-safe", "url", False, F + """
import requests
SERVICES = {"a": "https://a.example.com", "b": "https://b.example.com"}
def proxy():
    return requests.get(SERVICES[request.args["service"]], timeout=5).text  # SINK
"""),
    Case("url-host-check-safe", "url", False, F + """
import requests
from urllib.parse import urlparse
ALLOWED_HOSTS = {"api.example.com"}
def fetch():
    url = request.args["url"]
    if urlparse(url).netloc not in ALLOWED_HOSTS:
        return "no", 400
    return requests.get(url, timeout=5).text  # SINK
"""),
    Case("url-constant-safe", "url", False, """
import requests
HEALTH = "https://status.example.com/health"
def ping():
    return requests.get(HEALTH, timeout=5)  # SINK
"""),
    Case("url-overwritten-safe", "url", False, F + """
import requests
def fetch():
    url = request.args["url"]
    url = "https://example.com/feed"
    return requests.get(url, timeout=5)  # SINK
"""),
    Case("url-helper-constant-safe", "url", False, F + """
import requests
def endpoint(kind):
    return "https://api.example.com/v1/status"

def fetch():
    return requests.get(endpoint(request.args["k"]), timeout=5)  # SINK
"""),
]
