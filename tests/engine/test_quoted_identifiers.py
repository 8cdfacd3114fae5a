"""An identifier quoted in place with its quote doubled cannot leave its quotes: MySQL's and
SQLite's backticks (`` `a``b` `` names a`b) as well as string literals' quotes, inline or through
a helper that returns the quoted name (trac's `_quote`). Such a query is the audit tier, not the
default output."""

from __future__ import annotations

import pytest

from tests.cli.cli_helpers import check_json, write

HELPER = '''
import sqlite3

from flask import Flask, request

app = Flask(__name__)


def _quote(identifier):
    return "`%s`" % identifier.replace("`", "``")


@app.route("/mode")
def set_mode():
    value = request.args["mode"]
    sqlite3.connect("app.db").cursor().execute({query})
    return "ok"
'''


@pytest.mark.parametrize(
    ("query", "default"),
    [
        ("'PRAGMA journal_mode = %s' % _quote(value)", False),
        ("'PRAGMA journal_mode = `%s`' % value.replace('`', '``')", False),
        ("f'PRAGMA journal_mode = `{value.replace(\"`\", \"``\")}`'", False),
        ("'PRAGMA journal_mode = `%s`' % value", True),  # quoted, its backticks left as they are
        ("'PRAGMA journal_mode = %s' % value.replace('`', '``')", True),  # doubled, not quoted
    ],
)
def test_a_backtick_quoted_identifier_is_the_audit_tier(tmp_path, query, default):
    write(tmp_path, {"db.py": HELPER.format(query=query)})
    everything = check_json(".", "--no-cache", "--select", "SLS101", "--min-confidence", "low", cwd=tmp_path).findings()
    shown = check_json(".", "--no-cache", "--select", "SLS101", cwd=tmp_path).findings()
    assert len(everything) == 1, everything
    assert bool(shown) is default, shown
