"""An operand of `and` runs only where the operands before it were true (of `or`, where they
were false), so what an earlier operand validates holds in the later ones: in
`if is_subdir(path, ROOT) and os.path.isfile(path):` the existence probe sees a checked path
(engine/flow.py, _record_test)."""

from __future__ import annotations

import pytest

from tests.engine.test_engine import rules

HELPER = """
import os
from pathlib import Path

from flask import Flask, request, send_file

app = Flask(__name__)
ROOT = "/srv/logs"


def is_subdir(child, parent):
    return Path(child).resolve().is_relative_to(Path(parent).resolve())


@app.route("/logs")
def download():
    path = os.path.join(ROOT, request.args["name"] + ".log")
    if CONDITION:
        return "found"
    return "missing"
"""


@pytest.mark.parametrize(
    "condition",
    [
        "is_subdir(path, ROOT) and os.path.isfile(path)",
        "path and is_subdir(path, ROOT) and os.path.isfile(path)",
        "not is_subdir(path, ROOT) or not os.path.isfile(path)",
    ],
)
def test_a_probe_after_the_check_in_the_same_condition_is_not_reported(condition):
    assert "SLS110" not in rules(HELPER.replace("CONDITION", condition))


@pytest.mark.parametrize(
    "condition",
    [
        "os.path.isfile(path) and is_subdir(path, ROOT)",  # probed before the check
        "is_subdir(path, ROOT) or os.path.isfile(path)",  # probed where the check failed
        "os.path.isfile(path)",
    ],
)
def test_a_probe_the_check_does_not_cover_is_reported(condition):
    assert "SLS110" in rules(HELPER.replace("CONDITION", condition))


def test_a_name_bound_inside_the_test_is_what_the_test_checks():
    code = """
from django.views.generic import ListView


class EventList(ListView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if (mode := self.request.GET.get("mode")) in {"list", "calendar", "day"}:
            self.request.session["view_mode"] = mode
        return ctx
"""
    assert "SLS125" not in rules(code)
    # the bound value is stored whatever the test says of another one
    assert "SLS125" in rules(code.replace('in {"list", "calendar", "day"}:', 'and self.request.GET.get("x") in {"a"}:'))
