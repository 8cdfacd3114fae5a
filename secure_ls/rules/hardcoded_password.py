"""SLS201 hardcoded-password."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config, secrets
from secure_ls.rules.base import Example, Rule


class HardcodedPassword(Rule):
    """
    ## What it does
    Finds string literals given to a name that holds a secret: a password,
    passphrase, secret, token, API/access/private key or client secret. The
    literal may be assigned (`DB_PASSWORD = "..."`, `self.api_key = "..."`,
    `settings["token"] = "..."`), be a parameter default
    (`def connect(password="...")`), a keyword argument
    (`login(user, password="...")`), a dict value (`{"password": "..."}`)
    or the fallback of an environment lookup
    (`os.environ.get("DB_PASSWORD", "...")`, used whenever the variable is
    unset). A literal compared with such a name (`password == "..."`,
    `request.form["password"] != "..."`) is the value a check accepts, and is
    reported too, even a default credential such as `"admin"` (a placeholder
    elsewhere), unless the check refuses it (`if ... == "changeme": raise`,
    a warning, or a new value in its place: `password = new_token()`).
    A bare `key` or `token`, which as often names a dictionary key or a
    parser token, is reported only when its value is shaped like a
    generated credential (32 or more characters of a base64 alphabet that
    mix upper case, lower case and digits, as random as such keys are).

    The secret word must end the name: `password_field`, `token_url`,
    `TOKEN_TYPE` or `max_tokens` name something else and are not reported.
    Values that are clearly not secrets are not reported either: empty
    strings, placeholders (`"changeme"`, `"xxx"`, `"<your-key>"`, `"${VAR}"`,
    `"*****"`, markers replaced in text such as `"!UNDERSCORE!"` or
    `"__token__"`, the mask an API shows in place of a secret such as
    `"$encrypted$"` or `"**redacted**"`), labels and prompts (`"Password:"`, `"Bearer"`, a value equal
    to the name, a field name like `"user_password"`), format strings, URLs
    and paths. Test code (a module importing pytest/unittest, `test_*`
    functions, `Test*` classes) is not reported: its credentials are
    fixtures. Values with a recognisable provider format (AWS, GitHub,
    Stripe, ...) are reported by SLS202 instead, and framework signing keys
    (`SECRET_KEY`) by SLS204. A long random-looking value is reported with
    high confidence, other values with medium.

    ## Why is this bad?
    A secret in source code is readable by everyone with access to the
    repository, its history, every clone, build artifact and backup, and it
    cannot be rotated without a code change (CWE-798). Leaked repository
    credentials are among the most common causes of breaches.

    ## How to fix it
    Read the secret from the environment or a secret manager, and rotate the
    one that was committed. The quick fix replaces the literal with
    `os.environ["NAME"]`, NAME being the variable or keyword name in upper
    snake case (`dbPassword` becomes `DB_PASSWORD`); a parameter default
    becomes `os.environ.get("NAME")` so that importing the module does not
    fail when the variable is unset; an environment lookup with a fallback
    becomes `os.environ["NAME"]`; a secret written into the environment
    (`os.environ["API_KEY"] = "..."`) is removed. The fix is unsafe: the
    environment must now provide the value. The message shows only a masked
    form of the secret.
    """

    id = "SLS201"
    name = "hardcoded-password"
    title = "Hard-coded password or secret"
    cwe = 798
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "secrets"
    bandit = ("B105", "B106", "B107")
    fixable = True

    VALID = [
        # a marker put into text and replaced later, and PyPI's fixed user name for API tokens
        'UNDERSCORE_TOKEN = "!UNDERSCORE!"\nPYPI_TOKEN_USER = "__token__"\n\ndef escape(name):\n    return name.replace("_", UNDERSCORE_TOKEN)\n',
        # the mask an API returns in place of the password, and that clients send back unchanged
        'def to_representation(ret):\n    ret["password"] = "$encrypted$"\n    return ret\n\ndef update(obj, new_password):\n    if new_password and new_password != "$encrypted$":\n        obj.set_password(new_password)\n',
        # help text for a setting: a sentence, even with an arrow or a path in it
        'DESCRIPTIONS = {"ZVONOK_API_KEY": "API public key. You can get it in Profile->Settings section."}\n',
        # a table of such help texts: its short labels describe the settings too
        'DESCRIPTIONS = {\n    "EXOTEL_ACCOUNT_SID": "Exotel account SID from the developer settings",\n    "EXOTEL_API_KEY": "API Key (username)",\n    "EXOTEL_APP_ID": "Identifier of the flow (or applet)",\n}\n',
        # the name of a private dict key (leading underscores, words) and a placeholder in parentheses
        'STREAMING_DATA_FETCH_PO_TOKEN = "__app_fetch_po_token"\nLOGIN_SAMPLE = {"username": "alice", "password": "(snip)"}\n',
        # keys that name an action on a password (a rate limit per action), not a password
        'ACCOUNT_RATE_LIMITS = {"change_password": "5/m/user", "forgot_password": "20/m/ip", "reset_password": "20/m/ip"}\n',
        # a well-known default the program replaces with a generated one
        'import secrets\n\ndef admin_password(configured):\n    password = configured\n    if password == "password":\n        password = secrets.token_urlsafe(16)\n    return password\n',
        'import os\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n',
        'PASSWORD_FIELD = "password"\nTOKEN_URL = "https://example.com/oauth/token"\nTOKEN_TYPE = "Bearer"\n',
        'password = input("Password: ")\nprompt = {"password": "Enter your password"}\n',
        'def login(client, password=""):\n    return client.post("/login", data={"password": password})\n',
        'API_KEY = "<your-api-key>"\nSECRET = "${APP_SECRET}"\nDB_PASSWORD = "changeme"\nmasked = {"password": "*****"}\n',
        'auth_header = "Authorization"\naccess_token = "access_token"\nmax_tokens = "4096"\n',
        'import pytest\ndef test_login(client):\n    assert client.login(username="bob", password="s3cr3t-Pa55")\n',
        'class Token:\n    pass\ntoken = "EOF"\ncsrf_token = "csrftoken"\n',
        'password_hash = "pbkdf2_sha256$260000$abc$def"\nurl = "postgres://user:{password}@host/db".format(password=pw)\n',
        'SECRET_KEY = "django-insecure-4d8f9g0h1j2k3l4m5n6b7v8c9x0z"\n',
        # a known default refused, not accepted; a bare `key` holding no credential-shaped value
        'from django.conf import settings\nif settings.ADMIN_PASSWORD == "Sup3r-s3cret!":\n    raise RuntimeError("change the default password")\n',
        'import logging\nfrom django.conf import settings\nif not settings.ADMIN_PASSWORD or settings.ADMIN_PASSWORD == "admin":\n    logging.warning("set ADMIN_PASSWORD")\n',
        'def check(token, api_token):\n    return token == "undefined" or api_token == "null"\n',
        # messages about credentials, keyed by error code
        'ERRORS = {\n    "invalid-credentials": "Access denied, check your credentials",\n    "banned": "Access denied, account is suspended",\n}\n',
        'key = "0123456789abcdef0123456789abcdef"\ntoken = "user-profile-settings-cache-entry"\ncache_key = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"\n',
        'RESOURCE_IDS = {"AWS::IAM::AccessKey": "72c2d9dd90025459"}\nACL_CREDENTIALS = "Access-Control-Allow-Credentials"\n',
        'jsonnet_token = r"[^\\W\\d]\\w*"\n_SAR_APP_KEY = "serverlessrepo:applicationId"\n',
    ]
    INVALID = [
        Example(  # the password a login accepts, visible to anyone who reads the code
            'from flask import request\n\ndef admin_login():\n    return request.form["password"] == "myPa55word"\n',
            fixed='from flask import request\nimport os\n\ndef admin_login():\n    return request.form["password"] == os.environ["PASSWORD"]\n',
            where='"myPa55word"',
            says="compared with `password`",
        ),
        Example(  # a default credential accepted by a check is a backdoor, not a placeholder
            'def is_admin(password):\n    return password == "admin"\n',
            fixed='import os\ndef is_admin(password):\n    return password == os.environ["PASSWORD"]\n',
        ),
        Example(  # a bare `key` whose value is shaped like a generated API key
            'from canvasapi import Canvas\n\ndef course(course_id):\n    key = "vQF6J15Kuh3Y6ut1Vh247dlVEIpTEbMnWq7lRKjDBaWu"\n    return Canvas("https://canvas.example.edu/", key).get_course(course_id)\n',
            fixed='from canvasapi import Canvas\nimport os\n\ndef course(course_id):\n    key = os.environ["KEY"]\n    return Canvas("https://canvas.example.edu/", key).get_course(course_id)\n',
            says="assigned to `key`",
        ),
        Example(
            'import psycopg2\n\nDB_PASSWORD = "Sup3r-s3cret!"\nconn = psycopg2.connect(host="db", user="app", password=DB_PASSWORD)\n',
            fixed='import psycopg2\nimport os\n\nDB_PASSWORD = os.environ["DB_PASSWORD"]\nconn = psycopg2.connect(host="db", user="app", password=DB_PASSWORD)\n',
        ),
        Example(
            'import smtplib\n\ndef send(msg):\n    server = smtplib.SMTP("mail.example.com")\n    server.login("robot", password="hunter22")\n    server.send_message(msg)\n',
            fixed='import smtplib\nimport os\n\ndef send(msg):\n    server = smtplib.SMTP("mail.example.com")\n    server.login("robot", password=os.environ["PASSWORD"])\n    server.send_message(msg)\n',
        ),
        Example(
            'import os\n\nclass Client:\n    def __init__(self, apiKey="q8Zr2LmX9vTb4NwYc7KdPf3H"):\n        self.apiKey = apiKey\n',
            fixed='import os\n\nclass Client:\n    def __init__(self, apiKey=os.environ.get("API_KEY")):\n        self.apiKey = apiKey\n',
        ),
        Example(
            'import requests\n\nCONFIG = {"user": "svc", "client_secret": "7fd1c2a9e4b84f3c9a0d5e6b7c8d9e0f"}\n',
            fixed='import requests\nimport os\n\nCONFIG = {"user": "svc", "client_secret": os.environ["CLIENT_SECRET"]}\n',
        ),
        Example(
            'import os\n\nDB_PASSWORD = os.environ.get("DB_PASSWORD", "pg-Secr3t-2024")\n',
            fixed='import os\n\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n',
        ),
        Example(
            'import os\nimport openai\n\nos.environ["OPENAI_API_KEY"] = "sk-Nu59VN3k38m41dsJ1jKlT3Bl"\nclient = openai.OpenAI()\n',
            fixed='import os\nimport openai\n\nclient = openai.OpenAI()\n',
        ),
        Example(
            'class Settings:\n    def __init__(self):\n        self.smtp_password = b"pa55w0rd-smtp"\n',
            fixed='import os\nclass Settings:\n    def __init__(self):\n        self.smtp_password = os.environ["SMTP_PASSWORD"].encode()\n',
        ),
    ]

    def visit_Constant(self, node: ast.Constant, ctx) -> None:
        value = secrets.string_constant(node)
        if value is None or not value.strip():
            return
        owner = secrets.literal_owner(node, ctx)
        if owner is None:
            compared = secrets.compared_owner(node, ctx)
            owner = ("compare", compared, node) if compared is not None else None
        if owner is None:
            self._env_fallback(node, value, ctx)
            return
        kind, name, _anchor = owner
        if not (secrets.secret_name(name) or secrets.bare_secret_word(name) and secrets.credential_shaped(value)):
            return
        if secrets.framework_key_literal(node, kind, name, ctx) or kind == "compare" and _refuses_default(node, ctx):
            return
        if secrets.placeholder(value, name) and not (kind == "compare" and value.strip().lower() in secrets.DEFAULT_CREDENTIALS) or secrets.known_token(value):
            return
        if ctx.in_test_code(node):
            return
        confidence = Confidence.HIGH if secrets.high_entropy(value) else Confidence.MEDIUM
        replacement = secrets.env_fix_text(kind, name)
        if isinstance(node.value, bytes):
            replacement += ".encode()"
        fix = Fix(f"Read {config.upper_snake(name)} from the environment", (ctx.replace(node, replacement),), safe=False, imports=("import os",))
        environ = secrets.environ_assignment(node, ctx)
        if environ is not None:
            deletion = secrets.delete_statement(environ, ctx)
            fix = Fix(f"Let the environment provide {name}", (deletion,), safe=False) if deletion else None
        where = {
            "assign": f"assigned to `{name}`",
            "default": f"as the default of `{name}`",
            "keyword": f"passed as `{name}=`",
            "dict": f"stored under `{name!r}`",
            "compare": f"compared with `{name}` (whoever reads the code knows the value that passes)",
        }[kind]
        ctx.report(
            self,
            node,
            f"Hard-coded secret {secrets.mask(value)!s} {where}: read it from the environment or a secret manager (and rotate it).",
            fix=fix,
            confidence=confidence,
        )

    def _env_fallback(self, node: ast.Constant, value: str, ctx) -> None:
        """`os.environ.get("DB_PASSWORD", "literal")`: the literal is used whenever the variable is unset."""
        call = ctx.parent(node)
        if not (isinstance(call, ast.Call) and len(call.args) == 2 and call.args[1] is node and not call.keywords):
            return
        if ctx.call_name(call) not in ("os.getenv", "os.environ.get"):
            return
        name = secrets.string_constant(call.args[0])
        if not secrets.secret_name(name) or secrets.placeholder(value, name) or secrets.known_token(value) or ctx.in_test_code(node):
            return
        confidence = Confidence.HIGH if secrets.high_entropy(value) else Confidence.MEDIUM
        fix = Fix(f"Require {name} to be set", (ctx.replace(call, f"os.environ[{ctx.text(call.args[0])}]"),), safe=False, imports=("import os",))
        ctx.report(
            self,
            node,
            f"Hard-coded fallback secret {secrets.mask(value)} for `{name}`: it is used whenever the variable is unset; require the variable instead.",
            fix=fix,
            confidence=confidence,
        )


_WARNINGS = frozenset({"warn", "warning", "error", "critical", "exit", "fail"})


def _refuses_default(node: ast.Constant, ctx) -> bool:
    """`if settings.SECRET_KEY == "change-me": raise ImproperlyConfigured(...)`: the literal is a
    known default the program refuses (warns about, or replaces: `password = new_token()`), not
    the value it accepts."""
    compare = ctx.parent(node)
    if not isinstance(compare.ops[0], ast.Eq):
        return False
    test, branch = compare, ctx.parent(compare)
    while isinstance(branch, (ast.BoolOp, ast.UnaryOp)):  # `if not password or password == "changeme":`
        test, branch = branch, ctx.parent(branch)
    if not (isinstance(branch, ast.If) and branch.test is test):
        return False
    first = branch.body[0]
    if isinstance(first, ast.Raise):
        return True
    other = compare.comparators[0] if compare.left is node else compare.left
    if any(isinstance(stmt, ast.Assign) and any(ctx.text(t) == ctx.text(other) for t in stmt.targets) for stmt in branch.body):
        return True  # `if password == "password": password = new_token()`
    call = first.value if isinstance(first, ast.Expr) else None
    return isinstance(call, ast.Call) and astutil.last_name(call.func) in _WARNINGS
