"""Reading intent from names: is this value a password, a token, a signature?

Rules that cannot see types judge by what programmers call things. Names
are split into words (`userPassword`, `user_password`, `USERPASSWORD` stays
one word), and a name counts when one of its words is sensitive and none is
a word that makes it metadata about the secret (`token_type`, `password_hint`),
nor ends with who holds it (`token_owner`).
"""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")

PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "pwd", "pw", "pass", "pword", "passcode", "pin"})
SECRET_WORDS = frozenset(
    {"token", "secret", "signature", "sig", "digest", "mac", "hmac", "otp", "nonce", "csrf", "apikey", "salt", "key", "auth", "session", "reset", "verification", "verify", "code", "totp", "hotp", "credential", "credentials", "cookie", "jwt", "bearer"}
)
# Words that make a name describe a secret rather than hold one.
METADATA_WORDS = frozenset(
    {"type", "types", "count", "len", "length", "name", "names", "id", "ids", "kind", "index", "idx", "url", "uri", "endpoint", "prefix", "suffix", "expiry", "expire", "expires", "expiration", "lifetime", "ttl", "header", "field", "fields", "label", "hint", "prompt", "policy", "format", "fmt", "path", "file", "filename", "filepath", "pathname", "dir", "regex", "pattern", "min", "max", "size", "timeout", "age", "valid", "is", "has", "enabled", "required", "changed", "reset_at", "column", "col", "param", "attr", "class", "method", "algorithm", "algo", "version", "position", "pos", "start", "end", "line", "lines", "list", "list_", "map", "cache", "store", "manager", "factory", "provider", "module", "error", "errors", "message", "msg", "text", "char", "chars", "template", "strength", "input", "form", "widget", "placeholder", "mode",
     # a tokenizer's special tokens (`unk_token`, `pad_token`, `bos_token`): markers in a model's text
     "unk", "pad", "bos", "eos", "sep", "cls"}
)

# Words that, last in a name, make it the one who has the secret, not the secret: `token_owner`,
# `key_holder`, `signature_ver` (its version), or what it is for: `po_token_client` (the name of
# the client a token is meant for), `auth_context`, `session_client` (objects that use secrets).
# First, the secret is theirs: `user_token`, `client_secret`.
HOLDER_WORDS = frozenset({"owner", "owners", "user", "users", "holder", "holders", "issuer", "ver", "client", "clients", "context", "contexts"})


def words(identifier: str) -> list[str]:
    out = []
    for chunk in re.split(r"[_\W]+", identifier):
        out.extend(w.lower() for w in _WORD.findall(chunk))
    return out


def name_of(node: ast.AST) -> str | None:
    """The identifier an expression is known by: `x`, `self.x`, `d["x"]`, `x.encode()`."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return node.attr
        if isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return key.value
            node = node.value
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("encode", "decode", "strip", "get", "hexdigest", "digest", "lower", "upper"):
            if node.func.attr == "get" and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                return node.args[0].value
            node = node.func.value
            continue
        return None


def is_named_like(identifier: str | None, vocabulary: frozenset[str], unless: frozenset[str] = frozenset()) -> bool:
    """Whether the identifier names a `vocabulary` thing: one of its words is in it, and none
    describes the thing instead (METADATA_WORDS) or says it is something else (`unless`)."""
    if not identifier:
        return False
    parts = words(identifier)
    if not parts:
        return False
    joined = "".join(parts)
    hit = any(p in vocabulary for p in parts) or any(v in joined for v in vocabulary if len(v) >= 6)
    if not hit:
        return False
    return parts[-1] not in HOLDER_WORDS and not any(p in METADATA_WORDS or p in unless for p in parts)


def mentions(node: ast.AST, vocabulary: frozenset[str], unless: frozenset[str] = frozenset()) -> ast.AST | None:
    """The first name inside `node` (not inside nested calls' function names) named like
    `vocabulary` (see is_named_like)."""
    for sub in astutil.walk(node):
        if isinstance(sub, (ast.Name, ast.Attribute)) and isinstance(getattr(sub, "ctx", None), ast.Load):
            name = astutil.last_name(sub)
            if is_named_like(name, vocabulary, unless):
                return sub
        elif isinstance(sub, ast.Subscript) and isinstance(sub.slice, ast.Constant) and isinstance(sub.slice.value, str):
            if is_named_like(sub.slice.value, vocabulary, unless):
                return sub
    return None
