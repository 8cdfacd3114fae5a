"""Values a framework hands a validator already stripped of surrounding whitespace, so a `$`
anchor finds no trailing newline there (SLS129): a Django form's `cleaned_data`, the value a
Django REST framework serializer's `validate_<field>` receives, a marshmallow field its
`@pre_load` hook stripped; and the values of Django validators and model checks, which the usual
paths fill from a form field's stripped value (the audit tier, not silence)."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil


# DRF itself, and django-rest-framework-json-api, whose `serializers` module re-exports DRF's
# (`from rest_framework.serializers import *`): the same fields, the same `validate_<field>` calls
_DRF_SERIALIZER_MODULES = ("rest_framework", "rest_framework_json_api")


def serializer_field_value(subject: ast.expr, ctx) -> bool:
    """`def validate_slug(self, value)` of a Django REST framework serializer: DRF calls it with the
    field's converted value, and its CharField family strips surrounding whitespace
    (`trim_whitespace`), so no trailing newline is left. Only DRF's: other serializer libraries
    (and forks of DRF) may not strip."""
    if not (isinstance(subject, ast.Name) and any(ctx.imports(m) for m in _DRF_SERIALIZER_MODULES)) or ctx.assigned_values(subject):
        return False
    func = ctx.enclosing_function(subject)
    cls = next((a for a in ctx.ancestors(subject) if isinstance(a, ast.ClassDef)), None)
    if func is None or cls is None or not func.name.startswith("validate_") or len(func.args.args) != 2 or func.args.args[1].arg != subject.id:
        return False
    field = func.name.removeprefix("validate_")
    return any(astutil.last_name(base).endswith("Serializer") for base in cls.bases) and not _declared_unstripped(field, subject, "trim_whitespace", ctx)


def stripped_before_load(subject: ast.expr, ctx) -> bool:
    """`@validates("key") def validate_key(self, value)` of a marshmallow schema whose `@pre_load`
    hook strips that key (`params["key"] = params["key"].lower().strip()`, then `return params`):
    marshmallow validates the field's value as loaded from what the hook returned."""
    func = ctx.enclosing_function(subject) if isinstance(subject, ast.Name) and ctx.imports("marshmallow") else None
    cls = next((a for a in ctx.ancestors(subject) if isinstance(a, ast.ClassDef)), None)
    if func is None or cls is None or len(func.args.args) != 2 or func.args.args[1].arg != subject.id or ctx.assigned_values(subject):
        return False
    fields = {d.args[0].value for d in func.decorator_list if isinstance(d, ast.Call) and astutil.last_name(d.func) == "validates" and d.args and isinstance(d.args[0], ast.Constant)}
    hooks = [m for m in cls.body if isinstance(m, ast.FunctionDef) and any(astutil.last_name(d) == "pre_load" for d in m.decorator_list)]
    return len(fields) == 1 and any(_strips_key(hook, next(iter(fields))) for hook in hooks)


def _strips_key(hook: ast.FunctionDef, key: str) -> bool:
    """The hook returns the mapping it gave `key` a stripped value, at its top level or under a
    test of that key alone (`if params.get("key"):`: otherwise the value is empty)."""
    returned = {s.value.id for s in hook.body if isinstance(s, ast.Return) and isinstance(s.value, ast.Name)}
    candidates = [s for s in hook.body if isinstance(s, ast.Assign)]
    for stmt in hook.body:
        if isinstance(stmt, ast.If) and not stmt.orelse and any(isinstance(n, ast.Constant) and n.value == key for n in astutil.walk(stmt.test)):
            candidates += [s for s in stmt.body if isinstance(s, ast.Assign)]
    return any(
        len(s.targets) == 1 and isinstance(target := s.targets[0], ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in returned
        and isinstance(target.slice, ast.Constant) and target.slice.value == key
        and isinstance(s.value, ast.Call) and astutil.last_name(s.value.func) in ("strip", "rstrip") and not s.value.args
        for s in candidates
    )


def _cleaned_key(cleaned_data: ast.Attribute, ctx) -> str | None:
    """`"phone"` in `self.cleaned_data["phone"]` or `self.cleaned_data.get("phone")`."""
    parent = ctx.parent(cleaned_data)
    key = parent.slice if isinstance(parent, ast.Subscript) else None
    if isinstance(parent, ast.Attribute) and parent.attr == "get" and isinstance(call := ctx.parent(parent), ast.Call) and call.args:
        key = call.args[0]
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def _declared_unstripped(field: str | None, node: ast.AST, keyword: str, ctx) -> bool:
    """The class around `node` declares `field` with `keyword=False` (`forms.CharField(strip=False)`,
    DRF's `serializers.CharField(trim_whitespace=False)`): its value keeps a trailing newline."""
    cls = next((a for a in ctx.ancestors(node) if isinstance(a, ast.ClassDef)), None)
    return cls is not None and field is not None and any(
        isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == field for t in stmt.targets) and isinstance(stmt.value, ast.Call)
        and any(k.arg == keyword and isinstance(k.value, ast.Constant) and k.value.value is False for k in stmt.value.keywords)
        for stmt in cls.body
    )


def django_validator_value(subject: ast.expr | None, ctx) -> bool:
    """`def validate_localname(value)` raising Django's ValidationError: a validator that a model or
    form field lists (`validators=[...]`), called with the field's cleaned value, which Django's form
    fields (and the admin's, and DRF's CharField) strip. Code that calls it itself, or assigns the
    model field and calls `full_clean()`, passes its value as it is: the audit tier."""
    func = ctx.enclosing_function(subject) if isinstance(subject, ast.Name) and not ctx.assigned_values(subject) else None
    if func is None or ctx.enclosing_function(func) is not None or [a.arg for a in func.args.args] != [subject.id]:
        return False
    if _model_fields(ctx.parent(func), ctx) and any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in func.decorator_list):
        # a Django model's own validator of one value (`Provider.validate_aws_uid(value)`), which its
        # `clean()` calls on a field's value: whatever it raises, the value came as for a validator
        return True
    return any(
        isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
        and (ctx.qualified_name(node.exc.func) or "").startswith(("django.core.exceptions.", "django.forms."))
        and astutil.last_name(node.exc.func) == "ValidationError"
        for node in astutil.walk(func)
    )


def django_model_clean_value(subject: ast.expr | None, ctx) -> bool:
    """`self.host` in a Django model's `clean(self)`, where the class declares `host =
    models.CharField(...)`: `full_clean()` calls it, and a ModelForm (the admin's too) has set
    the field from its form field's stripped value first. Code that sets the field itself and
    calls `full_clean()` passes its value as it is: the audit tier, as for a validator."""
    func = ctx.enclosing_function(subject) if isinstance(subject, ast.Attribute) else None
    if func is None or func.name != "clean" or [a.arg for a in func.args.args] != ["self"]:
        return False
    if not (isinstance(subject.value, ast.Name) and subject.value.id == "self"):
        return False
    return subject.attr in _model_fields(ctx.parent(func), ctx)


def _model_fields(cls: ast.AST, ctx) -> frozenset[str]:
    """The fields a Django model class declares (`host = models.CharField(...)`)."""
    if not isinstance(cls, ast.ClassDef):
        return frozenset()
    return frozenset(
        t.id for stmt in cls.body if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
        and (ctx.qualified_name(stmt.value.func) or "").startswith("django.db.models.")
        for t in stmt.targets if isinstance(t, ast.Name)
    )


def stripped_by_framework(subject: ast.expr, ctx, depth: int = 6) -> bool:
    """A value read from a Django form's `cleaned_data` (directly or through the names made
    from it): form CharFields strip surrounding whitespace, so no trailing newline is left,
    unless the form declares the field with `strip=False`."""
    if depth == 0:
        return False
    for node in ast.walk(subject):
        if isinstance(node, ast.Attribute) and node.attr == "cleaned_data":
            return not _declared_unstripped(_cleaned_key(node, ctx), node, "strip", ctx)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            values = ctx.assigned_values(node)
            if values and all(stripped_by_framework(v, ctx, depth - 1) for v in values):
                return True
    return False
