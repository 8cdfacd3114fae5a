"""How faithful a long file's first look is: the findings the editor shows at once for the
beginning of a long file (lsp/diagnostics.py, FIRST_LOOK_LINES; engine
`Engine.analyze_beginning`) against those of the whole file's analysis in the same lines.

For every Python file under the given folders longer than LONG_DOCUMENT_LINES lines:
`same` findings are shown at once and stay; `reworded` ones stay in place but the whole
analysis words them otherwise (it can name a source defined further down); `gone` are shown
at once, then withdrawn when the whole analysis lands (a flicker); `later` appear only with
the whole analysis. It also
prints what the first look and the whole analysis cost (CPU seconds, summed). Each file is
analysed alone (no workspace), by a fresh engine, as when it is first opened.

    .venv/bin/python bench/first_look.py /tmp/realworld [more folders]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from secure_ls.engine.analyzer import Engine
from secure_ls.lsp.diagnostics import FIRST_LOOK_LINES, LONG_DOCUMENT_LINES


def python_files(folders: list[str]):
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("node_modules", "__pycache__")]
            for name in files:
                if name.endswith(".py"):
                    yield Path(root) / name


def key(finding) -> tuple:
    return (finding.rule_id, finding.span.start.line, finding.span.start.column, finding.message)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+")
    args = parser.parse_args()
    same = reworded = files = 0
    counts = {"gone": 0, "later": 0}
    first_seconds = whole_seconds = 0.0
    for path in python_files(args.folders):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if text.count("\n") < LONG_DOCUMENT_LINES:
            continue
        engine = Engine()  # each file cold, as when it is opened
        started = time.process_time()
        beginning = engine.analyze_beginning(text, FIRST_LOOK_LINES, path=str(path))
        first_seconds += time.process_time() - started
        started = time.process_time()
        whole = engine.analyze(text, key="whole", path=str(path))
        whole_seconds += time.process_time() - started
        if beginning is None:
            continue
        files += 1
        shown = {key(f) for f in beginning.result.findings}
        # the whole analysis's findings in the lines the first look covered
        expected = {key(f) for f in whole.findings if f.span.start.line < beginning.lines}
        same += len(shown & expected)
        gone_here, later_here = shown - expected, expected - shown
        # the same finding whose message the whole analysis words otherwise (a source named)
        reworded_here = {k[:3] for k in gone_here} & {k[:3] for k in later_here}
        reworded += len(reworded_here)
        for kind, keys in (("gone", gone_here), ("later", later_here)):
            for rule, line, column, message in sorted(keys):
                if (rule, line, column) in reworded_here:
                    if kind == "later":
                        print(f"{path}:{line + 1}: {rule} reworded: {message[:90]}")
                    continue
                print(f"{path}:{line + 1}: {rule} {kind}: {message[:90]}")
                counts[kind] += 1
    print(
        f"{files} files over {LONG_DOCUMENT_LINES} lines: first-look findings the same {same}, reworded {reworded} (same place, the"
        f" whole analysis says more), gone {counts['gone']} (shown, then withdrawn), later {counts['later']} (only with the whole)"
    )
    print(f"CPU: first looks {first_seconds:.2f} s, whole analyses {whole_seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
