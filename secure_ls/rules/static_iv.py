"""SLS312 static-iv."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Edit, Fix, Severity, Span
from secure_ls.rules._support import constants, crypto, logs, protocols
from secure_ls.rules.base import Example, Rule, code

_CRYPTOGRAPHY_MODES = {"CBC": 16, "CFB": 16, "CFB8": 16, "OFB": 16, "CTR": 16, "GCM": 12}
_STREAM_LIKE = frozenset({"CTR", "GCM", "AEAD", "MODE_CTR", "MODE_GCM", "MODE_EAX", "MODE_CCM", "MODE_OCB", "ChaCha20", "Salsa20", "ChaCha20_Poly1305"})
_NONCE_CIPHERS = frozenset({"ChaCha20", "Salsa20", "ChaCha20_Poly1305", "XChaCha20"})


class StaticIv(Rule):
    """
    ## What it does
    Finds initialization vectors and nonces that are constants: literal
    bytes (`b"\\x00" * 16`, `b"1234567890abcdef"`, `bytes(12)`) or module
    constants, passed to `cryptography`'s `modes.CBC/CFB/OFB/CTR/GCM`, to an
    AEAD's `encrypt(nonce, ...)` (`AESGCM`, `ChaCha20Poly1305`, ...), or to
    PyCryptodome's `X.new(key, mode, iv=...)`/`nonce=`. Cipher objects only
    used to decrypt are not reported. In code that implements a protocol
    whose specification fixes the IV (a function, class or module named for
    it: Kerberos, Netlogon, NTLM...; a function that cites the
    specification, `RFC 3961`, `[MS-NRPC]`), it is low confidence and the
    message names the protocol.

    ## Why is this bad?
    With a fixed IV, CBC encrypts equal messages (and equal prefixes) to
    equal ciphertext. With a fixed nonce, CTR, GCM and ChaCha20 reuse their
    keystream: XOR-ing two ciphertexts gives the XOR of the plaintexts, and
    GCM's authentication key can be recovered, allowing forgeries
    (CWE-1204, CWE-323).

    ## How to fix it
    Draw a fresh random IV/nonce for every message (`os.urandom(16)` for
    CBC, 12 bytes for GCM) and store it with the ciphertext; it need not be
    secret. When the IV is a local variable, the quick fix assigns
    `os.urandom(n)` to it; when the literal is written in the call, it
    adds `iv = os.urandom(n)` (or `nonce = ...`) on the line before and
    passes that variable, so the value is at hand to store. With
    PyCryptodome, it removes the constant argument, so the library draws a
    random one (read it back as `cipher.iv` or `cipher.nonce`). The fixes
    are unsafe and leave one step to you: store the IV with each
    ciphertext, and make the code that decrypts read it from there. A
    module-level constant IV gets no fix.
    """

    id = "SLS312"
    name = "static-iv"
    title = "Constant IV or nonce"
    cwe = 1204
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "crypto"
    fixable = True
    calls = frozenset({crypto.CRYPTOGRAPHY_MODES, crypto.CRYPTOGRAPHY_AEAD, "Crypto.Cipher.", "Cryptodome.Cipher."})
    methods = frozenset({"encrypt"})

    VALID = [
        code("""
            import os
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
            def enc(key, data):
                iv = os.urandom(16)
                e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
                return iv + e.update(data) + e.finalize()
        """),
        code("""
            from Crypto.Cipher import AES
            def enc(key, data):
                cipher = AES.new(key, AES.MODE_CBC)
                return cipher.iv + cipher.encrypt(data)
        """),
        code("""
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
            IV = b'0123456789abcdef'
            def dec(key, data):
                d = Cipher(algorithms.AES(key), modes.CBC(IV)).decryptor()
                return d.update(data) + d.finalize()
        """),
        code("""
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            def enc(key, nonce, data):
                return AESGCM(key).encrypt(nonce, data, None)
        """),
    ]
    INVALID = [
        Example(
            code(r"""
                from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

                def encrypt(key, data):
                    iv = b'\x00' * 16
                    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
                    return iv + enc.update(data) + enc.finalize()
            """),
            fixed=code("""
                from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
                import os

                def encrypt(key, data):
                    iv = os.urandom(16)
                    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
                    return iv + enc.update(data) + enc.finalize()
            """),
            where="iv",
            says="Constant IV `iv`",
        ),
        Example(
            code("""
                from Crypto.Cipher import AES

                def encrypt(key, data):
                    cipher = AES.new(key, AES.MODE_CBC, iv=b'1234567890abcdef')
                    return cipher.iv + cipher.encrypt(data)
            """),
            fixed=code("""
                from Crypto.Cipher import AES

                def encrypt(key, data):
                    cipher = AES.new(key, AES.MODE_CBC)
                    return cipher.iv + cipher.encrypt(data)
            """),
            where="b'1234567890abcdef'",
            says="Constant IV `b'1234567890abcdef'`",
        ),
        Example(
            code(r"""
                from cryptography.hazmat.primitives.ciphers.aead import AESGCM

                def seal(key, data):
                    return AESGCM(key).encrypt(b'\x00' * 12, data, None)
            """),
            fixed=code("""
                from cryptography.hazmat.primitives.ciphers.aead import AESGCM
                import os

                def seal(key, data):
                    nonce = os.urandom(12)
                    return AESGCM(key).encrypt(nonce, data, None)
            """),
            where="b'\\x00' * 12",
            says="Constant nonce `b'\\x00' * 12`",
        ),
        Example(
            code("""
                from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

                IV = b'0123456789abcdef'

                def encryptor(key):
                    return Cipher(algorithms.AES(key), modes.CBC(IV)).encryptor()
            """),
            fixed=None,
            where="IV",
            says="Constant IV `IV`",
        ),
        Example(
            code(r"""
                from Cryptodome.Cipher import AES

                NONCE = b'\x00' * 12

                def seal(key, data):
                    cipher = AES.new(key, AES.MODE_GCM, NONCE)
                    return cipher.encrypt_and_digest(data)
            """),
            fixed=code(r"""
                from Cryptodome.Cipher import AES

                NONCE = b'\x00' * 12

                def seal(key, data):
                    cipher = AES.new(key, AES.MODE_GCM)
                    return cipher.encrypt_and_digest(data)
            """),
            where="NONCE",
            says="Constant nonce `NONCE`",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if crypto.has_unpacking(node):
            return
        name = ctx.call_name(node) or ""
        if name.startswith(crypto.CRYPTOGRAPHY_MODES):
            mode = name[len(crypto.CRYPTOGRAPHY_MODES):]
            if mode not in _CRYPTOGRAPHY_MODES:
                return
            if mode == "GCM" and argument(node, 1, ("tag",)) is not None:
                return  # decrypting
            iv = argument(node, 0, ("initialization_vector", "nonce"))
            parent = ctx.parent(node)
            uses = crypto.receiver_uses(parent, ctx) if isinstance(parent, ast.Call) and (ctx.call_name(parent) or "") == crypto.CRYPTOGRAPHY_CIPHER else set()
            self._check(node, iv, mode, _CRYPTOGRAPHY_MODES[mode], uses, None, ctx)
            return
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "encrypt" and self._is_aead(func.value, ctx):
            self._check(node, argument(node, 0, ("nonce",)), "AEAD", 12, {"encrypt"}, None, ctx)
            return
        cipher = crypto.pycrypto_cipher(node, ctx)
        if cipher is None:
            return
        uses = crypto.receiver_uses(node, ctx)
        if cipher in _NONCE_CIPHERS:
            self._check(node, argument(node, None, ("nonce",)), cipher, 12 if cipher != "XChaCha20" else 24, uses, node, ctx)
            return
        _, mode_name = crypto.pycrypto_mode(node, ctx)
        if mode_name is None or mode_name == "MODE_ECB":
            return
        iv = argument(node, 2, ("iv", "IV", "nonce"))
        self._check(node, iv, mode_name, 16 if mode_name in ("MODE_CBC", "MODE_CFB", "MODE_OFB", "MODE_OPENPGP") else 12, uses, node, ctx)

    def _is_aead(self, receiver: ast.expr, ctx) -> bool:
        receiver = constants.defining_value(receiver, ctx)
        return isinstance(receiver, ast.Call) and (ctx.call_name(receiver) or "").startswith(crypto.CRYPTOGRAPHY_AEAD)

    def _check(self, call, iv, mode, size, uses, pycrypto_call, ctx) -> None:
        if iv is None or (isinstance(iv, ast.Constant) and iv.value is None):
            return
        if not ctx.origin(iv).is_constant:
            return
        length = crypto.literal_bytes_length(iv, ctx)
        if length is None and not isinstance(iv, (ast.Name, ast.Attribute)):
            return
        if uses and not uses & crypto.ENCRYPTING:
            return  # only decrypts: the data was encrypted elsewhere
        encrypting_only = bool(uses & crypto.ENCRYPTING) and not uses & crypto.DECRYPTING
        fix = None
        if encrypting_only:
            literal = crypto.local_literal_assignment(iv, ctx)
            if literal is not None:
                fix = Fix(
                    "Use a random IV (os.urandom), stored with the ciphertext",
                    (ctx.replace(literal, f"os.urandom({length or size})"),),
                    safe=False,
                    imports=("import os",),
                )
            elif pycrypto_call is not None:
                fix = Fix("Let PyCryptodome draw a random IV/nonce (cipher.iv / cipher.nonce)", (self._remove_argument(pycrypto_call, iv, ctx),), safe=False)
            elif crypto.literal_bytes_length(iv, ctx, follow=False) is not None:
                fix = self._variable_fix(call, iv, "nonce" if mode in _STREAM_LIKE else "iv", length or size, ctx)
        what = "nonce" if mode in _STREAM_LIKE else "IV"
        severity = Severity.HIGH if mode in _STREAM_LIKE else Severity.MEDIUM
        consequence = (
            "reusing a nonce reuses the keystream, exposing the XOR of plaintexts (and, with GCM, allowing forgeries)"
            if mode in _STREAM_LIKE
            else "equal messages and prefixes encrypt to equal ciphertext"
        )
        protocol = protocols.fixed_by(iv, ctx)
        if protocol:
            ctx.report(
                self,
                iv,
                f"Constant {what} `{ctx.text(iv)[:40]}`, which {protocol} fixes here: {consequence}. Keep it only to speak "
                f"that protocol, and use a fresh random {what} per message wherever this program chooses.",
                severity=severity,
                confidence=Confidence.LOW,
            )
            return
        ctx.report(
            self,
            iv,
            f"Constant {what} `{ctx.text(iv)[:40]}`: {consequence}. Use a fresh random {what} per message (os.urandom({length or size})) "
            "and store it with the ciphertext.",
            fix=fix,
            severity=severity,
            confidence=Confidence.LOW if ctx.in_test_code(iv) else Confidence.HIGH if encrypting_only else Confidence.MEDIUM,
        )

    def _variable_fix(self, call: ast.Call, iv: ast.expr, name: str, size: int, ctx) -> Fix | None:
        """`modes.CBC(b"...")` -> `iv = os.urandom(16)` on the line before, and `modes.CBC(iv)`,
        so the IV is at hand to be stored with the ciphertext."""
        stmt = ctx.statement(call)
        func = ctx.enclosing_function(call)
        if stmt is None or func is None or not logs.own_line(stmt, ctx):
            return None
        if any(isinstance(n, (ast.Name, ast.arg)) and getattr(n, "id", getattr(n, "arg", None)) == name for n in astutil.walk(func)):
            return None  # the name is taken
        return Fix(
            f"Use a random {name} in a variable (os.urandom), to store with the ciphertext",
            (logs.insert_line_before(stmt, f"{name} = os.urandom({size})", ctx), ctx.replace(iv, name)),
            safe=False,
            imports=("import os",),
        )

    def _remove_argument(self, call: ast.Call, arg: ast.expr, ctx) -> Edit:
        for kw in call.keywords:
            if kw.value is arg:
                return ctx.delete_keyword(call, kw)
        ordered = sorted(list(call.args) + list(call.keywords), key=lambda n: (n.lineno, n.col_offset))
        index = next(i for i, n in enumerate(ordered) if n is arg)
        span = ctx.span(arg)
        if index > 0:
            return Edit(Span(ctx.span(ordered[index - 1]).end, span.end), "")
        return Edit(Span(span.start, ctx.span(ordered[1]).start), "")
