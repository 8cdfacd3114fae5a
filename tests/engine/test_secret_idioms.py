"""Hashes, comparisons and defaults of values that look secret by name but protect nothing (SLS201-SLS303),
next to the variants that do protect something and stay reported."""

from __future__ import annotations

from secure_ls.engine.analyzer import Engine

ENGINE = Engine()


def _confidence(code, rule):
    result = ENGINE.analyze(code)
    failed = [p for p in result.problems if p.startswith("rule ")]
    assert not failed, failed
    return [f.confidence.name.lower() for f in result.findings if f.rule_id == rule]


def test_a_digest_of_a_mapping_key_is_the_audit_tier_a_digest_of_an_api_key_is_not():
    # `key` alone names an entry of a mapping or a cache: nothing a collision would forge
    code = (
        "import hashlib, json\n\nclass Model:\n    def complete(self, kwargs):\n"
        "        key = json.dumps(kwargs, sort_keys=True).encode()\n"
        "        self.call_hashes.append(hashlib.sha1(key).hexdigest())\n"
    )
    assert _confidence(code, "SLS302") == ["low"]
    # a key that says whose it is protects something
    assert _confidence(code.replace("(key)", "(api_key)").replace("key = ", "api_key = "), "SLS302") == ["medium"]


def test_a_digest_named_key_is_the_audit_tier_unless_a_signature_is_made_of_it():
    code = (
        "import hashlib\n\ndef matcher(control):\n    key_hash = hashlib.md5()\n"
        "    key_hash.update(control['regex'].encode())\n    return key_hash.hexdigest()\n"
    )
    assert _confidence(code, "SLS302") == ["low"]
    assert _confidence(code.replace("key_hash", "signing_key_hash"), "SLS302") == ["medium"]


def test_a_hash_object_only_asked_its_size_hashes_nothing():
    code = "import hashlib, os\n\ndef new_salt():\n    salt = os.urandom(hashlib.sha1().digest_size)\n    return salt\n"
    assert _confidence(code, "SLS302") == []
    assert _confidence(code.replace("hashlib.sha1().digest_size", "hashlib.sha1(os.urandom(8)).digest()"), "SLS302") != []


def _quiet_until_undone(rule, code, old, new):
    """The idiom in `code` keeps `rule` quiet; undone (`old` replaced by `new`), the rule reports."""
    assert old in code
    assert _confidence(code, rule) == []
    assert _confidence(code.replace(old, new), rule) != []


def test_one_character_of_a_token_is_nothing_to_guess_byte_by_byte():
    code = (
        "from flask import request\n\ndef check(api_token):\n    given = request.headers['X-Token']\n"
        "    return given[0] == api_token[-1]\n"
    )
    _quiet_until_undone("SLS303", code, "given[0] == api_token[-1]", "given[:8] == api_token")


def test_a_parameter_annotated_with_a_class_compares_objects_not_text():
    code = (
        "def infer(signature: ModelSignature | None, task):\n    inferred_signature = SIGNATURES[task]\n"
        "    if signature is not None and signature != inferred_signature:\n        raise ValueError(task)\n"
    )
    _quiet_until_undone("SLS303", code, "signature: ModelSignature | None", "signature: str | None")
    _quiet_until_undone("SLS303", code, "signature: ModelSignature | None", "signature: SecretStr")


def test_the_operators_inputs_are_no_guess_a_client_can_time():
    code = (
        "import os\nfrom app.models import Setting\n\ndef seed():\n    configured_token = Setting().get('api_token')\n"
        "    if configured_token != os.environ['API_TOKEN']:\n        raise RuntimeError('not seeded')\n"
    )
    _quiet_until_undone("SLS303", code.replace("import os\n", "import os\nfrom flask import request\n"), "os.environ['API_TOKEN']", "request.args['token']")
    # a parameter named for the configuration holds the operator's choice
    camera = (
        "class Camera:\n    def __init__(self, config):\n        self.config = config\n\n"
        "    def pick(self):\n        for p in self.device.get_profiles():\n"
        "            if p.token == self.config.profile:\n                return p\n"
    )
    assert _confidence(camera, "SLS303") == []
    assert _confidence(camera.replace("config", "given"), "SLS303") != []


def test_a_value_a_signature_check_returned_is_chosen_by_no_client():
    code = "def confirm(signer, value, expected_token):\n    token = signer.unsign(value)\n    return token == expected_token\n"
    _quiet_until_undone("SLS303", code, "signer.unsign(value)", "value.strip()")
    jwt_code = (
        "import jwt\n\ndef check(id_token, key, nonce):\n    claims = jwt.decode(id_token, key, algorithms=['RS256'])\n"
        "    return claims.get('nonce') == nonce\n"
    )
    _quiet_until_undone("SLS303", jwt_code, "key, algorithms=['RS256']", "options={'verify_signature': False}")


def test_a_confirmation_field_checked_against_the_field_it_confirms():
    code = (
        "def validate(attrs, stored):\n    secret_key = attrs.pop('secret_key', None)\n"
        "    secret_key_again = attrs.pop('secret_key_again', None)\n"
        "    if secret_key != secret_key_again:\n        raise ValueError('mismatch')\n"
    )
    _quiet_until_undone("SLS303", code, "secret_key_again = attrs.pop(", "secret_key_again = stored.pop(")


def test_two_values_an_object_is_constructed_with():
    code = (
        "class Manager:\n    def __init__(self, salt_for_gpg_secret, salt_for_filesystem_id):\n"
        "        if salt_for_gpg_secret == salt_for_filesystem_id:\n            self.problems.append('same pepper')\n"
    )
    # (noted, not raised: a match that raises is refused, quiet for that reason alone)
    _quiet_until_undone("SLS303", code, "def __init__(", "def check(")


def test_a_checksum_of_a_signature_is_not_the_signature():
    code = (
        "def is_signature_valid(user, given):\n    if given:\n        return user.signature_checksum == given\n"
    )
    _quiet_until_undone("SLS303", code, "user.signature_checksum == given", "user.signature == given")


def test_text_bound_once_at_the_top_of_the_module_is_in_the_source():
    code = (
        "from flask import request\n\ncallback_token = 'target=app-watch'\n\n"
        "def on_callback():\n    if request.headers.get('X-Channel-Token') != callback_token:\n        return ''\n    return 'ok'\n"
    )
    _quiet_until_undone("SLS303", code, "callback_token = 'target=app-watch'", "callback_token = load_token()")


def test_a_row_of_an_all_caps_table_is_in_the_source():
    # kpi's mailer matches an SMTP reply against a class table of (code, text, error) rows
    code = (
        "class Mailer:\n    THROTTLE_SIGNATURES = ((454, 'rate', ValueError), (451, 'later', KeyError))\n\n"
        "    @classmethod\n    def classify(cls, code, text):\n"
        "        for signature_code, substring, error in cls.THROTTLE_SIGNATURES:\n"
        "            if code == signature_code and substring in text:\n                return error\n"
    )
    _quiet_until_undone("SLS303", code, "in cls.THROTTLE_SIGNATURES:", "in cls.throttle_signatures:")
    # a name the loop binds and the function binds again holds something else
    rebound = code.replace("            if code == signature_code", "            signature_code = text.split()[0]\n            if code == signature_code")
    assert _confidence(rebound, "SLS303") == ["medium"]


def test_an_etag_is_sent_to_every_client():
    # kpi answers If-None-Match with 304 when a listed tag equals the content's ETag
    code = (
        "from django.http import HttpResponse\n\ndef snapshot(request, etag_value):\n"
        "    for candidate in request.META.get('HTTP_IF_NONE_MATCH', '').split(','):\n"
        "        token = candidate.strip()\n        if token == etag_value:\n            return HttpResponse(status=304)\n"
        "    return HttpResponse('data')\n"
    )
    _quiet_until_undone("SLS303", code, "token == etag_value", "token == secret_value")


def test_text_the_function_binds_to_a_literal_is_in_the_source():
    # a delimiter a parser looks for in text a caller passes: no secret to time
    code = (
        "def find_quote(text, start):\n    quote_token = '<|q|>'\n    i = start\n    while i < len(text):\n"
        "        if text[i:i + 5] == quote_token:\n            return i\n        i += 1\n"
    )
    _quiet_until_undone("SLS303", code, "quote_token = '<|q|>'", "quote_token = load_token()")
    # literal at first, request data on one path: the request's value may be compared
    branch = (
        "from flask import request\n\ndef check(secret_token):\n    token = 'none'\n"
        "    if request.args:\n        token = request.args['t']\n    return token == secret_token\n"
    )
    assert _confidence(branch, "SLS303") == ["medium"]
    # a loop over request values rebinds a name first bound to a literal
    loop = (
        "from flask import request\n\ndef check(secret_token):\n    tok = ''\n"
        "    for tok in request.args.getlist('t'):\n        if tok == secret_token:\n            return True\n"
    )
    assert _confidence(loop, "SLS303") == ["medium"]


def test_a_password_drawn_at_random_for_the_run_is_no_stored_password_one_a_caller_gives_is():
    code = (
        "import secrets\n\nclass ControlServer:\n    def __init__(self, password=None):\n"
        "        self.password = DRAWN\n\n    def authenticate(self, password):\n"
        "        if password != self.password:\n            raise PermissionError('bad password')\n"
    )
    assert _confidence(code.replace("DRAWN", "secrets.token_hex(8)"), "SLS305") == []
    # the operator's password, or a random one in its absence: the operator's is kept in clear
    assert _confidence(code.replace("DRAWN", "password or secrets.token_hex(8)"), "SLS305") == ["medium"]
    # drawn at first, then replaced by what a caller gives
    replaced = code.replace("DRAWN", "secrets.token_hex(8)") + "\n    def reset(self, new_value):\n        self.password = new_value\n"
    assert _confidence(replaced, "SLS305") == ["medium"]


def test_a_condition_of_words_is_no_secret_a_base64_value_ending_in_padding_is():
    code = 'RULES = {"sms_api_secret": VALUE}\n'
    assert _confidence(code.replace("VALUE", '"sms_provider=ovh&sms_enabled=true"'), "SLS201") == []
    assert _confidence(code.replace("VALUE", '"QWxhZGRpbjpvcGVuc2VzYW1l="'), "SLS201") != []


def test_an_expired_json_web_token_is_the_audit_tier_a_live_one_is_not():
    # header {"alg": "HS256", "typ": "JWT"}, payload {"sub": ..., "role": "viewer", "exp": EXP}
    header = "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9"
    expired_2010 = "eyJzdWIiOiAibGF1bmNoLTc3MzEiLCAicm9sZSI6ICJ2aWV3ZXIiLCAiZXhwIjogMTI2MjMwNDAwMH0"
    expires_2100 = "eyJzdWIiOiAibGF1bmNoLTc3MzEiLCAicm9sZSI6ICJ2aWV3ZXIiLCAiZXhwIjogNDEwMjQ0NDgwMH0"
    code = 'LAUNCH_URL = "https://classroom.example.org/launch?token={}.{}.Qm9vWTR2cUxnT3NhZ0ZkS1pYcE5hVHdzRjB1"\n'
    assert _confidence(code.format(header, expired_2010), "SLS202") == ["low"]
    assert _confidence(code.format(header, expires_2100), "SLS202") == ["medium"]


def test_a_match_that_is_refused_leaks_nothing_worth_guessing():
    # a replay check: the code already used is refused when matched, so learning it lets no one in
    code = (
        "class Account:\n    def check_otp(self, token):\n"
        "        if self.last_token is not None and self.last_token == token:\n"
        "            raise PermissionError('code already used')\n        return self.verify(token)\n"
    )
    assert _confidence(code, "SLS303") == []
    # a match that is accepted is the check a guess is timed against
    assert _confidence(code.replace("raise PermissionError('code already used')", "return True"), "SLS303") == ["medium"]
    # a mismatch that raises is the usual check: reported
    assert _confidence(code.replace("self.last_token == token", "self.last_token != token"), "SLS303") == ["medium"]


BEARER = """
from typing import Annotated

from fastapi import Header, HTTPException


def verify_key(PARAMETER) -> None:
    expected = settings.api_key
    if NAME != f"Bearer {expected}":
        raise HTTPException(status_code=401)
"""


def test_a_fastapi_header_parameter_compared_with_the_expected_bearer_text_is_reported():
    # the f-string is what the Authorization header must hold: timing it leaks the key
    for parameter, name in [
        ("authorization: str = Header(None)", "authorization"),
        ('token: Annotated[str, Header(alias="Authorization")]', "token"),
        ('key: str = Header(None, alias="X-API-Key")', "key"),
    ]:
        assert _confidence(BEARER.replace("PARAMETER", parameter).replace("NAME", name), "SLS303") == ["medium"], parameter
    # an f-string compared with any other header, or a parameter not filled from a header: a message
    assert _confidence(BEARER.replace("PARAMETER", "user_agent: str = Header(None)").replace("NAME", "user_agent"), "SLS303") == []
    assert _confidence(BEARER.replace("PARAMETER", "authorization: str = None").replace("NAME", "authorization"), "SLS303") == []


def test_where_a_private_key_is_kept_is_a_path_but_the_key_itself_is_a_secret():
    code = (
        "import logging\n\nlogger = logging.getLogger(__name__)\n\n"
        "def start_https(config):\n    logger.info('HTTPS key: %s', config['PRIVATEKEY_FILEPATH'])\n"
    )
    _quiet_until_undone("SLS703", code, "PRIVATEKEY_FILEPATH", "PRIVATEKEY")


def test_comparisons_that_only_sort_show_or_check_the_format_of_a_token_are_not_timed():
    from tests.engine.test_engine import _quiet_until_undone

    # a != that only copies the other records into the list sent back: nothing granted
    kept = (
        "def replace_txt(records, token):\n    kept = []\n    for record in records:\n"
        "        if record.content != token:\n            kept.append(record)\n    return kept\n"
    )
    _quiet_until_undone("SLS303", kept, "            kept.append(record)\n", "            return False\n")
    # the result only marks which row is the caller's own, shown in a mapping or markup
    shown = (
        "def history(rows, jwt_token):\n    out = []\n    for item in rows:\n"
        "        current = item['jwt_token'] == jwt_token\n        out.append({'id': item['id'], 'current': current})\n    return out\n"
    )
    _quiet_until_undone("SLS303", shown, "'current': current}", "'current': grant(current)}")
    # one verdict on the caller's guess, sent back: it answers whether the guess is right
    assert "SLS303" in [f.rule_id for f in ENGINE.analyze("def token_ok(token, expected_token):\n    valid = token == expected_token\n    return {'valid': valid}\n").findings]
    markup = (
        "def table(options, token):\n    html = ''\n    for option in options:\n"
        "        cls = ' class=\"selected\"' if option == token else ''\n        html += f'<tr{cls}>'\n    return html\n"
    )
    _quiet_until_undone("SLS303", markup, "        html += f'<tr{cls}>'\n", "        if cls:\n            return True\n")
    # a value compared with itself decoded and encoded again: a format check
    round_trip = (
        "import base64\n\ndef valid_api_key(api_key):\n"
        "    if base64.b64encode(base64.b64decode(api_key)).decode('utf-8') != api_key:\n        return False\n    return True\n"
    )
    _quiet_until_undone("SLS303", round_trip, "base64.b64decode(api_key)", "base64.b64decode(api_key + SALT_VALUE)")


def test_a_name_that_says_only_mac_is_a_secret_when_the_request_sends_the_guess():
    network = """
def entry_match(data, mac, driver):
    return data["mac"] == mac and data["driver"] == driver
"""
    assert not _confidence(network, "SLS303")
    # the same comparison with the request's ?mac= (a share link's MAC), and a name that says hmac
    web = """
from flask import Flask, abort, request

app = Flask(__name__)


@app.route("/share")
def share():
    s = load_share()
    if request.args.get("mac") != s.mac:
        abort(404)
    return s.content
"""
    assert _confidence(web, "SLS303") == ["medium"]
    assert _confidence(network.replace('data["mac"] == mac', 'data["hmac"] == hmac').replace("mac, driver)", "hmac, driver)"), "SLS303")


def test_a_cipher_that_only_decrypts_a_vendors_format_is_the_audit_tier():
    # A fixed key and ECB that only read a file another program wrote (a vendor's quarantine or
    # firmware format) are the audit tier; the same cipher asked to encrypt stays reported
    code = (
        "from Crypto.Cipher import AES\n\n"
        "def read_backup(blob):\n    cipher = AES.new(b'0123456789abcdef', AES.MODE_ECB)\n    return cipher.decrypt(blob)\n"
    )
    assert _confidence(code, "SLS315") == ["low"] and _confidence(code, "SLS311") == ["low"]
    encrypting = code.replace("cipher.decrypt(blob)", "cipher.encrypt(blob)")
    assert _confidence(encrypting, "SLS315") == ["medium"] and _confidence(encrypting, "SLS311") == ["high"]


def test_a_short_signing_key_is_the_default_tier_unless_the_settings_are_for_development():
    # `SECRET_KEY = "random"`: a real deployment signs with it, and a short key is guessed offline
    # (medium); beside `DEBUG = True`, or in `class DevelopmentConfig`, it is a developer's
    # placeholder (low)
    from tests.engine.test_engine import _low_until_undone

    _low_until_undone("SLS204", 'DEBUG = True\nSECRET_KEY = "random"\n', "DEBUG = True", "DEBUG = False", "medium")
    classed = 'class DevelopmentConfig:\n    SECRET_KEY = "dev"\n'
    _low_until_undone("SLS204", classed, "DevelopmentConfig", "ProductionConfig", "medium")
    flask = 'from flask import Flask\napp = Flask(__name__)\napp.config["SECRET_KEY"] = "dvga"\nDEBUG = True\n'
    _low_until_undone("SLS204", flask, "DEBUG = True\n", "", "medium")


def test_an_anonymous_or_installation_id_made_from_a_key_is_a_name_for_it():
    # `get_install_key()` / `_get_distinct_id()` return a digest of a key as an identifier for
    # support data or analytics (low); undone, a function named for the key itself (medium)
    from tests.engine.test_engine import _low_until_undone

    code = "import hashlib\nfrom django.conf import settings\n\ndef get_install_key():\n    return hashlib.sha1(settings.SECRET_KEY.encode()).hexdigest()\n"
    _low_until_undone("SLS302", code, "get_install_key", "get_signing_key", "medium")


def test_a_services_factory_login_as_a_clients_defaults_is_the_audit_tier():
    # PyMISP's Neo4j helper offers the database's shipped login, neo4j/neo4j, for the caller to override
    code = (
        "class Neo4j:\n    def __init__(self, host='localhost', username='neo4j', password='neo4j'):\n"
        "        self.auth = (username, password)\n"
    )
    assert _confidence(code, "SLS201") == ["low"]
    assert _confidence(code.replace("username='neo4j'", "username='admin'"), "SLS201") == ["medium"]


def test_a_lazy_imports_target_is_no_secret():
    # BentoML's package maps public names to where a lazy import finds them
    code = "_LAZY = {\n    'ApiToken': '._internal.cloud.api_token:ApiToken',\n}\n"
    assert _confidence(code, "SLS201") == []
    assert _confidence(code.replace("._internal.cloud.api_token:ApiToken", "q8Zr4Lm2Xv9Tp0Wk7Ys3"), "SLS201") == ["high"]


def test_a_container_literal_or_an_item_of_a_record_is_no_secret_text():
    """`chunk_of_signatures != []` compares a list with an empty one; `signature_value.get(key)`
    is one item, under a key the code does not name, of a record named for what it describes.
    A plural mapping (`tokens.get(user)`) names its items, and a key the code spells names the item."""
    code = "def flush(chunk_of_signatures, token):\n    if chunk_of_signatures != []:\n        return 1\n"
    assert _confidence(code, "SLS303") == []
    assert _confidence(code.replace("!= []", "!= token"), "SLS303") == ["medium"]
    code = (
        "from flask import request\n\ndef filtered(items):\n    for name, signature_value in items:\n"
        "        for key in request.args:\n            if signature_value.get(key) != request.args[key]:\n                return False\n    return True\n"
    )
    assert _confidence(code, "SLS303") == []
    assert _confidence(code.replace("signature_value", "signatures"), "SLS303") == ["medium"]
    assert _confidence(code.replace("signature_value.get(key)", "signature_value.get('sig')"), "SLS303") == ["medium"]


def test_rows_looked_up_by_a_parameters_password_are_the_audit_tier():
    """A query that finds rows by a password (a column compared inside `.filter()`, a keyword of
    `filter_by`) is reported as plain-text storage when the password is request data; a
    parameter's value may be a stored credential the caller holds (a store of credentials for
    other systems keeps them as they are), so that is the audit tier, except in login code."""
    code = (
        "from flask import request\nfrom sqlalchemy import select\n\n\nclass Store:\n"
        "    def get_credential(self, username, password):\n"
        "        q = select(self.Credentials).filter(self.Credentials.c.username == username, self.Credentials.c.password == password)\n"
        "        return self.db.execute(q).first()\n"
    )
    assert _confidence(code, "SLS305") == ["low"]
    assert _confidence(code.replace("== password)", "== request.form['password'])"), "SLS305") == ["medium"]
    lookup = "from flask import request\n\n\ndef find(User, password):\n    return User.query.filter_by(password=password).first()\n"
    assert _confidence(lookup, "SLS305") == ["low"]
    assert _confidence(lookup.replace("password=password", "password=request.form['password']"), "SLS305") == ["medium"]
    # in code named for logging in, the lookup is the login, whoever passes the password
    assert _confidence(lookup.replace("def find(", "def login("), "SLS305") == ["medium"]


def test_a_token_compared_with_a_number_is_no_secret():
    # a parser's token index compared with arithmetic: `x - 1` and `x + 1` are numbers
    code = (
        "def balanced(delimiters, i, start, end):\n"
        "    return delimiters[i - 1].token == start.token - 1 and delimiters[start.end + 1].token == end.token + 1\n"
    )
    assert _confidence(code, "SLS303") == []
    assert _confidence(code.replace("start.token - 1", "start.token"), "SLS303") != []
