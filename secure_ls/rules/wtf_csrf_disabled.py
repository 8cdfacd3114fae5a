"""SLS811 wtf-csrf-disabled."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules.base import Example, Rule, code

_KEY = "WTF_CSRF_ENABLED"


class WtfCsrfDisabled(Rule):
    """
    ## What it does
    Finds Flask-WTF's CSRF protection switched off in configuration:
    `WTF_CSRF_ENABLED = False` in a config module or class,
    `app.config["WTF_CSRF_ENABLED"] = False`, or
    `app.config.update(WTF_CSRF_ENABLED=False)`. Test configurations
    (test modules, classes and functions named for tests, configs that also
    set `TESTING = True`) are not reported.

    ## Why is this bad?
    Every form and `CSRFProtect`-guarded view then accepts requests from any
    site: a page the user visits can post to your app with their session
    cookie (cross-site request forgery).

    ## How to fix it
    Leave it enabled (`True`, the default) and render `form.csrf_token` /
    `{{ csrf_token() }}` in forms. Disable it only in test configuration.
    The quick fix sets the value to `True`; it is marked unsafe because
    forms that do not send the token will start failing validation.
    """

    id = "SLS811"
    name = "wtf-csrf-disabled"
    title = "Flask-WTF CSRF protection disabled"
    cwe = 352
    codeql = ("py/csrf-protection-disabled",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "csrf"
    fixable = True
    methods = frozenset({"update", "from_mapping"})

    VALID = [
        'WTF_CSRF_ENABLED = True\n',
        code("""
            class TestingConfig:
                TESTING = True
                WTF_CSRF_ENABLED = False
        """),
        code("""
            import pytest
            from app import create_app

            @pytest.fixture
            def app():
                app = create_app()
                app.config["WTF_CSRF_ENABLED"] = False
                return app
        """),
        code("""
            class Config:
                WTF_CSRF_ENABLED = True

            class TestConfig(Config):
                WTF_CSRF_ENABLED = False
        """),
    ]
    INVALID = [
        Example(
            code("""
                SECRET_KEY = "change-me"
                WTF_CSRF_ENABLED = False
            """),
            fixed=code("""
                SECRET_KEY = "change-me"
                WTF_CSRF_ENABLED = True
            """),
            where="False",
            says="Flask-WTF CSRF protection is disabled",
        ),
        Example(
            code("""
                from flask import Flask

                app = Flask(__name__)
                app.config["WTF_CSRF_ENABLED"] = False
            """),
            fixed=code("""
                from flask import Flask

                app = Flask(__name__)
                app.config["WTF_CSRF_ENABLED"] = True
            """),
            where="False",
            says="Flask-WTF CSRF protection is disabled",
        ),
        Example(
            code("""
                from flask import Flask

                def create_app():
                    app = Flask(__name__)
                    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
                    return app
            """),
            fixed=code("""
                from flask import Flask

                def create_app():
                    app = Flask(__name__)
                    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=True)
                    return app
            """),
            where="False",
            says="Flask-WTF CSRF protection is disabled",
        ),
        Example(
            code("""
                class ProductionConfig:
                    DEBUG = False
                    WTF_CSRF_ENABLED = False
            """),
            fixed=code("""
                class ProductionConfig:
                    DEBUG = False
                    WTF_CSRF_ENABLED = True
            """),
            where="False",
            says="Flask-WTF CSRF protection is disabled",
        ),
    ]

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if not astutil.is_false(node.value):
            return
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == _KEY and isinstance(ctx.scope(node), (ast.Module, ast.ClassDef)):
                self._report(node.value, ctx)
            elif (
                isinstance(target, ast.Subscript)
                and isinstance(target.slice, ast.Constant)
                and target.slice.value == _KEY
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "config"
            ):
                self._report(node.value, ctx)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in ("update", "from_mapping")):
            return
        owner = func.value
        if not (isinstance(owner, ast.Attribute) and owner.attr == "config"):
            return
        for kw in node.keywords:
            if kw.arg == _KEY and astutil.is_false(kw.value):
                self._report(kw.value, ctx)

    def _report(self, value: ast.expr, ctx) -> None:
        if ctx.in_test_code(value) or _testing_config(value, ctx):
            return
        ctx.report(
            self,
            value,
            "Flask-WTF CSRF protection is disabled: forms accept submissions from any site. Keep `WTF_CSRF_ENABLED` True outside tests.",
            fix=Fix("Enable CSRF protection", (ctx.replace(value, "True"),), safe=False),
        )


def _testing_config(value: ast.expr, ctx) -> bool:
    """The setting sits next to `TESTING = True` (a class body, function or module unit)."""
    scope = ctx.scope(value)
    body = scope.body if hasattr(scope, "body") and isinstance(scope.body, list) else []
    for node in astutil.walk(ast.Module(body=body, type_ignores=[])) if body else ():
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value is True:
            for target in node.targets:
                name = target.id if isinstance(target, ast.Name) else target.slice.value if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) else None
                if name == "TESTING":
                    return True
        if isinstance(node, ast.keyword) and node.arg == "TESTING" and isinstance(node.value, ast.Constant) and node.value.value is True:
            return True
    return False
