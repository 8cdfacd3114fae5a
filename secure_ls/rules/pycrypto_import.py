"""SLS314 pycrypto-import."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules.base import Example, Rule, code

# Modules and names only PyCryptodome has: a file using them runs on PyCryptodome.
_PYCRYPTODOME_ONLY = (
    "Crypto.Util.Padding", "Crypto.Cipher.ChaCha20", "Crypto.Cipher.ChaCha20_Poly1305", "Crypto.Hash.SHA3_",
    "Crypto.Hash.BLAKE2", "Crypto.Hash.keccak", "Crypto.Hash.SHAKE", "Crypto.Hash.TupleHash", "Crypto.Hash.cSHAKE",
    "Crypto.Hash.KMAC", "Crypto.Hash.Poly1305", "Crypto.PublicKey.ECC", "Crypto.Signature.pkcs1_15",
    "Crypto.Signature.pss", "Crypto.Signature.DSS", "Crypto.Signature.eddsa", "Crypto.Protocol.KDF.scrypt",
    "Crypto.Protocol.KDF.bcrypt", "Crypto.Protocol.KDF.HKDF", "Crypto.IO", "Crypto.Math", "Crypto.Protocol.SecretSharing",
)
_PYCRYPTODOME_ATTRS = frozenset({"MODE_GCM", "MODE_EAX", "MODE_SIV", "MODE_CCM", "MODE_OCB", "encrypt_and_digest", "decrypt_and_verify"})
# Only PyCrypto has these.
_PYCRYPTO_ONLY = ("Crypto.Random.OSRNG", "Crypto.Util.randpool", "Crypto.PublicKey._slowmath", "Crypto.Random._UserFriendlyRNG")


class PycryptoImport(Rule):
    """
    ## What it does
    Finds imports of the `Crypto` package when the file shows no sign of
    PyCryptodome (which installs under the same name): no PyCryptodome-only
    module (`Crypto.Util.Padding`, `Crypto.PublicKey.ECC`, ...), no GCM/EAX
    mode, no `Cryptodome` import next to it. Confidence is low, since only
    the project's requirements can tell which package provides `Crypto`;
    it is medium when PyCrypto-only modules (`Crypto.Random.OSRNG`,
    `Crypto.Util.randpool`) are used.

    ## Why is this bad?
    PyCrypto has been unmaintained since 2013 and has known vulnerabilities,
    among them a heap buffer overflow in `ALGnew` (CVE-2013-7459); it lacks
    authenticated modes such as GCM, and `AES.new(key)` silently means ECB
    (CWE-1104).

    ## How to fix it
    Replace the `pycrypto` dependency with `pycryptodome`, which keeps the
    `Crypto` package name and most of the API (or `pycryptodomex`, imported
    as `Cryptodome`), or move to `cryptography`. No quick fix is offered:
    the change is in the requirements, and a few APIs differ (RSA
    `encrypt`/`sign` on key objects, `Crypto.Random.OSRNG`).
    """

    id = "SLS314"
    name = "pycrypto-import"
    title = "Import of the abandoned PyCrypto package"
    cwe = 1104
    severity = Severity.MEDIUM
    confidence = Confidence.LOW
    topic = "dependencies"
    bandit = ("B413",)
    fixable = False

    VALID = [
        "from Cryptodome.Cipher import AES\n",
        code("""
            from Crypto.Cipher import AES
            from Crypto.Util.Padding import pad
        """),
        code("""
            try:
                from Cryptodome.Cipher import AES
            except ImportError:
                from Crypto.Cipher import AES
        """),
        code("""
            def seal(key, data):
                from Crypto.Cipher import AES
                return AES.new(key, AES.MODE_GCM).encrypt_and_digest(data)
        """),
        "from cryptography.fernet import Fernet\n",
    ]
    INVALID = [
        Example(code("""
            from Crypto.Cipher import AES

            def enc(key, data):
                return AES.new(key, AES.MODE_CBC, b'0' * 16).encrypt(data)
        """),
            where="from Crypto.Cipher import AES",
            says="`Crypto` may be PyCrypto, unmaintained since 2013 and with known vulnerabilities",
        ),
        Example(code("""
            import Crypto.Random.OSRNG
            from Crypto.PublicKey import RSA
        """),
            count=2,
            where="import Crypto.Random.OSRNG",
            says="`Crypto` may be PyCrypto, unmaintained since 2013 and with known vulnerabilities",
        ),
    ]

    def visit_Import(self, node: ast.Import, ctx) -> None:
        if any(a.name == "Crypto" or a.name.startswith("Crypto.") for a in node.names):
            self._check(node, ctx)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx) -> None:
        if not node.level and node.module and (node.module == "Crypto" or node.module.startswith("Crypto.")):
            self._check(node, ctx)

    def _check(self, node: ast.stmt, ctx) -> None:
        modules = set(ctx.module.imported_modules) | set(ctx.module.imports.values())
        if any(m == "Cryptodome" or m.startswith("Cryptodome.") for m in modules):
            return
        if any(m.startswith(prefix) for m in modules for prefix in _PYCRYPTODOME_ONLY):
            return
        for sub in astutil.walk(ctx.tree):
            if isinstance(sub, ast.Attribute) and sub.attr in _PYCRYPTODOME_ATTRS:
                return
            if isinstance(sub, ast.Name) and sub.id in _PYCRYPTODOME_ATTRS:
                return
        pycrypto = any(m.startswith(prefix) for m in modules for prefix in _PYCRYPTO_ONLY)
        ctx.report(
            self,
            node,
            "`Crypto` may be PyCrypto, unmaintained since 2013 and with known vulnerabilities (CVE-2013-7459): depend on "
            "pycryptodome (same `Crypto` package name) or pycryptodomex (`Cryptodome`) instead. Ignore this if the project "
            "already requires pycryptodome.",
            confidence=Confidence.MEDIUM if pycrypto else Confidence.LOW,
        )
