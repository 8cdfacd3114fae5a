"""What the module and the bindings recorded so far say about an expression, short of its origin.

`ExpressionFacts` is the lower half of the data-flow pass (values.ValueOrigins computes
origins on top of it, flow.FlowAnalyzer walks the statements): it holds what the pass
knows about the module (how names qualify, its constants, the frameworks it uses, the
summaries of functions it calls, the classes it declares) and answers questions that need
no origin: the one expression a name holds, the static value of a test, the summary of
the function a call names, whether a name holds the request the program answers or a
temporary file, which typed fields a validated form declares.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

if TYPE_CHECKING:
    from secure_ls.engine.summaries import FunctionSummary

from secure_ls.engine import astutil, catalog, frameworks, guards, lookups, taint
from secure_ls.engine.bindings import Binding, Env, InstanceAttributes, ScopeFacts
from secure_ls.engine.resolver import LazySummaries, own_functions
from secure_ls.engine.declarations import Declaration

NOT_STATIC = object()  # what _static returns for a value only known at run time
_STATIC_COMPARISONS = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}
# Arithmetic folded over literal numbers (`(7 * 42) - num > 200` with `num = 86`), and `+` of
# literal texts; `**` and `<<` are left out: a folded value never grows past a few digits.
_STATIC_ARITHMETIC = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
}
_STATIC_LIMIT = 10**12  # numbers and texts past it are not folded (`"x" * 10**9` is no literal)


def _small(value) -> bool:
    """A literal the folding keeps: a bool, a number or text no bigger than _STATIC_LIMIT."""
    if isinstance(value, (bool, int, float)):
        return value == value and abs(value) <= _STATIC_LIMIT  # not NaN
    return isinstance(value, str) and len(value) <= 1000


def _folded(operation, left, right):
    """`operation(left, right)`, or NOT_STATIC when Python would raise (`1 / 0`, `"a" < 1`)."""
    if not (_small(left) or left is None) or not (_small(right) or right is None):
        return NOT_STATIC
    try:
        return operation(left, right)
    except (TypeError, ValueError, ArithmeticError):
        return NOT_STATIC


class ExpressionFacts:
    """What the module and the recorded bindings say about names and expressions (see the module docstring)."""

    def __init__(
        self,
        qualify: Callable[[ast.AST, Mapping[int, Binding]], str | None],
        module_constants: set[str],
        sources: dict[str, str] | None = None,
        sanitizers: dict[str, frozenset[str]] | None = None,
        function_summaries: "Mapping[str, FunctionSummary] | None" = None,
        imported_modules: Iterable[str] = (),
        class_name: str | None = None,
        class_bases: Iterable[str] = (),
        typed_fields: Mapping[str, frozenset[tuple[str, frozenset[str]]]] | None = None,
        instance_attributes: "Callable[[], InstanceAttributes] | None" = None,
        describe_parameters: bool = False,
        record_classes: Mapping[str, frozenset[str]] | None = None,
        enum_classes: Iterable[str] = (),
        translation_tables: Mapping[str, frozenset[str]] | None = None,
        constant_values: tuple[Mapping[str, object], ...] = (),
        declared: Mapping[str, Declaration] | None = None,
        constructor_arguments=None,
        url_routes=None,
        made_with: Mapping[str, tuple[tuple[str, object], ...]] | None = None,
        admin_model: str | None = None,
    ):
        # the qualified name of a node, given the bindings the pass recorded: a function of the
        # module only, never a closure over this object (that cycle left every pass's bindings
        # to the cyclic garbage collector, a fifth of a check's CPU)
        self._qualify_with = qualify
        self._constants = module_constants
        self._sources = sources if sources is not None else catalog.SOURCE_NAMES
        self._sanitizers = sanitizers if sanitizers is not None else catalog.SANITIZERS
        self._summaries = function_summaries or {}
        self._class = class_name  # the class whose method this is: `self.helper()` calls resolve in it
        packages = {m.split(".", 1)[0] for m in imported_modules}
        self._django = "django" in packages
        self._url_routes = url_routes  # the project's URL configurations (engine/routes.py), if known
        # locals bound to literals fold (`num = 86; if num > 200:`), except in a loop's body, where
        # the first of the flow pass's two rounds sees only the value from before the loop
        self._fold_locals = True
        self._folding_scope: ast.AST | None = None  # the function being run (flow.run_function): its locals bound once fold
        self._function: ast.AST | None = None  # the function run (flow.run_function), kept for the origins asked after the run
        self._loop_exits: list[list[dict]] = []  # per loop being run (flow.py), the envs at its `continue` and `break` statements
        self._made_with = made_with or {}  # module names bound once to a call -> its constant keywords (`re.compile` patterns)
        # the frameworks this file uses: their handler shapes and request-reading methods apply
        self._frameworks = tuple(f for f in catalog.FRAMEWORKS if f.module in packages)
        self._class_bases = tuple(class_bases)  # last names of the enclosing class's bases
        self._typed_fields = typed_fields or {}  # form/serializer class -> its number/choice fields
        self._record_classes = record_classes or {}  # dataclass/NamedTuple -> its number/date/UUID fields
        self._enum_classes = frozenset(enum_classes)  # the module's Enum classes (route parameters typed so)
        self._translation_tables = translation_tables or {}  # module-level `str.maketrans` tables -> characters mapped
        self._constant_values = constant_values  # the module's literal constants by name (strings, numbers, flags)
        self._declared = declared or {}  # what the module declares about its classes and aliases
        # what the module's call sites pass to the constructor of the class (engine/constructions.py)
        self._constructor_arguments = constructor_arguments
        self._admin_model = admin_model  # the model a Django admin class (this method's) shows, qualified
        # route parameters annotated with a class that declares typed fields (and a Django admin
        # method's `obj`, an instance of its model): name -> (binding, fields)
        self._model_parameters: dict[str, tuple[Binding, frozenset[str]]] = {}
        # parameters holding a list of such classes (`rules: List[RuleCreate]`) -> the items' validated fields
        self._item_models: dict[str, frozenset[str]] = {}
        # parameters annotated with a record class of the module: (binding, class, its literal fields)
        self._record_parameters: dict[str, tuple[Binding, str, frozenset[str]]] = {}
        # what the enclosing class's methods store on `self` (asked lazily: most methods never read one)
        self._instance_attributes = instance_attributes
        # label parameters with their method ("the constructor parameter `x`") so that they stay
        # recognisable, and never collide with a parameter name, once read in another method
        self._describe_parameters = describe_parameters
        self._instance: str | None = None  # the method's `self` parameter, once run_function knows it
        self._outbound_request: str | None = None  # the parameter holding a request being sent (catalog.OUTBOUND_REQUEST_METHODS)
        self._fixed_route = False  # a handler of fixed paths only (frameworks.fixed_route_path): `request.path` is one of them
        self.read_instance_attributes = False  # whether the pass read `self.<name>` (the class pass iterates then)
        self.facts = ScopeFacts()
        # argparse options declared here with `choices=CONSTANTS` or `type=int`: `args.<dest>` holds one of those
        self._constrained_options: set[str] = set()
        # a management command's `handle`: the options its class's `add_arguments` so declared (context.py)
        self.command_options: frozenset[str] = frozenset()
        # while a deferred origin is computed: the bindings its names had where it was made
        self._overlay: dict[int, Binding] | None = None

    def _qualify(self, node: ast.AST) -> str | None:
        return self._qualify_with(node, self.facts.loads)

    # ---- names and the bindings recorded so far ------------------------------
    def _binding(self, name: ast.Name) -> Binding | None:
        """The binding a name read had (as recorded for the origin being computed, if any)."""
        if self._overlay is not None:
            found = self._overlay.get(id(name))
            if found is not None:
                return found
        return self.facts.loads.get(id(name))

    def _collection(self, name: ast.Name) -> ast.expr | None:
        """The collection a loop variable read is an element of (`views` in `for view in views:`)."""
        binding = self._binding(name)
        return binding.element_of if binding is not None else None

    def _values(self, name: ast.Name) -> tuple[ast.expr, ...]:
        """The expressions a name read may hold (one per assignment reaching it)."""
        binding = self._binding(name)
        return binding.values if binding is not None else ()

    def _single_value(self, name: ast.Name) -> ast.expr | None:
        """The one expression a name read holds (`parsed` in `parsed = urlparse(url)`)."""
        binding = self._binding(name)
        return binding.values[0] if binding is not None and len(binding.values) == 1 else None

    def _qualify_call(self, value: ast.expr | None) -> str | None:
        return self._qualify(value.func) if isinstance(value, ast.Call) else None

    def _name_value(self, name: ast.Name) -> ast.expr | str | None:
        """The one expression a local name holds, or the text of a module string constant."""
        binding = self._binding(name)
        if binding is not None:
            return binding.values[0] if len(binding.values) == 1 else None
        if name.id in self._constants:
            for values in self._constant_values:
                value = values.get(name.id)
                if isinstance(value, str):
                    return value
        return None

    def _static(self, node: ast.expr, env: Env | None = None, depth: int = 0):
        """The value of an expression made only of literals and the module's literal constants
        (`DEBUG`, `not DEBUG`, `MODE == "sqlite"`, `A and B`), or NOT_STATIC."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            bound = env.get(node.id) if env is not None else self._binding(node)
            if (
                bound is not None
                and self._fold_locals
                and len(bound.values) == 1
                and isinstance(bound.values[0], (ast.Constant, ast.BinOp, ast.Subscript))
                and self._folding_scope is not None
                and node.id in assigned_once(self._folding_scope)
            ):
                # `num = 86`, `target = guess[1]`, bound once in the function (a few names deep)
                value = bound.values[0]
                if isinstance(value, ast.Constant):
                    return value.value
                if depth < 4:
                    # its names as they were where it was assigned (the bindings recorded there),
                    # not as they are now: `t = guess[1]; guess = "XYZ"` leaves t "B"
                    return self._static(value, None, depth + 1)
                return NOT_STATIC
            if bound is not None or node.id not in self._constants:
                return NOT_STATIC  # a local of that name, or a module name that is not a literal
            for values in self._constant_values:
                if node.id in values:
                    return values[node.id]
            return NOT_STATIC
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            value = self._static(node.operand, env, depth)
            return NOT_STATIC if value is NOT_STATIC else not value
        if isinstance(node, ast.BoolOp):
            values = [self._static(v, env, depth) for v in node.values]
            conjunction = isinstance(node.op, ast.And)
            if any(v is not NOT_STATIC and bool(v) != conjunction for v in values):
                return not conjunction  # `FEATURE_ON and x`: false whatever x is (as a truth value)
            if any(v is NOT_STATIC for v in values):
                return NOT_STATIC
            result = values[0]
            for value in values[1:]:
                result = (result and value) if isinstance(node.op, ast.And) else (result or value)
            return result
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _STATIC_COMPARISONS:
            left, right = self._static(node.left, env, depth), self._static(node.comparators[0], env, depth)
            if left is NOT_STATIC or right is NOT_STATIC:
                return NOT_STATIC
            return _folded(_STATIC_COMPARISONS[type(node.ops[0])], left, right)
        if isinstance(node, ast.BinOp) and type(node.op) in _STATIC_ARITHMETIC:
            left, right = self._static(node.left, env, depth), self._static(node.right, env, depth)
            if left is NOT_STATIC or right is NOT_STATIC or not _small(left) or not _small(right):
                return NOT_STATIC
            folded = _folded(_STATIC_ARITHMETIC[type(node.op)], left, right)
            return folded if _small(folded) else NOT_STATIC
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            # `"ABC"[1]`, `guess[1]` with `guess = "ABC"`: one character of a literal text
            text, index = self._static(node.value, env, depth), self._static(node.slice, env, depth)
            if isinstance(text, str) and isinstance(index, int) and not isinstance(index, bool) and -len(text) <= index < len(text):
                return text[index]
        return NOT_STATIC

    def _translated(self, table: ast.expr) -> frozenset[str]:
        """The characters a translation table maps to something else (see astutil.translated_characters)."""
        if isinstance(table, ast.Name):
            binding = self._binding(table)
            if binding is None:
                return self._translation_tables.get(table.id, frozenset())
            table = binding.values[0] if len(binding.values) == 1 else table
        if isinstance(table, ast.Call) and isinstance(table.func, ast.Attribute) and table.func.attr == "maketrans":
            return astutil.translated_characters(table)
        return frozenset()

    def instance_attribute_values(self, node: ast.AST) -> tuple[ast.expr, ...]:
        """The expressions the class's methods store in `self.x` (for a read `node` of it), else ()."""
        if self._instance is None or self._instance_attributes is None:
            return ()
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self._instance:
            return self._instance_attributes().values.get(node.attr, ())
        return ()

    def _temporary_file(self, node: ast.expr) -> bool:
        """`tmp` after `tmp = NamedTemporaryFile()`, or `self._tmp` that the class only sets to one or None
        (what is written into it, `self._tmp.write(data)`, is no new file)."""
        made = [self._single_value(node)] if isinstance(node, ast.Name) else [
            v for v in self.instance_attribute_values(node) if not astutil.is_none(v) and ast.dump(v) != ast.dump(node)]
        return bool(made) and all(self._qualify_call(v) in catalog.TEMPORARY_FILES for v in made)

    # ---- the request the program answers, and other sources ------------------
    def _is_handler_attribute(self, attr: str) -> bool:
        """`self.path` in a method of an http.server request handler: the request line."""
        for framework in self._frameworks:
            suffix = framework.handler_base_suffix
            if attr in framework.handler_attributes and (suffix is None or any(b.endswith(suffix) for b in self._class_bases)):
                return True
        return False

    def _request_method_label(self, func: ast.AST) -> str | None:
        """The source a method call reads, when the method is one a framework or library
        defines as returning outside data (`sock.recv()`, Tornado's `self.get_argument()`)."""
        if not isinstance(func, ast.Attribute):
            return None
        for framework in self._frameworks:
            if func.attr in framework.request_methods:
                return framework.request_label
            if func.attr in framework.handler_reads and isinstance(func.value, ast.Name) and func.value.id == "self":
                return "the HTTP request"
        if func.attr in catalog.INSTANCE_SOURCE_METHOD_NAMES and isinstance(func.value, ast.Name):
            # `resolver = dns.resolver.Resolver()` ... `resolver.resolve(name)` (the name is asked only for these methods)
            made = self._qualify_call(self._single_value(func.value))
            if (made, func.attr) in catalog.INSTANCE_SOURCE_METHODS:
                return catalog.INSTANCE_SOURCE_METHODS[(made, func.attr)]  # type: ignore[index]
        if func.attr in catalog.SOCKET_READS and _sent_on_first(func, self._function):
            return "a socket's answer"  # `conn.sendall(cmd)` then `conn.recv(n)`: a server the program asked answers
        return catalog.SOURCE_METHODS.get(func.attr)

    def _is_incoming_request(self, node: ast.AST) -> bool:
        """A name like `request`/`req` holding the request the program answers, not one it sent:
        `req = requests.get(url)` (then `req.text` is the other server's answer), nor what a call
        named for no request made (`req = Requirement(spec)`, `request = get_object_or_404(Request, pk=pk)`)."""
        if not frameworks.is_request_object(node):
            return False
        binding = self._binding(node) if isinstance(node, ast.Name) else None
        if isinstance(node, ast.Name) and node.id == self._outbound_request and binding is not None and not binding.values:
            return False  # a transport's `send(self, request)`: the request the program is sending
        return not (binding is not None and binding.values and all(self._is_outbound_response(v) or _made_by_no_request(v) for v in binding.values))

    def _is_outbound_response(self, value: ast.expr) -> bool:
        """An HTTP call's answer: of a known client or session, or any client given an absolute URL."""
        while isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return False
        if guards.is_outbound_call(value, self._name_value):
            return True
        receiver = value.func.value if isinstance(value.func, ast.Attribute) and value.func.attr in catalog.HTTP_CLIENT_METHODS else None
        if receiver is not None and id(value) in self.facts.entered:
            return True  # `async with websession.get(url) as request:`: a request being answered is never entered
        if isinstance(receiver, ast.Name) and self._qualify_call(self._single_value(receiver)) in catalog.HTTP_CLIENT_SESSIONS:
            return True  # `async with aiohttp.ClientSession() as session:` ... `session.get(url)`
        qualified = self._qualify(value.func)
        return bool(qualified) and self._sources.get(qualified) in catalog.OUTBOUND_SOURCES

    # ---- what declared types say (options, forms, records, models) -----------
    def _is_constrained_option(self, node: ast.Attribute) -> bool:
        """`args.env` where `args = parser.parse_args()` and `env` was declared with fixed choices."""
        if node.attr not in self._constrained_options or not isinstance(node.value, ast.Name):
            return False
        return astutil.parses_options(self._single_value(node.value))

    def _typed_field(self, container: ast.AST, key: ast.AST) -> frozenset[str]:
        """The sinks `s.validated_data["count"]` is safe for, `s = CountSerializer(...)` declaring the field in this module
        or the one it is imported from (declared_fields.typed_fields), or an item of the request's metadata the server sets
        (frameworks.server_set_item_sinks)."""
        environ = frameworks.wsgi_environ(self._function) if isinstance(container, ast.Name) and self._function is not None else None
        if (server_set := frameworks.server_set_item_sinks(container, key, environ)) and self._qualify(container) not in catalog.PROCESS_ENVIRONMENT:
            return server_set  # a request's environ, not the process's (`os.environ`: the operator's input)
        if not (isinstance(key, ast.Constant) and isinstance(container, ast.Attribute)) or container.attr not in catalog.VALIDATED_DATA_ATTRIBUTES:
            return frozenset()
        instance = container.value
        made = self._single_value(instance) if isinstance(instance, ast.Name) else None
        if not isinstance(made, ast.Call):
            return frozenset()
        made_by = astutil.last_name(made.func)
        if container.attr == "data" and not made_by.endswith(catalog.SERIALIZER_SUFFIX):
            return frozenset()  # `form.data["age"]`: what the client sent, IntegerField or not
        fields = self._declared_fields(made.func)
        return next((sinks for name, sinks in fields if name == key.value), frozenset())

    def converted_keys_looked_up(self, value: ast.expr | None, missed: ast.ExceptHandler | None = None) -> set[str]:
        """Names a Django query looks up by the integer primary key (frameworks.integer_keys_looked_up)
        or by a field its model declares as a number, date or UUID (`stack_id =
        models.PositiveIntegerField()`, in this module or the one the model is imported from): the
        query converts the value when it is built, raising ValueError for any other text, so once the
        statement has run, or in the handler `missed` of its miss (`except Organization.DoesNotExist:`),
        the name holds no line break inside that value."""
        keys = frameworks.integer_keys_looked_up(value) if value is not None else set()
        for model, field, key in lookups.field_lookups(value, lookups.missed_model(missed) if missed is not None else None):
            if key not in keys and any(name == field and taint.Sink.ANY in sinks for name, sinks in self._declared_fields(model)):
                keys.add(key)
        return keys

    def _declared_fields(self, cls: ast.expr) -> frozenset[tuple[str, frozenset[str]]]:
        """The typed fields (declared_fields.typed_fields) of the class `cls` names, of this module or imported."""
        fields = self._typed_fields.get(astutil.last_name(cls))
        if fields is None:
            declared = self.declaration(cls) if self._summaries else None
            fields = declared.form_fields if declared is not None else frozenset()
        return fields

    def _is_converted_record_field(self, node: ast.Attribute) -> bool:
        """`t.port` where `t = Target(...)` and the record class annotates `port: int` (or a date,
        UUID, ...): the dataclass or NamedTuple field holds a number, whatever the client sent."""
        if not self._record_classes or not isinstance(node.value, ast.Name):
            return False
        made = self._single_value(node.value)
        if not isinstance(made, ast.Call):
            return False
        return node.attr in self._record_classes.get(astutil.last_name(made.func), ())

    def _is_validated_model_field(self, node: ast.Attribute) -> bool:
        """`payload.project_id` where the route parameter `payload` is annotated with a class
        declaring `project_id: int`: the framework validated the request body against it. So for
        the URL of an upload field of a Django admin's `obj` (`obj.logo.url`, declared "logo.url")."""
        field, holder = node.attr, node.value
        if isinstance(holder, ast.Attribute) and isinstance(holder.value, ast.Name):
            field, holder = f"{holder.attr}.{field}", holder.value
        if not isinstance(holder, ast.Name):
            return False
        model = self._model_parameters.get(holder.id)
        return model is not None and self._binding(holder) is model[0] and field in model[1]

    def _admin_instance_fields(self, parameter: str) -> frozenset[str]:
        """For `obj` of a Django admin class's method (`def amount_badge(self, obj)`), the fields of
        the model the class shows (`self._admin_model`) that hold a number, a date or a key."""
        name = self._admin_model if parameter == "obj" else None
        if name is None:
            return frozenset()
        if name in self._typed_fields:  # a model of this module
            return frozenset(field for field, sinks in self._typed_fields[name] if taint.Sink.ANY in sinks)
        declared = self._declared.get(name) or self._imported_declaration(name)
        if declared is None:
            return frozenset()
        return declared.fields | frozenset(field for field, sinks in declared.form_fields if taint.Sink.ANY in sinks)

    def _note_record_parameter(self, arg: ast.arg, binding: Binding) -> None:
        """`config: HostConfig` where the module's HostConfig instances all hold literals in some
        fields (engine/record_literals.py): remembered for _literal_record_field."""
        annotation = frameworks.optional_inner(arg.annotation)
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            name = annotation.value  # a forward reference, `config: "HostConfig"`
        else:
            name = annotation.id if isinstance(annotation, ast.Name) else None
        declared = self._declared.get(name) if name is not None else None
        if declared is not None and declared.literal_fields:
            self._record_parameters[arg.arg] = (binding, name, declared.literal_fields)

    def _literal_record_field(self, node: ast.Attribute) -> str | None:
        """`config.docker_version` where the parameter `config` (not rebound) is annotated with a
        record class whose every instance the module makes holds a literal there: how to name the
        value (one the engine cannot place, since another module may make an instance), else None."""
        if not isinstance(node.value, ast.Name):
            return None
        record = self._record_parameters.get(node.value.id)
        if record is None or self._binding(node.value) is not record[0] or node.attr not in record[2]:
            return None
        return f"the `{record[1]}` field `{node.attr}` (a literal in every instance the module makes)"

    def declaration(self, annotation: ast.expr | None) -> Declaration | None:
        """What the module, or the module it is imported from, declares about the class or alias
        an annotation names (`payload: MfaPayload`, `user: CurrentUser`), or what calling a
        dependency factory makes of it (`user: require_scopes("node.view")`)."""
        if isinstance(annotation, ast.Call):
            factory = self.summary_of(annotation.func)
            return Declaration(astutil.describe_call(annotation.func), dependency=True) if factory is not None and factory.returns_dependency else None
        if not isinstance(annotation, (ast.Name, ast.Attribute)):
            return None
        if isinstance(annotation, ast.Name) and annotation.id in self._declared:
            found = self._declared[annotation.id]
        else:
            found = self._imported_declaration(self._qualify(annotation))
        return replace(found, model=True) if found is not None and self._model_by_bases(found.model_bases) else found

    def _model_by_bases(self, bases: tuple[str, ...], depth: int = 0) -> bool:
        """Whether one of these imported classes is a pydantic model, or has a base that is
        (`Declaration.model_bases`, followed through the workspace a few modules deep)."""
        for base in bases if depth < _MODEL_BASE_DEPTH else ():
            declared = self._imported_declaration(base)
            if declared is not None and (declared.model or self._model_by_bases(declared.model_bases, depth + 1)):
                return True
        return False

    def library_type(self, annotation: ast.expr | None) -> str | None:
        """The qualified name of the class an annotation names (`key: FidesKey`, `Optional[FidesKey]`)
        when another library defines it: not this module nor the workspace, not the standard
        library, and not a package whose types hold the client's text as sent (pydantic's `EmailStr`,
        catalog.CLIENT_TEXT_TYPE_PACKAGES). None without a workspace to tell."""
        inner = frameworks.optional_inner(annotation)
        if not isinstance(inner, (ast.Name, ast.Attribute)) or not isinstance(self._summaries, LazySummaries):
            return None
        qualified = self._qualify(inner)
        return qualified if qualified and self._is_library_type(qualified) else None

    def _is_library_type(self, qualified: str) -> bool:
        if "." not in qualified or qualified.startswith(".") or not isinstance(self._summaries, LazySummaries):
            return False  # a builtin (`str`), a class of this module, or a relative import: the project's own
        top = qualified.partition(".")[0]
        return not (top in sys.stdlib_module_names or top in catalog.CLIENT_TEXT_TYPE_PACKAGES or self._summaries.in_workspace(qualified))

    def validated_fields(self, declared: Declaration) -> frozenset[str]:
        """The fields of a class a framework validates requests against (a pydantic model) that
        hold no free text of the client's: numbers, dates and UUIDs (`fields`), and those annotated
        with an Enum of another module or with a type of another library (`typed_by`), which
        accepted them by its own rules."""
        extra = set()
        for field, qualified in declared.typed_by:
            named = self._imported_declaration(qualified)
            if named is not None and named.enum or named is None and self._is_library_type(qualified):
                extra.add(field)
        return declared.fields | frozenset(extra) if extra else declared.fields

    def _imported_declaration(self, qualified: str | None) -> Declaration | None:
        """What the workspace module a qualified name leads to declares about that class or alias."""
        found = self._summaries.get(qualified) if qualified else None
        return found if isinstance(found, Declaration) else None

    # ---- function summaries --------------------------------------------------
    def summary_of(self, func: ast.expr) -> "FunctionSummary | None":
        """The summary of the function a call names: of this module, or of an imported one."""
        if not self._summaries:
            return None
        qualified = self._qualify(func)
        summary = self.named_summary(func, qualified) if qualified else None
        if summary is None and isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Name, ast.Attribute)):
            summary = self._instance_method(func)
        return summary if summary is not None else self._local_summary(func)

    def _instance_method(self, func: ast.Attribute) -> "FunctionSummary | None":
        """`service.get_policy` where `service = PolicyService(db)`, a class of another module: its
        method, bound (as `PolicyService(db).get_policy(...)` reads); also `self.form.get_redirect_to`
        where the class's methods store one such instance in `self.form` (and None, at most), when
        what the method returns holds nothing of the instance (a bound summary drops the instance,
        whose stored request data, `ArtifactSearchForm(self.request.GET)`, is then not followed)."""
        stored = isinstance(func.value, ast.Attribute)
        if stored:
            kept = [v for v in self.instance_attribute_values(func.value) if not astutil.is_none(v)]
            made = kept[0] if len(kept) == 1 else None
        else:
            made = self._single_value(func.value)  # type: ignore[arg-type]
        if not (isinstance(made, ast.Call) and astutil.last_name(made.func)[:1].isupper()):
            return None  # made by a function (`r = requests.get(url)`), not a class
        cls = self._qualify(made.func)
        if not cls or cls.partition(".")[0] in sys.stdlib_module_names:
            return None
        method = self._function_summary(f"{cls}.{func.attr}")
        if method is None or stored and _returns_instance(method):
            return None
        return bound(method)

    def named_summary(self, func: ast.expr, qualified: str) -> "FunctionSummary | None":
        """The summary of the function `qualified` names, as `func` calls it: a method called on
        an instance made in the same expression (`ApiClient().fetch(url)`, whose qualified name
        reads through the call as `app.client.ApiClient.fetch`) comes back bound."""
        summary = self._function_summary(qualified)
        if summary is not None and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            return bound(summary)
        return summary

    def _local_summary(self, func: ast.AST) -> "FunctionSummary | None":
        """The summary of a function (or `Class.method`) of this module called by name, or of a
        method called on `self`/`cls`: the enclosing class's, else a base class's of this module
        (`if not self.is_worker(name): raise` where a base class defines `is_worker`). A method
        comes back bound: its parameters without the instance (a staticmethod has none to drop)."""
        if self._class and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            local = own_functions(self._summaries)  # bases of this module: no workspace lookup
            found = (self._function_summary(f"{owner}.{func.attr}", local) for owner in self._class_bases)
            method = self._function_summary(f"{self._class}.{func.attr}") or next((f for f in found if f is not None), None)
            if method is not None:
                return bound(method)
        if isinstance(func, ast.Attribute) and (owner := self._instance_of(func.value)) is not None:
            # `Thing("x").do(param)`, `thing = Thing("x"); thing.do(param)`: a method of a class of
            # this module, called on an instance made here (bound, as on `self`)
            method = self._function_summary(f"{owner}.{func.attr}", own_functions(self._summaries))  # a class of this module
            if method is not None and (method.static or method.params):
                return bound(method)
        if isinstance(func, ast.Name):
            key = func.id
            binding = self._binding(func)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            key = f"{func.value.id}.{func.attr}"
            binding = self._binding(func.value)
        else:
            return None
        if binding is not None and not binding.function:
            return None  # a local variable or parameter of that name
        return self._function_summary(key)

    def _instance_of(self, node: ast.expr) -> str | None:
        """The class that made `node`: `Thing(...)`, or a local name every value of which is a
        call of that one class by name."""
        values = self._values(node) if isinstance(node, ast.Name) else (node,)
        if not values or not all(isinstance(v, ast.Call) and isinstance(v.func, ast.Name) for v in values):
            return None
        owners = {v.func.id for v in values}  # type: ignore[attr-defined]
        return owners.pop() if len(owners) == 1 else None

    def _function_summary(self, key: str | None, store: Mapping | None = None) -> "FunctionSummary | None":
        store = self._summaries if store is None else store
        found = store.get(key) if key else None
        if isinstance(found, Declaration) and found.alias_of and key.endswith(found.name):
            found = store.get(key[: len(key) - len(found.name)] + found.alias_of)  # `mod.Class.attribute`: `mod.function`
        return None if found is None or isinstance(found, Declaration) else found


_MODEL_BASE_DEPTH = 4  # modules followed from a class to the model its bases derive from


def _made_by_no_request(value: ast.expr) -> bool:
    """A call whose callee's name says nothing of a request (`Requirement(spec)`); `Request(environ)`,
    `get_current_request()` and `build_request(...)` may wrap the one the program answers."""
    while isinstance(value, ast.Await):
        value = value.value
    return isinstance(value, ast.Call) and bool(name := astutil.last_name(value.func)) and "request" not in name.lower()


def _returns_instance(method: "FunctionSummary") -> bool:
    """Whether what a method returns may hold its instance (its first parameter), or an item of it."""
    if method.static or not method.params:
        return False
    returned = [method.returns_params, *(element[0] for element in method.elements)]
    return any(param == method.params[0] for params in returned for param, _ in params)


def bound(method: "FunctionSummary") -> "FunctionSummary":
    """A method's summary as a call on an instance sees it: its parameters without the instance
    (a staticmethod has none to drop)."""
    return method if method.static or not method.params else replace(method, params=method.params[1:])


def assigned_once(func: ast.AST) -> frozenset[str]:
    """The names `func` binds exactly once (`num = 86`), not in a nested scope: only those fold
    (ExpressionFacts._static). A name bound again (`ok = False` ... `ok = True; break` in a loop)
    holds what the last binding on each path gave, which the pass, joining paths at the end of a
    loop and not at each `break`, cannot tell for sure.

    Asked only when a local bound to a literal is read in a test, and kept on the function's
    node: computed for every run of every function, this walk was 7% of a check's profile
    (a function is run again by each round of its class's attributes and by its summary)."""
    cached = func.__dict__.get(_ASSIGNED_ONCE)
    if cached is None:
        cached = func.__dict__[_ASSIGNED_ONCE] = _assigned_once(func)
    return cached


_ASSIGNED_ONCE = "_sls_assigned_once"


def _assigned_once(func: ast.AST) -> frozenset[str]:
    # a parameter is bound by the call: assigned once more in the body, it holds either value
    counts: dict[str, int] = {a.arg: 1 for a in frameworks.all_args(func.args)} if hasattr(func, "args") else {}
    stack = list(getattr(func, "body", ())) if not isinstance(func, ast.Lambda) else []
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, ast.alias):
            counts[(node.asname or node.name).split(".")[0]] = 2  # an import: no literal
        elif type(node).__name__ in ("MatchAs", "MatchStar") and getattr(node, "name", None):
            counts[node.name] = 2  # a capture pattern: what the subject held
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            counts.update((name, 2) for name in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            counts[node.name] = counts.get(node.name, 0) + 1
            continue
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(astutil.children(node))
    return frozenset(name for name, count in counts.items() if count == 1)


def _sent_on_first(read: ast.Attribute, function: ast.AST | None) -> bool:
    """The function sends on the same socket before this read (`conn.sendall(b"GETINFO\\r\\n")`, then
    `conn.recv(1024)`), and neither accepts a connection nor reads datagrams (`recvfrom`, `recvmsg`:
    any peer's): a client asking a server the program chose, as an HTTP client does, not a server
    reading what a peer sent first."""
    if function is None:
        return False
    receiver = ast.dump(read.value)
    calls = [n for n in astutil.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    if any(c.func.attr in ("accept", "recvfrom", "recvmsg") for c in calls):
        return False
    return any(c.func.attr in ("send", "sendall") and ast.dump(c.func.value) == receiver and c.lineno < read.lineno for c in calls)
