"""Suppression comments: `# secure-ls: ignore[RULE]`, `# secure-ls: ignore`, `# nosec`, `# nosec B608`."""

from __future__ import annotations

from cli_helpers import check_json, write

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
