"""Command line: `secure-ls serve` (the language server) and `secure-ls check` (CI)."""

from __future__ import annotations

import gc
import os
import sys

# `python -m secure_ls` (how editors start the server, with the workspace as the
# current directory) puts that directory first on sys.path. A workspace file named
# like a stdlib module the server imports later (ast.py, tokenize.py, argparse.py)
# would then be imported instead: analysed code executed, and the server broken.
# secure_ls itself is already imported by now, so nothing needs that entry.
if sys.path and sys.path[0] in ("", os.getcwd()) and not getattr(sys.flags, "safe_path", False):
    del sys.path[0]

import argparse  # noqa: E402

from secure_ls import __version__
from secure_ls.config import ConfigError, Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")

    def unrecognized(self, extra: list[str]):
        """Unknown arguments of this (sub)command: its own usage on the one error line, and
        the option it most likely meant."""
        import difflib

        options = [o for action in self._actions for o in action.option_strings if o.startswith("--")]
        hint = ""
        for arg in extra:
            close = difflib.get_close_matches(arg.split("=", 1)[0], options, n=1, cutoff=0.75) if arg.startswith("-") else []
            if close:
                hint = f" (did you mean {close[0]}?)"
                break
        usage = " ".join(argparse.HelpFormatter(self.prog, width=1_000_000)._format_usage(self.usage, self._actions, self._mutually_exclusive_groups, "").split())
        self.exit(EXIT_ERROR, f"{self.prog}: error: unrecognized arguments: {' '.join(extra)}{hint}; usage: {usage} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="secure-ls", description="Find and fix insecure Python code, in your editor (serve) or in CI (check).")
    parser.add_argument("--version", action="version", version=f"secure-ls {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    parser.commands = sub.choices  # name -> its parser, for errors in its own terms

    serve = sub.add_parser("serve", help="run the language server over stdio")
    serve.add_argument("--stdio", action="store_true", help="accepted for editors that pass it; stdio is the only transport")
    serve.add_argument("--log-file", help="also write the server's log to this file")

    check = sub.add_parser("check", help="analyse files and folders; exit 1 if anything is found")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to this file instead of standard output")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix, also apply fixes that change behaviour")
    check.add_argument("--select", metavar="LIST", help="comma-separated rule ids, names, id prefixes or topics to run (default: all)")
    check.add_argument("--extend-select", metavar="LIST", help="comma-separated rules to run on top of the selected ones (opt-in rules, for example)")
    check.add_argument("--ignore", metavar="LIST", help="comma-separated rules to skip")
    check.add_argument("--min-confidence", choices=["low", "medium", "high"], help="drop findings below this confidence")
    check.add_argument("--config", metavar="FILE", help="a pyproject.toml to read [tool.secure-ls] from (default: the nearest one)")
    check.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: all cores)")
    check.add_argument("--no-dependencies", action="store_true", help="skip known-vulnerable dependency scanning")
    check.add_argument("--cache-dir", help="where results of unchanged files are kept (default: .secure_ls_cache in the project folder)")
    check.add_argument("--no-cache", action="store_true", help="analyse every file; read and write no cache")
    check.add_argument("--baseline", metavar="FILE", help="a report written earlier with --format json: report only findings not in it")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=["text", "json"], default="text")
    return parser


# Analysis allocates millions of AST nodes while its caches keep many alive; with the
# default thresholds the cyclic collector rescans those caches again and again (a
# third of a `check` went there). ASTs hold no cycles, so collect far less often.
GC_THRESHOLDS = (50_000, 100, 100)


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # `check --bogus`: check's usage, not the top-level one
        command = getattr(parser, "commands", {}).get(args.command)
        (command or parser).unrecognized(extra)
    if args.command == "serve":
        from secure_ls.lsp.server import run

        return run(log_file=args.log_file)
    if args.command == "check":
        try:
            return _check(args)
        except ConfigError as exc:
            print(f"secure-ls: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:  # `secure-ls check | head`
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_FINDINGS
        finally:
            # The report is out. The interpreter's last act is a full collection over every
            # object the run's caches still hold (trees, summaries): a sixth of a check's CPU,
            # for nothing. Frozen objects are left out of it; they are still freed by
            # reference counting, and the run's data holds no cycles that would need more.
            gc.freeze()
    if args.command == "rules":
        try:
            return _rules(args)
        except BrokenPipeError:  # `secure-ls rules | head`
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_CLEAN
    _parser().print_help()
    return EXIT_ERROR


def _check(args) -> int:
    from pathlib import Path

    from secure_ls import checker, output
    from secure_ls.config import load_pyproject, settings_for
    from secure_ls.rules import all_rules

    for path in args.paths:
        if not os.path.exists(path):
            raise ConfigError(f"no such file or folder: {path}")
    if args.unsafe_fixes and not args.fix:
        raise ConfigError("--unsafe-fixes only makes sense with --fix")
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    base = Settings()
    if args.config:
        config_path = Path(args.config)
        # exists, not is_file: a FIFO or device is refused by load_pyproject, saying what it is
        if not config_path.exists() or config_path.is_dir():
            raise ConfigError(f"--config: no such file: {args.config}")
        base = base.merged(load_pyproject(config_path), f"{config_path} [tool.secure-ls]")
        base.root = str(config_path.resolve().parent)
    else:
        base = settings_for(args.paths[0])
    overrides = {}
    from secure_ls.config import _matches

    rules = all_rules()
    for option in ("select", "extend-select", "ignore"):
        value = getattr(args, option.replace("-", "_"))
        if value is not None:
            items = [v.strip() for v in value.split(",") if v.strip()]
            for item in items:
                # the same matching as the settings use: id, id prefix, name or topic, any case
                if not any(_matches(item, rule) for rule in rules):
                    raise ConfigError(f"--{option}: unknown rule '{item}'{_did_you_mean(item, rules)}")
            overrides[option] = items
    if args.min_confidence:
        overrides["min-confidence"] = args.min_confidence
    if args.no_dependencies:
        overrides["dependencies"] = {"enable": False}
    settings = base.merged(overrides, "command line")
    settings.root = base.root
    known = None
    # --baseline: paths as written (run from the same folder); the `baseline` setting: paths
    # relative to the baseline's folder, as in the editor
    baseline_file, absolute = args.baseline, False
    if not baseline_file and settings.baseline_path():
        baseline_file, absolute = settings.baseline_path(), True
    if baseline_file:
        from secure_ls import baseline

        try:
            known = baseline.load(baseline_file, base_dir=os.path.dirname(os.path.abspath(baseline_file)) if absolute else None)
        except baseline.BaselineError as exc:
            raise ConfigError(str(exc) if not absolute else str(exc).replace("--baseline: ", "baseline setting: ", 1)) from None
    # `settings` already holds the pyproject.toml (or --config) with the options on top: read it once
    paths = _checkable(args.paths)
    results = (
        checker.check_paths(paths, settings, fix=args.fix, unsafe=args.unsafe_fixes, jobs=args.jobs, read_config=False, cache_dir=_cache_dir(args, settings))
        if paths
        else []
    )
    pairs = [(r.path, r.findings) for r in results]
    errors = [r.error for r in results if r.error]
    warnings = [w for r in results for w in r.warnings]
    notebooks = {r.path: r.notebook for r in results if r.notebook is not None}
    prints = all_prints = _fingerprints(results)
    states = None
    baselined = None
    if known is not None:
        from secure_ls import baseline

        states = {path: baseline.states(known, path, findings, prints[path], absolute=absolute) for path, findings in pairs if findings}
        # text and JSON show the new findings only; SARIF has them all, each with its baselineState
        all_pairs, pairs = pairs, [(path, [f for f, s in zip(findings, states.get(path, ())) if s == "new"]) for path, findings in pairs]
        prints = {path: [p for p, s in zip(prints[path], states[path]) if s == "new"] for path in states}
        baselined = sum(len(fs) for _, fs in all_pairs) - sum(len(fs) for _, fs in pairs)
    if args.format == "json":
        report = output.as_json(pairs, errors, fingerprints=prints, baselined=baselined, warnings=warnings, notebooks=notebooks)
    elif args.format == "sarif":
        report = output.sarif(all_pairs if known is not None else pairs, errors, fingerprints=all_prints, states=states, warnings=warnings, notebooks=notebooks)
    else:
        report = output.text(pairs, errors + warnings, baselined=baselined, notebooks=notebooks)
        fixed = sum(r.fixed for r in results)
        if args.fix:
            report += f"\nFixed {fixed} finding{'s' if fixed != 1 else ''}."
            report += "".join(f"\n{note}" for r in results for note in r.notes)
    if args.output:
        try:
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            Path(args.output).write_text(report + "\n", encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"--output: cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        print(report)
    return EXIT_FINDINGS if any(pairs_findings for _, pairs_findings in pairs) else EXIT_CLEAN


def _cache_dir(args, settings: Settings) -> str | None:
    """The results cache folder: --cache-dir, else `cache-dir` (relative to its pyproject.toml), else the default."""
    from secure_ls import project

    if args.no_cache:
        return None
    if args.cache_dir:
        return os.path.abspath(args.cache_dir)
    return project.results_cache_dir(settings, lambda note: print(f"secure-ls: note: {note}", file=sys.stderr))


def _checkable(paths: list[str]) -> list[str]:
    """The PATH arguments to check. A file named explicitly that is neither Python (by its
    suffix, or a `#!...python` first line) nor a dependency file is skipped with a note on
    standard error: analysing README.md as Python would only report a syntax error."""
    from pathlib import Path

    from secure_ls import project

    out = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() or project.file_kind(raw) is not None or _python_script(path):
            out.append(raw)
        else:
            print(
                f"secure-ls: note: skipped {raw}: not a Python file (.py, .pyi, .pyw, .ipynb, or a python #! script) nor a dependency file",
                file=sys.stderr,
            )
    return out


def _python_script(path) -> bool:
    try:
        with open(path, "rb") as file:
            first = file.readline(200)
    except OSError:
        return True  # let the check report why it cannot be read
    return first.startswith(b"#!") and b"python" in first


def _did_you_mean(selector: str, rules) -> str:
    """" (did you mean 'SLS302'?)" for a misspelled rule id, name or topic."""
    import difflib

    candidates = {c.lower(): c for r in rules for c in (r.id, r.name, r.topic)}
    typed = selector.lower()

    def closeness(candidate: str) -> tuple[float, int]:
        # difflib's ratio, then characters in the same place (SLS3O2 is SLS302 more than SLS320)
        return difflib.SequenceMatcher(None, typed, candidate).ratio(), sum(a == b for a, b in zip(typed, candidate))

    best = max(candidates, key=closeness)
    return f" (did you mean '{candidates[best]}'?)" if closeness(best)[0] >= 0.7 else " (see 'secure-ls rules')"


def _fingerprints(results) -> dict[str, list[str]]:
    """Path -> the baseline fingerprint of each of its findings (files with findings only)."""
    from pathlib import Path

    from secure_ls import baseline, checker, project

    out: dict[str, list[str]] = {}
    for result in results:
        if not result.findings:
            continue
        if result.notebook is not None:
            text = result.notebook.text
        else:
            try:
                text = checker.read_source(Path(result.path))
            except OSError:
                text = ""
        python = project.is_python(result.path) or result.notebook is not None
        out[result.path] = baseline.fingerprints(text, result.findings, python=python)
    return out


def _rules(args) -> int:
    import json

    from secure_ls.rules import all_rules

    rows = [
        {
            "id": r.id,
            "name": r.name,
            "title": r.title,
            "cwe": r.cwe,
            "severity": r.severity.name.lower(),
            "topic": r.topic,
            "fix": r.fixable,
            "bandit": list(r.bandit),
            "ruff": list(r.ruff()),
            "opt_in": not r.default_enabled,
        }
        for r in all_rules()
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            opt_in = "  (opt-in: runs only when selected)" if row["opt_in"] else ""
            print(f"{row['id']}  {row['name']:<34} {'fix' if row['fix'] else '   '}  {row['title']}{opt_in}")
    return EXIT_CLEAN
