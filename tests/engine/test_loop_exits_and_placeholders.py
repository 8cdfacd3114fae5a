"""Two ways a value used to be lost, leaving data that came from outside looking like the code's own:

- A loop's `continue` and `break` carry what the body did so far to the loop's head and past its
  end. A helper that appends and continues, raising for anything else (Swift's
  `load_multikey_opts`), returns what it appended, not the empty list it started with.
- A method that only raises `NotImplementedError` (or an `@abstractmethod` with no body) stands in
  for its subclasses' method: `self._get_root_secret(conf)` returns whatever a subclass loads,
  not the nothing the placeholder does. Taken for a constant, the key was "written in the code".
"""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone, rules

APPENDED_THEN_CONTINUED = """
import subprocess
from flask import request


def options(form):
    picked = []
    for key, value in form.items():
        if key.startswith("opt_"):
            picked.append(value)
            continue
        raise ValueError(key)
    return picked


def run():
    subprocess.run("tool " + " ".join(options(request.form)), shell=True)
"""

FOUND_THEN_BROKEN = """
import subprocess
from flask import request


def run():
    command = "true"
    for key, value in request.form.items():
        if key == "cmd":
            command = value
            break
    subprocess.run(command, shell=True)
"""


def test_a_value_appended_before_continue_is_returned():
    assert "SLS102" in rules(APPENDED_THEN_CONTINUED)


def test_a_value_bound_before_break_reaches_the_code_after_the_loop():
    assert "SLS102" in rules(FOUND_THEN_BROKEN)


def test_a_loop_that_only_continues_past_other_items_keeps_the_code_constant():
    # what continue skips never binds: the command stays the code's own
    code = FOUND_THEN_BROKEN.replace("            command = value\n            break\n", "            continue\n")
    assert "SLS102" not in rules(code)


ROOT_SECRET = """
import hashlib
import hmac
from abc import ABC, abstractmethod


class KeyMaster:
    def _get_root_secret(self, conf):
        raise NotImplementedError

    def __init__(self, conf):
        self._root_secret = self._get_root_secret(conf)

    def create_key(self, path):
        return hmac.new(self._root_secret, path.encode(), digestmod=hashlib.sha256).digest()


class ConfigKeyMaster(KeyMaster):
    def _get_root_secret(self, conf):
        return conf["encryption_root_secret"].encode()
"""


def test_a_placeholder_method_returns_what_a_subclass_loads():
    # a base method that does return a literal key: that key is written in the code
    _quiet_until_undone("SLS318", ROOT_SECRET, "        raise NotImplementedError\n", '        return b"0123456789abcdef0123456789abcdef"\n')


def test_an_abstract_method_returns_what_a_subclass_loads():
    code = ROOT_SECRET.replace("class KeyMaster:", "class KeyMaster(ABC):").replace(
        "    def _get_root_secret(self, conf):\n        raise NotImplementedError\n",
        '    @abstractmethod\n    def _get_root_secret(self, conf):\n        """The root secret."""\n',
    )
    _quiet_until_undone("SLS318", code, '        """The root secret."""\n', '        return b"0123456789abcdef0123456789abcdef"\n')


def test_a_placeholder_on_a_view_returns_no_request_data():
    """`redirect(self.get_cancel_url())` where the view's own method only raises NotImplementedError:
    the subclass's URL, not the request (a summary saying only "unknown" used to be dropped, and a
    view's method then read as its request)."""
    code = (
        "from django.shortcuts import redirect\nfrom django.views import View\n\n\n"
        "class BulkView(View):\n    def dispatch(self, request, *args, **kwargs):\n"
        "        if not request.session.get('pending'):\n            return redirect(self.get_cancel_url())\n"
        "        return super().dispatch(request, *args, **kwargs)\n\n"
        "    def get_cancel_url(self):\n        raise NotImplementedError\n"
    )
    _quiet_until_undone("SLS120", code, "        raise NotImplementedError\n", "        return self.request.GET['next']\n")
