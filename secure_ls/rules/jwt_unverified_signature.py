"""SLS319 jwt-unverified-signature."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, taint
from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import crypto, frameworks, verified_decode
from secure_ls.rules.base import Example, Rule, code

_TIMING = frozenset({"exp", "iat", "nbf"})
# Claims that say who issued a token and for whom, or which key signed it: what a verifier needs
# to find the key before it can check the signature.
_KEY_FINDING = frozenset({"iss", "aud", "kid", "tid", "azp"})


class JwtUnverifiedSignature(Rule):
    """
    ## What it does
    Finds JSON Web Tokens decoded without checking their signature:
    `jwt.decode(token, options={"verify_signature": False})` (PyJWT,
    python-jose), `jwt.decode(token, verify=False)` (PyJWT 1.x), and the
    calls that return claims unverified by design: python-jose's
    `jwt.get_unverified_claims(token)` and python_jwt's
    `process_jwt(token)` (python_jwt verifies in `verify_jwt`). Reading
    the claims unverified to pick the key (`kid`, `iss`) and then decoding
    again with verification in the same function is the documented pattern
    and is not reported; nor when the two are split over methods of one
    class: the same token handed to a method that decodes it with its key,
    or the unverified claims returned by a method whose every caller in the
    class then decodes the token it passed with verification. A helper that
    returns unverified claims to a caller that does not verify them is
    reported, and so is one whose callers are out of reach (a top-level
    function: other modules may call it).

    ## Why is this bad?
    Without the signature check, anyone can write a token with any claims:
    `{"sub": "admin"}` is accepted as is (CWE-347).

    ## How to fix it
    Pass the key and the expected algorithms:
    `jwt.decode(token, key, algorithms=["RS256"])`. To look at the header
    before choosing a key, use `jwt.get_unverified_header(token)`, then
    verify. No quick fix is offered: the right key is not in the call.

    Confidence is high when the token comes from a request or the code is
    a web view, medium elsewhere (a client may read its own token), low in
    tests; a client only reading `exp`/`iat`/`nbf` is not reported. Claims
    read only to find the key (`iss`, `aud`, `kid`, `tid`, `azp`: who issued
    the token, for whom, with which key) are the first half of the pattern
    above with the verification out of sight (a library handed the whole
    request checks it): low confidence. Reading any other claim (`sub`,
    `email`, a role) keeps the confidence above.
    """

    id = "SLS319"
    name = "jwt-unverified-signature"
    title = "JWT decoded without verifying its signature"
    cwe = 347
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "crypto"
    fixable = False
    calls = crypto.JWT_DECODE | crypto.JWT_UNVERIFIED_CLAIMS

    VALID = [
        code("""
            import python_jwt as jwt

            def claims(token, key):
                header, claims = jwt.process_jwt(token)
                jwt.verify_jwt(token, key, ['PS256'])
                return claims
        """),
        code("""
            import jwt
            def claims(token, key):
                return jwt.decode(token, key, algorithms=['HS256'])
        """),
        code("""
            import jwt
            def claims(token, keys):
                issuer = jwt.decode(token, options={'verify_signature': False})['iss']
                return jwt.decode(token, keys[issuer], algorithms=['RS256'])
        """),
        code("""
            import jwt
            def header(token):
                return jwt.get_unverified_header(token)
        """),
        code("""
            import jwt
            def claims(token, key):
                return jwt.decode(token, key, algorithms=['HS256'], options={'verify_exp': False})
        """),
        code("""
            import jwt, time
            def expired(token):
                claims = jwt.decode(token, options={'verify_signature': False})
                return claims.get('exp', 0) < time.time()
        """),
        # the peek in a helper; its only caller verifies the token it passed
        code("""
            import jwt

            class IdTokens:
                def unverified_claims(self, id_token):
                    return jwt.decode(id_token, options={'verify_signature': False})

                def validate(self, id_token):
                    claims = self.unverified_claims(id_token)
                    key = self.keys[claims['tid']]
                    return jwt.decode(id_token, key=key, algorithms=['RS256'], audience=self.audience)
        """),
        # the verification in a helper method the token is handed to
        code("""
            import jwt
            from authlib.jose import jwt as authlib_jwt

            class Provider:
                def validate_jwt(self, id_token, keyset):
                    claims = authlib_jwt.decode(id_token, keyset)
                    claims.validate()
                    return claims

                def token_info(self, id_token):
                    me = jwt.decode(id_token, options={'verify_signature': False})
                    return self.validate_jwt(id_token, self.keysets[me['iss']])
        """),
    ]
    INVALID = [
        # a helper returns unverified claims to a caller that trusts them
        Example(
            code("""
                import jwt

                class IdTokens:
                    def unverified_claims(self, id_token):
                        return jwt.decode(id_token, options={'verify_signature': False})

                    def current_user(self, id_token):
                        return self.users[self.unverified_claims(id_token)['sub']]
            """),
            where="jwt.decode(id_token, options={'verify_signature': False})",
            says="JWT decoded without verifying its signature",
        ),
        # the helper it hands a token to verifies another token
        Example(
            code("""
                import jwt

                class Session:
                    def check_refresh(self, refresh_token):
                        return jwt.decode(refresh_token, self.key, algorithms=['HS256'])

                    def current_user(self, access_token, refresh_token):
                        claims = jwt.decode(access_token, options={'verify_signature': False})
                        self.check_refresh(refresh_token)
                        return claims['sub']
            """),
            where="jwt.decode(access_token, options={'verify_signature': False})",
            says="JWT decoded without verifying its signature",
        ),
        Example(  # python_jwt: process_jwt only parses; verify_jwt checks the signature
            code("""
                import python_jwt as jwt

                def claims(token):
                    header, claims = jwt.process_jwt(token)
                    return claims
            """),
            says="without verifying its signature",
            where="jwt.process_jwt(token)",
        ),
        Example(code("""
            import jwt

            def current_user(token):
                claims = jwt.decode(token, options={'verify_signature': False})
                return claims['sub']
        """),
            where="jwt.decode(token, options={'verify_signature': False})",
            says="JWT decoded without verifying its signature",
        ),
        # only the issuer read, to pick the platform whose library then checks the launch (audit tier)
        Example(code("""
            import jwt

            def launch(request, platforms):
                unverified = jwt.decode(request.POST['id_token'], options={'verify_signature': False})
                platform = platforms.get(issuer=unverified.get('iss'), client_id=unverified.get('aud'))
                return platform.launch(request)
        """),
            where="jwt.decode(request.POST['id_token'], options={'verify_signature': False})",
            says="JWT decoded without verifying its signature",
        ),
        Example(code("""
            import jwt

            def current_user(token, key):
                return jwt.decode(token, key, verify=False)['sub']
        """),
            where="jwt.decode(token, key, verify=False)",
            says="JWT decoded without verifying its signature",
        ),
        Example(code("""
            from jose import jwt

            NO_VERIFY = {'verify_signature': False}

            def claims(token, key):
                options = {'verify_signature': False, 'verify_aud': False}
                return jwt.decode(token, key, options=options)
        """),
            where="jwt.decode(token, key, options=options)",
            says="JWT decoded without verifying its signature",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        unverified = ctx.call_name(node) in crypto.JWT_UNVERIFIED_CLAIMS
        if not unverified and not crypto.is_jwt_decode(node, ctx):
            return
        if not unverified and crypto.signature_disabled(node, ctx) is None:
            return
        scope = ctx.enclosing_function(node) or ctx.tree
        for other in astutil.walk(scope):
            if other is not node and isinstance(other, ast.Call) and crypto.is_jwt_decode(other, ctx) and crypto.signature_disabled(other, ctx) is None:
                return  # unverified peek, then a verified decode
        token = argument(node, 0, ("jwt", "token"))
        if verified_decode.verified_nearby(node, token, ctx):
            return  # a peek to choose the key, the token then verified by a helper or by every caller
        claims = self._claims_read(node, scope, ctx)
        if claims and claims <= _TIMING:
            return  # a client checking whether its own token has expired
        part = ctx.origin(token).risk() if token is not None else None
        if ctx.in_test_code(node) or claims and claims <= _KEY_FINDING | _TIMING:
            # only the issuer, audience or key id read: the first half of choosing the key, the
            # check done where the engine does not see it (a library handed the request)
            confidence = Confidence.LOW
        elif part is not None and part.kind == taint.UNTRUSTED or frameworks.is_view(ctx.enclosing_function(node), ctx):
            confidence = Confidence.HIGH
        else:
            confidence = Confidence.MEDIUM  # may be a client reading its own token
        ctx.report(
            self,
            node,
            "JWT decoded without verifying its signature: anyone can forge a token with any claims. Pass the key and "
            "algorithms=[...] (use jwt.get_unverified_header() to inspect the header first).",
            confidence=confidence,
        )

    @staticmethod
    def _claims_read(node: ast.Call, scope: ast.AST, ctx) -> set[str]:
        """The claims read from what the decode returns (`claims["exp"]`, `claims.get("iss")`); empty
        when the result is used any other way (returned, passed on, iterated)."""
        stmt = ctx.statement(node)
        keys: set[str] = set()
        parent = ctx.parent(node)
        if isinstance(parent, ast.Subscript) and isinstance(parent.slice, ast.Constant):
            return {str(parent.slice.value)}
        if not (isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            return set()
        name = stmt.targets[0].id
        for sub in astutil.walk(scope):
            if isinstance(sub, ast.Name) and sub.id == name and isinstance(sub.ctx, ast.Load):
                use = ctx.parent(sub)
                if isinstance(use, ast.Subscript) and isinstance(use.slice, ast.Constant):
                    keys.add(str(use.slice.value))
                elif isinstance(use, ast.Attribute) and use.attr == "get" and isinstance(ctx.parent(use), ast.Call) and ctx.parent(use).args and isinstance(ctx.parent(use).args[0], ast.Constant):
                    keys.add(str(ctx.parent(use).args[0].value))
                else:
                    return set()
        return keys
