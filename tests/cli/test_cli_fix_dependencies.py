"""`check --fix --unsafe-fixes` with a fix that needs a package the project does not declare
(issue 13 item 10): the dependency file gets one new line, nothing else in it changes."""

from __future__ import annotations

import json
import tomllib

from tests.cli.cli_helpers import check

# two modules that need defusedxml: the dependency is added once
VIEWS = "import xml.etree.ElementTree as ET\n\ndef parse(request):\n    return ET.fromstring(request.data)\n"
API = "import xml.etree.ElementTree as ET\n\ndef feed(request):\n    return ET.fromstring(request.body)\n"
PYPROJECT = (
    '[project]\nname = "demo"\nversion = "1"\ndependencies = [\n    "requests>=2",  # http\n    "flask",\n]\n\n'
    '[tool.secure-ls]\nselect = ["SLS108"]\n\n[tool.other]\nx = 1\n'
)


def _project(tmp_path, files):
    (tmp_path / ".git").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(VIEWS)
    (tmp_path / "app" / "api.py").write_text(API)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_pyproject_gets_one_line(tmp_path):
    root = _project(tmp_path, {"pyproject.toml": PYPROJECT})
    titles = [f["fix"]["title"] for f in json.loads(check("--format", "json", ".", cwd=root).out)["findings"]]
    assert titles and all(t.endswith("(adds dependency defusedxml to pyproject.toml)") for t in titles)
    result = check("--fix", "--unsafe-fixes", ".", cwd=root)
    assert result.code == 0, result.out + result.err
    assert "Added dependency defusedxml to" in result.out and "pyproject.toml" in result.out
    after = (root / "pyproject.toml").read_text()
    assert tomllib.loads(after)["project"]["dependencies"] == ["requests>=2", "flask", "defusedxml"]
    assert after == PYPROJECT.replace('    "flask",\n', '    "flask",\n    "defusedxml",\n')
    assert "defusedxml.ElementTree.fromstring" in (root / "app" / "api.py").read_text()
    # a second run has nothing to add
    again = check("--fix", "--unsafe-fixes", ".", cwd=root)
    assert "Added dependency" not in again.out and (root / "pyproject.toml").read_text() == after


def test_safe_fixes_only_leave_the_dependency_file_alone(tmp_path):
    root = _project(tmp_path, {"pyproject.toml": PYPROJECT})
    check("--fix", ".", cwd=root)  # the defusedxml fix is unsafe: not applied
    assert (root / "pyproject.toml").read_text() == PYPROJECT


def test_requirements_txt_gets_one_line(tmp_path):
    root = _project(tmp_path, {"requirements.txt": "requests==2.31.0\nflask  # web\n", "pyproject.toml": '[tool.secure-ls]\nselect = ["SLS108"]\n'})
    result = check("--fix", "--unsafe-fixes", ".", cwd=root)
    assert result.code == 0, result.out + result.err
    assert "Added dependency defusedxml to" in result.out
    assert (root / "requirements.txt").read_text() == "requests==2.31.0\nflask  # web\ndefusedxml\n"
    assert (root / "pyproject.toml").read_text() == '[tool.secure-ls]\nselect = ["SLS108"]\n'


# Poetry's own table, no [project].dependencies and no requirements file
POETRY = (
    '[tool.poetry]\nname = "demo"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "^3.0"  # web\n\n'
    '# test tools\n[tool.poetry.group.dev.dependencies]\npytest = "^8"\n\n[tool.secure-ls]\nselect = ["SLS108"]\n'
)


def test_poetry_table_gets_one_line(tmp_path):
    root = _project(tmp_path, {"pyproject.toml": POETRY})
    titles = [f["fix"]["title"] for f in json.loads(check("--format", "json", ".", cwd=root).out)["findings"]]
    assert titles and all(t.endswith("(adds dependency defusedxml to pyproject.toml)") for t in titles)
    result = check("--fix", "--unsafe-fixes", ".", cwd=root)
    assert result.code == 0, result.out + result.err
    assert "Added dependency defusedxml to" in result.out
    after = (root / "pyproject.toml").read_text()
    assert after == POETRY.replace('flask = "^3.0"  # web\n', 'flask = "^3.0"  # web\ndefusedxml = "*"\n')
    assert tomllib.loads(after)["tool"]["poetry"]["dependencies"] == {"python": "^3.11", "flask": "^3.0", "defusedxml": "*"}
    again = check("--fix", "--unsafe-fixes", ".", cwd=root)
    assert "Added dependency" not in again.out and (root / "pyproject.toml").read_text() == after


def test_declared_under_another_spelling_adds_nothing(tmp_path):
    text = "DefusedXML>=0.7\n"
    root = _project(tmp_path, {"requirements.txt": text})
    titles = [f["fix"]["title"] for f in json.loads(check("--format", "json", "--select", "SLS108", ".", cwd=root).out)["findings"]]
    assert titles and not any("dependency" in t for t in titles)
    result = check("--fix", "--unsafe-fixes", "--select", "SLS108", ".", cwd=root)
    assert "Added dependency" not in result.out and (root / "requirements.txt").read_text() == text


def test_no_dependency_file_is_said(tmp_path):
    root = _project(tmp_path, {})
    titles = [f["fix"]["title"] for f in json.loads(check("--format", "json", "--select", "SLS108", ".", cwd=root).out)["findings"]]
    assert titles and all("(needs defusedxml, not declared in the project's dependencies)" in t for t in titles)
    result = check("--fix", "--unsafe-fixes", "--select", "SLS108", ".", cwd=root)
    assert "needs defusedxml, which the project does not declare" in result.out
    assert sorted(p.name for p in root.iterdir()) == [".git", ".secure_ls_cache", "app"] or sorted(p.name for p in root.iterdir()) == [".git", "app"]


def test_sarif_fixes_carry_the_dependency_file_change(tmp_path):
    root = _project(tmp_path, {"pyproject.toml": PYPROJECT})
    run = json.loads(check("--format", "sarif", ".", cwd=root).out)["runs"][0]
    fixes = [fix for result in run["results"] for fix in result.get("fixes", ())]
    assert fixes and all(fix["description"]["text"].endswith("(adds dependency defusedxml to pyproject.toml)") for fix in fixes)
    for fix in fixes:
        uris = [change["artifactLocation"]["uri"] for change in fix["artifactChanges"]]
        assert uris[0].endswith(".py") and uris[1] == "pyproject.toml", uris
        # applying the declaration's replacement gives what `check --fix` writes
        (replacement,) = fix["artifactChanges"][1]["replacements"]
        lines = PYPROJECT.split("\n")
        region = replacement["deletedRegion"]
        start = sum(len(line) + 1 for line in lines[: region["startLine"] - 1]) + region["startColumn"] - 1
        end = sum(len(line) + 1 for line in lines[: region.get("endLine", region["startLine"]) - 1]) + region.get("endColumn", region["startColumn"]) - 1
        edited = PYPROJECT[:start] + replacement["insertedContent"]["text"] + PYPROJECT[end:]
        assert tomllib.loads(edited)["project"]["dependencies"] == ["requests>=2", "flask", "defusedxml"]
