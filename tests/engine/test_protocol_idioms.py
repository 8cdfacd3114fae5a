"""Idioms that look like a weakness line by line but are a protocol's own shape: a value read
and handed straight back, an endpoint a single sign-on provider posts to from its own site."""

from __future__ import annotations

from tests.engine.test_engine import _analyzed, _confidence, _low_until_undone, _quiet_until_undone, rules


def _messages(code: str, rule: str) -> list[str]:
    return [f.message for f in _analyzed(code).findings if f.rule_id == rule]


def test_a_umask_read_at_import_time_and_restored_by_the_next_statement_is_not_permissive():
    # there is no call that only reads the umask: programs set one and put the old one back
    code = "import os\n\nUMASK = os.umask(0)\nos.umask(UMASK)\n\nlog = open('app.log', 'a')\n"
    _quiet_until_undone("SLS502", code, "os.umask(UMASK)\n", "print(UMASK)\n")
    # something runs between the two: what it creates is world-writable
    assert _confidence(code.replace("os.umask(UMASK)\n", "open('a.log', 'a')\nos.umask(UMASK)\n"), "SLS502") == ["high"]
    # the next statement hands back another name: the zero umask stays
    assert _confidence(code.replace("os.umask(UMASK)\n", "os.umask(OTHER)\n"), "SLS502") == ["high"]


def test_a_csrf_exempt_view_that_completes_single_sign_on_is_the_audit_tier():
    # the identity provider posts the OAuth answer from its own site; social-core checks `state`
    code = (
        "from django.views.decorators.csrf import csrf_exempt\nfrom social_core.actions import do_complete\n\n"
        "@csrf_exempt\ndef complete(request, backend):\n"
        "    return do_complete(request.backend, login, user=request.user, request=request)\n"
    )
    _low_until_undone("SLS810", code, "return do_complete(", "return finish(", "medium")
    # a SAML logout endpoint: python3-saml reads and verifies the provider's LogoutRequest
    saml = (
        "from django.views.decorators.csrf import csrf_exempt\n\n"
        "@csrf_exempt\ndef single_logout(request):\n    auth = build_auth(request)\n"
        "    url = auth.process_slo(delete_session_cb=lambda: logout(request), keep_local_session=not request.user.is_authenticated)\n"
        "    return redirect(url)\n"
    )
    _low_until_undone("SLS810", saml, "auth.process_slo(", "auth.finish(", "medium")
    # LTI 1.3: the learning platform posts the login initiation, then the signed launch, from its own site
    head = (
        "from django.utils.decorators import method_decorator\nfrom django.views import View\n"
        "from django.views.decorators.csrf import csrf_exempt\nfrom pylti1p3.message_launch import MessageLaunch\n"
        "from pylti1p3.oidc_login import OIDCLogin\n\n@method_decorator(csrf_exempt, name='dispatch')\n"
    )
    login = head + (
        "class Login(View):\n    def post(self, request):\n"
        "        login = OIDCLogin(adapt(request), tool_config(), session_service=sessions(request))\n"
        "        request.session['lti'] = True\n        return login.redirect(request.POST['target_link_uri'])\n"
    )
    _low_until_undone("SLS810", login, "login = OIDCLogin(", "login = Other(", "medium")
    launch = head + (
        "class Launch(View):\n    def post(self, request):\n"
        "        launch = MessageLaunch(adapt(request), tool_config(), session_service=sessions(request))\n"
        "        data = launch.get_launch_data()\n        request.session['lti_user'] = data['sub']\n        return redirect('/')\n"
    )
    _low_until_undone("SLS810", launch, "launch.get_launch_data()", "launch.data()", "medium")


def test_an_assert_on_the_value_just_stored_is_judged_by_that_value():
    # a handler put request data on `self` before; the boundary it stores next is the server's own
    code = (
        "import secrets\nfrom tornado import web\n\nclass Upload(web.RequestHandler):\n    def prepare(self):\n"
        "        self.length = self.request.headers.get('Content-Length', 0)\n"
        "        self.boundary = 'B-' + secrets.token_hex(16)\n        assert len(self.boundary) <= 70\n"
    )
    _quiet_until_undone("SLS130", code, "self.boundary = 'B-'", "self.other = 'B-'")
    # the value stored from itself and the request: still the request's (and the walk ends)
    again = (
        "from flask import request\n\ndef size():\n    n = request.args['n']\n    n = n + n\n    assert n.isdigit()\n    return int(n)\n"
    )
    assert _confidence(again, "SLS130") == ["high"]


def test_a_hash_in_a_challenge_response_answer_is_the_audit_tier():
    # MySQL's native password answer: the server's protocol fixes how the password is hashed
    scramble = (
        "import hashlib\n\ndef scramble_password(password, salt):\n"
        "    stage1 = hashlib.sha1(password.encode()).digest()\n"
        "    return bytes(a ^ b for a, b in zip(stage1, hashlib.sha256(salt).digest()))\n"
    )
    _low_until_undone("SLS301", scramble, "def scramble_password(", "def hash_password(", "high")
    # an NTLM session key: MD5 of the two challenges, as the protocol says
    ntlm = (
        "import hashlib\n\ndef ntlm_session_response(server_challenge, client_challenge):\n"
        "    session = hashlib.md5(server_challenge + client_challenge).digest()\n    return session[:8]\n"
    )
    _low_until_undone("SLS302", ntlm, "def ntlm_session_response(", "def make_session(", "medium")


def test_a_kdf_whose_salt_another_service_answered_is_the_audit_tier():
    # a login protocol: the service answers its salt, and its derivation fixes the count
    code = (
        "import hashlib\n\ndef login(api, user, password):\n    answer = api.api_request(a='prelogin', user=user)\n"
        "    salt = bytes.fromhex(answer['s'])\n"
        "    return hashlib.pbkdf2_hmac('sha512', password.encode(), salt, 100_000)\n"
    )
    _low_until_undone("SLS307", code, "answer = api.api_request(", "answer = api.lookup_row(", "high")
    # a salt read from a file the program keeps is its own choice, not another service's
    stored = code.replace("answer = api.api_request(a='prelogin', user=user)", "answer = json.load(open(user + '.json'))")
    assert _confidence("import json\n" + stored, "SLS307") == ["high"]


def test_a_format_among_a_table_of_hash_formats_is_the_audit_tier_for_its_cost_and_key():
    table = (
        "\n\nFORMATS = {'oracle': oracle_passwd, 'wordpress': wordpress_passwd, 'md5': md5_passwd}\n"
    )
    oracle = (
        "import hashlib\nimport hmac\n\ndef oracle_passwd(password, salt):\n"
        "    return hashlib.pbkdf2_hmac('sha512', password.encode(), salt, 4096, 64)\n\n"
        "def wordpress_passwd(password, salt):\n"
        "    return hmac.new(b'wp-sha384', password.encode(), hashlib.sha384).hexdigest()\n\n"
        "def md5_passwd(password, salt):\n    return password\n"
    )
    assert _confidence(oracle + table, "SLS307") == ["low"]
    assert _confidence(oracle + table, "SLS318") == ["low"]
    # the same functions in no table: the program's own choices
    assert _confidence(oracle, "SLS307") == ["high"]
    assert _confidence(oracle, "SLS318") != ["low"]


def test_a_salt_drawn_once_from_few_values_is_the_audit_tier():
    # sixteen values, written in clear beside what it salts: predicting it reveals nothing
    code = "import random\n\ndef encode(value):\n    salt = random.randrange(0, 16)\n    return format(salt, '02x') + value\n"
    _low_until_undone("SLS304", code, "random.randrange(0, 16)", "random.randrange(0, 2**32)", "medium")
    # a session id of a hundred values is a secret, weaker still: reported as usual
    session = "import random\nfrom flask import session\n\ndef start():\n    session['id'] = random.randint(1, 100)\n"
    assert _confidence(session, "SLS304") == ["medium"]
    # six draws of ten values each make a salt of a million
    digits = "import random\n\ndef make_salt():\n    return ''.join(str(random.randint(0, 9)) for _ in range(6))\n"
    assert _confidence(digits, "SLS304") == ["medium"]
    # two draws joined in one statement: judged as usual
    joined = "import random\n\ndef pin():\n    salt = f'{random.randint(0, 999)}{random.randint(0, 999)}'\n    return salt\n"
    assert _confidence(joined, "SLS304") == ["medium"]  # one finding per statement


def test_a_socket_that_joins_a_multicast_group_binds_the_wildcard_to_receive_it():
    # an SSDP listener: the group's datagrams reach only a wildcard-bound socket on every system
    code = (
        "import socket\n\ndef listen(interfaces):\n    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)\n"
        "    sock.bind(('', 1900))\n    for address in interfaces:\n"
        "        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton('239.255.255.250') + socket.inet_aton(address))\n"
        "    while True:\n        data, peer = sock.recvfrom(4096)\n        handle(data, peer)\n"
    )
    _low_until_undone("SLS503", code, "socket.IP_ADD_MEMBERSHIP", "socket.IP_MULTICAST_TTL", "medium")
    # another socket's membership says nothing of this one
    assert _confidence(code.replace("        sock.setsockopt(socket.IPPROTO_IP", "        other.setsockopt(socket.IPPROTO_IP"), "SLS503") == ["medium"]
    # the socket made a member by a method of the class that returns it (Moonraker's SSDP server)
    helper = (
        "import socket\n\nclass Ssdp:\n    def _create_socket(self):\n        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton('239.255.255.250') + socket.inet_aton('0.0.0.0'))\n"
        "        return sock\n\n    def start(self):\n        sock = self._create_socket()\n        sock.bind(('', 1900))\n        self.sock = sock\n"
    )
    _low_until_undone("SLS503", helper, "socket.IP_ADD_MEMBERSHIP", "socket.IP_MULTICAST_TTL", "medium")


def test_flasks_debug_flag_without_app_run_in_the_module_installs_no_debugger():
    # the app is handed to another WSGI server: only app.run() reads the flag to start Werkzeug's debugger
    code = (
        "from flask import Flask\nfrom gevent import pywsgi\n\napp = Flask(__name__)\napp.config['DEBUG'] = True\n\n"
        "def serve(host, port):\n    pywsgi.WSGIServer((host, port), app).serve_forever()\n"
    )
    _low_until_undone("SLS504", code, "pywsgi.WSGIServer((host, port), app).serve_forever()", "app.run(host, port)", "high")
    # the flag set in a method, app.run() in another top-level statement of the module: still the debugger
    started = (
        "from flask import Flask\n\nclass Web:\n    def __init__(self):\n        self.app = Flask(__name__)\n        self.app.debug = True\n\n"
        "if __name__ == '__main__':\n    Web().app.run()\n"
    )
    assert _confidence(started, "SLS504") == ["high"]
    assert _confidence(started.replace("    Web().app.run()\n", "    serve(Web().app)\n"), "SLS504") == ["low"]


def test_credentials_sent_to_a_single_label_host_stay_on_this_machines_networks():
    # a container's service name (Home Assistant's `supervisor`) is resolved on the host's own network
    code = (
        "import os\nimport requests\n\ndef login(username, password):\n"
        "    headers = {'X-Supervisor-Token': os.environ['SUPERVISOR_TOKEN']}\n"
        "    return requests.post('http://supervisor/auth', headers=headers, json={'username': username, 'password': password}, timeout=30)\n"
    )
    _low_until_undone("SLS407", code, "http://supervisor/auth", "http://supervisor.example.com/auth", "high")
    # a host left to a format placeholder is not known to be one label
    formatted = code.replace("'http://supervisor/auth'", "'http://%s:%s/auth' % (host, port)").replace("def login(username, password)", "def login(host, port, username, password)")
    assert _confidence(formatted, "SLS407") == ["high"]


def test_a_request_inside_a_green_thread_timeout_is_cut_off_with_green_sockets():
    # eventlet's Timeout raises in the greenlet at its next green I/O (the worker pool monkey-patches sockets)
    code = (
        "import requests\nfrom eventlet import Timeout\n\ndef crawl(url):\n    with Timeout(5, False):\n"
        "        response = requests.get(url)\n        return response.text\n"
    )
    _low_until_undone("SLS604", code, "from eventlet import Timeout", "from contextlib import nullcontext as Timeout", "high")


def test_a_request_signature_made_with_a_key_in_the_code_and_only_sent_is_the_audit_tier():
    # a site's API asks for an HMAC of the request path made with the key its own app ships
    signed_url = (
        "import hashlib, hmac, time\n\ndef sign_url(path, download):\n"
        "    path = f'/auth/sign?ts={int(time.time())}&path={path}'\n"
        "    sig = hmac.new(b'client-key-from-the-app', path.encode(), hashlib.sha256).hexdigest()\n"
        "    return download(f'https://api.example.com{path}&sig={sig}')\n"
    )
    _low_until_undone("SLS318", signed_url, "return download(f'https://api.example.com{path}&sig={sig}')", "return sig", "medium")
    # base64-encoded first, then given as a request's query parameter
    query = (
        "import base64, hashlib, hmac, requests\n\ndef fetch(url, stamp):\n"
        "    md = base64.b64encode(hmac.new(b'client-key-from-the-app', f'{url}{stamp}'.encode(), hashlib.sha1).digest()).decode()\n"
        "    return requests.get(url, params={'stamp': stamp, 'md': md})\n"
    )
    _low_until_undone("SLS318", query, "requests.get(url, params=", "cache.set(url, ", "medium")
    # the same key signing what the program then checks itself: its own MAC key
    check = "import hashlib, hmac\n\ndef valid(body, given):\n    return hmac.new(b'client-key-from-the-app', body, hashlib.sha256).hexdigest() == given\n"
    assert _confidence(check, "SLS318") == ["medium"]


def test_a_token_read_unverified_only_for_its_issuer_is_the_audit_tier():
    # the issuer and audience pick the registered platform; its library checks the signed launch
    code = (
        "import jwt\n\ndef launch(request, platforms):\n"
        "    unverified = jwt.decode(request.POST['id_token'], options={'verify_signature': False})\n"
        "    platform = platforms.get(issuer=unverified.get('iss'), client_id=unverified.get('aud'))\n"
        "    return platform.launch(request)\n"
    )
    _low_until_undone("SLS319", code, "client_id=unverified.get('aud')", "user=unverified.get('sub')", "high")
    # the unverified claims handed on whole: whoever gets them may trust any of them
    whole = code.replace("return platform.launch(request)", "return platform.launch(request, unverified)")
    assert _confidence(whole, "SLS319") == ["high"]


def test_a_password_hash_appended_to_a_request_url_is_the_services_format():
    # the share's API takes the password's SHA-256 as a query parameter
    code = (
        "import hashlib, requests\n\ndef fetch(share, password):\n"
        "    hashed = hashlib.sha256(password.encode()).hexdigest()\n"
        "    url = f'https://api.example.com/contents/{share}'\n"
        "    url += f'?password={hashed}'\n"
        "    return requests.get(url, timeout=10).json()\n"
    )
    _low_until_undone("SLS301", code, "return requests.get(url, timeout=10).json()", "return db.execute(url)", "high")


def test_a_random_id_only_sent_in_requests_to_another_service_is_the_audit_tier():
    # a captcha key the site asks for, sent in its URL and form: that site's protocol value,
    # whatever word names it (not only a salt or a nonce)
    code = (
        "import random\n\nclass Site:\n    def solve(self, url):\n"
        "        captcha_key = str(random.randint(1, 100_000_000))\n"
        "        image = self.load('http://files.example.com/captcha.gif', get={'x': captcha_key})\n"
        "        return self.load(url, post={'captcha_key': captcha_key, 'captcha': self.read(image)})\n"
    )
    _low_until_undone("SLS304", code, "return self.load(url, post=", "return self.db.save(", "medium")
    # a code a person must type back stays reported even when an SMS API carries it
    otp = code.replace("captcha_key", "otp_code")
    assert _confidence(otp, "SLS304") == ["medium"]


def test_a_request_signature_made_in_a_client_of_another_service_is_the_audit_tier():
    # a site's API client: the class sends requests, and the method only builds the signature
    # that site asks for (through steps `use` cannot follow): that site's protocol chose MD5
    code = (
        "import hashlib, time\n\nclass SiteIE:\n    def _token(self, path):\n"
        "        ts = int(time.time())\n        sig = hashlib.md5(f'KEY{ts}{path}'.encode()).hexdigest()\n"
        "        return ''.join(chr(ord(c) ^ 1) for c in sig)\n\n"
        "    def _real_extract(self, url):\n        return self._download_json(url, 'id', query={'st': self._token('/p')})\n"
    )
    _low_until_undone("SLS302", code, "return self._download_json(url, 'id', query=", "return self.render(url, 'id', query=", "medium")
    # the class also checks a signature it receives with the same hash: a verifier, reported
    checked = code.replace("        return ''.join(", "        if sig != self.given:\n            raise ValueError\n        return ''.join(")
    assert _confidence(checked, "SLS302") == ["medium"]


def test_a_random_value_put_in_a_query_parsed_from_a_url_and_sent_is_the_audit_tier():
    # the site's query is parsed into a new dict, filled with the nonce it asks for, then sent;
    # the nonce also seeds the key for the site's own reply: both ends of it are public
    code = (
        "import random, string\nfrom urllib.parse import parse_qs\n\nclass SiteIE:\n    def _real_extract(self, url):\n"
        "        query = parse_qs(url)\n"
        "        seed = ''.join(random.choices(string.ascii_letters, k=8))\n        query['_s'] = seed\n"
        "        page = self._download_webpage(url, 'id', query=query)\n"
        "        key = seed + page[:8]\n        return self.rc4(page, key)\n"
    )
    _low_until_undone("SLS304", code, "query = parse_qs(url)", "query = self.state", "medium")


def test_a_code_shown_to_whoever_runs_the_command_and_typed_back_is_not_a_secret():
    # "type this to confirm": the one who must type the code is the one it is shown to
    code = (
        "import random, string\n\nclass Cog:\n    async def confirm(self, ctx, prompt):\n"
        "        token = ''.join(random.choices(string.ascii_letters, k=8))\n"
        "        await ctx.send(f'{prompt} {token}')\n"
        "        answer = await ctx.bot.wait_for('message', timeout=30)\n"
        "        return answer.content.strip() == token\n"
    )
    _quiet_until_undone("SLS304", code, "await ctx.send(f'{prompt} {token}')", "await self.sms.send(f'{prompt} {token}')")
    # the same code kept for a later request: a secret of its own
    kept = code.replace("        return answer", "        self.pending[ctx.author] = token\n        return answer")
    assert _confidence(kept, "SLS304") == ["medium"]


def test_a_password_hashed_by_a_helper_only_service_clients_call_is_the_audit_tier():
    # the module's plugin logs in to a site whose API asks for md5(salt + password): the helper
    # that computes it is called only by the class that sends the requests
    code = (
        "import hashlib\nimport requests\n\n\ndef login_digest(password, salt):\n"
        "    return hashlib.md5((salt + password).encode()).hexdigest()\n\n\n"
        "class ShareClient:\n    def signin(self, user, password, salt):\n"
        "        return requests.post('https://share.example.com/login', data={'user': user, 'pw': login_digest(password, salt)})\n"
    )
    _low_until_undone("SLS301", code, "requests.post(", "self.save(", "high")
    # the same helper also called by code that stores what it returns: a verifier too
    stored = code + "\n\ndef register(db, user, password):\n    db.insert({'user': user, 'pw': login_digest(password, '')})\n"
    assert _confidence(stored, "SLS301") == ["high"]
    # the client class also compares what the helper returns: a verifier it checks
    checked = code + "\n    def check(self, stored, password):\n        return stored == login_digest(password, '')\n"
    assert _confidence(checked, "SLS301") == ["high"]
    # a helper that writes the hash to a database itself, whoever calls it
    writes = code.replace("    return hashlib.md5(", "    db.add(password)\n    return hashlib.md5(")
    assert _confidence(writes, "SLS301") == ["high"]


_LEGACY_JOURNAL = (
    "import base64\nfrom cryptography.fernet import Fernet\nfrom cryptography.hazmat.primitives import hashes\n"
    "from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC\n\nSALT = b'0123456789abcdef'\n\n"
    "class LegacyJournal:\n    def __init__(self, password):\n"
    "        kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=SALT, iterations=100_000)\n"
    "        self._key = base64.urlsafe_b64encode(kdf.derive(password.encode()))\n\n"
    "    def read(self, text):\n        return Fernet(self._key).decrypt(text).decode()\n"
)


def test_a_key_that_only_decrypts_an_older_format_is_the_audit_tier():
    # the salt and the count are the format's, fixed by the files already written
    _low_until_undone("SLS306", _LEGACY_JOURNAL, ".decrypt(text)", ".encrypt(text)", "high")
    _low_until_undone("SLS307", _LEGACY_JOURNAL, ".decrypt(text)", ".encrypt(text)", "high")


def test_a_file_named_by_a_server_the_program_called_is_the_audit_tier():
    """A GitHub contents listing's entries saved under a local folder: the program chose that
    server, so a `../` in a name needs its owner (or whoever took it over): the audit tier. The
    same name from the program's own client is reported."""
    code = (
        "import os\nimport requests\nfrom flask import request\n\n"
        "def install(folder):\n"
        "    listing = requests.get('https://api.github.com/repos/acme/skills/contents/', timeout=10).json()\n"
        "    for entry in listing:\n"
        "        with open(os.path.join(folder, entry['name']), 'wb') as out:\n"
        "            out.write(requests.get(entry['download_url'], timeout=10).content)\n"
    )
    _low_until_undone("SLS110", code, "entry['name']", "request.args['name']", "high")


def test_a_spent_code_matched_before_the_real_check_is_refused_not_accepted():
    """`if given == last_used: return False` refuses a replayed one-time code: timing it teaches
    nothing worth having. The same match answering yes accepts the guess, and is reported."""
    code = (
        "def check(self, user, totp_value):\n"
        "    last_totp_value = self.last_value(user)\n"
        "    if last_totp_value is not None and totp_value == last_totp_value:\n"
        "        return False\n"
        "    return self.verify(user, totp_value)\n"
    )
    _quiet_until_undone("SLS303", code, "return False", "return True")


def test_a_tokenizers_special_token_is_a_marker_in_text_not_a_secret():
    """`citation_id != unk_token`: the tokenizer's unknown-word marker, compared to drop unknown
    citations; no one guesses it. A `refresh_token` compared the same way is reported."""
    code = (
        "def render(citation_id, text, unk_token='[UNK]'):\n"
        "    return text if citation_id != unk_token else ''\n"
    )
    _quiet_until_undone("SLS303", code, "unk_token", "refresh_token")


def test_a_validator_that_answers_none_on_a_match_accepts_it():
    """`if code == session_otp: return` in a validator that raises otherwise: the match is the
    success path, and the guess is timed."""
    code = (
        "def validate(session, code):\n"
        "    email_otp = session.get('mfa_email_code')\n"
        "    if code is not None and email_otp is not None and code == email_otp:\n"
        "        return\n"
        "    raise ValueError('bad code')\n"
    )
    assert "SLS303" in rules(code)


def test_a_module_named_test_or_tests_is_test_code():
    """Django's test settings (`settings/test.py`) speed logins up with MD5PasswordHasher, as
    Django's documentation advises; an app's `tests.py` holds its tests. Production settings with
    the same line are reported."""
    from tests.engine.test_engine import ENGINE

    settings = 'INSTALLED_APPS = ["django.contrib.auth"]\nROOT_URLCONF = "site.urls"\nPASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\n'
    for path in ("site/settings/test.py", "site/tests.py", "site/testing.py"):
        assert "SLS301" not in [f.rule_id for f in ENGINE.analyze(settings, path=path).findings]
    assert "SLS301" in [f.rule_id for f in ENGINE.analyze(settings, path="site/settings/production.py").findings]


def test_an_item_copied_into_a_name_is_checked_with_it():
    """`cls = data["cls"]`, then `if cls in ALLOWED:`: `data["cls"]` read again in the branch is
    the value the allow-list admitted (ajenti's task start)."""
    code = (
        "import json\nfrom flask import request\n\nALLOWED = ('a.B', 'c.D')\n\n"
        "def start():\n"
        "    data = json.loads(request.data)\n"
        "    cls_full_path = data['cls']\n"
        "    if cls_full_path in ALLOWED:\n"
        "        modulename, clsname = data['cls'].rsplit('.', 1)\n"
        "        return getattr(__import__(modulename, fromlist=['']), clsname)()\n"
    )
    _quiet_until_undone("SLS133", code, "if cls_full_path in ALLOWED:", "if cls_full_path:")


def test_an_rpc_dispatch_that_refuses_private_names_is_the_audit_tier():
    """`if func.startswith("_"): return 403` then `getattr(api, func)(...)`: the object's public
    methods are its API (as xmlrpc dispatches); without the refusal it is reported."""
    code = (
        "from flask import Flask, jsonify\nfrom .api import API\n\napp = Flask(__name__)\n\n"
        "@app.route('/api/<func>')\n"
        "def rpc(func):\n"
        "    if func.startswith('_'):\n"
        "        return jsonify({'error': 'Forbidden'}), 403\n"
        "    return jsonify(getattr(API, func)())\n"
    )
    _low_until_undone("SLS133", code, "if func.startswith('_'):", "if func == '':", "high")


def test_legacy_crypto_in_code_that_implements_a_published_protocol_is_the_audit_tier():
    # NTLM seals with RC4: a class named for the protocol cannot pick another cipher
    cipher = (
        "from Crypto.Cipher import ARC4\n\n"
        "class SPNEGOCipher:\n    def __init__(self, key):\n        self.handle = ARC4.new(key)\n\n"
        "    def seal(self, data):\n        return self.handle.encrypt(data)\n"
    )
    _low_until_undone("SLS310", cipher, "class SPNEGOCipher", "class SessionCipher", "high")
    # a function citing the specification it implements, in its docstring
    hmac_md5 = (
        "import hashlib\nimport hmac\n\n"
        "def session_key(shared_secret, client_challenge, server_challenge):\n"
        '    """[MS-NRPC] 3.1.4.3.2 Strong-key Session-Key"""\n'
        "    return hmac.new(shared_secret, client_challenge + server_challenge, hashlib.md5).digest()\n"
    )
    assert "which [MS-NRPC] fixes here" in _messages(hmac_md5, "SLS316")[0]
    assert "fixes here" not in _messages(hmac_md5.replace("[MS-NRPC] 3.1.4.3.2", "3.1.4.3.2"), "SLS316")[0]
    # ...or in its comments
    ecb = "from Crypto.Cipher import AES\n\ndef generate_subkey(key):\n    # RFC 4493 2.3: L = AES-128(K, const_Zero)\n    return AES.new(key, AES.MODE_ECB).encrypt(bytes(16))\n"
    _low_until_undone("SLS311", ecb, "RFC 4493 2.3", "2.3", "high")
    # a citation in another function of the module says nothing of this one
    elsewhere = ecb.replace("    # RFC 4493 2.3: L = AES-128(K, const_Zero)\n", "") + "\ndef other():\n    # RFC 4493\n    return 1\n"
    assert _confidence(elsewhere, "SLS311") == ["high"]
    # a word that merely starts like a protocol's is not one: `sweep` is no WEP, `sample` no SAMR
    assert _confidence(cipher.replace("SPNEGOCipher", "SweepSampleCipher"), "SLS310") == ["high"]


def test_a_key_a_protocols_own_module_derived_fixes_the_cipher():
    # NTLM's sealing key is an RC4 key: the peer decrypts with RC4, whatever the class is called
    code = (
        "from Crypto.Cipher import ARC4\nfrom impacket import ntlm\n\nclass Connection:\n"
        "    def __init__(self):\n        self.sealing_key = b''\n\n"
        "    def bind(self, flags):\n        self.sealing_key = ntlm.SEALKEY(flags, self.session_key)\n"
        "        self.seal = ARC4.new(self.sealing_key).encrypt\n"
        "        server_key = ntlm.SEALKEY(flags, self.session_key, b'Server')\n        return ARC4.new(server_key)\n"
    )
    assert _confidence(code, "SLS310") == ["low", "low"]
    assert _confidence(code.replace("ntlm.SEALKEY", "keys.SEALKEY"), "SLS310") == ["high", "high"]
    assert "which NTLM fixes here" in _messages(code, "SLS310")[0]
    # a key of the program's own making is not the protocol's
    assert _confidence(code.replace("server_key = ntlm.SEALKEY(flags, self.session_key, b'Server')", "server_key = self.session_key"), "SLS310") == ["low", "high"]


def test_a_file_formats_key_derivation_is_the_formats():
    # OpenSSL's `Salted__` files (and crypto-js) derive key and IV with MD5: a reader must too
    evp = (
        "import hashlib\n\ndef evp_bytestokey(password, salt, key_len, iv_len):\n    d = d_i = b''\n"
        "    while len(d) < key_len + iv_len:\n        d_i = hashlib.md5(d_i + password + salt).digest()\n        d += d_i\n"
        "    return d[:key_len], d[key_len:key_len + iv_len]\n"
    )
    _low_until_undone("SLS301", evp, "def evp_bytestokey", "def stretch", "high")
    # crypt(3)'s SHA-crypt: SHA-512 in the format's own round schedule, to verify legacy hashes
    crypt = "import hashlib\n\ndef sha512_crypt(password, salt):\n    return hashlib.sha512(password + salt + password).digest()\n"
    _low_until_undone("SLS301", crypt, "def sha512_crypt", "def hash_it", "high")


def test_a_module_whose_path_names_a_protocol_fixes_its_legacy_algorithms():
    from secure_ls.engine import protocols

    assert protocols.of_path("/src/impacket/krb5/crypto.py", "/src") == "Kerberos"
    assert protocols.of_path("/src/lib/ntlm.py", "/src") == "NTLM"
    assert protocols.of_path("/src/CTFd/plugins/challenges/__init__.py", "/src") == ""  # a CTF's challenges are no protocol
    assert protocols.of_path("/home/smb/app/views.py", "/home/smb") == ""  # only the part below the project's root
    assert protocols.named_in("_scramble_native", function=True) == "MySQL's password scramble"
    assert protocols.named_in("ChallengeView") is None  # only a function's name says it answers a challenge
    assert protocols.named_in("SAMHashes") == "SAM" and protocols.named_in("SamplesView") is None  # SAM only as a whole word


def test_a_value_compared_with_what_the_code_computed_from_it_alone_is_change_detection():
    # socorro's signature rules: the signature normalised, then compared with itself as it came,
    # to tell whether the normalisation changed it; undone, the other side is a new value
    code = (
        "import re\n\nWHITESPACE = re.compile(r'\\s')\n\n"
        "def action(result):\n    original_sig = result.signature\n    sig = original_sig.strip()\n"
        "    sig = WHITESPACE.sub(' ', sig)\n    sig = ''.join([c for c in sig if c.isprintable()])\n"
        "    if sig != original_sig:\n        result.set_signature(sig)\n    return True\n"
    )
    _quiet_until_undone("SLS303", code, "    sig = original_sig.strip()\n", "    sig = result.other.strip()\n")


def test_a_token_a_signing_serializer_accepted_before_the_comparison_is_no_guess():
    # warehouse's invitation: token_service.loads(token) raises unless the server's key signed
    # it, and every handler leaves; undone, the check is skipped or the token replaced after it
    code = (
        "from pyramid.httpexceptions import HTTPSeeOther\n\n"
        "def verify(request, token_service, invites):\n    token = request.params.get('token')\n    try:\n"
        "        data = token_service.loads(token)\n    except ValueError:\n        return HTTPSeeOther('/')\n"
        "    invite = invites.get(data['user_id'])\n    if invite.token != token:\n        return HTTPSeeOther('/')\n    return data\n"
    )
    _quiet_until_undone("SLS303", code, "token_service.loads(token)", "token_service.loads(other)")
    _quiet_until_undone("SLS303", code, "        return HTTPSeeOther('/')\n    invite", "        data = {}\n    invite")
    _quiet_until_undone("SLS303", code, "    invite = invites", "    token = request.params.get('again')\n    invite = invites")
