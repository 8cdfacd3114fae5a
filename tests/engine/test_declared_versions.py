"""What the project's dependency files say about the library versions it runs with
(engine/declared_versions.py), and the two findings that rest on an old default: PyYAML's
`yaml.load(stream)` without a loader (a TypeError from 6.0 on) and lxml's default parser (it
resolves internal entities only from 5.0 on). Each workspace test undoes the declaration and the
finding comes back."""

from __future__ import annotations

from secure_ls.engine import declared_versions
from tests.cli.cli_helpers import check_json, write

APP = """
import yaml
from flask import request
from lxml import etree


def settings(path):
    with open(path) as f:
        return yaml.load(f)


def upload():
    return etree.fromstring(request.data).tag
"""


def _floors(files: dict[str, str]) -> dict[str, str]:
    found = declared_versions.read(files.values(), files.keys())
    return {} if found is None else {name: str(version) for name, version in found.floors.items()}


def test_the_floor_is_the_lowest_version_every_versioned_declaration_allows():
    assert _floors({"requirements.txt": "pyyaml\n", "requirements_constraints.txt": "PyYAML==6.0.3\n"}) == {"pyyaml": "6.0.3"}
    assert _floors({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["lxml >=5.0.0,<8"]\n'}) == {"lxml": "5.0.0"}
    assert _floors({"pyproject.toml": '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\nlxml = "5.1.0"\n'}) == {"lxml": "5.1.0"}
    # two files that disagree: the lower one may be what runs
    assert _floors({"requirements.txt": "PyYAML>=5.1\n", "requirements-ci.txt": "PyYAML==6.0.3\n"}) == {"pyyaml": "5.1"}
    # an upper bound only, or only a name: no floor
    assert _floors({"requirements.txt": "PyYAML<7\nlxml\n"}) == {}
    assert _floors({"requirements.txt": "PyYAML<7\n", "constraints.txt": "PyYAML==6.0.1\n"}) == {}


def _findings(tmp_path, declarations: dict[str, str]) -> list[str]:
    write(tmp_path, {"app.py": APP, **declarations})
    found = check_json(".", "--no-cache", "--no-dependencies", cwd=tmp_path).findings()
    return sorted(f["rule"] for f in found if f["path"] == "app.py")


def test_declared_pyyaml_6_and_lxml_5_leave_their_old_defaults_unreported(tmp_path):
    declared = {"requirements.txt": "PyYAML==6.0.3\nlxml>=5.2\n"}
    assert _findings(tmp_path / "declared", declared) == []
    # older releases allowed: both findings are back
    older = {"requirements.txt": "PyYAML>=5.4\nlxml>=4.9\n"}
    assert _findings(tmp_path / "older", older) == ["SLS104", "SLS109"]
    # nothing declared: nothing known of the versions
    assert _findings(tmp_path / "none", {}) == ["SLS104", "SLS109"]


def test_an_explicit_unsafe_choice_is_reported_whatever_the_version(tmp_path):
    declared = {"requirements.txt": "PyYAML==6.0.3\nlxml==5.3.0\n"}
    explicit = APP.replace("yaml.load(f)", "yaml.load(f, Loader=yaml.Loader)").replace(
        "etree.fromstring(request.data)", "etree.fromstring(request.data, etree.XMLParser(resolve_entities=True))"
    )
    write(tmp_path, {"app.py": explicit, **declared})
    found = check_json(".", "--no-cache", "--no-dependencies", cwd=tmp_path).findings()
    assert {"SLS104", "SLS109"} <= {f["rule"] for f in found if f["path"] == "app.py"}


def test_a_dependency_file_governs_the_code_under_its_folder_only(tmp_path):
    # zentral: the project pins PyYAML 6 at its root; a tool inside it keeps its own `pyyaml<7`
    declared = {"requirements_constraints.txt": "PyYAML==6.0.3\nlxml==5.3.0\n", "tools/mscp/requirements.txt": "pyyaml<7\nlxml<6\n"}
    assert _findings(tmp_path / "sibling", declared) == []
    # the same range beside the module (or above it) does govern it
    beside = {**declared, "requirements.txt": "pyyaml<7\n"}
    assert _findings(tmp_path / "beside", beside) == ["SLS104"]
