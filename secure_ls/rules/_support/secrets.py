"""Telling secrets from look-alikes, for the hard-coded secret rules.

`secret_name(name)`: does a variable/keyword/dict key name hold a secret
(`db_password`, `apiKey`, `GITHUB_TOKEN`), as opposed to naming one
(`password_field`, `token_url`, `TOKEN_TYPE`)? The secret word must be the
last word of the name.

`placeholder(value, name)`: is a literal clearly not a real secret (empty,
`changeme`, `<your-key>`, `${VAR}`, `*****`, a prompt with spaces, a format
string, a value that is itself a field name like `"user_password"`)?

`known_token(value)`: which provider's credential format the text contains
(AWS, GitHub, GitLab, Slack, Stripe, Google, JWT, PEM private key).
`jwt_expired(token)`: a JSON Web Token whose `exp` claim has passed.
"""

from __future__ import annotations

import ast
import base64
import binascii
import json
import math
import re
import time

from secure_ls.engine import astutil
from secure_ls.rules._support.config import upper_snake

# Words that, as the last word of a name, make it hold a secret.
_SECRET_LAST = frozenset({"password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "secretkey", "privatekey", "accesskey", "authkey", "credential", "credentials"})
# `<word>_key` names that hold a key (not `cache_key`, `sort_key`, `primary_key`).
_KEY_QUALIFIERS = frozenset({"api", "access", "secret", "private", "signing", "encryption", "master", "auth", "client", "app", "license", "subscription", "consumer", "account", "service"})
# Words whose presence anywhere makes the name a label, setting or count, not a secret.
_NOT_SECRET_WORDS = frozenset(
    {
        "name", "field", "label", "prompt", "url", "uri", "endpoint", "path", "file", "filename", "dir", "type",
        "length", "len", "count", "max", "min", "header", "param", "env", "var", "policy", "pattern", "regex",
        "format", "fmt", "template", "prefix", "suffix", "attr", "attribute", "column", "col", "hash", "hashed",
        "validator", "reset", "change", "forgot", "update", "expiry", "expires", "expiration", "timeout", "ttl", "mode", "style", "chars",
        "error", "message", "msg", "text", "help", "placeholder", "kind", "class", "method", "option", "flag",
        "enabled", "required", "input", "widget", "form", "index", "idx", "size", "scope", "source", "backend",
        "provider", "store", "manager", "handler", "storage", "generator", "id", "key_id", "lifetime", "age",
        "validation", "strength", "rule", "rules", "hint", "question", "regexp", "xpath", "selector",
        "locator", "display", "title", "description", "example", "sample", "test", "fake", "dummy",
        "mock", "keyword", "kwarg", "arg", "parameter", "property", "setting", "settings",
        "config", "cfg", "sha", "md5", "salt", "encoder", "hasher", "algorithm", "algo", "usage", "limit", "bytes", "bits", "position", "pos", "start", "end", "location", "loc", "key_name", "elem",
        "element", "tag", "node", "char", "delimiter", "separator", "sep", "pipe", "mask", "masked", "request",
        "response", "cache", "api_version", "version", "callback", "func", "function", "fn", "cls", "factory",
    }
)
_PLACEHOLDER_VALUES = frozenset(
    {
        "changeme", "change_me", "change-me", "changeit", "password", "passwd", "secret", "token", "apikey", "api_key",
        "xxx", "none", "null", "nil", "todo", "tbd", "fixme", "example", "sample", "dummy", "fake", "test", "testing",
        "placeholder", "default", "your_password", "yourpassword", "mypassword", "my_password", "your_secret",
        "your_token", "your_api_key", "secret_key", "private_key", "pass", "pwd", "user", "username", "admin",
        "root", "guest", "foo", "bar", "baz", "foobar", "redacted", "hidden", "masked", "notasecret", "not-a-secret",
        "insecure", "bearer", "basic", "token_type", "undefined", "empty", "required", "optional", "str", "string",
        "text", "env", "unset", "missing", "n/a", "na", "off", "on", "true", "false", "yes", "no",
    }
)
# Placeholders that are also real default credentials: a check that accepts one is a backdoor.
DEFAULT_CREDENTIALS = frozenset({"admin", "root", "guest", "password", "passwd", "pass", "secret", "changeme", "change_me", "changeit", "letmein", "default", "test", "toor"})
_PLACEHOLDER_SHAPES = re.compile(
    r"^(?:"
    r"[x*#.\-_•?]+"  # xxxx, ****, ...., ----
    r"|(?:<[^<>]*>)+"  # <your-key>; "<s0><s1>", "<|endoftext|>": a language model's special tokens
    r"|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Z_][A-Z0-9_]*"  # ${VAR}, $(cmd), $VAR
    r"|\{\{[^}]*\}\}|\{[A-Za-z_][\w.]*\}|\[[^\]]*\]|\([a-z ]*\)"  # {{ var }}, {name}, [redacted], (snip)
    r"|%\(?[\w]*\)?s?%?"  # %s, %(name)s, %VAR%
    r"|(?:your|my|some|enter|insert|put|replace|fake|dummy|test|sample|example|default|demo)[\W_].*"
    r"|.*[\W_](?:here|goes[\W_]here|placeholder)"
    r")$",
    re.IGNORECASE,
)
# A word between two copies of the same punctuation (upper case), or a dunder name: a marker
# put into text and replaced later, or a fixed user name (`__token__`).
_MARKER = re.compile(r"([^\w\s]+)[A-Z]+(?:[_\-][A-Z]+)*\1|__[A-Za-z]+(?:_[A-Za-z]+)*__")
# A word saying the value is hidden, between punctuation (`"$encrypted$"`, `"**redacted**"`,
# `"<hidden>"`): the mask an API returns in place of a secret, and the value clients send back.
_MASK = re.compile(r"[^\w\s]+(?:encrypted|redacted|hidden|masked|removed|filtered|censored|obfuscated)[^\w\s]+", re.IGNORECASE)
_FORMAT_MARKERS = re.compile(r"%[sd(]|\{\d*\}|\{[A-Za-z_]\w*\}")
# Words joined by punctuation, also as a condition or query (`provider=ovh&mode=sms`): no secret.
_WORDY = re.compile(r"[A-Za-z]+(?:[_.:\-/ =&|][A-Za-z]+)*")
_REGEX_MARKERS = re.compile(r"\\[wdsWDSbB]|\[\^|\(\?[:=!P<]|\.\*|\.\+|\]\*|\]\+|\]\{")
_LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[_.\-: ][A-Za-z0-9]+)*[:]?$")
_SECRET_WORDS_IN_VALUE = re.compile(r"pass|secret|token|key|auth|pwd|credential|bearer", re.IGNORECASE)


def words(name: str) -> list[str]:
    """`dbPassword` -> ["db", "password"]; `API_KEY2` -> ["api", "key"]."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name.lower()) if p]
    return [p.rstrip("0123456789") or p for p in parts]


def secret_name(name: str | None) -> bool:
    """Whether a name (variable, attribute, keyword, dict key) holds a secret value."""
    if not name or len(name) > 60:
        return False
    parts = words(name)
    if not parts:
        return False
    if any(p in _NOT_SECRET_WORDS for p in parts):
        return False
    last = parts[-1]
    if last in _SECRET_LAST:
        # `token` alone is as often a parser token as a credential: ask for a qualifier
        if last == "token" and (len(parts) == 1 or parts[-2] in ("csrf", "xsrf", "next", "page", "continuation", "sync", "cancel", "cancellation", "start", "end", "last", "first", "eof", "lexer", "parse", "parser", "sentence", "bos", "eos", "pad", "unk", "mask", "sep", "special")):
            return False
        if last == "secret" and len(parts) > 1 and parts[-2] in ("is", "has", "use", "show", "shared_secret_is"):
            return False
        return True
    if last == "key" and len(parts) > 1 and parts[-2] in _KEY_QUALIFIERS:
        return True
    if last == "pass" and len(parts) > 1 and parts[-2] in ("db", "database", "user", "admin", "root", "mysql", "postgres", "smtp", "mail", "email", "ftp", "ldap", "redis", "login"):
        return True
    return False


def bare_secret_word(name: str | None) -> bool:
    """`key`, `token`, `self._key`: a secret word alone, without the qualifier `secret_name`
    asks for (`public_key`, `cache_key` say what they are). Such a name holds a secret only
    when its value is shaped like one (`credential_shaped`)."""
    return words(name) in (["key"], ["token"]) if name else False


_CREDENTIAL_ALPHABET = re.compile(r"[A-Za-z0-9_\-]{32,}={0,2}")


def credential_shaped(value: str) -> bool:
    """A generated API key or encryption key: 32+ characters of a base64/base62 alphabet mixing
    upper case, lower case and digits, as random as such keys are. Hex digests, UUIDs, words
    and paths are not."""
    return (
        _CREDENTIAL_ALPHABET.fullmatch(value) is not None
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
        and entropy(value) >= 4.0
    )


def compared_owner(node: ast.Constant, ctx) -> str | None:
    """The secret-like name a literal is compared with for equality: `password == "..."`,
    `request.form["password"] != "..."`, `data.get("api_key") == "..."`."""
    compare = ctx.parent(node)
    if not (isinstance(compare, ast.Compare) and len(compare.ops) == 1 and isinstance(compare.ops[0], (ast.Eq, ast.NotEq))):
        return None
    other = compare.left if compare.comparators[0] is node else compare.comparators[0] if compare.left is node else None
    if (
        isinstance(other, ast.Call)
        and isinstance(other.func, ast.Attribute)
        and other.func.attr == "get"
        and other.args
        and isinstance(other.args[0], ast.Constant)
        and isinstance(other.args[0].value, str)
    ):
        name = other.args[0].value
    else:
        name = target_name(other) if other is not None else None
    return name if secret_name(name) else None


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def high_entropy(text: str) -> bool:
    return len(text) >= 16 and " " not in text and entropy(text) >= 3.5


# Words that make a run of words a sentence rather than a passphrase.
_FUNCTION_WORDS = frozenset({"a", "an", "the", "or", "and", "is", "are", "was", "not", "no", "your", "you", "to", "of", "for", "in", "has", "have", "been", "be", "please", "cannot", "could", "must", "with"})


def _is_sentence(text: str) -> bool:
    """Three or more words, nearly all of letters, that end like a sentence or use function words
    ("Access denied, check ...", "API public key. You can get it in Profile->Settings section."),
    also with markup in it ('Please <a href="/login/">log in</a> to continue.')."""
    words = [w.strip(",;.!?:()'\"") for w in re.sub(r"<[^<>]*>", " ", text).split()]
    # a site's name or a field's counts as a word ("Hunter.io API key.", "include 'api_token'")
    if len(words) < 3 or sum(w.replace(".", "").replace("-", "").replace("_", "").isalpha() for w in words) < 0.75 * len(words):
        return False
    return text[-1] in ".!?:" or any(w.lower() in _FUNCTION_WORDS for w in words)


_FRAMES = "-_*#=~. "


# `package.module:attribute` (an entry point, a lazy import's target), also relative (`._internal.x:Name`)
_IMPORT_PATH = re.compile(r"(?:\.+[A-Za-z_]\w*|[A-Za-z_]\w*\.[A-Za-z_]\w*)(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def placeholder(value: str, name: str | None = None) -> bool:
    """Whether a literal assigned to a secret-like name is clearly not a real secret."""
    stripped = value.strip()
    if len(stripped) < 3:
        return True
    low = stripped.lower()
    # framed by punctuation (`--enter-your-API-key-here--`, `**your token**`): the words inside count
    framed = stripped.strip(_FRAMES)
    if low in _PLACEHOLDER_VALUES or _PLACEHOLDER_SHAPES.match(stripped) or framed != stripped and len(framed) >= 3 and _PLACEHOLDER_SHAPES.match(framed):
        return True
    if len(set(low)) <= 2:
        return True  # "aaaa", "0000"
    if re.fullmatch(r"\d+(?:\.\d+){2,}", stripped):
        return True  # "1.2.840.113556.1.4.90": an object identifier (an LDAP attribute's), a version, an address
    if len(stripped) < 12 and _counting(re.split(r"[-_]", low)[-1]):
        return True  # "456", "xoxp-1234": a count, not a secret
    if name is not None and re.sub(r"[\W_]", "", low) == re.sub(r"[\W_]", "", name.lower()):
        return True  # PASSWORD = "password", API_KEY = "api-key"
    if re.fullmatch(r"[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}", stripped):
        return False  # a Google app password ("abcd efgh ijkl mnop")
    if _RATE.fullmatch(low):
        return True  # "100000/day": a throttle rate (Django REST framework, Flask-Limiter) kept under a key's name
    if " " in stripped and not high_entropy(stripped.replace(" ", "")):
        return True  # "Enter your password:", "Bearer", "Token expired"
    if _is_sentence(stripped):
        return True  # "Invalid or expired token.": a message about the secret
    if _FORMAT_MARKERS.search(stripped) or _MARKER.fullmatch(stripped) or _MASK.fullmatch(stripped):
        return True  # "%s", "{name}"; "!UNDERSCORE!", "__TOKEN__": markers replaced in text; "$encrypted$": a mask
    if "://" in stripped or stripped.startswith(("/", "./", "~/")) or re.match(r"[A-Za-z]:[\\/]", stripped):
        return True  # a URL or path, `C:\\` a Windows one (URLs with credentials are SLS203's)
    if re.fullmatch(r"[A-Za-z][A-Za-z _-]*:", stripped):
        return True  # "Password:", "string:": a prompt's label, a typed value's prefix
    if _LABEL.match(stripped) and _SECRET_WORDS_IN_VALUE.search(stripped) and not high_entropy(stripped):
        return True  # "user_password", "X-Auth-Token", "apiKey": names of fields
    if re.search(r"example|placeholder|changeme|dummy|fake|xxxx|\*\*\*|123456|abcdef|1a2b3c|a1b2c3|qwerty", low):
        return True
    if _WORDY.fullmatch(stripped.lstrip("_")) and not (len(stripped) >= 24 and stripped.isalpha()):
        return True  # "Access-Control-Allow-Credentials", "__app_fetch_token", "sms_provider=ovh", "required|strong": words, not a secret
    if _REGEX_MARKERS.search(stripped):
        return True  # r"[^\W\d]\w*": a pattern
    if stripped.endswith(("...", "\u2026")) or re.fullmatch(r"--[a-z][a-z-]*", low):
        return True  # "sk-lf-...": a key's prefix with the rest elided; "--password": a command-line option's name
    if "$(" in stripped:
        return True  # "sk-$(openssl rand -hex 32)": a shell command that makes a key when it runs
    if _IMPORT_PATH.fullmatch(stripped):
        return True  # "._internal.cloud.api_token:ApiToken": where a lazy import finds the name, not a secret
    return False


def accepted_word(value: str, name: str) -> bool:
    """A single lower-case word (`"dsvpwa"`, `"hunter"`) that a check compares a password with:
    words are placeholders elsewhere, but a check that accepts one has a backdoor (an upper-case
    sentinel such as `"ASK"` stays a marker, and placeholder words stay placeholders)."""
    word = value.strip()
    return (
        bool(re.fullmatch(r"[a-z]{4,}", word)) and len(set(word)) > 2 and word not in _PLACEHOLDER_VALUES
        and not re.search(r"example|placeholder|changeme|dummy|fake|xxxx|qwerty|abcdef|none|null|empty|unset|ask", word)
        and word != re.sub(r"[\W_]", "", name.lower())
    )


# A rate limit: a count per unit of time ("5/min", "100000/day", "10 per second", "1000/10minutes").
_RATE = re.compile(r"\d+ ?(?:/|per) ?\d*(?:s|sec|second|m|min|minute|h|hr|hour|d|day)s?")


def _counting(text: str) -> bool:
    """`123`, `4567`, `abcd`: characters that each follow the one before."""
    return len(text) >= 3 and all(ord(b) - ord(a) == 1 for a, b in zip(text, text[1:]))


def label_value(value: str) -> bool:
    """A field or setting name used as a value: "aws_secret_access_key", "X-Auth-Token"."""
    stripped = value.strip()
    return bool(_LABEL.match(stripped) and _SECRET_WORDS_IN_VALUE.search(stripped)) and not high_entropy(stripped)


MASK_SHOWN = 4  # the most characters of a secret any output may show
MASK_MIN_LENGTH = 16  # shorter secrets show none: 4 characters would be a quarter of one


def mask(value: str) -> str:
    """`AKIA****` style: the first 4 characters of long values (enough to tell which key
    it is, often a provider prefix), nothing of shorter ones, whatever the length."""
    value = value.strip()
    if len(value) >= MASK_MIN_LENGTH:
        return f"{value[:MASK_SHOWN]}****"
    return "****"


# (label, pattern, confidence-worthy) for credentials recognisable by their format.
TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AWS access key ID", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Z0-9])")),
    ("GitHub token", re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{70,90})(?![A-Za-z0-9_])")),
    ("GitLab token", re.compile(r"(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_\-]{20}(?![A-Za-z0-9_\-])")),
    ("Slack token", re.compile(r"(?<![A-Za-z0-9])xox[abpr]-[0-9]{6,}-[0-9A-Za-z\-]{8,}")),
    ("Stripe secret key", re.compile(r"(?<![A-Za-z0-9_])(?:sk|rk)_live_[0-9A-Za-z]{20,}")),
    ("Google API key", re.compile(r"(?<![A-Za-z0-9_\-])AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_\-])")),
    ("OpenAI API key", re.compile(r"(?<![A-Za-z0-9_\-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}T3BlbkFJ[A-Za-z0-9_\-]{16,}")),
    ("Anthropic API key", re.compile(r"(?<![A-Za-z0-9_\-])sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{80,}")),
    ("SendGrid API key", re.compile(r"(?<![A-Za-z0-9_\-])SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}(?![A-Za-z0-9_\-])")),
    ("npm token", re.compile(r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])")),
    ("PyPI token", re.compile(r"(?<![A-Za-z0-9_])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}")),
    ("Hugging Face token", re.compile(r"(?<![A-Za-z0-9_])hf_[A-Za-z]{34}(?![A-Za-z0-9_])")),
    ("JSON Web Token", re.compile(r"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,}")),
    ("private key", re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |)PRIVATE KEY(?: BLOCK)?-----\s*(?:[A-Za-z\-]+: [^\n]*\n\s*)*[A-Za-z0-9+/=\s]{64,}")),
)
_FAKE_TOKEN = re.compile(r"EXAMPLE|example|XXXX|xxxx|0{8}|1234567890|abcdef(?:ghij)?(?:0123|1234)|FAKE|fake|DUMMY|dummy|TEST|test")


# Keys their service publishes by design, to be embedded in browsers and apps: they can only
# send events or start a payment, never read an account's data (PostHog's project API key,
# Stripe's publishable key).
_PUBLIC_BY_DESIGN = re.compile(r"^(?:phc_[A-Za-z0-9]{20,}|pk_(?:live|test)_[A-Za-z0-9]{20,})$")


def public_by_design(value: str) -> bool:
    return bool(_PUBLIC_BY_DESIGN.match(value.strip()))


def jwt_expired(token: str, now: float | None = None) -> bool:
    """A JSON Web Token whose payload's `exp` claim (seconds since the epoch) has passed: every
    verifier refuses it, so it authenticates no one any more. False when the payload cannot be
    read or has no numeric `exp`."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError):
        return False
    expiry = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(expiry, bool) or not isinstance(expiry, (int, float)):
        return False
    return expiry < (time.time() if now is None else now)


def known_token(value: str) -> tuple[str, str] | None:
    """(provider label, matched text) for a credential of a recognisable format."""
    if len(value) < 20:
        return None
    for label, pattern in TOKEN_PATTERNS:
        match = pattern.search(value)
        if match is None:
            continue
        text = match.group(0)
        if _FAKE_TOKEN.search(text) or len(set(text[6:])) <= 4:
            continue
        if label == "private key":
            body = re.sub(r"-----BEGIN[^-]*-----|[A-Za-z\-]+: [^\n]*|\s", "", text)
            if len(set(body)) < 20:
                continue  # "AAAA..." filler or "..." ellipsis
        return label, text
    return None


# ---- where a literal sits, and the fix -------------------------------------

_EXAMPLE_KEYS = frozenset({"example", "examples", "x-example"})


def in_documentation_example(node: ast.AST, ctx) -> bool:
    """The literal sits in an API document's sample: under an `"example"` key of an OpenAPI
    response or schema (`{"application/json": {"example": {...}}}`) or an `example=`/`examples=`
    argument (`Field(example=...)`, `Body(examples=...)`)."""
    child = node
    for parent in ctx.ancestors(node):
        if isinstance(parent, ast.Dict):
            key = ctx.once(_keys_by_value, parent).get(id(child))
            if isinstance(key, ast.Constant) and key.value in _EXAMPLE_KEYS:
                return True
        elif isinstance(parent, ast.keyword):
            if parent.arg in _EXAMPLE_KEYS:
                return True
        elif not isinstance(parent, (ast.List, ast.Tuple, ast.Call)):
            return False
        child = parent
    return False


def _describes_names(table: ast.Dict) -> bool:
    """A dict whose string values are mostly phrases of three or more words: help text for the
    names it maps (a settings description table), not the values of those settings."""
    texts = [v.value for v in table.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    return len(texts) >= 3 and sum(len(t.split()) >= 3 for t in texts) >= 2 * len(texts) / 3


def _keys_by_value(table: ast.Dict) -> dict[int, ast.expr | None]:
    """The key each value of `table` is stored under, by the value's id (None for `**other`)."""
    return {id(value): key for key, value in zip(table.keys, table.values)}


def literal_owner(node: ast.Constant, ctx) -> tuple[str, str, ast.AST] | None:
    """What the string literal `node` is the whole value of: (kind, name, anchor).

    kind is "assign" (`name = "..."`, `self.name = "..."`, `x["name"] = "..."`),
    "default" (`def f(name="...")`), "keyword" (`f(name="...")`) or "dict"
    (`{"name": "..."}`); name is the name the value is given to.
    """
    parent = ctx.parent(node)
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if len(targets) != 1:
            return None
        name = target_name(targets[0])
        return ("assign", name, targets[0]) if name else None
    if isinstance(parent, (ast.keyword, ast.Dict)) and (declared := _declared_field(node, ctx)):
        return ("default", declared, parent)  # `client_secret = forms.CharField(initial="...")`: the field's value
    if isinstance(parent, ast.keyword) and parent.arg:
        return ("keyword", parent.arg, parent)
    if isinstance(parent, ast.Dict):
        # once per dict, not once per value: both were quadratic in a big table's size
        if ctx.once(_describes_names, parent):
            return None  # {"EXOTEL_API_KEY": "API Key (username)", ...}: help text for each setting
        key = ctx.once(_keys_by_value, parent).get(id(node))
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and _IDENTIFIER_KEY.match(key.value):
            return ("dict", key.value, key)
        return None
    if isinstance(parent, ast.arguments):
        positional = list(getattr(parent, "posonlyargs", [])) + list(parent.args)
        defaults = parent.defaults
        offset = len(positional) - len(defaults)
        for i, default in enumerate(defaults):
            if default is node:
                return ("default", positional[offset + i].arg, positional[offset + i])
        for arg, default in zip(parent.kwonlyargs, parent.kw_defaults):
            if default is node:
                return ("default", arg.arg, arg)
    return None


_IDENTIFIER_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
# the keywords a form, model or settings field declaration takes its value from
_FIELD_DEFAULTS = frozenset({"default", "initial"})


def _declared_field(literal: ast.expr, ctx) -> str | None:
    """`client_secret` when `literal` is the value a field declaration in a class body gives its
    field: `client_secret = forms.CharField(initial="...")`, `api_key: str = Field(default="...")`,
    or the value its widget shows, `forms.CharField(widget=forms.HiddenInput(attrs={"value": "..."}))`."""
    child, parent, valued = literal, ctx.parent(literal), False
    while isinstance(parent, (ast.keyword, ast.Dict, ast.Call)):
        if isinstance(parent, ast.keyword):
            if parent.arg not in (*_FIELD_DEFAULTS, "widget", "attrs"):
                return None
            valued = valued or parent.arg in _FIELD_DEFAULTS
        elif isinstance(parent, ast.Dict):
            key = next((k for k, v in zip(parent.keys, parent.values) if v is child), None)
            if not (isinstance(key, ast.Constant) and key.value == "value"):
                return None
            valued = True
        elif child is parent.func:
            return None
        child, parent = parent, ctx.parent(parent)
    if not (valued and isinstance(child, ast.Call) and isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is child and isinstance(ctx.parent(parent), ast.ClassDef)):
        return None
    targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
    return targets[0].id if len(targets) == 1 and isinstance(targets[0], ast.Name) else None


def target_name(target: ast.AST) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
        return target.slice.value
    return None


def env_fix_text(kind: str, name: str) -> str:
    """`os.environ["DB_PASSWORD"]`; a function default reads with `.get` so that
    importing the module does not fail when the variable is unset."""
    env = upper_snake(name)
    if kind == "default":
        return f'os.environ.get("{env}")'
    return f'os.environ["{env}"]'


def string_constant(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        return node.value.decode("latin-1")
    return None


# Names whose literal value SLS204 (framework-secret-key) reports instead.
FRAMEWORK_KEY_NAMES = frozenset({"secret_key", "jwt_secret_key"})


def is_docstring(node: ast.AST, ctx) -> bool:
    parent = ctx.parent(node)
    if not isinstance(parent, ast.Expr):
        return False
    holder = ctx.parent(parent)
    body = getattr(holder, "body", None)
    return isinstance(body, list) and bool(body) and body[0] is parent


def framework_key_literal(node: ast.Constant, kind: str, name: str, ctx) -> bool:
    """Whether SLS204 reports this literal (so SLS201 leaves it alone): a
    `SECRET_KEY`/`JWT_SECRET_KEY` assigned, passed to `config.update(...)` or
    as an upper-case keyword, or stored in a dict that has such a key."""
    if name.lower() not in FRAMEWORK_KEY_NAMES:
        return False
    if kind == "assign":
        return True
    if kind == "keyword":
        call = ctx.parent(ctx.parent(node))
        from secure_ls.rules._support.config import config_update_call

        return isinstance(call, ast.Call) and (config_update_call(call) or name.isupper())
    if kind == "dict":
        return name.isupper()
    return False


def environ_assignment(node: ast.Constant, ctx) -> ast.Assign | None:
    """`os.environ["NAME"] = "literal"`: the statement, when it is alone on its lines."""
    stmt = ctx.parent(node)
    if not (isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    if not (isinstance(target, ast.Subscript) and ctx.qualified_name(target.value) in ("os.environ", "os.environb")):
        return None
    span = ctx.span(stmt)
    if ctx.lines[span.start.line][: span.start.column].strip() or ctx.lines[span.end.line][span.end.column :].strip():
        return None
    return stmt


def delete_statement(stmt: ast.stmt, ctx):
    """An edit removing the whole lines of `stmt` (None when that would leave an empty block)."""
    from secure_ls.engine.model import Edit, Position, Span

    holder = ctx.parent(stmt)
    for field_name in ("body", "orelse", "finalbody"):
        block = getattr(holder, field_name, None)
        if isinstance(block, list) and len(block) == 1 and block[0] is stmt and not isinstance(holder, ast.Module):
            return None
    span = ctx.span(stmt)
    if span.end.line + 1 < len(ctx.lines):
        return Edit(Span(Position(span.start.line, 0), Position(span.end.line + 1, 0)), "")
    if span.start.line == 0:
        return Edit(Span(Position(0, 0), Position(span.end.line, len(ctx.lines[span.end.line]))), "")
    previous = span.start.line - 1
    return Edit(Span(Position(previous, len(ctx.lines[previous])), Position(span.end.line, len(ctx.lines[span.end.line]))), "")


_WARNINGS = frozenset({"warn", "warning", "error", "critical", "exit", "fail"})


def refused_when_equal(compare: ast.Compare, value: ast.expr, ctx) -> bool:
    """`if settings.SECRET_KEY == "change-me": raise ImproperlyConfigured(...)`: `value`, one side of
    `compare`, is a known default the program refuses where the two are equal (raises, warns about,
    or replaces: `password = new_token()`), not the value it accepts. Also written the other way
    round: `if password != LEGACY_DEFAULT: return False`, then a warning or a raise for the default."""
    if not isinstance(compare.ops[0], (ast.Eq, ast.NotEq)):
        return False
    test, branch = compare, ctx.parent(compare)
    while isinstance(branch, (ast.BoolOp, ast.UnaryOp)):  # `if not password or password == "changeme":`
        test, branch = branch, ctx.parent(branch)
    if not (isinstance(branch, ast.If) and branch.test is test):
        return False
    if isinstance(compare.ops[0], ast.NotEq):
        # the equal case runs after the `if`, when the `if` leaves for every other value
        if test is not compare or not ctx.always_leaves(branch.body):
            return False
        block = next((b for b in _blocks(ctx.parent(branch)) if any(stmt is branch for stmt in b)), [])
        after = block[next(i for i, stmt in enumerate(block) if stmt is branch) + 1 :] if block else []
        return any(isinstance(stmt, ast.Raise) or isinstance(stmt, ast.Expr) and _warns(stmt.value) for stmt in after)
    first = branch.body[0]
    if isinstance(first, ast.Raise):
        return True
    other = compare.comparators[0] if compare.left is value else compare.left
    if any(isinstance(stmt, ast.Assign) and any(ctx.text(t) == ctx.text(other) for t in stmt.targets) for stmt in branch.body):
        return True  # `if password == "password": password = new_token()`
    return isinstance(first, ast.Expr) and _warns(first.value)


def _blocks(owner: ast.AST) -> list[list[ast.stmt]]:
    """The statement lists of a node (a body, an `else`, a `finally`)."""
    return [value for _, value in ast.iter_fields(owner) if isinstance(value, list) and value and isinstance(value[0], ast.stmt)]


def _warns(call: ast.expr) -> bool:
    """A call naming a warning, or given one: `logger.warning(...)`, `self.stdout.write(self.style.WARNING(...))`."""
    return isinstance(call, ast.Call) and (_names_a_warning(call) or any(isinstance(a, ast.Call) and _names_a_warning(a) for a in call.args))


def _names_a_warning(call: ast.Call) -> bool:
    """`logging.warning(...)`, `sys.exit(...)`; also styled for the terminal, as a Django command
    writes one: `self.stdout.write(self.style.WARNING(...))` (the style's name, in any case)."""
    return (astutil.last_name(call.func) or "").lower() in _WARNINGS
