"""What a helper's result can hold of its arguments (summaries._unreturned, read by
UnitContext.result_omits): an exception handed to an error helper that only logs it is not
sent to the client (SLS701); one the helper stores or passes on may be."""

from __future__ import annotations

import pytest

from tests.engine.test_engine import rules

VIEW = """
import logging
from flask import jsonify, make_response
log = logging.getLogger(__name__)

{helper}

@app.route('/x')
def view():
    try:
        work()
    except Exception as e:
        return error_response(e, 'Could not save.')
"""


@pytest.mark.parametrize(
    "helper",
    [
        "def error_response(error, message):\n    log.error(error)\n    return jsonify(error=message), 500\n",
        # it returns another of its parameters, given a text that is not constant
        "def error_response(error, message):\n    log.error(error)\n    return message\n",
        # a fixed message picked by the exception's class: type() keeps nothing of its text
        "KNOWN = {KeyError: 'missing', ValueError: 'invalid'}\n\ndef error_response(error, message):\n"
        "    kind = type(error)\n    if kind not in KNOWN:\n        raise error\n    return jsonify(error=KNOWN[kind]), 400\n",
    ],
)
def test_a_helper_that_only_logs_the_exception_sends_none_of_it(helper):
    view = VIEW.format(helper=helper).replace("'Could not save.'", "saving_failed()")
    assert "SLS701" not in rules(view)


@pytest.mark.parametrize(
    "body",
    [
        # stored in the object it returns
        "resp = make_response(message)\n    resp.detail = error\n    return resp",
        # passed with the object to a function that may fill it
        "resp = make_response(message)\n    fill(resp, error)\n    return resp",
        # through a name assigned from it
        "text = str(error)\n    parts = [message, text]\n    return jsonify(parts)",
        # through a nested function the helper returns
        "def later():\n        return str(error)\n    return later",
        # the class's name, then its text: only what type() is given stays out
        "kind = type(error).__name__ + ': ' + str(error)\n    return jsonify(error=kind)",
    ],
)
def test_an_exception_the_helper_keeps_in_what_it_returns_is_reported(body):
    helper = f"def error_response(error, message):\n    {body}\n"
    assert "SLS701" in rules(VIEW.format(helper=helper))
