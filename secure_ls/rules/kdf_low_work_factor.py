"""SLS307 kdf-low-work-factor."""

from __future__ import annotations

import ast

from secure_ls.engine.context import keyword
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import constants, crypto, decrypt_only, destinations, hashing, protocols
from secure_ls.rules.base import Example, Rule, code

# OWASP Password Storage Cheat Sheet (2023): PBKDF2 iterations per PRF.
PBKDF2_MINIMUM = {
    "sha1": 1_300_000,
    "sha224": 600_000,
    "sha256": 600_000,
    "sha384": 210_000,
    "sha512": 210_000,
}
_PBKDF2_TEXT = {1_300_000: "1_300_000", 600_000: "600_000", 210_000: "210_000"}
# scrypt: N=2**17, r=8, p=1, or an equivalent trade-off (N*r*p at least 2**13*8*10).
SCRYPT_MINIMUM_COST = 2**13 * 8 * 10
# hashlib.scrypt refuses more than 32 MiB by default; N=2**17, r=8 needs 128 MiB.
_SCRYPT_MAXMEM = 2**28


class KdfLowWorkFactor(Rule):
    """
    ## What it does
    Finds PBKDF2 with fewer iterations than OWASP recommends (600,000 for
    HMAC-SHA256, 210,000 for HMAC-SHA512, 1,300,000 for HMAC-SHA1) and
    scrypt with a cost below N=2**17, r=8, p=1 (or an equivalent trade-off),
    in `hashlib`, `cryptography` and PyCryptodome. Only iteration counts
    and parameters written as constants are judged. Where another system
    fixed the cost, the finding is low confidence, with no fix: a result
    that only goes out in requests to another service (its login protocol
    fixes the count), a salt read from what another service answered (the
    program reproduces that service's derivation, `salt = answer["s"]`), or
    a function the module lists in a table of three or more hash formats
    (`{HASH.ORACLE_12C: oracle_12c_passwd, ...}`: one format among several,
    picked by the hashes being checked), or a key that only decrypts data
    already written in its format (every cipher it keys only decrypts:
    `Fernet(self._key).decrypt(text)`, an older journal format kept to read
    old files), or code that implements a protocol whose specification
    fixes the count (a function, class or module named for it: DPAPI,
    Kerberos...; a function that cites the specification, `[MS-DPAPI]`,
    `RFC 3962`). A salt read from a file or the program's own store is not
    another service's answer. So is a KDF given a key rather than a password
    (its input named for a key, secret or seed: `settings.SECRET_KEY`, a
    wallet's `mnemonic`, whose BIP39 derivation fixes 2,048 rounds): what
    it stretches is random already.

    ## Why is this bad?
    The work factor is all that slows down an attacker who has stolen the
    hashes: at 1,000 or 10,000 iterations a GPU tests millions of
    candidate passwords a second (CWE-916).

    ## How to fix it
    Raise the iteration count to the recommended value, or scrypt's `n` to
    `2**17` (the quick fix also gives `hashlib.scrypt` enough `maxmem`,
    since its default 32 MiB limit refuses that cost). The fix is marked
    unsafe: hashes already stored with the old parameters no longer verify
    unless the parameters are stored with each hash; record them and re-hash
    at the next successful login.
    """

    id = "SLS307"
    name = "kdf-low-work-factor"
    title = "PBKDF2/scrypt work factor too low"
    cwe = 916
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "passwords"
    fixable = True
    calls = crypto.KDF_CALLS

    VALID = [
        code("""
            import hashlib, os
            def store(password):
                salt = os.urandom(16)
                return hashlib.pbkdf2_hmac('sha256', password, salt, 600_000)
        """),
        code("""
            import hashlib
            def store(password, salt):
                return hashlib.pbkdf2_hmac('sha512', password, salt, 210000)
        """),
        code("""
            import hashlib
            def store(password, salt, rounds):
                return hashlib.pbkdf2_hmac('sha256', password, salt, rounds)
        """),
        code("""
            import hashlib
            def derive(password, salt):
                return hashlib.scrypt(password, salt=salt, n=2**14, r=8, p=5, maxmem=2**27)
        """),
        code("""
            import hashlib
            def derive(password, salt):
                return hashlib.scrypt(password, salt=salt, n=1 << 17, r=8, p=1, maxmem=2**28)
        """),
    ]
    INVALID = [
        # a key that only decrypts files an older version wrote: the format fixed the count (audit tier)
        Example(
            code("""
                import base64
                from cryptography.fernet import Fernet
                from cryptography.hazmat.primitives import hashes
                from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

                class LegacyJournal:
                    def __init__(self, password, salt):
                        kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=100_000)
                        self._key = base64.urlsafe_b64encode(kdf.derive(password.encode()))

                    def read(self, text):
                        return Fernet(self._key).decrypt(text).decode()
            """),
            fixed=None,
            where="100_000",
            says="The key only decrypts data already written in this format",
        ),
        Example(
            code("""
                import hashlib

                def store(password, salt):
                    return hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 100000)
            """),
            fixed=code("""
                import hashlib

                def store(password, salt):
                    return hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 600_000)
            """),
            where="100000",
            says="PBKDF2-HMAC-SHA256 with 100,000 iterations",
        ),
        Example(
            code("""
                import hashlib

                def store(password, salt):
                    iterations = 10_000
                    return hashlib.pbkdf2_hmac('sha1', password, salt, iterations)
            """),
            fixed=code("""
                import hashlib

                def store(password, salt):
                    iterations = 1_300_000
                    return hashlib.pbkdf2_hmac('sha1', password, salt, iterations)
            """),
            where="iterations",
            says="PBKDF2-HMAC-SHA1 with 10,000 iterations",
        ),
        Example(
            code("""
                import hashlib

                def derive(password, salt):
                    return hashlib.scrypt(password, salt=salt, n=2**14, r=8, p=1)
            """),
            fixed=code("""
                import hashlib

                def derive(password, salt):
                    return hashlib.scrypt(password, salt=salt, n=2**17, r=8, p=1, maxmem=2**28)
            """),
            where="2**14",
            says="scrypt with N=16384, r=8, p=1",
        ),
        Example(
            code("""
                from cryptography.hazmat.primitives import hashes
                from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

                def kdf(salt):
                    return PBKDF2HMAC(algorithm=hashes.SHA512(), length=32, salt=salt, iterations=50000)
            """),
            fixed=code("""
                from cryptography.hazmat.primitives import hashes
                from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

                def kdf(salt):
                    return PBKDF2HMAC(algorithm=hashes.SHA512(), length=32, salt=salt, iterations=210_000)
            """),
            where="50000",
            says="PBKDF2-HMAC-SHA512 with 50,000 iterations",
        ),
        Example(
            code("""
                from Crypto.Protocol.KDF import PBKDF2

                def key(password, salt):
                    return PBKDF2(password, salt, 32)
            """),
            fixed=code("""
                from Crypto.Protocol.KDF import PBKDF2

                def key(password, salt):
                    return PBKDF2(password, salt, 32, count=1_300_000)
            """),
            where="PBKDF2(password, salt, 32)",
            says="PBKDF2-HMAC-SHA1 with 1,000 iterations",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        kdf = crypto.kdf_call(node, ctx)
        if kdf is None:
            return
        if kdf.kind == "pbkdf2":
            self._pbkdf2(kdf, ctx)
        else:
            self._scrypt(kdf, ctx)

    def _pbkdf2(self, kdf: crypto.KdfCall, ctx) -> None:
        minimum = PBKDF2_MINIMUM.get(kdf.hash_name or "")
        if minimum is None:
            return
        if kdf.iterations is None:
            if kdf.default_iterations is None:
                return
            count = kdf.default_iterations
            edit = ctx.set_keyword(kdf.call, "count", _PBKDF2_TEXT[minimum])
            where = kdf.call
        else:
            count = constants.int_value(kdf.iterations, ctx)
            if count is None:
                return
            edit = self._replace_number(kdf.iterations, _PBKDF2_TEXT[minimum], ctx)
            where = kdf.iterations
        if count >= minimum:
            return
        fix = Fix(f"Use {minimum:,} iterations", (edit,), safe=False) if edit is not None else None
        fixed_by = _fixed_elsewhere(kdf, ctx)
        ctx.report(
            self,
            where,
            f"PBKDF2-HMAC-{kdf.hash_name.upper()} with {count:,} iterations: OWASP recommends at least {minimum:,}. "
            + (fixed_by or "Raise it (stored hashes need their iteration count recorded and a re-hash at next login)."),
            fix=None if fixed_by else fix,
            # another system's format, which fixed the cost: the audit tier
            confidence=Confidence.LOW if fixed_by or ctx.in_test_code(where) or crypto.stretches_a_key(kdf) else None,
        )

    def _scrypt(self, kdf: crypto.KdfCall, ctx) -> None:
        n = constants.int_value(kdf.n, ctx)
        r = constants.int_value(kdf.r, ctx) if kdf.r is not None else 8
        p = constants.int_value(kdf.p, ctx) if kdf.p is not None else 1
        if n is None or r is None or p is None or kdf.n is None:
            return
        if n * r * p >= SCRYPT_MINIMUM_COST:
            return
        fix = None
        if r == 8 and p == 1:
            edit = self._replace_number(kdf.n, "2**17", ctx)
            if edit is not None:
                edits = [edit]
                if (ctx.call_name(kdf.call) or "") == "hashlib.scrypt":
                    maxmem = keyword(kdf.call, "maxmem")
                    current = constants.int_value(maxmem.value, ctx) if maxmem is not None else 0
                    if maxmem is None or (current is not None and current < _SCRYPT_MAXMEM):
                        edits.append(ctx.set_keyword(kdf.call, "maxmem", "2**28"))
                    elif current is None:
                        edits = None
                if edits:
                    fix = Fix("Use scrypt with N=2**17", tuple(edits), safe=False)
        fixed_by = _fixed_elsewhere(kdf, ctx)
        ctx.report(
            self,
            kdf.n,
            f"scrypt with N={n}, r={r}, p={p}: OWASP recommends at least N=2**17, r=8, p=1 (or an equivalent cost). "
            + (fixed_by or "Raise N (stored hashes need their parameters recorded and a re-hash at next login)."),
            fix=None if fixed_by else fix,
            confidence=Confidence.LOW if fixed_by or ctx.in_test_code(kdf.n) or crypto.stretches_a_key(kdf) else None,
        )

    def _replace_number(self, node: ast.expr, text: str, ctx):
        if isinstance(node, (ast.Constant, ast.BinOp)):
            return ctx.replace(node, text)
        literal = crypto.local_literal_assignment(node, ctx)
        if literal is not None and isinstance(literal, (ast.Constant, ast.BinOp)):
            return ctx.replace(literal, text)
        return None


def _fixed_elsewhere(kdf: crypto.KdfCall, ctx) -> str | None:
    """Why the count is another system's choice, or None: the result is sent to a service whose
    login protocol fixes it; the salt is what a service answered (the program reproduces that
    service's derivation, `salt = answer["s"]`, so its count too); or the function is one of a
    table of formats picked by the hash at hand (`{HASH.ORACLE_12C: oracle_12c_passwd, ...}`)."""
    if destinations.use(kdf.call, ctx) == "send":
        return "The result is sent to another service, whose login protocol may fix the count: raise it only if that service accepts it."
    if kdf.salt is not None and destinations.answered(kdf.salt, ctx):
        return "The salt is what another service answered: this reproduces that service's derivation, whose count it fixes; raise it only if that service accepts it."
    if hashing.picked_from_a_table(kdf.call, ctx):
        return "This is one of a table of hash formats, picked by the hashes being checked: the format fixes the count."
    if decrypt_only.only_decrypts(kdf.call, ctx):
        return "The key only decrypts data already written in this format, which fixes the count: write new data in a stronger format and migrate what is read."
    protocol = protocols.fixed_by(kdf.call, ctx)
    if protocol:
        return f"{protocol[0].upper()}{protocol[1:]} fixes the count here: keep it only to speak that protocol or read its data."
    return None
