"""A password's fast hash kept only in the process's memory (a per-request cache of checked
passwords, a login cache with an expiry) leaves no table of hashes to crack: SLS301's audit tier
(rules/_support/memory_caches.py). Stored, compared with a stored value, or handed on: reported."""

from __future__ import annotations

from tests.engine.test_engine import _confidence, _low_until_undone

CHECKED = (
    "import hashlib\n\nclass User:\n    def __init__(self, resolver):\n        self.resolver = resolver\n"
    "        self._checked = {}\n\n"
    "    def check_password(self, password):\n"
    "        password_hash = hashlib.sha3_512(password.encode()).hexdigest()\n"
    "        if password_hash in self._checked.keys():\n            return self._checked[password_hash]\n"
    "        ok = self.resolver.check(password)\n        self._checked[password_hash] = ok\n        return ok\n"
)

LOGINS = (
    "import hashlib, time\n\nclass Auth:\n    def __init__(self):\n        self._cache = dict()\n\n"
    "    def _digest(self, login, password, salt):\n        h = hashlib.sha3_512()\n        h.update(salt.encode())\n"
    "        h.update(password.encode())\n        return str(h.digest())\n\n"
    "    def login(self, login, password):\n        digest = ''\n        if self._cache.get(login):\n"
    "            (cached, when) = self._cache[login]\n            digest = self._digest(login, password, str(when))\n"
    "            if digest == cached:\n                return login\n"
    "        now = time.time_ns()\n        digest = self._digest(login, password, str(now))\n"
    "        self._cache[login] = (digest, now)\n        return login\n"
)


def test_a_password_hash_only_used_as_a_key_of_a_dict_the_class_makes_is_the_audit_tier():
    _low_until_undone("SLS301", CHECKED, "self._checked = {}", "self._checked = load_checked()", "high")
    # the cache written to a file: a table of fast hashes on disk
    saved = CHECKED.replace("        return ok\n", "        json.dump(self._checked, open('c.json', 'w'))\n        return ok\n")
    assert _confidence(saved, "SLS301") == ["high"]


def test_a_password_hash_cached_and_compared_through_a_method_of_the_class_is_the_audit_tier():
    _low_until_undone("SLS301", LOGINS, "        self._cache[login] = (digest, now)\n", "        self.db.save(login, digest)\n", "high")
    # compared with a value read from elsewhere (a record): that value is a stored verifier
    stored = LOGINS.replace("            if digest == cached:", "            if digest == self.user.password:")
    assert _confidence(stored, "SLS301") == ["high"]
