"""What a module declares about names that are not functions, for the modules importing them:
a class's typed fields, a form's or serializer's fields, an Enum, an exception class's bases, an
alias of an injected dependency, and a class attribute bound to a function (`DEFAULT =
_error_message`). Kept beside the function summaries (engine/summaries.py), so that they are
resolved, cached and invalidated like them."""

from __future__ import annotations

import ast
from collections.abc import Container
from dataclasses import dataclass
from typing import TYPE_CHECKING

from secure_ls.engine import astutil, catalog, declared_fields, raised

if TYPE_CHECKING:
    from secure_ls.engine.symbols import ModuleSymbols


@dataclass(frozen=True)
class Declaration:
    """What a module declares about a name that is not a function, for the modules importing
    it: a class's fields annotated as numbers, dates or UUIDs (`project_id: int`), a form's or
    serializer's typed fields (`start = serializers.DateTimeField()`), an alias of an injected
    dependency (`CurrentUser = Annotated[User, Depends(get_current_user)]`), or a class attribute
    bound to a function (`alias_of`).

    Kept in the same mapping as the function summaries (engine/summaries.py), under the class's
    or alias's name, so that it is resolved, cached and invalidated like them. Only `alias_of` is
    ever applied to a call: a call of the attribute gets the aliased function's summary."""

    name: str
    fields: frozenset[str] = frozenset()
    dependency: bool = False
    enum: bool = False  # an Enum: a value validated as one is one of the class's constants
    # a form's or serializer's typed fields and the sinks their cleaned values are safe for (declared_fields.typed_fields)
    form_fields: frozenset[tuple[str, frozenset[str]]] = frozenset()
    # a record class's fields that every instance the module makes holds a literal in (record_literals)
    literal_fields: frozenset[str] = frozenset()
    # fields annotated with an imported class, with its qualified name (`type: StorageType`,
    # `key: FidesKey`): an Enum of another module, or a type of another library (expressions.validated_fields)
    typed_by: frozenset[tuple[str, str]] = frozenset()
    exception_bases: tuple[str, ...] = ()  # an exception class's bases as far as its module knows them (engine/raised)
    # a pydantic model (its bases, as far as its module knows them, reach catalog.PYDANTIC_MODEL_BASES):
    # FastAPI builds a route parameter so annotated from the body, and it prints its fields with repr()
    model: bool = False
    # otherwise, the bases (and theirs the module defines) imported by absolute name: a model whose
    # base is another workspace module's model (`class UpdateRequest(ProjectBaseModel)`) is one too
    model_bases: tuple[str, ...] = ()
    # a class attribute bound to a function defined before it, of the module or of the class
    # (`DEFAULT = _error_message`, `get = fetch`): that function's summary key (`_error_message`,
    # `Client.fetch`), which callers of `Class.attribute` get (expressions.ExpressionFacts.summary_of)
    alias_of: str | None = None


def is_enum_class(cls: ast.ClassDef) -> bool:
    """Derives from Enum, StrEnum, IntEnum, ... ."""
    return any((astutil.dotted(base) or "").endswith("Enum") for base in cls.bases)


def is_model_class(name: str, module: ModuleSymbols) -> bool:
    """Whether the module's class `name` is a pydantic model: one of its bases, or of theirs the
    module defines, is one of catalog.PYDANTIC_MODEL_BASES."""
    return name in module.class_bases and not catalog.PYDANTIC_MODEL_BASES.isdisjoint(module.ancestors(module.class_bases[name]))


def imported_bases(name: str, module: ModuleSymbols) -> tuple[str, ...]:
    """The qualified names of the bases of the module's class `name` (and of its ancestors the module
    defines) that it imports by absolute name (a relative one is read from the importer's place)."""
    ancestors = module.ancestors(module.class_bases.get(name, ()))
    return tuple(q for n in ancestors if (q := module.imports.get(n)) and "." in q and not q.startswith("."))


def declarations(trees: list[ast.Module], module: ModuleSymbols, wanted: frozenset[str] | None = None) -> dict[str, Declaration]:
    """The declarations of the classes defined in `trees` and of the module's dependency aliases (only those `wanted`, when given)."""
    out = {}
    classes = {stmt.name: stmt for tree in trees for stmt in tree.body if isinstance(stmt, ast.ClassDef)}
    for tree in trees:
        for stmt in tree.body:
            if isinstance(stmt, ast.ClassDef) and (wanted is None or stmt.name in wanted):
                typed_by, enums = module.annotated_classes(declared_fields.inherited(stmt, classes, declared_fields.annotated_classes))
                fields = declared_fields.inherited(stmt, classes, declared_fields.converted_fields) | enums
                enum = is_enum_class(stmt)
                form_fields = declared_fields.inherited(stmt, classes, declared_fields.typed_fields)
                bases = raised.declared_bases(stmt, module.ancestors(module.class_bases.get(stmt.name, ())))
                model = is_model_class(stmt.name, module)
                model_bases = () if model else imported_bases(stmt.name, module)
                if fields or enum or form_fields or typed_by or bases or model or model_bases:
                    out[stmt.name] = Declaration(
                        stmt.name, fields=fields, enum=enum, form_fields=form_fields, typed_by=typed_by, exception_bases=bases, model=model, model_bases=model_bases
                    )
    functions = module.defined - module.constants
    out.update((name, Declaration(name, alias_of=target)) for name, target in function_aliases(trees, functions, wanted).items())
    for name in module.dependency_aliases | module.factory_aliases():
        if wanted is None or name in wanted:
            out[name] = Declaration(name, dependency=True)
    return out


def function_aliases(trees: list[ast.Module], defined: Container[str] | None = None, wanted: frozenset[str] | None = None) -> dict[str, str]:
    """`Class.attribute` -> the summary key of the function it is bound to: a class attribute bound
    to a method defined before it in the class body (`get = fetch`: `Class.fetch`) or to a name the
    module defines (`class ERROR_MESSAGES(str, Enum): DEFAULT = _error_message`), one of `defined`
    when given. A call of the attribute calls that function."""
    out = {}
    for tree in trees:
        for cls in (s for s in tree.body if isinstance(s, ast.ClassDef)):
            methods: set[str] = set()
            for stmt in cls.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods.add(stmt.name)
                elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name):
                    bound = stmt.value.id
                    target = f"{cls.name}.{bound}" if bound in methods else bound if defined is None or bound in defined else None
                    for name in (f"{cls.name}.{t.id}" for t in stmt.targets if isinstance(t, ast.Name)):
                        if target is not None and (wanted is None or name in wanted or cls.name in wanted):
                            out[name] = target
    return out
