"""Does the audit tier cover Bandit? Files Bandit flags that `secure-ls check --min-confidence low` does not.

    python bench/realworld/prepare.py          # once: bring the pinned projects to /tmp/realworld
    python bench/realworld/bandit_parity.py    # all projects of projects.toml; or name some

Issue 12's audit tier asks that, with `--min-confidence low`, secure-ls flags at least every
file Bandit flags on Bandit's own kinds of checks. A kind is a Bandit test id that some
secure-ls rule declares (`Rule.bandit`, the table in docs/rules): Bandit's checks with no
secure-ls counterpart (`import subprocess`, `assert`, ...) are left out, and so is test code.

For each project and each such Bandit id, a file counts as covered when secure-ls reports
one of the rules mapped to that id anywhere in the file. Some of Bandit's checks are broader
than secure-ls's on purpose (`NARROWER`: every `assert`, every string named like a password,
every `random` call): the files only those flag are counted apart, with the reason. A file whose Bandit lines all carry
the maintainers' own `# noqa` for Ruff's code of that check is counted apart as suppressed:
secure-ls honours those comments (Ruff's flake8-bandit codes), Bandit does not. The rest are
listed, so each one can be read.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path

from run import is_test_code, projects

from secure_ls.rules import all_rules  # noqa: E402


# Bandit checks that secure-ls answers more narrowly on purpose (docs/rules says so rule by rule):
# these are counted apart, not as misses of the audit tier.
NARROWER = {
    "B101": "asserts only in access checks (SLS130): other asserts are not a weakness",
    "B105": "hard-coded secrets judged by their value too (SLS201): env-var names and messages are not passwords",
    "B106": "hard-coded secrets judged by their value too (SLS201)",
    "B107": "hard-coded secrets judged by their value too (SLS201)",
    "B311": "random only where it makes a secret (SLS304): shuffles, jitter and samples are not",
    "B104": "binding all interfaces only where a server binds (SLS503), not any '0.0.0.0' string",
    "B608": "SQL built from data that is not a constant (SLS101), not any string that looks like SQL",
    "B108": "temporary paths only where a file is made there (SLS603), not any '/tmp' string (defaults, hints)",
    "B310": "urlopen only of a URL that is not a constant (SLS122): a constant URL's scheme is the code's own",
    "B308": "mark_safe/Markup only of text that is not a constant (SLS801): a literal's markup is the code's own",
    "B703": "Django's mark_safe only of text that is not a constant (SLS801)",
}


def rules_by_bandit_id() -> dict[str, set[str]]:
    table: dict[str, set[str]] = collections.defaultdict(set)
    for rule in all_rules():
        for test_id in rule.bandit:
            table[test_id].add(rule.id)
    return table


def bandit_findings(folder: Path, python: str) -> list[dict]:
    result = subprocess.run([python, "-m", "bandit", "-q", "-r", "-f", "json", "."], capture_output=True, text=True, cwd=folder)
    if not result.stdout.strip():
        raise SystemExit(f"{folder.name}: bandit printed nothing\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)["results"]


def secure_ls_findings(folder: Path, python: str) -> list[dict]:
    result = subprocess.run(
        [python, "-m", "secure_ls", "check", "--format", "json", "--no-dependencies", "--min-confidence", "low", "."],
        capture_output=True, text=True, cwd=folder,
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"{folder.name}: secure-ls exited {result.returncode}\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)["findings"]


def relative(folder: Path, path: str) -> str:
    return Path(path).resolve().relative_to(folder.resolve()).as_posix() if Path(path).is_absolute() else Path(path).as_posix().removeprefix("./")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="projects (default: all in projects.toml)")
    parser.add_argument("--root", type=Path, default=Path("/tmp/realworld"))
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    table = rules_by_bandit_id()
    totals = collections.Counter()
    missed_by_id = collections.Counter()
    narrower = collections.Counter()  # (file, check) pairs of NARROWER kinds secure-ls leaves out
    listing = []
    print(f"{'project':28} {'files Bandit flags':>18} {'covered':>8} {'suppressed':>10} {'missed':>7}")
    for name in args.names or projects():
        folder = args.root / name
        if not folder.is_dir():
            raise SystemExit(f"{folder} is missing: run bench/realworld/prepare.py first")
        flagged: dict[tuple[str, str], list[int]] = collections.defaultdict(list)  # (file, bandit id) -> lines
        for result in bandit_findings(folder, args.python):
            path = relative(folder, result["filename"])
            if result["test_id"] in table and path.endswith(".py") and not is_test_code(path):
                flagged[(path, result["test_id"])].append(result["line_number"])
        reported: dict[str, set[str]] = collections.defaultdict(set)
        for finding in secure_ls_findings(folder, args.python):
            reported[relative(folder, finding["path"])].add(finding["rule"])
        counts = collections.Counter()
        for (path, test_id), lines in sorted(flagged.items()):
            if test_id in NARROWER and not reported[path] & table[test_id]:
                narrower[test_id] += 1
                continue
            counts["flagged"] += 1
            if reported[path] & table[test_id]:
                counts["covered"] += 1
                continue
            source = (folder / path).read_text(errors="replace").splitlines()
            if all("noqa" in source[line - 1] for line in lines if 0 < line <= len(source)):
                counts["suppressed"] += 1
                continue
            counts["missed"] += 1
            missed_by_id[test_id] += 1
            listing.append(f"  {name}/{path}:{lines[0]} {test_id} (secure-ls: {', '.join(sorted(table[test_id]))})")
        totals.update(counts)
        print(f"{name:28} {counts['flagged']:>18} {counts['covered']:>8} {counts['suppressed']:>10} {counts['missed']:>7}")
    print(f"{'all':28} {totals['flagged']:>18} {totals['covered']:>8} {totals['suppressed']:>10} {totals['missed']:>7}")
    covered = totals["covered"] + totals["suppressed"]
    if totals["flagged"]:
        print(f"\n(file, Bandit check) pairs covered by the audit tier: {covered}/{totals['flagged']} = {covered / totals['flagged']:.2f}")
    if narrower:
        print("left out on purpose (narrower checks), not counted above:")
        for test_id, count in narrower.most_common():
            print(f"  {test_id} {count}: {NARROWER[test_id]}")
    if listing:
        print("missed by Bandit id: " + ", ".join(f"{k} {v}" for k, v in missed_by_id.most_common()))
        print("\n".join(listing))


if __name__ == "__main__":
    main()
