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


# `_error_message(err, fallback)`: under `isinstance(err, Exception)` it returns only the fallback
# text (or a fixed one picked by the error's errno); other values it prints
TELLS_EXCEPTIONS_APART = """
MESSAGES = {28: 'The server is out of storage space.'}

def error_response(err='', message=''):
    if not err:
        return 'Something went wrong'
    if isinstance(err, OSError) and err.errno in MESSAGES:
        return f'[ERROR: {MESSAGES[err.errno]}]'
    if isinstance(err, Exception):
        return f'[ERROR: {message}]' if message else 'Something went wrong'
    return f'[ERROR: {err}]'
"""


def test_a_helper_that_returns_a_fixed_text_for_any_exception_sends_none_of_it():
    assert "SLS701" not in rules(VIEW.format(helper=TELLS_EXCEPTIONS_APART))


@pytest.mark.parametrize(
    "old, new",
    [
        # one kind of exception only: the others reach the last return
        ("isinstance(err, Exception)", "isinstance(err, ValueError)"),
        # the branch for exceptions returns the text itself
        ("return f'[ERROR: {message}]' if message else 'Something went wrong'", "return f'[ERROR: {err}]'"),
        # a return before the test hands back any value
        ("return 'Something went wrong'\n    if isinstance(err, OSError)", "return str(err)\n    if isinstance(err, OSError)"),
    ],
)
def test_a_helper_whose_exception_branch_may_return_the_exception_is_reported(old, new):
    assert old in TELLS_EXCEPTIONS_APART
    assert "SLS701" in rules(VIEW.format(helper=TELLS_EXCEPTIONS_APART.replace(old, new)))


@pytest.mark.parametrize("omits", [True, False])
def test_a_helper_bound_to_a_class_attribute_is_that_helper(omits):
    """`class ERROR_MESSAGES(str, Enum): DEFAULT = error_response`, called as
    `ERROR_MESSAGES.DEFAULT(e, ...)`: the call is the helper's."""
    body = "log.error(error)\n    return jsonify(error=message), 500" if omits else "return jsonify(error=str(error)), 500"
    helper = f"def error_response(error, message):\n    {body}\n\nclass ERROR_MESSAGES(str, Enum):\n    DEFAULT = error_response\n"
    view = "from enum import Enum\n" + VIEW.format(helper=helper).replace("return error_response(", "return ERROR_MESSAGES.DEFAULT(")
    assert ("SLS701" in rules(view)) is not omits
