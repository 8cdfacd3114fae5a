"""SLS101: a schema statement or a query of the database's own catalog, built from a function's
parameter, names objects of the schema the code declares (a migration helper's): the audit tier.
Request data reaching the same query in the function is still reported as such."""

from __future__ import annotations

from tests.engine.test_engine import _confidence, _low_until_undone

HELPERS = (
    "from sqlalchemy import text\n\n"
    "def column_exists(conn, column):\n    table_name = column.table.fullname\n"
    "    sql = \"SELECT 1 FROM information_schema.columns WHERE table_name='%s' and column_name='%s'\" % (table_name, column.name)\n"
    "    return conn.execute(text(sql)).first() is not None\n\n"
    "def index_exists(conn, index_name):\n"
    "    return conn.execute(text(\"SELECT 1 FROM sqlite_master WHERE type='index' and name = '%s'\" % index_name)).first()\n\n"
    "def index_drop(conn, index_name):\n    conn.execute(text('DROP INDEX %s' % index_name))\n"
)


def test_a_migration_helpers_catalog_queries_and_schema_statements_are_the_audit_tier():
    assert _confidence(HELPERS, "SLS101") == ["low", "low", "low"]
    # the same helper reading rows of an application table: a value a caller fills, medium
    _low_until_undone("SLS101", HELPERS.split("def index_exists")[0], "information_schema.columns", "accounts", "medium")
    # request data in the same function: high, catalog or not
    handler = (
        "from flask import request\nfrom sqlalchemy import text\n\n"
        "def index_exists(conn):\n"
        "    return conn.execute(text(\"SELECT 1 FROM sqlite_master WHERE name = '%s'\" % request.args['i'])).first()\n"
    )
    assert _confidence(handler, "SLS101") == ["high"]


def test_a_table_named_by_a_constructor_parameter_is_the_callers_choice():
    """`BulkInsertTable(table_name)`, whose subclasses name their tables: the same generic database
    helper as a function taking the table's name, so the same audit tier. The request naming the
    table through the constructor in the module is still reported as such."""
    code = (
        "class BulkInsertTable:\n    def __init__(self, table_name, conn):\n        self.table_name = table_name\n        self.conn = conn\n\n"
        "    def truncate(self):\n        self.conn.execute(f'TRUNCATE {self.table_name}')\n"
    )
    assert _confidence(code, "SLS101") == ["low"]
    routed = "from flask import request\n\n" + code + "\n\ndef clear(conn):\n    BulkInsertTable(request.args['t'], conn).truncate()\n"
    assert _confidence(routed, "SLS101") == ["high"]
