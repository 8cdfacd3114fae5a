"""SLS303 timing-unsafe-comparison."""

from __future__ import annotations

import ast

from secure_ls.engine import flow
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import naming
from secure_ls.rules.base import Example, Rule

_SECRET_WORDS = frozenset({"signature", "sig", "digest", "mac", "hmac", "token", "secret", "otp", "totp", "hotp", "nonce", "csrf", "apikey"})
# Words that make a secret-sounding name something an attacker gains nothing by guessing:
# pagination and sync cursors (`next_token`, `page_token`), MAC *addresses*.
_NOT_SECRET_WORDS = frozenset({"next", "page", "pagination", "continuation", "cursor", "sync", "address", "addr"})
_DIGEST_METHODS = frozenset({"hexdigest", "digest"})
# Where a digest is keyed (an HMAC) or signs something, it is a secret; a plain content hash is not.
_KEYED_DIGESTS = ("hmac.", "hashlib.pbkdf2_hmac", "hashlib.scrypt")
# A comparison passed to one of these builds a query, it does not compare anything now:
# `Model.query.filter(Model.api_key == key)` (SQLAlchemy), `and_(...)`, `where(...)`.
_CLIENT_KINDS = (flow.UNTRUSTED, flow.PARAM)


class TimingUnsafeComparison(Rule):
    """
    ## What it does
    Finds `==` and `!=` comparisons of secrets that an attacker tries to
    guess: HMAC digests, signatures, tokens, API keys, one-time codes.

    ## Why is this bad?
    `==` on strings and bytes stops at the first differing byte, so the time
    it takes reveals how much of a guess was right. Measured over many
    requests, that lets an attacker recover a valid signature or token one
    byte at a time (CWE-208).

    ## How to fix it
    Compare with `hmac.compare_digest(a, b)`, whose running time does not
    depend on where the inputs differ. The quick fix rewrites the comparison
    and adds `import hmac`. Both sides must be `str` (ASCII only) or both
    bytes-like; that is already the case for digests and tokens.
    """

    id = "SLS303"
    name = "timing-unsafe-comparison"
    title = "Secret compared with == (timing attack)"
    cwe = 208
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "hmac"
    fixable = True

    VALID = [
        "import hmac\ndef check(expected, signature):\n    return hmac.compare_digest(expected, signature)\n",
        "def check(token_type):\n    return token_type == 'bearer'\n",
        "def check(token):\n    return token == None\n",
        "def count(tokens, other_tokens):\n    return len(tokens) == len(other_tokens)\n",
        "def test_sign(signature, expected_signature):\n    assert signature == expected_signature\n",
        "START_ELEMENT = 'START'\ndef handle(token):\n    return token == START_ELEMENT\n",
        "import tokenize\ndef is_op(token):\n    return token == tokenize.OP\n",
        # a comparison handed to a query builder is SQL, not a comparison made here
        "def by_key(api_key):\n    return ApiKey.query.filter(ApiKey.api_key == api_key).one()\n",
        # two objects compared field by field
        "class Client:\n    def __eq__(self, other):\n        return self.token == other.token\n",
        # both sides are the server's own values
        "class Cache:\n    def stale(self, entry):\n        return self.signature != self.store.signature\n",
        # a content checksum, not a secret
        "import hashlib\ndef unchanged(path, recorded):\n    return hashlib.sha256(path.read_bytes()).hexdigest() == recorded\n",
        # a pagination cursor is not worth guessing
        "def more(next_token, params):\n    return next_token == params.get('next')\n",
    ]
    INVALID = [
        Example(
            "import hmac, hashlib\n\ndef verify(key, body, signature):\n    expected = hmac.new(key, body, hashlib.sha256).hexdigest()\n    return expected == signature\n",
            fixed="import hmac, hashlib\n\ndef verify(key, body, signature):\n    expected = hmac.new(key, body, hashlib.sha256).hexdigest()\n    return hmac.compare_digest(expected, signature)\n",
        ),
        Example(
            "def authorize(request, api_token):\n    if request.headers['X-Token'] != api_token:\n        raise PermissionError()\n",
            fixed="import hmac\ndef authorize(request, api_token):\n    if not hmac.compare_digest(request.headers['X-Token'], api_token):\n        raise PermissionError()\n",
        ),
    ]

    def visit_Compare(self, node: ast.Compare, ctx) -> None:
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        if any(isinstance(side, (ast.Constant, ast.JoinedStr)) for side in (left, right)):
            return
        if any(isinstance(side, ast.Call) and isinstance(side.func, ast.Name) and side.func.id in ("len", "type", "id", "bool", "int") for side in (left, right)):
            return
        if isinstance(ctx.statement(node), ast.Assert):
            return
        if any(_is_constant_name(side) for side in (left, right)):
            return  # `token == END_ELEMENT`: an event type or enum, not a secret
        secret = self._secret_side(left, ctx) or self._secret_side(right, ctx)
        if secret is None or _builds_expression(node, ctx) or _in_equality_method(node, ctx):
            return
        if not any(_may_come_from_client(side, ctx) for side in (left, right)):
            return  # both sides are the server's own values: nobody can time a guess
        call = f"hmac.compare_digest({ctx.text(left)}, {ctx.text(right)})"
        if isinstance(node.ops[0], ast.NotEq):
            call = f"not {call}"
        fix = Fix("Compare in constant time with hmac.compare_digest", (ctx.replace(node, call),), safe=True, imports=("import hmac",))
        ctx.report(
            self,
            node,
            f"{secret} compared with `{'==' if isinstance(node.ops[0], ast.Eq) else '!='}`: the time taken leaks how many leading "
            "characters match, so it can be guessed byte by byte. Use hmac.compare_digest().",
            fix=fix,
        )

    def _secret_side(self, node: ast.expr, ctx) -> str | None:
        if _is_keyed_digest(node, ctx):
            return "A digest"
        name = naming.name_of(node)
        if (
            naming.is_named_like(name, _SECRET_WORDS)
            and not naming.is_named_like(name, naming.PASSWORD_WORDS)
            and not any(word in _NOT_SECRET_WORDS for word in naming.words(name))
        ):
            return f"The secret `{name}`"
        if isinstance(node, ast.Name):
            for value in ctx.assigned_values(node):
                if _is_keyed_digest(value, ctx):
                    return f"The digest `{node.id}`"
        return None


def _is_keyed_digest(node: ast.expr, ctx) -> bool:
    """`hmac.new(key, msg, sha256).hexdigest()`: a MAC. `hashlib.sha256(data).hexdigest()` is a
    content checksum (of a file, a query, a cache entry) unless what it hashes is secret."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _DIGEST_METHODS):
        return False
    made_by = node.func.value
    if isinstance(made_by, ast.Name):
        made_by = next((v for v in ctx.assigned_values(made_by) if isinstance(v, ast.Call)), made_by)
    if not isinstance(made_by, ast.Call):
        return naming.is_named_like(naming.name_of(made_by), _SECRET_WORDS)
    name = ctx.qualified_name(made_by.func) or ""
    if name.startswith(_KEYED_DIGESTS):
        return True
    return any(naming.mentions(arg, naming.SECRET_WORDS | naming.PASSWORD_WORDS) for arg in made_by.args)


def _may_come_from_client(node: ast.expr, ctx) -> bool:
    """Request data, or a parameter the caller may fill with it (not `self`)."""
    part = ctx.origin(node).risk()
    return part is not None and part.kind in _CLIENT_KINDS and part.label not in ("self", "cls")


def _builds_expression(node: ast.Compare, ctx) -> bool:
    """`query.filter(Model.api_key == key)`, `and_(a == b, ...)`: the comparison is an argument,
    an expression handed to a query builder, not a test the program branches on."""
    child = node
    for parent in ctx.ancestors(node):
        if isinstance(parent, ast.Call):
            return child is not parent.func
        if isinstance(parent, (ast.keyword, ast.BoolOp, ast.UnaryOp)):
            child = parent
            continue
        return False
    return False


def _in_equality_method(node: ast.Compare, ctx) -> bool:
    """`def __eq__(self, other): return self.token == other.token` compares two objects."""
    function = ctx.enclosing_function(node)
    return function is not None and function.name in ("__eq__", "__ne__")


def _is_constant_name(node: ast.expr) -> bool:
    """An ALL_CAPS name or attribute: a constant (an enum member, an event type)."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
    return bool(name) and name.isupper() and any(c.isalpha() for c in name)
