"""SLS302 weak-hash."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import destinations, hashing, naming, protocols, web
from secure_ls.rules.base import Example, Rule, code

# Words that show a hash protects something: a signature, a token, an integrity check, a key
# derived for a cipher (`derive_iv_and_key`, `make_cipher`: MD5 as a KDF). Not `encrypt`: a
# function of that name mostly computes what a remote API demands. Not
# `key` alone: in Python it mostly names an entry of a mapping or a cache (`key = md5(...)`,
# `md5(key)`, `key_hash`); a key that protects something says whose (`api_key`, `secret_key`,
# `signing_key`: _CREDENTIAL_PAIRS below).
_SECURITY_WORDS = frozenset(
    {"token", "secret", "signature", "sign", "signed", "signing", "sig", "mac", "hmac", "auth", "authenticate", "verify", "verification", "nonce", "csrf", "otp", "session", "integrity", "tamper", "apikey", "credential", "credentials", "salt",
     "derive", "kdf", "decrypt", "cipher"}
)
_LEGACY_OK = frozenset({"usedforsecurity"})
# Words that, right before `key`/`id`, make the digest a name for something (`cache_key`,
# `unique_key`, `job_id`): a lookup key or label, whatever it was computed from. A collision
# needs both inputs chosen, and nobody gains by two entries sharing a name they can choose.
_IDENTIFIER_QUALIFIERS = frozenset(
    {"cache", "unique", "lookup", "dedup", "dedupe", "sort", "job", "bucket", "shard", "partition", "group", "row", "object", "etag", "acl", "rate", "limit", "throttle", "lock"}
    # an anonymous or per-installation name for analytics and support (`_get_distinct_id`, `get_install_key`)
    | {"distinct", "anonymous", "install", "installation", "device", "machine", "tracking", "telemetry", "analytics"}
)
_IDENTIFIER_NOUNS = frozenset({"key", "keys", "id", "ids"})
_IDENTIFIER_WORDS = frozenset({"etag", "fingerprint"})
# Words that make hashed data a credential (its digest stands in for it: stored to check it, or
# to look it up), whatever the digest is then called: a token, a secret, an API key, a session id.
_CREDENTIAL_WORDS = frozenset({"token", "secret", "apikey", "credential", "credentials", "otp", "hotp", "totp", "jwt", "bearer"})
_CREDENTIAL_PAIRS = frozenset(
    {(owner, "key") for owner in ("api", "access", "secret", "signing", "private", "auth", "hmac", "session", "master", "encryption")}
    | {("session", "id")}
)


class WeakHash(Rule):
    """
    ## What it does
    Finds MD5 and SHA-1 (and MD4, RIPEMD-160) through `hashlib`, `hashlib.new`,
    PyCryptodome and cryptography (`hashes.Hash(hashes.MD5())`). When the surrounding names show a security purpose
    (a token, signature, MAC, session id, integrity check) the finding has
    medium confidence and the fix switches to SHA-256; otherwise it has low
    confidence and the fix declares the hash is not used for security. A
    `key` alone does not show a purpose (`key = md5(...)`, `md5(key)`,
    `key_hash` name an entry of a mapping or a cache), unless it says whose
    (`api_key`, `secret_key`, `signing_key`) or the digest is then handed to
    a call named for signing (`self.sign(key)`). A hash object only asked its
    size (`os.urandom(sha1().digest_size)`) hashes nothing and is not
    reported, nor one that then hashes a password (`s.update(password)`:
    SLS301 reports that, the one weakness). A digest that names something (a cache key, a job id, an ACL key, an installation's or an anonymous user's id: `get_install_key`, `distinct_id`; a
    variable only used to look an entry up: `store.get(key)`, `cache[key]`,
    or to name a file: `os.path.join(folder, key_name)`; a digest cut short,
    `md5(text).hexdigest()[:8]` (sixteen characters at most); a digest read
    as a number, `int(digest, 16)` or `int.from_bytes(digest, ...)` (a
    bucket, a shard, a seed; a salt, public by nature, only reshuffles
    them), unless the data hashed is a secret or a credential; or text naming a kind of entry:
    `"rate-limit:{}:{}".format(ip, digest)`) or only formats
    fresh random bytes (`sha1(counter + os.urandom(8))` for a nonce: nobody
    chooses colliding inputs) is low as well, and so is a digest made in a
    function named for a key (`get_cache_key`), or a signature (or a
    credential's digest) that only goes out in requests to another service
    whose protocol demands it
    (`headers={"X-Key": md5(...)}`, the `params=` or `query=` of whatever
    builds the request, a list or dict of parameters the function builds
    and then sends or returns to callers that send it,
    `params.append(("sign", sig))`, or a URL whose host the code names,
    `f"https://keys.example.com/{id}.key?s={signature}"`, also after further
    rounds of hashing and concatenation: nothing to change on this side),
    or made in a method of a class that sends requests to another service
    (a site's API client signing its calls), or in a function of the module
    that only such classes call, where it is not compared,
    kept in an attribute or written to a database,
    and so is one made in a function named for a challenge-response answer
    (`cram`, `challenge`, `ntlm`, `scramble`: the peer's protocol fixed it).
    A digest kept in a name (or on the instance) whose every read is the key
    of `hmac.new`/`hmac.digest` (`self._key = sha1(salt + secret).digest()`,
    as Django's old `salted_hmac`) derives a key and is not reported: a
    broken hash's collisions do not reveal the secret it hides.

    ## Why is this bad?
    Collisions for MD5 take seconds and for SHA-1 are practical (SHAttered,
    2017): an attacker can make two inputs with the same digest, so a digest
    no longer proves what was signed or checked (CWE-328).

    ## How to fix it
    For security uses, use SHA-256 or stronger (`hashlib.sha256`); for
    message authentication, `hmac` with SHA-256; for passwords, see
    SLS301. For non-security uses (cache keys, ETags, deduplication), pass
    `usedforsecurity=False` (Python 3.9+): it documents the intent, works on
    FIPS-mode systems where plain `md5()` is refused, and silences this rule.
    Where the hash protects something (its data, target or function is
    named like a token, key, signature, session, OTP, ...) only SHA-256 is
    offered, never `usedforsecurity=False`. So it is where the hashed data
    is a credential (a token, a secret, an API key, a session id), even in
    a function or variable named for an identifier (`api_key_fingerprint`,
    `cache_key`): the digest stands in for the credential, kept to check it
    or look it up. Elsewhere both are offered:
    `usedforsecurity=False` is the safe one (every digest stays the same)
    and the preferred quick fix, but it states that the hash protects
    nothing, which only the author can know, so fix-all and `--fix` never
    apply it on their own. SHA-256 is unsafe: digests already stored or
    exchanged change.
    """

    id = "SLS302"
    name = "weak-hash"
    title = "MD5 or SHA-1 hash"
    cwe = 328
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "hashing"
    bandit = ("B303", "B324")
    codeql = ("py/weak-sensitive-data-hashing", "py/weak-cryptographic-algorithm")
    fixable = True
    calls = hashing.HASH_MODULES

    VALID = [
        code("""
            import hashlib
            digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
        """),
        # a key derived from a secret and only ever used as HMAC's key (Django's `salted_hmac` did this)
        code("""
            import hashlib
            import hmac

            class SignedSerializer:
                def __init__(self, secret, salt="queue"):
                    self._key = hashlib.sha1(salt.encode() + secret.encode()).digest()

                def signature(self, message):
                    return hmac.new(self._key, msg=message, digestmod=hashlib.sha256).hexdigest()
        """),
        code("""
            import hashlib
            digest = hashlib.sha256(data).hexdigest()
        """),
        code("""
            import hashlib
            def store(password):
                return hashlib.md5(password.encode()).hexdigest()
        """),
        # a password hash begun with its salt: SLS301 reports the update that hashes the password
        code("""
            import hashlib
            def change_password(new_password, salt_token):
                s = hashlib.sha1(salt_token.encode())
                s.update(new_password.encode())
                return s.hexdigest()
        """),
    ]
    INVALID = [
        # MD5 as a key derivation function (OpenSSL's EVP_BytesToKey): the digest becomes a cipher key
        Example(
            code("""
                from hashlib import md5

                def derive_iv_and_key(material, salt):
                    data = material + salt
                    key = md5(data).digest()
                    return key[:16], key
            """),
            fixed=code("""
                from hashlib import md5
                import hashlib

                def derive_iv_and_key(material, salt):
                    data = material + salt
                    key = hashlib.sha256(data).digest()
                    return key[:16], key
            """),
            where="md5(data)",
            says="MD5 used for `derive_iv_and_key`: collisions are practical",
        ),
        Example(
            code("""
                import hashlib

                def sign(payload, secret):
                    signature = hashlib.md5(secret + payload).hexdigest()
                    return signature
            """),
            fixed=code("""
                import hashlib

                def sign(payload, secret):
                    signature = hashlib.sha256(secret + payload).hexdigest()
                    return signature
            """),
            where="hashlib.md5(secret + payload)",
            says="MD5 used for `sign`",
        ),
        Example(
            code("""
                import hashlib

                def cache_key(url):
                    return hashlib.md5(url.encode()).hexdigest()
            """),
            fixed=code("""
                import hashlib

                def cache_key(url):
                    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
            """),
            where="hashlib.md5(url.encode())",
            says="MD5 is broken for security",
        ),
        # the digest names a cache entry (audit tier), but it stands in for a token: SHA-256, never
        # usedforsecurity=False
        Example(
            code("""
                import hashlib

                def cache_key_for_token(token):
                    return 'auth:' + hashlib.md5(token.encode()).hexdigest()
            """),
            fixed=code("""
                import hashlib

                def cache_key_for_token(token):
                    return 'auth:' + hashlib.sha256(token.encode()).hexdigest()
            """),
            says="stands in for `token`, a credential",
            where="hashlib.md5(token.encode())",
        ),
        Example(
            code("""
                import hashlib

                def make_token(user_id):
                    token = hashlib.new('sha1', user_id.encode()).hexdigest()
                    return token
            """),
            fixed=code("""
                import hashlib

                def make_token(user_id):
                    token = hashlib.new('sha256', user_id.encode()).hexdigest()
                    return token
            """),
            where="hashlib.new('sha1', user_id.encode())",
            says="SHA1 used for `make_token`",
        ),
        # the digest read as a number: a bucket (here an A/B split), whatever the function is
        # called (low confidence, the usedforsecurity=False fix)
        Example(
            code("""
                import hashlib

                def hash_user_or_session(identifier):
                    digest = hashlib.md5(identifier.encode()).hexdigest()
                    return int(digest, 16)
            """),
            fixed=code("""
                import hashlib

                def hash_user_or_session(identifier):
                    digest = hashlib.md5(identifier.encode(), usedforsecurity=False).hexdigest()
                    return int(digest, 16)
            """),
            where="hashlib.md5(identifier.encode())",
            says="MD5 is broken for security",
        ),
        # a salted bucket: the salt, public by nature, only reshuffles the buckets
        Example(
            code("""
                from hashlib import md5

                def shard(key, salt="", modulo=100):
                    return int(md5((key + salt).encode("utf-8")).hexdigest(), 16) % modulo
            """),
            fixed=code("""
                from hashlib import md5

                def shard(key, salt="", modulo=100):
                    return int(md5((key + salt).encode("utf-8"), usedforsecurity=False).hexdigest(), 16) % modulo
            """),
            where='md5((key + salt).encode("utf-8"))',
            says="MD5 is broken for security. If this hash protects nothing",
        ),
        # the same number made from a secret: a one-time code, not a bucket
        Example(
            code("""
                import hashlib

                def one_time_code(secret, counter):
                    return int(hashlib.md5(secret + counter).hexdigest(), 16) % 1000000
            """),
            fixed=code("""
                import hashlib

                def one_time_code(secret, counter):
                    return int(hashlib.sha256(secret + counter).hexdigest(), 16) % 1000000
            """),
            where="hashlib.md5(secret + counter)",
            says="MD5 used for `secret`",
        ),
        # a signature appended to a list of parameters the function builds, then sent: the
        # remote's protocol chose MD5 (audit tier)
        Example(
            code("""
                import hashlib
                import requests

                def signed_params(user, token):
                    params = [("user", user), ("token", token)]
                    signature = hashlib.md5("&".join("=".join(p) for p in params).encode()).hexdigest()
                    params.append(("sign", signature))
                    return requests.post("https://api.example.com/login", data=params)
            """),
            fixed=None,
            where='hashlib.md5("&".join("=".join(p) for p in params).encode())',
            says="which is sent to another service",
        ),
        # the same list kept in an attribute: this program's own signature
        Example(
            code("""
                import hashlib

                class Signer:
                    def sign(self, user, token):
                        params = [("user", user), ("token", token)]
                        signature = hashlib.md5("&".join("=".join(p) for p in params).encode()).hexdigest()
                        params.append(("sign", signature))
                        self.signed = params
            """),
            fixed=code("""
                import hashlib

                class Signer:
                    def sign(self, user, token):
                        params = [("user", user), ("token", token)]
                        signature = hashlib.sha256("&".join("=".join(p) for p in params).encode()).hexdigest()
                        params.append(("sign", signature))
                        self.signed = params
            """),
            where='hashlib.md5("&".join("=".join(p) for p in params).encode())',
            says="MD5 used for `sign`: collisions are practical, so it no longer proves integrity",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        algo = hashing.hash_algorithm(node, ctx)
        if algo not in hashing.BROKEN_HASHES:
            return
        if any(k.arg in _LEGACY_OK for k in node.keywords):
            return
        data = hashing.data_argument(node, ctx)
        if data is not None and _hashes_a_password(data, ctx) or _updated_with_a_password(node, ctx):
            return  # SLS301 reports passwords, with a better fix
        if data is None and _only_sized(node, ctx):
            return  # `os.urandom(sha1().digest_size)`: nothing is hashed, only the size is read
        name = ctx.call_name(node) or ""
        if _only_keys_a_mac(node, ctx):
            return  # `self._key = sha1(salt + secret).digest()`, then `hmac.new(self._key, ...)`: no collision helps
        security = self._security_purpose(node, ctx)
        # an identifier made from a credential (`api_key_fingerprint(api_key)`): collisions
        # matter little, but the digest stands in for the credential (audit tier)
        credential = None if security else _hashed_credential(data, ctx)
        challenge = protocols.fixed_by(node, ctx)
        use = destinations.use(node, ctx) if (security or credential) and not challenge else None
        sent = use == "send"
        # kept (`self.kept = sig`), compared, or returned to callers that keep or compare it,
        # the digest is this program's own, client or not
        client = use is not None and use not in ("send", "store", "check", destinations.RETURNED_AND_KEPT) and destinations.in_a_client_of_a_service(node, ctx)
        if challenge or sent or client:
            # `params={"auth": md5(rid + ts + key)}`: a signature the other service's protocol
            # demands, computed as it says; so is a challenge-response answer (`ntlm_response`),
            # or a token a site's API client makes in a class that sends it requests and never
            # compares or stores the hash: this program cannot choose the hash (audit tier)
            ctx.report(
                self,
                node,
                f"{algo.upper()} used for {security or f'`{credential}`'}, "
                + (
                    f"which {challenge} fixes" if challenge
                    else "made in a client of another service" if client
                    else "which is sent to another service"
                )
                + ": collisions are practical, so it proves little; that service's protocol chose it, so there is nothing to "
                "change here unless it accepts SHA-256.",
                confidence=Confidence.LOW,
                severity=Severity.LOW,
            )
        elif credential:
            message = (
                f"{algo.upper()} is broken for security, and this digest stands in for `{credential}`, a credential: "
                "use SHA-256, not usedforsecurity=False, which would declare that it protects nothing."
            )
            ctx.report(self, node, message, fix=_to_sha256(node, name, ctx), confidence=Confidence.LOW, severity=Severity.LOW)
        elif security:
            fix = _to_sha256(node, name, ctx)
            message = (
                f"{algo.upper()} used for {security}: collisions are practical, so it no longer proves integrity. "
                "Use SHA-256 (hashlib.sha256) or HMAC-SHA-256."
            )
            ctx.report(self, node, message, fix=fix, confidence=Confidence.MEDIUM)
        else:
            # Two fixes, only one of them safe. usedforsecurity=False keeps every digest (safe),
            # but says the hash protects nothing, which only the author knows: it is offered and
            # preferred here, never applied by fix-all or --fix. SHA-256 changes every digest
            # (stored cache keys, checksums compared with other systems): unsafe, offered beside it.
            fix = None
            alternatives = ()
            sha256 = _to_sha256(node, name, ctx)
            if name.startswith("hashlib."):
                fix = Fix(
                    "Declare the hash is not used for security (usedforsecurity=False; only if it protects nothing)",
                    (ctx.set_keyword(node, "usedforsecurity", "False"),),
                    safe=True,
                    bulk=False,
                )
                alternatives = (sha256,) if sha256 is not None else ()
            else:
                fix = sha256
            message = (
                f"{algo.upper()} is broken for security. If this hash protects nothing (cache key, ETag), "
                "say so with usedforsecurity=False; otherwise use SHA-256."
            )
            ctx.report(self, node, message, fix=fix, confidence=Confidence.LOW, severity=Severity.LOW, alternatives=alternatives)

    def _security_purpose(self, node: ast.Call, ctx) -> str | None:
        data = hashing.data_argument(node, ctx)
        if _names_an_identifier(node, ctx) or _hashes_fresh_randomness(data, ctx):
            return None
        if _read_as_number(node, ctx) and (data is None or naming.mentions(data, _SECURITY_WORDS - {"salt"}) is None and _hashed_credential(data, ctx) is None):
            # int(md5(user).hexdigest(), 16) % 100: a bucket, whatever the function is called (a
            # salt, public by nature, only reshuffles the buckets)
            return None
        candidates = []
        if data is not None:
            hit = naming.mentions(data, _SECURITY_WORDS) or next(
                (sub for sub in astutil.walk(data) if isinstance(sub, (ast.Name, ast.Attribute)) and _names_a_protecting_key(astutil.last_name(sub))), None
            )
            if hit is not None:
                candidates.append(hit)
        stmt = ctx.statement(node)
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            candidates.extend(t for t in targets if _is_security_name(naming.name_of(t)))
            candidates.extend(t for t in targets if isinstance(t, ast.Name) and _signed_later(t.id, node, ctx))
        func = ctx.enclosing_function(node)
        if func is not None and _is_security_name(func.name):
            return f"`{func.name}`"
        for hit in candidates:
            return f"`{naming.name_of(hit) or ctx.text(hit)}`"
        return None


# what takes a MAC's key first (or as `key=`)
_MAC_KEYED = frozenset({"hmac.new", "hmac.HMAC", "hmac.digest"})


def _only_keys_a_mac(made: ast.Call, ctx) -> bool:
    """A digest kept in a name (`key = sha1(salt + secret).digest()`, or on the instance) that
    every read hands to HMAC as its key: a key derived from a secret needs the secret to stay
    hidden, which a broken hash's collisions do not reveal (Django's `salted_hmac` did this)."""
    value: ast.AST = made
    while isinstance(parent := ctx.parent(value), ast.Attribute) and parent.attr in ("digest", "hexdigest") and isinstance(ctx.parent(parent), ast.Call):
        value = ctx.parent(parent)
    stmt = ctx.parent(value)
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and stmt.value is value):
        return False
    target = stmt.targets[0]
    reads: list[ast.expr]
    if isinstance(target, ast.Name):
        reads = list(astutil.name_reads(ctx.enclosing_function(stmt) or ctx.tree, target.id))
    elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
        cls = next((a for a in ctx.ancestors(stmt) if isinstance(a, ast.ClassDef)), None)
        reads = [
            n for n in astutil.walk(cls or ctx.tree)
            if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load) and n.attr == target.attr and astutil.last_name(n.value) == "self"
        ]
    else:
        return False
    return bool(reads) and all(_is_mac_key(read, ctx) for read in reads)


def _is_mac_key(node: ast.AST, ctx) -> bool:
    call = ctx.parent(node)
    if isinstance(call, ast.keyword) and call.arg == "key":
        call = ctx.parent(call)
    elif not (isinstance(call, ast.Call) and call.args and call.args[0] is node):
        return False
    return isinstance(call, ast.Call) and ctx.call_name(call) in _MAC_KEYED


def _is_security_name(identifier: str | None) -> bool:
    """`signature`, `auth_token`, `sign_request`, `hmac_key`: named for something a hash protects."""
    return naming.is_named_like(identifier, _SECURITY_WORDS) or _names_a_protecting_key(identifier)


def _names_a_protecting_key(identifier: str | None) -> bool:
    """`api_key`, `secret_key`, `signing_key`: a key that says whose it is, unlike `key` alone."""
    parts = naming.words(identifier or "")
    return any(pair in _CREDENTIAL_PAIRS for pair in zip(parts, parts[1:])) and naming.is_named_like(identifier, frozenset({"key"}))


def _signed_later(name: str, made: ast.Call, ctx) -> bool:
    """`key = sha1(title)` then `self.sign(key)`, `verify_signature(key, sig)`: the digest goes into a
    call named for signing or checking, so a collision forges what it protects."""
    for use in astutil.name_reads(web.function_body(ctx, made), name):
        call = ctx.parent(use)
        if isinstance(call, ast.Call) and use in call.args and _is_security_name(astutil.last_name(call.func)):
            return True
    return False


# What a hash object tells without hashing anything.
_SIZE_ATTRIBUTES = frozenset({"digest_size", "block_size", "name"})


def _only_sized(node: ast.Call, ctx) -> bool:
    """`sha1().digest_size`, `md5().block_size`: the object only tells a size (to size a salt or a
    buffer in a format that demands it); no data ever goes through it."""
    parent = ctx.parent(node)
    return isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _SIZE_ATTRIBUTES


def _hashed_credential(data: ast.expr | None, ctx) -> str | None:
    """The name of a credential in the hashed data (`api_key`, `session_id`, `token`), directly
    or in the values of the names it reads; None when there is none, or when the data holds fresh
    random bytes (a nonce formatted by the hash, not a credential's stand-in)."""
    if data is None or _hashes_fresh_randomness(data, ctx):
        return None
    pieces = [data] + [v for n in astutil.walk(data) if isinstance(n, ast.Name) for v in ctx.assigned_values(n)]
    for piece in pieces:
        for sub in astutil.walk(piece):
            if isinstance(sub, (ast.Name, ast.Attribute)) and isinstance(sub.ctx, ast.Load) or isinstance(sub, ast.Subscript):
                name = naming.name_of(sub) if not isinstance(sub, ast.Subscript) or isinstance(sub.slice, ast.Constant) else None
                if _is_credential_name(name):
                    return name
    return None


def _is_credential_name(identifier: str | None) -> bool:
    """`api_key`, `session_id`, `refresh_token`, `client_secret`: a credential; not a name that
    describes one (`token_type`, `api_key_name`) or says who holds it (`token_owner`)."""
    parts = naming.words(identifier or "")
    paired = {i + k for i, pair in enumerate(zip(parts, parts[1:])) if pair in _CREDENTIAL_PAIRS for k in (0, 1)}
    if not paired and not any(p in _CREDENTIAL_WORDS for p in parts):
        return False
    return parts[-1] not in naming.HOLDER_WORDS and not any(p in naming.METADATA_WORDS for i, p in enumerate(parts) if i not in paired)


def _hashes_a_password(data: ast.expr, ctx) -> bool:
    """A password in what is hashed, directly or in the one value a name in it was given
    (`_string = password + salt` then `sha1(_string.encode())`)."""
    if naming.mentions(data, naming.PASSWORD_WORDS):
        return True
    names = [n for n in astutil.walk(data) if isinstance(n, ast.Name)]
    return any(naming.mentions(v, naming.PASSWORD_WORDS) for n in names for v in ctx.assigned_values(n))


def _updated_with_a_password(made: ast.Call, ctx) -> bool:
    """`s = sha1(salt)` then `s.update(password)`: the object hashes a password (SLS301 reports that
    update, the one weakness), whatever went in first."""
    stmt = ctx.statement(made)
    if not (isinstance(stmt, ast.Assign) and stmt.value is made and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    for use in astutil.name_reads(web.function_body(ctx, made), stmt.targets[0].id):
        update = ctx.parent(ctx.parent(use))
        if isinstance(update, ast.Call) and isinstance(update.func, ast.Attribute) and update.func.value is use and update.func.attr == "update" and update.args and _hashes_a_password(update.args[0], ctx):
            return True
    return False


_RANDOMNESS = frozenset({"os.urandom", "secrets.token_bytes", "secrets.token_hex", "secrets.token_urlsafe", "secrets.randbits", "uuid.uuid4"})


def _hashes_fresh_randomness(data: ast.expr | None, ctx) -> bool:
    """`sha1(nonce_seed + os.urandom(8))`: the input holds fresh random bytes (directly or in what
    was added to the name hashed), so nobody can choose two inputs that collide; the digest
    only formats the randomness (a client nonce, a boundary)."""
    if data is None:
        return False
    pieces = [data, *(ctx.assigned_values(data) if isinstance(data, ast.Name) else ())]
    return any(isinstance(n, ast.Call) and ctx.call_name(n) in _RANDOMNESS for piece in pieces for n in astutil.walk(piece))


def _is_identifier_name(identifier: str | None) -> bool:
    """`cache_key`, `unique_key`, `job_id`, `etag`, `query_fingerprint`: a name for something."""
    parts = naming.words(identifier or "")
    if any(p in _IDENTIFIER_WORDS for p in parts):
        return True
    # `cache_key`, and `placeholder_cache_version_key`: a qualifier before the closing noun
    return bool(parts) and parts[-1] in _IDENTIFIER_NOUNS and any(p in _IDENTIFIER_QUALIFIERS for p in parts[:-1]) or any(
        a in _IDENTIFIER_QUALIFIERS and b in _IDENTIFIER_NOUNS for a, b in zip(parts, parts[1:])
    )


def _names_an_identifier(node: ast.Call, ctx) -> bool:
    """The digest is made to name something (the function or the variable it goes to says a
    cache key, a unique key, a job id): an identifier, even when computed from a token."""
    stmt = ctx.statement(node)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if any(_is_identifier_name(naming.name_of(t)) for t in targets):
            return True
        if len(targets) == 1 and isinstance(targets[0], ast.Name) and _only_looked_up(targets[0].id, node, ctx):
            return True
    if _in_identifier_template(node, ctx) or _cut_short(node, ctx):
        return True
    # a function named for the key it makes (`get_cache_key`): what it hashes makes that key
    func = ctx.enclosing_function(node)
    return func is not None and _is_identifier_name(func.name)


def _in_identifier_template(node: ast.Call, ctx) -> bool:
    """`"rate-limit:{}:{}".format(ip, md5(agent).hexdigest())`, `f"cache:{digest}"`: the text the
    digest is written into names a kind of entry (a qualifier word, then `:`)."""
    child, parent = node, ctx.parent(node)
    while parent is not None:
        if isinstance(parent, ast.Attribute) and parent.attr in destinations.DIGESTS:
            pass  # md5(x).hexdigest(): the digest itself
        elif isinstance(parent, ast.Call) and child is parent.func:
            pass
        elif isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr == "format" and isinstance(parent.func.value, ast.Constant):
            return _names_entry_kind(parent.func.value.value)
        elif isinstance(parent, ast.JoinedStr):
            return any(isinstance(v, ast.Constant) and _names_entry_kind(v.value) for v in parent.values)
        elif isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Add, ast.Mod)):
            if any(isinstance(side, ast.Constant) and _names_entry_kind(side.value) for side in (parent.left, parent.right)):
                return True
        elif not isinstance(parent, ast.FormattedValue):
            return False
        child, parent = parent, ctx.parent(parent)
    return False


def _digest_read(node: ast.Call, ctx) -> tuple[ast.expr, ast.AST | None]:
    """The expression reading the digest of the hash `node` makes (`md5(x).hexdigest()`, or the
    hash itself when nothing reads one), and what it stands in."""
    child, parent = node, ctx.parent(node)
    while isinstance(parent, ast.Attribute) and parent.attr in destinations.DIGESTS or isinstance(parent, ast.Call) and child is parent.func:
        child, parent = parent, ctx.parent(parent)
    return child, parent


def _cut_short(node: ast.Call, ctx) -> bool:
    """`md5(text).hexdigest()[:8]`, `md5(key).digest()[:8]`: a digest cut to sixteen characters
    or bytes at most is a short name (a dedup id, a row number); no hash keeps so few bits free
    of collisions, so none is a fix."""
    child, parent = _digest_read(node, ctx)
    if not (isinstance(parent, ast.Subscript) and parent.value is child and isinstance(parent.slice, ast.Slice) and parent.slice.lower is None):
        return False
    upper = parent.slice.upper
    return isinstance(upper, ast.Constant) and type(upper.value) is int and 0 < upper.value <= 16


def _read_as_number(node: ast.Call, ctx) -> bool:
    """`int(md5(user).hexdigest(), 16)`, `int.from_bytes(sha1(name).digest(), "big")`, directly or
    through the one name the digest is kept in: the digest becomes a number (a bucket, a shard,
    a seed), which proves nothing about what was hashed."""
    child, parent = _digest_read(node, ctx)
    if _converts_to_number(parent, child):
        return True
    if not (isinstance(parent, ast.Assign) and parent.value is child and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    reads = astutil.name_reads(web.function_body(ctx, node), parent.targets[0].id)
    return bool(reads) and all(_converts_to_number(ctx.parent(read), read) for read in reads)


def _converts_to_number(call: ast.AST | None, digest: ast.AST) -> bool:
    """`int(digest, 16)` or `int.from_bytes(digest, ...)`."""
    if not (isinstance(call, ast.Call) and call.args and call.args[0] is digest):
        return False
    func = call.func
    if isinstance(func, ast.Name) and func.id == "int":
        return len(call.args) == 2 or any(k.arg == "base" for k in call.keywords)
    return isinstance(func, ast.Attribute) and func.attr == "from_bytes" and isinstance(func.value, ast.Name) and func.value.id == "int"


def _names_entry_kind(text: object) -> bool:
    """`rate-limit:`, `cache:{}`: words naming an identifier's kind, closed by a colon."""
    head, colon, _ = text.partition(":") if isinstance(text, str) else ("", "", "")
    return bool(colon) and any(w in _IDENTIFIER_QUALIFIERS for w in naming.words(head))


# Methods whose first argument is the key of an entry (a dict, a cache, a persistent store).
_KEYED_METHODS = frozenset({"get", "set", "pop", "setdefault", "delete", "clear", "add", "remove", "discard", "exists", "has_key", "expire"})


def _only_looked_up(name: str, made: ast.Call, ctx) -> bool:
    """`key = sha1(...).hexdigest()` then only `store.get(key)`, `cache[key]`, `key in seen`: the
    digest names an entry of a table, whatever its variable is called."""
    uses = astutil.name_reads(web.function_body(ctx, made), name)
    return bool(uses) and all(_used_as_key(use, ctx) for use in uses)


def _used_as_key(use: ast.Name, ctx) -> bool:
    parent = ctx.parent(use)
    if isinstance(parent, ast.Call) and use in parent.args[1:] and ctx.call_name(parent) == "os.path.join":
        return True  # `os.path.join(folder, key_name)`: the digest names a file
    if isinstance(parent, ast.Subscript) and parent.slice is use:
        return True
    if isinstance(parent, ast.Compare) and parent.left is use and all(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops):
        return True
    return isinstance(parent, ast.Call) and bool(parent.args) and parent.args[0] is use and astutil.last_name(parent.func) in _KEYED_METHODS


_SHA256_TITLE = "Use SHA-256 (every digest changes: stored hashes and checksums compared elsewhere no longer match)"


def _to_sha256(node: ast.Call, name: str, ctx) -> Fix | None:
    if name == "hashlib.new":
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            quote = ctx.text(first)[0]
            return Fix(_SHA256_TITLE, (ctx.replace(first, f"{quote}sha256{quote}"),), safe=False)
        return None
    if name.startswith("hashlib.") and isinstance(node.func, (ast.Attribute, ast.Name)):
        if isinstance(node.func, ast.Attribute):
            return Fix(_SHA256_TITLE, (ctx.replace(node.func, f"{ctx.text(node.func.value)}.sha256"),), safe=False)
        return Fix(_SHA256_TITLE, (ctx.replace(node.func, "hashlib.sha256"),), safe=False, imports=("import hashlib",))
    return None
