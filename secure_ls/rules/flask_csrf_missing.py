"""SLS812 flask-csrf-protection-missing."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import frameworks
from secure_ls.rules.base import Example, Rule, code

_APP_CLASSES = frozenset({"flask.Flask", "quart.Quart"})
_PROTECTIONS = ("flask_wtf", "flask_seasurf", "flask_csrf", "flask_talisman_csrf", "wtforms.csrf")


class FlaskCsrfProtectionMissing(Rule):
    """
    ## What it does
    Finds form-handling routes (`methods=["POST"]`, `@app.post`) that read
    `request.form`, in a module that creates its own Flask application and
    never sets up CSRF protection (no Flask-WTF `CSRFProtect`/`FlaskForm`,
    no Flask-SeaSurf imported anywhere in the module).

    ## Why is this bad?
    Flask has no built-in CSRF protection. Any web page the user visits can
    submit a form to these routes with the user's session cookie: change
    their password, post as them, transfer money (cross-site request
    forgery).

    ## How to fix it
    Enable Flask-WTF's protection for the whole app:
    `from flask_wtf.csrf import CSRFProtect` and `CSRFProtect(app)`, then
    put `<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">`
    in every form. Setting the session cookie with `SameSite=Lax` (Flask's
    `SESSION_COOKIE_SAMESITE`) is a useful second layer. Modules that only
    define blueprints, or that read JSON rather than forms, are not
    reported. A module with no session, cookie, login, user, secret or
    password in sight, and no configuration or blueprints loaded from
    elsewhere, gets a low-confidence finding: its application does not
    know who posts, so a forged form does nothing its author could not post
    directly.
    """

    id = "SLS812"
    name = "flask-csrf-protection-missing"
    title = "Flask app handles forms without CSRF protection"
    cwe = 352
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "csrf"
    fixable = False

    VALID = [
        code("""
            from flask import Flask, request
            from flask_wtf.csrf import CSRFProtect

            app = Flask(__name__)
            csrf = CSRFProtect(app)

            @app.route("/comment", methods=["POST"])
            def comment():
                return request.form["text"]
        """),
        code("""
            from flask import Flask, request

            app = Flask(__name__)

            @app.route("/api/items", methods=["POST"])
            def create():
                return request.get_json()
        """),
        code("""
            from flask import Blueprint, request

            bp = Blueprint("views", __name__)

            @bp.route("/comment", methods=["POST"])
            def comment():
                return request.form["text"]
        """),
        code("""
            from flask import Flask, request

            app = Flask(__name__)

            @app.route("/search")
            def search():
                return request.args["q"]
        """),
    ]
    INVALID = [
        Example(
            code("""
                from flask import Flask, redirect, request, session

                app = Flask(__name__)

                @app.route("/transfer", methods=["GET", "POST"])
                def transfer():
                    if request.method == "POST":
                        send(session["account"], request.form["to"], request.form["amount"])
                    return redirect("/")

                def send(account, to, amount):
                    pass
            """),
            where='app.route("/transfer", methods=["GET", "POST"])',
            says="This route handles form posts, but the Flask app has no CSRF protection",
        ),
        Example(
            code("""
                import flask

                app = flask.Flask(__name__)

                @app.post("/password")
                def change_password():
                    new = flask.request.form.get("password")
                    return "ok"
            """),
            where='app.post("/password")',
            says="This route handles form posts, but the Flask app has no CSRF protection",
        ),
    ]

    def visit_FunctionDef(self, node, ctx) -> None:
        if not _creates_app(ctx) or any(ctx.imports(m) for m in _PROTECTIONS) or ctx.in_test_code(node):
            return
        for deco in node.decorator_list:
            if frameworks.app_route_taking_unsafe_methods(deco, ctx) and _reads_form(node, ctx):
                ctx.report(
                    self,
                    deco,
                    "This route handles form posts, but the Flask app has no CSRF protection: any site can submit it with the "
                    "user's cookies. Add Flask-WTF's `CSRFProtect(app)` and a `csrf_token` field in the forms.",
                    # a forged post rides on the user's cookies or credentials: an application that knows no
                    # user (no session, login, user or secret in its module) has none to ride on
                    confidence=Confidence.MEDIUM if ctx.module.knows_users else Confidence.LOW,
                )
                return

    visit_AsyncFunctionDef = visit_FunctionDef


def _creates_app(ctx) -> bool:
    return any(q in _APP_CLASSES for q in ctx.module.imports.values()) or (
        any(q in ("flask", "quart") for q in ctx.module.imports.values())
    )


def _reads_form(func, ctx) -> bool:
    for node in astutil.walk(func):
        if isinstance(node, ast.Attribute) and node.attr == "form":
            base = node.value
            if ctx.qualified_name(base) in ("flask.request", "quart.request"):
                return True
    return False
