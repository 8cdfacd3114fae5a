"""Recall on SecurityEval's insecure examples, a labelled public suite nobody here wrote.

SecurityEval (s2e-lab/SecurityEval, pinned below) holds 121 prompts with an insecure
reference solution for each, one folder per CWE. `securityeval.tsv` says, file by file,
which secure-ls rules should report it, or `-` with the reason when the weakness is
outside what secure-ls claims to find (privilege handling, race conditions, ...) or the
snippet is not vulnerable as written. The script runs `secure-ls check` over the folder
and prints recall over the in-scope files, the misses, and which rules found what.

    .venv/bin/python bench/labelled/securityeval.py [--mirror /work/.mirror/s2e-lab+SecurityEval/repo]

The mirror is a bare git copy of the repository (the team's fetch tool leaves one
there; `git clone --bare https://github.com/s2e-lab/SecurityEval` does too). Its code is
extracted to a temporary folder at the pinned commit and never committed here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
COMMIT = "6f4fb70f782c6d47b02ea24341e8ef8c1eb04a6a"
FOLDER = "Testcases_Insecure_Code"


def labels() -> dict[str, tuple[set[str], str]]:
    out = {}
    for line in (HERE / "securityeval.tsv").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        path, expected, reason = line.split("\t")
        out[path] = (set() if expected == "-" else set(expected.split("|")), reason)
    return out


def extract(mirror: Path, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(mirror), "archive", COMMIT, FOLDER], check=True, capture_output=True).stdout
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(into, filter="data")
    return into / FOLDER


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror/s2e-lab+SecurityEval/repo"))
    args = parser.parse_args()
    if not args.mirror.exists():
        print(f"no mirror at {args.mirror}: see this script's docstring", file=sys.stderr)
        return 2
    expected = labels()
    with tempfile.TemporaryDirectory() as tmp:
        root = extract(args.mirror, Path(tmp))
        files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        unlabelled = [f for f in files if f not in expected]
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
    misses = [f for f in in_scope if f not in hits]
    print(f"SecurityEval {COMMIT[:7]}: {len(files)} files, {len(in_scope)} in scope, {len(expected) - len(in_scope)} out of scope")
    print(f"recall: {len(hits)}/{len(in_scope)} = {len(hits) / len(in_scope):.2f}")
    for f in misses:
        print(f"  missed {f}: expected {'|'.join(sorted(in_scope[f]))} ({expected[f][1]}); found {', '.join(sorted(found.get(f, ()))) or 'nothing'}")
    outside = Counter(rule for f, (rules, _) in expected.items() if not rules for rule in found.get(f, ()))
    if outside:
        print("findings in out-of-scope files (other weaknesses of the same snippets): " + ", ".join(f"{r} x{n}" for r, n in sorted(outside.items())))
    for f in unlabelled:
        print(f"  unlabelled: {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
