"""Checks on file paths written the way applications write them: a helper that raises unless
the resolved path is inside its base, and a name compared with one that cannot climb out."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone, rules

_ENSURE_INSIDE = """
import os
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse

EXPORTS = "/srv/exports"

def ensure_inside(path, root):
    root = os.path.abspath(root)
    path = os.path.abspath(path)
    if os.path.commonpath([root, path]) != root:
        raise SuspiciousFileOperation(path)
    return path

def delete_export(request):
    path = os.path.join(EXPORTS, request.GET["name"])
    ensure_inside(path, EXPORTS)
    os.remove(path)
    return HttpResponse(status=204)
"""


def test_a_helper_that_checks_the_argument_resolved_in_place_ensures_it():
    # the caller ignores what the helper returns: the call returning is the check
    _quiet_until_undone("SLS110", _ENSURE_INSIDE, "        raise SuspiciousFileOperation(path)\n", "        print(path)\n")
    # resolved into another name and the parameter rebound to something else: no longer the argument
    rebound = _ENSURE_INSIDE.replace("    path = os.path.abspath(path)\n", "    path = os.path.abspath(path)\n    path = path.strip()\n")
    assert "SLS110" in _rules(rebound)
    # compared unresolved: `EXPORTS/../../etc/passwd` passes commonpath
    _quiet_until_undone("SLS110", _ENSURE_INSIDE, "    path = os.path.abspath(path)\n", "")


_PROFILE = """
import os
import requests

def download_profile(base_dir, wanted):
    wanted_name = os.path.basename(wanted)
    listing = requests.get("https://api.example.com/profiles", timeout=5).json()
    target = wanted_name
    for entry in listing:
        name = entry["path"]
        if name.lower() != "profiles/" + wanted_name.lower():
            continue
        target = name
        break
    with open(os.path.join(base_dir, target), "wb") as fh:
        fh.write(b"")
"""


def test_a_name_equal_to_one_without_dot_dot_is_safe_in_a_path():
    # the server's entry is used only when it equals a name built from the file's own base name;
    # compared with the unchecked name instead, it may hold `../` itself
    _quiet_until_undone("SLS110", _PROFILE, '"profiles/" + wanted_name.lower()', '"profiles/" + wanted.lower()')


def _rules(code):
    from tests.engine.test_engine import rules

    return rules(code)


_LOOKUP = """
import os
from flask import Flask, request, send_file

app = Flask(__name__)
BASE = "/srv/files"

def lookup(path, follow):
    joined = os.path.join(BASE, path)
    if follow:
        full = os.path.abspath(joined)
    else:
        full = os.path.realpath(joined)
    if os.path.commonpath([full, BASE]) != BASE:
        return None
    return full

@app.route("/f")
def f():
    return send_file(lookup(request.args["p"], request.args.get("follow")))
"""


def test_a_path_resolved_on_every_branch_before_the_comparison_is_checked():
    # one branch left unresolved: `BASE/../x` passes commonpath there
    _quiet_until_undone("SLS110", _LOOKUP, "        full = os.path.realpath(joined)\n", "        full = joined\n")


_CACHED = """
import os
import requests
from flask import Flask, request

app = Flask(__name__)
CACHE = "/srv/cache"

@app.route("/cached")
def cached():
    video = requests.get("https://api.example.com/video", timeout=5).json()
    return {"cached": os.path.exists(os.path.join(CACHE, video["file"]))}
"""


def test_a_probe_of_a_path_from_a_server_the_program_called_is_the_audit_tier():
    # the API that named the file is never told whether it exists; a client that names it is
    from tests.engine.test_engine import _low_until_undone

    _low_until_undone("SLS110", _CACHED, 'requests.get("https://api.example.com/video", timeout=5).json()', "request.get_json()", "medium")


_STATIC_ROUTE = """
import io
import os
from falcon import HTTPNotFound

def _open_file(file_path):
    return io.open(file_path, "rb")

class StaticRoute:
    def __init__(self, directory):
        self._directory = os.path.abspath(directory)

    def on_get(self, req, resp):
        name = req.path[len("/static/"):]
        file_path = os.path.join(self._directory, os.path.normpath(name))
        if ".." in file_path or not file_path.startswith(self._directory):
            raise HTTPNotFound()
        resp.stream = _open_file(file_path)
"""


def test_a_path_without_dot_dot_that_starts_with_its_base_is_inside():
    # with no `..` left, a path starting with its base stays inside it (as a resolved one does):
    # the helper opening it is given a checked path by every call
    _quiet_until_undone("SLS110", _STATIC_ROUTE, '".." in file_path or ', "")
    # the two parts together: no `..` alone admits an absolute path, and the prefix alone `BASE/../x`
    _quiet_until_undone("SLS110", _STATIC_ROUTE, " or not file_path.startswith(self._directory)", "")
    # the same, written as the test that must hold
    allowed = _STATIC_ROUTE.replace(
        '        if ".." in file_path or not file_path.startswith(self._directory):\n            raise HTTPNotFound()\n        resp.stream = _open_file(file_path)\n',
        '        if ".." not in file_path and file_path.startswith(self._directory):\n            resp.stream = _open_file(file_path)\n',
    )
    assert "SLS110" not in _rules(allowed)
    # any absolute path starts with "/"
    assert "SLS110" in _rules(_STATIC_ROUTE.replace("file_path.startswith(self._directory)", 'file_path.startswith("/")'))
    # a prefix the client chose says nothing
    assert "SLS110" in _rules(_STATIC_ROUTE.replace("file_path.startswith(self._directory)", "file_path.startswith(req.params['root'])"))


_STATIC_FILES = """
import os
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

router = APIRouter()
ROOT = Path("/srv/app/build")


@router.get("/static/{path:path}")
async def serve_static_files(path: str):
    static_file_name = os.path.normpath(ROOT / path)
    common_prefix = Path(os.path.commonpath([ROOT, static_file_name]))
    if common_prefix != ROOT:
        raise HTTPException(status_code=404)
    return FileResponse(static_file_name)
"""


def test_a_normalised_path_whose_common_path_with_the_root_is_the_root_is_inside():
    # aim's static files: normpath leaves no `..` under an absolute root, and the common path,
    # kept in a name and made a Path, is compared with the root
    _quiet_until_undone("SLS110", _STATIC_FILES, "os.path.normpath(ROOT / path)", "str(ROOT / path)")


def test_a_helper_that_checks_the_normalised_path_starts_with_its_base_confines_what_it_opens():
    # the check runs on normpath(filename), the open on filename: the OS resolves `..` alike
    code = (
        "import os\nfrom flask import Flask, abort\n\napp = Flask(__name__)\nSTATIC = '/srv/static'\n\n"
        "def get_file(filename):\n    if not os.path.normpath(filename).startswith(STATIC):\n        abort(404)\n"
        "    return open(filename, 'rb').read()\n\n"
        "@app.route('/static/<path:path>')\ndef static(path):\n    return get_file(os.path.join(STATIC, path))\n"
    )
    _quiet_until_undone("SLS110", code, "os.path.normpath(filename).startswith(STATIC)", "filename.startswith(STATIC)")
    # every absolute path starts with "/": no base there
    assert "SLS110" in rules(code.replace(".startswith(STATIC)", ".startswith('/')"))
    # joined under one task's folder but tested against the root of all tasks: `../<other task>/`
    # passes; joined straight under the base tested, it is confined
    deeper = (
        "import os\nfrom flask import Flask, abort, request\n\napp = Flask(__name__)\nROOT = '/srv/storage'\n\n"
        "@app.route('/tasks/<int:task_id>/file')\ndef task_file(task_id):\n"
        "    def stream(fp):\n        with open(fp, 'rb') as fd:\n            yield from fd\n\n"
        "    filepath = os.path.join(ROOT, 'analyses', str(task_id), request.args['filepath'])\n"
        "    if not os.path.normpath(filepath).startswith(ROOT):\n        abort(400)\n"
        "    return stream(filepath)\n"
    )
    assert "SLS110" in rules(deeper)
    assert "SLS110" not in rules(deeper.replace("os.path.join(ROOT, 'analyses', str(task_id), request.args['filepath'])", "os.path.join(ROOT, request.args['filepath'])"))
