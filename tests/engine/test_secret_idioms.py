"""Hashes and comparisons of values that look secret by name but protect nothing (SLS302, SLS303),
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
