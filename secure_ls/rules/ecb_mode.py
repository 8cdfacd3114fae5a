"""SLS311 ecb-mode."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil
from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import crypto, protocols
from secure_ls.rules._support.constants import defining_value
from secure_ls.rules.base import Example, Rule, code

_CONSTRUCTIONS = frozenset(
    {"wrap", "unwrap", "keywrap", "kw", "cmac", "omac", "siv", "ctr", "keystream", "block", "prf", "ff1", "ff3", "fpe", "milenage", "dukpt", "xts", "gcm", "ccm", "eax", "ocb", "kdf", "drbg"}
)
_GCM_MESSAGE = (
    "No one-click fix: GCM draws a random nonce and produces a tag, and both must travel with the "
    "ciphertext (`ct, tag = cipher.encrypt_and_digest(data)`; store `cipher.nonce + tag + ct`) and be "
    "read back on the decrypt side (`AES.new(key, AES.MODE_GCM, nonce=...).decrypt_and_verify(ct, tag)`); "
    "data already encrypted with ECB must be re-encrypted."
)


def _fixed_by_message(protocol: str) -> str:
    return (
        f"ECB mode, which {protocol} fixes here: equal blocks encrypt to equal ciphertext, leaking patterns; keep it "
        "only to speak that protocol, and use an authenticated mode (GCM) wherever this program chooses."
    )


class EcbMode(Rule):
    """
    ## What it does
    Finds block ciphers used in ECB mode: `modes.ECB()` in `cryptography`,
    `AES.new(key, AES.MODE_ECB)` in PyCryptodome, and `AES.new(key)` with no
    mode, which is ECB in the old PyCrypto. Weak ciphers are left to SLS310.
    A cipher only used to decrypt (reading data encrypted elsewhere, in a
    format a vendor or protocol chose) is the audit tier: the weakness is
    where the data is written; ECB used on single blocks inside
    another construction (functions named for key wrap, CMAC, CTR, ...,
    or for enciphering keys: `decrypt_key`, `encrypt_key`) is not reported,
    nor in a helper method its class only calls from such functions
    (`ecb_decrypt(data, key)` called by `decrypt_key` alone). In code that
    implements a protocol whose specification fixes the mode (a function,
    class or module named for it: NTLM, Kerberos, SMB...; a function that
    cites the specification, `[MS-SAMR]`, `RFC 4493`), it is low confidence
    and the message names the protocol.

    A cipher object made as a statement of its own and thrown away (a probe
    of which crypto library is installed) encrypts nothing and is not
    reported; nor is an AES context fed nothing but constants of exactly one
    block (`ecb.update(bytes.fromhex(self.IV))`, deriving the IV a format
    uses): one block has no equal blocks to show and hides no data. Fed
    anything else as well, it is reported.

    ## Why is this bad?
    ECB encrypts equal blocks to equal ciphertext blocks, so patterns in the
    data stay visible (the famous ECB penguin), and blocks can be cut,
    reordered and replayed without detection (CWE-327).

    ## How to fix it
    Use an authenticated mode: AES-GCM (`AESGCM` in `cryptography`,
    `AES.new(key, AES.MODE_GCM)` in PyCryptodome). No quick fix is
    offered: switching the mode alone would lose the nonce (PyCryptodome
    draws it at random, as `cipher.nonce`) and the tag, so nothing could be
    decrypted again. Store them with the ciphertext (`ct, tag =
    cipher.encrypt_and_digest(data)`, then `cipher.nonce + tag + ct`), read
    them back with `decrypt_and_verify`, drop the padding, and re-encrypt
    data already stored in ECB.
    """

    id = "SLS311"
    name = "ecb-mode"
    title = "Block cipher in ECB mode"
    cwe = 327
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "crypto"
    bandit = ("B305",)
    codeql = ("py/weak-cryptographic-algorithm",)
    fixable = False
    calls = frozenset({crypto.CRYPTOGRAPHY_MODES + "ECB", "Crypto.Cipher.", "Cryptodome.Cipher."})

    VALID = [
        code("""
            from Crypto.Cipher import AES
            def seal(key, data):
                cipher = AES.new(key, AES.MODE_GCM)
                ct, tag = cipher.encrypt_and_digest(data)
                return cipher.nonce + tag + ct
        """),
        code("""
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
            def enc(key, iv):
                return Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        """),
        code("""
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
            def enc(key):
                return Cipher(algorithms.TripleDES(key), modes.ECB()).encryptor()
        """),
        code("""
            class modes:
                @staticmethod
                def ECB():
                    return 1
            modes.ECB()
        """),
        # a cipher made and dropped: a probe of which library is installed, it encrypts nothing
        code("""
            from Crypto.Cipher import AES

            try:
                AES.new(b'abcdefghijklmnop')
            except TypeError:
                PYCRYPTO = True
        """),
        # one constant block enciphered to derive the IV a container format uses: nothing to leak
        code("""
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

            class Container:
                IV = "ffffffffffffffffffffffffffffffff"

                def decrypt(self, key, data):
                    ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
                    iv = ecb.update(bytes.fromhex(self.IV)) + ecb.finalize()
                    decryptor = Cipher(algorithms.AES(key), modes.CFB(iv)).decryptor()
                    return decryptor.update(data) + decryptor.finalize()
        """),
        # a helper of the class that only its key-wrapping methods call: it enciphers random keys
        code("""
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

            class Crypto:
                @staticmethod
                def ecb_decrypt(data, key):
                    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
                    return decryptor.update(data) + decryptor.finalize()

                @staticmethod
                def decrypt_key(data, key):
                    return Crypto.ecb_decrypt(data, key)
        """),
    ]
    INVALID = [
        # ... the same helper also called to decrypt a file: ECB over the file's blocks
        Example(
            code("""
                from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

                class Crypto:
                    @staticmethod
                    def ecb_decrypt(data, key):
                        decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
                        return decryptor.update(data) + decryptor.finalize()

                    @staticmethod
                    def decrypt_key(data, key):
                        return Crypto.ecb_decrypt(data, key)

                    def decrypt_file(self, data, key):
                        return self.ecb_decrypt(data, key)
            """),
            fixed=None,
            where="modes.ECB()",
            says="ECB mode encrypts equal blocks to equal ciphertext",
        ),
        # ... but the same context also fed the data: ECB over every block of it
        Example(
            code("""
                from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

                class Container:
                    IV = "ffffffffffffffffffffffffffffffff"

                    def encrypt(self, key, data):
                        ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
                        header = ecb.update(bytes.fromhex(self.IV))
                        return header + ecb.update(data) + ecb.finalize()
            """),
            fixed=None,
            where="modes.ECB()",
            says="ECB mode encrypts equal blocks to equal ciphertext",
        ),
        Example(
            code("""
                from Crypto.Cipher import AES
                from Crypto.Util.Padding import pad

                def encrypt(key, data):
                    cipher = AES.new(key, AES.MODE_ECB)
                    return cipher.encrypt(pad(data, 16))
            """),
            fixed=None,
            where="AES.MODE_ECB",
            says="ECB mode encrypts equal blocks to equal ciphertext, leaking patterns",
        ),
        Example(
            code("""
                from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

                def encryptor(key):
                    return Cipher(algorithms.AES(key), modes.ECB()).encryptor()
            """),
            fixed=None,
            where="modes.ECB()",
            says="ECB mode encrypts equal blocks to equal ciphertext, leaking patterns",
        ),
        Example(
            code("""
                from Crypto.Cipher import AES

                def decrypt(key, data):
                    return AES.new(key, AES.MODE_ECB).decrypt(data)
            """),
            fixed=None,
            where="AES.MODE_ECB",
            says="ECB mode encrypts equal blocks to equal ciphertext, leaking patterns",
        ),
        Example(
            code("""
                from Crypto.Cipher import AES

                def encrypt(key, data):
                    return AES.new(key).encrypt(data)
            """),
            fixed=None,
            where="AES.new(key)",
            says="AES.new() without a mode",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if self._building_block(node, ctx) or crypto.made_and_dropped(node, ctx):
            return
        name = ctx.call_name(node) or ""
        if name == crypto.CRYPTOGRAPHY_MODES + "ECB":
            parent = ctx.parent(node)
            if (
                isinstance(parent, ast.Call)
                and (ctx.call_name(parent) or "") == crypto.CRYPTOGRAPHY_CIPHER
                and parent.args
                and crypto.weak_cipher_name(parent.args[0], ctx)
            ):
                return
            if isinstance(parent, ast.Call) and _encrypts_one_constant_block(parent, ctx):
                return  # `ecb.update(IV)` of one constant block: a value derived (an IV), no data hidden
            protocol = protocols.fixed_by(node, ctx)
            ctx.report(
                self,
                node,
                _fixed_by_message(protocol) if protocol else "ECB mode encrypts equal blocks to equal ciphertext, leaking patterns: use AES-GCM (AESGCM) with a random 96-bit nonce.",
                confidence=Confidence.LOW if protocol else None,
            )
            return
        cipher = crypto.pycrypto_cipher(node, ctx)
        if cipher is None or cipher in crypto.WEAK_PYCRYPTO:
            return
        if crypto.has_unpacking(node):
            return
        mode, mode_name = crypto.pycrypto_mode(node, ctx)
        key = argument(node, 0, ("key",))
        if mode is None:
            if cipher not in ("AES",) or key is None or len(node.args) > 1 or len(node.keywords) > (0 if node.args else 1):
                return
            fix = None
            hint = self._encrypts(node, ctx)
            ctx.report(
                self,
                node,
                "AES.new() without a mode: PyCrypto encrypts in ECB mode (PyCryptodome refuses). Use MODE_GCM. " + (_GCM_MESSAGE if hint else ""),
                fix=fix,
                confidence=Confidence.MEDIUM,
            )
            return
        if mode_name != "MODE_ECB":
            return
        fix = None
        hint = cipher == "AES" and self._encrypts(node, ctx)
        decrypt_only = crypto.only_decrypts(node, ctx)
        protocol = protocols.fixed_by(node, ctx)
        ctx.report(
            self,
            mode,
            _fixed_by_message(protocol) if protocol else "ECB mode encrypts equal blocks to equal ciphertext, leaking patterns: use MODE_GCM. " + (_GCM_MESSAGE if hint else ""),
            fix=fix,
            confidence=Confidence.LOW if decrypt_only or protocol else None,
        )

    @staticmethod
    def _building_block(node: ast.Call, ctx) -> bool:
        """ECB on single blocks inside another construction (key wrap, CMAC, CTR, FF1...), or
        in a helper of its class that only such functions call (`ecb_decrypt(data, key)` called
        by `decrypt_key` alone)."""
        for anc in ctx.ancestors(node):
            if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and _names_a_construction(anc):
                return True
        return _helper_of_constructions(node, ctx)

    def _encrypts(self, node: ast.Call, ctx) -> bool:
        return bool(crypto.receiver_uses(node, ctx) & crypto.ENCRYPTING)


def _names_a_construction(scope: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
    """`aes_key_wrap`, `cmac`, `ctr_keystream`: named for a construction built on single blocks;
    or `decrypt_key`, `encrypt_keys` (the verb and its object, nothing else): named for
    enciphering keys (key wrapping), random blocks with no patterns for ECB to show. Not
    `encrypt_with_key` nor `get_encrypt_key`, which name what is encrypted with."""
    name = scope.name if isinstance(scope, ast.ClassDef) else scope.name.lower()  # a class's words by case too
    words = [w.lower() for w in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", name) if w]
    return bool(set(words) & _CONSTRUCTIONS) or len(words) == 2 and words[0] in ("encrypt", "decrypt") and words[1] in ("key", "keys")


def _helper_of_constructions(node: ast.Call, ctx) -> bool:
    """`node` is in a method of a class that the class calls (`MegaCrypto.ecb_decrypt(data, key)`,
    `self._ecb(block)`), and only from methods named for a construction (`_names_a_construction`):
    the helper enciphers what they give it. Its name read in any other way (handed on, called from
    another method) lets anything reach it."""
    func = ctx.enclosing_function(node)
    cls = next((a for a in ctx.ancestors(func) if isinstance(a, ast.ClassDef)), None) if func is not None else None
    if cls is None or ctx.parent(func) is not cls:
        return False
    receivers = {"self", "cls", cls.name}
    reads = [n for n in astutil.walk(cls) if isinstance(n, ast.Attribute) and n.attr == func.name and isinstance(n.ctx, ast.Load)]
    for read in reads:
        call = ctx.parent(read)
        caller = ctx.enclosing_function(read)
        if not (isinstance(call, ast.Call) and call.func is read and isinstance(read.value, ast.Name) and read.value.id in receivers):
            return False
        if caller is None or caller is func or not _names_a_construction(caller):
            return False
    return bool(reads)


_AES_BLOCK = 16
# What a cryptography cipher context does with data, and what only ends it.
_FEEDING = frozenset({"update"})
_ENDING = frozenset({"finalize"})


def _encrypts_one_constant_block(cipher: ast.Call, ctx) -> bool:
    """`ecb = Cipher(algorithms.AES(KEY), modes.ECB()).encryptor()` whose every use is
    `ecb.update(IV)` or `ecb.finalize()`, each IV a constant of exactly one AES block (a literal,
    `bytes.fromhex` of one, also a constant of the class read as `self.IV`): one block enciphered
    to derive a value (a container format's IV, a subkey). There are no equal blocks to show and no
    data to hide; a context fed anything else (data of any length) is ECB over that data."""
    if (ctx.call_name(cipher) or "") != crypto.CRYPTOGRAPHY_CIPHER or crypto.cryptography_algorithm(cipher.args[0] if cipher.args else None, ctx) != "AES":
        return False
    made = ctx.parent(cipher)
    if not (isinstance(made, ast.Attribute) and made.attr in ("encryptor", "decryptor") and isinstance(ctx.parent(made), ast.Call)):
        return False
    context = ctx.parent(made)
    stmt = ctx.parent(context)
    if isinstance(stmt, ast.Attribute):  # `Cipher(...).encryptor().update(IV)`
        return stmt.attr in _FEEDING and _one_constant_block_fed(ctx.parent(stmt), ctx)
    if not (isinstance(stmt, ast.Assign) and stmt.value is context and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    name = stmt.targets[0].id
    scope = ctx.enclosing_function(stmt) or ctx.tree
    uses = [n for n in astutil.walk(scope) if isinstance(n, ast.Name) and n.id == name and n is not stmt.targets[0]]
    fed = False
    for use in uses:
        attribute = ctx.parent(use)
        if not (isinstance(attribute, ast.Attribute) and attribute.attr in _FEEDING | _ENDING and isinstance(ctx.parent(attribute), ast.Call)):
            return False  # handed on, or stored: used for more than one block here
        if attribute.attr in _FEEDING:
            if not _one_constant_block_fed(ctx.parent(attribute), ctx):
                return False
            fed = True
    return fed


def _one_constant_block_fed(call: ast.AST, ctx) -> bool:
    """`ctx.update(IV)` with IV a constant of exactly one AES block."""
    if not (isinstance(call, ast.Call) and len(call.args) == 1 and not call.keywords):
        return False
    value = defining_value(call.args[0], ctx)
    if isinstance(value, ast.Call) and (ctx.call_name(value) or "") in ("bytes.fromhex", "binascii.unhexlify") and len(value.args) == 1:
        text = _class_constant(value.args[0], ctx)
        if text is not None:
            return len(text) == 2 * _AES_BLOCK and all(c in "0123456789abcdefABCDEF" for c in text)
    return crypto.literal_bytes_length(value, ctx) == _AES_BLOCK


def _class_constant(node: ast.expr, ctx) -> str | None:
    """The text of `self.IV` where the class body binds `IV = "..."` and no method rebinds it."""
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"):
        return None
    owner = next((a for a in ctx.ancestors(node) if isinstance(a, ast.ClassDef)), None)
    if owner is None:
        return None
    bound = [
        stmt.value for stmt in owner.body
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == node.attr
    ]
    rebound = any(
        isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and n.attr == node.attr and isinstance(n.value, ast.Name) and n.value.id == "self"
        for n in astutil.walk(owner)
    )
    if len(bound) != 1 or rebound or not (isinstance(bound[0], ast.Constant) and isinstance(bound[0].value, str)):
        return None
    return bound[0].value
