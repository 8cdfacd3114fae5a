"""A character allow-list: every character of the value is one the program fixed."""

from __future__ import annotations

import pytest

from tests.engine.test_engine import _quiet_until_undone

_CALCULATOR = (
    "from flask import Flask, abort, request\n\napp = Flask(__name__)\nALLOWED = set('0123456789+-*/(). ')\n\n"
    "@app.route('/calc')\ndef calc():\n    expr = request.args['e']\n"
    "    if not set(expr).issubset(ALLOWED):\n        abort(400)\n    return str(eval(expr))\n"
)


@pytest.mark.parametrize(
    "check",
    ["not set(expr).issubset(ALLOWED)", "not set(expr) <= ALLOWED", "not all(c in ALLOWED for c in expr)"],
)
def test_a_value_whose_characters_are_all_allowed_is_validated(check):
    code = _CALCULATOR.replace("not set(expr).issubset(ALLOWED)", check)
    # a check that lets any character through validates nothing
    _quiet_until_undone("SLS103", code, check, "not expr")


def test_an_allow_list_the_client_sends_validates_nothing():
    _quiet_until_undone("SLS103", _CALCULATOR, "set(expr).issubset(ALLOWED)", "set(expr).issubset(request.args['ok'])")
