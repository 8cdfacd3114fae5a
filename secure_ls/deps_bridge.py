"""The one place the rest of secure-ls talks to dependency scanning (secure_ls.deps)."""

from __future__ import annotations

import os

from secure_ls.engine.model import AnalysisResult


def is_dependency_file(path: str) -> bool:
    try:
        from secure_ls.deps import is_dependency_file as check
    except ImportError:
        return False
    return check(path)


def is_advisory_warning(problem: str) -> bool:
    """Whether a scan problem says advisories were unavailable (a warning: the file itself
    was fine) rather than that something went wrong with the file."""
    from secure_ls.deps.scanner import CACHED_ADVISORIES, NO_ADVISORY_DATA

    return NO_ADVISORY_DATA in problem or problem.endswith(CACHED_ADVISORIES)


def options_for(settings):
    from secure_ls.deps import DependencyOptions

    d = settings.dependencies
    kwargs = dict(
        enable=d.enable,
        offline_dir=_resolve(d.offline_dir, settings.root),
        ca_bundle=_resolve(d.ca_bundle, settings.root),
        base_url=d.base_url,
        cache_dir=_resolve(d.cache_dir, settings.root),
        cache_ttl_hours=d.cache_ttl_hours,
        timeout=d.timeout,
    )
    return DependencyOptions(**kwargs)


def _resolve(path: str | None, root: str | None) -> str | None:
    """Relative paths in [tool.secure-ls] are relative to that pyproject.toml's folder."""
    if not path or not root:
        return path
    expanded = os.path.expanduser(path)
    return expanded if os.path.isabs(expanded) else os.path.join(root, expanded)


_SCANNERS: dict[str, object] = {}


def scanner_for(settings):
    """One scanner per distinct set of options, so its in-memory cache is reused."""
    from secure_ls.deps import DependencyScanner

    options = options_for(settings)
    key = repr(options)
    if key not in _SCANNERS:
        _SCANNERS[key] = DependencyScanner(options)
    return _SCANNERS[key]


def scan(path: str, text: str, settings) -> AnalysisResult:
    """Blocking scan (network allowed), for the CLI."""
    if not settings.dependencies.enable:
        return AnalysisResult()
    return scanner_for(settings).scan(path, text)
