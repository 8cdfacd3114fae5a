"""The one place the rest of secure-ls talks to dependency scanning (secure_ls.deps)."""

from __future__ import annotations

from secure_ls.engine.model import AnalysisResult


def is_dependency_file(path: str) -> bool:
    try:
        from secure_ls.deps import is_dependency_file as check
    except ImportError:
        return False
    return check(path)


def options_for(settings):
    from secure_ls.deps import DependencyOptions

    d = settings.dependencies
    kwargs = dict(
        enable=d.enable,
        offline_dir=d.offline_dir,
        ca_bundle=d.ca_bundle,
        base_url=d.base_url,
        cache_dir=d.cache_dir,
        cache_ttl_hours=d.cache_ttl_hours,
    )
    return DependencyOptions(**kwargs)


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
