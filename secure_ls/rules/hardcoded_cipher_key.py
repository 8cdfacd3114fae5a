"""SLS315 hardcoded-cipher-key."""

from __future__ import annotations

import ast

from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import crypto
from secure_ls.rules.base import Example, Rule, code

_FERNET = ("cryptography.fernet.Fernet",)


class HardcodedCipherKey(Rule):
    """
    ## What it does
    Finds encryption keys written in the code: a literal (or a constant
    defined from one) passed as the key of `Fernet`, an AEAD
    (`AESGCM`, `ChaCha20Poly1305`, `AESCCM`, ...), a `cryptography` cipher
    algorithm (`algorithms.AES(key)`), or PyCryptodome's `X.new(key, ...)`.

    A cipher object made as a statement of its own and thrown away (a probe
    of which crypto library is installed) encrypts nothing and is not
    reported. Only the key given to the cipher counts: the arguments of a
    method called on it or on its result (`AESGCM(key).decrypt(nonce, ct,
    None).decode("utf-8")`) are not keys. A cipher that is only asked to
    decrypt (`AES.new(VENDOR_KEY, AES.MODE_ECB).decrypt(blob)`) reads data
    someone else encrypted with a key they fixed (a vendor's quarantine or
    firmware format): the audit tier. A key read from a mapping the program
    fills at run time (`key = conn_data.get("SessionEncryptionKey", b"")`,
    with `conn_data` a call's result or a field of `self`) is not written in
    the code, whatever the empty default; one read from a dict literal is.

    ## Why is this bad?
    A key in the source is in every copy of the repository, every package
    and every backup, and cannot be rotated without a release. Anyone who
    reads it decrypts all the data (CWE-321).

    ## How to fix it
    Load the key at run time from a secret store, a key management service
    or an environment variable (`Fernet(os.environ["FERNET_KEY"])`), and
    generate it with `Fernet.generate_key()` or `os.urandom(32)`. No quick
    fix is offered: the key must be moved out of the code and the exposed
    one replaced.
    """

    id = "SLS315"
    name = "hardcoded-cipher-key"
    title = "Encryption key written in the code"
    cwe = 321
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "secrets"
    fixable = False
    calls = crypto.CIPHER_MODULES | frozenset({"cryptography.fernet.Fernet", crypto.CRYPTOGRAPHY_AEAD})

    VALID = [
        # the session's key, read from what the server stored for the connection; `b""` is only the default
        code("""
            from Crypto.Cipher import AES

            class Server:
                def __init__(self):
                    self.connections = {}

                def connect(self, conn_id, session_key):
                    self.connections[conn_id] = {"SessionEncryptionKey": session_key}

                def encrypt(self, conn_id, nonce, data):
                    conn_data = self.connection_data(conn_id)
                    key = conn_data.get("SessionEncryptionKey", b"")
                    return AES.new(key, AES.MODE_GCM, nonce=nonce).encrypt_and_digest(data)

                def connection_data(self, conn_id):
                    return self.connections[conn_id]
        """),
        code("""
            import os
            from cryptography.fernet import Fernet
            f = Fernet(os.environ['FERNET_KEY'])
        """),
        code("""
            from cryptography.fernet import Fernet
            f = Fernet(Fernet.generate_key())
        """),
        code("""
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            def seal(key, nonce, data):
                return AESGCM(key).encrypt(nonce, data, None)
        """),
        code("""
            class Fernet:
                def __init__(self, key):
                    pass
            Fernet(b'not-a-cryptography-fernet')
        """),
        # the text decrypted is decoded: "utf-8" is an encoding, not a key
        code("""
            import binascii
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            def open_value(get_key, nonce, value):
                key = get_key()
                return AESGCM(key).decrypt(nonce, binascii.a2b_hex(value), None).decode('utf-8')
        """),
        # a cipher made and dropped: a probe of which library is installed, it encrypts nothing
        code("""
            from Crypto.Cipher import AES

            try:
                AES.new(b'abcdefghijklmnop')
            except TypeError:
                PYCRYPTO = True
        """),
    ]
    INVALID = [
        Example(code("""
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            KEY = b'0123456789abcdef0123456789abcdef'

            def open_value(nonce, data):
                return AESGCM(KEY).decrypt(nonce, data, None).decode('utf-8')
        """),
            where="KEY",
            says="AESGCM key written in the code",
        ),
        Example(code("""
            from cryptography.fernet import Fernet

            cipher = Fernet(b'ZmRzYWZkc2FmZHNhZmRzYWZkc2FmZHNhZmRzYWZkc2E=')
        """),
            where="b'ZmRzYWZkc2FmZHNhZmRzYWZkc2FmZHNhZmRzYWZkc2E='",
            says="Fernet key written in the code",
        ),
        Example(code("""
            from Crypto.Cipher import AES

            KEY = b'0123456789abcdef'

            def seal(data):
                return AES.new(KEY, AES.MODE_GCM).encrypt_and_digest(data)
        """),
            where="KEY",
            says="AES key written in the code",
        ),
        Example(code("""
            from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

            def seal(nonce, data):
                key = 'k' * 32
                return ChaCha20Poly1305(key.encode()).encrypt(nonce, data, None)
        """),
            where="key.encode()",
            says="ChaCha20Poly1305 key written in the code",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        what = None
        if name in _FERNET:
            what = "Fernet key"
        elif _aead_class(name) or crypto.cryptography_algorithm(node, ctx) is not None:
            what = f"{name.rsplit('.', 1)[-1]} key"
        elif crypto.pycrypto_cipher(node, ctx) is not None:
            what = f"{crypto.pycrypto_cipher(node, ctx)} key"
        if what is None or crypto.has_unpacking(node) or crypto.made_and_dropped(node, ctx):
            return
        key = argument(node, 0, ("key",))
        if key is None or (isinstance(key, ast.Constant) and key.value is None):
            return
        if not ctx.origin(key).is_constant:
            return
        length = crypto.literal_bytes_length(key, ctx)
        if length is None:
            inner = key.func.value if isinstance(key, ast.Call) and isinstance(key.func, ast.Attribute) and key.func.attr == "encode" else key
            if not isinstance(inner, (ast.Name, ast.Attribute)) and crypto.literal_bytes_length(inner, ctx) is None:
                return
            if isinstance(inner, ast.Name) and _read_from_state(inner, ctx):
                return
        elif length == 0:
            return
        ctx.report(
            self,
            key,
            f"{what} written in the code: anyone with the source can decrypt the data, and the key cannot be rotated. "
            "Load it at run time from a secret store or environment variable, and replace the exposed key.",
            # a cipher that only decrypts reads data someone else encrypted with that key (a vendor's fixed
            # key for its file format): the audit tier, like any key of test code
            confidence=Confidence.LOW if ctx.in_test_code(key) or crypto.only_decrypts(node, ctx) else None,
        )


def _read_from_state(name: ast.Name, ctx) -> bool:
    """`key = conn_data.get("SessionEncryptionKey", b"")` with `conn_data = self.connection(cid)`:
    every value the name holds is read from a mapping the program filled at run time (a call's
    result, an attribute of `self`), whose empty default is no key; not from a dict written in
    the code (`KEYS["prod"]`)."""
    values = ctx.assigned_values(name)
    return bool(values) and all(_runtime_mapping(_mapping_read(v), ctx) for v in values)


def _mapping_read(value: ast.expr) -> ast.expr | None:
    """The mapping `value` reads an item of: `m[k]`, `m.get(k, default)`."""
    if isinstance(value, ast.Subscript):
        return value.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get":
        return value.func.value
    return None


def _runtime_mapping(mapping: ast.expr | None, ctx) -> bool:
    if isinstance(mapping, ast.Attribute):
        return isinstance(mapping.value, ast.Name) and mapping.value.id == "self"
    if isinstance(mapping, ast.Name):
        made = ctx.assigned_values(mapping)
        return bool(made) and all(isinstance(v, ast.Call) or isinstance(v, ast.Attribute) and _runtime_mapping(v, ctx) for v in made)
    return False


def _aead_class(name: str) -> bool:
    """`AESGCM(key)`, an AEAD class itself; not a method called on one or on what it returned
    (`AESGCM(key).decrypt(nonce, data, None).decode("utf-8")`: their first argument is a nonce or
    an encoding, not the key)."""
    return name.startswith(crypto.CRYPTOGRAPHY_AEAD) and "." not in name[len(crypto.CRYPTOGRAPHY_AEAD):]
