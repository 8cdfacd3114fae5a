"""Whether the program sets a default timeout for every socket it opens.

`socket.setdefaulttimeout(30)` gives every socket created afterwards, in the whole process, a
timeout. The standard library's clients that take `timeout=socket._GLOBAL_DEFAULT_TIMEOUT`
use it when the call passes none: `urllib.request.urlopen(url)` then gives up after 30 seconds
instead of waiting forever. Long-running applications set it once, at start-up, often far from
their requests:

    socket.setdefaulttimeout(app.SOCKET_TIMEOUT)          # __main__.py, after reading the config
    urlopen(Request(URL))                                   # notifiers/freemobile.py

`requests` is not bounded by it: it hands urllib3 `timeout=None` explicitly, a socket that
blocks. Nor is a default set only for a while (a function that sets it and puts the previous
one back, `setdefaulttimeout(None)` or `setdefaulttimeout(prev)`), nor `setdefaulttimeout(None)`,
nor one set by a module that runs on its own (a script, `if __name__ == "__main__":`, or a Django
management command): that is another program, a tool beside the application, unless it is
a package's `__main__.py`, whose modules run in its process (`python -m medusa`).

`read` finds, among the workspace's modules that mention `setdefaulttimeout` (the workspace
store lists them by that text, `MARKER`), a call that sets a lasting default. SLS604
(rules/request_without_timeout.py) asks, through ModuleSymbols.default_socket_timeout, and
moves a `urlopen` without a timeout to the audit tier: whether the call runs after the default
was set is more than the analysis can tell.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable
from dataclasses import dataclass

from secure_ls.engine import astutil, constructions
from secure_ls.engine.analyzer import is_test_path
from secure_ls.engine.units import parsed_configurations

# What a cached result records for the list of modules that set it (workspace.module_path answers
# it like a module-name lookup): no module has this name.
CONFIGURATIONS = "<default socket timeout>"
# The text a module must hold to be one of them: the workspace store reads each module for it.
MARKER = "setdefaulttimeout"


@dataclass(frozen=True)
class DefaultSocketTimeout:
    where: str  # `__main__.py:555`: the file name and line of the call
    fingerprint: int = 0


def is_candidate(path: str) -> bool:
    """A Python module outside the tests (a test that sets the default sets it for itself)."""
    return path.endswith(".py") and not is_test_path(path)


def read(texts: Iterable[str], paths: Iterable[str] = ()) -> DefaultSocketTimeout | None:
    """The first lasting `socket.setdefaulttimeout(...)` of the modules in `texts` (`paths`, their
    files in the same order, name it in the answer); None when none sets one."""
    texts, paths = list(texts), list(paths)
    trees, fingerprint = parsed_configurations(texts, aligned=True)
    for tree, path in zip(trees, paths if len(paths) == len(texts) else [""] * len(texts)):
        if tree is None or constructions.runs_alone(tree) and os.path.basename(path) != "__main__.py":
            continue  # a program of its own sets it for itself
        line = lasting_default(tree)
        if line is not None:
            where = f"{os.path.basename(path) or 'a module'}:{line}"
            return DefaultSocketTimeout(where, hash((where, fingerprint)))
    return None


def lasting_default(tree: ast.Module) -> int | None:
    """The line of a call in `tree` that sets the default socket timeout for good: a value other
    than None, in a scope (the module, a function) that calls `setdefaulttimeout` only once."""
    local = _imported_locally(tree)
    for scope in (tree, *(n for n in astutil.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))):
        calls = [n for n in astutil.own_nodes(scope) if isinstance(n, ast.Call) and _sets_default(n, local)]
        if len(calls) == 1 and len(calls[0].args) == 1 and not (isinstance(calls[0].args[0], ast.Constant) and calls[0].args[0].value is None):
            return calls[0].lineno
    return None


def _imported_locally(tree: ast.Module) -> bool:
    """`from socket import setdefaulttimeout`: the bare name is the function."""
    return any(
        isinstance(n, ast.ImportFrom) and n.module == "socket" and any(a.name == MARKER and a.asname is None for a in n.names) for n in astutil.walk(tree)
    )


def _sets_default(call: ast.Call, local: bool) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr == MARKER and isinstance(func.value, ast.Name) and func.value.id == "socket"
    return local and isinstance(func, ast.Name) and func.id == MARKER
