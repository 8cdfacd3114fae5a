"""How a value logged with `%s` (or an f-string field) prints: containers show their items with
repr() and bytes show as `b'...'`, so a line break inside them comes out escaped (SLS704)."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, declarations
from secure_ls.engine.frameworks import all_args, is_route_handler, optional_inner
from secure_ls.rules._support import web

# Attributes that hold a container: a validated form's or serializer's fields, and a request's whole
# environ, query, form, cookie or route-argument mapping (a dict, Werkzeug's MultiDict, Django's
# QueryDict, Starlette's QueryParams: each prints its items with repr(), or percent-encoded), and
# Werkzeug's uploads (a FileStorage shows its filename with repr()). Not `headers`: Werkzeug prints
# those as header lines. Django's `FILES` (see _is_django_upload_name) only where Django is imported.
# A Django form's `changed_data` is the list of its fields' names that changed.
_CONTAINER_ATTRIBUTES = frozenset(
    {
        "cleaned_data", "validated_data", "errors", "environ", "META", "GET", "POST", "COOKIES", "args", "form", "values",
        "files", "cookies", "view_args", "path_params", "query_params", "changed_data",
    }
)
# Calls whose result is a container: logging formats a container with the repr() of its
# items, so a newline inside one comes out as `\\n`, never as a new line.
_CONTAINER_CALLS = frozenset({"list", "dict", "tuple", "set", "frozenset", "sorted"})
# (`copy()`: a mapping's, list's or set's shallow copy; text has no such method)
_CONTAINER_METHODS = frozenset({"dict", "model_dump", "items", "keys", "values", "copy"})
# Methods that return a list whatever their arguments: a string cut into pieces (`str.split`,
# `shlex.split`, `os.path.split`'s tuple), a mapping's list of values (`getlist`), a regex's matches.
_LIST_METHODS = frozenset({"split", "rsplit", "splitlines", "getlist", "findall"})


def formats_as_repr(expr: ast.expr) -> bool:
    """`[doc.id for doc in docs]`, `list(values)`, `payload.dict()`, `text.split(",")`: a container, shown item by item with repr()."""
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp)):
        return True
    if isinstance(expr, ast.Attribute) and expr.attr in _CONTAINER_ATTRIBUTES:
        return True
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Name) and func.id in _CONTAINER_CALLS:
            return True
        if isinstance(func, ast.Attribute) and (func.attr in _CONTAINER_METHODS and not expr.args or func.attr in _LIST_METHODS):
            return True
    return False


# Calls that return bytes: what a socket receives, what text encodes to.
_BYTES_METHODS = frozenset({"recv", "recv_bytes", "encode", "digest", "getbuffer"})


# What the request's raw body is read with, as bytes: Django's, Tornado's and Sanic's `request.body`,
# Werkzeug's (Flask's) `request.get_data()`, aiohttp's `await request.read()`, Starlette's `await
# request.body()`. Not Flask's `request.data` (Django REST framework's is the parsed body: a str
# for a JSON string), nor `get_data(as_text=True)`.
_RAW_BODY_ATTRIBUTES = frozenset({"body"})
_RAW_BODY_METHODS = frozenset({"get_data", "read", "body"})
_REQUEST_NAMES = frozenset({"request", "req"})


def is_raw_body(node: ast.expr) -> bool:
    """`request.body`, `request.get_data()`, `await request.read()`: the request's body as bytes,
    which str() shows as `b'...'`, a line break as `\\n`."""
    if isinstance(node, ast.Await):
        node = node.value
    if isinstance(node, ast.Attribute) and node.attr in _RAW_BODY_ATTRIBUTES:
        return astutil.last_name(node.value) in _REQUEST_NAMES
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _RAW_BODY_METHODS):
        return False
    as_text = next((k.value for k in node.keywords if k.arg == "as_text"), None)
    if len(node.args) > 1 or node.func.attr != "get_data" and (node.args or node.keywords):
        return False
    if as_text is not None and not (isinstance(as_text, ast.Constant) and as_text.value is False):
        return False
    return astutil.last_name(node.func.value) in _REQUEST_NAMES


def holds_bytes(node: ast.expr, ctx, depth: int = 0) -> bool:
    """`data = b""; data += sock.recv(4096)`: every value the name gets is bytes (or a constant
    string), and str() shows bytes as `b'...'`, with `\\n` for a newline."""
    if is_raw_body(node):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (bytes, str))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in _BYTES_METHODS
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return holds_bytes(node.left, ctx, depth) and holds_bytes(node.right, ctx, depth)
    if isinstance(node, ast.Name) and depth < 3:
        values = ctx.assigned_values(node)
        bytes_made = [v for v in values if not (isinstance(v, ast.Constant) and isinstance(v.value, str))]
        return bool(bytes_made) and all(holds_bytes(v, ctx, depth + 1) for v in bytes_made)
    return False


def is_django_upload_name(expr: ast.expr, ctx) -> bool:
    """`request.FILES["file"].name`, also through a name (`upload = request.FILES.get("file")`):
    Django's multipart parser keeps only the printable characters of an upload's file name
    (`sanitize_file_name`, since Django 4.1), so it holds no line break."""
    return isinstance(expr, ast.Attribute) and expr.attr == "name" and ctx.imports("django") and _names_django_upload(expr.value, ctx)


def _names_django_upload(node: ast.expr, ctx) -> bool:
    values = ctx.assigned_values(node) if isinstance(node, ast.Name) else [node]
    return bool(values) and all(_reads_django_files(v) for v in values)


def _reads_django_files(value: ast.expr) -> bool:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("get", "getlist"):
        value = value.func.value
    elif isinstance(value, ast.Subscript):
        value = value.value
    else:
        return False
    return isinstance(value, ast.Attribute) and value.attr == "FILES"


_CONTAINER_ANNOTATIONS = frozenset({"list", "List", "dict", "Dict", "set", "Set", "frozenset", "FrozenSet", "tuple", "Tuple"})


def holds_container(name: ast.Name | ast.Attribute, ctx) -> bool:
    """`addresses = [a.strip() for a in raw.split(",")]`: every value the name (or the attribute
    the class's methods store, `self.stype = self.probe()`) is given is a container, or None; or a
    parameter annotated as one (`rows: List[Dict[str, str]]`, FastAPI validates it) that is not
    given another value; or a name the function gives items under literal keys (`user["name"] =
    user_name`): a mapping."""
    values = ctx.assigned_values(name)
    if isinstance(name, ast.Attribute):
        made = [v for v in values if not astutil.is_none(v)]
        return bool(made) and all(formats_as_repr(v) or _annotated_container(v, ctx) for v in made)
    func = ctx.enclosing_function(name)
    if func is not None and _given_named_items(name.id, func):
        return True  # `user["id"] = quote(user_id)`: a mapping, whatever it was made from
    if values:
        return all(formats_as_repr(v) or _annotated_container(v, ctx) for v in values)
    arg = next((a for a in all_args(func.args) if a.arg == name.id), None) if func is not None else None
    annotation = optional_inner(arg.annotation) if arg is not None else None
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    return annotation is not None and astutil.last_name(annotation) in _CONTAINER_ANNOTATIONS


def _given_named_items(name: str, func: ast.AST) -> bool:
    """Whether `func` stores into `name` under a literal text key (`name["id"] = ...`)."""
    return any(
        isinstance(node, ast.Assign)
        and any(
            isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name
            and isinstance(t.slice, ast.Constant) and isinstance(t.slice.value, str)
            for t in node.targets
        )
        for node in astutil.walk(func)
    )


# Classes of uploaded files whose `size` is a number of bytes: Starlette's (FastAPI's) UploadFile
_UPLOAD_CLASSES = frozenset({"UploadFile"})


def is_upload_size(expr: ast.expr, ctx) -> bool:
    """`file.size` of an upload: a parameter annotated `UploadFile`, or a Django upload
    (`request.FILES["f"]`, also through a name): the framework counts the bytes; an int."""
    if not (isinstance(expr, ast.Attribute) and expr.attr == "size"):
        return False
    if isinstance(expr.value, ast.Name):
        func = ctx.enclosing_function(expr)
        arg = next((a for a in all_args(func.args) if a.arg == expr.value.id), None) if func is not None else None
        annotation = optional_inner(arg.annotation) if arg is not None else None
        if annotation is not None and not ctx.assigned_values(expr.value) and astutil.last_name(annotation) in _UPLOAD_CLASSES:
            return True
        # `upload = form.get("file")` / `if not isinstance(upload, UploadFile): return ...`: a form's
        # item is an upload or text, and where the test said upload, its size is the bytes counted
        if narrowed_to(expr.value, ctx, _UPLOAD_CLASSES):
            return True
    return ctx.imports("django") and _names_django_upload(expr.value, ctx)


# Built-in containers: str() of one shows its items with repr(), so a line break inside comes out as `\\n`.
_BUILTIN_CONTAINERS = frozenset({"dict", "list", "tuple", "set", "frozenset"})


def narrowed_to(expr: ast.expr, ctx, classes: frozenset[str]) -> bool:
    """`if isinstance(payload, dict): log.debug("%s", payload)`, or after `if not isinstance(payload,
    dict): raise ...` (also one operand of an `or`: `if upload is None or not isinstance(upload,
    UploadFile): return ...`): where the test held, the value is an instance of one of `classes`
    (last names). Not once the name (or that attribute) is given another value after the test."""
    subject = astutil.dotted(expr)
    func = ctx.enclosing_function(expr)
    statement = ctx.statement(expr)
    if subject is None or func is None or statement is None:
        return False
    checks = [test for test in web.branch_conditions(ctx, expr) if _instance_check(test, subject, classes) is True]
    checks += [
        s.test for s in _earlier_siblings(ctx, statement)
        if isinstance(s, ast.If) and any(_instance_check(t, subject, classes) is False for t in _alternatives(s.test)) and ctx.always_leaves(s.body)
    ]
    return any(not _rebound_after(ctx, func, subject, check, statement) for check in checks)


# Calls that parse JSON text: a dict, a list, a string, a number or a flag
_JSON_PARSERS = frozenset({"json", "get_json", "receive_json", "json.loads", "orjson.loads", "ujson.loads", "simplejson.loads"})


def parsed_mapping(expr: ast.expr, ctx) -> bool:
    """`message = msg.json()` (JSON parsed), then `if message["command"] == "hello":` before the
    use: reading a text key from a string or a list raises TypeError, so there the value is a
    dict, which prints its strings with repr() (nikola's livereload messages)."""
    if not isinstance(expr, ast.Name):
        return False
    values = ctx.assigned_values(expr)
    value = values[0] if len(values) == 1 else None
    if isinstance(value, ast.Await):
        value = value.value
    if not (isinstance(value, ast.Call) and (astutil.last_name(value.func) in _JSON_PARSERS or ctx.call_name(value) in _JSON_PARSERS)):
        return False
    func, statement = ctx.enclosing_function(expr), ctx.statement(expr)
    if func is None or statement is None:
        return False
    evaluated = [a.test for a in ctx.ancestors(statement) if isinstance(a, (ast.If, ast.While)) and a.lineno < statement.lineno]
    evaluated += [s.test if isinstance(s, (ast.If, ast.While)) else s for s in _earlier_siblings(ctx, statement) if isinstance(s, (ast.If, ast.While, ast.Assign, ast.Expr))]
    return any(_reads_text_key(node, expr.id) and not _rebound_after(ctx, func, expr.id, node, statement) for node in evaluated)


def _reads_text_key(node: ast.AST, name: str) -> bool:
    """`name["key"]` read wherever `node` is evaluated (not past the first operand of `and`/`or`,
    nor in a branch of a conditional expression, a lambda or a comprehension)."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name:
        return isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
    if isinstance(node, ast.BoolOp):
        return _reads_text_key(node.values[0], name)
    if isinstance(node, (ast.IfExp, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return isinstance(node, ast.IfExp) and _reads_text_key(node.test, name)
    return any(_reads_text_key(child, name) for child in astutil.children(node))


_AIOHTTP_WEBSOCKETS = frozenset({"aiohttp.web.WebSocketResponse", "aiohttp.web_ws.WebSocketResponse"})
# what an aiohttp websocket's methods return that is no client text: a WSMessage named tuple (its
# data shown with repr()), the error the socket closed with (aiohttp's own messages)
_AIOHTTP_OBJECT_METHODS = frozenset({"receive", "exception"})


def aiohttp_socket_object(expr: ast.expr, ctx) -> bool:
    """aiohttp's websocket itself (`ws = web.WebSocketResponse()`, printed `<WebSocketResponse ...>`),
    a message its `receive()` returned (a WSMessage named tuple: the data inside is shown with
    repr()), or its `exception()`; not `msg.data` nor `msg.json()`, the client's text."""
    if isinstance(expr, ast.Await):
        expr = expr.value
    if isinstance(expr, ast.Call):
        if ctx.call_name(expr) in _AIOHTTP_WEBSOCKETS:
            return True
        return isinstance(expr.func, ast.Attribute) and expr.func.attr in _AIOHTTP_OBJECT_METHODS and _made_as_websocket(expr.func.value, ctx)
    return isinstance(expr, ast.Name) and bool(values := ctx.assigned_values(expr)) and all(
        not isinstance(v, ast.Name) and aiohttp_socket_object(v, ctx) for v in values
    )


def _made_as_websocket(node: ast.expr, ctx) -> bool:
    values = ctx.assigned_values(node) if isinstance(node, ast.Name) else ()
    return bool(values) and all(isinstance(v, ast.Call) and ctx.call_name(v) in _AIOHTTP_WEBSOCKETS for v in values)


def narrowed_to_container(expr: ast.expr, ctx) -> bool:
    """Where an isinstance() test held, the value is a built-in container, shown item by item with repr()."""
    return narrowed_to(expr, ctx, _BUILTIN_CONTAINERS)


def _alternatives(test: ast.expr) -> list[ast.expr]:
    """The operands of an `or` (each one false after a block that leaves when the test held), or the test itself."""
    return test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) else [test]


def _earlier_siblings(ctx, statement: ast.stmt):
    """The statements that ran before `statement` in its block and in each enclosing block, up to its function."""
    child: ast.AST = statement
    for ancestor in ctx.ancestors(statement):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(ancestor, field, None)
            if isinstance(block, list) and any(child is s for s in block):
                yield from block[: next(i for i, s in enumerate(block) if s is child)]
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return
        child = ancestor


def _instance_check(test: ast.expr, subject: str, classes: frozenset[str]) -> bool | None:
    """True for `isinstance(subject, dict)` (every type one of `classes`), False for its
    negation, None for any other test."""
    negated = False
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, negated = test.operand, not negated
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance" and len(test.args) == 2):
        return None
    value, types = test.args
    kinds = types.elts if isinstance(types, ast.Tuple) else [types]
    if astutil.dotted(value) != subject or not kinds or not all(astutil.last_name(k) in classes for k in kinds):
        return None
    return not negated


def _rebound_after(ctx, func: ast.AST, subject: str, check: ast.expr, use: ast.stmt) -> bool:
    """Whether the subject's name (or the subject itself) may be given another value between the
    test and the use: a store after the test and before the use, or anywhere in a loop around the
    use that the test is not in (the next round reaches the use with the new value)."""
    base = subject.split(".")[0]
    loops = [a for a in ctx.ancestors(use) if isinstance(a, (ast.For, ast.AsyncFor, ast.While)) and a.lineno > check.lineno]
    for node in astutil.walk(func):
        if not isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del)):
            continue
        if not (isinstance(node, ast.Name) and node.id == base or isinstance(node, ast.Attribute) and astutil.dotted(node) == subject):
            continue
        if check.lineno < node.lineno < use.lineno or any(loop.lineno <= node.lineno <= loop.end_lineno for loop in loops):
            return True
    return False


def prints_items(expr: ast.expr, ctx) -> bool:
    """`expr` is a container here, shown item by item with repr(): built as one (formats_as_repr),
    returned by a function annotated to return one (`-> dict[str, Any]`), where an isinstance()
    test said so, or parsed JSON a text key was read from (parsed_mapping)."""
    return formats_as_repr(expr) or _annotated_container(expr, ctx) or isinstance(expr, (ast.Name, ast.Attribute)) and narrowed_to_container(expr, ctx) or parsed_mapping(expr, ctx)


def _annotated_container(expr: ast.expr, ctx) -> bool:
    return isinstance(expr, ast.Call) and ctx.summary_says(expr, "returns_container")


def holds_body_model(name: ast.Name, ctx) -> bool:
    """A parameter of a FastAPI route annotated with a pydantic model class, of this module or of
    the workspace module it is imported from (`form_data: GenerateEmbedForm`, `class
    GenerateEmbedForm(BaseModel)`), never given another value: FastAPI builds it from the request
    body, and a pydantic model prints as `model='x' input='y'`, every field shown with repr() (line
    breaks escaped). (A request model that defines its own `__str__` would print what that
    returns: rare enough that it is not looked for.)"""
    func = ctx.enclosing_function(name)
    if func is None or not is_route_handler(func) or not ctx.imports("fastapi") or ctx.assigned_values(name):
        return False
    arg = next((a for a in all_args(func.args) if a.arg == name.id), None)
    annotation = optional_inner(arg.annotation) if arg is not None else None
    if isinstance(annotation, ast.Subscript) and astutil.last_name(annotation.value) == "Annotated" and isinstance(annotation.slice, ast.Tuple):
        annotation = annotation.slice.elts[0]  # `Annotated[Form, Body()]`
    if isinstance(annotation, ast.Name) and annotation.id in ctx.module.class_bases:
        return declarations.is_model_class(annotation.id, ctx.module)
    declared = ctx.declared(annotation) if isinstance(annotation, (ast.Name, ast.Attribute)) else None
    return declared is not None and declared.model
