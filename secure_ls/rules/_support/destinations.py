"""Where a value goes: stored, compared, looked up, or sent to another party.

A password hash is a verifier where it is stored and compared, a protocol's value where it
is sent to the service that asked for it; a random value sent to another service in a request
is that service's nonce, not a secret of this program. `use(value, ctx)` follows a value
through names, containers, serializers, f-strings and the callers of the method that returns
it, and says which.
"""

from __future__ import annotations

import ast
import re
import threading

from secure_ls.engine import astutil, catalog, guards, service_clients, taint
from secure_ls.rules._support import hashing, web

# Calls that find a row by the value they are given: a salted hash cannot be looked up.
_LOOKUP_METHODS = service_clients.LOOKUP_METHODS
# How many steps `use` follows a hash through names, containers, calls and callers. A digest
# re-encoded and hashed again takes four or five steps a round (`md5(f"{h}".encode()).hexdigest()`),
# so this is generous; _MAX_NODES bounds the work.
MAX_DEPTH = 24


# Each question follows any node once (a name read in many places, assigned to names read in
# many places, would otherwise branch at every step), and at most this many nodes.
_MAX_NODES = 400
_UNFOLLOWED = "the hash is used in a way the engine cannot follow"
# Said of a value returned to callers that do not all send it; and when some store or compare it.
RETURNED = "the hash is returned, so the callers decide whether it is stored, compared or looked up"
RETURNED_AND_KEPT = "the hash is returned to callers that store or compare it"
_visits = threading.local()


def use(value: ast.expr, ctx, depth: int = 0) -> str:
    """How `value` (a hash, a random token) is used: "store", "check", "send", or else a
    sentence saying how ("the hash is looked up (`filter(...)`)"), which SLS301 shows as the
    reason its fix cannot move the hash to bcrypt."""
    if depth == 0:
        _visits.seen = {}
    seen: dict[int, str] = _visits.seen
    if id(value) in seen:
        return seen[id(value)]  # known, or being followed (a cycle: `f = md5(f + key)`)
    if len(seen) >= _MAX_NODES:
        return _UNFOLLOWED
    seen[id(value)] = _UNFOLLOWED
    seen[id(value)] = found = _use(value, ctx, depth)
    return found


def _use(value: ast.expr, ctx, depth: int) -> str:
    parent = ctx.parent(value)
    if isinstance(parent, ast.Attribute) and parent.attr in _TEXT_METHODS | DIGESTS and isinstance(ctx.parent(parent), ast.Call) and depth < MAX_DEPTH:
        return use(ctx.parent(parent), ctx, depth + 1)  # h.finalize().hex(), md5(x).hexdigest(): the same value as text
    if _looked_up_in_an_answer(value, parent, ctx):
        return "send"  # results.get(suffix), with results what the service answered: its list, matched here
    if isinstance(parent, ast.Compare):
        if len(parent.ops) == 1 and isinstance(parent.ops[0], (ast.Eq, ast.NotEq)):
            return "check"
        return "the hash is compared with another operator"
    if isinstance(parent, ast.Subscript) and parent.value is value and depth < MAX_DEPTH:
        return use(parent, ctx, depth + 1)  # digest[:32]: part of the same value
    if _into_absolute_url(parent, ctx):
        return "send"  # f"https://keys.example.com/{id}.key?s={signature}": to that server
    if isinstance(parent, (ast.FormattedValue, ast.JoinedStr)) and depth < MAX_DEPTH:
        return use(parent, ctx, depth + 1)  # f"...{urlencode(params)}": where the text goes
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Add, ast.Mod)) and depth < MAX_DEPTH:
        return use(parent, ctx, depth + 1)  # prefix + digest, "%s:%s" % (...): part of a longer text
    if isinstance(parent, ast.Call) and depth < MAX_DEPTH and hashing.hash_algorithm(parent, ctx) and hashing.data_argument(parent, ctx) is value:
        return use(parent, ctx, depth + 1)  # md5(salted): the salt goes where the hash goes
    if isinstance(parent, ast.keyword):
        if parent.arg in _REQUEST_PARTS:
            return "send"  # HTTPStream(session, url, params=params): a request's parameters, whoever builds it
        parent = ctx.parent(parent)
    element = None
    if isinstance(parent, ast.Tuple):
        element = next((i for i, e in enumerate(parent.elts) if e is value), None)
        unpacked = _unpacked_into(parent, element, ctx)
        if unpacked is not None and depth < MAX_DEPTH:
            # prefix, suffix = digest[:5], digest[5:]: each part goes where its name goes
            return _uses_of_reads(astutil.name_reads(web.function_body(ctx, value), unpacked.id), ctx, depth)
        parent = ctx.parent(parent)
    if isinstance(parent, ast.Call):
        func = parent.func
        attr = astutil.last_name(func)
        if sends(parent, ctx):
            return "send"  # requests.get(url, params=payload), session.get(url, headers=h), api_request(...)
        if attr in _LOOKUP_METHODS:
            return f"the hash is looked up (`{attr}(...)`)"
        if attr in catalog.CONTAINER_WRITES and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and _new_container(func.value, ctx) and depth < MAX_DEPTH:
            # params = [...]; params.append(("sign", h)); then params is sent or returned: the
            # list being built goes where the function's own container goes
            return _uses_of_reads(astutil.name_reads(web.function_body(ctx, value), func.value.id), ctx, depth)
        if attr in ("execute", "executemany"):
            sql = ctx.string_value(parent.args[0]) if parent.args else None
            if sql and sql.lstrip().lower().startswith(("insert", "update")) and " where " not in sql.lower().split(" set ", 1)[-1].split("?")[0]:
                return "store"
            return "the hash is used in a query (a WHERE clause cannot match a salted hash)"
        if (attr in _SERIALIZERS or _QUERY_BUILDERS.match(attr) or attr.endswith("Request") or "url" in attr.lower() or _formats_text(func)) and depth < MAX_DEPTH:
            # json.dumps(payload), Request(url, data=...), update_url_query(url, {"key": h}),
            # "{}?key={}".format(base, h): where the result goes
            return use(parent, ctx, depth + 1)
        if attr[:1].isupper() or attr in ("create", "update", "insert", "insert_one", "save", "set", "setdefault", "append"):
            return "store"
        if element is None and _forwarded_to_a_request(parent, value, ctx):
            return "send"  # get_token(host, auth_data), whose function posts its parameter
        return f"the hash is passed to `{attr}(...)`"
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is value:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        target = targets[0] if len(targets) == 1 else None
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and _local_dict(target.value, ctx):
            target = target.value  # payload["password"] = h: where the payload goes
        if isinstance(target, ast.Subscript) and depth < MAX_DEPTH and _item_sent(target, ctx, depth):
            return "send"  # data["passwd"] = h; api_request("login", passwd=data["passwd"])
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            return "store"
        if isinstance(target, ast.Name) and depth < MAX_DEPTH:
            return _uses_of_reads(astutil.name_reads(web.function_body(ctx, value), target.id), ctx, depth)
        return "the hash is assigned to several targets"
    if isinstance(parent, ast.AugAssign) and parent.value is value and isinstance(parent.target, ast.Name) and depth < MAX_DEPTH:
        # url += f"&password={h}": the text goes where the name goes; only a request is followed
        # (a hash appended to a name then stored would need its fix rewritten elsewhere)
        found = _uses_of_reads(astutil.name_reads(web.function_body(ctx, value), parent.target.id), ctx, depth)
        return "send" if found == "send" else _UNFOLLOWED
    if isinstance(parent, ast.Dict) and depth < MAX_DEPTH:
        return use(parent, ctx, depth + 1)  # {"password": h}: stored or looked up, by where it goes
    if isinstance(parent, ast.Return):
        uses = _callers_use(parent, element, ctx, depth) if depth < MAX_DEPTH else []
        if uses and all(u == "send" for u in uses):
            return "send"  # `salt, token = self._token()` ... `requests.get(url, params={"t": token})`
        if {"store", "check"} & set(uses):
            return RETURNED_AND_KEPT
        return RETURNED
    return _UNFOLLOWED


# Serializers whose text goes wherever their result goes.
_SERIALIZERS = frozenset({"dumps", "urlencode", "dict"})
# Helpers that write a mapping as a URL's query text (`text.build_query(params)`), as urlencode does.
_QUERY_BUILDERS = re.compile(r"^_?(build|encode|make)_?(query|qs|query_?string)$")
# How a digest is read (hashlib, PyCryptodome, cryptography's `finalize()`), and methods that
# only re-encode it.
DIGESTS = frozenset({"hexdigest", "digest", "finalize"})
_TEXT_METHODS = frozenset({"hex", "decode", "encode", "upper", "lower"})


# Of the keywords of an HTTP client's request methods (service_clients.REQUEST_KEYWORDS), the
# ones only a request has: a record (`Model(data=...)`) takes the others too; and a URL's query
# (`update_url_query(url, query=params)`, `_download_json(url, query=...)`).
_REQUEST_PARTS = frozenset({"params", "headers", "cookies", "query"})


def statement_sent(call: ast.Call, ctx) -> bool:
    """Whether the value `call` makes (the whole right-hand side it is part of, or what it
    returns) only goes out in requests to another service."""
    stmt = ctx.statement(call)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Return)) and stmt.value is not None:
        return use(stmt.value, ctx) == "send"
    return False


def sends(call: ast.Call, ctx) -> bool:
    """Whether a call sends a request to another party: a known HTTP client (`requests.get`), a
    client session's method given request keywords (`session.get(url, headers=...)`), or a
    method named for sending (`api_request`, `self.load(url, post=...)`, `_download_json(url, query=...)`)."""
    return service_clients.sends(ctx.call_name(call) or astutil.dotted(call.func) or "", astutil.last_name(call.func), {k.arg for k in call.keywords})


# Calls that hand back the text they are given in another encoding: what they return was answered
# if what they were given was (`base64_decode(answer["s"])`, `bytes.fromhex(answer["salt"])`).
_DECODERS = re.compile(r"(^|_)(decode|b64decode|urlsafe_b64decode|unhexlify|fromhex|encode|bytes|str)$")


# Modules whose `load`/`get` read a file or an object, not another service's answer.
_FILE_READERS = frozenset({"json", "pickle", "yaml", "marshal", "toml", "tomllib", "tomli", "shelve", "numpy", "torch", "joblib", "configparser"})


def answered(value: ast.expr, ctx, depth: int = 3) -> bool:
    """Whether `value` is read from what another service answered a request with: an HTTP
    response (the engine's outbound sources), or the result of a call that sends a request
    (`res = api.api_request(a="us0", user=user)` then `res["s"]`), through items, `.get`,
    decodings and the names it is kept in."""
    parts = [p for p in ctx.origin(value).parts if not p.is_safe_for(taint.Sink.ANY)]
    if parts and all(p.kind == taint.UNTRUSTED and p.label in taint.OUTBOUND_SOURCES for p in parts):
        return True
    if isinstance(value, ast.Subscript):
        return answered(value.value, ctx, depth)
    if isinstance(value, ast.Call):
        if sends(value, ctx) and (ctx.call_name(value) or "").split(".")[0] not in _FILE_READERS or _sends_an_argument(value, ctx):
            return True
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr == "get" and value.args:
            return answered(func.value, ctx, depth)
        if _DECODERS.search(astutil.last_name(func) or ""):
            given = value.args[0] if len(value.args) == 1 else func.value if isinstance(func, ast.Attribute) and not value.args else None
            return given is not None and answered(given, ctx, depth)
        return False
    if isinstance(value, ast.Name) and depth:
        values = ctx.assigned_values(value)
        return bool(values) and all(answered(v, ctx, depth - 1) for v in values)
    return False


def _into_absolute_url(text: ast.AST, ctx) -> bool:
    """`f"https://keys.example.com/{id}.key?s={sig}"`, `"https://api.example.com/?t=" + t`: text
    that is a URL of a server named in the code, another service's (an application's own links
    take their host from its settings); what is put into it goes to that server."""
    if isinstance(text, ast.FormattedValue):
        text = ctx.parent(text)
    if isinstance(text, ast.Call) and _formats_text(text.func):
        text = text.func.value  # type: ignore[attr-defined]
    elif isinstance(text, ast.BinOp) and isinstance(text.op, ast.Mod):
        text = text.left
    if not isinstance(text, (ast.JoinedStr, ast.BinOp, ast.Constant)):
        return False
    found = astutil.literal_prefix(text, lambda name: None)
    return found is not None and bool(guards.FIXED_HOST.match(found[0]))


def _looked_up_in_an_answer(value: ast.expr, parent: ast.AST, ctx) -> bool:
    """`answer.get(h)`, `answer[h]`, `h in answer`, where `answer` is what another service sent
    back: the value is matched against the service's list (a k-anonymity range query sends a
    prefix of the hash and looks the rest up in the reply), not kept as a verifier."""
    if isinstance(parent, ast.Subscript) and parent.slice is value:
        return answered(parent.value, ctx)
    if isinstance(parent, ast.Compare) and len(parent.ops) == 1 and isinstance(parent.ops[0], (ast.In, ast.NotIn)) and parent.left is value:
        return answered(parent.comparators[0], ctx)
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr == "get" and parent.args and parent.args[0] is value:
        return answered(parent.func.value, ctx)
    return False


def _unpacked_into(values: ast.Tuple, element: int | None, ctx) -> ast.Name | None:
    """The name item `element` of `values` is bound to in `a, b = x, y`."""
    stmt = ctx.parent(values)
    if element is None or not (isinstance(stmt, ast.Assign) and stmt.value is values and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    if not (isinstance(target, ast.Tuple) and len(target.elts) == len(values.elts) and isinstance(target.elts[element], ast.Name)):
        return None
    return target.elts[element]


def _formats_text(func: ast.expr) -> bool:
    """`"...{}".format`: the arguments become part of the text."""
    return isinstance(func, ast.Attribute) and func.attr == "format" and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)


def _uses_of_reads(reads: list[ast.Name], ctx, depth: int) -> str:
    """How a name holding the value is used, over all its reads: stored or sent only where every
    read stores or sends it."""
    uses = [use(node, ctx, depth + 1) for node in reads if not _filled(node, ctx)]
    if uses and all(u == "store" for u in uses):
        return "store"
    if uses and all(u == "check" for u in uses):
        return "the hash is kept in a variable and compared later"
    if "send" in uses and not {"store", "check"} & set(uses):
        return "send"
    return next((u for u in uses if u not in ("store", "check", "send")), "the hash is kept in a variable and compared later")


def _filled(read: ast.Name, ctx) -> bool:
    """`params.update(CONSTANTS)`: the name is the container more goes into, not a way out."""
    parent = ctx.parent(read)
    if isinstance(parent, ast.Subscript) and parent.value is read and isinstance(parent.ctx, ast.Store):
        return True  # `params["cursor"] = page`: an item set, the container stays where it goes
    return isinstance(parent, ast.Attribute) and parent.value is read and parent.attr in catalog.CONTAINER_WRITES and isinstance(ctx.parent(parent), ast.Call)


def _callers_use(returned: ast.Return, element: int | None, ctx, depth: int) -> list[str]:
    """How the method's callers in its class use what it returns (item `element` of the tuple
    it returns): `self.name()` calls, the result used whole or unpacked (`salt, token = ...`)."""
    func = ctx.enclosing_function(returned)
    cls = next((a for a in ctx.ancestors(func) if isinstance(a, ast.ClassDef)), None) if func is not None else None
    if cls is None:
        return []
    uses = []
    for call in astutil.walk(cls):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == func.name):
            continue
        if not (isinstance(call.func.value, ast.Name) and call.func.value.id in ("self", "cls")):
            continue
        if element is None:
            uses.append(use(call, ctx, depth + 1))
            continue
        stmt = ctx.parent(call)
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and stmt.value is call else None
        item = target.elts[element] if isinstance(target, ast.Tuple) and len(target.elts) > element else None
        if not isinstance(item, ast.Name):
            return ["the hash is returned in a tuple the engine cannot follow"]
        uses += [use(read, ctx, depth + 1) for read in astutil.name_reads(web.function_body(ctx, call), item.id)]
    return uses


def _forwarded_to_a_request(call: ast.Call, argument: ast.expr, ctx) -> bool:
    """Whether a function of the module or the workspace hands `argument` of `call` whole to a
    request it sends (its summary's forwards: `get_token(host, auth_data)` with
    `def get_token(host, auth_data): requests.post(url, data=auth_data)`)."""
    found = [(callee, position) for callee, position, given, _ in ctx.forwarded(call) if given is argument and callee not in _TEXT_BUILDERS]
    return bool(found) and all(_sent_there(callee, position) for callee, position in found)


# Calls a function hands a parameter to only to build text (`API_ENDPOINT.format(prefix)`): the
# text goes on to the function's other calls, which say where the parameter ends up.
_TEXT_BUILDERS = frozenset({".format", "str", ".join", ".encode"})


def _sends_an_argument(call: ast.Call, ctx) -> bool:
    """Whether `call`, of a function of the module or the workspace, puts one of its arguments
    into a request it sends (`_get_pwned(prefix)` with `requests.get(url=API.format(prefix))`):
    what it returns is that service's answer."""
    return any(callee not in _TEXT_BUILDERS and _sent_there(callee, position) for callee, position, _, _ in ctx.forwarded(call))


def _sent_there(callee: str, position: str) -> bool:
    """Whether what a function hands `callee` at `position` goes out in a request (a forward of its summary)."""
    return service_clients.sends(callee, callee.rsplit(".", 1)[-1], {position})


def _item_sent(target: ast.Subscript, ctx, depth: int) -> bool:
    """Whether the function reads the item `name["key"]` it stored the hash in, and sends it
    wherever it reads it."""
    key = target.slice
    if not (isinstance(target.value, ast.Name) and isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return False
    reads = [
        node
        for node in astutil.walk(web.function_body(ctx, target))
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name)
        and node.value.id == target.value.id and isinstance(node.slice, ast.Constant) and node.slice.value == key.value
    ]
    return bool(reads) and all(use(node, ctx, depth + 1) == "send" for node in reads)


# Calls that always build a new mapping: `dict(...)`, and a URL's query parsed into one
# (`query = parse_qs(url)`, urllib's or a wrapper of it), which the caller then fills and sends.
_NEW_MAPPINGS = frozenset({"dict", "parse_qs"})


def _local_dict(name: ast.Name, ctx) -> bool:
    """A name the function binds only to new dicts (`payload = {}`, a comprehension, `parse_qs(url)`):
    a request body or query being built, not a record the caller keeps."""
    values = ctx.assigned_values(name)
    return bool(values) and all(isinstance(v, (ast.Dict, ast.DictComp)) or isinstance(v, ast.Call) and astutil.last_name(v.func) in _NEW_MAPPINGS for v in values)


def _new_container(name: ast.Name, ctx) -> bool:
    """A name the function binds only to new dicts, lists or sets (`params = [("user", user)]`,
    `parts = []`): a body or a query being built, whose items go where the name goes; not a
    record or a cache the caller or the class keeps (an attribute, a parameter, a module global)."""
    values = ctx.assigned_values(name)
    here = ctx.enclosing_function(name)
    if here is None or not values or any(ctx.enclosing_function(v) is not here for v in values):
        return False
    return _local_dict(name, ctx) or all(isinstance(v, (ast.List, ast.ListComp, ast.Set, ast.SetComp)) for v in values)


# Calls that write to a database: a hash handed to one is a stored verifier, wherever the class sends.
_DATABASE_WRITES = frozenset({"execute", "executemany", "save", "create", "insert", "insert_one", "bulk_create", "commit", "add"})


def in_a_client_of_a_service(made: ast.Call, ctx) -> bool:
    """A hash made in a method of a class that sends requests to another service (a plugin
    logging in to a site, a site's API client, a notification client), to be kept or sent in
    that service's format: a password hashed there is the user's credential for that service,
    a signature or token is what that service's protocol asks for; neither is a verifier this
    program checks. So is one made in a top-level function of the module that only such classes
    call, never comparing what it returns (`md5_crypt(password, salt)` called by the plugin's
    `signin`: ModuleSymbols.service_helpers).
    Not where the method or function compares the hash or writes to a database."""
    func = ctx.enclosing_function(made)
    cls = next((a for a in ctx.ancestors(made) if isinstance(a, ast.ClassDef)), None)
    if func is None:
        return False
    if cls is None:
        if not (ctx.parent(func) is ctx.tree and func.name in ctx.module.service_helpers):
            return False
    elif not any(isinstance(n, ast.Call) and sends(n, ctx) for n in astutil.walk(cls)):
        return False
    stmt = ctx.statement(made)
    kept_in = {ctx.text(t) for t in stmt.targets} if isinstance(stmt, ast.Assign) else set()
    compares = any(
        isinstance(n, ast.Compare) and (any(x is made for x in astutil.walk(n)) or any(ctx.text(side) in kept_in for side in (n.left, *n.comparators)))
        for n in astutil.walk(func)
    )
    writes = any(isinstance(n, ast.Call) and astutil.last_name(n.func) in _DATABASE_WRITES for n in astutil.walk(func))
    return not compares and not writes
