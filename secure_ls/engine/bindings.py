"""What the data-flow pass records: the binding each name holds at a point of a function
(`Binding`, collected in an `Env`), what one pass over a scope learned (`ScopeFacts`, read
by rules through the context), and what a class's methods store on `self`
(`InstanceAttributes`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from secure_ls.engine import astutil
from secure_ls.engine.taint import UNTRUSTED, Origin


@dataclass
class Binding:
    origin: Origin
    # the expressions assigned to the name on the paths reaching this point
    values: tuple[ast.expr, ...] = ()
    alias: str | None = None  # the qualified name the variable stands for (h = hashlib.md5)
    function: bool = False  # bound by a `def` (so a call may use the function's summary)
    # A dict, list or tuple literal whose items sit under constant keys (`{"term": q, "table":
    # "posts"}`): the origin of each item, so that reading `d["table"]` is not tainted by
    # `d["term"]`. Kept while the name is only read and written through constant keys; any
    # other use (passed on, a method called, `del`, a non-constant key) drops it, and reads
    # then fall back to `origin`, which always holds every item.
    fields: dict[object, Origin] | None = None
    # An object some of whose attributes were set by `obj.attr = v`: its origin apart from them
    # (each set attribute is then tracked as the path `obj.attr`), so that `book.cover = upload`
    # leaves `book.local_path` as it was. None (unknown, or lost at a join): `origin` holds all.
    own: Origin | None = None
    # Bound by `for name in <collection>:`: the collection the value is one element of, so that
    # `item.key == k` in the loop tells that k equals one of its items' fields (guards.validation).
    element_of: ast.expr | None = None
    # A flag bound to True: the bindings the names had where it was set (engine/flags.py)
    implies: dict[str, "Binding"] | None = None


Env = dict[str, Binding]


def mark_checked_with_derived(env: Env, names: frozenset[str], sinks: frozenset[str]) -> None:
    """Make `names` safe for `sinks` from here on, and with them what was built from them before the
    check (`path = os.path.join(BASE, lang)`, then `SUFFIXES[lang]` raises unless lang is a key): a
    binding whose value mentions a checked name (through other names' values) holds the checked
    value where it holds the very part of the client's data the name holds. A value taken apart on
    the way (`lang = path.split("/")[-1]`: an item read, one step more) shares no part, nor does a
    parameter (its parts carry no steps to tell one use from another)."""
    checked = {n for n in names if n in env}
    if not checked:
        return
    shared = {p for n in checked for p in env[n].origin.parts if p.kind == UNTRUSTED and p.steps}
    derived = set(checked)
    grown = True
    while grown:
        grown = False
        for name, binding in env.items():
            if name not in derived and any(isinstance(n, ast.Name) and n.id in derived for v in binding.values for n in astutil.walk(v)):
                derived.add(name)
                grown = True
    for name in derived:
        binding = env[name]
        parts = binding.origin.parts
        if name in checked:
            env[name] = Binding(binding.origin.sanitized(sinks), binding.values, binding.alias)
        elif parts & shared:
            origin = Origin(frozenset(parts & shared)).sanitized(sinks).join(Origin(frozenset(parts - shared)))
            env[name] = replace(binding, origin=origin, fields=None, own=None)


def one_value(env: Env, name: ast.Name) -> ast.expr | None:
    """The one expression a local name holds where `env` was taken (`kwargs` in `kwargs = {field: value}`)."""
    held = env.get(name.id)
    return held.values[0] if held is not None and len(held.values) == 1 else None


@dataclass
class ScopeFacts:
    """What one pass over a scope learned; looked up by rules through the context."""

    loads: dict[int, Binding] = field(default_factory=dict)  # id(Name node) -> binding
    returns: list[Origin] = field(default_factory=list)
    returned_items: list[tuple[Origin, ...] | None] = field(default_factory=list)  # per return: its tuple's items
    # method passes only: attribute of the instance (`self.<name> = ...`) -> what was stored in it
    attribute_stores: dict[str, Origin] = field(default_factory=dict)
    # ... and the expressions stored whole (the target itself for a partial store: `self.x[k] = v`)
    attribute_values: dict[str, tuple[ast.expr, ...]] = field(default_factory=dict)
    dead: list[tuple[int, int]] = field(default_factory=list)  # line ranges that never run
    # id() of what `with` statements enter (`async with session.get(url) as request:`)
    entered: set[int] = field(default_factory=set)


@dataclass
class InstanceAttributes:
    """What the methods of one class store on `self`, by attribute name."""

    origins: dict[str, Origin] = field(default_factory=dict)
    values: dict[str, tuple[ast.expr, ...]] = field(default_factory=dict)  # see ScopeFacts.attribute_values
