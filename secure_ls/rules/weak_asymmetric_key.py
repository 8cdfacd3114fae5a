"""SLS313 weak-asymmetric-key."""

from __future__ import annotations

import ast

from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import constants, crypto
from secure_ls.rules.base import Example, Rule, code

MINIMUM_BITS = 2048
RECOMMENDED_BITS = 3072
_ASYM = "cryptography.hazmat.primitives.asymmetric."
# qualified name -> (algorithm, index of the size argument, its keyword names)
_SIZED = {
    _ASYM + "rsa.generate_private_key": ("RSA", 1, ("key_size",)),
    _ASYM + "dsa.generate_private_key": ("DSA", 0, ("key_size",)),
    _ASYM + "dsa.generate_parameters": ("DSA", 0, ("key_size",)),
    _ASYM + "dh.generate_parameters": ("DH", 1, ("key_size",)),
    "Crypto.PublicKey.RSA.generate": ("RSA", 0, ("bits",)),
    "Cryptodome.PublicKey.RSA.generate": ("RSA", 0, ("bits",)),
    "Crypto.PublicKey.DSA.generate": ("DSA", 0, ("bits",)),
    "Cryptodome.PublicKey.DSA.generate": ("DSA", 0, ("bits",)),
    "rsa.newkeys": ("RSA", 0, ("nbits",)),
    "paramiko.RSAKey.generate": ("RSA", 0, ("bits",)),
    "paramiko.rsakey.RSAKey.generate": ("RSA", 0, ("bits",)),
}
WEAK_CURVES = frozenset({"SECP192R1", "SECT163K1", "SECT163R2"})
_WEAK_ECC_NAMES = frozenset({"p192", "nistp192", "secp192r1", "prime192v1"})


class WeakAsymmetricKey(Rule):
    """
    ## What it does
    Finds RSA, DSA and Diffie-Hellman keys generated with fewer than 2048
    bits (`rsa.generate_private_key(key_size=1024)`, `RSA.generate(1024)`,
    `DSA.generate(1024)`, `rsa.newkeys(512)`, pyOpenSSL's
    `generate_key(TYPE_RSA, 1024)`) and elliptic curves below 224 bits
    (`ec.SECP192R1()`, `SECT163K1`, `SECT163R2`, PyCryptodome's
    `ECC.generate(curve="P-192")`). A curve object made only to read what
    it is called or how big it is (`ec.SECP192R1().name` in a table naming
    the curves of existing certificates) makes and checks no key and is not
    reported.

    ## Why is this bad?
    512-bit RSA is factored in hours on rented machines and 1024-bit keys
    are within reach of well-funded attackers; NIST disallowed both for new
    signatures and key exchange years ago (CWE-326).

    ## How to fix it
    Use at least 2048 bits (3072 for keys that must last beyond 2030), or
    the P-256 curve (`ec.SECP256R1()`), or Ed25519/X25519. The quick fix
    sets 3072 bits, or SECP256R1. It is unsafe: keys, signatures and
    ciphertexts get larger, and peers pinned to the old key must be updated.
    """

    id = "SLS313"
    name = "weak-asymmetric-key"
    title = "RSA/DSA/DH key or elliptic curve too small"
    cwe = 326
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "crypto"
    bandit = ("B505",)
    codeql = ("py/weak-crypto-key",)
    fixable = True
    calls = frozenset(_SIZED) | frozenset({_ASYM + "ec.", "Crypto.PublicKey.ECC.generate", "Cryptodome.PublicKey.ECC.generate"})
    methods = frozenset({"generate_key"})

    VALID = [
        code("""
            from cryptography.hazmat.primitives.asymmetric import rsa
            key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        """),
        code("""
            from cryptography.hazmat.primitives.asymmetric import ec
            key = ec.generate_private_key(ec.SECP256R1())
        """),
        # curve names mapped to labels: no key is made with them
        code("""
            from cryptography.hazmat.primitives.asymmetric import ec

            def key_type_of(curve_name):
                labels = {
                    ec.SECP192R1().name: 'ECCPRIME192V1',
                    ec.SECP256R1().name: 'ECCPRIME256V1',
                }
                return labels.get(curve_name)
        """),
        code("""
            from Crypto.PublicKey import RSA
            def make(bits):
                return RSA.generate(bits)
        """),
        code("""
            def generate_private_key(public_exponent, key_size):
                return key_size
            generate_private_key(65537, 1024)
        """),
    ]
    INVALID = [
        # a table of curve objects a key is generated with
        Example(
            code("""
                from cryptography.hazmat.primitives.asymmetric import ec

                def generate(key_type):
                    curves = {'ECCPRIME192V1': ec.SECP192R1(), 'ECCPRIME256V1': ec.SECP256R1()}
                    return ec.generate_private_key(curves[key_type])
            """),
            fixed=code("""
                from cryptography.hazmat.primitives.asymmetric import ec

                def generate(key_type):
                    curves = {'ECCPRIME192V1': ec.SECP256R1(), 'ECCPRIME256V1': ec.SECP256R1()}
                    return ec.generate_private_key(curves[key_type])
            """),
            where="ec.SECP192R1()",
            says="Elliptic curve SECP192R1 gives under 112 bits of security",
        ),
        Example(
            code("""
                from cryptography.hazmat.primitives.asymmetric import rsa

                key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
            """),
            fixed=code("""
                from cryptography.hazmat.primitives.asymmetric import rsa

                key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
            """),
            where="1024",
            says="1024-bit RSA key",
        ),
        Example(
            code("""
                from Crypto.PublicKey import DSA

                def make():
                    return DSA.generate(1024)
            """),
            fixed=code("""
                from Crypto.PublicKey import DSA

                def make():
                    return DSA.generate(3072)
            """),
            where="1024",
            says="1024-bit DSA key",
        ),
        Example(
            code("""
                from cryptography.hazmat.primitives.asymmetric import ec

                key = ec.generate_private_key(ec.SECP192R1())
            """),
            fixed=code("""
                from cryptography.hazmat.primitives.asymmetric import ec

                key = ec.generate_private_key(ec.SECP256R1())
            """),
            where="ec.SECP192R1()",
            says="Elliptic curve SECP192R1 gives under 112 bits of security",
        ),
        Example(
            code("""
                from OpenSSL import crypto

                def make():
                    key = crypto.PKey()
                    key.generate_key(crypto.TYPE_RSA, 512)
                    return key
            """),
            fixed=code("""
                from OpenSSL import crypto

                def make():
                    key = crypto.PKey()
                    key.generate_key(crypto.TYPE_RSA, 3072)
                    return key
            """),
            where="512",
            says="512-bit RSA key",
        ),
        Example(
            code("""
                from Crypto.PublicKey import ECC

                key = ECC.generate(curve='P-192')
            """),
            fixed=None,
            where="'P-192'",
            says="Elliptic curve P-192 gives under 112 bits of security",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if crypto.has_unpacking(node):
            return
        name = ctx.call_name(node) or ""
        if name.startswith(_ASYM + "ec."):
            curve = name[len(_ASYM + "ec."):]
            if curve in WEAK_CURVES and not _only_described(node, ctx):
                self._weak_curve(node, curve, ctx)
            return
        if name in ("Crypto.PublicKey.ECC.generate", "Cryptodome.PublicKey.ECC.generate"):
            curve = argument(node, None, ("curve",))
            text = ctx.string_value(curve) if curve is not None else None
            if text and text.lower().replace("-", "").replace("_", "") in _WEAK_ECC_NAMES:
                ctx.report(self, curve, f"Elliptic curve {text} gives under 112 bits of security: use P-256 (or Ed25519).")
            return
        spec = _SIZED.get(name)
        if spec is None:
            spec = self._pyopenssl(node, ctx)
            if spec is None:
                return
        algorithm, index, names = spec
        size = argument(node, index, names)
        bits = constants.int_value(size, ctx)
        if bits is None or bits >= MINIMUM_BITS or bits <= 0:
            return
        target = size if isinstance(size, (ast.Constant, ast.BinOp)) else crypto.local_literal_assignment(size, ctx)
        fix = Fix(f"Use {RECOMMENDED_BITS}-bit keys", (ctx.replace(target, str(RECOMMENDED_BITS)),), safe=False) if target is not None else None
        ctx.report(
            self,
            size,
            f"{bits}-bit {algorithm} key: keys under {MINIMUM_BITS} bits can be broken. Use {MINIMUM_BITS} bits or more ({RECOMMENDED_BITS} for long-lived keys).",
            fix=fix,
        )

    def _pyopenssl(self, node: ast.Call, ctx):
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr != "generate_key" or len(node.args) < 2:
            return None
        kind = ctx.qualified_name(node.args[0]) or ""
        if kind in ("OpenSSL.crypto.TYPE_RSA", "OpenSSL.crypto.TYPE_DSA"):
            return ("RSA" if kind.endswith("RSA") else "DSA", 1, ("bits",))
        return None

    def _weak_curve(self, node: ast.Call, curve: str, ctx) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            fix = Fix("Use the P-256 curve", (ctx.replace(func, f"{ctx.text(func.value)}.SECP256R1"),), safe=False)
        else:
            fix = Fix(
                "Use the P-256 curve",
                (ctx.replace(func, "ec.SECP256R1"),),
                safe=False,
                imports=("from cryptography.hazmat.primitives.asymmetric import ec",),
            )
        ctx.report(self, node, f"Elliptic curve {curve} gives under 112 bits of security: use SECP256R1 (P-256), or Ed25519/X25519.", fix=fix)


# What a curve object tells about itself: reading them makes no key and checks no signature.
_DESCRIPTIVE_ATTRIBUTES = frozenset({"name", "key_size"})


def _only_described(node: ast.Call, ctx) -> bool:
    """`ec.SECP192R1().name`: the curve is made only to read its name or size (a table mapping
    curve names to labels), never handed to a key generation or a check."""
    parent = ctx.parent(node)
    return isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _DESCRIPTIVE_ATTRIBUTES
