"""Text and JSON reports, `--output`, `rules`, `--version`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.cli.cli_helpers import MD5, SHELL, TEXT_LINE, YAML_LOAD, check, check_json, run, write


@pytest.fixture
def project(tmp_path):
    return write(tmp_path, {"pkg/y.py": YAML_LOAD, "pkg/s.py": SHELL, "pkg/m.py": MD5, "clean.py": "x = 1\n"})


def test_text_format(project):
    result = check("pkg", cwd=project)
    assert result.code == 1
    assert result.err == ""
    lines = result.out.rstrip("\n").split("\n")
    findings = [re.match(TEXT_LINE, line) for line in lines[:-1]]
    assert all(findings), lines
    got = sorted((m["path"].replace("\\", "/"), int(m["line"]), int(m["col"]), m["rule"]) for m in findings)
    assert got == [("pkg/m.py", 5, 12, "SLS302"), ("pkg/s.py", 5, 21, "SLS102"), ("pkg/y.py", 5, 12, "SLS104")]
    assert lines[-1] == "Found 3 findings (1 fixable with --fix)."
    marks = {m["rule"]: m["message"] for m in findings}
    assert marks["SLS104"].endswith("[*]")
    assert marks["SLS302"].endswith("[unsafe fix]")  # SHA-256 changes every stored digest
    assert not marks["SLS102"].endswith("[*]")


def test_clean_exit_code_and_text(project):
    result = check("clean.py", cwd=project)
    assert (result.code, result.out, result.err) == (0, "No findings.\n", "")


def test_json_fields(project):
    result = check_json("pkg", cwd=project)
    assert result.code == 1 and result.err == ""
    report = result.json()
    assert set(report) == {"version", "findings", "errors", "warnings"}
    assert report["errors"] == []
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert set(by_rule) == {"SLS102", "SLS104", "SLS302"}
    for finding in report["findings"]:
        assert set(finding) >= {"path", "rule", "name", "cwe", "severity", "confidence", "message", "range", "fix", "fix_available"}
        assert re.fullmatch(r"CWE-\d+", finding["cwe"])
        assert finding["severity"] in ("high", "medium", "low", "info")
        assert finding["confidence"] in ("high", "medium", "low")
        assert finding["message"]
        start, end = finding["range"]["start"], finding["range"]["end"]
        assert start["line"] >= 1 and start["column"] >= 1 and (end["line"], end["column"]) > (start["line"], start["column"])
        assert finding["fix_available"] == (finding["fix"] is not None)
    yaml = by_rule["SLS104"]
    assert yaml["path"].replace("\\", "/") == "pkg/y.py"
    assert yaml["name"] == "unsafe-yaml-load" and yaml["cwe"] == "CWE-502"
    assert yaml["range"] == {"start": {"line": 5, "column": 12}, "end": {"line": 5, "column": 24}}
    assert yaml["fix"] == {"title": yaml["fix"]["title"], "safe": True} and yaml["fix"]["title"]
    assert by_rule["SLS102"]["fix_available"] in (True, False)


def test_json_clean(project):
    result = check_json("clean.py", cwd=project)
    assert result.code == 0 and result.json()["findings"] == []


def test_output_file(project):
    result = check_json("--output", "out/report.json", "pkg", cwd=project)
    assert result.code == 1 and result.out == "" and result.err == ""
    report = json.loads((project / "out" / "report.json").read_text(encoding="utf-8"))
    assert len(report["findings"]) == 3
    text = check("-o", "report.txt", "pkg", cwd=project)
    assert text.code == 1 and text.out == ""
    assert (project / "report.txt").read_text(encoding="utf-8").rstrip("\n").endswith("Found 3 findings (1 fixable with --fix).")


def test_output_file_unwritable(project):
    (project / "adir").mkdir()
    result = check("--output", "adir", "pkg", cwd=project)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and "Traceback" not in result.err and "--output" in result.err


def test_rules_text_and_json():
    text = run("rules")
    assert text.code == 0 and text.err == ""
    rows = json.loads(run("rules", "--format", "json").out)
    lines = text.out.rstrip("\n").split("\n")
    assert len(lines) == len(rows) >= 50
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    for row, line in zip(rows, lines):
        assert set(row) == {"id", "name", "title", "cwe", "severity", "topic", "fix", "bandit", "ruff", "opt_in"}
        assert re.fullmatch(r"SLS\d{3}", row["id"]) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row["name"])
        assert isinstance(row["cwe"], int) and row["cwe"] > 0
        assert row["severity"] in ("high", "medium", "low", "info")
        assert isinstance(row["fix"], bool) and row["topic"]
        assert all(re.fullmatch(r"B\d{3}", b) for b in row["bandit"])
        assert line.startswith(row["id"] + "  " + row["name"]) and row["title"] in line
    assert {"B608", "B602", "B506", "B324"} <= {b for r in rows for b in r["bandit"]}


def test_version_module():
    result = run("--version")
    assert result.code == 0
    from secure_ls import __version__

    assert result.out.strip() == f"secure-ls {__version__}"


def test_version_console_script():
    script = Path(sys.executable).with_name("secure-ls")
    path = str(script) if script.exists() else shutil.which("secure-ls")
    if path is None:
        pytest.fail("the secure-ls console script is not installed next to this Python: run scripts/test (pip install -e .)")
    proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
    from secure_ls import __version__

    assert proc.returncode == 0 and proc.stdout.strip() == f"secure-ls {__version__}"


def test_help_lists_commands():
    result = run("--help")
    assert result.code == 0
    for command in ("serve", "check", "rules"):
        assert command in result.out
    check_help = run("check", "--help")
    for option in ("--format", "--output", "--fix", "--unsafe-fixes", "--select", "--ignore", "--jobs", "--config"):
        assert option in check_help.out


@pytest.mark.parametrize("args", [["rules"], ["rules", "--format", "json"], ["check", "--no-dependencies", "."]], ids=["rules", "rules-json", "check"])
def test_closed_pipe_is_not_an_error(tmp_path, args):
    """`secure-ls ... | head -1`: no traceback when the reader goes away."""
    write(tmp_path, {f"m{i}.py": YAML_LOAD * 20 for i in range(30)})
    proc = subprocess.Popen([sys.executable, "-m", "secure_ls", *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = proc.wait(timeout=300)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert code in (0, 1)
