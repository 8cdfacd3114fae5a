"""What a compared value is, for SLS303 (timing-unsafe comparison): shapes that cannot leak a
secret byte by byte, or that no client can vary from one try to the next.

`one_element(node)`: `token[0]`, `sig[-1]`: one character or byte, nothing to guess in steps.
`typed_as_object(node, ctx)`: a parameter annotated with a class that is not text
(`signature: ModelSignature | None`): its `==` is that class's, not a string comparison.
`signature_checked(node, ctx)`: a value read from what a signature check returned
(`signer.unsign(value)`, `JWS().verify_compact(...)`, `jwt.decode(token, key)`, or the
project's helper named for it, `jwt_decode(token)`): nobody without the key chooses it, so no
guess is timed against it.
`items_of_one_mapping(left, right, ctx)`: two fields of one mapping a caller passed
(`attrs.pop("secret")` against `attrs.pop("secret_again")`): a confirmation field checked
against the field it confirms, both sent together.
`constructor_parameters(left, right, ctx)`: two parameters of `__init__`, what the object is
configured with (`salt_a == salt_b` raising at start-up).
`module_text_constant(node, ctx)`: text bound once at the top of the module: in the source.
`lambda_items(node, name, ctx)`: the collection whose items `filter` or `map` hands a lambda's
parameter (`filter(lambda org: org["token"] == mine, orgs)`: the items of `orgs`).
`found_by(stored, value, ctx)`: a field of the record `value` itself looked up
(`key == project.readonly_key` after `project = Project.objects.for_api_key(key)`).
`replaced_by(stored, given, ctx)`: the function stores `given` where `stored` was (a setting
noticed to change).
`round_trip(left, right, ctx)`: a value compared with itself decoded and encoded again
(`b64encode(b64decode(key)) != key`): a format check, nobody's guess.
`match_refused(node, ctx)`: an `==` whose match raises (`if given == self.last_token: raise
Replayed()`): the value it is compared with is refused, a spent or denied one.
`deciding_if(node, ctx)`: the `if` whose test is the comparison, alone or within an `and`.
`parsed_uuid(node, ctx)`: `uuid.UUID(text)`: compared as a number, not character by character.
`own_field(node)`, `copy_of_own_field(node, ctx)`: `self.access_token`, or a name given only such
fields (`token = self.access_token`): the object's own value, then or now.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, taint
from secure_ls.rules._support import naming, newline_checks, web
from secure_ls.rules._support import taint_sinks as ts

# Annotations that hold text or bytes, or anything (so possibly text).
_TEXT_TYPES = frozenset({"str", "bytes", "bytearray", "memoryview", "Any", "AnyStr", "Text", "object", "Hashable", "ByteString", "Buffer"})
# Builtin containers compare item by item: a list of tokens leaks like a token.
_CONTAINER_TYPES = frozenset({"dict", "list", "tuple", "set", "frozenset", "Dict", "List", "Tuple", "Set", "Mapping", "Sequence", "Iterable", "MutableMapping"})
# Words of a class name that say it wraps a secret or text (`SecretStr`, `Token`, `ApiKey`):
# its `==` may well compare the text inside.
_TEXT_CLASS_WORDS = frozenset({"secret", "str", "string", "bytes", "text", "token", "key", "password", "digest", "mac", "hmac", "otp", "credential"})
# ... unless it names a position in a stream or a list (`StreamToken`, `PageToken`, `SyncToken`): a cursor
_POSITION_CLASS_WORDS = frozenset({"stream", "sync", "page", "pagination", "cursor", "continuation", "position", "offset", "batch"})
# Calls whose result exists only once a signature or MAC was checked with the server's key.
_VERIFYING_METHODS = frozenset({"unsign", "unsign_object", "verify_compact"})
_VERIFYING_FUNCTIONS = frozenset({"django.core.signing.loads", "jwt.decode", "jose.jwt.decode"})
# A project's own helper named for decoding or verifying a JWT (`jwt_decode(token)`, `decode_jwt`,
# `verify_jwt_token`) wraps the library's checked decode with the key it keeps; one named for
# skipping that check (`decode_jwt_unverified`) does not.
_JWT_CHECK_WORDS = frozenset({"decode", "decoded", "verify", "verified", "validate", "validated"})
_UNCHECKED_WORDS = frozenset({"unverified", "insecure", "unsafe", "unchecked", "without", "no", "skip", "peek", "raw"})
# Reading one field of a mapping: `d[KEY]`, `d.get(KEY)`, `d.pop(KEY)`.
_ITEM_GETTERS = frozenset({"get", "pop"})


def one_element(node: ast.expr) -> bool:
    """`token[0]`, `token[-1]`: a constant index (not a slice) picks one character or byte."""
    if not isinstance(node, ast.Subscript):
        return False
    index = node.slice
    if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
        index = index.operand
    return isinstance(index, ast.Constant) and type(index.value) is int


def typed_as_object(node: ast.expr, ctx) -> bool:
    """A parameter (or a name declared with a type) whose annotation, `None` aside, is one class
    that is not text, bytes or a container, and whose name does not say it wraps a secret
    (`ModelSignature`, `int`; not `str`, `SecretStr`, `list[str]`)."""
    if not isinstance(node, ast.Name):
        return False
    annotation = _annotation_of(node, ctx)
    if annotation is None:
        return False
    kinds = [k for k in _union_members(annotation) if not (isinstance(k, ast.Constant) and k.value is None)]
    if len(kinds) != 1 or not isinstance(kinds[0], (ast.Name, ast.Attribute)):
        return False
    name = astutil.last_name(kinds[0]) or ""
    if name in _TEXT_TYPES or name in _CONTAINER_TYPES or name == "None":
        return False
    words = naming.words(name)
    return bool(_POSITION_CLASS_WORDS.intersection(words)) or not any(word in _TEXT_CLASS_WORDS for word in words)


def _annotation_of(name: ast.Name, ctx) -> ast.expr | None:
    func = ctx.enclosing_function(name)
    if func is None:
        return None
    args = func.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        if arg.arg == name.id:
            return arg.annotation
    declared = [
        stmt.annotation
        for stmt in astutil.walk(func)
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name.id
    ]
    return declared[0] if len(declared) == 1 else None


def _union_members(annotation: ast.expr) -> list[ast.expr]:
    """`A | None` and `Optional[A]` and `Union[A, None]`: their members; a string annotation parsed."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return [annotation]
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _union_members(annotation.left) + _union_members(annotation.right)
    if isinstance(annotation, ast.Subscript) and astutil.last_name(annotation.value) in ("Optional", "Union"):
        inner = annotation.slice
        return [m for e in (inner.elts if isinstance(inner, ast.Tuple) else [inner]) for m in _union_members(e)]
    return [annotation]


def signature_checked(node: ast.expr, ctx, depth: int = 3) -> bool:
    """A value read out of what a signature check returned, directly (`payload["token"]`,
    `claims.get("nonce")`) or through the names it was kept in; a parameter of a helper its
    callers only hand such a value (every part of its origin names a verifying call)."""
    parts = [p for p in ctx.origin(node).parts if not p.is_safe_for(taint.Sink.ANY)]
    if parts and all(p.kind == taint.UNKNOWN and _names_a_check(p.label.rsplit(".", 1)[-1].rstrip("()")) for p in parts):
        return True
    base = node
    while isinstance(base, ast.Subscript) or isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute) and base.func.attr in _ITEM_GETTERS:
        base = base.value if isinstance(base, ast.Subscript) else base.func.value
    if isinstance(base, ast.Call):
        return _verifies(base, ctx)
    if depth and isinstance(base, ast.Name):
        values = ctx.assigned_values(base)
        return bool(values) and all(signature_checked(v, ctx, depth - 1) for v in values)
    return False


def verified_before(node: ast.expr, ctx) -> bool:
    """A name handed to a signature check before the comparison, on every path to it (in a
    statement before it, or the body of a `try` whose every handler leaves): `data =
    token_service.loads(token)`, then `if invite.token != token:`. Only a token the server's key
    signed gets that far, so nobody can time guesses with it."""
    if not isinstance(node, ast.Name):
        return False
    statement = ctx.statement(node)
    values = ctx.assigned_values(node)
    for earlier in newline_checks.earlier_statements(statement, ctx) if statement is not None else ():
        ran = earlier.body if isinstance(earlier, ast.Try) and earlier.handlers and all(ctx.always_leaves(h.body) for h in earlier.handlers) else [earlier]
        for call in (n for s in ran if isinstance(s, (ast.Assign, ast.Expr, ast.AnnAssign)) for n in astutil.walk(s) if isinstance(n, ast.Call)):
            if call.args and isinstance(call.args[0], ast.Name) and call.args[0].id == node.id and (_verifies(call, ctx) or _signed_loads(call)):
                return all(getattr(v, "lineno", 0) < call.lineno for v in values)  # not given another value since
    return False


def _signed_loads(call: ast.Call) -> bool:
    """`token_service.loads(token)`, `serializer.loads(value)`: a signing serializer's `loads`
    (itsdangerous, Django's signing) checks the signature before it returns anything."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) and call.func.attr == "loads" else None
    words = set(naming.words(astutil.last_name(receiver) or "")) if isinstance(receiver, (ast.Name, ast.Attribute)) else set()
    return bool(words & {"token", "tokens", "serializer", "signer", "signing"})


def _verifies(call: ast.Call, ctx) -> bool:
    """`signer.unsign(value)`, `JWS().verify_compact(jws, keys)`, `jwt.decode(token, key,
    algorithms=[...])` with its signature check left on."""
    if isinstance(call.func, ast.Attribute) and call.func.attr in _VERIFYING_METHODS:
        return True
    library = (ctx.qualified_name(call.func) or "") in _VERIFYING_FUNCTIONS
    if not library and not _names_a_jwt_check(astutil.last_name(call.func)):
        return False
    for keyword in call.keywords:
        if keyword.arg == "verify" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is True):
            return False
        if keyword.arg == "options":
            return False  # `options={"verify_signature": False}` and the like: not shown to check
    return not library or len(call.args) >= 2 or any(k.arg == "key" for k in call.keywords)


def _names_a_check(name: str) -> bool:
    """The name of a call whose result exists only once a signature was checked."""
    return name in _VERIFYING_METHODS or _names_a_jwt_check(name)


def _names_a_jwt_check(name: str | None) -> bool:
    """`jwt_decode`, `decode_jwt_token`, `verify_jwt`: the project's helper that checks a JWT with its key."""
    parts = naming.words(name or "")
    return "jwt" in parts and any(p in _JWT_CHECK_WORDS for p in parts) and not any(p in _UNCHECKED_WORDS for p in parts)


def items_of_one_mapping(left: ast.expr, right: ast.expr, ctx) -> bool:
    """`attrs.pop("secret_key") != attrs.pop("secret_key_again")`, also kept in names first:
    two different fields of one mapping the caller passed, both sent together (a confirmation)."""
    fields = [_field_read(side, ctx) for side in (left, right)]
    if None in fields:
        return False
    (mapping_a, key_a), (mapping_b, key_b) = fields
    return mapping_a == mapping_b and key_a != key_b


def _field_read(node: ast.expr, ctx) -> tuple[str, object] | None:
    if isinstance(node, ast.Name):
        values = ctx.assigned_values(node)
        return _field_read(values[0], ctx) if len(values) == 1 and not isinstance(values[0], ast.Name) else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant):
        mapping, key = node.value, node.slice.value
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _ITEM_GETTERS
        and isinstance(node.func.value, ast.Name)
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        mapping, key = node.func.value, node.args[0].value
    else:
        return None
    func = ctx.enclosing_function(node)
    parameters = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]} if func is not None else set()
    if mapping.id not in parameters or mapping.id in ("self", "cls"):
        return None
    return mapping.id, key


def constructor_parameters(left: ast.expr, right: ast.expr, ctx) -> bool:
    """`def __init__(self, salt_a, salt_b): if salt_a == salt_b: raise ...`: two of the values an
    object is configured with, compared as they arrive (unless one holds request data)."""
    func = ctx.enclosing_function(left)
    if func is None or func.name != "__init__" or not all(isinstance(side, ast.Name) for side in (left, right)):
        return False
    parameters = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]}
    if not {left.id, right.id} <= parameters or any(ctx.assigned_values(side) for side in (left, right)):
        return False
    return not any(part.kind == taint.UNTRUSTED for side in (left, right) for part in ctx.origin(side).parts)


def module_text_constant(node: ast.expr, ctx) -> bool:
    """`callback_token = "target=watch"` once at the top of the module, read in a function, or a
    name the function binds only to literal text: text written in the source, like an ALL_CAPS
    constant; whoever has the source knows it (if it is a secret, it is a hard-coded one, SLS201's
    finding)."""
    if not isinstance(node, ast.Name):
        return False
    values = ctx.assigned_values(node)
    if not values and _item_of_constant_table(node, ctx):
        return True  # `for signature_code, text, error in cls.THROTTLE_SIGNATURES:`: a row of a table in the source
    if values:  # `quote_token = '<|"|>'` in the function itself: the same text written in the source
        return all(isinstance(v, ast.Constant) and isinstance(v.value, (str, bytes)) for v in values) and ctx.origin(node).is_constant
    if node.id not in ctx.module.strings:
        return False
    func = ctx.enclosing_function(node)
    if func is None:
        return False
    parameters = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]}
    return node.id not in parameters and not any(isinstance(stmt, ast.Global) and node.id in stmt.names for stmt in astutil.walk(func))


def _item_of_constant_table(node: ast.Name, ctx) -> bool:
    """A name a loop binds from the rows of an ALL_CAPS table (`for code, text in SIGNATURES:`,
    `cls.THROTTLE_SIGNATURES`), bound nowhere else in the function."""
    func = ctx.enclosing_function(node)
    nodes = list(astutil.walk(func)) if func is not None else []
    stores = [n for n in nodes if isinstance(n, ast.Name) and n.id == node.id and not isinstance(n.ctx, ast.Load)]
    # the one store is a loop's target (`for code, text in ...`), not an assignment
    binding = [n for n in nodes if isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)) and any(t is stores[0] for t in astutil.walk(n.target))] if len(stores) == 1 else []
    table = astutil.last_name(binding[0].iter) if binding else ""
    return table.isupper() and any(c.isalpha() for c in table)


# Builtins that call the function they are given with each item of the collection after it.
_ITEM_CALLERS = frozenset({"filter", "map"})


def lambda_items(node: ast.expr, name: str, ctx) -> ast.expr | None:
    """`filter(lambda org: org["token"] == mine, orgs)`: for the parameter `name` of the lambda
    `node` is in, the collection whose items `filter` or `map` calls it with (`orgs`); None for
    any other parameter (a caller's, which may be anything)."""
    for ancestor in ctx.ancestors(node):
        if not isinstance(ancestor, ast.Lambda):
            continue
        if name not in {a.arg for a in ancestor.args.args}:
            continue  # a parameter of an enclosing function or lambda
        call = ctx.parent(ancestor)
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id in _ITEM_CALLERS
            and len(call.args) == 2
            and call.args[0] is ancestor
            and len(ancestor.args.args) == 1
        ):
            return call.args[1]
        return None
    return None


def match_refused(node: ast.Compare, ctx) -> bool:
    """`if self.last_token is not None and self.last_token == given: raise TokenReused()`: an `==`
    (alone, or a conjunct of the `if`'s `and`) whose branch raises on every path. A match is
    refused, so the value compared with is one nobody is let in with (an already used one-time
    code, a denied value): learning it by timing gains nothing. So is one whose branch answers no
    (`return False`: a check of a spent code before the real one; not `return` or `return None`,
    which is how a validator that raises on failure says yes).
    A match that returns anything else (an accepted token) or carries on is not refused."""
    if not isinstance(node.ops[0], ast.Eq):
        return False
    decided = deciding_if(node, ctx)
    if decided is None:
        return False
    body = decided.body
    last = body[-1]
    # only an explicit `False`: a validator that raises on failure answers success with `return` or `return None`
    answers_no = isinstance(last, ast.Return) and isinstance(last.value, ast.Constant) and last.value.value is False
    leaves = (ast.Return, ast.Break, ast.Continue, ast.Yield)
    return (isinstance(last, ast.Raise) or answers_no) and not any(isinstance(n, leaves) for stmt in body[:-1] for n in astutil.walk(stmt))


def deciding_if(node: ast.Compare, ctx) -> ast.If | None:
    """The `if` a comparison decides: the comparison is its test, alone or a conjunct of its `and`."""
    test: ast.AST = node
    parent = ctx.parent(node)
    if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.And) and node in parent.values:
        test, parent = parent, ctx.parent(parent)
    return parent if isinstance(parent, ast.If) and parent.test is test and parent.body else None


def round_trip(left: ast.expr, right: ast.expr, ctx) -> bool:
    """`base64.b64encode(base64.b64decode(api_key)).decode() != api_key`: one side is a name (or
    attribute) and the other only calls functions on that same value (with constants): a check
    that the value survives decoding and encoding, its format. No guess is compared with a
    secret; both sides are the same input. Not when the call mixes in anything else
    (`sign(key, body) != signature`)."""
    for value, call in ((left, right), (right, left)):
        if isinstance(value, (ast.Name, ast.Attribute)) and isinstance(call, ast.Call):
            return _values_read(call, ctx) == {ctx.text(value)}
    # `sig = "".join(c for c in original_sig.strip() if c.isprintable())`, then `if sig != original_sig:`:
    # a name computed from the other side alone; the test tells whether the computation changed it
    return any(
        isinstance(value, (ast.Name, ast.Attribute)) and isinstance(derived, ast.Name) and _computed_from(derived, ctx.text(value), ctx)
        for value, derived in ((left, right), (right, left))
    )


def _computed_from(name: ast.Name, source: str, ctx, depth: int = 0) -> bool:
    """Every value the name is given here is computed from `source` alone, with constants and
    functions, also through other names (`sig = original_sig.strip()`, then `sig = PATTERN.sub(" ", sig)`)."""
    values = ctx.assigned_values(name)
    if not values or depth > 4:
        return False
    for value in values:
        reads = _value_reads(value, ctx)
        if not reads:
            return False  # a constant, or something this reading does not follow
        if not all(ctx.text(read) == source or isinstance(read, ast.Name) and _computed_from(read, source, ctx, depth + 1) for read in reads):
            return False
    return True


def _value_reads(node: ast.expr, ctx) -> list[ast.expr] | None:
    """The names and attributes whose values `node` computes with: arguments, the local a method
    is called on (`original_sig.strip()`), a comprehension's sources; not the functions called
    (`PATTERN.sub`, `"".join`). None for anything else."""
    if isinstance(node, ast.Constant):
        return []
    if isinstance(node, (ast.Name, ast.Attribute)) and not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call)):
        return [node]
    if isinstance(node, ast.Attribute):
        return _value_reads(node.value, ctx)
    parts: list[ast.expr]
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        bound = {t.id for g in node.generators for t in ast.walk(g.target) if isinstance(t, ast.Name)}
        parts = [node.elt, *(g.iter for g in node.generators), *(i for g in node.generators for i in g.ifs)]
    elif isinstance(node, ast.Call):
        bound = set()
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        local = isinstance(receiver, ast.Name) and bool(ctx.assigned_values(receiver))
        parts = [*([receiver] if isinstance(receiver, ast.Call) or local else []), *node.args, *(k.value for k in node.keywords)]
    elif isinstance(node, (ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Subscript, ast.JoinedStr, ast.FormattedValue)):
        bound, parts = set(), [c for c in astutil.children(node) if isinstance(c, ast.expr)]
    else:
        return None
    found: list[ast.expr] = []
    for part in parts:
        inner = _value_reads(part, ctx)
        if inner is None:
            return None
        found += [n for n in inner if not (isinstance(n, ast.Name) and n.id in bound)]
    return found


def _values_read(node: ast.expr, ctx) -> set[str] | None:
    """The names and attributes whose values `node` reads, leaving out the functions it calls
    (`base64.b64decode`); None for anything but calls, names, attributes and constants."""
    if isinstance(node, ast.Constant):
        return set()
    if isinstance(node, (ast.Name, ast.Attribute)) and not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call)):
        return {ctx.text(node)}
    if isinstance(node, ast.Attribute):
        return _values_read(node.value, ctx)  # `b64encode(...).decode`: the method of a result
    if not isinstance(node, ast.Call):
        return None
    found: set[str] = set()
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
        inner = _values_read(func.value, ctx)
        if inner is None:
            return None
        found |= inner
    for arg in [*node.args, *(k.value for k in node.keywords)]:
        inner = _values_read(arg, ctx)
        if inner is None:
            return None
        found |= inner
    return found


def own_field(node: ast.expr) -> bool:
    """`self.access_token`: a field of the object whose method compares it."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"


def copy_of_own_field(node: ast.expr, ctx) -> bool:
    """A name given only fields of the object (`token = self.access_token`): a snapshot of one."""
    values = ctx.assigned_values(node) if isinstance(node, ast.Name) else []
    return bool(values) and all(own_field(v) for v in values)


def found_by(stored: ast.expr, value: ast.expr, ctx) -> bool:
    """`project = Project.objects.for_api_key(key)` ... `key == project.readonly_key`: `stored` is
    a field of a record that a call looked up with `value` itself (a name), so the comparison
    runs only once the client has shown a valid key to that very record. So for an item of the
    record and for a value read from the request (`token = db.get_token(body["token"])` ...
    `body["token"] != token.get("id")`): the same expression, read twice."""
    if not isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)):
        return False
    if isinstance(stored, ast.Attribute):
        record = stored.value
    elif isinstance(stored, ast.Subscript):
        record = stored.value
    elif _is_get_call(stored):
        record = stored.func.value
    else:
        return False
    if isinstance(record, ast.Attribute) and not ctx.assigned_values(record):
        record = _stored_in(record, ctx)  # `request.project = project`
    made = ts.single_value(record, ctx) if record is not None else None
    if not isinstance(made, ast.Call):
        return False
    given = ctx.text(value)
    return any(ctx.text(a) == given for a in [*made.args, *(k.value for k in made.keywords)])


def replaced_by(stored: ast.expr, given: ast.expr, ctx) -> bool:
    """The function stores `given` where `stored` was (`self.access_token = access_token`,
    `element["secret"] = to_save["secret"]`; read as `config.get(key)`, stored as `config[key]`):
    the comparison notices whether a setting changes. Whoever may call it sets the value anyway;
    it grants nothing to time."""
    scope: list[ast.AST] = [web.function_body(ctx, stored)]
    if _is_get_call(stored):
        where = f"{ctx.text(stored.func.value)}[{ctx.text(stored.args[0])}]"
    elif isinstance(stored, (ast.Attribute, ast.Subscript)):
        where = ctx.text(stored)
    elif isinstance(stored, ast.Name) and (branch := _branch_where_they_differ(stored, ctx)) is not None:
        where, scope = stored.id, branch  # `if p_key != new_key: p_key = new_key`: a local name, replaced in that branch
    else:
        return False
    value = ctx.text(given)
    return any(
        isinstance(stmt, ast.Assign) and ctx.text(stmt.value) == value and any(ctx.text(t) == where for t in stmt.targets)
        for top in scope for stmt in astutil.walk(top)
    )


def saved_when_changed(given: ast.expr, ctx) -> bool:
    """Where the two sides differ, the function writes the given value, or what it was read from,
    into a field or an item (`if repo.api_key != api_key: data["api_key"] = payload.get("api_key")`,
    saved later): it records a change the caller makes anyway, and grants nothing to time."""
    branch = _branch_where_they_differ(given, ctx)
    if branch is None:
        return False
    texts = {ctx.text(given), *(ctx.text(v) for v in (ctx.assigned_values(given) if isinstance(given, ast.Name) else ()))}
    return any(
        isinstance(stmt, ast.Assign) and ctx.text(stmt.value) in texts and all(isinstance(t, (ast.Attribute, ast.Subscript)) for t in stmt.targets)
        for top in branch for stmt in astutil.walk(top)
    )


def _branch_where_they_differ(side: ast.expr, ctx) -> list[ast.stmt] | None:
    """The statements run when the comparison `side` is part of finds the two sides different:
    the body of `if a != b:`, the `else:` of `if a == b:`; None when it is no `if` test."""
    compare = ctx.parent(side)
    stmt = ctx.parent(compare) if isinstance(compare, ast.Compare) else None
    if not (isinstance(stmt, ast.If) and stmt.test is compare):
        return None
    return stmt.body if isinstance(compare.ops[0], ast.NotEq) else stmt.orelse or None


def _is_get_call(node: ast.expr) -> bool:
    """`mapping.get(key)`: the item under one key, or None."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and len(node.args) == 1 and not node.keywords


def _stored_in(attribute: ast.Attribute, ctx) -> ast.expr | None:
    """The one value the function stores in an attribute of another object (`request.project = project`)."""
    text = ctx.text(attribute)
    found = [
        stmt.value
        for stmt in astutil.walk(web.function_body(ctx, attribute))
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and ctx.text(stmt.targets[0]) == text
    ]
    return found[0] if len(found) == 1 else None


def item_of_a_record(node: ast.expr) -> bool:
    """`signature_value.get(key)` under a key the code does not spell: an item of a mapping that
    is named, in the singular, for what the whole record describes, not that secret itself (a
    plural name, `tokens.get(user)`, names its items)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args):
        return False
    if isinstance(node.args[0], ast.Constant):
        return False  # `token_info.get("access_token")`: the key names the item
    words = naming.words(naming.name_of(node.func.value) or "")
    return bool(words) and not (words[-1].endswith("s") and not words[-1].endswith("ss"))


def spells_only(node: ast.expr, words: frozenset[str], ctx) -> bool:
    """Whether the name `node` is given only other spellings of values whose names hold one of
    `words` (`normalized_mac = mac_address.replace(":", "").lower() if mac_address else None`: a
    MAC address, whatever the copy is called)."""
    if not isinstance(node, ast.Name):
        return False
    spelled = []
    for value in ctx.assigned_values(node):
        branches = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
        spelled += [b for b in branches if not (isinstance(b, ast.Constant) and b.value is None)]
    names = [naming.name_of(_respelled(v)) for v in spelled]
    return bool(names) and all(n and any(w in words for w in naming.words(n)) for n in names)


def _respelled(node: ast.expr) -> ast.expr:
    """The value a chain of text methods starts from: `mac` in `mac.replace(":", "").lower()`."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _RESPELLINGS:
        node = node.func.value
    return node


_RESPELLINGS = frozenset({"replace", "lower", "upper", "strip", "lstrip", "rstrip", "casefold", "encode", "decode"})


def parsed_uuid(node: ast.expr, ctx) -> bool:
    """`uuid.UUID(text)` or `int(text)`, or a name every value of which is one: a UUID object or
    a number, whose `==` compares numbers, so its time says nothing about how many characters
    matched (Synapse's `from_token = int(from_token)`, a stream position)."""
    values = ctx.assigned_values(node) if isinstance(node, ast.Name) else (node,)
    return bool(values) and all(isinstance(v, ast.Call) and ctx.call_name(v) in ("uuid.UUID", "int") for v in values)
