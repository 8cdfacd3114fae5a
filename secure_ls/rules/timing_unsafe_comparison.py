"""SLS303 timing-unsafe-comparison."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, taint
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import compare_digest_fix, compared_origins, compared_uses, compared_values, constants, naming, web
from secure_ls.rules.base import Example, Rule, code

_SECRET_WORDS = frozenset({"signature", "sig", "digest", "mac", "hmac", "token", "secret", "otp", "totp", "hotp", "nonce", "csrf", "apikey"})
# A name says "secret" by these words; "digest" alone names a content checksum (`dataset.digest`,
# `actual = compute_tree_digest(root)`): only a keyed digest (see _is_keyed_digest) is a MAC.
_SECRET_NAME_WORDS = _SECRET_WORDS - {"digest"}
# Words that make a secret-sounding name something an attacker gains nothing by guessing:
# pagination and sync cursors (`next_token`, `page_token`), a parser's brackets (`opening_token`), MAC *addresses*, and what describes
# a secret rather than holding it (`token_use`, `token_type`, `signature_method`, `token_id`).
_NOT_SECRET_WORDS = frozenset(
    {"next", "page", "pagination", "continuation", "cursor", "sync", "since", "upto", "stream", "offset", "position", "batch", "opening", "closing",
     "address", "addr", "use", "type", "kind", "name", "id",
     "version", "method", "algorithm", "alg", "scheme", "format", "length", "count", "expiry", "expires", "expiration", "scope", "status",
     "option", "checksum"}
)
_PUBLIC_WORDS = frozenset({"etag"})  # what the server sends every client: an `If-None-Match` check is a cache's
_DIGEST_METHODS = frozenset({"hexdigest", "digest"})
_SERVER_KEY_WORDS = frozenset({"secret", "salt", "pepper", "hmac", "mac"})
# Where a digest is keyed (an HMAC) or signs something, it is a secret; a plain content hash is not.
_KEYED_DIGESTS = ("hmac.", "hashlib.pbkdf2_hmac", "hashlib.scrypt")


class TimingUnsafeComparison(Rule):
    """
    ## What it does
    Finds `==` and `!=` comparisons of secrets that an attacker tries to
    guess: HMAC digests, signatures, tokens, API keys, one-time codes. A
    digest counts when it is keyed (an HMAC, or a hash of a secret): a name
    that says only "digest" (`dataset.digest`) is a content checksum, and a
    name that describes a secret (`token_use`, `token_type`, `token_id`,
    `signature_method`) or names what it is for (`po_token_client`, the
    client a token is meant for) does not hold one. A credential header (`Authorization`,
    `X-API-Key`: read from the request, or a FastAPI `Header()` parameter)
    compared with the text it must hold (`f"Bearer {key}"`) counts too.
    A comparison needs a side the client may choose (request data, or a
    parameter a caller fills; not the answer of a server the program
    called, such as a nonce it echoes; a comparison with such an answer,
    an HTTP response or the TXT records a name server returned, checks what
    that server said, and only that server, which does not time it, chose
    that side; the parameter of a lambda that `filter` or `map` calls
    holds the items of the collection it goes over, so it is such an
    answer when that collection is): two of the server's own values (what the
    session holds is one: the server stored or signed it), or two fields
    an object was configured with (`self.access_token != self.password`,
    unless one of them holds request data; a name holding a copy of one
    counts as that field: `token = self.access_token`, then after a wait
    `if token != self.access_token:`), give no one a guess to time; nor
    does a setting compared with the new value that then replaces it
    (`if token != self.token: self.token = token`, also a local copy replaced,
    or the new value saved in a field or item, in the branch where the two
    differ), nor a `!=` that only
    picks the entries to drop from a collection stored back in its place
    (`self.pending = [p for p in self.pending if p.token != token]`, or
    through `filter`): bookkeeping after whatever check granted something.
    Nor is an unkeyed hash of the client's value alone compared with a stored
    hash (`hash_token(given) == row.token_hash`, the usual way to keep API
    tokens): the time leaks leading bits of a hash, from which no matching
    guess can be made. Nor are two values the request carries compared with
    each other (a double-submit CSRF check of a cookie against a form field,
    or two fields of one mapping a caller passed: `attrs.pop("key")` against
    `attrs.pop("key_again")`): the client sent both. Nor is one character
    (`token[0]`), an object of a class that is not text (`signature:
    ModelSignature`), a value read from what a signature check returned
    (`signer.unsign(v)`, `jwt.decode(t, key, ...)`, or the project's helper
    named for that check, `jwt_decode(t)`: no one without the key chooses it) or a value such a check (also a signing serializer's `loads`) accepted before, the operator's input (an environment variable, the command
    line, a `config` parameter), two of a constructor's parameters, or a
    value parsed as a UUID (`uuid.UUID(given) != row.secret`: UUID objects
    compare as numbers, not character by character), nor a name that says
    only "mac" compared with no request data (`data["mac"] == mac`: in
    network code that is a card's address; a message authentication code
    the client guesses comes with its request), nor an `==` whose
    match raises or answers no (`if self.last_token == given: raise
    TokenReused()`, `return False`: the value is refused when matched, a
    spent one-time code, so learning it gains nothing; a match that is
    accepted, returned or carried on from is still reported). Nor is a `!=` in a loop that only copies the items that
    differ into another list (`if record.content != token: kept.append(record)`),
    a result only marking which entry of a loop matched (`current =
    row.token == mine`, or a constant it picks, `cls = ' selected' if
    option == token else ''`, read only as a mapping's value or in an
    f-string; one verdict on a guess, `{"valid": valid}`, is still
    reported), or a value compared
    with itself decoded and encoded again (`b64encode(b64decode(key)) !=
    key`, a format check), nor a value compared with a field of the record
    that same value looked up (`token = db.get_token(body["token"])`, then
    `body["token"] != token.get("id")`): the lookup already answered. A constant written in the source (`token == END_ELEMENT`,
    text bound once at the top of the module, a name the function binds only to literal text,
    `quote_token = '<|q|>'`, or a row of an ALL_CAPS table, `for code, text in SIGNATURES`)
    is known to whoever has the source: if it is a secret, it is a hard-coded one (SLS201). Nor
    is an ETag, sent to every client (`if token == etag_value:`), a container (`signatures != []`), or an item of a record named in the singular under a key the code does not spell (`signature_value.get(key)`).

    ## Why is this bad?
    `==` on strings and bytes stops at the first differing byte, so the time
    it takes reveals how much of a guess was right. Measured over many
    requests, that lets an attacker recover a valid signature or token one
    byte at a time (CWE-208).

    ## How to fix it
    Compare with `hmac.compare_digest(a, b)`, whose running time does not
    depend on where the inputs differ. It takes two `str` (ASCII only) or
    two bytes-like values and raises `TypeError` on anything else, so the
    quick fix is safe only where the engine knows both types (a digest, a
    request header, an annotated parameter): text that may be non-ASCII is
    compared as `.encode()`d bytes, and a side that may be missing (`None`)
    is checked first (`sig is not None and hmac.compare_digest(...)`). Where
    a side's type is unknown (an object attribute, a parameter) the fix is
    offered as unsafe; text against bytes gets no fix.
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
        # downloaded bytes checked against the checksums the metadata lists: the hashers are unkeyed
        code("""
            class Downloader:
                def __init__(self, expected_digests=None):
                    self.expected_digests = expected_digests

                def validate_digests(self):
                    for algorithm, expected_digest in self.expected_digests.items():
                        if self._digests[algorithm].hexdigest() != expected_digest:
                            raise ValueError(algorithm)
        """),
        code("""
            def entry_match(data, mac, driver):
                return data["mac"] == mac and data["driver"] == driver
        """),
        # a match is refused: the one-time code already used, learnt by timing, lets no one in
        code("""
            class Account:
                def check_otp(self, token):
                    if self.last_token is not None and self.last_token == token:
                        raise PermissionError("code already used")
        """),
        # ... or answered no before the real check: a replayed code is refused
        code("""
            import hmac

            class TotpService:
                def check_totp_value(self, user, totp_value):
                    last_totp_value = self.get_last_totp_value(user)
                    if last_totp_value is not None and totp_value == last_totp_value.encode():
                        return False
                    return hmac.compare_digest(self.expected_totp(user), totp_value)
        """),
        # the secret parsed as a UUID: two UUID objects compare as numbers
        code("""
            import uuid
            from django.http import HttpResponseForbidden

            def upload(request, submission):
                if uuid.UUID(request.POST["secret"]) != submission.secret:
                    return HttpResponseForbidden()
        """),
        code("""
            import hmac
            def check(expected, signature):
                return hmac.compare_digest(expected, signature)
        """),
        code("""
            def check(token_type):
                return token_type == 'bearer'
        """),
        # a claim of a verified token saying what it is for, not the token
        code("""
            import jwt

            def decode(token, use, key):
                payload = jwt.decode(token, key=key, algorithms=['HS256'])
                if payload.get('token_use') != use:
                    return None
                return payload
        """),
        # who holds a token, not the token
        code("""
            def same_owner(serial, user):
                token_owner = owner_of(serial)
                return token_owner == user
        """),
        code("""
            def check(token):
                return token == None
        """),
        code("""
            def count(tokens, other_tokens):
                return len(tokens) == len(other_tokens)
        """),
        code("""
            def test_sign(signature, expected_signature):
                assert signature == expected_signature
        """),
        code("""
            START_ELEMENT = 'START'
            def handle(token):
                return token == START_ELEMENT
        """),
        # a member of a choices or Enum class is a constant
        code("""
            def validate(attrs):
                secret_strategy = attrs.get('secret_strategy')
                return secret_strategy == SecretStrategy.custom
        """),
        code("""
            import tokenize
            def is_op(token):
                return token == tokenize.OP
        """),
        # a comparison handed to a query builder is SQL, not a comparison made here
        code("""
            def by_key(api_key):
                return ApiKey.query.filter(ApiKey.api_key == api_key).one()
        """),
        # `&` of comparisons builds a SQLAlchemy filter; a plain digest is a content checksum
        code("""
            def metric_filter(dataset):
                found = Metric.name == dataset['name']
                return found & (Metric.api_token == dataset['api_token'])
        """),
        code("""
            def verify_tree(version, root):
                actual = compute_tree_digest(root)
                if actual != version.digest:
                    raise ValueError('content changed')
        """),
        # a header that carries no credential
        code("""
            from flask import request

            def same_request(expected_id):
                return request.headers.get("X-Request-Id") == expected_id
        """),
        # a double-submit check: the cookie and the form field both come from the client
        code("""
            from flask import request

            def csrf_ok():
                csrf_token_cookie = request.cookies.get('g_csrf_token')
                return csrf_token_cookie == request.form.get('g_csrf_token')
        """),
        # the client's token is hashed before it meets the stored hash
        code("""
            def reuse(adapter, refresh_token, row):
                refresh_token_hash = adapter.hash_token(refresh_token)
                return refresh_token_hash == row.token_hash
        """),
        code("""
            import hashlib

            def owns(api_token, key):
                return hashlib.sha256(api_token.encode()).hexdigest() == key.token_digest
        """),
        # two objects compared field by field
        code("""
            class Client:
                def __eq__(self, other):
                    return self.token == other.token
        """),
        # both sides are what the session holds, on the request a template context carries
        code("""
            def cached(context):
                session = context['request'].session
                return session['allowed']['valid_for'] == session.get('token')
        """),
        # both sides are the server's own values
        code("""
            class Cache:
                def stale(self, entry):
                    return self.signature != self.store.signature
        """),
        # two fields the object was configured with
        code("""
            class Client:
                def __init__(self, access_token=None, password=None):
                    self.access_token = access_token
                    self.password = password

                def login_needed(self):
                    return self.access_token != self.password
        """),
        # a content checksum, not a secret
        code("""
            import hashlib
            def unchanged(path, recorded):
                return hashlib.sha256(path.read_bytes()).hexdigest() == recorded
        """),
        # a copy of a MAC address is no message authentication code, whatever it is called
        code("""
            from django.views import View

            class Register(View):
                def _update_device_name(self, request, device):
                    name = request.POST.get("name")
                    mac_address = device.mac_address
                    normalized_mac = mac_address.replace(":", "").lower() if mac_address else None
                    normalized_name = name.replace(":", "").lower()
                    if normalized_name != normalized_mac:
                        device.name = name
        """),
        # a setting compared with its new value, which then replaces it: a change noticed
        code("""
            class Client:
                async def update_access_details(self, access_token, homeserver):
                    if access_token == self.access_token and homeserver == self.homeserver:
                        return
                    await self.reconnect(homeserver, access_token)
                    self.access_token = access_token
        """),
        # ... also a local copy replaced, or the new value saved elsewhere, in the branch where the two differ
        code("""
            from flask import request

            def change_provider(config):
                new_key = request.form["apikey"]
                p_apikey = config.provider_apikey
                if p_apikey != new_key:
                    p_apikey = new_key
                config.save_provider(p_apikey)

            def update_project(repo_config, data):
                openai_api_key = request.json.get("openai_api_key")
                if repo_config.openai_api_key != openai_api_key:
                    data["openai_api_key"] = request.json.get("openai_api_key")
                return data
        """),
        # ... also read with .get() and stored under the same key
        code("""
            def sync_secret(config, key, app_secret):
                if app_secret is not None and config.get(key) != app_secret:
                    config[key] = app_secret
                    return True
                return False
        """),
        # a mismatch only warns: nothing is granted or refused by it
        code("""
            import warnings

            def use_session_secret(storage_secret, middleware):
                parent_secret = str(middleware.kwargs["secret_key"])
                if storage_secret is not None and storage_secret != parent_secret:
                    warnings.warn("Ignoring storage_secret: the parent app has its own")
                return parent_secret
        """),
        # ... or only cleans up the requester's own session, or picks a word for a log line or an audit record
        code("""
            class Strategy:
                def clean_partial_pipeline(self, token):
                    self.storage.partial.destroy(token)
                    if self.session_get("partial_pipeline_token") == token:
                        self.session_pop("partial_pipeline_token")

                def authorize(self, api_key, default_key):
                    self.log.info("Using the %s API key", "default" if api_key == default_key else "custom")

                def edit_hook(self, hook, secret, audit_log):
                    audit_log.log("hook edited", "secret changed" if hook.secret != secret else "")
        """),
        # a pagination cursor or stream position is not worth guessing (and a number compares whole)
        code("""
            def more(next_token, params, since_token, upto_token: "StreamToken", opening_token):
                from_token = int(params["from"])
                return next_token == params.get('next') or since_token == params["since"] or from_token == upto_token or opening_token == params["open"]
        """),
        # an ACME challenge token looked for in the TXT records a name server answered
        code("""
            import dns.resolver

            def has_propagated(domain, token):
                for answer in dns.resolver.resolve(domain, 'TXT'):
                    if answer.to_text().strip('"') == token:
                        return True
                return False
        """),
        # what the session holds, kept in a name first: the server stored it
        code("""
            def is_admin_authorized(request):
                admin_token = request.session.get('admin_token')
                return admin_token == make_admin_token(request.user)
        """),
        # the records that differ copied into the list sent back; the caller's own row marked; a format check
        code("""
            import base64

            def others(records, token):
                kept = []
                for record in records:
                    if record.content != token:
                        kept.append(record)
                return kept

            def sessions(rows, jwt_token):
                out = []
                for row in rows:
                    current = row["jwt"] == jwt_token
                    out.append({"id": row["id"], "current": current})
                return out

            def valid_api_key(api_key):
                return base64.b64encode(base64.b64decode(api_key)).decode() == api_key
        """),
        # entries dropped from a collection, the rest stored back: bookkeeping, nothing answered
        code("""
            class Pending:
                def expire(self, user_token):
                    self.pending = list(filter(lambda p: p.user_token != user_token, self.pending))
        """),
        code("""
            class Keys:
                def delete(self, api_key):
                    for user, keys in self.keys.items():
                        self.keys[user] = [k for k in keys if k.api_key != api_key]
        """),
        code("""
            from myapp.models import Project

            def api_view(request):
                api_key = request.headers['X-Api-Key']
                project = Project.objects.for_api_key(api_key)
                if project is None:
                    return None
                request.project = project
                request.readonly = api_key == request.project.api_key_readonly
        """),
        # the token is a claim of a JWT the project's own helper decoded, and so checked, with its key
        code("""
            from myapp.auth import jwt_decode

            def load_user(request, users):
                payload = jwt_decode(request.headers["Authorization"][7:])
                user = users.get(payload["email"])
                if user.jwt_token_key != payload.get("token"):
                    raise PermissionError("token revoked")
                return user
        """),
        # the name of the client a token is for, not the token
        code("""
            def configured_token(settings, client):
                for entry in settings:
                    meta, _, token = entry.partition("+")
                    po_token_client, _, po_token_context = meta.partition(".")
                    if po_token_client.lower() != client:
                        continue
                    return token
        """),
        # the stored token is the row the request's own token found: the lookup is the check
        code("""
            def reset_password(db, body):
                token = db.get_token(body["token"])
                if not token or body["token"] != token.get("id"):
                    return "token_invalid", 401
                return "ok", 200
        """),
        # the items `filter` hands its lambda are what a server the program called answered
        code("""
            import requests

            def find_org(api_url, org_token):
                orgs = requests.get(api_url, timeout=10).json()["data"]
                return list(filter(lambda org: org["token"] == org_token, orgs))
        """),
    ]
    INVALID = [
        # a helper named for skipping the signature check: anyone writes the claims
        Example(
            code("""
                from myapp.auth import jwt_decode_unverified

                def load_user(request, users):
                    payload = jwt_decode_unverified(request.headers["Authorization"][7:])
                    user = users.get(payload["email"])
                    if user.jwt_token_key != payload.get("token"):
                        raise PermissionError("token revoked")
                    return user
            """),
            fixed=code("""
                from myapp.auth import jwt_decode_unverified
                import hmac

                def load_user(request, users):
                    payload = jwt_decode_unverified(request.headers["Authorization"][7:])
                    user = users.get(payload["email"])
                    if not (payload.get("token") is not None and hmac.compare_digest(user.jwt_token_key, payload.get("token"))):
                        raise PermissionError("token revoked")
                    return user
            """),
            where='user.jwt_token_key != payload.get("token")',
            says="The secret `jwt_token_key` compared with `!=`",
        ),
        # the client's token, named for whom it comes from
        Example(
            code("""
                def authorize(client_token, account):
                    return client_token == account.api_token
            """),
            fixed=code("""
                import hmac
                def authorize(client_token, account):
                    return hmac.compare_digest(client_token, account.api_token)
            """),
            where="client_token == account.api_token",
            says="The secret `client_token` compared with `==`",
        ),
        # ... and what a request carries, when it goes over request data
        Example(
            code("""
                import hmac, hashlib
                from flask import request

                def signed(key, body):
                    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
                    return any(map(lambda signature: signature == expected, request.headers.getlist("X-Signature")))
            """),
            fixed=code("""
                import hmac, hashlib
                from flask import request

                def signed(key, body):
                    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
                    return any(map(lambda signature: hmac.compare_digest(signature, expected), request.headers.getlist("X-Signature")))
            """),
            where="signature == expected",
            says="The secret `signature` compared with `==`",
        ),
        # an Authorization header is the client's guess at a credential, whatever the other side is called
        Example(
            code("""
                import os
                from flask import abort, request

                def require_bearer():
                    if request.headers.get("Authorization") != f"Bearer {os.environ['API_BEARER']}":
                        abort(401)
            """),
            fixed=code("""
                import os
                from flask import abort, request
                import hmac

                def require_bearer():
                    if not (request.headers.get("Authorization") is not None and hmac.compare_digest(request.headers.get("Authorization").encode(), (f"Bearer {os.environ['API_BEARER']}").encode())):
                        abort(401)
            """),
            where='request.headers.get("Authorization") != f"Bearer {os.environ[\'API_BEARER\']}"',
            says="The credential header `authorization` compared with `!=`",
        ),
        # ... and so is an API-key header; the operator's environment variable is the server's side
        Example(
            code("""
                import os
                from flask import abort, request

                def require_key():
                    if request.headers["X-Api-Key"] != os.environ["API_KEY"]:
                        abort(401)
            """),
            fixed=code("""
                import os
                from flask import abort, request
                import hmac

                def require_key():
                    if not hmac.compare_digest(request.headers["X-Api-Key"].encode(), os.environ["API_KEY"].encode()):
                        abort(401)
            """),
            where='request.headers["X-Api-Key"] != os.environ["API_KEY"]',
            says="The credential header `x-api-key` compared with `!=`",
        ),
        # a helper named for a digest, handed the server's secret: its result is a MAC
        Example(
            code("""
                import hashlib

                def calculate_digest(ip, secret, userid):
                    return hashlib.sha256((ip + secret + userid).encode()).hexdigest()

                def check_ticket(secret, digest, ip, userid):
                    expected = calculate_digest(ip, secret, userid)
                    if expected != digest:
                        raise ValueError('bad ticket')
            """),
            fixed=code("""
                import hashlib
                import hmac

                def calculate_digest(ip, secret, userid):
                    return hashlib.sha256((ip + secret + userid).encode()).hexdigest()

                def check_ticket(secret, digest, ip, userid):
                    expected = calculate_digest(ip, secret, userid)
                    if not hmac.compare_digest(expected, digest):
                        raise ValueError('bad ticket')
            """),
            where="expected != digest",
            says="The digest `expected` compared with `!=`",
        ),
        Example(
            code("""
                import hmac, hashlib

                def verify(key, body, signature: str):
                    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
                    return expected == signature
            """),
            fixed=code("""
                import hmac, hashlib

                def verify(key, body, signature: str):
                    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
                    return hmac.compare_digest(expected.encode(), signature.encode())
            """),
            where="expected == signature",
            says="The digest `expected` compared with `==`",
        ),
        Example(
            code("""
                import hmac, hashlib

                def verify(key, body, signature):
                    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
                    return expected == signature
            """),
            fixed=code("""
                import hmac, hashlib

                def verify(key, body, signature):
                    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
                    return hmac.compare_digest(expected, signature)
            """),
            where="expected == signature",
            says="The digest `expected` compared with `==`",
        ),
        Example(
            code("""
                def authorize(request, api_token):
                    if request.headers['X-Token'] != api_token:
                        raise PermissionError()
            """),
            fixed=code("""
                import hmac
                def authorize(request, api_token):
                    if not hmac.compare_digest(request.headers['X-Token'], api_token):
                        raise PermissionError()
            """),
            where="request.headers['X-Token'] != api_token",
            says="The secret `X-Token` compared with `!=`",
        ),
    ]

    def visit_Compare(self, node: ast.Compare, ctx) -> None:
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        if any(isinstance(side, (ast.Constant, ast.List, ast.Tuple, ast.Set, ast.Dict)) for side in (left, right)):
            return  # text written in the source, or a container (`chunk_of_signatures != []`): no secret's text
        if any(isinstance(side, ast.JoinedStr) for side in (left, right)) and not any(web.is_credential_header(web.header_read(s, ctx)) for s in (left, right)):
            return  # an f-string is a message, except as the expected `f"Bearer {token}"` of an Authorization header
        if any(isinstance(side, ast.Call) and isinstance(side.func, ast.Name) and side.func.id in ("type", "id", "bool") or constants.is_number(side, ctx) for side in (left, right)):
            return  # `delimiters[i - 1].token == start.token - 1`: a number, no secret's text
        if any(compared_values.parsed_uuid(side, ctx) for side in (left, right)):
            return  # `uuid.UUID(given) != obj.secret`, `int(token) == upto`: numbers compare whole, not as text
        if isinstance(ctx.statement(node), ast.Assert):
            return
        if any(_is_constant_name(side) or compared_values.module_text_constant(side, ctx) or naming.mentions(side, _PUBLIC_WORDS) for side in (left, right)):
            return  # `token == END_ELEMENT`: an event type or enum, text written in the source, an ETag
        if any(compared_values.one_element(side) or compared_values.typed_as_object(side, ctx) for side in (left, right)):
            return  # `token[-1] == token[0]`: one character; `signature: ModelSignature`: an object's own `==`
        secret = self._secret_side(left, ctx) or self._secret_side(right, ctx)
        if secret is None or compared_uses.builds_expression(node, ctx) or compared_uses.in_equality_method(node, ctx):
            return
        if not any(compared_origins.may_come_from_client(side, ctx) for side in (left, right)):
            return  # both sides are the server's own values: nobody can time a guess
        if secret.startswith("The secret ") and all(_says_only_mac(s) for s in (left, right) if self._secret_side(s, ctx)):
            if not any(compared_origins.may_come_from_client(side, ctx, kinds=(taint.UNTRUSTED,)) for side in (left, right)):
                return  # `data["mac"] == mac`: "mac" alone names a network card's address as often; a request's guess is a MAC
        if all(compared_origins.only_outside_data(side, ctx, answered=False) for side in (left, right)):
            return  # `cookie_token != body_token` (a double-submit check): the client sent both
        if any(compared_origins.only_outside_data(side, ctx, answered=True) for side in (left, right)):
            return  # `txt == token` over a DNS or HTTP answer: the program checks what a server it called said
        if compared_origins.own_fields(left, right, ctx) or compared_values.constructor_parameters(left, right, ctx):
            return  # `self.access_token != self.password`: two fields the object was configured with
        if compared_values.items_of_one_mapping(left, right, ctx):
            return  # `attrs.pop("secret") != attrs.pop("secret_again")`: a confirmation, both sent together
        if any(compared_values.signature_checked(side, ctx) or compared_values.verified_before(side, ctx) for side in (left, right)):
            return  # `jwt.decode(token, key)["nonce"] != nonce`: no one without the key chooses that side
        if compared_values.found_by(left, right, ctx) or compared_values.found_by(right, left, ctx):
            return  # compared with the record this very value found: the client already holds a key to it
        if compared_values.replaced_by(left, right, ctx) or compared_values.replaced_by(right, left, ctx) or any(compared_values.saved_when_changed(s, ctx) for s in (left, right)):
            return  # `if token != self.token: self.token = token`: a change noticed, not a guess checked
        if compared_uses.removes_matches(node, ctx) or compared_uses.keeps_the_others(node, ctx):
            return  # `pending = [p for p in pending if p.token != token]`: entries dropped or copied, nothing answered
        if compared_uses.only_warns_or_forgets(node, ctx):
            return  # `if given != configured: warn("ignored")`, `if stored == token: session.pop(KEY)`: nothing granted
        if compared_uses.recorded_as_data(node, ctx) or compared_values.round_trip(left, right, ctx):
            return  # `current = (row.token == mine)` shown, never tested; `b64encode(b64decode(key)) != key`: a format check
        if _hashes_the_guess(left, ctx) or _hashes_the_guess(right, ctx) or compared_values.match_refused(node, ctx):
            return  # `hash_token(given) == row.token_hash`: leaks bits of a hash; `if given == last: raise`: a match is refused
        fix = compare_digest_fix.fix(node, left, right, ctx)
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
        header = web.header_read(node, ctx)
        if web.is_credential_header(header):
            return f"The credential header `{header}`"
        name = naming.name_of(node)
        if (
            naming.is_named_like(name, _SECRET_NAME_WORDS)
            and not naming.is_named_like(name, naming.PASSWORD_WORDS)
            and not any(word in _NOT_SECRET_WORDS for word in naming.words(name))
            and not compared_values.spells_only(node, _NOT_SECRET_WORDS, ctx) and not compared_values.item_of_a_record(node)
        ):
            return f"The secret `{name}`"
        if isinstance(node, ast.Name):
            for value in ctx.assigned_values(node):
                if _is_keyed_digest(value, ctx):
                    return f"The digest `{node.id}`"
        return None


def _is_keyed_digest(node: ast.expr, ctx) -> bool:
    """`hmac.new(key, msg, sha256).hexdigest()`: a MAC. `hashlib.sha256(data).hexdigest()` is a
    content checksum (of a file, a query, a cache entry) unless what it hashes is secret. A helper
    named for a digest or signature and handed the server's secret (`calculate_digest(ip, ts,
    secret, user)`) makes one too."""
    if not isinstance(node, ast.Call):
        return False
    if not (isinstance(node.func, ast.Attribute) and node.func.attr in _DIGEST_METHODS):
        given = [*node.args, *(k.value for k in node.keywords)]
        return naming.is_named_like(naming.name_of(node.func), _SECRET_WORDS) and any(naming.mentions(a, _SERVER_KEY_WORDS) for a in given)
    made_by = node.func.value
    if isinstance(made_by, ast.Name):
        made_by = next((v for v in ctx.assigned_values(made_by) if isinstance(v, ast.Call)), made_by)
    if not isinstance(made_by, ast.Call):
        # `self._mac.hexdigest()`; not `self._digests[algorithm].hexdigest()`: "digest" alone names a content checksum
        return naming.is_named_like(naming.name_of(made_by), _SECRET_NAME_WORDS)
    name = ctx.qualified_name(made_by.func) or ""
    if name.startswith(_KEYED_DIGESTS):
        return True
    return any(naming.mentions(arg, naming.SECRET_WORDS | naming.PASSWORD_WORDS) for arg in made_by.args)


def _hashes_the_guess(node: ast.expr, ctx) -> bool:
    """`hashlib.sha256(token.encode()).hexdigest()`, `adapter.hash_token(refresh_token)` (also kept
    in a name first): an unkeyed hash of the client's value alone. Compared with a stored hash, a
    timing leak tells the attacker leading bits of that hash, from which no matching guess follows."""
    if isinstance(node, ast.Name) and len(values := ctx.assigned_values(node)) == 1:
        node = values[0]
    if not isinstance(node, ast.Call):
        return False
    if isinstance(node.func, ast.Attribute) and node.func.attr in _DIGEST_METHODS:
        made = node.func.value
        if isinstance(made, ast.Name):
            made = next((v for v in ctx.assigned_values(made) if isinstance(v, ast.Call)), made)
        hashed = made.args if isinstance(made, ast.Call) and (ctx.qualified_name(made.func) or "").startswith("hashlib.") else []
    else:
        hashed = node.args if "hash" in (astutil.last_name(node.func) or "").lower() else []
    return bool(hashed) and all(compared_origins.may_come_from_client(arg, ctx) and not _mixes_in_a_key(arg) for arg in hashed)


def _mixes_in_a_key(node: ast.expr) -> bool:
    """`API_SECRET + body`, `settings.SECRET_KEY`, `salt + token`: a hash of that is a MAC."""
    return naming.mentions(node, _SERVER_KEY_WORDS) or any(_is_constant_name(sub) for sub in ast.walk(node))


def _says_only_mac(node: ast.expr) -> bool:
    """A name whose one secret word is "mac" (`mac`, `data["mac"]`): a message authentication
    code, or a network card's address."""
    found = set(naming.words(naming.name_of(node) or "")) & _SECRET_NAME_WORDS
    return found == {"mac"}


def _is_constant_name(node: ast.expr) -> bool:
    """An ALL_CAPS name or attribute: a constant (an enum member, an event type); or a member
    of a class named in CamelCase (`SecretStrategy.custom`, a Django choices or Enum member)."""
    name = astutil.last_name(node)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and astutil.names_a_class(node.value):
        return True
    return bool(name) and name.isupper() and any(c.isalpha() for c in name)
