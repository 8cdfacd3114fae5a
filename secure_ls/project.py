"""The project layer: what the command line (checker.py) and the editor (lsp/) share.

- **Which files secure-ls reads, and as what** (`file_kind`): Python source,
  a Jupyter notebook, or a dependency file (requirements.txt, pyproject.toml,
  lock files; secure_ls/deps). This is the one place that decides it.
- **Discovery** (`discover`): the files to check under folders, skipping
  virtualenvs, build output, vendored copies of the declared dependencies and
  excluded paths.
- **Settings to engine** (`engine_options`, `selected_rules`, `engine_for`): one
  engine per distinct set of options and selected rules, reused across files; a rule
  the settings do not select is not in the engine.
- **The workspace store for a batch run** (`workspace_for`, `workspace_roots`):
  function summaries of the checked folders' modules, for calls across files
  (the editor keeps its own, lsp/workspace_index.py).
- **Dependency scanning** (`is_dependency_file`, `scanner_for`, `scan`,
  `is_advisory_warning`): the only way the rest of secure-ls reaches
  secure_ls.deps.
- **Dependencies that fixes add** (`dependency_file_for`, `undeclared`,
  `dependency_title`, `declare`, `with_dependency_titles`): which file declares the
  project's dependencies, what it declares, and the edit adding one.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from secure_ls import safe_files
from secure_ls.config import DEFAULT_EXCLUDE, Settings
from secure_ls.engine import catalog
from secure_ls.engine.analyzer import Engine, EngineOptions, is_test_path
from secure_ls.engine.model import AnalysisResult
from secure_ls.engine.workspace import WorkspaceSummaries, is_configuration
from secure_ls.notebook import is_notebook

# ---------------------------------------------------------------- file kinds

PYTHON = "python"
NOTEBOOK = "notebook"
DEPENDENCIES = "dependencies"
PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")


def file_kind(path: str | os.PathLike) -> str | None:
    """What secure-ls reads the file at `path` as, by its name: DEPENDENCIES (a file the
    dependency scanner reads), NOTEBOOK (`.ipynb`), PYTHON (`.py`, `.pyi`, `.pyw`), or None.
    (A file named on the command line is also read as Python when its first line is a
    `#!...python` line: cli.py decides that, from the file's content.)"""
    name = str(path)
    if is_dependency_file(name):
        return DEPENDENCIES
    if is_notebook(name):
        return NOTEBOOK
    if name.endswith(PYTHON_SUFFIXES):
        return PYTHON
    return None


def is_python(path: str | os.PathLike) -> bool:
    """Whether the file is Python source by its name (`.py`, `.pyi`, `.pyw`)."""
    return file_kind(path) == PYTHON


# ---------------------------------------------------------------- reading files


def read_source(path: Path) -> str:
    """File text as Python would decode it (coding cookie, BOM), never raising on bad bytes."""
    data = safe_files.read_bytes(path, safe_files.SOURCE_LIMIT)
    encoding, bom = source_encoding(data)
    return data[len(bom):].decode(encoding, errors="replace")


def source_encoding(data: bytes) -> tuple[str, bytes]:
    """The encoding Python reads these bytes with (coding cookie, BOM), and the BOM to keep."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8", b"\xef\xbb\xbf"
    try:
        import io
        import tokenize

        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        "".encode(encoding)
        return encoding, b""
    except (SyntaxError, LookupError):
        return "utf-8", b""


# ---------------------------------------------------------------- discovery


def discover(paths: list[str], settings: Settings) -> list[Path]:
    """Python files (and notebooks and dependency files) under `paths`, skipping virtualenvs
    and build output. A file named in `paths` is kept whatever its name."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found.append(path)
            continue
        declared = declared_import_names(path)
        for folder, dirs, files in os.walk(path):
            if folder != str(path) and holds_vendored_copies(Path(folder), dirs, declared):
                dirs[:] = []  # the walk's own listing of the folder decides: no second read of it
                continue
            dirs[:] = sorted(
                d
                for d in dirs
                if not any(fnmatch.fnmatch(d, pattern) for pattern in DEFAULT_EXCLUDE)
                and not (Path(folder) / d / "pyvenv.cfg").exists()
                and not settings.excluded(str(Path(folder) / d))
            )
            for name in sorted(files):
                file = Path(folder) / name
                if file_kind(file) is not None and not settings.excluded(str(file)):
                    found.append(file)
    # a file named twice (`check . app.py`) is checked, reported and fixed once
    seen: set[str] = set()
    unique = []
    folders: dict[str, str] = {}
    for file in found:
        real = _real_path(str(file), folders)
        if real not in seen:
            seen.add(real)
            unique.append(file)
    return unique


def _real_path(path: str, folders: dict[str, str]) -> str:
    """os.path.realpath(path), resolving each folder once: realpath costs a system call
    per path component, and was a fifth of a warm run. A file that is not a symbolic link
    is its folder's real path joined with its name."""
    if os.path.islink(path):
        return os.path.realpath(path)
    folder, name = os.path.split(path)
    real = folders.get(folder)
    if real is None:
        real = folders[folder] = os.path.realpath(folder or os.curdir)
    return os.path.join(real, name)


# ---------------------------------------------------------------- settings -> engine

_ENGINES: dict[int, Engine] = {}
_WORKSPACES: dict[tuple, WorkspaceSummaries] = {}


def engine_options(settings: Settings) -> EngineOptions:
    """Engine options for these settings: configured sources/sanitizers extend the built-in ones."""
    return EngineOptions(
        sources={**catalog.SOURCE_NAMES, **settings.sources} if settings.sources else None,
        sanitizers={**catalog.SANITIZERS, **{k: frozenset(v) for k, v in settings.sanitizers.items()}} if settings.sanitizers else None,
        max_chars=settings.max_file_size,
        project_root=os.path.abspath(settings.root) if settings.root else None,
    )


def selected_rules(settings: Settings) -> tuple[type, ...]:
    """The rules these settings run (`select`, `extend-select`, `ignore`, opt-in rules):
    decided before analysis, so an unselected rule never runs. `per-file-ignores`
    depends on the file and is applied to the findings (`Settings.apply`)."""
    from secure_ls.rules import all_rules

    return tuple(rule for rule in all_rules() if settings.rule_enabled(rule))


def engine_for(settings: Settings) -> Engine:
    """The engine for these settings (one per distinct set of options and rules, kept for the process)."""
    options = engine_options(settings)
    rules = selected_rules(settings)
    key = hash((options.fingerprint(), options.max_chars, options.project_root, frozenset(r.id for r in rules)))
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = Engine(rules, options=options)
    return engine


def workspace_for(settings: Settings, roots: tuple[str, ...], run: str = "") -> WorkspaceSummaries:
    """Function summaries of the checked folders' modules, for calls across files.

    Filled lazily: a module is read and summarised the first time a checked
    file imports from it (once per process and run).
    """
    options = engine_options(settings)
    key = (roots, options.fingerprint(), run)
    if len(_WORKSPACES) > 8 and key not in _WORKSPACES:
        _WORKSPACES.clear()
    workspace = _WORKSPACES.get(key)
    if workspace is None:
        workspace = _WORKSPACES[key] = WorkspaceSummaries(
            roots, sources=options.sources, sanitizers=options.sanitizers, project_files=lambda: _listed(run, roots, settings)
        )
    return workspace


# The files a batch run found under its roots, by run (checker.check_paths): its workspaces, in the
# process or in workers forked after, take the configurations from it instead of walking again.
LISTED_BY_RUN: dict[str, list[str]] = {}


def _listed(run: str, roots: tuple[str, ...], settings: Settings) -> list[str]:
    listed = LISTED_BY_RUN.get(run.split("/", 1)[0])  # a worker's share runs as `run/k`
    return [f for f in listed if is_configuration(f)] if listed is not None else configurations(roots, settings)


def configurations(roots: tuple[str, ...], settings: Settings) -> list[str]:
    """The project's configurations under the checked folders: Django URL configurations, logging
    configurations (engine/workspace.CONFIGURATIONS)."""
    return [str(f) for f in discover(list(roots), settings) if is_configuration(str(f))]


def workspace_roots(paths: list[str], settings: Settings) -> tuple[str, ...]:
    """The folders a batch run resolves imports in: each checked folder (a file's own
    folder) and the project root."""
    roots = []
    for raw in paths:
        path = Path(raw).resolve()
        roots.append(str(path if path.is_dir() else path.parent))
    if settings.root:
        roots.append(str(Path(settings.root).resolve()))
    return tuple(dict.fromkeys(roots))


# Copies of this many of the project's declared dependencies, in a folder of at least this many
# packages, make the folder vendored code.
VENDORED_COPIES = 3
VENDORED_PACKAGES = 5
_DISTRIBUTION_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


def declared_import_names(root: Path) -> frozenset[str]:
    """The names the dependencies declared in `root`'s requirements files and pyproject.toml
    are imported by, as far as their names say (`cherrypy-cors` -> `cherrypy_cors`)."""
    from secure_ls.deps.files import parse_dependency_file

    names: set[str] = set()
    try:
        entries = sorted(os.listdir(root))[:200]
    except OSError:
        return frozenset()
    for entry in entries:
        file = root / entry
        if not is_dependency_file(str(file)) or not file.is_file():
            continue
        try:
            text = safe_files.read_text(file, 1_000_000, errors="replace")
        except (OSError, ValueError):
            continue
        names.update(d.name.replace("-", "_") for d in parse_dependency_file(str(file), text).dependencies)  # PEP 503 names
    return frozenset(names)


def holds_vendored_copies(folder: Path, packages: list[str], declared: frozenset[str]) -> bool:
    """A folder of third-party code copied into the project (Tautulli's `lib/`, a `pip install
    --target` folder): among five or more packages, it holds packages named after VENDORED_COPIES
    or more of the project's declared dependencies, none of them a distribution of the project's
    own (a workspace member has its own pyproject.toml or setup.py). Modules are not counted: a
    project names its own adapters after what they wrap (`util/flask.py`, `common/celery.py`).
    The copies' advisories are the dependency scan's business; a folder named on the command
    line is still checked. `packages`: the folders in `folder`."""
    if len(declared) < VENDORED_COPIES or len(packages) < VENDORED_PACKAGES:
        return False
    copies = [p for p in packages if p.lower() in declared and not any((folder / p / f).exists() for f in _DISTRIBUTION_FILES)]
    return len(copies) >= VENDORED_COPIES


# ---------------------------------------------------------------- dependency files


def is_dependency_file(path: str) -> bool:
    """Whether the dependency scanner reads this file (by its name)."""
    from secure_ls.deps import is_dependency_file as check

    return check(path)


def is_advisory_warning(problem: str) -> bool:
    """Whether a scan problem says advisories were unavailable (a warning: the file itself
    was fine) rather than that something went wrong with the file."""
    from secure_ls.deps.scanner import CACHED_ADVISORIES, NO_ADVISORY_DATA

    return NO_ADVISORY_DATA in problem or problem.endswith(CACHED_ADVISORIES)


def dependency_options(settings: Settings):
    """The scanner's options from [tool.secure-ls.dependencies]."""
    from secure_ls.deps import DependencyOptions

    d = settings.dependencies
    kwargs = dict(
        enable=d.enable,
        offline_dir=_resolve(d.offline_dir, settings.root),
        ca_bundle=_resolve(d.ca_bundle, settings.root),
        base_url=d.base_url,
        cache_dir=_claimed(_resolve(d.cache_dir, settings.root)),
        cache_ttl_hours=d.cache_ttl_hours,
        timeout=d.timeout,
    )
    return DependencyOptions(**kwargs)


# ---- the results cache of `secure-ls check` ----------------------------------------------
def results_cache_dir(settings: Settings, warn=safe_files.warn_once) -> str:
    """`cache-dir` (relative to its pyproject.toml) when secure-ls may write there, else
    `.secure_ls_cache` in the project's folder (cache.py); `warn(note)` says why a configured
    folder is not used."""
    from secure_ls.cache import default_dir

    if settings.cache_dir:
        configured = os.path.join(settings.root or os.getcwd(), os.path.expanduser(settings.cache_dir))
        refused = safe_files.claim_cache_dir(configured)
        if refused is None:
            return configured
        # a project's configuration may not make secure-ls write into a folder it did not create
        warn(f"cache-dir ignored: {refused}; using the default")
    return str(default_dir(settings))


def results_cache(directory: str | os.PathLike, settings: Settings):
    """The results cache's entries in `directory` for these settings (cache.Cache): its key
    holds the rules they select."""
    from secure_ls.cache import Cache

    return Cache(directory, settings, [rule.id for rule in selected_rules(settings)])


_CACHE_READERS: dict[tuple[str, str], object] = {}  # (folder, settings key) -> its Cache, for the editor
# The most the editor parses of a run's cache to show a file at once. A large project's packs
# hold every file's entry (95 MB of JSON for a 4,300-file Django project): parsing them took
# half a second and kept 230 MB resident to answer one file the engine analyses in 30 ms.
EDITOR_CACHE_READ_LIMIT = 16 * 1024 * 1024


def cached_analysis(path: str, text: str, settings: Settings, module_path) -> AnalysisResult | None:
    """What `secure-ls check` found in this very text of `path`, when its cache entry still
    holds (the same settings, and every module its analysis read unchanged on disk;
    `module_path(dotted, importer)` answers module-name lookups now). The editor shows it at
    once when a file is opened, then analyses the buffer (lsp/diagnostics.py)."""
    directory = results_cache_dir(settings)
    if not os.path.isdir(directory):
        return None
    root = os.path.abspath(settings.root) if settings.root else None
    reader = results_cache(directory, settings)
    reader = _CACHE_READERS.setdefault((directory, reader.key), reader)  # its packs parsed once
    if reader.refresh() > EDITOR_CACHE_READ_LIMIT:
        safe_files.warn_once(f"{directory}: the results cache holds over {EDITOR_CACHE_READ_LIMIT // (1024 * 1024)} MB for these settings; the editor analyses opened files instead of reading it")
        return None
    found = reader.load(path, text, is_test_path(path, root), module_path)
    if found is None:
        return None
    return AnalysisResult(findings=found[0], problems=[p for p in found[1] if isinstance(p, str)])


def _claimed(folder: str | None) -> str | None:
    """A configured advisory cache folder, if secure-ls may write there (safe_files.claim_cache_dir);
    otherwise None (the default folder), with one log line."""
    if not folder:
        return folder
    refused = safe_files.claim_cache_dir(os.path.expanduser(folder))
    if refused is None:
        return folder
    safe_files.warn_once(f"dependencies.cache-dir ignored: {refused}; using the default")
    return None


def _resolve(path: str | None, root: str | None) -> str | None:
    """Relative paths in [tool.secure-ls] are relative to that pyproject.toml's folder."""
    if not path or not root:
        return path
    expanded = os.path.expanduser(path)
    return expanded if os.path.isabs(expanded) else os.path.join(root, expanded)


_SCANNERS: dict[str, object] = {}


def scanner_for(settings: Settings):
    """One scanner per distinct set of options, so its in-memory cache is reused."""
    from secure_ls.deps import DependencyScanner

    options = dependency_options(settings)
    key = repr(options)
    if key not in _SCANNERS:
        _SCANNERS[key] = DependencyScanner(options)
    return _SCANNERS[key]


def scan(path: str, text: str, settings: Settings) -> AnalysisResult:
    """Blocking scan of a dependency file (network allowed), for the CLI."""
    if not settings.dependencies.enable:
        return AnalysisResult()
    return scanner_for(settings).scan(path, text)


# ---------------------------------------------------------------- dependencies that fixes add
#
# A fix whose code imports a package the file did not use (`Fix.requires`, engine/
# distributions.py) needs that distribution declared. Which file declares the project's
# dependencies (docs/configuration.md#dependencies-that-fixes-add):
#   1. the project root is the nearest folder up from the file with a pyproject.toml (or
#      .git; or the filesystem root);
#   2. if that pyproject.toml has a [project].dependencies array, the new line goes there; else
#      if it has Poetry's [tool.poetry.dependencies] table, `name = "*"` goes there;
#   3. else the nearest requirements.in (pip-tools' source) or else requirements.txt, from
#      the file's folder up to the project root;
#   4. else none: the fix title says the distribution is needed and not declared.
# Declared means named (any version, PEP 503-normalised) in any dependency table of that
# pyproject.toml or in that requirements file (with its -r includes). Installed is not declared.


@dataclass(frozen=True)
class DependencyFile:
    path: str | None  # where a fix's new dependencies go; None: the project has no such file
    kind: str  # "pyproject", "requirements" or ""
    declared: frozenset[str]  # canonical names declared by the project


def dependency_file_for(source: str, read=None) -> DependencyFile:
    """The file that declares the dependencies of the project `source` belongs to. `read(path)`
    gives a file's text (the editor passes open buffers); by default it is read from disk."""
    from secure_ls.deps.declare import has_project_dependencies
    from secure_ls.deps.files import parse_dependency_file

    read = read or _read_text
    folder = os.path.dirname(os.path.abspath(source))
    requirements = pyproject = None
    while True:
        if requirements is None:
            for name in ("requirements.in", "requirements.txt"):
                if os.path.isfile(os.path.join(folder, name)):
                    requirements = os.path.join(folder, name)
                    break
        if os.path.isfile(os.path.join(folder, "pyproject.toml")):
            pyproject = os.path.join(folder, "pyproject.toml")
            break
        parent = os.path.dirname(folder)
        if os.path.isdir(os.path.join(folder, ".git")) or parent == folder:
            break
        folder = parent
    declared: set[str] = set()
    target, kind = None, ""
    for path in (pyproject, requirements):
        text = read(path) if path else None
        if text is None:
            continue
        declared |= {d.name for d in parse_dependency_file(path, text).dependencies}
        if target is None and (path is requirements or has_project_dependencies(text)):
            target, kind = path, "pyproject" if path is pyproject else "requirements"
    return DependencyFile(target, kind, frozenset(declared))


def _read_text(path: str) -> str | None:
    try:
        return safe_files.read_bytes(Path(path), safe_files.SOURCE_LIMIT).decode("utf-8")
    except (OSError, UnicodeDecodeError):  # not UTF-8: neither read nor rewritten
        return None


def undeclared(requires, target: DependencyFile) -> list[str]:
    """The distributions in `requires` the project does not declare."""
    from packaging.utils import canonicalize_name

    return [d for d in dict.fromkeys(requires) if canonicalize_name(d) not in target.declared]


def dependency_title(title: str, missing: list[str], target: DependencyFile) -> str:
    """A fix title that says which new dependencies the fix adds, or needs."""
    if not missing:
        return title
    names = ", ".join(missing)
    if target.path is None:
        return f"{title} (needs {names}, not declared in the project's dependencies)"
    return f"{title} (adds dependency {names} to {os.path.basename(target.path)})"


def declare(target: DependencyFile, text: str, missing: list[str]):
    """The edit (engine model Edit, over `text`) that adds `missing` to the target file, or None."""
    from secure_ls.deps.declare import pyproject_edit, requirements_edit
    from secure_ls.engine.edits import apply_edits

    new = text
    for name in missing:
        edit = pyproject_edit(new, name) if target.kind == "pyproject" else requirements_edit(new, name)
        if edit is None:
            return None
        new = apply_edits(new, [edit])
    return _one_edit(text, new)


def declaration_edit(source: str, requires, read=None):
    """(the dependency file, its text, the edit) that declares what `requires` names and the
    project of `source` does not declare yet; None when nothing is missing, the project has no
    dependency file, or the file cannot be edited. `read` as for dependency_file_for."""
    read = read or _read_text
    target = dependency_file_for(source, read)
    missing = undeclared(requires, target)
    if not missing or target.path is None:
        return None
    text = read(target.path)
    edit = declare(target, text, missing) if text is not None else None
    return (target.path, text, edit) if edit is not None else None


def _one_edit(old: str, new: str):
    """One edit that turns `old` into `new`: the text between their common prefix and suffix."""
    from secure_ls.deps.files import LineIndex
    from secure_ls.engine.model import Edit

    if old == new:
        return None
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    return Edit(LineIndex(old).span(start, len(old) - end), new[start : len(new) - end])


def with_dependency_titles(path: str, findings: list, read=None) -> list:
    """`findings` with the titles of fixes that need undeclared dependencies saying so."""
    if not any(fix.requires for f in findings for fix in f.fixes()):
        return findings
    import dataclasses

    target = dependency_file_for(path, read)

    def titled(fix):
        missing = undeclared(fix.requires, target)
        return dataclasses.replace(fix, title=dependency_title(fix.title, missing, target)) if missing else fix

    out = []
    for f in findings:
        if any(fix.requires for fix in f.fixes()):
            f = dataclasses.replace(f, fix=titled(f.fix) if f.fix else None, alternatives=tuple(titled(a) for a in f.alternatives))
        out.append(f)
    return out
