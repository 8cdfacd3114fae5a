"""What a new user trips over on the command line: unknown options, misspelled rules,
files that are not Python, opt-in rules, and dependency scanning without network."""

from __future__ import annotations

import json
import re
import socket

import pytest
from tests.cli.cli_helpers import MD5, YAML_LOAD, check, check_json, run, write

from secure_ls.rules import all_rules


def _one_line_error(result) -> str:
    assert result.code == 2, (result.code, result.out, result.err)
    assert result.out == "" and "Traceback" not in result.err
    assert result.err.endswith("\n") and result.err.count("\n") == 1, repr(result.err)
    return result.err


def test_unknown_check_option_shows_checks_usage(tmp_path):
    write(tmp_path, {"a.py": YAML_LOAD})
    err = _one_line_error(run("check", "--bogus", "a.py", cwd=tmp_path))
    assert err.startswith("secure-ls check: error: unrecognized arguments: --bogus; usage: secure-ls check ")
    for option in ("--format {text,json,sarif}", "--select LIST", "--baseline FILE", "[PATH ...]"):
        assert option in err
    assert "'secure-ls check --help'" in err and "did you mean" not in err


def test_misspelled_option_gets_a_suggestion(tmp_path):
    write(tmp_path, {"a.py": YAML_LOAD})
    err = _one_line_error(run("check", "--no-dependecies", "a.py", cwd=tmp_path))
    assert "unrecognized arguments: --no-dependecies (did you mean --no-dependencies?)" in err


def test_unknown_rules_option_shows_rules_usage():
    err = _one_line_error(run("rules", "--bogus"))
    assert err.startswith("secure-ls rules: error: unrecognized arguments: --bogus; usage: secure-ls rules ")


@pytest.mark.parametrize(
    "option, typed, meant",
    [
        ("--select", "SLS3O2", "SLS302"),
        ("--select", "weak-hsh", "weak-hash"),
        ("--ignore", "sqlinjection", "sql-injection"),
        ("--ignore", "injecton", "injection"),
        ("--extend-select", "auth-failure-not-loged", "auth-failure-not-logged"),
    ],
)
def test_misspelled_rule_selector_gets_did_you_mean(tmp_path, option, typed, meant):
    write(tmp_path, {"a.py": YAML_LOAD})
    err = _one_line_error(check(option, typed, "a.py", cwd=tmp_path))
    assert f"{option}: unknown rule '{typed}' (did you mean '{meant}'?)" in err


def test_selector_with_nothing_close_points_at_the_rule_list(tmp_path):
    write(tmp_path, {"a.py": YAML_LOAD})
    err = _one_line_error(check("--select", "xyzzy", "a.py", cwd=tmp_path))
    assert "unknown rule 'xyzzy' (see 'secure-ls rules')" in err


def test_non_python_file_named_explicitly_is_skipped_with_a_note(tmp_path):
    write(tmp_path, {"README.md": "# Notes\n\nSome *text* that is not Python.\n", "a.py": MD5})
    alone = check("README.md", cwd=tmp_path)
    assert alone.code == 0
    assert "syntax error" not in alone.out + alone.err
    assert alone.err == "secure-ls: note: skipped README.md: not a Python file (.py, .pyi, .pyw, .ipynb, or a python #! script) nor a dependency file\n"
    both = check_json("README.md", "a.py", cwd=tmp_path)
    assert both.code == 1 and [f["path"] for f in both.findings()] == ["a.py"] and both.json()["errors"] == []
    assert "skipped README.md" in both.err


def test_python_script_without_suffix_is_checked(tmp_path):
    write(tmp_path, {"bin/tool": "#!/usr/bin/env python3\n" + YAML_LOAD.lstrip("\n")})
    result = check("bin/tool", cwd=tmp_path)
    assert result.code == 1 and result.out.startswith("bin/tool:6:12: SLS104 ") and result.err == ""


def test_rules_marks_opt_in_rules():
    opt_in = {r.id for r in all_rules() if not r.default_enabled}
    assert opt_in  # auth-failure-not-logged is opt-in
    text = run("rules").out.splitlines()
    marked = {line.split()[0] for line in text if line.endswith("(opt-in: runs only when selected)")}
    assert marked == opt_in
    rows = json.loads(run("rules", "--format", "json").out)
    assert {r["id"] for r in rows if r["opt_in"]} == opt_in
    assert {r["id"]: r["ruff"] for r in rows}["SLS302"] == ["S303", "S324"]


def test_extend_select_adds_an_opt_in_rule(tmp_path):
    rule = next(r for r in all_rules() if not r.default_enabled)
    write(tmp_path, {"app.py": rule.INVALID[0].code + "\n" + YAML_LOAD})
    default = check_json("app.py", cwd=tmp_path)
    assert rule.id not in {f["rule"] for f in default.findings()} and "SLS104" in {f["rule"] for f in default.findings()}
    extended = check_json("--extend-select", rule.name, "--min-confidence", "low", "app.py", cwd=tmp_path)
    assert {rule.id, "SLS104"} <= {f["rule"] for f in extended.findings()}


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connections are refused at once."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def offline_project(tmp_path, closed_port):
    """Dependency files, an OSV server that cannot be reached, and an empty cache."""
    return write(
        tmp_path,
        {
            "pyproject.toml": f'[tool.secure-ls.dependencies]\nbase-url = "https://127.0.0.1:{closed_port}"\ncache-dir = "osv-cache"\ntimeout = 2\n',
            "requirements.txt": "requests==2.19.1\n",
            "tools/requirements.txt": "flask==2.3.2\n",
        },
    )


NO_DATA = re.compile(r"^(?P<path>\S+): no advisory data: cannot reach the OSV vulnerability database at https://127\.0\.0\.1:\d+: .+ and nothing cached; dependencies not checked$")


def test_no_network_and_no_cache_says_no_advisory_data_for_every_file(offline_project):
    for _ in range(2):  # the same files get the message on every run
        result = run("check", "requirements.txt", "tools/requirements.txt", cwd=offline_project)
        assert result.code == 0, result.out + result.err
        lines = result.out.splitlines()
        assert sorted(m.group("path") for m in map(NO_DATA.match, lines) if m) == ["requirements.txt", "tools/requirements.txt"], lines
        assert "Showing cached results" not in result.out and lines[-1] == "No findings."


def test_no_advisory_data_is_a_warning_in_json_and_sarif(offline_project):
    report = json.loads(run("check", "--format", "json", "requirements.txt", cwd=offline_project).out)
    assert report["errors"] == [] and len(report["warnings"]) == 1 and NO_DATA.match(report["warnings"][0])
    sarif = json.loads(run("check", "--format", "sarif", "requirements.txt", cwd=offline_project).out)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["warning"] and NO_DATA.match(notes[0]["message"]["text"])
