"""Fixes for drivers and frameworks not installed here: the fixed text, and safe or unsafe.

The placeholder style comes from the object that runs the query, never from
the modules the file imports; Django's `%` is escaped exactly once.
"""

from __future__ import annotations

import pytest

from secure_ls.engine.edits import apply_edits
from tests.fixes.harness import findings

CASES = [
    # (rule, code, expected text in the fixed code, or in the message when there is no fix
    # (None: the driver message), "safe"/"unsafe"/"none")
    (
        "SLS101",
        "import psycopg2\n\ndef find(name):\n    conn = psycopg2.connect('dbname=app')\n    cur = conn.cursor()\n    cur.execute(f\"SELECT id FROM users WHERE name = '{name}'\")\n",
        "cur.execute(\"SELECT id FROM users WHERE name = %s\", (str(name),))",
        "safe",
    ),
    (
        "SLS101",
        "import sqlite3\nimport pymysql\n\ndef find(name):\n    conn = pymysql.connect(host='db')\n    with conn.cursor() as cur:\n        cur.execute(f\"SELECT id FROM t WHERE a LIKE 'x%' AND name = '{name}'\")\n",
        "\"SELECT id FROM t WHERE a LIKE 'x%%' AND name = %s\", (str(name),)",
        "safe",
    ),
    (
        "SLS101",
        "import pyodbc\n\ndef find(name):\n    cur = pyodbc.connect('DSN=x').cursor()\n    cur.execute(f\"SELECT id FROM t WHERE name = '{name}'\")\n",
        "\"SELECT id FROM t WHERE name = ?\", (str(name),)",
        "safe",
    ),
    (
        "SLS101",
        "from django.db import connection\n\ndef purge(user_id: int, tag):\n    with connection.cursor() as cursor:\n        cursor.execute(\"DELETE FROM s WHERE note LIKE '%%x' AND uid = %s AND tag = '%s'\" % (user_id, tag))\n",
        "\"DELETE FROM s WHERE note LIKE '%%x' AND uid = %s AND tag = %s\", (user_id, str(tag))",
        "safe",
    ),
    (
        "SLS101",
        "from myapp.models import User\n\ndef find(name):\n    return User.objects.raw(f\"SELECT * FROM u WHERE a LIKE '100%' AND name = '{name}'\")\n",
        "\"SELECT * FROM u WHERE a LIKE '100%%' AND name = %s\", (str(name),)",
        "safe",
    ),
    (
        "SLS101",
        "from myapp.models import User\n\ndef find(name):\n    return User.objects.raw(\"SELECT * FROM u WHERE a LIKE '100%%' AND name = '%s'\" % name)\n",
        "\"SELECT * FROM u WHERE a LIKE '100%%' AND name = %s\", (str(name),)",
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
        ".bindparams(name=str(name), city=str(city))",
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
        "\"SELECT id FROM t WHERE name = %s\", (str(name),)",
        "unsafe",
    ),
    # Django's raw() %-processes its SQL even without parameters (params=() by default): a `%%`
    # written there is one `%` already and stays `%%`; inside a bound value it is one `%`
    (
        "SLS101",
        "from myapp.models import Note\n\ndef find(name):\n    return Note.objects.raw(f\"SELECT * FROM n WHERE body = '5%%' OR name = '{name}'\")\n",
        "\"SELECT * FROM n WHERE body = '5%%' OR name = %s\", (str(name),)",
        "safe",
    ),
    (
        "SLS101",
        "from myapp.models import Note\n\ndef find(name):\n    return Note.objects.raw(\"SELECT * FROM n WHERE body = '5%%%%' OR name = '%s'\" % name)\n",
        "\"SELECT * FROM n WHERE body = '5%%' OR name = %s\", (str(name),)",
        "safe",
    ),
    (
        "SLS101",
        "from myapp.models import Note\n\ndef find(term):\n    return Note.objects.raw(f\"SELECT * FROM n WHERE body LIKE '5%%{term}'\")\n",
        "\"SELECT * FROM n WHERE body LIKE %s\", (f\"5%{term}\",)",
        "safe",
    ),
    # IN ('') for an empty list stays one '' (IN () is a syntax error on PostgreSQL)
    (
        "SLS101",
        "import psycopg2\n\ndef by_names(names: list[str]):\n    cur = psycopg2.connect('dbname=app').cursor()\n    cur.execute(\"SELECT id FROM users WHERE name IN ('%s')\" % \"','\".join(names))\n",
        "\"SELECT id FROM users WHERE name IN (\" + \", \".join([\"%s\"] * (len(names) or 1)) + \")\", (*(names or [\"\"]),)",
        "safe",
    ),
    # MySQL rejects a quoted LIMIT ('2'), which a str bound to %s becomes
    (
        "SLS101",
        "import pymysql\n\ndef page(n: str):\n    cur = pymysql.connect(host='db').cursor()\n    cur.execute(\"SELECT name FROM t ORDER BY id LIMIT \" + n)\n",
        "\"SELECT name FROM t ORDER BY id LIMIT %s\", (int(n),)",
        "unsafe",
    ),
    (
        "SLS101",
        "import pymysql\n\ndef page(n: int, kind):\n    cur = pymysql.connect(host='db').cursor()\n    cur.execute(\"SELECT name FROM t WHERE kind = '\" + kind + \"' ORDER BY id LIMIT \" + str(n))\n",
        "\"SELECT name FROM t WHERE kind = %s ORDER BY id LIMIT %s\", (str(kind), n)",
        "safe",
    ),
    # N'...' (and E'...', X'...') give their text a meaning a bound value would not have
    (
        "SLS101",
        "import pyodbc\n\ndef find(name):\n    cur = pyodbc.connect('DSN=x').cursor()\n    cur.execute(f\"SELECT id FROM t WHERE name = N'{name}'\")\n",
        "use a parameterized query",
        "none",
    ),
    # raw() given params already: adding a second set would raise
    (
        "SLS101",
        "from myapp.models import Note\n\ndef find(name, city):\n    return Note.objects.raw(f\"SELECT * FROM n WHERE name = '{name}' AND city = %s\", params=[city])\n",
        "use a parameterized query",
        "none",
    ),
]


@pytest.mark.parametrize("rule, code, expected, kind", CASES)
def test_fixed_text(rule, code, expected, kind):
    _, mine = findings(code, rule)
    assert mine
    fix = mine[0].fix
    assert ("none" if fix is None else "safe" if fix.safe else "unsafe") == kind, fix and fix.title
    if kind == "none":
        assert (expected or "placeholder style depends on the database driver") in mine[0].message
        return
    fixed = apply_edits(code, list(fix.edits))
    assert expected in fixed, fixed
