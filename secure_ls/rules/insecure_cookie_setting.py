"""SLS507 insecure-cookie-setting."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config
from secure_ls.rules.base import Example, Rule, code

_SETTINGS = {
    "SESSION_COOKIE_SECURE": "sent over plain HTTP, where anyone on the network can steal the session",
    "CSRF_COOKIE_SECURE": "sent over plain HTTP, where anyone on the network can read it",
    "SESSION_COOKIE_HTTPONLY": "readable by JavaScript, so any XSS steals the session",
    "REMEMBER_COOKIE_SECURE": "sent over plain HTTP, where anyone on the network can steal the login",
    "REMEMBER_COOKIE_HTTPONLY": "readable by JavaScript, so any XSS steals the login",
}


class InsecureCookieSetting(Rule):
    """
    ## What it does
    Finds framework settings that turn session and CSRF cookie protection off:
    `SESSION_COOKIE_SECURE`, `CSRF_COOKIE_SECURE`, `SESSION_COOKIE_HTTPONLY`
    and Flask-Login's `REMEMBER_COOKIE_SECURE`/`REMEMBER_COOKIE_HTTPONLY` set
    to `False`: at the top level of a module, in a settings/config class,
    through `app.config["..."] = False` or `app.config.update(...=False)`.
    Config classes named for development or tests (`DevelopmentConfig`,
    `TestingConfig`, `LocalSettings`), settings chosen per environment (inside
    `if DEBUG:`, `if os.environ.get(...)`, or the `else` of
    `if PRODUCTION:`) and test code are not reported. The engine does not
    know the file name, so a development settings module (`local.py`) cannot
    be told from a production one: findings have medium confidence, low when
    a trailing comment says the value is for development ("# True in
    production", "# local dev only").

    ## Why is this bad?
    Without `Secure` the browser also sends the cookie over plain HTTP, where
    anyone on the network path can copy it and take over the session;
    without `HttpOnly` any cross-site scripting flaw can read it
    (CWE-614, CWE-1004).

    ## How to fix it
    Set them to `True` in production settings (serve the site over HTTPS).
    The quick fix does this; it is unsafe because a site still served over
    plain HTTP stops receiving the cookie.
    """

    id = "SLS507"
    name = "insecure-cookie-setting"
    title = "Session or CSRF cookie protection turned off"
    cwe = 614
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "least-privilege"
    bandit = ()
    fixable = True
    methods = frozenset({"update", "from_mapping"})

    VALID = [
        code("""
            SESSION_COOKIE_SECURE = True
            CSRF_COOKIE_SECURE = True
        """),
        code("""
            class DevelopmentConfig:
                SESSION_COOKIE_SECURE = False
        """),
        "CSRF_COOKIE_HTTPONLY = False\n",
        code("""
            import os
            SESSION_COOKIE_SECURE = os.environ.get('HTTPS') == '1'
        """),
        code("""
            DEBUG = True
            if DEBUG:
                SESSION_COOKIE_SECURE = False
        """),
        code("""
            import os
            if os.environ.get('ENV') == 'production':
                CSRF_COOKIE_SECURE = True
            else:
                CSRF_COOKIE_SECURE = False
        """),
    ]
    INVALID = [
        Example(
            code("""
                INSTALLED_APPS = []
                SESSION_COOKIE_SECURE = False
            """),
            fixed=code("""
                INSTALLED_APPS = []
                SESSION_COOKIE_SECURE = True
            """),
            where="False",
            says="SESSION_COOKIE_SECURE = False",
        ),
        Example(
            code("""
                from flask import Flask

                app = Flask(__name__)
                app.config.update(SESSION_COOKIE_HTTPONLY=False, SESSION_COOKIE_SAMESITE='Lax')
            """),
            fixed=code("""
                from flask import Flask

                app = Flask(__name__)
                app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE='Lax')
            """),
            where="False",
            says="SESSION_COOKIE_HTTPONLY = False",
        ),
        Example(
            code("""
                from flask import Flask

                app = Flask(__name__)
                app.config["SESSION_COOKIE_SECURE"] = False
            """),
            fixed=code("""
                from flask import Flask

                app = Flask(__name__)
                app.config["SESSION_COOKIE_SECURE"] = True
            """),
            where="False",
            says="SESSION_COOKIE_SECURE = False",
        ),
        Example(
            code("""
                class ProductionConfig:
                    CSRF_COOKIE_SECURE = False
            """),
            fixed=code("""
                class ProductionConfig:
                    CSRF_COOKIE_SECURE = True
            """),
            where="False",
            says="CSRF_COOKIE_SECURE = False",
        ),
    ]

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) != 1 or not astutil.is_false(node.value):
            return
        target = node.targets[0]
        if isinstance(target, ast.Name):
            name = target.id
            if name not in _SETTINGS:
                return
            if not config.at_module_level(node, ctx):
                cls = config.enclosing_class(node, ctx)
                if cls is None or config.is_non_production_config_class(cls):
                    return
        else:
            name = config.config_key(target)
            if name not in _SETTINGS:
                return
        self._report(node.value, name, ctx)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if not config.config_update_call(node):
            return
        for kw in node.keywords:
            if kw.arg in _SETTINGS and astutil.is_false(kw.value):
                self._report(kw.value, kw.arg, ctx)

    def _report(self, value: ast.expr, name: str, ctx) -> None:
        if ctx.in_test_code(value) or config.environment_conditional(value, ctx):
            return
        ctx.report(
            self,
            value,
            f"{name} = False: the cookie is {_SETTINGS[name]}. Set it to True (and serve the site over HTTPS).",
            fix=Fix(f"Set {name} to True", (ctx.replace(value, "True"),), safe=False),
            confidence=Confidence.LOW if config.development_comment(value, ctx) else Confidence.MEDIUM,
        )
