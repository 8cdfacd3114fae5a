"""`secure-ls check` against Bandit, Ruff's S rules and a bare `ast.parse`, in the same run.

    python bench/check_speed.py                      # the standard library of this Python
    python bench/check_speed.py PATH --jobs 4 --repeat 3

The tree is first copied to a temporary folder (without the folders secure-ls
leaves out: virtualenvs, build output, site-packages, ...), so that one file
can be changed; every tool reads the copy. Each tool is run as a process, the
way CI runs it:

    secure-ls check --no-dependencies --format json [-j N] --cache-dir C TREE
        cold: C empty before each run; warm: C filled, nothing changed;
        one changed: a comment appended to one file (--change) before each run
    bandit -r -q -f json TREE
    ruff check --select S --no-cache --isolated --output-format json TREE
    python -c '<read and ast.parse every file secure-ls checks>'   (the floor)

For "one changed", the number of cache entries written says how many files
were analysed again (the changed file and the files whose results used its
function summaries).

Wall time is the best of --repeat runs (the median is printed too). CPU time
is the user + system time of the tool's processes (all of secure-ls's workers
added up): on a busy shared machine it moves much less than wall time, so both
ratios are printed; the load average is printed before and after. Files and
lines are counted for the files each tool reports it looked at.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ToolRun:
    name: str
    command: list[str]
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the tool's processes
    files: list[str] = field(default_factory=list)
    findings: int = 0
    errors: int = 0
    per_rule: collections.Counter = field(default_factory=collections.Counter)
    skipped: str | None = None
    report: str = ""  # the last run's standard output
    rewritten: list[int] = field(default_factory=list)  # cache entries each run wrote (secure-ls)

    @property
    def best(self) -> float:
        return min(self.times)


def default_tree() -> str:
    return sysconfig.get_paths()["stdlib"]


def excluded_names() -> tuple[str, ...]:
    from secure_ls.config import DEFAULT_EXCLUDE

    return DEFAULT_EXCLUDE


def secure_ls_files(tree: str) -> list[str]:
    from secure_ls.project import discover, is_python
    from secure_ls.config import Settings

    return [str(p) for p in discover([tree], Settings()) if is_python(p)]


def count_lines(files: list[str]) -> int:
    total = 0
    for name in files:
        try:
            with open(name, "rb") as f:
                total += f.read().count(b"\n")
        except OSError:
            pass
    return total


_ENV: dict[str, str] | None = None


def tool_env() -> dict[str, str]:
    """The environment of the timed processes: bytecode cached (under the benchmark's own folder).

    With PYTHONDONTWRITEBYTECODE set (some CI and sandboxes set it) and no
    .pyc files in a source checkout, every run compiled secure-ls's 120
    modules again: about 0.4 s of CPU that an installed secure-ls never pays,
    and most of a warm run."""
    return _ENV if _ENV is not None else dict(os.environ)


def prepare_env(work: str) -> None:
    global _ENV
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(work, "pycache")
    _ENV = env
    # compile every module once, untimed
    warm_up = "import secure_ls.checker, secure_ls.output, secure_ls.cli; from secure_ls.rules import all_rules; all_rules()"
    subprocess.run([sys.executable, "-c", warm_up], env=env, check=True)
    subprocess.run([sys.executable, "-m", "bandit", "--version"], env=env, capture_output=True)


def timed(tool: ToolRun, timeout: float) -> subprocess.CompletedProcess:
    """Runs the tool once, recording its wall time and the CPU time of its processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(tool.command, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout, env=tool_env())
    tool.times.append(time.perf_counter() - start)
    tool.report = proc.stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tool.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return proc


def run_secure_ls(
    tree: str, jobs: int | None, repeat: int, timeout: float, cache: str, mode: str = "cold", change: str | None = None
) -> ToolRun:
    command = [sys.executable, "-m", "secure_ls", "check", "--no-dependencies", "--format", "json", "--cache-dir", cache]
    if jobs:
        command += ["-j", str(jobs)]
    command.append(tree)
    tool = ToolRun(f"secure-ls {mode}", command)
    tool.rewritten = []
    for attempt in range(repeat):
        if mode == "cold":
            shutil.rmtree(cache, ignore_errors=True)
        elif mode == "one changed" and change is not None:
            with open(change, "a", encoding="utf-8") as fh:
                fh.write(f"\n# changed for the benchmark ({attempt})\n")
        started = time.time()
        proc = timed(tool, timeout)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"secure-ls failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
        tool.rewritten.append(analysed_again(cache, started))
    report = json.loads(proc.stdout)
    tool.findings = len(report["findings"])
    tool.errors = len(report["errors"])
    tool.per_rule = collections.Counter(f"{f['rule']} {f['name']}" for f in report["findings"])
    tool.files = secure_ls_files(tree)
    return tool


def analysed_again(cache: str, since: float) -> int:
    """How many files the run that began at `since` analysed (the entries of the packs it wrote)."""
    count = 0
    for pack in Path(cache).rglob("*.pack"):
        if pack.stat().st_mtime >= since:
            count += json.loads(pack.read_text(encoding="utf-8")).get("fresh", 0)
    return count


_PARSE_ALL = """
import ast, sys, warnings
warnings.simplefilter("ignore")
for name in open(sys.argv[1], encoding="utf-8").read().splitlines():
    try:
        with open(name, "rb") as fh:
            ast.parse(fh.read())
    except (SyntaxError, ValueError, OSError):
        pass
"""


def run_ast_parse(tree: str, repeat: int, timeout: float, work: str) -> ToolRun:
    """The floor: one process reading and parsing every file secure-ls checks, nothing else."""
    files = secure_ls_files(tree)
    listing = os.path.join(work, "files.txt")
    Path(listing).write_text("\n".join(files), encoding="utf-8")
    tool = ToolRun("ast.parse (floor)", [sys.executable, "-c", _PARSE_ALL, listing])
    for _ in range(repeat):
        proc = timed(tool, timeout)
        if proc.returncode != 0:
            raise SystemExit(f"ast.parse floor failed: {proc.stderr.strip()[-2000:]}")
    tool.files = files
    return tool


def copy_tree(tree: str, work: str) -> str:
    """A copy of `tree` without the folders secure-ls leaves out (one file of it will be changed)."""
    target = os.path.join(work, Path(tree).name or "tree")
    shutil.copytree(tree, target, ignore=shutil.ignore_patterns(*excluded_names()), symlinks=True, ignore_dangling_symlinks=True)
    return target


def default_change(tree: str) -> str:
    """The module other files import most often (by a crude count of `import NAME`/`from NAME`)."""
    files = secure_ls_files(tree)
    stems = collections.Counter()
    for name in files:
        try:
            text = Path(name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] in ("import", "from"):
                stems[words[1].split(".")[-1].lstrip(".")] += 1
    candidates = [f for f in files if Path(f).stem != "__init__"]
    return max(candidates, key=lambda f: (stems[Path(f).stem], f)) if candidates else files[0]


def run_bandit(tree: str, repeat: int, timeout: float) -> ToolRun:
    bandit = [sys.executable, "-m", "bandit"]
    if subprocess.run([*bandit, "--version"], capture_output=True).returncode != 0:
        return ToolRun("bandit", bandit, skipped="not installed (pip install bandit)")
    # bandit leaves out a path that contains any of these strings
    # (names the tree's own path goes through would exclude everything: leave those out)
    own = set(Path(tree).parts)
    exclude = ",".join(f"/{name}/" if "*" not in name else f"*/{name}/*" for name in excluded_names() if name not in own)
    command = [*bandit, "-r", "-q", "-f", "json", "-x", exclude, tree]
    tool = ToolRun("bandit", command)
    for _ in range(repeat):
        proc = timed(tool, timeout)
        if proc.returncode not in (0, 1) or not proc.stdout.strip():
            raise SystemExit(f"bandit failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    report = json.loads(proc.stdout)
    tool.findings = len(report["results"])
    tool.errors = len(report.get("errors", []))
    tool.per_rule = collections.Counter(f"{r['test_id']} {r['test_name']}" for r in report["results"])
    tool.files = [name for name in report.get("metrics", {}) if name != "_totals"]
    return tool


def run_ruff(tree: str, repeat: int, timeout: float) -> ToolRun:
    ruff = shutil.which("ruff", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if ruff is None:
        return ToolRun("ruff --select S", [], skipped="not installed (pip install ruff)")
    common = ["check", "--select", "S", "--no-cache", "--isolated", "--extend-exclude", ",".join(excluded_names())]
    command = [ruff, *common, "--output-format", "json", tree]
    tool = ToolRun("ruff --select S", command)
    for _ in range(repeat):
        proc = timed(tool, timeout)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"ruff failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    report = json.loads(proc.stdout or "[]")
    tool.findings = sum(1 for d in report if d.get("code"))
    tool.errors = sum(1 for d in report if not d.get("code"))  # syntax errors have no code
    tool.per_rule = collections.Counter(d["code"] for d in report if d.get("code"))
    listed = subprocess.run([ruff, *common, "--show-files", tree], capture_output=True, text=True, timeout=timeout)
    tool.files = [line for line in listed.stdout.splitlines() if line.strip().endswith((".py", ".pyi", ".pyw"))]
    return tool


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", nargs="?", default=default_tree(), help="folder to check (default: this Python's standard library)")
    parser.add_argument("--jobs", "-j", type=int, help="secure-ls worker processes (default: all cores)")
    parser.add_argument("--repeat", "-r", type=int, default=1, help="runs per tool; the best is reported (default 1)")
    parser.add_argument("--top", type=int, default=30, help="per-rule counts of secure-ls to print (default 30)")
    parser.add_argument("--no-bandit", action="store_true")
    parser.add_argument("--no-ruff", action="store_true")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed for one run of one tool")
    parser.add_argument("--save", metavar="DIR", help="also write each tool's JSON report to DIR")
    parser.add_argument("--change", metavar="FILE", help="the file (relative to the tree) to change for the one-changed runs (default: the most imported module)")
    args = parser.parse_args(argv)
    if args.repeat < 1 or (args.jobs is not None and args.jobs < 1):
        parser.error("--repeat and --jobs must be at least 1")
    tree = str(Path(args.tree).resolve())
    if not Path(tree).is_dir():
        parser.error(f"no such folder: {tree}")

    work = tempfile.mkdtemp(prefix="secure-ls-bench-")
    try:
        return _run(args, tree, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(args, original: str, work: str) -> int:
    prepare_env(work)
    tree = copy_tree(original, work)
    cache = os.path.join(work, "cache")
    change = os.path.join(tree, args.change) if args.change else default_change(tree)
    load_before = os.getloadavg()
    print(f"tree: {original} (copied to {tree})")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    print(f"runs per tool: {args.repeat} (best reported); one-changed runs change {os.path.relpath(change, tree)}\n", flush=True)

    tools = [run_secure_ls(tree, args.jobs, args.repeat, args.timeout, cache, "cold")]
    print(f"secure-ls cold done in {tools[0].best:.2f} s", flush=True)
    tools.append(run_secure_ls(tree, args.jobs, args.repeat, args.timeout, cache, "warm"))
    print(f"secure-ls warm done in {tools[-1].best:.2f} s", flush=True)
    tools.append(run_secure_ls(tree, args.jobs, args.repeat, args.timeout, cache, "one changed", change))
    print(f"secure-ls one changed done in {tools[-1].best:.2f} s (files analysed again: {', '.join(map(str, tools[-1].rewritten))})", flush=True)
    tools.append(run_ast_parse(tree, args.repeat, args.timeout, work))
    print(f"ast.parse done in {tools[-1].best:.2f} s", flush=True)
    if not args.no_bandit:
        tools.append(run_bandit(tree, args.repeat, args.timeout))
        print(f"bandit done{'' if tools[-1].skipped else f' in {tools[-1].best:.2f} s'}", flush=True)
    if not args.no_ruff:
        tools.append(run_ruff(tree, args.repeat, args.timeout))
        print(f"ruff done{'' if tools[-1].skipped else f' in {tools[-1].best:.2f} s'}", flush=True)
    load_after = os.getloadavg()
    if args.save:
        Path(args.save).mkdir(parents=True, exist_ok=True)
        for tool in tools:
            if not tool.skipped and tool.report:
                (Path(args.save) / f"{tool.name.replace(' ', '-')}.json").write_text(tool.report, encoding="utf-8")

    header = f"{'tool':<20} {'files':>6} {'lines':>9} {'wall s':>8} {'median s':>9} {'CPU s':>8} {'files/s':>8} {'lines/s':>9} {'findings':>9} {'errors':>7}"
    print("\n" + header)
    print("-" * len(header))
    for tool in tools:
        if tool.skipped:
            print(f"{tool.name:<20} skipped: {tool.skipped}")
            continue
        lines = count_lines(tool.files)
        best = tool.best
        print(
            f"{tool.name:<20} {len(tool.files):>6} {lines:>9,} {best:>8.2f} {statistics.median(tool.times):>9.2f} {min(tool.cpu):>8.2f}"
            f" {len(tool.files) / best:>8.0f} {lines / best:>9,.0f} {tool.findings:>9} {tool.errors:>7}"
        )
    cold, warm, changed, floor = tools[:4]
    print()
    print(f"cold / warm: wall {cold.best / warm.best:.1f}x, CPU {min(cold.cpu) / min(warm.cpu):.1f}x (target: at least 10x)")
    print(f"cold / one changed: wall {cold.best / changed.best:.1f}x, CPU {min(cold.cpu) / min(changed.cpu):.1f}x")
    for run in (cold, warm, changed):
        print(f"{run.name} / ast.parse floor: wall {run.best / floor.best:.2f}x, CPU {min(run.cpu) / min(floor.cpu):.2f}x")
    for tool in tools[4:]:
        if tool.skipped:
            continue
        for ours in (cold, warm):
            ratio = tool.best / ours.best
            faster = f"{ratio:.2f}x faster" if ratio >= 1 else f"{1 / ratio:.2f}x slower"
            cpu_ratio = min(tool.cpu) / min(ours.cpu)
            cpu_faster = f"{cpu_ratio:.2f}x less" if cpu_ratio >= 1 else f"{1 / cpu_ratio:.2f}x more"
            print(f"{ours.name} vs {tool.name}: wall {tool.best:.2f} s / {ours.best:.2f} s = secure-ls {faster}; CPU time: secure-ls uses {cpu_faster}")
    bandit = next((t for t in tools if t.name == "bandit" and not t.skipped), None)
    if bandit is not None:
        print(f"target (cold at least 3x faster than Bandit): {'met' if bandit.best / cold.best >= 3 else 'NOT met'}")
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} (a shared machine: timings are noisy)")

    print(f"\nsecure-ls findings per rule (top {args.top}):")
    for rule, count in tools[0].per_rule.most_common(args.top):
        print(f"  {count:>6}  {rule}")
    for tool in tools[4:]:
        if not tool.skipped:
            top = ", ".join(f"{rule.split()[0]} {count}" for rule, count in tool.per_rule.most_common(10))
            print(f"{tool.name} top rules: {top}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
