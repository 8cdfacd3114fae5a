"""Fields of a module's record classes that every instance the module makes holds a literal in.

A deployment script keeps its targets in a dataclass (`HostConfig(host_name="example.org",
docker_version="stable", github_token=token)`) and hands the instance to helpers annotated
`config: HostConfig`. In such a helper, `config.docker_version` is a parameter's field: whatever
the callers' instances hold. When every construction of the class in the module fills that field
with a literal (or leaves it to a literal default) and no code of the module assigns the field,
the instances the module makes all hold literals there: the value is the program's own text, not
its caller's input (`config.github_token`, filled from a parameter, stays the caller's). Another
module may still make an instance of its own, so this lowers the confidence of a finding (the
flow pass reads such a field as a value it cannot place), it does not clear it.

Per unit (symbols.summarize): `record_defaults(cls)` lists a record class's fields in order with
whether their default is a literal; `construction_facts(tree)` the calls of capitalised names with,
per argument, whether it is a literal, and the attribute names the unit assigns (`x.f = v`,
`setattr(x, "f", v)`, `replace(x, f=v)`). `literal_fields(...)` joins them for the module.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil

ANY_FIELD = "*"  # `setattr(x, name, v)` with a computed name: any field may be assigned
# calls that make a changed copy of a record: their keywords assign those fields
_COPYING = frozenset({"replace", "_replace", "evolve"})

Construction = tuple[str, tuple[bool, ...], tuple[tuple[str, bool], ...], bool]


def _literal(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool))


def record_defaults(cls: ast.ClassDef) -> tuple[tuple[str, bool], ...]:
    """The annotated fields of a record class in declaration order, each with whether its default
    is a literal (`backup_dir: str = "~/backup/"`); a field without a default has none (False)."""
    return tuple(
        (stmt.target.id, _literal(stmt.value))
        for stmt in cls.body
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
    )


def construction_facts(tree: ast.AST) -> tuple[tuple[Construction, ...], frozenset[str]]:
    """In one walk of a unit: the calls of a capitalised name (`HostConfig(...)`), each as (name,
    whether each positional argument is a literal, (keyword, literal?) pairs, whether `*args` or
    `**kwargs` leave the arguments open); and the attribute names the unit assigns on any object:
    `x.f = v`, `x.f += v`, `setattr(x, "f", v)` (ANY_FIELD for a computed name), and the keywords
    of `replace(x, f=v)`/`x._replace(f=v)`."""
    made = []
    stored = set()
    for node in astutil.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            stored.add(node.attr)
        elif not isinstance(node, ast.Call):
            continue
        elif isinstance(node.func, ast.Name) and node.func.id[:1].isupper():
            open_ = any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords)
            keywords = tuple((k.arg, _literal(k.value)) for k in node.keywords if k.arg is not None)
            made.append((node.func.id, tuple(_literal(a) for a in node.args), keywords, open_))
        elif (name := astutil.last_name(node.func)) in ("setattr", "__setattr__"):
            field = node.args[1] if len(node.args) > 1 else None
            stored.add(field.value if isinstance(field, ast.Constant) and isinstance(field.value, str) else ANY_FIELD)
        elif name in _COPYING:
            stored.update(k.arg if k.arg is not None else ANY_FIELD for k in node.keywords)
    return tuple(made), frozenset(stored)


def literal_fields(
    defaults: dict[str, tuple[tuple[str, bool], ...]],
    made: list[Construction],
    stored: set[str],
    subclassed: set[str],
) -> dict[str, frozenset[str]]:
    """Record class -> the fields every construction in the module fills with a literal (by
    position, by keyword, or by leaving a literal default) and no code of the module assigns.
    A class the module never constructs, or subclasses, has none."""
    if ANY_FIELD in stored:
        return {}
    out = {}
    for cls, fields in defaults.items():
        calls = [c for c in made if c[0] == cls]
        if not calls or cls in subclassed:
            continue
        names = [name for name, _ in fields]
        literal = {name for name, has_literal_default in fields if name not in stored}
        for _, positional, keywords, open_ in calls:
            if open_ or len(positional) > len(names):
                literal = set()
                break
            given = dict(zip(names, positional))
            given.update(keywords)
            literal = {name for name in literal if given.get(name, dict(fields)[name])}
        if literal:
            out[cls] = frozenset(literal)
    return out
