"""Hostile inputs through the real server: huge files, junk, odd encodings and URIs,
broken configuration, and a rule that raises."""

from __future__ import annotations

import asyncio
import random
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from secure_ls.engine.analyzer import Engine
from secure_ls.rules import rule_by_id
from secure_ls.testing.session import change, codes, diagnostics, messages, open_doc, published, start

REPO = Path(__file__).resolve().parents[2]
APP = (REPO / "examples" / "insecure_app.py").read_text(encoding="utf-8")
SQL = 'import sqlite3\n\ndef find(conn, name):\n    return conn.execute("SELECT * FROM u WHERE n = \'" + name + "\'")\n'
MD5 = "import hashlib\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"


@pytest.fixture
async def server(tmp_path):
    client = await start(tmp_path)
    yield client
    await client.shutdown()


async def test_5mb_file_is_skipped_at_once_with_a_clear_log_line(server, tmp_path):
    text = (APP + "\n") * (5_000_000 // len(APP) + 1)
    uri = (tmp_path / "huge.py").as_uri()
    started = time.monotonic()
    open_doc(server, uri, text)
    diags = await diagnostics(server, uri, 1, timeout=30)
    elapsed = time.monotonic() - started
    print(f"\n5 MB file: first diagnostics after {elapsed:.2f} s")
    assert diags == []
    logs = [m["message"] for m in messages(server, "window/logMessage") if "not analysed" in m["message"]]
    assert len(logs) == 1 and "maxFileSize" in logs[0] and uri in logs[0], logs
    assert elapsed < 10
    # still answering at once
    t = time.monotonic()
    await server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 100, "character": 5}}, 5)
    assert time.monotonic() - t < 2


async def test_100k_line_file_shows_its_beginning_then_the_whole_while_other_requests_are_answered(server, tmp_path):
    block = SQL + "\n" + "x = 1\n" * 40
    text = block * (100_000 // block.count("\n") + 1)
    assert text.count("\n") >= 100_000 and len(text) < 3_000_000
    uri = (tmp_path / "long.py").as_uri()
    other = (tmp_path / "small.py").as_uri()
    open_doc(server, other, MD5)
    await diagnostics(server, other, 1)
    started = time.monotonic()
    open_doc(server, uri, text)
    n = text.count("def find(")
    # at once: the findings of the file's first screens (diagnostics.FIRST_LOOK_LINES)
    beginning = codes(await diagnostics(server, uri, 1, timeout=60))
    assert 0 < beginning.count("SLS101") < n
    # the whole file is analysed in slices: another document's request is answered meanwhile
    hover = await server.request("textDocument/hover", {"textDocument": {"uri": other}, "position": {"line": 3, "character": 20}}, 30)
    assert hover is not None
    assert all(p["version"] != 1 or len(p["diagnostics"]) < n for p in published(server, uri)), "answered only after the whole analysis"
    while not any(codes(p["diagnostics"]).count("SLS101") == n for p in published(server, uri) if p["version"] == 1):
        assert time.monotonic() - started < 120, "the whole file's findings never came"
        await asyncio.sleep(0.05)
    first = time.monotonic() - started
    # an edit in the middle re-analyses only around the edit
    line = text.count("\n") // 2
    started = time.monotonic()
    change(server, uri, 2, (line, 0), (line, 0), "y = 2\n")
    diags = await diagnostics(server, uri, 2, timeout=60)
    second = time.monotonic() - started
    print(f"\n100k lines ({len(text):,} chars, {n} findings): whole diagnostics {first:.2f} s, after an edit {second:.2f} s")
    assert codes(diags).count("SLS101") == n
    assert second < 5


async def test_binary_junk_opened_as_python(server, tmp_path):
    rng = random.Random(1)
    junk = bytes(rng.randrange(256) for _ in range(200_000)).decode("latin-1")
    uri = (tmp_path / "junk.py").as_uri()
    open_doc(server, uri, junk)
    await diagnostics(server, uri, 1, timeout=30)
    # the server is fine and the buffer can be repaired
    change(server, uri, 2, (0, 0), (10**6, 0), MD5)
    assert "SLS302" in codes(await diagnostics(server, uri, 2))


async def test_byte_order_mark_in_the_buffer(server, tmp_path):
    uri = (tmp_path / "bom.py").as_uri()
    open_doc(server, uri, "\ufeff" + MD5)
    diags = await diagnostics(server, uri, 1)
    assert codes(diags) == ["SLS302"], diags
    assert diags[0]["range"]["start"]["line"] == 3


async def test_coding_cookie_future_oddities_and_python2_syntax(server, tmp_path):
    text = (
        "# -*- coding: latin-1 -*-\n"
        "from __future__ import braces\n"
        "from __future__ import annotations\n"
        "import hashlib\n"
        "print 'hello'\n"
        "exec 'code'\n"
        "def old(x):\n"
        "    try:\n"
        "        pass\n"
        "    except Exception, e:\n"
        "        print `e`\n"
        "def digest(data):\n"
        "    return hashlib.md5(data).hexdigest()\n"
        "x = 0777 <> 1\n"
    )
    uri = (tmp_path / "old.py").as_uri()
    open_doc(server, uri, text)
    diags = await diagnostics(server, uri, 1)
    found = codes(diags)
    assert "SLS302" in found, diags  # the modern part is still checked
    assert found.count("syntax") >= 4


async def test_untitled_buffer(server):
    uri = "untitled:Untitled-1"
    open_doc(server, uri, MD5)
    assert "SLS302" in codes(await diagnostics(server, uri, 1))


async def test_path_with_spaces_and_non_ascii_finds_its_pyproject(tmp_path):
    folder = tmp_path / "my project" / "café ✓"
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text('[tool.secure-ls]\nignore = ["SLS302"]\n', encoding="utf-8")
    client = await start(tmp_path)
    try:
        uri = "file://" + quote(str(folder / "módulo 1.py"))
        open_doc(client, uri, MD5 + "\n" + SQL)
        found = codes(await diagnostics(client, uri, 1))
        assert "SLS101" in found and "SLS302" not in found, found
    finally:
        await client.shutdown()


@pytest.mark.parametrize(
    "content, expected",
    [
        ("this is [not toml\n", "not valid TOML"),
        ('[tool.secure-ls]\nselectt = ["SLS1"]\n', "unknown setting 'selectt' (did you mean 'select'?)"),
        ("[tool.secure-ls]\nmin-confidence = 3\n", "min-confidence"),
    ],
)
async def test_invalid_pyproject_one_clear_message_then_defaults(tmp_path, content, expected):
    (tmp_path / "pyproject.toml").write_text(content, encoding="utf-8")
    client = await start(tmp_path)
    try:
        uri = (tmp_path / "app.py").as_uri()
        open_doc(client, uri, MD5)
        assert "SLS302" in codes(await diagnostics(client, uri, 1))
        for version in range(2, 6):
            change(client, uri, version, (0, 0), (0, 0), "\n")
        await diagnostics(client, uri, 5)
        shown = messages(client, "window/showMessage")
        assert len(shown) == 1, shown
        assert shown[0]["type"] == 1 and expected in shown[0]["message"] and "pyproject.toml" in shown[0]["message"], shown
    finally:
        await client.shutdown()


_RAISING_SERVER = [
    sys.executable,
    "-c",
    "from secure_ls.rules import rule_by_id\n"
    "def boom(self, node, ctx):\n"
    "    raise ValueError('boom on purpose')\n"
    "rule_by_id('SLS302').visit_Call = boom\n"
    "from secure_ls.lsp.server import run\n"
    "run()\n",
]


async def test_a_rule_that_raises_is_logged_once_and_the_others_still_report(tmp_path):
    client = await start(tmp_path, cmd=_RAISING_SERVER)
    try:
        uri = (tmp_path / "app.py").as_uri()
        open_doc(client, uri, SQL + "\n" + MD5)
        found = codes(await diagnostics(client, uri, 1))
        assert "SLS101" in found and "SLS302" not in found
        for version in range(2, 6):
            change(client, uri, version, (0, 0), (0, 0), "\n")
            await diagnostics(client, uri, version)
        logs = [m for m in messages(client, "window/logMessage") if "SLS302" in m["message"]]
        assert len(logs) == 1, logs
        assert logs[0]["type"] == 2 and "boom on purpose" in logs[0]["message"], logs
    finally:
        await client.shutdown()


def test_engine_reports_a_raising_rule_as_a_problem_and_keeps_the_others():
    weak_hash = rule_by_id("SLS302")
    sql = rule_by_id("SLS101")

    class Raising(weak_hash):
        def visit_Call(self, node, ctx):
            raise RuntimeError("kaput")

    engine = Engine(rules=[Raising, sql])
    result = engine.analyze(SQL + "\n" + MD5)
    assert [f.rule_id for f in result.findings] == ["SLS101"]
    assert len([p for p in result.problems if "SLS302" in p and "kaput" in p]) >= 1
    # a second analysis of the same text repeats nothing new
    again = engine.analyze(SQL + "\n" + MD5)
    assert set(again.problems) == set(result.problems)


def test_a_quote_left_open_on_a_long_line_is_not_merged_with_the_lines_below(monkeypatch):
    # mid-typing `x = 'abc` on a 30,000-character line: a one-line string cannot go on to
    # the next line (unless the line ends with a backslash), so the splitter must not try
    # merging it with the 64 units below, re-parsing the long line each time (2 s a keystroke)
    from secure_ls.engine import units

    parses = []
    real = units._parse_steps

    def counting(text, pace):
        parses.append(len(text))
        return (yield from real(text, pace))

    monkeypatch.setattr(units, "_parse_steps", counting)
    text = "x = ['" + "a" * 30_000 + "\n" + "".join(f"def f{i}():\n    return {i}\n" for i in range(80))
    split = units.UnitParser().split(text)
    assert len(split) == 81 and split[0].parsed.error is not None and all(u.parsed.error is None for u in split[1:])
    assert sum(1 for size in parses if size > 30_000) == 1
    # a backslash at the end of the line does continue the string: merged and parsed
    continued = units.UnitParser().split("x = 'abc\\\ndef'\ny = 1\n")
    assert [(u.start_line, u.parsed.error) for u in continued] == [(0, None), (2, None)]
