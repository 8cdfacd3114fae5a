"""A redirect target checked to be a path on this site in two tests: it starts with "/", and what
follows that "/" is no "/" or "\\" (browsers read `//evil.example` and `/\\evil.example` as
another host). Each test says half (taint.Sink.PATH_START, NO_HOST_START); together, on the same
value, they make it safe to redirect to, inline or in a helper that returns it (in another module
too). Either half alone is not enough."""

from __future__ import annotations

import pytest

from tests.cli.cli_helpers import check_json, write
from tests.engine.test_engine import _quiet_until_undone, rules

VIEW = """
from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/login")
def login():
    target = request.args.get("next", "/")
    if not target.startswith("/"):
        return redirect("/")
    if SECOND_CHECK:
        return redirect("/")
    return redirect(target)
"""


@pytest.mark.parametrize(
    "second",
    [
        'len(target) > 1 and target[1] in ("/", "\\\\")',
        'target.startswith(("//", "/\\\\"))',
    ],
)
def test_a_leading_slash_without_a_host_after_it_is_a_path_on_this_site(second):
    _quiet_until_undone("SLS120", VIEW.replace("SECOND_CHECK", second), second, 'target.startswith("//")')


def test_both_halves_in_one_test_add_up():
    code = VIEW.replace(
        '    if not target.startswith("/"):\n        return redirect("/")\n    if SECOND_CHECK:',
        '    if not target.startswith("/") or target.startswith(("//", "/\\\\")):',
    )
    _quiet_until_undone("SLS120", code, '("//", "/\\\\")', '("//",)')


def test_a_leading_slash_alone_is_not_enough():
    assert "SLS120" in rules(VIEW.replace("    if SECOND_CHECK:\n        return redirect(\"/\")\n", ""))


def test_a_second_character_check_alone_is_not_enough():
    code = VIEW.replace('    if not target.startswith("/"):\n        return redirect("/")\n', "")
    assert "SLS120" in rules(code.replace("SECOND_CHECK", 'len(target) > 1 and target[1] in ("/", "\\\\")'))


HELPER = """
from urllib.parse import urlparse


def safe_redirect_url(next_url, request, fallback):
    parsed = urlparse(next_url)
    if parsed.scheme:
        base = urlparse(str(request.base_url))
        if parsed.scheme == base.scheme and parsed.netloc == base.netloc:
            return next_url
        return fallback
    if not next_url.startswith("/"):
        return fallback
    if len(next_url) > 1 and next_url[1] in ("/", "\\\\"):
        return fallback
    return next_url
"""

CALLER = """
from starlette.requests import Request
from starlette.responses import RedirectResponse

from app.helpers import safe_redirect_url


async def login(request: Request):
    next_url = safe_redirect_url(request.query_params.get("next") or "/", request, "/")
    return RedirectResponse(next_url, status_code=303)
"""


def _project_rules(tmp_path, helper):
    write(tmp_path, {"app/__init__.py": "", "app/helpers.py": helper, "app/views.py": CALLER})
    return [f["rule"] for f in check_json(".", cwd=tmp_path).findings()]


def test_a_helper_in_another_module_returning_a_site_path_or_a_same_origin_url(tmp_path):
    assert "SLS120" not in _project_rules(tmp_path, HELPER)


def test_the_same_helper_without_the_second_character_check_lets_the_host_through(tmp_path):
    helper = HELPER.replace('    if len(next_url) > 1 and next_url[1] in ("/", "\\\\"):\n        return fallback\n', "")
    assert "SLS120" in _project_rules(tmp_path, helper)
