"""Exit code 2 for usage and configuration errors: one line on stderr, no traceback."""

from __future__ import annotations

import pytest
from tests.cli.cli_helpers import YAML_LOAD, check, run, write


def assert_usage_error(result, *needles: str) -> None:
    assert result.code == 2, (result.code, result.out, result.err)
    assert "Traceback" not in result.err
    assert result.err.endswith("\n") and result.err.count("\n") == 1, repr(result.err)
    assert result.out == ""
    for needle in needles:
        assert needle in result.err, (needle, result.err)


@pytest.fixture
def project(tmp_path):
    return write(tmp_path, {"a.py": YAML_LOAD})


@pytest.mark.parametrize(
    "args, needles",
    [
        (["check", "--bogus", "a.py"], ["unrecognized arguments: --bogus"]),
        (["frobnicate"], ["invalid choice"]),
        (["check", "--format", "xml", "a.py"], ["--format", "xml"]),
        (["check", "--jobs", "many", "a.py"], ["--jobs"]),
        (["check", "--jobs", "0", "a.py"], ["--jobs"]),
        (["check", "--min-confidence", "certain", "a.py"], ["--min-confidence"]),
        (["check", "missing.py"], ["no such file or folder: missing.py"]),
        (["check", "a.py", "missing_dir"], ["missing_dir"]),
        (["check", "--select", "SLS999", "a.py"], ["--select", "SLS999"]),
        (["check", "--select", "SLS104,nonsense", "a.py"], ["--select", "nonsense"]),
        (["check", "--ignore", "nope-rule", "a.py"], ["--ignore", "nope-rule"]),
        (["check", "--unsafe-fixes", "a.py"], ["--unsafe-fixes", "--fix"]),
        (["check", "--config", "nothere.toml", "a.py"], ["--config", "nothere.toml"]),
        (["rules", "--format", "sarif"], ["--format"]),
    ],
)
def test_usage_errors(project, args, needles):
    assert_usage_error(run(*args, cwd=project), *needles)


def _with_pyproject(tmp_path, text: str):
    write(tmp_path, {"a.py": YAML_LOAD})
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "pyproject, needles",
    [
        ("[tool.secure-ls\nselect = []\n", ["pyproject.toml", "not valid TOML"]),
        ('[tool.secure-ls]\nselect = "SLS1"\nselect = "SLS2"\n', ["not valid TOML"]),
        ('[tool.secure-ls]\nmin-confidnce = "low"\n', ["unknown setting 'min-confidnce'", "did you mean 'min-confidence'?"]),
        ('[tool.secure-ls]\nselcet = ["SLS1"]\n', ["unknown setting 'selcet'", "did you mean 'select'?"]),
        ('[tool.secure-ls]\nper-file-ignore = {}\n', ["did you mean 'per-file-ignores'?"]),
        ('[tool.secure-ls.dependencies]\ntimout = 3\n', ["unknown setting 'dependencies.timout'", "did you mean 'dependencies.timeout'?"]),
        ('[tool.secure-ls.severity]\nSLS104 = "critical"\n', ["severity of SLS104 is 'critical'", "expected one of"]),
        ('[tool.secure-ls.severity]\nSLS104 = 3\n', ["severity of SLS104"]),
        ("[tool.secure-ls]\nselect = 5\n", ["'select' must be a list of strings"]),
        ('[tool.secure-ls]\nmin-confidence = "sure"\n', ["min-confidence"]),
        ("[tool.secure-ls]\nenable = 1\n", ["'enable' must be true or false"]),
        ("[tool.secure-ls]\nmax-file-size = -1\n", ["max-file-size"]),
        ('[tool]\nsecure-ls = "on"\n', ["[tool.secure-ls] must be a table"]),
        ("tool = 3\n", []),  # not a table at all: no [tool.secure-ls], so defaults (checked below)
    ],
)
def test_configuration_errors(tmp_path, pyproject, needles):
    project = _with_pyproject(tmp_path, pyproject)
    result = check("a.py", cwd=project)
    if not needles:
        assert result.code == 1 and "Traceback" not in result.err
        return
    assert_usage_error(result, *needles)


def test_configuration_error_through_config_option(tmp_path):
    write(tmp_path, {"a.py": YAML_LOAD, "conf/settings.toml": '[tool.secure-ls]\nignroe = ["SLS104"]\n'})
    assert_usage_error(check("--config", "conf/settings.toml", "a.py", cwd=tmp_path), "conf/settings.toml", "did you mean 'ignore'?")


def test_unreadable_pyproject(tmp_path):
    write(tmp_path, {"a.py": YAML_LOAD, "pyproject.toml": b"\xff\xfe[tool]\n"})
    assert_usage_error(check("a.py", cwd=tmp_path), "pyproject.toml")


def test_no_command_prints_help_and_fails():
    result = run()
    assert result.code == 2 and "usage:" in result.out and "Traceback" not in result.err
