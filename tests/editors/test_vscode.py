"""The secure-ls VS Code extension in a real VS Code (code-server) driven through headless Chromium.

Each test installs the freshly packaged .vsix into a scratch profile, starts code-server on a
workspace with insecure Python files, and runs tests/editors/vscode_e2e/e2e.mjs (playwright-core),
which acts as a user: squiggles, Problems panel, hover, quick fixes, Ctrl+S, settings changes,
the restart and fix-all commands, and the private install of the server.

Needs the tools from `scripts/install-vscode-test-deps` (run it once as root; later runs take
seconds). Nothing here is skipped: a missing tool fails the test and names the step to run.
Screenshots and logs go to test-artifacts/vscode/<scenario>/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(os.environ.get("SECURE_LS_TOOLS_DIR", ROOT / ".tools"))
NODE_BIN = TOOLS / "node24" / "node_modules" / ".bin"
CODE_SERVER = TOOLS / "code-server" / "node_modules" / ".bin" / "code-server"
PLAYWRIGHT = TOOLS / "playwright" / "node_modules" / "playwright-core"
CHROMIUM = Path(os.environ.get("SECURE_LS_CHROMIUM", "/usr/bin/chromium"))
EXTENSION_DIR = ROOT / "vscode-extension"
VSIX = EXTENSION_DIR / "secure-ls.vsix"
E2E_SCRIPT = Path(__file__).resolve().parent / "vscode_e2e" / "e2e.mjs"
ARTIFACTS = ROOT / "test-artifacts" / "vscode"
INSTALL_HINT = "run `scripts/install-vscode-test-deps` (as root) first"

APP_PY = textwrap.dedent(
    """\
    import sqlite3
    import hashlib

    def find_user(path, name):
        conn = sqlite3.connect(path)
        cur = conn.cursor()
        cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
        return cur.fetchone()

    class Account:
        def set_password(self, password):
            self.pw_hash = hashlib.md5(password.encode()).hexdigest()

        def check_password(self, password):
            return hashlib.md5(password.encode()).hexdigest() == self.pw_hash
    """
)

MORE_PY = textwrap.dedent(
    """\
    import sqlite3

    def delete_user(path, name):
        conn = sqlite3.connect(path)
        cur = conn.cursor()
        cur.execute(f"DELETE FROM users WHERE name = '{name}'")
        conn.commit()
    """
)


def _node_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{NODE_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("NODE_OPTIONS", None)
    return env


def _check_tools() -> None:
    missing = [
        str(p)
        for p in (CHROMIUM, NODE_BIN / "node", CODE_SERVER, PLAYWRIGHT / "package.json")
        if not p.exists()
    ]
    if missing:
        pytest.fail(f"VS Code e2e tools missing: {', '.join(missing)}; {INSTALL_HINT}", pytrace=False)


@pytest.fixture(scope="module")
def vsix() -> Path:
    """The extension packaged from the current sources (cached: seconds when unchanged)."""
    _check_tools()
    if not (EXTENSION_DIR / "node_modules").is_dir():
        pytest.fail(f"vscode-extension/node_modules is missing; {INSTALL_HINT}", pytrace=False)
    proc = subprocess.run(
        [str(EXTENSION_DIR / "scripts" / "package.sh")],
        env={**_node_env(), "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 or not VSIX.exists():
        pytest.fail(
            "packaging the extension failed (vscode-extension/scripts/package.sh):\n"
            + proc.stdout[-3000:]
            + proc.stderr[-3000:],
            pytrace=False,
        )
    return VSIX


def test_vscode_extension_unit_tests() -> None:
    """The extension's unit tests (vscode-extension/src/test/, plain node: the mapping from
    settings to initializationOptions). Needs only Node 24 and node_modules."""
    if not (NODE_BIN / "node").exists() or not (EXTENSION_DIR / "node_modules").is_dir():
        pytest.fail(f"Node 24 or vscode-extension/node_modules is missing; {INSTALL_HINT}", pytrace=False)
    proc = subprocess.run(
        ["npm", "run", "--silent", "test:unit"],
        cwd=EXTENSION_DIR,
        env=_node_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = proc.stdout + proc.stderr
    passed = re.search(r"^. pass (\d+)$", output, re.MULTILINE)
    assert proc.returncode == 0 and passed and int(passed.group(1)) > 0 and "fail 0" in output, output[-4000:]


def test_vscode_extension_lint() -> None:
    """ESLint with typescript-eslint's type-checked rules (vscode-extension/eslint.config.mjs):
    no floating promises, no unsafe `any`; a warning fails too."""
    if not (NODE_BIN / "node").exists() or not (EXTENSION_DIR / "node_modules" / ".bin" / "eslint").exists():
        pytest.fail(f"Node 24 or ESLint in vscode-extension/node_modules is missing; {INSTALL_HINT}", pytrace=False)
    proc = subprocess.run(["npm", "run", "--silent", "lint"], cwd=EXTENSION_DIR, env=_node_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VSCodeRun:
    """A scratch profile + workspace + code-server process for one scenario."""

    def __init__(
        self,
        scenario: str,
        scratch: Path,
        vsix: Path,
        interpreter: list[str],
        *,
        trusted: bool = True,
        workspace_settings: dict | None = None,
        files: dict[str, str] | None = None,
    ):
        self.scenario = scenario
        self.scratch = scratch
        self.artifacts = ARTIFACTS / scenario
        shutil.rmtree(self.artifacts, ignore_errors=True)
        self.artifacts.mkdir(parents=True)
        self.home = scratch / "home"
        self.user_data = scratch / "user-data"
        self.extensions = scratch / "extensions"
        self.workspace = scratch / "workspace"
        self.env = _node_env()
        self.env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local" / "share"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            XDG_STATE_HOME=str(self.home / ".local" / "state"),
            XDG_RUNTIME_DIR=str(scratch / "runtime"),
            TMPDIR=str(scratch / "tmp"),
        )
        for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR", "TMPDIR"):
            Path(self.env[key]).mkdir(parents=True, exist_ok=True)
        os.chmod(self.env["XDG_RUNTIME_DIR"], 0o700)

        settings_dir = self.user_data / "User"
        settings_dir.mkdir(parents=True)
        (settings_dir / "settings.json").write_text(
            json.dumps(
                {
                    # trusted=False: workspace trust on, the folder opens in Restricted Mode
                    "security.workspace.trust.enabled": not trusted,
                    "security.workspace.trust.startupPrompt": "never",
                    "security.workspace.trust.untrustedFiles": "open",
                    "workbench.startupEditor": "none",
                    "workbench.tips.enabled": False,
                    "workbench.welcomePage.walkthroughs.openOnInstall": False,
                    "workbench.editor.enablePreview": False,
                    "workbench.secondarySideBar.defaultVisibility": "hidden",
                    "window.restoreWindows": "none",
                    "telemetry.telemetryLevel": "off",
                    "extensions.autoUpdate": False,
                    "extensions.autoCheckUpdates": False,
                    "extensions.ignoreRecommendations": True,
                    "update.mode": "none",
                    "chat.disableAIFeatures": True,
                    "git.enabled": False,
                    "files.autoSave": "off",
                    "editor.hover.delay": 300,
                    "secure-ls.interpreter": interpreter,
                },
                indent=4,
            )
        )
        (self.workspace / ".vscode").mkdir(parents=True)
        (self.workspace / ".vscode" / "settings.json").write_text(json.dumps(workspace_settings or {}, indent=4) + "\n")
        (self.workspace / "app.py").write_text(APP_PY)
        (self.workspace / "more.py").write_text(MORE_PY)
        for name, text in (files or {}).items():
            (self.workspace / name).write_text(text)

        install = subprocess.run(
            [
                str(CODE_SERVER),
                "--user-data-dir",
                str(self.user_data),
                "--extensions-dir",
                str(self.extensions),
                "--install-extension",
                str(vsix),
            ],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if install.returncode != 0:
            pytest.fail(f"code-server --install-extension failed:\n{install.stdout}\n{install.stderr}", pytrace=False)
        self.port = _free_port()
        self.log_file = (self.artifacts / "code-server.log").open("w")
        self.proc = subprocess.Popen(
            [
                str(CODE_SERVER),
                "--bind-addr",
                f"127.0.0.1:{self.port}",
                "--auth",
                "none",
                "--user-data-dir",
                str(self.user_data),
                "--extensions-dir",
                str(self.extensions),
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-getting-started-override",
                *(["--disable-workspace-trust"] if trusted else []),
                str(self.workspace),
            ],
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.close()
        pytest.fail(f"code-server did not become healthy:\n{self.code_server_log()}", pytrace=False)

    def run_e2e(self, timeout_s: int, extra_env: dict[str, str] | None = None) -> dict:
        url = f"http://127.0.0.1:{self.port}/?folder={self.workspace}"
        env = dict(self.env)
        env.update(
            E2E_URL=url,
            E2E_WORKSPACE=str(self.workspace),
            E2E_ARTIFACTS=str(self.artifacts),
            E2E_SCENARIO=self.scenario,
            E2E_PLAYWRIGHT=str(PLAYWRIGHT),
            E2E_CHROMIUM=str(CHROMIUM),
            E2E_HOME=str(self.home),
            E2E_TIMEOUT_MS=str(timeout_s * 1000),
        )
        env.update(extra_env or {})
        try:
            proc = subprocess.run(
                [str(NODE_BIN / "node"), str(E2E_SCRIPT)],
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout_s + 60,
            )
            output = proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as exc:
            output = f"e2e script timed out after {timeout_s + 60}s\n{exc.stdout or ''}{exc.stderr or ''}"
        (self.artifacts / "e2e.log").write_text(output)
        result_file = self.artifacts / "result.json"
        result = json.loads(result_file.read_text()) if result_file.exists() else {"ok": False, "steps": []}
        result["output"] = output
        return result

    def code_server_log(self) -> str:
        if not self.log_file.closed:
            self.log_file.flush()
        return (self.artifacts / "code-server.log").read_text()[-3000:]

    def extension_log(self) -> str:
        """The secure-ls output channel (LogOutputChannel file written by the extension host)."""
        logs = sorted(self.user_data.glob("logs/**/*secure-ls*.log"), key=lambda p: p.stat().st_mtime)
        text = "\n".join(f"--- {p.relative_to(self.user_data)}\n{p.read_text()[-6000:]}" for p in logs[-2:])
        (self.artifacts / "secure-ls-output.log").write_text(text)
        return text

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.log_file.close()


def _report(run: VSCodeRun, result: dict) -> str:
    lines = [f"VS Code e2e scenario '{run.scenario}' failed."]
    for s in result.get("steps", []):
        lines.append(f"  [{'ok' if s['ok'] else 'FAILED'}] {s['name']}  screenshot: {s.get('screenshot')}")
    if result.get("error"):
        lines.append(f"error: {result['error']}")
    if result.get("problems") is not None:
        lines.append(f"Problems panel showed:\n{result['problems']}")
    if result.get("notifications"):
        lines.append(f"Notifications: {result['notifications']}")
    shots = sorted(run.artifacts.glob("*.png"))
    if shots:
        lines.append(f"last screenshot: {shots[-1]}")
    lines.append(f"e2e output (tail):\n{result.get('output', '')[-3000:]}")
    lines.append(f"secure-ls output channel (tail):\n{run.extension_log()[-4000:]}")
    lines.append(f"code-server log (tail):\n{run.code_server_log()[-1500:]}")
    return "\n".join(lines)


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A short scratch root: Chromium's singleton socket path must stay under ~100 characters."""
    path = Path(tempfile.mkdtemp(prefix="slsvsc-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _run_scenario(
    scenario: str,
    scratch: Path,
    vsix: Path,
    interpreter: list[str],
    timeout_s: int,
    extra_env: dict[str, str] | None = None,
    **options,
) -> tuple[VSCodeRun, dict]:
    run = VSCodeRun(scenario, scratch, vsix, interpreter, **options)
    try:
        result = run.run_e2e(timeout_s, extra_env)
        run.extension_log()
    finally:
        run.close()
    if not result.get("ok"):
        pytest.fail(_report(run, result), pytrace=False)
    return run, result


def _server_importable(python: str) -> bool:
    # Run outside the checkout: `-c` puts the working directory, with its secure_ls/, on sys.path.
    return subprocess.run([python, "-c", "import secure_ls"], capture_output=True, cwd="/").returncode == 0


def test_vscode_diagnostics_fixes_settings_restart(scratch: Path, vsix: Path) -> None:
    # The interpreter the extension is pointed at (secure-ls.interpreter): this venv's by default.
    python = os.environ.get("SECURE_LS_E2E_PYTHON", sys.executable)
    if not _server_importable(python):
        pytest.fail(f"{python} cannot import secure_ls; run `pip install -e .` in this venv", pytrace=False)
    run, result = _run_scenario("main", scratch, vsix, [python], timeout_s=360)

    app = (run.workspace / "app.py").read_text()
    assert 'f"SELECT' not in app, app
    assert "hashlib.md5" not in app and "bcrypt" in app, app
    more = (run.workspace / "more.py").read_text()
    assert 'f"DELETE' not in more, more
    assert "CWE" in (result.get("hover") or ""), result.get("hover")
    names = [s["name"] for s in result["steps"]]
    assert names == [
        "workbench",
        "diagnostics",
        "problems-panel",
        "hover",
        "ignore-setting",
        "ignore-removed",
        "restart-command",
        "sql-quick-fix",
        "hash-quick-fix",
        "fix-all-command",
    ], names


def test_vscode_private_install_from_bundled_wheel(scratch: Path, vsix: Path) -> None:
    bare = scratch / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", str(bare)], check=True, timeout=120)
    bare_python = str(bare / "bin" / "python")
    assert not _server_importable(bare_python), "the fresh venv must not have secure_ls"

    run, result = _run_scenario("private-install", scratch, vsix, [bare_python], timeout_s=480)
    # the offer went away unanswered; clicking the status bar item offered it again
    names = [s["name"] for s in result["steps"]]
    assert names == ["workbench", "install-offer", "install-offer-again-from-status-item", "private-server-diagnostics"], names

    storage = run.user_data / "User" / "globalStorage" / "secure-ls.secure-ls" / "server-venv"
    private_python = storage / "bin" / "python"
    assert private_python.exists(), f"no private venv at {storage}"
    assert _server_importable(str(private_python))


def test_vscode_untrusted_workspace_never_runs_workspace_interpreter(scratch: Path, vsix: Path) -> None:
    python = os.environ.get("SECURE_LS_E2E_PYTHON", sys.executable)
    if not _server_importable(python):
        pytest.fail(f"{python} cannot import secure_ls; run `pip install -e .` in this venv", pytrace=False)
    # A workspace that names its own "interpreter" and "server": running either leaves a marker.
    marker = scratch / "workspace-program-ran"
    evil = scratch / "evil-python"
    evil.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    evil.chmod(0o755)
    run, result = _run_scenario(
        "untrusted",
        scratch,
        vsix,
        [python],  # the user's own (global) setting
        timeout_s=240,
        trusted=False,
        workspace_settings={"secure-ls.interpreter": [str(evil)], "secure-ls.path": [str(evil), "serve"]},
    )
    assert not marker.exists(), "the extension ran a program named by an untrusted workspace's settings"
    assert "SLS101" in (result.get("problems") or "")


def _notebook(cells: list[tuple[str, str]]) -> str:
    """An .ipynb (nbformat 4) with these (kind, source) cells."""
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}, "language_info": {"name": "python"}},
            "cells": [
                {"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": source.splitlines(keepends=True)}
                | ({"execution_count": None, "outputs": []} if kind == "code" else {})
                for i, (kind, source) in enumerate(cells)
            ],
        },
        indent=1,
    )


TOKENS_IPYNB = _notebook(
    [
        ("markdown", "# Tokens\nHow we make them."),
        ("code", "import random\nimport string\nimport yaml"),
        ("code", "%matplotlib inline\ndef load(s):\n    return yaml.load(s)"),
        ("code", "def reset_token():\n    return ''.join(random.choice(string.ascii_letters) for _ in range(32))"),
    ]
)


def test_vscode_notebook_cells_get_diagnostics(scratch: Path, vsix: Path) -> None:
    """A notebook opened in code-server's notebook editor: its Python cells reach the server through
    LSP notebook document sync and their findings (yaml imported in one cell, loaded in another)
    show in the Problems panel and as squiggles in the cells; the quick fix edits its own cell."""
    python = os.environ.get("SECURE_LS_E2E_PYTHON", sys.executable)
    if not _server_importable(python):
        pytest.fail(f"{python} cannot import secure_ls; run `pip install -e .` in this venv", pytrace=False)
    run, result = _run_scenario("notebook", scratch, vsix, [python], timeout_s=240, files={"tokens.ipynb": TOKENS_IPYNB})
    assert [s["name"] for s in result["steps"]] == ["workbench", "notebook-diagnostics", "notebook-squiggles", "notebook-quick-fix"]
    notebook = json.loads((run.workspace / "tokens.ipynb").read_text())
    cells = ["".join(c["source"]) for c in notebook["cells"]]
    assert "return yaml.safe_load(s)" in cells[2] and cells[1] == "import random\nimport string\nimport yaml", cells
    problems = result.get("problems") or ""
    # each once: pushed for the cells, never also pulled or sent for the cells as separate files
    assert "tokens.ipynb" in problems and problems.count("SLS104") == 1 and problems.count("SLS304") == 1, problems


def test_vscode_missing_or_old_interpreter_is_explained(scratch: Path, vsix: Path) -> None:
    # A stand-in for an old Python: answers the extension's probe as Python 3.8 would.
    old_python = scratch / "python3.8"
    old_python.write_text(
        "#!/bin/sh\n"
        'echo \'SECURE_LS_PROBE {"executable": "/opt/old/bin/python3.8", "version": [3, 8, 18], "hasServer": false}\'\n'
    )
    old_python.chmod(0o755)
    _, result = _run_scenario(
        "bad-interpreter",
        scratch,
        vsix,
        [str(scratch / "no-such-python")],
        timeout_s=180,
        extra_env={"E2E_OLD_PYTHON": str(old_python)},
    )
    assert [s["name"] for s in result["steps"]] == ["workbench", "missing-interpreter", "too-old-interpreter"]
