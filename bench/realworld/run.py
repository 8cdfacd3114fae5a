"""Precision of secure-ls on real projects, scored against a hand-made triage.

    python bench/realworld/prepare.py                 # once: bring the pinned projects to /tmp/realworld
    python bench/realworld/run.py                     # scan them all and print precision per rule
    python bench/realworld/run.py --reuse             # score the last scan again (after editing triage.tsv)
    python bench/realworld/run.py --unlabelled FILE   # also write the findings with no label yet, with context

Each project is scanned the way a user's CI would (`secure-ls check --format json
--no-dependencies`, default settings: no pyproject of the project's own is read, since
none of them configures secure-ls). Dependency findings are left out because they depend
on the advisory database of the day, not on the engine.

Only findings in production code are scored: a finding in a `test`/`tests`/`testing`
folder, `test_*.py`, `*_test.py` or `conftest.py` is counted apart, since users judge a
tool by what it says about their production code.

triage.tsv has one row per finding, tab-separated:

    project  path:line  rule  verdict  reason

verdict is TP (a weakness a reviewer would want flagged in the editor), acceptable (the
pattern is really there, low impact in context) or FP (the claim is wrong). A finding counts
as right when it is TP or acceptable. Rows that match no finding of the current scan are
listed as gone (fixed false positives, or lost true ones: read them).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from secure_ls.engine.analyzer import is_test_path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TRIAGE = HERE / "triage.tsv"
REPORTS = Path(os.environ.get("SECURE_LS_REALWORLD_REPORTS", "/tmp/realworld-reports"))  # where scans are kept for --reuse
VERDICTS = ("TP", "acceptable", "FP")
TARGET_OVERALL = 0.90
TARGET_PER_RULE = 0.80  # for rules with at least RULE_MIN findings
RULE_MIN = 5


@dataclass(frozen=True)
class Key:
    project: str
    location: str  # path:line, path relative to the project's folder
    rule: str


def is_test_code(path: str) -> bool:
    """Test code by its path, as the engine decides it (one predicate: secure_ls's is_test_path)."""
    return is_test_path(path)


def projects() -> list[str]:
    with open(HERE / "projects.toml", "rb") as handle:
        return [p["name"] for p in tomllib.load(handle)["project"]]


def scan(name: str, root: Path, python: str) -> tuple[dict, float]:
    folder = root / name
    if not folder.is_dir():
        raise SystemExit(f"{folder} is missing: run bench/realworld/prepare.py first")
    started = time.perf_counter()
    result = subprocess.run(
        [python, "-m", "secure_ls", "check", "--format", "json", "--no-dependencies", str(folder)],
        capture_output=True, text=True, cwd=folder,
    )
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"{name}: secure-ls exited {result.returncode}\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(report))
    return report, elapsed


def load_triage() -> dict[Key, list[tuple[str, str]]]:
    """Labels by finding; a rule reporting twice on one line has one row per finding, in column order."""
    labels: dict[Key, list[tuple[str, str]]] = collections.defaultdict(list)
    if not TRIAGE.exists():
        return labels
    for number, line in enumerate(TRIAGE.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 5 or fields[3] not in VERDICTS:
            raise SystemExit(f"triage.tsv:{number}: expected project, path:line, rule, {'/'.join(VERDICTS)}, reason")
        labels[Key(*fields[:3])].append((fields[3], fields[4]))
    return labels


def findings_of(name: str, report: dict, root: Path) -> list[tuple[Key, dict]]:
    folder = (root / name).resolve()
    out = []
    ordered = sorted(report["findings"], key=lambda f: (f["path"], f["range"]["start"]["line"], f["range"]["start"]["column"]))
    for finding in ordered:
        path = Path(finding["path"]).resolve().relative_to(folder).as_posix()
        line = finding["range"]["start"]["line"]
        cell = f"#cell{finding['cell']}" if "cell" in finding else ""  # a notebook: lines count in the cell
        out.append((Key(name, f"{path}{cell}:{line}", finding["rule"]), finding))
    return out


def context(root: Path, key: Key, finding: dict, around: int = 3) -> str:
    path, _, line = key.location.rpartition(":")
    path, _, cell = path.partition("#cell")
    if not (root / key.project / path).is_file():  # removed since the scan (a stray file in the extracted tree)
        return f"{key.project}\t{key.location}\t{key.rule}\t?\t{finding['message']}\n    (the file is gone since the scan)"
    if cell:
        source = json.loads((root / key.project / path).read_text(errors="replace"))["cells"][int(cell) - 1]["source"]
        lines = ("".join(source) if isinstance(source, list) else source).splitlines()
    else:
        lines = (root / key.project / path).read_text(errors="replace").splitlines()
    number = int(line)
    shown = []
    for index in range(max(1, number - around), min(len(lines), number + around) + 1):
        mark = ">" if index == number else " "
        shown.append(f"    {mark}{index:5} {lines[index - 1][:160]}")
    return f"{key.project}\t{key.location}\t{key.rule}\t?\t{finding['message']}\n" + "\n".join(shown)


def ratio(right: int, total: int) -> str:
    return f"{right / total:.2f}" if total else "  - "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="projects to scan (default: all in projects.toml)")
    parser.add_argument("--root", type=Path, default=Path("/tmp/realworld"))
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs secure-ls")
    parser.add_argument("--reuse", action="store_true", help="score the reports of the last scan")
    parser.add_argument("--unlabelled", type=Path, help="write unlabelled production findings with context here")
    parser.add_argument("--show", choices=VERDICTS, help="list the current production findings with this label")
    args = parser.parse_args()

    labels = load_triage()
    names = args.names or projects()
    per_rule: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    per_project: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    seen: set[Key] = set()
    seen_order: list[Key] = []
    shown: list[str] = []
    unlabelled: list[str] = []
    print(f"{'project':30} {'files':>6} {'seconds':>8} {'prod':>5} {'test':>5} {'right':>6} {'FP':>4} {'new':>4}")
    for name in names:
        if args.reuse and (REPORTS / f"{name}.json").exists():
            report, elapsed = json.loads((REPORTS / f"{name}.json").read_text()), float("nan")
        else:
            report, elapsed = scan(name, args.root, args.python)
        counts = per_project[name]
        for key, finding in findings_of(name, report, args.root):
            if is_test_code(key.location.rpartition(":")[0].partition("#cell")[0]):
                counts["test"] += 1
                continue
            counts["prod"] += 1
            occurrence = sum(1 for k in seen_order if k == key)
            seen_order.append(key)
            seen.add(key)
            rows = labels.get(key, [])
            label = rows[min(occurrence, len(rows) - 1)] if rows else None
            if label is None:
                counts["new"] += 1
                per_rule[key.rule]["new"] += 1
                unlabelled.append(context(args.root, key, finding))
                continue
            verdict = label[0]
            if verdict == args.show:
                shown.append(f"  {verdict:10} {key.project} {key.location} {key.rule}  {label[1]}")
            counts["FP" if verdict == "FP" else "right"] += 1
            per_rule[key.rule][verdict] += 1
        files = len({f["path"] for f in report["findings"]}) if report["findings"] else 0
        print(f"{name:30} {files:6} {elapsed:8.1f} {counts['prod']:5} {counts['test']:5} "
              f"{counts['right']:6} {counts['FP']:4} {counts['new']:4}")

    print()
    print(f"{'rule':8} {'TP':>4} {'acc':>4} {'FP':>4} {'new':>4} {'precision':>9}")
    total = collections.Counter()
    failing = []
    for rule in sorted(per_rule):
        c = per_rule[rule]
        total.update(c)
        right = c["TP"] + c["acceptable"]
        judged = right + c["FP"]
        flag = ""
        if judged >= RULE_MIN and right / judged < TARGET_PER_RULE:
            flag = f"  < {TARGET_PER_RULE:.2f}"
            failing.append(rule)
        print(f"{rule:8} {c['TP']:4} {c['acceptable']:4} {c['FP']:4} {c['new']:4} {ratio(right, judged):>9}{flag}")
    right = total["TP"] + total["acceptable"]
    judged = right + total["FP"]
    print(f"{'all':8} {total['TP']:4} {total['acceptable']:4} {total['FP']:4} {total['new']:4} {ratio(right, judged):>9}")
    print()
    overall_ok = judged and right / judged >= TARGET_OVERALL
    print(f"production findings right (TP or acceptable): {right}/{judged} = {ratio(right, judged)} "
          f"(target {TARGET_OVERALL:.2f}: {'met' if overall_ok else 'NOT met'}); "
          f"rules with >= {RULE_MIN} findings under {TARGET_PER_RULE:.2f}: {', '.join(failing) or 'none'}")
    if shown:
        print(f"\n{len(shown)} current production findings labelled {args.show}:")
        print("\n".join(sorted(shown, key=lambda line: line.split()[3])))
    gone = [key for key in labels if key.project in names and key not in seen]
    if gone:
        print(f"\n{len(gone)} labelled findings no longer reported:")
        for key in sorted(gone, key=lambda k: (k.project, k.location)):
            verdict, reason = labels[key][0]
            print(f"  {verdict:10} {key.project} {key.location} {key.rule}  {reason}")
    if unlabelled:
        print(f"\n{len(unlabelled)} production findings have no label yet"
              + (f": written to {args.unlabelled}" if args.unlabelled else " (--unlabelled FILE lists them)"))
        if args.unlabelled:
            args.unlabelled.write_text("\n\n".join(unlabelled) + "\n")


if __name__ == "__main__":
    main()
