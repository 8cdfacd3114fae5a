"""`secure-ls check`: find files, analyse them in parallel, optionally fix them."""

from __future__ import annotations

import fnmatch
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from secure_ls.config import DEFAULT_EXCLUDE, Settings, settings_for
from secure_ls.engine import catalog
from secure_ls.engine.analyzer import Engine, EngineOptions
from secure_ls.engine.edits import apply_fixes
from secure_ls.engine.model import Finding

_ENGINES: dict[int, Engine] = {}


def engine_options(settings: Settings) -> EngineOptions:
    """Engine options for these settings: configured sources/sanitizers extend the built-in ones."""
    return EngineOptions(
        sources={**catalog.SOURCE_NAMES, **settings.sources} if settings.sources else None,
        sanitizers={**catalog.SANITIZERS, **{k: frozenset(v) for k, v in settings.sanitizers.items()}} if settings.sanitizers else None,
        max_chars=settings.max_file_size,
    )


def engine_for(settings: Settings) -> Engine:
    options = engine_options(settings)
    key = hash((options.fingerprint(), options.max_chars))
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = Engine(options=options)
    return engine


def read_source(path: Path) -> str:
    """File text as Python would decode it (coding cookie, BOM), never raising on bad bytes."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        import tokenize
        import io

        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        return data.decode("utf-8", errors="replace")


def is_python(path: Path) -> bool:
    return path.suffix in (".py", ".pyi", ".pyw")


def discover(paths: list[str], settings: Settings) -> list[Path]:
    """Python files (and dependency files) under `paths`, skipping virtualenvs and build output."""
    from secure_ls import deps_bridge

    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found.append(path)
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(
                d
                for d in dirs
                if not any(fnmatch.fnmatch(d, pattern) for pattern in DEFAULT_EXCLUDE)
                and not (Path(folder) / d / "pyvenv.cfg").exists()
                and not settings.excluded(str(Path(folder) / d))
            )
            for name in sorted(files):
                file = Path(folder) / name
                if (is_python(file) or deps_bridge.is_dependency_file(str(file))) and not settings.excluded(str(file)):
                    found.append(file)
    return found


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    fixed: int = 0


def check_file(path: str, settings: Settings, fix: bool = False, unsafe: bool = False) -> FileResult:
    from secure_ls import deps_bridge

    file = Path(path)
    try:
        text = read_source(file)
    except OSError as exc:
        return FileResult(path, error=f"{path}: cannot read: {exc.strerror or exc}")
    if deps_bridge.is_dependency_file(path):
        result = deps_bridge.scan(path, text, settings)
    else:
        result = engine_for(settings).analyze(text)
    findings = settings.apply(result.findings, path)
    error = None
    if result.problems:
        error = "; ".join(f"{path}: {p}" for p in result.problems)
    out = FileResult(path, findings, error)
    if fix and findings:
        new_text, applied = apply_fixes(text, findings, unsafe=unsafe)
        if applied and new_text != text:
            file.write_text(new_text, encoding="utf-8", newline="")
            out.fixed = applied
            again = engine_for(settings).analyze(new_text) if not deps_bridge.is_dependency_file(path) else deps_bridge.scan(path, new_text, settings)
            out.findings = settings.apply(again.findings, path)
    return out


def _worker(args) -> FileResult:
    path, settings, fix, unsafe = args
    try:
        return check_file(path, settings, fix, unsafe)
    except Exception as exc:  # one bad file must not stop the run
        return FileResult(path, error=f"{path}: internal error: {type(exc).__name__}: {exc}")


def check_paths(paths: list[str], base: Settings, fix: bool = False, unsafe: bool = False, jobs: int | None = None) -> list[FileResult]:
    root_settings = settings_for(paths[0] if paths else ".", base)
    files = discover(paths, root_settings)
    tasks = [(str(f), root_settings, fix, unsafe) for f in files]
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(tasks) < 8:
        return [_worker(t) for t in tasks]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_worker, tasks, chunksize=max(1, len(tasks) // (jobs * 8))))
