"""SLS310 weak-cipher."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import crypto, protocols
from secure_ls.rules.base import Example, Rule, code


class WeakCipher(Rule):
    """
    ## What it does
    Finds encryption with broken or obsolete ciphers: DES, 3DES
    (TripleDES/DES3), RC2, RC4 (ARC4), Blowfish, CAST5, IDEA, SEED and XOR,
    through `cryptography` (`algorithms.TripleDES`, `ARC4`, ..., also from
    `cryptography.hazmat.decrepit`), PyCryptodome/PyCrypto (`Crypto.Cipher.*`,
    `Cryptodome.Cipher.*`) and pyDes. A cipher object only ever used to
    decrypt (reading legacy data) is reported with low confidence, and so is
    one in code that implements a protocol whose specification fixes the
    cipher (a function, class or module named for it: NTLM, Kerberos,
    Netlogon, SMB, MPPE...; a function that cites the specification,
    `[MS-NRPC]`, `RFC 4757`): the message names the protocol.

    ## Why is this bad?
    DES keys are brute-forced in hours; RC4's keystream is biased enough to
    recover plaintext; the 64-bit block ciphers (3DES, Blowfish, CAST5,
    IDEA) leak plaintext after a few dozen gigabytes under one key (Sweet32)
    (CWE-327).

    ## How to fix it
    Use AES-GCM (`cryptography`'s `AESGCM`, PyCryptodome's
    `AES.new(key, AES.MODE_GCM)`) or ChaCha20-Poly1305, with a 128- or 256-bit
    random key. No quick fix is offered: the key size, the nonce and the
    format of stored ciphertexts all change, and data encrypted with the old
    cipher must be decrypted with it one last time.
    """

    id = "SLS310"
    name = "weak-cipher"
    title = "Broken or obsolete cipher"
    cwe = 327
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "crypto"
    bandit = ("B304",)
    codeql = ("py/weak-cryptographic-algorithm",)
    fixable = False
    calls = crypto.CIPHER_MODULES | frozenset({"pyDes."})

    VALID = [
        code("""
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            def seal(key, nonce, data):
                return AESGCM(key).encrypt(nonce, data, None)
        """),
        code("""
            from Crypto.Cipher import AES
            def seal(key, data):
                return AES.new(key, AES.MODE_GCM).encrypt_and_digest(data)
        """),
        code("""
            class DES3:
                @staticmethod
                def new(key):
                    return key
            DES3.new(b'k')
        """),
        code("""
            from cryptography.hazmat.primitives.ciphers import algorithms
            NAMES = {'3des': algorithms.TripleDES}
        """),
    ]
    INVALID = [
        Example(
            code("""
                from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

                def encrypt(key, iv, data):
                    enc = Cipher(algorithms.TripleDES(key), modes.CBC(iv)).encryptor()
                    return enc.update(data) + enc.finalize()
            """),
            where="algorithms.TripleDES(key)",
            says="3DES is a broken or obsolete cipher",
        ),
        Example(code("""
            from Crypto.Cipher import ARC4

            def encrypt(key, data):
                return ARC4.new(key).encrypt(data)
        """),
            where="ARC4.new(key)",
            says="RC4 is a broken or obsolete cipher",
        ),
        Example(code("""
            from Cryptodome.Cipher import DES as D

            def encrypt(key, data):
                cipher = D.new(key, D.MODE_CBC)
                return cipher.iv + cipher.encrypt(data)
        """),
            where="D.new(key, D.MODE_CBC)",
            says="DES is a broken or obsolete cipher",
        ),
        Example(code("""
            from cryptography.hazmat.decrepit.ciphers.algorithms import Blowfish

            def cipher(key):
                return Blowfish(key)
        """),
            where="Blowfish(key)",
            says="Blowfish is a broken or obsolete cipher",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        weak = crypto.weak_cipher_name(node, ctx)
        if weak is None:
            return
        confidence = None
        uses = crypto.receiver_uses(node, ctx)
        parent = ctx.parent(node)
        if isinstance(parent, ast.Call) and (ctx.call_name(parent) or "") == crypto.CRYPTOGRAPHY_CIPHER:
            uses = crypto.receiver_uses(parent, ctx)
        if uses and not uses & {"encrypt", "encryptor", "encrypt_and_digest"} and uses & {"decrypt", "decryptor"}:
            confidence = Confidence.LOW
        protocol = protocols.fixed_by(node, ctx)
        severity = Severity.HIGH if weak in crypto.BROKEN else Severity.MEDIUM
        ctx.report(
            self,
            node,
            f"{weak} is a broken or obsolete cipher, which {protocol} fixes here: keep it only to speak that protocol, "
            "and use AES-GCM or ChaCha20-Poly1305 wherever this program chooses."
            if protocol
            else f"{weak} is a broken or obsolete cipher: use AES-GCM or ChaCha20-Poly1305 with a random 128/256-bit key "
            "(data already encrypted with it must be re-encrypted).",
            severity=severity,
            confidence=Confidence.LOW if protocol else confidence,
        )
