"""The shipped `.pre-commit-hooks.yaml`, run by the real pre-commit on a scratch repository.

The scratch repository uses this one as its hook repository by path (`repo: <a git
copy of this working tree>`, `rev: <its HEAD>`), exactly as a user's repository uses the
published one. pre-commit builds its own environment and installs secure-ls into it from
that copy, so this also checks that the package installs from a source tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from tests.cli.cli_helpers import MD5, REPO, SHELL, write

GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _hook_repo(tmp: Path) -> tuple[Path, str]:
    """A git repository holding this working tree's files (committed or not), and its HEAD."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO, check=True, capture_output=True
    ).stdout.decode().split("\0")
    repo = tmp / "secure-ls-hook-repo"
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file() and not name.startswith(("tests/", "editors/", "vscode-extension/", "bench/")):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "hook repository", cwd=repo)
    return repo, _git("rev-parse", "HEAD", cwd=repo).strip()


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(GIT_ENV, HOME=str(home), PRE_COMMIT_HOME=str(home / "pre-commit-cache"), PRE_COMMIT_COLOR="never")
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_the_hook_definition():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = {h["id"]: h for h in hooks}["secure-ls"]
    assert hook["language"] == "python" and hook["entry"].startswith("secure-ls check")
    pattern = re.compile(hook["files"])
    for name in ("app.py", "pkg/stubs.pyi", "requirements.txt", "requirements/dev.in", "sub/pyproject.toml", "uv.lock", "poetry.lock"):
        assert pattern.search(name), name
    for name in ("README.md", "setup.cfg", "app.py.orig", "notes.txt"):
        assert not pattern.search(name), name


def test_pre_commit_runs_the_hook_and_fails_on_insecure_code(tmp_path):
    hook_repo, rev = _hook_repo(tmp_path)
    project = tmp_path / "project"
    config = {"repos": [{"repo": str(hook_repo), "rev": rev, "hooks": [{"id": "secure-ls", "args": ["--no-dependencies"]}]}]}
    write(project, {"clean.py": "def add(a, b):\n    return a + b\n", ".pre-commit-config.yaml": yaml.safe_dump(config)})
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)

    clean = _pre_commit("run", "--all-files", cwd=project, home=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"^secure-ls\.+Passed$", clean.stdout, re.MULTILINE), clean.stdout

    write(project, {"shell.py": SHELL, "digest.py": MD5})
    _git("add", "-A", cwd=project)
    dirty = _pre_commit("run", "--all-files", cwd=project, home=tmp_path)
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert re.search(r"^secure-ls\.+Failed$", dirty.stdout, re.MULTILINE), dirty.stdout
    assert "shell.py:5:21: SLS102 " in dirty.stdout
    assert "digest.py:5:12: SLS302 " in dirty.stdout

    # a commit runs it on the staged files only: the insecure ones stop it
    commit = subprocess.run(
        ["git", "commit", "-q", "-m", "insecure"], cwd=project, env={**os.environ, **GIT_ENV, "HOME": str(tmp_path)}, capture_output=True, text=True, check=False
    )
    assert commit.returncode == 0  # no hook installed yet: plain git commits
    install = _pre_commit("install", cwd=project, home=tmp_path)
    assert install.returncode == 0, install.stdout + install.stderr
    write(project, {"more.py": SHELL})
    _git("add", "more.py", cwd=project)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(GIT_ENV, HOME=str(tmp_path), PRE_COMMIT_HOME=str(tmp_path / "pre-commit-cache"), PRE_COMMIT_COLOR="never")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    blocked = subprocess.run(["git", "commit", "-m", "more"], cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert "more.py:5:21: SLS102 " in blocked.stdout + blocked.stderr
    assert "shell.py" not in blocked.stdout + blocked.stderr  # only the staged file is checked

