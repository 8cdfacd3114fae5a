"""SLS316 hmac-weak-digest."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import crypto, hashing, protocols
from secure_ls.rules.base import Example, Rule, code


class HmacWeakDigest(Rule):
    """
    ## What it does
    Finds HMACs built on MD5 or SHA-1: `hmac.new(key, msg, hashlib.md5)`,
    `digestmod="sha1"`, `hmac.digest(key, msg, "md5")`, `cryptography`'s
    `HMAC(key, hashes.MD5())`, PyCryptodome's `HMAC.new(key, digestmod=MD5)`.

    ## Why is this bad?
    HMAC-MD5 and HMAC-SHA1 are not broken the way plain MD5 and SHA-1 are,
    but they rest on hash functions with practical collisions, are refused
    by FIPS and compliance regimes, and leave no margin for new designs
    (CWE-328). Both are the audit tier (low confidence): RFC 6151 finds no
    practical attack on HMAC-MD5 used as a MAC, and NIST SP 800-107 still
    approves HMAC-SHA1, so in everyday code the finding is a compliance
    note rather than a weakness (on real projects HMAC-MD5 was a legacy
    peer's format, a vendored library's cookie or a salt, never a forgery).
    HMAC-MD4, which has a published key-recovery attack, is medium, except
    in code that implements a protocol that mandates it (a function, class
    or module named for it: NTLM, Kerberos, Netlogon, SMB, SNMP, CRAM...; a
    function that cites its specification, `[MS-NRPC]`, `RFC 4757`, or
    answers a challenge) or in a function or class the module lists in a
    table of three or more implementations (`{17: AESEnctype(16), 23:
    RC4Enctype()}`: suites a peer picks). Where a protocol fixes the digest,
    the message names it.

    ## How to fix it
    Use SHA-256: `hmac.new(key, msg, hashlib.sha256)`. The quick fix swaps
    the digest. It is unsafe: every MAC changes, so stored MACs and the
    other side of the protocol must change too.
    """

    id = "SLS316"
    name = "hmac-weak-digest"
    title = "HMAC with MD5 or SHA-1"
    cwe = 328
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    topic = "hmac"
    fixable = True
    calls = crypto.HMAC_CALLS

    VALID = [
        code("""
            import hmac, hashlib
            def sign(key, msg):
                return hmac.new(key, msg, hashlib.sha256).hexdigest()
        """),
        code("""
            import hmac
            def sign(key, msg):
                return hmac.digest(key, msg, 'sha512')
        """),
        code("""
            import hmac, hashlib
            def sign(key, msg, algo):
                return hmac.new(key, msg, algo).hexdigest()
        """),
        code("""
            import hashlib
            def etag(body):
                return hashlib.md5(body, usedforsecurity=False).hexdigest()
        """),
    ]
    INVALID = [
        Example(
            code("""
                import hmac
                import hashlib

                def sign(key, msg):
                    return hmac.new(key, msg, digestmod=hashlib.md5).hexdigest()
            """),
            fixed=code("""
                import hmac
                import hashlib

                def sign(key, msg):
                    return hmac.new(key, msg, digestmod=hashlib.sha256).hexdigest()
            """),
            where="hashlib.md5",
            says="HMAC-MD5: MD5 has practical collisions",
        ),
        Example(
            code("""
                import hmac

                def sign(key, msg):
                    return hmac.digest(key, msg, 'sha1')
            """),
            fixed=code("""
                import hmac

                def sign(key, msg):
                    return hmac.digest(key, msg, 'sha256')
            """),
            where="'sha1'",
            says="HMAC-SHA1: SHA1 has practical collisions",
        ),
        Example(
            code("""
                from hmac import new as mac
                from hashlib import md5

                def sign(key, msg):
                    return mac(key, msg, md5).digest()
            """),
            fixed=code("""
                from hmac import new as mac
                from hashlib import md5
                import hashlib

                def sign(key, msg):
                    return mac(key, msg, hashlib.sha256).digest()
            """),
            where="md5",
            says="HMAC-MD5: MD5 has practical collisions",
        ),
        Example(
            code("""
                from cryptography.hazmat.primitives import hashes, hmac

                def signer(key):
                    return hmac.HMAC(key, hashes.SHA1())
            """),
            fixed=code("""
                from cryptography.hazmat.primitives import hashes, hmac

                def signer(key):
                    return hmac.HMAC(key, hashes.SHA256())
            """),
            where="hashes.SHA1()",
            says="HMAC-SHA1: SHA1 has practical collisions",
        ),
    ]

    @staticmethod
    def _protocol(node: ast.Call, ctx) -> bool:
        """CRAM-MD5 style challenge-response, or test code: the digest is dictated from outside."""
        if ctx.in_test_code(node) or hashing.picked_from_a_table(node, ctx):
            return True  # test code, or one of a table of suites a peer picks (`{23: RC4Enctype(), ...}`)
        func = ctx.enclosing_function(node)
        name = func.name.lower() if func is not None else ""
        return any(w in name for w in ("totp", "hotp", "otp", "legacy"))

    def visit_Call(self, node: ast.Call, ctx) -> None:
        mac = crypto.hmac_call(node, ctx)
        if mac is None or mac.digest is None:
            return
        weak = crypto.weak_digest(mac.digest, ctx)
        if weak is None:
            return
        algo, replacement = weak
        imports: tuple[str, ...] = ()
        if replacement == "hashlib.sha256" and not isinstance(mac.digest, ast.Attribute):
            imports = ("import hashlib",)
        if not replacement and mac.library in ("Crypto", "Cryptodome") and isinstance(mac.digest, ast.Name):
            replacement, imports = "SHA256", (f"from {mac.library}.Hash import SHA256",)
        fix = Fix("Use HMAC-SHA256", (ctx.replace(mac.digest, replacement),), safe=False, imports=imports) if replacement else None
        protocol = protocols.fixed_by(node, ctx)
        if protocol:
            ctx.report(
                self,
                mac.digest,
                f"HMAC-{algo.upper()}, which {protocol} fixes here: {algo.upper()} has practical collisions and is refused "
                "by FIPS; keep it only to speak that protocol, and use HMAC-SHA256 wherever this program chooses.",
                confidence=Confidence.LOW,
            )
            return
        ctx.report(
            self,
            mac.digest,
            f"HMAC-{algo.upper()}: {algo.upper()} has practical collisions and is refused by FIPS; use HMAC-SHA256 "
            "(unless a protocol mandates it; every MAC value changes).",
            fix=fix,
            confidence=Confidence.MEDIUM if algo == "md4" and not self._protocol(node, ctx) else Confidence.LOW,
        )
