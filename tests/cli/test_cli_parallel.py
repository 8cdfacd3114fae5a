"""`check` on a 1,000-file tree: worker processes, the same report as one process.

Wall times of `-j 1` and the default are printed (`pytest -s` shows them), not
asserted: the machines this runs on are shared and their timings noisy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest
from tests.cli.cli_helpers import check_json

N_FILES = 1000


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    from secure_ls.testing.generate import generate

    root = tmp_path_factory.mktemp("tree")
    for i in range(N_FILES):
        folder = root / f"pkg{i // 100}" / f"sub{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod{i}.py").write_text(generate(120 + (i % 5) * 40), encoding="utf-8")
    return root


def _timed(*args, cwd):
    start = time.perf_counter()
    result = check_json(*args, cwd=cwd)
    return result, time.perf_counter() - start


def test_thousand_files_same_report_in_parallel(tree):
    # --no-cache: the second run must analyse in workers, not read what the first one cached
    serial, serial_time = _timed("--no-cache", "-j", "1", ".", cwd=tree)
    default, default_time = _timed("--no-cache", ".", cwd=tree)
    assert serial.code == default.code == 1
    assert serial.json()["errors"] == default.json()["errors"] == []
    assert len({f["path"] for f in serial.findings()}) > N_FILES // 2
    assert serial.findings() == default.findings(), "workers must give the same findings, in the same order"
    print(f"\n{N_FILES} files: -j 1 {serial_time:.2f} s, default (-j {os.cpu_count()}) {default_time:.2f} s (noisy shared machine: not asserted)")


def test_thousand_files_use_worker_processes(tree):
    """The files are analysed in worker processes, not in the parent."""
    script = textwrap.dedent(
        """
        import json, multiprocessing, os, sys
        from secure_ls import checker

        multiprocessing.set_start_method("fork", force=True)  # the patch below reaches workers only by fork
        from secure_ls.config import Settings

        original = checker.check_file

        def recording(*args, **kwargs):
            result = original(*args, **kwargs)
            result.pid = os.getpid()
            return result

        checker.check_file = recording
        results = checker.check_paths(["."], Settings(), jobs=2)
        print(json.dumps({"parent": os.getpid(), "files": len(results), "pids": sorted({r.pid for r in results})}))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tree, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["files"] == N_FILES
    assert report["parent"] not in report["pids"]
    assert len(report["pids"]) == 2


def test_each_worker_has_a_fixed_share_with_summaries_of_its_own(tmp_path):
    """Which files a worker analyses, and in which order, is fixed before any runs, and each share
    reads the workspace's summaries afresh: a file's findings cannot depend on what another file a
    worker happened to take first taught its summaries (an import cycle is summarised from wherever
    the walk entered it)."""
    from secure_ls import checker

    sizes = {"a.py": 50, "b.py": 400, "c.py": 10, "d.py": 300, "e.py": 200}
    for name, size in sizes.items():
        (tmp_path / name).write_text("x = 1\n" * size, encoding="utf-8")
    tasks = [(str(tmp_path / name), None, False, False, (), "run", None) for name in sorted(sizes)]
    shares, batches = checker.shares_of(tasks, 2, "run")
    # largest first, dealt in turn: b, d, e, a, c
    assert [[os.path.basename(tasks[i][0]) for i in share] for share in shares] == [["b.py", "e.py", "c.py"], ["d.py", "a.py"]]
    assert [[task[5] for task in batch] for batch in batches] == [["run/0"] * 3, ["run/1"] * 2]
    assert checker.shares_of(tasks, 2, "run") == (shares, batches)
