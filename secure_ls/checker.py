"""`secure-ls check`: the batch run. Analyse the files the project layer (project.py)
finds, in parallel, with results from the cache; optionally fix them."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from secure_ls.cache import Cache
from secure_ls import project, safe_files
from secure_ls.config import Settings, settings_for
from secure_ls.engine.analyzer import is_test_path
from secure_ls.engine.edits import apply_fixes, selected_fixes
from secure_ls.engine.model import Finding
from secure_ls.engine.workspace import WorkspaceSummaries
from secure_ls.notebook import Notebook, NotebookError, read_notebook
from secure_ls.project import discover, engine_for, read_source, source_encoding, workspace_for, workspace_roots  # noqa: F401 (re-exported)


def write_fixed_source(path: Path, text: str) -> str | None:
    """Writes fixed text back in the file's own encoding (and BOM); the reason if it cannot."""
    data = safe_files.read_bytes(path, safe_files.SOURCE_LIMIT)
    encoding, bom = source_encoding(data)
    try:
        data[len(bom):].decode(encoding)
    except UnicodeDecodeError:
        return f"not fixed: the file is not valid {encoding}, so rewriting it would change bytes the fix does not touch"
    try:
        encoded = text.encode(encoding)
    except UnicodeEncodeError:
        return f"not fixed: the fixed text cannot be written in the file's encoding ({encoding})"
    path.write_bytes(bom + encoded)
    return None


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    fixed: int = 0
    cache_entry: tuple[str, dict] | None = field(default=None, repr=False, compare=False)  # for the parent to save
    warnings: list[str] = field(default_factory=list)  # e.g. no advisory data for a dependency file
    notebook: Notebook | None = None  # for a .ipynb: its code cells as one module, and the position maps
    requires: list[str] = field(default_factory=list)  # distributions the applied fixes need (Fix.requires)
    notes: list[str] = field(default_factory=list)  # what --fix did besides the file: a dependency it declared


def check_file(
    path: str,
    settings: Settings,
    fix: bool = False,
    unsafe: bool = False,
    roots: tuple[str, ...] | None = None,
    run: str | None = None,
    cache: Cache | None = None,
) -> FileResult:
    file = Path(path)
    try:
        text = read_source(file)
    except OSError as exc:
        return FileResult(path, error=f"{path}: cannot read: {exc.strerror or exc}")
    dependencies = None
    kind = project.file_kind(path)  # a file of any other name was named on the command line: Python
    if kind == project.NOTEBOOK:
        return _check_notebook(path, text, settings, roots, run)
    if kind == project.DEPENDENCIES:
        result = project.scan(path, text, settings)
    else:
        roots = roots if roots is not None else workspace_roots([path], settings)
        workspace = workspace_for(settings, roots, run if run is not None else uuid.uuid4().hex)
        resolver = workspace.resolver_for(path)
        if cache is None:
            result = engine_for(settings).analyze(text, imports_resolver=resolver, path=path, on_disk=True)
        else:
            with workspace.recording(path) as dependencies:
                result = engine_for(settings).analyze(text, imports_resolver=resolver, path=path, on_disk=True)
    # what is reported after the path: `: problem` or `:line:column: syntax error ...`
    problems = [f": {p}" for p in result.problems]
    # a part that does not parse is not analysed: say so rather than pass it silently
    if result.syntax_errors and (kind == project.DEPENDENCIES or not _parses(text)):
        span, message = result.syntax_errors[0]
        more = len(result.syntax_errors) - 1
        problems.append(f":{span.start.line + 1}:{span.start.column + 1}: syntax error, not analysed: {message}" + (f" (and {more} more)" if more else ""))
    out = _file_result(path, result.findings, problems, settings)
    if dependencies is not None:
        out.cache_entry = cache.entry(path, text, is_test_path(path, _root(settings)), result.findings, problems, dependencies)
    findings = out.findings
    if fix and findings:
        new_text, applied = apply_fixes(text, findings, unsafe=unsafe)
        if applied and new_text != text:
            problem = write_fixed_source(file, new_text)
            if problem:
                out.error = "; ".join(e for e in (out.error, f"{path}: {problem}") if e)
            else:
                out.fixed = applied
                out.requires = list(dict.fromkeys(r for f in selected_fixes(findings, unsafe) for r in f.requires))
                again = engine_for(settings).analyze(new_text, imports_resolver=resolver, path=path, on_disk=True) if kind != project.DEPENDENCIES else project.scan(path, new_text, settings)
                out.findings = settings.apply(again.findings, path)
    return out


def _file_result(path: str, findings: list[Finding], problems: list[str], settings: Settings) -> FileResult:
    """`problems` are what follows the path (`: problem`, `:line:column: ...`); advisory-data
    notes (a dependency file checked with stale or no data) are warnings, not errors."""
    located = [path + p for p in problems]
    warnings = [p for p in located if project.is_advisory_warning(p)]
    error = "; ".join(p for p in located if p not in warnings) or None
    return FileResult(path, project.with_dependency_titles(path, settings.apply(findings, path)), error, warnings=warnings)


def cached_result(path: str, settings: Settings, cache: Cache, workspace: WorkspaceSummaries, fix: bool, unsafe: bool) -> FileResult | None:
    """The result of a Python file from the cache, if its entry still holds (None: analyse it).

    A `--fix` run analyses a file again if it has a fix to apply: the file is rewritten."""
    try:
        text = read_source(Path(path))
    except OSError:
        return None
    found = cache.load(path, text, is_test_path(path, _root(settings)), workspace.module_path)
    if found is None:
        return None
    out = _file_result(path, found[0], found[1], settings)
    if fix and any(f.fix is not None and (f.fix.safe or unsafe) for f in out.findings):
        return None
    return out


def _check_notebook(path: str, raw: str, settings: Settings, roots: tuple[str, ...] | None, run: str | None) -> FileResult:
    """A .ipynb: its code cells analysed as one module (secure_ls/notebook.py). Fixes are
    not offered: they would have to be written back into the cells."""
    import dataclasses

    try:
        notebook = read_notebook(raw)
    except NotebookError as exc:
        return FileResult(path, error=f"{path}: {exc}")
    roots = roots if roots is not None else workspace_roots([path], settings)
    resolver = workspace_for(settings, roots, run if run is not None else uuid.uuid4().hex).resolver_for(path)
    result = engine_for(settings).analyze(notebook.text, imports_resolver=resolver, path=path, on_disk=True)
    findings = [dataclasses.replace(f, fix=None) for f in settings.apply(result.findings, path)]
    problems = [f"{path}: {p}" for p in result.problems]
    if result.syntax_errors and not _parses(notebook.text):
        span, message = result.syntax_errors[0]
        cell, line, column = notebook.cell_position(span.start.line, span.start.column)
        more = len(result.syntax_errors) - 1
        problems.append(f"{path}: cell {cell}, line {line + 1}, column {column + 1}: syntax error, not analysed: {message}" + (f" (and {more} more)" if more else ""))
    return FileResult(path, findings, "; ".join(problems) or None, notebook=notebook)


def _parses(text: str) -> bool:
    """Whether Python parses the whole file: the engine parses it in pieces, and a piece it
    cannot parse on its own in a valid file is not a syntax error to report."""
    import ast

    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _worker(args) -> FileResult:
    path, settings, fix, unsafe, roots, run, cache = args
    try:
        return check_file(path, settings, fix, unsafe, roots, run, cache)
    except Exception as exc:  # one bad file must not stop the run
        return FileResult(path, error=f"{path}: internal error: {type(exc).__name__}: {exc}")


def shares_of(tasks: list[tuple], workers: int, run: str) -> tuple[list[list[int]], list[list[tuple]]]:
    """The files' shares, one per worker, dealt largest first (`tasks` are `_worker`'s argument
    tuples, path first and run sixth): which task indexes each share holds, and its tasks, each
    share with a run of its own (`run/k`: summaries of its own, whatever process runs it)."""
    order = sorted(range(len(tasks)), key=lambda i: (-_size(tasks[i][0]), i))
    shares = [order[k::workers] for k in range(workers)]
    return shares, [[tasks[i][:5] + (f"{run}/{k}",) + tasks[i][6:] for i in share] for k, share in enumerate(shares)]


def _share_worker(tasks: list) -> list[FileResult]:
    return [_worker(task) for task in tasks]


def check_paths(
    paths: list[str],
    base: Settings,
    fix: bool = False,
    unsafe: bool = False,
    jobs: int | None = None,
    read_config: bool = True,
    cache_dir: str | os.PathLike | None = None,
) -> list[FileResult]:
    """Checks `paths`. With `read_config`, the nearest pyproject.toml is applied on top of `base`;
    without, `base` is used as it is (the command line has already layered its options over it).
    With `cache_dir`, results of unchanged Python files come from that cache (secure_ls/cache.py)."""
    root_settings = settings_for(paths[0] if paths else ".", base) if read_config else base
    files = discover(paths, root_settings)
    roots = workspace_roots(paths, root_settings)
    run = uuid.uuid4().hex  # summaries are read fresh for each run
    if all(Path(p).is_dir() for p in paths) and set(roots) == {str(Path(p).resolve()) for p in paths}:
        project.LISTED_BY_RUN[run] = [str(f) for f in files]  # the walk the workspace would do again
    cache = project.results_cache(cache_dir, root_settings) if cache_dir is not None else None
    results: list[FileResult | None] = [None] * len(files)
    if cache is not None:
        workspace = workspace_for(root_settings, roots, run)
        for index, file in enumerate(files):
            if project.is_python(file):
                results[index] = cached_result(str(file), root_settings, cache, workspace, fix, unsafe)
    todo = [index for index, result in enumerate(results) if result is None]
    tasks = [(str(files[i]), root_settings, fix, unsafe, roots, run, cache) for i in todo]
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(tasks) < 8:
        done = [_worker(t) for t in tasks]
    else:
        # One share of the files per worker, dealt out largest first (path order left one worker
        # with a run of huge test files while the other sat idle). The shares are fixed, and each
        # has its own run of workspace summaries, so a file's findings never depend on which files
        # a worker happened to analyse before it: the same command gives the same findings, even
        # where an import cycle's summaries do not settle within their rounds (workspace._settle).
        workers = min(jobs, len(tasks))
        shares, batches = shares_of(tasks, workers, run)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            finished = list(pool.map(_share_worker, batches))
        done = [None] * len(tasks)
        for share, share_results in zip(shares, finished):
            for position, result in zip(share, share_results):
                done[position] = result
    for index, result in zip(todo, done):
        results[index] = result
    if cache is not None:
        cache.save(dict(r.cache_entry for r in done if r.cache_entry is not None))
    if fix:
        declare_dependencies([r for r in results if r.requires])
    project.LISTED_BY_RUN.pop(run, None)
    return results


def declare_dependencies(results: list[FileResult]) -> None:
    """After --fix: adds the distributions the applied fixes need and the project does not
    declare to its dependency file (project.dependency_file_for), once per file, in the parent
    process (workers fixing two modules of one project would both write it). Each result that
    needed one gets a note saying what was done."""
    by_target: dict[str | None, tuple[project.DependencyFile, list[str], list[FileResult]]] = {}
    for result in results:
        target = project.dependency_file_for(result.path)
        missing = project.undeclared(result.requires, target)
        if not missing:
            continue
        entry = by_target.setdefault(target.path, (target, [], []))
        entry[1].extend(m for m in missing if m not in entry[1])
        entry[2].append(result)
    for path, (target, missing, needing) in by_target.items():
        names = ", ".join(missing)
        if path is None:
            for result in needing:
                result.notes.append(f"{result.path}: the fixed code needs {names}, which the project does not declare (no pyproject.toml [project].dependencies, Poetry dependency table or requirements file found): add it")
            continue
        from secure_ls.engine.edits import apply_edits

        text = project._read_text(path)
        edit = project.declare(target, text, missing) if text is not None else None
        if edit is None:
            needing[0].notes.append(f"{path}: could not add {names}: add it by hand")
            continue
        Path(path).write_bytes(apply_edits(text, [edit]).encode("utf-8"))
        needing[0].notes.append(f"Added dependency {names} to {path} (needed by the fixed code)")


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _root(settings: Settings) -> str | None:
    """The project folder the engine judges test paths under (see EngineOptions.project_root)."""
    return os.path.abspath(settings.root) if settings.root else None
