"""Shared helpers for the secrets, least-privilege and resource rules.

"Is this a Django settings module?" is answered from the code itself: imports
and the module's top-level names (part of the engine's cache key, so the answer
stays correct when the file changes elsewhere). "Is this test code?" is the
engine's `ctx.in_test_code(node)`.
"""

from __future__ import annotations

import ast
import re

from secure_ls.engine.context import argument  # noqa: F401 (re-exported for the rules)

# Top-level names only a Django settings module defines.
_DJANGO_SETTINGS_NAMES = frozenset({"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "MIDDLEWARE_CLASSES", "WSGI_APPLICATION", "DATABASES"})


def is_django_settings(ctx) -> bool:
    """Whether the module looks like a Django settings module."""
    defined = ctx.module.defined
    return len(_DJANGO_SETTINGS_NAMES & defined) >= 2 or (
        bool(_DJANGO_SETTINGS_NAMES & defined) and ctx.imports("django")
    )


def at_module_level(node: ast.AST, ctx) -> bool:
    """True for statements run at import time outside any function or class."""
    return not any(isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) for a in ctx.ancestors(node))


def enclosing_class(node: ast.AST, ctx) -> ast.ClassDef | None:
    for anc in ctx.ancestors(node):
        if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return None
        if isinstance(anc, ast.ClassDef):
            return anc
    return None


_NON_PRODUCTION_CLASS = re.compile(r"dev|test|local|debug", re.IGNORECASE)


def is_non_production_config_class(cls: ast.ClassDef | None) -> bool:
    """`class DevelopmentConfig(Config)`, `class TestingConfig`: settings meant for dev/test."""
    return cls is not None and bool(_NON_PRODUCTION_CLASS.search(cls.name))


def has_star_args(call: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)


def config_key(target: ast.AST) -> str | None:
    """"DEBUG" for `app.config["DEBUG"]` (any `<x>.config[...]` subscript)."""
    if (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "config"
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
    ):
        return target.slice.value
    return None


def config_update_call(call: ast.Call) -> bool:
    """`app.config.update(...)` / `app.config.from_mapping(...)`."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in ("update", "from_mapping")
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "config"
    )


def upper_snake(name: str) -> str:
    """`dbPassword` -> `DB_PASSWORD`, `api-key` -> `API_KEY`."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")
    return name.upper() or "SECRET"


def quoted_like(original_source: str, text: str) -> str:
    """`text` as a string literal with the quote style of `original_source`."""
    stripped = original_source.lstrip("rRbBuU")
    quote = stripped[:1] if stripped[:1] in ("'", '"') else '"'
    prefix = "b" if original_source[:1] in "bB" else ""
    return f"{prefix}{quote}{text}{quote}"


def octal(value: int) -> str:
    """`0o022` (at least three digits, as file modes are written)."""
    return f"0o{value:03o}"


_ENVIRONMENT_TEST = re.compile(r"debug|dev|local|prod|environ|getenv|env\b|env\(|testing|staging|mode|is_secure|https", re.IGNORECASE)
_DEV_COMMENT = re.compile(r"\b(dev|development|local|localhost|production|prod|testing|http|https|debug)\b", re.IGNORECASE)


def environment_conditional(node: ast.AST, ctx) -> bool:
    """Inside `if DEBUG:` / `if os.environ[...]` / `else:` of `if PRODUCTION:`: set per environment."""
    for anc in ctx.ancestors(node):
        if isinstance(anc, ast.If) and _ENVIRONMENT_TEST.search(ctx.text(anc.test)):
            return True
    return False


def development_comment(node: ast.AST, ctx) -> bool:
    """A trailing comment such as `# True in production` or `# for local development`."""
    stmt = ctx.statement(node) or node
    line = ctx.lines[(getattr(stmt, "end_lineno", None) or stmt.lineno) - 1]
    if "#" not in line:
        return False
    return bool(_DEV_COMMENT.search(line[line.index("#") :]))


def imported_app_run(call: ast.Call, ctx) -> bool:
    """`app.run(...)` on an application imported from another module (`from app import app`,
    `from config import vuln_app`): a name ending in `app` or `application`, not a module's
    function (`asyncio.run`)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "run" and isinstance(func.value, ast.Name)):
        return False
    receiver = func.value.id
    words = receiver.lower().split("_")
    return receiver in ctx.module.imports and words[-1] in ("app", "application") and not (ctx.call_name(call) or "").startswith("asyncio.")
