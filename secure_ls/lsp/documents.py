"""Open documents, kept exactly as the client sees them.

Why not pygls' own workspace: it splits lines with `str.splitlines`, which
also breaks at form feeds, `\\x1c`-`\\x1e`, `\\x85` and `\\u2028`, while LSP
only breaks at `\\r\\n`, `\\r` and `\\n`; a form feed in a file (common in
old code) would shift every later position. It also re-walks every line
on each edit. Here a document is a list of lines with their endings; an
edit replaces only the lines it touches.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from lsprotocol import types

from secure_ls import project

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_ENDING = re.compile(r"(?:\r\n|\r|\n)\Z")
# The joined text is kept next to the lines only up to this size. Beyond it (far over
# what the engine analyses, 3 M characters by default), keeping it doubled the memory
# of a file that is never analysed; joining again when asked costs ~20 ms per 50 MB.
KEEP_TEXT_CHARS = 4_000_000


def split_lines(text: str) -> list[str]:
    """Lines with their endings, LSP-style. A final empty line is implicit."""
    return _LINE.findall(text)


class Encoding:
    """Converts columns between code points and the client's position units."""

    def __init__(self, kind: str = "utf-16"):
        self.kind = kind

    def to_client(self, line: str, column: int) -> int:
        column = max(0, min(column, len(line)))
        if self.kind == "utf-32" or line.isascii():
            return column
        head = line[:column]
        if self.kind == "utf-8":
            return len(head.encode("utf-8", errors="surrogatepass"))
        return len(head.encode("utf-16-le", errors="surrogatepass")) // 2

    def from_client(self, line: str, units: int) -> int:
        if units <= 0:
            return 0
        if self.kind == "utf-32" or line.isascii():
            return min(units, len(line))
        count = 0
        for index, ch in enumerate(line):
            if count >= units:
                return index
            code = ord(ch)
            if self.kind == "utf-8":
                count += 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
            else:
                count += 2 if code > 0xFFFF else 1
        return len(line)


@dataclass
class Document:
    uri: str
    version: int | None
    language_id: str
    lines: list[str] = field(default_factory=list)
    _text: str | None = None

    @classmethod
    def create(cls, uri: str, text: str, version: int | None, language_id: str = "python") -> "Document":
        return cls(uri, version, language_id, split_lines(text), text if len(text) <= KEEP_TEXT_CHARS else None)

    @property
    def text(self) -> str:
        if self._text is not None:
            return self._text
        text = "".join(self.lines)
        if len(text) <= KEEP_TEXT_CHARS:
            self._text = text
        return text

    def line(self, index: int) -> str:
        """Line `index` without its ending ('' past the end)."""
        if 0 <= index < len(self.lines):
            return _ENDING.sub("", self.lines[index])
        return ""

    @property
    def line_count(self) -> int:
        if not self.lines or _ENDING.search(self.lines[-1]):
            return len(self.lines) + 1
        return len(self.lines)

    def apply(self, change: types.TextDocumentContentChangeEvent, encoding: Encoding) -> None:
        if not isinstance(change, types.TextDocumentContentChangePartial) or change.range is None:
            self.lines = split_lines(change.text)
            self._text = change.text if len(change.text) <= KEEP_TEXT_CHARS else None
            return
        start, end = change.range.start, change.range.end
        if (end.line, end.character) < (start.line, start.character):
            start, end = end, start
        start_line = min(max(start.line, 0), len(self.lines))
        end_line = min(max(end.line, 0), len(self.lines))
        first = self.lines[start_line] if start_line < len(self.lines) else ""
        last = self.lines[end_line] if end_line < len(self.lines) else ""
        start_col = encoding.from_client(_ENDING.sub("", first), start.character) if start.line < len(self.lines) else 0
        end_col = encoding.from_client(_ENDING.sub("", last), end.character) if end.line < len(self.lines) else len(last)
        if end.line >= len(self.lines):
            end_col = len(last)
        new_text = first[:start_col] + change.text + last[end_col:]
        # Re-split a window one line wider on each side: an edit can turn a
        # lone "\r" and a following "\n" into one "\r\n" line break, or split one.
        low = max(start_line - 1, 0)
        high = min(end_line + 2, len(self.lines))
        window = "".join(self.lines[low:start_line]) + new_text + "".join(self.lines[end_line + 1 : high])
        self.lines[low:high] = split_lines(window)
        self._text = None


class DocumentStore:
    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}

    def open(self, item: types.TextDocumentItem) -> Document:
        doc = Document.create(item.uri, item.text, item.version, item.language_id or "")
        self._docs[item.uri] = doc
        return doc

    def change(self, params: types.DidChangeTextDocumentParams, encoding: Encoding) -> Document | None:
        doc = self._docs.get(params.text_document.uri)
        if doc is None:
            return None
        for change in params.content_changes:
            doc.apply(change, encoding)
        doc.version = params.text_document.version
        return doc

    def close(self, uri: str) -> None:
        self._docs.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def all(self) -> list[Document]:
        return list(self._docs.values())


def uri_to_path(uri: str) -> str | None:
    """The file system path of a `file:` URI (None for any other scheme)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
        path = path[1:]
    return path


def is_python(doc: Document) -> bool:
    """Whether the document is analysed as Python: by its language id, else by its name."""
    if doc.language_id in ("python", "py"):
        return True
    path = uri_to_path(doc.uri) or urlparse(doc.uri).path
    return project.is_python(path) or doc.language_id == ""
