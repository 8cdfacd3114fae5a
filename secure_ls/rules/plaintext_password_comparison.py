"""SLS305 plaintext-password-comparison."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil, frameworks
from secure_ls.engine.model import Confidence, Severity
from secure_ls.engine.taint import Sink
from secure_ls.rules._support import compared_uses, compared_values, naming, secrets, web
from secure_ls.rules.base import Example, Rule, code

# Words that make a comparison of two passwords a form check, not a login; `reset_password` holds
# the reset flow's token or the new password being set, not the stored one.
_FORM_CHECK_WORDS = frozenset(
    {"reset", "confirm", "confirmation", "confirmed", "repeat", "repeated", "again", "retype", "retyped", "verify", "verification", "new", "old", "original", "previous", "prev", "current", "check", "match", "initial", "second", "other", "1", "2"}
)


def _retyped(word: str) -> bool:
    """`re_password`, `repassword`, `repwd`: the password typed again, to confirm it."""
    return word == "re" or word.startswith("re") and word[2:] in ("password", "passwd", "pass", "pwd", "pw")


# Words that make the value a collection of passwords (`password_dict`, `survey_passwords`), or
# of what describes them, not a password.
_COLLECTION_WORDS = frozenset({"dict", "list", "map", "mapping", "set", "fields", "names", "keys", "vars", "variables", "passwords", "policy", "rules"})
# Words that make the value a marker standing in for a password (`EMPTY_PASSWORD_FLAG_SENTINEL`, "prompt
# for it"; `PASSWORD_PLACEHOLDER`, `PASSWORD_MASK`: the masked field sent back unchanged, or the
# mask an export writes in the password's place), not a password.
_MARKER_WORDS = frozenset({"sentinel", "flag", "marker", "placeholder", "mask", "masked", "redacted"})
# Words that show the value is already hashed (SLS301/SLS303 territory).
_HASHED_WORDS = frozenset({"hash", "hashed", "digest", "crypt", "crypted", "encrypted", "enc", "bcrypt", "hmac", "salted"})


# Words that name login code: a lookup by the password there is the login itself.
_LOGIN_WORDS = frozenset({"login", "logon", "signin", "auth", "authenticate", "authentication", "authorize", "authorise"})
# ORM calls that find rows by the keyword arguments they are given.
_ROW_FINDERS = frozenset({"filter_by", "filter", "get", "get_or_none", "exclude", "first_or_404"})
_SQL_RUNNERS = frozenset({"execute", "raw"})
# `... WHERE name = ? AND password = ?`, `... AND pwd='{}'`: a row found by a password column
# equal to a value the query is given (a placeholder, or text built into the quotes)
_SQL_PASSWORD_LOOKUP = re.compile(
    r"\bwhere\b.*?\b(\w*(?:password|passwd|pwd|passphrase))\s*=\s*(?:'?\{\}|\?|%s|%\(\w+\)s|:\w+|\$\d+)", re.IGNORECASE | re.DOTALL
)


def _name(node: ast.expr) -> str | None:
    # WTForms: form.password.data
    if isinstance(node, ast.Attribute) and node.attr == "data" and isinstance(node.value, ast.Attribute):
        node = node.value
    return naming.name_of(node)


def _is_plain_password(node: ast.expr) -> str | None:
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return None
    name = _name(node)
    if not naming.is_named_like(name, naming.PASSWORD_WORDS):
        return None
    parts = naming.words(name)
    if any(p in _FORM_CHECK_WORDS or p in _HASHED_WORDS or p in _COLLECTION_WORDS or p in _MARKER_WORDS or p.isdigit() or _retyped(p) for p in parts):
        return None
    if any(w in "".join(parts) for w in ("hash", "digest", "crypt")):
        return None
    # a pin/pass word on its own is too vague (`pass_`, `pin`)
    if not any(p in ("password", "passwd", "passphrase", "pwd", "pw", "pword", "passcode") for p in parts) and "password" not in "".join(parts):
        return None
    return name


class PlaintextPasswordComparison(Rule):
    """
    ## What it does
    Finds a password compared with `==`/`!=` against another password-named
    value: a stored one (`user.password == password`) or a configured one
    (`password == settings.ADMIN_PASSWORD`), and rows an ORM or a SQL query
    looks up by the password as typed (`User.query.filter_by(username=u, password=p)`,
    `User.objects.get(password=request.POST["password"])`, `cursor.execute("SELECT
    ... WHERE name = ? AND password = ?", (name, password))`): the database
    compares it with a column of plain-text passwords.

    ## Why is this bad?
    Comparing two plain passwords means the reference password is kept in
    plain text: whoever reads the database, a backup or the configuration
    has every account's password, often reused elsewhere (CWE-256). `==`
    also leaks through its timing how much of a guess was right.

    ## How to fix it
    Store only a slow salted hash (`bcrypt.hashpw(pw, bcrypt.gensalt())`,
    Django's `make_password`, werkzeug's `generate_password_hash`) and check
    with the matching function (`bcrypt.checkpw`, `user.check_password`,
    `check_password_hash`). No quick fix is offered: existing rows must be
    migrated to hashes. Form checks such as `password == confirm_password`
    or `password != repassword` (or any two passwords that both come from the request; a new password
    against the `original_password` field), and collections
    (`password_dict != survey_passwords`), and a check that a new password
    came in before the branch hashes it (`if old.password != obj.password:
    obj.password = hash_password(obj.password)`), a name that holds the typed password hashed
    (`password = generate_password_hash(password, salt)` before `password == user._password`),
    a password compared beside a connection's host or port (`all([client.host == host,
    client.password == password])`: a cached client's settings checked before it is reused),
    and the password parts of
    two parsed URLs (`urlparse(origin).password != urlparse(allowed).password`:
    URLs compared part by part) are not reported, nor is a comparison with a password written in the
    source (a known default refused by name): that literal is a hard-coded
    secret, reported where it is written. A module constant the client's
    password is checked against and accepted by (`if password ==
    ADMIN_PASSWORD: return "Logged in"`) is reported, whatever its value
    looks like (`"1234"`): it is the password, kept in plain text in the code. Nor is a password an object draws
    at random for itself when it is made (`self.password =
    secrets.token_hex(8)` in `__init__`, and nowhere else in the class from
    anything a caller gives): a secret for one run, held in memory and
    handed to its own client, not an account's password to store hashed
    (whether it is random enough is SLS304's finding). Nor is a password
    compared with another spelling of itself (`password != password.upper()`,
    a strength meter reading its letter case; `quote(raw_password) != raw_password`,
    whether encoding changed it), nor two objects' password
    fields inside `__eq__`/`__ne__` (`self.password == other.password`: two
    proxy settings compared field by field), nor a property's setter
    comparing what it holds with the value it then stores in its place
    (`if self._password != password: self._password = password`: a change
    noticed for observers). Nor is a marker standing in for a password
    (`passwd == EMPTY_PASSWORD_FLAG_SENTINEL`, `PASSWORD_PLACEHOLDER`: names
    with `sentinel`, `flag`, `marker`, `placeholder`, `mask` or `redacted`: `password ==
    PASSWORD_MASK`, the mask an export writes in its place), nor the password a
    client keeps in the operating system's keyring (`password !=
    keyring.get_password(service, user)`): a client must hold it as it is to
    send it to the server it logs in to, and compares it only to refresh it.
    A row looked up by a password (a keyword, a column compared inside a
    query's `.filter()`/`.where()`, `WHERE password = ?`) is reported when
    the value is request data; looked up by a parameter (`get_credential(username,
    password)`, whose callers may hold a stored or harvested credential: a
    store of credentials for other systems keeps them as they are) it is the
    audit tier, except in code named for logging in (`def login(...)`, `class
    AuthBypass`), where the lookup is the login.
    """

    id = "SLS305"
    name = "plaintext-password-comparison"
    title = "Password compared in plain text"
    cwe = 256
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "passwords"
    fixable = False
    methods = _ROW_FINDERS | _SQL_RUNNERS

    VALID = [
        # the placeholder an export writes in the password's place: "left as shown", no password check
        code("""
            from app.constants import PASSWORD_MASK

            def validate_import(data):
                password = data["uri"].password
                if password == PASSWORD_MASK and data.get("password") is None:
                    raise ValueError("Must provide a password for the database")
        """),
        # a marker value standing in for the password (here: "prompt for it"), not a password
        code("""
            import click
            EMPTY_PASSWORD_FLAG_SENTINEL = -1

            def connect(user, passwd):
                if passwd == EMPTY_PASSWORD_FLAG_SENTINEL:
                    passwd = click.prompt("Password", hide_input=True)
                return user, passwd
        """),
        # a database client refreshing the password it keeps in the OS keyring to send to the server
        code("""
            import keyring

            def remember(domain, user, password):
                saved_pw = keyring.get_password(domain, user)
                if password != saved_pw:
                    keyring.set_password(domain, user, password)
        """),
        # the password typed twice at a prompt, to confirm it
        code("""
            import getpass

            def ask_password():
                password = getpass.getpass("Password: ")
                repassword = getpass.getpass("Password again: ")
                if password != repassword:
                    raise SystemExit("Passwords did not match")
                return password
        """),
        # the column holds hashes; the query is given the hash
        code("""
            import sqlite3

            def login(conn: sqlite3.Connection, username, password):
                digest = hash_password(password)
                return conn.execute("SELECT id FROM users WHERE username = ? AND password_hash = ?", (username, digest)).fetchone()
        """),
        # a table of leaked passwords, searched for the one being set: no account's password
        code("""
            def is_leaked(password):
                return LeakPasswords.objects.filter(password=password).exists()
        """),
        # looked up by name, the password checked against its hash
        code("""
            from flask import request
            from werkzeug.security import check_password_hash

            def login():
                user = User.query.filter_by(username=request.form["username"], password_hash_set=True).first()
                return user is not None and check_password_hash(user.password_hash, request.form["password"])
        """),
        code("""
            import bcrypt
            def login(user, password):
                return bcrypt.checkpw(password.encode(), user.password_hash)
        """),
        code("""
            def register(form):
                if form.password.data != form.confirm_password.data:
                    raise ValueError('passwords differ')
        """),
        code("""
            def change(old_password, new_password):
                if old_password == new_password:
                    raise ValueError('choose a new password')
        """),
        # a new password came in: the branch hashes it, the stored value is the hash
        code("""
            def pre_save(instance, db_obj):
                if db_obj.password != instance.password:
                    instance.password = hash_password(instance.password)
        """),
        # which survey answers are passwords (variable name -> mask), not passwords
        code("""
            def save(instance, password_dict):
                if password_dict != instance.survey_passwords:
                    instance.survey_passwords = password_dict.copy()
        """),
        code("""
            def clean(password1, password2):
                return password1 == password2
        """),
        # a new password may not be the original one, both typed into one form
        code("""
            def clean(self):
                password = self.cleaned_data.get('password')
                original_password = self.cleaned_data.get('original_password')
                if password == original_password:
                    raise ValueError('choose a new password')
        """),
        # two URLs compared part by part
        code("""
            from urllib.parse import urlparse

            def origin_allowed(origin, allowed_origin):
                parsed_origin = urlparse(origin)
                parsed_allowed = urlparse(allowed_origin)
                return parsed_origin.password == parsed_allowed.password and parsed_origin.port == parsed_allowed.port
        """),
        code("""
            def login(user, password):
                return user.password_hash == hash_it(password)
        """),
        code("""
            def empty(password):
                return password == ''
        """),
        # the typed password is hashed with the account's salt first, then compared with the stored hash
        code("""
            def is_correct_password(user, password):
                password = str(generate_password_hash(password, user.salt), "utf-8")
                return password == user._password
        """),
        code("""
            def f(field_password, password):
                return field_password == password
        """),
        # a cached client checked against the configured settings, field by field, before it is reused
        code("""
            from urllib.parse import urlparse

            class Client:
                def __init__(self, host=None, username=None, password=None):
                    self.host = host
                    self.username = username
                    self.password = password
                    self.client = None

                def setup(self):
                    parsed_url = urlparse(self.host)
                    if self.client and all([self.client.host == parsed_url.hostname, self.client.password == self.password]):
                        return
                    self.client = RPCClient(parsed_url.hostname, parsed_url.port or 58846, self.username, self.password)

                def _get_auth(self):
                    self.setup()
        """),
        # a password shipped long ago as the default, refused by name
        code("""
            _SHIPPED_DEFAULT_PASSWORD = 'password1234'

            def refuse(password):
                if password == _SHIPPED_DEFAULT_PASSWORD:
                    raise ValueError('choose another password')
        """),
        # the client's new password checked against a shipped default only to refuse it
        code("""
            from flask import request

            _SHIPPED_DEFAULT_PASSWORD = 'password1234'

            def set_password(user):
                password = request.form["password"]
                if password == _SHIPPED_DEFAULT_PASSWORD:
                    raise ValueError("choose another password")
                user.set_password(password)
        """),
        # ... written the other way round: any other password leaves, the default is warned about
        code("""
            import logging
            from flask import request

            LEGACY_DEFAULT_PASSWORD = 'password1234'

            def legacy_default_refused():
                password = request.form["password"]
                if password != LEGACY_DEFAULT_PASSWORD:
                    return False
                logging.warning("the default password shipped by older versions is refused")
                return True
        """),
        # a password the server draws for this run and hands to its client: no account's password to store
        code("""
            import random
            import string

            class ControlServer:
                def __init__(self, port):
                    self.port = port
                    self.password = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(15))

                def authenticate(self, channel):
                    password = channel.recv().decode()
                    if password != self.password:
                        raise PermissionError("bad password")
        """),
        # a strength meter: does the password mix upper and lower case?
        code("""
            def strength(password):
                mixed_case = password != password.upper() and password != password.lower()
                return len(password) + 2 * mixed_case
        """),
        # did percent-encoding change the password it puts in a URL?
        code("""
            import logging
            from urllib.parse import quote

            def userinfo(raw_username, raw_password):
                password = quote(raw_password, safe="")
                if password != raw_password:
                    logging.debug("the password was percent-encoded")
                return f"{quote(raw_username)}:{password}"
        """),
        # a property's setter noticing a change before it stores the new value
        code("""
            class Daemon:
                @property
                def single_password(self):
                    return self._password

                @single_password.setter
                def single_password(self, password):
                    if self._password != password:
                        self._password = password
                        self.changed.emit()
        """),
        # two proxy settings compared field by field
        code("""
            class ProxySettings:
                def __init__(self, host, user, password):
                    self.host, self.user, self.password = host, user, password

                def __eq__(self, other):
                    return self.host == other.host and self.user == other.user and self.password == other.password
        """),
    ]
    INVALID = [
        # the database compares: the column holds the passwords as typed
        Example(
            code("""
                import sqlite3

                def login(conn: sqlite3.Connection, username, password):
                    row = conn.execute("SELECT id FROM users WHERE username = ? AND password = ?", (username, password)).fetchone()
                    return row is not None
            """),
            where='"SELECT id FROM users WHERE username = ? AND password = ?"',
            says="Rows looked up by the password `password` as typed: the `password` column",
        ),
        Example(
            code("""
                from flask import request

                def login():
                    user = User.query.filter_by(username=request.form["username"], password=request.form["password"]).first()
                    return "ok" if user else ("denied", 401)
            """),
            where='password=request.form["password"]',
            says="Rows looked up by the password",
        ),
        # the password a check accepts is written in the source
        Example(
            code("""
                from flask import Flask, request

                app = Flask(__name__)
                operator_password = "4321"

                @app.route("/unlock", methods=["POST"])
                def unlock():
                    password = request.form["password"]
                    if password != operator_password:
                        return "locked", 403
                    return "unlocked"
            """),
            where="password != operator_password",
            says="a password written in the source",
        ),
        # the same server given the operator's password: kept as given, it should be a hash
        Example(
            code("""
                class ControlServer:
                    def __init__(self, port, password=None):
                        self.port = port
                        self.password = password

                    def authenticate(self, channel):
                        password = channel.recv().decode()
                        if password != self.password:
                            raise PermissionError("bad password")
            """),
            where="password != self.password",
            says="Password `password` compared in plain text",
        ),
        # the password in a URL checked against the stored one
        Example(
            code("""
                from urllib.parse import urlparse

                def login(user, url):
                    if urlparse(url).password == user.password:
                        return True
                    return False
            """),
            where="urlparse(url).password == user.password",
            says="Password `password` compared in plain text",
        ),
        Example(code("""
            def login(user, password):
                if user.password == password:
                    return True
                return False
        """),
            where="user.password == password",
            says="Password `password` compared in plain text with `password`",
        ),
        Example(
            code("""
                from flask import request

                def login(stored_password):
                    if stored_password != request.form['password']:
                        return 'denied', 401
                    return 'ok'
            """),
            where="stored_password != request.form['password']",
            says="Password `stored_password` compared in plain text with `password`",
        ),
        Example(code("""
            from django.conf import settings

            def is_admin(password):
                return password == settings.ADMIN_PASSWORD
        """),
            where="password == settings.ADMIN_PASSWORD",
            says="Password `password` compared in plain text with `ADMIN_PASSWORD`",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        """`User.query.filter_by(username=u, password=p)`, `User.objects.get(password=p)`: a row
        found by the password the client typed is a password stored as it was typed."""
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _SQL_RUNNERS:
            self._sql_lookup(node, ctx)
            return
        if not (isinstance(func, ast.Attribute) and func.attr in _ROW_FINDERS) or not (frameworks.is_database_read(func) or frameworks.is_row_lookup(node)):
            return
        if any("pass" in "".join(naming.words(n.id)) for n in astutil.walk(func) if isinstance(n, ast.Name)):
            return  # `LeakPasswords.objects.filter(password=p)`: a list of known passwords, not accounts
        for keyword in node.keywords:
            column = keyword.arg.split("__")[0] if keyword.arg else ""
            if not column or naming.words(column)[-1:] not in (["password"], ["passwd"], ["pwd"], ["passphrase"], ["passcode"]) or not _is_plain_password(ast.Name(id=column)):
                continue  # `pw_reset_token=...`: a token column, named for what it resets
            part = ctx.origin(keyword.value).risk(Sink.ANY)
            if part is None or _is_plain_password(keyword.value) is None and not web.is_client(part):
                continue  # `password=hash_password(p)`: a hash; a constant or an unnamed value is not the typed password
            self._report_lookup(keyword, keyword.value, keyword.arg, web.is_client(part), ctx)
            return

    def _sql_lookup(self, node: ast.Call, ctx) -> None:
        """`cursor.execute("SELECT * FROM users WHERE name = ? AND password = ?", (name, password))`
        or the password built into the query's quotes: the database compares it with a column of
        plain-text passwords."""
        if not node.args:
            return
        query = node.args[0]
        if isinstance(query, ast.Name) and len(values := ctx.assigned_values(query)) == 1:
            query = values[0]  # `sql = "SELECT ..."; cursor.execute(sql, params)`
        pieces = sorted((c for c in astutil.walk(query) if isinstance(c, ast.Constant) and isinstance(c.value, str)), key=lambda c: (c.lineno, c.col_offset))
        text = "{}".join(c.value for c in pieces)
        lookup = _SQL_PASSWORD_LOOKUP.search(text)
        if lookup is None or not _is_plain_password(ast.Name(id=lookup.group(1))):
            return  # `WHERE password_hash = ?`: a hash column
        given = [*(n for n in astutil.walk(query) if isinstance(n, (ast.Name, ast.Attribute, ast.Subscript))), *(n for a in node.args[1:] for n in astutil.walk(a))]
        password = next((n for n in given if isinstance(n, (ast.Name, ast.Attribute, ast.Subscript)) and _is_plain_password(n)), None)
        if password is None or (part := ctx.origin(password).risk(Sink.ANY)) is None:
            return  # `WHERE password = ?` given `hash_password(p)`, or nothing named for the password
        self._report_lookup(node.args[0], password, lookup.group(1), web.is_client(part), ctx)

    def _report_lookup(self, node: ast.AST, password: ast.expr, column: str | None, from_client: bool, ctx) -> None:
        """Rows found by `password`: the typed password when it is request data, or in code named
        for logging in (`class AuthBypass`, `def login(...)`); elsewhere a parameter's value may be
        a stored credential the caller holds (the audit tier)."""
        in_login = any(_LOGIN_WORDS & set(naming.words(a.name)) for a in ctx.ancestors(node) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
        ctx.report(
            self,
            node,
            f"Rows looked up by the password `{ctx.text(password)}` as typed: the `{column}` column holds passwords "
            "in plain text. Store only slow salted hashes (bcrypt, Argon2, Django's make_password), look the user up by "
            "name and check the password with the matching verify function.",
            confidence=None if from_client or in_login else Confidence.LOW,
        )

    def visit_Compare(self, node: ast.Compare, ctx) -> None:
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        a = _is_plain_password(left)
        b = _is_plain_password(right)
        if not a or not b:
            return
        if isinstance(ctx.statement(node), ast.Assert):
            return
        if ctx.origin(left).is_constant and ctx.origin(right).is_constant:
            return
        column = next((side for side in (left, right) if _column(side)), None)
        if column is not None and compared_uses.builds_expression(node, ctx):
            # `select(T).filter(T.c.password == password)`: the database finds the rows, as filter_by does
            value = right if column is left else left
            part = ctx.origin(value).risk(Sink.ANY)
            if part is not None:
                self._report_lookup(node, value, column.attr, web.is_client(part), ctx)  # type: ignore[attr-defined]
            return
        written = next((side for side in (left, right) if ctx.string_value(side) is not None), None)
        if written is not None:
            other = right if written is left else left
            if not _accepted_from_client(node, written, other, ctx):
                return  # `password == _LEGACY_DEFAULT_PASSWORD`: a known value refused (written in source: SLS2xx's concern)
            name = b if written is right else a
            ctx.report(
                self,
                node,
                f"Password `{a if written is right else b}` from {ctx.origin(other).risk(Sink.ANY).label} is checked in plain text "
                f"against `{name}`, a password written in the source: anyone who reads the code can log in, and it cannot be "
                "changed without a release. Keep only a slow salted hash of it outside the code (bcrypt, Argon2) and check with "
                "the matching verify function.",
            )
            return
        if all(web.is_client(ctx.origin(side).risk(Sink.ANY)) for side in (left, right)):
            return  # `password != rpassword`, both fields of one submitted form: a confirmation check, nothing stored
        if _hashed_when_changed(node, ctx) or any(_holds_a_hash(side, ctx) for side in (left, right)):
            return
        if all(_url_userinfo(side, ctx) for side in (left, right)):
            return  # `parsed.password != allowed.password`: two URLs compared part by part, no account's password
        if any(_saved_in_keyring(side, ctx) for side in (left, right)):
            return  # `password != keyring.get_password(...)`: a client refreshing the password it keeps to log in elsewhere
        if any(_drawn_at_random(side, ctx) for side in (left, right)):
            return  # `self.password = secrets.token_hex()` in `__init__`: a one-run secret, no account's password
        if _shape_of_itself(left, right, ctx):
            return  # `password != password.upper()`: a strength meter reading its letter case, one value
        if _field_of_equal_objects(left, right, ctx) or _with_connection_fields(node, ctx):
            return  # `self.password == other.password` in `__eq__`, or beside `client.host == host`: settings compared field by field
        if _setter_noticing_a_change(left, right, ctx):
            return  # `if self._password != password: self._password = password; changed.emit()`
        ctx.report(
            self,
            node,
            f"Password `{a}` compared in plain text with `{b}`: passwords must be stored only as slow salted hashes "
            "(bcrypt, Argon2, Django's make_password) and checked with the matching verify function.",
        )


def _column(node: ast.expr) -> bool:
    """`Users.c.password`, `models.Credential.password`: a table's column, as a query builder reads it."""
    if not isinstance(node, ast.Attribute):
        return False
    owner = node.value
    return isinstance(owner, ast.Attribute) and owner.attr in ("c", "columns") or astutil.last_name(owner)[:1].isupper()


def _accepted_from_client(compare: ast.Compare, written: ast.expr, other: ast.expr, ctx) -> bool:
    """`password == ADMIN_PASSWORD` with the password from the client and the constant a name (not a
    literal: SLS201 reports those where they are compared), unless the program refuses that value
    where the two are equal (`if password == DEFAULT_PASSWORD: raise ...`): the constant is the
    password the check accepts."""
    if isinstance(written, ast.Constant) or not web.is_client(ctx.origin(other).risk(Sink.ANY)):
        return False
    return not secrets.refused_when_equal(compare, written, ctx)


_URL_PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit", "urlparse.urlparse", "urlparse.urlsplit"})


def _url_userinfo(node: ast.expr, ctx) -> bool:
    """`urlparse(origin).password`, also through the name the parsed URL is kept in: the password
    part of a URL's userinfo, which says what the URL is, not what a user logs in with here."""
    if not (isinstance(node, ast.Attribute) and node.attr == "password"):
        return False
    parsed = node.value
    values = ctx.assigned_values(parsed) if isinstance(parsed, ast.Name) else (parsed,)
    return bool(values) and all(isinstance(v, ast.Call) and (ctx.call_name(v) or "") in _URL_PARSERS for v in values)


# Where fresh random values come from: a value made only by one of these is no one's chosen password.
_RANDOM_SOURCES = ("random.", "secrets.", "os.urandom", "uuid.uuid4", "django.utils.crypto.get_random_string")


def _saved_in_keyring(node: ast.expr, ctx) -> bool:
    """What the operating system's keyring holds for the program (`keyring.get_password(service,
    user)`, also kept in a name first): a password a client must keep as it is, to send it to the
    server it logs in to; no hash could stand in for it, so comparing it is no login check."""
    values = ctx.assigned_values(node) if isinstance(node, ast.Name) else (node,)
    return bool(values) and all(isinstance(v, ast.Call) and ctx.call_name(v) == "keyring.get_password" for v in values)


def _drawn_at_random(node: ast.expr, ctx) -> bool:
    """`self.password` that the object draws at random when it is made (`self.password =
    "".join(random.choice(chars) for _ in range(15))` in `__init__`, every assignment of it in the
    class; `None` aside) from nothing a caller gives: a secret for this run, held in memory,
    not an account's password that could be stored hashed. How random it is is SLS304's business."""
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"):
        return False
    owner = next((a for a in ctx.ancestors(node) if isinstance(a, ast.ClassDef)), None)
    if owner is None:
        return False
    values = [
        (stmt, stmt.value)
        for stmt in astutil.walk(owner)
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign))
        and any(ctx.text(t) == ctx.text(node) for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]))
    ]
    drawn = [(stmt, value) for stmt, value in values if not (isinstance(value, ast.Constant) and value.value is None)]
    return bool(drawn) and all(
        isinstance(stmt, ast.Assign) and getattr(ctx.enclosing_function(stmt), "name", None) == "__init__" and _only_random(value, ctx)
        for stmt, value in drawn
    )


def _only_random(value: ast.expr, ctx) -> bool:
    """A value made by a random source out of constants alone: no parameter, field or setting in it."""
    calls = [c for c in astutil.walk(value) if isinstance(c, ast.Call)]
    if not any((ctx.call_name(c) or "").startswith(_RANDOM_SOURCES) for c in calls):
        return False
    local = {n.id for gen in astutil.walk(value) if isinstance(gen, ast.comprehension) for n in astutil.walk(gen.target) if isinstance(n, ast.Name)}
    for sub in astutil.walk(value):
        if isinstance(sub, ast.Name) and sub.id not in local and not ctx.qualified_name(sub):
            return False  # a parameter or a local value: what a caller gives may be a real password
    return True


def _shape_of_itself(left: ast.expr, right: ast.expr, ctx) -> bool:
    """`password != password.upper()`, `pw.lower() == pw.upper()`: one value compared with another
    spelling of itself (a method called on it with no arguments, or an encoding of it: `password =
    quote(raw_password)` then `password != raw_password`), which asks what it looks like, not whether
    it is someone's password. `form.get("password") == form.get("password2")` reads two values."""

    def receiver(side: ast.expr) -> str:
        values = ctx.assigned_values(side) if isinstance(side, ast.Name) else ()
        if len(values) == 1 and isinstance(values[0], ast.Call) and values[0].args and isinstance(values[0].func, (ast.Name, ast.Attribute)):
            side = values[0].args[0]  # `password = quote(raw_password, safe="")`: an encoding of raw_password
        if isinstance(side, ast.Call) and isinstance(side.func, ast.Attribute) and not side.args and not side.keywords:
            return ctx.text(side.func.value)
        return ctx.text(side)

    return ctx.text(left) != ctx.text(right) and receiver(left) == receiver(right)


def _field_of_equal_objects(left: ast.expr, right: ast.expr, ctx) -> bool:
    """`self.password == other.password` inside `__eq__`/`__ne__`: whether two objects of one class
    are equal, field by field (two proxy or connection settings), not a login."""
    function = ctx.enclosing_function(left)
    if getattr(function, "name", None) not in ("__eq__", "__ne__"):
        return False
    sides = (left, right)
    if not all(isinstance(s, ast.Attribute) and isinstance(s.value, ast.Name) for s in sides) or left.attr != right.attr:
        return False
    params = [a.arg for a in function.args.args[:2]]
    return len(params) == 2 and {left.value.id, right.value.id} == set(params)


# Fields that say what a connection reaches: compared beside a password, they show two connection
# settings compared field by field (is the cached client still the configured one?).
_CONNECTION_FIELDS = frozenset({"host", "hostname", "port", "url", "server", "address"})


def _with_connection_fields(compare: ast.Compare, ctx) -> bool:
    """`all([client.host == parsed.hostname, client.port == parsed.port, client.password ==
    self.password])` (or the same joined with `and`): a cached client's settings checked against
    the configured ones before it is reused, no login."""
    parent = ctx.parent(compare)
    siblings = parent.values if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.And) else None
    if isinstance(parent, (ast.List, ast.Tuple)) and isinstance(call := ctx.parent(parent), ast.Call) and astutil.last_name(call.func) == "all":
        siblings = parent.elts
    return siblings is not None and any(
        isinstance(s, ast.Compare) and any(astutil.last_name(side) in _CONNECTION_FIELDS for side in (s.left, *s.comparators) if isinstance(side, ast.Attribute))
        for s in siblings
        if s is not compare
    )


def _setter_noticing_a_change(left: ast.expr, right: ast.expr, ctx) -> bool:
    """A property's setter (`@password.setter`) comparing what it holds with the value it then
    stores in its place (`if self._password != password: self._password = password`): it notices
    a change to tell observers, whoever sets it sets it anyway; no one logs in with it."""
    function = ctx.enclosing_function(left)
    if function is None or not any(isinstance(d, ast.Attribute) and d.attr == "setter" for d in function.decorator_list):
        return False
    return compared_values.replaced_by(left, right, ctx) or compared_values.replaced_by(right, left, ctx)


def _holds_a_hash(side: ast.expr, ctx) -> bool:
    """`password` after `password = str(generate_password_hash(password, salt), "utf-8")`: on every
    path to the comparison the name holds what a hashing call made of the typed text, so the
    other side is a stored hash, whatever the names say."""
    if not isinstance(side, ast.Name):
        return False
    values = ctx.assigned_values(side)
    return bool(values) and all(
        any(isinstance(c, ast.Call) and any(w in (astutil.last_name(c.func) or "").lower() for w in ("hash", "digest", "crypt")) for c in astutil.walk(v))
        for v in values
    )


def _hashed_when_changed(compare: ast.Compare, ctx) -> bool:
    """`if stored.password != instance.password: instance.password = hash_password(instance.password)`:
    the comparison tells whether a new password came in, which the branch then hashes; the
    stored value is the hash."""
    stmt = ctx.statement(compare)
    if not (isinstance(stmt, ast.If) and stmt.test is compare and isinstance(compare.ops[0], ast.NotEq)):
        return False
    sides = {ctx.text(compare.left), ctx.text(compare.comparators[0])}
    for node in stmt.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call):
            target = ctx.text(node.targets[0])
            if target in sides and any(ctx.text(a) == target for a in node.value.args):
                return True
    return False

