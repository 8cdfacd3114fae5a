"""SLS114: a SandboxedEnvironment of a function that only compiles template text known at run time
(a saved search's query, a user's message template) runs templates users write, whose author
chooses the markup: the audit tier. A template written in the code, one loaded by name, a plain
Environment or the environment handed elsewhere keeps it in the default output."""

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.model import Confidence

ENGINE = Engine()

VIEW = (
    "import jinja2.sandbox\nfrom flask import Flask, jsonify, request\n\n"
    "app = Flask(__name__)\n\n"
    "@app.post('/templates/<int:pk>/parse')\n"
    "def parse(pk):\n"
    "    saved = SearchTemplate.get(pk)\n"
    "    env = jinja2.sandbox.SandboxedEnvironment()\n"
    "    env.filters.update(FILTERS)\n"
    "    query = env.from_string(saved.query_string).render(request.json)\n"
    "    return jsonify({'query': query})\n"
)


def _confidence(code):
    found = [f.confidence for f in ENGINE.analyze(code).findings if f.rule_id == "SLS114"]
    assert len(found) == 1, found
    return found[0]


def test_a_sandbox_compiling_only_runtime_template_text_is_the_audit_tier():
    assert _confidence(VIEW) == Confidence.LOW


def test_a_page_written_in_the_code_or_loaded_by_name_keeps_it_reported():
    for changed in (
        VIEW.replace("env.from_string(saved.query_string)", "env.from_string('<p>{{ q }}</p>')"),  # markup of the code's
        VIEW.replace("env.from_string(saved.query_string)", "env.get_template('result.html')"),  # a page by name
        VIEW.replace("jinja2.sandbox.SandboxedEnvironment()", "jinja2.Environment()"),  # no sandbox: no user-written templates
        VIEW.replace("    return jsonify", "    app.env = env\n    return jsonify"),  # handed on, used elsewhere
    ):
        assert _confidence(changed) == Confidence.MEDIUM, changed
