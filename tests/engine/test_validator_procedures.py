"""A helper that returns nothing and raises unless its argument has a harmless shape
(`_check_name(name)` with a full-match regex, a membership test) is a check its callers rely
on: after the call, the argument is safe for what the check guarantees (summaries: `ensures`
is computed for procedures that raise, not only for functions that return a value)."""

from __future__ import annotations

import pytest

from tests.engine.test_engine import rules

MODULE = """
import os
import re
import shutil

import requests

NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]{{0,63}}$")
KINDS = {{"theme", "plugin"}}

{helper}

def install(skills_dir):
    for entry in requests.get("https://registry.example.com/skills", timeout=10).json():
        name = entry["name"]
        check(name)
        shutil.rmtree(os.path.join(skills_dir, name))
"""


@pytest.mark.parametrize(
    "helper",
    [
        "def check(name):\n    if not NAME.match(name):\n        raise ValueError(name)\n",
        "def check(name: str) -> None:\n    if not re.fullmatch(r'[a-z0-9_-]+', name):\n        raise ValueError('bad name')\n",
        "def check(name):\n    if name not in KINDS:\n        raise KeyError(name)\n    print('ok')\n",
    ],
)
def test_a_procedure_that_raises_unless_the_name_is_harmless_validates_it(helper):
    assert "SLS110" not in rules(MODULE.format(helper=helper))


@pytest.mark.parametrize(
    "helper",
    [
        # only checks that there is a name
        "def check(name):\n    if not name:\n        raise ValueError('empty')\n",
        # a prefix match lets `abc/../../etc` through
        "def check(name):\n    if not re.match(r'[a-z]+', name):\n        raise ValueError('bad')\n",
        # raises for another reason, whatever the name
        "def check(name):\n    if os.environ.get('READ_ONLY'):\n        raise RuntimeError('read-only')\n",
    ],
)
def test_a_procedure_whose_check_leaves_separators_through_validates_nothing(helper):
    assert "SLS110" in rules(MODULE.format(helper=helper))


def test_a_predicate_that_compares_the_hmac_it_computed_into_a_local_authenticates_its_data():
    # `expected = hmac.new(KEY, data, ...)` then `return hmac.compare_digest(signature, expected)`:
    # where the predicate held, the data is what the key's owner signed. Undone: the MAC of other data
    from tests.engine.test_engine import _quiet_until_undone

    code = (
        "import base64, hashlib, hmac, os\nfrom pickle import loads\nKEY = os.environ['KEY'].encode()\n\n"
        "def hmac_verify(signature, data):\n    expected = hmac.new(KEY, data, hashlib.sha256).hexdigest().encode()\n"
        "    return hmac.compare_digest(signature, expected)\n\n"
        "def run_task(message):\n    signature, pdata = message.encode().split(b' ')\n    if not hmac_verify(signature, pdata):\n"
        "        raise ValueError('unsigned')\n    return loads(base64.b64decode(pdata))\n"
    )
    _quiet_until_undone("SLS105", code, "hmac.new(KEY, data,", "hmac.new(KEY, signature,")
