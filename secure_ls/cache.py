"""The persistent cache of `secure-ls check` (the model is Ruff's `.ruff_cache`).

One entry per checked Python file, named by a hash of the file's path and
of everything else its analysis depends on (entries are stored in a few
pack files, see `Cache`):

- the secure-ls version, a hash of secure-ls's own source (a development
  checkout whose rules changed starts afresh), the Python version (what
  `ast` accepts), and the engine settings that change findings (`sources`,
  `sanitizers`, `max-file-size`), the rules selected (`select`,
  `extend-select`, `ignore`: an unselected rule does not run, project.py
  `selected_rules`) and whether the path names test code. The other settings
  (`severity`, `per-file-ignores`, `min-confidence`) only filter findings: the
  entry holds the engine's findings before them, and they are applied again on
  every run, so changing them reuses the cache.

Inside, the entry holds a hash of the text that was analysed, the findings,
the problems to report, and what the analysis read from other modules of
the workspace (engine/workspace.py `WorkspaceSummaries.recording`): every
module whose function summaries it used, directly or through the summaries
of other modules, with a hash of that module's bytes; and every module-name
lookup with the file it named (or none), so that a module created later, or
moved, is noticed. An entry is used only if all of that still holds, so
editing a helper re-analyses the files whose results used its summaries,
and no other.

A pack keeps each text it holds once: the paths, module names and digests
that entries record are numbers into the pack's table of `strings` (a large
project's files each record the same thousands of module-name lookups; spelled
out in every entry, a pack of 2,000 files took 270 MB). The folder keeps the
packs of the few settings keys used last (MAX_KEYS) and of this version only:
a run that writes deletes the rest, so the cache does not grow with every
upgrade or settings change.

Packs are written to a temporary file and renamed (`os.replace`), so a
concurrent run reads a whole pack or none. An entry or pack that cannot be
read or decoded is a miss. Nothing in an entry is executed: it is plain JSON, checked
field by field (a repository may ship a crafted cache folder).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

from secure_ls import __version__, safe_files
from secure_ls.engine.model import Confidence, Edit, Finding, Fix, Position, Related, Severity, Span

DEFAULT_NAME = ".secure_ls_cache"
FORMAT = 3  # bump when the entry layout changes

_CODE_HASH: str | None = None


def code_hash() -> str:
    """A hash of secure-ls's own Python source: rules edited in a checkout invalidate the cache."""
    global _CODE_HASH
    if _CODE_HASH is None:
        package = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for file in sorted(package.rglob("*.py")):
            if "lsp" in file.relative_to(package).parts:
                continue  # the protocol layer does not analyse
            digest.update(str(file.relative_to(package)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
        _CODE_HASH = digest.hexdigest()
    return _CODE_HASH


def settings_key(settings, rule_ids: Iterable[str]) -> str:
    """What, besides the text and its imports, changes the engine's findings for a file:
    `rule_ids` are the rules the settings select (project.selected_rules)."""
    material = json.dumps(
        [
            FORMAT,
            __version__,
            code_hash(),
            sys.implementation.cache_tag,
            sys.version,
            sorted(settings.sources.items()),
            sorted((k, sorted(v)) for k, v in settings.sanitizers.items()),
            settings.max_file_size,
            sorted(rule_ids),
        ]
    )
    return hashlib.sha256(material.encode()).hexdigest()


def default_dir(settings) -> Path:
    """`.secure_ls_cache` in the project's folder (that of its pyproject.toml), else the current one."""
    return Path(settings.root or os.getcwd()) / DEFAULT_NAME


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def file_hash(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


MAX_PACKS = 8  # more packs than this for one key: the next run that writes merges them
MAX_KEYS = 3  # the settings keys whose packs are kept: those written last
_VERSION_FOLDER = re.compile(r"^[\w.+]+-\d+$")  # `<secure-ls version>-<FORMAT>`


class Cache:
    """The entries of one run's settings under `directory`.

    Entries are stored in packs: each run that analysed something writes one
    new pack file holding the entries it made (workers hand theirs to the
    parent), and reads every pack of its key, a newer pack's entry winning.
    Creating a file per checked file cost more than a third of a cold run on
    small files; one file per run costs nothing measurable. A run that finds
    more than MAX_PACKS packs (or a damaged one) writes one merged pack and
    deletes the packs it read; a concurrent run that misses a deleted pack
    only analyses more.
    """

    def __init__(self, directory: str | os.PathLike, settings, rule_ids: Iterable[str]):
        """The entries under `directory` for these settings and the rules they select
        (made by project.results_cache, which knows which rules those are)."""
        self.directory = Path(directory)
        self.key = settings_key(settings, rule_ids)
        self.entries = self.directory / f"{__version__}-{FORMAT}"
        self._file_hashes: dict[str, str | None] = {}  # dependency path -> hash, once per run
        self._held: dict[int, dict[tuple, bool]] = {}  # per pack's table: whether a recorded dependency or lookup still holds
        self._loaded: dict[str, dict] | None = None
        self._packs: list[Path] = []  # the packs read
        self._read_listing: list[tuple[int, str]] = []  # their (modification time, name) when read
        self._damaged = False
        self.listed_bytes = 0  # the size of this key's packs when last listed (_listing)

    def __getstate__(self):  # sent to worker processes: without what this process read
        return {"directory": self.directory, "key": self.key, "entries": self.entries}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._file_hashes = {}
        self._held = {}
        self._loaded = None
        self._packs = []
        self._read_listing = []
        self._damaged = False
        self.listed_bytes = 0

    # -- reading
    def entry_name(self, path: str, test_file: bool) -> str:
        return hashlib.sha256(f"{self.key}\0{os.path.abspath(path)}\0{int(test_file)}".encode()).hexdigest()[:40]

    def _pack_prefix(self) -> str:
        return f"{self.key[:24]}-"

    def _listing(self) -> list[tuple[int, str, Path]]:
        """This key's packs, oldest first: (modification time, name, path). Their total size
        on disk is kept in `listed_bytes`."""
        found = []
        self.listed_bytes = 0
        try:
            for pack in self.entries.iterdir():
                if pack.name.startswith(self._pack_prefix()) and pack.name.endswith(".pack"):
                    try:
                        status = pack.stat()
                    except OSError:
                        continue
                    found.append((status.st_mtime_ns, pack.name, pack))
                    self.listed_bytes += status.st_size
        except OSError:
            pass
        return sorted(found)

    def refresh(self) -> int:
        """For a long-lived reader (the language server, one lookup per opened file): read the
        packs again only if another run wrote or merged some since, and hash the files entries
        depend on afresh (they may have been edited since the last lookup). Returns how many
        bytes this key's packs hold now (what reading them would parse)."""
        self._file_hashes = {}
        self._held = {}
        listing = [(m, n) for m, n, _ in self._listing()]
        if self._loaded is not None and listing != self._read_listing:
            self._loaded = None
            self._packs = []
        return self.listed_bytes

    def _read_packs(self) -> dict[str, dict]:
        if self._loaded is not None:
            return self._loaded
        entries: dict[str, dict] = {}
        found = self._listing()
        self._read_listing = [(m, n) for m, n, _ in found]
        for _, _, pack in found:  # oldest first: a newer pack's entry wins
            try:
                with open(pack, encoding="utf-8") as fh:
                    data = json.load(fh)
                if not isinstance(data, dict) or data.get("key") != self.key or not isinstance(data.get("entries"), dict):
                    raise ValueError("not a pack of this key")
                strings = data.get("strings")
                if not isinstance(strings, list):
                    raise ValueError("no table of strings")
                entries.update((name, (entry, strings)) for name, entry in data["entries"].items())
            except FileNotFoundError:
                continue  # merged away by a concurrent run
            except (OSError, ValueError, UnicodeDecodeError):
                self._damaged = True  # replaced by the next merge
            self._packs.append(pack)
        self._loaded = entries
        return entries

    def load(self, path: str, text: str, test_file: bool, module_path) -> tuple[list[Finding], list[str]] | None:
        """(the engine's findings, the problems to report after the path) cached for this text, or None.

        `module_path(dotted, importer)` answers module-name lookups now, to compare with the recorded ones.
        """
        try:
            packed = self._read_packs().get(self.entry_name(path, test_file))
            if packed is None or packed[0]["key"] != self.key or packed[0]["text"] != text_hash(text):
                return None
            entry, strings = packed
            # the entries of one pack record the same dependencies and lookups over and over (what
            # a module's analysis read through its imports): each is checked once per run
            held = self._held.setdefault(id(strings), {})
            for pair in entry["files"]:
                key = ("file", *pair)
                if key not in held:
                    path_number, digest_number = pair
                    held[key] = self._dependency_hash(_str(_text(strings, path_number))) == _str(_text(strings, digest_number))
                if not held[key]:
                    return None
            for triple in entry["lookups"]:
                key = ("lookup", *triple)
                if key not in held:
                    dotted, importer, found = triple
                    held[key] = module_path(_str(_text(strings, dotted)), _text(strings, importer)) == _text(strings, found)
                if not held[key]:
                    return None
            findings = [_finding(f) for f in entry["findings"]]
            problems = entry["problems"]
            if not all(isinstance(p, str) for p in problems):
                return None
            return findings, problems
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None  # written by an old version, or damaged: analyse again

    def _dependency_hash(self, path: str) -> str | None:
        if path not in self._file_hashes:
            self._file_hashes[path] = file_hash(path)
        return self._file_hashes[path]

    # -- writing
    def entry(self, path: str, text: str, test_file: bool, findings: list[Finding], problems: list[str], dependencies) -> tuple[str, dict] | None:
        """The entry for this analysis (name, content), to hand to `save`; None if not worth keeping."""
        entry = {
            "key": self.key,
            "path": os.path.abspath(path),
            "text": text_hash(text),
            "files": {p: self._dependency_hash(p) for p in sorted(dependencies.files)},
            "lookups": sorted(dependencies.lookups, key=lambda item: tuple("" if v is None else v for v in item)),
            "findings": [_encode(f) for f in findings],
            "problems": problems,
        }
        if any(digest is None for digest in entry["files"].values()):
            return None  # a module it read is gone already
        return self.entry_name(path, test_file), entry

    def save(self, fresh: dict[str, dict]) -> None:
        """Writes the entries made in this run as one new pack (merging the packs read, if many)."""
        if not fresh:
            return
        try:
            self._prepare()
            known = self._read_packs()
            merge = self._damaged or len(self._packs) >= MAX_PACKS
            entries = fresh
            if merge:
                unpacked = {}
                for name, packed in known.items():
                    try:
                        unpacked[name] = _unpacked(*packed)
                    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
                        continue  # damaged: analysed again when asked for
                entries = {**unpacked, **fresh}
            strings: dict[str, int] = {}
            packed_entries = {name: _packed(entry, strings) for name, entry in entries.items()}
            pack = self.entries / f"{self._pack_prefix()}{os.getpid()}-{os.urandom(6).hex()}.pack"
            body = {"key": self.key, "fresh": len(fresh), "strings": list(strings), "entries": packed_entries}
            safe_files.atomic_write(pack, json.dumps(body, separators=(",", ":")))
            if merge:
                for old in self._packs:
                    try:
                        old.unlink()
                    except OSError:
                        pass
            self._prune()
        except OSError:
            pass  # a read-only or full disk costs speed, not results

    def _prune(self) -> None:
        """Deletes the packs of settings keys not among the MAX_KEYS written last, and the folders
        of other secure-ls versions or cache formats: no run of this version reads them again
        unless its settings go back, and then it only analyses afresh."""
        newest: dict[str, int] = {}
        packs: list[tuple[str, Path]] = []
        for pack in self.entries.iterdir():
            if not pack.name.endswith(".pack"):
                continue
            prefix = pack.name.split("-", 1)[0]
            try:
                newest[prefix] = max(newest.get(prefix, 0), pack.stat().st_mtime_ns)
            except OSError:
                continue
            packs.append((prefix, pack))
        kept = set(sorted(newest, key=newest.__getitem__, reverse=True)[:MAX_KEYS]) | {self._pack_prefix().rstrip("-")}
        for prefix, pack in packs:
            if prefix not in kept:
                try:
                    pack.unlink()
                except OSError:
                    pass
        for folder in self.directory.iterdir():
            if folder != self.entries and folder.is_dir() and not folder.is_symlink() and _VERSION_FOLDER.match(folder.name):
                shutil.rmtree(folder, ignore_errors=True)

    def _prepare(self) -> None:
        """Creates the folder with a `.gitignore` of `*` (and a CACHEDIR.TAG for backup tools)."""
        self.entries.mkdir(parents=True, exist_ok=True)
        gitignore = self.directory / ".gitignore"
        if not gitignore.exists():
            safe_files.atomic_write(gitignore, "# Automatically created by secure-ls.\n*\n")
        tag = self.directory / "CACHEDIR.TAG"
        if not tag.exists():
            safe_files.atomic_write(
                tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by secure-ls.\n",
            )


# ---- entries in a pack: each text once, in the pack's table -----------------


def _packed(entry: dict, strings: dict[str, int]) -> dict:
    """The entry as a pack stores it: the paths, module names and digests of its `files` and
    `lookups` as numbers into the pack's table (`strings`, filled as they come; None is -1)."""

    def number(text: str | None) -> int:
        return -1 if text is None else strings.setdefault(text, len(strings))

    return {
        **entry,
        "files": [[number(path), number(digest)] for path, digest in entry["files"].items()],
        "lookups": [[number(part) for part in lookup] for lookup in entry["lookups"]],
    }


def _text(strings: list, number) -> str | None:
    """The text a pack's entry names by `number` (-1: None). A number out of the table, or a
    text that is not one, raises (a damaged entry: a miss)."""
    if number == -1:
        return None
    if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < len(strings) or not isinstance(strings[number], str):
        raise ValueError("not a string of the pack")
    return strings[number]


def _unpacked(entry: dict, strings: list) -> dict:
    """The entry `_packed` stored, its numbers read back from the pack's table (to merge packs)."""

    def text(number) -> str | None:
        return _text(strings, number)

    files = {}
    for path, digest in entry["files"]:
        files[_str(text(path))] = _str(text(digest))
    lookups = []
    for lookup in entry["lookups"]:
        if not isinstance(lookup, list) or len(lookup) != 3:
            raise ValueError("a lookup is (module, importer, file)")
        lookups.append([_str(text(lookup[0])), text(lookup[1]), text(lookup[2])])
    return {**entry, "files": files, "lookups": lookups}


# ---- findings as plain JSON -------------------------------------------------


def _span(span: Span) -> list[int]:
    return [span.start.line, span.start.column, span.end.line, span.end.column]


def _unspan(raw) -> Span:
    a, b, c, d = (_int(v) for v in raw)
    return Span(Position(a, b), Position(c, d))


def _int(value) -> int:
    if type(value) is not int:
        raise TypeError("not an integer")
    return value


def _str(value) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _encode(finding: Finding) -> list:
    fix = finding.fix
    return [
        finding.rule_id,
        finding.rule_name,
        finding.message,
        _span(finding.span),
        int(finding.severity),
        int(finding.confidence),
        finding.cwe,
        None if fix is None else [fix.title, [[*_span(e.span), e.text] for e in fix.edits], fix.safe, list(fix.imports), list(fix.requires)],
        [[*_span(r.span), r.message] for r in finding.related],
        None if finding.statement_lines is None else list(finding.statement_lines),
        None if finding.rewritten_lines is None else list(finding.rewritten_lines),
    ]


def _finding(raw) -> Finding:
    rule_id, rule_name, message, span, severity, confidence, cwe, fix, related, statement, rewritten = raw
    if fix is not None:
        title, edits, safe, imports, requires = fix
        if not isinstance(safe, bool):
            raise TypeError("not a boolean")
        fix = Fix(
            _str(title),
            tuple(Edit(_unspan(e[:4]), _str(e[4])) for e in edits),
            safe,
            tuple(_str(i) for i in imports),
            requires=tuple(_str(r) for r in requires),
        )
    return Finding(
        _str(rule_id),
        _str(rule_name),
        _str(message),
        _unspan(span),
        Severity(_int(severity)),
        Confidence(_int(confidence)),
        None if cwe is None else _int(cwe),
        fix,
        tuple(Related(_unspan(r[:4]), _str(r[4])) for r in related),
        None if statement is None else (_int(statement[0]), _int(statement[1])),
        None if rewritten is None else (_int(rewritten[0]), _int(rewritten[1])),
    )
