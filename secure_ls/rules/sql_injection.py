"""SLS101 sql-injection."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import sql_lists, sql_params, sql_positions, sql_style, strings, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink, ValueKind

# Methods that run SQL given as their first argument, on any connection/cursor.
_EXECUTE_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "mogrify"})
_ASYNCPG_METHODS = frozenset({"fetch", "fetchrow", "fetchval", "execute", "executemany", "cursor"})
# Functions that take SQL text, by qualified name, and the index of the SQL argument.
_SQL_FUNCTIONS = {
    "sqlalchemy.text": 0,
    "sqlalchemy.sql.text": 0,
    "sqlalchemy.sql.expression.text": 0,
    "pandas.read_sql": 0,
    "pandas.read_sql_query": 0,
    "django.db.models.expressions.RawSQL": 0,
    "django.db.models.RawSQL": 0,
}
_SQL_START = re.compile(
    r"^\s*(\(\s*)?(select|insert|update|delete|create|drop|alter|with|pragma|replace|merge|exec|execute|call|grant|revoke|truncate|upsert|copy|show|describe|explain)\b",
    re.IGNORECASE,
)
# Statements that define schema or settings: sqlite3 (and PostgreSQL's server-side binding)
# refuse placeholders in them, so a value there cannot be moved into a parameter.
_DDL_START = re.compile(r"^\s*(\(\s*)?(create|drop|alter|pragma|attach|detach|vacuum|reindex|analyze|grant|revoke|truncate|comment)\b", re.IGNORECASE)
# The database's description of its own schema: what migration helpers query for a table's,
# column's, index's or constraint's name before they create it.
_CATALOG = re.compile(r"\b(sqlite_master|sqlite_schema|information_schema\.\w+|pg_catalog\.\w+|pg_(class|index|indexes|tables|namespace|constraint|trigger|attribute|sequences?))\b", re.IGNORECASE)
_SQL_INSIDE = re.compile(r"\b(select\s.+\sfrom|insert\s+into|update\s.+\sset|delete\s+from|\bwhere\b)", re.IGNORECASE | re.DOTALL)
# A command line (`powershell.exe "... | select name"`): what a remote shell's `execute()` runs, whatever
# words it shares with SQL
_COMMAND_LINE = re.compile(r"^\s*[\"']?(powershell|pwsh|cmd|bash|sh|zsh|[\w.-]+\.exe)\b", re.IGNORECASE)


class SqlInjection(Rule):
    """
    ## What it does
    Finds SQL queries built from non-constant data with f-strings, `%`,
    `.format()` or `+` (directly or through a variable assembled earlier in
    the function) and passed to `execute`/`executemany`/`executescript`,
    pandas `read_sql`, SQLAlchemy `text()`/`exec_driver_sql`, asyncpg's
    `fetch*`, or Django's `raw`/`extra`/`RawSQL`, or to a function (of the
    module or the workspace) that hands that parameter on whole to one of
    them (`query_db(f"... {name}")` with `def query_db(query, args=()):
    return db.execute(query, args)`): the query is judged where it is built,
    and fixed by hand, since the helper has no parameter list to move the
    values into.

    ## Why is this bad?
    Whoever controls the inserted value controls the query: a name like
    `x' OR '1'='1` reads every row, and `'; DROP TABLE users; --` does worse.
    Escaping by hand always misses a case. The database driver can send the
    values separately from the SQL text, so they are never parsed as SQL.

    ## How to fix it
    Put a placeholder where each value goes and pass the values separately.
    The quick fix does this in the placeholder style of the driver that runs
    the query, found from where the connection or cursor was made
    (`sqlite3.connect(...)`, `conn.cursor()`, Django's `connection`, a
    parameter annotated `sqlite3.Connection`): `?` for sqlite3 and pyodbc;
    `%s` for psycopg, psycopg2, PyMySQL, MySQLdb, aiopg and Django (a
    literal `%` becomes `%%`, once: Django's `raw()` already reads `%%` as
    `%`, so there a `%%` stays); `$1` for asyncpg; `:name` with
    `.bindparams()` for SQLAlchemy `text()`.

    The values bound keep the query's meaning. A value that filled a quoted
    literal (`'{name}'`) was text there: it is bound as `str(name)` unless it
    is known to be a str (annotated `str`, a literal, `str(...)`, a request's
    `args["q"]`), so None stays the text 'None' rather than becoming NULL.
    Part of a literal binds the literal's whole text (`f"%{term}%"`, a `''`
    in it read as one quote), and a `%` conversion inside quotes is kept
    (`"%05d" % (n,)`). A value written bare (`id = {n}`) was read as SQL, so
    '2' was the number 2: a value known to be an int or float is bound as it
    is and `%d` binds `int(n)`; other conversions (`%.2f`, `%x`) get no fix.
    Any other bare value makes the fix unsafe, saying that it is now bound as
    text (SQLite columns without a numeric type, and MySQL's text columns,
    compare it as text); after LIMIT or OFFSET, where MySQL rejects a quoted
    number, it is bound as `int(n)`, and the title says so.

    Where the origin of the connection cannot be seen, the style is guessed
    from the file's one database import and the fix is unsafe, saying so;
    asyncpg fixes are unsafe too, since asyncpg checks each value's type
    against its column. A list joined into an `IN (...)` list
    (`",".join(ids)`, `map(str, ids)`, `"','".join(names)` inside quotes)
    becomes one placeholder per element (`", ".join("?" * len(ids))`, the
    elements passed as `(*ids,)`; a quoted list passes `(*(names or
    [""]),)`, since an empty one gave `IN ('')`): safe when the collection
    is a list, tuple or set made in the function (or a parameter annotated
    as one, since it is read twice) and its elements were quoted text or are
    known numbers; unsafe otherwise. No fix is offered (the message
    says what to do) for a list joined in an earlier statement, a query
    string used more than once, a query with comments between its parts,
    or one assembled piece by piece. Queries written over several lines
    (triple-quoted, or one literal per line) keep their lines.
    When the value is a table or column name, a placeholder cannot work:
    check it against an allow-list of known names instead (no quick fix).
    A name the program chose (not request data) and cut down to letters,
    digits and `_` (`re.sub(r"[^A-Za-z0-9_]", "", table_prefix)`) is not
    reported where SQL expects a name: one word adds no syntax there. A
    client's name so cut still is (it picks any table), and so is one such
    word where SQL expects a value (`token = password` holds for every row).

    A query built only from constants is not reported, nor one whose only
    inserted values fill numeric conversions (`"... OFFSET %d" % (n - 1)`: a
    string there raises TypeError, so digits come out), nor text an
    `execute()` of an object that is not known to be a database gets when it
    holds no SQL, or is a command line (`powershell.exe "... | select
    name"`, a remote shell's). A value that comes
    from a request or other untrusted source is reported with high
    confidence, a function parameter with medium, anything else with low.
    So is a value the code rejects when it holds a quote character
    (`if "'" in name or '"' in name: abort(400)`) and that only appears
    inside quotes: it cannot leave its literal, though in MySQL's default
    mode a trailing backslash still escapes the closing quote; and so is an
    identifier quoted in place with its quote doubled
    (`'"{}"'.format(name.replace('"', '""'))`, MySQL's and SQLite's
    `` "`%s`" % name.replace("`", "``") ``, often in a helper), and a
    value whose quote was doubled or taken out in an earlier statement
    (`name.translate(str.maketrans({'"': "_"}))`, later put in `"..."`), unless
    a later `.replace` puts a lone quote back. Each part of a value counts
    apart: a quoted name joined to a value the engine cannot see through is
    only as bad as that value. A table
    or column name taken from a function parameter, or from a constructor's
    parameter kept in the object's state, is low confidence too: that is how
    generic database helpers are written (the caller names the table), and no
    placeholder can replace it; request data that reaches the name in the
    same module is still reported with high confidence.
    So is a schema statement (`CREATE`, `ALTER`, `DROP`, ...) or a query of
    the database's own catalog (`sqlite_master`, `information_schema`,
    `pg_catalog`, `pg_class`, ...) built from a function parameter: a
    migration helper's (`column_exists(conn, column)` with a model's
    column), naming objects of the schema the code declares.
    Low-confidence findings are hints in the editor and shown by
    `secure-ls check --min-confidence low`.
    """

    id = "SLS101"
    name = "sql-injection"
    title = "SQL query built from non-constant data"
    cwe = 89
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "injection"
    forwarded_sink = Sink.SQL
    bandit = ("B608",)
    codeql = ("py/sql-injection",)
    fixable = True
    calls = frozenset(_SQL_FUNCTIONS)
    methods = _EXECUTE_METHODS | sql_style.RAW_METHODS | _ASYNCPG_METHODS | {"read_sql", "read_sql_query"}

    VALID = [
        # a version-control wrapper's `execute` takes an argument list: no database, no SQL
        code("""
            class Repository:
                def push(self, branch):
                    self.execute(["push", f"--branch={branch}"], remote_op="push")
        """),
        # `%d` writes digits whatever number it is given (a string raises TypeError)
        code("""
            def nth_name(connection, shard_size):
                sql = "SELECT name FROM object ORDER BY name LIMIT 1 OFFSET %d" % (shard_size - 1)
                return connection.execute(sql).fetchone()
        """),
        # a command line a remote shell runs: PowerShell's `Where` and `select name` are no SQL
        code("""
            def exported_files(connection, export_name):
                command = f'powershell.exe "Get-LocalUser | Where {{ $_.Enabled }} | select name | ForEach-Object {{ Test-Path {export_name} }}"'
                return connection.execute(command, True)
        """),
        # a helper's parameters declared as a number and as one of an Enum's values
        code("""
            from enum import Enum
            from sqlalchemy import text

            class EventType(str, Enum):
                created = "order.created"

            def endpoints(session, event: EventType, limit: int):
                return session.execute(text(f"SELECT id FROM hooks WHERE events @> '[\"{event}\"]' LIMIT {limit}"))
        """),
        # the helper runs what it is given; here that is a constant query and its parameters
        code("""
            import sqlite3
            from flask import Flask, request
            app = Flask(__name__)

            def query_db(query, args=()):
                return sqlite3.connect("app.db").execute(query, args).fetchall()

            @app.route("/users")
            def users():
                return str(query_db("SELECT * FROM users WHERE name = ?", (request.args["name"],)))
        """),
        code("""
            from myapp.models import Contact

            def by_company(company):
                return Contact.objects.extra(where=["company = %s"], params=[company])
        """),
        code("""
            import sqlite3
            def f(conn, name):
                conn.execute("SELECT * FROM users WHERE name = ?", (name,))
        """),
        code("""
            import sqlite3
            COLUMNS = "id, name"
            def f(conn):
                conn.execute(f"SELECT {COLUMNS} FROM users")
        """),
        code("""
            import sqlite3
            def f(conn):
                table = "users"
                conn.execute("SELECT * FROM " + table)
        """),
        code("""
            def f(runner, job):
                runner.execute(f"job {job}")
        """),
        code("""
            import sqlite3
            def f(conn, n):
                conn.execute(f"SELECT * FROM t LIMIT {int(n)}")
        """),
        code("""
            from enum import Enum

            from fastapi import FastAPI

            app = FastAPI()

            class SortKey(str, Enum):
                newest = "created_at DESC"
                cheapest = "price ASC"

            @app.get("/listings")
            async def listings(db, sort: SortKey = SortKey.newest):
                return await db.execute(f"SELECT id FROM listings ORDER BY {sort.value}")
        """),
        # a table prefix the program is configured with, cut down to one name: it adds no syntax
        code("""
            import re

            class Storage:
                def __init__(self, conn, table_prefix="queue"):
                    self.conn = conn
                    self.table = re.sub(r"[^A-Za-z0-9_]", "", table_prefix) + "_task"

                def enqueue(self, data):
                    self.conn.execute("INSERT INTO {} (data) VALUES (%s)".format(self.table), (data,))
        """),
    ]
    INVALID = [
        Example(  # a table the client names, cut down to one name: it still picks any table
            code("""
                import re
                from flask import request

                def rows(conn):
                    table = re.sub(r"[^A-Za-z0-9_]", "", request.args["table"])
                    return conn.execute("SELECT * FROM {}".format(table)).fetchall()
            """),
            where='''"SELECT * FROM {}".format(table)''',
            says="SQL identifier (table or column name) taken from",
        ),
        Example(  # one name, but where SQL expects a value: `password = password` holds for every row
            code("""
                import re

                class Accounts:
                    def __init__(self, conn, secret):
                        self.conn = conn
                        self.secret = re.sub(r"[^A-Za-z0-9_]", "", secret)

                    def find(self):
                        return self.conn.execute("SELECT id FROM users WHERE token = %s" % self.secret)
            """),
            where='''"SELECT id FROM users WHERE token = %s" % self.secret''',
            says="SQL query built from the constructor parameter `secret`",
        ),
        Example(  # an attribute hook gets whatever value the application assigns
            code("""
                from sqlalchemy import event
                from app.models import Task

                @event.listens_for(Task.title, "set")
                def log_title(target, value, oldvalue, initiator):
                    target.connection.execute("INSERT INTO history (title) VALUES ('%s')" % value)
            """),
            where=""""INSERT INTO history (title) VALUES ('%s')" % value""",
            says="SQL query built from the parameter `value`",
        ),
        Example(  # built here, run by the module's helper
            code("""
                import sqlite3
                from flask import Flask, request
                app = Flask(__name__)

                def query_db(query, args=()):
                    return sqlite3.connect("app.db").execute(query, args).fetchall()

                @app.route("/users")
                def users():
                    return str(query_db("SELECT * FROM users WHERE name = '" + request.args["name"] + "'"))
            """),
            where="\"SELECT * FROM users WHERE name = '\" + request.args[\"name\"] + \"'\"",
            says="SQL query built from the Flask request (`request.args[\"name\"]`) and run by `query_db()`",
        ),
        Example(
            code("""
                import sqlite3

                def find(conn, name):
                    cur = conn.cursor()
                    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
            """),
            fixed=code("""
                import sqlite3

                def find(conn, name):
                    cur = conn.cursor()
                    cur.execute("SELECT * FROM users WHERE name = ?", (str(name),))
            """),
            where='f"SELECT * FROM users WHERE name = \'{name}\'"',
            says='SQL query built from the parameter `name`: use a parameterized query',
        ),
        Example(
            code("""
                import psycopg2

                def find(cur, name, age):
                    cur.execute("SELECT * FROM users WHERE name = '%s' AND age > %d" % (name, age))
            """),
            fixed=code("""
                import psycopg2

                def find(cur, name, age):
                    cur.execute("SELECT * FROM users WHERE name = %s AND age > %s", (str(name), int(age)))
            """),
            where='"SELECT * FROM users WHERE name = \'%s\' AND age > %d" % (name, age)',
            says='SQL query built from the parameter `name`',
        ),
        Example(
            code("""
                import pymysql

                def find(cur, term):
                    query = "SELECT * FROM items WHERE title LIKE '%{}%'".format(term)
                    cur.execute(query)
            """),
            fixed=code("""
                import pymysql

                def find(cur, term):
                    query = "SELECT * FROM items WHERE title LIKE %s"
                    cur.execute(query, (f"%{term}%",))
            """),
            where='query',
            says='SQL query built from the parameter `term`',
        ),
        Example(
            code("""
                import asyncpg

                async def find(conn, user_id):
                    return await conn.fetch("SELECT * FROM users WHERE id = " + user_id)
            """),
            fixed=code("""
                import asyncpg

                async def find(conn, user_id):
                    return await conn.fetch("SELECT * FROM users WHERE id = $1", user_id)
            """),
            where='"SELECT * FROM users WHERE id = " + user_id',
            says='SQL query built from the parameter `user_id`',
        ),
        Example(
            code("""
                from sqlalchemy import text

                def find(session, name):
                    return session.execute(text(f"SELECT * FROM users WHERE name = '{name}'"))
            """),
            fixed=code("""
                from sqlalchemy import text

                def find(session, name):
                    return session.execute(text("SELECT * FROM users WHERE name = :name").bindparams(name=str(name)))
            """),
            where='f"SELECT * FROM users WHERE name = \'{name}\'"',
            says='SQL query built from the parameter `name`',
        ),
        Example(
            code("""
                from flask import request
                import sqlite3

                def search(db):
                    table = request.args["table"]
                    db.execute(f"SELECT * FROM {table}")
            """),
            fixed=None,
            where='f"SELECT * FROM {table}"',
            says='SQL identifier (table or column name) taken from the Flask request (`table`)',
        ),
        Example(
            code("""
                from django.db import connection

                def find(user_id):
                    with connection.cursor() as cursor:
                        cursor.execute("DELETE FROM sessions WHERE user_id = " + str(user_id))
            """),
            fixed=code("""
                from django.db import connection

                def find(user_id):
                    with connection.cursor() as cursor:
                        cursor.execute("DELETE FROM sessions WHERE user_id = %s", (str(user_id),))
            """),
            where='"DELETE FROM sessions WHERE user_id = " + str(user_id)',
            says='SQL query built from the parameter `user_id` (`str(user_id)`)',
        ),
        Example(
            code("""
                import sqlite3

                def search(conn, name, city):
                    q = "SELECT * FROM people WHERE 1=1"
                    if city:
                        q += " AND city = '%s'" % city
                    return conn.execute(q)
            """),
            fixed=None,
            where='q',
            says='The query is assembled piece by piece',
        ),
        Example(
            code("""
                from myapp.models import Contact

                def by_company(company):
                    return Contact.objects.extra(where=["company = '%s'" % company])
            """),
            where='"company = \'%s\'" % company',
            says='SQL query built from the parameter `company`',
        ),
        Example(
            code("""
                import sqlite3

                def by_ids(conn: sqlite3.Connection, ids: list[int]):
                    return conn.execute(f"SELECT * FROM users WHERE id IN ({','.join(map(str, ids))})")
            """),
            fixed=code("""
                import sqlite3

                def by_ids(conn: sqlite3.Connection, ids: list[int]):
                    return conn.execute("SELECT * FROM users WHERE id IN (" + ", ".join("?" * len(ids)) + ")", (*ids,))
            """),
            where="IN (",
            says="the parameter `ids`",
        ),
        Example(
            code("""
                from myapp.models import User

                def find(name):
                    return User.objects.raw(f"SELECT * FROM app_user WHERE name = '{name}'")
            """),
            fixed=code("""
                from myapp.models import User

                def find(name):
                    return User.objects.raw("SELECT * FROM app_user WHERE name = %s", (str(name),))
            """),
            where='f"SELECT * FROM app_user WHERE name = \'{name}\'"',
            says='SQL query built from the parameter `name`',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        sink = self._sink(node, ctx)
        if sink is None:
            return
        kind, query = sink
        if isinstance(query, (ast.List, ast.Tuple)) and isinstance(node.func, ast.Attribute) and node.func.attr in _EXECUTE_METHODS:
            return  # `self.execute(["fetch", "--", url, refspec])`: a command runner's argument list; a database's execute takes text
        if isinstance(query, (ast.List, ast.Tuple)):
            # Django's `.extra(where=["a = '%s'" % x])`: each clause is SQL text. No one-click
            # fix: the values belong in `.extra(params=[...])`, next to any already there
            for clause in query.elts:
                self._check(node, "clause", clause, ctx, fixable=False)  # SQL by where it goes
            return
        self._check(node, kind, query, ctx)

    def visit_Forwarded(self, node: ast.Call, callee: str, position: str, query: ast.expr, ctx) -> None:
        # `run("SELECT ... '" + name + "'")` where `def run(sql): cursor.execute(sql)`: the query
        # is built here and executed inside; judged here, fixed by hand (the helper takes no
        # parameters to move the values into)
        if _executes(callee, position):
            self._check(node, "method", query, ctx, fixable=False, through=f" and run by `{ctx.text(node.func)}()`")

    def _check(self, node: ast.Call, kind: str, query: ast.expr, ctx, fixable: bool = True, through: str = "") -> None:
        built, via = web.built_value(ctx, query, Sink.SQL, assembled=True)
        if not strings.is_built(built):
            return
        parts = strings.pieces(built)
        if parts is not None:
            literal = strings.literal_text(parts)
            dynamic = strings.inserted_text(built, parts)  # not `"... OFFSET %d" % (size - 1)`: digits come out
        else:
            literal = ctx.string_value(built) or ""
            dynamic = [built]
        if isinstance(query, ast.Name):
            # q = "SELECT ... WHERE 1=1"; q += " AND x = '%s'" % v: judge the whole query
            literal = " ".join(ctx.string_value(v) or "" for v in ctx.assigned_values(query)) + " " + literal
        elif built is not query:
            # buf.write("SELECT ..."); buf.write(" AND x = '%s'" % v); execute(buf.getvalue())
            literal = " ".join(ctx.string_value(v) or "" for v in web.written_pieces(ctx, query)) + " " + literal
        if kind == "method" and (not (_SQL_START.search(literal) or _SQL_INSIDE.search(literal)) or _COMMAND_LINE.match(literal)):
            return  # `.execute(...)` on something that is not a database: a remote shell's `execute("powershell.exe ...")`
        # a name the program chose, cut down to letters, digits and `_`, where SQL expects a name
        # (`re.sub(r"[^A-Za-z0-9_]", "", table_prefix)`): it adds no syntax (a client's still picks any table)
        named = sql_positions.named_values(parts) if parts is not None else set()
        worst, worst_value = web.worst_value(ctx, dynamic, Sink.SQL, lambda value, origin: sql_positions.unnamed(origin, id(value) in named))
        if worst is None:
            return
        # Every value sits inside quotes and holds no quote character (`if "'" in name or '"' in
        # name: abort()`): it cannot leave its literal. Low, not safe: a trailing backslash still
        # escapes the closing quote in MySQL's default mode.
        # So does a value with that quote doubled or taken out, here or before (`name.replace("'", "''")`),
        # and one quoted in place so (`'"{}"'.format(name.replace('"', '""'))`, often in a helper,
        # or `self.quoted = f'"{self.schema}"'` after `self.schema = name.translate(NO_QUOTES)`):
        # low for the same reason.
        # Each part of each value is judged apart: `**params` holding a quoted table name and a
        # placeholder list made with an unknown counter is only as bad as the counter.
        quoted = sql_positions.quoted_values(parts) if parts is not None else {}
        unguarded = web.worst_value(ctx, dynamic, Sink.SQL, lambda value, origin: sql_positions.unguarded(sql_positions.unnamed(origin, id(value) in named), quoted.get(id(value))))
        quote_guarded = unguarded[0] is None
        if not quote_guarded:
            worst, worst_value = unguarded
        identifiers = parts is not None and sql_positions.identifier_positions(parts)
        fix = None
        by_hand = ""
        if fixable and parts is not None and not identifiers:
            fix, by_hand = _parameterize(node, query, built, via, parts, ctx)
        shown = ctx.text(worst_value)
        source = worst.describe()
        where = f"(`{shown}`)" if shown and f"`{shown}`" not in source and len(shown) <= 60 else ""
        if identifiers:
            message = (
                f"SQL identifier (table or column name) taken from {source}{' ' + where if where else ''}: placeholders cannot "
                "stand for identifiers, so check the name against an allow-list of known names before using it."
            )
        else:
            message = f"SQL query built from {source}{' ' + where if where else ''}{through}: use a parameterized query (placeholders, values passed separately).{by_hand}"
        ctx.report(
            self,
            query,
            message,
            fix=fix,
            confidence=Confidence.LOW if quote_guarded or identifiers and _names_given_by_caller(worst, dynamic, parts, ctx) or _describes_schema(literal, worst) else worst.confidence(),
            related=ctx.related_path(worst),
            rewrites=via,
        )

    def _sink(self, node: ast.Call, ctx) -> tuple[str, ast.expr] | None:
        name = ctx.call_name(node)
        if name in _SQL_FUNCTIONS:
            index = _SQL_FUNCTIONS[name]
            arg = web.argument(node, index, ("sql", "query", "text"))
            return ("function", arg) if arg is not None else None
        func = node.func
        if not isinstance(func, ast.Attribute):
            return None
        if func.attr in _EXECUTE_METHODS or func.attr in sql_style.RAW_METHODS or (func.attr in _ASYNCPG_METHODS and ctx.imports("asyncpg")):
            arg = web.argument(node, 0, ("sql", "query", "operation", "statement", "raw_query", "where"))
            if arg is None:
                return None
            return ("method", arg)
        if func.attr in ("read_sql", "read_sql_query"):
            arg = web.argument(node, 0, ("sql",))
            return ("method", arg) if arg is not None else None
        return None


def _executes(callee: str, position: str) -> bool:
    """Whether argument `position` of a call of `callee` (FunctionSummary.forwards) is SQL text
    run by the database, as _sink decides for a call written out."""
    if callee in _SQL_FUNCTIONS:
        return position in (str(_SQL_FUNCTIONS[callee]), "sql", "query", "text")
    method = callee.rsplit(".", 1)[-1]
    if method in _EXECUTE_METHODS or method in sql_style.RAW_METHODS or method in ("read_sql", "read_sql_query"):
        return position in ("0", "sql", "query", "operation", "statement", "raw_query")
    return False


def _describes_schema(literal: str, worst) -> bool:
    """A schema statement or a catalog query, built from the function's own parameter (not from
    request data, nor from a constructor's parameter kept in the object's state)."""
    return worst.is_plain_parameter() and bool(_DDL_START.match(literal) or _CATALOG.search(literal))


def _names_given_by_caller(worst, dynamic: list[ast.expr], parts, ctx) -> bool:
    """A parameter of the function, or of the constructor kept in the object's state when every
    value sits where SQL expects a name (`BulkInsertTable(table_name)` whose subclasses name
    their tables): a generic database helper, whose caller names the table."""
    if worst.is_plain_parameter():
        return True
    names = sql_positions.identifier_values(parts)
    return worst.kind == ValueKind.PARAM and worst.label not in ("self", "cls") and all(id(v) in names for v in dynamic if not ctx.origin(v).is_constant)


_STYLE_TEXT = {"qmark": "`?`", "format": "`%s`", "dollar": "`$1`", "named": "`:name`"}
# Keywords that pass parameters already: adding more is for a human.
_PARAMETER_KEYWORDS = frozenset({"params", "parameters", "args", "vars"})
# Django's QuerySet.raw() passes `params=()` when given none, so Django and the driver
# %-process its SQL already: a `%%` written there is one `%`, and must not be doubled again.
_PERCENT_PROCESSED_METHODS = frozenset({"raw"})


def _parameterize(call, query, built, via, parts, ctx) -> tuple[Fix | None, str]:
    """The fix, or None and what to do by hand (empty when nothing useful can be said)."""
    if isinstance(call.func, ast.Attribute) and call.func.attr in ("executescript", "executemany", "extra", "mogrify"):
        return None, ""
    style, known = sql_style.placeholder_style(call, query, ctx)
    if style is None:
        return None, (
            " The placeholder style depends on the database driver, which the engine cannot tell here "
            "(`?` for sqlite3, `%s` for psycopg/PyMySQL/Django, `$1` for asyncpg)."
        )
    name = ctx.call_name(call) or ""
    is_text = name.startswith("sqlalchemy")
    if not is_text and (len(call.args) > 1 or any(k.arg in _PARAMETER_KEYWORDS for k in call.keywords)):
        return None, ""  # already passes parameters: mixing is for a human
    processed = style == "format" and isinstance(call.func, ast.Attribute) and call.func.attr in _PERCENT_PROCESSED_METHODS
    listed = sql_lists.list_values(parts, ctx)
    if listed:
        return _expand_list(call, query, built, parts, style, known, processed, ctx, listed)
    if sql_params.has_comments(ctx.text(built)):
        return None, " The query has comments between its parts: move the values into parameters by hand."
    statement = _DDL_START.match(strings.literal_text(parts))
    if statement:
        return None, (
            f" `{statement.group(2).upper()}` statements take no bound parameters (sqlite3 and PostgreSQL refuse them): "
            "check or quote the value by hand."
        )
    sql, slots = sql_params.template(parts, style, processed)
    if sql is None:
        return None, ""
    bound = [sql_params.bind(slot, ctx, processed) for slot in slots]
    refused = next((b.change for b in bound if b.text is None), None)
    if refused is not None:
        return None, refused
    params = [(slot.key, b.text) for slot, b in zip(slots, bound)]
    quote = strings.quote_of(ctx.text(built)) if not isinstance(built, ast.BinOp) else '"'
    new_query = sql_params.new_literal(sql, quote, ctx.text(built))
    if "\n" in ctx.text(built) and not new_query.startswith(('"""', "'''")):
        # implicit concatenation over several lines: rewrite line by line, keeping the layout
        new_query = sql_params.literal_lines(ctx.text(built), style, processed, [key for key, _ in params])
        if new_query is None:
            return None, " The query spans several lines: move the values into parameters by hand."
    edits = []
    if built is not query and via is None:
        return None, " The query is assembled piece by piece: collect the values in a list and pass it with the final query."
    if via is not None:
        # the query was assembled in an earlier statement: rewrite it there,
        # pass the values at the call (only if none of them changed since,
        # and only if this call is the query's one use)
        if not _unchanged_between(params, via, call, ctx):
            return None, ""
        others = _other_uses(query, via, ctx)
        if others:
            return None, (
                f" `{ctx.text(query)}` is also used elsewhere (`{others[0]}`): put placeholders in the query and pass "
                "the values at every use."
            )
        edits.append(ctx.replace(built, new_query))
        query_node = query
    else:
        edits.append(ctx.replace(built, new_query))
        query_node = built
    if is_text:
        binds = ", ".join(f"{key}={text}" for key, text in params)
        edits.append(ctx.insert_after(call, f".bindparams({binds})"))
    elif style == "dollar":
        edits.append(ctx.insert_after(query_node, "".join(f", {text}" for _, text in params)))
    elif isinstance(call.func, ast.Attribute) and call.func.attr in ("read_sql", "read_sql_query") or name.startswith("pandas"):
        edits.append(ctx.set_keyword(call, "params", sql_params.tuple_text([t for _, t in params])))
    else:
        if call.keywords and any(k.value is query for k in call.keywords):
            return None, ""
        edits.append(ctx.insert_after(query_node, ", " + sql_params.tuple_text([t for _, t in params])))
    return _fix(edits, [], [b.change for b in bound], style, known, ctx), ""


def _fix(edits, notes: list[str], changes: list[str], style: str, known: bool, ctx) -> Fix:
    """The fix, titled with `notes` and with what it changes: safe only when nothing does
    (no value changes meaning, the driver is seen, and it converts the values it is given)."""
    reasons = [change for change in dict.fromkeys(changes) if change]
    if not known:
        imported = ", ".join(m for m, s in sql_style.DRIVERS if s == style and ctx.imports(m))
        reasons.append(f"{_STYLE_TEXT[style]} placeholders, guessed from the {imported} import: the engine cannot see which driver runs this query")
    if style == "dollar":
        reasons.append("$n placeholders: asyncpg checks each value's type against its column, so convert values that are not already of the column's type")
    said = notes + reasons
    return Fix("Use a parameterized query" + (f" ({'; '.join(said)})" if said else ""), tuple(edits), safe=not reasons)


def _expand_list(call, query, built, parts, style, known, processed, ctx, listed: str) -> tuple[Fix | None, str]:
    """The fix for a query whose value is a joined list: one placeholder per element
    (rules/_support/sql_lists.py), or None and what to do by hand."""
    by_hand = (
        f" `{listed}` fills an `IN (...)` list: bind one placeholder per element "
        "(e.g. `\", \".join(\"?\" * len(ids))`) and pass the elements, not one joined string."
    )
    found = sql_lists.expansion(parts, ctx)
    maker = sql_lists.placeholders(style, found.count) if found is not None else None
    source = ctx.text(built)
    if maker is None or built is not query or call.keywords or "\n" in source or sql_params.has_comments(source):
        return None, by_hand
    if isinstance(call.func, ast.Attribute) and call.func.attr in ("read_sql", "read_sql_query"):
        return None, by_hand
    used: set[str] = set()
    sql_before, before = sql_params.template(found.before, style, processed, used_names=used)
    sql_after, after = sql_params.template(found.after, style, processed, first=len(before), used_names=used)
    if sql_before is None or sql_after is None:
        return None, by_hand
    bound = [sql_params.bind(slot, ctx, processed) for slot in before + after]
    refused = next((b.change for b in bound if b.text is None), None)
    if refused is not None:
        return None, refused
    quote = strings.quote_of(source) if not isinstance(built, ast.BinOp) else '"'
    pieces = [strings.python_literal(sql_before, quote), maker] + ([strings.python_literal(sql_after, quote)] if sql_after else [])
    items = [b.text for b in bound[: len(before)]] + [f"*{found.items}"] + [b.text for b in bound[len(before) :]]
    edits = (ctx.replace(built, " + ".join(pieces)), ctx.insert_after(built, ", " + sql_params.tuple_text(items)))
    changes = [found.why_unsafe] + [b.change for b in bound]
    return _fix(edits, [f"one placeholder per element of `{found.collection}`"], changes, style, known, ctx), ""


def _other_uses(query: ast.expr, via: ast.stmt, ctx) -> list[str]:
    """The statements where the variable holding the query is read other than at this call."""
    if not isinstance(query, ast.Name):
        return [ctx.text(query)] if isinstance(query, ast.Attribute) else []
    lines = []
    for node in astutil.walk(web.function_body(ctx, query)):
        if isinstance(node, ast.Name) and node.id == query.id and isinstance(node.ctx, ast.Load) and node is not query:
            if node.lineno > via.lineno or node.lineno == via.lineno and node.col_offset > via.col_offset:
                stmt = ctx.statement(node)
                shown = ctx.text(stmt).strip().splitlines()[0] if stmt is not None else ctx.text(node)
                lines.append(shown if len(shown) <= 60 else shown[:57] + "...")
    return lines


def _unchanged_between(params, via: ast.stmt, call: ast.Call, ctx) -> bool:
    """True when no name used by the parameters is reassigned between `via` and `call`."""
    names = set()
    for _, text in params:
        names.update(re.findall(r"[A-Za-z_]\w*", text))
    func = ctx.enclosing_function(call)
    body = func if func is not None else ctx.tree
    for node in astutil.walk(body):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in names:
            if via.end_lineno < node.lineno <= call.lineno and node is not via:
                return False
    return ctx.enclosing_function(call) is ctx.enclosing_function(via)
