"""Labelled taint cases, the other sinks: template, ldap, xpath, deserialize, xml, regex, header, session, log, html."""

from .case import Case

F = "from flask import Flask, request\napp = Flask(__name__)\n"

CASES = [
    # ---------------------------------------------------------------- template
    Case("template-fstring", "template", True, """
from flask import render_template_string, request
def hello():
    name = request.args.get("name", "")
    return render_template_string(f"<h1>Hello {name}!</h1>")  # SINK
"""),
    Case("template-whole-request", "template", True, """
from flask import render_template_string, request
def preview():
    return render_template_string(request.form["tpl"])  # SINK
"""),
    Case("template-jinja-from-string", "template", True, """
import jinja2
ENV = jinja2.Environment()
def view(request):
    source = "Hi " + request.GET["who"]
    return ENV.from_string(source).render()  # SINK
"""),
    Case("template-helper", "template", True, """
from jinja2 import Template
from flask import request
def greeting_source():
    return "Dear " + request.args["n"] + ","

def mail():
    return Template(greeting_source()).render()  # SINK
"""),
    Case("template-cross-module", "template", True, files={
        "texts.py": "def banner(name):\n    return '<b>' + name + '</b>'\n",
        "app.py": "from flask import render_template_string, request\nfrom .texts import banner\n\ndef page():\n    return render_template_string(banner(request.args['n']))  # SINK\n",
    }),
    Case("template-context-safe", "template", False, """
from flask import render_template_string, request
def hello():
    return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args["name"])  # SINK
"""),
    Case("template-constant-safe", "template", False, """
import jinja2
HEADER = "<h1>{{ title }}</h1>"
def page():
    return jinja2.Template(HEADER + "<footer/>").render(title="x")  # SINK
"""),
    Case("template-allowlist-safe", "template", False, """
from flask import render_template_string, request
TEMPLATES = {"a": "<p>{{ x }}</p>", "b": "<div>{{ x }}</div>"}
def page():
    return render_template_string(TEMPLATES[request.args["t"]], x=1)  # SINK
"""),
    Case("template-overwritten-safe", "template", False, """
from flask import render_template_string, request
def page():
    src = request.args["src"]
    src = "<p>{{ x }}</p>"
    return render_template_string(src, x=1)  # SINK
"""),
    Case("template-helper-constant-safe", "template", False, """
from flask import render_template_string, request
def layout(kind):
    if kind == "wide":
        return "<div class=wide>{{ body }}</div>"
    return "<div>{{ body }}</div>"

def page():
    return render_template_string(layout(request.args["k"]), body="x")  # SINK
"""),
    # ---------------------------------------------------------------- ldap
    Case("ldap-search-s", "ldap", True, """
import ldap
from flask import request
def login(conn):
    user = request.form["user"]
    return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={user})")  # SINK
"""),
    Case("ldap3-search", "ldap", True, """
from ldap3 import Connection, SUBTREE
def find(request, conn):
    mail = request.GET["mail"]
    conn.search("dc=example,dc=com", "(mail=" + mail + ")", search_scope=SUBTREE)  # SINK
"""),
    Case("ldap-format", "ldap", True, """
import ldap
from fastapi import FastAPI
app = FastAPI()
@app.get("/members")
def members(group: str, conn=None):
    return conn.search_s("dc=x", ldap.SCOPE_SUBTREE, "(memberOf=cn={},ou=groups)".format(group))  # SINK
"""),
    Case("ldap-helper", "ldap", True, """
import ldap
from flask import request
def username():
    return request.form.get("username", "").strip()

def login(conn):
    return conn.search_s("dc=x", ldap.SCOPE_SUBTREE, "(uid=%s)" % username())  # SINK
"""),
    Case("ldap-cross-module", "ldap", True, files={
        "who.py": "from flask import request\n\ndef who():\n    return request.args['who']\n",
        "app.py": "import ldap\nfrom .who import who\n\ndef find(conn):\n    return conn.search_s('dc=x', ldap.SCOPE_SUBTREE, f'(cn={who()})')  # SINK\n",
    }),
    Case("ldap-escaped-safe", "ldap", False, """
import ldap
from ldap.filter import escape_filter_chars
from flask import request
def find(conn):
    return conn.search_s("dc=x", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(request.args['u'])})")  # SINK
"""),
    Case("ldap3-escaped-safe", "ldap", False, """
from ldap3.utils.conv import escape_filter_chars
from flask import request
def find(conn):
    conn.search("dc=x", "(uid=%s)" % escape_filter_chars(request.args["u"]))  # SINK
"""),
    Case("ldap-constant-safe", "ldap", False, """
import ldap
GROUP = "admins"
def admins(conn):
    return conn.search_s("dc=x", ldap.SCOPE_SUBTREE, f"(cn={GROUP})")  # SINK
"""),
    Case("ldap-validated-safe", "ldap", False, """
import ldap
from flask import request
def find(conn):
    uid = request.args["uid"]
    if not uid.isalnum():
        return None
    return conn.search_s("dc=x", ldap.SCOPE_SUBTREE, f"(uid={uid})")  # SINK
"""),
    Case("ldap-helper-escape-safe", "ldap", False, """
import ldap
from ldap.filter import escape_filter_chars
from flask import request
def esc(v):
    return escape_filter_chars(v)

def find(conn):
    return conn.search_s("dc=x", ldap.SCOPE_SUBTREE, "(uid=" + esc(request.args["u"]) + ")")  # SINK
"""),
    # ---------------------------------------------------------------- xpath
    Case("xpath-lxml", "xpath", True, """
from lxml import etree
from flask import request
def login(tree):
    name = request.form["name"]
    return tree.xpath(f"//user[@name='{name}']/@role")  # SINK
"""),
    Case("xpath-etree-find", "xpath", True, """
import xml.etree.ElementTree as ET
def lookup(root, request):
    return root.find(".//book[@isbn='" + request.GET["isbn"] + "']")  # SINK
"""),
    Case("xpath-compiled", "xpath", True, """
from lxml import etree
from flask import request
def find(doc):
    q = etree.XPath("//item[@id='%s']" % request.args["id"])  # SINK
    return q(doc)
"""),
    Case("xpath-helper", "xpath", True, """
from lxml import etree
from flask import request
def wanted():
    return request.args.get("sku", "")

def find(tree):
    return tree.xpath("//p[@sku='" + wanted() + "']")  # SINK
"""),
    Case("xpath-cross-module", "xpath", True, files={
        "q.py": "def sku_of(args):\n    return args['sku'].upper()\n",
        "app.py": "from lxml import etree\nfrom flask import request\nfrom pkg.q import sku_of\n\ndef find(tree):\n    return tree.xpath(f\"//p[@sku='{sku_of(request.args)}']\")  # SINK\n",
    }),
    Case("xpath-variables-safe", "xpath", False, """
from lxml import etree
from flask import request
def find(tree):
    return tree.xpath("//user[@name=$name]", name=request.args["n"])  # SINK
"""),
    Case("xpath-constant-safe", "xpath", False, """
from lxml import etree
COLUMN = "price"
def prices(tree):
    return tree.xpath(f"//item/{COLUMN}/text()")  # SINK
"""),
    Case("xpath-int-safe", "xpath", False, """
from lxml import etree
from flask import request
def find(tree):
    return tree.xpath("//item[%d]" % int(request.args["i"]))  # SINK
"""),
    Case("xpath-allowlist-safe", "xpath", False, """
from lxml import etree
from flask import request
FIELDS = ("name", "price")
def find(tree):
    f = request.args["f"]
    if f not in FIELDS:
        return []
    return tree.xpath(f"//item/{f}/text()")  # SINK
"""),
    Case("xpath-overwritten-safe", "xpath", False, """
from lxml import etree
from flask import request
def find(tree):
    name = request.args["n"]
    name = "admin"
    return tree.xpath(f"//user[@name='{name}']")  # SINK
"""),
    # ---------------------------------------------------------------- deserialize
    Case("deser-pickle-request", "deserialize", True, """
import pickle
from flask import request
def restore():
    return pickle.loads(request.data)  # SINK
"""),
    Case("deser-pickle-cookie-b64", "deserialize", True, """
import base64, pickle
def view(request):
    blob = base64.b64decode(request.COOKIES["state"])
    return pickle.loads(blob)  # SINK
"""),
    Case("deser-yaml-load", "deserialize", True, """
import yaml
from flask import request
def config():
    return yaml.load(request.data, Loader=yaml.Loader)  # SINK
""", rule="SLS104"),
    Case("deser-socket", "deserialize", True, """
import pickle, socket
def serve(sock):
    conn, _ = sock.accept()
    data = conn.recv(4096)
    return pickle.loads(data)  # SINK
"""),
    Case("deser-helper", "deserialize", True, """
import pickle
from flask import request
def payload():
    return request.get_data()

def restore():
    return pickle.loads(payload())  # SINK
"""),
    Case("deser-http-response", "deserialize", True, """
import pickle, requests
def sync():
    r = requests.get("https://cache.example.com/blob", timeout=5)
    return pickle.loads(r.content)  # SINK
"""),
    Case("deser-cross-module", "deserialize", True, files={
        "io_.py": "def body(req):\n    return req.data\n",
        "app.py": "import pickle\nfrom flask import request\nfrom .io_ import body\n\ndef restore():\n    return pickle.loads(body(request))  # SINK\n",
    }),
    Case("deser-json-safe", "deserialize", False, """
import json
from flask import request
def restore():
    return json.loads(request.data)  # SINK
"""),
    Case("deser-constant-safe", "deserialize", False, """
import pickle
DEFAULTS = b"\\x80\\x04K\\x01."
def defaults():
    return pickle.loads(DEFAULTS)  # SINK
"""),
    Case("deser-yaml-safe", "deserialize", False, """
import yaml
from flask import request
def config():
    return yaml.safe_load(request.data)  # SINK
""", rule="SLS104"),
    Case("deser-hmac-checked-safe", "deserialize", False, """
import hmac, hashlib, pickle
from flask import request
KEY = b"k"
def restore():
    data = request.data
    sig = request.headers["X-Sig"]
    if not hmac.compare_digest(sig, hmac.new(KEY, data, hashlib.sha256).hexdigest()):
        return "bad", 400
    return pickle.loads(data)  # SINK
"""),
    Case("deser-overwritten-safe", "deserialize", False, """
import pickle
from flask import request
def restore():
    blob = request.data
    blob = pickle.dumps({})
    return pickle.loads(blob)  # SINK
"""),
    # ---------------------------------------------------------------- xml
    Case("xml-etree-request", "xml", True, """
import xml.etree.ElementTree as ET
from flask import request
def upload():
    root = ET.fromstring(request.data)  # SINK
    return root.tag
"""),
    Case("xml-minidom-django", "xml", True, """
from xml.dom import minidom
def upload(request):
    return minidom.parseString(request.body)  # SINK
"""),
    Case("xml-lxml-request", "xml", True, """
from lxml import etree
from flask import request
def upload():
    doc = etree.fromstring(request.data)  # SINK
    return doc.tag
""", rule="SLS109"),
    Case("xml-helper", "xml", True, """
import xml.etree.ElementTree as ET
from flask import request
def document():
    return request.get_data()

def upload():
    return ET.fromstring(document()).tag  # SINK
"""),
    Case("xml-sax-download", "xml", True, """
import xml.sax
import requests
def feed(handler):
    r = requests.get("https://feeds.example.com/x", timeout=5)
    xml.sax.parseString(r.content, handler)  # SINK
"""),
    Case("xml-defused-safe", "xml", False, """
import defusedxml.ElementTree as ET
from flask import request
def upload():
    return ET.fromstring(request.data)  # SINK
"""),
    Case("xml-constant-safe", "xml", False, """
import xml.etree.ElementTree as ET
CONFIG = "<config><debug>false</debug></config>"
def config():
    return ET.fromstring(CONFIG)  # SINK
"""),
    Case("xml-lxml-safe-parser", "xml", False, """
from lxml import etree
from flask import request
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
def upload():
    return etree.fromstring(request.data, parser=PARSER)  # SINK
""", rule="SLS109"),
    Case("xml-overwritten-safe", "xml", False, """
import xml.etree.ElementTree as ET
from flask import request
def upload():
    data = request.data
    data = "<ok/>"
    return ET.fromstring(data)  # SINK
"""),
    Case("xml-helper-constant-safe", "xml", False, """
import xml.etree.ElementTree as ET
from flask import request
def template(kind):
    return "<doc kind='fixed'/>"

def upload():
    return ET.fromstring(template(request.args["k"]))  # SINK
"""),
    # ---------------------------------------------------------------- regex
    Case("regex-compile", "regex", True, """
import re
from flask import request
def search(items):
    rx = re.compile(request.args["q"], re.I)  # SINK
    return [i for i in items if rx.search(i)]
"""),
    Case("regex-fstring", "regex", True, """
from re import search
def view(request, text):
    word = request.GET["word"]
    return bool(search(f"\\\\b{word}\\\\b", text))  # SINK
"""),
    Case("regex-sub", "regex", True, """
import re
from fastapi import FastAPI
app = FastAPI()
@app.get("/r")
def r(pattern: str, text: str = ""):
    return re.sub(pattern, "", text)  # SINK
"""),
    Case("regex-helper", "regex", True, """
import re
from flask import request
def term():
    return request.args.get("term", "")

def find(text):
    return re.findall(term() + "+", text)  # SINK
"""),
    Case("regex-cross-module", "regex", True, files={
        "terms.py": "from flask import request\n\ndef term():\n    return request.args['t']\n",
        "app.py": "import re\nfrom .terms import term\n\ndef find(text):\n    return re.search(term(), text)  # SINK\n",
    }),
    Case("regex-escape-safe", "regex", False, """
import re
from flask import request
def search(items):
    rx = re.compile(re.escape(request.args["q"]), re.I)  # SINK
    return [i for i in items if rx.search(i)]
"""),
    Case("regex-constant-safe", "regex", False, """
import re
WORD = r"\\w+"
def words(text):
    return re.findall(WORD, text)  # SINK
"""),
    Case("regex-allowlist-safe", "regex", False, """
import re
from flask import request
PATTERNS = {"digits": r"\\d+", "words": r"\\w+"}
def find(text):
    return re.findall(PATTERNS[request.args["p"]], text)  # SINK
"""),
    Case("regex-helper-escape-safe", "regex", False, """
import re
from flask import request
def literal(v):
    return re.escape(v)

def find(text):
    return re.search(literal(request.args["q"]) + "$", text)  # SINK
"""),
    Case("regex-overwritten-safe", "regex", False, """
import re
from flask import request
def find(text):
    p = request.args["p"]
    p = r"^\\d+$"
    return re.match(p, text)  # SINK
"""),
    # ---------------------------------------------------------------- header
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("header-flask", "header", False, """
from flask import make_response, request
def download():
    resp = make_response("data")
    resp.headers["Content-Disposition"] = "attachment; filename=" + request.args["name"]  # SINK
    return resp
"""),
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("header-django", "header", False, """
from django.http import HttpResponse
def view(request):
    response = HttpResponse("ok")
    response["X-Tracking"] = request.GET.get("id", "")  # SINK
    return response
"""),
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("header-add", "header", False, """
from flask import make_response, request
def remember():
    resp = make_response("ok")
    resp.headers.add("X-Campaign", request.args["utm"])  # SINK
    return resp
"""),
    # the framework refuses CR/LF in header values: reflected, not injected, so the audit tier (issue 12, B3)
    Case("header-helper", "header", False, """
from flask import make_response, request
def label():
    return request.args.get("label", "x")

def view():
    resp = make_response("ok")
    resp.headers["X-Label"] = label()  # SINK
    return resp
"""),
    Case("header-quote-safe", "header", False, """
from urllib.parse import quote
from flask import make_response, request
def download():
    resp = make_response("data")
    resp.headers["Content-Disposition"] = "attachment; filename=" + quote(request.args["name"])  # SINK
    return resp
"""),
    Case("header-allowlist-safe", "header", False, """
from flask import make_response, request
THEMES = {"dark", "light"}
def theme():
    value = request.args.get("theme", "light")
    if value not in THEMES:
        value = "light"
    resp = make_response("ok")
    resp.set_cookie("theme", value)  # SINK
    return resp
"""),
    Case("header-int-safe", "header", False, """
from flask import make_response, request
def view():
    resp = make_response("ok")
    resp.headers["X-Page"] = str(int(request.args["page"]))  # SINK
    return resp
"""),
    Case("header-constant-safe", "header", False, """
from flask import make_response
POLICY = "default-src 'self'"
def view():
    resp = make_response("ok")
    resp.headers["Content-Security-Policy"] = POLICY  # SINK
    return resp
"""),
    # ---------------------------------------------------------------- session
    Case("session-flask", "session", True, """
from flask import request, session
def set_role():
    session["role"] = request.form["role"]  # SINK
    return "ok"
"""),
    Case("session-django", "session", True, """
def choose_account(request):
    request.session["account_id"] = request.POST.get("account")  # SINK
"""),
    Case("session-json", "session", True, """
from flask import request, session
def prefs():
    data = request.get_json()
    session["theme"] = data["theme"]  # SINK
"""),
    Case("session-helper", "session", True, """
from flask import request, session
def wanted_role():
    return request.args["role"]

def set_role():
    session["role"] = wanted_role()  # SINK
"""),
    Case("session-allowlist-safe", "session", False, """
from flask import request, session
LANGS = {"en", "fr"}
def set_lang():
    lang = request.args.get("lang", "en")
    if lang not in LANGS:
        lang = "en"
    session["lang"] = lang  # SINK
"""),
    Case("session-constant-safe", "session", False, """
from flask import session
def login_done():
    session["stage"] = "done"  # SINK
"""),
    Case("session-int-safe", "session", False, """
from flask import request, session
def page():
    session["page"] = int(request.args["page"])  # SINK
"""),
    Case("session-overwritten-safe", "session", False, """
from flask import request, session
def set_role():
    role = request.form["role"]
    role = "viewer"
    session["role"] = role  # SINK
"""),
    # ---------------------------------------------------------------- log
    Case("log-percent-s", "log", True, """
import logging
from flask import request
logger = logging.getLogger(__name__)
def login():
    user = request.form["username"]
    logger.warning("failed login for %s", user)  # SINK
"""),
    Case("log-fstring", "log", True, """
import logging
from flask import request
def search():
    logging.info(f"search: {request.args.get('q')}")  # SINK
"""),
    Case("log-concat-django", "log", True, """
import logging
from django.http import HttpResponse
log = logging.getLogger("app")
def view(request):
    log.error("bad token " + request.headers.get("X-Token", ""))  # SINK
"""),
    Case("log-helper", "log", True, """
import logging
from flask import request
def agent():
    return request.headers.get("User-Agent", "")

def view():
    logging.info("agent %s", agent())  # SINK
"""),
    Case("log-cross-module", "log", True, files={
        "req.py": "from flask import request\n\ndef client_name():\n    return request.args.get('client', '')\n",
        "app.py": "import logging\nfrom pkg.req import client_name\n\ndef view():\n    logging.warning('client: ' + client_name())  # SINK\n",
    }),
    Case("log-repr-safe", "log", False, """
import logging
from flask import request
def view():
    logging.info("search for %r", request.args.get("q"))  # SINK
"""),
    Case("log-json-safe", "log", False, """
import json, logging
from flask import request
def view():
    logging.info("search for %s", json.dumps(request.args.get("q")))  # SINK
"""),
    Case("log-constant-safe", "log", False, """
import logging
STAGE = "startup"
def boot():
    logging.info("stage %s", STAGE)  # SINK
"""),
    Case("log-int-safe", "log", False, """
import logging
from flask import request
def view():
    logging.info("page %s", int(request.args["page"]))  # SINK
"""),
    Case("log-helper-escape-safe", "log", False, """
import logging
from urllib.parse import quote
from flask import request
def clean(v):
    return quote(v)

def view():
    logging.info("q=%s", clean(request.args["q"]))  # SINK
"""),
    # ---------------------------------------------------------------- html
    Case("html-django-fstring", "html", True, """
from django.http import HttpResponse
def hello(request):
    name = request.GET.get("name", "")
    return HttpResponse(f"<h1>Hello {name}</h1>")  # SINK
"""),
    Case("html-flask-return", "html", True, F + """
@app.route("/search")
def search():
    q = request.args.get("q", "")
    return "<p>No results for " + q + "</p>"  # SINK
"""),
    Case("html-django-raw", "html", True, """
from django.http import HttpResponse
def echo(request):
    return HttpResponse(request.GET["msg"])  # SINK
"""),
    Case("html-helper", "html", True, F + """
from flask import make_response
def greeting():
    return "<b>" + request.args["who"] + "</b>"

def hello():
    return make_response(greeting())  # SINK
"""),
    Case("html-cross-module", "html", True, files={
        "render.py": "def bold(text):\n    return '<b>%s</b>' % text\n",
        "app.py": "from django.http import HttpResponse\nfrom .render import bold\n\ndef view(request):\n    return HttpResponse(bold(request.GET['t']))  # SINK\n",
    }),
    Case("html-escape-safe", "html", False, """
from django.http import HttpResponse
from django.utils.html import escape
def hello(request):
    return HttpResponse(f"<h1>Hello {escape(request.GET['name'])}</h1>")  # SINK
"""),
    Case("html-markupsafe-safe", "html", False, F + """
from markupsafe import escape
@app.route("/hi")
def hi():
    return "<p>Hi " + escape(request.args["n"]) + "</p>"  # SINK
"""),
    Case("html-template-safe", "html", False, F + """
from flask import render_template
@app.route("/hi")
def hi():
    return render_template("hi.html", name=request.args["name"])  # SINK
"""),
    Case("html-constant-safe", "html", False, """
from django.http import HttpResponse
PAGE = "<h1>Welcome</h1>"
def home(request):
    return HttpResponse(PAGE)  # SINK
"""),
    Case("html-helper-escape-safe", "html", False, """
import html
from django.http import HttpResponse
def safe(v):
    return html.escape(v)

def hello(request):
    return HttpResponse("<p>" + safe(request.GET["n"]) + "</p>")  # SINK
"""),
    Case("html-cross-module-escape-safe", "html", False, files={
        "render.py": "import html\n\ndef bold(text):\n    return '<b>%s</b>' % html.escape(text)\n",
        "app.py": "from django.http import HttpResponse\nfrom .render import bold\n\ndef view(request):\n    return HttpResponse(bold(request.GET['t']))  # SINK\n",
    }),
]
