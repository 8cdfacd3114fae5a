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


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="secure-ls", description="Find and fix insecure Python code, in your editor (serve) or in CI (check).")
    parser.add_argument("--version", action="version", version=f"secure-ls {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    serve = sub.add_parser("serve", help="run the language server over stdio")
    serve.add_argument("--stdio", action="store_true", help="accepted for editors that pass it; stdio is the only transport")
    serve.add_argument("--log-file", help="also write the server's log to this file")

    check = sub.add_parser("check", help="analyse files and folders; exit 1 if anything is found")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    check.add_argument("--output", "-o", help="write the report to this file instead of standard output")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix, also apply fixes that change behaviour")
    check.add_argument("--select", help="comma-separated rule ids, names, id prefixes or topics to run (default: all)")
    check.add_argument("--ignore", help="comma-separated rules to skip")
    check.add_argument("--min-confidence", choices=["low", "medium", "high"], help="drop findings below this confidence")
    check.add_argument("--config", help="a pyproject.toml to read [tool.secure-ls] from (default: the nearest one)")
    check.add_argument("--jobs", "-j", type=int, help="worker processes (default: all cores)")
    check.add_argument("--no-dependencies", action="store_true", help="skip known-vulnerable dependency scanning")
    check.add_argument("--cache-dir", help="where results of unchanged files are kept (default: .secure_ls_cache in the project folder)")
    check.add_argument("--no-cache", action="store_true", help="analyse every file; read and write no cache")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=["text", "json"], default="text")
    return parser


# Analysis allocates millions of AST nodes while its caches keep many alive; with the
# default thresholds the cyclic collector rescans those caches again and again (a
# third of a `check` went there). ASTs hold no cycles, so collect far less often.
GC_THRESHOLDS = (20_000, 20, 100)


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)
    args = _parser().parse_args(argv)
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
        if not config_path.is_file():
            raise ConfigError(f"--config: no such file: {args.config}")
        base = base.merged(load_pyproject(config_path), f"{config_path} [tool.secure-ls]")
        base.root = str(config_path.resolve().parent)
    else:
        base = settings_for(args.paths[0])
    overrides = {}
    from secure_ls.config import _matches

    rules = all_rules()
    for option in ("select", "ignore"):
        value = getattr(args, option)
        if value is not None:
            items = [v.strip() for v in value.split(",") if v.strip()]
            for item in items:
                # the same matching as the settings use: id, id prefix, name or topic, any case
                if not any(_matches(item, rule) for rule in rules):
                    raise ConfigError(f"--{option}: unknown rule '{item}' (see 'secure-ls rules')")
            overrides[option] = items
    if args.min_confidence:
        overrides["min-confidence"] = args.min_confidence
    if args.no_dependencies:
        overrides["dependencies"] = {"enable": False}
    settings = base.merged(overrides, "command line")
    settings.root = base.root
    # `settings` already holds the pyproject.toml (or --config) with the options on top: read it once
    results = checker.check_paths(
        args.paths, settings, fix=args.fix, unsafe=args.unsafe_fixes, jobs=args.jobs, read_config=False, cache_dir=_cache_dir(args, settings)
    )
    pairs = [(r.path, r.findings) for r in results]
    errors = [r.error for r in results if r.error]
    if args.format == "json":
        report = output.as_json(pairs, errors)
    elif args.format == "sarif":
        report = output.sarif(pairs, errors)
    else:
        report = output.text(pairs, errors)
        fixed = sum(r.fixed for r in results)
        if args.fix:
            report += f"\nFixed {fixed} finding{'s' if fixed != 1 else ''}."
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
    from secure_ls.cache import default_dir

    if args.no_cache:
        return None
    if args.cache_dir:
        return os.path.abspath(args.cache_dir)
    if settings.cache_dir:
        return os.path.join(settings.root or os.getcwd(), os.path.expanduser(settings.cache_dir))
    return str(default_dir(settings))


def _rules(args) -> int:
    import json

    from secure_ls.rules import all_rules

    rows = [
        {"id": r.id, "name": r.name, "title": r.title, "cwe": r.cwe, "severity": r.severity.name.lower(), "topic": r.topic, "fix": r.fixable, "bandit": list(r.bandit)}
        for r in all_rules()
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(f"{row['id']}  {row['name']:<34} {'fix' if row['fix'] else '   '}  {row['title']}")
    return EXIT_CLEAN
