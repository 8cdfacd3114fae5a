"""A method of a class that hands its parameter on whole to a sink, called on an instance whose
class the engine can tell (UnitContext.forwarded, ExpressionFacts.instance_method): the caller's
argument is judged at the call, as for a function of the module. The instance goes in
implicitly, so the caller's first argument is the method's second parameter."""

from __future__ import annotations

import pytest

from tests.cli.cli_helpers import check_json, write
from tests.engine.test_engine import rules

CLIENT = """
import requests

class ApiClient:
    def __init__(self, token=None):
        self.token = token

    def fetch(self, url, timeout=5):
        return requests.get(url, timeout=timeout)
"""

VIEW = """
from flask import Flask, request
app = Flask(__name__)

@app.route("/preview")
def preview():
    {call}
"""

CALLS = {
    "constructed inline": "return ApiClient(token='t').fetch(request.args['url']).text",
    "bound local": "client = ApiClient()\n    return client.fetch(request.args['url']).text",
    "keyword": "client = ApiClient()\n    return client.fetch(url=request.args['url']).text",
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_a_method_of_a_class_of_the_module_called_on_an_instance(call):
    assert "SLS121" in rules(CLIENT + VIEW.format(call=call))


def test_an_attribute_set_in_init_to_an_instance():
    code = CLIENT + """
from flask import Flask, request
app = Flask(__name__)

class Previews:
    def __init__(self):
        self.client = ApiClient()

    def show(self):
        return self.client.fetch(request.args["url"]).text
"""
    assert "SLS121" in rules(code)


def test_the_instance_is_not_the_first_argument():
    # the request's text goes to `timeout`, the URL is a constant: nothing is fetched from the client's host
    call = "return ApiClient().fetch('https://api.example.com/', request.args['t']).text"
    assert "SLS121" not in rules(CLIENT + VIEW.format(call=call))


def test_an_instance_of_a_class_the_engine_cannot_tell():
    # `client` may be either class; `make()` returns who knows what
    code = CLIENT + "\nclass Other:\n    def fetch(self, url):\n        return url\n" + """
from flask import Flask, request
app = Flask(__name__)

def make():
    return ApiClient()

@app.route("/a")
def a():
    client = ApiClient() if request.args.get("x") else Other()
    return client.fetch(request.args["url"])

@app.route("/b")
def b():
    return make().fetch(request.args["url"])
"""
    assert "SLS121" not in rules(code)


def test_a_method_that_checks_the_url_first():
    checked = CLIENT.replace(
        "        return requests.get(url, timeout=timeout)",
        "        if not url.startswith('https://api.example.com/'):\n            raise ValueError(url)\n"
        "        return requests.get(url, timeout=timeout)",
    )
    call = CALLS["bound local"]
    assert "SLS121" not in rules(checked + VIEW.format(call=call))


def _project_rules(tmp_path, view):
    write(tmp_path, {"app/__init__.py": "", "app/client.py": CLIENT, "app/views.py": "from app.client import ApiClient\n" + view})
    return [f["rule"] for f in check_json(".", cwd=tmp_path).findings()]


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_a_class_imported_from_the_workspace(tmp_path, call):
    assert "SLS121" in _project_rules(tmp_path, VIEW.format(call=call))


def test_a_class_imported_from_the_workspace_near_miss(tmp_path):
    call = "return ApiClient().fetch('https://api.example.com/', request.args['t']).text"
    assert "SLS121" not in _project_rules(tmp_path, VIEW.format(call=call))


def test_what_a_method_called_on_a_new_instance_returns(tmp_path):
    # the qualified name `app.text.Text.same` reads through the call: the summary is a method's,
    # and the caller's first argument is `value`, not the instance
    write(tmp_path, {
        "app/__init__.py": "",
        "app/text.py": "class Text:\n    def same(self, value):\n        return value\n",
        "app/views.py": "import os\nfrom flask import request\nfrom app.text import Text\n\n"
        "def run():\n    os.system(Text().same(request.args['c']))\n",
    })
    assert "SLS102" in [f["rule"] for f in check_json(".", cwd=tmp_path).findings()]


STORE = """
import shutil
from pathlib import Path
from fastapi import FastAPI, File, Form

app = FastAPI()

class Images:
    def write(self, data, name):
        {body}

@app.post("/image")
def upload(image: bytes = File(...), path: str = Form(...)):
    Images().write({argument}, "original.png")
"""


def test_a_method_that_copies_its_parameter_only_when_it_is_a_path():
    # the upload's bytes are written; only a `Path` (which the request cannot send) is copied
    body = ("if isinstance(data, Path):\n            shutil.copy2(data, name)\n"
            "        else:\n            with open(name, 'wb') as f:\n                f.write(data)")
    assert "SLS110" not in rules(STORE.format(body=body, argument="image"))


def test_a_method_that_rejects_other_types_first_still_hands_the_value_on():
    body = "if not isinstance(data, str):\n            raise TypeError(data)\n        shutil.copy2(data, name)"
    assert "SLS110" in rules(STORE.format(body=body, argument="path"))
