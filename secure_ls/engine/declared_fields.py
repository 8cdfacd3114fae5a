"""What the fields a class declares hold: a form's or serializer's cleaned values, a model's
stored ones (`amount = models.DecimalField(...)`: a number), by the sinks they are safe for.

`typed_fields(cls)` reads one class; `inherited(cls, classes, read)` adds what its bases
of the same module declare (a Django model's abstract base). `converted_fields` and
`annotated_classes` read a pydantic model's or record class's annotations.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Mapping

from secure_ls.engine import astutil, frameworks

_BUILTINS = frozenset(dir(builtins))


def inherited(cls: ast.ClassDef, classes: Mapping[str, ast.ClassDef], read: Callable[[ast.ClassDef], frozenset], depth: int = 0) -> frozenset:
    """What `read` finds in `cls` and in its bases defined in the same module (`class
    Payment(BasePayment)`, a Django model whose fields an abstract base declares; `class
    SaaSConfig(SaaSConfigBase)`, a pydantic model's)."""
    fields = read(cls)
    if depth < 4:
        for base in cls.bases:
            defined = classes.get(astutil.last_name(base))
            if defined is not None and defined is not cls:
                fields |= inherited(defined, classes, read, depth + 1)
    return fields


# A model's relations, whose `<name>_id` attribute holds the related row's key.
_RELATION_FIELDS = frozenset({"ForeignKey", "OneToOneField"})
# A model's uploads, whose `<name>.url` is what the storage made of the stored name: Django keeps
# only `[-\w.]` of an uploaded file's name (get_valid_name), and the storage's URL starts with
# its own base (MEDIA_URL, a bucket) and percent-encodes the rest, so no quote or scheme gets in.
_FILE_FIELDS = frozenset({"FileField", "ImageField"})


def typed_fields(cls: ast.ClassDef) -> frozenset[tuple[str, frozenset[str]]]:
    """Fields of a form or serializer class whose cleaned value is a number, date or fixed choice
    (`count = serializers.IntegerField()`), safe for every sink, or an address, URL or slug
    (`email = forms.EmailField()`), safe in one line: the framework rejects anything else. So are a model's
    (`stack_id = models.PositiveIntegerField()`): a lookup by one converts its value (converted_keys_looked_up)."""
    from secure_ls.engine.catalog import MODEL_NUMBER_FIELDS, ONE_LINE_FORM_FIELDS, TYPED_FORM_FIELDS
    from secure_ls.engine.taint import LINE_SINKS, Sink

    fields = set()
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            value = stmt.value
            callee = astutil.dotted(value.func) if isinstance(value, ast.Call) else None
            kind = callee.rsplit(".", 1)[-1] if callee is not None else None
            if kind in TYPED_FORM_FIELDS or kind in MODEL_NUMBER_FIELDS:
                fields.add((stmt.targets[0].id, frozenset({Sink.ANY})))
            elif kind in _RELATION_FIELDS:
                fields.add((stmt.targets[0].id + "_id", frozenset({Sink.ANY})))  # `deal = ForeignKey(Deal)`: `obj.deal_id`, its key
            elif kind in ONE_LINE_FORM_FIELDS:
                fields.add((stmt.targets[0].id, LINE_SINKS))
                if kind in _FILE_FIELDS:
                    fields.add((stmt.targets[0].id + ".url", frozenset({Sink.ANY})))  # `obj.logo.url`
    return frozenset(fields)


def converted_fields(cls: ast.ClassDef) -> frozenset[str]:
    """Fields annotated as a number, date or UUID (`port: int`, `when: Optional[date]`)."""
    return frozenset(
        stmt.target.id
        for stmt in cls.body
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and frameworks.is_converted_annotation(stmt.annotation)
    )


def annotated_classes(cls: ast.ClassDef) -> frozenset[tuple[str, str]]:
    """(field, class as written) for each field of `cls` annotated with a class by name (`type:
    StorageType`, `key: Optional[FidesKey]`), other than the builtins (`str`, `int`)."""
    out = set()
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            dotted = astutil.dotted(frameworks.optional_inner(stmt.annotation))
            if dotted and dotted not in _BUILTINS:
                out.add((stmt.target.id, dotted))
    return frozenset(out)


def class_made_from(value: ast.expr | None) -> tuple[str, ...]:
    """The base SQLAlchemy's `declarative_base(cls=OrmBase)` gives the class it makes (the
    models' common base, whose classmethods every model inherits), as base_names says it."""
    if not (isinstance(value, ast.Call) and astutil.last_name(value.func) == "declarative_base"):
        return ()
    given = next((k.value for k in value.keywords if k.arg == "cls"), None)
    return (astutil.last_name(given),) if isinstance(given, (ast.Name, ast.Attribute)) else ()
