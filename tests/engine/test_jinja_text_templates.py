"""SLS114: an environment whose one template is held by a name that says it renders text (CSS,
JSON, SQL...) writes no page; the same template held by any other name may be one."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone

WIDGET = (
    "from flask import Flask\nfrom jinja2 import BaseLoader, Environment\n\napp = Flask(__name__)\n\n"
    "def widget_css(widget, css_vars):\n    css_template = Environment(loader=BaseLoader).from_string(widget['css'])\n"
    "    return css_template.render(css_vars)\n"
)


def test_a_template_named_for_a_text_format_is_no_page():
    _quiet_until_undone("SLS114", WIDGET, "css_template = ", "page_template = ")
    _quiet_until_undone("SLS114", WIDGET.replace("css_template", "json_body"), "json_body = ", "body = ")
