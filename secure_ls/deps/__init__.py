"""Known-vulnerable dependency scanning (rules SLS901 and SLS902).

Files read (`is_dependency_file`): ``requirements*.txt``, ``*-requirements.txt``,
``requirements*.in``, ``constraints*.txt`` and ``.txt``/``.in`` files in a
``requirements/`` folder (with ``-r``/``-c`` includes, extras, markers,
``--hash`` options, comments and ``\\`` continuations); ``pyproject.toml``
(PEP 621 ``dependencies`` / ``optional-dependencies``,
PEP 735 ``[dependency-groups]``, Poetry's ``[tool.poetry.dependencies]``,
``dev-dependencies`` and ``group.*.dependencies``); the lock files
``uv.lock``, ``poetry.lock`` and ``pylock.toml`` / ``pylock.*.toml``.

API (all positions are the engine's: 0-based line, code-point column)::

    from secure_ls.deps import DependencyOptions, DependencyScanner, is_dependency_file

    is_dependency_file(path: str) -> bool

    scanner = DependencyScanner(DependencyOptions(
        enable=True,
        offline_dir=None,        # directory of OSV JSON records (or all.zip): no network at all
        ca_bundle=None,          # extra CA file trusted on top of certifi's bundle
        base_url="https://api.osv.dev",   # must be https://
        cache_dir=None,          # default $XDG_CACHE_HOME/secure-ls/osv or ~/.cache/secure-ls/osv
        cache_ttl_hours=24,
        timeout=10.0,            # seconds per HTTP request
    ))

    scanner.scan_cached(path, text) -> tuple[AnalysisResult, set[tuple[str, str]]]
        Never touches the network (fast enough to run on every change).
        Findings come from the cache or the offline records; the set holds the
        (name, version) keys to fetch: missing or older than the lifetime
        (stale answers are still used meanwhile). version "" means "all
        advisories of the package" (asked for unpinned ranges). The set is
        empty in offline mode and while backing off after a network failure.
        Malformed files give `syntax_errors` (span + message), never an
        exception; `problems` carries messages for the log.

    scanner.fetch(keys) -> str | None
        Blocking: asks OSV (POST /v1/querybatch, then GET /v1/vulns/{id} for
        records not cached or modified), fills the cache, and also checks the
        versions the suggested bumps would move to. Returns None on success,
        or one user-facing message on failure (the same text for the same
        outage: show it once, log repeats). After a failure it backs off
        (1 min doubling to 15 min) without touching the network. Thread-safe;
        meant for a background thread, then re-run scan_cached.

    scanner.scan(path, text) -> AnalysisResult
        scan_cached + fetch + scan_cached (for the CLI); a fetch error is
        appended to `problems`.

    scanner.fix_all(path, text, include_ranges=False) -> Fix | None
        One unsafe Fix with every pin bump of the file (the "fix all
        vulnerable pins" source action); `merge_fixes(result)` does the same
        from an existing AnalysisResult.

Findings: SLS901 ``vulnerable-dependency`` for an exact pin (``==``/``===``,
a Poetry bare version, any lock-file entry) of an affected version, with
confidence HIGH and the advisory's severity; SLS902
``vulnerable-dependency-range`` for a range whose lowest versions are
vulnerable (confidence MEDIUM, one severity level lower). Both CWE-1395.
Each fix is ``Fix("Upgrade <name> to <version>", edits, safe=False)``;
lock-file findings have no fix (the message says which command updates
the lock).
"""

from .files import file_kind, is_dependency_file, parse_dependency_file
from .scanner import (
    CWE,
    PIN_RULE,
    RANGE_RULE,
    DependencyOptions,
    DependencyScanner,
    merge_fixes,
)

__all__ = [
    "CWE",
    "PIN_RULE",
    "RANGE_RULE",
    "DependencyOptions",
    "DependencyScanner",
    "file_kind",
    "is_dependency_file",
    "merge_fixes",
    "parse_dependency_file",
]
