"""SLS317 hmac-missing-digestmod."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import crypto
from secure_ls.rules.base import Example, Rule, code


class HmacMissingDigestmod(Rule):
    """
    ## What it does
    Finds `hmac.new(key, msg)` and `hmac.HMAC(key)` without a `digestmod`,
    and PyCryptodome's `HMAC.new(key, msg)` without one.

    ## Why is this bad?
    Before Python 3.8, `hmac.new` without `digestmod` silently used MD5;
    since 3.8 it raises `TypeError`, so such code is either weak or broken.
    PyCryptodome's `HMAC.new` still defaults to MD5 today (CWE-328).

    ## How to fix it
    Always name the digest: `hmac.new(key, msg, digestmod=hashlib.sha256)`.
    The quick fix adds it (with `import hashlib`, or PyCryptodome's
    `SHA256`). It is unsafe: where the code used to run with the MD5
    default, every MAC value changes.
    """

    id = "SLS317"
    name = "hmac-missing-digestmod"
    title = "HMAC without an explicit digest"
    cwe = 328
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "hmac"
    fixable = True
    calls = crypto.HMAC_CALLS

    VALID = [
        code("""
            import hmac, hashlib
            def sign(key, msg):
                return hmac.new(key, msg, hashlib.sha256).digest()
        """),
        code("""
            import hmac, hashlib
            def sign(key, msg):
                return hmac.new(key, digestmod=hashlib.sha256).digest()
        """),
        code("""
            import hmac
            def sign(key, msg, **options):
                return hmac.new(key, msg, **options).digest()
        """),
        code("""
            from Crypto.Hash import HMAC, SHA256
            def sign(key, msg):
                return HMAC.new(key, msg, digestmod=SHA256).digest()
        """),
    ]
    INVALID = [
        Example(
            code("""
                import hmac

                def sign(key, msg):
                    return hmac.new(key, msg).hexdigest()
            """),
            fixed=code("""
                import hmac
                import hashlib

                def sign(key, msg):
                    return hmac.new(key, msg, digestmod=hashlib.sha256).hexdigest()
            """),
            where="hmac.new(key, msg)",
            says="hmac.new() without digestmod",
        ),
        Example(
            code("""
                import hmac
                import hashlib

                def signer(key):
                    return hmac.HMAC(key)
            """),
            fixed=code("""
                import hmac
                import hashlib

                def signer(key):
                    return hmac.HMAC(key, digestmod=hashlib.sha256)
            """),
            where="hmac.HMAC(key)",
            says="hmac.new() without digestmod",
        ),
        Example(
            code("""
                from Crypto.Hash import HMAC

                def sign(key, msg):
                    return HMAC.new(key, msg).hexdigest()
            """),
            fixed=code("""
                from Crypto.Hash import HMAC
                from Crypto.Hash import SHA256

                def sign(key, msg):
                    return HMAC.new(key, msg, digestmod=SHA256).hexdigest()
            """),
            where="HMAC.new(key, msg)",
            says="HMAC.new() without digestmod",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        mac = crypto.hmac_call(node, ctx)
        if mac is None or mac.digest is not None or mac.library == "cryptography":
            return
        if (ctx.call_name(node) or "") == "hmac.digest":
            return  # its digest argument is required
        if mac.library == "hashlib":
            fix = Fix("Use HMAC-SHA256", (ctx.set_keyword(node, "digestmod", "hashlib.sha256"),), safe=False, imports=("import hashlib",))
            message = "hmac.new() without digestmod: Python before 3.8 silently uses MD5, 3.8+ raises TypeError. Pass digestmod=hashlib.sha256."
        else:
            fix = Fix("Use HMAC-SHA256", (ctx.set_keyword(node, "digestmod", "SHA256"),), safe=False, imports=(f"from {mac.library}.Hash import SHA256",))
            message = "HMAC.new() without digestmod: PyCryptodome then uses MD5. Pass digestmod=SHA256."
        ctx.report(self, node, message, fix=fix, confidence=Confidence.LOW if ctx.in_test_code(node) else None)
