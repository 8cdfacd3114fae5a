"""Each flagship fix, end to end over LSP: diagnostic -> quick fix -> applied -> gone."""

from __future__ import annotations

import ast

import pytest

from secure_ls.testing.session import apply_text_edits, change, code_actions, diagnostics, edits_of, open_doc, resolved

URI = "file:///tmp/secure_ls_e2e/flagship.py"

CASES = [
    (
        "SLS101",
        'import sqlite3\n\ndef find(conn, name):\n    return conn.execute(f"SELECT * FROM users WHERE name = \'{name}\'")\n',
        'conn.execute("SELECT * FROM users WHERE name = ?", (str(name),))',
    ),
    (
        "SLS301",
        "import hashlib\n\nclass Account:\n    def set_password(self, password):\n        self.pw_hash = hashlib.md5(password.encode()).hexdigest()\n\n"
        "    def check_password(self, password):\n        return hashlib.md5(password.encode()).hexdigest() == self.pw_hash\n",
        "bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()",
    ),
    (
        "SLS303",
        "def verify(expected_signature, signature):\n    return expected_signature == signature\n",
        "hmac.compare_digest(expected_signature, signature)",
    ),
    (
        "SLS401",
        "import requests\n\ndef fetch(url):\n    return requests.get(url, verify=False, timeout=5)\n",
        "verify=True",
    ),
    (
        "SLS104",
        "import yaml\n\ndef load(stream):\n    return yaml.load(stream, Loader=yaml.Loader)\n",
        "yaml.safe_load(stream)",
    ),
    (
        "SLS304",
        "import random\nimport string\n\ndef reset_token():\n    return ''.join(random.choice(string.ascii_letters) for _ in range(32))\n",
        "secrets.choice(string.ascii_letters)",
    ),
]


@pytest.mark.parametrize("rule, code, expected", CASES, ids=[c[0] for c in CASES])
async def test_flagship_fix(client, rule, code, expected):
    open_doc(client, URI, code)
    diags = [d for d in await diagnostics(client, URI, 1) if d.get("code") == rule]
    assert diags, [d.get("code") for d in diags]  # the bcrypt case reports both sides of one fix
    actions = await code_actions(client, URI, diags[0]["range"], diags)
    fix = next(a for a in actions if a["title"].startswith(f"secure-ls ({rule}):") and "Suppress" not in a["title"])
    fix = await resolved(client, fix)
    fixed = apply_text_edits(code, edits_of(fix["edit"], URI))
    assert expected in fixed
    ast.parse(fixed)
    change(client, URI, 2, None, None, fixed)
    assert [d for d in await diagnostics(client, URI, 2) if d.get("code") == rule] == []


async def test_weak_hash_offers_both_fixes_and_fix_all_takes_neither(client):
    """usedforsecurity=False (safe, preferred) and SHA-256 (unsafe) are both quick fixes; only the
    author can say a hash protects nothing, so fix-all applies neither."""
    code = "import hashlib\n\ndef cache_key(url):\n    return hashlib.md5(url.encode()).hexdigest()\n"
    open_doc(client, URI, code)
    diags = [d for d in await diagnostics(client, URI, 1) if d.get("code") == "SLS302"]
    assert len(diags) == 1
    actions = await code_actions(client, URI, diags[0]["range"], diags)
    fixes = [a for a in actions if a["title"].startswith("secure-ls (SLS302):") and "Suppress" not in a["title"]]
    assert len(fixes) == 2
    texts = []
    for fix in fixes:
        fix = await resolved(client, fix)
        texts.append((bool(fix.get("isPreferred")), apply_text_edits(code, edits_of(fix["edit"], URI))))
    assert (True, code.replace("url.encode())", "url.encode(), usedforsecurity=False)")) in texts
    assert (False, code.replace("hashlib.md5(", "hashlib.sha256(")) in texts
    start = {"line": 0, "character": 0}
    fix_all = await code_actions(client, URI, {"start": start, "end": start}, only=["source.fixAll.secure-ls"])
    assert fix_all == [] or all(not edits_of(a["edit"], URI) for a in fix_all)
