"""SLS309 passlib-weak-scheme."""

from __future__ import annotations

import ast

from secure_ls.engine.context import keyword
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules.base import Example, Rule, code

# passlib schemes that are unsalted, fast, truncating, or plain text.
WEAK_SCHEMES = frozenset(
    {
        "plaintext", "ldap_plaintext", "unix_disabled", "des_crypt", "bsdi_crypt", "bigcrypt", "crypt16",
        "md5_crypt", "apr_md5_crypt", "sun_md5_crypt", "ldap_md5", "ldap_sha1", "ldap_salted_md5",
        "ldap_salted_sha1", "ldap_hex_md5", "ldap_hex_sha1", "ldap_des_crypt", "ldap_bsdi_crypt",
        "ldap_md5_crypt", "hex_md4", "hex_md5", "hex_sha1", "hex_sha256", "hex_sha512", "mysql323",
        "mysql41", "postgres_md5", "oracle10", "oracle11", "lmhash", "nthash", "bsd_nthash", "msdcc",
        "msdcc2", "cisco_pix", "cisco_asa", "cisco_type7", "django_salted_md5", "django_salted_sha1",
        "django_des_crypt", "django_disabled", "roundup_plaintext", "htdigest",
    }
)
_HASHING_METHODS = frozenset({"hash", "encrypt", "genhash", "using"})
REPLACEMENT = "pbkdf2_sha256"  # pure Python in passlib: no extra backend needed


class PasslibWeakScheme(Rule):
    """
    ## What it does
    Finds passwords hashed with one of passlib's weak schemes: plain text,
    DES-crypt, MD5-crypt, unsalted LDAP/hex digests, MySQL, Oracle, NT/LM
    hashes (`md5_crypt.hash(pw)`), and `CryptContext` objects whose default
    scheme is one of them. Verifying legacy hashes with a weak scheme
    listed after a strong default is the recommended migration and is not
    reported.

    ## Why is this bad?
    These schemes are fast, unsalted, truncate passwords, or store them as
    they are: a stolen table is cracked in hours, or read directly
    (CWE-916, CWE-256).

    ## How to fix it
    Hash with a modern scheme: `argon2`, `bcrypt` or `pbkdf2_sha256`. The
    quick fix switches direct calls to `pbkdf2_sha256` (pure Python, no
    extra dependency), and puts `pbkdf2_sha256` first in a `CryptContext`
    with `deprecated="auto"`, so old hashes still verify and are flagged for
    re-hashing (`context.needs_update`). Both fixes are marked unsafe: new
    hashes have a different format.
    """

    id = "SLS309"
    name = "passlib-weak-scheme"
    title = "Password hashed with a weak passlib scheme"
    cwe = 916
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "passwords"
    fixable = True
    calls = frozenset({"passlib.context.CryptContext", "passlib.hash."})

    VALID = [
        code("""
            from passlib.hash import pbkdf2_sha256
            def store(pw):
                return pbkdf2_sha256.hash(pw)
        """),
        code("""
            from passlib.context import CryptContext
            ctx = CryptContext(schemes=['argon2', 'md5_crypt'], deprecated='auto')
        """),
        code("""
            from passlib.hash import md5_crypt
            def legacy(pw, stored):
                return md5_crypt.verify(pw, stored)
        """),
        code("""
            class md5_crypt:
                @staticmethod
                def hash(x):
                    return x
            md5_crypt.hash('x')
        """),
    ]
    INVALID = [
        Example(
            code("""
                from passlib.hash import md5_crypt

                def store(pw):
                    return md5_crypt.hash(pw)
            """),
            fixed=code("""
                from passlib.hash import md5_crypt
                from passlib.hash import pbkdf2_sha256

                def store(pw):
                    return pbkdf2_sha256.hash(pw)
            """),
            where="md5_crypt",
            says="Password hashed with passlib's `md5_crypt`, a weak scheme",
        ),
        Example(
            code("""
                import passlib.hash

                def store(pw):
                    return passlib.hash.ldap_salted_sha1.hash(pw)
            """),
            fixed=code("""
                import passlib.hash

                def store(pw):
                    return passlib.hash.pbkdf2_sha256.hash(pw)
            """),
            where="passlib.hash.ldap_salted_sha1",
            says="Password hashed with passlib's `ldap_salted_sha1`, a weak scheme",
        ),
        Example(
            code("""
                from passlib.context import CryptContext

                pwd_context = CryptContext(schemes=['des_crypt'])
            """),
            fixed=code("""
                from passlib.context import CryptContext

                pwd_context = CryptContext(schemes=['pbkdf2_sha256', 'des_crypt'], deprecated='auto')
            """),
            where="['des_crypt']",
            says="CryptContext hashes new passwords with `des_crypt`, a weak scheme",
        ),
        Example(
            code("""
                from passlib.context import CryptContext

                pwd_context = CryptContext(schemes='plaintext')
            """),
            fixed=None,
            where="'plaintext'",
            says="CryptContext hashes new passwords with `plaintext`, a weak scheme",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name == "passlib.context.CryptContext":
            self._context(node, ctx)
            return
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _HASHING_METHODS:
            return
        scheme = ctx.qualified_name(func.value) or ""
        if not scheme.startswith("passlib.hash.") or scheme[len("passlib.hash."):] not in WEAK_SCHEMES:
            return
        weak = scheme[len("passlib.hash."):]
        if isinstance(func.value, ast.Name):
            fix = Fix(f"Hash with {REPLACEMENT}", (ctx.replace(func.value, REPLACEMENT),), safe=False, imports=(f"from passlib.hash import {REPLACEMENT}",))
        elif isinstance(func.value, ast.Attribute):
            fix = Fix(f"Hash with {REPLACEMENT}", (ctx.replace(func.value, f"{ctx.text(func.value.value)}.{REPLACEMENT}"),), safe=False)
        else:
            fix = None
        ctx.report(
            self,
            func.value,
            f"Password hashed with passlib's `{weak}`, a weak scheme (fast, unsalted, truncating or plain text): "
            "use argon2, bcrypt or pbkdf2_sha256.",
            fix=fix,
        )

    def _context(self, node: ast.Call, ctx) -> None:
        schemes = keyword(node, "schemes")
        if schemes is None and node.args:
            schemes_value = node.args[0]
        elif schemes is not None:
            schemes_value = schemes.value
        else:
            return
        default_kw = keyword(node, "default")
        names: list[str] = []
        if isinstance(schemes_value, (ast.List, ast.Tuple)):
            for elt in schemes_value.elts:
                value = ctx.string_value(elt) if isinstance(elt, ast.Constant) else None
                if value is None:
                    return
                names.append(value)
        elif isinstance(schemes_value, ast.Constant) and isinstance(schemes_value.value, str):
            names = [s.strip() for s in schemes_value.value.split(",") if s.strip()]
        else:
            return
        if not names:
            return
        default = names[0]
        if default_kw is not None:
            default = ctx.string_value(default_kw.value) if isinstance(default_kw.value, ast.Constant) else None
        if default not in WEAK_SCHEMES:
            return
        fix = None
        if isinstance(schemes_value, (ast.List, ast.Tuple)) and schemes_value.elts and default_kw is None and keyword(node, "deprecated") is None:
            quote = ctx.text(schemes_value.elts[0])[0]
            edits = (
                ctx.insert_before(schemes_value.elts[0], f"{quote}{REPLACEMENT}{quote}, "),
                ctx.set_keyword(node, "deprecated", f"{quote}auto{quote}"),
            )
            fix = Fix(f"Make {REPLACEMENT} the default scheme", edits, safe=False)
        ctx.report(
            self,
            schemes_value,
            f"CryptContext hashes new passwords with `{default}`, a weak scheme: put argon2, bcrypt or pbkdf2_sha256 first and "
            "keep the old scheme with deprecated='auto' so existing hashes still verify and get upgraded.",
            fix=fix,
        )
