"""Recall on labelled public suites of insecure Python that nobody here wrote.

Each suite is a public repository of insecure examples, pinned below:

- `securityeval`: SecurityEval (s2e-lab/SecurityEval), 121 prompts with an insecure
  reference solution each, one folder per CWE.
- `sallm`: SALLM (s2e-lab/SALLM), 100 records of `PythonDataset/dataset.jsonl`, each with
  the insecure solution its tests flag; a file per record, named by its id.

`<suite>.tsv` says, file by file, which secure-ls rules should report it, or `-` with the
reason when the weakness is outside what secure-ls claims to find (privilege handling,
race conditions, ...) or the snippet is not vulnerable as written. The script runs
`secure-ls check` over the suite's files and prints recall over the in-scope files, the
misses, and which rules reported what elsewhere.

    .venv/bin/python bench/labelled/recall.py [--suite securityeval|sallm|all] [--mirror-root /work/.mirror]

A mirror is a bare git copy of the repository (the team's fetch tool leaves one at
`<mirror-root>/<owner>+<name>/repo`; `git clone --bare https://github.com/<owner>/<name>`
does too). Its code is extracted to a temporary folder at the pinned commit and never
committed here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def _git(mirror: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(mirror), *args], check=True, capture_output=True).stdout


def _folder(folder: str) -> Callable[[Path, str, Path], Path]:
    """A suite whose examples are the files of one folder of the repository."""

    def extract(mirror: Path, commit: str, into: Path) -> Path:
        with tempfile.TemporaryFile() as handle:
            handle.write(_git(mirror, "archive", commit, folder))
            handle.seek(0)
            with tarfile.open(fileobj=handle) as tar:
                tar.extractall(into, filter="data")
        return into / folder

    return extract


def _jsonl(path: str, name_key: str, code_key: str) -> Callable[[Path, str, Path], Path]:
    """A suite whose examples are records of one JSON-lines file: a file per record."""

    def extract(mirror: Path, commit: str, into: Path) -> Path:
        for line in _git(mirror, "show", f"{commit}:{path}").decode().splitlines():
            if line.strip():
                record = json.loads(line)
                (into / Path(record[name_key]).name).write_text(record[code_key])
        return into

    return extract


@dataclass(frozen=True)
class Suite:
    repository: str  # owner/name on GitHub
    commit: str
    extract: Callable[[Path, str, Path], Path]


SUITES = {
    "securityeval": Suite("s2e-lab/SecurityEval", "6f4fb70f782c6d47b02ea24341e8ef8c1eb04a6a", _folder("Testcases_Insecure_Code")),
    "sallm": Suite("s2e-lab/SALLM", "7f17a76b5a1cb54870df673b173795fa1014c9e9", _jsonl("PythonDataset/dataset.jsonl", "id", "insecure_code")),
}


def labels(suite: str) -> dict[str, tuple[set[str], str]]:
    out = {}
    for line in (HERE / f"{suite}.tsv").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        path, expected, reason = line.split("\t")
        out[path] = (set() if expected == "-" else set(expected.split("|")), reason)
    return out


def score(name: str, mirror_root: Path) -> tuple[int, int] | None:
    """Print the suite's recall; return (found, in scope), or None without a mirror."""
    suite = SUITES[name]
    mirror = mirror_root / suite.repository.replace("/", "+") / "repo"
    if not mirror.exists():
        print(f"{name}: no mirror at {mirror}: see this script's docstring", file=sys.stderr)
        return None
    expected = labels(name)
    with tempfile.TemporaryDirectory() as tmp:
        root = suite.extract(mirror, suite.commit, Path(tmp))
        files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        run = subprocess.run(
            [str(REPO / ".venv/bin/secure-ls"), "check", ".", "--format", "json", "--no-cache"],
            cwd=root, capture_output=True, text=True,
        )
        report = json.loads(run.stdout)
    found: dict[str, set[str]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["path"].removeprefix("./"), set()).add(finding["rule"])
    in_scope = {f: rules for f, (rules, _) in expected.items() if rules}
    hits = [f for f, rules in in_scope.items() if rules & found.get(f, set())]
    print(f"{name} ({suite.repository} {suite.commit[:7]}): {len(files)} files, {len(in_scope)} in scope, {len(expected) - len(in_scope)} out of scope")
    print(f"recall: {len(hits)}/{len(in_scope)} = {len(hits) / len(in_scope):.2f}")
    for f in in_scope:
        if f not in hits:
            print(f"  missed {f}: expected {'|'.join(sorted(in_scope[f]))} ({expected[f][1]}); found {', '.join(sorted(found.get(f, ()))) or 'nothing'}")
    outside = Counter(rule for f, (rules, _) in expected.items() if not rules for rule in found.get(f, ()))
    if outside:
        print("findings in out-of-scope files (other weaknesses of the same snippets): " + ", ".join(f"{r} x{n}" for r, n in sorted(outside.items())))
    for f in files:
        if f not in expected:
            print(f"  unlabelled: {f}")
    return len(hits), len(in_scope)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=[*SUITES, "all"], default="all")
    parser.add_argument("--mirror-root", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args()
    names = list(SUITES) if args.suite == "all" else [args.suite]
    results = [score(name, args.mirror_root) for name in names]
    return 2 if any(r is None for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
