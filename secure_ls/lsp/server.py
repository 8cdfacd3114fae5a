"""The language server: which LSP message goes to which feature, and the process's life.

Every handler is a line or two that hands the message to its feature module, each of
which takes the session (lsp/session.py) and the message's params:

    configuration.py     initializationOptions, workspace/configuration, didChangeConfiguration,
                         watched pyproject.toml files: the settings per document
    document_sync.py     didOpen/didChange/didSave/didClose, notebooks (notebooks.py)
    diagnostics.py       analysis, publishDiagnostics, textDocument/diagnostic,
                         workspace/diagnostic (workspace_diagnostics.py)
    code_actions.py      quick fixes, suppressions, fix-all, codeAction/resolve
    hover.py             the rule's explanation over a finding
    dependencies.py      dependency files: scans and advisory fetches in workers
    workspace_index.py   the workspace's function summaries, for taint across files

A feature that raises is logged and answered with nothing: one bad request must not
take the server down.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

from lsprotocol import types

from secure_ls import __version__, project
from secure_ls.config import Settings
from secure_ls.lsp import code_actions, configuration, diagnostics, document_sync, hover
from secure_ls.lsp.session import SecureLanguageServer

log = logging.getLogger("secure_ls")

server = SecureLanguageServer()
# A few lines that take the engine through parsing, summaries, the flow pass and
# a finding, so the first real document does not pay for first-use set-up.
_WARM_UP = "import os\n\ndef helper(name):\n    return name.strip()\n\ndef run(arg):\n    os.system('ls ' + helper(arg))\n"


# ---- lifecycle -------------------------------------------------------------------
@server.feature(types.INITIALIZE)
def on_initialize(ls: SecureLanguageServer, params: types.InitializeParams) -> None:
    ls.pull = ls.capability("text_document", "diagnostic") is not None
    ls.configuration.ready = not ls.capability("workspace", "configuration")
    ls.configuration.read_initialization_options(params.initialization_options)
    if params.process_id:
        _watch_parent(params.process_id)
    # Import the rules and what analysis loads lazily now, while the editor waits
    # for `initialize` anyway, rather than on the first didOpen (a few hundred ms).
    project.engine_for(Settings()).analyze(_WARM_UP)
    project.is_dependency_file("requirements.txt")


@server.feature(types.INITIALIZED)
async def on_initialized(ls: SecureLanguageServer, params: types.InitializedParams) -> None:
    log.info("secure-ls %s started (%s diagnostics, %s positions)", __version__, "pull" if ls.pull else "push", ls.encoding.kind)
    ls.workspace_index.start()  # summaries of the workspace's functions, built in the background
    await ls.configuration.watch_pyproject()
    await ls.configuration.pull()
    ls.configuration.ready = True
    if ls.dependencies.fetch_deferred:
        ls.dependencies.fetch_deferred = False
        ls.reanalyze_all()


@server.feature(types.EXIT)
def on_exit(ls: SecureLanguageServer, *args) -> None:
    """Exits at once, as the spec asks: 0 after `shutdown`, 1 without.

    pygls would first wait for its reader thread, which is blocked reading
    stdin until the editor closes it (half a second or more; Neovim 0.7
    kills servers that take 500 ms).
    """
    code = 0 if getattr(ls.protocol, "_shutdown", False) else 1
    log.info("exit (status %d)", code)
    logging.shutdown()
    try:
        sys.stdout.flush()
    finally:
        os._exit(code)


# ---- settings ----------------------------------------------------------------------
server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(configuration.did_change_configuration)
server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(configuration.did_change_watched_files)

# ---- document sync -------------------------------------------------------------------
server.feature(types.TEXT_DOCUMENT_DID_OPEN)(document_sync.did_open)
server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(document_sync.did_change)
server.feature(types.TEXT_DOCUMENT_DID_SAVE)(document_sync.did_save)
server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(document_sync.did_close)
server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)(document_sync.did_open_notebook)
server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)(document_sync.did_change_notebook)
server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)(document_sync.did_close_notebook)

# ---- diagnostics ---------------------------------------------------------------------
server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, diagnostics.OPTIONS)(diagnostics.document_diagnostic)
server.feature(types.WORKSPACE_DIAGNOSTIC)(diagnostics.workspace_diagnostic)


# ---- requests on findings ---------------------------------------------------------------
@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, code_actions.OPTIONS)
def on_code_action(ls: SecureLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    try:
        return code_actions.code_actions(ls, params)
    except Exception:
        log.exception("code action failed")
        return []


@server.feature(types.CODE_ACTION_RESOLVE)
def on_resolve(ls: SecureLanguageServer, action: types.CodeAction) -> types.CodeAction:
    try:
        return code_actions.resolve(ls, action)
    except Exception:
        log.exception("code action resolve failed")
        return action


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: SecureLanguageServer, params: types.HoverParams) -> types.Hover | None:
    try:
        return hover.hover(ls, params)
    except Exception:
        log.exception("hover failed")
        return None


# ---- the process -------------------------------------------------------------------------
def _watch_parent(pid: int) -> None:
    """Exits when the editor that started us is gone, even if stdin stays open."""

    def watch() -> None:
        while True:
            time.sleep(3)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                log.info("parent process %s is gone: exiting", pid)
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run(log_file: str | None = None) -> int:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    level = os.environ.get("SECURE_LS_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO), handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # pygls warns about every cancel of a request it already answered: noise, not news
    logging.getLogger("pygls").setLevel(logging.ERROR)
    server.start_io()
    return 0
