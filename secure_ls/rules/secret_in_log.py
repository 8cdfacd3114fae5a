"""SLS703 secret-in-log."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Edit, Fix, Severity
from secure_ls.rules._support import logs, naming, web
from secure_ls.rules.base import Example, Rule, code

MASK = "***"
# one-time passwords (`otp_code`, `totp`) are passwords too, for as long as they are valid
_ALWAYS = frozenset({"password", "passwd", "passphrase", "pwd", "secret", "apikey", "jwt", "bearer", "privatekey", "passcode", "otp", "totp", "hotp"})
_KEY_QUALIFIERS = frozenset({"api", "secret", "private", "access", "signing", "encryption", "master", "auth", "client", "session"})
_TOKEN_QUALIFIERS = frozenset({"access", "refresh", "auth", "id", "bearer", "api", "session", "csrf", "reset", "jwt", "oauth", "secret", "private", "github", "slack", "bot"})
# Modules that make a bare `token` mean an authentication token (not a lexer token).
_AUTH_MODULES = ("jwt", "jose", "oauthlib", "requests_oauthlib", "authlib", "itsdangerous", "flask", "django", "fastapi", "starlette", "requests", "httpx", "boto3", "slack_sdk", "telegram")
_EXTRA_METADATA = frozenset(
    {"reset", "forgot", "policy", "strength", "changed", "change", "update", "set", "rotation", "salt", "generator", "env", "var", "variable", "source",
     "missing", "present", "provided", "configured", "status", "exists", "location", "arn", "ref", "manager", "store", "vault", "expired",
     "protection", "protected", "address", "addr", "fingerprint",
     # a key's alias (its display name) and what was spent or charged on it
     "alias", "spend", "cost", "budget"}
)
# First words that make a name a setting's switch (`use_single_password`, `require_passphrase`,
# `ask_password`): whether the program uses or asks for a secret, not the secret.
_SWITCH_VERBS = frozenset({"use", "uses", "using", "enable", "disable", "require", "requires", "allow", "ask", "should", "want", "wants", "need", "needs"})


def secret_word(name: str | None, ctx) -> bool:
    if not name or not naming.is_named_like(name, naming.PASSWORD_WORDS | _ALWAYS | {"token", "key"}):
        return False
    parts = naming.words(name)
    if any(p in _EXTRA_METADATA for p in parts) or parts[0] in _SWITCH_VERBS:
        return False
    if any(p in _ALWAYS for p in parts) or "password" in "".join(parts):
        return True
    if parts[-1] in ("pw", "pass") and len(parts) > 1:
        return True  # `db_pw`, `smtp_pass`; not `pw_uid`, `pw_name` (fields of a passwd entry)
    for i, p in enumerate(parts):
        if p == "key" and i > 0 and parts[i - 1] in _KEY_QUALIFIERS:
            return True
        if p == "token":
            if i > 0 and parts[i - 1] in _TOKEN_QUALIFIERS:
                return True
            if len(parts) == 1 and any(ctx.imports(m) for m in _AUTH_MODULES):
                return True
    return False


def _is_secret(node: ast.expr, name: str, ctx) -> bool:
    """Named like a secret and not a constant, or the value of a request header that carries
    credentials (`authorization = request.headers.get("Authorization")`), whatever its name."""
    if _masked(node, ctx):
        return False
    if secret_word(name, ctx) and not ctx.origin(node).is_constant and not _numbered_key(node, name, ctx) and not _key_of_secret_store(node, ctx):
        return not _opened_as_file(node, ctx)
    return web.is_credential_header(web.header_read(node, ctx))


# what opens a file by its name (the first argument)
# Calls handed a file's name: openers, and the path builders and checks that name one.
_FILE_OPENERS = frozenset(
    {"open", "io.open", "builtins.open", "pathlib.Path", "os.open", "os.path.join", "os.path.isfile", "os.path.exists", "os.path.getsize"}
)


def _opened_as_file(node: ast.expr, ctx) -> bool:
    """`log.debug(f"Loading key from {settings.DB_ENCRYPTION_KEY}")` then `open(settings.DB_ENCRYPTION_KEY,
    "rb")` in the same function (or class body, or module): the setting holds where the key is, a file
    name; the key is what the file holds. A key (not a token or a password, which may name the file
    they open: a session's) also where it is a piece of the path (`Path(f"certs/{PRIVATE_KEY}").is_file()`)."""
    if not isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return False
    scope = ctx.enclosing_function(node) or ctx.tree
    spelled = ctx.text(node)
    key_file = "key" in naming.words(naming.name_of(node) or "")
    return any(
        isinstance(call, ast.Call)
        and ctx.call_name(call) in _FILE_OPENERS
        and any(ctx.text(piece) == spelled for arg in call.args for piece in (_path_pieces(arg) if key_file else (arg,)))
        for call in astutil.walk(scope)
    )


def _path_pieces(path: ast.expr):
    """The path itself and the values formatted or added into it (`f"keys/{name}"`, `"keys/" + name`)."""
    yield path
    if isinstance(path, ast.JoinedStr):
        yield from (v.value for v in path.values if isinstance(v, ast.FormattedValue))
    elif isinstance(path, ast.BinOp) and isinstance(path.op, ast.Add):
        yield from (*_path_pieces(path.left), *_path_pieces(path.right))


def _numbered_key(node: ast.expr, name: str, ctx) -> bool:
    """`session_key = int(timeline["sessionKey"])`: a key or token that only ever holds a number is
    an index (Plex's stream sessions), not a credential, which is text. Names that always say
    secret (password, secret, passcode) are reported whatever they hold."""
    if any(p in _ALWAYS for p in naming.words(name)) or not isinstance(node, (ast.Name, ast.Attribute)):
        return False
    values = [v for v in ctx.assigned_values(node) if not (isinstance(v, ast.Constant) and v.value is None)]  # None until set
    return bool(values) and all(
        isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "int" and ctx.call_name(v) == "int"
        or isinstance(v, ast.Constant) and type(v.value) is int
        for v in values
    )


# The last word of a mapping that holds secrets under their names (`self.secrets`, `stored_passwords`).
# Not `tokens` or `keys`: a token store is keyed by the token itself.
_SECRET_STORES = frozenset({"secrets", "passwords", "credentials", "passphrases"})


def _key_of_secret_store(node: ast.expr, ctx) -> bool:
    """`def get(self, secret): log.info("asked for %s", secret); return self.secrets.get(secret)`:
    a name the function looks secrets up or keeps them by (`.get(name)`, `[name]` on a mapping
    named for them, also stored into: `secrets[secret] = vault.get_secret(secret).value`) is the
    secret's name (a `secrets.yaml` key, a vault's entry), not its value."""
    func = ctx.enclosing_function(node)
    if not isinstance(node, ast.Name) or func is None:
        return False
    for sub in astutil.walk(func):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "get" and sub.args:
            store, key = sub.func.value, sub.args[0]
        elif isinstance(sub, ast.Subscript):
            store, key = sub.value, sub.slice
        else:
            continue
        last = naming.words(astutil.last_name(store))
        if isinstance(key, ast.Name) and key.id == node.id and last and last[-1] in _SECRET_STORES:
            return True
    return False


# How many characters of a secret a masked form may show at each end (`key[:4] + "****" + key[-4:]`).
_SHOWN = 4


def _masked(node: ast.expr, ctx, depth: int = 0) -> bool:
    """A masked form of a secret: at most a few characters from each end, stars, lengths
    (`f"{key[:4]}****{key[-4:]}" if len(key) > 8 else "*" * 8`), also through the names
    holding it (`log_api_key = ...`)."""
    if depth > 3:
        return False
    if isinstance(node, ast.Name):
        values = ctx.assigned_values(node)
        return bool(values) and all(_masked(v, ctx, depth + 1) for v in values)
    if isinstance(node, ast.IfExp):
        return _masked(node.body, ctx, depth + 1) and _masked(node.orelse, ctx, depth + 1)
    if isinstance(node, ast.JoinedStr):
        fields = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        return bool(fields) and all(_masked(v, ctx, depth + 1) for v in fields)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
        return all(_masked(side, ctx, depth + 1) or isinstance(side, ast.Constant) for side in (node.left, node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return True
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and node.slice.step is None:
        lower, upper = astutil.constant_int(node.slice.lower), astutil.constant_int(node.slice.upper)
        if node.slice.lower is None and upper is not None:
            return 0 <= upper <= _SHOWN
        if node.slice.upper is None and lower is not None:
            return -_SHOWN <= lower < 0
    return False


def is_bare_token(name: str) -> bool:
    return naming.words(name) == ["token"]


def _index_like_session_key(node: ast.expr, name: str) -> bool:
    """A `session_key` that is not a session object's own (`request.session.session_key`, the
    session id): the name is used for stream, kernel and cache session indexes as often."""
    if naming.words(name) != ["session", "key"]:
        return False
    return not (isinstance(node, ast.Attribute) and node.attr == "session_key" and astutil.last_name(node.value).endswith("session"))


def _candidate_name(node: ast.expr) -> str | None:
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return naming.name_of(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "encode", "decode", "strip"):
        return naming.name_of(node)
    return None


class SecretInLog(Rule):
    """
    ## What it does
    Finds passwords, tokens, API keys and other secrets (judged by their
    names: `password`, `api_key`, `access_token`, `request.form["password"]`,
    `config.secret_key`) passed to `logging`/logger calls or `print`, as an
    argument or inside an f-string, `%` or `.format()` message. A bare
    `token` counts only in files that use an authentication or web library
    (elsewhere it is usually a parser token), and with low confidence
    (pagination and CSRF-form tokens share the name). The value of a request
    header that carries credentials (`Authorization`, `Cookie`, `X-Api-Key`,
    ...) counts whatever its name (`auth = request.headers.get("Authorization")`).
    Names that say what is done with a secret or about it
    (`reset_password`, `UPDATE_USER_PASSWORD`, `password_policy`,
    `token_expired`, `passphrase_protection`, `privatekey_address`: the
    public address a key signs for) name an action or a fact, not the secret,
    and so do a setting's switches, named by a verb first
    (`use_single_password`, `require_passphrase`); names of
    where one is kept (`key_file`, `PRIVATEKEY_FILEPATH`) name a path, and so
    does a value the same function opens as a file (`open(settings.DB_ENCRYPTION_KEY, "rb")`), and a
    key that is a piece of a path there (`Path(f"certs/{PRIVATE_KEY}").is_file()`: a token or a
    password naming a file is still the secret).
    A masked form is not a secret: at most four characters from each end,
    stars and lengths (`f"{key[:4]}****{key[-4:]}"`), also through the name
    holding it. Nor is a key or token that only ever holds a number
    (`session_key = int(timeline["sessionKey"])`): an index, where credentials
    are text; names that always say secret count whatever they hold. A
    `session_key` counts with low confidence unless it is a session
    object's own (`request.session.session_key`, the session id): the name
    is used for stream, kernel and cache session indexes as often. A name
    the function looks secrets up by in a mapping named for them, or keeps
    them under (`self.secrets.get(secret)`, `passwords[secret]`, `secrets[secret] =
    vault.get_secret(secret).value`) is the secret's name,
    not its value (a store of tokens is keyed by the tokens themselves, so
    it does not count).

    ## Why is this bad?
    Logs are copied to files, log shippers, monitoring services and
    support tickets, and are read by far more people than the secret was
    meant for. A password in a debug line is a password disclosed
    (CWE-532).

    ## How to fix it
    Leave the secret out, or log a masked form. The quick fix replaces the
    secret with `"***"` in the call (or its f-string field). It is marked
    safe for logging calls (only the log text changes) and unsafe for
    `print`, whose output may be the program's purpose.
    """

    id = "SLS703"
    name = "secret-in-log"
    title = "Secret written to a log"
    cwe = 532
    codeql = ("py/clear-text-logging-sensitive-data",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "logging"
    fixable = True
    calls = frozenset({"print"})
    methods = logs.LOG_METHODS

    VALID = [
        # a key's alias (the name it is shown by) and what was spent on it
        code("""
            import logging
            log = logging.getLogger(__name__)

            def charged(user_api_key_alias, user_api_key_spend):
                log.info("key %s spent %s", user_api_key_alias, user_api_key_spend)
        """),
        # switches: whether a passphrase protects the device, whether one password opens every wallet
        code("""
            import logging
            log = logging.getLogger(__name__)

            def opened(features, use_single_password):
                log.info(f"opened ({features.passphrase_protection=})")
                log.info("use single password: %s", use_single_password)
        """),
        # the name a secret is looked up by in a store of secrets (a secrets.yaml key), not its value
        code("""
            import logging
            log = logging.getLogger(__name__)

            class SecretStore:
                def get(self, secret):
                    log.info("add-on asks for secret %s", secret)
                    return self.secrets.get(secret)
        """),
        # the names a vault's secrets are fetched and kept by
        code("""
            import logging
            log = logging.getLogger(__name__)

            def fetch_all(vault, keys):
                secrets = {}
                for secret in keys:
                    try:
                        secrets[secret] = vault.get_secret(secret).value
                    except KeyError:
                        log.warning(f"Secret '{secret}' is not in the vault")
                return secrets
        """),
        # an action on a password (the route that updates it), not a password
        code("""
            import logging
            from .routes import UPDATE_USER_PASSWORD

            log = logging.getLogger(__name__)

            def warn_default_admin(name):
                log.warning(f"{name} still uses the default password: update it via {UPDATE_USER_PASSWORD}")
        """),
        # where the private key is kept: a path, not the key
        code("""
            import logging
            logger = logging.getLogger(__name__)

            def start_https(config):
                logger.info("HTTPS with %s, %s", config["CERTIFICATE_FILEPATH"], config["PRIVATEKEY_FILEPATH"])
        """),
        # where the key is kept (the function opens it), not the key
        code("""
            import logging
            from django.conf import settings
            logger = logging.getLogger(__name__)

            def load_key():
                logger.debug(f"Loading encryption key from {settings.DB_ENCRYPTION_KEY}")
                with open(settings.DB_ENCRYPTION_KEY, "rb") as key_file:
                    return key_file.read()
        """),
        # a key setting that names a file in a folder, checked at start-up (in a class body)
        code("""
            import logging
            from pathlib import Path
            log = logging.getLogger(__name__)

            class Config:
                PRIVATE_KEY = load("LDAP", "PRIVATE_KEY")
                if PRIVATE_KEY and not Path(f"certificates/{PRIVATE_KEY}").is_file():
                    log.error(f"Unable to read the key file certificates/{PRIVATE_KEY}")
        """),
        # how long a token lives, not the token
        code("""
            import logging
            logger = logging.getLogger(__name__)

            def start(config):
                jwt_expire = config.get_int_value("outputs", "jwt_expire_minutes", default=60)
                logger.info(f"JWT authentication enabled (token expiration: {jwt_expire} minutes)")
        """),
        # fields of a passwd entry (`pwd.getpwuid()`): a user name and id, not a password
        code("""
            import logging, os, pwd
            log = logging.getLogger(__name__)

            entry = pwd.getpwuid(os.getuid())
            log.error('cannot connect as %s (%s)', entry.pw_name, entry.pw_uid)
        """),
        code("""
            import logging
            def login(user, password):
                logging.info('login attempt for %s', user)
        """),
        code("""
            import logging
            def login(password):
                logging.info('password length %d', len(password))
        """),
        code("""
            import logging
            def check(password_policy, privatekey_address):
                logging.info('policy %s', password_policy)
                logging.info('signed by %s', privatekey_address)
        """),
        code("""
            def lex(token):
                print(token)
        """),
        code("""
            import logging
            def f(tokens, key):
                logging.debug('tokens %s for %s', tokens, key)
        """),
        code("""
            import logging
            def f(api_key_env):
                logging.info('reading the API key from %s', api_key_env)
        """),
    ]
    INVALID = [
        # a one-time password is a password while it is valid
        Example(
            code("""
                import logging
                log = logging.getLogger(__name__)

                def send_code(user, otp):
                    otp_code = otp.generate(user.email)
                    log.debug("otp code generated: %s for %s", otp_code, user.email)
            """),
            fixed=code("""
                import logging
                log = logging.getLogger(__name__)

                def send_code(user, otp):
                    otp_code = otp.generate(user.email)
                    log.debug("otp code generated: %s for %s", "***", user.email)
            """),
            where="otp_code",
            says="Secret `otp_code` logged",
        ),
        # a session table is keyed by the secret itself: the key is the secret
        Example(
            code("""
                import logging
                log = logging.getLogger(__name__)

                class Sessions:
                    def lookup(self, secret):
                        log.info("resuming %s", secret)
                        return self.sessions.get(secret)
            """),
            fixed=code("""
                import logging
                log = logging.getLogger(__name__)

                class Sessions:
                    def lookup(self, secret):
                        log.info("resuming %s", "***")
                        return self.sessions.get(secret)
            """),
            says="Secret `secret` logged",
            where="secret",
        ),
        Example(  # a credential header, whatever the variable is called
            code("""
                import logging
                from fastapi import Request

                log = logging.getLogger(__name__)

                def current_user(request: Request):
                    auth = request.headers.get('Authorization')
                    if not auth or not auth.startswith('Bearer '):
                        log.error(f'Malformed authorization header: {auth}')
            """),
            fixed=code("""
                import logging
                from fastapi import Request

                log = logging.getLogger(__name__)

                def current_user(request: Request):
                    auth = request.headers.get('Authorization')
                    if not auth or not auth.startswith('Bearer '):
                        log.error(f'Malformed authorization header: ***')
            """),
            says="Secret `auth` logged",
            where="auth",
        ),
        Example(
            code("""
                import logging

                logger = logging.getLogger(__name__)

                def connect(user, password):
                    logger.debug('connecting as %s with password %s', user, password)
            """),
            fixed=code("""
                import logging

                logger = logging.getLogger(__name__)

                def connect(user, password):
                    logger.debug('connecting as %s with password %s', user, "***")
            """),
            where="password",
            says="Secret `password` logged",
        ),
        Example(
            code("""
                import logging

                def refresh(session):
                    logging.info(f'new token {session.access_token} issued')
            """),
            fixed=code("""
                import logging

                def refresh(session):
                    logging.info(f'new token *** issued')
            """),
            where="session.access_token",
            says="Secret `access_token` logged",
        ),
        Example(
            code("""
                from flask import request

                def login():
                    print('login', request.form['username'], request.form['password'])
            """),
            fixed=code("""
                from flask import request

                def login():
                    print('login', request.form['username'], "***")
            """),
            where="request.form['password']",
            says="Secret `password` printed",
        ),
        Example(
            code("""
                import logging

                def setup(config):
                    logging.warning('using key {}'.format(config.api_key))
            """),
            fixed=code("""
                import logging

                def setup(config):
                    logging.warning('using key {}'.format("***"))
            """),
            where="config.api_key",
            says="Secret `api_key` logged",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        is_print = (ctx.call_name(node) or "") == "print"
        if not is_print and not logs.is_logging_call(node, ctx):
            return
        found: list[tuple[ast.expr, str, bool]] = []  # (node, name, inside an f-string field)
        for arg in node.args:
            self._collect(arg, found, ctx, depth=0)
        if not found:
            return
        edits = []
        for expr, _, in_field in found:
            edit = self._mask(expr, in_field, ctx)
            if edit is None:
                edits = None
                break
            edits.append(edit)
        fix = Fix("Mask the secret", tuple(edits), safe=not is_print) if edits else None
        first, name, _ = found[0]
        where = "printed" if is_print else "logged"
        weak = is_print or all(is_bare_token(n) or _index_like_session_key(e, n) for e, n, _ in found)
        ctx.report(
            self,
            first,
            f"Secret `{name}` {where}: logs are copied and read widely. Leave it out or mask it.",
            fix=fix,
            confidence=Confidence.LOW if weak else None,
        )

    def _collect(self, node: ast.expr, found: list, ctx, depth: int) -> None:
        if depth > 3:
            return
        name = _candidate_name(node)
        if name is not None:
            if _is_secret(node, name, ctx):
                found.append((node, name, False))
            return
        if isinstance(node, ast.JoinedStr):
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    inner = value.value
                    inner_name = _candidate_name(inner)
                    if inner_name is not None and _is_secret(inner, inner_name, ctx):
                        found.append((inner, inner_name, True))
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            right = node.right
            items = right.elts if isinstance(right, ast.Tuple) else [right]
            for item in items:
                self._collect(item, found, ctx, depth + 1)
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            self._collect(node.left, found, ctx, depth + 1)
            self._collect(node.right, found, ctx, depth + 1)
            return
        if isinstance(node, ast.Dict):  # logger.info("%(password)s", {"password": pw})
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and secret_word(key.value, ctx) and not ctx.origin(value).is_constant:
                    found.append((value, key.value, False))
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            for arg in list(node.args) + [k.value for k in node.keywords]:
                self._collect(arg, found, ctx, depth + 1)

    def _mask(self, expr: ast.expr, in_field: bool, ctx) -> Edit | None:
        if in_field:
            located = logs.field_span(expr, ctx)
            if located is None:
                return None
            span, _ = located
            return Edit(span, MASK)
        return ctx.replace(expr, f'"{MASK}"')
