"""A quick fix whose code needs an undeclared package (issue 13 item 10), over LSP: its title
says so and its workspace edit changes the Python file and the project's dependency file."""

from __future__ import annotations

import ast
import tomllib

from pygls.uris import from_fs_path

from secure_ls.testing.session import apply_text_edits, code_actions, diagnostics, edits_by_uri, edits_of, open_doc, resolved

CODE = "import xml.etree.ElementTree as ET\n\ndef parse(request):\n    return ET.fromstring(request.data)\n"
PYPROJECT = '[project]\nname = "demo"\nversion = "1"\ndependencies = [\n    "requests>=2",  # http\n]\n\n[tool.other]\nx = 1\n'


async def _fix(client, folder):
    (folder / "app").mkdir()
    source = folder / "app" / "views.py"
    source.write_text(CODE)
    uri = from_fs_path(str(source))
    open_doc(client, uri, CODE)
    diags = [d for d in await diagnostics(client, uri, 1) if d.get("code") == "SLS108"]
    assert diags
    actions = await code_actions(client, uri, diags[0]["range"], diags)
    action = next(a for a in actions if a["title"].startswith("secure-ls (SLS108):") and "Suppress" not in a["title"])
    action = await resolved(client, action)
    fixed = apply_text_edits(CODE, edits_of(action["edit"], uri))
    ast.parse(fixed)
    assert "defusedxml.ElementTree.fromstring(request.data)" in fixed
    return action


def _uris(edit: dict) -> set[str]:
    return set(edits_by_uri(edit))


async def test_fix_adds_the_dependency_to_pyproject(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    action = await _fix(client, tmp_path)
    assert "(adds dependency defusedxml to pyproject.toml)" in action["title"]
    uri = from_fs_path(str(tmp_path / "pyproject.toml"))
    assert uri in _uris(action["edit"])
    after = apply_text_edits(PYPROJECT, edits_of(action["edit"], uri))
    assert tomllib.loads(after)["project"]["dependencies"] == ["requests>=2", "defusedxml"]
    assert after == PYPROJECT.replace('  # http\n', '  # http\n    "defusedxml",\n')


async def test_fix_adds_the_dependency_to_requirements(client, tmp_path):
    (tmp_path / ".git").mkdir()  # the project root: no pyproject.toml above it counts
    (tmp_path / "requirements.txt").write_text("requests==2.31.0\n")
    action = await _fix(client, tmp_path)
    assert "(adds dependency defusedxml to requirements.txt)" in action["title"]
    uri = from_fs_path(str(tmp_path / "requirements.txt"))
    assert apply_text_edits("requests==2.31.0\n", edits_of(action["edit"], uri)) == "requests==2.31.0\ndefusedxml\n"


async def test_fix_adds_the_dependency_to_the_poetry_table(client, tmp_path):
    text = '[tool.poetry]\nname = "demo"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n\n[tool.other]\nx = 1\n'
    (tmp_path / "pyproject.toml").write_text(text)
    action = await _fix(client, tmp_path)
    assert "(adds dependency defusedxml to pyproject.toml)" in action["title"]
    uri = from_fs_path(str(tmp_path / "pyproject.toml"))
    after = apply_text_edits(text, edits_of(action["edit"], uri))
    assert after == text.replace('python = "^3.11"\n', 'python = "^3.11"\ndefusedxml = "*"\n')


async def test_declared_dependency_changes_nothing_else(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace('"requests>=2"', '"DefusedXML>=0.7"'))
    action = await _fix(client, tmp_path)
    assert "dependency" not in action["title"] and "not declared" not in action["title"]
    assert len(_uris(action["edit"])) == 1


async def test_no_dependency_file_says_so_in_the_title(client, tmp_path):
    (tmp_path / ".git").mkdir()  # the project root, with no dependency file
    action = await _fix(client, tmp_path)
    assert "(needs defusedxml, not declared in the project's dependencies)" in action["title"]
    assert len(_uris(action["edit"])) == 1
