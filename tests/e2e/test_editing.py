"""The core editing loop over real stdio, with VS Code's and Neovim's capabilities:
open, see diagnostics, edit, see them move, fix, see them go."""

from __future__ import annotations

from secure_ls.testing import session
from secure_ls.testing.session import apply_text_edits, code_actions, diagnostics, edits_of, resolved

URI = "file:///tmp/secure_ls_e2e/app.py"
SOURCE = '''import sqlite3
import hashlib


def find_user(conn: sqlite3.Connection, name):
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    return cur.fetchone()


def store(password):
    return hashlib.md5(password.encode()).hexdigest()
'''


def open_doc(client, text, uri=URI, version=1):
    session.open_doc(client, uri, text, version)


def change(client, version, start, end, text, uri=URI):
    session.change(client, uri, version, start, end, text)


def replace_all(client, version, text, uri=URI):
    session.change(client, uri, version, None, None, text)


def position(line, character):
    return {"line": line, "character": character}


def by_code(diags, code):
    return [d for d in diags if d.get("code") == code]


async def test_diagnostics_are_tight_and_documented(client):
    open_doc(client, SOURCE)
    diags = await diagnostics(client, URI, 1)
    sql = by_code(diags, "SLS101")
    assert len(sql) == 1
    d = sql[0]
    # the range is the f-string argument, not the whole line
    line = SOURCE.splitlines()[6]
    assert d["range"]["start"] == position(6, line.index('f"'))
    assert d["range"]["end"] == position(6, line.rindex('"') + 1)
    assert d["source"] == "secure-ls"
    assert d["codeDescription"]["href"].endswith("SLS101.md")
    assert "parameterized" in d["message"]
    assert by_code(diags, "SLS301"), [x["code"] for x in diags]


async def test_diagnostics_move_with_edits_and_never_go_stale(client):
    open_doc(client, SOURCE)
    await diagnostics(client, URI, 1)
    change(client, 2, (0, 0), (0, 0), "import os\nimport sys\n")
    diags = await diagnostics(client, URI, 2)
    assert by_code(diags, "SLS101")[0]["range"]["start"]["line"] == 8
    # fix the query by hand: the finding disappears, the other stays
    fixed_line = '    cur.execute("SELECT * FROM users WHERE name = ?", (name,))'
    old_line = SOURCE.splitlines()[6]
    change(client, 3, (8, 0), (8, len(old_line)), fixed_line)
    diags = await diagnostics(client, URI, 3)
    assert by_code(diags, "SLS101") == []
    assert by_code(diags, "SLS301")


async def test_quick_fix_parameterizes_the_query(client):
    open_doc(client, SOURCE)
    diags = await diagnostics(client, URI, 1)
    d = by_code(diags, "SLS101")[0]
    actions = await code_actions(client, URI, d["range"], [d])
    fix = next(a for a in actions if a["title"] == "secure-ls (SLS101): Use a parameterized query")
    assert fix["kind"] == "quickfix" and fix.get("isPreferred")
    fix = await resolved(client, fix)  # lazily resolved for clients that support it
    new_text = apply_text_edits(SOURCE, edits_of(fix["edit"], URI))
    assert 'cur.execute("SELECT * FROM users WHERE name = ?", (str(name),))' in new_text
    # apply it as the editor would, then the finding is gone
    replace_all(client, 2, new_text)
    diags = await diagnostics(client, URI, 2)
    assert by_code(diags, "SLS101") == []


async def test_fix_all_applies_safe_fixes_only(client):
    text = SOURCE + "\n\ndef check(expected_sig: bytes, sig: bytes):\n    return expected_sig == sig\n"
    open_doc(client, text)
    await diagnostics(client, URI, 1)
    actions = await code_actions(client, URI, {"start": position(0, 0), "end": position(0, 0)}, only=["source.fixAll.secure-ls"])
    assert len(actions) == 1
    new_text = apply_text_edits(text, edits_of(actions[0]["edit"], URI))
    assert "(str(name),))" in new_text and "hmac.compare_digest(expected_sig, sig)" in new_text
    assert "hashlib.md5(password.encode())" in new_text  # the bcrypt fix is unsafe: not applied in bulk
    assert new_text.count("import hmac") == 1


async def test_suppression_action(client):
    open_doc(client, SOURCE)
    diags = await diagnostics(client, URI, 1)
    d = by_code(diags, "SLS301")[0]
    actions = await code_actions(client, URI, d["range"], [d])
    suppress = next(a for a in actions if "Suppress SLS301" in a["title"])
    suppress = await resolved(client, suppress)
    new_text = apply_text_edits(SOURCE, edits_of(suppress["edit"], URI))
    assert "hexdigest()  # secure-ls: ignore[SLS301]" in new_text
    replace_all(client, 2, new_text)
    assert by_code(await diagnostics(client, URI, 2), "SLS301") == []


async def test_hover_explains_the_rule(client):
    open_doc(client, SOURCE)
    diags = await diagnostics(client, URI, 1)
    d = by_code(diags, "SLS101")[0]
    hover = await client.request("textDocument/hover", {"textDocument": {"uri": URI}, "position": d["range"]["start"]})
    text = hover["contents"]["value"]
    assert "CWE-89" in text and "Why is this bad?" in text and "```python" in text


async def test_positions_count_utf16_units_after_emoji_and_tabs(client):
    text = 'import sqlite3\ndef f(conn, name):\n\tnote = "caf\u00e9 \U0001F600"; conn.execute("SELECT * FROM t WHERE a = " + name)\n'
    open_doc(client, text)
    d = by_code(await diagnostics(client, URI, 1), "SLS101")[0]
    line = text.splitlines()[2]
    before = line[: line.index('"SELECT')]
    # UTF-16 (the default) counts the emoji as 2 units; Neovim 0.11 negotiates UTF-8 (4 units, and 2 for "é")
    codec = "utf-8" if client.encoding == "utf-8" else "utf-16-le"
    expected = len(before.encode(codec)) // (1 if codec == "utf-8" else 2)
    assert d["range"]["start"] == position(2, expected)


async def test_syntax_error_breaks_only_its_statement(client):
    broken = SOURCE.replace("def store(password):", "def store(password:")
    open_doc(client, broken)
    diags = await diagnostics(client, URI, 1)
    assert by_code(diags, "SLS101"), "the finding above the broken function must survive"
    assert by_code(diags, "syntax")


async def test_crlf_document(client):
    text = SOURCE.replace("\n", "\r\n")
    open_doc(client, text)
    d = by_code(await diagnostics(client, URI, 1), "SLS101")[0]
    assert d["range"]["start"]["line"] == 6
