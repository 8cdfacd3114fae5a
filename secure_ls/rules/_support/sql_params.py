"""A query's SQL with placeholders, and the Python value bound to each one (SLS101's fix).

Each inserted value sits in a slot, and what the original SQL made of it there decides what
must be bound for the query to mean what it meant:

- the whole of a quoted SQL literal (`name = '{x}'`): the SQL held the value's text. A value
  known to be a str is bound as it is; any other is bound as `str(x)`, so None stays the
  text 'None' (not NULL) and 5 the text '5'.
- part of a quoted literal (`LIKE '%{x}%'`, `'O''{x}'`): the whole literal's text is bound
  (`f"%{x}%"`, `f"O'{x}"`), its doubled quotes undone.
- a `%` conversion (`'%05d' % n`): kept in Python inside quotes (`"%05d" % (n,)`: the same
  text); written bare, `%d` binds `int(n)` (what `%d` wrote) and the others (`%.2f`, `%x`)
  have no placeholder equivalent: no fix, the message says what to do.
- bare in the SQL (`id = {x}`): the SQL read the value's text as SQL, so `2` was a number.
  A value known to be an int or float is bound as it is. Any other is bound as given, which
  is a change: text '2' compares as text where the column has no numeric type (SQLite's
  untyped columns, MySQL's string columns), so the fix is unsafe and says so. After LIMIT or
  OFFSET the value is bound as `int(x)`: MySQL rejects a quoted number there.

Literal `%` in the SQL is doubled for `%s` drivers, exactly once: Django's `raw()` already
%-processes the SQL it is given (its params default to `()`), so there a `%%` stays as it is.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from secure_ls.engine import astutil, catalog
from secure_ls.rules._support import strings

# SQL before a value that must be a whole number: MySQL rejects a quoted one (`LIMIT '2'`).
_ROW_COUNT = re.compile(r"\b(limit|offset)(\s+\d+\s*,)?\s*$", re.IGNORECASE)
# Request mappings whose items are text (or raise KeyError): Werkzeug's MultiDict, Django's
# QueryDict, Starlette's and bottle's query mappings.
_TEXT_MAPPINGS = frozenset({"args", "form", "values", "headers", "cookies", "GET", "POST", "COOKIES", "query_params", "query", "forms"})
_STR_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize", "casefold", "replace", "zfill", "removeprefix", "removesuffix"})
_KIND_CALLS = {"int": "int", "len": "int", "float": "float", "str": "str", "repr": "str", "format": "str", "chr": "str"}
_COLLECTION_CALLS = frozenset({"list", "tuple", "set", "frozenset", "sorted"})
_KINDS = frozenset({"str", "int", "float"})


@dataclass(frozen=True)
class Slot:
    """One placeholder: the pieces whose value it stands for (one inserted value, or the text
    and values of a quoted SQL literal), whether they were quoted, and the SQL before it."""

    key: str  # the parameter's name, for `:name` placeholders
    inner: tuple[strings.Piece, ...]
    quoted: bool
    before: str


@dataclass(frozen=True)
class Bound:
    """The Python source of the value to bind, and what binding it changes ("" for nothing:
    the fix may be safe). `text` None: no value keeps the meaning; `change` says what to do."""

    text: str | None
    change: str = ""


def template(parts, style: str, processed: bool = False, first: int = 0, used_names: set[str] | None = None) -> tuple[str | None, list[Slot]]:
    """The SQL of `parts` with a placeholder in each slot, and the slots (`first` parameters,
    named from `used_names`, come before these); None when a quoted literal is not closed.
    `processed`: the call already %-processes its SQL (Django's raw())."""
    out: list[str] = []
    slots: list[Slot] = []
    used = set() if used_names is None else used_names

    def placeholder(inner: list, quoted: bool) -> str:
        inner = [p for p in inner if not (isinstance(p, strings.Literal) and not p.text)]
        key = re.sub(r"\W+", "_", _hint(inner)).strip("_") or "p"
        if key[0].isdigit() or key in used:
            key = f"p{first + len(slots) + 1}"
        used.add(key)
        slots.append(Slot(key, tuple(inner), quoted, "".join(out)))
        return {"qmark": "?", "format": "%s", "dollar": f"${first + len(slots)}"}.get(style, f":{key}")

    def escape(text: str) -> str:
        if style != "format":
            return text
        return re.sub("%%?", "%%", text) if processed else text.replace("%", "%%")

    parts = list(parts)
    i = 0
    while i < len(parts):
        piece = parts[i]
        if isinstance(piece, strings.Literal):
            quote_at = open_quote(piece.text)
            if quote_at is not None and i + 1 < len(parts):
                # a quoted SQL literal with inserted values becomes one parameter; not one
                # with a prefix (N'...', E'...', X'...'), which changes what its text means
                if re.search(r"[\w&]$", piece.text[:quote_at]):
                    return None, []
                inner: list = [strings.Literal(piece.text[quote_at + 1 :])]
                closed = None
                for j in range(i + 1, len(parts)):
                    part = parts[j]
                    end = _closing_quote(part.text) if isinstance(part, strings.Literal) else None
                    if end is not None:
                        inner.append(strings.Literal(part.text[:end]))
                        closed = (j, part.text[end + 1 :])
                        break
                    inner.append(part)
                if closed is None:
                    return None, []
                out.append(escape(piece.text[:quote_at]))
                out.append(placeholder(inner, True))
                parts[closed[0]] = strings.Literal(closed[1])
                i = closed[0]
                continue
            out.append(escape(piece.text))
        else:
            out.append(placeholder([piece], False))
        i += 1
    return "".join(out), slots


def open_quote(text: str) -> int | None:
    """Index of the quote that opened a SQL string literal left open at the end of `text`
    (`''` inside it is a quote, not its end; `--` and `/* */` comments are skipped)."""
    open_at = None
    i = 0
    while i < len(text):
        if open_at is not None:
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    i += 1  # an escaped quote
                else:
                    open_at = None
        elif text[i] == "'":
            open_at = i
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 1
        i += 1
    return open_at


def _closing_quote(text: str) -> int | None:
    """Index of the quote that closes a literal `text` continues, skipping `''` pairs."""
    i = 0
    while i < len(text):
        if text[i] == "'":
            if text[i + 1 : i + 2] != "'":
                return i
            i += 1
        i += 1
    return None


def _hint(inner: list) -> str:
    nodes = [p.node for p in inner if isinstance(p, strings.Value)]
    if len(nodes) == 1:
        return astutil.last_name(nodes[0]) or "p"
    return "p"


def bind(slot: Slot, ctx, processed: bool = False) -> Bound:
    """What to bind to `slot` so that the query keeps its meaning (see the module's doc)."""
    if slot.quoted:
        return Bound(_literal_value(slot.inner, ctx, processed))
    piece = slot.inner[0]
    text = ctx.text(piece.node)
    conversion = piece.spec[-1:] or "s"
    known = kind(piece.node, ctx)
    if conversion in "diu":
        return Bound(text if known == "int" else f"int({text})")
    if piece.spec not in ("", "s"):  # %.2f, %x, %.3s: text a placeholder cannot make
        precision = re.search(r"\.(\d+)[fF]$", piece.spec)
        example = f" (e.g. `round({text}, {precision.group(1)})`)" if precision else ""
        return Bound(
            None,
            f" `{text}` is formatted with `%{piece.spec}` and written bare into the SQL: a placeholder binds the value, "
            f"not that text, so bind the number you mean{example} by hand.",
        )
    if known in ("int", "float"):
        return Bound(text)
    unconverted = _str_argument(piece.node)
    if unconverted is not None and kind(unconverted, ctx) in ("int", "float"):
        return Bound(ctx.text(unconverted))  # `str(n)` of a number wrote the number: bind n
    shown = ctx.text(unconverted if unconverted is not None else piece.node)
    if _ROW_COUNT.search(slot.before):
        return Bound(
            f"int({shown})",
            f"the LIMIT/OFFSET value is now passed as `int({shown})`, since MySQL rejects a quoted number there: "
            "text that is not a whole number raises ValueError",
        )
    return Bound(
        text,
        f"`{text}` was written bare into the SQL and is now bound as it is: a number held as text ('2') is now "
        f"compared and stored as text, not as the number 2; bind `int({shown})` if it holds a number",
    )


def _str_argument(node: ast.expr) -> ast.expr | None:
    """`x` for `str(x)`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and len(node.args) == 1 and not node.keywords:
        return node.args[0]
    return None


def _literal_value(inner: tuple, ctx, processed: bool) -> str:
    """Python source for the text of a quoted SQL literal with inserted values: the value
    itself when it is the whole literal and known to be a str, else text built the way the
    original built it (str(), an f-string, or its `%` conversions)."""
    texts = {id(p): _sql_literal_text(p.text, processed) for p in inner if isinstance(p, strings.Literal)}
    values = [p for p in inner if isinstance(p, strings.Value)]
    plain = all(v.spec in ("", "s") for v in values)
    if len(inner) == 1 and plain:
        node = values[0].node
        return ctx.text(node) if kind(node, ctx) == "str" else f"str({ctx.text(node)})"
    sources = [ctx.text(v.node) for v in values]
    if plain and not any(c in s for s in sources for c in "\"\\#\n{}"):
        body = ""
        for p in inner:
            if isinstance(p, strings.Literal):
                text = texts[id(p)].replace("\\", "\\\\").replace('"', '\\"').replace("{", "{{").replace("}", "}}")
                body += text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
            else:
                body += "{" + ctx.text(p.node) + "}"
        return 'f"' + body + '"'
    pattern = "".join(texts[id(p)].replace("%", "%%") if isinstance(p, strings.Literal) else "%" + (p.spec or "s") for p in inner)
    values_tuple = f"({sources[0]},)" if len(sources) == 1 else f"({', '.join(sources)})"
    return f"{strings.python_literal(pattern)} % {values_tuple}"


def _sql_literal_text(text: str, processed: bool) -> str:
    """The text a piece of a quoted SQL literal stands for: `''` is one quote, and where the
    call %-processes its SQL, `%%` one percent sign."""
    text = text.replace("''", "'")
    return text.replace("%%", "%") if processed else text


def kind(node: ast.expr, ctx, depth: int = 0) -> str | None:
    """"str", "int" or "float" when `node` is known to hold one (so never None), else None."""
    if depth > 4:
        return None
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return None
        return "int" if isinstance(value, int) else "float" if isinstance(value, float) else "str" if isinstance(value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, ast.BinOp):
        left, right = kind(node.left, ctx, depth + 1), kind(node.right, ctx, depth + 1)
        if left == "str":
            return "str" if isinstance(node.op, (ast.Add, ast.Mod)) else None
        if {left, right} <= {"int", "float"} and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.Div)):
            return "float" if "float" in (left, right) or isinstance(node.op, ast.Div) else "int"
        return None
    if isinstance(node, ast.Call):
        return _call_kind(node, ctx, depth)
    if isinstance(node, ast.Name):
        values = ctx.assigned_values(node)
        if values and _augmented(node, ctx):
            return None  # `n /= 2`: its values are the operands, not what they make
        kinds = {kind(v, ctx, depth + 1) for v in values}
        if not values or not _always_reassigned(node, ctx):
            kinds.add(_parameter_kind(node, ctx))
        return kinds.pop() if len(kinds) == 1 else None
    if _is_request_text(node, ctx):
        return "str"
    return None


def _call_kind(node: ast.Call, ctx, depth: int) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        if func.id == "round":
            return "int" if len(node.args) == 1 and not node.keywords else None
        return _KIND_CALLS.get(func.id)
    if isinstance(func, ast.Attribute):
        receiver = kind(func.value, ctx, depth + 1)
        if receiver == "str" and (func.attr in _STR_METHODS or func.attr in ("join", "format")):
            return "str"
    return "str" if _is_request_text(node, ctx) else None


def _always_reassigned(name: ast.Name, ctx) -> bool:
    """Whether a read of a name that is assigned in its function never sees the function's
    parameter of that name: it is no parameter, or a statement of the function's own body
    (not inside an `if`) assigns it before the read."""
    func = ctx.enclosing_function(name)
    if func is None or name.id not in _parameters(func):
        return True
    for stmt in func.body:
        if stmt.end_lineno >= name.lineno:
            break
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) and stmt.value else []
        if any(isinstance(t, ast.Name) and t.id == name.id for t in targets):
            return True
    return False


def _augmented(name: ast.Name, ctx) -> bool:
    scope = ctx.enclosing_function(name) or ctx.tree
    return any(isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id == name.id for n in astutil.walk(scope))


def _parameters(func) -> dict[str, ast.arg]:
    args = func.args
    return {a.arg: a for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}


def _parameter_kind(name: ast.Name, ctx) -> str | None:
    """The kind a parameter's annotation (`n: int`, not Optional, not defaulting to None) or
    its route converter (`<int:n>`) gives it."""
    func = ctx.enclosing_function(name)
    arg = _parameters(func).get(name.id) if func is not None else None
    if arg is None:
        return None
    if arg.annotation is None:
        for decorator in func.decorator_list:
            for text in (a.value for a in getattr(decorator, "args", ()) if isinstance(a, ast.Constant) and isinstance(a.value, str)):
                found = re.search(r"<(int|float):" + re.escape(name.id) + ">", text)
                if found:
                    return found.group(1)
        return None
    defaults = dict(zip([a.arg for a in (*func.args.posonlyargs, *func.args.args)][::-1], func.args.defaults[::-1]))
    defaults.update({a.arg: d for a, d in zip(func.args.kwonlyargs, func.args.kw_defaults) if d is not None})
    default = defaults.get(name.id)
    if isinstance(default, ast.Constant) and default.value is None:
        return None
    annotation = ast.unparse(arg.annotation)
    return annotation if annotation in _KINDS else None


def _is_request_text(node: ast.expr, ctx) -> bool:
    """`request.args["q"]`, `request.GET.get("q", "")`: text read from a request (never None)."""
    if isinstance(node, ast.Subscript):
        mapping = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and len(node.args) == 2:
        default = node.args[1]
        if not (isinstance(default, ast.Constant) and isinstance(default.value, str)):
            return False
        mapping = node.func.value
    else:
        return False
    return isinstance(mapping, ast.Attribute) and mapping.attr in _TEXT_MAPPINGS and astutil.last_name(mapping.value) in catalog.REQUEST_NAMES


def element_kind(collection: ast.expr, ctx) -> str | None:
    """The kind of every element of a list, tuple or set: made in the function (`[int(x) for x
    in ...]`, `raw.split(",")`) or a parameter annotated with it (`ids: list[int]`)."""
    if not isinstance(collection, ast.Name):
        return None
    values = ctx.assigned_values(collection)
    kinds = {_made_elements_kind(v, ctx) for v in values}
    if not values or not _always_reassigned(collection, ctx):
        kinds.add(_annotated_elements_kind(collection, ctx))
    return kinds.pop() if len(kinds) == 1 else None


def _made_elements_kind(value: ast.expr, ctx) -> str | None:
    if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return kind(value.elt, ctx)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)) and value.elts:
        kinds = {kind(e, ctx) for e in value.elts}
        return kinds.pop() if len(kinds) == 1 else None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("split", "rsplit", "splitlines"):
        return "str" if kind(value.func.value, ctx) == "str" else None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and len(value.args) == 1 and not value.keywords:
        arg = value.args[0]
        if value.func.id in _COLLECTION_CALLS:
            return _made_elements_kind(arg, ctx)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "map" and len(value.args) == 2:
        converter = value.args[0]
        return _KIND_CALLS.get(converter.id) if isinstance(converter, ast.Name) else None
    return None


def _annotated_elements_kind(name: ast.Name, ctx) -> str | None:
    func = ctx.enclosing_function(name)
    arg = _parameters(func).get(name.id) if func is not None else None
    annotation = arg.annotation if arg is not None else None
    if not isinstance(annotation, ast.Subscript):
        return None
    element = annotation.slice
    if isinstance(element, ast.Tuple):  # tuple[int, ...]
        kinds = {ast.unparse(e) for e in element.elts if not (isinstance(e, ast.Constant) and e.value is Ellipsis)}
        element_text = kinds.pop() if len(kinds) == 1 else ""
    else:
        element_text = ast.unparse(element)
    return element_text if element_text in _KINDS else None


def literal_lines(source: str, style: str, processed: bool, keys: list[str]) -> str | None:
    """`source`, an implicit concatenation with one string literal per line, with each line's
    values replaced by the placeholders of `keys` (the query's, in order); None when a line
    is not a lone literal or a quoted SQL value spans lines."""
    out: list[str] = []
    used: set[str] = set()
    count = 0
    for line in source.split("\n"):
        stripped = line.strip()
        try:
            node = ast.parse(stripped, mode="eval").body
        except SyntaxError:
            return None
        if not isinstance(node, (ast.Constant, ast.JoinedStr)) or (isinstance(node, ast.Constant) and not isinstance(node.value, str)):
            return None
        parts = strings.pieces(node)
        if parts is None or open_quote(strings.literal_text(parts)) is not None:
            return None
        sql, slots = template(parts, style, processed, first=count, used_names=used)
        if sql is None or [slot.key for slot in slots] != keys[count : count + len(slots)]:
            return None
        count += len(slots)
        out.append(line[: len(line) - len(line.lstrip())] + strings.python_literal(sql, strings.quote_of(stripped)))
    return "\n".join(out) if count == len(keys) else None


def has_comments(source: str) -> bool:
    if "#" not in source:
        return False
    import io
    import tokenize

    try:
        return any(tok.type == tokenize.COMMENT for tok in tokenize.generate_tokens(io.StringIO("(" + source + "\n)").readline))
    except (tokenize.TokenError, SyntaxError):
        return True


def new_literal(sql: str, quote: str, old_source: str) -> str:
    """The new query literal: triple-quoted where the old one was (its lines kept)."""
    stripped = old_source.lstrip("rRbBuUfF")
    if stripped.startswith(('"""', "\'\'\'")) and stripped[:3] not in sql and "\\" not in sql and not sql.endswith(stripped[0]):
        return stripped[:3] + sql + stripped[:3]
    return strings.python_literal(sql, quote)


def tuple_text(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"
