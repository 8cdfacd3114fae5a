"""SLS201 hardcoded-password."""

from __future__ import annotations

import ast

from secure_ls.engine import declarations
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config, naming, secrets
from secure_ls.rules.base import Example, Rule, code


class HardcodedPassword(Rule):
    """
    ## What it does
    Finds string literals given to a name that holds a secret: a password,
    passphrase, secret, token, API/access/private key or client secret. The
    literal may be assigned (`DB_PASSWORD = "..."`, `self.api_key = "..."`,
    `settings["token"] = "..."`), be a parameter default
    (`def connect(password="...")`), a keyword argument
    (`login(user, password="...")`), a dict value (`{"password": "..."}`),
    the value a field declaration in a class gives its field (`client_secret =
    forms.CharField(initial="...")`, or its widget's `attrs={"value": "..."}`:
    every visitor of the form receives it), or the fallback of an environment lookup
    (`os.environ.get("DB_PASSWORD", "...")`, used whenever the variable is
    unset). A literal compared with such a name (`password == "..."`,
    `request.form["password"] != "..."`) is the value a check accepts, and is
    reported too, even a default credential such as `"admin"` or any other
    lower-case word checked together with a user name (`username == "demo"
    and password == "demo"`), placeholders elsewhere (a word compared alone is
    as often a mode: `shared_secret == "generate"`), unless the check refuses
    it (`if ... == "changeme": raise`,
    a warning, logged or written to the terminal as a Django command does
    with `self.stdout.write(self.style.WARNING(...))`, or a new value in its
    place: `password = new_token()`), or the comparison is the answer of a
    predicate named for the default (`def is_default_password(password):
    return password == "default"`: its callers look for the placeholder).
    A parameter default that is also the default of the function's user-name
    parameter (`username="neo4j", password="neo4j"`: the login a service ships
    with, which a client library offers to override) is the audit tier.
    A bare `key` or `token`, which as often names a dictionary key or a
    parser token, is reported only when its value is shaped like a
    generated credential (32 or more characters of a base64 alphabet that
    mix upper case, lower case and digits, as random as such keys are).

    The secret word must end the name: `password_field`, `token_url`,
    `TOKEN_TYPE` or `max_tokens` name something else and are not reported.
    Values that are clearly not secrets are not reported either: empty
    strings, placeholders (`"changeme"`, `"xxx"`, `"<your-key>"`, `"--enter-your-key-here--"`, `"${VAR}"`,
    `"*****"`, a key's prefix with the rest elided (`"sk-..."`), a command-line option's
    name (`"--password"`), markers replaced in text such as `"!UNDERSCORE!"` or
    `"__token__"`, the mask an API shows in place of a secret such as
    `"$encrypted$"` or `"**redacted**"`), labels and prompts (`"Password:"`, `"Bearer"`, a typed value's prefix `"string:"`, a value equal
    to the name, a field name like `"user_password"`), words joined by
    punctuation, also as a condition (`"sms_provider=ovh"`), format strings,
    URLs and paths (`"C:\\\\"` too), import paths (`"._internal.api_token:ApiToken"`, a lazy import's
    target), dotted numbers (an object identifier kept under the name
    of the attribute it identifies: `{"unicodePwd": "1.2.840.113556.1.4.90"}`,
    a version, an address), and rate limits (`"100000/day"`, a throttle rate kept
    under the name of what it limits: `{"api_key": "1000/hour"}`), and keys a service publishes
    to be embedded in clients (PostHog's `phc_...` project key, Stripe's `pk_live_...`
    publishable key: they send events or start a payment, never read data). Test code (a module importing pytest/unittest, `test_*`
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
    codeql = ("py/hardcoded-credentials",)
    fixable = True

    VALID = [
        # an Enum's members name the program's choices (an OAuth grant), their values are labels;
        # a shell command that makes a key when it runs is no key
        code("""
            from enum import Enum

            class AuthResolution(str, Enum):
                no_auth = "no-auth"
                client_credentials = "m2m-client-credentials"

            NEW_MASTER_KEY = "sk-$(openssl rand -hex 32)"
        """),
        # `pwd` the working directory (a Windows path); a D-Bus typed value's prefix; messages
        # with markup or field names in them
        # a form's validation rules kept under the field's name (Masonite's, Laravel's `required|strong`)
        code("""
            def store(request):
                return request.validate({"email": "required", "password": "required|strong|confirmed"})
        """),
        code("""
            EXPIRED_CONFIRM_TOKEN = 'This confirmation link has expired. Please <a href="/login/">log in</a> to continue.'
            MISSING = {"secret": "Credentials must include either 'api_token' or both 'api_key' and 'api_email'."}

            class RemoteShell:
                def __init__(self):
                    self.__pwd = "C:\\\\"

            def set_password(bus, user_path):
                password = "string:"
                return bus.call(user_path, "SetPassword", password)
        """),
        # the LDAP attribute a password goes in, named by its object identifier
        code("""
            ATTRIBUTE_IDS = {"sAMAccountName": "1.2.840.113556.1.4.221", "unicodePwd": "1.2.840.113556.1.4.90"}
        """),
        # a word compared alone is a mode or sentinel the setting may hold
        code("""
            def secret(shared_secret):
                if shared_secret is None or shared_secret == "generate":
                    return new_secret()
                return shared_secret
        """),
        # keys made to be shipped in clients: they send events or start a payment, never read data
        code("""
            POSTHOG_PROJECT_API_KEY = "phc_hgJkUVJFYtmaJqrvf6CYN67TIQ8yhXAkWzUn9AMU4yX"
            STRIPE_PUBLISHABLE_KEY = "pk_live_51HqLyjWDarjtT1zdp7dcQ8mRkT2vNbE"
        """),
        code("""
            LANGFUSE_SECRET_KEY = "sk-lf-..."
            USERADD_OPTIONS = {"passwd": "--password", "uid": "--uid"}
            instance_token = "<s0><s1>"  # a language model's special tokens, not a credential
        """),
        # throttle rates named for what they limit
        code("""
            REST_FRAMEWORK = {
                "DEFAULT_THROTTLE_RATES": {"login": "100/min", "master_api_key": "100000/day", "token": "10 per second"},
            }
        """),
        # a marker put into text and replaced later, and PyPI's fixed user name for API tokens
        code("""
            UNDERSCORE_TOKEN = "!UNDERSCORE!"
            PYPI_TOKEN_USER = "__token__"

            def escape(name):
                return name.replace("_", UNDERSCORE_TOKEN)
        """),
        # the mask an API returns in place of the password, and that clients send back unchanged
        code("""
            def to_representation(ret):
                ret["password"] = "$encrypted$"
                return ret

            def update(obj, new_password):
                if new_password and new_password != "$encrypted$":
                    obj.set_password(new_password)
        """),
        # help text for a setting: a sentence, even with an arrow or a path in it
        'DESCRIPTIONS = {"ZVONOK_API_KEY": "API public key. You can get it in Profile->Settings section."}\n',
        # ... also when it starts with the site's name
        'optdescs = {"api_key": "Hunter.io API key."}\n',
        # a table of such help texts: its short labels describe the settings too
        code("""
            DESCRIPTIONS = {
                "EXOTEL_ACCOUNT_SID": "Exotel account SID from the developer settings",
                "EXOTEL_API_KEY": "API Key (username)",
                "EXOTEL_APP_ID": "Identifier of the flow (or applet)",
            }
        """),
        # the name of a private dict key (leading underscores, words) and a placeholder in parentheses
        code("""
            STREAMING_DATA_FETCH_PO_TOKEN = "__app_fetch_po_token"
            LOGIN_SAMPLE = {"username": "alice", "password": "(snip)"}
        """),
        # an instruction framed by dashes, left for the reader to replace
        code("""
            from openai import OpenAI

            API_KEY = "--enter-your-API-key-here--"
            client = OpenAI(api_key=API_KEY)
        """),
        # keys that name an action on a password (a rate limit per action), not a password
        'ACCOUNT_RATE_LIMITS = {"change_password": "5/m/user", "forgot_password": "20/m/ip", "reset_password": "20/m/ip"}\n',
        # a well-known default the program replaces with a generated one
        code("""
            import secrets

            def admin_password(configured):
                password = configured
                if password == "password":
                    password = secrets.token_urlsafe(16)
                return password
        """),
        code("""
            import os
            DB_PASSWORD = os.environ["DB_PASSWORD"]
        """),
        code("""
            PASSWORD_FIELD = "password"
            TOKEN_URL = "https://example.com/oauth/token"
            TOKEN_TYPE = "Bearer"
        """),
        code("""
            password = input("Password: ")
            prompt = {"password": "Enter your password"}
        """),
        code("""
            def login(client, password=""):
                return client.post("/login", data={"password": password})
        """),
        code("""
            API_KEY = "<your-api-key>"
            SECRET = "${APP_SECRET}"
            DB_PASSWORD = "changeme"
            masked = {"password": "*****"}
        """),
        code("""
            auth_header = "Authorization"
            access_token = "access_token"
            max_tokens = "4096"
        """),
        code("""
            import pytest
            def test_login(client):
                assert client.login(username="bob", password="s3cr3t-Pa55")
        """),
        code("""
            class Token:
                pass
            token = "EOF"
            csrf_token = "csrftoken"
        """),
        code("""
            password_hash = "pbkdf2_sha256$260000$abc$def"
            url = "postgres://user:{password}@host/db".format(password=pw)
        """),
        'SECRET_KEY = "django-insecure-4d8f9g0h1j2k3l4m5n6b7v8c9x0z"\n',
        # a predicate named for the default: its callers look for the placeholder to refuse it
        code("""
            def is_default_password(config, password):
                return password == "default" and config["AUTH_STRATEGY"] != "no_password"
        """),
        # a known default refused, not accepted; a bare `key` holding no credential-shaped value
        code("""
            from django.conf import settings
            if settings.ADMIN_PASSWORD == "Sup3r-s3cret!":
                raise RuntimeError("change the default password")
        """),
        code("""
            import logging
            from django.conf import settings
            if not settings.ADMIN_PASSWORD or settings.ADMIN_PASSWORD == "admin":
                logging.warning("set ADMIN_PASSWORD")
        """),
        # ... or writes a warning to the terminal, as a management command does
        code("""
            from django.core.management.base import BaseCommand

            class Command(BaseCommand):
                def handle(self, *args, password=None, **options):
                    if password == "password":
                        self.stdout.write(self.style.WARNING("You should change the default password."))
                    create_admin(password)
        """),
        code("""
            def check(token, api_token):
                return token == "undefined" or api_token == "null"
        """),
        # messages about credentials, keyed by error code
        code("""
            ERRORS = {
                "invalid-credentials": "Access denied, check your credentials",
                "banned": "Access denied, account is suspended",
            }
        """),
        code("""
            key = "0123456789abcdef0123456789abcdef"
            token = "user-profile-settings-cache-entry"
            cache_key = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
        """),
        code("""
            RESOURCE_IDS = {"AWS::IAM::AccessKey": "72c2d9dd90025459"}
            ACL_CREDENTIALS = "Access-Control-Allow-Credentials"
        """),
        # when each secret field is shown: a condition on another field, not the secret
        code("""
            VISIBILITY_RULES = {
                "sms_api_secret": "sms_provider=ovh",
                "sms_consumer_key": "sms_provider=ovh&sms_enabled=true",
            }
        """),
        code(r"""
            jsonnet_token = r"[^\W\d]\w*"
            _SAR_APP_KEY = "serverlessrepo:applicationId"
        """),
    ]
    INVALID = [
        Example(  # an Enum member holding what is shaped like a credential is one
            code("""
                from enum import Enum

                class Keys(str, Enum):
                    api_key = "Zx8Tq2Lm9Rv4Kp7Wn3Jd6Hs1Fb5Gc0Ye"
            """),
            fixed=code("""
                from enum import Enum
                import os

                class Keys(str, Enum):
                    api_key = os.environ["API_KEY"]
            """),
            where='"Zx8Tq2Lm9Rv4Kp7Wn3Jd6Hs1Fb5Gc0Ye"',
            says="assigned to `api_key`",
        ),
        Example(  # a form's hidden field that hands every visitor the OAuth client secret
            code("""
                from django import forms

                class LoginForm(forms.Form):
                    client_secret = forms.CharField(widget=forms.HiddenInput(attrs={"value": "mWM7pgvjtUSAtfaK8RXLjzOaLmurBxIW"}))
            """),
            fixed=code("""
                from django import forms
                import os

                class LoginForm(forms.Form):
                    client_secret = forms.CharField(widget=forms.HiddenInput(attrs={"value": os.environ.get("CLIENT_SECRET")}))
            """),
            where='"mWM7pgvjtUSAtfaK8RXLjzOaLmurBxIW"',
            says="as the default of `client_secret`",
        ),
        Example(  # a key framed by dashes is still a key
            code("""
                from openai import OpenAI

                API_KEY = "--9fQ2xLp7Rt8vWz3KmB4n--"
                client = OpenAI(api_key=API_KEY)
            """),
            fixed=code("""
                from openai import OpenAI
                import os

                API_KEY = os.environ["API_KEY"]
                client = OpenAI(api_key=API_KEY)
            """),
            where='"--9fQ2xLp7Rt8vWz3KmB4n--"',
            says="assigned to `API_KEY`",
        ),
        Example(  # the password a login accepts, visible to anyone who reads the code
            code("""
                from flask import request

                def admin_login():
                    return request.form["password"] == "myPa55word"
            """),
            fixed=code("""
                from flask import request
                import os

                def admin_login():
                    return request.form["password"] == os.environ["PASSWORD"]
            """),
            where='"myPa55word"',
            says="compared with `password`",
        ),
        Example(  # a default credential accepted by a check is a backdoor, not a placeholder
            code("""
                def is_admin(password):
                    return password == "admin"
            """),
            fixed=code("""
                import os
                def is_admin(password):
                    return password == os.environ["PASSWORD"]
            """),
            where='"admin"',
            says="Hard-coded secret **** compared with `password`",
        ),
        Example(  # a word accepted with a user name is a default credential whoever reads the code can type
            code("""
                def login(username, password):
                    return username == "admin" and password == "dsvpwa"
            """),
            fixed=code("""
                import os
                def login(username, password):
                    return username == "admin" and password == os.environ["PASSWORD"]
            """),
            where='"dsvpwa"',
            says="Hard-coded secret **** compared with `password`",
        ),
        Example(  # a bare `key` whose value is shaped like a generated API key
            code("""
                from canvasapi import Canvas

                def course(course_id):
                    key = "vQF6J15Kuh3Y6ut1Vh247dlVEIpTEbMnWq7lRKjDBaWu"
                    return Canvas("https://canvas.example.edu/", key).get_course(course_id)
            """),
            fixed=code("""
                from canvasapi import Canvas
                import os

                def course(course_id):
                    key = os.environ["KEY"]
                    return Canvas("https://canvas.example.edu/", key).get_course(course_id)
            """),
            says="assigned to `key`",
            where='"vQF6J15Kuh3Y6ut1Vh247dlVEIpTEbMnWq7lRKjDBaWu"',
        ),
        Example(
            code("""
                import psycopg2

                DB_PASSWORD = "Sup3r-s3cret!"
                conn = psycopg2.connect(host="db", user="app", password=DB_PASSWORD)
            """),
            fixed=code("""
                import psycopg2
                import os

                DB_PASSWORD = os.environ["DB_PASSWORD"]
                conn = psycopg2.connect(host="db", user="app", password=DB_PASSWORD)
            """),
            where='"Sup3r-s3cret!"',
            says="Hard-coded secret **** assigned to `DB_PASSWORD`",
        ),
        Example(
            code("""
                import smtplib

                def send(msg):
                    server = smtplib.SMTP("mail.example.com")
                    server.login("robot", password="hunter22")
                    server.send_message(msg)
            """),
            fixed=code("""
                import smtplib
                import os

                def send(msg):
                    server = smtplib.SMTP("mail.example.com")
                    server.login("robot", password=os.environ["PASSWORD"])
                    server.send_message(msg)
            """),
            where='"hunter22"',
            says="Hard-coded secret **** passed as `password=`",
        ),
        Example(
            code("""
                import os

                class Client:
                    def __init__(self, apiKey="q8Zr2LmX9vTb4NwYc7KdPf3H"):
                        self.apiKey = apiKey
            """),
            fixed=code("""
                import os

                class Client:
                    def __init__(self, apiKey=os.environ.get("API_KEY")):
                        self.apiKey = apiKey
            """),
            where='"q8Zr2LmX9vTb4NwYc7KdPf3H"',
            says="Hard-coded secret q8Zr**** as the default of `apiKey`",
        ),
        Example(
            code("""
                import requests

                CONFIG = {"user": "svc", "client_secret": "7fd1c2a9e4b84f3c9a0d5e6b7c8d9e0f"}
            """),
            fixed=code("""
                import requests
                import os

                CONFIG = {"user": "svc", "client_secret": os.environ["CLIENT_SECRET"]}
            """),
            where='"7fd1c2a9e4b84f3c9a0d5e6b7c8d9e0f"',
            says="Hard-coded secret 7fd1**** stored under `'client_secret'`",
        ),
        Example(
            code("""
                import os

                DB_PASSWORD = os.environ.get("DB_PASSWORD", "pg-Secr3t-2024")
            """),
            fixed=code("""
                import os

                DB_PASSWORD = os.environ["DB_PASSWORD"]
            """),
            where='"pg-Secr3t-2024"',
            says="Hard-coded fallback secret **** for `DB_PASSWORD`",
        ),
        Example(
            code("""
                import os
                import openai

                os.environ["OPENAI_API_KEY"] = "sk-Nu59VN3k38m41dsJ1jKlT3Bl"
                client = openai.OpenAI()
            """),
            fixed=code("""
                import os
                import openai

                client = openai.OpenAI()
            """),
            where='"sk-Nu59VN3k38m41dsJ1jKlT3Bl"',
            says="Hard-coded secret sk-N**** assigned to `OPENAI_API_KEY`",
        ),
        Example(
            code("""
                class Settings:
                    def __init__(self):
                        self.smtp_password = b"pa55w0rd-smtp"
            """),
            fixed=code("""
                import os
                class Settings:
                    def __init__(self):
                        self.smtp_password = os.environ["SMTP_PASSWORD"].encode()
            """),
            where='b"pa55w0rd-smtp"',
            says="Hard-coded secret **** assigned to `smtp_password`",
        ),
        # the same command greeting whoever gives the password: the check accepts it
        Example(
            code("""
                from django.core.management.base import BaseCommand

                class Command(BaseCommand):
                    def handle(self, *args, password=None, **options):
                        if password == "Adm1n-2024":
                            self.stdout.write(self.style.SUCCESS("Welcome, administrator."))
                            grant_admin()
            """),
            fixed=code("""
                from django.core.management.base import BaseCommand
                import os

                class Command(BaseCommand):
                    def handle(self, *args, password=None, **options):
                        if password == os.environ["PASSWORD"]:
                            self.stdout.write(self.style.SUCCESS("Welcome, administrator."))
                            grant_admin()
            """),
            where='"Adm1n-2024"',
            says="compared with `password`",
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
        if _enum_member_label(node, value, ctx):
            return
        accepted = kind == "compare" and (
            value.strip().lower() in secrets.DEFAULT_CREDENTIALS or secrets.accepted_word(value, name) and _with_a_user_name(node, ctx)
        )
        if secrets.placeholder(value, name) and not accepted or secrets.known_token(value) or secrets.public_by_design(value):
            return
        if ctx.in_test_code(node):
            return
        confidence = Confidence.HIGH if secrets.high_entropy(value) else Confidence.MEDIUM
        if kind == "default" and _user_default_too(node, value, ctx):
            confidence = Confidence.LOW  # `username="neo4j", password="neo4j"`: the service's factory login, for a client to override
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


def _refuses_default(node: ast.Constant, ctx) -> bool:
    """`if settings.SECRET_KEY == "change-me": raise ImproperlyConfigured(...)`: the literal is a
    known default the program refuses, not the value it accepts (secrets.refused_when_equal). So is
    one a predicate named for it answers about (`def is_default_password(password): return
    password == "default"`): the function says the literal is the default its callers look for,
    as a constant named `DEFAULT_PASSWORD` would."""
    compare = ctx.parent(node)
    if secrets.refused_when_equal(compare, node, ctx):
        return True
    returned: ast.AST = compare
    while isinstance(ctx.parent(returned), ast.BoolOp):
        returned = ctx.parent(returned)
    function = ctx.enclosing_function(node)
    return (
        isinstance(ctx.parent(returned), ast.Return)
        and isinstance(compare.ops[0], ast.Eq)
        and function is not None
        and "default" in naming.words(function.name)
    )


_USER_WORDS = frozenset({"user", "username", "login", "uname", "account", "email"})


def _with_a_user_name(literal: ast.Constant, ctx) -> bool:
    """`username == "dsvpwa" and password == "dsvpwa"`: the literal is half of a credential pair a
    login accepts (a word compared alone is as often a mode or sentinel: `secret == "generate"`)."""
    compare = ctx.parent(literal)
    both = ctx.parent(compare)
    if not (isinstance(compare, ast.Compare) and isinstance(both, ast.BoolOp) and isinstance(both.op, ast.And)):
        return False
    for other in both.values:
        if other is compare or not (isinstance(other, ast.Compare) and len(other.ops) == 1 and isinstance(other.ops[0], ast.Eq)):
            continue
        sides = (other.left, other.comparators[0])
        if any(isinstance(side, ast.Constant) and isinstance(side.value, str) for side in sides) and any(
            _USER_WORDS & set(naming.words(naming.name_of(side) or "")) for side in sides
        ):
            return True
    return False


def _user_default_too(literal: ast.Constant, value: str, ctx) -> bool:
    """`def __init__(self, username="neo4j", password="neo4j")`: the same word is the default of a
    user-name parameter of the function, the login a service ships with (guest/guest, admin/admin)."""
    func = ctx.enclosing_function(literal)
    if func is None or literal not in (*func.args.defaults, *func.args.kw_defaults):
        return False
    positional = [*func.args.posonlyargs, *func.args.args]
    pairs = [*zip(positional[len(positional) - len(func.args.defaults):], func.args.defaults), *zip(func.args.kwonlyargs, func.args.kw_defaults)]
    return any(
        default is not literal and isinstance(default, ast.Constant) and default.value == value and _USER_WORDS & set(naming.words(arg.arg))
        for arg, default in pairs
    )


def _enum_member_label(node: ast.Constant, value: str, ctx) -> bool:
    """`client_credentials = "m2m-client-credentials"` in an Enum's body: the member names one of
    the program's choices (an OAuth grant, an auth mode) and its value is that choice's label,
    unless the value is shaped like a credential."""
    stmt = ctx.parent(node)
    cls = ctx.parent(stmt) if isinstance(stmt, ast.Assign) and stmt.value is node else None
    return isinstance(cls, ast.ClassDef) and declarations.is_enum_class(cls) and not secrets.credential_shaped(value)
