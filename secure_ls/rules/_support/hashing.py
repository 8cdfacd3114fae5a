"""Recognising hashlib-style hash calls, shared by the password and weak-hash rules."""

from __future__ import annotations

import ast

FAST_HASHES = frozenset(
    {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256", "sha3_384", "sha3_512", "blake2b", "blake2s", "shake_128", "shake_256"}
)
BROKEN_HASHES = frozenset({"md5", "sha1", "md4", "md2", "ripemd160"})
# The modules whose calls `hash_algorithm` recognises (the hash rules' `calls`).
HASH_MODULES = frozenset({"hashlib.", "Crypto.Hash.", "Cryptodome.Hash.", "cryptography.hazmat.primitives.hashes."})


def hash_algorithm(call: ast.Call, ctx) -> str | None:
    """'md5' for hashlib.md5(...), hashlib.new('md5', ...), Crypto.Hash.MD5.new(...)."""
    name = ctx.call_name(call) or ""
    if name.startswith("hashlib."):
        algo = name[len("hashlib.") :]
        if algo == "new":
            first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "name"), None)
            value = ctx.string_value(first) if first is not None else None
            return value.lower().replace("-", "_") if value else None
        return algo if algo in FAST_HASHES else None
    for prefix in ("Crypto.Hash.", "Cryptodome.Hash."):
        if name.startswith(prefix) and name.endswith(".new"):
            return name[len(prefix) : -len(".new")].lower()
    if name in _CRYPTOGRAPHY_HASH and call.args and isinstance(call.args[0], ast.Call):
        # cryptography's `hashes.Hash(hashes.MD5())`: the algorithm object names it
        algorithm = ctx.call_name(call.args[0]) or ""
        if algorithm.startswith(_CRYPTOGRAPHY_HASHES):
            algo = algorithm[len(_CRYPTOGRAPHY_HASHES) :].lower()
            return algo if algo in FAST_HASHES or algo in BROKEN_HASHES else None
    return None


_CRYPTOGRAPHY_HASHES = "cryptography.hazmat.primitives.hashes."
_CRYPTOGRAPHY_HASH = frozenset({_CRYPTOGRAPHY_HASHES + "Hash"})


def data_argument(call: ast.Call, ctx) -> ast.expr | None:
    """The data hashed by the constructor call (positional or `data=`/`string=`)."""
    name = ctx.call_name(call) or ""
    if name in _CRYPTOGRAPHY_HASH:
        return None  # only `.update(data)` feeds it
    index = 1 if name == "hashlib.new" else 0
    if len(call.args) > index:
        return call.args[index]
    for kw in call.keywords:
        if kw.arg in ("data", "string"):
            return kw.value
    return None


def picked_from_a_table(node: ast.AST, ctx) -> bool:
    """`node` is in a function, or a method of a class, that the module lists in a table of three
    or more implementations (`{HASH.MYSQL: mysql_passwd, ...}`, `{23: RC4Enctype(), ...}`): one
    format or cipher suite among several, picked by the data or the peer at hand, that reproduces
    what another system does (a cracker, a protocol's negotiated suites, a library of formats)."""
    tabled = ctx.module.tabled_functions
    if not tabled:
        return False
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and ancestor.name in tabled:
            return True
    return False
