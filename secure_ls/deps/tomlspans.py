"""Where each string value of a TOML document is.

`tomllib` gives values but no positions. This walker runs over a document
that `tomllib` has already accepted and records, for every string value, its
key path (table names, keys, and integer indices for arrays and arrays of
tables) and the offsets of its text between the quotes. It is deliberately
simple because the syntax has already been checked.
"""

from __future__ import annotations

from dataclasses import dataclass

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}

Path = tuple  # of str and int


@dataclass(frozen=True)
class StringSpan:
    start: int  # first character of the content (after the quotes)
    end: int  # end of the content (before the closing quotes)
    raw: str  # text[start:end]
    literal: bool  # '...' strings have no escapes
    close: int = -1  # just after the closing quote(s)


class _Walker:
    def __init__(self, text: str):
        self.s = text
        self.n = len(text)
        self.strings: dict[Path, StringSpan] = {}
        self.aot: dict[Path, int] = {}
        self.key_lines: dict[Path, int] = {}

    # -- lexical helpers
    def ws(self, i: int, newlines: bool = False) -> int:
        s = self.s
        while i < self.n:
            c = s[i]
            if c in " \t" or (newlines and c in "\r\n"):
                i += 1
            elif c == "#" and newlines:
                while i < self.n and s[i] != "\n":
                    i += 1
            else:
                break
        return i

    def key(self, i: int) -> tuple[list[str], int]:
        keys: list[str] = []
        while True:
            i = self.ws(i)
            c = self.s[i]
            if c == '"':
                val, _, _, i = self.basic(i)
                keys.append(val)
            elif c == "'":
                end = self.s.index("'", i + 1)
                keys.append(self.s[i + 1 : end])
                i = end + 1
            else:
                j = i
                while j < self.n and self.s[j] in _BARE:
                    j += 1
                if j == i:
                    raise ValueError(f"bad key at {i}")
                keys.append(self.s[i:j])
                i = j
            i = self.ws(i)
            if i < self.n and self.s[i] == ".":
                i += 1
                continue
            return keys, i

    def basic(self, i: int) -> tuple[str, int, int, int]:
        """A "..." string at i: (value, content start, content end, next index)."""
        s = self.s
        j = i + 1
        out = []
        while s[j] != '"':
            if s[j] == "\\":
                nxt = s[j + 1]
                if nxt in _ESCAPES:
                    out.append(_ESCAPES[nxt])
                    j += 2
                elif nxt in "uUx":
                    width = {"u": 4, "U": 8, "x": 2}[nxt]
                    out.append(chr(int(s[j + 2 : j + 2 + width], 16)))
                    j += 2 + width
                else:
                    raise ValueError(f"bad escape at {j}")
            else:
                out.append(s[j])
                j += 1
        return "".join(out), i + 1, j, j + 1

    def resolve(self, keys: list[str]) -> Path:
        out: Path = ()
        for k in keys:
            out = out + (k,)
            if out in self.aot:
                out = out + (self.aot[out],)
        return out

    # -- grammar
    def document(self) -> None:
        base: Path = ()
        i = 0
        s = self.s
        while True:
            i = self.ws(i, newlines=True)
            if i >= self.n:
                return
            if s[i] == "[":
                if s.startswith("[[", i):
                    keys, i = self.key(i + 2)
                    i = s.index("]]", i) + 2
                    path = self.resolve(keys[:-1]) + (keys[-1],)
                    idx = self.aot.get(path, -1) + 1
                    self.aot[path] = idx
                    base = path + (idx,)
                else:
                    keys, i = self.key(i + 1)
                    i = s.index("]", i) + 1
                    base = self.resolve(keys)
                self.key_lines[base] = i
                continue
            key_start = i
            keys, i = self.key(i)
            i = self.ws(i)
            if s[i] != "=":
                raise ValueError(f"expected '=' at {i}")
            path = base + tuple(keys)
            self.key_lines[path] = key_start
            i = self.value(self.ws(i + 1), path)

    def value(self, i: int, path: Path) -> int:
        s = self.s
        if s.startswith('"""', i):
            start = i + 3
            if s.startswith("\r\n", start):
                start += 2
            elif s.startswith("\n", start):
                start += 1
            j = start
            while True:
                if s[j] == "\\":
                    j += 2
                    continue
                if s.startswith('"""', j):
                    while s.startswith('""""', j):
                        j += 1
                    break
                j += 1
            self.strings[path] = StringSpan(start, j, s[start:j], False, j + 3)
            return j + 3
        if s.startswith("'''", i):
            start = i + 3
            if s.startswith("\r\n", start):
                start += 2
            elif s.startswith("\n", start):
                start += 1
            j = s.index("'''", start)
            while s.startswith("''''", j):
                j += 1
            self.strings[path] = StringSpan(start, j, s[start:j], True, j + 3)
            return j + 3
        c = s[i]
        if c == '"':
            _, start, end, nxt = self.basic(i)
            self.strings[path] = StringSpan(start, end, s[start:end], False, nxt)
            return nxt
        if c == "'":
            end = s.index("'", i + 1)
            self.strings[path] = StringSpan(i + 1, end, s[i + 1 : end], True, end + 1)
            return end + 1
        if c == "[":
            i += 1
            idx = 0
            while True:
                i = self.ws(i, newlines=True)
                if s[i] == "]":
                    return i + 1
                i = self.value(i, path + (idx,))
                idx += 1
                i = self.ws(i, newlines=True)
                if s[i] == ",":
                    i += 1
        if c == "{":
            i += 1
            while True:
                i = self.ws(i, newlines=True)
                if s[i] == "}":
                    return i + 1
                key_start = i
                keys, i = self.key(i)
                i = self.ws(i)
                if s[i] != "=":
                    raise ValueError(f"expected '=' at {i}")
                self.key_lines[path + tuple(keys)] = key_start
                i = self.value(self.ws(i + 1), path + tuple(keys))
                i = self.ws(i, newlines=True)
                if s[i] == ",":
                    i += 1
        # number, boolean, date-time: up to the next delimiter
        while i < self.n and s[i] not in ",]}\n#":
            i += 1
        return i


@dataclass
class TomlSpans:
    strings: dict[Path, StringSpan]
    # offset of the key (or table header) that introduces each path
    keys: dict[Path, int]


def toml_spans(text: str) -> TomlSpans | None:
    """Spans of every string value of a valid TOML text, or None if the walker fails."""
    walker = _Walker(text)
    try:
        walker.document()
    except (ValueError, IndexError):
        return None
    return TomlSpans(walker.strings, walker.key_lines)
