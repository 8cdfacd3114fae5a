"""SLS301 weak-password-hash."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, symbols
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config, decrypt_only, destinations, hashing, memory_caches, naming, protocols, web
from secure_ls.rules.base import Example, Rule, code


# Django's hashers built on one round of a fast hash (django.contrib.auth.hashers).
_FAST_DJANGO_HASHERS = frozenset({"MD5PasswordHasher", "SHA1PasswordHasher", "UnsaltedMD5PasswordHasher", "UnsaltedSHA1PasswordHasher", "CryptPasswordHasher"})


class WeakPasswordHash(Rule):
    """
    ## What it does
    Finds passwords hashed with a fast general-purpose hash (`md5`, `sha1`,
    `sha256`, `sha512`, `blake2`, ...; through `hashlib`, PyCryptodome or
    cryptography's `hashes.Hash`), whether the value is named like a
    password or flows from one, and comparisons against such hashes.

    ## Why is this bad?
    Fast hashes are built to be fast: a single GPU tries billions of
    candidate passwords a second against a leaked table of MD5 or SHA-256
    hashes, and unsalted ones fall to precomputed tables at once. Password
    storage needs a deliberately slow, salted algorithm such as bcrypt,
    scrypt or Argon2 (CWE-916).

    ## How to fix it
    Hash with `bcrypt.hashpw(password.encode(), bcrypt.gensalt())` and
    verify with `bcrypt.checkpw(password.encode(), stored)`. bcrypt salts
    every hash, so a bcrypt hash can only be checked, never looked up
    (`filter(password=...)`, a `WHERE` clause) or compared with `==`.
    The quick fix is offered only where both sides are in reach (one
    function or class stores the hash and compares it): it rewrites both
    together and adds `import bcrypt` (a new dependency). It is marked
    unsafe: hashes already stored in the old format will no longer verify,
    so plan a migration (verify with the old scheme once at login, then
    re-hash with bcrypt). Where the hash is looked up, returned, or only one
    side is in reach, no fix is offered and the message says why; so too
    where the attribute the hash is stored in is matched on anywhere else in
    the module (`self.pw_hash == other.pw_hash`, `ACCOUNTS[self.pw_hash]`),
    which no salted hash supports. Tests for a hash being set
    (`if not self.pw_hash`, `is None`) and copies into other records are
    fine.
    bcrypt only reads the first 72 bytes of a password; bcrypt 5 raises
    `ValueError` for longer ones, so limit the length where passwords are set.

    The stored password field hashed together with the application's secret
    key and other fields of the user (`user.password` and `SECRET_KEY` among
    the seeds of a reset token) makes a token, not a password verifier: not
    reported here (a password variable with the key added, a "pepper", is).

    A fast hash made in a function named for an older scheme
    (`create_legacy_password_hash`, `_verify_and_upgrade_from_sha1`) checks
    hashes stored before a migration: low confidence, no fix. So does one
    made in a function the module lists in a table of three or more
    functions (`{HASH.MYSQL: mysql_passwd, HASH.ORACLE: oracle_passwd}`):
    one of several formats, picked by the hash being checked (a cracker, a
    migration tool, a library of formats). So does a hash made into a key
    that only decrypts (every cipher it keys only decrypts:
    `Cipher(algorithms.AES(key), mode).decryptor()`): it reads data already
    written in a format that fixes the hash.

    A hash that only goes to another service (a login protocol that asks for
    `md5(password)`, a share's API that takes the password's hash as a query
    parameter appended to the URL it then requests, a function of the module
    or the workspace that posts the argument it is given whole:
    `get_token(host, auth_data)` with `requests.post(url, data=auth_data)`),
    a password hashed in a class that sends requests to
    another service without comparing the hash or writing it to a database (a
    site plugin's login) or in a function of the module that only such classes
    call (`md5_crypt(password, salt)` for the plugin's `signin`; a function the
    rest of the module calls too, or whose result the class compares, is judged
    as usual), or in a function named for a challenge-response
    answer (`cram`, `challenge`, `ntlm`, `scramble`: the peer's protocol
    fixes how the password is hashed), is that service's credential format:
    low confidence, no fix. So is a hash in code named for HTTP Digest
    authentication (`http_digest.py`, `htdigest`, `class DigestAuth`), whose
    password files keep MD5(user:realm:password) as RFC 2617 defines it; the
    message names the protocol. So is a hash whose parts all go to another
    service or are looked up in what it answered (a breach list's range
    query: `prefix, suffix = digest[:5], digest[5:]`, the prefix in the URL,
    also through a helper of the module that formats it into the URL it requests,
    `counts.get(suffix)` in the reply).

    A hash kept only in the process's memory (compared with a constant or
    with what the cache holds, or a key or value of a dict the class makes
    empty and never hands on: a per-request cache of checked passwords, a
    login cache with an expiry) leaves no table of hashes to crack: low
    confidence. Written to a file or a database, compared with a stored
    value, or handed to any other call, it is reported as usual.

    Django's `PASSWORD_HASHERS` in a settings module whose first entry, the
    hasher every new or changed password gets, is a fast one
    (`MD5PasswordHasher`, `SHA1PasswordHasher`, their `Unsalted...` forms,
    `CryptPasswordHasher`) is reported too. The quick fix puts
    `PBKDF2PasswordHasher` first and keeps the old hasher after it, so stored
    hashes still verify and Django re-hashes each one at its next login
    (unsafe: new hashes are slower to check, by design).
    """

    id = "SLS301"
    name = "weak-password-hash"
    title = "Password hashed with a fast hash"
    cwe = 916
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "passwords"
    bandit = ("B303", "B324")
    codeql = ("py/weak-sensitive-data-hashing",)
    fixable = True
    calls = hashing.HASH_MODULES
    methods = frozenset({"update"})

    VALID = [
        # the fast hasher kept after a slow one only verifies old hashes, which Django upgrades at login
        code("""
            INSTALLED_APPS = ["django.contrib.auth"]
            ROOT_URLCONF = "site.urls"
            PASSWORD_HASHERS = [
                "django.contrib.auth.hashers.PBKDF2PasswordHasher",
                "django.contrib.auth.hashers.MD5PasswordHasher",
            ]
        """),
        # a legacy pre-hash inside a subclass of a slow Django hasher, which stretches the result
        code("""
            import hashlib
            from django.contrib.auth.hashers import PBKDF2PasswordHasher

            class LegacySHA1Hasher(PBKDF2PasswordHasher):
                algorithm = 'pbkdf2_wrapped_sha1'

                def encode(self, password, salt, iterations=None):
                    return super().encode(hashlib.sha1(password.encode()).hexdigest(), salt, iterations)
        """),
        # declared not to be a security use
        code("""
            import hashlib
            def session_fingerprint(email, password_hash):
                return hashlib.md5((email + password_hash).encode(), usedforsecurity=False).hexdigest()
        """),
        # a token seeded with the stored password field and the application's secret key (Django's reset-token recipe)
        code("""
            import hashlib
            from django.conf import settings

            def make_change_token(user):
                seeds = (user.pk, user.email, user.password, settings.SECRET_KEY)
                return hashlib.sha256('+'.join(str(s) for s in seeds).encode()).hexdigest()
        """),
        code("""
            import bcrypt
            def store(password):
                return bcrypt.hashpw(password.encode(), bcrypt.gensalt())
        """),
        code("""
            import hashlib
            def etag(body):
                return hashlib.sha256(body).hexdigest()
        """),
        code("""
            import hashlib
            def check(password_hint):
                return hashlib.md5(password_hint.encode()).hexdigest()
        """),
        code("""
            def md5(x):
                return x
            def store(password):
                return md5(password)
        """),
    ]
    INVALID = [
        # Django's settings: every new password gets the first hasher
        Example(
            code("""
                INSTALLED_APPS = ["django.contrib.auth"]
                ROOT_URLCONF = "site.urls"
                PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            """),
            fixed=code("""
                INSTALLED_APPS = ["django.contrib.auth"]
                ROOT_URLCONF = "site.urls"
                PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]
            """),
            where='"django.contrib.auth.hashers.MD5PasswordHasher"',
            says="New passwords are hashed with `MD5PasswordHasher`",
        ),
        Example(
            code("""
                import hashlib

                class Account:
                    def set_password(self, password):
                        self.pw_hash = hashlib.sha256(password.encode()).hexdigest()

                    def check_password(self, password):
                        return hashlib.sha256(password.encode()).hexdigest() == self.pw_hash
            """),
            fixed=code("""
                import hashlib
                import bcrypt

                class Account:
                    def set_password(self, password):
                        self.pw_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()

                    def check_password(self, password):
                        return (self.pw_hash is not None and bcrypt.checkpw(password.encode(), self.pw_hash.encode()))
            """),
            count=2,
            where="hashlib.sha256(password.encode())",
            says="Password hashed with sha256, a fast hash that GPUs brute-force at billions of",
        ),
        Example(
            code("""
                import hashlib

                def store(password):
                    return hashlib.md5(password.encode()).hexdigest()
            """),
            fixed=None,
            where="hashlib.md5(password.encode())",
            says="Password hashed with md5, a fast hash that GPUs brute-force at billions of",
        ),
        # the stored hash is also a lookup key: a salted hash finds nothing, so the migration is by hand
        Example(
            code("""
                import hashlib

                ACCOUNTS = {}

                class Account:
                    def set_password(self, password):
                        self.pw_hash = hashlib.sha256(password.encode()).hexdigest()
                        ACCOUNTS[self.pw_hash] = self

                    def check_password(self, password):
                        return hashlib.sha256(password.encode()).hexdigest() == self.pw_hash
            """),
            fixed=None,
            count=2,
            says="No one-click fix: the stored hash is also compared or used as a key (`ACCOUNTS[self.pw_hash] = self`)",
            where="hashlib.sha256(password.encode())",
        ),
        Example(
            code("""
                from hashlib import sha256 as h

                def register(user, pw):
                    user.pw_hash = h(pw.encode('utf-8')).digest()
            """),
            fixed=None,
            where="h(pw.encode('utf-8'))",
            says="Password hashed with sha256, a fast hash that GPUs brute-force at billions of",
        ),
        Example(
            code("""
                import hashlib

                def login(User, name, password):
                    return User.objects.filter(name=name, password=hashlib.md5(password.encode()).hexdigest()).first()
            """),
            fixed=None,
            where="hashlib.md5(password.encode())",
            says="Password hashed with md5, a fast hash that GPUs brute-force at billions of",
        ),
        Example(
            code("""
                import hashlib

                def store(form):
                    secret = form['password']
                    digest = hashlib.new('sha512')
                    digest.update(secret.encode())
                    return digest.hexdigest()
            """),
            fixed=None,
            where="digest.update(secret.encode())",
            says="Password hashed with sha512, a fast hash that GPUs brute-force at billions of",
        ),
        # the hash is handed to a function of the module that posts its parameter whole: the
        # service's login format (audit tier)
        Example(
            code("""
                import hashlib
                import requests

                def login(host, user, password):
                    auth = {"user": user, "pw": hashlib.md5(password.encode()).hexdigest()}
                    return post_login(host, auth)

                def post_login(host, auth_data):
                    return requests.post(host + "/login", data=auth_data, timeout=10)
            """),
            fixed=None,
            where="hashlib.md5(password.encode())",
            says="Password hashed with md5 and sent to another party",
        ),
        # HTTP Digest authentication's password file keeps MD5(user:realm:password): the protocol's
        # choice, reported in the audit tier and named
        Example(
            code("""
                import hashlib

                class HTTPDigestBackend:
                    def authenticate(self, username, password, stored):
                        digest_text = "%s:%s:%s" % (username, self.realm, password)
                        return hashlib.md5(digest_text.encode()).hexdigest() == stored
            """),
            fixed=None,
            where="hashlib.md5(digest_text.encode())",
            says="Password hashed with md5, which HTTP Digest authentication fixes here",
        ),
        # a range query of a breach list: a prefix of the hash is sent and the rest looked up in
        # the service's answer; nothing is kept (audit tier)
        Example(
            code("""
                import hashlib
                import requests

                def breach_count(password):
                    digest = hashlib.sha1(password.encode()).hexdigest().upper()
                    prefix, suffix = digest[:5], digest[5:]
                    reply = requests.get("https://api.pwnedpasswords.com/range/" + prefix, timeout=5)
                    counts = dict(line.split(":") for line in reply.text.splitlines())
                    return int(counts.get(suffix, 0))
            """),
            fixed=None,
            where="hashlib.sha1(password.encode())",
            says="Password hashed with sha1 and sent to another party",
        ),
        # the same range query through a helper of the module that puts the prefix in its URL (audit tier)
        Example(
            code("""
                import hashlib
                import requests

                API_ENDPOINT = "https://api.pwnedpasswords.com/range/{}"

                def _get_pwned(prefix):
                    response = requests.get(url=API_ENDPOINT.format(prefix), timeout=2)
                    return {line.partition(":")[0]: 1 for line in response.text.splitlines()}

                def pwned_password(password):
                    password_hash = hashlib.sha1(password.encode()).hexdigest().upper()
                    prefix, suffix = password_hash[:5], password_hash[5:]
                    return _get_pwned(prefix).get(suffix, 0)
            """),
            fixed=None,
            where="hashlib.sha1(password.encode())",
            says="Password hashed with sha1 and sent to another party",
        ),
        # a key that only decrypts files an older version wrote (audit tier)
        Example(
            code("""
                import hashlib
                from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

                def read_v1(password, blob):
                    iv, body = blob[:16], blob[16:]
                    key = hashlib.sha256(password.encode()).digest()
                    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
                    return decryptor.update(body) + decryptor.finalize()
            """),
            fixed=None,
            where="hashlib.sha256(password.encode())",
            says="into a key that only decrypts data already written in this format",
        ),
        # the same record handed to a function that writes it to a database: a stored verifier
        Example(
            code("""
                import hashlib

                def register(db, user, password):
                    record = {"user": user, "pw": hashlib.md5(password.encode()).hexdigest()}
                    return save_record(db, record)

                def save_record(db, record):
                    return db.insert(record)
            """),
            fixed=None,
            where="hashlib.md5(password.encode())",
            says="Password hashed with md5, a fast hash that GPUs brute-force at billions of",
        ),
    ]

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        """`PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", ...]` in Django settings."""
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or node.targets[0].id != "PASSWORD_HASHERS":
            return
        if not isinstance(node.value, (ast.List, ast.Tuple)) or not node.value.elts or not config.is_django_settings(ctx):
            return
        first = node.value.elts[0]
        hasher = ctx.string_value(first)
        if hasher is None or hasher.rsplit(".", 1)[-1] not in _FAST_DJANGO_HASHERS or ctx.in_test_code(node):
            return
        quote = ctx.text(first)[0] if ctx.text(first)[:1] in ("'", '"') else '"'
        fix = Fix("Hash new passwords with PBKDF2, still verify the old hashes", (ctx.insert_before(first, f"{quote}django.contrib.auth.hashers.PBKDF2PasswordHasher{quote}, "),), safe=False)
        ctx.report(
            self,
            first,
            f"New passwords are hashed with `{hasher.rsplit('.', 1)[-1]}`, a fast hash that GPUs brute-force at billions of guesses a "
            "second: put a slow salted hasher first (PBKDF2PasswordHasher, Argon2PasswordHasher, BCryptSHA256PasswordHasher) and keep "
            "this one after it, so stored hashes still verify and are upgraded at the next login.",
            fix=fix,
            confidence=Confidence.LOW if config.development_comment(node, ctx) else Confidence.HIGH,
        )

    def visit_Call(self, node: ast.Call, ctx) -> None:
        algo = hashing.hash_algorithm(node, ctx)
        if algo is not None and (_declared_not_for_security(node) or _inside_slow_hasher(node, ctx)):
            return
        if algo is not None:
            data = hashing.data_argument(node, ctx)
            if data is not None and self._is_password(data, ctx) and not _keyed_with_secret_key(data, ctx):
                self._report(node, data, algo, ctx)
            return
        # h = hashlib.sha256(); h.update(password)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "update" and node.args and isinstance(func.value, ast.Name):
            for value in ctx.assigned_values(func.value):
                if isinstance(value, ast.Call) and hashing.hash_algorithm(value, ctx) and self._is_password(node.args[0], ctx):
                    if self._first_password_update(node, ctx):  # one finding per hash object, not per update
                        algo = hashing.hash_algorithm(value, ctx)
                        if _protocol_value(value, ctx):
                            ctx.report(self, node, self._sent_message(algo, value, ctx), confidence=Confidence.LOW)
                        elif _kept_in_memory(value, ctx):
                            ctx.report(self, node, self._memory_message(algo), confidence=Confidence.LOW)
                        else:
                            ctx.report(self, node, self._message(algo))
                    return

    def _first_password_update(self, call: ast.Call, ctx) -> bool:
        """Whether no earlier `name.update(password)` of the same name in the function feeds a hash."""
        name = call.func.value.id  # type: ignore[attr-defined]
        scope = ctx.enclosing_function(call) or ctx.tree
        for other in astutil.walk(scope):
            if other is call or not (isinstance(other, ast.Call) and isinstance(other.func, ast.Attribute) and other.func.attr == "update"):
                continue
            if isinstance(other.func.value, ast.Name) and other.func.value.id == name and other.args and (other.lineno, other.col_offset) < (call.lineno, call.col_offset):
                if self._is_password(other.args[0], ctx):
                    return False
        return True

    def _is_password(self, data: ast.expr, ctx) -> bool:
        if naming.mentions(data, naming.PASSWORD_WORDS, _HASHED_WORDS):
            return True
        # a variable holding a password under another name: secret = form["password"]
        for sub in astutil.walk(data):
            if isinstance(sub, ast.Name):
                for value in ctx.assigned_values(sub):
                    if naming.mentions(value, naming.PASSWORD_WORDS, _HASHED_WORDS):
                        return True
        return False

    def _message(self, algo: str) -> str:
        return (
            f"Password hashed with {algo}, a fast hash that GPUs brute-force at billions of guesses a second: "
            "use a slow salted password hash (bcrypt, scrypt or Argon2)."
        )

    def _report(self, call: ast.Call, data: ast.expr, algo: str, ctx) -> None:
        if _protocol_value(call, ctx):
            ctx.report(self, call, self._sent_message(algo, call, ctx), confidence=Confidence.LOW)
            return
        if _kept_in_memory(call, ctx):
            ctx.report(self, call, self._memory_message(algo), confidence=Confidence.LOW)
            return
        if _reads_legacy_hashes(call, ctx):
            ctx.report(self, call, self._legacy_message(algo), confidence=Confidence.LOW)
            return
        if decrypt_only.only_decrypts(call, ctx):
            ctx.report(self, call, self._decrypting_message(algo), confidence=Confidence.LOW)
            return
        if hashing.picked_from_a_table(call, ctx):
            ctx.report(self, call, self._format_message(algo), confidence=Confidence.LOW)
            return
        fix, by_hand, sites = _migration(ctx)
        ctx.report(self, call, self._message(algo) + by_hand, fix=fix, also_rewrites=sites)

    def _legacy_message(self, algo: str) -> str:
        return (
            f"Password hashed with {algo} to check hashes of an older scheme: keep it only to verify them, and "
            "store a slow salted hash (bcrypt, scrypt or Argon2) as soon as one verifies."
        )

    def _decrypting_message(self, algo: str) -> str:
        return (
            f"Password hashed with {algo} into a key that only decrypts data already written in this format: keep it "
            "only to read that data, and write new data with a key from a slow salted KDF (scrypt, Argon2, PBKDF2)."
        )

    def _format_message(self, algo: str) -> str:
        return (
            f"Password hashed with {algo} by one of a table of hash formats, picked by the hashes being checked (another "
            "system's): keep it to check those, and store the application's own passwords with a slow salted hash "
            "(bcrypt, scrypt or Argon2)."
        )

    def _memory_message(self, algo: str) -> str:
        return (
            f"Password hashed with {algo} and kept only in this process's memory (compared, or cached in a dict the "
            "class makes): there is no stored table of hashes to crack; should it ever be written anywhere, use a slow "
            "salted password hash (bcrypt, scrypt or Argon2)."
        )

    def _sent_message(self, algo: str, made: ast.Call, ctx) -> str:
        if protocol := protocols.fixed_by(made, ctx):
            return (
                f"Password hashed with {algo}, which {protocol} fixes here: whoever reads or intercepts the value can brute-force "
                "it fast. Keep it only to speak that protocol; keep accounts' own passwords with bcrypt, scrypt or Argon2."
            )
        return (
            f"Password hashed with {algo} and sent to another party: a client following a service's login protocol "
            "cannot choose the hash, but whoever sees or stores this value can log in with it or brute-force it fast. "
            "Prefer a service API that takes a token; never keep this value as a password verifier."
        )

    def sites(self, ctx) -> list[tuple[ast.Call, ast.expr]]:
        out = []
        for node in astutil.walk(ctx.tree):
            if isinstance(node, ast.Call) and hashing.hash_algorithm(node, ctx):
                data = hashing.data_argument(node, ctx)
                if data is not None and self._is_password(data, ctx):
                    out.append((node, data))
        return out


# Words that make a password-named value a hash of one already (`user.password_hash`): hashing
# it again (a per-user signing key, a session fingerprint) stores no password.
_HASHED_WORDS = frozenset({"hash", "hashed", "digest"})


def _keyed_with_secret_key(data: ast.expr, ctx) -> bool:
    """`sha256("+".join([user.pk, user.email, user.password, settings.SECRET_KEY]))`: the stored
    password field (a hash already, in Django) is one seed of a token the application's secret key
    makes (Django's reset-token recipe), directly or through the names the data is built from.
    Nobody stores or brute-forces it as a password verifier; a weak hash there is SLS302's
    business. Not a password variable with the key added (`sha256(password + SECRET_KEY)`, a
    peppered fast hash, is still password storage)."""
    seeds = _seeds(data, ctx)
    keyed = any({"secret", "key"} <= set(naming.words(naming.name_of(n) or "")) for n in seeds)
    passwords = [n for n in seeds if naming.is_named_like(naming.name_of(n), naming.PASSWORD_WORDS, _HASHED_WORDS)]
    return keyed and bool(passwords) and all(isinstance(n, ast.Attribute) for n in passwords)


# Words that name a function for reading an older hash format: `create_legacy_password_hash`,
# `_verify_and_upgrade_from_sha1`, `migrate_md5_hashes`.
_LEGACY_WORDS = frozenset({"legacy", "upgrade", "migrate", "migration"})


def _reads_legacy_hashes(call: ast.Call, ctx) -> bool:
    """The fast hash is made in a function named for an older hash scheme, which exists to check
    hashes stored before a migration (and usually re-hashes the password once one matches)."""
    func = ctx.enclosing_function(call)
    return func is not None and bool(_LEGACY_WORDS & set(naming.words(func.name)))


def _seeds(data: ast.expr, ctx, depth: int = 2) -> list[ast.expr]:
    """The names and attributes read in `data`, and in the values of the names it reads (two steps)."""
    found: list[ast.expr] = []
    for sub in astutil.walk(data):
        if isinstance(sub, ast.Attribute) or isinstance(sub, ast.Name) and not ctx.assigned_values(sub):
            found.append(sub)
        elif isinstance(sub, ast.Name):
            found += [n for v in ctx.assigned_values(sub) for n in (_seeds(v, ctx, depth - 1) if depth else [])]
    return found


_BY_HAND = (
    " No one-click fix: {why}. bcrypt salts every hash, so it must be checked with bcrypt.checkpw next to "
    "where it is made, never looked up or compared: hash new passwords with bcrypt.hashpw, verify with "
    "bcrypt.checkpw, and migrate stored hashes (check the old hash once at login, then store a bcrypt one)."
)


def _migration(ctx) -> tuple[Fix | None, str, list]:
    """One fix for every password hash in reach (this function or class): the places that store a
    new hash hash with bcrypt, the places that compare one verify with bcrypt.checkpw. None (and
    why) when a hash is used any other way, or when only one of the two sides is in reach."""
    rule = WeakPasswordHash()
    edits = []
    kinds = set()
    sites = []
    ends: dict[str, list[ast.expr]] = {"store": [], "check": []}
    for call, data in rule.sites(ctx):
        if _digests_sent(call, ctx) or protocols.fixed_by(call, ctx):
            continue  # a protocol's value, reported apart: bcrypt cannot replace it
        kind, site_edits, why, end = _site(call, data, ctx)
        if kind is None:
            return None, _BY_HAND.format(why=why), []
        kinds.add(kind)
        sites.append(call)
        edits.extend(site_edits)
        ends[kind].append(end)
    if kinds != {"store", "check"}:
        missing = "checked" if "store" in kinds else "stored"
        return None, _BY_HAND.format(why=f"the place where the hash is {missing} is not in this function or class"), []
    why = _matched_elsewhere([t for digest in ends["store"] for t in _stored_in(digest, ctx)], {id(e) for e in ends["check"]}, ctx)
    if why is not None:
        return None, _BY_HAND.format(why=why), []
    title = (
        "Hash passwords with bcrypt and verify them with bcrypt.checkpw (hashes "
        "already stored stop verifying until migrated; passwords over 72 bytes are refused)"
    )
    return Fix(title, tuple(edits), safe=False, imports=("import bcrypt",)), "", sites


def _site(call: ast.Call, data: ast.expr, ctx) -> tuple[str | None, list, str, ast.expr | None]:
    """("store" | "check", edits, "", the digest stored or the stored value compared with) for
    one hashing of a password, or (None, [], why not, None)."""
    parent = ctx.parent(call)
    digest_call = ctx.parent(parent) if isinstance(parent, ast.Attribute) else None
    if not (isinstance(parent, ast.Attribute) and parent.attr in ("hexdigest", "digest") and isinstance(digest_call, ast.Call) and not digest_call.args):
        return None, [], "the hash is built in several steps", None
    hexa = parent.attr == "hexdigest"
    password = ctx.text(data)  # hashlib only takes bytes: the data is bytes already
    use = destinations.use(digest_call, ctx)
    if use == "check":
        compare = ctx.parent(digest_call)
        other = compare.comparators[0] if compare.left is digest_call else compare.left
        stored = ctx.text(other)
        atom = isinstance(other, (ast.Name, ast.Attribute, ast.Subscript, ast.Call))
        stored_bytes = f"{stored if atom else '(' + stored + ')'}.encode()" if hexa else stored
        check = f"bcrypt.checkpw({password}, {stored_bytes})"
        if isinstance(other, (ast.Name, ast.Attribute)):
            check = f"({stored} is not None and {check})"  # a user without a password stays unequal
        if isinstance(compare.ops[0], ast.NotEq):
            check = f"not {check}"
        return "check", [ctx.replace(compare, check)], "", other
    if use == "store":
        hashed = f"bcrypt.hashpw({password}, bcrypt.gensalt())" + (".decode()" if hexa else "")
        return "store", [ctx.replace(digest_call, hashed)], "", digest_call
    return None, [], use, None


def _stored_in(value: ast.expr, ctx, depth: int = 0) -> list[ast.expr]:
    """The attributes and items a stored digest is kept in: `self.pw_hash = digest`, or through
    a local name (`h = digest; user.password = h`)."""
    stmt = ctx.parent(value)
    if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is value) or depth > 2:
        return []
    out = []
    for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            out.append(target)
        elif isinstance(target, ast.Name):
            out += [t for read in astutil.name_reads(web.function_body(ctx, value), target.id) for t in _stored_in(read, ctx, depth + 1)]
    return out


def _matched_elsewhere(stored: list[ast.expr], checked: set[int], ctx) -> str | None:
    """Why the stored hash cannot move to bcrypt, whose salted hashes match nothing: a read of
    the attribute (or item) it is kept in, other than the comparisons the fix rewrites, compares
    it or looks something up by it (`self.pw_hash == other.pw_hash`, `ACCOUNTS[self.pw_hash]`),
    in this function or class or anywhere in the module; or goes where the engine cannot follow.
    Tests against None, truth tests and copies into other records are fine."""
    for target in stored:
        attr = target.attr if isinstance(target, ast.Attribute) else None
        key = ctx.string_value(target.slice) if isinstance(target, ast.Subscript) else None
        if attr is None and key is None:
            continue
        for read in astutil.walk(ctx.tree):
            if id(read) in checked or not isinstance(getattr(read, "ctx", None), ast.Load) or not (
                attr is not None and isinstance(read, ast.Attribute) and read.attr == attr
                or key is not None and isinstance(read, ast.Subscript) and ctx.string_value(read.slice) == key
            ):
                continue
            parent = ctx.parent(read)
            if isinstance(parent, ast.Attribute) and parent.value is read and parent.attr not in _TEXT_METHODS:
                continue  # `form.password.data`: an object with that name, not the hash
            why = _matching_use(read, ctx)
            if why is not None:
                return why
        own = attr in symbols.matched_attributes(ctx.tree)
        if attr is not None and ctx.module.matched_attributes.get(attr, 0) > own:
            return f"the stored hash (`.{attr}`) is also compared or used as a key elsewhere in this module"
    return None


_TEXT_METHODS = frozenset({"encode", "decode", "hex", "lower", "upper", "strip"})


def _matching_use(read: ast.expr, ctx) -> str | None:
    """None where a read of the stored hash still works with a bcrypt hash, else why not."""
    shown = ctx.text(ctx.statement(read) or read).strip().splitlines()[0]
    if any(m is read for node in [ctx.parent(read)] for m in symbols.matching_reads(node)):
        return f"the stored hash is also compared or used as a key (`{shown}`)"
    if _tested(read, ctx):
        return None
    use = destinations.use(read, ctx)
    if use == "store":
        return None  # kept in another record as it is
    if use == "check":
        return f"the stored hash is also compared (`{shown}`)"
    return f"{'the stored hash is also sent to another party' if use == 'send' else use} (`{shown}`)"


def _tested(read: ast.expr, ctx) -> bool:
    """`if self.pw_hash:`, `not user.password`, `self.pw_hash is None`: whether one is set."""
    node, parent = read, ctx.parent(read)
    negated = False
    while isinstance(parent, (ast.BoolOp, ast.UnaryOp)) and (isinstance(parent, ast.BoolOp) or isinstance(parent.op, ast.Not)):
        negated = negated or isinstance(parent, ast.UnaryOp)
        node, parent = parent, ctx.parent(parent)
    if isinstance(parent, ast.Compare) and node is not parent and any(isinstance(o, ast.Constant) and o.value is None for o in (parent.left, *parent.comparators)):
        return all(isinstance(op, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)) for op in parent.ops)
    return negated or isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and parent.test is node


def _protocol_value(made: ast.Call, ctx) -> bool:
    """The hash is another service's credential format, not a verifier this program keeps: its
    digests are sent, the class logs in to a service, or the function answers a
    challenge-response protocol (`_scramble(password, salt)`, `ntlm_response(...)`), whose
    peer fixes how the password is hashed."""
    return _digests_sent(made, ctx) or destinations.in_a_client_of_a_service(made, ctx) or protocols.fixed_by(made, ctx)


def _digests_sent(made: ast.Call, ctx) -> bool:
    """Whether every digest of the hash made by `made` goes to another party: `h.hexdigest()`
    passed to an API call or put in a request body being built (`payload["password"] = ...`,
    then `requests.post(url, data=json.dumps(payload))`)."""
    digests = _digests(made, ctx)
    return bool(digests) and all(destinations.use(digest, ctx) == "send" for digest in digests)


def _kept_in_memory(made: ast.Call, ctx) -> bool:
    """Whether every digest of the hash made by `made` stays in the process's memory: compared,
    or a key or value of a dict the class makes empty and never hands on (a per-request cache
    of checked passwords, a login cache), never stored, returned out of the class or sent."""
    digests = _digests(made, ctx)
    return bool(digests) and all(memory_caches.kept_in_memory(digest, ctx) for digest in digests)


def _digests(made: ast.Call, ctx) -> list[ast.Call]:
    """The calls reading the digest of the hash made by `made`: `md5(x).hexdigest()`, or
    `h.hexdigest()` after `h = hashlib.md5(); h.update(password)`."""
    parent = ctx.parent(made)
    digests: list[ast.Call] = []
    if isinstance(parent, ast.Attribute) and parent.attr in destinations.DIGESTS:
        call = ctx.parent(parent)
        digests = [call] if isinstance(call, ast.Call) else []
    else:
        stmt = ctx.statement(made)
        if isinstance(stmt, ast.Assign) and stmt.value is made and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id  # h = hashlib.md5(); h.update(password); h.hexdigest()
            digests = [
                node
                for node in astutil.walk(web.function_body(ctx, made))
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in destinations.DIGESTS
                and isinstance(node.func.value, ast.Name) and node.func.value.id == name
            ]
    return digests


def _looks_bytes(node: ast.expr) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "encode":
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, bytes)


def _declared_not_for_security(call: ast.Call) -> bool:
    return any(
        k.arg == "usedforsecurity" and isinstance(k.value, ast.Constant) and k.value.value is False for k in call.keywords
    )


# Django's slow password hashers. A subclass that pre-hashes and hands the result on to its
# base (Django's documented way to wrap legacy hashes) is as slow as the base.
_SLOW_DJANGO_HASHERS = frozenset(
    {
        "PBKDF2PasswordHasher", "PBKDF2SHA1PasswordHasher", "Argon2PasswordHasher",
        "BCryptSHA256PasswordHasher", "BCryptPasswordHasher", "ScryptPasswordHasher",
    }
)


def _inside_slow_hasher(node: ast.AST, ctx) -> bool:
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, ast.ClassDef):
            return any(astutil.last_name(base) in _SLOW_DJANGO_HASHERS for base in ancestor.bases)
    return False
