"""Which placeholder style a query's driver takes (SLS101's fix): from the object that runs
the query, where that connection or cursor was made (`sqlite3.connect(...)`, `conn.cursor()`,
an annotation, a module-level connection), never from the imports alone unless the file
imports a single driver (then the fix says it guessed)."""

from __future__ import annotations

import ast

from secure_ls.rules._support import web

# Django's Manager.raw() and QuerySet.extra(): SQL in Django's own `%s` style.
RAW_METHODS = frozenset({"raw", "extra"})

# Where a connection or cursor comes from decides the placeholder style it accepts.
DRIVERS = (
    ("asyncpg", "dollar"),
    ("sqlite3", "qmark"),
    ("aiosqlite", "qmark"),
    ("pyodbc", "qmark"),
    ("psycopg2", "format"),
    ("psycopg", "format"),
    ("pymysql", "format"),
    ("MySQLdb", "format"),
    ("mysql.connector", "format"),
    ("aiomysql", "format"),
    ("aiopg", "format"),
    ("django", "format"),
    ("pymssql", "format"),
)
# Methods that hand on the driver of the object they are called on
# (`conn.cursor()`, `pool.acquire()`, `pool.getconn()`).
SAME_DRIVER_METHODS = frozenset({"cursor", "acquire", "getconn", "connection", "raw_connection", "__enter__", "__aenter__", "begin", "transaction"})


def _module_style(qualified: str | None) -> str | None:
    if not qualified:
        return None
    for module, style in DRIVERS:
        if qualified == module or qualified.startswith(module + "."):
            return style
    return None


def _origin_style(node: ast.expr | None, ctx, depth: int = 0) -> str | None:
    """The placeholder style of the driver behind the connection or cursor `node`, from
    where it was made (`sqlite3.connect(...)`, `connection.cursor()`, an annotation)."""
    if node is None or depth > 6:
        return None
    if isinstance(node, ast.Await):
        return _origin_style(node.value, ctx, depth + 1)
    if isinstance(node, ast.Call):
        style = _module_style(ctx.call_name(node))
        if style is None and isinstance(node.func, ast.Attribute) and node.func.attr in SAME_DRIVER_METHODS:
            style = _origin_style(node.func.value, ctx, depth + 1)
        return style
    if isinstance(node, ast.Subscript):  # django.db.connections["default"]
        return _module_style(ctx.qualified_name(node.value))
    if isinstance(node, (ast.Name, ast.Attribute)):
        style = _module_style(ctx.qualified_name(node))
        if style is not None:
            return style
        values = ctx.assigned_values(node)
        if values:
            styles = {_origin_style(v, ctx, depth + 1) for v in values}
            return styles.pop() if len(styles) == 1 else None
        if isinstance(node, ast.Name):
            made_by = ctx.module_made_by(node)  # DB = sqlite3.connect(...) at module level
            if made_by is not None:
                return _module_style(made_by)
            return _annotated_style(node, ctx)
    return None


def _annotated_style(name: ast.Name, ctx) -> str | None:
    """`def f(conn: sqlite3.Connection)`: the parameter's annotation names the driver."""
    func = ctx.enclosing_function(name)
    if func is None:
        return None
    args = func.args
    for arg in args.posonlyargs + args.args + args.kwonlyargs:
        if arg.arg == name.id and arg.annotation is not None:
            annotation = arg.annotation
            if isinstance(annotation, ast.BinOp):  # `Connection | None`
                annotation = annotation.left
            return _module_style(ctx.qualified_name(annotation))
    return None


def placeholder_style(call: ast.Call, query: ast.expr, ctx) -> tuple[str | None, bool]:
    """The placeholder style for the query `call` runs, and whether it is known from the
    object that runs it (True) or only guessed from the modules the file imports (False)."""
    func = call.func
    name = ctx.call_name(call) or ""
    if name.startswith("sqlalchemy"):
        return "named", True
    if isinstance(func, ast.Attribute) and func.attr in RAW_METHODS:
        return "format", True  # Django's Manager.raw / QuerySet.extra
    if isinstance(func, ast.Attribute) and func.attr in ("read_sql", "read_sql_query") or name.startswith("pandas"):
        con = web.argument(call, 1, ("con",))
        receiver = con
    else:
        receiver = func.value if isinstance(func, ast.Attribute) else None
    style = _origin_style(receiver, ctx)
    if style is not None:
        return style, True
    found = {style for module, style in DRIVERS if ctx.imports(module)}
    if len(found) != 1 or ctx.parent(query) is None:
        return None, False
    return found.pop(), False
