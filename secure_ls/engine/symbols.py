"""What the top level of a module binds: imports, constants, definitions.

Rules ask "is this call `hashlib.md5`?", not "is it spelled md5". That needs
the import table of the whole module, built here from each unit's summary
(cached with the unit) and merged in file order.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from secure_ls.engine import astutil, catalog, declared_fields, frameworks, logconfig, own_storage_calls, record_literals, regex_constants, service_clients, yaml_tags
from secure_ls.engine.bindings import Binding
from secure_ls.engine.declarations import Declaration, is_enum_class

_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class UnitSymbols:
    """The top-level bindings made by one unit, in order."""

    # (local name, qualified name) for imports; qualified None for other bindings
    bindings: tuple[tuple[str, str | None], ...]
    constants: frozenset[str]  # names bound to a literal (or literal-only expression)
    imported_modules: frozenset[str]  # every module imported anywhere in the unit
    strings: tuple[tuple[str, str], ...] = ()  # name -> value of top-level string constants
    made_by: tuple[tuple[str, str], ...] = ()  # name -> dotted callee as spelled (`ENV = jinja2.Environment()`)
    made_with: tuple[tuple[str, tuple], ...] = ()  # name -> that call's constant keyword arguments
    # class name -> its form/serializer fields that only hold numbers, dates or fixed choices, or
    # text without a line break: (field, the sinks its validated value is safe for)
    typed_fields: tuple[tuple[str, frozenset[tuple[str, frozenset[str]]]], ...] = ()
    # dataclasses, NamedTuples, TypedDicts, attrs classes -> their fields annotated as numbers, dates, UUIDs
    record_classes: tuple[tuple[str, frozenset[str]], ...] = ()
    enum_classes: frozenset[str] = frozenset()  # classes deriving from Enum, StrEnum, IntEnum, ...
    # name -> the characters a `str.maketrans(...)` table bound to it replaces or deletes
    translation_tables: tuple[tuple[str, frozenset[str]], ...] = ()
    scalars: tuple[tuple[str, object], ...] = ()  # name -> value of top-level bool/int/float/None constants
    # the unit teaches PyYAML its own tags (add_constructor/add_representer/..., YAMLObject
    # subclasses) or dumps with the full dumper: its YAML may hold more than plain data
    yaml_extensions: bool = False
    # every top-level class -> its fields annotated as numbers, dates or UUIDs (`project_id: int`):
    # what a framework that validates a request body against the class (FastAPI, pydantic) puts there
    annotated_fields: tuple[tuple[str, frozenset[str]], ...] = ()
    # names bound to `Annotated[T, Depends(f)]` (FastAPI): a parameter annotated so is injected, not sent
    dependency_aliases: frozenset[str] = frozenset()
    # the unit pickles into files (`pickle.dump(state, f)`): the module keeps its own state that way
    pickles_files: bool = False
    # every top-level class -> the last names of its bases (`RequestHandler` for `web.RequestHandler`)
    class_bases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # functions and classes listed as the values of a module-level table of three or more
    # (`FORMATS = {"md5": md5_hash, "sha1": sha1_hash, ...}`): implementations picked by data
    tabled_functions: frozenset[str] = frozenset()
    # attributes named for a password or a hash that the unit matches on (see matched_attributes)
    matched_attributes: frozenset[str] = frozenset()
    # the unit configures logging with a format that may print `extra=` fields (logconfig.configured_in):
    # `logging.basicConfig(format="%(user)s %(message)s")`, a formatter of a class it cannot see
    prints_extra_fields: bool = False
    # (NAME, dotted callee as spelled) when the unit is the one statement `NAME = f(...)`, and when
    # it is the one statement `f(NAME)`: right after the first, the second hands the value
    # straight back (`old = os.umask(0)` then `os.umask(old)`)
    binds_call: tuple[str, str] | None = None
    calls_back: tuple[str, str] | None = None
    # top-level classes whose `set_default_headers`/`get_content_type` give every response a type
    # other than HTML (Tornado's API handlers: frameworks.declares_non_html_responses)
    non_html_handlers: frozenset[str] = frozenset()
    # top-level functions annotated to return data or a response object, never page text
    # (`-> dict`, `-> Union[Dict, HttpResponse]`: frameworks.returns_no_page_text)
    data_functions: frozenset[str] = frozenset()
    # top-level functions that return only data, responses or what functions of the module called
    # by name return: (name, those names) (frameworks.returned_helpers; resolved in ModuleSymbols.merge)
    data_returns: tuple[tuple[str, frozenset[str]], ...] = ()
    # top-level functions that return `Annotated[T, Depends(f)]` (frameworks.returns_dependency): what a
    # name is bound to by calling one (`ViewNode = require_scopes("node.view")`) is an alias too
    dependency_factories: frozenset[str] = frozenset()
    # the unit calls `.run(...)` on something (`app.run()`): it may start a web app's own server
    starts_apps: bool = False
    # the unit names sessions, logins, users or secrets, or loads settings or views from elsewhere
    # (catalog.USER_AWARE_WORDS): its application may know who sends a request
    knows_users: bool = True
    # record classes -> their fields in order, with whether the default is a literal; the calls of
    # capitalised names; the attribute names the unit assigns (engine/record_literals.py)
    record_defaults: tuple[tuple[str, tuple[tuple[str, bool], ...]], ...] = ()
    constructions: tuple[tuple, ...] = ()
    stored_fields: frozenset[str] = frozenset()
    # methods taking one argument of the unit's classes that use a pickle module (engine/own_storage_calls.py)
    pickling_methods: frozenset[str] = frozenset()
    # the unit's class attributes bound to patterns and the names it reads as a substitution's pattern
    # (engine/regex_constants.py)
    pattern_sources: tuple[tuple[str, str, str], ...] = ()
    # names the unit's classes that send requests call as bare names, and names the rest of it calls
    # so (engine/service_clients.py: the module's helpers of its service clients)
    service_calls: frozenset[str] = frozenset()
    other_calls: frozenset[str] = frozenset()
    # every top-level class -> its fields annotated with a class by name (`type: StorageType`,
    # `key: Optional[FidesKey]`), as written: the module's imports qualify them (Declaration.typed_by)
    annotated_types: tuple[tuple[str, frozenset[tuple[str, str]]], ...] = ()


@dataclass
class ModuleSymbols:
    imports: dict[str, str] = field(default_factory=dict)
    constants: set[str] = field(default_factory=set)
    defined: set[str] = field(default_factory=set)
    imported_modules: set[str] = field(default_factory=set)
    strings: dict[str, str] = field(default_factory=dict)  # top-level string constants
    # names bound once, to a call's result: name -> the callee's qualified name, so a
    # function using the module's `ENV = jinja2.Environment()` knows what ENV is
    made_by: dict[str, str] = field(default_factory=dict)
    made_with: dict[str, tuple[tuple[str, object], ...]] = field(default_factory=dict)  # its constant keywords
    # class name -> fields declared as IntegerField/ChoiceField/... (DRF serializers, Django forms)
    typed_fields: dict[str, frozenset[tuple[str, frozenset[str]]]] = field(default_factory=dict)
    # record class name (dataclass, NamedTuple, ...) -> fields whose annotation makes them a number,
    # date or UUID: an instance built from client data holds that data in every other field
    record_classes: dict[str, frozenset[str]] = field(default_factory=dict)
    # classes deriving from an Enum: a value validated as one of them is one of the class's constants
    enum_classes: set[str] = field(default_factory=set)
    # `_CONTROL = str.maketrans({"\r": "", "\n": ""})` -> the characters `s.translate(_CONTROL)` takes out
    translation_tables: dict[str, frozenset[str]] = field(default_factory=dict)
    # `DEBUG = False`, `RETRIES = 3`: a test on them always goes the same way (constant folding)
    scalars: dict[str, object] = field(default_factory=dict)
    annotated_fields: dict[str, frozenset[str]] = field(default_factory=dict)  # see UnitSymbols.annotated_fields
    annotated_types: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)  # see UnitSymbols.annotated_types
    dependency_aliases: set[str] = field(default_factory=set)  # see UnitSymbols.dependency_aliases
    dependency_factories: set[str] = field(default_factory=set)  # see UnitSymbols.dependency_factories
    functions: dict[str, object] = field(default_factory=dict)  # name -> summary (taint)
    yaml_extensions: bool = False  # see UnitSymbols.yaml_extensions
    # the workspace modules it imports whose yaml_extensions are set (yaml_tags.yaml_extensions_imported)
    yaml_extensions_imported: tuple[str, ...] = ()
    pickles_files: bool = False  # see UnitSymbols.pickles_files
    prints_extra_fields: bool = False  # see UnitSymbols.prints_extra_fields
    starts_apps: bool = False  # see UnitSymbols.starts_apps
    knows_users: bool = False  # see UnitSymbols.knows_users
    is_test_file: bool = False  # set from the file's path: tests use secrets and asserts legitimately
    closed_world: bool = False  # a notebook: no other module imports it, so its own calls are all the calls
    is_notebook: bool = False  # cells a user runs and watches (a hang is seen and interrupted)
    protocol: str = ""  # the protocol its path names (`ntlm.py`, `krb5/`), which fixes its legacy algorithms (engine/protocols)
    url_routes: object = None  # a Django project's URL configurations (engine/routes.Routes), when known
    log_formatting: object = None  # what its logging configurations escape (engine/logconfig.LogFormatting), when known
    cors_origins: object = None  # what its configuration gives flask-cors's CORS_ORIGINS (engine/corsconfig.CorsOrigins)
    admin_sites: object = None  # which model each admin class shows (engine/admin_sites.AdminSites), when known
    default_socket_timeout: object = None  # where the program sets one for good (engine/socket_timeout), when known
    declared_versions: object = None  # the library versions its dependency files allow (engine/declared_versions), when known
    class_bases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # see UnitSymbols.class_bases
    tabled_functions: set[str] = field(default_factory=set)  # see UnitSymbols.tabled_functions
    service_helpers: set[str] = field(default_factory=set)  # called only by classes that send requests
    # attribute -> how many of the module's units match on it (see matched_attributes)
    matched_attributes: dict[str, int] = field(default_factory=dict)
    # names bound at top level by `NAME = f(...)` whose very next top-level statement is `f(NAME)`:
    # the value was only read and handed back at once (see UnitSymbols.calls_back)
    handed_back: set[str] = field(default_factory=set)
    non_html_handlers: set[str] = field(default_factory=set)  # see UnitSymbols.non_html_handlers
    data_functions: set[str] = field(default_factory=set)  # see UnitSymbols.data_functions
    # the classes it imports from workspace modules that declare a type other than HTML for their
    # responses (UnitSymbols.non_html_handlers there), qualified as imported: see non_html_bases_imported
    non_html_bases_imported: tuple[str, ...] = ()
    record_defaults: dict[str, tuple[tuple[str, bool], ...]] = field(default_factory=dict)  # see UnitSymbols
    constructions: list[tuple] = field(default_factory=list)  # see UnitSymbols.constructions
    stored_fields: set[str] = field(default_factory=set)  # see UnitSymbols.stored_fields
    # methods only ever handed bytes their callers read from their own storage (engine/own_storage_calls.py;
    # set by the analyzer, which reads the module's units for the calls of its pickling methods)
    own_storage_methods: frozenset[str] = frozenset()
    pattern_sources: tuple[tuple[str, str, str], ...] = ()  # see UnitSymbols.pattern_sources
    # imported names and class attributes (`Base.NAME`, its own classes' and imported bases') -> the
    # text of the pattern they hold (set by the analyzer: regex_constants.known_patterns)
    known_patterns: tuple[tuple[str, str], ...] = ()

    def declared(self) -> dict[str, "Declaration"]:
        """What the module declares about its own classes, with what their bases of the module declare
        (`SaaSConfig(SaaSConfigBase)`), and aliases (see Declaration)."""
        cached = self.__dict__.get("_declared")
        if cached is None:
            lineage = {name: (name, *self.ancestors(self.class_bases.get(name, ()))) for name in {*self.class_bases, *self.annotated_fields, *self.annotated_types}}
            owned = {name: frozenset().union(*(self.annotated_fields.get(c, ()) for c in line)) for name, line in lineage.items()}
            cached = {name: Declaration(name, fields=fields) for name, fields in owned.items() if fields}
            for name, line in lineage.items():
                typed_by, enums = self.annotated_classes(frozenset().union(*(self.annotated_types.get(c, ()) for c in line)))
                if typed_by or enums:
                    cached[name] = replace(held := cached.get(name) or Declaration(name), fields=held.fields | enums, typed_by=typed_by)
            cached.update((name, Declaration(name, dependency=True)) for name in self.dependency_aliases | self.factory_aliases())
            subclassed = {base for bases in self.class_bases.values() for base in bases}
            for name, fields in record_literals.literal_fields(self.record_defaults, self.constructions, self.stored_fields, subclassed).items():
                cached[name] = replace(cached[name], literal_fields=fields) if name in cached else Declaration(name, literal_fields=fields)
            self.__dict__["_declared"] = cached
        return cached

    def made_with_patterns(self) -> Mapping[str, tuple[tuple[str, object], ...]]:
        """made_with, and the patterns known_patterns says imported names and class attributes hold."""
        if not self.known_patterns:
            return self.made_with
        return {**self.made_with, **{key: (("pattern", text),) for key, text in self.known_patterns}}

    def factory_aliases(self) -> set[str]:
        """Names bound to what one of the module's dependency factories returns."""
        return {name for name, callee in self.made_by.items() if callee in self.dependency_factories}

    def qualified(self, node: ast.AST, loads: Mapping[int, Binding], star_imports: bool = True) -> str | None:
        """The qualified name of `node` here (`os.path.join`, `flask.request.args`), given the
        bindings a flow pass recorded for the names it reads; None for a local value.
        `star_imports`: a name bound nowhere else is the last `from m import *` module's."""
        if isinstance(node, ast.Name):
            binding = loads.get(id(node))
            if binding is not None:
                return binding.alias
            qualified = self.imports.get(node.id)
            if qualified is not None:
                return qualified
            if node.id in self.defined:
                return None
            if node.id in _BUILTINS:
                return node.id
            star = self.imports.get(STAR_IMPORT) if star_imports else None
            return f"{star}.{node.id}" if star is not None else None
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value, loads, star_imports)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            # `argparse.ArgumentParser().parse_args` reads as a name for sources
            return self.qualified(node.func, loads, star_imports)
        return None

    def fingerprint(self) -> int:
        return hash(
            (
                frozenset(self.imports.items()),
                frozenset(self.constants),
                frozenset(self.defined),
                frozenset(self.imported_modules),
                frozenset(self.strings.items()),
                frozenset(self.made_by.items()),
                frozenset(self.made_with.items()),
                frozenset(self.typed_fields.items()),
                frozenset(self.record_classes.items()),
                frozenset(self.enum_classes),
                frozenset(self.translation_tables.items()),
                frozenset(self.scalars.items()),
                frozenset(self.annotated_fields.items()),
                frozenset(self.annotated_types.items()),
                frozenset(self.dependency_aliases),
                frozenset(self.dependency_factories),
                frozenset(self.class_bases.items()),
                frozenset(self.tabled_functions),
                frozenset(self.service_helpers),
                frozenset(self.matched_attributes.items()),
                frozenset(self.handed_back),
                frozenset(self.non_html_handlers),
                frozenset(self.data_functions),
                self.non_html_bases_imported,
                self.is_test_file,
                self.protocol,
                self.closed_world,
                self.yaml_extensions,
                self.yaml_extensions_imported,
                self.pickles_files,
                self.own_storage_methods,
                self.known_patterns,
                self.prints_extra_fields,
                self.starts_apps,
                self.knows_users,
                *(getattr(c, "fingerprint", None) for c in (self.url_routes, self.log_formatting, self.cors_origins, self.admin_sites, self.default_socket_timeout, self.declared_versions)),
                frozenset((name, d.literal_fields) for name, d in self.declared().items() if d.literal_fields),
            )
        )

    @classmethod
    def merge(cls, units: list[UnitSymbols]) -> "ModuleSymbols":
        module = cls()
        counts: dict[str, int] = {}
        previous: UnitSymbols | None = None
        for unit in units:
            if unit.calls_back is not None and previous is not None and previous.binds_call == unit.calls_back:
                module.handed_back.add(unit.calls_back[0])
            previous = unit
            module.imported_modules |= unit.imported_modules
            for name, qualified in unit.bindings:
                counts[name] = counts.get(name, 0) + 1
                if qualified is None:
                    module.imports.pop(name, None)
                    module.defined.add(name)
                else:
                    module.imports[name] = qualified
                    module.defined.discard(name)
            for name in unit.constants:
                module.constants.add(name)
            module.strings.update(unit.strings)
            module.made_by.update(unit.made_by)
            module.made_with.update(unit.made_with)
            module.typed_fields.update(unit.typed_fields)
            module.record_classes.update(unit.record_classes)
            module.enum_classes |= unit.enum_classes
            module.translation_tables.update(unit.translation_tables)
            module.scalars.update(unit.scalars)
            module.annotated_fields.update(unit.annotated_fields)
            module.annotated_types.update(unit.annotated_types)
            module.dependency_aliases |= unit.dependency_aliases
            module.dependency_factories |= unit.dependency_factories
            module.yaml_extensions = module.yaml_extensions or unit.yaml_extensions
            module.pickles_files = module.pickles_files or unit.pickles_files
            module.prints_extra_fields = module.prints_extra_fields or unit.prints_extra_fields
            module.starts_apps = module.starts_apps or unit.starts_apps
            module.knows_users = module.knows_users or unit.knows_users
            module.class_bases.update(unit.class_bases)
            module.tabled_functions |= unit.tabled_functions
            module.service_helpers |= unit.service_calls
            module.non_html_handlers |= unit.non_html_handlers
            module.data_functions |= unit.data_functions
            module.record_defaults.update(unit.record_defaults)
            module.constructions.extend(unit.constructions)
            module.stored_fields |= unit.stored_fields
            module.pattern_sources += unit.pattern_sources
            for name in unit.matched_attributes:
                module.matched_attributes[name] = module.matched_attributes.get(name, 0) + 1
        module.service_helpers -= {name for unit in units for name in unit.other_calls}
        # A name rebound elsewhere is no longer known to be constant.
        module.constants = {n for n in module.constants if counts.get(n) == 1}
        module.data_functions = frameworks.data_closure(
            {n for n in module.data_functions if counts.get(n) == 1},
            [(n, needs) for u in units for n, needs in u.data_returns if counts.get(n) == 1],
        )
        module.strings = {n: v for n, v in module.strings.items() if n in module.constants}
        module.scalars = {n: v for n, v in module.scalars.items() if n in module.constants}
        module.made_by = {n: module._qualify_dotted(callee) for n, callee in module.made_by.items() if counts.get(n) == 1}
        module.made_with = {n: kws for n, kws in module.made_with.items() if n in module.made_by}
        module.translation_tables = {n: chars for n, chars in module.translation_tables.items() if counts.get(n) == 1}
        module.dependency_aliases = {n for n in module.dependency_aliases if counts.get(n) == 1}
        module.dependency_factories = {n for n in module.dependency_factories if counts.get(n) == 1}
        return module

    def ancestors(self, bases: tuple[str, ...]) -> tuple[str, ...]:
        """A class's bases (last names), then their bases where the module defines them
        (`Shutdown(Control)`, `Control(web.RequestHandler)`: Control, RequestHandler)."""
        out: list[str] = []
        pending = list(bases)
        while pending and len(out) < 16:
            base = pending.pop(0)
            if base not in out:
                out.append(base)
                pending.extend(self.class_bases.get(base, ()))
        return tuple(out)

    def declares_non_html(self, class_name: str) -> bool:
        """Whether the module's class `class_name`, or one of its bases the module defines, gives
        every response a type other than HTML (UnitSymbols.non_html_handlers)."""
        return any(c in self.non_html_handlers for c in (class_name, *self.ancestors(self.class_bases.get(class_name, ()))))

    def annotated_classes(self, typed: frozenset[tuple[str, str]]) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
        """Of a class's fields annotated with a class by name (declared_fields.annotated_classes):
        those whose class the module imports, with its qualified name (Declaration.typed_by), and
        those whose class is an Enum of the module (`type: StorageType`: one of its values)."""
        imported = frozenset((f, self._qualify_dotted(d)) for f, d in typed if d.partition(".")[0] in self.imports)
        return imported, frozenset(f for f, d in typed if d in self.enum_classes)

    def _qualify_dotted(self, dotted: str) -> str:
        head, dot, rest = dotted.partition(".")
        qualified = self.imports.get(head)
        return qualified + dot + rest if qualified is not None else dotted


STAR_IMPORT = "*"  # the key of `imports` that holds the module of the last `from m import *`


def import_bindings(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
    """(local name, qualified name) pairs bound by one import statement."""
    out: list[tuple[str, str]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                out.append((alias.asname, alias.name))
            else:
                top = alias.name.split(".")[0]
                out.append((top, top))
    else:
        if node.level:  # relative imports name this project's own modules
            base = "." * node.level + (node.module or "")
        else:
            base = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                # `from Crypto.Cipher import *`: names bound nowhere else may come from there
                # (STAR_IMPORT holds the last such module: a later star import wins)
                out.append((STAR_IMPORT, base))
                continue
            if base and not base.strip("."):  # `from . import mod`: `.mod`, not `..mod`
                out.append((alias.asname or alias.name, base + alias.name))
                continue
            out.append((alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name))
    return out


def summarize(tree: ast.Module, text: str | None = None, for_importers: bool = False) -> UnitSymbols:
    """The unit's top-level bindings and facts. `text`, the unit's source when the caller has
    it, lets the walks that look for rare constructs skip units that cannot hold them. Without
    it, or `for_importers` (a whole module read for the facts its importers take), the facts
    only the analysed module's own rules read (its service helpers, the names it reads as
    patterns) are left out: the workspace store reads many modules for each one analysed."""
    bindings: list[tuple[str, str | None]] = []
    constants: set[str] = set()
    strings: list[tuple[str, str]] = []
    made_by: list[tuple[str, str]] = []
    made_with: list[tuple[str, tuple]] = []
    typed_fields: list[tuple[str, frozenset[tuple[str, frozenset[str]]]]] = []
    record_classes: list[tuple[str, frozenset[str]]] = []
    annotated_fields: list[tuple[str, frozenset[str]]] = []
    annotated_types: list[tuple[str, frozenset[tuple[str, str]]]] = []
    dependency_aliases: set[str] = set()
    enum_classes: set[str] = set()
    translation_tables: list[tuple[str, frozenset[str]]] = []
    scalars: list[tuple[str, object]] = []
    class_bases: list[tuple[str, tuple[str, ...]]] = []
    record_defaults: list[tuple[str, tuple[tuple[str, bool], ...]]] = []
    tabled: set[str] = set()
    modules: set[str] = set()
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            modules.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    fallbacks = _import_fallbacks(tree.body)
    for stmt in _top_level(tree.body):
        if id(stmt) in fallbacks:
            continue  # `except ImportError: yaml = None`: where the code runs at all, yaml is the module
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            bindings.extend(import_bindings(stmt))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bindings.append((stmt.name, None))
            if isinstance(stmt, ast.ClassDef):
                class_bases.append((stmt.name, base_names(stmt)))
                fields = declared_fields.typed_fields(stmt)
                if fields:
                    typed_fields.append((stmt.name, fields))
                converted = declared_fields.converted_fields(stmt)
                if typed := declared_fields.annotated_classes(stmt):
                    annotated_types.append((stmt.name, typed))
                if _is_record_class(stmt):
                    record_classes.append((stmt.name, converted))
                    record_defaults.append((stmt.name, record_literals.record_defaults(stmt)))
                if converted:
                    annotated_fields.append((stmt.name, converted))
                if is_enum_class(stmt):
                    enum_classes.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                for name in _names(target):
                    bindings.append((name, None))
            value = stmt.value
            tabled |= _function_table(value)
            if made_class := declared_fields.class_made_from(value):  # `Base = declarative_base(cls=OrmBase)`
                class_bases.extend((t.id, made_class) for t in targets if isinstance(t, ast.Name))
            if isinstance(value, ast.Subscript) and frameworks.dependency_callee(None, value) is not None:
                dependency_aliases.update(t.id for t in targets if isinstance(t, ast.Name))
            if (
                isinstance(stmt, (ast.Assign, ast.AnnAssign))
                and value is not None
                and is_literal(value)
            ):
                for target in targets:
                    if isinstance(target, ast.Name):
                        constants.add(target.id)
                        if isinstance(value, ast.Constant) and isinstance(value.value, str) and len(value.value) < 4096:
                            strings.append((target.id, value.value))
                        elif isinstance(value, ast.Constant) and (value.value is None or isinstance(value.value, (bool, int, float))):
                            scalars.append((target.id, value.value))
            elif isinstance(value, ast.Call) and len(targets) == 1 and isinstance(targets[0], ast.Name):
                callee = astutil.dotted(value.func)
                if callee == "str.maketrans":
                    translated = astutil.translated_characters(value)
                    if translated:
                        translation_tables.append((targets[0].id, translated))
                if callee is not None:
                    made_by.append((targets[0].id, callee))
                    keywords = tuple(
                        (kw.arg, kw.value.value) for kw in value.keywords if kw.arg is not None and isinstance(kw.value, ast.Constant)
                    )
                    if callee == "re.compile" and len(value.args) == 1 and isinstance(value.args[0], ast.Constant) and not value.keywords:
                        keywords = (("pattern", value.args[0].value),)  # `re.compile(p)` is `re.compile(pattern=p)`, no flags
                    if keywords:
                        made_with.append((targets[0].id, keywords))
    made, stored = record_literals.construction_facts(tree)
    own = text is not None and not for_importers  # see the docstring
    service, other = service_clients.calls(tree, text) if own else (frozenset(), frozenset())
    return UnitSymbols(
        tuple(bindings),
        frozenset(constants),
        frozenset(modules),
        tuple(strings),
        tuple(made_by),
        tuple(made_with),
        tuple(typed_fields),
        tuple(record_classes),
        frozenset(enum_classes),
        tuple(translation_tables),
        tuple(scalars),
        yaml_tags.yaml_extensions(tree) if text is None or yaml_tags.YAML_HINT.search(text) else False,
        tuple(annotated_fields),
        frozenset(dependency_aliases),
        _pickles_files(tree) if text is None or "dump(" in text else False,
        tuple(class_bases),
        frozenset(tabled),
        matched_attributes(tree) if text is None or _SECRET_ATTRIBUTE_READ.search(text) else frozenset(),
        _prints_extra_fields(tree) if text is None or _LOG_CONFIGURATION_HINT.search(text) else False,
        *_call_pair(tree.body),
        non_html_handlers=frozenset(
            stmt.name for stmt in _top_level(tree.body)
            if isinstance(stmt, ast.ClassDef) and frameworks.declares_non_html_responses(stmt, frameworks.literal_string)
        ) if text is None or _CONTENT_TYPE_HINT.search(text) else frozenset(),
        data_functions=frozenset(
            stmt.name for stmt in _top_level(tree.body)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and frameworks.returns_no_page_text(stmt.returns)
        ),
        data_returns=tuple(
            (stmt.name, needs) for stmt in _top_level(tree.body)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and (needs := frameworks.returned_helpers(stmt)) is not None
        ),
        dependency_factories=frozenset(
            stmt.name for stmt in _top_level(tree.body)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and frameworks.returns_dependency(stmt)
        ) if text is None or "Annotated[" in text else frozenset(),
        knows_users=text is None or bool(catalog.USER_AWARE_WORDS.search(text)),
        starts_apps=(text is None or ".run(" in text) and any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "run" for n in ast.walk(tree)
        ),
        record_defaults=tuple(record_defaults),
        constructions=made,
        annotated_types=tuple(annotated_types),
        stored_fields=stored,
        pickling_methods=own_storage_calls.pickling_methods(tree) if text is None or _PICKLE_HINT.search(text) else frozenset(),
        pattern_sources=regex_constants.pattern_sources(tree, reads=own and regex_constants.READ_HINT.search(text) is not None),
        service_calls=service, other_calls=other,
    )


_PICKLE_HINT = re.compile("|".join(sorted(own_storage_calls.PICKLE_MODULES)))
_LOG_CONFIGURATION_HINT = re.compile(r"basicConfig|Formatter|[\'\"]handlers[\'\"]")


def _prints_extra_fields(tree: ast.AST) -> bool:
    configured = logconfig.configured_in(tree)
    return configured is not None and logconfig.EXTRA not in configured


def _call_pair(body: list[ast.stmt]) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """UnitSymbols.binds_call and calls_back: (name, callee) when `body` is the one statement
    `name = callee(...)`, or the one statement `callee(name)`."""
    stmt = body[0] if len(body) == 1 else None
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call):
        callee = astutil.dotted(stmt.value.func)
        return ((stmt.targets[0].id, callee) if callee is not None else None), None
    if isinstance(stmt, ast.Expr) and isinstance(call := stmt.value, ast.Call) and not call.keywords and len(call.args) == 1:
        callee = astutil.dotted(call.func)
        if callee is not None and isinstance(call.args[0], ast.Name):
            return None, (call.args[0].id, callee)
    return None, None


def _function_table(value: ast.expr | None) -> set[str]:
    """The names of the functions or classes a dict display maps three or more keys to, when
    every value is a bare name or a class made from one (`{HASH.MYSQL: mysql_passwd, ...}`,
    `{17: AESEnctype(16), 23: RC4Enctype()}`): a table of implementations."""
    if not isinstance(value, ast.Dict) or len(value.values) < 3:
        return set()
    named = [v.func if isinstance(v, ast.Call) else v for v in value.values]
    return {v.id for v in named if isinstance(v, ast.Name)} if all(isinstance(v, ast.Name) for v in named) else set()


def base_names(cls: ast.ClassDef) -> tuple[str, ...]:
    """The last names of a class's bases (`RequestHandler` for `tornado.web.RequestHandler`)."""
    names = []
    for base in cls.bases:
        while isinstance(base, ast.Subscript):  # Generic[T], Handler[Model]
            base = base.value
        if isinstance(base, ast.Attribute):
            names.append(base.attr)
        elif isinstance(base, ast.Name):
            names.append(base.id)
    return tuple(names)


# An attribute whose name says it holds a password or a hash (`user.pw_hash`, `self.password`),
# and where the unit's text may read one (a cheap test before walking the unit).
_SECRET_ATTRIBUTE = re.compile(r"pass|pw|pin|hash|digest", re.IGNORECASE)
_SECRET_ATTRIBUTE_READ = re.compile(r"\.\s*\w*(?:pass|pw|pin|hash|digest)", re.IGNORECASE)
# Calls that find an entry by the value they are given (a mapping's, a query's).
_LOOKUPS = frozenset({"get", "pop", "setdefault", "filter", "filter_by", "exclude", "find", "find_one", "where", "get_or_create"})


def matched_attributes(tree: ast.AST) -> frozenset[str]:
    """The attributes named for a password or a hash that `tree` matches on: compares with
    `==`, `!=` or `in` (not with None), or uses as a key (a subscript, a dict display's key, an
    argument of a lookup such as `get` or `filter`). A salted hash (bcrypt) matches nothing,
    so SLS301 moves a stored hash to one only where nothing else in the module does this."""
    return frozenset(a.attr for node in astutil.walk(tree) for a in matching_reads(node) if _SECRET_ATTRIBUTE.search(a.attr))


def matching_reads(node: ast.AST) -> list[ast.Attribute]:
    """The attribute reads `node` matches on (see matched_attributes): operands of an equality
    or membership test, a subscript's index, a dict display's keys, a lookup call's arguments."""
    if isinstance(node, ast.Compare):
        operands = (node.left, *node.comparators)
        if any(not isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)) for op in node.ops):
            return []
        if any(isinstance(o, ast.Constant) and o.value is None for o in operands):
            return []
    elif isinstance(node, ast.Subscript):
        operands = (node.slice,)
    elif isinstance(node, ast.Dict):
        operands = tuple(k for k in node.keys if k is not None)
    elif isinstance(node, ast.Call) and astutil.last_name(node.func) in _LOOKUPS:
        operands = (*node.args, *(k.value for k in node.keywords))
    else:
        return []
    return [o for o in operands if isinstance(o, ast.Attribute) and isinstance(o.ctx, ast.Load)]


_PICKLE_MODULES = frozenset({"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib"})


def _pickles_files(tree: ast.Module) -> bool:
    """Whether the unit writes pickles into files: `pickle.dump(obj, f)` (not `dumps`)."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "dump"
        and isinstance(node.func.value, ast.Name) and node.func.value.id in _PICKLE_MODULES
        for node in astutil.walk(tree)
    )


# every class non_html_handlers looks for has one of these in its text
_CONTENT_TYPE_HINT = re.compile(r"content-type|get_content_type", re.IGNORECASE)


def non_html_bases_imported(resolver, units: list[UnitSymbols]) -> tuple[str, ...]:
    """The classes a Tornado module imports from workspace modules and derives its own classes
    from that give every response a type other than HTML (an `APIHandler` whose
    `get_content_type` returns "application/json"), qualified as imported. Asked only of a
    module that imports tornado; () without a workspace to ask (`resolver`: see
    yaml_tags.yaml_extensions_imported)."""
    if not any(m == "tornado" or m.startswith("tornado.") for u in units for m in u.imported_modules):
        return ()
    imports = {name: qualified for u in units for name, qualified in u.bindings if qualified is not None}
    bases = {base for u in units for _, names in u.class_bases for base in names}
    wanted = {imports[name] for name in bases if name in imports}
    found = resolver.imported_symbols(wanted) if wanted else {}
    out = []
    for qualified in sorted(wanted):
        owner, _, name = qualified.rpartition(".")
        symbols = found.get(owner)
        if symbols is not None and symbols.declares_non_html(name):
            out.append(qualified)
    return tuple(out)


# `@dataclass`, `@dataclasses.dataclass`, `@attr.s`, `@attrs.define`, `@define`, `@frozen`
_RECORD_DECORATORS = frozenset({"dataclass", "define", "frozen", "mutable"})
_RECORD_DECORATOR_ENDINGS = (".dataclass", ".s", ".attrs", ".define", ".frozen", ".mutable")
_RECORD_BASES = frozenset({"NamedTuple", "TypedDict"})


def _is_record_class(cls: ast.ClassDef) -> bool:
    """A class whose constructor only stores its arguments as fields: `@dataclass`, `@attrs.define`,
    `class T(NamedTuple)`, `class T(TypedDict)`."""
    for deco in cls.decorator_list:
        dotted = astutil.dotted(deco.func if isinstance(deco, ast.Call) else deco) or ""
        if dotted in _RECORD_DECORATORS or dotted.endswith(_RECORD_DECORATOR_ENDINGS):
            return True
    return any((astutil.dotted(base) or "").rsplit(".", 1)[-1] in _RECORD_BASES for base in cls.bases)


def _statements(body: list[ast.stmt]):
    """Every statement, at any depth (imports are statements: expressions need no visit)."""
    stack = list(body)
    while stack:
        stmt = stack.pop()
        yield stmt
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(stmt, name, None)
            if type(inner) is list:
                stack.extend(inner)


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def _import_fallbacks(body: list[ast.stmt]) -> set[int]:
    """Assignments in `except ImportError:` that rebind a name the `try` imported (`try: import yaml` / `except
    ImportError: yaml = None`): an optional dependency, still the module wherever used as one. Imports there of
    names the `try` took from the standard library (`from secrets import randbits`): an old Python's fallback."""
    out: set[int] = set()
    for stmt in _top_level(body):
        if not isinstance(stmt, ast.Try):
            continue
        imported = {name for inner in stmt.body if isinstance(inner, (ast.Import, ast.ImportFrom)) for name, _ in import_bindings(inner)}
        standard = all(q.split(".")[0] in catalog.PORTABLE_STANDARD_MODULES for i in stmt.body if isinstance(i, (ast.Import, ast.ImportFrom)) for _, q in import_bindings(i))
        for handler in stmt.handlers:
            caught = handler.type
            names = {astutil.dotted(e) for e in (caught.elts if isinstance(caught, ast.Tuple) else [caught])} if caught is not None else set()
            if not imported or not {(n or "").rsplit(".", 1)[-1] for n in names} & _IMPORT_ERRORS:
                continue
            for inner in handler.body:
                targets = inner.targets if isinstance(inner, ast.Assign) else [inner.target] if isinstance(inner, ast.AnnAssign) else None
                if targets and all(isinstance(t, ast.Name) and t.id in imported for t in targets) or standard and isinstance(inner, (ast.Import, ast.ImportFrom)) and {n for n, _ in import_bindings(inner)} <= imported:
                    out.add(id(inner))
    return out


def _top_level(body: list[ast.stmt]):
    """Statements executed at module level, looking inside if/try/with blocks."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.For, ast.While)):
            yield from _top_level(stmt.body)
            yield from _top_level(stmt.orelse)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            yield from _top_level(stmt.body)
            for handler in stmt.handlers:
                yield from _top_level(handler.body)
            yield from _top_level(stmt.orelse)
            yield from _top_level(stmt.finalbody)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            yield from _top_level(stmt.body)


def _names(target: ast.AST):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _names(elt)
    elif isinstance(target, ast.Starred):
        yield from _names(target.value)


def is_literal(node: ast.AST) -> bool:
    """True for expressions made only of literals (`"a" + "b"`, `(1, 2)`, `-1`)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(is_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is None or is_literal(k) for k in node.keys) and all(is_literal(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return is_literal(node.left) and is_literal(node.right)
    if isinstance(node, ast.UnaryOp):
        return is_literal(node.operand)
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) for v in node.values)
    return False
