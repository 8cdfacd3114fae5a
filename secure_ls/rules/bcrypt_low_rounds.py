"""SLS308 bcrypt-low-rounds."""

from __future__ import annotations

import ast

from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import constants, crypto
from secure_ls.rules.base import Example, Rule, code

MINIMUM_ROUNDS = 10
RECOMMENDED_ROUNDS = 12


class BcryptLowRounds(Rule):
    """
    ## What it does
    Finds bcrypt salts generated with a cost below 10
    (`bcrypt.gensalt(rounds=4)`, passlib's `bcrypt.using(rounds=4)`).

    ## Why is this bad?
    bcrypt's cost is a power of two: each step down halves the attacker's
    work. Cost 4 is 64 times cheaper to brute-force than OWASP's minimum of
    10 and is meant for unit tests only (CWE-916).

    ## How to fix it
    Use a cost of at least 10; 12 is a common choice (about a quarter
    second per hash on a server). The quick fix sets 12. It is safe:
    bcrypt stores the cost inside each hash, so existing hashes still
    verify, and new ones simply take longer to compute.
    """

    id = "SLS308"
    name = "bcrypt-low-rounds"
    title = "bcrypt cost too low"
    cwe = 916
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "passwords"
    fixable = True
    calls = frozenset({"bcrypt.gensalt", "passlib.hash.bcrypt.using", "passlib.hash.bcrypt_sha256.using"})

    VALID = [
        code("""
            import bcrypt
            def store(password):
                return bcrypt.hashpw(password, bcrypt.gensalt())
        """),
        code("""
            import bcrypt
            def store(password):
                return bcrypt.hashpw(password, bcrypt.gensalt(rounds=12))
        """),
        code("""
            import bcrypt
            def store(password, cost):
                return bcrypt.hashpw(password, bcrypt.gensalt(cost))
        """),
        code("""
            def gensalt(rounds):
                return rounds
            gensalt(4)
        """),
    ]
    INVALID = [
        Example(
            code("""
                import bcrypt

                def store(password):
                    return bcrypt.hashpw(password, bcrypt.gensalt(rounds=4))
            """),
            fixed=code("""
                import bcrypt

                def store(password):
                    return bcrypt.hashpw(password, bcrypt.gensalt(rounds=12))
            """),
            where="4",
            says="bcrypt cost 4 is below the minimum of 10",
        ),
        Example(
            code("""
                from bcrypt import gensalt, hashpw

                def store(password):
                    return hashpw(password, gensalt(8))
            """),
            fixed=code("""
                from bcrypt import gensalt, hashpw

                def store(password):
                    return hashpw(password, gensalt(12))
            """),
            where="8",
            says="bcrypt cost 8 is below the minimum of 10",
        ),
        Example(
            code("""
                from passlib.hash import bcrypt

                hasher = bcrypt.using(rounds=5)
            """),
            fixed=code("""
                from passlib.hash import bcrypt

                hasher = bcrypt.using(rounds=12)
            """),
            where="5",
            says="bcrypt cost 5 is below the minimum of 10",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name == "bcrypt.gensalt":
            rounds = argument(node, 0, ("rounds",))
        elif name in ("passlib.hash.bcrypt.using", "passlib.hash.bcrypt_sha256.using"):
            rounds = argument(node, None, ("rounds",))
        else:
            return
        if rounds is None:
            return
        value = constants.int_value(rounds, ctx)
        if value is None or value >= MINIMUM_ROUNDS:
            return
        target = rounds if isinstance(rounds, (ast.Constant, ast.BinOp)) else crypto.local_literal_assignment(rounds, ctx)
        fix = Fix(f"Use bcrypt cost {RECOMMENDED_ROUNDS}", (ctx.replace(target, str(RECOMMENDED_ROUNDS)),), safe=True) if target is not None else None
        ctx.report(
            self,
            rounds,
            f"bcrypt cost {value} is below the minimum of {MINIMUM_ROUNDS}: each step down halves the work of brute-forcing the "
            f"hashes. Use {RECOMMENDED_ROUNDS} (existing hashes keep verifying; bcrypt stores the cost in each hash).",
            fix=fix,
        )
