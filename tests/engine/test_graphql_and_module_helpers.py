"""Two idioms of GraphQL APIs written with graphene: a resolver's or mutation's arguments are
what the client's query gives (engine/frameworks.handler_parameters), and the work is often
done by a helper of another module called through that module's name (`helpers.run_cmd(cmd)`
after `from core import helpers`), which hands the argument on whole to its sink."""

from __future__ import annotations

import pytest

from tests.cli.cli_helpers import check_json, write
from tests.engine.test_engine import _analyzed, rules

SCHEMA = """
import os

import graphene


class Query(graphene.ObjectType):
    diagnostics = graphene.String(cmd=graphene.String())

    def {method}(self, info, cmd="whoami"):
        return os.popen(cmd).read()
"""


def test_a_resolver_argument_is_the_client_query():
    findings = [f for f in _analyzed(SCHEMA.format(method="resolve_diagnostics")).findings if f.rule_id == "SLS102"]
    assert findings, "a resolver's argument reaching a shell is reported"
    assert "the GraphQL argument `cmd`" in findings[0].message


def test_a_mutation_argument_is_the_client_query():
    code = SCHEMA.replace("class Query(graphene.ObjectType):", "class Run(graphene.Mutation):").format(method="mutate")
    assert "SLS102" in rules(code)


def test_a_method_named_otherwise_or_without_info_is_no_resolver():
    # the same method under another name is a helper: its parameter is the caller's (audit tier)
    for code in (SCHEMA.format(method="diagnostics"), SCHEMA.replace("self, info, cmd", "self, cmd").format(method="resolve_diagnostics")):
        messages = [f.message for f in _analyzed(code).findings if f.rule_id == "SLS102"]
        assert messages and all("the parameter `cmd`" in m for m in messages)


VIEWS = """
from flask import Flask, request
{imports}

app = Flask(__name__)


@app.route("/ps")
def ps():
    return {call}("ps " + request.args["pid"])
"""


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("from core import helpers", "helpers.run_cmd"),
        ("import core.helpers as helpers", "helpers.run_cmd"),
        ("from core.helpers import run_cmd", "run_cmd"),
    ],
)
def test_a_helper_of_another_module_called_through_its_module_name_forwards(tmp_path, imports, call):
    write(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/helpers.py": "import os\n\n\ndef run_cmd(cmd):\n    return os.popen(cmd).read()\n",
            "core/views.py": VIEWS.format(imports=imports, call=call),
        },
    )
    found = [(f["path"], f["rule"]) for f in check_json(".", "--no-cache", cwd=tmp_path).findings()]
    assert ("core/views.py", "SLS102") in found


HELPERS = """
import os
import re

UPLOAD_DIR = "pastes/"


def save(filename, text):
{check}    with open({path}, "w") as f:
        f.write(text)
"""


@pytest.mark.parametrize(
    ("path", "check", "reported"),
    [
        ("UPLOAD_DIR + filename", "", True),
        ('f"{UPLOAD_DIR}/{filename}"', "", True),
        ("os.path.join(UPLOAD_DIR, filename)", "", True),
        ("UPLOAD_DIR + filename", '    if not re.fullmatch(r"[A-Za-z0-9_-]+", filename):\n        raise ValueError(filename)\n', False),
        ("UPLOAD_DIR + os.path.basename(filename)", "", False),
    ],
    ids=["prefix", "f-string", "join", "checked-first", "base-name"],
)
def test_a_helper_that_appends_its_parameter_to_its_own_folder_hands_the_path_on(tmp_path, path, check, reported):
    # `helpers.save(request.args["f"], ...)` where save opens UPLOAD_DIR + filename: the client's
    # `../` climbs out of the folder just as if it were opened whole
    views = VIEWS.format(imports="from core import helpers", call="helpers.save").replace('("ps " + request.args["pid"])', '(request.args["f"], "x")')
    write(tmp_path, {"core/__init__.py": "", "core/helpers.py": HELPERS.format(check=check, path=path), "core/views.py": views})
    found = [(f["path"], f["rule"]) for f in check_json(".", "--no-cache", "--select", "SLS110", cwd=tmp_path).findings()]
    assert (("core/views.py", "SLS110") in found) is reported, found


def test_a_method_of_an_instance_made_here_hands_the_request_data_on_to_its_sink():
    # DSVPWA's static file handler: `handler = StaticHandler(); handler.find(self.path)` opens
    # the client's path; the same method given a constant opens nothing of the client's
    code = (
        "from http.server import BaseHTTPRequestHandler\n\n\nclass StaticHandler:\n    def find(self, path):\n"
        "        self.content = open('./{}'.format(path), 'rb')\n        return True\n\n\n"
        "class Handler(BaseHTTPRequestHandler):\n    def do_GET(self):\n        handler = StaticHandler()\n"
        "        handler.find(self.path)\n        self.wfile.write(handler.content.read())\n"
    )
    def reported(text):  # the default tier: the method's own finding on its parameter is the audit tier
        return [f.span.start.line for f in _analyzed(text).findings if f.rule_id == "SLS110" and f.confidence.name != "LOW"]

    assert reported(code) == [12]
    assert reported(code.replace("handler.find(self.path)", "handler.find('index.html')")) == []
