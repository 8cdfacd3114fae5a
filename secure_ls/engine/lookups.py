"""Stored rows found by an exact match with a name: where the query found one, the name equals a
field of a row the application stored, so it holds no line break that field does not (the log
convention for stored values, see guards.looked_up_key).

Two shapes:
- a query that returns None on a miss (`User.query.filter_by(name=K).first()`, peewee's
  `Trigger.get_or_none(Trigger.camera == K)`): K is found where a test says the row is there
  (`if user is None: abort(404)`), through guards.looked_up_key;
- a query that raises on a miss (`User.objects.get(name=K)`, `get_object_or_404(User, name=K)`,
  peewee's `Case.get(Case.id == K)`, SQLAlchemy's `.one()`, Flask-SQLAlchemy's `.first_or_404()`):
  K is found once the statement has run, through flow's `_checked_by_call`. An `except
  DoesNotExist:` handler that falls through joins the miss back in, so K is not found after it;
  in an `except MultipleObjectsReturned:` handler K matched several rows (matched_several).
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, catalog, frameworks

# ORM query methods that return None when no row matches (`if user is None: abort(404)` follows)
ROW_OR_NONE = frozenset({"first", "get_or_none", "one_or_none", "scalar_one_or_none"})
# ORM query methods that raise when no row matches: SQLAlchemy's `one()`/`scalar_one()`,
# Flask-SQLAlchemy's `first_or_404()`/`one_or_404()`, Django's and peewee's `get()` (see _raises_on_miss)
_ROW_OR_RAISE = frozenset({"one", "scalar_one", "first_or_404", "one_or_404", "get", "aget"})


def found_row_by(value: ast.expr | None) -> frozenset[str]:
    """The names K an ORM query finds a stored row by equality with, returning None on a miss:
    `Trigger.get_or_none(Trigger.camera == K)` (peewee), `User.query.filter_by(name=K).first()`,
    `Tag.objects.filter(slug=K).first()` (Django lookups other than exact matches excluded)."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ROW_OR_NONE):
        return frozenset()
    if not (frameworks.is_database_read(value.func) or frameworks.is_model_class(value.func.value)):
        return frozenset()
    return _exact_keys(value)


def found_once_run(node: ast.expr | None) -> frozenset[str]:
    """The names K that a query matched a stored row with, raising when none matches, where the
    query is `node` (a statement's value) or what it is called on (`Case.get(Case.id == K).name`,
    `await Tag.objects.aget(slug=K)`); so once the statement has run, K equals a stored field. Not a
    query that may not run (`x or Model.objects.get(...)`, a conditional expression, a lambda)."""
    while node is not None:
        if isinstance(node, ast.Await):
            node = node.value
        elif isinstance(node, ast.Call) and _raises_on_miss(node):
            return _exact_keys(node)
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        else:
            return frozenset()
    return frozenset()


def matched_several(handler: ast.ExceptHandler, attempt: list[ast.stmt]) -> frozenset[str]:
    """`try: sub = Subscription.objects.get(sid=K)` / `except Subscription.MultipleObjectsReturned:`:
    in that handler K equals the field of two stored rows. Only a handler that catches nothing else
    (a miss raises DoesNotExist), after a `try` of that one statement."""
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    if handler.type is None or not all(astutil.last_name(c) == "MultipleObjectsReturned" for c in caught):
        return frozenset()
    if len(attempt) != 1 or not isinstance(attempt[0], (ast.Assign, ast.Expr)):
        return frozenset()
    return found_once_run(attempt[0].value)


def _raises_on_miss(call: ast.Call) -> bool:
    """`get_object_or_404(Model, ...)`; a query method of _ROW_OR_RAISE on an ORM query
    (`Model.objects.filter(...).get(...)`, `Model.query.filter_by(...).one()`); peewee's
    `Model.get(Model.field == K)`, on the class, with the comparisons a mapping's get never takes."""
    func = call.func
    if astutil.last_name(func) in catalog.ORM_LOOKUPS and astutil.last_name(func) != "get_list_or_404":
        return True
    if not (isinstance(func, ast.Attribute) and func.attr in _ROW_OR_RAISE):
        return False
    if frameworks.is_database_read(func):
        return True
    return func.attr == "get" and frameworks.is_model_class(func.value) and bool(call.args) and all(_is_equality(a) for a in call.args)


def _is_equality(node: ast.expr) -> bool:
    return isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)


def _exact_keys(value: ast.Call) -> frozenset[str]:
    """The names the query (down its chain of calls) compares a field with for equality:
    `Model.field == K`, `field=K`, `field__exact=K`, `field__iexact=K`."""
    keys: set[str] = set()
    call: ast.expr = value
    while isinstance(call, ast.Call):
        for test in call.args:
            if _is_equality(test):
                sides = (test.left, test.comparators[0])  # type: ignore[attr-defined]
                keys.update(b.id for a, b in (sides, sides[::-1]) if isinstance(a, ast.Attribute) and isinstance(b, ast.Name))
        exact = (k for k in call.keywords if k.arg and ("__" not in k.arg or k.arg.endswith(("__exact", "__iexact"))))
        keys.update(k.value.id for k in exact if isinstance(k.value, ast.Name))
        call = call.func.value if isinstance(call.func, ast.Attribute) else call.func
    return frozenset(keys)
