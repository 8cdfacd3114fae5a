"""Recall on labelled public suites of insecure Python that nobody here wrote.

Each suite is a public repository of insecure examples, pinned below:

- `securityeval`: SecurityEval (s2e-lab/SecurityEval), 121 prompts with an insecure
  reference solution each, one folder per CWE.
- `sallm`: SALLM (s2e-lab/SALLM), 100 records of `PythonDataset/dataset.jsonl`, each with
  the insecure solution its tests flag; a file per record, named by its id.
- `cweval`: CWEval (Co1lin/CWEval), the 25 Python tasks of `benchmark/core/py`: each task's
  insecure variants (`*_unsafe` functions of its test module, a file each) and its secure
  reference solution, labelled `safe` (the script prints which references are reported).
- `dsvw`: Damn Small Vulnerable Web (stamparm/DSVW), one http.server application with
  26 attack cases; `vulnerable-flask-app` (we45/Vulnerable-Flask-App), a Flask API;
  `vampi` (erev0s/VAmPI), a Flask/Connexion REST API; `django-nv` (nVisium/django.nV) and
  `lets-be-bad-guys` (mpirnat/lets-be-bad-guys), Django sites; `dvga` (dolevf/Damn-Vulnerable-
  GraphQL-Application), a Flask + Graphene GraphQL API; `tiredful-api` (payatu/Tiredful-API), a
  Django REST Framework API; `dsvpwa` (sgabe/DSVPWA), an http.server site: deliberately vulnerable
  applications, labelled line by line (`file:line`) with the rule that should report each
  planted weakness where it happens, or `-` for the weaknesses no rule claims (access
  control, mass assignment, template-only XSS), so that each file is a full inventory.

`<suite>.tsv` says, file by file, which secure-ls rules should report it, or `-` with the
reason when the weakness is outside what secure-ls claims to find (privilege handling,
race conditions, ...) or the snippet is not vulnerable as written. The script runs
`secure-ls check` over the suite's files and prints recall over the in-scope files, the
misses, and which rules reported what elsewhere.

    .venv/bin/python bench/labelled/recall.py [--suite securityeval|sallm|cweval|all] [--mirror-root /work/.mirror]

A mirror is a bare git copy of the repository (the team's fetch tool leaves one at
`<mirror-root>/<owner>+<name>/repo`; `git clone --bare https://github.com/<owner>/<name>`
does too). Its code is extracted to a temporary folder at the pinned commit and never
committed here.
"""

from __future__ import annotations

import argparse
import ast
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


def _reference_functions(folder: str) -> Callable[[Path, str, Path], Path]:
    """A suite of tasks, each a secure reference solution (`<task>_task.py`) and a test module
    defining insecure variants (`def <name>_unsafe(...)`): a file per variant, with its module's
    imports and constants (`<task>__<name>_unsafe.py`), and the reference as `<task>__task.py`."""

    def extract(mirror: Path, commit: str, into: Path) -> Path:
        names = _git(mirror, "ls-tree", "--name-only", commit, f"{folder}/").decode().split()
        for name in names:
            if not name.endswith("_test.py"):
                continue
            task = Path(name).name.removesuffix("_test.py")
            source = _git(mirror, "show", f"{commit}:{name}").decode()
            tree = ast.parse(source)
            header = [
                ast.get_source_segment(source, node) for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign))
                and "pytest" not in ast.get_source_segment(source, node) and not (isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_task"))
            ]
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name.endswith("_unsafe") and not node.name.startswith("test"):
                    (into / f"{task}__{node.name}.py").write_text("\n".join(header) + "\n\n\n" + ast.get_source_segment(source, node) + "\n")
            reference = f"{folder}/{task}_task.py"
            if reference in names:
                (into / f"{task}__task.py").write_bytes(_git(mirror, "show", f"{commit}:{reference}"))
        return into

    return extract


def _files(*paths: str) -> Callable[[Path, str, Path], Path]:
    """A suite whose examples are a few files of the repository, at their paths in it."""

    def extract(mirror: Path, commit: str, into: Path) -> Path:
        with tempfile.TemporaryFile() as handle:
            handle.write(_git(mirror, "archive", commit, *paths))
            handle.seek(0)
            with tarfile.open(fileobj=handle) as tar:
                tar.extractall(into, filter="data")
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
    "cweval": Suite("Co1lin/CWEval", "e9a2a124c8c53679b6d8d27adfd2f6c40e7576d7", _reference_functions("benchmark/core/py")),
    "dsvw": Suite("stamparm/DSVW", "2e9706c87fc0c74a9cc62d0777a0cc17c65e0ecd", _files("dsvw.py")),
    "vulnerable-flask-app": Suite("we45/Vulnerable-Flask-App", "b6a4f97afd466e83e1f60781494252dec1c37039", _files("app/app.py")),
    "vampi": Suite("erev0s/VAmPI", "1713b54b601ad29582581eeda4b31fceb1319874", _files("api_views", "models", "config.py", "app.py")),
    "django-nv": Suite("nVisium/django.nV", "a48901f106da4888417339b7b44b8ed56b64c63f", _files("taskManager")),
    "lets-be-bad-guys": Suite("mpirnat/lets-be-bad-guys", "7cbf11014bfc6dc9e199dc0b8a64e4597bc2338f", _files("badguys")),
    "dvga": Suite("dolevf/Damn-Vulnerable-GraphQL-Application", "a961308c02d1fb462b192681c336b0739e432da7", _files("app.py", "config.py", "core")),
    "tiredful-api": Suite("payatu/Tiredful-API", "0134124496b3c4f1b969e51a24fd8a059104fb98", _files("Tiredful-API")),
    "dsvpwa": Suite("sgabe/DSVPWA", "a06abb306ed3699bb2f073e3f41d3d9c57012819", _files("dsvpwa.py", "dsvpwa")),
}


def labels(suite: str) -> dict[str, tuple[set[str], str]]:
    out = {}
    for line in (HERE / f"{suite}.tsv").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        path, expected, reason = line.split("\t")
        key, n = path, 1
        while key in out:  # two weaknesses on one line (`file:37` a path traversal and an SSRF): `file:37#2`
            n += 1
            key = f"{path}#{n}"
        out[key] = (set() if expected in ("-", "safe") else set(expected.split("|")), reason)
    return out


def safe_references(suite: str) -> dict[str, str]:
    """Files labelled `safe`: a secure reference solution, where any finding of its weakness's
    rules is a false alarm (the reason names those rules after `rules:`)."""
    out = {}
    for line in (HERE / f"{suite}.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#") and line.split("\t")[1] == "safe":
            path, _, reason = line.split("\t")
            out[path] = reason
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
        path = finding["path"].removeprefix("./")
        found.setdefault(path, set()).add(finding["rule"])
        # a label `file:line` (an application labelled weakness by weakness) is found on its line
        found.setdefault(f"{path}:{finding['range']['start']['line']}", set()).add(finding["rule"])
    in_scope = {f: rules for f, (rules, _) in expected.items() if rules}
    hits = [f for f, rules in in_scope.items() if rules & found.get(f.split("#")[0], set())]
    print(f"{name} ({suite.repository} {suite.commit[:7]}): {len(files)} files, {len(in_scope)} in scope, {len(expected) - len(in_scope)} out of scope")
    print(f"recall: {len(hits)}/{len(in_scope)} = {len(hits) / len(in_scope):.2f}")
    for f in in_scope:
        if f not in hits:
            print(f"  missed {f}: expected {'|'.join(sorted(in_scope[f]))} ({expected[f][1]}); found {', '.join(sorted(found.get(f.split('#')[0], ()))) or 'nothing'}")
    safe = safe_references(name)
    if safe:
        alarms = {f: found[f] for f in safe if found.get(f)}
        print(f"secure references reported: {len(alarms)}/{len(safe)}" + "".join(f"\n  {f}: {', '.join(sorted(r))} ({safe[f]})" for f, r in alarms.items()))
    outside = Counter(rule for f, (rules, _) in expected.items() if not rules and f not in safe for rule in found.get(f, ()))
    if outside:
        print("findings in out-of-scope files (other weaknesses of the same snippets): " + ", ".join(f"{r} x{n}" for r, n in sorted(outside.items())))
    if not any(":" in key for key in expected):  # an application labelled line by line has clean files too
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
