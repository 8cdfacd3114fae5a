"""A linear search of the application's own items by equality (`for view in self.views: if
view.key == key: return view`) is a membership test written as a loop: where the test holds, the
key equals one of those items' fields. A helper that returns only from there and raises otherwise
leaves its callers' key checked (its summary's `ensures`); inline, the branch itself is checked.
Not when the items come from the client."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone, rules

ADMIN = """
import logging
from starlette.exceptions import HTTPException
from starlette.requests import Request

log = logging.getLogger(__name__)


class Admin:
    def __init__(self, views):
        self.views = list(views)

    def find_view(self, key):
        if key is not None:
            for view in self.views:
                if view.key == key:
                    return view
        raise HTTPException(404)

    async def detail(self, request: Request):
        key = request.path_params.get("key")
        view = self.find_view(key)
        log.info("detail of %s", key)
        return view
"""


def test_a_lookup_that_raises_unless_the_key_is_an_items_field_checks_the_key():
    # without the raise, the search may end without a match and the key is anything
    _quiet_until_undone("SLS704", ADMIN, "        raise HTTPException(404)\n", "        return None\n")


def test_the_key_before_the_lookup_is_still_the_clients():
    code = ADMIN.replace("        view = self.find_view(key)\n        log.info", "        log.info").replace(
        "        return view\n\"\"\"", "        return self.find_view(key)\n\"\"\""
    )
    assert "SLS704" in rules(code)


def test_a_match_against_the_clients_own_items_checks_nothing():
    code = """
import logging
from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.route("/pick", methods=["POST"])
def pick():
    key = request.args["key"]
    for item in request.json["items"]:
        if item["id"] == key:
            log.info("picked %s", key)
            return item
    return {}
"""
    assert "SLS704" in rules(code)


def test_a_file_name_found_in_the_folders_listing_is_one_of_its_entries():
    code = """
import os
from flask import Flask, request, send_file

app = Flask(__name__)
BASE = "/srv/reports"


@app.route("/report")
def report():
    name = request.args["name"]
    for entry in os.listdir(BASE):
        if entry == name:
            return send_file(os.path.join(BASE, name))
    return "not found", 404
"""
    _quiet_until_undone("SLS110", code, "        if entry == name:\n", "        if entry:\n")


def test_an_item_found_by_one_of_its_fields_fixes_the_key():
    code = """
import logging
from flask import Flask, abort, request

app = Flask(__name__)
log = logging.getLogger(__name__)
IMPORTERS = [object()]


@app.route("/import", methods=["POST"])
def import_rows():
    fmt = request.form["format"]
    importer = next((i for i in IMPORTERS if (i.format_key or i.extension) == fmt), None)
    if importer is None:
        abort(400)
    log.info("importing %s", fmt)
    return "ok"
"""
    _quiet_until_undone("SLS704", code, "(i.format_key or i.extension) == fmt", "(i.format_key or fmt) == fmt")
