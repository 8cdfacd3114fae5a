"""A file object in memory (`io.BytesIO`, `io.StringIO`) names no file, but what it holds is
still the data it was made from."""

from __future__ import annotations

from secure_ls.engine.analyzer import Engine

ENGINE = Engine()

HELPER = '''
import hashlib
import io
import pickle

import requests


def checksum(path_or_file):
    if hasattr(path_or_file, "read"):
        f = path_or_file
    else:
        f = open(path_or_file, "rb")
    with f:
        return hashlib.sha256(f.read()).hexdigest()
'''


def _rules(code: str) -> list[tuple[str, int]]:
    return sorted((f.rule_id, f.span.start.line) for f in ENGINE.analyze(code).findings if f.rule_id in ("SLS110", "SLS105"))


def test_a_downloaded_body_wrapped_in_a_file_object_is_not_a_path():
    # the helper opens only a path; a BytesIO goes to its read() branch (the-littlest-jupyterhub's checksum_file)
    code = HELPER + "\n\ndef fetch(url):\n    response = requests.get(url, timeout=10)\n    return checksum(io.BytesIO(response.content))\n"
    assert _rules(code) == []


def test_a_name_from_the_response_is_still_a_path():
    code = HELPER + "\n\ndef fetch(url):\n    response = requests.get(url, timeout=10)\n    return checksum(response.headers['X-File'])\n"
    assert [rule for rule, _ in _rules(code)] == ["SLS110"]


def test_what_the_file_object_holds_is_still_unpickled():
    code = HELPER + "\n\ndef load(url):\n    response = requests.get(url, timeout=10)\n    return pickle.load(io.BytesIO(response.content))\n"
    assert [rule for rule, _ in _rules(code)] == ["SLS105"]
