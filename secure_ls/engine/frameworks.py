"""What web frameworks mean by a handler: which functions answer requests, and which of
their parameters the client fills (route and URL parameters, FastAPI dependencies, a WSGI
`environ`), which the framework converts or validates, and which reads are ORM queries.
Names and shapes come from `catalog`; this module applies them to syntax.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable

from secure_ls.engine import astutil, catalog
from secure_ls.engine.regex_removal import matched_text_safe_for
from secure_ls.engine.taint import LINE_SINKS, Sink, covers, sinks


def is_request_object(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id in catalog.REQUEST_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in catalog.REQUEST_NAMES and isinstance(node.value, ast.Name) and node.value.id == "self"
    return False


# What a host name that matched the framework's host pattern is safe for (catalog.Framework.validated_host):
# one line, and no markup or quote to leave an HTML attribute with
VALIDATED_HOST_SINKS = LINE_SINKS | sinks("html", "quoted")


def request_read(node: ast.Attribute, frameworks) -> tuple[ast.expr, frozenset[str]] | None:
    """For a read of the request (`request.args`, Starlette's `request.url.path`): the request
    object, and the sinks the value is safe for: one line for the request-target as sent
    (Tornado's `request.path`, see catalog.Framework.raw_target) or its headers as Tornado parsed
    them (Framework.one_line_headers), or a part `urlsplit` cut, which
    drops CR, LF and TAB (Framework.split_url); also redirects for the application's root on the
    requested host (Framework.site_root); a page for a validated host name (Framework.validated_host);
    every sink for the peer's address (catalog.PEER_ADDRESS_ATTRIBUTES). None for any other attribute."""
    owner = node.value
    if isinstance(owner, ast.Attribute) and node.attr in catalog.SPLIT_URL_PARTS and any(owner.attr in f.split_url for f in frameworks):
        return owner.value, LINE_SINKS
    if any(node.attr in f.validated_host for f in frameworks):
        return owner, VALIDATED_HOST_SINKS
    if node.attr in catalog.REQUEST_ATTRIBUTES:
        if node.attr in catalog.PEER_ADDRESS_ATTRIBUTES:
            return owner, frozenset({Sink.ANY})
        if any(node.attr in f.site_root for f in frameworks):
            return owner, LINE_SINKS | sinks("redirect")
        if any(node.attr in f.one_line_headers for f in frameworks):
            return owner, frozenset({Sink.LOG})  # one log line; what the header says is still the client's (an Origin echoed)
        return owner, LINE_SINKS if any(node.attr in f.raw_target for f in frameworks) else frozenset()
    return None


def built_location(call: ast.Call, frameworks) -> ast.expr | None:
    """The location an absolute URL is made of on the request's validated host (Django's
    `request.build_absolute_uri(reverse("done"))`, see catalog.Framework.absolute_url_builders);
    None without one (`build_absolute_uri()` is the request's own path and query)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and any(func.attr in f.absolute_url_builders for f in frameworks)):
        return None
    location = astutil.argument_for(call, ("location",), "location")
    return None if location is None or astutil.is_none(location) else location


def is_database_read(func: ast.expr) -> bool:
    """A query of the ORM: `Model.objects...get(...)` (Django), `Model.query.filter(...).first()`
    (Flask-SQLAlchemy), `get_object_or_404(...)`."""
    if astutil.last_name(func) in catalog.ORM_LOOKUPS:
        return True
    node = func
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute):
            if node.attr in catalog.ORM_MANAGERS and node is not func and is_model_class(node.value):
                return True
            node = node.value
        else:
            node = node.func
    return False


def saves_validated_model(call: ast.Call, value_of) -> bool:
    """`form.save()` of a Django ModelForm, `serializer.save()` of a DRF serializer (the receiver
    made by a `...Form(...)`/`...Serializer(...)` call, inline or through a name): the model
    instance it stored (or, with `commit=False`, is about to)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "save"):
        return False
    made = value_of(func.value) if isinstance(func.value, ast.Name) else func.value
    return isinstance(made, ast.Call) and astutil.last_name(made.func).endswith(catalog.VALIDATING_CLASS_SUFFIXES)


def marked_download(target: ast.expr, value: ast.expr, value_of) -> str | None:
    """The response a statement marks as a download: `resp.headers["Content-Disposition"] =
    "attachment; filename=..."` (Flask, Werkzeug, Starlette) or Django's `resp[...] = ...` on the
    response itself. The browser saves the body instead of rendering it in the site's origin, so
    the body is no HTML page, whatever it holds."""
    if not (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)):
        return None
    if not isinstance(target.slice.value, str) or target.slice.value.lower() != "content-disposition":
        return None
    owner = target.value
    if isinstance(owner, ast.Attribute) and owner.attr == "headers":
        owner = owner.value
    found = astutil.literal_prefix(value, value_of)
    if not isinstance(owner, ast.Name) or found is None or not found[0].lower().startswith("attachment"):
        return None
    return owner.id


# Django's lookup arguments for the integer primary key (`id`, and `pk` when it is the default auto field)
_INTEGER_KEY_LOOKUPS = frozenset({"id", "pk", "id__exact", "pk__exact"})


def integer_keys_looked_up(node: ast.expr) -> set[str]:
    """Names given as the primary key to an ORM query within `node`: `User.objects.get(id=uid)`,
    `Album.objects.filter(pk=aid).delete()`, `get_object_or_404(Album, id=aid)`. Django converts the
    value with int() (a UUID key: uuid.UUID()) when it builds the query, raising ValueError for any
    other text, so once the statement has run the name holds no line break inside digits."""
    # asked for every statement the flow pass runs (again in each round of a loop): a plain
    # stack rather than the breadth-first generator, and calls without keywords skipped at once
    names: set[str] = set()
    stack = [node]
    while stack:
        call = stack.pop()
        stack.extend(astutil.children(call))
        if type(call) is not ast.Call or not call.keywords:
            continue
        keys = [k.value.id for k in call.keywords if k.arg in _INTEGER_KEY_LOOKUPS and isinstance(k.value, ast.Name)]
        # run for every statement: the keywords first, the query's shape only when one matches
        if keys and (astutil.last_name(call.func) in catalog.ORM_LOOKUPS or is_database_read(call.func)):
            names.update(keys)
    return names


def server_set_item_sinks(container: ast.AST, key: ast.AST, environ: str | None = None) -> frozenset:
    """The sinks an item of the request's metadata (`request.META`, `environ`, or the WSGI
    application's environ parameter `environ` however named: `def __call__(self, env, start_response)`)
    is safe for, by who sets it:
    - `request.META["CSRF_COOKIE"]`, `environ["SERVER_PORT"]`, `environ.get("APP_CONFIG")`: the server,
      its operator or the framework's middleware (catalog.SERVER_SET_KEYS, or an upper-case variable
      that is none of the request's), and `environ["api.cache.image"]` or `environ["csp_domains"]`, a component's own item
      (but not the request's body, `wsgi.input`, nor a framework's parse of the request:
      catalog.REQUEST_PARSING_KEYS): every sink;
    - `environ["SCRIPT_NAME"]`: the mount point the deployment gives the application
      (catalog.MOUNT_POINT_SINKS), a path prefix of this site;
    - what the client sends (`HTTP_*` headers, the query string, the path:
      catalog.CLIENT_REQUEST_VARIABLES): none;
    - an ASGI scope's TLS facts (`request.scope["extensions"]["tls"]["alpn_protocol"]`): what the
      server's TLS layer negotiated, one of its own protocols, versions or ciphers
      (catalog.NEGOTIATED_TLS_KEYS; the client's certificate is still the client's): every sink."""
    if _is_asgi_tls_extension(container) and isinstance(key, ast.Constant) and key.value in catalog.NEGOTIATED_TLS_KEYS:
        return frozenset({Sink.ANY})
    named = astutil.last_name(container)
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and (named in ("META", "environ") or isinstance(container, ast.Name) and named == environ)):
        return frozenset()
    name = key.value
    if name in catalog.SERVER_SET_KEYS:
        return frozenset({Sink.ANY})
    if name == "SCRIPT_NAME":
        return catalog.MOUNT_POINT_SINKS
    if _ENVIRONMENT_VARIABLE.fullmatch(name) and not name.startswith("HTTP_") and name not in catalog.CLIENT_REQUEST_VARIABLES:
        return frozenset({Sink.ANY})
    if _COMPONENT_KEY.fullmatch(name) and not name.startswith(catalog.REQUEST_PARSING_KEYS):
        return frozenset({Sink.ANY})  # `environ["api.cache.image"]`: an object a middleware of the application put there
    return frozenset()


_ENVIRONMENT_VARIABLE = re.compile(r"[A-Z][A-Z0-9_]*")
# what PEP 3333 has servers, middleware and applications name their own items of the environ:
# lower-case names, dotted after the component's name, or not (`csp_frame_domains`, which a
# controller put there): the client's headers and the CGI variables are all upper-case
_COMPONENT_KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")


def _is_asgi_tls_extension(container: ast.AST) -> bool:
    """`scope["extensions"]["tls"]` (also `request.scope[...]`): the ASGI TLS extension's facts."""
    if not (isinstance(container, ast.Subscript) and literal_string(container.slice) == "tls"):
        return False
    extensions = container.value
    return isinstance(extensions, ast.Subscript) and literal_string(extensions.slice) == "extensions" and astutil.last_name(extensions.value) == "scope"


def is_row_lookup(call: ast.Call) -> bool:
    """A `get` that finds a stored object by its key:
    - given keyword arguments only (`tickets.get(**filters)`, `queryset.get(id=ticket_id)`):
      a query's (Django's `QuerySet.get`), since a mapping's `get` takes its key by position;
      not on a mapping of the request (`request.args.get(key="q")`);
    - called on a class (`await Client.get(user_id)`, peewee's and Tortoise's `Model.get(...)`):
      a class method that finds an instance, not a mapping's `get`."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("get", "aget")):
        return False
    if isinstance(func.value, ast.Name) and func.value.id[:1].isupper() and not func.value.id.isupper():
        return True  # `Client.get(key)`; not an ALL_CAPS constant table (`HANDLERS.get(name)`)
    return not call.args and bool(call.keywords) and astutil.last_name(func.value) not in catalog.REQUEST_ATTRIBUTES


def is_model_class(node: ast.expr) -> bool:
    """`Image`, `models.Image`, `cls`, `model_data.model`: what a manager hangs from. Not a request
    (`request.query` is aiohttp's query string) nor a parsed URL (`parsed.query`): a class-like
    name, `cls`, or an attribute named `model`."""
    name = astutil.last_name(node)
    return name == "cls" or name == "model" or name[:1].isupper() and not name.isupper()


def all_args(args: ast.arguments) -> list[ast.arg]:
    out = list(getattr(args, "posonlyargs", [])) + list(args.args) + list(args.kwonlyargs)
    if args.vararg:
        out.append(args.vararg)
    if args.kwarg:
        out.append(args.kwarg)
    return out


def parameter_defaults(args: ast.arguments) -> dict[str, ast.expr]:
    positional = list(getattr(args, "posonlyargs", [])) + list(args.args)
    out = {a.arg: d for a, d in zip(positional[len(positional) - len(args.defaults) :], args.defaults)}
    out.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    return out


def is_client_parameter(arg: ast.arg, default: ast.expr | None) -> bool:
    """Whether a route handler's parameter holds client data (not a framework object)."""
    if arg.arg in catalog.NON_DATA_PARAMETERS:
        return False
    annotation = arg.annotation
    while isinstance(annotation, ast.Subscript):  # Annotated[Session, Depends(...)], Optional[Request]
        inner = annotation.slice
        annotation = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    name = astutil.last_name(annotation)
    if name in catalog.NON_DATA_ANNOTATIONS:
        return False
    if name and name.endswith(catalog.NON_DATA_ANNOTATION_SUFFIXES) and name not in catalog.NON_DATA_ANNOTATION_SUFFIXES:
        return False
    if isinstance(default, ast.Call):
        if astutil.last_name(default.func) in catalog.NON_DATA_DEFAULTS:
            return False
    if isinstance(arg.annotation, ast.Subscript):
        for node in astutil.walk(arg.annotation):
            if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
                if astutil.last_name(node.func) in catalog.NON_DATA_DEFAULTS:
                    return False
    return True


def optional_inner(annotation: ast.expr | None) -> ast.expr | None:
    """`X` of `Optional[X]`, `X | None`, `Union[X, None]`: a parameter left out is None, which
    carries nothing; otherwise the annotation itself."""
    if isinstance(annotation, ast.Subscript) and astutil.last_name(annotation.value) == "Optional":
        return annotation.slice
    if isinstance(annotation, ast.Subscript) and astutil.last_name(annotation.value) == "Union" and isinstance(annotation.slice, ast.Tuple):
        members = annotation.slice.elts
    elif isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        members = [annotation.left, annotation.right]
    else:
        return annotation
    kept = [e for e in members if not (isinstance(e, ast.Constant) and e.value is None)]
    return kept[0] if len(kept) == 1 else annotation


_SEQUENCES = frozenset({"List", "list", "Sequence", "Iterable", "Collection", "Set", "set", "FrozenSet", "frozenset", "conlist", "conset"})


def list_item(annotation: ast.expr | None) -> ast.expr | None:
    """`X` of `List[X]`, `list[X]`, `Sequence[X]`, `set[X]`, pydantic's `conlist(X, max_length=50)`
    (also inside `Optional[...]` and `Annotated[..., Field(...)]`): what iterating a parameter so
    annotated gives; None for any other annotation."""
    annotation = optional_inner(annotation)
    if isinstance(annotation, ast.Subscript) and astutil.last_name(annotation.value) == "Annotated" and isinstance(annotation.slice, ast.Tuple):
        annotation = optional_inner(annotation.slice.elts[0])
    if isinstance(annotation, ast.Call) and astutil.last_name(annotation.func) in _SEQUENCES and annotation.args:
        return annotation.args[0]
    if isinstance(annotation, ast.Subscript) and astutil.last_name(annotation.value) in _SEQUENCES and not isinstance(annotation.slice, ast.Tuple):
        return annotation.slice
    return None


def is_converted_annotation(annotation: ast.expr | None, enum_classes: frozenset[str] = frozenset(), kinds: frozenset[str] = catalog.CONVERTED_ANNOTATIONS) -> bool:
    """A number, date or UUID (`int`, `Optional[date]`, `uuid.UUID | None`; any of `kinds`), or one of
    fixed values: an Enum of the module (`SortKey`), `Literal["a", "b"]`."""
    annotation = optional_inner(annotation)
    if annotation is None:
        return False
    text = ast.unparse(annotation)
    last = text.rsplit(".", 1)[-1]
    if text in kinds or last in kinds or last in enum_classes:
        return True
    return isinstance(annotation, ast.Subscript) and astutil.last_name(annotation.value) == "Literal"


def converted_read_defaults(call: ast.Call, enum_classes: frozenset[str] = frozenset()) -> list[ast.expr] | None:
    """For a read that converts what it reads with `type=` (Werkzeug's `request.args.get("page",
    1, type=int)`, a handler's own `get_argument("n", default=1, type=int)`) to a number, date,
    UUID or enum: the defaults it returns instead when conversion fails. None for other calls."""
    if astutil.last_name(call.func) not in catalog.TYPED_READ_METHODS:
        return None
    converter = next((k.value for k in call.keywords if k.arg == "type"), None)
    if converter is None or not is_converted_annotation(converter, enum_classes):
        return None
    return [*call.args[1:], *(k.value for k in call.keywords if k.arg == "default")]


def is_converted_parameter(arg: ast.arg, func: ast.AST, enum_classes: frozenset[str] = frozenset()) -> bool:
    """A route parameter the framework converts to a number, date or UUID (`id: int`, `<int:id>`),
    or validates as one of fixed values (is_converted_annotation)."""
    if is_converted_annotation(arg.annotation, enum_classes):
        return True
    converter = re.compile(r"<(int|float|uuid):" + re.escape(arg.arg) + ">")
    return any(converter.search(route) for route in _route_texts(func))


def _route_texts(func: ast.AST) -> Iterable[str]:
    """The route texts the function's decorators name first (`@app.route("/items/<int:id>")`)."""
    for deco in getattr(func, "decorator_list", ()):
        if isinstance(deco, ast.Call) and deco.args and isinstance(deco.args[0], ast.Constant) and isinstance(deco.args[0].value, str):
            yield deco.args[0].value


def route_filter_safe_for(func: ast.AST, parameter: str) -> frozenset[str]:
    """What a Bottle route's wildcard filter lets through for `parameter`: a number for `<id:int>`
    and `<x:float>`, only what the pattern matches for `<subdir:re:dev|install|usage>` (Bottle
    anchors the whole route); nothing known for any other route."""
    pattern = re.compile(r"<" + re.escape(parameter) + r":(int|float|re:([^>]*))>")
    for route in _route_texts(func):
        found = pattern.search(route)
        if found is not None:
            return sinks("*") if found.group(2) is None else matched_text_safe_for(found.group(2))
    return frozenset()


# Converters the routing libraries define (Werkzeug/Flask, Starlette, Django's path()).
_BUILTIN_CONVERTERS = frozenset({"default", "string", "str", "any", "path", "int", "float", "uuid", "slug"})


def application_converter(arg: ast.arg, func: ast.AST) -> str | None:
    """The name of a converter the application registered itself (`<uuid_str:watch>` after
    `app.url_map.converters["uuid_str"] = StrictUUIDConverter`, `{day:date}` in Starlette) that
    the route gives the parameter; None for the routing library's own converters and for none."""
    name = re.escape(arg.arg)
    pattern = re.compile(r"<(\w+)(?:\([^)]*\))?:" + name + r">|\{" + name + r":(\w+)\}")
    for route in _route_texts(func):
        found = pattern.search(route)
        converter = found and (found.group(1) or found.group(2))
        if converter and converter not in _BUILTIN_CONVERTERS:
            return converter
    return None


def parameter_marks(default: ast.expr | None, annotation: ast.expr | None) -> list[ast.Call]:
    """The calls that declare what a parameter is: its default (`Depends(get_db)`) and those in its
    `Annotated[...]` (`Annotated[Session, Depends(get_db)]`)."""
    marks = [default] if isinstance(default, ast.Call) else []
    if isinstance(annotation, ast.Subscript):
        marks.extend(n for n in astutil.walk(annotation) if isinstance(n, ast.Call))
    return marks


def dependency_callee(default: ast.expr | None, annotation: ast.expr | None) -> ast.expr | None:
    """`get_db` in `db = Depends(get_db)` or `Annotated[Session, Depends(get_db)]`."""
    for node in parameter_marks(default, annotation):
        if node.args and astutil.last_name(node.func) in catalog.NON_DATA_DEFAULTS:
            return node.args[0]
    return None


_SECURITY_MARKERS = frozenset({"fastapi.Security", "fastapi.params.Security"})


def authenticates(func: ast.FunctionDef | ast.AsyncFunctionDef, returns: list[ast.expr | None], qualify) -> bool:
    """A FastAPI security dependency: a parameter declared with `Security(scheme)` (as its default,
    or in its `Annotated[...]`), FastAPI's marker for the credential a scheme reads, which no
    `return` hands back as it came (`return token` only extracts the credential)."""
    defaults = parameter_defaults(func.args)
    credentials = {
        arg.arg for arg in all_args(func.args) if any(qualify(mark.func) in _SECURITY_MARKERS for mark in parameter_marks(defaults.get(arg.arg), arg.annotation))
    }
    return bool(credentials) and not any(isinstance(value, ast.Name) and value.id in credentials for value in returns)


def returns_dependency(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A FastAPI dependency factory: every `return` of `func` (nested scopes aside) gives
    `Annotated[User, Security(get_current_user, scopes=...)]`, which FastAPI injects; a name
    bound to what it returns is an alias of a dependency, not of data the client sends."""
    return dependency_returns([r.value for r in astutil.returns_in(func.body)])


def dependency_returns(returns: list[ast.expr | None]) -> bool:
    """`returns_dependency` given the values of the function's `return` statements."""
    return bool(returns) and all(isinstance(v, ast.Subscript) and dependency_callee(None, v) is not None for v in returns)


def is_django_function_view(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`def view(request, slug)`: a function view whose other parameters are URL kwargs."""
    names = [a.arg for a in (*getattr(func.args, "posonlyargs", ()), *func.args.args)]
    if names[:1] == ["request"] and len(names) > 1:
        # a view answers with a response (`return render(...)`) or is decorated
        # (`@login_required`); a helper taking the request returns plain values
        return bool(func.decorator_list) or any(
            isinstance(node, ast.Return)
            and isinstance(node.value, ast.Call)
            and astutil.last_name(node.value.func) not in catalog.URL_BUILDERS
            for node in astutil.walk(func)
        )
    return False


def handler_parameters(
    name: str, params: list[str], class_bases: Iterable[str], frameworks: Iterable[catalog.Framework]
) -> tuple[frozenset[str], tuple[str, str]] | None:
    """The parameters a framework fills from the client for the method `name` of a class with
    these bases (`def get(self, slug)` of a Tornado `RequestHandler`, `def on_get(self, req, resp,
    user_id)` in Falcon, graphene's `def resolve_user(root, info, id)`), with what they are called
    and where they come from; None for a method no framework calls so."""
    bases = frozenset(class_bases)
    for framework in frameworks:
        if not (name in framework.handler_methods or framework.handler_method_prefix and name.startswith(framework.handler_method_prefix)):
            continue
        if framework.handler_data_after is not None:
            if framework.handler_data_after not in params:
                continue
            first = params.index(framework.handler_data_after) + 1
        else:
            leading = framework.handler_leading
            if len(params) <= len(leading) or any(want is not None and want != have for want, have in zip(leading, params)):
                continue
            first = len(leading)
        suffix = framework.handler_base_suffix
        if suffix is not None and not any(base.endswith(suffix) for base in bases):
            continue
        if framework.not_handler_bases & bases:
            continue
        return frozenset(params[first:]) - catalog.NON_DATA_PARAMETERS, framework.handler_arguments
    return None


def is_route_handler(func: ast.AST) -> bool:
    """Whether `func` is a web route handler by its decorators: `@app.route(...)`,
    `@router.get(...)` and the other catalog.ROUTE_DECORATOR_ATTRIBUTES (a bare
    `@x.get` is a property getter, not a route), or Bottle's `@route("/x")`."""
    for deco in getattr(func, "decorator_list", ()):
        target = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(target, ast.Attribute) and target.attr in catalog.ROUTE_DECORATOR_ATTRIBUTES:
            if target.attr == "get" and not isinstance(deco, ast.Call):
                continue
            return True
        if isinstance(deco, ast.Call) and isinstance(target, ast.Name) and target.id in catalog.ROUTE_DECORATOR_ATTRIBUTES:
            return True  # Bottle's module-level `@route("/x")`, `@get("/x")`
    return False


def is_ipython_magic(func: ast.AST) -> bool:
    """Whether `func` is an IPython magic (`@register_cell_magic`, `@line_magic` in a `Magics`
    class, ...): its line and cell are what the notebook's own user typed, to run."""
    for deco in getattr(func, "decorator_list", ()):
        if astutil.last_name(deco.func if isinstance(deco, ast.Call) else deco) in catalog.IPYTHON_MAGIC_DECORATORS:
            return True
    return False


def orm_hook_event(func: ast.AST, qualify) -> str | None:
    """The SQLAlchemy event `func` is registered for as a hook that receives the application's own
    ORM objects (`@event.listens_for(Task, "after_insert")`, catalog.ORM_HOOK_EVENTS), else None."""
    for deco in getattr(func, "decorator_list", ()):
        if not (isinstance(deco, ast.Call) and len(deco.args) >= 2 and qualify(deco.func) in catalog.ORM_HOOK_DECORATORS):
            continue
        event = deco.args[1]
        if isinstance(event, ast.Constant) and event.value in catalog.ORM_HOOK_EVENTS:
            return event.value
    return None


# Where a web framework's response classes and shortcuts live: a function that returns one of them
# on one path and a tuple on the others (`return HttpResponseBadRequest()` ... `return obj, data`)
# hands its callers either a page to send or the tuple, which they tell apart before unpacking it.
_RESPONSE_MODULES = ("django.http.", "django.shortcuts.", "django.template.response.", "starlette.responses.", "fastapi.responses.", "rest_framework.response.")
_RESPONSE_FACTORIES = frozenset({"flask.redirect", "flask.jsonify", "flask.make_response", "flask.render_template", "quart.redirect", "quart.jsonify"})


def is_response_call(value: ast.expr | None, qualify) -> bool:
    """`HttpResponse(...)`, `redirect(...)`, `JsonResponse(...)`: a response a web framework made."""
    if not isinstance(value, ast.Call):
        return False
    name = qualify(value.func) or ""
    return name.startswith(_RESPONSE_MODULES) or name in _RESPONSE_FACTORIES or astutil.last_name(value.func).endswith("Response")


def response_tuple_body(value: ast.expr, qualify) -> ast.expr | None:
    """`jsonify(data), data["code"]`, `render_template("p.html"), 404, headers`: a Flask-style
    (response, status[, headers]) tuple whose first item a response factory made (the HTML-safe
    ones of catalog.SANITIZERS): what the caller gets as a page is that response, not the status."""
    if not (isinstance(value, ast.Tuple) and len(value.elts) in (2, 3) and isinstance(value.elts[0], ast.Call)):
        return None
    made = catalog.SANITIZERS.get(qualify(value.elts[0].func) or "", frozenset())
    return value.elts[0] if covers(made, Sink.HTML) else None


def rule_variables(func: ast.AST) -> frozenset[str] | None:
    """The parameters a route hands its handler from the request: the variables its URL rules
    name (`@app.route("/files/<path:name>")`: `name`, in Werkzeug's and Bottle's `<...>` syntax)
    and catalog.REQUEST_ARGUMENT_PARAMETERS; None when a rule is not a literal or is written in
    another syntax (`{name}`), or a decorator hands the request's arguments over."""
    names: set[str] = set(catalog.REQUEST_ARGUMENT_PARAMETERS)
    ruled = False
    for deco in getattr(func, "decorator_list", ()):
        if astutil.last_name(deco.func if isinstance(deco, ast.Call) else deco) in catalog.REQUEST_ARGUMENT_DECORATORS:
            return None  # `@use_kwargs(schema)`: its parameters are the request's arguments
        if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr in catalog.ROUTE_DECORATOR_ATTRIBUTES:
            rule = deco.args[0] if deco.args else next((k.value for k in deco.keywords if k.arg == "rule"), None)
            if not (isinstance(rule, ast.Constant) and isinstance(rule.value, str)) or "{" in rule.value:
                return None
            names.update(re.findall(r"<(?:[^<>:]+:)?(\w+)>", rule.value))
            ruled = True
    return frozenset(names) if ruled else None


def fixed_route_path(func: ast.AST) -> bool:
    """A route handler whose every rule is a fixed path (`@app.route("/cached.gif")`, no `<x>`):
    Werkzeug matched the request's decoded path against it, so `request.path` is that text."""
    rules = []
    for deco in getattr(func, "decorator_list", ()):
        if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr in catalog.ROUTE_DECORATOR_ATTRIBUTES:
            rule = deco.args[0] if deco.args else next((k.value for k in deco.keywords if k.arg == "rule"), None)
            if not (isinstance(rule, ast.Constant) and isinstance(rule.value, str)):
                return False
            rules.append(rule.value)
    return bool(rules) and not any("<" in rule for rule in rules)


def wsgi_environ(func: ast.AST) -> str | None:
    """The `environ` parameter of a WSGI application, `def app(environ, start_response)`
    (or a method `__call__(self, environ, start_response)`)."""
    if isinstance(func, ast.Lambda):
        return None
    params = [a.arg for a in func.args.posonlyargs + func.args.args]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    return params[0] if len(params) == 2 and params[1] == "start_response" else None


def client_environment(node: ast.AST, qualify) -> str | None:
    """The label of a client-controlled environment variable read by `node` (see
    catalog.CLIENT_ENVIRONMENT): `os.environ["QUERY_STRING"]`, `os.environ.get(...)`, `os.getenv(...)`.
    Asked of every subscript and call: the variable's name is looked at before any name is qualified."""
    if isinstance(node, ast.Subscript):
        name = node.slice
    elif isinstance(node, ast.Call) and node.args:
        name = node.args[0]
    else:
        return None
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return None
    label = catalog.CLIENT_ENVIRONMENT.get("HTTP_" if name.value.startswith("HTTP_") else name.value)
    if label is None:
        return None
    if isinstance(node, ast.Subscript):
        return label if qualify(node.value) in ("os.environ", "os.environb") else None
    func = node.func
    if qualify(func) == "os.getenv" or isinstance(func, ast.Attribute) and func.attr == "get" and qualify(func.value) == "os.environ":
        return label
    return None


# Overrides that every response passes through, whatever it holds: only a type they set on
# every call counts (`if isinstance(chunk, dict): self.set_header(...)` types only some).
_PASSED_THROUGH = frozenset({"finish", "write"})
# A Tornado handler's methods that declare the type of every response it writes: its default
# headers, its `get_content_type`, and an override of the methods every response passes through
# (an `APIHandler.finish` that sets a JSON type before calling Tornado's).
RESPONSE_TYPE_METHODS = ("set_default_headers", "get_content_type", *sorted(_PASSED_THROUGH))


def declares_non_html_type(scope: ast.AST, string_value) -> bool:
    """Whether a function sets a Tornado response's type to something other than HTML:
    `self.set_header("Content-Type", "application/json")` anywhere in it (an http.server handler's
    `self.send_header(...)` alike; the type also through a
    name given a keyword argument's default: `kind = kwargs.pop("content_type", "application/json")`),
    or, for a `get_content_type`, a return of such a type. `string_value(node)` gives a constant string."""
    returns_type = getattr(scope, "name", "") == "get_content_type"
    for node in _type_setting_nodes(scope):
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("set_header", "send_header")
            and len(node.args) == 2 and (string_value(node.args[0]) or "").lower() == "content-type"
        ):
            value = string_value(node.args[1])
            if value is None:
                value = _keyword_default(scope, node.args[1], string_value)
        elif returns_type and isinstance(node, ast.Return) and node.value is not None:
            value = string_value(node.value)
        else:
            continue
        if value is not None:
            value = re.split(r"%|\{", value, maxsplit=1)[0]  # `"%s; charset=%s" % (kind, enc)`: only the text before a field is known
        if value and "/" in value and "html" not in value.lower():
            return True
    return False


def _type_setting_nodes(scope: ast.AST):
    """The nodes of `scope` that may set the type: all of them, but for a `finish`/`write`
    override only those of the statements at the top of its body, which every call runs."""
    if getattr(scope, "name", "") not in _PASSED_THROUGH:
        yield from astutil.walk(scope)
        return
    for statement in scope.body:  # type: ignore[attr-defined]
        if isinstance(statement, (ast.Expr, ast.Assign, ast.Return)):
            yield from astutil.walk(statement)


def _keyword_default(scope: ast.AST, value: ast.expr, string_value) -> str | None:
    """The constant default of `kwargs.pop("key", "application/json")` (or `.get`), also through
    a name given it by its one assignment in `scope`: the type unless a caller names another
    (which a caller passing `key="text/html"` shows where it writes)."""
    if isinstance(value, ast.Name):
        assigned = [n for n in astutil.walk(scope) if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and value.id in _assigned_names(n)]
        if len(assigned) != 1 or not isinstance(assigned[0], ast.Assign):
            return None
        value = assigned[0].value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("pop", "get") and len(value.args) == 2 and not value.keywords:
        return string_value(value.args[1])
    return None


def _assigned_names(node: ast.AST) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {n.id for t in targets for n in astutil.walk(t) if isinstance(n, ast.Name)}


def declares_non_html_responses(cls: ast.ClassDef, string_value) -> bool:
    """Whether a class's `set_default_headers` or `get_content_type` gives every response it
    writes a type other than HTML (declares_non_html_type)."""
    return any(
        isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name in RESPONSE_TYPE_METHODS and declares_non_html_type(m, string_value)
        for m in cls.body
    )


def literal_string(node: ast.AST) -> str | None:
    """The value of a string literal, else None."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


# Return annotations a web framework sends as JSON (Flask, Quart and Bottle serialise a
# returned dict or list), with the containers and unions that hold them.
_JSON_ANNOTATIONS = frozenset({"dict", "Dict", "list", "List", "Mapping", "MutableMapping", "JSONType", "None"})
_ANNOTATION_WRAPPERS = frozenset({"Union", "Optional", "Tuple", "tuple"})


_BUILTIN_CONTAINER_ANNOTATIONS = frozenset({"dict", "Dict", "list", "List", "set", "Set", "frozenset", "FrozenSet", "tuple", "Tuple"})


def returns_builtin_container(annotation: ast.expr | None) -> bool:
    """Whether a return annotation names a built-in container (`dict[str, Any]`, `Optional[List[str]]`),
    not a Mapping or another class of the program's whose str() may be anything."""
    inner = optional_inner(annotation)
    if isinstance(inner, ast.Subscript):
        inner = inner.value
    return inner is not None and isinstance(inner, (ast.Name, ast.Attribute)) and astutil.last_name(inner) in _BUILTIN_CONTAINER_ANNOTATIONS


_CONTAINER_DISPLAYS = (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp)
_CONTAINER_BUILDERS = frozenset({"list", "dict", "set", "frozenset", "tuple", "sorted"})


def returns_made_container(func: ast.FunctionDef | ast.AsyncFunctionDef, returned: list[ast.expr | None], loads: dict) -> bool:
    """Whether every `return` of a (non-generator) function hands back a built-in container it makes
    there (`return [stype]`, `return list(sock.recv(n))`, a comprehension, a name bound to such on
    every path to that return: `loads`, the pass's bindings of the names it read) or None, and one
    at least a container: its caller holds a list, dict, set or tuple, whatever is inside."""
    return returns_made(func, returned, loads, _made_container)


def returns_made(func: ast.FunctionDef | ast.AsyncFunctionDef, returned: list[ast.expr | None], loads: dict, made_so: Callable[[ast.expr], bool]) -> bool:
    """Whether every `return` of a (non-generator) function hands back a value `made_so` accepts
    (also a name bound to such on every path to that return) or None, and one at least such a value."""
    made = [v for v in returned if v is not None and not astutil.is_none(v)]
    if not made or any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in astutil.own_nodes(func)):
        return False
    for value in made:
        if isinstance(value, ast.Name):
            binding = loads.get(id(value))
            values = binding.values if binding is not None else ()
        else:
            values = (value,)
        if not values or not all(made_so(v) for v in values):
            return False
    return True


def _made_container(value: ast.expr) -> bool:
    return isinstance(value, _CONTAINER_DISPLAYS) or isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _CONTAINER_BUILDERS


# Calls whose result a helper hands back as a response object, whose body is judged where it is
# built: Flask's `jsonify`, `redirect` (Werkzeug escapes the location it writes into its body) and
# `make_response`, and any class named `...Response`.
_RESPONSE_MAKERS = frozenset({"jsonify", "redirect", "make_response"})


def returned_helpers(func: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str] | None:
    """For a function that makes no page text of its own: the functions called by name whose
    results it returns. Every `return` hands back data Flask sends as JSON (a dict or list display
    or comprehension), a response object (_RESPONSE_MAKERS), nothing, or such a call (in a tuple
    with a status, its first item). None when one returns anything else, or none returns a value."""
    needs: set[str] = set()
    valued = False
    for statement in astutil.returns_in(func.body):
        value = statement.value
        if isinstance(value, ast.Tuple) and value.elts:
            value = value.elts[0]  # `return body, 400`
        if value is None or astutil.is_none(value):
            continue
        valued = True
        if isinstance(value, (ast.Dict, ast.List, ast.DictComp, ast.ListComp)):
            continue
        if not isinstance(value, ast.Call):
            return None
        name = astutil.last_name(value.func)
        if name in _RESPONSE_MAKERS or name.endswith("Response"):
            continue
        if not isinstance(value.func, ast.Name):
            return None
        needs.add(name)
    return frozenset(needs) if valued else None


def data_closure(declared: set[str], helpers: list[tuple[str, frozenset[str]]]) -> set[str]:
    """The functions of a module that return no page text: those `declared` so (`-> dict`), and
    each of `helpers` (returned_helpers) whose called functions all are, to a fixed point (a
    function that returns its own call never is)."""
    found = set(declared)
    pending = dict(helpers)
    while True:
        ready = [name for name, needs in pending.items() if needs <= found]
        if not ready:
            return found
        for name in ready:
            found.add(name)
            del pending[name]


def returns_no_page_text(annotation: ast.expr | None) -> bool:
    """Whether a function's return annotation admits only what a view returns as data or as a
    response object, never text for an HTML page: `dict`, `list[...]`, `Union[Dict,
    HttpResponse]`, `tuple[dict, int]` (a body and a status). A response class (a name ending in
    `Response`) is judged where it is built. `str`, `Any`, `Markup` or no annotation: False."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant):
        if isinstance(annotation.value, str):  # `-> "dict"`, a postponed annotation
            try:
                return returns_no_page_text(ast.parse(annotation.value, mode="eval").body)
            except SyntaxError:
                return False
        return annotation.value is None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return returns_no_page_text(annotation.left) and returns_no_page_text(annotation.right)
    if isinstance(annotation, ast.Subscript):
        name = astutil.last_name(annotation.value)
        if name in _ANNOTATION_WRAPPERS:
            inner = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
            return all(returns_no_page_text(a) or astutil.last_name(a) == "int" for a in inner if not isinstance(a, ast.Constant) or a.value is not Ellipsis)
        return name in _JSON_ANNOTATIONS
    name = astutil.last_name(annotation)
    return name in _JSON_ANNOTATIONS or name.endswith("Response")


# Decoders that return a token's claims only after checking its signature with the key given them
_VERIFYING_DECODERS = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode", "authlib.jose.jwt.decode", "joserfc.jwt.decode"})


def verified_claims(call: ast.Call, qualified: str | None) -> bool:
    """`jwt.decode(token, key, algorithms=["RS256"])`: the claims a signature check let through,
    which nobody without the key chose. Not with `options={"verify_signature": False}` or
    `verify=False`, options or `**kwargs` that may say so, or no key."""
    if qualified not in _VERIFYING_DECODERS:
        return False
    key = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg in ("key", "public_key")), None)
    if key is None or astutil.is_none(key) or isinstance(key, ast.Constant) and key.value == "":
        return False
    for keyword in call.keywords:
        if keyword.arg is None or keyword.arg == "verify" and not astutil.is_true(keyword.value):
            return False
        if keyword.arg == "options" and not (
            isinstance(keyword.value, ast.Dict) and all(
                k is not None and not (isinstance(k, ast.Constant) and k.value == "verify_signature" and not astutil.is_true(v))
                for k, v in zip(keyword.value.keys, keyword.value.values)
            )
        ):
            return False
    return True
