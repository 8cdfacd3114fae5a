"""SLS306 kdf-constant-salt."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import crypto, decrypt_only
from secure_ls.rules.base import Example, Rule, code


class KdfConstantSalt(Rule):
    """
    ## What it does
    Finds password-based key derivation (`hashlib.pbkdf2_hmac`,
    `hashlib.scrypt`, `cryptography`'s `PBKDF2HMAC`/`Scrypt`, PyCryptodome's
    `PBKDF2`/`scrypt`) given a salt that is a constant: a literal such as
    `b"salt"` or `b""`, or a module constant. A key derived from the
    application's secret rather than a password, and a key that only
    decrypts data already written in its format (every cipher it keys only
    decrypts, `Fernet(key).decrypt(...)`: the files fix the salt), are the
    audit tier (low confidence).

    ## Why is this bad?
    The salt exists so that equal passwords give different hashes and an
    attacker must attack each hash on its own. With one salt for everybody,
    identical passwords are visible at once and a single precomputed
    dictionary cracks the whole table (CWE-760).

    ## How to fix it
    Generate a new random salt for every password (`salt = os.urandom(16)`)
    and store it next to the hash (it is not secret), or use a password
    hashing library that does this for you (`bcrypt`, `argon2-cffi`,
    passlib). No quick fix is offered: where the salt is stored is a design
    decision, and hashes already stored need the old salt to verify.
    """

    id = "SLS306"
    name = "kdf-constant-salt"
    title = "Password hash with a constant salt"
    cwe = 760
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "passwords"
    fixable = False
    calls = crypto.KDF_CALLS

    VALID = [
        code("""
            import hashlib, os
            def store(password):
                salt = os.urandom(16)
                return salt + hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 600_000)
        """),
        code("""
            import hashlib
            def check(password, salt, stored):
                return hashlib.pbkdf2_hmac('sha256', password, salt, 600_000) == stored
        """),
        code("""
            import hashlib
            def derive(password, user):
                return hashlib.scrypt(password, salt=user.salt, n=2**17, r=8, p=1, maxmem=2**28)
        """),
        code("""
            def pbkdf2_hmac(name, password, salt, rounds):
                return password
            pbkdf2_hmac('sha256', b'pw', b'salt', 1)
        """),
    ]
    INVALID = [
        Example(code("""
            import hashlib

            def store(password):
                return hashlib.pbkdf2_hmac('sha256', password.encode(), b'static-salt', 600_000)
        """),
            where="b'static-salt'",
            says="Password-based key derivation with a constant salt `b'static-salt'`",
        ),
        Example(code("""
            from hashlib import scrypt

            SALT = b''

            def derive(password):
                return scrypt(password, salt=SALT, n=2**17, r=8, p=1, maxmem=2**28)
        """),
            where="SALT",
            says="Password-based key derivation with a constant salt `SALT`",
        ),
        Example(
            code("""
                from cryptography.hazmat.primitives import hashes
                from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

                def key_for(password):
                    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt='fixed'.encode(), iterations=600_000)
                    return kdf.derive(password)
            """),
            where="'fixed'.encode()",
            says="Password-based key derivation with a constant salt `'fixed'.encode()`",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        kdf = crypto.kdf_call(node, ctx)
        if kdf is None or kdf.salt is None:
            return
        salt = kdf.salt
        if isinstance(salt, ast.Constant) and salt.value is None:
            return
        if not ctx.origin(salt).is_constant:
            return
        length = crypto.literal_bytes_length(salt, ctx)
        what = "an empty salt" if length == 0 else "a constant salt"
        ctx.report(
            self,
            salt,
            f"Password-based key derivation with {what} `{ctx.text(salt)[:40]}`: identical passwords give identical hashes and one "
            "precomputed dictionary attacks every hash. Generate a random salt per password (os.urandom(16)) and store it with the hash.",
            # a key derived from the application's secret: no password to look up in a dictionary;
            # a key that only decrypts data already written in this format, which fixes the salt
            confidence=Confidence.LOW if ctx.in_test_code(node) or crypto.stretches_a_key(kdf) or decrypt_only.only_decrypts(kdf.call, ctx) else None,
        )
