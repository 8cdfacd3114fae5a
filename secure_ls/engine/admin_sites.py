"""Which model each Django admin class shows, from the project's admin modules.

Django calls an admin class's display callables and hooks with an instance of the model it is
registered for (`def amount_badge(self, obj)`), so `obj.amount` holds what the model declares:
a `DecimalField` a number, a `ForeignKey`'s `deal_id` a key. The registration is often in
another module than the class:

    admin.site.register(Payment, PaymentAdmin)     # crm/admin.py, PaymentAdmin from crm/site/paymentadmin.py

`read` collects, from the text of the workspace's admin modules (`is_admin_configuration`:
`admin.py`, modules of an `admin` package), every `register(Model, AdminClass)` call and every
`@register(Model)` class decorator, and says for each admin class name the model's qualified
name, resolved through the module's imports (`from .models import Payment` in `crm/admin.py`
is `crm.models.Payment`). An admin class name registered with two models names none. A class
registered in its own module (`@admin.register(Payment)`) is read from that module
(`shown_model`).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from secure_ls.engine import astutil
from secure_ls.engine.module_source import relative_start
from secure_ls.engine.symbols import import_bindings
from secure_ls.engine.units import parsed_configurations

# What a cached result records for the list of admin modules it saw (like a module-name lookup).
CONFIGURATIONS = "<admin configurations>"

_REGISTER = "register"


@dataclass(frozen=True)
class AdminSites:
    models: Mapping[str, str] = field(default_factory=dict)  # admin class name -> the model's qualified name
    fingerprint: int = 0

    def model_of(self, admin_class: str) -> str | None:
        return self.models.get(admin_class)


def is_admin_configuration(path: str) -> bool:
    """`admin.py`, or a module of an `admin` package (`crm/admin/payments.py`)."""
    folder, name = os.path.split(path)
    return name == "admin.py" or os.path.basename(folder) == "admin" and name.endswith(".py")


def read(texts: Iterable[str], paths: Iterable[str] = ()) -> AdminSites | None:
    """The admin classes the modules in `texts` register (`paths`, their files in the same
    order, resolve their relative imports); None when none registers any."""
    texts, paths = list(texts), list(paths)
    trees, fingerprint = parsed_configurations(texts, aligned=True)
    found: dict[str, set[str]] = {}
    for tree, path in zip(trees, paths if len(paths) == len(texts) else [None] * len(texts)):
        if tree is None:
            continue
        imported = dict(b for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) for b in import_bindings(node))
        for admin, model in registrations(tree):
            qualified = _absolute(_qualified(model, imported), path)
            if qualified is not None:
                found.setdefault(admin, set()).add(qualified)
    models = {admin: next(iter(named)) for admin, named in found.items() if len(named) == 1}
    return AdminSites(models, fingerprint) if models else None


def registrations(tree: ast.Module) -> Iterable[tuple[str, ast.expr]]:
    """(admin class name, the model expression) of each `register(Model, AdminClass)` call and
    each class decorated `@register(Model)` in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and astutil.last_name(node.func) == _REGISTER and len(node.args) == 2:
            model, admin = node.args
            if isinstance(admin, (ast.Name, ast.Attribute)) and isinstance(model, (ast.Name, ast.Attribute)):
                yield astutil.last_name(admin), model
        elif isinstance(node, ast.ClassDef):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and astutil.last_name(decorator.func) == _REGISTER and len(decorator.args) == 1:
                    if isinstance(decorator.args[0], (ast.Name, ast.Attribute)):
                        yield node.name, decorator.args[0]


def _qualified(model: ast.expr, imported: Mapping[str, str]) -> str | None:
    dotted = astutil.dotted(model)
    if dotted is None:
        return None
    head, dot, rest = dotted.partition(".")
    return imported[head] + dot + rest if head in imported else None


def _absolute(qualified: str | None, path: str | None) -> str | None:
    """`.models.Payment` imported in `crm/admin.py`: `crm.models.Payment` (the packages up from
    the module's folder, as far as each holds an `__init__.py`)."""
    if qualified is None or not qualified.startswith("."):
        return qualified
    if path is None:
        return None
    folder, rest = relative_start(qualified, path)
    packages = []
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        packages.append(os.path.basename(folder))
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    if not packages:
        return None
    return ".".join([*reversed(packages), rest]) if rest else ".".join(reversed(packages))


def shown_model(cls: ast.ClassDef, qualify: Callable[[ast.expr], str | None], sites: AdminSites | None) -> str | None:
    """The model an admin class shows (its qualified name, or its name in this module), which
    Django hands its display callables and hooks as `obj`: its own `@admin.register(Model)`, or
    a `register(Model, ThisAdmin)` of the project's admin modules. Not an inline's `model`: its
    hooks (`get_extra(self, request, obj)`) are handed the parent object."""
    if not any(astutil.last_name(base).endswith("Admin") for base in cls.bases):
        return None
    own = [d.args[0] for d in cls.decorator_list if isinstance(d, ast.Call) and astutil.last_name(d.func) == _REGISTER and len(d.args) == 1]
    if not own:
        return sites.model_of(cls.name) if sites is not None else None
    model = own[0] if len(own) == 1 and isinstance(own[0], (ast.Name, ast.Attribute)) else None
    if model is None:
        return None
    return qualify(model) or (model.id if isinstance(model, ast.Name) else None)  # imported, or a class of this module
