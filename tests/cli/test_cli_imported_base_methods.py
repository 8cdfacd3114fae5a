"""A method called on `self` that a base class in another workspace module defines is summarised
like one of the same module (scrapydweb's views log `self.json_dumps(data)`, a staticmethod of
their BaseView that returns `json.dumps(...)`: the line breaks in the data come out escaped)."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write

BASE = """
import json
import logging

from flask.views import View


class BaseView(View):
    logger = logging.getLogger(__name__)

    @staticmethod
    def json_dumps(obj, indent=4):
        return json.dumps(obj, indent=indent)

    def tidy(self, text):
        return text
"""

VIEW = """
from flask import request

from .base import BaseView


class SendView(BaseView):
    def dispatch_request(self):
        self.logger.info("sent %s", self.json_dumps(request.args))
        self.logger.info("sent %s", self.tidy(request.args["text"]))
        return "ok"
"""


def test_a_method_of_a_base_class_in_another_module_is_summarised(tmp_path):
    root = write(tmp_path / "site", {"app/__init__.py": "", "app/base.py": BASE, "app/views.py": VIEW})
    found = sorted((f["path"], f["rule"], f["range"]["start"]["line"]) for f in check_json(".", cwd=root).findings())
    # json.dumps escapes the line breaks; the method that hands its argument back does not
    assert found == [("app/views.py", "SLS704", 9)], found
