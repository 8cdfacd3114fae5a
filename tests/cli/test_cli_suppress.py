"""Suppression comments: `# secure-ls: ignore[RULE]`, `# secure-ls: ignore`, `# nosec`, `# nosec B608`."""

from __future__ import annotations

from tests.cli.cli_helpers import check, check_json, write

SOURCE = '''
import hashlib
import sqlite3
import subprocess


def shell(x):
    subprocess.call(x, shell=True)  # secure-ls: ignore[SLS102]
    subprocess.call(x, shell=True)  # secure-ls: ignore[command-injection]
    subprocess.call(x, shell=True)  # secure-ls: ignore
    subprocess.call(x, shell=True)  # nosec
    subprocess.call(x, shell=True)  # nosec B602
    subprocess.call(x, shell=True)  # noqa  # nosec: B602, B101
    subprocess.call(x, shell=True)  # NOSEC
    subprocess.call(x, shell=True)  # secure-ls:ignore[sls102]
    subprocess.call(x, shell=True)  # secure-ls: ignore[SLS101, SLS102]
    subprocess.call(x, shell=True)  # line 16: nosec for another Bandit test does not count  # nosec B101
    subprocess.call(x, shell=True)  # line 17: secure-ls: ignore[SLS999]
    subprocess.call(x, shell=True)  # line 18: no comment at all


def sql(name):
    conn = sqlite3.connect("db")
    conn.execute(f"SELECT * FROM t WHERE name = '{name}'")  # nosec B608
    conn.execute(f"SELECT * FROM t WHERE name = '{name}'")  # nosec B602
    conn.execute(  # nosec B608
        f"SELECT * FROM t WHERE name = '{name}'"
    )
    conn.execute(
        f"SELECT * FROM t WHERE name = '{name}'"  # secure-ls: ignore[SLS101]
    )
    conn.execute(
        f"SELECT * FROM t WHERE name = '{name}'",
    )  # secure-ls: ignore
    conn.execute(
        f"SELECT * FROM t WHERE name = '{name}'",
    )
    conn.close()


def digest(data):
    return hashlib.md5(  # secure-ls: ignore[weak-hash]
        data
    ).hexdigest(), hashlib.md5(data)
'''


def test_suppression_comments(tmp_path):
    write(tmp_path, {"s.py": SOURCE})
    # the shell calls run a bare parameter: low confidence, so the audit tier is asked for
    result = check_json("--select", "SLS102,SLS101,SLS302", "--min-confidence", "low", "s.py", cwd=tmp_path)
    assert result.rules_found() == [
        ("SLS101", 24),  # nosec for a Bandit test of another rule
        ("SLS101", 35),  # a multi-line statement without a comment
        ("SLS102", 16),
        ("SLS102", 17),
        ("SLS102", 18),
    ]


# Ruff's flake8-bandit codes: `# noqa: S324` silences what `# nosec B324` silences.
NOQA_SOURCE = '''
import hashlib
import subprocess


def digest(data, x):
    hashlib.md5(data)  # noqa: S324
    hashlib.md5(data)  # noqa:S324
    hashlib.md5(data)  # NOQA: E501, S324
    hashlib.md5(data)  # noqa: E501 S324
    hashlib.md5(data)  # noqa: E501  # nosec B324
    hashlib.md5(data)  # line 11: a bare noqa does not silence a security finding  # noqa
    hashlib.md5(data)  # line 12: noqa for other codes only  # noqa: E501, F401
    hashlib.md5(data)  # line 13: Ruff reads a code without a colon as a bare noqa  # noqa S324
    hashlib.md5(data)  # line 14: the code of another rule  # noqa: S602
    subprocess.call(x, shell=True)  # noqa: S602
    subprocess.call(x, shell=True)  # line 16: noqa for a Ruff code the rule does not cover  # noqa: S603
    s = "# noqa: S324"; hashlib.md5(data)
    return hashlib.md5(  # noqa: S324
        data
    )
'''


def test_ruff_noqa_codes_silence_the_rules_mapped_to_them(tmp_path):
    write(tmp_path, {"n.py": NOQA_SOURCE})
    result = check_json("--select", "SLS102,SLS302", "--min-confidence", "low", "n.py", cwd=tmp_path)
    assert result.rules_found() == [
        ("SLS102", 16),
        ("SLS302", 11),
        ("SLS302", 12),
        ("SLS302", 13),
        ("SLS302", 14),
        ("SLS302", 17),  # "# noqa: S324" inside a string is not a comment
    ]
    assert result.code == 1


def test_text_report_without_the_noqa_silenced_lines(tmp_path):
    write(tmp_path, {"n.py": "import hashlib\nhashlib.md5(b'x')  # noqa: S324\nhashlib.sha1(b'x')  # noqa\n"})
    result = check("--select", "SLS302", "--min-confidence", "low", "n.py", cwd=tmp_path)
    assert result.code == 1
    assert result.out.splitlines()[0].startswith("n.py:3:1: SLS302 ")
    assert "Found 1 finding" in result.out


# CodeQL's comments: `# lgtm[query]` (LGTM's spelling) and `# codeql[query]` silence the rules that cover the query.
CODEQL_SOURCE = '''
from Crypto.Cipher import ARC4


def decrypt(key, data, x):
    ARC4.new(key).decrypt(data)  # lgtm [py/weak-cryptographic-algorithm]
    ARC4.new(key).decrypt(data)  # lgtm[py/weak-cryptographic-algorithm]
    ARC4.new(key).decrypt(data)  # reviewed: codeql[py/weak-cryptographic-algorithm] the file format fixes RC4
    ARC4.new(key).decrypt(data)  # LGTM[py/sql-injection, py/weak-cryptographic-algorithm]
    ARC4.new(key).decrypt(data)  # line 10: a bare lgtm names no query  # lgtm
    ARC4.new(key).decrypt(data)  # line 11: another query  # lgtm[py/sql-injection]
    s = "# lgtm[py/weak-cryptographic-algorithm]"; ARC4.new(key).decrypt(data)
'''


def test_codeql_comments_silence_the_rules_that_cover_their_queries(tmp_path):
    write(tmp_path, {"c.py": CODEQL_SOURCE})
    result = check_json("--select", "SLS310", "--min-confidence", "low", "c.py", cwd=tmp_path)
    assert result.rules_found() == [("SLS310", 9), ("SLS310", 10), ("SLS310", 11)]  # 0-based: lines 10, 11 and the string
