"""`secure-ls check` on Jupyter notebooks: code cells as one module, IPython syntax
neutralised, positions as `cell N, line L` (text, JSON) and as the .ipynb's own lines (SARIF)."""

from __future__ import annotations

import json

import jsonschema
from tests.cli.cli_helpers import SCHEMA, check, check_json, write

# The fixtures hold audit-tier findings too (a shell command from a parameter): these tests are about positions.
AUDIT = ("--min-confidence", "low")


def code(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source.splitlines(keepends=True)}


def markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source.splitlines(keepends=True)}


def notebook(*cells: dict, language: str = "python") -> str:
    """As Jupyter writes it (nbformat 4, one-space indent, non-ASCII kept)."""
    meta = {"kernelspec": {"name": "k", "language": language, "display_name": "K"}}
    return json.dumps({"cells": list(cells), "metadata": meta, "nbformat": 4, "nbformat_minor": 5}, indent=1, ensure_ascii=False) + "\n"


ANALYSIS = notebook(
    markdown("# Loading the data\nWith *yaml*."),
    code("%matplotlib inline\n!pip install pyyaml\nimport yaml\nimport subprocess"),
    code("%%bash\nyaml.load(x)\nrm -rf /tmp/cache"),
    markdown("Now the loader:"),
    code("def load(s):\n    files = !ls\n    return yaml.load(s)"),
    code("%%time\ndef run(cmd):\n    !echo $cmd\n    %time len(cmd)\n    subprocess.call(cmd, shell=True)\nlen?"),
)


def test_text_output_names_the_cell_and_line(tmp_path):
    write(tmp_path, {"analysis.ipynb": ANALYSIS})
    result = check(*AUDIT, "analysis.ipynb", cwd=tmp_path)
    assert result.code == 1, result.out + result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("analysis.ipynb: cell 5, line 3, column 12: SLS104 `yaml.load`")  # yaml imported in cell 2
    assert lines[1].startswith("analysis.ipynb: cell 6, line 5, column 21: SLS102 ")
    assert lines[2:] == ["Found 2 findings (0 fixable with --fix)."]  # no syntax error from the magics; nothing in the %%bash cell


def test_folders_include_notebooks_and_json_gives_cell_positions(tmp_path):
    write(tmp_path, {"notebooks/analysis.ipynb": ANALYSIS, "notebooks/.ipynb_checkpoints/analysis-checkpoint.ipynb": ANALYSIS})
    result = check_json(*AUDIT, ".", cwd=tmp_path)
    assert result.code == 1 and result.json()["errors"] == []
    found = [(f["path"], f["cell"], f["rule"], f["range"]) for f in result.findings()]
    assert found[0] == ("notebooks/analysis.ipynb", 5, "SLS104", {"start": {"line": 3, "column": 12}, "end": {"line": 3, "column": 24}})
    assert [(f[0], f[1], f[2]) for f in found] == [("notebooks/analysis.ipynb", 5, "SLS104"), ("notebooks/analysis.ipynb", 6, "SLS102")]
    assert all(f["fix"] is None for f in result.findings())  # fixes are not written into notebooks


def test_sarif_points_at_the_ipynb_text(tmp_path):
    write(tmp_path, {"analysis.ipynb": ANALYSIS})
    result = check(*AUDIT, "--format", "sarif", "analysis.ipynb", cwd=tmp_path)
    sarif = json.loads(result.out)
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(sarif)
    raw = ANALYSIS.split("\n")
    located = []
    for item in sarif["runs"][0]["results"]:
        region = item["locations"][0]["physicalLocation"]["region"]
        line = raw[region["startLine"] - 1]
        located.append((item["ruleId"], line[region["startColumn"] - 1 : region["endColumn"] - 1], item["properties"]["cell"], item["properties"]["cellLine"]))
        assert item["locations"][0]["logicalLocations"] == [{"name": f"cell {item['properties']['cell']}", "kind": "module"}]
    assert located == [("SLS104", "yaml.load(s)", 5, 3), ("SLS102", "cmd", 6, 5)]


def test_non_ascii_and_escapes_before_the_finding_keep_sarif_columns_exact(tmp_path):
    source = 'import hashlib\nlabel = "é\\t→"; hashlib.md5(b"x")\n'
    write(tmp_path, {"n.ipynb": notebook(code(source))})
    sarif = json.loads(check(*AUDIT, "--format", "sarif", "n.ipynb", cwd=tmp_path).out)
    (item,) = sarif["runs"][0]["results"]
    region = item["locations"][0]["physicalLocation"]["region"]
    line = (tmp_path / "n.ipynb").read_text(encoding="utf-8").split("\n")[region["startLine"] - 1]
    assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == 'hashlib.md5(b\\"x\\")'  # the JSON text of the call


def test_fix_leaves_notebooks_alone(tmp_path):
    write(tmp_path, {"analysis.ipynb": ANALYSIS})
    result = check("--fix", "analysis.ipynb", cwd=tmp_path)
    assert result.code == 1 and "Fixed 0 findings." in result.out
    assert (tmp_path / "analysis.ipynb").read_text(encoding="utf-8") == ANALYSIS


def test_notebooks_that_cannot_be_analysed_are_listed(tmp_path):
    write(tmp_path, {"broken.ipynb": "{ not json", "r.ipynb": notebook(code("x <- 1"), language="R"), "ok.ipynb": notebook(code("x = 1"))})
    result = check_json(*AUDIT, ".", cwd=tmp_path)
    assert result.code == 0 and result.findings() == []
    errors = result.json()["errors"]
    assert len(errors) == 2
    assert errors[0].startswith("broken.ipynb: not a valid notebook (invalid JSON")
    assert errors[1] == "r.ipynb: a r notebook, not Python: not analysed"


def test_a_real_syntax_error_is_reported_by_cell(tmp_path):
    write(tmp_path, {"s.ipynb": notebook(code("x = 1"), markdown("text"), code("def f(:\n    pass"))})
    result = check("s.ipynb", cwd=tmp_path)
    assert "s.ipynb: cell 3, line 1, column " in result.out and "syntax error, not analysed" in result.out


def test_a_request_without_a_timeout_is_the_audit_tier_in_a_notebook_only(tmp_path):
    # the notebook's user runs the cell and watches it: a hang is seen and interrupted, no worker is lost
    cell = "import requests\nimage = requests.get('https://example.com/cat.png').content\n"
    write(tmp_path, {"demo.ipynb": notebook(code(cell)), "fetch.py": cell})
    found = {(f["path"], f["rule"], f["confidence"]) for f in check_json(*AUDIT, ".", cwd=tmp_path).findings()}
    assert ("demo.ipynb", "SLS604", "low") in found
    assert ("fetch.py", "SLS604", "high") in found
    assert {f["path"] for f in check_json(".", cwd=tmp_path).findings()} == {"fetch.py"}  # the default output
