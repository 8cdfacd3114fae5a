"""Where untrusted data comes from and what makes it safe again.

Plain data, so teams can extend it from configuration (`sources`,
`sanitizers` in `[tool.secure-ls]`) without touching the engine.

Sink classes name the kind of place data must not reach unchecked:
"sql", "shell", "code", "path", "url", "redirect", "html", "template",
"ldap", "xpath", "header", "log", "regex", "deserialize", "xml", "*" (all).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from secure_ls.engine.taint import OUTBOUND_SOURCES, WEAK_SOURCES, Sink, sinks  # noqa: F401 (names of the catalog)

# Qualified names whose value (attribute access or call result) is untrusted.
SOURCE_NAMES: dict[str, str] = {
    "flask.request": "the Flask request",
    "quart.request": "the Quart request",
    "bottle.request": "the Bottle request",
    # CherryPy's request by its client-data attributes only (its `login`, `config`, `app`, `hooks`
    # are the server's own)
    **{f"cherrypy.request.{part}": "the CherryPy request" for part in ("params", "headers", "cookie", "body", "query_string", "path_info", "request_line")},
    "input": "input()",
    # iterated (`async for msg in ws`), it yields the client's messages
    "aiohttp.web.WebSocketResponse": "a websocket message",
    "aiohttp.web_ws.WebSocketResponse": "a websocket message",
    "builtins.input": "input()",
    "sys.argv": "command-line arguments",
    "sys.stdin": "standard input",
    "os.environ": "an environment variable",
    "os.getenv": "an environment variable",
    "os.environb": "an environment variable",
    "argparse.ArgumentParser.parse_args": "command-line arguments",
    "fileinput.input": "standard input",
    "urllib.request.urlopen": "an HTTP response",
    "urllib2.urlopen": "an HTTP response",
    "requests.get": "an HTTP response",
    "requests.post": "an HTTP response",
    "requests.put": "an HTTP response",
    "requests.patch": "an HTTP response",
    "requests.delete": "an HTTP response",
    "requests.request": "an HTTP response",
    "httpx.get": "an HTTP response",
    "httpx.post": "an HTTP response",
    "httpx.put": "an HTTP response",
    "httpx.request": "an HTTP response",
    "urllib3.request": "an HTTP response",
    # dnspython: the records a name server answered (a TXT record is any text its zone holds)
    "dns.resolver.resolve": "a DNS answer",
    "dns.resolver.query": "a DNS answer",
    "dns.asyncresolver.resolve": "a DNS answer",
}

# Methods whose result is untrusted when called on an instance of the class named
# (`resolver = dns.resolver.Resolver()` ... `resolver.resolve(name, "TXT")`).
INSTANCE_SOURCE_METHODS: dict[tuple[str, str], str] = {
    (cls, method): "a DNS answer"
    for cls in ("dns.resolver.Resolver", "dns.asyncresolver.Resolver")
    for method in ("resolve", "query")
}
INSTANCE_SOURCE_METHOD_NAMES = frozenset(method for _, method in INSTANCE_SOURCE_METHODS)

# Methods, on any receiver, whose result is untrusted: data read from a
# socket, command-line arguments parsed by argparse/optparse.
SOURCE_METHODS: dict[str, str] = {
    "recv": "data read from a socket",
    "recvfrom": "data read from a socket",
    "recvmsg": "data read from a socket",
    "parse_args": "command-line arguments",
    "parse_known_args": "command-line arguments",
    "parse_intermixed_args": "command-line arguments",
}

# A socket's reads: after the function sent on it, an answer (taint.OUTBOUND_SOURCES: expressions._sent_on_first)
SOCKET_READS = frozenset(method for method, label in SOURCE_METHODS.items() if label == "data read from a socket")

# Environment variables that hold what a remote party sent, not the operator's settings: a CGI
# program's request (RFC 3875 meta-variables, and every `HTTP_*` request header), and the branch
# name of a pull request in a CI job (GitHub Actions; anyone who opens one chooses it).
CLIENT_ENVIRONMENT = {
    "QUERY_STRING": "the CGI request",
    "PATH_INFO": "the CGI request",
    "PATH_TRANSLATED": "the CGI request",
    "REQUEST_URI": "the CGI request",
    "CONTENT_TYPE": "the CGI request",
    "HTTP_": "the CGI request",  # a prefix: every request header
    "GITHUB_HEAD_REF": "a pull request's branch name",
}
# WEAK_SOURCES and OUTBOUND_SOURCES (labels of the sources above that are not a client's
# request) are taint vocabulary: engine/taint.py, imported here.

# Attributes of a web framework's request object that carry client data.
# Matched on any object named like a request (`request`, `req`, `self.request`).
REQUEST_ATTRIBUTES = frozenset(
    {
        # Flask / Werkzeug / Quart
        "args", "form", "values", "json", "data", "files", "cookies", "headers",
        "get_json", "get_data", "view_args", "stream", "url", "base_url", "path",
        "full_path", "query_string", "host", "referrer", "remote_addr", "environ",
        # Django / DRF
        "GET", "POST", "COOKIES", "META", "body", "FILES", "query_params", "content_params",
        "get_full_path", "build_absolute_uri", "get_host",
        # Starlette / FastAPI / aiohttp / Sanic
        "query", "path_params", "match_info", "post", "text", "form_data",
        "rel_url", "raw_path", "content", "read", "multipart",
        # Tornado (`self.request.arguments`)
        "arguments", "query_arguments", "body_arguments",
        # Falcon
        "params", "media", "get_media", "get_param", "get_param_as_list", "get_header", "get_cookie_values",
        # Bottle (`bottle.request` is also a source by name)
        "forms", "get_cookie",
    }
)
REQUEST_NAMES = frozenset({"request", "req", "http_request", "flask_request"})
# Words in the names of code whose application knows who sends a request: sessions, cookies,
# logins and their decorators, users, secrets, passwords, tokens, permissions; and settings or
# views loaded from elsewhere (`config.from_object`, `register_blueprint`), which may hold any of those
USER_AWARE_WORDS = re.compile(
    r"session|cookie|login|logout|auth|user|secret|passw|token|permission|admin|principal|identity|"
    r"from_object|from_pyfile|from_envvar|from_prefixed_env|from_file|register_blueprint",
    re.IGNORECASE,
)
# Methods through which an HTTP client hands the request it is *sending* to a transport, by the
# last name of the class's base: requests' adapters (`send(self, request)`), httpx transports
# (`handle_request(self, request)`), urllib's handlers (`http_request(self, req)`). That request
# is the program's own, not one a client sent it.
OUTBOUND_REQUEST_METHODS = {
    "BaseAdapter": frozenset({"send"}),
    "HTTPAdapter": frozenset({"send"}),
    "BaseTransport": frozenset({"handle_request"}),
    "HTTPTransport": frozenset({"handle_request"}),
    "AsyncBaseTransport": frozenset({"handle_async_request"}),
    "AsyncHTTPTransport": frozenset({"handle_async_request"}),
    "BaseHandler": frozenset({"http_request", "https_request", "http_open", "https_open"}),
}
# Classes of the requests an HTTP client *sends*: a parameter annotated with one (aiohttp's client
# middleware `async def __call__(self, request: ClientRequest, handler)`, a requests hook given a
# PreparedRequest) holds the program's own outgoing request, whatever it is named.
OUTBOUND_REQUEST_TYPES = frozenset(
    {
        "aiohttp.ClientRequest", "aiohttp.client_reqrep.ClientRequest", "aiohttp.client.ClientRequest",
        "requests.PreparedRequest", "requests.models.PreparedRequest", "requests.Request", "requests.models.Request",
        "httpx.Request", "tornado.httpclient.HTTPRequest", "urllib.request.Request",
    }
)
# Attributes of the request that are the peer's IP address (Werkzeug's `remote_addr`, as Django's
# `META["REMOTE_ADDR"]` in SERVER_SET_KEYS): the server took it from the socket, or from the
# forwarding header of a proxy the operator trusts, and it is an address: no text of the client's.
PEER_ADDRESS_ATTRIBUTES = frozenset({"remote_addr"})
# Attributes of the request that hold the server's own application object (Starlette,
# FastAPI, aiohttp, Sanic: `request.app`): its settings and registries are the program's.
REQUEST_APPLICATION_ATTRIBUTES = frozenset({"app"})

# Items of a WSGI environ (Django's `request.META`) that the server or the framework sets: the
# server's own name and port, the WSGI version flags, and the CSRF secret Django's middleware
# puts there (a format-checked cookie value or a new one). Everything else may be the client's.
SERVER_SET_KEYS = frozenset(
    {
        "CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE", "SERVER_NAME", "SERVER_PORT", "SERVER_SOFTWARE", "GATEWAY_INTERFACE",
        "wsgi.url_scheme", "wsgi.version", "wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once",
    }
)
# Component items of a WSGI environ that hold the request's body or what a framework parsed of it
# (WebOb's `webob._parsed_query_vars`, Werkzeug's `werkzeug.request`, Paste's `paste.parsed_formvars`,
# the URL's variables a router matched: `wsgiorg.routing_args`, Routes' and Pylons' route dicts)
REQUEST_PARSING_KEYS = ("wsgi.input", "wsgi.errors", "webob.", "werkzeug.", "paste.", "pecan.", "bottle.", "falcon.", "wsgiorg.", "routes.", "pylons.")
# The ASGI TLS extension's items the server's TLS layer sets from what it negotiated (one of the
# server's own ALPN protocols, TLS versions, cipher suites) or holds (its own certificate); not
# `client_cert_chain`/`client_cert_name`, which are the client's.
NEGOTIATED_TLS_KEYS = frozenset({"alpn_protocol", "tls_version", "cipher_suite", "server_cert"})
PROCESS_ENVIRONMENT = frozenset({"os.environ", "os.environb"})
# The environ's variables that carry the client's request (RFC 3875 meta-variables, servers'
# raw request line, the peer): besides these and the `HTTP_*` headers, an upper-case variable
# (`RADICALE_CONFIG`, `SSL_CLIENT_S_DN`) is one the server or its operator set.
CLIENT_REQUEST_VARIABLES = frozenset(
    {
        "QUERY_STRING", "PATH_INFO", "PATH_TRANSLATED", "REQUEST_URI", "RAW_URI", "SCRIPT_NAME", "CONTENT_TYPE",
        "CONTENT_LENGTH", "REQUEST_METHOD", "SERVER_PROTOCOL", "REMOTE_USER", "REMOTE_ADDR", "REMOTE_HOST",
        "REMOTE_PORT", "REMOTE_IDENT", "AUTH_TYPE", "HTTPS",
    }
)

# Functions that make a URL of the application's own (a path on its host) from a route name,
# a model or a path: what they return is not request data, and a helper returning one is no view.
URL_BUILDERS = frozenset({"reverse", "reverse_lazy", "resolve_url", "url_for", "get_absolute_url", "build_absolute_uri"})
# Of those, the ones whose result is a path of this site whatever values they are given: Django's
# reverse() percent-encodes them and refuses to start a path with `//`, Flask's url_for() quotes
# them, a model's get_absolute_url() names the model's own page. (resolve_url() and
# build_absolute_uri() hand back an absolute URL they are given.)
SITE_URL_BUILDERS = frozenset({"reverse", "reverse_lazy", "url_for", "get_absolute_url"})
# Of those, the ones that fill a route of the application's URL table with their arguments,
# percent-encoded: the route's text is the developer's, so given only constants and numbers
# (`args=(row.id,)`) they return text of the program's own. Not with `_external=True` (url_for
# then prefixes the Host the client sent).
ROUTE_REVERSERS = frozenset(
    {"django.urls.reverse", "django.urls.reverse_lazy", "django.core.urlresolvers.reverse", "flask.url_for", "flask.helpers.url_for"}
)
# The Jupyter family's path joiners: `url_path_join(base, "api", x)` strips the slashes around
# each piece and puts exactly one `/` between them, so a literal piece is a whole path segment
# (unlike `urllib.parse.urljoin`, where an absolute second piece replaces the first).
URL_PATH_JOINS = frozenset({"jupyter_server.utils.url_path_join", "notebook.utils.url_path_join", "jupyterhub.utils.url_path_join"})

# What reads rows through an ORM: the manager attribute a query starts from (`Model.objects`,
# `Model.query`), and shortcuts that fetch one row. Rows hold what the application stored.
ORM_MANAGERS = frozenset({"objects", "query"})
ORM_LOOKUPS = frozenset({"get_object_or_404", "get_list_or_404", "aget_object_or_404"})

# Decorators that make a function an HTTP handler whose parameters come from
# the client (route parameters, FastAPI query/body parameters; CherryPy's `@cherrypy.expose`
# fills every parameter from the query string, the form and extra path segments).
ROUTE_DECORATOR_ATTRIBUTES = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "head", "options", "websocket", "api_route", "view", "expose"}
)
# Decorators that hand a Flask view the request's parsed arguments (webargs, flask-smorest,
# APIFlask, flask-pydantic), and parameter names extensions fill from the request by annotation
# (flask-openapi3): those parameters are client data, whatever the URL rule names.
REQUEST_ARGUMENT_DECORATORS = frozenset({"use_args", "use_kwargs", "arguments", "input", "validate", "expect", "parse", "body", "query"})
REQUEST_ARGUMENT_PARAMETERS = frozenset({"query", "body", "form", "header", "headers", "cookie", "cookies", "json", "args", "data", "files"})
# Parameters of handlers that are framework objects, not client data.
NON_DATA_PARAMETERS = frozenset({"self", "cls", "request", "req", "response", "db", "session", "background_tasks", "websocket", "ws"})
# Parameters a framework fills from the developer's own definitions when it calls back into a
# class: (base class suffix, method) -> parameters. A Django widget renders the form field's
# `name` and the `attrs` (an `id` made from that name) the form declared; only `value` is the
# submitted data. A widget is built where a form is declared, so its constructor's arguments
# ("*": all of them) are the developer's too. A `MultiWidget`'s `format_output` (Django before
# 1.11) is handed the HTML its sub-widgets' `render` made, every value in it already escaped.
DEVELOPER_PARAMETERS = {
    ("Widget", "__init__"): frozenset({"*"}),
    ("Widget", "render"): frozenset({"name", "attrs", "renderer"}),
    ("Widget", "get_context"): frozenset({"name", "attrs"}),
    ("Widget", "build_attrs"): frozenset({"base_attrs", "extra_attrs"}),
    ("Widget", "format_output"): frozenset({"rendered_widgets"}),
}
# The bases of a pydantic model (pydantic's own, SQLModel's): FastAPI builds a route parameter
# annotated with one from the request body, and it prints as `name='x' url='y'`, each field with repr()
PYDANTIC_MODEL_BASES = frozenset({"BaseModel", "SQLModel", "RootModel"})
# Annotations of handler parameters that are framework objects (FastAPI/Starlette).
NON_DATA_ANNOTATIONS = frozenset(
    {"Request", "Response", "WebSocket", "HTTPConnection", "BackgroundTasks", "Session", "AsyncSession", "SecurityScopes"}
)
# Suffixes of annotations that make a handler parameter a client object, logger or service the
# framework injects (`client: WebClient` in a Slack Bolt handler, `http: AsyncClient` from a
# dependency, Litestar's `users_service: UserService` and `repo: UserRepository`): nothing a
# request can be parsed into. A class named just `Client` may be a body model.
NON_DATA_ANNOTATION_SUFFIXES = ("Client", "Logger", "Service", "Repository")
# Annotations of handler parameters the framework converts (or rejects the request):
# the value is a number, date or UUID, whatever the client sent. So is a field so annotated of
# the class any parameter is annotated with (`cell: CellImpl`, `count: int`), and a code object
# (`body: CodeType`: compiled elsewhere, where its text was judged; it holds no text), and a time
# zone (`tz: ZoneInfo` loads only a zone of the tz database: its `key` is a zone name such as "Europe/Paris").
CONVERTED_ANNOTATIONS = frozenset({"int", "float", "bool", "UUID", "date", "datetime", "Decimal", "PositiveInt", "NonNegativeInt", "CodeType", "ZoneInfo"})
# Of those, what a helper's parameter so annotated holds whatever its callers pass (flow): a value
# with no text of the caller's in it. Not a code object: what it runs was judged where it was
# compiled, which may be code the engine does not see (the standard library's interactive console).
VALUE_ANNOTATIONS = CONVERTED_ANNOTATIONS - {"CodeType"}
# Packages whose types a route parameter may be annotated with and still hold the client's text as
# sent (`email: EmailStr`, `url: AnyHttpUrl`, `name: Annotated[str, ...]`): the web frameworks',
# pydantic's and typing's own. A type of any other library validates by rules of its own
# (flow: "a type of another library").
CLIENT_TEXT_TYPE_PACKAGES = frozenset({"pydantic", "pydantic_core", "fastapi", "starlette", "litestar", "typing_extensions", "annotated_types", "sqlmodel"})
# Defaults of handler parameters that the framework fills from the server side.
NON_DATA_DEFAULTS = frozenset({"Depends", "Security"})
# Method names of Django class-based views whose extra parameters are URL kwargs.
VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "dispatch", "get_object", "get_queryset"})
_HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


# what the parameters a URL fills are called in messages, and where they come from
URL_ARGUMENTS = ("URL parameter", "the URL")


@dataclass(frozen=True)
class Framework:
    """What a web framework hands its handlers, beyond the request-object attributes above.

    Each entry applies only in files that import `module`, so the method names
    (`get_argument`, `parse_args`, `on_get`) mean what the framework means by them.
    """

    module: str  # top-level package
    # methods a handler class inherits that read the request, called on `self` (Tornado's get_argument)
    handler_reads: frozenset[str] = frozenset()
    # methods, on any receiver, whose result is request data (Flask-RESTful's `parser.parse_args()`)
    request_methods: frozenset[str] = frozenset()
    # methods of a handler class whose parameters after `handler_leading` come from the URL
    handler_methods: frozenset[str] = frozenset()
    handler_leading: tuple[str | None, ...] = ("self",)  # None: any name (`req`/`request`)
    # handler methods whose name starts so, too (graphene's `resolve_<field>`)
    handler_method_prefix: str | None = None
    # the parameters after the one so named come from the client, whatever comes before it
    # (graphene's `def resolve_user(root, info, id)` and `def mutate(cls, root, info, **data)`)
    handler_data_after: str | None = None
    # what a handler method's parameters are called, and where they come from, in messages
    handler_arguments: tuple[str, str] = URL_ARGUMENTS
    # the handler class must derive from a class whose name ends so (`RequestHandler`, `BaseHandler`)
    handler_base_suffix: str | None = None
    # bases that make a class no handler although its methods have a handler's name and leading
    # parameters (Horizon's table actions: `delete(self, request, obj_id)` is given the id of a row
    # the table's get_object_by_id matched exactly, not a URL's text)
    not_handler_bases: frozenset[str] = frozenset()
    # what `request_methods` read, in messages
    request_label: str = "the HTTP request"
    # attributes of `self` in a handler class (see handler_base_suffix) that hold the request
    handler_attributes: frozenset[str] = frozenset()
    # attributes of the request that are the request-target as the client sent it, still
    # percent-encoded (Tornado's `request.path`, `.uri`, `.query`; Django's `get_full_path()`, which
    # quotes the decoded path again, and `build_absolute_uri(location)`, which quotes what it is given
    # with iri_to_uri): a request line holds no line break
    raw_target: frozenset[str] = frozenset()
    # attributes of the request holding its headers as the framework parsed them, each value on one
    # line (Tornado's `request.headers`: HTTPHeaders joins a folded header's continuation lines with
    # a space, so no value holds a line break; its `request.host` is the Host header's value)
    one_line_headers: frozenset[str] = frozenset()
    # the route decorators hand a handler only the variables of its URL rule (`<slug>`, Werkzeug's
    # and Bottle's syntax): any other parameter is one a decorator passes (`@login_required`
    # handing the signed-in user), not client data, unless the decorator is one of
    # REQUEST_ARGUMENT_DECORATORS or the parameter is named like REQUEST_ARGUMENT_PARAMETERS
    rule_variables_only: bool = False
    # attributes of the request that are URL objects whose parts come from `urlsplit`, which drops
    # CR, LF and TAB (Starlette's `request.url.path`; `str(request.url)` keeps the decoded path whole)
    split_url: frozenset[str] = frozenset()
    # attributes of the request that are the application's root on the host the request named
    # (Starlette's `base_url`, as Werkzeug's `url_root`): no path or query of the client's, so
    # redirecting there keeps the user where they are
    site_root: frozenset[str] = frozenset()
    # methods of the request that give its Host header only once it matched a host pattern
    # (Django's `get_host()` raises DisallowedHost unless the name is `[a-z0-9.-]+` or an IPv6
    # literal, with a port): no markup, quote or line break (VALIDATED_HOST_SINKS), though the
    # client still chose it among the allowed hosts
    validated_host: frozenset[str] = frozenset()
    # methods that make an absolute URL of the location they are given, on that validated host
    # (Django's `build_absolute_uri(location)`): the location's text (quoted by iri_to_uri), and the host
    absolute_url_builders: frozenset[str] = frozenset()


# the base of the standard library's request handlers (`BaseHTTPRequestHandler`, `SimpleHTTPRequestHandler`, ...)
HTTP_SERVER_HANDLER_SUFFIX = "HTTPRequestHandler"
# What a websocket endpoint receives is client data, like a request body.
_WEBSOCKET_RECEIVES = frozenset({"receive_text", "receive_bytes", "receive_json", "iter_text", "iter_bytes", "iter_json"})

FRAMEWORKS: tuple[Framework, ...] = (
    Framework(
        "django", handler_methods=VIEW_METHODS, handler_leading=("self", "request"),
        not_handler_bases=frozenset({"BatchAction", "DeleteAction"}),
        raw_target=frozenset({"get_full_path", "get_full_path_info", "build_absolute_uri"}),
        validated_host=frozenset({"get_host"}), absolute_url_builders=frozenset({"build_absolute_uri"}),
    ),
    Framework(
        "tornado",
        handler_reads=frozenset(
            {
                "get_argument", "get_arguments", "get_query_argument", "get_query_arguments",
                "get_body_argument", "get_body_arguments", "get_cookie", "decode_argument",
            }
        ),
        handler_methods=frozenset(_HTTP_METHODS),
        handler_base_suffix="Handler",
        raw_target=frozenset({"path", "uri", "query"}),
        one_line_headers=frozenset({"headers", "host", "host_name"}),  # the Host header too
    ),
    Framework(
        "falcon",
        handler_methods=frozenset(f"on_{m}" for m in _HTTP_METHODS),
        handler_leading=("self", None, None),  # (self, req, resp, **uri_template_fields)
    ),
    Framework("flask_restful", request_methods=frozenset({"parse_args"})),
    Framework("flask", rule_variables_only=True),
    Framework("quart", rule_variables_only=True),
    Framework("bottle", rule_variables_only=True),
    # Sanic's `request.path` and `.query_string` are httptools' parse of the request line, undecoded
    Framework("sanic", raw_target=frozenset({"path", "query_string"})),
    # graphene's resolvers and mutations: the field's arguments, as the client's query gives them
    Framework(
        "graphene",
        handler_methods=frozenset({"mutate", "mutate_and_get_payload"}),
        handler_method_prefix="resolve_",
        handler_data_after="info",
        handler_arguments=("GraphQL argument", "the client's GraphQL query"),
    ),
    # the standard library's http.server: `self.path`, `self.headers` of a BaseHTTPRequestHandler
    Framework(
        "http",
        handler_attributes=frozenset({"path", "headers", "rfile", "requestline", "raw_requestline"}),
        handler_base_suffix=HTTP_SERVER_HANDLER_SUFFIX,
    ),
    # FastAPI/Starlette `WebSocket`, aiohttp `WebSocketResponse`, flask-sock's `ws`
    Framework("fastapi", request_methods=_WEBSOCKET_RECEIVES, request_label="a websocket message", split_url=frozenset({"url", "base_url"}), site_root=frozenset({"base_url"})),
    Framework("starlette", request_methods=_WEBSOCKET_RECEIVES, request_label="a websocket message", split_url=frozenset({"url", "base_url"}), site_root=frozenset({"base_url"})),
    Framework(
        "aiohttp",
        request_methods=frozenset({"receive_str", "receive_bytes", "receive_json"}),
        request_label="a websocket message",
        raw_target=frozenset({"raw_path"}),  # the path and query as sent; `request.path` is decoded
    ),
    Framework("flask_sock", request_methods=frozenset({"receive"}), request_label="a websocket message"),
)

# Django form and DRF serializer fields whose validated value is a number, a date, a UUID
# or one of fixed choices (`serializer.validated_data["count"]` of an IntegerField).
TYPED_FORM_FIELDS = frozenset(
    {
        "IntegerField", "FloatField", "DecimalField", "BooleanField", "NullBooleanField", "ChoiceField",
        "MultipleChoiceField", "TypedChoiceField", "TypedMultipleChoiceField", "UUIDField", "DateField",
        "DateTimeField", "TimeField", "DurationField", "PrimaryKeyRelatedField", "ModelChoiceField",
    }
)
# Django model fields that only a model declares, whose lookups convert the value with int()
# (`get_prep_value`) before the query runs, raising ValueError for any other text
# (symbols._typed_fields keeps them with the form fields: a lookup `field=K` of one converts K)
MODEL_NUMBER_FIELDS = frozenset(
    {
        "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField", "SmallIntegerField",
        "BigIntegerField", "AutoField", "BigAutoField", "SmallAutoField",
    }
)
# Fields whose validator admits no line break, though other markup may pass: Django's
# EmailValidator (quoted local parts exclude CR and LF), URLValidator (no whitespace),
# validate_slug, the IP address validators. Their value is safe in a log line or a header.
# So is an upload field's (FileField, ImageField): the cleaned value is the uploaded file, shown
# by its name, of which Django's multipart parser keeps only the printable characters.
ONE_LINE_FORM_FIELDS = frozenset({"EmailField", "URLField", "SlugField", "GenericIPAddressField", "IPAddressField", "FileField", "ImageField"})
# Class-name endings of Django forms and DRF serializers: built with client data, their
# cleaned/validated data is still that client data (`form.cleaned_data["name"]`).
VALIDATING_CLASS_SUFFIXES = ("Serializer", "Form")
# What a form or serializer holds after validation: its declared field types hold there. Not a
# Django form's `data` nor a serializer's `initial_data`, the raw input as sent; a DRF serializer's
# `data` is its validated representation (DRF refuses to give it before is_valid()).
VALIDATED_DATA_ATTRIBUTES = frozenset({"validated_data", "cleaned_data", "data"})
SERIALIZER_SUFFIX = "Serializer"

# Functions whose result is safe for the given sink classes whatever goes in.
SANITIZERS: dict[str, frozenset[Sink]] = {
    "int": sinks("*"),
    "float": sinks("*"),
    "bool": sinks("*"),
    "len": sinks("*"),
    "abs": sinks("*"),
    "round": sinks("*"),
    "hash": sinks("*"),
    "id": sinks("*"),
    "uuid.UUID": sinks("*"),
    "decimal.Decimal": sinks("*"),
    "datetime.date.fromisoformat": sinks("*"),
    "datetime.datetime.fromisoformat": sinks("*"),
    "ipaddress.ip_address": sinks("*"),
    "shlex.quote": sinks("shell"),
    "pipes.quote": sinks("shell"),
    "shlex.join": sinks("shell"),
    "html.escape": sinks("html", "log", "header"),
    "markupsafe.escape": sinks("html", "log"),
    "flask.escape": sinks("html", "log"),
    "django.utils.html.escape": sinks("html", "log"),
    "django.utils.html.conditional_escape": sinks("html"),
    "bleach.clean": sinks("html"),
    "os.path.basename": sinks("path"),
    # a file object in memory names no file: `open()` refuses it, and a helper that takes a path or
    # a file opens only the path (`checksum(io.BytesIO(response.content))`); what it holds still counts
    # wherever content does (an archive's members, a pickle, a document parsed)
    "io.BytesIO": sinks("path"),
    "io.StringIO": sinks("path"),
    # both keep only letters, digits, `_`, `-` and `.` (and reject `..`): no separator, quote,
    # markup or line break is left
    "werkzeug.utils.secure_filename": sinks("path", "shell", "log", "header", "html", "sql"),
    "django.utils.text.get_valid_filename": sinks("path", "shell", "log", "header", "html", "sql"),
    "re.escape": sinks("regex"),
    # Python's URL splitting drops every tab, CR and LF of the URL (bpo-43882, 3.9.5 and the
    # maintained 3.6-3.8 releases): no part of the result holds a line break until it is decoded
    # (DECODERS take it back)
    "urllib.parse.urlparse": sinks("log", "header"),
    "urllib.parse.urlsplit": sinks("log", "header"),
    # Django's format_html escapes every value it inserts (format_html_join: each row's)
    "django.utils.html.format_html": sinks("html"),
    "django.utils.html.format_html_join": sinks("html"),
    # identifiers quoted by the database's own driver or backend, for its own dialect
    "django.db.connection.ops.quote_name": sinks("sql"),
    "psycopg2.sql.Identifier": sinks("sql"),
    "psycopg.sql.Identifier": sinks("sql"),
    "psycopg2.extensions.quote_ident": sinks("sql"),
    "ldap.filter.escape_filter_chars": sinks("ldap"),
    "ldap3.utils.conv.escape_filter_chars": sinks("ldap"),
    "ldap.dn.escape_dn_chars": sinks("ldap"),
    # percent-encoding; also for HTML where the characters left as they are hold no markup, quote
    # or scheme colon (see PERCENT_ENCODERS)
    "urllib.parse.quote": sinks("shell", "header", "log"),
    "urllib.parse.quote_plus": sinks("shell", "header", "log"),
    "json.dumps": sinks("log", "header"),
    # a string's repr() shows a line break as `\n`: one line, whatever the text (a helper that
    # returns `repr(value)[:200]` for log messages keeps that)
    "repr": sinks("log", "header"),
    "ascii": sinks("log", "header"),
    # `a=1&b=%3Cx%3E`: every key and value percent-encoded (quote_plus), only [A-Za-z0-9_.~-]
    # stay as they are, so no markup, quote or line break gets through, and no `/` or `:` that
    # could make a redirect leave the site
    "urllib.parse.urlencode": sinks("html", "log", "header", "shell", "redirect"),
    "hashlib.sha256": sinks("*"),
    "hmac.new": sinks("*"),
    # a JWT is three base64url segments joined by dots: letters, digits, `-`, `_` and `.` only
    "jwt.encode": sinks("html", "log", "header"),
    "secrets.compare_digest": sinks("*"),
    # responses whose body cannot carry the text they are given as markup: a redirect (Werkzeug
    # escapes the location in its little page, Django's and Starlette's have none), JSON, or a
    # page rendered from a template file, which escapes what it inserts (templates that turn
    # escaping off are the template rules' to report); a helper returning one (`return
    # redirect(url)`, `return render_template("page.html", **data)`) returns no page text of its
    # arguments. Not `render_template_string`, whose template may be the client's text.
    **dict.fromkeys(
        (
            "flask.render_template", "quart.render_template", "django.shortcuts.render",
            "django.template.loader.render_to_string",
            "flask.redirect", "quart.redirect", "werkzeug.utils.redirect", "werkzeug.redirect",
            "flask.jsonify", "quart.jsonify",
            "django.shortcuts.redirect", "django.http.HttpResponseRedirect", "django.http.HttpResponsePermanentRedirect",
            "django.http.JsonResponse", "django.http.response.HttpResponseRedirect", "django.http.response.JsonResponse",
            "starlette.responses.RedirectResponse", "starlette.responses.JSONResponse",
            "fastapi.responses.RedirectResponse", "fastapi.responses.JSONResponse",
        ),
        sinks("html"),
    ),
}

# Percent-encoders and the position of their `safe` argument (the characters left as they are,
# "/" by default for quote, none for quote_plus): without markup characters, quotes or ":" in
# it, the result holds no markup, cannot leave an attribute and cannot start a `javascript:` URL.
PERCENT_ENCODERS = {"urllib.parse.quote": 1, "urllib.parse.quote_plus": 1}
HTML_UNSAFE_IN_SAFE = frozenset("<>\"':`")

# Sinks a chain of `.replace(old, new)` calls makes a value safe for, by the characters it must
# escape (quoting.escaped_characters), or a regex substitution replaces (regex_removal): an LDAP
# filter's specials (RFC 4515), the HTML characters `html.escape(quote=False)` escapes, line breaks
# (log lines, header values), and path separators: what is left is one file name, as
# `os.path.basename` leaves (SANITIZERS), which a path joined under a folder cannot climb out with;
# and what opens a field of a format string (`{`), a Jinja2 or Django tag (`{{`, `{%`) or Mako code
# (`${`, `<%`, a `%` line): without these, text put into a template's source adds no code to it.
REPLACE_ESCAPES = {
    Sink.LDAP: frozenset("\\*()\x00"),
    Sink.TEMPLATE: frozenset("{}<%"),
    Sink.HTML: frozenset("&<>"),
    Sink.LOG: frozenset("\r\n"),
    Sink.HEADER: frozenset("\r\n"),
    Sink.PATH: frozenset("/\\"),
    # every ASCII character but letters, digits and `_` (spaces, quotes, `-`, `.`, `;`, control characters)
    Sink.NAME: frozenset(c for c in map(chr, range(128)) if not (c.isalnum() or c == "_")),
}

# Temporary files: their `.name` is the path tempfile chose, not what was written into them.
TEMPORARY_FILES = frozenset({"tempfile.NamedTemporaryFile", "tempfile.TemporaryDirectory", "tempfile.SpooledTemporaryFile", "tempfile.TemporaryFile"})

# Calls whose result carries the taint of their arguments (and receiver).
PROPAGATORS = frozenset(
    {
        "str", "repr", "bytes", "bytearray", "format", "list", "tuple", "set", "dict", "sorted",
        "reversed", "frozenset", "min", "max", "next", "iter", "getattr",
        "os.path.join", "os.path.abspath", "os.path.normpath", "os.path.realpath", "os.path.expanduser",
        "os.path.expandvars", "os.path.dirname", "os.fspath", "os.fsencode", "os.fsdecode",
        "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath",
        "urllib.parse.urljoin", "urllib.parse.urlparse", "urllib.parse.urlunparse", "urllib.parse.unquote",
        "urllib.parse.unquote_plus", "urllib.parse.parse_qs", "urllib.parse.parse_qsl",
        "base64.b64decode", "base64.urlsafe_b64decode", "base64.b64encode", "binascii.unhexlify",
        # decoders and decompressors: what comes out is what the client encoded
        "base64.decodebytes", "base64.decodestring", "base64.standard_b64decode", "base64.b32decode",
        "base64.b32hexdecode", "base64.b16decode", "base64.b85decode", "base64.a85decode",
        "binascii.a2b_base64", "binascii.a2b_hex", "binascii.a2b_qp", "bytes.fromhex", "quopri.decodestring",
        "zlib.decompress", "gzip.decompress", "bz2.decompress", "lzma.decompress", "html.unescape",
        "urllib.parse.unquote_to_bytes", "codecs.encode",
        "json.loads", "json.load", "codecs.decode", "textwrap.dedent", "string.Template",
        "copy.copy", "copy.deepcopy", "itertools.chain", "functools.reduce", "typing.cast",
        "io.StringIO", "io.BytesIO",
        "operator.itemgetter",
        # a request object holds its URL: `urlopen(Request(url))` fetches `url`
        "urllib.request.Request", "urllib2.Request",
        # mark text as safe HTML without escaping it: the taint stays
        "django.utils.safestring.mark_safe", "django.utils.safestring.SafeString", "markupsafe.Markup",
        "flask.Markup", "jinja2.Markup",
    }
) | URL_PATH_JOINS  # a joined path holds every piece it was given

# The mount point the deployment gives the application (WSGI's SCRIPT_NAME, Werkzeug's
# `script_root`): a path prefix of this site, set by the server's configuration (or a proxy the
# operator trusts), percent-encoded by Werkzeug: no line break for a header or log line, no
# other site for a redirect to go to, and no markup of the client's in a page that links to it.
MOUNT_POINT_SINKS = sinks("log", "header", "redirect", "html")

# Attributes of a request object that are not the client's text, by source: Werkzeug (Flask,
# Quart) builds its URLs with every control character percent-encoded (`/a%0D%0Ab`), so they
# hold no line break (a header or log line stays one line), nor does the request itself written
# out (`str(request)`: `<Request 'http://host/a%0A' [GET]>`; key ""); the mount point
# (`script_root`, `root_path`) is MOUNT_POINT_SINKS's; `endpoint`,
# `blueprint` and `url_rule` name the application's own matched route.
_WERKZEUG_REQUEST = {
    **dict.fromkeys(("", "url", "base_url"), sinks("log", "header")),
    **dict.fromkeys(("script_root", "root_path"), MOUNT_POINT_SINKS),
    # ... and the application's root on the host the request named: no path or query of the
    # client's, so no redirect target a link could choose (`urljoin(request.url_root, path)`)
    **dict.fromkeys(("url_root", "host_url", "root_url"), sinks("log", "header", "redirect")),
    **dict.fromkeys(("endpoint", "blueprint", "blueprints", "url_rule"), frozenset({Sink.ANY})),
    **dict.fromkeys(PEER_ADDRESS_ATTRIBUTES, frozenset({Sink.ANY})),
}
SAFE_REQUEST_ATTRIBUTES: dict[str, dict[str, frozenset]] = {"flask.request": _WERKZEUG_REQUEST, "quart.request": _WERKZEUG_REQUEST}

# Attributes that name code, not data (`Model.__tablename__`, `cls.__name__`), and a model
# instance's primary key (`obj.pk`: a number or UUID the database assigned). `id` is one too, on
# an object the program holds (`tag.id` of a row passed in); on what the client sent (a FastAPI
# body's `payload.id`) it is the client's text.
CODE_NAME_ATTRIBUTES = frozenset({"__name__", "__qualname__", "__module__", "__tablename__"})
KEY_ATTRIBUTES = frozenset({"pk"})
# The parts of a `urllib.parse.SplitResult` (and of URL objects that expose them).
SPLIT_URL_PARTS = frozenset({"scheme", "netloc", "path", "query", "fragment", "hostname", "port"})
# Attributes of an object the program holds (not one it received: a client's or another server's
# answer keeps its taint), by what they are safe for: its `id`, a number; the status of a response:
# the code (an int in Django, DRF, Werkzeug, Starlette) and the reason phrase the framework looked
# up for it in its table of standard phrases (DRF's `status_text`, Django's `reason_phrase`: "Not
# Found", "I'm a Teapot"), words with no markup, template syntax or line break.
HELD_ATTRIBUTES: dict[str, frozenset[Sink]] = {
    "id": frozenset({Sink.ANY}),
    "status_code": frozenset({Sink.ANY}),
    **dict.fromkeys(("status_text", "reason_phrase"), sinks("html", "template", "log", "header")),
}

# SQLAlchemy events whose hooks SQLAlchemy calls with the application's own ORM objects (the
# mapper, the connection, the row being flushed or loaded, the session): what a hook registered
# with `@event.listens_for(Model, "after_insert")` reads is a row, as if read back from the database
# (engine/frameworks.orm_hook_event). Not attribute events (`set`, `append`: the value assigned)
# nor `init` (the constructor's arguments), whose arguments are whatever the application passes.
ORM_HOOK_EVENTS = frozenset(
    {
        "before_insert", "after_insert", "before_update", "after_update", "before_delete", "after_delete",
        "load", "refresh", "expire", "before_flush", "after_flush", "after_flush_postexec",
        "before_commit", "after_commit", "after_rollback", "after_soft_rollback",
    }
)
ORM_HOOK_DECORATORS = frozenset({"sqlalchemy.event.listens_for"})

# Decorators that make a function an IPython magic (engine/frameworks.is_ipython_magic).
IPYTHON_MAGIC_DECORATORS = frozenset(
    {"register_line_magic", "register_cell_magic", "register_line_cell_magic", "line_magic", "cell_magic", "line_cell_magic"}
)

# Methods (on any receiver) whose result is a number: `qs.count()`, `text.find("x")`.
NUMBER_METHODS = frozenset({"count", "index", "find", "rfind", "bit_length", "total_seconds", "timestamp"})
# Methods of an upload whose result is a path the server chose: Django's
# `TemporaryUploadedFile.temporary_file_path()` is a random name in FILE_UPLOAD_TEMP_DIR (the
# client's file name gives at most its extension, without a separator), so it leads nowhere else.
SERVER_PATH_METHODS = frozenset({"temporary_file_path"})
# Method-name prefixes that say the result is a truth value, by convention (`form.has_changed()`,
# `qs.exists()` aside): True or False, whatever the receiver holds.
PREDICATE_PREFIXES = ("is_", "has_")
# Methods (on any receiver) whose result is hex digits, whatever went in: a hash object's
# `hexdigest()` after `h.update(chunk)` with a download's bytes, `data.hex()`.
HEX_METHODS = frozenset({"hexdigest", "hex"})

# Methods (on any receiver) that pick one of the values offered in their first argument
# (Werkzeug's `accept_languages.best_match(SUPPORTED)`): what those values are, whatever the
# receiver holds; the other arguments (a default) can still be returned.
CHOOSING_METHODS = frozenset({"best_match"})

# Methods of HTTP clients (requests/httpx sessions, urllib3 pools, an application's own wrapper)
# that send a request to the URL they are given and return the answer.
HTTP_CLIENT_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "urlopen"})
# Classes whose instances send requests with those methods: `session.get(url)` is an answer.
HTTP_CLIENT_SESSIONS = frozenset(
    {"aiohttp.ClientSession", "requests.Session", "requests.session", "httpx.Client", "httpx.AsyncClient", "urllib3.PoolManager"}
)

# Methods that read a request argument and convert it with the callable given as `type=`
# (Werkzeug's `request.args.get("n", type=int)`, a handler's own `get_argument(..., type=float)`):
# with a number, date or UUID type the result is one, or the default when conversion fails.
TYPED_READ_METHODS = frozenset({"get", "getlist", "get_argument", "get_arguments", "get_query_argument", "get_body_argument"})

# Methods (on any receiver) that look a value up by key (`d.get(key, default)`): the result
# is what the receiver holds under that key, or the default, and never the key itself.
LOOKUP_METHODS = frozenset({"get", "getlist"})

# Methods (on any receiver) whose result carries the receiver's and arguments' taint.
# Functions that percent-decode: what comes out of a URL through them is the client's own
# text again (`%0d%0a` becomes a line break), no longer the URL's safe encoding.
# Decoders whose output may hold any character, whatever text went in (`%0A`, a base64 or JSON
# `\n`): the step each adds to a value's path, so a check that relies on what the text read
# could hold (one header line, the request's own URL) knows the value was decoded after.
DECODERS = {
    **dict.fromkeys(
        ("urllib.parse.parse_qs", "urllib.parse.parse_qsl", "urllib.parse.unquote", "urllib.parse.unquote_plus", "urllib.parse.unquote_to_bytes"),
        "percent-decoded",
    ),
    **dict.fromkeys(
        (
            "base64.b64decode", "base64.urlsafe_b64decode", "base64.standard_b64decode", "base64.decodebytes",
            "base64.b32decode", "base64.b16decode", "base64.b85decode", "base64.a85decode", "binascii.a2b_base64",
        ),
        "base64-decoded",
    ),
    "binascii.unhexlify": "hex-decoded",
    "json.loads": "JSON-decoded",
    "codecs.decode": "decoded",
}
DECODED_STEPS = frozenset(DECODERS.values())
# The step a piece of a text takes when a regular expression finds it (`re.findall`, `m.group(2)`):
# whatever text it came from, the piece is what the client wrote there, not that text whole.
MATCHED_STEP = "a piece is matched by a regular expression"

# Methods that put their arguments into the object they are called on (`parts.append(x)`,
# `buf.write(x)`, `d.update(x)`): afterwards the object holds what they were given.
CONTAINER_WRITES = frozenset(
    {"append", "appendleft", "extend", "extendleft", "insert", "update", "add", "setdefault", "write", "writelines", "push", "put"}
)

# Classes whose `.set(...)` stores a value their `.get(...)` hands back (`conf.set("s", "k", v)`):
# after the call, the object holds what it was given, as after a CONTAINER_WRITES method.
SETTING_STORES = frozenset({"configparser.ConfigParser", "configparser.RawConfigParser", "configparser.SafeConfigParser"})

PROPAGATING_METHODS = frozenset(
    {
        "format", "format_map", "join", "replace", "strip", "lstrip", "rstrip", "lower", "upper", "title",
        "capitalize", "casefold", "swapcase", "encode", "decode", "split", "rsplit", "splitlines",
        "partition", "rpartition", "removeprefix", "removesuffix", "center", "ljust", "rjust", "zfill",
        "expandtabs", "translate", "get", "getlist", "pop", "setdefault", "values", "items", "keys", "copy",
        "read", "readline", "readlines", "json", "text", "content", "getvalue", "substitute",
        "safe_substitute", "joinpath", "with_name", "with_suffix", "resolve", "absolute", "as_posix",
        "group", "groups", "groupdict", "__getitem__", "dict", "to_dict", "first", "lists",
    }
)

# The standard library's modules that every platform and every Python from 3.8 on has: not
# `fcntl`, `msvcrt` or `winreg`, nor the ones Python 3.12 and 3.13 removed (`telnetlib`, `cgi`,
# PEP 594) or 3.9 and later added (`zoneinfo`, `tomllib`), nor private ones; the same set whatever
# Python runs secure-ls. A name imported from one is there (symbols._import_fallbacks).
PORTABLE_STANDARD_MODULES = frozenset(
    name for name in sys.stdlib_module_names if not name.startswith("_")
) - {
    "fcntl", "msvcrt", "winreg", "winsound", "nt", "posix", "pwd", "grp", "termios", "tty", "pty",
    "resource", "readline", "curses", "syslog",
    "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib", "nis", "nntplib",
    "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib", "asynchat", "asyncore",
    "smtpd", "distutils", "imp", "lib2to3",
    "zoneinfo", "graphlib", "tomllib", "annotationlib", "compression",
}
