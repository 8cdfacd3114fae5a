"""Helpers that validate a value for their callers, in the shapes real projects write them (MobSF's
`is_md5` and `is_safe_path`): a predicate's summary is kept even when what it returns says nothing
else, a match kept in a local and returned is the match, a path made real before its prefix is
tested stays inside that prefix, and a path checked as its text (`sfile.as_posix()`) is the path.
Each test undoes the idiom and the finding comes back."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write
from tests.engine.test_engine import _quiet_until_undone

VIEW = """
import os

from django.conf import settings
from django.http import HttpResponse

from core.checks import {check}


def screenshot(request):
    name = request.POST["hash"]
    if not {check}({args}):
        return HttpResponse("bad")
    path = os.path.join(settings.UPLOAD_DIR, name + "/shot.png")
    with open(path, "rb") as f:
        return HttpResponse(f.read(), content_type="image/png")
"""

CHECKS = """
import logging
import os
import re

logger = logging.getLogger(__name__)
MD5_REGEX = re.compile(r"^[0-9a-f]{32}$")


def is_md5(user_input):
    stat = MD5_REGEX.match(user_input)
    if not stat:
        logger.error("Invalid scan hash")
    return stat


def is_safe_path(safe_root, check_path):
    safe_root = os.path.realpath(os.path.normpath(safe_root))
    check_path = os.path.realpath(os.path.normpath(check_path))
    return check_path.startswith(safe_root + os.sep) or check_path == safe_root
"""


def _path_findings(tmp_path, checks: str, check: str, args: str) -> list[str]:
    write(tmp_path, {"core/__init__.py": "", "core/checks.py": checks, "core/views.py": VIEW.format(check=check, args=args)})
    return [f["rule"] for f in check_json(".", "--no-cache", cwd=tmp_path).findings() if f["path"] == "core/views.py" and f["rule"] == "SLS110"]


def test_a_match_kept_in_a_local_and_returned_validates_across_modules(tmp_path):
    assert _path_findings(tmp_path / "kept", CHECKS, "is_md5", "name") == []
    # the local holds something else as well: no longer the match alone
    undone = CHECKS.replace("    return stat\n", "    stat = stat or user_input\n    return stat\n")
    assert _path_findings(tmp_path / "undone", undone, "is_md5", "name") == ["SLS110"]


def test_a_real_path_tested_for_its_root_prefix_stays_inside_it(tmp_path):
    assert _path_findings(tmp_path / "real", CHECKS, "is_safe_path", "settings.UPLOAD_DIR, name") == []
    # the same test on the path as given: `root/../etc` starts with the root
    undone = CHECKS.replace("    check_path = os.path.realpath(os.path.normpath(check_path))\n", "")
    assert _path_findings(tmp_path / "undone", undone, "is_safe_path", "settings.UPLOAD_DIR, name") == ["SLS110"]


def test_a_path_checked_as_its_text_is_that_path(tmp_path):
    view = """
import pathlib

from django.conf import settings
from django.http import HttpResponse

from core.checks import is_safe_path


def source(request):
    sfile = pathlib.Path(settings.UPLOAD_DIR) / request.GET["file"]
    if not is_safe_path(settings.UPLOAD_DIR, {checked}):
        return HttpResponse("bad")
    return HttpResponse(sfile.read_text(), content_type="text/plain")
"""
    write(tmp_path, {"core/__init__.py": "", "core/checks.py": CHECKS})
    for checked, expected in (("sfile.as_posix()", []), ("str(sfile)", []), ("sfile.name", ["SLS110"])):
        write(tmp_path, {"core/views.py": view.format(checked=checked)})
        found = [f["rule"] for f in check_json(".", "--no-cache", cwd=tmp_path).findings() if f["path"] == "core/views.py" and f["rule"] == "SLS110"]
        assert found == expected, checked


def test_a_predicate_that_returns_only_a_truth_value_keeps_its_summary():
    # `return name.isalnum()` says nothing of what it returns, only what its truth means
    code = (
        "import os\nfrom django.http import HttpResponse\n\n\ndef is_ok(name):\n    return name.isalnum()\n\n\n"
        "def read(request):\n    name = request.GET['file']\n    if not is_ok(name):\n        return HttpResponse('bad')\n"
        "    with open(os.path.join('/srv/files', name)) as f:\n        return HttpResponse(f.read(), content_type='text/plain')\n"
    )
    _quiet_until_undone("SLS110", code, "return name.isalnum()", "return len(name) < 64")


IMPORT_CHECKS = """
import os

from django.conf import settings


def is_allowed_import_path(a_path):
    real = os.path.realpath(a_path)
    for allowed_path in settings.ALLOWED_IMPORT_PATHS:
        if real.startswith(allowed_path):
            return True
    return False


def check_allowed_import_path(a_path):
    real = os.path.realpath(a_path)
    for allowed_path in settings.ALLOWED_IMPORT_PATHS:
        if real.startswith(allowed_path):
            return True, None
    return False, "{} is not an allowed import path".format(os.path.dirname(real))
"""

IMPORT_VIEW = """
import os

from django.http import HttpResponse

from core.checks import check_allowed_import_path, is_allowed_import_path


def import_file(request):
    real_file = os.path.realpath(request.POST["path"])
    {check}
    with open(real_file, "rb") as f:
        return HttpResponse(f.read(), content_type="application/octet-stream")
"""


def _import_findings(tmp_path, checks: str, check: str) -> list[str]:
    write(tmp_path, {"core/__init__.py": "", "core/checks.py": checks, "core/views.py": IMPORT_VIEW.format(check=check)})
    return [f["rule"] for f in check_json(".", "--no-cache", cwd=tmp_path).findings() if f["path"] == "core/views.py" and f["rule"] == "SLS110"]


def test_a_predicate_that_accepts_inside_a_loop_over_allowed_roots_validates(tmp_path):
    # pulpcore's import check: true once the resolved path starts with one of the allowed roots
    check = "if not is_allowed_import_path(real_file):\n        return HttpResponse('bad', status=400)"
    assert _import_findings(tmp_path / "loop", IMPORT_CHECKS, check) == []
    # the test of the path as given: `root/../etc` starts with the root
    undone = IMPORT_CHECKS.replace("        if real.startswith(allowed_path):\n            return True\n", "        if a_path.startswith(allowed_path):\n            return True\n")
    assert _import_findings(tmp_path / "unresolved", undone, check) == ["SLS110"]


def test_a_pair_whose_first_item_is_the_truth_validates_where_it_is_true(tmp_path):
    # `rc, msg = check(path)` then `if not rc: return`: the `(is_valid, message)` idiom
    check = "rc, msg = check_allowed_import_path(real_file)\n    if not rc:\n        return HttpResponse(msg, status=400)"
    assert _import_findings(tmp_path / "pair", IMPORT_CHECKS, check) == []
    # the message tested instead of the truth: nothing vouches for the path
    tested_message = check.replace("if not rc:", "if msg is None and rc is None:")
    assert _import_findings(tmp_path / "message", IMPORT_CHECKS, tested_message) == ["SLS110"]
    # a pair that is true whatever the path (the check only builds the message): no predicate
    always = IMPORT_CHECKS.replace("            return True, None\n    return False,", "            return True, None\n    return True,")
    assert _import_findings(tmp_path / "always", always, check) == ["SLS110"]
