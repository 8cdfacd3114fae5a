"""A predicate written as a list of rejections (`if not NAME.fullmatch(name): return False` ...
then `return True`) validates what its rejections check, for its callers (engine/predicates.py);
also when it is a staticmethod called on `self` with a field of an object (`self._valid(f.filename)`).
Each test undoes the idiom into its vulnerable variant, which must be reported."""

from tests.engine.test_engine import _quiet_until_undone

PREDICATE = """
import logging
import re

from flask import request

SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
log = logging.getLogger(__name__)


def valid_name(name, strict=True):
    \"\"\"Whether the name is safe to show.\"\"\"
    if not name or len(name) > 255:
        return False
    if not SAFE_NAME.fullmatch(name):
        return False
    return True


def rename():
    name = request.form["name"]
    if not valid_name(name):
        return "bad name", 400
    log.info("renamed to %s", name)
    return "ok"
"""


def test_a_predicate_that_rejects_all_but_a_full_match_validates_its_argument():
    _quiet_until_undone("SLS704", PREDICATE, "    if not SAFE_NAME.fullmatch(name):\n        return False\n", "")


def test_a_rejection_that_may_be_skipped_validates_nothing():
    _quiet_until_undone(
        "SLS704", PREDICATE,
        "    if not SAFE_NAME.fullmatch(name):\n        return False\n",
        "    if strict:\n        if not SAFE_NAME.fullmatch(name):\n            return False\n",
    )


def test_a_predicate_that_also_returns_true_elsewhere_validates_nothing():
    _quiet_until_undone(
        "SLS704", PREDICATE,
        "    if not name or len(name) > 255:\n        return False\n",
        "    if name.startswith('admin'):\n        return True\n",
    )


def test_a_rejection_of_another_value_than_the_argument_validates_nothing():
    _quiet_until_undone(
        "SLS704", PREDICATE,
        "    if not name or len(name) > 255:\n        return False\n",
        "    name = name.splitlines()[-1]\n",
    )


STATIC = """
import logging
import os
import re

from flask import request

SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
log = logging.getLogger(__name__)


class Uploads:
    @staticmethod
    def _valid(name):
        if not SAFE_NAME.fullmatch(name):
            return False
        return True

    def save(self):
        upload = request.files["file"]
        if not self._valid(upload.filename):
            return "bad name", 400
        _, filename = os.path.split(upload.filename)
        log.info("stored %s", filename)
        return "ok"
"""


def test_a_staticmethod_predicate_called_on_self_validates_the_field_it_is_given():
    _quiet_until_undone("SLS704", STATIC, "not SAFE_NAME.fullmatch(name)", "len(name) > 255")
