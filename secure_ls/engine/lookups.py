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

The same holds of the application's own items selected by equality with K (filtered_by: a
comprehension, `next(...)`, a filter with a lambda; matched_element: `if item.key == K:` inside
`for item in ITEMS:`): where the selection found one, K equals that item's field.
"""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil, catalog, frameworks, raised
from secure_ls.engine.taint import UNKNOWN, UNTRUSTED, Origin

# ORM query methods that return None when no row matches (`if user is None: abort(404)` follows)
ROW_OR_NONE = frozenset({"first", "get_or_none", "one_or_none", "scalar_one_or_none"})
# ORM query methods that raise when no row matches: SQLAlchemy's `one()`/`scalar_one()`,
# Flask-SQLAlchemy's `first_or_404()`/`one_or_404()`, Django's and peewee's `get()` (see _raises_on_miss)
_ROW_OR_RAISE = frozenset({"one", "scalar_one", "first_or_404", "one_or_404", "get", "aget"})


def found_row_by(value: ast.expr | None, value_of=None) -> frozenset[str]:
    """The names K an ORM query finds a stored row by equality with, returning None on a miss:
    `Trigger.get_or_none(Trigger.camera == K)` (peewee), `User.query.filter_by(name=K).first()`,
    `Tag.objects.filter(slug=K).first()` (Django lookups other than exact matches excluded),
    `Request.visible(db).filter(Request.id == K).first()` (a model's own query, filtered by one
    of its columns); SQLAlchemy's look-up by primary key, `db.query(User).get(K)`,
    `User.query.get(K)`, `session.get(User, K)`, a CRUD base's, `User.get(db, object_id=K)` (or
    `User.get(db=db, object_id=K)`), and a model class's own look-up by key, `await Note.get(K)`;
    Prisma's `table.find_unique(where={"id": K})`; and a look-up named for the field it matches, `view.find_by_pk(request, K)`, `db.program_by_id(K)`,
    also in camelCase (libvirt's `conn.lookupByName(K)`)."""
    if isinstance(value, ast.Await):  # `await Note.get(K)`: an async ORM's look-up
        value = value.value
    if isinstance(value, ast.Call) and _NAMED_LOOKUP.search(astutil.snake_case(astutil.last_name(value.func))):  # libvirt names its look-ups in camelCase
        return _named_key(value)
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)):
        return frozenset()
    if value.func.attr == "get":
        return _primary_key(value)
    if value.func.attr in _WHERE_LOOKUPS:
        return _where_keys(value)
    if value.func.attr not in ROW_OR_NONE:
        return frozenset()
    if not (frameworks.is_database_read(value.func) or frameworks.is_model_class(value.func.value) or _filters_by_column(value.func.value) or _queries_model(value.func)):
        return frozenset()
    return _exact_keys(value, value_of)


# Prisma Client Python's look-ups that return None on a miss: `table.find_unique(where={"id": K})`
_WHERE_LOOKUPS = frozenset({"find_unique", "find_first"})


def _where_keys(call: ast.Call) -> frozenset[str]:
    """K of `find_unique(where={"agent_id": K})`: a field of the `where` dict literal given a bare
    name, which Prisma matches for equality (an operator, `{"name": {"contains": K}}`, is no exact match)."""
    where = next((k.value for k in call.keywords if k.arg == "where"), None)
    if not isinstance(where, ast.Dict):
        return frozenset()
    return frozenset(v.id for k, v in zip(where.keys, where.values) if isinstance(k, ast.Constant) and isinstance(v, ast.Name))


def _queries_model(node: ast.expr) -> bool:
    """A chain of calls on SQLAlchemy's `session.query(Model)` (`db.query(cls).filter_by(...)`)."""
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "query" and node.args and frameworks.is_model_class(node.args[0]):
            return True
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return False


def _primary_key(call: ast.Call) -> frozenset[str]:
    """K of SQLAlchemy's `db.query(User).get(K)`, `User.query.get(K)` or `session.get(User, K)`,
    which return None when no row has that primary key (Django's and peewee's `get` raise
    instead, and take keywords or comparisons, not a bare key)."""
    receiver = call.func.value  # type: ignore[attr-defined]
    if (_session_first(call) or any(k.arg in _SESSION_NAMES for k in call.keywords)) and frameworks.is_model_class(receiver):
        return _key_after_session(call)
    if call.keywords or not all(isinstance(a, ast.Name) for a in call.args):
        return frozenset()
    if len(call.args) == 1 and (
        _queries_model(receiver)
        or isinstance(receiver, ast.Attribute) and receiver.attr == "query" and frameworks.is_model_class(receiver.value)
        # `Note.get(K)` on a class (a classmethod: Beanie's, Tortoise's, an ORM base's), never a mapping's get
        or isinstance(receiver, ast.Name) and receiver.id != "cls" and frameworks.is_model_class(receiver)
    ):
        return frozenset({call.args[0].id})  # type: ignore[attr-defined]
    if len(call.args) == 2 and astutil.last_name(receiver) in _SESSION_NAMES and frameworks.is_model_class(call.args[0]):
        return frozenset({call.args[1].id})  # type: ignore[attr-defined]
    return frozenset()


# what SQLAlchemy sessions are called (`session.get(User, K)`; a mapping's get takes no class first)
_SESSION_NAMES = frozenset({"session", "db", "db_session", "dbsession", "sess"})
# how a model's own look-up by primary key names the key after the session
_KEY_KEYWORDS = frozenset({"id", "object_id", "pk"})


def _session_first(call: ast.Call) -> bool:
    """`User.get(db, ...)`: the session is the first argument (else it may come by keyword, `db=db`)."""
    return bool(call.args) and astutil.last_name(call.args[0]) in _SESSION_NAMES


def _key_after_session(call: ast.Call) -> frozenset[str]:
    """K of a model's own classmethod look-up by primary key, the session first (a CRUD base's
    `ClientDetail.get(db, object_id=K)`, `User.get(db, K)`, which wrap `db.query(cls).get(K)`):
    a row with that key, or None. Only a bare name is the key; other keywords (`config=...`) may follow."""
    rest = call.args[1:] if _session_first(call) else call.args
    keyed = [k.value for k in call.keywords if k.arg in _KEY_KEYWORDS]
    keys = [*rest, *keyed]
    if len(keys) != 1 or not isinstance(keys[0], ast.Name) or any(k.arg is None for k in call.keywords):
        return frozenset()
    return frozenset({keys[0].id})


# A repository's look-up named for the field it matches (`find_by_pk`, `get_user_by_email`,
# `program_by_id`), also among other fields (`get_folder_by_id_and_user_id(K, user.id)`) or saying
# where it looks (`get_guardrail_by_id_from_db`): what it finds, it found by that field, so K
# equals (or is part of) a stored value
_LOOKUP_FIELDS = "id|pk|key|uuid|slug|name|username|email|code|token|identifier|label"
_NAMED_LOOKUP = re.compile(rf"(?:^|_)by_(?:{_LOOKUP_FIELDS})(?:_and_\w+?)?(?:_(?:from|in)_[a-z]+)?$")
# a keyword that names the field, alone or qualified (`id=K`, `guardrail_id=K`, `plugin_name=K`)
_FIELD_KEYWORD = re.compile(rf"(?:^|_)(?:{_LOOKUP_FIELDS})$")


# what a look-up is handed besides the key (`find_by_pk(request, pk)`, the user it is scoped to:
# `get_accessible_chat_by_id(K, user)`)
_CONTEXT_NAMES = _SESSION_NAMES | {"request", "req", "self", "cls", "context", "ctx", "user", "current_user"}


def _named_key(call: ast.Call) -> frozenset[str]:
    """K of a named look-up: its one argument that is a bare name other than a session or the
    request, positional or by a key keyword (`get_by_id(db, id=K)`). None found, or several: nothing."""
    keys = [a for a in call.args if isinstance(a, ast.Name) and a.id not in _CONTEXT_NAMES]
    keys += [k.value for k in call.keywords if k.arg and _FIELD_KEYWORD.search(k.arg)]
    if len(keys) != 1 or not isinstance(keys[0], ast.Name) or len(call.args) > 2 or any(k.arg is None for k in call.keywords):
        return frozenset()
    return frozenset({keys[0].id})


def _filters_by_column(node: ast.expr) -> bool:
    """A query of the model's own making filtered by equality with one of its columns:
    `Request.visible(db).filter(Request.id == K)` (SQLAlchemy's expression language)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("filter", "where")
        and any(_is_equality(a) and isinstance(a.left, ast.Attribute) and frameworks.is_model_class(a.left.value) for a in node.args)  # type: ignore[attr-defined]
    )


def found_once_run(node: ast.expr | None, value_of=None) -> frozenset[str]:
    """The names K that a query matched a stored row with, raising when none matches, where the
    query is `node` (a statement's value) or what it is called on (`Case.get(Case.id == K).name`,
    `await Tag.objects.aget(slug=K)`); so once the statement has run, K equals a stored field. Not a
    query that may not run (`x or Model.objects.get(...)`, a conditional expression, a lambda).
    With `value_of` (a local name's one value), a query built in a name first (`query =
    session.query(M).filter_by(name=K)`, then `query.one()`)."""
    while node is not None:
        if isinstance(node, ast.Await):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and value_of is not None and (
            node.func.attr in _RAISING_QUERY_METHODS and _queries_model(built := value_of(node.func.value))
        ):
            return _exact_keys(built)  # type: ignore[arg-type]
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


def found_before_handler(attempt: ast.Try, index: int, summary_of) -> frozenset[str]:
    """`try: note = await Note.get(K)` ... `except OpenNotebookError: raise` `except Exception:`: the
    names K that look-ups of the application's, the try's first statements, found a row by, in
    the handler `index` that none of what they raise (their summaries' `raises`) can reach: that
    handler runs only after they returned, and they never return None (a miss raises)."""
    found: frozenset[str] = frozenset()
    for first in attempt.body:
        value = first.value if isinstance(first, (ast.Assign, ast.Expr)) else None
        call = value.value if isinstance(value, ast.Await) else value
        summary = summary_of(call.func) if isinstance(call, ast.Call) else None
        if summary is None or not raised.passes_by(attempt.handlers, index, summary.raises_until_found()):
            break
        keys = found_once_run(value) | (found_row_by(value) if summary.finds_or_raises() else frozenset())
        if not keys:
            break
        found |= keys
    return found


def _raises_on_miss(call: ast.Call) -> bool:
    """`get_object_or_404(Model, ...)`; a query method of _ROW_OR_RAISE on an ORM query
    (`Model.objects.filter(...).get(...)`, `Model.query.filter_by(...).one()`); peewee's
    `Model.get(Model.field == K)`, on the class, with the comparisons a mapping's get never takes."""
    func = call.func
    if astutil.last_name(func) in catalog.ORM_LOOKUPS and astutil.last_name(func) != "get_list_or_404":
        return True
    if not (isinstance(func, ast.Attribute) and func.attr in _ROW_OR_RAISE):
        return False
    if frameworks.is_database_read(func) or func.attr in _RAISING_QUERY_METHODS and _queries_model(func.value):
        return True  # also SQLAlchemy's `session.query(M).filter_by(name=K).one()`
    return func.attr == "get" and frameworks.is_model_class(func.value) and bool(call.args) and all(_is_equality(a) for a in call.args)


# what raises on a miss on SQLAlchemy's `session.query(M)` (its `get` returns None instead)
_RAISING_QUERY_METHODS = _ROW_OR_RAISE - {"get", "aget"}
# Django query methods that build a lookup from their keywords when called (`field=K`)
_KEYWORD_QUERIES = frozenset({"get", "aget", "filter", "exclude"})


def field_lookups(node: ast.expr | None, missed: ast.expr | None = None) -> list[tuple[ast.expr, str, str]]:
    """(model, field, K) for each exact keyword lookup `field=K` of a Django query within `node`:
    on a model's manager (`Organization.objects.get(stack_id=K)`: the model is `Organization`), or
    on any manager (`team.organizations.get(stack_id=K)`) where `missed` names the model it
    queries (the `except Organization.DoesNotExist:` its miss raises into)."""
    found = []
    stack = [node] if node is not None else []
    while stack:
        call = stack.pop()
        stack.extend(astutil.children(call))
        if type(call) is not ast.Call or not call.keywords or not isinstance(call.func, ast.Attribute) or call.func.attr not in _KEYWORD_QUERIES:
            continue
        model = _managed_model(call.func.value) or missed
        for keyword in call.keywords:
            field = keyword.arg.removesuffix("__exact") if keyword.arg else None
            if model is not None and field and "__" not in field and isinstance(keyword.value, ast.Name):
                found.append((model, field, keyword.value.id))
    return found


def missed_model(handler: ast.ExceptHandler) -> ast.expr | None:
    """`Organization` for `except Organization.DoesNotExist:` (the one model whose miss it handles)."""
    caught = handler.type
    if isinstance(caught, ast.Attribute) and caught.attr == "DoesNotExist" and frameworks.is_model_class(caught.value):
        return caught.value
    return None


def _managed_model(node: ast.expr) -> ast.expr | None:
    """The model class a chain of query calls hangs from: `Organization` in `Organization.objects.filter(...)`."""
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute) and node.attr == "objects" and frameworks.is_model_class(node.value):
            return node.value
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return None


def _calls(call: ast.Call, method: str) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr == method


def _is_equality(node: ast.expr) -> bool:
    return isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)


def _exact_keys(value: ast.Call, value_of=None) -> frozenset[str]:
    """The names the query (down its chain of calls) compares a field with for equality:
    `Model.field == K`, `field=K`, `field__exact=K`, `field__iexact=K`, and with `value_of` (a
    local name's one value) the keywords a dict spells for SQLAlchemy's `filter_by(**kwargs)` (`kwargs = {field: K}`)."""
    keys: set[str] = set()
    call: ast.expr = value
    while isinstance(call, ast.Call):
        for test in call.args:
            if _is_equality(test):
                sides = (test.left, test.comparators[0])  # type: ignore[attr-defined]
                keys.update(b.id for a, b in (sides, sides[::-1]) if isinstance(a, ast.Attribute) and isinstance(b, ast.Name))
        exact = (k for k in call.keywords if k.arg and ("__" not in k.arg or k.arg.endswith(("__exact", "__iexact"))))
        keys.update(k.value.id for k in exact if isinstance(k.value, ast.Name))
        spreads = [k.value for k in call.keywords if k.arg is None and isinstance(k.value, ast.Name)] if value_of is not None and _calls(call, "filter_by") else []
        for spread in spreads:
            spelled = value_of(spread)
            if isinstance(spelled, ast.Dict) and all(isinstance(key, ast.Name) for key in spelled.keys):
                # `{field: K}` for SQLAlchemy's filter_by, which takes column names only: K equals that column
                # (not Django's filter, where the name may hold a lookup such as `title__icontains`)
                keys.update(v.id for v in spelled.values if isinstance(v, ast.Name))
        call = call.func.value if isinstance(call.func, ast.Attribute) else call.func
    return frozenset(keys)


def is_untrusted(origin: Origin) -> bool:
    """Whether the worst of what the value may hold is untrusted input (not a constant, a
    parameter or the program's own data)."""
    part = origin.risk()
    return part is not None and part.kind == UNTRUSTED


def filtered_by(value: ast.expr | None, origin) -> str | None:
    """K in a selection of the application's own items by equality with a name K:
    `[p for p in PLUGINS if p.id == K]`, `next((u for u in users if u.name == K), None)`,
    `manager.filtered(lambda p: p.id == K)`. Where the selection found something, K equals an
    item's field. Not when the items come from the client."""
    if isinstance(value, ast.Call) and astutil.last_name(value.func) == "next" and value.args:
        value = value.args[0]
    if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and len(value.generators) == 1:
        loop = value.generators[0]
        if not isinstance(loop.target, ast.Name) or is_untrusted(origin(loop.iter)):
            return None
        return next((k for test in loop.ifs if (k := matched_name(test, loop.target.id)) is not None), None)
    if isinstance(value, ast.Call):
        lambdas = [a for a in value.args if isinstance(a, ast.Lambda) and len(a.args.args) == 1]
        others = [a for a in value.args if not isinstance(a, ast.Lambda)]
        receiver = value.func.value if isinstance(value.func, ast.Attribute) else None
        if len(lambdas) != 1 or any(is_untrusted(origin(a)) for a in [*others, *([receiver] if receiver is not None else [])]):
            return None
        return matched_name(lambdas[0].body, lambdas[0].args.args[0].arg)
    return None


def matched_element(test: ast.Compare, origin, collection_of) -> str | None:
    """K in `item.field == K` (or `item == K`) inside `for item in ITEMS:` over the application's own
    items: where the test holds, K equals an item's field (the statement form of filtered_by's selection)."""
    for side, other in ((test.left, test.comparators[0]), (test.comparators[0], test.left)):
        item = side.value if isinstance(side, (ast.Attribute, ast.Subscript)) else side
        if not isinstance(item, ast.Name) or (items := collection_of(item)) is None or is_untrusted(origin(items)):
            continue
        if item is side:  # `if entry == name:` in `for entry in os.listdir(BASE):`
            return other.id if isinstance(other, ast.Name) and other.id != item.id else None
        return matched_name(test, item.id)
    return None


def single_loop_item(value: ast.expr) -> str | None:
    """The item name of a generator expression over one collection with no filter (`d` in
    `(name == d.filename for d in DOCUMENTS)`), else None."""
    if isinstance(value, ast.GeneratorExp) and len(value.generators) == 1 and not value.generators[0].ifs:
        target = value.generators[0].target
        return target.id if isinstance(target, ast.Name) else None
    return None


def matched_name(test: ast.expr, item: str) -> str | None:
    """K in `item.field == K` (either side; `item["field"]` too; `(item.key or item.extension) == K`,
    one of the item's fields)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return None
    for a, b in ((test.left, test.comparators[0]), (test.comparators[0], test.left)):
        fields = a.values if isinstance(a, ast.BoolOp) and isinstance(a.op, ast.Or) else [a]
        if all(_is_field_of(f, item) for f in fields) and isinstance(b, ast.Name) and b.id != item:
            return b.id
    return None


def _is_field_of(node: ast.expr, item: str) -> bool:
    return isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Name) and node.value.id == item


def keys_of_literal_looked_up(value: ast.expr, values_of) -> frozenset[str]:
    """The names K that `value` (a statement's value) reads as `TABLE[K]`, TABLE being a name whose
    one value (`values_of(name)`: the flow pass gives the function's own bindings, while no key
    but constants was stored in them and no method called) is a dict display with constant keys
    (`suffixes = {"python": "py", "go": "go"}`): the read raises KeyError for any other K, so once
    the statement has run K is one of those keys. Only reads that always run: not in a lambda or
    comprehension, the branches of a conditional expression, nor after the first operand of
    `and`/`or`."""
    keys: set[str] = set()
    stack: list[ast.AST] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        if isinstance(node, (ast.IfExp, ast.BoolOp)):
            stack.append(node.test if isinstance(node, ast.IfExp) else node.values[0])
            continue
        stack.extend(astutil.children(node))
        if type(node) is ast.Subscript and isinstance(node.slice, ast.Name) and isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Load):
            table = values_of(node.value.id)
            if len(table) == 1 and isinstance(table[0], ast.Dict) and all(isinstance(k, ast.Constant) for k in table[0].keys):
                keys.add(node.slice.id)
    return frozenset(keys)


def key_of_own_table_read(value: ast.expr, origin) -> str | None:
    """K of a statement whose value is `obj.table[K]` (`field = schema.fields[name]`), the table an
    attribute of the application's own (`origin` says it holds no client data): the read raises
    KeyError for any other K, so once the statement has run K is one of the table's keys, as where
    `obj.table.get(K)` was found (guards.looked_up_key)."""
    if not (type(value) is ast.Subscript and isinstance(value.slice, ast.Name) and isinstance(value.value, ast.Attribute)):
        return None
    return value.slice.id if is_own_table(value.value, origin) else None


def is_own_table(table: ast.expr, origin) -> bool:
    """Whether a mapping is the application's own: neither the client nor a caller filled it, so a
    key found in it is one of the keys the application put there."""
    held = origin(table).risk()
    return held is None or held.kind == UNKNOWN


def is_found_row(value: ast.expr | None, qualify) -> bool:
    """A row a query found, or a form saved: `get_object_or_404(...)`, `qs.first()`, `.last()`,
    `.latest(...)`, `.earliest(...)`, a manager's (not a dict's) `get` (`Model.objects.get(pk=pk)`,
    `Model.objects.filter(...).get(...)`), a view's `self.get_object()`, a form's or serializer's
    `save()`: a model instance, whose URL Django's `redirect()` takes from `get_absolute_url()`."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if (qualify(func) or "") == "django.shortcuts.get_object_or_404":
        return True
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "save" or (func.attr in ("first", "last") and not value.args and not value.keywords) or func.attr in ("latest", "earliest"):
        return True
    if func.attr == "get_object" and isinstance(func.value, ast.Name) and func.value.id == "self":
        return True
    return func.attr == "get" and any(isinstance(n, ast.Attribute) and n.attr == "objects" for n in astutil.walk(func.value))
