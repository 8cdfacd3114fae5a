"""Fix safety on all the real Python here: the standard library and the venv's site-packages.

    python -m bench.fix_safety [--limit N] [--show 20] [PATH ...]

Applies every fix of every rule one at a time and all together (unsafe
included) and prints: files, findings, fixes applied, parse failures,
findings not removed, other-lines-changed violations, and the rest (see
tests/fuzz/fixcheck.py). Exit code 1 if any violation was found.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path


from tests.fuzz import fixcheck


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help=f"default: {fixcheck.STDLIB} and {fixcheck.SITE_PACKAGES}")
    parser.add_argument("--limit", type=int, help="only the first N files")
    parser.add_argument("--show", type=int, default=25, help="violations to print in full")
    args = parser.parse_args()
    files = fixcheck.python_files(args.paths or [fixcheck.STDLIB, fixcheck.SITE_PACKAGES])
    if args.limit:
        files = files[: args.limit]
    print(f"{len(files)} files", flush=True)

    def progress(index, report):
        print(f"  {index}/{len(files)} files, {report.fixes_applied} fixes applied, {len(report.problems)} violations", flush=True)

    report = fixcheck.run(files, progress)
    print("\n==== fix safety ====")
    print(report.summary())
    if report.problems:
        print("\nviolations by kind and rule: " + ", ".join(f"{k}/{r} {n}" for (k, r), n in sorted(Counter((p.kind, p.rule) for p in report.problems).items())))
        for problem in report.problems[: args.show]:
            print(f"\n{problem}")
    for error in report.internal_errors[:20]:
        print(f"internal error: {error}")
    return 1 if report.problems or report.internal_errors else 0


if __name__ == "__main__":
    sys.exit(main())
