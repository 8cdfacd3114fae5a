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
        # not known to be a str: bound as str(name), so None stays the text 'None' it was
        fixed_has=('"SELECT id FROM users WHERE name = ?", (str(name),)',),
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
        # written bare, '2' was the number 2; bound, it is text: the INTEGER column converts it
        # back, a column without a numeric type would not (sql-bare-text-against-untyped-column)
        "sql-concat-unquoted-value-of-unknown-type-is-unsafe",
        "SLS101",
        SCHEMA + "\ndef by_id(user_id):\n    return DB.execute(\"SELECT name FROM users WHERE id = \" + user_id).fetchall()\n",
        "unsafe",
        [("by_id('2')", "same"), ("by_id('9')", "same"), ("by_id('2 OR 1=1')", fewer_rows), ("by_id(None)", lambda b, a: b.error == "TypeError" and a.value == [])],
        title_has="bind `int(user_id)` if it holds a number",
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
        fixed_has=('"""\n        SELECT name  -- who\n        FROM users\n        WHERE city = ?\n        ORDER BY id\n    """, (str(city),)',),
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
        fixed_has=("name = ?\", (str(name),)",),
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
        fixed_has=('"SELECT id FROM users WHERE name IN (" + ", ".join("?" * (len(names) or 1)) + ")", (*(names or [""]),)',),
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
        fixed_has=('IN (" + ", ".join("?" * (len(names) or 1)) + ") AND city = ? ORDER BY id", (*(names or [""]), str(city))',),
    ),
    Program(
        # bare numbers held as text: bound, '3' is text, which only a column of numeric type
        # (this one) converts back to 3 (sql-in-list-bare-text-against-untyped-column-is-unsafe)
        "sql-in-list-bare-text-elements-is-unsafe",
        "SLS101",
        SCHEMA
        + "\ndef by_ids(raw: str):\n    ids = raw.split(',')\n"
        "    return DB.execute(f\"SELECT name FROM users WHERE id IN ({','.join(ids)}) ORDER BY id\").fetchall()\n",
        "unsafe",
        [("by_ids('1,3')", "same"), ("by_ids('2')", "same"), ("by_ids('1) OR (1=1')", rows_before_error_or_none_after)],
        fixed_has=('IN (" + ", ".join("?" * len(ids)) + ") ORDER BY id", (*ids,)',),
        title_has="numbers held as text",
    ),
    Program(
        "sql-in-list-map-str-of-a-list-expanded",
        "SLS101",
        SCHEMA
        + "\ndef by_ids(raw):\n    ids = [int(x) for x in raw.split(',')]\n    extra = raw.split(',')[0]\n"
        "    return DB.execute(\"SELECT name FROM users WHERE id IN (\" + \",\".join(map(str, ids)) + \") OR name = '\" + extra + \"' ORDER BY id\").fetchall()\n",
        "safe",
        [("by_ids('1,3')", "same"), ("by_ids('2')", "same")],
        fixed_has=('IN (" + ", ".join("?" * len(ids)) + ") OR name = ? ORDER BY id", (*ids, str(extra))',),
    ),
    Program(
        # bound as text, '1' no longer equals the number id + 0 computes
        "sql-in-list-bare-elements-against-an-expression-is-unsafe",
        "SLS101",
        SCHEMA + "\ndef by_ids(ids: list):\n    return DB.execute(\"SELECT name FROM users WHERE id + 0 IN (\" + \", \".join(ids) + \")\").fetchall()\n",
        "unsafe",
        [("by_ids(['1'])", lambda before, after: before.value == [('alice',)] and after.value == [])],
        title_has="numbers held as text",
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
        fixed_has=("        \"WHERE name = ? \"\n        \"AND city = ?\", (str(name), str(city))\n",),
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
        title_has="not as the number 2",
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

# What a bound value means must be what the SQL made of the inserted text: quoted, its text;
# bare, SQL (a number). `v` has no declared type, so SQLite compares what it is given as is.
VALUES_SCHEMA = '''import sqlite3

DB = sqlite3.connect(":memory:")
DB.executescript("""
CREATE TABLE items (id INTEGER PRIMARY KEY, code TEXT, price REAL, v, name TEXT, note TEXT);
INSERT INTO items VALUES (1, '00042', 9.99, 1, 'O''Neil', 'x'), (2, '00007', 5.0, 2, 'bob', NULL),
                         (3, '12345', 1.5, 3, '', 'cat''s');
""")
'''


def both_failed(before, after):
    return before.error is not None and after.error is not None


PROGRAMS += [
    Program(
        # '%05d' made the text '00042': kept in Python, the same text is bound (reported for the
        # name beside it: digits alone inject nothing)
        "sql-percent-conversion-inside-quotes-kept-in-python",
        "SLS101",
        VALUES_SCHEMA + "\ndef by_code(n, name):\n    return DB.execute(\"SELECT id FROM items WHERE code = '%05d' AND name != '%s'\" % (n, name)).fetchall()\n",
        "safe",
        [("by_code(42, 'x')", "same"), ("by_code(7, 'bob')", "same"), ("by_code(42.7, 'x')", "same"), ("by_code('42', 'x')", "same")],
        fixed_has=('"SELECT id FROM items WHERE code = ? AND name != ?", ("%05d" % (n,), str(name))',),
    ),
    Program(
        # %d wrote the number's whole part: int() binds the same number
        "sql-percent-d-bare-binds-int",
        "SLS101",
        VALUES_SCHEMA + "\ndef by_id(n, name):\n    return DB.execute(\"SELECT code FROM items WHERE v = %d AND name != '%s'\" % (n, name)).fetchall()\n",
        "safe",
        [("by_id(1, 'x')", "same"), ("by_id(1.9, 'x')", "same"), ("by_id(True, 'x')", "same"), ("by_id('1', 'x')", lambda b, a: b.error == "TypeError")],
        fixed_has=("(int(n), str(name))",),
    ),
    Program(
        # no placeholder rounds to two decimals as %.2f did: no fix, the message says what to do
        "sql-percent-float-format-bare-is-refused",
        "SLS101",
        VALUES_SCHEMA + "\ndef by_price(x, name):\n    return DB.execute(\"SELECT id FROM items WHERE price = %.2f AND name != '%s'\" % (x, name)).fetchall()\n",
        "none",
        [("by_price(9.989999, 'x')", "same"), ("by_price(5, 'x')", "same")],
        message_has="bind the number you mean (e.g. `round(x, 2)`) by hand",
    ),
    Program(
        # bare, '2' was the number 2; bound as given it is text, which the untyped v never equals
        "sql-bare-text-against-untyped-column-is-unsafe",
        "SLS101",
        VALUES_SCHEMA + "\ndef by_v(v: str):\n    return DB.execute('SELECT name FROM items WHERE v = ' + v).fetchall()\n",
        "unsafe",
        [("by_v('2')", lambda b, a: b.value == [("bob",)] and a.value == [])],
        title_has="bind `int(v)` if it holds a number",
    ),
    Program(
        "sql-bare-known-numbers-bound-as-they-are",
        "SLS101",
        VALUES_SCHEMA
        # (`v: int` alone is no finding: a helper's parameter declared a number holds one)
        + "\ndef by_v(v: int, name):\n    return DB.execute('SELECT name FROM items WHERE v = ' + str(v) + \" AND name != '\" + name + \"'\").fetchall()\n"
        "\ndef cheaper(name, limit):\n    price = float(limit)\n"
        "    return DB.execute(f\"SELECT id FROM items WHERE name != '{name}' AND price < {price} ORDER BY id\").fetchall()\n",
        "safe",
        [("by_v(2, 'x')", "same"), ("by_v(9, 'bob')", "same"), ("cheaper('bob', '6')", "same"), ("cheaper('bob', 1e-05)", "same")],
        fixed_has=('"SELECT name FROM items WHERE v = ? AND name != ?", (v, str(name))', '"SELECT id FROM items WHERE name != ? AND price < ? ORDER BY id", (str(name), price)'),
    ),
    Program(
        "sql-in-list-bare-text-against-untyped-column-is-unsafe",
        "SLS101",
        VALUES_SCHEMA + "\ndef by_vs(raw: str):\n    vs = raw.split(',')\n    return DB.execute(f\"SELECT name FROM items WHERE v IN ({','.join(vs)}) ORDER BY id\").fetchall()\n",
        "unsafe",
        [("by_vs('1,3')", lambda b, a: len(b.value) == 2 and a.value == [])],
        title_has="numbers held as text",
    ),
    Program(
        "sql-in-list-int-elements-against-untyped-column",
        "SLS101",
        VALUES_SCHEMA
        + "\ndef by_vs(raw: str, name):\n    vs = [int(x) for x in raw.split(',')]\n"
        "    return DB.execute(f\"SELECT name FROM items WHERE v IN ({','.join(map(str, vs))}) OR name = '{name}' ORDER BY id\").fetchall()\n",
        "safe",
        [("by_vs('1,3', 'x')", "same"), ("by_vs('2', '')", "same"), ("by_vs('x', 'x')", "same")],
        fixed_has=('"SELECT name FROM items WHERE v IN (" + ", ".join("?" * len(vs)) + ") OR name = ? ORDER BY id", (*vs, str(name))',),
    ),
    Program(
        # '' inside a SQL literal is one quote: the literal's whole text is bound
        "sql-escaped-quote-inside-a-literal",
        "SLS101",
        VALUES_SCHEMA
        + "\ndef owner(name):\n    return DB.execute(f\"SELECT id FROM items WHERE name = 'O''{name}'\").fetchall()\n"
        "\ndef possessive(word):\n    return DB.execute(f\"SELECT id FROM items WHERE note = '{word}''s' OR note = ''\").fetchall()\n",
        "safe",
        [("owner('Neil')", "same"), ("owner('bob')", "same"), ("possessive('cat')", "same"), ("possessive('dog')", "same")],
        fixed_has=("(f\"O'{name}\",)", "(f\"{word}'s\",)"),
    ),
    Program(
        # a value not known to be a str was its text inside quotes: None was 'None', not NULL
        "sql-none-stays-the-text-none",
        "SLS101",
        VALUES_SCHEMA
        + "\ndef others(note):\n    return DB.execute(f\"SELECT id FROM items WHERE note != '{note}' ORDER BY id\").fetchall()\n"
        "\ndef add(name, note):\n    DB.execute(f\"INSERT INTO items (id, name, note) VALUES (9, '{name}', '{note}')\")\n"
        "    row = DB.execute('SELECT name, note FROM items WHERE id = 9').fetchone()\n    DB.execute('DELETE FROM items WHERE id = 9')\n    return row\n",
        "safe",
        [("others('x')", "same"), ("others(None)", "same"), ("add('c', 'hello')", "same"), ("add('c', None)", "same"), ("add(5, None)", "same")],
        fixed_has=("(str(note),)", "(str(name), str(note))"),
    ),
    Program(
        "sql-str-value-bound-as-it-is",
        "SLS101",
        VALUES_SCHEMA + "\ndef find(name: str):\n    return DB.execute(f\"SELECT id FROM items WHERE name = '{name}'\").fetchall()\n",
        "safe",
        [("find('bob')", "same"), ("find('')", "same")],
        fixed_has=("(name,)",),
    ),
    Program(
        # IN ('') matched the empty name for an empty list: one '' is still bound then
        "sql-in-list-quoted-empty-list-keeps-in-empty-text",
        "SLS101",
        VALUES_SCHEMA
        + "\ndef by_names(names: list[str]):\n    return DB.execute(\"SELECT id FROM items WHERE name IN ('%s') ORDER BY id\" % \"','\".join(names)).fetchall()\n",
        "safe",
        [("by_names([])", "same"), ("by_names(['bob'])", "same"), ("by_names(['bob', ''])", "same")],
        fixed_has=('(*(names or [""]),)',),
    ),
    Program(
        # MySQL rejects LIMIT '2', which a str bound to %s becomes: int() is bound, and said
        "sql-limit-of-text-bound-as-int-is-unsafe",
        "SLS101",
        VALUES_SCHEMA + "\ndef first(n: str):\n    return DB.execute('SELECT id FROM items ORDER BY id LIMIT ' + n).fetchall()\n",
        "unsafe",
        [("first('2')", "same"), ("first(' 1 ')", "same"), ("first('x')", both_failed)],
        fixed_has=("(int(n),)",),
        title_has="now passed as `int(n)`",
    ),
    Program(
        "sql-limit-of-known-int",
        "SLS101",
        VALUES_SCHEMA + "\ndef first(name, n: int = 10):\n    return DB.execute(f\"SELECT id FROM items WHERE name != '{name}' ORDER BY id LIMIT {n}\").fetchall()\n",
        "safe",
        [("first('bob', 1)", "same"), ("first('bob')", "same")],
        fixed_has=("(str(name), n)",),
    ),
]
PROGRAMS += [
    Program(
        # n is converted on one path only: on the other it is still the text the SQL read as a number
        "sql-bare-value-converted-on-one-path-is-unsafe",
        "SLS101",
        VALUES_SCHEMA
        + "\ndef by_v(n, strict=False):\n    if strict:\n        n = int(n)\n    return DB.execute(f'SELECT name FROM items WHERE v = {n}').fetchall()\n",
        "unsafe",
        [("by_v('2', True)", "same"), ("by_v('2')", lambda b, a: b.value == [("bob",)] and a.value == [])],
        title_has="bind `int(n)` if it holds a number",
    ),
    Program(
        "sql-bare-value-converted-first-is-safe",
        "SLS101",
        VALUES_SCHEMA
        + "\ndef by_v(n, name):\n    n = int(n)\n    return DB.execute(f\"SELECT name FROM items WHERE v = {n} OR name = '{name}'\").fetchall()\n",
        "safe",
        [("by_v('2', '')", "same"), ("by_v(3.7, 'bob')", "same")],
        fixed_has=("(n, str(name))",),
    ),
    Program(
        # n's assigned values are 10 and 4, but n /= 4 makes it 2.5, which %d wrote as 2
        "sql-percent-d-of-an-updated-number-binds-int",
        "SLS101",
        VALUES_SCHEMA
        + "\ndef quarter(name):\n    n = 10\n    n /= 4\n    return DB.execute(\"SELECT name FROM items WHERE v = %d OR name = '%s'\" % (n, name)).fetchall()\n",
        "safe",
        [("quarter('')", "same"), ("quarter('bob')", "same")],
        fixed_has=("(int(n), str(name))",),
    ),
    Program(
        # %.3s cut the text to three characters: no placeholder does
        "sql-percent-precision-on-text-bare-is-refused",
        "SLS101",
        VALUES_SCHEMA + "\ndef by_v(n):\n    return DB.execute('SELECT name FROM items WHERE v = %.1s' % n).fetchall()\n",
        "none",
        [("by_v('23')", "same")],
        message_has="formatted with `%.1s`",
    ),
]
