"""A Tornado handler whose base class, in another module of the project, declares a response
type other than HTML (`get_content_type`, `set_default_headers`) writes no HTML page: what it
writes is not reflected XSS (SLS803). A base class that declares nothing, or declares HTML,
leaves its subclasses' pages reported (engine/symbols.non_html_bases_imported)."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write

BASE = """
import tornado.web


class APIHandler(tornado.web.RequestHandler):
    def get_content_type(self):
        return "application/json"


class JSONHeaders(tornado.web.RequestHandler):
    def set_default_headers(self):
        self.set_header("Content-Type", "application/json; charset=UTF-8")


class PageHandler(tornado.web.RequestHandler):
    def set_default_headers(self):
        self.set_header("Content-Type", "text/html; charset=UTF-8")


class Plain(tornado.web.RequestHandler):
    pass
"""

HANDLERS = """
import json

from tornado import web

from .base import APIHandler, JSONHeaders, PageHandler, Plain


class Routes(APIHandler):
    def get(self):
        self.write(json.dumps({"routes": self.get_argument("prefix")}))


class Echo(JSONHeaders):
    def get(self):
        self.write(json.dumps({"echo": self.get_argument("q")}))


class Page(PageHandler):
    def get(self):
        self.write(f"<h1>{self.get_argument('name')}</h1>")


class Greeting(Plain):
    def get(self):
        self.write(f"<h1>{self.get_argument('name')}</h1>")
"""


def test_a_base_class_in_another_module_that_declares_json_keeps_its_handlers_out_of_xss(tmp_path):
    root = write(tmp_path / "site", {"api/__init__.py": "", "api/base.py": BASE, "api/handlers.py": HANDLERS})
    run = check_json(".", cwd=root)
    found = sorted((f["path"].replace("\\\\", "/"), f["rule"], f["range"]["start"]["line"]) for f in run.findings() if f["rule"] == "SLS803")
    # the JSON handlers' writes are not pages; the HTML one's and the undeclared one's are
    assert found == [("api/handlers.py", "SLS803", 20), ("api/handlers.py", "SLS803", 25)]


FINISHING_BASE = """
import tornado.web


class APIHandler(tornado.web.RequestHandler):
    def finish(self, *args, **kwargs):
        content_type = kwargs.pop("set_content_type", "application/json")
        self.set_header("Content-Type", content_type)
        return super().finish(*args, **kwargs)


class TrackedHandler(tornado.web.RequestHandler):
    def finish(self, *args, **kwargs):
        self.settings["last_activity"] = 1
        return super().finish(*args, **kwargs)


class DictHandler(tornado.web.RequestHandler):
    def write(self, chunk):
        if isinstance(chunk, dict):
            self.set_header("Content-Type", "application/json")
        return super().write(chunk)
"""

FINISHING_HANDLERS = """
import json

from tornado import web

from .base import APIHandler, DictHandler, TrackedHandler


class Status(APIHandler):
    def get(self):
        self.finish(json.dumps({"echo": self.get_argument("q")}))


class Banner(APIHandler):
    def get(self):
        self.finish(f"<h1>{self.get_argument('name')}</h1>", set_content_type="text/html")


class Hello(TrackedHandler):
    def get(self):
        self.finish(f"<h1>{self.get_argument('name')}</h1>")


class Welcome(DictHandler):
    def get(self):
        self.write(f"<h1>{self.get_argument('name')}</h1>")
"""


def test_a_base_class_whose_finish_sets_a_json_type_keeps_its_handlers_out_of_xss(tmp_path):
    # an override of `finish` that types every response before Tornado's runs: its subclasses'
    # writes are JSON, unless a write asks for HTML by the override's keyword; an override that
    # leaves the type alone, or sets it for some writes only, changes nothing
    root = write(tmp_path / "site", {"api/__init__.py": "", "api/base.py": FINISHING_BASE, "api/handlers.py": FINISHING_HANDLERS})
    run = check_json(".", cwd=root)
    found = sorted((f["path"].replace("\\\\", "/"), f["rule"], f["range"]["start"]["line"]) for f in run.findings() if f["rule"] == "SLS803")
    assert found == [("api/handlers.py", "SLS803", 15), ("api/handlers.py", "SLS803", 20), ("api/handlers.py", "SLS803", 25)]
