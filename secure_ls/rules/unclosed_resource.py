"""SLS601 unclosed-resource."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Edit, Fix, Position, Severity, Span
from secure_ls.rules._support import resources
from secure_ls.rules.base import Example, Rule, code

_WHAT = {"file": "file", "socket": "socket", "session": "HTTP session", "db": "database connection"}


class UnclosedResource(Rule):
    """
    ## What it does
    Finds files, sockets, HTTP sessions, archives, temporary files and
    database connections (`open`, `gzip.open`, `tempfile.NamedTemporaryFile`,
    `zipfile.ZipFile`, `tarfile.open`, `socket.socket`,
    `socket.create_connection`, `requests.Session`, `httpx.Client`,
    `sqlite3.connect`, `psycopg2.connect`, ...) assigned to a local variable
    in a function and not closed on every path: never closed, or closed with
    a plain `.close()` call that an exception or an early `return` skips.

    Only objects that never leave the function are reported: one that is
    returned, yielded, stored on an object or in a container, passed to a
    function that may keep it, or captured by a nested function is someone
    else's to close. Neither are wrappers around an object someone else
    owns (`GzipFile(fileobj=buf)`, `ZipFile(open(p, "rb"))`,
    `socket.socket(fileno=fd)`), nor objects released with `.detach()`, nor
    a file locked with `fcntl.flock` or `fcntl.lockf` (a pidfile: closing it
    releases the lock, which the process holds for as long as it runs).
    Test code is reported with low confidence, and only when the object is
    never closed or an early `return` skips the close. A `with` statement (also `contextlib.closing`) or a
    `.close()` in a `finally` block counts as closing it. Objects derived
    from it (`conn.cursor()`, `iter(f)`, `csv.reader(f)`) are followed the
    same way.

    ## Why is this bad?
    Each open object holds an operating-system handle until the garbage
    collector gets to it (never, on some interpreters and in reference
    cycles): a long-running server that leaks one per request runs out of
    file descriptors or database connections and stops serving (CWE-772).
    Data written to an unclosed file may also never be flushed.

    ## How to fix it
    Use a `with` statement. When the assignment and all uses of the variable
    are consecutive statements of one block, the quick fix rewrites
    `f = open(p)` and the statements using `f` into `with open(p) as f:`
    with those statements indented, removing a final `f.close()`. Database
    connections are wrapped in `contextlib.closing(...)`, since their own
    `with` only commits or rolls back. The fix is safe when it replaces a
    final `.close()` (it only adds closing on the error paths); otherwise it
    closes the object right after its last use instead of at garbage
    collection, and is marked unsafe.
    """

    id = "SLS601"
    name = "unclosed-resource"
    title = "File, socket or connection not closed on every path"
    cwe = 772
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    topic = "resources"
    bandit = ()
    fixable = True

    VALID = [
        code("""
            def read(path):
                with open(path) as f:
                    return f.read()
        """),
        code("""
            def open_log(path):
                f = open(path, 'a')
                return f
        """),
        # the open file is the lock: the daemon holds it for as long as it runs
        code("""
            import fcntl

            def daemonize(pid_file):
                lock_fh = open(pid_file, "w")
                fcntl.flock(lock_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                lock_fh.write("1")
                lock_fh.flush()
        """),
        code("""
            class Store:
                def __init__(self, path):
                    self.f = open(path)
        """),
        code("""
            def read(path):
                f = open(path)
                try:
                    return f.read()
                finally:
                    f.close()
        """),
        code("""
            import sqlite3
            def rows(db):
                conn = sqlite3.connect(db)
                cur = conn.cursor()
                return cur
        """),
        code("""
            import csv
            def reader(path):
                f = open(path, newline='')
                return csv.reader(f)
        """),
        code("""
            import atexit
            def log(path):
                f = open(path, 'a')
                atexit.register(f.close)
        """),
        code("""
            def lines(path):
                f = open(path)
                yield from f
        """),
        code("""
            import contextlib
            def read(path):
                f = open(path)
                with contextlib.closing(f):
                    return f.read()
        """),
        code("""
            import gzip, io
            def unzip(data):
                g = gzip.GzipFile(fileobj=io.BytesIO(data))
                return g.read()
        """),
        code("""
            import socket
            def sniff(fd):
                s = socket.socket(fileno=fd)
                try:
                    return s.family
                finally:
                    s.detach()
        """),
        code("""
            import sqlite3
            def check():
                con = sqlite3.connect(':memory:')
                con.execute('select 1')
        """),
    ]
    INVALID = [
        Example(
            code("""
                import json

                def load(path):
                    f = open(path)
                    data = json.load(f)
                    f.close()
                    return data
            """),
            fixed=code("""
                import json

                def load(path):
                    with open(path) as f:
                        data = json.load(f)
                    return data
            """),
            where="open(path)",
            says="The file `f` from `open()` is not closed if an exception is raised before",
        ),
        Example(
            code("""
                def save(path, text):
                    out = open(path, 'w')
                    out.write(text)
                    print('saved')
            """),
            fixed=code("""
                def save(path, text):
                    with open(path, 'w') as out:
                        out.write(text)
                    print('saved')
            """),
            where="open(path, 'w')",
            says="The file `out` from `open()` is never closed",
        ),
        Example(
            code("""
                import sqlite3

                def count(db):
                    conn = sqlite3.connect(db)
                    cur = conn.cursor()
                    cur.execute('SELECT count(*) FROM t')
                    n = cur.fetchone()[0]
                    conn.close()
                    return n
            """),
            fixed=code("""
                import sqlite3
                from contextlib import closing

                def count(db):
                    with closing(sqlite3.connect(db)) as conn:
                        cur = conn.cursor()
                        cur.execute('SELECT count(*) FROM t')
                        n = cur.fetchone()[0]
                    return n
            """),
            where="sqlite3.connect(db)",
            says="The database connection `conn` from `sqlite3.connect()` is not closed if an",
        ),
        Example(
            code("""
                def first_line(path):
                    f = open(path)
                    line = f.readline()
                    if not line:
                        return None
                    f.close()
                    return line
            """),
            fixed=code("""
                def first_line(path):
                    with open(path) as f:
                        line = f.readline()
                        if not line:
                            return None
                    return line
            """),
            where="open(path)",
            says="The file `f` from `open()` is not closed when the function returns early",
        ),
        Example(
            code("""
                def header(path):
                    f = open(path)
                    text = f.read()
                    print(f.name)
                    if not text:
                        f.close()
                    return text.split()
            """),
            fixed=None,
            where="open(path)",
            says="The file `f` from `open()` is not closed if an exception is raised before",
        ),
        Example(
            code("""
                import socket

                def ping(host):
                    s = socket.create_connection((host, 7), timeout=5)
                    s.sendall(b'ping')
                    return s.recv(4)
            """),
            fixed=code("""
                import socket

                def ping(host):
                    with socket.create_connection((host, 7), timeout=5) as s:
                        s.sendall(b'ping')
                        return s.recv(4)
            """),
            where="socket.create_connection((host, 7), timeout=5)",
            says="The socket `s` from `socket.create_connection()` is never closed",
        ),
    ]

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or not isinstance(node.value, ast.Call):
            return
        call = node.value
        kind = resources.CONSTRUCTORS.get(ctx.call_name(call) or "")
        if kind is None or resources.wraps_existing_object(call, ctx):
            return
        func = ctx.scope(node)
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        name = node.targets[0].id
        usage = resources.track(node, name, func, ctx)
        if usage.escapes or usage.with_managed:
            return
        if any(resources.in_finally(c, ctx) for c in usage.closes):
            return
        if usage.closes and any(resources.in_handler(c, ctx) for c in usage.closes) and not all(resources.in_handler(c, ctx) for c in usage.closes):
            return  # closed in the except handler and on the normal path
        what = _WHAT[kind]
        short = ctx.text(call.func)
        advice = f"use `with closing({short}(...)) as {name}:`" if kind == "db" else f"use `with {short}(...) as {name}:`"
        test = ctx.in_test_code(node)
        if not usage.closes:
            message = f"The {what} `{name}` from `{short}()` is never closed: {advice}."
            confidence = Confidence.LOW if test else Confidence.MEDIUM
        elif _early_exit(node, usage, ctx):
            message = f"The {what} `{name}` from `{short}()` is not closed when the function returns early: {advice}."
            confidence = Confidence.LOW if test else Confidence.MEDIUM
        elif test:
            return  # closed, if not on error paths: in a test that is good enough
        else:
            message = f"The {what} `{name}` from `{short}()` is not closed if an exception is raised before `{name}.close()`: {advice}."
            confidence = Confidence.LOW
        ctx.report(self, call, message, fix=_with_fix(node, call, name, usage, kind, ctx), confidence=confidence)


def _early_exit(assign: ast.Assign, usage: resources.Usage, ctx) -> bool:
    """A `return` run after the assignment (in a later statement of its block)
    but before the last close."""
    found = resources.block_of(assign, ctx)
    if found is None:
        return False
    _, block = found
    i = next(k for k, s in enumerate(block) if s is assign)
    last = max(c.lineno for c in usage.closes)
    closes = {id(c) for c in usage.closes}
    for stmt in block[i + 1 :]:
        for node in astutil.walk(stmt):
            if isinstance(node, ast.Return) and node.lineno < last and not _closed_before(node, closes, ctx):
                return True
    return False


def _closed_before(ret: ast.Return, closes: set[int], ctx) -> bool:
    """`f.close()` as an earlier statement of the block the `return` is in."""
    found = resources.block_of(ret, ctx)
    if found is None:
        return False
    _, block = found
    for stmt in block:
        if stmt is ret:
            return False
        if isinstance(stmt, ast.Expr) and id(stmt.value) in closes:
            return True
    return False


def _top(node: ast.AST, block: list[ast.stmt], ctx) -> int | None:
    chain = [node, *ctx.ancestors(node)]
    for item in chain:
        for index, stmt in enumerate(block):
            if stmt is item:
                return index
    return None


def _ends_line(node: ast.AST, ctx) -> bool:
    span = ctx.span(node)
    rest = ctx.lines[span.end.line][span.end.column :].strip()
    return rest == "" or rest.startswith("#")


def _starts_line(node: ast.AST, ctx) -> bool:
    span = ctx.span(node)
    return ctx.lines[span.start.line][: span.start.column].strip() == ""


def _with_fix(assign: ast.Assign, call: ast.Call, name: str, usage: resources.Usage, kind: str, ctx) -> Fix | None:
    found = resources.block_of(assign, ctx)
    if found is None:
        return None
    holder, block = found
    i = next(k for k, s in enumerate(block) if s is assign)
    last = i
    for occurrence in usage.occurrences:
        k = _top(occurrence, block, ctx)
        if k is None or k <= i:
            return None
        last = max(last, k)
    close_stmt = None
    if usage.closes:
        if len(usage.closes) != 1:
            return None
        stmt = block[last]
        if not (isinstance(stmt, ast.Expr) and stmt.value is usage.closes[0]):
            return None
        close_stmt = stmt
        body = block[i + 1 : last]
    else:
        body = block[i + 1 : last + 1]
    if not body:
        return None
    if not (_starts_line(assign, ctx) and _ends_line(assign, ctx) and _ends_line(body[-1], ctx)):
        return None
    if body[0].lineno <= assign.end_lineno:
        return None
    following = block[last + 1] if last + 1 < len(block) else None
    for after in (close_stmt, following):
        if after is not None and after.lineno <= body[-1].end_lineno:
            return None
    if close_stmt is not None and not (_starts_line(close_stmt, ctx) and _ends_line(close_stmt, ctx)):
        return None
    for stmt in body:
        for node in astutil.walk(stmt):
            if isinstance(node, (ast.Constant, ast.JoinedStr)) and node.end_lineno != node.lineno:
                if isinstance(node, ast.JoinedStr) or isinstance(node.value, (str, bytes)):
                    return None  # indenting would change a multi-line string
    indent = ctx.indentation(assign)
    outer = ctx.indentation(holder) if isinstance(holder, ast.stmt) else ""
    unit = indent[len(outer) :] if indent.startswith(outer) and len(indent) > len(outer) else "    "
    constructor = ctx.text(call)
    imports: tuple[str, ...] = ()
    if kind == "db":
        bound = ctx.module.imports.get("closing")
        if bound == "contextlib.closing" or (bound is None and "closing" not in ctx.module.defined):
            constructor, imports = f"closing({constructor})", ("from contextlib import closing",)
        else:
            constructor, imports = f"contextlib.closing({constructor})", ("import contextlib",)
    edits = [ctx.replace(assign, f"with {constructor} as {name}:")]
    for line in range(assign.end_lineno, body[-1].end_lineno):
        if ctx.lines[line].strip():
            edits.append(Edit(Span(Position(line, 0), Position(line, 0)), unit))
    if close_stmt is not None:
        start, end = close_stmt.lineno - 1, close_stmt.end_lineno
        if end < len(ctx.lines):
            edits.append(Edit(Span(Position(start, 0), Position(end, 0)), ""))
        else:
            previous = start - 1
            edits.append(Edit(Span(Position(previous, len(ctx.lines[previous])), Position(end - 1, len(ctx.lines[end - 1]))), ""))
    return Fix(f"Use `with` for `{name}`", tuple(edits), safe=close_stmt is not None, imports=imports)
