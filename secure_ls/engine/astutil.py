"""Fast tree walking, and small questions answered by the syntax alone.

`ast.walk` and `ast.iter_child_nodes` are generators layered on
`ast.iter_fields`; across 80 rules and the data-flow pass they were the
single largest cost of `secure-ls check`. These versions cache each node
type's child fields and skip expression contexts (`Load`, `Store`) and
operators (`Add`, `Eq`), a third of all nodes, which no analysis needs to
visit (they stay readable as `node.ctx`, `node.op`, `node.ops`).
"""

from __future__ import annotations

import ast
import re
from collections import deque
from typing import Callable, Iterable, Iterator

from secure_ls.engine import formatting

_SKIPPED = frozenset({"ctx", "op", "ops", "type_comment"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(cls: type) -> tuple[str, ...]:
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = tuple(f for f in cls._fields if f not in _SKIPPED)
    return fields


# List fields that may hold something other than nodes: names (`global a, b`), and the None of
# `{**other}` keys and of keyword-only arguments without a default. Every other list field holds
# only nodes, so it is appended whole (the per-element check was a tenth of a run).
_MIXED_LISTS = frozenset({"names", "keys", "kw_defaults", "kwd_attrs"})
_PLAN: dict[type, tuple[tuple[str, bool], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, bool], ...]:
    plan = _PLAN.get(cls)
    if plan is None:
        plan = _PLAN[cls] = tuple((name, name in _MIXED_LISTS) for name in child_fields(cls))
    return plan


# Where `children` keeps a node's answer, in the node itself. The index, the flow pass, the
# summaries and many rules each walk the same trees again (a function's nodes are listed
# five to ten times in a check); the second listing is a dict lookup. Trees are never
# changed after parsing, so the answer cannot go stale, and it lives exactly as long as
# the tree.
_CHILDREN = "_sls_children"


def children(node: ast.AST) -> tuple[ast.AST, ...]:
    """The child nodes of `node`, in field order (a tuple: it is shared by every caller)."""
    fields = node.__dict__
    cached = fields.get(_CHILDREN)
    if cached is not None:
        return cached
    out: list[ast.AST] = []
    plan = _PLAN.get(type(node)) or _plan(type(node))
    AST = ast.AST
    for name, mixed in plan:
        value = fields.get(name)
        if value is None:
            continue
        if type(value) is list:
            if mixed:
                out += [v for v in value if isinstance(v, AST)]
            else:
                out += value
        elif isinstance(value, AST):
            out.append(value)
    result = fields[_CHILDREN] = tuple(out)
    return result


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node below `node` (and `node` itself), breadth first, in `ast.walk`'s order."""
    todo = deque([node])
    popleft = todo.popleft
    extend = todo.extend
    while todo:
        current = popleft()
        extend(children(current))
        yield current


def own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's (or a module's) body, the insides of nested functions and classes aside."""
    stack = list(scope.body)  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(children(node))


def last_name(node: ast.AST) -> str:
    """The last name of a dotted expression: `SearchSerializer` for `api.SearchSerializer`, "" for others."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for the expression `a.b.c`; None when it is not names and attributes."""
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    names.append(node.id)
    return ".".join(reversed(names))


def literal_prefix(node: ast.AST, value_of: Callable[[ast.Name], "ast.expr | str | None"], depth: int = 0) -> tuple[str, bool] | None:
    """The constant text a string expression starts with, and whether that is all of it:
    a literal, an f-string's leading text, the left of `+`, or through `value_of(name)`
    (the one expression a name holds, or its text when it is a constant)."""
    if depth > 4:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = literal_prefix(node.left, value_of, depth + 1)
        if left is None:
            return None
        if left[1]:  # `BASE + "/" + x`: the whole left, then what the right starts with
            right = literal_prefix(node.right, value_of, depth + 1)
            if right is not None:
                return left[0] + right[0], right[1]
        return left[0], False
    if isinstance(node, ast.Name):
        value = value_of(node)
        if isinstance(value, str):
            return value, True
        return literal_prefix(value, value_of, depth + 1) if value is not None else None
    pieces = template_pieces(node)
    if pieces is None:
        return None
    text = ""
    for piece in pieces:  # `"{}/{}".format(route, x)`: the template's text, then what each field starts with
        found = (piece, True) if isinstance(piece, str) else literal_prefix(piece, value_of, depth + 1)
        if found is None:
            return (text, False) if text else None
        text += found[0]
        if not found[1]:
            return text, False
    return text, True


def template_pieces(node: ast.AST) -> list | None:
    """A constant template filled in order, as its text and its arguments (a field whose text is
    not read is _UNREAD: the text ends there): `f"/a/{x}"`,
    `"/a/{}".format(x)`, and `"/a/%s" % x` (read up to its first field only, since its fields
    may convert; so are f-string fields with a conversion or a format spec)."""
    if isinstance(node, ast.JoinedStr) and node.values:
        return [
            v.value if isinstance(v, ast.Constant) else v.value if v.conversion == -1 and v.format_spec is None else _UNREAD
            for v in node.values
        ]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
        and not node.keywords
        and not any(isinstance(a, ast.Starred) for a in node.args)
    ):
        return formatting.format_pieces(node.func.value.value, node.args)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        head = node.left.value.replace("%%", "\0").split("%")[0].replace("\0", "%")
        return [head, _UNREAD] if head != node.left.value else None
    return None


_UNREAD = ast.Pass()  # a template field whose text is not read: the prefix ends there


def names_a_class(node: ast.AST) -> bool:
    """`Account`, `models.Account`: a CamelCase name, by the naming convention (not a CONSTANT)."""
    name = last_name(node)
    return name[:1].isupper() and any(c.islower() for c in name)


def parses_options(node: ast.AST | None) -> bool:
    """`parser.parse_args()`, `parser.parse_known_args()`: the parsed command-line options."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr.startswith("parse_")


def instance_attribute(target: ast.AST, instance: str) -> str | None:
    """`x` for an assignment target `self.x`, `self.x[k]`, `self.x.y` (`self` named `instance`)."""
    node = target
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == instance:
            return node.attr
        node = node.value
    return None


def constant_key(node: ast.AST | None) -> object | None:
    """The key of `d["k"]` / `items[0]` / `items[-1]` when it is a literal string or integer."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        if isinstance(value, int) and not isinstance(value, bool):
            return -value
    return None


def constant_int(node: ast.AST | None) -> int | None:
    """The value of an integer literal (`4`, `-4`), or None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) and type(node.operand.value) is int:
        return -node.operand.value
    return None


def repeated_literal(node: ast.BinOp) -> ast.expr | None:
    """The literal side of `b"\x00" * 16`, `"-" * width`, `[None] * n`: the result holds only
    copies of it, whatever the count is."""
    if not isinstance(node.op, ast.Mult):
        return None
    for side in (node.left, node.right):
        if isinstance(side, ast.Constant) and isinstance(side.value, (str, bytes)):
            return side
        if isinstance(side, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) for e in side.elts):
            return side
    return None


def added(node: ast.BinOp) -> list[ast.expr]:
    """The operands of a chain of `+` (`a + b + c` -> [a, b, c]); [node] for any other operator."""
    if not isinstance(node.op, ast.Add):
        return [node]
    left = added(node.left) if isinstance(node.left, ast.BinOp) else [node.left]
    return [*left, node.right]


def root_then_unslashed(node: ast.AST) -> bool:
    """`"/" + path.lstrip("/\\")`, `f"/{path.lstrip('/\\')}"`: a lone `/`, then text whose leading
    `/` and `\\` were stripped, then nothing or literal text that starts with neither. Browsers read
    `//host` and `/\\host` as another site; this is always a path of this one."""
    if isinstance(node, ast.JoinedStr):
        pieces = [v.value if isinstance(v, ast.FormattedValue) and v.format_spec is None and v.conversion == -1 else v for v in node.values]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        pieces = added(node)
    else:
        return False
    if len(pieces) < 2 or not (isinstance(pieces[0], ast.Constant) and pieces[0].value == "/"):
        return False
    stripped, rest = pieces[1], pieces[2:]
    chars = stripped.args[0] if isinstance(stripped, ast.Call) and len(stripped.args) == 1 else None
    if not (isinstance(chars, ast.Constant) and isinstance(chars.value, str) and {"/", "\\"} <= set(chars.value)):
        return False
    if not (isinstance(stripped.func, ast.Attribute) and stripped.func.attr == "lstrip"):  # type: ignore[union-attr]
        return False
    return not rest or isinstance(rest[0], ast.Constant) and isinstance(rest[0].value, str) and rest[0].value[:1] not in ("", "/", "\\")


def describe_call(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id + "()"
    if isinstance(func, ast.Attribute):
        return func.attr + "()"
    return "a call"


def item_use(node: ast.AST) -> ast.Name | None:
    """The name in `d["k"]` (read or assigned) or `d.get("k", ...)`: a use that keeps item tracking."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.ctx, (ast.Load, ast.Store)):
        return node.value if constant_key(node.slice) is not None else None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
        and node.args
        and not node.keywords
        and constant_key(node.args[0]) is not None
    ):
        return node.func.value
    return None


def inside(node: ast.AST, ranges: list[tuple[int, int]]) -> bool:
    line = getattr(node, "lineno", None)
    if line is None:
        return False
    return any(start <= line <= end for start, end in ranges)


def is_none(node: ast.AST) -> bool:
    """The literal `None`."""
    return isinstance(node, ast.Constant) and node.value is None


def is_true(node: ast.AST | None) -> bool:
    """The literal `True` (not `1`, nor a name bound to True)."""
    return isinstance(node, ast.Constant) and node.value is True


def is_false(node: ast.AST | None) -> bool:
    """The literal `False` (not `0`, nor a name bound to False)."""
    return isinstance(node, ast.Constant) and node.value is False


def name_reads(scope: ast.AST, name: str) -> list[ast.Name]:
    """Every read (`Load`) of the name `name` inside `scope`."""
    return [n for n in walk(scope) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]


def argument(call: ast.Call, index: int | None, names: Iterable[str] = ()) -> ast.expr | None:
    """The argument at position `index` (only before any *args) or passed by one of the keywords `names`."""
    if index is not None and len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    for kw in call.keywords:
        if kw.arg in names:
            return kw.value
    return None


def argument_for(call: ast.Call, params: tuple[str, ...], name: str) -> ast.expr | None:
    """What `call` passes to the parameter `name` of a function with positional `params`."""
    return argument(call, params.index(name) if name in params else None, (name,))


def parameter_for(call: ast.Call, argument: ast.expr, params: tuple[str, ...], vararg: str | None = None) -> str | None:
    """The parameter `argument` (one of `call`'s arguments) is bound to: `argument_for` the other
    way round; positional arguments past `params` go to `vararg`."""
    keyword = next((k.arg for k in call.keywords if k.value is argument), None)
    if keyword is not None or argument not in call.args:
        return keyword
    index = call.args.index(argument)
    if any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return None
    return params[index] if index < len(params) else vararg


def returns_in(body: list[ast.stmt]):
    """The `return` statements of `body` (a function's), not of the functions, lambdas and
    classes defined inside it."""
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Return):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            pending.extend(children(node))


def item_path(node: ast.AST) -> str | None:
    """`argv[1]`, `options.cmd[0]`, `self.request.GET.get("next")`: an item at a constant index
    or key of a local name or of a chain of fields of one, read with `[...]` or with a one-argument
    `.get(...)` (the same item where there is one), which a check pins down like a field (`if
    options.cmd[0] in COMMANDS:`) until the name, a field on the way or the item is assigned again."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        index, value = node.slice.value, node.value
    elif (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
        and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant)
    ):
        index, value = node.args[0].value, node.func.value
    else:
        return None
    if not isinstance(index, (int, str)) or isinstance(index, bool):
        return None
    base = dotted(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
    if base is None or base.startswith("."):
        return None
    return f"{base}[{index!r}]"


def is_tracked_path(name: str) -> bool:
    """A name of the flow's environment that stands for a field or item (field_path, item_path)."""
    return "." in name or "[" in name


def translated_characters(call: ast.Call, put_back: frozenset[str] = frozenset({"\r", "\n", "'", '"'})) -> frozenset[str]:
    """The characters a `str.maketrans(...)` table with literal arguments maps to something else:
    the keys of `maketrans({"\r": " "})`, the first and third strings of `maketrans("\r\n", "  ", "\t")`.
    A character mapped to text holding one of `put_back` (a line break or quote by default) is not counted."""
    try:
        args = [ast.literal_eval(a) for a in call.args]
    except ValueError:
        return frozenset()
    if len(args) == 1 and isinstance(args[0], dict):
        keys = args[0]
        # a value that puts a line break back (`{"\r": "\n"}`) leaves it in the text
        return frozenset(
            k if isinstance(k, str) else chr(k)
            for k, v in keys.items()
            if isinstance(k, (str, int)) and not (isinstance(v, str) and set(v) & put_back)
        )
    if len(args) in (2, 3) and all(isinstance(a, str) for a in args):
        replaced = {old for old, new in zip(args[0], args[1]) if new not in put_back}
        return frozenset(replaced | set(args[2] if len(args) == 3 else ""))
    return frozenset()


def is_literal_pattern(pattern: ast.AST) -> bool:
    """A `case` pattern that only matches literals: `"a"`, `"a" | "b"`, `None`, `"a" as x`."""
    kind = type(pattern).__name__
    if kind in ("MatchValue", "MatchSingleton"):
        return True
    if kind == "MatchOr":
        return all(is_literal_pattern(p) for p in pattern.patterns)
    if kind == "MatchAs":
        return pattern.pattern is not None and is_literal_pattern(pattern.pattern)
    return False


def is_irrefutable_pattern(pattern: ast.AST) -> bool:
    """`case _:` or `case name:`: matches whatever is left."""
    kind = type(pattern).__name__
    if kind == "MatchAs":
        return pattern.pattern is None or is_irrefutable_pattern(pattern.pattern)
    if kind == "MatchOr":
        return any(is_irrefutable_pattern(p) for p in pattern.patterns)
    return False


def instances_made(func: ast.AST | None, name: str) -> tuple[str, ...]:
    """The classes, called by a plain name, whose instances `func` binds `name` to (`handler =
    StaticHandler()`): read off the syntax once per function (kept in its node: trees never change)."""
    if func is None:
        return ()
    made = func.__dict__.get("_sls_instances_made")
    if made is None:
        made = {}
        for node in walk(func):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        made.setdefault(target.id, set()).add(node.value.func.id)
        made = func.__dict__["_sls_instances_made"] = {k: tuple(sorted(v)) for k, v in made.items()}
    return made.get(name, ())


def snake_case(name: str) -> str:
    """`lookupByName` as `lookup_by_name`, `DigestAuth` as `digest_auth`: a camelCase name's words
    joined by `_`, in lower case."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
