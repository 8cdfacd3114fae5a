"""SLS301 weak-password-hash."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import hashing, naming
from secure_ls.rules.base import Example, Rule


class WeakPasswordHash(Rule):
    """
    ## What it does
    Finds passwords hashed with a fast general-purpose hash (`md5`, `sha1`,
    `sha256`, `sha512`, `blake2`, ...), whether the value is named like a
    password or flows from one, and comparisons against such hashes.

    ## Why is this bad?
    Fast hashes are built to be fast: a single GPU tries billions of
    candidate passwords a second against a leaked table of MD5 or SHA-256
    hashes, and unsalted ones fall to precomputed tables at once. Password
    storage needs a deliberately slow, salted algorithm such as bcrypt,
    scrypt or Argon2 (CWE-916).

    ## How to fix it
    Hash with `bcrypt.hashpw(password.encode(), bcrypt.gensalt())` and
    verify with `bcrypt.checkpw(password.encode(), stored)`. The quick fix
    does both, adding `import bcrypt`. It is marked unsafe: hashes already
    stored in the old format will no longer verify, so plan a migration
    (verify with the old scheme once at login, then re-hash with bcrypt).
    bcrypt only reads the first 72 bytes of a password; bcrypt 5 raises
    `ValueError` for longer ones, so limit the length where passwords are set.
    """

    id = "SLS301"
    name = "weak-password-hash"
    title = "Password hashed with a fast hash"
    cwe = 916
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "passwords"
    bandit = ("B303", "B324")
    fixable = True
    calls = frozenset({"hashlib.", "Crypto.Hash.", "Cryptodome.Hash."})
    methods = frozenset({"update"})

    VALID = [
        # a legacy pre-hash inside a subclass of a slow Django hasher, which stretches the result
        "import hashlib\nfrom django.contrib.auth.hashers import PBKDF2PasswordHasher\n\nclass LegacySHA1Hasher(PBKDF2PasswordHasher):\n    algorithm = 'pbkdf2_wrapped_sha1'\n\n    def encode(self, password, salt, iterations=None):\n        return super().encode(hashlib.sha1(password.encode()).hexdigest(), salt, iterations)\n",
        # declared not to be a security use
        "import hashlib\ndef session_fingerprint(email, password_hash):\n    return hashlib.md5((email + password_hash).encode(), usedforsecurity=False).hexdigest()\n",
        "import bcrypt\ndef store(password):\n    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())\n",
        "import hashlib\ndef etag(body):\n    return hashlib.sha256(body).hexdigest()\n",
        "import hashlib\ndef check(password_hint):\n    return hashlib.md5(password_hint.encode()).hexdigest()\n",
        "def md5(x):\n    return x\ndef store(password):\n    return md5(password)\n",
    ]
    INVALID = [
        Example(
            "import hashlib\n\ndef store(password):\n    return hashlib.md5(password.encode()).hexdigest()\n",
            fixed="import hashlib\nimport bcrypt\n\ndef store(password):\n    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()\n",
        ),
        Example(
            "from hashlib import sha256 as h\n\ndef register(user, pw):\n    user.pw_hash = h(pw.encode('utf-8')).digest()\n",
            fixed="from hashlib import sha256 as h\nimport bcrypt\n\ndef register(user, pw):\n    user.pw_hash = bcrypt.hashpw(pw.encode('utf-8'), bcrypt.gensalt())\n",
        ),
        Example(
            "import hashlib\n\ndef login(user, password):\n    if hashlib.sha1(password.encode()).hexdigest() == user.password_hash:\n        return True\n    return False\n",
            fixed="import hashlib\nimport bcrypt\n\ndef login(user, password):\n    if bcrypt.checkpw(password.encode(), user.password_hash.encode()):\n        return True\n    return False\n",
        ),
        Example(
            "import hashlib\n\ndef store(form):\n    secret = form['password']\n    digest = hashlib.new('sha512')\n    digest.update(secret.encode())\n    return digest.hexdigest()\n",
            fixed=None,
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        algo = hashing.hash_algorithm(node, ctx)
        if algo is not None and (_declared_not_for_security(node) or _inside_slow_hasher(node, ctx)):
            return
        if algo is not None:
            data = hashing.data_argument(node, ctx)
            if data is not None and self._is_password(data, ctx):
                self._report(node, data, algo, ctx)
            return
        # h = hashlib.sha256(); h.update(password)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "update" and node.args and isinstance(func.value, ast.Name):
            for value in ctx.assigned_values(func.value):
                if isinstance(value, ast.Call) and hashing.hash_algorithm(value, ctx) and self._is_password(node.args[0], ctx):
                    ctx.report(self, node, self._message(hashing.hash_algorithm(value, ctx)))
                    return

    def _is_password(self, data: ast.expr, ctx) -> bool:
        if naming.mentions(data, naming.PASSWORD_WORDS):
            return True
        # a variable holding a password under another name: secret = form["password"]
        for sub in astutil.walk(data):
            if isinstance(sub, ast.Name):
                for value in ctx.assigned_values(sub):
                    if naming.mentions(value, naming.PASSWORD_WORDS):
                        return True
        return False

    def _message(self, algo: str) -> str:
        return (
            f"Password hashed with {algo}, a fast hash that GPUs brute-force at billions of guesses a second: "
            "use a slow salted password hash (bcrypt, scrypt or Argon2)."
        )

    def _report(self, call: ast.Call, data: ast.expr, algo: str, ctx) -> None:
        fix = None
        parent = ctx.parent(call)
        if (
            isinstance(parent, ast.Attribute)
            and parent.attr in ("hexdigest", "digest")
            and isinstance(ctx.parent(parent), ast.Call)
            and not ctx.parent(parent).args
        ):
            digest_call = ctx.parent(parent)
            password = ctx.text(data)
            if not _looks_bytes(data):
                password = f"{password}.encode()" if isinstance(data, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)) else f"({password}).encode()"
            compare = ctx.parent(digest_call)
            if isinstance(compare, ast.Compare) and len(compare.ops) == 1 and isinstance(compare.ops[0], (ast.Eq, ast.NotEq)):
                other = compare.comparators[0] if compare.left is digest_call else compare.left
                stored = ctx.text(other)
                if parent.attr == "hexdigest":
                    stored = f"{stored}.encode()" if isinstance(other, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)) else f"({stored}).encode()"
                check = f"bcrypt.checkpw({password}, {stored})"
                if isinstance(compare.ops[0], ast.NotEq):
                    check = f"not {check}"
                fix = Fix("Verify the password with bcrypt.checkpw", (ctx.replace(compare, check),), safe=False, imports=("import bcrypt",))
            else:
                hashed = f"bcrypt.hashpw({password}, bcrypt.gensalt())"
                if parent.attr == "hexdigest":
                    hashed += ".decode()"
                fix = Fix("Hash the password with bcrypt", (ctx.replace(digest_call, hashed),), safe=False, imports=("import bcrypt",))
        ctx.report(self, call, self._message(algo), fix=fix)


def _looks_bytes(node: ast.expr) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "encode":
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, bytes)


def _declared_not_for_security(call: ast.Call) -> bool:
    return any(
        k.arg == "usedforsecurity" and isinstance(k.value, ast.Constant) and k.value.value is False for k in call.keywords
    )


# Django's slow password hashers. A subclass that pre-hashes and hands the result on to its
# base (Django's documented way to wrap legacy hashes) is as slow as the base.
_SLOW_DJANGO_HASHERS = frozenset(
    {
        "PBKDF2PasswordHasher", "PBKDF2SHA1PasswordHasher", "Argon2PasswordHasher",
        "BCryptSHA256PasswordHasher", "BCryptPasswordHasher", "ScryptPasswordHasher",
    }
)


def _inside_slow_hasher(node: ast.AST, ctx) -> bool:
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, ast.ClassDef):
            return any(astutil.last_name(base) in _SLOW_DJANGO_HASHERS for base in ancestor.bases)
    return False
