"""Fixes for drivers and frameworks not installed here: the fixed text, and safe or unsafe.

The placeholder style comes from the object that runs the query, never from
the modules the file imports; Django's `%` is escaped exactly once.
"""

from __future__ import annotations

import pytest

from secure_ls.engine.edits import apply_edits
from tests.fixes.harness import findings

CASES = [
    # (rule, code, expected text in the fixed code or None for no fix, "safe"/"unsafe"/"none")
    (
        "SLS101",
        "import psycopg2\n\ndef find(name):\n    conn = psycopg2.connect('dbname=app')\n    cur = conn.cursor()\n    cur.execute(f\"SELECT id FROM users WHERE name = '{name}'\")\n",
        "cur.execute(\"SELECT id FROM users WHERE name = %s\", (name,))",
        "safe",
    ),
    (
        "SLS101",
        "import sqlite3\nimport pymysql\n\ndef find(name):\n    conn = pymysql.connect(host='db')\n    with conn.cursor() as cur:\n        cur.execute(f\"SELECT id FROM t WHERE a LIKE 'x%' AND name = '{name}'\")\n",
        "\"SELECT id FROM t WHERE a LIKE 'x%%' AND name = %s\", (name,)",
        "safe",
    ),
    (
        "SLS101",
        "import pyodbc\n\ndef find(name):\n    cur = pyodbc.connect('DSN=x').cursor()\n    cur.execute(f\"SELECT id FROM t WHERE name = '{name}'\")\n",
        "\"SELECT id FROM t WHERE name = ?\", (name,)",
        "safe",
    ),
    (
        "SLS101",
        "from django.db import connection\n\ndef purge(user_id):\n    with connection.cursor() as cursor:\n        cursor.execute(\"DELETE FROM s WHERE note LIKE '%%x' AND uid = %s\" % user_id)\n",
        "\"DELETE FROM s WHERE note LIKE '%%x' AND uid = %s\", (user_id,)",
        "safe",
    ),
    (
        "SLS101",
        "from myapp.models import User\n\ndef find(name):\n    return User.objects.raw(f\"SELECT * FROM u WHERE a LIKE '100%' AND name = '{name}'\")\n",
        "\"SELECT * FROM u WHERE a LIKE '100%%' AND name = %s\", (name,)",
        "safe",
    ),
    (
        "SLS101",
        "from myapp.models import User\n\ndef find(name):\n    return User.objects.raw(\"SELECT * FROM u WHERE a LIKE '100%%' AND name = '%s'\" % name)\n",
        "\"SELECT * FROM u WHERE a LIKE '100%%' AND name = %s\", (name,)",
        "safe",
    ),
    (
        "SLS101",
        "import asyncpg\n\nasync def find(user_id):\n    conn = await asyncpg.connect('postgresql://x')\n    return await conn.fetch('SELECT * FROM users WHERE id = ' + user_id)\n",
        "conn.fetch(\"SELECT * FROM users WHERE id = $1\", user_id)",
        "unsafe",
    ),
    (
        "SLS101",
        "from sqlalchemy import text\n\ndef find(session, name, city):\n    return session.execute(text(\n        f\"SELECT * FROM users WHERE name = '{name}' \"\n        f\"AND city = '{city}'\"\n    ))\n",
        ".bindparams(name=name, city=city)",
        "safe",
    ),
    (
        "SLS101",
        "import sqlite3\nimport psycopg2\n\ndef find(conn, name):\n    return conn.execute(f\"SELECT id FROM t WHERE name = '{name}'\")\n",
        None,
        "none",
    ),
    (
        "SLS101",
        "import psycopg2\n\ndef find(cur, name):\n    cur.execute(f\"SELECT id FROM t WHERE name = '{name}'\")\n",
        "\"SELECT id FROM t WHERE name = %s\", (name,)",
        "unsafe",
    ),
]


@pytest.mark.parametrize("rule, code, expected, kind", CASES)
def test_fixed_text(rule, code, expected, kind):
    _, mine = findings(code, rule)
    assert mine
    fix = mine[0].fix
    assert ("none" if fix is None else "safe" if fix.safe else "unsafe") == kind, fix and fix.title
    if expected is None:
        assert "placeholder style depends on the database driver" in mine[0].message
        return
    fixed = apply_edits(code, list(fix.edits))
    assert expected in fixed, fixed
