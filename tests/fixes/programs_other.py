"""Password hashing (real bcrypt), weak hashes, YAML (real PyYAML), TLS (real ssl contexts),
added imports and ECB."""

from tests.fixes.harness import Program

ACCOUNT = (
    "import hashlib\n\n"
    "class Account:\n"
    "    def __init__(self):\n"
    "        self.pw_hash = None\n\n"
    "    def set_password(self, password):\n"
    "        self.pw_hash = hashlib.sha256(password.encode()).{digest}()\n\n"
    "    def check_password(self, password):\n"
    "        return hashlib.sha256(password.encode()).{digest}() {op} self.pw_hash\n\n"
    "def login(password, attempt):\n"
    "    account = Account()\n"
    "    account.set_password(password)\n"
    "    return account.check_password(attempt)\n"
)
ORM = (
    "class Query:\n"
    "    def __init__(self, rows):\n"
    "        self.rows = rows\n\n"
    "    def filter(self, **match):\n"
    "        return Query([r for r in self.rows if all(r.get(k) == v for k, v in match.items())])\n\n"
    "    def first(self):\n"
    "        return self.rows[0] if self.rows else None\n\n"
)
UNVERIFIED = (
    "import ssl\n\n"
    "def client_context():\n"
    "    ctx = ssl.create_default_context()\n"
    "    ctx.check_hostname = False\n"
    "    ctx.verify_mode = ssl.CERT_NONE\n"
    "    return ctx\n\n"
    "def state():\n"
    "    ctx = client_context()\n"
    "    return ctx.verify_mode == ssl.CERT_REQUIRED, ctx.check_hostname\n"
)


def became(value):
    return lambda before, after: after.error is None and after.value == value and before.value != value


def digest_changed(before, after):
    return before.error is None and after.error is None and before.value != after.value and len(after.value) == 64


def tag_refused(before, after):
    return before.error is None and after.error == "ConstructorError"


LDAP = (
    "from ldap3 import Connection\n\n"
    "class Directory:\n"
    "    def __init__(self, entries):\n"
    "        self.entries = entries\n\n"
    "    def search(self, base, search_filter):\n"
    "        return [dn for dn, text in self.entries if text in search_filter or search_filter == '(uid=*)']\n\n"
    "DIRECTORY = Directory([('uid=ann', '(uid=ann)'), ('uid=bob', '(uid=bob)')])\n"
)

PROGRAMS = [
    # ---- passwords to bcrypt -------------------------------------------------------------
    Program(
        "bcrypt-account-hexdigest",
        "SLS301",
        ACCOUNT.format(digest="hexdigest", op="=="),
        "unsafe",
        [
            ("login('s3cret', 's3cret')", "same"),
            ("login('s3cret', 'guess')", "same"),
            ("login('pässwörd', 'pässwörd')", "same"),
            ("Account().check_password('anything')", "same"),
            ("(lambda a: (a.set_password('pw'), a.pw_hash)[1])(Account())", lambda b, a: len(b.value) == 64 and a.value.startswith("$2b$")),
        ],
        title_has="bcrypt.checkpw",
    ),
    Program(
        "bcrypt-account-digest-bytes",
        "SLS301",
        ACCOUNT.format(digest="digest", op="=="),
        "unsafe",
        [("login('pw', 'pw')", "same"), ("login('pw', 'pW')", "same"), ("Account().check_password('pw')", "same")],
    ),
    Program(
        "bcrypt-account-not-equal",
        "SLS301",
        ACCOUNT.format(digest="hexdigest", op="!="),
        "unsafe",
        [("login('pw', 'pw')", "same"), ("login('pw', 'other')", "same"), ("Account().check_password('pw')", "same")],
    ),
    Program(
        "bcrypt-lookup-by-hash-is-refused",
        "SLS301",
        "import hashlib\n\n" + ORM + "USERS = Query([{'name': 'ann', 'password': hashlib.md5(b'pw').hexdigest()}])\n\n"
        "def authenticate(name, password):\n    return USERS.filter(name=name, password=hashlib.md5(password.encode()).hexdigest()).first()\n",
        "none",
        [("authenticate('ann', 'pw')", "same"), ("authenticate('ann', 'no')", "same")],
    ),
    Program(
        "bcrypt-document-lookup-is-refused",
        "SLS301",
        "import hashlib\n\nclass Collection:\n    def __init__(self):\n        self.docs = []\n\n    def insert_one(self, doc):\n        self.docs.append(doc)\n\n"
        "    def find_one(self, match):\n        return next((d for d in self.docs if all(d.get(k) == v for k, v in match.items())), None)\n\n"
        "class Repo:\n    def __init__(self):\n        self.users = Collection()\n\n"
        "    def add(self, name, password):\n        self.users.insert_one({'name': name, 'password': hashlib.sha256(password.encode()).hexdigest()})\n\n"
        "    def login(self, name, password):\n        return self.users.find_one({'name': name, 'password': hashlib.sha256(password.encode()).hexdigest()}) is not None\n\n"
        "def attempt(password, guess):\n    repo = Repo()\n    repo.add('ann', password)\n    return repo.login('ann', guess)\n",
        "none",
        [("attempt('pw', 'pw')", "same"), ("attempt('pw', 'no')", "same")],
    ),
    Program(
        "bcrypt-where-clause-is-refused",
        "SLS301",
        "import hashlib\nimport sqlite3\n\nDB = sqlite3.connect(':memory:')\nDB.execute('CREATE TABLE users (name TEXT, pw TEXT)')\n"
        "DB.execute('INSERT INTO users VALUES (?, ?)', ('ann', hashlib.sha256(b'pw').hexdigest()))\n\n"
        "def authenticate(name, password):\n    pw_hash = hashlib.sha256(password.encode()).hexdigest()\n"
        "    return DB.execute('SELECT name FROM users WHERE name = ? AND pw = ?', (name, pw_hash)).fetchall()\n",
        "none",
        [("authenticate('ann', 'pw')", "same"), ("authenticate('ann', 'x')", "same")],
    ),
    Program(
        "bcrypt-returned-hash-is-refused",
        "SLS301",
        "import hashlib\n\ndef hash_password(password):\n    return hashlib.md5(password.encode()).hexdigest()\n\n"
        "def check(password, stored):\n    return hash_password(password) == stored\n",
        "none",
        [("check('pw', hash_password('pw'))", "same"), ("check('pw', hash_password('x'))", "same")],
    ),
    Program(
        "bcrypt-store-without-check-in-reach-is-refused",
        "SLS301",
        "import hashlib\n\nclass User:\n    pass\n\ndef register(user, password):\n    user.password_hash = hashlib.sha1(password.encode()).hexdigest()\n    return user.password_hash\n",
        "none",
        [("register(User(), 'pw')", "same")],
    ),
    # the stored hash also matched on elsewhere: a salted bcrypt hash never equals another, nor
    # finds its entry, so no fix (the message explains the migration)
    Program(
        "bcrypt-hash-compared-with-another-account-is-refused",
        "SLS301",
        ACCOUNT.format(digest="hexdigest", op="==").replace(
            "\ndef login", "    def same_password_as(self, other):\n        return self.pw_hash == other.pw_hash\n\ndef login"
        )
        + "\ndef same_password(first, second):\n    a, b = Account(), Account()\n    a.set_password(first)\n    b.set_password(second)\n    return a.same_password_as(b)\n",
        "none",
        [("same_password('pw', 'pw')", "same"), ("same_password('pw', 'other')", "same"), ("login('pw', 'pw')", "same")],
    ),
    Program(
        "bcrypt-hash-as-lookup-key-is-refused",
        "SLS301",
        "import hashlib\n\nACCOUNTS = {}\n\nclass Account:\n    def __init__(self, name):\n        self.name = name\n        self.pw_hash = None\n\n"
        "    def set_password(self, password):\n        self.pw_hash = hashlib.sha256(password.encode()).hexdigest()\n        ACCOUNTS[self.pw_hash] = self\n\n"
        "    def check_password(self, password):\n        return hashlib.sha256(password.encode()).hexdigest() == self.pw_hash\n\n"
        "def holder_of(password):\n    Account('ann').set_password('pw')\n    found = ACCOUNTS.get(hashlib.sha256(password.encode()).hexdigest())\n    return found and found.name\n",
        "none",
        [("holder_of('pw')", "same"), ("holder_of('no')", "same")],
    ),
    Program(
        "bcrypt-hash-compared-in-another-function-is-refused",
        "SLS301",
        ACCOUNT.format(digest="hexdigest", op="==") + "\n"
        "def shared_password(accounts):\n    return [(a, b) for a in accounts for b in accounts if a is not b and a.pw_hash == b.pw_hash]\n\n"
        "def count_shared(first, second):\n    a, b = Account(), Account()\n    a.set_password(first)\n    b.set_password(second)\n    return len(shared_password([a, b]))\n",
        "none",
        [("count_shared('pw', 'pw')", "same"), ("count_shared('pw', 'x')", "same")],
    ),
    # reads that still work with a bcrypt hash: tests for a password being set, copies
    Program(
        "bcrypt-account-with-presence-tests",
        "SLS301",
        "import hashlib\n\nclass Account:\n    def __init__(self):\n        self.pw_hash = None\n\n"
        "    def set_password(self, password):\n        self.pw_hash = hashlib.sha256(password.encode()).hexdigest()\n\n"
        "    def has_password(self):\n        return self.pw_hash is not None\n\n"
        "    def check_password(self, password):\n        if not self.pw_hash:\n            return False\n"
        "        return hashlib.sha256(password.encode()).hexdigest() == self.pw_hash\n\n"
        "    def copy_to(self, other):\n        other.pw_hash = self.pw_hash\n\n"
        "def login(password, attempt):\n    a, b = Account(), Account()\n    a.set_password(password)\n    a.copy_to(b)\n    return a.has_password(), b.check_password(attempt), Account().has_password()\n",
        "unsafe",
        [("login('pw', 'pw')", "same"), ("login('pw', 'x')", "same"), ("Account().check_password('pw')", "same")],
        title_has="bcrypt.checkpw",
    ),
    # ---- weak hashes ---------------------------------------------------------------------
    Program(
        "weak-hash-cache-key-usedforsecurity",
        "SLS302",
        "import hashlib\n\ndef cache_key(url):\n    return hashlib.md5(url.encode()).hexdigest()\n",
        "safe",
        [("cache_key('https://example.com/a')", "same"), ("cache_key('')", "same")],
        apply="fix",
        fixall_unchanged=True,
        fixed_has=("usedforsecurity=False",),
    ),
    Program(
        "weak-hash-cache-key-sha256-alternative",
        "SLS302",
        "import hashlib\n\ndef cache_key(url):\n    return hashlib.md5(url.encode()).hexdigest()\n",
        "safe",
        [("cache_key('https://example.com/a')", digest_changed)],
        apply="alternative",
        fixed_has=("hashlib.sha256(url.encode())",),
    ),
    Program(
        "weak-hash-etag-hashlib-new",
        "SLS302",
        "import hashlib\n\ndef etag(body):\n    h = hashlib.new('sha1', body)\n    return h.hexdigest()\n",
        "safe",
        [("etag(b'hello')", "same")],
        apply="fix",
        fixall_unchanged=True,
    ),
    Program(
        "weak-hash-token-gets-sha256-only",
        "SLS302",
        "import hashlib\n\ndef make_token(user_id, secret):\n    token = hashlib.md5((secret + user_id).encode()).hexdigest()\n    return token\n",
        "unsafe",
        [("make_token('42', 's')", digest_changed)],
        fixed_lacks=("usedforsecurity",),
        fixall_unchanged=True,
    ),
    Program(
        "weak-hash-session-signing-gets-sha256-only",
        "SLS302",
        "import hashlib\n\ndef sign_session(data, key):\n    return hashlib.sha1(key + data).hexdigest()\n",
        "unsafe",
        [("sign_session(b'user=1', b'k')", digest_changed)],
        fixed_lacks=("usedforsecurity",),
    ),
    # the digest of a credential stands in for it (stored API keys are looked up by it): an
    # identifier-like function name does not make it protect nothing
    Program(
        "weak-hash-api-key-fingerprint-gets-sha256-only",
        "SLS302",
        "import hashlib\n\nAPI_KEYS = {}\n\ndef api_key_fingerprint(api_key):\n    return hashlib.sha1(api_key.encode()).hexdigest()\n\n"
        "def register(owner, api_key):\n    API_KEYS[api_key_fingerprint(api_key)] = owner\n\n"
        "def authenticate(api_key):\n    return API_KEYS.get(api_key_fingerprint(api_key))\n",
        "unsafe",
        [
            ("(register('ann', 'k-123'), authenticate('k-123'), authenticate('k-124'))", "same"),
            ("api_key_fingerprint('k-123')", digest_changed),
        ],
        fixed_lacks=("usedforsecurity",),
        fixall_unchanged=True,
        title_has="SHA-256",
    ),
    Program(
        "weak-hash-session-id-gets-sha256-only",
        "SLS302",
        "import hashlib\n\ndef session_id_hash(session_id):\n    return hashlib.md5(session_id.encode()).hexdigest()\n",
        "unsafe",
        [("session_id_hash('abc')", digest_changed)],
        fixed_lacks=("usedforsecurity",),
        fixall_unchanged=True,
    ),
    # a credential's digest sent in another service's request: that service's protocol, no fix
    Program(
        "weak-hash-credential-sent-to-a-service-is-not-offered",
        "SLS302",
        "import hashlib\n\nimport requests\n\ndef ping(url, session_id):\n    return requests.get(url, params={'s': hashlib.md5(session_id.encode()).hexdigest()}, timeout=5)\n",
        "none",
        [("ping('https://example.com', 'abc')['params']", "same")],
    ),
    # ---- YAML ----------------------------------------------------------------------------
    Program(
        "yaml-config-unsafe-loader",
        "SLS104",
        "import yaml\n\ndef read_config(text):\n    return yaml.load(text, Loader=yaml.Loader)\n",
        "safe",
        [
            ("read_config('a: 1\\nb: [x, y]\\nwhen: 2024-01-02')", "same"),
            ("read_config('')", "same"),
            ("read_config('a: [unclosed')", "same"),
            ("read_config('!!python/object/apply:builtins.len [[1, 2, 3]]')", lambda b, a: b.value == 3 and a.error == "ConstructorError"),
        ],
    ),
    Program(
        "yaml-full-loader",
        "SLS104",
        "import yaml\n\ndef read(stream):\n    return yaml.load(stream, Loader=yaml.FullLoader)\n",
        "safe",
        [("read('k: v\\nn: 3.5\\nflag: yes')", "same"), ("read('- 1\\n- two')", "same")],
    ),
    Program(
        "yaml-load-all",
        "SLS104",
        "import yaml\n\ndef documents(text):\n    return list(yaml.load_all(text, Loader=yaml.Loader))\n",
        "safe",
        [("documents('a: 1\\n---\\nb: 2')", "same"), ("documents('--- !!python/object/apply:builtins.abs [-4]')", lambda b, a: b.value == [4] and a.error == "ConstructorError")],
    ),
    Program(
        "yaml-yamlobject-module-is-unsafe",
        "SLS104",
        "import yaml\n\nclass Point(yaml.YAMLObject):\n    yaml_tag = '!Point'\n\n    def __init__(self, x):\n        self.x = x\n\ndef load(text):\n    return yaml.load(text, Loader=yaml.Loader)\n",
        "unsafe",
        [("load('a: 1')", "same"), ("load('!Point {x: 3}').x", tag_refused)],
        fixall_unchanged=True,
        title_has="registers its own YAML tags",
    ),
    Program(
        "yaml-add-constructor-module-is-unsafe",
        "SLS104",
        "import yaml\n\ndef _env(loader, node):\n    return 'ENV:' + loader.construct_scalar(node)\n\nyaml.add_constructor('!env', _env, Loader=yaml.FullLoader)\n\ndef load(text):\n    return yaml.load(text, Loader=yaml.FullLoader)\n",
        "unsafe",
        [("load('a: 1')", "same"), ("load('p: !env HOME')", tag_refused)],
        fixall_unchanged=True,
    ),
    Program(
        "yaml-dump-roundtrip-module-is-unsafe",
        "SLS104",
        "import yaml\n\ndef save(value):\n    return yaml.dump(value)\n\ndef load(text):\n    return yaml.load(text, Loader=yaml.Loader)\n",
        "unsafe",
        [("load(save({'a': [1, 2]}))", "same"), ("load(save((1, 2)))", tag_refused)],
        fixall_unchanged=True,
    ),
    # ---- TLS -----------------------------------------------------------------------------
    Program(
        "tls-check-hostname-fix-alone-does-not-raise",
        "SLS401",
        UNVERIFIED,
        "unsafe",
        [("state()", became((True, True)))],
        apply="fix",
        index=0,
        title_has="verify_mode = CERT_REQUIRED",
    ),
    Program(
        "tls-verify-mode-fix-alone-does-not-raise",
        "SLS401",
        UNVERIFIED,
        "unsafe",
        [("state()", became((True, False)))],
        apply="fix",
        index=1,
    ),
    Program(
        "tls-both-fixes-together",
        "SLS401",
        UNVERIFIED,
        "unsafe",
        [("state()", became((True, True)))],
    ),
    Program(
        "tls-unverified-context-function",
        "SLS401",
        "import ssl\n\ndef make():\n    ctx = ssl._create_unverified_context()\n    return ctx.verify_mode == ssl.CERT_REQUIRED, ctx.check_hostname\n",
        "unsafe",
        [("make()", became((True, True)))],
        title_has="system's CA store",
    ),
    Program(
        "tls-requests-verify-true",
        "SLS401",
        "import requests\n\ndef fetch(url):\n    return requests.get(url, verify=False, timeout=5)\n",
        "unsafe",
        [("fetch('https://example.com')['verify']", became(True)), ("fetch('https://example.com')['timeout']", "same")],
        fixed_lacks=("certifi",),
    ),
    Program(
        "tls-session-verify-true",
        "SLS401",
        "import requests\n\ndef session():\n    s = requests.Session()\n    s.verify = False\n    return s.verify\n",
        "unsafe",
        [("session()", became(True))],
        fixed_lacks=("certifi",),
    ),
    Program(
        "tls-smtp-starttls-verified",
        "SLS405",
        "import smtplib\n\ndef send(host, user, password):\n    server = smtplib.SMTP(host, 587)\n    server.login(user, password)\n    server.quit()\n",
        "unsafe",
        [("recorded(send, 'mail.example.com', 'u', 'p')", became([("SMTP", [("connect", {}), ("starttls", {"context": "verified"}), ("login", {}), ("quit", {})])]))],
    ),
    Program(
        "tls-imap-starttls-verified",
        "SLS405",
        "import imaplib\n\ndef inbox(host, user, password):\n    with imaplib.IMAP4(host) as imap:\n        imap.login(user, password)\n        return imap.select('INBOX')\n",
        "unsafe",
        [("recorded(inbox, 'imap.example.com', 'u', 'p')", became([("IMAP4", [("connect", {}), ("starttls", {"ssl_context": "verified"}), ("login", {}), ("select", {})])]))],
    ),
    Program(
        "tls-pop-stls-verified",
        "SLS405",
        "import poplib\n\ndef count(host, user, password):\n    box = poplib.POP3(host)\n    box.user(user)\n    box.pass_(password)\n    return box.stat()\n",
        "unsafe",
        [("recorded(count, 'pop.example.com', 'u', 'p')", became([("POP3", [("connect", {}), ("stls", {"context": "verified"}), ("user", {}), ("pass_", {}), ("stat", {})])]))],
    ),
    Program(
        "tls-ftp-tls-prot-p-after-login",
        "SLS404",
        "import ftplib\n\ndef upload(host, user, password):\n    ftp = ftplib.FTP(host)\n    ftp.login(user, password)\n    ftp.storlines('STOR x.txt', None)\n",
        "unsafe",
        [("recorded(upload, 'ftp.example.com', 'u', 'p')", became([("FTP_TLS", [("connect", {"context": "verified"}), ("login", {}), ("prot_p", {}), ("storlines", {})])]))],
    ),
    Program(
        "tls-ftp-login-in-constructor",
        "SLS404",
        "import ftplib\n\ndef listing(host, user, password):\n    with ftplib.FTP(host, user, password) as ftp:\n        ftp.cwd('incoming')\n",
        "unsafe",
        [("recorded(listing, 'ftp.example.com', 'u', 'p')", became([("FTP_TLS", [("connect", {"context": "verified"}), ("prot_p", {}), ("cwd", {})])]))],
    ),
    # ---- where added imports go ------------------------------------------------------------
    Program(
        "imports-after-shebang-and-coding",
        "SLS303",
        "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\ndef check(sig: bytes, expected_sig: bytes):\n    return sig == expected_sig\n",
        "safe",
        [("check(b'a', b'a')", "same"), ("check(b'a', b'b')", "same")],
        fixed_has=("#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nimport hmac\n",),
    ),
    Program(
        "imports-after-docstring-and-future",
        "SLS303",
        '"""Signature checks."""\nfrom __future__ import annotations\n\nimport os\n\ndef check(sig: bytes, expected_sig: bytes):\n    return sig == expected_sig\n',
        "safe",
        [("check(b'a', b'a')", "same"), ("__doc__", "same")],
        fixed_has=("from __future__ import annotations\n\nimport os\nimport hmac\n",),
    ),
    # ---- ECB -----------------------------------------------------------------------------
    Program(
        "ecb-is-not-offered",
        "SLS311",
        "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n\ndef seal(key, block):\n    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()\n    return enc.update(block) + enc.finalize()\n",
        "none",
        [("seal(b'k' * 16, b'0123456789abcdef')", "same")],
    ),
    Program(
        "ldap-value-escaped",
        "SLS123",
        LDAP + "\ndef find(uid):\n    return DIRECTORY.search('ou=people', '(uid=%s)' % uid)\n",
        "safe",
        [("find('ann')", "same"), ("find('nobody')", "same"), ("find('*')", lambda b, a: len(b.value) == 2 and a.value == [])],
        fixed_has=("escape_filter_chars(uid)",),
    ),
    # a filter fragment from configuration inserted as filter syntax, an attribute name: escaping
    # them turns `(objectClass=group)` into `\28objectClass=group\29` (Radicale's group search)
    Program(
        "ldap-filter-syntax-not-escaped",
        "SLS123",
        LDAP + "\ndef groups(group_filter, attr, dn):\n    return DIRECTORY.search('ou=groups', '(&{0}({1}={2}))'.format(group_filter, attr, dn))\n",
        "none",
        [("groups('(uid=ann)', 'member', 'x')", "same")],
    ),
    # the file imports the library only where it is used (an optional dependency): an import
    # added at the top makes the module fail to import where it is missing
    Program(
        "ldap-optional-dependency-not-imported-at-top",
        "SLS123",
        "def find(conn, uid):\n    import ldap3\n    return conn.search('ou=people', '(uid=%s)' % uid)\n\ndef answer():\n    return 42\n",
        "unsafe",
        [],
        title_has="only where it is needed",
    ),
    # a value escaped through another name for the module (`self.ldap.filter.escape_filter_chars`):
    # escaping it again turns `\2a` into `\5c2a`
    Program(
        "ldap-already-escaped-not-escaped-twice",
        "SLS123",
        LDAP + "\nclass Finder:\n    def __init__(self):\n        from ldap3.utils import conv\n        self.conv = conv\n\n"
        "    def find(self, uid, mail):\n        return DIRECTORY.search('ou=people', '(&(uid=%s)(mail=%s))' % (self.conv.escape_filter_chars(uid), mail))\n\n"
        "def find(uid, mail):\n    return Finder().find(uid, mail)\n",
        "safe",
        [("find('ann', 'a@b')", "same"), ("find('a*', 'x')", "same")],
        fixed_lacks=("escape_filter_chars(self.conv",),
        fixed_has=("escape_filter_chars(mail)",),
    ),
]
