"""Whether a key made from a password only ever decrypts: data already written in a format the
program reads (a journal of an older version, another tool's file), whose key derivation the
format fixes. Changing the derivation there would make that data unreadable; the fix is to write
new data in a better format and migrate (SLS301, SLS306 and SLS307 give it the audit tier).

    decryption_key = hashlib.sha256(password.encode()).digest()
    decryptor = Cipher(algorithms.AES(decryption_key), modes.CBC(iv)).decryptor()

    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=SALT, iterations=100_000)
    self._key = base64.urlsafe_b64encode(kdf.derive(password))
    ...
    return Fernet(self._key).decrypt(text)          # every read of self._key in the class

`only_decrypts(made, ctx)` follows the value `made` (a hash or KDF call) through the key read out
of it (`.digest()`, `.derive(...)`), re-encodings, the names and `self` attributes it is kept in,
to the ciphers it keys: every one of them must only decrypt.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.rules._support import web

# Reading the key out of a hash or KDF object.
_KEY_READS = frozenset({"derive", "digest", "hexdigest", "finalize"})
# Calls that hand back the same key in another encoding.
_ENCODERS = frozenset({"urlsafe_b64encode", "b64encode", "standard_b64encode", "hexlify", "encode", "bytes"})
# What a key keys: cryptography's Fernet and AEAD classes, its algorithms (inside a Cipher),
# PyCryptodome's `AES.new(key, ...)`.
_CIPHERS = frozenset(
    {"Fernet", "MultiFernet", "AESGCM", "AESCCM", "AESSIV", "AESOCB3", "ChaCha20Poly1305", "AES", "Camellia", "ChaCha20", "TripleDES", "new"}
)
_DECRYPTING = frozenset({"decrypt", "decryptor", "decrypt_and_verify", "decrypt_at_time"})
_MAX_DEPTH = 8


def only_decrypts(made: ast.expr, ctx) -> bool:
    """Whether every use of the key `made` makes keys a cipher that only decrypts (see the module)."""
    return _only_decrypts(made, ctx, 0)


def _only_decrypts(value: ast.expr, ctx, depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return False
    parent = ctx.parent(value)
    if isinstance(parent, ast.Attribute) and parent.value is value and parent.attr in _KEY_READS:
        call = ctx.parent(parent)
        return isinstance(call, ast.Call) and call.func is parent and _only_decrypts(call, ctx, depth + 1)
    if isinstance(parent, ast.Call) and value in parent.args:
        name = astutil.last_name(parent.func)
        if name in _ENCODERS:
            return _only_decrypts(parent, ctx, depth + 1)
        if name in _CIPHERS:
            return _cipher_only_decrypts(parent, ctx, depth + 1)
        return False
    if isinstance(parent, ast.Assign) and parent.value is value and len(parent.targets) == 1:
        return _reads_only_decrypt(parent.targets[0], value, ctx, depth)
    return False


def _cipher_only_decrypts(cipher: ast.Call, ctx, depth: int) -> bool:
    """`Fernet(key).decrypt(...)`, `Cipher(algorithms.AES(key), mode).decryptor()`, or a name holding
    the cipher whose every use decrypts."""
    parent = ctx.parent(cipher)
    if isinstance(parent, ast.Call) and cipher in parent.args and astutil.last_name(parent.func) == "Cipher":
        return _cipher_only_decrypts(parent, ctx, depth + 1)  # algorithms.AES(key) inside Cipher(...)
    if isinstance(parent, ast.Attribute) and parent.value is cipher:
        return parent.attr in _DECRYPTING
    if isinstance(parent, ast.Assign) and parent.value is cipher and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        reads = astutil.name_reads(web.function_body(ctx, cipher), parent.targets[0].id)
        return bool(reads) and all(isinstance(p := ctx.parent(r), ast.Attribute) and p.attr in _DECRYPTING for r in reads)
    return False


def _reads_only_decrypt(target: ast.expr, value: ast.expr, ctx, depth: int) -> bool:
    """Every read of the name (in the function) or of the `self` attribute (in the class) the key
    is kept in only decrypts."""
    if isinstance(target, ast.Name):
        reads = astutil.name_reads(web.function_body(ctx, value), target.id)
    elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
        cls = next((a for a in ctx.ancestors(value) if isinstance(a, ast.ClassDef)), None)
        if cls is None:
            return False
        reads = [
            node for node in astutil.walk(cls)
            if isinstance(node, ast.Attribute) and node.attr == target.attr and isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Name) and node.value.id == "self"
        ]
    else:
        return False
    return bool(reads) and all(_only_decrypts(read, ctx, depth + 1) for read in reads)
