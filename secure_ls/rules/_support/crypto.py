"""Shared helpers for the crypto, password-storage, HMAC, JWT and TLS rules.

The length of a constant byte string (`b"\\x00" * 16`, a local `IV = bytes(16)`),
and finding what a cipher object is used for. Numbers are evaluated by
`constants`, call arguments read with the engine's `context.argument`.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.context import argument
from secure_ls.rules._support import naming
from secure_ls.rules._support.constants import defining_value, int_value


def has_unpacking(call: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)


def literal_bytes_length(node: ast.expr | None, ctx, follow: bool = True) -> int | None:
    """Length of a constant byte/str value written in the code (`b"..."`, `b"\\0" * 16`,
    `bytes(16)`, `"...".encode()`), following local names; None if not such a constant."""
    if node is None:
        return None
    if follow:
        node = defining_value(node, ctx)
    if isinstance(node, ast.Constant) and isinstance(node.value, (bytes, str)):
        value = node.value
        return len(value.encode("utf-8") if isinstance(value, str) else value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        for seq, count in ((node.left, node.right), (node.right, node.left)):
            length = literal_bytes_length(seq, ctx, follow)
            times = int_value(count, ctx, defining_value if follow else None)
            if length is not None and times is not None:
                return length * times
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = literal_bytes_length(node.left, ctx, follow)
        right = literal_bytes_length(node.right, ctx, follow)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.Call):
        name = ctx.call_name(node)
        if name in ("bytes", "bytearray") and len(node.args) == 1 and not node.keywords:
            count = int_value(node.args[0], ctx, defining_value if follow else None)
            if count is not None:
                return count
            return literal_bytes_length(node.args[0], ctx, follow)
        if name in ("bytes.fromhex", "binascii.unhexlify", "binascii.a2b_hex") and len(node.args) == 1:
            length = literal_bytes_length(node.args[0], ctx, follow)
            return length // 2 if length is not None else None
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "encode" and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str):
            return len(func.value.value.encode("utf-8"))
    return None


def local_literal_assignment(node: ast.expr, ctx) -> ast.expr | None:
    """When `node` is a local name assigned once, in the same function, to a
    literal: that literal (so a fix can replace it where it is defined)."""
    if not isinstance(node, ast.Name):
        return None
    values = ctx.assigned_values(node)
    if len(values) != 1:
        return None
    value = values[0]
    stmt = ctx.statement(value)
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
        return None
    if ctx.enclosing_function(stmt) is not ctx.enclosing_function(node) or ctx.enclosing_function(node) is None:
        return None
    # the name must not be bound anywhere else in the function
    func = ctx.enclosing_function(node)
    stores = [
        n for n in astutil.walk(func)
        if isinstance(n, ast.Name) and n.id == node.id and isinstance(n.ctx, ast.Store)
    ]
    if len(stores) != 1:
        return None
    return value


# What a cipher object is asked to do (PyCryptodome's `encrypt`, cryptography's `encryptor()`, ...).
ENCRYPTING = frozenset({"encrypt", "encryptor", "encrypt_and_digest"})
DECRYPTING = frozenset({"decrypt", "decryptor", "decrypt_and_verify"})


def only_decrypts(call: ast.Call, ctx) -> bool:
    """Whether the cipher `call` makes is only ever asked to decrypt (receiver_uses): it reads data
    written in a format someone else chose (a vendor's file, a protocol's media), which this
    program cannot change by itself."""
    uses = receiver_uses(call, ctx)
    return bool(uses & DECRYPTING) and not uses & ENCRYPTING


def receiver_uses(call: ast.Call, ctx) -> set[str]:
    """Method names called on the object `call` creates: directly
    (`AES.new(...).encrypt(x)`) or through the local name it is assigned to."""
    uses: set[str] = set()
    parent = ctx.parent(call)
    if isinstance(parent, ast.Attribute) and parent.value is call:
        uses.add(parent.attr)
        return uses
    stmt = ctx.statement(call)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if len(targets) == 1 and isinstance(targets[0], ast.Name) and _value_of(stmt) is call:
            name = targets[0].id
            scope = ctx.enclosing_function(call) or ctx.tree
            for node in astutil.walk(scope):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
                    uses.add(node.attr)
    return uses


def _value_of(stmt: ast.stmt) -> ast.expr | None:
    return getattr(stmt, "value", None)


# ---- key derivation functions ---------------------------------------------------

class KdfCall:
    """A recognised password-based KDF call and its parameters (None when absent)."""

    def __init__(
        self, kind: str, call: ast.Call, hash_name: str | None, salt, iterations, n=None, r=None, p=None, default_iterations: int | None = None, material=None
    ):
        self.kind = kind  # "pbkdf2" or "scrypt"
        self.call = call
        self.material = material  # what is stretched (the password argument), when the call takes it
        self.hash_name = hash_name
        self.salt = salt
        self.iterations = iterations
        self.n, self.r, self.p = n, r, p
        self.default_iterations = default_iterations


_CRYPTOGRAPHY_HASHES = "cryptography.hazmat.primitives.hashes."


def _hash_name_of(node: ast.expr | None, ctx) -> str | None:
    if node is None:
        return None
    text = ctx.string_value(node)
    if text is not None and isinstance(node, (ast.Constant, ast.Name)):
        return text.lower().replace("-", "")
    target = node.func if isinstance(node, ast.Call) else node
    name = ctx.qualified_name(target) or ""
    if name.startswith(_CRYPTOGRAPHY_HASHES):
        return name[len(_CRYPTOGRAPHY_HASHES):].lower().replace("_", "")
    if name.startswith("hashlib."):
        return name[len("hashlib."):].lower()
    for prefix in ("Crypto.Hash.", "Cryptodome.Hash."):
        if name.startswith(prefix):
            return name[len(prefix):].split(".")[0].lower().replace("_", "")
    return None


def kdf_call(call: ast.Call, ctx) -> KdfCall | None:
    name = ctx.call_name(call) or ""
    if has_unpacking(call):
        return None
    if name == "hashlib.pbkdf2_hmac":
        return KdfCall(
            "pbkdf2", call, _hash_name_of(argument(call, 0, ("hash_name",)), ctx),
            argument(call, 2, ("salt",)), argument(call, 3, ("iterations",)), material=argument(call, 1, ("password",)),
        )
    if name == "hashlib.scrypt":
        return KdfCall("scrypt", call, None, argument(call, None, ("salt",)), None,
                       argument(call, None, ("n",)), argument(call, None, ("r",)), argument(call, None, ("p",)), material=argument(call, 0, ("password",)))
    if name == "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC":
        return KdfCall(
            "pbkdf2", call, _hash_name_of(argument(call, 0, ("algorithm",)), ctx),
            argument(call, 2, ("salt",)), argument(call, 3, ("iterations",)),
        )
    if name == "cryptography.hazmat.primitives.kdf.scrypt.Scrypt":
        return KdfCall("scrypt", call, None, argument(call, 0, ("salt",)), None,
                       argument(call, 2, ("n",)), argument(call, 3, ("r",)), argument(call, 4, ("p",)))
    for prefix in ("Crypto.Protocol.KDF.", "Cryptodome.Protocol.KDF."):
        if name == prefix + "PBKDF2":
            prf = argument(call, 4, ("prf",))
            module = argument(call, None, ("hmac_hash_module",))
            if prf is not None:
                return None  # a custom PRF: cannot tell its cost
            hash_name = _hash_name_of(module, ctx) if module is not None else "sha1"
            return KdfCall(
                "pbkdf2", call, hash_name, argument(call, 1, ("salt",)), argument(call, 3, ("count",)), default_iterations=1000, material=argument(call, 0, ("password",))
            )
        if name == prefix + "scrypt":
            return KdfCall("scrypt", call, None, argument(call, 1, ("salt",)), None,
                           argument(call, 3, ("N",)), argument(call, 4, ("r",)), argument(call, 5, ("p",)), material=argument(call, 0, ("password",)))
    return None


# Words that name a key rather than a password: what a KDF then stretches is random already. A
# mnemonic is a wallet's seed written as words (BIP39: 128 to 256 random bits), which the
# wallet standard stretches with a count it fixes.
_KEY_WORDS = frozenset({"key", "secret", "seed", "mnemonic"})


def stretches_a_key(kdf: KdfCall) -> bool:
    """The KDF is given a key, not a password: its input is named for a key or secret
    (`secret_key.encode()`, `settings.SECRET_KEY`, `master_seed`, a wallet's `mnemonic`) and nothing in it for a
    password. Deriving a fixed encryption key from the application's secret needs neither a salt
    per use nor a slow count; the salt and work-factor rules give it the audit tier."""
    if kdf.material is None:
        return False
    found = set()
    for node in astutil.walk(kdf.material):
        if isinstance(node, (ast.Name, ast.Attribute)):
            found.update(w.lower() for w in naming.words(naming.name_of(node) or ""))
    return bool(found & _KEY_WORDS) and not found & naming.PASSWORD_WORDS


# ---- ciphers ----------------------------------------------------------------------

CRYPTOGRAPHY_ALGORITHMS = (
    "cryptography.hazmat.primitives.ciphers.algorithms.",
    "cryptography.hazmat.decrepit.ciphers.algorithms.",
)
CRYPTOGRAPHY_MODES = "cryptography.hazmat.primitives.ciphers.modes."
CRYPTOGRAPHY_CIPHER = "cryptography.hazmat.primitives.ciphers.Cipher"
CRYPTOGRAPHY_AEAD = "cryptography.hazmat.primitives.ciphers.aead."
PYCRYPTO_CIPHERS = ("Crypto.Cipher.", "Cryptodome.Cipher.")

# name -> (display name, severity word)
WEAK_CRYPTOGRAPHY = {
    "TripleDES": "3DES", "ARC4": "RC4", "Blowfish": "Blowfish", "CAST5": "CAST5",
    "IDEA": "IDEA", "SEED": "SEED", "RC2": "RC2",
}
WEAK_PYCRYPTO = {
    "DES": "DES", "DES3": "3DES", "ARC2": "RC2", "ARC4": "RC4", "Blowfish": "Blowfish",
    "CAST": "CAST5", "XOR": "XOR",
}
BROKEN = frozenset({"DES", "RC4", "RC2", "XOR"})


def cryptography_algorithm(call: ast.AST, ctx) -> str | None:
    """'TripleDES' for `algorithms.TripleDES(key)` (also from hazmat.decrepit)."""
    if not isinstance(call, ast.Call):
        return None
    name = ctx.call_name(call) or ""
    for prefix in CRYPTOGRAPHY_ALGORITHMS:
        if name.startswith(prefix):
            return name[len(prefix):]
    return None


def pycrypto_cipher(call: ast.Call, ctx) -> str | None:
    """'AES' for `AES.new(...)` from Crypto.Cipher / Cryptodome.Cipher."""
    name = ctx.call_name(call) or ""
    for prefix in PYCRYPTO_CIPHERS:
        if name.startswith(prefix) and name.endswith(".new"):
            return name[len(prefix):-len(".new")]
    return None


def weak_cipher_name(call: ast.AST, ctx) -> str | None:
    """Display name of a weak cipher constructed by `call`, if it is one."""
    if not isinstance(call, ast.Call):
        return None
    algo = cryptography_algorithm(call, ctx)
    if algo is not None:
        return WEAK_CRYPTOGRAPHY.get(algo)
    algo = pycrypto_cipher(call, ctx)
    if algo is not None:
        return WEAK_PYCRYPTO.get(algo)
    name = ctx.call_name(call) or ""
    if name in ("pyDes.des", "pyDes.triple_des"):
        return "DES" if name == "pyDes.des" else "3DES"
    return None


def pycrypto_mode(call: ast.Call, ctx) -> tuple[ast.expr | None, str | None]:
    """The mode argument of `X.new(key, X.MODE_..., ...)` and its MODE_ name."""
    mode = argument(call, 1, ("mode",))
    if mode is None:
        return None, None
    name = ctx.qualified_name(mode) or ""
    last = name.rsplit(".", 1)[-1] if name else (mode.attr if isinstance(mode, ast.Attribute) else "")
    if not last.startswith("MODE_"):
        value = int_value(mode, ctx)
        # PyCryptodome's numeric values for the modes
        last = {1: "MODE_ECB", 2: "MODE_CBC", 3: "MODE_CFB", 5: "MODE_OFB", 6: "MODE_CTR"}.get(value, "") if value is not None else ""
    return mode, (last or None)


# ---- HMAC -----------------------------------------------------------------------------

class HmacCall:
    def __init__(self, call, key, digest, digest_keyword, library):
        self.call = call
        self.key = key
        self.digest = digest  # the digest argument, None when absent
        self.digest_keyword = digest_keyword  # its keyword name
        self.library = library  # "hashlib", "cryptography", "Crypto" or "Cryptodome"


def hmac_call(call: ast.Call, ctx) -> HmacCall | None:
    if has_unpacking(call):
        return None
    name = ctx.call_name(call) or ""
    if name in ("hmac.new", "hmac.HMAC"):
        return HmacCall(call, argument(call, 0, ("key",)), argument(call, 2, ("digestmod",)), "digestmod", "hashlib")
    if name == "hmac.digest":
        return HmacCall(call, argument(call, 0, ("key",)), argument(call, 2, ("digest",)), "digest", "hashlib")
    if name == "cryptography.hazmat.primitives.hmac.HMAC":
        return HmacCall(call, argument(call, 0, ("key",)), argument(call, 1, ("algorithm",)), "algorithm", "cryptography")
    for prefix in ("Crypto", "Cryptodome"):
        if name == prefix + ".Hash.HMAC.new":
            return HmacCall(call, argument(call, 0, ("key",)), argument(call, 2, ("digestmod",)), "digestmod", prefix)
    return None


def weak_digest(node: ast.expr, ctx) -> tuple[str, str] | None:
    """('md5', replacement text) when `node` names MD5/SHA-1 as a digest, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        value = node.value.lower().replace("-", "").replace("_", "")
        if value in ("md5", "sha1", "md4"):
            text = ctx.text(node)
            quote = text[0] if text[:1] in ("'", '"') else '"'
            return value, f"{quote}sha256{quote}"
        return None
    target = node.func if isinstance(node, ast.Call) else node
    name = ctx.qualified_name(target) or ""
    last = name.rsplit(".", 1)[-1]
    if name.startswith("hashlib.") and last in ("md5", "sha1"):
        if isinstance(target, ast.Attribute):
            return last, f"{ctx.text(target.value)}.sha256"
        return last, "hashlib.sha256"
    if name.startswith(_CRYPTOGRAPHY_HASHES) and last in ("MD5", "SHA1"):
        if isinstance(node, ast.Call) and isinstance(target, ast.Attribute) and not node.args:
            return last.lower(), f"{ctx.text(target.value)}.SHA256()"
        return last.lower(), ""
    for prefix in ("Crypto.Hash.", "Cryptodome.Hash."):
        if name.startswith(prefix) and name[len(prefix):].split(".")[0] in ("MD5", "SHA", "SHA1", "MD4"):
            module = name[len(prefix):].split(".")[0]
            algo = "sha1" if module.startswith("SHA") else module.lower()
            if isinstance(target, ast.Attribute) and not isinstance(node, ast.Call):
                return algo, f"{ctx.text(target.value)}.SHA256"
            return algo, ""
    return None


# ---- JWT ----------------------------------------------------------------------------------

JWT_DECODE = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jwt.PyJWT.decode", "jwt.api_jwt.PyJWT.decode", "jose.jwt.decode", "python_jwt.verify_jwt"})
# Calls that hand back a token's claims without ever checking its signature.
JWT_UNVERIFIED_CLAIMS = frozenset({"python_jwt.process_jwt", "jose.jwt.get_unverified_claims"})
JWT_ENCODE = frozenset({"jwt.encode", "jwt.api_jwt.encode", "jwt.PyJWT.encode", "jwt.api_jwt.PyJWT.encode", "jose.jwt.encode"})


def is_jwt_decode(call: ast.Call, ctx) -> bool:
    return (ctx.call_name(call) or "") in JWT_DECODE


def dict_entry(node: ast.expr | None, key: str, ctx) -> ast.expr | None:
    """The value for string `key` in a dict literal (or a local name bound to one, or dict(key=...))."""
    if node is None:
        return None
    node = defining_value(node, ctx)
    if isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values):
            if isinstance(k, ast.Constant) and k.value == key:
                return v
    if isinstance(node, ast.Call) and ctx.call_name(node) == "dict":
        for kw in node.keywords:
            if kw.arg == key:
                return kw.value
    return None


def signature_disabled(call: ast.Call, ctx) -> ast.expr | None:
    """The `False` that turns off signature verification in a jwt.decode call, if any."""
    options = argument(call, None, ("options",))
    value = dict_entry(options, "verify_signature", ctx)
    if astutil.is_false(value):
        return value
    verify = argument(call, None, ("verify",))
    if astutil.is_false(verify):
        return verify
    return None


# ---- objects created by a call ------------------------------------------------------------

def bound_name(call: ast.Call, ctx) -> str | None:
    """The local name a constructor call is bound to: `x = Call()` or `with Call() as x:`."""
    parent = ctx.parent(call)
    if isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    if isinstance(parent, ast.AnnAssign) and parent.value is call and isinstance(parent.target, ast.Name):
        return parent.target.id
    if isinstance(parent, ast.withitem) and parent.context_expr is call and isinstance(parent.optional_vars, ast.Name):
        return parent.optional_vars.id
    return None


def method_calls(name: str, call: ast.Call, ctx) -> list[ast.Call]:
    """Calls `name.method(...)` in the function (or module unit) where `call` is."""
    scope = ctx.enclosing_function(call) or ctx.tree
    out = []
    for node in astutil.walk(scope):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
        ):
            out.append(node)
    return sorted(out, key=lambda n: (n.lineno, n.col_offset))


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "[::1]")


def is_local_host(text: str | None) -> bool:
    if not text:
        return False
    host = text.lower()
    return host in LOCAL_HOSTS or host.startswith("127.") or host.endswith((".localhost", ".local"))


# ---- what rules declare to the engine (see Rule.calls) --------------------------------------

KDF_CALLS = frozenset(
    {
        "hashlib.pbkdf2_hmac", "hashlib.scrypt", "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC",
        "cryptography.hazmat.primitives.kdf.scrypt.Scrypt", "Crypto.Protocol.KDF.PBKDF2", "Crypto.Protocol.KDF.scrypt",
        "Cryptodome.Protocol.KDF.PBKDF2", "Cryptodome.Protocol.KDF.scrypt",
    }
)
CIPHER_MODULES = frozenset(CRYPTOGRAPHY_ALGORITHMS) | frozenset(PYCRYPTO_CIPHERS)
HMAC_CALLS = frozenset(
    {"hmac.new", "hmac.HMAC", "hmac.digest", "cryptography.hazmat.primitives.hmac.HMAC", "Crypto.Hash.HMAC.new", "Cryptodome.Hash.HMAC.new"}
)


def made_and_dropped(call: ast.Call, ctx) -> bool:
    """`AES.new(b"0123456789abcdef")` as a statement of its own: a cipher object made and thrown away,
    as a probe of which library is installed (pycrypto's default mode raises no TypeError), encrypts
    nothing with its mode or key."""
    return isinstance(ctx.parent(call), ast.Expr)
