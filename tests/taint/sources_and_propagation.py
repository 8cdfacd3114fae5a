"""Labelled taint cases: sources and propagation forms, across sink classes."""

from .case import Case

F = "from flask import Flask, request\napp = Flask(__name__)\n"

CASES = [
    # ---- sources
    Case("src-aiohttp-match-info", "shell", True, """
import os
from aiohttp import web
async def handler(request):
    name = request.match_info["name"]
    os.system("touch /tmp/" + name)  # SINK
    return web.Response(text="ok")
"""),
    Case("src-aiohttp-post", "sql", True, """
async def handler(request, cur):
    data = await request.post()
    await cur.execute("SELECT * FROM t WHERE a = '%s'" % data["a"])  # SINK
"""),
    Case("src-starlette-query-params", "redirect", True, """
from starlette.responses import RedirectResponse
async def go(request):
    return RedirectResponse(request.query_params["next"])  # SINK
"""),
    Case("src-fastapi-header", "log", True, """
import logging
from fastapi import FastAPI, Header
app = FastAPI()
@app.get("/x")
def x(user_agent: str = Header(None)):
    logging.info("ua " + user_agent)  # SINK
"""),
    Case("src-fastapi-depends-safe", "sql", False, """
from fastapi import FastAPI, Depends
app = FastAPI()
def settings():
    return {"table": "users"}
@app.get("/x")
def x(db=None, conf: dict = Depends(settings)):
    db.execute("SELECT * FROM " + conf["table"])  # SINK
"""),
    Case("src-fastapi-request-body", "code", True, """
from fastapi import FastAPI, Request
app = FastAPI()
@app.post("/run")
async def run(request: Request):
    body = await request.body()
    exec(body.decode())  # SINK
"""),
    Case("src-django-url-kwarg", "path", True, """
from django.http import FileResponse
def download(request, filename):
    return FileResponse(open("/srv/files/" + filename, "rb"))  # SINK
"""),
    Case("src-django-cbv-kwarg", "sql", True, """
from django.views import View
from django.db import connection
class Item(View):
    def get(self, request, slug):
        with connection.cursor() as cur:
            cur.execute("SELECT * FROM items WHERE slug = '" + slug + "'")  # SINK
"""),
    # META holds the request's headers. Copied into a response header, a header value cannot
    # split it (it arrives on one line, and Django refuses line breaks): that is the audit tier
    # (issue 12, B3). Written into HTML, it is the client's markup.
    Case("src-django-meta", "html", True, """
from django.http import HttpResponse
def view(request):
    return HttpResponse("<p>via " + request.META["HTTP_X_FORWARDED_FOR"] + "</p>")  # SINK
"""),
    Case("src-django-meta-header-copied", "header", False, """
from django.http import HttpResponse
def view(request):
    resp = HttpResponse("ok")
    resp["X-Forwarded"] = request.META["HTTP_X_FORWARDED_FOR"]  # SINK
    return resp
"""),
    Case("src-django-files", "path", True, """
def upload(request):
    f = request.FILES["doc"]
    with open("/srv/up/" + f.name, "wb") as out:  # SINK
        out.write(f.read())
"""),
    Case("src-sys-argv", "shell", True, """
import os, sys
def main():
    os.system("convert " + sys.argv[1] + " out.png")  # SINK
"""),
    Case("src-argparse", "shell", True, """
import argparse, subprocess
def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    args = parser.parse_args()
    subprocess.run(f"ping {args.host}", shell=True)  # SINK
"""),
    Case("src-env", "code", True, """
import os
def boot():
    exec(os.environ["BOOT_HOOK"])  # SINK
"""),
    Case("src-input-sql", "sql", True, """
import sqlite3
def main(db):
    name = input("name: ")
    db.execute("SELECT * FROM t WHERE name = '" + name + "'")  # SINK
"""),
    Case("src-socket-recv-shell", "shell", True, """
import os
def serve(conn):
    cmd = conn.recv(1024).decode()
    os.system(cmd)  # SINK
"""),
    # ---- propagation
    Case("prop-comprehension", "sql", True, F + """
def view(cur):
    ids = [x.strip() for x in request.args["ids"].split(",")]
    cur.execute("SELECT * FROM t WHERE id IN (%s)" % ",".join(ids))  # SINK
"""),
    Case("prop-comprehension-int-safe", "sql", False, F + """
def view(cur):
    ids = [int(x) for x in request.args["ids"].split(",")]
    cur.execute("SELECT * FROM t WHERE id IN (%s)" % ",".join(str(i) for i in ids))  # SINK
"""),
    Case("prop-attribute-object", "shell", True, F + """
import os
class Job:
    pass
def run():
    job = Job()
    job.target = request.form["target"]
    os.system("make " + job.target)  # SINK
"""),
    Case("prop-bytes-decode", "code", True, F + """
def run():
    raw = request.get_data()
    text = raw.decode("utf-8").strip()
    eval(text)  # SINK
"""),
    Case("prop-walrus", "redirect", True, F + """
from flask import redirect
def go():
    if (target := request.args.get("next")):
        return redirect(target)  # SINK
    return "no"
"""),
    Case("prop-loop-accumulate", "ldap", True, """
import ldap
from flask import request
def find(conn):
    filt = "(|"
    for name in request.args.getlist("n"):
        filt += f"(uid={name})"
    filt += ")"
    return conn.search_s("dc=x", ldap.SCOPE_SUBTREE, filt)  # SINK
"""),
    Case("prop-dict-items", "template", True, """
from flask import render_template_string, request
def page():
    parts = {k: v for k, v in request.args.items()}
    return render_template_string("<p>" + parts.get("title", "") + "</p>")  # SINK
"""),
    Case("prop-helper-chain", "xpath", True, """
from lxml import etree
from flask import request
def raw_name():
    return request.args["n"]

def name():
    return raw_name().strip()

def find(tree):
    return tree.xpath("//u[@n='" + name() + "']")  # SINK
"""),
    Case("prop-helper-kwargs", "regex", True, """
import re
from flask import request
def pattern(prefix="", body=""):
    return prefix + body

def find(text):
    return re.search(pattern(body=request.args["b"]), text)  # SINK
"""),
    Case("prop-static-method", "xml", True, """
import xml.etree.ElementTree as ET
from flask import request
class Upload:
    @staticmethod
    def payload():
        return request.data

def parse():
    return ET.fromstring(Upload.payload())  # SINK
"""),
    Case("prop-helper-wrong-param-safe", "session", False, """
from flask import request, session
def pick(value, default):
    return default

def prefs():
    session["theme"] = pick(request.args["t"], "light")  # SINK
"""),
    Case("prop-if-false-safe", "code", False, F + """
def calc():
    if False:
        eval(request.args["e"])  # SINK
    return "ok"
"""),
    Case("prop-validated-early-return-safe", "header", False, """
from flask import make_response, request
def view():
    lang = request.args["lang"]
    if not lang.isalpha():
        return "bad", 400
    resp = make_response("ok")
    resp.headers["Content-Language"] = lang  # SINK
    return resp
"""),
    Case("prop-equality-check-safe", "session", False, """
from flask import request, session
def mode():
    m = request.args["m"]
    if m != "compact":
        return "no"
    session["mode"] = m  # SINK
"""),
    Case("prop-abort-safe", "log", False, """
import logging
from flask import request, abort
ALLOWED = {"a", "b"}
def view():
    k = request.args["k"]
    if k not in ALLOWED:
        abort(400)
    logging.info("kind %s", k)  # SINK
"""),
    Case("prop-url-prefix-safe", "url", False, F + """
import requests
def fetch():
    u = request.args["u"]
    if not u.startswith("https://api.example.com/"):
        return "no", 400
    return requests.get(u, timeout=5).text  # SINK
"""),
    Case("prop-django-safe-url", "redirect", False, """
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
def login(request):
    nxt = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={"example.com"}):
        return redirect("/")
    return redirect(nxt)  # SINK
"""),
    Case("prop-float-safe", "xpath", False, """
from lxml import etree
from flask import request
def find(tree):
    price = float(request.args["p"])
    return tree.xpath(f"//item[price < {price}]")  # SINK
"""),
    Case("prop-cross-module-validator-safe", "regex", False, files={
        "valid.py": "import re\n\ndef word(v):\n    if not re.fullmatch(r'[a-z]+', v):\n        raise ValueError(v)\n    return v\n",
        "app.py": "import re\nfrom flask import request\nfrom .valid import word\n\ndef find(text):\n    return re.search(word(request.args['w']), text)  # SINK\n",
    }),
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("prop-cross-module-chain", "header", False, files={
        "a.py": "from flask import request\n\ndef raw():\n    return request.args['v']\n",
        "b.py": "from .a import raw\n\ndef value():\n    return raw().strip()\n",
        "app.py": "from flask import make_response\nfrom pkg.b import value\n\ndef view():\n    resp = make_response('ok')\n    resp.headers['X-V'] = value()  # SINK\n    return resp\n",
    }),
    Case("prop-cross-module-session", "session", True, files={
        "forms.py": "def field(req, name):\n    return req.form[name]\n",
        "app.py": "from flask import request, session\nfrom . import forms\n\ndef save():\n    session['plan'] = forms.field(request, 'plan')  # SINK\n",
    }),
    Case("prop-cross-module-xml-safe", "xml", False, files={
        "docs.py": "def sample():\n    return '<sample/>'\n",
        "app.py": "import xml.etree.ElementTree as ET\nfrom .docs import sample\n\ndef parse():\n    return ET.fromstring(sample())  # SINK\n",
    }),
    Case("prop-cross-module-ldap-safe", "ldap", False, files={
        "esc.py": "from ldap.filter import escape_filter_chars\n\ndef esc(v):\n    return escape_filter_chars(v)\n",
        "app.py": "import ldap\nfrom flask import request\nfrom pkg.esc import esc\n\ndef find(conn):\n    return conn.search_s('dc=x', ldap.SCOPE_SUBTREE, '(uid=' + esc(request.args['u']) + ')')  # SINK\n",
    }),
    Case("prop-cross-module-template-safe", "template", False, files={
        "layouts.py": "def layout():\n    return '<main>{{ body }}</main>'\n",
        "app.py": "from flask import render_template_string, request\nfrom .layouts import layout\n\ndef page():\n    return render_template_string(layout(), body=request.args['b'])  # SINK\n",
    }),
]

CASES += [
    Case("prop-self-method", "sql", True, """
from flask import request
class Repo:
    def __init__(self, cur):
        self.cur = cur

    def _owner(self):
        return request.args["owner"]

    def find(self):
        self.cur.execute("SELECT * FROM t WHERE owner = '%s'" % self._owner())  # SINK
"""),
    Case("prop-self-method-safe", "sql", False, """
from flask import request
class Repo:
    def __init__(self, cur):
        self.cur = cur

    def _limit(self, raw):
        return int(raw)

    def find(self):
        self.cur.execute("SELECT * FROM t LIMIT %d" % self._limit(request.args["n"]))  # SINK
"""),
]

# Sanitizers and checks that do not protect the sink at hand.
CASES += [
    Case("wrong-sanitizer-shlex-in-sql", "sql", True, F + """
import shlex
def view(cur):
    name = shlex.quote(request.args["name"])
    cur.execute("SELECT * FROM users WHERE name = " + name)  # SINK
"""),
    Case("wrong-sanitizer-escape-in-shell", "shell", True, F + """
import html, os
def run():
    os.system("echo " + html.escape(request.args["m"]))  # SINK
"""),
    Case("wrong-sanitizer-basename-in-url", "url", True, F + """
import os, requests
def fetch():
    return requests.get(os.path.basename(request.args["u"]), timeout=5).text  # SINK
"""),
    Case("validated-one-branch-only", "code", True, F + """
def calc():
    e = request.args["e"]
    if request.args.get("strict"):
        if not e.isdigit():
            return "no"
    return eval(e)  # SINK
"""),
    Case("overwritten-one-branch-only", "path", True, F + """
def read():
    name = request.args["n"]
    if request.args.get("default"):
        name = "index.txt"
    with open("/srv/" + name) as fh:  # SINK
        return fh.read()
"""),
    Case("sanitized-copy-original-used", "regex", True, """
import re
from flask import request
def find(text):
    q = request.args["q"]
    safe = re.escape(q)
    return re.search(q, text)  # SINK
"""),
    Case("allowlist-from-request", "redirect", True, F + """
from flask import redirect
def go():
    target = request.args["next"]
    if target not in request.args.getlist("allowed"):
        return "no"
    return redirect(target)  # SINK
"""),
    Case("host-check-other-variable", "url", True, F + """
import requests
from urllib.parse import urlparse
ALLOWED_HOSTS = {"api.example.com"}
def fetch():
    url = request.args["url"]
    fallback = request.args["fallback"]
    if urlparse(fallback).netloc not in ALLOWED_HOSTS:
        return "no"
    return requests.get(url, timeout=5).text  # SINK
"""),
    Case("equality-with-constant-in-loop-safe", "shell", False, F + """
import os
MODES = ["fast", "slow"]
def run():
    m = request.args["m"]
    for allowed in MODES:
        if m == allowed:
            os.system("run --mode " + m)  # SINK
"""),
    Case("validated-then-reassigned", "sql", True, F + """
def view(cur):
    col = request.args["col"]
    if col not in ("a", "b"):
        return "no"
    col = request.args["other"]
    cur.execute(f"SELECT {col} FROM t")  # SINK
"""),
]

# More forms per sink.
CASES += [
    Case("html-starlette", "html", True, """
from starlette.responses import HTMLResponse
async def hello(request):
    name = request.query_params.get("name", "")
    return HTMLResponse("<h1>Hi %s</h1>" % name)  # SINK
"""),
    Case("html-flask-route-param", "html", True, F + """
@app.route("/u/<name>")
def user(name):
    return f"<h1>{name}</h1>"  # SINK
"""),
    Case("html-plain-text-safe", "html", False, """
from django.http import HttpResponse
def export(request):
    return HttpResponse(request.GET["data"], content_type="text/plain")  # SINK
"""),
    Case("html-int-safe", "html", False, F + """
@app.route("/p")
def page():
    n = int(request.args["n"])
    return f"<p>page {n}</p>"  # SINK
"""),
    Case("template-mako", "template", True, """
from mako.template import Template
from flask import request
def render():
    return Template("<p>" + request.args["body"] + "</p>").render()  # SINK
"""),
    Case("template-validated-safe", "template", False, """
from flask import render_template_string, request
def page():
    name = request.args["name"]
    if not name.isalnum():
        return "no"
    return render_template_string("<p>" + name + "</p>")  # SINK
"""),
    Case("ldap-route-param", "ldap", True, """
import ldap
from flask import Flask
app = Flask(__name__)
@app.route("/u/<uid>")
def user(uid, conn=None):
    return conn.search_s("dc=x", ldap.SCOPE_SUBTREE, "(uid=" + uid + ")")  # SINK
"""),
    Case("xpath-django-kwarg", "xpath", True, """
from lxml import etree
from django.http import HttpResponse
DOC = etree.parse("catalog.xml")
def item(request, sku):
    return HttpResponse(str(DOC.xpath("//item[@sku='%s']" % sku)))  # SINK
"""),
    Case("session-django-validated-safe", "session", False, """
def choose(request):
    plan = request.POST["plan"]
    if plan not in ("free", "pro"):
        return None
    request.session["plan"] = plan  # SINK
"""),
    Case("header-django-allowlist-safe", "header", False, """
from django.http import HttpResponse
TYPES = {"csv": "text/csv", "json": "application/json"}
def export(request):
    resp = HttpResponse("data")
    resp["Content-Type"] = TYPES[request.GET["fmt"]]  # SINK
    return resp
"""),
    Case("xml-fastapi-body", "xml", True, """
import xml.etree.ElementTree as ET
from fastapi import FastAPI, Request
app = FastAPI()
@app.post("/import")
async def imp(request: Request):
    body = await request.body()
    return ET.fromstring(body).tag  # SINK
"""),
    Case("deser-marshal-safe-constant", "deserialize", False, """
import marshal
CODE = marshal.dumps(1)
def load():
    return marshal.loads(CODE)  # SINK
"""),
]
