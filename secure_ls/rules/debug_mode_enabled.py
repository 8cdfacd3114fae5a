"""SLS504 debug-mode-enabled."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.context import keyword
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config
from secure_ls.rules.base import Example, Rule, code

_RUN_SIMPLE = frozenset({"werkzeug.serving.run_simple", "werkzeug.run_simple"})


class DebugModeEnabled(Rule):
    """
    ## What it does
    Finds web applications started or configured with debug mode hard-coded
    on: Flask's `app.run(debug=True)`, `app.debug = True`,
    `app.config["DEBUG"] = True` and `app.config.update(DEBUG=True)` (in a
    file that imports Flask), Werkzeug's `run_simple(..., use_debugger=True)`
    and Django's `DEBUG = True` in a settings module (one that defines
    `INSTALLED_APPS`, `ROOT_URLCONF`, `MIDDLEWARE` or `DATABASES`). Test
    code and settings chosen per environment (inside `if os.environ...:`,
    `if DEV:`) are not reported. An application imported from another
    module of the project and started with `app.run(debug=True)` (`from
    app import app` in a `run.py`) is reported with medium confidence. The engine does not know the file name,
    so a development settings module cannot be told from a production one:
    Django's `DEBUG = True` has medium confidence (low with a trailing
    comment such as "# development only"); Flask's and Werkzeug's debugger
    findings have high confidence, except `app.run(debug=True)` under
    `if __name__ == "__main__":` on the default (loopback) host, a local
    development server: medium. Flask's flag set on the app (`app.debug =
    True`, `app.config["DEBUG"] = True`) in a module that starts no app with
    `.run()` is the audit tier (low confidence): the flag alone installs no
    debugger. Only `app.run()` reads it to start Werkzeug's, while `flask
    run` takes `--debug` or `FLASK_DEBUG` instead, and an app served by
    another server (gunicorn, gevent's `WSGIServer`, CherryPy) only
    propagates its exceptions to that server, which answers a generic 500.

    ## Why is this bad?
    The Werkzeug debugger that Flask's debug mode enables runs arbitrary
    Python typed into the error page: anyone who can reach the app and
    trigger an error (or guess the PIN) controls the server. Django's debug
    pages show settings, source code, SQL and the environment, and keep
    every query in memory (CWE-489, CWE-215).

    ## How to fix it
    Never hard-code debug mode; turn it on from the environment on
    developers' machines only. The quick fix replaces `True` with
    `os.environ.get("FLASK_DEBUG") == "1"` (Flask), `... "WERKZEUG_DEBUG" ...`
    (Werkzeug) or `os.environ.get("DJANGO_DEBUG") == "1"` (Django), so debug
    mode is off unless the variable is set to 1. The fix is unsafe: a
    developer's setup must now set the variable.
    """

    id = "SLS504"
    name = "debug-mode-enabled"
    title = "Debug mode enabled in a web application"
    cwe = 489
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "least-privilege"
    bandit = ("B201",)
    codeql = ("py/flask-debug",)
    fixable = True
    calls = _RUN_SIMPLE
    methods = frozenset({"run", "update", "from_mapping"})

    VALID = [
        # asyncio's debug mode is no web debugger
        code("""
            import asyncio
            from service import main

            asyncio.run(main(), debug=True)
        """),
        code("""
            import os
            from flask import Flask
            app = Flask(__name__)
            app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
        """),
        code("""
            from flask import Flask
            app = Flask(__name__)
            app.run(debug=False)
        """),
        code("""
            import unittest
            class Runner:
                def run(self, debug=True):
                    pass
            Runner().run(debug=True)
        """),
        code("""
            DEBUG = True
            VERBOSE = True
        """),
        code("""
            import pytest
            from flask import Flask
            def test_app():
                app = Flask(__name__)
                app.config["DEBUG"] = True
        """),
    ]
    INVALID = [
        # the application made in another module, started here
        Example(
            code("""
                from config import vuln_app

                if __name__ == "__main__":
                    vuln_app.run(host="0.0.0.0", port=5000, debug=True)
            """),
            fixed=code("""
                from config import vuln_app
                import os

                if __name__ == "__main__":
                    vuln_app.run(host="0.0.0.0", port=5000, debug=os.environ.get("FLASK_DEBUG") == "1")
            """),
            where="True",
            says="Debug mode is hard-coded on",
        ),
        Example(
            code("""
                from flask import Flask

                app = Flask(__name__)

                if __name__ == '__main__':
                    app.run(debug=True)
            """),
            fixed=code("""
                from flask import Flask
                import os

                app = Flask(__name__)

                if __name__ == '__main__':
                    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
            """),
            where="True",
            says="Debug mode is hard-coded on",
        ),
        Example(
            code("""
                import os
                from flask import Flask

                app = Flask(__name__)
                app.config["DEBUG"] = True
            """),
            fixed=code("""
                import os
                from flask import Flask

                app = Flask(__name__)
                app.config["DEBUG"] = os.environ.get("FLASK_DEBUG") == "1"
            """),
            where="True",
            says="Debug mode is hard-coded on",
        ),
        Example(
            code("""
                import os

                DEBUG = True
                ALLOWED_HOSTS = []
                INSTALLED_APPS = ["django.contrib.auth"]
                ROOT_URLCONF = "mysite.urls"
            """),
            fixed=code("""
                import os

                DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
                ALLOWED_HOSTS = []
                INSTALLED_APPS = ["django.contrib.auth"]
                ROOT_URLCONF = "mysite.urls"
            """),
            where="True",
            says="Debug mode is hard-coded on",
        ),
        Example(
            code("""
                from werkzeug.serving import run_simple
                from myapp import application

                run_simple("localhost", 5000, application, use_reloader=True, use_debugger=True)
            """),
            fixed=code("""
                from werkzeug.serving import run_simple
                from myapp import application
                import os

                run_simple("localhost", 5000, application, use_reloader=True, use_debugger=os.environ.get("WERKZEUG_DEBUG") == "1")
            """),
            where="True",
            says="Debug mode is hard-coded on",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        func = node.func
        if name in _RUN_SIMPLE:
            flag = keyword(node, "use_debugger")
            value = flag.value if flag else (node.args[6] if len(node.args) > 6 else None)
            if astutil.is_true(value):
                self._report(value, "WERKZEUG_DEBUG", "The Werkzeug debugger runs any Python code typed into its error page", Severity.HIGH, ctx)
            return
        if not ctx.imports("flask"):
            if config.imported_app_run(node, ctx) and astutil.is_true(value := keyword(node, "debug").value if keyword(node, "debug") else None):
                # `from app import app` ... `app.run(debug=True)`: the application made in another module
                self._report(value, "FLASK_DEBUG", "The application's debug mode (Flask's enables the Werkzeug debugger) runs any Python code typed into its error page", Severity.HIGH, ctx, Confidence.MEDIUM)
            return
        if isinstance(func, ast.Attribute) and func.attr == "run" and name is None or (name or "").startswith("flask.") and (name or "").endswith(".run"):
            value = config.argument(node, 2, ("debug",))
            if astutil.is_true(value):
                host = ctx.string_value(config.argument(node, 0, ("host",))) if config.argument(node, 0, ("host",)) is not None else None
                local_dev = _under_main_guard(node, ctx) and host not in ("0.0.0.0", "", "::")
                self._report(value, "FLASK_DEBUG", "Flask's debug mode enables the Werkzeug debugger, which runs any Python code typed into its error page", Severity.HIGH, ctx, Confidence.MEDIUM if local_dev else Confidence.HIGH)
            return
        if config.config_update_call(node):
            flag = keyword(node, "DEBUG")
            if flag is not None and astutil.is_true(flag.value):
                self._report_flask_flag(flag.value, ctx)

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) != 1 or not astutil.is_true(node.value):
            return
        target = node.targets[0]
        if ctx.imports("flask") and (
            (isinstance(target, ast.Attribute) and target.attr == "debug") or config.config_key(target) == "DEBUG"
        ):
            self._report_flask_flag(node.value, ctx)
        elif isinstance(target, ast.Name) and target.id == "DEBUG" and config.at_module_level(node, ctx) and config.is_django_settings(ctx):
            confidence = Confidence.LOW if config.development_comment(node, ctx) else Confidence.MEDIUM
            self._report(node.value, "DJANGO_DEBUG", "Django's debug mode shows settings, source code and SQL on error pages", Severity.MEDIUM, ctx, confidence)

    def _report_flask_flag(self, value: ast.expr, ctx) -> None:
        """Flask's debug flag set on the app: the debugger comes only with `app.run()`, which reads it."""
        if _starts_an_app(ctx):
            self._report(value, "FLASK_DEBUG", "Flask's debug mode enables the Werkzeug debugger, which runs any Python code typed into its error page", Severity.HIGH, ctx)
            return
        why = (
            "Flask's debug mode enables the Werkzeug debugger (which runs any Python code typed into its error page) when the app is started with "
            "app.run(), which this module never calls; another server, or `flask run` without --debug, installs no debugger"
        )
        self._report(value, "FLASK_DEBUG", why, Severity.HIGH, ctx, Confidence.LOW)

    def _report(self, value: ast.expr, env: str, why: str, severity: Severity, ctx, confidence: Confidence = Confidence.HIGH) -> None:
        if ctx.in_test_code(value) or config.environment_conditional(value, ctx):
            return
        fix = Fix(f"Enable debug mode only when {env}=1", (ctx.replace(value, f'os.environ.get("{env}") == "1"'),), safe=False, imports=("import os",))
        ctx.report(
            self,
            value,
            f"Debug mode is hard-coded on. {why}: turn it on only from the environment on development machines.",
            fix=fix,
            severity=severity,
            confidence=confidence,
        )


def _under_main_guard(node: ast.AST, ctx) -> bool:
    """Inside `if __name__ == "__main__":` (a development entry point)."""
    for anc in ctx.ancestors(node):
        if isinstance(anc, ast.If) and isinstance(anc.test, ast.Compare) and "__main__" in ctx.text(anc.test):
            return True
    return False


def _starts_an_app(ctx) -> bool:
    """The module calls `.run(...)` on something (`app.run()`, `create_app().run(port=5000)`): it
    may start the app whose debug flag it sets, and `app.run()` installs the debugger the flag asks for."""
    return ctx.module.starts_apps
