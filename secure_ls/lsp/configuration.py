"""Settings in the editor: `[tool.secure-ls]` of the nearest pyproject.toml, with the
editor's settings on top, key by key.

The editor's settings arrive three ways: `initializationOptions`, the answer to
`workspace/configuration` (pulled after `initialized` and on every
`workspace/didChangeConfiguration`), and the settings of a didChangeConfiguration
itself. A pyproject.toml that changes (a watched-file event, or a save in the editor)
is read again. An invalid setting is reported once (`window/showMessage`); analysis
goes on with the rest.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from secure_ls.config import ConfigError, Settings, find_pyproject, load_pyproject
from secure_ls.lsp.documents import uri_to_path

if TYPE_CHECKING:
    from secure_ls.lsp.session import SecureLanguageServer

log = logging.getLogger("secure_ls")

CONFIG_SECTION = "secure-ls"


class Configuration:
    def __init__(self, ls: SecureLanguageServer) -> None:
        self.ls = ls
        self.editor_settings: dict[str, Any] = {}
        # Whether the editor says the user trusts this workspace (initializationOptions
        # `workspaceTrusted`). Not trusted unless it says so: then the project's own
        # pyproject.toml may not choose base-url, ca-bundle or cache-dir (config.py).
        self.workspace_trusted = False
        self.hover_repeats_message = True  # see read_initialization_options: hoverShowsDiagnostics
        self.ready = True  # False from `initialize` until the client's settings have been pulled
        self._cache: dict[str, tuple[float, Settings]] = {}
        self._problems: set[str] = set()

    def settings_for(self, uri: str) -> Settings:
        path = uri_to_path(uri)
        pyproject = find_pyproject(path) if path and os.path.isabs(path) else None
        key = str(pyproject) if pyproject else ""
        mtime = _mtime(pyproject)
        cached = self._cache.get(key)
        if cached is None or cached[0] != mtime:
            base = Settings()
            if pyproject is not None:
                try:
                    base = base.merged(load_pyproject(pyproject), f"{pyproject} [tool.secure-ls]", trusted=self.workspace_trusted)
                    base.root = str(pyproject.parent)
                except ConfigError as exc:
                    self.problem(str(exc))
                for notice in base.notices:
                    self.problem(notice, types.MessageType.Warning)
            try:
                settings = base.merged(self.editor_settings, "secure-ls settings")
                settings.root = base.root
            except ConfigError as exc:
                self.problem(str(exc))
                settings = base
            cached = (mtime, settings)
            self._cache[key] = cached
        return cached[1]

    def problem(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Tells the user once per distinct problem; analysis goes on with the rest."""
        log.warning("configuration: %s", message)
        if message not in self._problems:
            self._problems.add(message)
            self.ls.window_show_message(types.ShowMessageParams(type=kind, message=f"secure-ls: {message}"))

    def set_editor_settings(self, raw: Any) -> None:
        if isinstance(raw, dict) and isinstance(raw.get(CONFIG_SECTION), dict):
            raw = raw[CONFIG_SECTION]
        raw = raw if isinstance(raw, dict) else {}
        if raw == self.editor_settings:
            return  # e.g. the configuration pulled after `initialized`: nothing to redo
        self.editor_settings = raw
        self._cache.clear()
        # the reported problems are kept: a broken pyproject.toml is reported once, not
        # again on every configuration change (they are cleared when pyproject.toml changes)
        self.ls.reanalyze_all()

    def pyproject_changed(self) -> None:
        """A pyproject.toml changed on disk: read the settings again, and report anew."""
        self._cache.clear()
        self._problems.clear()
        self.ls.reanalyze_all()

    def read_initialization_options(self, options: Any) -> None:
        """`initialize`: trust, hover style and the first editor settings."""
        if not isinstance(options, dict):
            return
        # only `true` trusts: a missing or odd value keeps the safe default
        self.workspace_trusted = options.get("workspaceTrusted") is True
        # a client that already shows the diagnostic's message in the same hover (VS Code)
        self.hover_repeats_message = options.get("hoverShowsDiagnostics") is not True
        if isinstance(options.get(CONFIG_SECTION), dict):
            options = options[CONFIG_SECTION]
            self.workspace_trusted = self.workspace_trusted or options.get("workspaceTrusted") is True
        self.editor_settings = {k: v for k, v in options.items() if k not in ("settings", "workspaceTrusted", "hoverShowsDiagnostics")}
        if isinstance(options.get("settings"), dict):
            self.editor_settings.update(options["settings"])

    async def pull(self) -> None:
        """Asks the client for our section (`workspace/configuration`), if it answers that."""
        if not self.ls.capability("workspace", "configuration"):
            return
        try:
            result = await self.ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=CONFIG_SECTION)])
            )
        except Exception as exc:
            log.info("workspace/configuration failed: %s", exc)
            return
        # The client's answer is the whole truth: a setting the user removed must
        # stop applying (only null means "this client has nothing to say").
        if result and isinstance(result[0], dict):
            self.set_editor_settings(result[0])

    async def watch_pyproject(self) -> None:
        """Asks the client to report changes of pyproject.toml files, if it can."""
        if not self.ls.capability("workspace", "did_change_watched_files", "dynamic_registration"):
            return
        try:
            await self.ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="secure-ls-pyproject",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[types.FileSystemWatcher(glob_pattern="**/pyproject.toml")]
                            ),
                        )
                    ]
                )
            )
        except Exception as exc:
            log.info("could not watch pyproject.toml: %s", exc)


async def did_change_configuration(ls: SecureLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get(CONFIG_SECTION), dict):
        ls.configuration.set_editor_settings(settings[CONFIG_SECTION])
    await ls.configuration.pull()
    ls.workspace_diagnostics.changed(settings=True)


def did_change_watched_files(ls: SecureLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    ls.configuration.pyproject_changed()
    ls.workspace_diagnostics.changed(settings=True)


def _mtime(path: Path | None) -> float:
    try:
        return path.stat().st_mtime if path else 0.0
    except OSError:
        return -1.0
