"""Predicates written as a list of acceptances: each check returns True early, and the function
ends with another check (or `return False`). Where such a predicate returns true, one of its checks
held, so the argument passed what all of them say (`if is_document(name): send_file(name)`).
Also `any(check for item in ITEMS)`: true, the check held for one of the application's items."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone, rules

DOCUMENTS = """
from pathlib import Path
from flask import Flask, abort, request, send_file

app = Flask(__name__)


def is_document_or_import_file(filename, ledger):
    if any(filename == d.filename for d in ledger.documents):
        return True
    file_path = Path(filename).resolve()
    return any(file_path.is_relative_to(d) for d in ledger.import_dirs)


@app.route("/document")
def document():
    filename = request.args.get("filename", "")
    if is_document_or_import_file(filename, app.config["LEDGER"]):
        return send_file(filename)
    return abort(404)
"""


def test_a_predicate_whose_every_true_return_follows_a_check_validates_its_parameter():
    # compared unresolved, `import/../../etc/passwd` is relative to `import`
    _quiet_until_undone("SLS110", DOCUMENTS, "Path(filename).resolve()", "Path(filename)")
    # a true return behind a test that checks nothing
    _quiet_until_undone("SLS110", DOCUMENTS, "any(filename == d.filename for d in ledger.documents)", 'filename.endswith(".pdf")')


def test_any_over_the_items_checks_a_name_equal_to_an_items_field():
    code = DOCUMENTS.replace(
        "    file_path = Path(filename).resolve()\n    return any(file_path.is_relative_to(d) for d in ledger.import_dirs)\n", "    return False\n"
    )
    _quiet_until_undone("SLS110", code, "filename == d.filename", "filename.startswith(d.filename)")


def test_an_unconditional_true_return_validates_nothing():
    code = DOCUMENTS.replace("    file_path = Path(filename).resolve()\n", "    return True\n    file_path = Path(filename).resolve()\n")
    assert "SLS110" in rules(code)


def test_any_over_the_clients_own_items_checks_nothing():
    code = """
from flask import Flask, abort, request, send_file

app = Flask(__name__)
DOCUMENTS = []


@app.route("/document")
def document():
    filename = request.args.get("filename", "")
    if any(filename == d.filename for d in DOCUMENTS):
        return send_file(filename)
    return abort(404)
"""
    _quiet_until_undone("SLS110", code, "for d in DOCUMENTS", "for d in request.json")
