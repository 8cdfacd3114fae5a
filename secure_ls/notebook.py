"""Jupyter notebooks (`.ipynb`) for `secure-ls check`.

The code cells are analysed as one module, in cell order, so a name imported in cell 1
resolves in cell 5. Markdown and raw cells are left out. IPython syntax that is not Python
is neutralised without moving anything: a line magic (`%time f()`), a shell escape
(`!pip install x`, `files = !ls`) or a help query (`obj?`) becomes `pass` at the same
indentation, so blocks stay valid and every other line keeps its number; a cell magic
that makes the cell another language (`%%bash`, `%%html`, `%%sql`, ...) blanks the whole
cell, while `%%time`, `%%timeit` and `%%capture` keep the Python below them.

Positions map back two ways: to `cell N, line L` (what a person sees; N counts every
cell from the top, markdown included, from 1) and to the line and column of the same
character inside the `.ipynb` file itself (what a SARIF viewer that opens the file as
text needs).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

# Cell magics whose body is still Python.
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}
_LINE_MAGIC = re.compile(r"^(?P<indent>[ \t]*)(?:[%!]|[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[%!])")
_HELP = re.compile(r"^(?P<indent>[ \t]*)\??[A-Za-z_][\w.]*(?:\(\))?\?\??[ \t]*$")


class NotebookError(Exception):
    pass


def is_notebook(path) -> bool:
    return str(path).endswith(".ipynb")


@dataclass
class Notebook:
    text: str  # the code cells as one module
    # for each line of `text`: (cell number from 1, line in the cell from 0)
    cells: list[tuple[int, int]] = field(default_factory=list)
    # for each line of `text`: (line in the .ipynb from 0, column where the line's text starts, exact)
    # `exact` is False when columns cannot be mapped character for character (escapes, one
    # string holding several lines); the column is then that of the string's start.
    file_lines: list[tuple[int, int, bool]] = field(default_factory=list)
    raw_lines: list[str] = field(default_factory=list)

    def cell_position(self, line: int, column: int) -> tuple[int, int, int]:
        """(cell, line in cell, column), all 0-based except the cell number (1-based)."""
        if not self.cells:
            return 1, line, column
        line = min(max(line, 0), len(self.cells) - 1)
        cell, cell_line = self.cells[line]
        return cell, cell_line, column

    def file_position(self, line: int, column: int) -> tuple[int, int]:
        """0-based line and column of the same character in the .ipynb text."""
        if not self.file_lines:
            return 0, 0
        line = min(max(line, 0), len(self.file_lines) - 1)
        raw_line, start, exact = self.file_lines[line]
        if not exact:
            return raw_line, start
        source_line = self.text.split("\n")[line] if line < len(self.text.split("\n")) else ""
        prefix = source_line[:column]
        raw = self.raw_lines[raw_line] if raw_line < len(self.raw_lines) else ""
        for ensure_ascii in (False, True):
            encoded = json.dumps(prefix, ensure_ascii=ensure_ascii)[1:-1]
            if raw.startswith(encoded, start):
                return raw_line, start + len(encoded)
        return raw_line, start


def read_notebook(raw: str) -> Notebook:
    """The notebook's code cells as one module, with the position maps. NotebookError if
    the file is not a notebook secure-ls can read."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not a valid notebook (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("not a valid notebook (no \"cells\" list; nbformat 4 is supported)")
    language = _language(data)
    if language and language != "python":
        raise NotebookError(f"a {language} notebook, not Python: not analysed")
    positions = _source_positions(raw, len(data["cells"]))
    raw_lines = raw.split("\n")
    lines: list[str] = []
    cells: list[tuple[int, int]] = []
    file_lines: list[tuple[int, int, bool]] = []
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        pieces = source if isinstance(source, list) else [source]
        if not all(isinstance(p, str) for p in pieces):
            raise NotebookError(f"not a valid notebook (cell {number}: \"source\" is not text)")
        text = "".join(pieces)
        if not text.strip():
            continue
        cell_lines = _neutralise(text.split("\n"))
        where = _line_origins(pieces, positions.get(number - 1), raw)
        for index, line in enumerate(cell_lines):
            lines.append(line)
            cells.append((number, index))
            file_lines.append(where[index] if index < len(where) else (where[-1][0] if where else 0, 0, False))
    return Notebook("\n".join(lines) + ("\n" if lines else ""), cells, file_lines, raw_lines)


def _language(data: dict) -> str | None:
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    for key, sub in (("kernelspec", "language"), ("language_info", "name")):
        value = metadata.get(key, {}).get(sub) if isinstance(metadata.get(key), dict) else None
        if isinstance(value, str) and value:
            return value.lower()
    return None


def _neutralise(lines: list[str]) -> list[str]:
    """IPython-only lines become `pass` (same indentation); a non-Python cell magic blanks the cell."""
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        magic = first[2:].split(None, 1)[0] if len(first) > 2 else ""
        head = lines.index(next(line for line in lines if line.strip()))
        if magic not in _PYTHON_CELL_MAGICS:
            return [""] * len(lines)
        lines = [""] * (head + 1) + lines[head + 1 :]
    out = []
    for line in lines:
        match = _LINE_MAGIC.match(line) or _HELP.match(line)
        if match and not _is_python_comparison(line):
            out.append(match.group("indent") + "pass")
        else:
            out.append(line)
    return out


def _is_python_comparison(line: str) -> bool:
    # `a = !b` is a shell escape, but `a != b` and `a %= b` are Python
    return bool(re.match(r"^[ \t]*[\w.]+[ \t]*(?:!=|%=)", line))


def _source_positions(raw: str, cell_count: int) -> dict[int, int]:
    """Cell index -> offset of its "source" value in `raw`, when each cell's "source" key
    can be found in order (the usual case); {} otherwise."""
    found = [m.end() for m in re.finditer(r'"source"\s*:\s*', raw)]
    if len(found) != cell_count:
        return {}
    return dict(enumerate(found))


def _line_origins(pieces: list[str], offset: int | None, raw: str) -> list[tuple[int, int, bool]]:
    """For each line of a cell's source: where its text starts in `raw` (0-based line,
    column, whether columns map one to one)."""
    if offset is None:
        return []
    decoder = json.JSONDecoder()
    starts: list[int] = []
    position = offset
    try:
        if raw[position] == "[":
            position += 1
            for _ in pieces:
                while raw[position] in " \t\r\n,":
                    position += 1
                starts.append(position)
                _, position = decoder.raw_decode(raw, position)
        else:
            starts.append(position)
    except (IndexError, ValueError):
        return []
    out: list[tuple[int, int, bool]] = []
    for piece, start in zip(pieces, starts):
        line = raw.count("\n", 0, start)
        column = start - (raw.rfind("\n", 0, start) + 1) + 1  # after the opening quote
        several = piece.count("\n") > (1 if piece.endswith("\n") else 0)
        out.append((line, column, not several))
        for _ in range(piece.count("\n") - (1 if piece.endswith("\n") else 0)):
            out.append((line, column, False))
    return out
