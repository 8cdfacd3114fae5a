"""SLS318 hmac-weak-key."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import constants, crypto, hashing
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
    being checked, whose fixed public pre-hash key it reproduces.

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
