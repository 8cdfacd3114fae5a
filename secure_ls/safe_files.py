"""The one way secure-ls reads a file from the workspace or from a setting (and
writes one of its caches: `atomic_write`).

A workspace is not always made of files: `x.py` may be a FIFO (reading it
waits for a writer for ever), `z.py` a link to `/dev/zero` (never ends) or
to `/dev/stdin` (in the language server, that is the editor's LSP stream:
reading it steals the requests). A zip may be a bomb. Every reader here:

- refuses anything that is not a regular file once links are resolved,
  before opening it when it can, and again on the opened descriptor (the
  path may be swapped between the two looks);
- opens with O_NONBLOCK, so a FIFO swapped in after the first look cannot
  block the open or the read;
- checks the size limit on the descriptor (fstat) before reading, and reads
  at most limit + 1 bytes, so a file growing meanwhile is refused too;
- raises `UnreadableFile`, an OSError whose message says why in a few words,
  so callers that already handle OSError skip the file with their one line.
"""

from __future__ import annotations

import itertools
import logging
import os
import stat
import zipfile
from collections.abc import Iterator

log = logging.getLogger("secure_ls")

MB = 1024 * 1024

# Python source: the engine analyses at most `max-file-size` characters (3 M by
# default, at most 4 bytes each), so reading more than this would only be discarded.
SOURCE_LIMIT = 16 * MB
# pyproject.toml, requirement files and their -r/-c includes, lock files: real ones
# are kilobytes (big lock files a few MB).
CONFIG_LIMIT = 8 * MB
# A CA bundle: certifi's own is about 300 KB.
CA_BUNDLE_LIMIT = 4 * MB
# One OSV record (a single JSON file in offline-dir, or one member of a zip).
RECORD_LIMIT = 4 * MB
# A zip in offline-dir: OSV's PyPI/all.zip has about 17,000 records, 70 MB unpacked.
ZIP_MAX_ENTRIES = 200_000
ZIP_MAX_TOTAL = 1024 * MB


class UnreadableFile(OSError):
    """The file was not read: not a regular file, too large, or a zip over its caps."""

    def __init__(self, path: str | os.PathLike, reason: str):
        super().__init__(reason)
        self.path = os.fspath(path)
        self.reason = reason
        self.strerror = reason
        _log_once(self.path, reason)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


_LOGGED: set[object] = set()


def _once(key: object, level: int, message: str) -> None:
    """`message` in the server's log the first time `key` comes up, however often it does."""
    if key in _LOGGED:
        return
    if len(_LOGGED) > 10_000:
        _LOGGED.clear()
    _LOGGED.add(key)
    log.log(level, "%s", message)


def _log_once(path: str, reason: str) -> None:
    """One line per file and reason (the indexer, the summaries and the analysis may all come
    across the same FIFO). At INFO: the command line reports the file in its own output instead."""
    _once((path, reason), logging.INFO, f"not read: {path}: {reason}")


def warn_once(message: str) -> None:
    """A warning logged once however often it is met (a refused configured folder, ...)."""
    _once(message, logging.WARNING, message)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def _describe_size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n:,} bytes"


def check_regular(path: str | os.PathLike) -> os.stat_result:
    """The stat of `path` (links followed) if it is a regular file; UnreadableFile if not."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableFile(path, f"{_kind(st.st_mode)}, not a regular file")
    return st


def is_regular_file(path: str | os.PathLike) -> bool:
    try:
        check_regular(path)
    except OSError:
        return False
    return True


def read_bytes(path: str | os.PathLike, limit: int) -> bytes:
    """The whole content of the regular file at `path`, if it holds at most `limit` bytes."""
    fd, st = _open_regular_fd(path)
    try:
        if st.st_size > limit:
            raise UnreadableFile(path, f"{_describe_size(st.st_size)} is over the {_describe_size(limit)} limit")
        chunks = []
        left = limit + 1  # one byte more tells a file that grew past the limit since fstat
        while left > 0:
            chunk = os.read(fd, min(left, MB))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise UnreadableFile(path, f"it grew over the {_describe_size(limit)} limit while being read")
        return data
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike, limit: int, encoding: str = "utf-8", errors: str = "strict") -> str:
    """`read_bytes` decoded; universal newlines as `open()` would give (\\r\\n and \\r become \\n)."""
    text = read_bytes(path, limit).decode(encoding, errors)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def source_holds(path: str | os.PathLike, text: str) -> bool:
    """Whether the source file at `path` holds `text` (unreadable: no)."""
    try:
        return text in read_text(path, SOURCE_LIMIT, errors="replace")
    except OSError:
        return False


def zip_members(
    path: str | os.PathLike, suffix: str, *, member_limit: int = RECORD_LIMIT, max_entries: int = ZIP_MAX_ENTRIES, max_total: int = ZIP_MAX_TOTAL
) -> Iterator[tuple[str, bytes | UnreadableFile]]:
    """(name, content) of the members of a zip whose name ends with `suffix`.

    The archive is refused as a whole (UnreadableFile) if it is not a regular
    file or declares more than `max_entries` members or more than `max_total`
    bytes unpacked. A member declared (or found while inflating) to be larger
    than `member_limit` yields an UnreadableFile in place of its content; the
    total inflated is counted as read, so lying headers cannot pass the caps.
    """
    with open_regular(path) as fh, zipfile.ZipFile(fh) as zf:
        infos = zf.infolist()
        if len(infos) > max_entries:
            raise UnreadableFile(path, f"{len(infos):,} entries is over the {max_entries:,}-entry limit for a zip")
        declared = sum(i.file_size for i in infos)
        if declared > max_total:
            raise UnreadableFile(path, f"{_describe_size(declared)} unpacked is over the {_describe_size(max_total)} limit for a zip")
        total = 0
        for info in infos:
            if info.is_dir() or not info.filename.endswith(suffix):
                continue
            where = f"{os.fspath(path)}:{info.filename}"
            if info.file_size > member_limit:
                yield info.filename, UnreadableFile(where, f"{_describe_size(info.file_size)} is over the {_describe_size(member_limit)} limit")
                continue
            with zf.open(info) as member:
                # the header's size may lie: read at most one byte more than allowed
                data = member.read(member_limit + 1)
            total += len(data)
            if total > max_total:
                raise UnreadableFile(path, f"more than {_describe_size(max_total)} unpacked, over the limit for a zip")
            if len(data) > member_limit:
                yield info.filename, UnreadableFile(where, f"over the {_describe_size(member_limit)} limit once unpacked")
                continue
            yield info.filename, data


def open_regular(path: str | os.PathLike):
    """A binary file object on the regular file at `path` (checked like read_bytes)."""
    fd, _ = _open_regular_fd(path)
    return os.fdopen(fd, "rb")


_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _open_regular_fd(path: str | os.PathLike) -> tuple[int, os.stat_result]:
    # Looking first means a device or FIFO is never even opened (opening some devices
    # has effects of its own); the fstat covers a swap between the look and the open,
    # and O_NONBLOCK keeps a FIFO swapped in from blocking the open or the read.
    check_regular(path)
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile(path, f"{_kind(st.st_mode)}, not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd, st


# ---- cache folders named by a project's configuration -------------------------------
# A repository's pyproject.toml may name a `cache-dir`; secure-ls then writes there. So that a
# project cannot make it write into a folder of the user's (~/.ssh, another project's source),
# a configured folder is used only if secure-ls created it: it is created with a CACHEDIR.TAG
# (the standard marker that backup tools honour, https://bford.info/cachedir/) naming
# secure-ls, and a folder that exists without that tag is refused.
CACHEDIR_TAG = "CACHEDIR.TAG"
_TAG_TEXT = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache created by secure-ls; it can be deleted.\n"


def claim_cache_dir(path: str | os.PathLike) -> str | None:
    """Makes `path` a cache folder of secure-ls's own, or says why it may not be used.

    A folder that does not exist is created (with its parents) and tagged; one that exists
    is accepted only with secure-ls's CACHEDIR.TAG in it."""
    folder = os.fspath(path)
    tag = os.path.join(folder, CACHEDIR_TAG)
    if os.path.lexists(folder):
        if not os.path.isdir(folder) or os.path.islink(folder):
            return f"{folder} is not a folder secure-ls created"
        try:
            if "secure-ls" in read_text(tag, 4096, errors="replace"):
                return None
        except OSError:
            pass
        return f"{folder} already exists and is not a folder secure-ls created (it has no secure-ls {CACHEDIR_TAG}); name a new folder, or delete this one"
    try:
        os.makedirs(folder, exist_ok=True)
        with open(tag, "x", encoding="utf-8") as out:
            out.write(_TAG_TEXT)
    except FileExistsError:
        pass
    except OSError as exc:
        return f"cannot create {folder}: {exc.strerror or exc}"
    return None


_TEMPORARY = itertools.count()


def atomic_write(target: str | os.PathLike, content: str) -> None:
    """Writes `content` to a new file beside `target` and renames it over `target`.

    The temporary name is unique to this process (pid, a counter, random bits),
    created exclusively and never through a link; a reader sees the old content
    or the new, never part of it."""
    temporary = f"{os.fspath(target)}.{os.getpid()}-{next(_TEMPORARY)}-{os.urandom(4).hex()}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
