"""SLS603 hardcoded-temp-path."""

from __future__ import annotations

import ast
import re

from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules.base import Example, Rule, code

_TEMP = re.compile(r"^(/tmp|/var/tmp|/dev/shm|/usr/tmp)(/|$)")
# Folders of /tmp that the system makes at boot, owned by root and sticky, where X11 servers put
# their sockets by convention (`/tmp/.X11-unix/X0`): a client must use that very path.
_SYSTEM_SOCKET_DIRS = re.compile(r"^/tmp/\.(?:X11|ICE|font|XIM|Test)-unix(/|$)")
# Functions that open, create or write the path they are given: (positional indexes, keywords).
# Not those that only remove it (`os.remove`, `os.unlink`, `shutil.rmtree`): a link planted there
# is removed itself, never its target, and rmtree does not follow links; the hazard is where the
# path is created or opened, which is reported there.
_FILE_OPERATIONS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "open": ((0,), ("file",)),
    "io.open": ((0,), ("file",)),
    "codecs.open": ((0,), ("filename",)),
    "os.open": ((0,), ("path",)),
    "os.mkdir": ((0,), ("path",)),
    "os.makedirs": ((0,), ("name",)),
    "os.mkfifo": ((0,), ("path",)),
    "os.rename": ((0, 1), ("src", "dst")),
    "os.replace": ((0, 1), ("src", "dst")),
    "os.symlink": ((0, 1), ("src", "dst")),
    "os.link": ((0, 1), ("src", "dst")),
    "os.chmod": ((0,), ("path",)),
    "os.chown": ((0,), ("path",)),
    "os.truncate": ((0,), ("path",)),
    "os.path.join": ((0,), ()),
    "shutil.copy": ((1,), ("dst",)),
    "shutil.copy2": ((1,), ("dst",)),
    "shutil.copyfile": ((1,), ("dst",)),
    "shutil.copytree": ((1,), ("dst",)),
    "shutil.move": ((1,), ("dst",)),
    "pathlib.Path": ((0,), ()),
    "pathlib.PosixPath": ((0,), ()),
    "logging.FileHandler": ((0,), ("filename",)),
    "logging.handlers.RotatingFileHandler": ((0,), ("filename",)),
    "logging.handlers.TimedRotatingFileHandler": ((0,), ("filename",)),
    "logging.handlers.WatchedFileHandler": ((0,), ("filename",)),
    "logging.basicConfig": ((), ("filename",)),
    "sqlite3.connect": ((0,), ("database",)),
    "zipfile.ZipFile": ((0,), ("file",)),
    "tarfile.open": ((0,), ("name",)),
    "numpy.save": ((0,), ("file",)),
    "numpy.savetxt": ((0,), ("fname",)),
    "pickle.dump": ((1,), ("file",)),
}
# Methods (any receiver) that write to the path given first.
_WRITING_METHODS = frozenset({"to_csv", "to_json", "to_parquet", "to_excel", "to_pickle", "to_feather", "to_hdf", "savefig", "extractall", "write_text", "write_bytes", "save_pretrained", "mksocket"})


class HardcodedTempPath(Rule):
    """
    ## What it does
    Finds fixed paths in shared temporary directories (`/tmp`, `/var/tmp`,
    `/dev/shm`) passed to something that opens, creates or writes a
    file: `open`, `os.*` file functions, `shutil` copies and moves,
    `pathlib.Path`, `os.path.join`, logging file handlers, `sqlite3.connect`,
    archive writers, and writing methods such as `DataFrame.to_csv` or
    `savefig`. The literal may be the argument itself, an f-string starting
    with the directory, or a variable assigned it in the same function.
    A name with a part nobody can predict (`uuid.uuid4()`, `secrets.token_hex()`,
    `os.urandom()`) is not fixed; a process id, a time or `random` are guessable
    and still reported.
    Strings merely mentioning `/tmp` (help texts, comparisons) are not
    reported, unlike Bandit's B108; neither is `dir="/tmp"` given to
    `tempfile` functions, which create unique names safely, nor a path in
    the X11 socket folders the system makes at boot (`/tmp/.X11-unix/X0`,
    `/tmp/.ICE-unix`), owned by root, where an X server's clients must look, nor a path only
    removed (`os.remove`, `os.unlink`, `shutil.rmtree`): a link planted there is removed itself,
    not its target, so the hazard is where the path is created, reported there. Test code is
    reported with low confidence.

    ## Why is this bad?
    Every local user can write to these directories. A predictable name
    lets another user create the file (or a symlink to a file you may write,
    such as your `~/.bashrc`) before your program does, so the program reads
    attacker data or overwrites its own files; two instances of the program
    also clobber each other's files (CWE-377, CWE-379).

    ## How to fix it
    Let `tempfile` choose a unique name and create the file atomically:
    `tempfile.NamedTemporaryFile()`, `tempfile.mkstemp()` or
    `tempfile.TemporaryDirectory()`; for files that must persist, use a
    directory only the program's user can write to. No quick fix is offered:
    the right replacement depends on how long the file must live.
    """

    id = "SLS603"
    name = "hardcoded-temp-path"
    title = "Fixed file name in a shared temporary directory"
    cwe = 377
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "resources"
    bandit = ("B108",)
    fixable = False
    calls = frozenset(_FILE_OPERATIONS)
    methods = _WRITING_METHODS

    VALID = [
        # only removed: a link planted there is removed itself, never its target
        code("""
            import os
            import shutil

            def cleanup():
                if os.path.exists("/tmp/hostapd.conf"):
                    os.remove("/tmp/hostapd.conf")
                shutil.rmtree("/tmp/wifiphisher-cache", ignore_errors=True)
        """),
        # the X server's socket, where X11 clients must look (a folder the system owns)
        code("""
            import os

            def x11_socket(display):
                path = os.path.join("/tmp/.X11-unix/", "X{}".format(display))
                return path if os.path.exists(path) else f"/tmp/.X11-unix/X{display}"
        """),
        code("""
            import tempfile
            with tempfile.NamedTemporaryFile(dir="/tmp") as f:
                f.write(b"x")
        """),
        code("""
            import argparse
            p = argparse.ArgumentParser()
            p.add_argument("--workdir", default="/tmp", help="where to put files")
        """),
        # part of the name comes from os.urandom: nobody can create it first
        code("""
            import uuid

            def save_image(content):
                path = f"/tmp/img_{uuid.uuid4().hex[:8]}.png"
                with open(path, "wb") as f:
                    f.write(content)
                return path
        """),
        code("""
            def is_temp(path):
                return path.startswith("/tmp/")
        """),
        code("""
            import os
            with open(os.path.join("/var/lib/app", "state.json")) as f:
                pass
        """),
    ]
    INVALID = [
        # a process id or a time in the name is guessable: another user can still create it first
        Example(
            code("""
                import os

                def spool(data):
                    path = f"/tmp/spool_{os.getpid()}.bin"
                    with open(path, "wb") as f:
                        f.write(data)
            """),
            fixed=None,
            where="path",
            says="Predictable path `/tmp/spool_{}.bin`",
        ),
        Example(
            code("""
                def save(report):
                    with open("/tmp/report.txt", "w") as f:
                        f.write(report)
            """),
            fixed=None,
            where='"/tmp/report.txt"',
            says="Fixed path `/tmp/report.txt` in a directory every user can write to",
        ),
        Example(
            code("""
                import os

                def cache_path(key):
                    return os.path.join("/tmp", key + ".cache")
            """),
            fixed=None,
            where='"/tmp"',
            says="Fixed path `/tmp` in a directory every user can write to",
        ),
        Example(
            code("""
                import logging

                def setup(name):
                    path = f"/var/tmp/{name}.log"
                    logging.getLogger(name).addHandler(logging.FileHandler(path))
            """),
            fixed=None,
            where="path",
            says="Predictable path `/var/tmp/{}.log` in a directory every user can write to",
        ),
        Example(
            code("""
                import pandas as pd

                def export(df: pd.DataFrame):
                    df.to_csv("/tmp/export.csv")
            """),
            fixed=None,
            where='"/tmp/export.csv"',
            says="Fixed path `/tmp/export.csv` in a directory every user can write to",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        spec = _FILE_OPERATIONS.get(name or "")
        candidates: list[ast.expr] = []
        if spec is not None:
            indexes, keywords = spec
            for index in indexes:
                if index < len(node.args) and not any(isinstance(a, ast.Starred) for a in node.args[: index + 1]):
                    candidates.append(node.args[index])
            candidates.extend(k.value for k in node.keywords if k.arg in keywords)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _WRITING_METHODS and node.args:
            candidates.append(node.args[0])
        for arg in candidates:
            path = self._temp_literal(arg, ctx)
            if path is not None and not _holds_unguessable_part(arg, ctx):
                kind = "Fixed" if _is_one_literal(arg, ctx) else "Predictable"
                ctx.report(
                    self,
                    arg,
                    f"{kind} path `{path}` in a directory every user can write to: another user can create it (or a symlink) first. Use tempfile.mkstemp(), NamedTemporaryFile() or TemporaryDirectory().",
                    confidence=Confidence.LOW if ctx.in_test_code(node) else Confidence.MEDIUM,
                )

    def _temp_literal(self, node: ast.expr, ctx, depth: int = 0) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value if _TEMP.match(node.value) and not _SYSTEM_SOCKET_DIRS.match(node.value) else None
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            head = node.values[0].value
            return ctx.string_value(node) if isinstance(head, str) and _TEMP.match(head) and not _SYSTEM_SOCKET_DIRS.match(head) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            return self._temp_literal(node.left, ctx, depth + 1) if depth < 4 else None
        if isinstance(node, ast.Call) and ctx.call_name(node) in ("os.path.join", "pathlib.Path") and node.args:
            return None  # reported at the inner call
        if isinstance(node, ast.Name) and depth < 2:
            values = ctx.assigned_values(node)
            if len(values) == 1 and values[0] is not node:
                return self._temp_literal(values[0], ctx, depth + 1)
        return None


# Calls whose result nobody can predict (drawn from os.urandom): a name holding one cannot be
# created first by another user. Not uuid1 (time and MAC address), `random` or a process id.
_UNGUESSABLE = frozenset(
    {"uuid.uuid4", "os.urandom", "secrets.token_hex", "secrets.token_urlsafe", "secrets.token_bytes", "secrets.randbits", "secrets.choice"}
)


def _is_one_literal(node: ast.expr, ctx, depth: int = 0) -> bool:
    """`"/tmp/report.txt"`, directly or through a name assigned once: the message says "fixed";
    a name built with a process id, a parameter or `random` is "predictable" instead."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name) and depth < 2:
        values = ctx.assigned_values(node)
        return len(values) == 1 and values[0] is not node and _is_one_literal(values[0], ctx, depth + 1)
    return False


def _holds_unguessable_part(node: ast.expr, ctx, depth: int = 0) -> bool:
    """`f"/tmp/img_{uuid.uuid4().hex[:8]}.png"`: part of the name is random (also through a name
    assigned once), so the path is not fixed."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and ctx.call_name(sub) in _UNGUESSABLE:
            return True
        if isinstance(sub, ast.Name) and depth < 2:
            values = ctx.assigned_values(sub)
            if len(values) == 1 and values[0] is not sub and _holds_unguessable_part(values[0], ctx, depth + 1):
                return True
    return False
