"""SQL injection fixes, run on a real in-memory sqlite3 database."""

from tests.fixes.harness import Program

SCHEMA = '''import sqlite3

DB = sqlite3.connect(":memory:")
DB.executescript("""
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, city TEXT, note TEXT);
INSERT INTO users VALUES (1, 'alice', 'Paris', '100% sure'), (2, 'bob', 'Oslo', NULL), (3, 'carol', 'Paris', 'o''neil');
""")
'''

INJECT = "x' OR '1'='1"


def every_row_before_none_after(before, after):
    return before.error is None and len(before.value) == 3 and after.error is None and after.value == []


def fewer_rows(before, after):
    return before.error is None and after.error is None and len(after.value) < len(before.value)


def rows_before_error_or_none_after(before, after):
    return before.error is None and len(before.value) == 3 and (after.error is not None or after.value == [])


PROGRAMS = [
    Program(
        "sql-fstring-quoted",
        "SLS101",
        SCHEMA + "\ndef find(name):\n    cur = DB.cursor()\n    cur.execute(f\"SELECT id FROM users WHERE name = '{name}'\")\n    return cur.fetchall()\n",
        "safe",
        [("find('alice')", "same"), ("find('nobody')", "same"), (f"find({INJECT!r})", every_row_before_none_after), ("find(None)", "same")],
        fixed_has=('"SELECT id FROM users WHERE name = ?", (name,)',),
    ),
    Program(
        "sql-percent-two-values",
        "SLS101",
        SCHEMA + "\ndef find(name, city):\n    return DB.execute(\"SELECT id FROM users WHERE name = '%s' AND city = '%s'\" % (name, city)).fetchall()\n",
        "safe",
        [("find('alice', 'Paris')", "same"), ("find('alice', 'Oslo')", "same"), (f"find({INJECT!r}, {INJECT!r})", every_row_before_none_after)],
    ),
    Program(
        "sql-format-like",
        "SLS101",
        SCHEMA + "\ndef search(term):\n    query = \"SELECT id FROM users WHERE name LIKE '%{}%'\".format(term)\n    return DB.execute(query).fetchall()\n",
        "safe",
        [("search('o')", "same"), ("search('zz')", "same"), ("search(\"zz%' OR 1=1 --\")", rows_before_error_or_none_after)],
        fixed_has=('(f"%{term}%",)',),
    ),
    Program(
        "sql-concat-unquoted-number",
        "SLS101",
        SCHEMA + "\ndef by_id(user_id):\n    return DB.execute(\"SELECT name FROM users WHERE id = \" + user_id).fetchall()\n",
        "safe",
        [("by_id('2')", "same"), ("by_id('9')", "same"), ("by_id('2 OR 1=1')", fewer_rows), ("by_id(None)", lambda b, a: b.error == "TypeError" and a.value == [])],
    ),
    Program(
        "sql-variable-single-use",
        "SLS101",
        SCHEMA + "\ndef in_city(city):\n    q = f\"SELECT name FROM users WHERE city = '{city}' ORDER BY id\"\n    rows = DB.execute(q).fetchall()\n    return [r[0] for r in rows]\n",
        "safe",
        [("in_city('Paris')", "same"), ("in_city('Rome')", "same"), (f"in_city({INJECT!r})", fewer_rows)],
    ),
    Program(
        "sql-literal-percent-kept-for-qmark",
        "SLS101",
        SCHEMA + "\ndef sure(name):\n    return DB.execute(f\"SELECT id FROM users WHERE note LIKE '%sure' AND name = '{name}'\").fetchall()\n",
        "safe",
        [("sure('alice')", "same"), ("sure('bob')", "same"), (f"sure({INJECT!r})", fewer_rows)],
        fixed_has=("LIKE '%sure' AND name = ?",),
    ),
    Program(
        "sql-triple-quoted-keeps-lines-and-comments",
        "SLS101",
        SCHEMA
        + '\ndef report(city):\n    rows = DB.execute(f"""\n        SELECT name  -- who\n        FROM users\n        WHERE city = \'{city}\'\n        ORDER BY id\n    """).fetchall()\n    return rows\n',
        "safe",
        [("report('Paris')", "same"), ("report('Oslo')", "same"), (f"report({INJECT!r})", fewer_rows)],
        fixed_has=('"""\n        SELECT name  -- who\n        FROM users\n        WHERE city = ?\n        ORDER BY id\n    """, (city,)',),
    ),
    Program(
        "sql-annotated-connection",
        "SLS101",
        SCHEMA + "\ndef find(conn: sqlite3.Connection, name):\n    return conn.execute(f\"SELECT id FROM users WHERE name = '{name}'\").fetchall()\n",
        "safe",
        [("find(DB, 'bob')", "same"), (f"find(DB, {INJECT!r})", every_row_before_none_after)],
    ),
    Program(
        "sql-repository-attribute",
        "SLS101",
        SCHEMA
        + "\nclass Users:\n    def __init__(self):\n        self.db = sqlite3.connect(':memory:')\n        self.db.execute('CREATE TABLE users (id INTEGER, name TEXT)')\n        self.db.execute(\"INSERT INTO users VALUES (1, 'alice'), (2, 'bob')\")\n\n    def named(self, name):\n        return self.db.execute(f\"SELECT id FROM users WHERE name = '{name}'\").fetchall()\n",
        "safe",
        [("Users().named('alice')", "same"), ("Users().named('zed')", "same"), (f"Users().named({INJECT!r})", fewer_rows)],
    ),
    Program(
        "sql-cursor-from-local-connection",
        "SLS101",
        "import sqlite3\n\ndef lookup(name):\n    conn = sqlite3.connect(':memory:')\n    conn.executescript(\"CREATE TABLE t (n TEXT); INSERT INTO t VALUES ('a'), ('b');\")\n    cur = conn.cursor()\n    cur.execute(\"SELECT n FROM t WHERE n = '\" + name + \"'\")\n    return cur.fetchall()\n",
        "safe",
        [("lookup('a')", "same"), ("lookup('c')", "same"), ("lookup(\"c' OR 'x'='x\")", fewer_rows)],
    ),
    Program(
        "sql-other-driver-imported-elsewhere",
        "SLS101",
        SCHEMA
        + "\ndef warehouse():\n    import psycopg2\n    return psycopg2.connect('dbname=dw')\n\ndef find(name):\n    return DB.execute(f\"SELECT id FROM users WHERE name = '{name}'\").fetchall()\n",
        "safe",
        [("find('carol')", "same"), (f"find({INJECT!r})", every_row_before_none_after)],
        fixed_has=("name = ?\", (name,)",),
    ),
    Program(
        "sql-unknown-connection-is-unsafe",
        "SLS101",
        SCHEMA + "\ndef find(conn, name):\n    return conn.execute(f\"SELECT id FROM users WHERE name = '{name}'\").fetchall()\n",
        "unsafe",
        [("find(DB, 'alice')", "same"), (f"find(DB, {INJECT!r})", every_row_before_none_after)],
        title_has="guessed from the sqlite3 import",
    ),
    Program(
        "sql-in-list-joined-is-refused",
        "SLS101",
        SCHEMA + "\ndef by_ids(ids):\n    q = 'SELECT name FROM users WHERE id IN ({}) ORDER BY id'.format(','.join(ids))\n    return DB.execute(q).fetchall()\n",
        "none",
        [("by_ids(['1', '3'])", "same"), ("by_ids(['2'])", "same")],
    ),
    Program(
        # the collection is read twice once expanded: unsafe unless it is known to be a list
        "sql-in-list-quoted-join-of-unknown-collection-is-unsafe",
        "SLS101",
        SCHEMA + "\ndef by_names(names):\n    return DB.execute(\"SELECT id FROM users WHERE name IN ('%s')\" % \"','\".join(names)).fetchall()\n",
        "unsafe",
        [("by_names(['alice', 'bob'])", "same"), ("by_names(['carol'])", "same"), ("by_names([\"x') OR ('1'='1\"])", fewer_rows)],
        fixed_has=('"SELECT id FROM users WHERE name IN (" + ", ".join("?" * len(names)) + ")", (*names,)',),
        title_has="must be a list, tuple or set",
    ),
    Program(
        "sql-in-list-quoted-join-expanded",
        "SLS101",
        SCHEMA
        + "\ndef by_names(names: list[str], city):\n"
        "    return DB.execute(\"SELECT id FROM users WHERE name IN ('%s') AND city = '%s' ORDER BY id\" % (\"','\".join(names), city)).fetchall()\n",
        "safe",
        [
            ("by_names(['alice', 'carol'], 'Paris')", "same"),
            ("by_names(['bob'], 'Paris')", "same"),
            ("by_names(['o''neil'], 'Paris')", "same"),
            (f"by_names(['alice'], {INJECT!r})", every_row_before_none_after),
        ],
        fixed_has=('IN (" + ", ".join("?" * len(names)) + ") AND city = ? ORDER BY id", (*names, city)',),
    ),
    Program(
        # bare numbers against a plain column: the column's type converts '3' back to 3
        "sql-in-list-bare-numbers-against-a-column-expanded",
        "SLS101",
        SCHEMA
        + "\ndef by_ids(raw: str):\n    ids = raw.split(',')\n"
        "    return DB.execute(f\"SELECT name FROM users WHERE id IN ({','.join(ids)}) ORDER BY id\").fetchall()\n",
        "safe",
        [("by_ids('1,3')", "same"), ("by_ids('2')", "same"), ("by_ids('1) OR (1=1')", rows_before_error_or_none_after)],
        fixed_has=('IN (" + ", ".join("?" * len(ids)) + ") ORDER BY id", (*ids,)',),
    ),
    Program(
        "sql-in-list-map-str-of-a-list-expanded",
        "SLS101",
        SCHEMA
        + "\ndef by_ids(raw):\n    ids = [int(x) for x in raw.split(',')]\n    extra = raw.split(',')[0]\n"
        "    return DB.execute(\"SELECT name FROM users WHERE id IN (\" + \",\".join(map(str, ids)) + \") OR name = '\" + extra + \"' ORDER BY id\").fetchall()\n",
        "safe",
        [("by_ids('1,3')", "same"), ("by_ids('2')", "same")],
        fixed_has=('IN (" + ", ".join("?" * len(ids)) + ") OR name = ? ORDER BY id", (*ids, extra)',),
    ),
    Program(
        # bound as text, '1' no longer equals the number id + 0 computes
        "sql-in-list-bare-elements-against-an-expression-is-unsafe",
        "SLS101",
        SCHEMA + "\ndef by_ids(ids: list):\n    return DB.execute(\"SELECT name FROM users WHERE id + 0 IN (\" + \", \".join(ids) + \")\").fetchall()\n",
        "unsafe",
        [("by_ids(['1'])", lambda before, after: before.value == [('alice',)] and after.value == [])],
        title_has="compares as text with an expression",
    ),
    Program(
        "sql-in-list-variable-is-refused",
        "SLS101",
        SCHEMA + "\ndef by_ids(ids):\n    wanted = ', '.join(str(i) for i in ids)\n    return DB.execute(f'SELECT name FROM users WHERE id IN ({wanted})').fetchall()\n",
        "none",
        [("by_ids([1, 2])", "same"), ("by_ids([3])", "same")],
    ),
    Program(
        "sql-query-used-twice-is-refused",
        "SLS101",
        SCHEMA
        + "\ndef count_and_list(city):\n    q = f\"SELECT name FROM users WHERE city = '{city}'\"\n    total = len(DB.execute(q).fetchall())\n    return total, DB.execute(q).fetchall()\n",
        "none",
        [("count_and_list('Paris')", "same"), ("count_and_list('Oslo')", "same")],
    ),
    Program(
        "sql-query-logged-and-run-is-refused",
        "SLS101",
        SCHEMA + "\nLOG = []\n\ndef find(name):\n    q = f\"SELECT id FROM users WHERE name = '{name}'\"\n    LOG.append(q)\n    return DB.execute(q).fetchall(), list(LOG)\n",
        "none",
        [("find('alice')", "same")],
    ),
    Program(
        "sql-comments-between-parts-is-refused",
        "SLS101",
        SCHEMA + "\ndef find(name):\n    return DB.execute(\n        'SELECT id FROM users '  # the table\n        f\"WHERE name = '{name}'\"  # the filter\n    ).fetchall()\n",
        "none",
        [("find('bob')", "same")],
        fixed_has=("# the table", "# the filter"),
    ),
    Program(
        "sql-built-piecewise-is-refused",
        "SLS101",
        SCHEMA
        + "\ndef search(name, city):\n    q = 'SELECT id FROM users WHERE 1=1'\n    if city:\n        q += \" AND city = '%s'\" % city\n    if name:\n        q += \" AND name = '%s'\" % name\n    return DB.execute(q).fetchall()\n",
        "none",
        [("search('alice', 'Paris')", "same"), ("search(None, 'Paris')", "same")],
    ),
    Program(
        "sql-executemany-untouched",
        "SLS101",
        SCHEMA + "\ndef add(table, rows):\n    DB.executemany(f'INSERT INTO {table} (name) VALUES (?)', rows)\n    return DB.execute(f'SELECT count(*) FROM {table}').fetchone()\n",
        "none",
        [("add('users', [('dan',), ('eve',)])", "same")],
    ),
    Program(
        "sql-none-value-stays-unmatched",
        "SLS101",
        SCHEMA + "\ndef notes(note):\n    return DB.execute(f\"SELECT id FROM users WHERE note = '{note}'\").fetchall()\n",
        "safe",
        [("notes('100% sure')", "same"), ("notes(None)", "same"), ("notes(\"o'neil\")", lambda b, a: b.error == "OperationalError" and a.value == [(3,)])],
    ),
    Program(
        "sql-one-literal-per-line-keeps-lines",
        "SLS101",
        SCHEMA
        + "\ndef find(name, city):\n    return DB.execute(\n        'SELECT id FROM users '\n        f\"WHERE name = '{name}' \"\n        f\"AND city = '{city}'\"\n    ).fetchall()\n",
        "safe",
        [("find('alice', 'Paris')", "same"), ("find('bob', 'Paris')", "same"), (f"find({INJECT!r}, {INJECT!r})", every_row_before_none_after)],
        fixed_has=("        \"WHERE name = ? \"\n        \"AND city = ?\", (name, city)\n",),
    ),
    Program(
        "sql-parenthesized-variable-keeps-lines",
        "SLS101",
        SCHEMA + "\ndef find(name):\n    q = ('SELECT id FROM users '\n         f\"WHERE name = '{name}'\")\n    return DB.execute(q).fetchall()\n",
        "safe",
        [("find('carol')", "same"), (f"find({INJECT!r})", every_row_before_none_after)],
        fixed_has=("    q = ('SELECT id FROM users '\n         \"WHERE name = ?\")\n",),
    ),
    Program(
        "sql-bare-value-against-aggregate-is-unsafe",
        "SLS101",
        SCHEMA + "\ndef busy_cities(minimum):\n    return DB.execute('SELECT city FROM users GROUP BY city HAVING count(*) >= ' + minimum).fetchall()\n",
        "unsafe",
        [("busy_cities('2')", lambda b, a: b.value == [('Paris',)] and a.value == []), ("busy_cities('1 OR 1=1')", lambda b, a: len(b.value) == 2 and a.value == [])],
        title_has="no column type",
    ),
    # sqlite3 refuses placeholders in CREATE/ALTER/PRAGMA ("parameters are not allowed in ..."):
    # binding the value would make every call raise (sqlite-utils' tests, bench/fix_behaviour.md)
    Program(
        "sql-ddl-takes-no-parameters",
        "SLS101",
        "import sqlite3\n\ndef table_with_check(value):\n    db = sqlite3.connect(':memory:')\n    db.execute(f\"CREATE TABLE t(value TEXT CHECK(value != '{value}'))\")\n"
        "    return db.execute(\"SELECT sql FROM sqlite_master WHERE name = 't'\").fetchone()[0]\n",
        "none",
        [("table_with_check('x')", "same"), ("table_with_check('a b')", "same")],
    ),
    Program(
        "sql-pragma-takes-no-parameters",
        "SLS101",
        "import sqlite3\n\ndef columns(table):\n    db = sqlite3.connect(':memory:')\n    db.execute('CREATE TABLE users (id INTEGER, name TEXT)')\n"
        "    return [row[1] for row in db.execute(f\"PRAGMA table_info('{table}')\").fetchall()]\n",
        "none",
        [("columns('users')", "same"), ("columns('nothing')", "same")],
    ),
]
