"""The rule registry: every module in this package that defines a Rule subclass.

Adding a rule is adding a file; nothing else needs to change.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from secure_ls.rules.base import Example, Rule

__all__ = ["Example", "Rule", "all_rules", "rule_by_id"]


@functools.lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and getattr(value, "id", None):
                if value.__module__ != module.__name__:
                    continue  # imported from elsewhere
                if value.id in found and found[value.id] is not value:
                    raise RuntimeError(f"two rules share the id {value.id}: {found[value.id].__name__} and {value.__name__}")
                found[value.id] = value
    return tuple(sorted(found.values(), key=lambda r: r.id))


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, type[Rule]]:
    index: dict[str, type[Rule]] = {}
    for rule in all_rules():
        index[rule.id] = rule
        index[rule.name] = rule
    return index


def rule_by_id(rule_id: str) -> type[Rule] | None:
    """The rule with this id or name (None for findings from outside the registry)."""
    return _index().get(rule_id)
