"""Declaring a new dependency: the text edit that adds one requirement to a
pyproject.toml `[project].dependencies` array (or, without one, Poetry's
`[tool.poetry.dependencies]` table) or a requirements file, touching nothing
else in the file (see docs/configuration.md#dependencies-that-fixes-add)."""

from __future__ import annotations

import re
import tomllib

from ..engine.model import Edit
from .files import LineIndex
from .tomlspans import toml_spans

_KEY = ("project", "dependencies")
_POETRY = ("tool", "poetry", "dependencies")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def has_project_dependencies(text: str) -> bool:
    """Whether the pyproject text has a `[project].dependencies` array, or else a Poetry
    `[tool.poetry.dependencies]` table, we can add to."""
    return _array(text) is not None or _poetry_table_end(text) is not None


def _array(text: str) -> tuple[int, int, list] | None:
    """(offset of `[`, offset of `]`, string spans of the items) of [project].dependencies."""
    spans = toml_spans(text)
    if spans is None or _KEY not in spans.keys:
        return None
    items = [spans.strings[p] for p in sorted((p for p in spans.strings if len(p) == 3 and p[:2] == _KEY), key=lambda p: p[2])]
    equals = text.find("=", spans.keys[_KEY])
    if equals < 0:
        return None
    opening = _skip(text, equals + 1)
    if opening >= len(text) or text[opening] != "[":
        return None  # not an inline array
    after = items[-1].close if items else opening + 1
    closing = _skip(text, after, commas=True)
    if closing >= len(text) or text[closing] != "]":
        return None  # something other than strings in the array
    return opening, closing, items


def _skip(text: str, i: int, commas: bool = False) -> int:
    """The offset of the next character that is not blank, a newline, a comment (or a comma)."""
    while i < len(text):
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif c in " \t\r\n" or (commas and c == ","):
            i += 1
        else:
            break
    return i


def pyproject_edit(text: str, requirement: str) -> Edit | None:
    """Adds `"requirement"` to [project].dependencies as one more item in the array's own
    layout: one line per item (with their indentation and trailing comma) or inline. Without
    that array, adds `requirement = "*"` to Poetry's [tool.poetry.dependencies] table."""
    found = _array(text)
    if found is None:
        return _poetry_edit(text, requirement)
    opening, closing, items = found
    index = LineIndex(text)
    quoted = f'"{requirement}"'
    newline = "\r\n" if "\r\n" in text else "\n"
    if not items:
        if "\n" not in text[opening:closing]:
            return Edit(index.span(opening + 1, closing), quoted)  # `[]` -> `["x"]`
        line_start = text.rfind("\n", 0, closing) + 1  # `[\n]`: an item line above `]`
        indent = re.match(r"[ \t]*", text[line_start:]).group(0) + "    "
        return Edit(index.span(line_start, line_start), f"{indent}{quoted},{newline}")
    last = items[-1]
    multiline = "\n" in text[opening : items[0].start]
    if not multiline:
        return Edit(index.span(last.close, last.close), f", {quoted}")
    # after the last item's line (its trailing comma and comment stay where they are)
    line_start = text.rfind("\n", 0, last.start) + 1
    indent = re.match(r"[ \t]*", text[line_start:]).group(0)
    line_end = text.find("\n", last.close)
    if line_end < 0 or line_end > closing:  # `"x"]`: the last item shares its line with `]`
        return Edit(index.span(last.close, last.close), f",{newline}{indent}{quoted}")
    end = line_end - 1 if text[line_end - 1] == "\r" else line_end
    if text[_skip(text, last.close)] == ",":
        return Edit(index.span(end, end), f"{newline}{indent}{quoted},")
    # no comma after the last item: one after it, and the new line after its comment (one
    # edit over the text between them, which stays as it is)
    return Edit(index.span(last.close, end), f",{text[last.close:end]}{newline}{indent}{quoted}")


def requirements_edit(text: str, requirement: str) -> Edit:
    """Appends `requirement` as the last line of a requirements file."""
    index = LineIndex(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    end = len(text)
    if text and not text.endswith("\n"):
        return Edit(index.span(end, end), f"{newline}{requirement}{newline}")
    return Edit(index.span(end, end), f"{requirement}{newline}")


def _poetry_table_end(text: str) -> int | None:
    """Where a new key of the `[tool.poetry.dependencies]` table goes: the end of the table's
    last line that is neither blank nor a comment (a comment just above the next table header
    is usually that table's). None when the file has no such table written as a header."""
    try:
        table = tomllib.loads(text).get("tool", {}).get("poetry", {}).get("dependencies")
    except tomllib.TOMLDecodeError:
        return None
    spans = toml_spans(text)
    if not isinstance(table, dict) or spans is None or _POETRY not in spans.keys:
        return None
    start = spans.keys[_POETRY]
    if text[start - 1 : start] != "]":
        return None  # `dependencies = {...}` inside [tool.poetry]: an inline table, left alone
    header = re.compile(r"^[ \t]*\[", re.MULTILINE).search(text, start)
    end = header.start() if header else len(text)
    lines = text[start:end].splitlines(keepends=True)
    offset = end
    for line in reversed(lines):
        if line.strip() and not line.strip().startswith("#"):
            return offset - len(line) + len(line.rstrip("\r\n"))
        offset -= len(line)
    return start + len(lines[0].rstrip("\r\n")) if lines else start  # an empty table: after its header line


def _poetry_edit(text: str, requirement: str) -> Edit | None:
    """`requirement = "*"` (any version, as the [project] items are written) as the last key of
    Poetry's dependency table; None when the result would not be that table plus this key."""
    at = _poetry_table_end(text)
    if at is None:
        return None
    key = requirement if _BARE_KEY.fullmatch(requirement) else f'"{requirement}"'
    newline = "\r\n" if "\r\n" in text else "\n"
    new = f"{text[:at]}{newline}{key} = \"*\"{text[at:]}"
    try:
        before, after = tomllib.loads(text), tomllib.loads(new)
    except tomllib.TOMLDecodeError:
        return None
    before["tool"]["poetry"]["dependencies"][requirement] = "*"
    if after != before:
        return None  # the key was there under another spelling, or the layout fooled us
    return Edit(LineIndex(text).span(at, at), f"{newline}{key} = \"*\"")
