"""SLS204 hardcoded-signing-key."""

from __future__ import annotations

import ast

from secure_ls.engine.context import keyword
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config, naming, secrets
from secure_ls.rules.base import Example, Rule, code

_JWT_FUNCTIONS = {
    "jwt.encode": 1,
    "jwt.decode": 1,
    "jwt.api_jwt.encode": 1,
    "jwt.api_jwt.decode": 1,
    "jose.jwt.encode": 1,
    "jose.jwt.decode": 1,
    "itsdangerous.URLSafeTimedSerializer": 0,
    "itsdangerous.URLSafeSerializer": 0,
    "itsdangerous.TimedSerializer": 0,
    "itsdangerous.Serializer": 0,
    "itsdangerous.Signer": 0,
    "itsdangerous.TimestampSigner": 0,
}
_TEMPLATES = ("${", "{{", "<", "%(")


class HardcodedSigningKey(Rule):
    """
    ## What it does
    Finds web-framework signing keys written as literals: Django's and
    Flask's `SECRET_KEY` (module or config-class attribute, `app.secret_key`,
    `app.config["SECRET_KEY"]`, `app.config.update(SECRET_KEY=...)`), Flask-JWT's
    `JWT_SECRET_KEY`, and the key argument of PyJWT/python-jose
    `jwt.encode`/`jwt.decode` and of itsdangerous serializers and signers.
    Unlike other secrets, a short or placeholder-looking value (`"dev"`,
    `"changeme"`, `"random"`) is still reported: the framework signs real
    sessions with it all the same, and a short key is also guessed offline.
    It has medium confidence, and low in a configuration for development
    (`class DevelopmentConfig`, or settings that also set `DEBUG = True`),
    which deployments do not run. Empty strings, templates
    (`"${SECRET_KEY}"`) and test code are not reported.

    ## Why is this bad?
    Whoever knows the key can forge session cookies, password-reset links
    and tokens: log in as any user, and with Django's or Flask's pickle-based
    serializers in older setups even run code (CWE-798, CWE-321).

    ## How to fix it
    Generate a long random key per deployment (`python -c "import secrets;
    print(secrets.token_urlsafe(50))"`), keep it out of the code and rotate
    the committed one. The quick fix replaces the literal with
    `os.environ["SECRET_KEY"]` (`JWT_SECRET_KEY` for JWT keys). It is unsafe:
    the environment must provide the value, and changing the key logs every
    user out.
    """

    id = "SLS204"
    name = "hardcoded-signing-key"
    title = "Hard-coded framework or JWT signing key"
    cwe = 798
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "secrets"
    bandit = ("B105",)
    codeql = ("py/hardcoded-credentials",)
    fixable = True
    calls = frozenset(_JWT_FUNCTIONS)

    VALID = [
        code("""
            import os
            SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
        """),
        code("""
            import os
            from flask import Flask
            app = Flask(__name__)
            app.secret_key = os.environ.get("SECRET_KEY", "")
        """),
        code("""
            import jwt
            def make(payload, key):
                return jwt.encode(payload, key, algorithm="HS256")
        """),
        code("""
            from flask import Flask
            app = Flask(__name__)
            app.config["SECRET_KEY"] = "${SECRET_KEY}"
        """),
        code("""
            import pytest
            SECRET_KEY = "test-secret-key-for-tests"
        """),
        code("""
            class SharedCredentialProvider:
                ACCESS_KEY = "aws_access_key_id"
                SECRET_KEY = "aws_secret_access_key"
        """),
    ]
    INVALID = [
        Example(
            code("""
                import os

                INSTALLED_APPS = ["django.contrib.admin"]
                SECRET_KEY = "django-insecure-8x#p2m@v!q9z$w7k3r5t1y6u0i4o"
            """),
            fixed=code("""
                import os

                INSTALLED_APPS = ["django.contrib.admin"]
                SECRET_KEY = os.environ["SECRET_KEY"]
            """),
            where='"django-insecure-8x#p2m@v!q9z$w7k3r5t1y6u0i4o"',
            says="Hard-coded `SECRET_KEY` djan****",
        ),
        Example(
            code("""
                from flask import Flask

                app = Flask(__name__)
                app.secret_key = "dev"
            """),
            fixed=code("""
                from flask import Flask
                import os

                app = Flask(__name__)
                app.secret_key = os.environ["SECRET_KEY"]
            """),
            where='"dev"',
            says="Hard-coded `secret_key` ****",
        ),
        Example(
            code("""
                from flask import Flask

                app = Flask(__name__)
                app.config.update(SECRET_KEY="4f3c2b1a9e8d7c6b5a4f3e2d1c0b9a8f", DEBUG=False)
            """),
            fixed=code("""
                from flask import Flask
                import os

                app = Flask(__name__)
                app.config.update(SECRET_KEY=os.environ["SECRET_KEY"], DEBUG=False)
            """),
            where='"4f3c2b1a9e8d7c6b5a4f3e2d1c0b9a8f"',
            says="Hard-coded `SECRET_KEY` 4f3c****",
        ),
        Example(
            code("""
                import jwt

                def issue(user_id):
                    return jwt.encode({"sub": user_id}, "my-jwt-signing-key-2024", algorithm="HS256")
            """),
            fixed=code("""
                import jwt
                import os

                def issue(user_id):
                    return jwt.encode({"sub": user_id}, os.environ["JWT_SECRET_KEY"], algorithm="HS256")
            """),
            where='"my-jwt-signing-key-2024"',
            says="Hard-coded signing key my-j****",
        ),
    ]

    def visit_Constant(self, node: ast.Constant, ctx) -> None:
        value = secrets.string_constant(node)
        if value is None or not value.strip() or value.strip().startswith(_TEMPLATES) or secrets.label_value(value):
            return
        owner = secrets.literal_owner(node, ctx)
        if owner is None or owner[1].lower() not in secrets.FRAMEWORK_KEY_NAMES:
            return
        kind, name, _ = owner
        if not secrets.framework_key_literal(node, kind, name, ctx) or ctx.in_test_code(node):
            return
        env = "JWT_SECRET_KEY" if name.lower() == "jwt_secret_key" else "SECRET_KEY"
        self._report(node, value, env, f"`{name}`", ctx)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        index = _JWT_FUNCTIONS.get(ctx.call_name(node) or "")
        if index is None:
            return
        key = config.argument(node, index, ("key", "secret_key", "secret"))
        if key is None and keyword(node, "key") is None:
            return
        value = secrets.string_constant(key)
        if value is None or not value.strip() or value.strip().startswith(_TEMPLATES) or ctx.in_test_code(node):
            return
        if value.lstrip().startswith("-----BEGIN") and "PUBLIC" in value:
            return  # verifying with a public key
        env = "JWT_SECRET_KEY" if "jwt" in (ctx.call_name(node) or "") else "SECRET_KEY"
        self._report(key, value, env, "signing key", ctx)

    def _report(self, node, value, env, what, ctx) -> None:
        weak = secrets.placeholder(value) or len(value) < 16
        confidence = (Confidence.LOW if _development_configuration(node, ctx) else Confidence.MEDIUM) if weak else Confidence.HIGH
        text = f'os.environ["{env}"]' + (".encode()" if isinstance(node.value, bytes) else "")
        fix = Fix(f"Read {env} from the environment", (ctx.replace(node, text),), safe=False, imports=("import os",))
        ctx.report(
            self,
            node,
            f"Hard-coded {what} {secrets.mask(value)}: anyone who reads it can forge sessions and tokens; load it from the environment and rotate it.",
            fix=fix,
            confidence=confidence,
        )


# Words that name a configuration for a developer's machine, not a deployment
_DEVELOPMENT_WORDS = frozenset({"dev", "develop", "development", "local", "debug", "example", "sample", "demo"})


def _development_configuration(node: ast.AST, ctx) -> bool:
    """A configuration for a developer's machine, not a deployment: a config class named so
    (`class DevelopmentConfig`, `LocalSettings`), or settings that also turn debugging on
    (`DEBUG = True` beside the key, in the module or the class). Its placeholder key (`"dev"`) is not
    what a deployment signs with."""
    classes = [a for a in ctx.ancestors(node) if isinstance(a, ast.ClassDef)]
    if any(w in _DEVELOPMENT_WORDS for c in classes for w in naming.words(c.name)):
        return True
    if not classes:
        return ctx.module.scalars.get("DEBUG") is True
    return any(
        isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and stmt.value.value is True
        and any(isinstance(t, ast.Name) and t.id == "DEBUG" for t in stmt.targets)
        for stmt in classes[0].body
    )
