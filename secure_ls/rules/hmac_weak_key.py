"""SLS318 hmac-weak-key."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Severity
from secure_ls.engine import astutil
from secure_ls.rules._support import constants, crypto, destinations, hashing
from secure_ls.rules.base import Example, Rule, code

MINIMUM_KEY_BYTES = 16
_RANDOM_BYTES = frozenset({"os.urandom", "secrets.token_bytes", "Crypto.Random.get_random_bytes", "Cryptodome.Random.get_random_bytes"})


class HmacWeakKey(Rule):
    """
    ## What it does
    Finds HMAC keys (`hmac.new`, `hmac.digest`, `cryptography`'s `HMAC`,
    PyCryptodome's `HMAC.new`) that are written in the code (a literal or a
    constant defined from one), or that are generated shorter than 16 bytes
    (`os.urandom(8)`, `secrets.token_bytes(8)`). A key written in a function
    the module lists in a table of three or more hash formats
    (`{HASH.WORDPRESS_BCRYPT: wordpress_bcrypt_passwd, ...}`) is the audit
    tier (low confidence): one format among several, picked by the hashes
    being checked, whose fixed public pre-hash key it reproduces. So is a
    key written in the code whose MACs only go out in requests to another
    service (`params={"sig": mac}`, a URL whose host the code names,
    `f"https://api.example.com/sign?sig={mac}"`, also base64- or
    hex-encoded first): a signature that service's API asks for, made with
    the client key its own app or web page ships; what to change there is
    up to that service. A MAC the program keeps, compares or returns is
    reported as before.

    ## Why is this bad?
    An HMAC is only as secret as its key. A key in the source is known to
    everyone who has the code, so anyone can forge valid MACs, session
    cookies or webhook signatures; a short key can be brute-forced
    (CWE-321, CWE-326).

    ## How to fix it
    Generate at least 32 random bytes (`secrets.token_bytes(32)`) once, keep
    them in a secret store or environment variable, and load them at run
    time. No quick fix is offered: the key has to move out of the code and
    the exposed one must be replaced.
    """

    id = "SLS318"
    name = "hmac-weak-key"
    title = "HMAC key written in the code or too short"
    cwe = 321
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "hmac"
    fixable = False
    calls = crypto.HMAC_CALLS

    VALID = [
        code("""
            import hmac, hashlib, os
            def sign(msg):
                return hmac.new(os.environ['WEBHOOK_KEY'].encode(), msg, hashlib.sha256).hexdigest()
        """),
        code("""
            import hmac, hashlib
            def sign(key, msg):
                return hmac.new(key, msg, hashlib.sha256).hexdigest()
        """),
        code("""
            import hmac, hashlib, secrets
            KEY = secrets.token_bytes(32)
            def sign(msg):
                return hmac.new(KEY, msg, hashlib.sha256).digest()
        """),
        code("""
            import hmac, hashlib
            def checksum(data):
                return hmac.new(b'', data, hashlib.sha256).digest()
        """),
    ]
    INVALID = [
        Example(code("""
            import hmac
            import hashlib

            def sign(msg):
                return hmac.new(b'my-secret-key', msg, hashlib.sha256).hexdigest()
        """),
            where="b'my-secret-key'",
            says="HMAC key written in the code",
        ),
        Example(code("""
            import hmac
            import hashlib

            SECRET = 'webhook-signing-secret-2024'

            def sign(body):
                return hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        """),
            where="SECRET.encode()",
            says="HMAC key written in the code",
        ),
        # a site API's request signature, made with the key its own app ships (the audit tier)
        Example(code("""
            import hashlib
            import hmac
            import requests

            def fetch(url, stamp):
                sig = hmac.new(b'key-the-site-app-ships', f'{url}{stamp}'.encode(), hashlib.sha256).hexdigest()
                return requests.get(url, params={'stamp': stamp, 'sig': sig})
        """),
            where="b'key-the-site-app-ships'",
            says="for a signature only sent to another service",
        ),
        Example(code("""
            import hmac
            import hashlib
            import os

            def sign(msg):
                key = os.urandom(8)
                return key, hmac.digest(key, msg, 'sha256')
        """),
            where="key",
            says="HMAC key of 8 random bytes",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        mac = crypto.hmac_call(node, ctx)
        if mac is None or mac.key is None:
            return
        key = mac.key
        if isinstance(key, ast.Constant) and key.value is None:
            return
        short = self._generated_length(key, ctx)
        if short is not None:
            if short < MINIMUM_KEY_BYTES:
                ctx.report(
                    self,
                    key,
                    f"HMAC key of {short} random bytes: use at least {MINIMUM_KEY_BYTES} (32 recommended) so it cannot be brute-forced.",
                    confidence=Confidence.HIGH,
                )
            return
        if not ctx.origin(key).is_constant:
            return
        inner = key.func.value if isinstance(key, ast.Call) and isinstance(key.func, ast.Attribute) and key.func.attr == "encode" else key
        length = crypto.literal_bytes_length(inner, ctx)
        if length == 0:
            return
        if length is None and not isinstance(inner, (ast.Name, ast.Attribute)):
            return
        extra = f" It is also only {length} bytes long; use at least 32 random bytes." if length is not None and length < MINIMUM_KEY_BYTES else ""
        if hashing.picked_from_a_table(node, ctx):
            # `{HASH.WORDPRESS: wordpress_passwd, ...}`: a format's fixed, public pre-hash key, reproduced
            ctx.report(
                self,
                key,
                "HMAC key written in the code, in one of a table of hash formats: if the format fixes this key it is public "
                "and protects nothing; if it is this program's own MAC key, anyone with the source can forge valid MACs.",
                confidence=Confidence.LOW,
            )
            return
        if _only_sent(node, ctx):
            ctx.report(
                self,
                key,
                "HMAC key written in the code, for a signature only sent to another service: if that service's client ships "
                "this key it is public and protects nothing; if it is this program's own secret, anyone with the source can "
                "forge the signature.",
                confidence=Confidence.LOW,
            )
            return
        ctx.report(
            self,
            key,
            "HMAC key written in the code: anyone with the source can forge valid MACs. Load a random key (secrets.token_bytes(32)) "
            f"from a secret store or environment variable, and replace the exposed one.{extra}",
            confidence=Confidence.LOW if ctx.in_test_code(key) else None,
        )

    def _generated_length(self, key: ast.expr, ctx) -> int | None:
        value = constants.defining_value(key, ctx)
        if isinstance(value, ast.Call) and (ctx.call_name(value) or "") in _RANDOM_BYTES and len(value.args) == 1:
            return constants.int_value(value.args[0], ctx)
        return None


# Calls that hand back the same bytes in another encoding: where their result goes, the MAC goes.
_ENCODINGS = frozenset({"b64encode", "urlsafe_b64encode", "standard_b64encode", "b32encode", "b16encode", "hexlify", "quote", "quote_plus"})
_TEXT_METHODS = frozenset({"decode", "encode", "hex", "upper", "lower", "strip", "rstrip", "replace"})


def _only_sent(mac: ast.Call, ctx) -> bool:
    """Whether the MAC made by `mac` (read as a digest, then maybe re-encoded:
    `base64.b64encode(h.digest()).decode().replace("=", "")`) only goes out in a request to another
    party: a request signature in the format that party's API asks for."""
    node: ast.expr = mac
    parent = ctx.parent(node)
    if not (isinstance(parent, ast.Attribute) and parent.attr in destinations.DIGESTS and isinstance(ctx.parent(parent), ast.Call)):
        return False  # an HMAC object kept or passed on: what it signs and where it goes are out of reach
    node = ctx.parent(parent)
    while True:
        parent = ctx.parent(node)
        if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _TEXT_METHODS and isinstance(ctx.parent(parent), ast.Call):
            node = ctx.parent(parent)
        elif isinstance(parent, ast.Call) and len(parent.args) == 1 and parent.args[0] is node and astutil.last_name(parent.func) in _ENCODINGS:
            node = parent
        else:
            break
    return destinations.use(node, ctx) == "send"
