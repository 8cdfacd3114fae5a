"""Long LSP fuzz runs against a real secure-ls server.

    python -m bench.fuzz --duration 1800 [--seed N] [--profile visual-studio-code|neovim@v0.11.0|both]
    python -m bench.fuzz --replay /tmp/secure-ls-fuzz/failure-<seed>.json

Runs back-to-back sessions (a new server and a new sub-seed every
--session-steps steps, alternating editor profiles) until --duration
seconds have passed, then prints: seed, duration, edits processed, peak
RSS of the server, memory samples, and every failure with its minimal
replay (also written as JSON next to the server log). Exit code 1 if
anything failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _rerun_on_a_snapshot(label: str) -> None:
    """Runs this command again on a frozen copy of secure_ls, for the server and for the
    client's reference analysis.

    Others edit rules while a long run goes on; a server started later would load
    newer code than the client's in-process engine and every difference would look
    like a stale cache. The copy comes first on the new process's PYTHONPATH (`-P`: not
    the current directory, which holds the working tree's secure_ls), the repository
    after it for `bench` and `tests`; SECURE_LS_FUZZ_CODE names it for the servers
    (secure_ls/testing/client.py) and tells the new process it runs on the copy."""
    import shutil

    target = Path("/tmp/secure-ls-fuzz") / f"code-{label}"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / "secure_ls", target / "secure_ls", ignore=shutil.ignore_patterns("__pycache__"))
    path = [str(target), str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = dict(os.environ, SECURE_LS_FUZZ_CODE=str(target), PYTHONPATH=os.pathsep.join(path))
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, "-P", "-m", "bench.fuzz", *sys.argv[1:]], env)


if __name__ == "__main__" and not os.environ.get("SECURE_LS_FUZZ_CODE") and "--no-snapshot" not in sys.argv and "--replay" not in sys.argv:
    _rerun_on_a_snapshot(str(os.getpid()))

from tests.fuzz import harness

PROFILES = ["visual-studio-code", "neovim@v0.11.0"]


def _mb(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


async def main_async(args) -> int:
    if args.replay:
        data = json.loads(Path(args.replay).read_text())
        failure, sent = await harness.replay(data["profile"], data["steps"], f"{harness.FUZZ_DIR}/replay")
        print(f"replayed {len(data['steps'])} steps ({len(sent)} messages): {failure or 'no failure'}")
        return 1 if failure else 0
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    profiles = PROFILES if args.profile == "both" else [args.profile]
    import secure_ls

    print(f"seed {seed}, duration {args.duration:.0f} s, profiles {', '.join(profiles)}, code {Path(secure_ls.__file__).parent}", flush=True)
    master = random.Random(seed)
    started = time.monotonic()
    totals = {"sessions": 0, "steps": 0, "edits": 0, "checks": 0, "requests": 0, "cancels": 0, "actions_applied": 0, "config_changes": 0}
    peak = 0
    failures = []
    memory_lines = []
    index = 0
    while time.monotonic() - started < args.duration:
        profile = profiles[index % len(profiles)]
        index += 1
        sub_seed = master.randrange(2**32)
        remaining = args.duration - (time.monotonic() - started)

        def progress(stats, profile=profile, sub_seed=sub_seed):
            if args.verbose:
                print(f"  [{profile} {sub_seed}] steps {stats.steps} edits {stats.edits} rss {_mb(stats.memory[-1][1]) if stats.memory else '?'}", flush=True)

        result = await harness.run(profile, sub_seed, duration=remaining, max_steps=args.session_steps, progress=progress)
        s = result.stats
        totals["sessions"] += 1
        for key in list(totals)[1:]:
            totals[key] += getattr(s, key)
        peak = max(peak, s.peak_rss)
        mem = s.memory
        if mem:
            first = mem[min(len(mem) - 1, max(1, len(mem) // 10))]
            memory_lines.append(f"{profile} {sub_seed}: {s.edits} edits, RSS {_mb(first[1])} after {first[0]} edits -> {_mb(mem[-1][1])} at the end, peak {_mb(s.peak_rss)}")
        print(f"session {totals['sessions']} ({profile}, sub-seed {sub_seed}): {s.steps} steps, {s.edits} edits, peak RSS {_mb(s.peak_rss)}: {'FAIL ' + str(result.failure) if result.failure else 'ok'}", flush=True)
        if result.failure:
            workdir = f"{harness.FUZZ_DIR}/min-{sub_seed}"
            steps, sent = await harness.minimize(profile, result.steps, result.failure.kind, workdir, budget=args.minimize_budget)
            text = harness.describe(result, steps, sent)
            out = Path(harness.FUZZ_DIR) / f"failure-{sub_seed}.json"
            out.write_text(json.dumps({"profile": profile, "seed": sub_seed, "failure": str(result.failure), "steps": steps, "messages": sent}, ensure_ascii=True, indent=1))
            failures.append(text + f"\n(replay: python -m bench.fuzz --replay {out})")
            print(failures[-1], flush=True)
            if len(failures) >= args.max_failures:
                break
    elapsed = time.monotonic() - started
    print("\n==== secure-ls fuzz summary ====")
    print(f"seed:              {seed}")
    print(f"duration:          {elapsed:.0f} s")
    print(f"sessions:          {totals['sessions']}")
    print(f"steps:             {totals['steps']}")
    print(f"edits processed:   {totals['edits']} ({totals['edits'] / max(elapsed, 1):.1f}/s)")
    print(f"checks:            {totals['checks']} (diagnostics compared with a fresh analysis)")
    print(f"requests:          {totals['requests']} (+{totals['cancels']} cancelled), {totals['actions_applied']} code actions applied, {totals['config_changes']} configuration changes")
    print(f"peak server RSS:   {_mb(peak)}")
    print("memory:")
    for line in memory_lines[-20:]:
        print("  " + line)
    print(f"failures:          {len(failures)}")
    for f in failures:
        print(f)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of traffic")
    parser.add_argument("--profile", default="both", choices=PROFILES + ["both"])
    parser.add_argument("--session-steps", type=int, default=4000, help="steps per server process")
    parser.add_argument("--minimize-budget", type=float, default=180.0)
    parser.add_argument("--max-failures", type=int, default=5)
    parser.add_argument("--replay")
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--no-snapshot", action="store_true", help="run the working tree's secure_ls, not a frozen copy")
    args = parser.parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
