"""A predicate written as a list of rejections (`if not NAME.fullmatch(name): return False` ...
then `return True`) validates what its rejections check, for its callers (engine/predicates.py);
also when it is a staticmethod called on `self` with a field of an object (`self._valid(f.filename)`).
Each test undoes the idiom into its vulnerable variant, which must be reported."""

import pytest

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


# A name that holds no "/", no "\\" and no ".." is one entry of the directory it is joined to
# (taint.NO_SLASH, NO_BACKSLASH, NO_PARENT): rejected in one test or in several, each part says
# one third; all three make it safe in a path. Here the predicate also gives its verdict as the
# first item of a tuple with a reason (`ok, error = check(name)`), which flow binds to `ok`.
NAMES = """
from pathlib import Path

from flask import request

PERSONAS = Path("/srv/personas")


def validate_name(name):
    \"\"\"(whether the name is one directory entry, why not).\"\"\"
    if "/" in name or "\\\\" in name:
        return False, "no path separators"
    if ".." in name:
        return False, "no parent directory"
    return True, ""


def save():
    name = request.form["name"]
    is_valid, error = validate_name(name)
    if not is_valid:
        raise ValueError(error)
    (PERSONAS / name / "cookies.txt").write_text(request.form["cookies"])
"""


@pytest.mark.parametrize(
    "part",
    [
        '    if "/" in name or "\\\\" in name:\n        return False, "no path separators"\n',
        '    if ".." in name:\n        return False, "no parent directory"\n',
        ' or "\\\\" in name',  # a backslash is a separator on Windows
    ],
)
def test_a_name_without_separators_or_parent_is_safe_in_a_path_and_each_part_is_needed(part):
    _quiet_until_undone("SLS110", NAMES, part, "")


def test_a_verdict_given_first_in_a_tuple_validates_where_it_is_true():
    _quiet_until_undone("SLS110", NAMES, "    if not is_valid:\n", "    if not error:\n")


def test_the_tuple_itself_is_always_true_and_validates_nothing():
    _quiet_until_undone("SLS110", NAMES, "    is_valid, error = validate_name(name)\n    if not is_valid:\n", "    if not validate_name(name):\n")


def test_the_same_rejections_in_a_predicate_returning_false_or_true():
    plain = NAMES.replace(', "no path separators"', "").replace(', "no parent directory"', "").replace('return True, ""', "return True")
    plain = plain.replace("    is_valid, error = validate_name(name)\n    if not is_valid:\n        raise ValueError(error)\n", "    if not validate_name(name):\n        raise ValueError(name)\n")
    _quiet_until_undone("SLS110", plain, '    if ".." in name:\n        return False\n', "")
