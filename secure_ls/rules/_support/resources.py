"""Following a resource (file, connection, socket) held in a local variable.

`track(assign, ctx)` looks at every use of the variable a resource is
assigned to in its function and says whether the object can escape the
function (returned, yielded, stored on an object, passed to an unknown
function, captured by a closure), whether a `with` statement manages it,
and where `.close()` is called. Objects derived from it that keep it alive
(`conn.cursor()`, `iter(f)`, `csv.reader(f)`, `g = f`) are followed too.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from secure_ls.engine import astutil

# qualified constructor -> kind ("db" objects are not closed by `with`)
CONSTRUCTORS = {
    "open": "file",
    "builtins.open": "file",
    "io.open": "file",
    "codecs.open": "file",
    "gzip.open": "file",
    "bz2.open": "file",
    "lzma.open": "file",
    "gzip.GzipFile": "file",
    "tempfile.NamedTemporaryFile": "file",
    "tempfile.TemporaryFile": "file",
    "tempfile.SpooledTemporaryFile": "file",
    "zipfile.ZipFile": "file",
    "tarfile.open": "file",
    "tarfile.TarFile": "file",
    "socket.socket": "socket",
    "socket.create_connection": "socket",
    "requests.Session": "session",
    "requests.session": "session",
    "requests.sessions.Session": "session",
    "httpx.Client": "session",
    "sqlite3.connect": "db",
    "psycopg2.connect": "db",
    "pymysql.connect": "db",
    "MySQLdb.connect": "db",
    "mysql.connector.connect": "db",
}
CLOSE_METHODS = frozenset({"close", "__exit__", "detach"})  # detach: ownership handed back
# Methods whose result keeps the resource in use.
DERIVED_METHODS = frozenset({"cursor", "makefile", "open", "extractfile", "__enter__", "__iter__", "execute", "executemany", "executescript", "iterdir", "buffer"})
# Attributes that are plain data (reading them does not hand the resource out).
DATA_ATTRIBUTES = frozenset(
    {"name", "closed", "mode", "encoding", "errors", "newlines", "filename", "family", "type", "proto", "headers", "cookies",
     "rowcount", "lastrowid", "total_changes", "in_transaction", "isolation_level", "row_factory", "text_factory", "description",
     "auth", "verify", "proxies", "params", "trust_env", "max_redirects", "cert", "comment", "debug", "members", "filelist", "NameToInfo"}
)
# Functions that use a resource passed to them without keeping it.
CONSUMERS = frozenset(
    {"json.load", "json.dump", "pickle.load", "pickle.dump", "marshal.load", "marshal.dump", "shutil.copyfileobj", "print",
     "yaml.safe_load", "yaml.load", "yaml.dump", "yaml.safe_dump", "yaml.full_load", "toml.load", "toml.dump", "tomllib.load",
     "len", "isinstance", "hasattr", "getattr", "id", "repr", "str", "next", "bool", "os.fstat", "os.fsync", "fcntl.flock", "fcntl.lockf",
     "fcntl.fcntl", "select.select", "plistlib.load", "plistlib.dump", "csv.Sniffer", "hashlib.file_digest", "logging.debug", "logging.info"}
)
# Functions that lock the open file: closing it releases the lock (a daemon's pidfile holds it for its life).
_LOCKS = frozenset({"fcntl.flock", "fcntl.lockf"})
# Functions whose result reads through the resource (derived objects).
ALIAS_CALLS = frozenset(
    {"iter", "enumerate", "zip", "csv.reader", "csv.writer", "csv.DictReader", "csv.DictWriter", "io.TextIOWrapper",
     "io.BufferedReader", "io.BufferedWriter", "itertools.islice", "itertools.chain", "map", "filter", "reversed", "contextlib.closing"}
)


_WRAPPER_NAME_ENDINGS = ("fp", "fileobj", "fobj", "buf", "buffer", "stream", "fh", "file_obj", "sock")
_FILE_OBJECT_MAKERS = frozenset({"open", "io.open", "io.BytesIO", "io.StringIO", "builtins.open"})


def wraps_existing_object(call: ast.Call, ctx) -> bool:
    """`GzipFile(fileobj=buf)`, `ZipFile(fp)`, `socket.socket(fileno=fd)`: the
    object wraps a file or descriptor someone else owns (and closes)."""
    if any(k.arg in ("fileobj", "fileno", "fp") for k in call.keywords):
        return True
    if call.args and isinstance(call.args[0], ast.Constant) and call.args[0].value == ":memory:":
        return True  # an in-memory SQLite database holds no operating-system handle
    if not call.args:
        return False
    name = ctx.call_name(call) or ""
    if name.startswith(("zipfile.", "tarfile.", "gzip.", "bz2.", "lzma.")):
        first = call.args[0]
        if isinstance(first, ast.Call) and ctx.call_name(first) in _FILE_OBJECT_MAKERS:
            return True
        if isinstance(first, ast.Name):
            if first.id.lower().endswith(_WRAPPER_NAME_ENDINGS):
                return True
            values = ctx.assigned_values(first)
            if values and all(isinstance(v, ast.Call) and ctx.call_name(v) in _FILE_OBJECT_MAKERS for v in values):
                return True
    return False


@dataclass
class Usage:
    escapes: bool = False
    with_managed: bool = False
    closes: list[ast.Call] = field(default_factory=list)  # `x.close()` calls (x or an identical alias)
    names: set[str] = field(default_factory=set)  # the variable and everything derived from it
    occurrences: list[ast.Name] = field(default_factory=list)


def track(assign: ast.Assign, name: str, func: ast.AST, ctx) -> Usage:
    usage = Usage(names={name})
    identical = {name}
    for node in astutil.walk(func):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            usage.escapes = True
            return usage
    # rebinding the variable elsewhere makes the paths too hard to follow
    for node in astutil.walk(func):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del)) and node is not assign.targets[0]:
            usage.escapes = True
            return usage
    pending = [name]
    seen = set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for node in _names_in(func, current, ctx):
            usage.occurrences.append(node)
            verdict, alias = _classify(node, ctx, func)
            if verdict == "escape":
                usage.escapes = True
                return usage
            if verdict == "with" and current in identical:
                usage.with_managed = True
            elif verdict == "close" and current in identical:
                usage.closes.append(alias)
            elif verdict in ("alias", "identical"):
                if alias not in usage.names:
                    usage.names.add(alias)
                    if verdict == "identical" and current in identical:
                        identical.add(alias)
                    pending.append(alias)
    return usage


def _names_in(func: ast.AST, name: str, ctx):
    """Loads of `name` in `func`; a load inside a nested scope is a capture (returned as-is, then judged an escape)."""
    for node in astutil.walk(func):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            yield node


def _classify(node: ast.expr, ctx, func: ast.AST):
    """What one use of the resource does: "data", "close", "with", "escape",
    or ("alias"/"identical", new variable name)."""
    for anc in ctx.ancestors(node):
        if anc is func:
            break
        if isinstance(anc, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return "escape", None  # captured by a nested scope
    current = node
    derived = False
    while True:
        parent = ctx.parent(current)
        if isinstance(parent, ast.Attribute) and parent.value is current:
            grand = ctx.parent(parent)
            if isinstance(grand, ast.Call) and grand.func is parent:
                if parent.attr in CLOSE_METHODS and not derived:
                    return "close", grand
                if parent.attr in DERIVED_METHODS:
                    current, derived = grand, True
                    continue
                return "data", None
            if parent.attr in CLOSE_METHODS:
                return "escape", None  # `atexit.register(f.close)`
            if parent.attr in DATA_ATTRIBUTES or isinstance(parent.ctx, ast.Store):
                return "data", None
            current, derived = parent, True
            continue
        if isinstance(parent, ast.keyword):
            parent = ctx.parent(parent)
            if not isinstance(parent, ast.Call):
                return "escape", None
        if isinstance(parent, ast.Call) and parent.func is not current:
            name = ctx.call_name(parent)
            if name in _LOCKS and not derived and not any("LOCK_UN" in ast.dump(a) for a in parent.args[1:]):
                return "escape", None  # `fcntl.flock(lock_fh, LOCK_EX)`: the open file is the lock, held while it is open
            if name in CONSUMERS:
                return "data", None
            if name == "contextlib.closing":
                holder = ctx.parent(parent)
                if isinstance(holder, ast.withitem) and holder.context_expr is parent and not derived:
                    return "with", None
                return "escape", None
            if name in ALIAS_CALLS:
                current, derived = parent, True
                continue
            return "escape", None
        if isinstance(parent, ast.withitem) and parent.context_expr is current:
            return ("data", None) if derived else ("with", None)
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and parent.value is current:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                return ("alias" if derived else "identical"), targets[0].id
            return "escape", None
        if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
            return "escape", None
        if isinstance(parent, ast.Await):
            current = parent
            continue
        if isinstance(parent, (ast.For, ast.AsyncFor)) and parent.iter is current:
            return "data", None
        if isinstance(parent, ast.comprehension) and parent.iter is current:
            return "data", None
        if isinstance(parent, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.While, ast.IfExp, ast.FormattedValue, ast.Expr, ast.Assert)):
            if isinstance(parent, ast.BoolOp) or isinstance(parent, ast.IfExp) and parent.test is not current:
                return "escape", None  # `x or y` / `a if c else x` hands the object on
            return "data", None
        if isinstance(parent, ast.Subscript) and parent.value is current:
            return "data", None
        return "escape", None


def block_of(stmt: ast.stmt, ctx) -> tuple[ast.AST, list[ast.stmt]] | None:
    """The statement holding `stmt` and the list of statements `stmt` sits in."""
    holder = ctx.parent(stmt)
    if holder is None:
        return None
    for field_name in ("body", "orelse", "finalbody"):
        block = getattr(holder, field_name, None)
        if isinstance(block, list) and any(s is stmt for s in block):
            return holder, block
    return None


def in_finally(node: ast.AST, ctx) -> bool:
    for anc in ctx.ancestors(node):
        if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
        if isinstance(anc, ast.Try) or type(anc).__name__ == "TryStar":
            if any(_contains(s, node) for s in anc.finalbody):
                return True
    return False


def in_handler(node: ast.AST, ctx) -> bool:
    return any(isinstance(anc, ast.ExceptHandler) for anc in ctx.ancestors(node))


def _contains(tree: ast.AST, node: ast.AST) -> bool:
    return any(n is node for n in astutil.walk(tree))
