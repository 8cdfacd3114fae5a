"""Do fixes break working code? Apply them to real projects and run the projects' own tests.

    python bench/fix_behaviour.py PROJECT [PROJECT ...] [--unsafe] [--tests "python -m pytest -q"]

For each project folder (with a test suite that runs offline), a copy is made
in a temporary folder, its tests are run, `secure-ls check --fix` is applied
to the copy (every safe fix, as a user would), the tests are run again, and
the tests that passed before and fail or error after are reported: the target
is zero. With `--unsafe`, the same is done on a second copy with
`--fix --unsafe-fixes`, to document what the unsafe fixes change.

Test outcomes are read from pytest's JUnit XML report, so a project's suite
must run under pytest (`--tests` sets the command; `{junit}` in it is replaced
by the report's path, otherwise `--junitxml={junit}` is appended). The
project's own environment must be importable by the Python that runs the
command (run this script from the project's virtualenv, or pass `--tests`
with that environment's python). Exit code 1 if any safe fix broke a test.

Projects, commands and figures: bench/fix_behaviour.md.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree  # our own pytest's report, not untrusted input
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_IGNORED = shutil.ignore_patterns(".git", ".hg", ".venv", "venv", ".tox", ".nox", "__pycache__", "*.pyc", ".pytest_cache", "node_modules", "build", "dist")


@dataclass
class Run:
    passed: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)  # failures and errors
    skipped: int = 0
    seconds: float = 0.0
    note: str = ""


@dataclass
class Result:
    project: str
    mode: str  # "safe" or "unsafe"
    before: Run
    after: Run
    fixed: int
    fix_output: str

    @property
    def broken(self) -> list[str]:
        return sorted(self.before.passed & self.after.failed)

    @property
    def vanished(self) -> list[str]:
        """Tests that passed before and did not run after (a module that no longer imports)."""
        return sorted(self.before.passed - self.after.passed - self.after.failed)


def run_tests(folder: Path, command: str, timeout: int) -> Run:
    junit = folder / ".fix-behaviour-junit.xml"
    junit.unlink(missing_ok=True)
    text = command.replace("{junit}", str(junit)) if "{junit}" in command else f"{command} --junitxml={junit}"
    started = time.monotonic()
    try:
        proc = subprocess.run(shlex.split(text), cwd=folder, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(note=f"timed out after {timeout} s", seconds=timeout)
    run = Run(seconds=time.monotonic() - started)
    if not junit.exists():
        run.note = f"no report (exit {proc.returncode}): {(proc.stdout + proc.stderr)[-400:]}"
        return run
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("skipped") is not None:
            run.skipped += 1
        elif case.find("failure") is not None or case.find("error") is not None:
            run.failed.add(name)
        else:
            run.passed.add(name)
    return run


def apply_fixes(folder: Path, unsafe: bool) -> tuple[int, str]:
    args = [sys.executable, "-m", "secure_ls", "check", "--no-dependencies", "--fix"] + (["--unsafe-fixes"] if unsafe else []) + ["."]
    proc = subprocess.run(args, cwd=folder, capture_output=True, text=True, env=_env())
    fixed = 0
    for line in proc.stdout.splitlines():
        if line.startswith("Fixed "):
            fixed = int(line.split()[1])
    return fixed, proc.stdout[-2000:] + proc.stderr[-2000:]


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def measure(project: Path, mode: str, command: str, timeout: int) -> Result:
    with tempfile.TemporaryDirectory(prefix="fix-behaviour-") as tmp:
        copy = Path(tmp) / project.name
        shutil.copytree(project, copy, ignore=_IGNORED, symlinks=True)
        before = run_tests(copy, command, timeout)
        fixed, output = apply_fixes(copy, unsafe=mode == "unsafe")
        after = run_tests(copy, command, timeout)
    return Result(project.name, mode, before, after, fixed, output)


def report(result: Result) -> str:
    b, a = result.before, result.after
    lines = [
        f"{result.project} [{result.mode} fixes]: {result.fixed} fixes applied; "
        f"before {len(b.passed)} passed, {len(b.failed)} failed ({b.seconds:.0f} s); "
        f"after {len(a.passed)} passed, {len(a.failed)} failed; new failures: {len(result.broken)}, "
        f"no longer run: {len(result.vanished)}"
    ]
    for note in (b.note and f"  before: {b.note}", a.note and f"  after: {a.note}"):
        if note:
            lines.append(note)
    lines += [f"  broken: {name}" for name in result.broken[:30]]
    lines += [f"  not run: {name}" for name in result.vanished[:10]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("projects", nargs="+", type=Path)
    parser.add_argument("--tests", default=f"{shlex.quote(sys.executable)} -m pytest -q -p no:cacheprovider", help="the test command, run in the project's copy")
    parser.add_argument("--unsafe", action="store_true", help="also apply unsafe fixes, on a second copy")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per test run")
    args = parser.parse_args()
    results = []
    for project in args.projects:
        for mode in ("safe", "unsafe") if args.unsafe else ("safe",):
            result = measure(project.resolve(), mode, args.tests, args.timeout)
            results.append(result)
            print(report(result), flush=True)
    safe = [r for r in results if r.mode == "safe"]
    print(
        f"\n==== fix behaviour ====\nprojects: {len(safe)}; safe fixes applied: {sum(r.fixed for r in safe)}; "
        f"tests broken by safe fixes: {sum(len(r.broken) + len(r.vanished) for r in safe)}"
    )
    if args.unsafe:
        unsafe = [r for r in results if r.mode == "unsafe"]
        print(f"with unsafe fixes: {sum(r.fixed for r in unsafe)} applied, {sum(len(r.broken) + len(r.vanished) for r in unsafe)} tests broken")
    return 1 if any(r.broken or r.vanished for r in safe) else 0


if __name__ == "__main__":
    sys.exit(main())
