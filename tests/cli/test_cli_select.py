"""Choosing rules: `--select`/`--ignore` by id, name, prefix and topic; per-file-ignores; exclude."""

from __future__ import annotations

import pytest
from tests.cli.cli_helpers import MD5, SHELL, YAML_LOAD, check_json, write

# SLS102 command-injection (topic injection), SLS104 unsafe-yaml-load (injection), SLS302 weak-hash (hashing)
ALL = {"SLS102", "SLS104", "SLS302"}


@pytest.fixture
def project(tmp_path):
    return write(tmp_path, {"s.py": SHELL, "y.py": YAML_LOAD, "m.py": MD5})


def _rules(project, *args) -> set[str]:
    result = check_json(*args, ".", cwd=project)
    assert result.code == (1 if result.findings() else 0), result.err
    return {f["rule"] for f in result.findings()}


@pytest.mark.parametrize(
    "select, expected",
    [
        ("SLS104", {"SLS104"}),
        ("sls104", {"SLS104"}),
        ("unsafe-yaml-load", {"SLS104"}),
        ("UNSAFE-YAML-LOAD", {"SLS104"}),
        ("SLS1", {"SLS102", "SLS104"}),
        ("SLS10", {"SLS102", "SLS104"}),
        ("SLS3", {"SLS302"}),
        ("SLS", ALL),
        ("injection", {"SLS102", "SLS104"}),
        ("Injection", {"SLS102", "SLS104"}),
        ("hashing", {"SLS302"}),
        ("SLS104,weak-hash", {"SLS104", "SLS302"}),
        (" SLS104 , SLS302 ", {"SLS104", "SLS302"}),
        ("ALL", ALL),
        ("sql-injection", set()),
    ],
)
def test_select(project, select, expected):
    assert _rules(project, "--select", select) == expected


@pytest.mark.parametrize(
    "ignore, expected",
    [
        ("SLS104", ALL - {"SLS104"}),
        ("command-injection", ALL - {"SLS102"}),
        ("SLS1", {"SLS302"}),
        ("injection", {"SLS302"}),
        ("hashing,SLS102", {"SLS104"}),
        ("ALL", set()),
    ],
)
def test_ignore(project, ignore, expected):
    assert _rules(project, "--ignore", ignore) == expected


def test_select_and_ignore_together(project):
    assert _rules(project, "--select", "injection", "--ignore", "SLS102") == {"SLS104"}


def test_command_line_overrides_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.secure-ls]\nselect = ["SLS302"]\n', encoding="utf-8")
    assert _rules(project) == {"SLS302"}
    assert _rules(project, "--select", "SLS104") == {"SLS104"}


def test_pyproject_select_ignore(project):
    (project / "pyproject.toml").write_text('[tool.secure-ls]\nselect = ["injection"]\nignore = ["unsafe-yaml-load"]\n', encoding="utf-8")
    assert _rules(project) == {"SLS102"}


def test_per_file_ignores(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.secure-ls.per-file-ignores]
                "tests/*" = ["SLS104"]
                "app/legacy.py" = ["hashing", "command-injection"]
                "**/generated_*.py" = ["SLS1"]
            """,
            "tests/test_y.py": YAML_LOAD + MD5,
            "app/y.py": YAML_LOAD,
            "app/legacy.py": SHELL + MD5 + YAML_LOAD,
            "app/sub/generated_x.py": SHELL + YAML_LOAD + MD5,
        },
    )
    result = check_json(".", cwd=tmp_path)
    got = {(f["path"].replace("\\", "/"), f["rule"]) for f in result.findings()}
    assert got == {
        ("tests/test_y.py", "SLS302"),
        ("app/y.py", "SLS104"),
        ("app/legacy.py", "SLS104"),
        ("app/sub/generated_x.py", "SLS302"),
    }
    # the same from inside a sub-folder: patterns stay relative to the pyproject.toml
    inner = check_json(".", cwd=tmp_path / "app")
    assert {(f["path"].replace("\\", "/"), f["rule"]) for f in inner.findings()} == {
        ("y.py", "SLS104"),
        ("legacy.py", "SLS104"),
        ("sub/generated_x.py", "SLS302"),
    }


def test_exclude(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.secure-ls]
                exclude = ["vendor", "migrations/", "*_pb2.py", "docs/examples/*"]
            """,
            "app/y.py": YAML_LOAD,
            "vendor/lib/y.py": YAML_LOAD,
            "app/vendor/y.py": YAML_LOAD,
            "migrations/0001.py": YAML_LOAD,
            "app/api_pb2.py": YAML_LOAD,
            "docs/examples/y.py": YAML_LOAD,
            "docs/conf.py": YAML_LOAD,
        },
    )
    result = check_json(".", cwd=tmp_path)
    assert sorted(f["path"].replace("\\", "/") for f in result.findings()) == ["app/y.py", "docs/conf.py"]


def test_min_confidence(project):
    everything = check_json(".", cwd=project).findings()
    high = check_json("--min-confidence", "high", ".", cwd=project).findings()
    assert all(f["confidence"] == "high" for f in high)
    assert len(high) == len([f for f in everything if f["confidence"] == "high"])


def test_severity_override(project):
    (project / "pyproject.toml").write_text('[tool.secure-ls.severity]\nSLS104 = "info"\nweak-hash = "error"\n', encoding="utf-8")
    by_rule = {f["rule"]: f for f in check_json(".", cwd=project).findings()}
    assert by_rule["SLS104"]["severity"] == "low"  # LSP "info(rmation)" is our low
    assert by_rule["SLS302"]["severity"] == "high"


def test_config_option_replaces_nearest_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.secure-ls]\nselect = ["SLS302"]\n', encoding="utf-8")
    (project / "ci.toml").write_text('[tool.secure-ls]\nselect = ["SLS104"]\n', encoding="utf-8")
    assert _rules(project, "--config", "ci.toml") == {"SLS104"}
    assert _rules(project, "--config", "ci.toml", "--select", "SLS102") == {"SLS102"}


def test_low_confidence_findings_are_the_audit_tier(tmp_path):
    """Pattern-only findings (low confidence) stay out of the default report and come back with --min-confidence low."""
    (tmp_path / "tool.py").write_text("import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n", encoding="utf-8")
    default = check_json(".", cwd=tmp_path).findings()
    audit = check_json("--min-confidence", "low", ".", cwd=tmp_path).findings()
    assert [f for f in audit if f["confidence"] == "low"], "the sample must hold a low-confidence finding"
    assert all(f["confidence"] != "low" for f in default)
    assert {f["rule"] for f in audit} >= {f["rule"] for f in default}
