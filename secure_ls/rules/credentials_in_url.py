"""SLS203 credentials-in-url."""

from __future__ import annotations

import ast
import re

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config, secrets
from secure_ls.rules.base import Example, Rule, code

# The password runs to the LAST `@` before the host (an unescaped `@` in a password is
# common, and splitting at the first one showed most of the password as the "host").
_URL_WITH_PASSWORD = re.compile(r"\b(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*)://(?P<user>[^\s/:@?#'\"]*):(?P<password>[^\s/?#'\"]+)@(?P<host>[^\s/?#:@'\"]+)")
# Passwords from documentation: SQLAlchemy's scott/tiger and friends.
_DOC_PASSWORDS = frozenset({"tiger", "pass", "passw0rd", "p4ssw0rd", "pw", "pwd", "s3cr3t", "secret123", "password123", "mysecretpassword", "hunter2"})
_LOCAL_HOSTS = re.compile(r"^(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|example\.(com|org|net)|.*\.example\.(com|org|net)|.*\.local|host|hostname|server)$", re.IGNORECASE)


class CredentialsInUrl(Rule):
    """
    ## What it does
    Finds URLs and connection strings with an embedded password
    (`postgresql://app:S3cret@db/prod`, `redis://:token@cache:6379`,
    `https://user:pw@host/`) in string literals. Passwords that are
    placeholders (`{password}`, `%s`, `${DB_PASSWORD}`, `<password>`, `****`,
    `password`) or documentation values (`scott:tiger`) are not reported,
    nor are docstrings or test code (test databases' URLs are fixtures).
    URLs pointing at `localhost` or an example domain are reported with low
    confidence.

    ## Why is this bad?
    The password is readable by everyone with access to the repository and
    its history, and connection strings are also printed in logs, error
    pages and tracebacks (CWE-798).

    ## How to fix it
    Keep the whole URL in the environment (the usual `DATABASE_URL`
    convention) or assemble it from a password read from a secret store. When
    the literal is assigned to a name, passed as a keyword or stored under a
    dict key, the quick fix replaces it with `os.environ["NAME"]`, NAME from
    that name in upper snake case. The fix is unsafe: the environment must
    now provide the value. The message masks the password.
    """

    id = "SLS203"
    name = "credentials-in-url"
    title = "Password embedded in a URL or connection string"
    cwe = 798
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "secrets"
    bandit = ()
    fixable = True

    VALID = [
        code("""
            import os
            DATABASE_URL = os.environ["DATABASE_URL"]
        """),
        'URL = "postgresql://scott:tiger@localhost/test"\n',
        code("""
            def url(user, password, host):
                return f"postgresql://{user}:{password}@{host}/app"
        """),
        code("""
            TEMPLATE = "mysql://%s:%s@%s/%s"
            OTHER = "redis://:${REDIS_PASSWORD}@cache:6379/0"
        """),
        'HELP = "Example: https://user:<password>@proxy.corp:3128"\n',
        code("""
            import time
            MSG = "mailto:someone@example.com"
            WHEN = "12:30@noon"
        """),
    ]
    INVALID = [
        Example(
            code("""
                from sqlalchemy import create_engine

                DATABASE_URL = "postgresql://app:Xk29-vLq7pR@db.internal:5432/prod"
                engine = create_engine(DATABASE_URL)
            """),
            fixed=code("""
                from sqlalchemy import create_engine
                import os

                DATABASE_URL = os.environ["DATABASE_URL"]
                engine = create_engine(DATABASE_URL)
            """),
            where='"postgresql://app:Xk29-vLq7pR@db.internal:5432/prod"',
            says="Password embedded in the URL `postgresql://app:****@db.internal`",
        ),
        Example(
            code("""
                import redis

                cache = redis.Redis.from_url("redis://:b7Gq2Lz9Xw4@cache.prod.corp:6379/0")
            """),
            fixed=None,
            where='"redis://:b7Gq2Lz9Xw4@cache.prod.corp:6379/0"',
            says="Password embedded in the URL `redis://:****@cache.prod.corp`",
        ),
        Example(
            code("""
                from celery import Celery

                app = Celery("tasks", broker="amqp://worker:R4bb1t-Pw@mq.prod.corp//")
            """),
            fixed=code("""
                from celery import Celery
                import os

                app = Celery("tasks", broker=os.environ["BROKER"])
            """),
            where='"amqp://worker:R4bb1t-Pw@mq.prod.corp//"',
            says="Password embedded in the URL `amqp://worker:****@mq.prod.corp`",
        ),
    ]

    def visit_Constant(self, node: ast.Constant, ctx) -> None:
        value = secrets.string_constant(node)
        if value is None or "://" not in value or "@" not in value:
            return
        match = _URL_WITH_PASSWORD.search(value)
        if match is None:
            return
        password = match.group("password")
        if _placeholder_password(password, match.group("user")):
            return
        if secrets.is_docstring(node, ctx) or ctx.in_test_code(node):
            return
        host = match.group("host")
        confidence = Confidence.LOW if _LOCAL_HOSTS.match(host) else Confidence.MEDIUM
        if secrets.high_entropy(password):
            confidence = Confidence.HIGH if confidence is Confidence.MEDIUM else confidence
        fix = None
        owner = secrets.literal_owner(node, ctx)
        if owner is not None and match.group(0) == value.strip()[: len(match.group(0))] and value.strip().startswith(match.group("scheme")):
            kind, name, _ = owner
            text = secrets.env_fix_text(kind, name) + (".encode()" if isinstance(node.value, bytes) else "")
            fix = Fix(f"Read {config.upper_snake(name)} from the environment", (ctx.replace(node, text),), safe=False, imports=("import os",))
        shown = f"{match.group('scheme')}://{match.group('user')}:{secrets.mask(password)}@{host}"
        ctx.report(
            self,
            node,
            f"Password embedded in the URL `{shown}`: keep the URL (or its password) in the environment or a secret manager.",
            fix=fix,
            confidence=confidence,
        )


def _placeholder_password(password: str, user: str) -> bool:
    low = password.lower()
    if low in _DOC_PASSWORDS or low == user.lower():
        return True
    if any(ch in password for ch in "{}<>$%*[]") or password.startswith(":"):
        return True
    if re.fullmatch(r"\d{1,5}", password):
        return True  # "host:8080@..." is a port, not a password
    return secrets.placeholder(password) and not secrets.high_entropy(password)
