"""A program that sets `socket.setdefaulttimeout(...)` once, anywhere in it, bounds every
`urlopen` that passes no timeout (engine/socket_timeout.py): SLS604 moves those to the audit tier
and says where the default is set. `requests` is not bounded by it (it asks for a blocking socket),
and a default set only for a while (put back in the same function) bounds nothing after it.
Medusa's, SickChill's and SABnzbd's idiom: the timeout is set at start-up, the requests are made in
notifier modules far from it."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write

START = """
import socket

from app import config


def start():
    socket.setdefaulttimeout(config.SOCKET_TIMEOUT)
"""

NOTIFIER = """
from six.moves.urllib.request import Request, urlopen

import requests


def notify(url):
    urlopen(Request(url))
    requests.get(url)
"""

FILES = {"app/__init__.py": "", "app/config.py": "SOCKET_TIMEOUT = 30\n", "app/__main__.py": START, "app/notifiers/__init__.py": "", "app/notifiers/free.py": NOTIFIER}


def _timeouts(root, *args) -> list[tuple[int, str, str]]:
    run = check_json(".", "--min-confidence", "low", *args, cwd=root)
    return sorted((f["range"]["start"]["line"], f["confidence"], f["message"].rsplit(": pass", 1)[0]) for f in run.findings() if f["rule"] == "SLS604")


def test_a_default_socket_timeout_set_anywhere_bounds_urlopen_but_not_requests(tmp_path):
    root = write(tmp_path / "set", FILES)
    assert _timeouts(root) == [
        (7, "low", "`urlopen()` without a timeout can hang forever on a slow or unresponsive server unless `socket.setdefaulttimeout()` (__main__.py:7) has run before it"),
        (8, "high", "`get()` without a timeout can hang forever on a slow or unresponsive server"),
    ]
    # no default anywhere: urlopen waits forever
    root = write(tmp_path / "unset", {**FILES, "app/__main__.py": "def start():\n    pass\n"})
    assert [(line, level) for line, level, _ in _timeouts(root)] == [(7, "medium"), (8, "high")]
    # a default put back in the same function, or None, bounds nothing after it
    for name, start in [("restored", START + "    socket.setdefaulttimeout(None)\n"), ("none", START.replace("config.SOCKET_TIMEOUT", "None"))]:
        root = write(tmp_path / name, {**FILES, "app/__main__.py": start})
        assert [(line, level) for line, level, _ in _timeouts(root)] == [(7, "medium"), (8, "high")], name
    # a script beside the application is a program of its own (a package's __main__.py is not)
    script = START + '\n\nif __name__ == "__main__":\n    start()\n'
    root = write(tmp_path / "script", {**FILES, "app/__main__.py": "", "tools/probe.py": script})
    assert [(line, level) for line, level, _ in _timeouts(root)] == [(7, "medium"), (8, "high")]
    root = write(tmp_path / "entry", {**FILES, "app/__main__.py": script})
    assert [(line, level) for line, level, _ in _timeouts(root)] == [(7, "low"), (8, "high")]
    # a test that sets it sets it for itself
    root = write(tmp_path / "tested", {**FILES, "app/__main__.py": "", "tests/test_notify.py": START})
    assert [(line, level) for line, level, _ in _timeouts(root)] == [(7, "medium"), (8, "high")]


def test_a_cached_result_notices_the_default_set_or_taken_away_in_another_module(tmp_path):
    root = write(tmp_path / "site", {**FILES, "app/__main__.py": ""})
    cache = ("--cache-dir", str(tmp_path / "cache"))
    assert [level for _, level, _ in _timeouts(root, *cache)] == ["medium", "high"]
    (root / "app" / "startup.py").write_text(START)
    assert [level for _, level, _ in _timeouts(root, *cache)] == ["low", "high"]
    (root / "app" / "startup.py").write_text(START + "    socket.setdefaulttimeout(None)\n")
    assert [level for _, level, _ in _timeouts(root, *cache)] == ["medium", "high"]


def test_the_workspace_store_follows_an_editors_changes_to_the_modules_that_set_it(tmp_path):
    # the language server hands each saved text to the store: a module that starts or stops
    # setting the default changes the answer; other modules' edits leave it alone
    from secure_ls.engine.workspace import WorkspaceSummaries

    root = write(tmp_path / "site", {**FILES, "app/__main__.py": ""})
    workspace = WorkspaceSummaries([str(root)], project_files=lambda: [str(p) for p in root.rglob("*.py")])
    assert workspace.default_socket_timeout() is None

    def save(path, text):
        path.write_text(text)
        workspace.update(str(path), text)

    start = root / "app" / "__main__.py"
    save(start, START)
    answer = workspace.default_socket_timeout()
    assert answer.where == "__main__.py:8"
    save(root / "app" / "notifiers" / "free.py", NOTIFIER + "\n# edited\n")
    assert workspace.default_socket_timeout() is answer  # kept, not read again
    save(start, "def start():\n    pass\n")
    assert workspace.default_socket_timeout() is None
