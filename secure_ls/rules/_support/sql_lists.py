"""A list of values joined into SQL (`IN ({",".join(ids)})`), made into one placeholder per element.

SLS101's fix binds each inserted value as one parameter. A value that is a whole list joined
into text cannot be one parameter: bound as one string, `1,3` no longer means two ids. So the
list is expanded instead, the usual idiom:

    cur.execute(f"SELECT * FROM t WHERE id IN ({','.join(ids)})")
    cur.execute("SELECT * FROM t WHERE id IN (" + ", ".join("?" * len(ids)) + ")", (*ids,))

`expansion` recognises the joins that hand the elements over unchanged (`",".join(ids)`,
`",".join(map(str, ids))`, `",".join(str(i) for i in ids)`, and the quoted
`"','".join(names)` inside `('...')`), and says whether the rewrite keeps behaviour:

- the collection is read twice (its length, then its elements), so it must be one that can
  be: a list, tuple or set made in the function, or a parameter annotated as one;
- the elements keep their meaning once bound. Quoted in the old SQL they were text: so they
  must be text (a join of the elements themselves, or of elements known to be str). Written
  bare, `3` was the number 3: bound, the text '3' is not, where the column has no numeric
  type, so the elements must be known numbers (`ids: list[int]`, `[int(x) for x in ...]`);
- an empty list quoted gave `IN ('')`: the quoted expansion binds one '' then (`names or
  [""]`), where `IN ()` would be a syntax error on PostgreSQL and MySQL.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from secure_ls.engine import astutil
from secure_ls.rules._support import sql_params, strings

_COMMA = re.compile(r"\s*,\s*")
_QUOTED_COMMA = re.compile(r"'\s*,\s*'")
_COLLECTION_CALLS = frozenset({"list", "tuple", "set", "sorted", "frozenset"})
_LIST_METHODS = frozenset({"split", "rsplit", "splitlines"})  # str methods that return a list
_COLLECTION_TYPES = frozenset({"list", "tuple", "set", "frozenset", "List", "Tuple", "Set", "FrozenSet", "Sequence", "AbstractSet"})
_STYLE_PLACEHOLDERS = {"qmark": '", ".join("?" * {n})', "format": '", ".join(["%s"] * {n})'}


@dataclass(frozen=True)
class Expansion:
    before: list  # the pieces of the query before the list (its quotes removed)
    after: list  # ... and after it
    collection: str  # the source text of the collection the elements come from
    count: str  # the number of placeholders (`len(ids)`)
    items: str  # what to pass the elements of (`ids`; `(names or [""])` for a quoted list)
    why_unsafe: str  # for the fix's title


def expansion(parts: list, ctx) -> Expansion | None:
    """The one list value of `parts`, recognised, or None (no list, more than one, or a join
    whose elements are rewritten on the way: those need a human)."""
    found = None
    for index, piece in enumerate(parts):
        if not isinstance(piece, strings.Value):
            continue
        node = piece.node
        if not is_join(node):
            continue
        if found is not None:
            return None
        found = (index, node)
    if found is None:
        return None
    index, node = found
    separator = node.func.value.value
    if not isinstance(separator, str):
        return None  # b",".join(...): bytes SQL is left to a human
    elements = _elements(node.args[0]) if len(node.args) == 1 and not node.keywords else None
    if elements is None:
        return None
    collection, converted = elements
    before, after = list(parts[:index]), list(parts[index + 1 :])
    head = before[-1].text if before and isinstance(before[-1], strings.Literal) else ""
    tail = after[0].text if after and isinstance(after[0], strings.Literal) else ""
    if _COMMA.fullmatch(separator) and not head.endswith("'"):
        quoted = False
    elif _QUOTED_COMMA.fullmatch(separator) and head.rstrip().endswith("('") and tail.lstrip().startswith("')"):
        quoted = True  # `IN ('%s')` % "','".join(names): text elements, quoted one by one
        before[-1] = strings.Literal(head[: head.rindex("'")])
        after[0] = strings.Literal(tail[tail.index("'") + 1 :])
    else:
        return None
    if not strings.literal_text(before).rstrip().endswith("("):
        return None
    text = ctx.text(collection)
    # join() takes only str: unconverted elements are text
    elements_are = sql_params.element_kind(collection, ctx) if converted else "str"
    why = ""
    if not _is_collection(collection, ctx):
        why = f"`{text}` is read twice (its length, then its elements): it must be a list, tuple or set"
    elif not quoted and elements_are not in ("int", "float"):
        why = (
            "its elements were written bare into the SQL and are now bound as they are: numbers held as text ('2') are "
            "now compared as text, not as numbers; pass numbers if they hold numbers"
        )
    elif quoted and elements_are != "str":
        why = "its elements are now bound as they are, not as their text: None is now NULL and 5 the number 5"
    if quoted:
        return Expansion(before, after, text, f"(len({text}) or 1)", f'({text} or [""])', why)
    return Expansion(before, after, text, f"len({text})", text, why)


def placeholders(style: str, count: str) -> str | None:
    """The expression that writes `count` placeholders, for a driver's style."""
    template = _STYLE_PLACEHOLDERS.get(style)
    return template.format(n=count) if template else None


def is_join(node: ast.AST) -> bool:
    """`SEPARATOR.join(...)` with a literal separator."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join" and isinstance(node.func.value, ast.Constant)


def _elements(arg: ast.expr) -> tuple[ast.expr, bool] | None:
    """The collection whose elements a join argument hands over unchanged, and whether they go
    through str() on the way: `ids`, `map(str, ids)`, `str(i) for i in ids`, `i for i in ids`."""
    if isinstance(arg, (ast.Name, ast.Attribute)):
        return arg, False
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "map" and len(arg.args) == 2:
        if isinstance(arg.args[0], ast.Name) and arg.args[0].id == "str" and isinstance(arg.args[1], (ast.Name, ast.Attribute)):
            return arg.args[1], True
        return None
    if isinstance(arg, (ast.GeneratorExp, ast.ListComp)) and len(arg.generators) == 1:
        gen = arg.generators[0]
        if gen.ifs or gen.is_async or not isinstance(gen.target, ast.Name) or not isinstance(gen.iter, (ast.Name, ast.Attribute)):
            return None
        elt = arg.elt
        converted = isinstance(elt, ast.Call) and isinstance(elt.func, ast.Name) and elt.func.id == "str" and len(elt.args) == 1 and not elt.keywords
        if converted:
            elt = elt.args[0]
        if isinstance(elt, ast.Name) and elt.id == gen.target.id:
            return gen.iter, converted
    return None


def _is_collection(node: ast.expr, ctx) -> bool:
    """A list, tuple or set: built in the function, or a parameter annotated as one."""
    if not isinstance(node, ast.Name):
        return False
    values = ctx.assigned_values(node)
    if values:
        return all(_makes_collection(v) for v in values)
    func = ctx.enclosing_function(node)
    if func is None:
        return False
    for arg in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs):
        if arg.arg == node.id and arg.annotation is not None:
            annotation = arg.annotation
            if isinstance(annotation, ast.Subscript):
                annotation = annotation.value
            name = astutil.last_name(annotation)
            return name in _COLLECTION_TYPES
    return False


def _makes_collection(value: ast.expr) -> bool:
    if isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.ListComp, ast.SetComp)):
        return True
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        return value.func.attr in _LIST_METHODS  # `raw.split(",")`
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _COLLECTION_CALLS


def list_values(parts, ctx) -> str | None:
    """The text of an inserted value that is (or may be) a whole list of SQL values joined
    into one string (`IN ({ids})`, `",".join(ids)`): binding it as one value changes the query."""
    before = ""
    for index, piece in enumerate(parts):
        if isinstance(piece, strings.Literal):
            before += piece.text
            continue
        node = piece.node
        if is_join(node) or (isinstance(node, ast.Name) and any(is_join(v) for v in ctx.assigned_values(node))):
            return ctx.text(node)
        after = parts[index + 1].text if index + 1 < len(parts) and isinstance(parts[index + 1], strings.Literal) else ""
        if re.search(r"\bin\s*\(\s*'?$", before, re.IGNORECASE) and re.match(r"'?\s*\)", after) and not _is_scalar(node):
            return ctx.text(node)
        before += "\0"
    return None


def _is_scalar(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) or (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("int", "float"))
