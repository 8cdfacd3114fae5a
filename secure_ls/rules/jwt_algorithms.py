"""SLS320 jwt-algorithms."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.context import argument, keyword
from secure_ls.engine.model import Confidence, Edit, Fix, Severity, Span
from secure_ls.rules._support import constants, crypto
from secure_ls.rules.base import Example, Rule, code


class JwtAlgorithms(Rule):
    """
    ## What it does
    Finds JWT decoding that does not pin the accepted algorithms:
    `jwt.decode(token, key)` with no `algorithms=` (PyJWT, python-jose),
    `algorithms` that include `"none"`, and tokens issued with
    `algorithm="none"`.

    ## Why is this bad?
    A token names its own algorithm. If the verifier does not restrict it,
    the attacker picks: `none` (no signature at all), or HS256 with the
    server's RSA *public* key as the HMAC secret, which the attacker also
    has (algorithm confusion, CWE-347). PyJWT 2 refuses to decode without
    `algorithms`; PyJWT 1 and python-jose accept whatever the token says.

    ## How to fix it
    Pass the one algorithm your issuer uses: `algorithms=["HS256"]` or
    `algorithms=["RS256"]`. When the same code also issues the tokens, the
    quick fix adds `algorithms=[...]` with the algorithm used there (PyJWT
    and python-jose default to HS256); it removes `"none"` from a list
    that has other algorithms. Both are marked unsafe: tokens signed with
    any other algorithm are now rejected.
    """

    id = "SLS320"
    name = "jwt-algorithms"
    title = "JWT algorithms not restricted"
    cwe = 347
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "crypto"
    fixable = True
    calls = crypto.JWT_DECODE | crypto.JWT_ENCODE

    VALID = [
        code("""
            import jwt
            def claims(token, key):
                return jwt.decode(token, key, algorithms=['HS256'])
        """),
        code("""
            import jwt
            def claims(token):
                return jwt.decode(token, options={'verify_signature': False})
        """),
        code("""
            import jwt
            def claims(token, key, algs):
                return jwt.decode(token, key, algorithms=algs)
        """),
        code("""
            import jwt
            def issue(payload, key):
                return jwt.encode(payload, key, algorithm='RS256')
        """),
    ]
    INVALID = [
        Example(
            code("""
                import jwt

                class Tokens:
                    def issue(self, payload, key):
                        return jwt.encode(payload, key, algorithm='HS512')

                    def read(self, token, key):
                        return jwt.decode(token, key)
            """),
            fixed=code("""
                import jwt

                class Tokens:
                    def issue(self, payload, key):
                        return jwt.encode(payload, key, algorithm='HS512')

                    def read(self, token, key):
                        return jwt.decode(token, key, algorithms=['HS512'])
            """),
            where="jwt.decode(token, key)",
            says="JWT decoded without algorithms=[...]",
        ),
        Example(code("""
            import jwt

            def claims(token, public_key):
                return jwt.decode(token, public_key)
        """),
            fixed=None,
            where="jwt.decode(token, public_key)",
            says="JWT decoded without algorithms=[...]",
        ),
        Example(
            code("""
                import jwt

                def claims(token, key):
                    return jwt.decode(token, key, algorithms=['HS256', 'none'])
            """),
            fixed=code("""
                import jwt

                def claims(token, key):
                    return jwt.decode(token, key, algorithms=['HS256'])
            """),
            where="'none'",
            says='JWT algorithms include "none"',
        ),
        Example(code("""
            from jose import jwt

            def issue(claims):
                return jwt.encode(claims, '', algorithm='none')
        """),
            fixed=None,
            where="'none'",
            says='JWT issued with algorithm "none"',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name in crypto.JWT_ENCODE:
            algorithm = argument(node, 2, ("algorithm",))
            if algorithm is not None and (ctx.string_value(algorithm) or "").lower() == "none" and isinstance(algorithm, ast.Constant):
                ctx.report(self, algorithm, 'JWT issued with algorithm "none": the token carries no signature and anyone can forge one. Sign with HS256/RS256/EdDSA.')
            return
        if name not in crypto.JWT_DECODE or crypto.has_unpacking(node):
            return
        if crypto.signature_disabled(node, ctx) is not None:
            return  # SLS319
        algorithms = keyword(node, "algorithms")
        if algorithms is None and len(node.args) >= 3:
            return  # positional: an old signature (verify=...) or algorithms; cannot tell
        if algorithms is None or (isinstance(algorithms.value, ast.Constant) and algorithms.value.value is None):
            self._missing(node, name, ctx)
            return
        value = constants.defining_value(algorithms.value, ctx)
        if not isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.lower() == "none":
                ctx.report(self, algorithms.value, 'JWT algorithms include "none": unsigned tokens are accepted. List only the algorithm you sign with.')
            return
        nones = [e for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value.lower() == "none"]
        if not nones:
            return
        fix = None
        if len(value.elts) > len(nones) and len(nones) == 1 and value is algorithms.value:
            fix = Fix('Remove "none" from the accepted algorithms', (self._remove_element(value, nones[0], ctx),), safe=False)
        ctx.report(self, nones[0], 'JWT algorithms include "none": unsigned tokens are accepted. List only the algorithm you sign with.', fix=fix)

    def _missing(self, node: ast.Call, name: str, ctx) -> None:
        issued = self._issued_algorithms(ctx)
        fix = None
        if len(issued) == 1:
            algorithm = issued.pop()
            fix = Fix(f'Accept only {algorithm}', (ctx.set_keyword(node, "algorithms", f"['{algorithm}']"),), safe=False)
        library = "python-jose" if name.startswith("jose") else "PyJWT"
        ctx.report(
            self,
            node,
            f"JWT decoded without algorithms=[...]: the token chooses its own algorithm ({library} before 2.0 accepts \"none\" "
            "or HS256 keyed with your public key). Pass the algorithm you sign with, e.g. algorithms=['RS256'].",
            fix=fix,
        )

    def _issued_algorithms(self, ctx) -> set[str]:
        found: set[str] = set()
        for call in astutil.walk(ctx.tree):
            if isinstance(call, ast.Call) and (ctx.call_name(call) or "") in crypto.JWT_ENCODE:
                algorithm = argument(call, 2, ("algorithm",))
                if algorithm is None:
                    found.add("HS256")  # the default of PyJWT and python-jose
                elif isinstance(algorithm, ast.Constant) and isinstance(algorithm.value, str) and algorithm.value.lower() != "none":
                    found.add(algorithm.value)
                else:
                    found.add("?")
        return found if "?" not in found else set()

    def _remove_element(self, seq, element, ctx) -> Edit:
        index = seq.elts.index(element)
        span = ctx.span(element)
        if index > 0:
            return Edit(Span(ctx.span(seq.elts[index - 1]).end, span.end), "")
        return Edit(Span(span.start, ctx.span(seq.elts[1]).start), "")
