"""Running `secure-ls` as a real process, the way CI and users do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"

# One line per finding: path:line:column: RULE message (and a fix marker).
TEXT_LINE = r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>SLS\d{3}) (?P<message>\S.*)$"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)

    def findings(self) -> list[dict]:
        return self.json()["findings"]

    def rules_found(self) -> list[tuple[str, int]]:
        """(rule, line) of every finding, from JSON output."""
        return sorted((f["rule"], f["range"]["start"]["line"]) for f in self.findings())


def run(*args: str, cwd: Path | str | None = None, timeout: float = 300) -> Run:
    """`python -m secure_ls ARGS` in `cwd`, with no network access needed."""
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run(
        [sys.executable, "-m", "secure_ls", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def check(*args: str, cwd: Path | str | None = None) -> Run:
    return run("check", "--no-dependencies", *args, cwd=cwd)


def check_json(*args: str, cwd: Path | str | None = None) -> Run:
    return check("--format", "json", *args, cwd=cwd)


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """Creates `files` (relative path -> text, dedented, or bytes) under `root`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


# Small files with one known finding each.
YAML_LOAD = """
import yaml


def load(s):
    return yaml.load(s)
"""  # SLS104 on line 5, a safe fix

SHELL = """
import subprocess


def run(name):
    subprocess.call("ls " + name, shell=True)
"""  # SLS102 on line 5 (medium confidence: a parameter builds the command), no safe fix

MD5 = """
import hashlib


def digest(token):
    return hashlib.md5(token).hexdigest()
"""  # SLS302 on line 5 (medium confidence: it hashes a token); SHA-256 is an unsafe fix
