"""`secure-ls check --baseline report.json`: only findings that are not in an earlier JSON report."""

from __future__ import annotations

import json

import jsonschema
import pytest
from tests.cli.cli_helpers import SCHEMA, check, check_json, write

APP = """
import hashlib
import subprocess


def digest(token, cmd):
    subprocess.call("ls " + cmd, shell=True)
    return hashlib.md5(token).hexdigest()
"""

# The same code with lines added above the findings, re-indented calls and new comments.
APP_MOVED = """
\"\"\"A docstring that pushes everything down.\"\"\"

import hashlib
import subprocess

CONSTANT = 1


def digest(token, cmd):
    # run it
    subprocess.call("ls " + cmd,   shell=True)  # legacy, reviewed
    return hashlib.md5(
        token
    ).hexdigest()
"""


@pytest.fixture
def project(tmp_path):
    write(tmp_path, {"app.py": APP})
    first = check("--format", "json", "-o", "baseline.json", ".", cwd=tmp_path)
    assert first.code == 1
    findings = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert sorted(f["rule"] for f in findings) == ["SLS102", "SLS302"]
    assert all(len(f["fingerprint"]) == 32 for f in findings)
    return tmp_path


def test_nothing_new_exits_zero(project):
    result = check("--baseline", "baseline.json", ".", cwd=project)
    assert (result.code, result.out.strip(), result.err) == (0, "No new findings (2 in the baseline not shown).", "")


def test_findings_survive_lines_moving_reformatting_and_comments(project):
    write(project, {"app.py": APP_MOVED})
    result = check_json("--baseline", "baseline.json", ".", cwd=project)
    assert (result.code, result.findings(), result.json()["baselined"]) == (0, [], 2)


def test_only_new_findings_are_reported(project):
    write(project, {"app.py": APP_MOVED + "\n\ndef more(token):\n    return hashlib.sha1(token)\n", "other.py": "import yaml\nyaml.load(open('x'))\n"})
    result = check("--baseline", "baseline.json", ".", cwd=project)
    assert result.code == 1
    lines = result.out.splitlines()
    assert [line.split(": ")[0] + " " + line.split(" ")[1] for line in lines[:-1]] == ["app.py:18:12 SLS302", "other.py:2:1 SLS104"]
    assert lines[-1] == "Found 2 new findings (1 fixable with --fix); 2 in the baseline not shown."  # SHA-256 for a token is an unsafe fix


def test_an_edited_statement_is_new(project):
    write(project, {"app.py": APP.replace("hashlib.md5(token)", "hashlib.md5(token + b'salt')")})
    result = check_json("--baseline", "baseline.json", ".", cwd=project)
    assert result.code == 1
    assert [(f["rule"], f["range"]["start"]["line"]) for f in result.findings()] == [("SLS302", 7)]


def test_a_copied_statement_is_new_once_the_baseline_count_is_used_up(project):
    write(project, {"app.py": APP + "\n\ndef again(token, cmd):\n    subprocess.call('ls ' + cmd, shell=True)\n"})
    result = check_json("--baseline", "baseline.json", ".", cwd=project)
    assert result.code == 1
    assert [f["rule"] for f in result.findings()] == ["SLS102"]
    assert result.json()["baselined"] == 2


def test_same_statement_in_another_file_is_new(project):
    write(project, {"copy.py": APP})
    result = check_json("--baseline", "baseline.json", ".", cwd=project)
    assert result.code == 1
    assert sorted((f["path"], f["rule"]) for f in result.findings()) == [("copy.py", "SLS102"), ("copy.py", "SLS302")]


def test_sarif_carries_baseline_state_and_partial_fingerprints(project):
    write(project, {"app.py": APP_MOVED + "\n\ndef more(token):\n    return hashlib.sha1(token)\n"})
    result = check("--format", "sarif", "--baseline", "baseline.json", ".", cwd=project)
    assert result.code == 1
    sarif = json.loads(result.out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    states = sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"], r["baselineState"]) for r in results)
    assert states == [("SLS102", 11, "unchanged"), ("SLS302", 12, "unchanged"), ("SLS302", 18, "new")]
    baseline = {f["fingerprint"] for f in json.loads((project / "baseline.json").read_text())["findings"]}
    prints = {r["partialFingerprints"]["secureLs/statement/v1"] for r in results if r["baselineState"] == "unchanged"}
    assert prints == baseline


def test_sarif_without_baseline_has_fingerprints_but_no_state(project):
    result = check("--format", "sarif", ".", cwd=project)
    results = json.loads(result.out)["runs"][0]["results"]
    assert all("partialFingerprints" in r and "baselineState" not in r for r in results) and len(results) == 2


@pytest.mark.parametrize(
    "content, needle",
    [
        (None, "--baseline: no such file: missing.json"),
        ("{not json", "is not a JSON report from 'secure-ls check --format json'"),
        ('{"runs": []}', 'no "findings" list'),
        ('{"findings": [{"rule": "SLS302", "path": "app.py"}]}', "write the baseline again"),
    ],
)
def test_a_bad_baseline_is_a_one_line_error(project, content, needle):
    name = "missing.json" if content is None else "bad.json"
    if content is not None:
        (project / name).write_text(content, encoding="utf-8")
    result = check("--baseline", name, ".", cwd=project)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and needle in result.err and "Traceback" not in result.err
