"""Taking apart strings built from pieces, and writing string literals.

Injection fixes (SQL, shell, LDAP, HTML) all start the same way: turn
`f"... {a} ..."`, `"..." % (a,)`, `"...{}".format(a)` or `"..." + a + "..."`
into an ordered list of literal text and inserted expressions.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from secure_ls.engine import formatting


@dataclass(frozen=True)
class Literal:
    text: str


@dataclass(frozen=True)
class Value:
    node: ast.expr
    # a `%` conversion's flags, width, precision and type (`05d`, `.2f`, `s`): "" for
    # f-strings, .format() and `+`, whose pieces are only taken apart without one
    spec: str = ""


Piece = Literal | Value

_PERCENT = re.compile(r"%(?:\((?P<name>\w+)\))?(?P<spec>[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%]))")


def is_built(node: ast.AST) -> bool:
    """Whether `node` builds a string from parts (f-string with fields, %, .format, +)."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, (ast.Constant, ast.JoinedStr)) and isinstance(getattr(node.left, "value", ""), str) or isinstance(node.left, ast.JoinedStr)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _has_string(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "format_map"):
        template = node.func.value
        return isinstance(template, (ast.JoinedStr, ast.Name)) or isinstance(template, ast.Constant) and not formatting.gives_template_back(template.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        return True
    return False


def _has_string(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _has_string(node.left) or _has_string(node.right)
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def pieces(node: ast.AST) -> list[Piece] | None:
    """The literal and inserted parts of a built string, or None if it cannot be taken apart."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [Literal(node.value)]
    if isinstance(node, ast.JoinedStr):
        out: list[Piece] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                out.append(Literal(value.value))
            elif isinstance(value, ast.FormattedValue):
                if value.conversion not in (-1, None) or value.format_spec is not None:
                    return None
                out.append(Value(value.value))
            else:
                return None
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = pieces(node.left) if _has_string(node.left) or isinstance(node.left, ast.BinOp) else [Value(node.left)]
        right = pieces(node.right) if _has_string(node.right) else [Value(node.right)]
        if left is None or right is None:
            return None
        return left + right
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        return _percent_pieces(node.left.value, node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
        return _format_pieces(node.func.value.value, node)
    return None


def _percent_pieces(template: str, right: ast.expr) -> list[Piece] | None:
    if isinstance(right, ast.Tuple):
        values = list(right.elts)
    elif isinstance(right, ast.Dict):
        values = None
    else:
        values = [right]
    named = {}
    if isinstance(right, ast.Dict):
        for key, value in zip(right.keys, right.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            named[key.value] = value
    out: list[Piece] = []
    cursor = 0
    index = 0
    for match in _PERCENT.finditer(template):
        out.append(Literal(template[cursor : match.start()]))
        cursor = match.end()
        if match.group("conv") == "%":
            out.append(Literal("%"))
            continue
        spec = match.group("spec")
        if "*" in spec or match.group("conv") in "ra":
            return None
        if match.group("name"):
            if match.group("name") not in named:
                return None
            out.append(Value(named[match.group("name")], spec))
        else:
            if values is None or index >= len(values) or isinstance(values[index], ast.Starred):
                return None
            out.append(Value(values[index], spec))
            index += 1
    if values is not None and index != len(values):
        return None
    out.append(Literal(template[cursor:]))
    return merged(out)


def _format_pieces(template: str, call: ast.Call) -> list[Piece] | None:
    if formatting.gives_template_back(template):
        return [Literal(template)] if template else []
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    fields = formatting.format_fields(template)
    if fields is None:
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    out: list[Piece] = []
    auto = 0
    for literal, field in fields:
        out.append(Literal(literal))
        if field is None:
            continue
        if field == "":
            if auto >= len(call.args):
                return None
            out.append(Value(call.args[auto]))
            auto += 1
        elif field.isdigit():
            if int(field) >= len(call.args):
                return None
            out.append(Value(call.args[int(field)]))
        elif field in keywords:
            out.append(Value(keywords[field]))
        else:
            return None
    return merged(out)


def merged(parts: list[Piece]) -> list[Piece]:
    """Adjacent literal pieces joined into one, empty ones dropped."""
    out: list[Piece] = []
    for part in parts:
        if isinstance(part, Literal) and out and isinstance(out[-1], Literal):
            out[-1] = Literal(out[-1].text + part.text)
        elif not (isinstance(part, Literal) and part.text == ""):
            out.append(part)
    return out


def values(parts: list[Piece]) -> list[ast.expr]:
    return [p.node for p in parts if isinstance(p, Value)]


# `%d`, `%.2f`, `%x`: a string raises TypeError there, so digits come out (not `%c`: one character).
# formatting._NUMBER_TYPES is the engine's set, for whole templates; `%u` is also here.
_NUMERIC_CONVERSIONS = tuple("diouxXeEfFgG")


def inserted_text(built: ast.expr, parts: list[Piece] | None) -> list[ast.expr]:
    """What the built string `built` (taken apart into `parts` by `pieces`) inserts as text: its
    values, except those a numeric `%` conversion writes as digits (`"%d items" % count` raises
    TypeError for a string; each piece keeps its conversion); `built` itself when not taken apart."""
    if parts is None:
        return [built]
    return [p.node for p in parts if isinstance(p, Value) and not p.spec.endswith(_NUMERIC_CONVERSIONS)]


def literal_text(parts: list[Piece]) -> str:
    return "".join(p.text if isinstance(p, Literal) else "\0" for p in parts)


def python_literal(text: str, prefer: str = '"') -> str:
    """A Python string literal for `text`, readable (no needless escapes)."""
    if "\n" in text and '"""' not in text and not text.endswith('"'):
        return '"""' + text.replace("\\", "\\\\") + '"""'
    quote = prefer
    if quote in text and ("'" if quote == '"' else '"') not in text:
        quote = "'" if quote == '"' else '"'
    body = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    body = body.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return quote + body + quote


def quote_of(source: str) -> str:
    """The quote character a string literal's source text uses."""
    stripped = source.lstrip("rRbBuUfFtT")
    return stripped[:1] if stripped[:1] in ("'", '"') else '"'
