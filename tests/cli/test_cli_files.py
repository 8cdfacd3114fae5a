"""Which files `check` reads, and how: folder walking, encodings, line endings."""

from __future__ import annotations

import pytest
from tests.cli.cli_helpers import YAML_LOAD, check, check_json, write

SKIPPED = [".venv", "venv", ".git", "node_modules", "build", "dist", "__pycache__", ".tox", "src/pkg.egg-info", "site-packages"]


def test_walk_skips_environments_and_build_output(tmp_path):
    files = {f"{folder}/m.py": YAML_LOAD for folder in SKIPPED}
    files.update(
        {
            "top.py": YAML_LOAD,
            "src/pkg/m.py": YAML_LOAD,
            "src/build_tools/m.py": YAML_LOAD,  # only exact folder names are skipped
            "src/distance/m.py": YAML_LOAD,
            "src/pkg/nested/venv/m.py": YAML_LOAD,  # skipped at any depth
            "myenv/lib/m.py": YAML_LOAD,  # a virtualenv under any name: it holds pyvenv.cfg
            "myenv/pyvenv.cfg": "home = /usr/bin\n",
            "scripts/tool.pyw": YAML_LOAD,
            "stubs/m.pyi": "import yaml\ndef f(s): return yaml.load(s)\n",
            "notes.txt": "yaml.load(s)\n",
        }
    )
    write(tmp_path, files)
    result = check_json(".", cwd=tmp_path)
    paths = sorted({f["path"].replace("\\", "/") for f in result.findings()})
    assert paths == ["scripts/tool.pyw", "src/build_tools/m.py", "src/distance/m.py", "src/pkg/m.py", "stubs/m.pyi", "top.py"]


def test_vendored_copies_of_declared_dependencies_are_skipped(tmp_path):
    # Tautulli's lib/: the project's dependencies copied into a folder of its own
    write(
        tmp_path,
        {
            "requirements.txt": "cherrypy==18.10.0\ncherrypy-cors==1.7.0\narrow==1.4.0\nmako==1.3.12\n",
            "lib/cherrypy/__init__.py": YAML_LOAD,
            "lib/cherrypy_cors/__init__.py": YAML_LOAD,
            "lib/arrow/__init__.py": YAML_LOAD,
            "lib/dateutil/__init__.py": "",
            "lib/six/__init__.py": "",
            "app/m.py": YAML_LOAD,
            # the project's own adapters, named after what they wrap
            "app/util/cherrypy.py": YAML_LOAD,
            "app/util/arrow.py": YAML_LOAD,
            "app/util/mako.py": YAML_LOAD,
            # a workspace of the project's own packages: each one a distribution of its own
            "packages/cherrypy/pyproject.toml": "[project]\nname = 'cherrypy'\n",
            "packages/cherrypy/m.py": YAML_LOAD,
            "packages/arrow/setup.py": "",
            "packages/arrow/m.py": YAML_LOAD,
            "packages/mako/pyproject.toml": "[project]\nname = 'mako'\n",
            "packages/mako/m.py": YAML_LOAD,
        },
    )
    paths = sorted({f["path"].replace("\\", "/") for f in check_json(".", "--no-dependencies", cwd=tmp_path).findings()})
    assert paths == ["app/m.py", "app/util/arrow.py", "app/util/cherrypy.py", "app/util/mako.py", "packages/arrow/m.py", "packages/cherrypy/m.py", "packages/mako/m.py"]
    # two copies are not a vendored folder; a vendored folder named on the command line is checked
    write(tmp_path, {"requirements.txt": "cherrypy==18.10.0\ncherrypy-cors==1.7.0\n"})
    assert "lib/arrow/__init__.py" in {f["path"].replace("\\", "/") for f in check_json(".", "--no-dependencies", cwd=tmp_path).findings()}
    write(tmp_path, {"requirements.txt": "cherrypy==18.10.0\ncherrypy-cors==1.7.0\narrow==1.4.0\n"})
    assert len(check_json("lib", "--no-dependencies", cwd=tmp_path).findings()) == 3


def test_explicit_file_in_skipped_folder_is_checked(tmp_path):
    write(tmp_path, {"build/gen.py": YAML_LOAD})
    assert check_json("build/gen.py", cwd=tmp_path).rules_found() == [("SLS104", 5)]


def test_several_paths_and_deduplicated_output(tmp_path):
    write(tmp_path, {"a/x.py": YAML_LOAD, "b/y.py": YAML_LOAD})
    result = check_json("a", "b/y.py", "b/y.py", "./b/y.py", "a/x.py", cwd=tmp_path)
    assert sorted(f["path"].replace("\\", "/") for f in result.findings()) == ["a/x.py", "b/y.py"]
    fixed = check("--fix", "a", "a/x.py", "b", "b/y.py", cwd=tmp_path)
    assert "Fixed 2 findings." in fixed.out


def test_empty_folder_is_clean(tmp_path):
    (tmp_path / "empty").mkdir()
    result = check("empty", cwd=tmp_path)
    assert (result.code, result.out) == (0, "No findings.\n")


LINE = '    v = "ééé"; return yaml.load(s)'


def _expected_column() -> int:
    return LINE.index("yaml.load") + 1  # code points, 1-based


@pytest.mark.parametrize(
    "name, data",
    [
        ("bom.py", b"\xef\xbb\xbf" + f"import yaml\n\n\ndef f(s):\n{LINE}\n".encode("utf-8")),
        ("latin1.py", f"# -*- coding: latin-1 -*-\nimport yaml\n\ndef f(s):\n{LINE}\n".encode("latin-1")),
        ("crlf.py", f"import yaml\r\n\r\n\r\ndef f(s):\r\n{LINE}\r\n".encode("utf-8")),
        ("bom_crlf.py", b"\xef\xbb\xbf" + f"import yaml\r\n\r\n\r\ndef f(s):\r\n{LINE}\r\n".encode("utf-8")),
        ("cp1252.py", f"# coding: cp1252\nimport yaml\n\ndef f(s):\n{LINE}  # “quoted”\n".encode("cp1252")),
    ],
    ids=["bom", "latin-1-cookie", "crlf", "bom-crlf", "cp1252-cookie"],
)
def test_encodings_and_line_endings(tmp_path, name, data):
    compile(data, name, "exec")  # what Python itself accepts
    write(tmp_path, {name: data})
    result = check_json(name, cwd=tmp_path)
    assert result.json()["errors"] == []
    [finding] = result.findings()
    assert finding["rule"] == "SLS104"
    assert finding["range"]["start"] == {"line": 5, "column": _expected_column()}

    # --fix changes only the call: same encoding, same BOM, same line endings
    fixed = check("--fix", name, cwd=tmp_path)
    assert fixed.code == 0, fixed.out
    assert (tmp_path / name).read_bytes() == data.replace(b"yaml.load(s)", b"yaml.safe_load(s)")


def test_undecodable_file_is_reported_not_rewritten(tmp_path):
    data = b"import yaml\n\n\ndef f(s):\n    return yaml.load(s)  # \xff\xfe\n"
    write(tmp_path, {"bad.py": data})
    result = check("--fix", "bad.py", cwd=tmp_path)
    assert result.code == 1 and "Traceback" not in result.out + result.err
    assert "bad.py: not fixed" in result.out
    assert (tmp_path / "bad.py").read_bytes() == data


def test_syntax_error_is_reported(tmp_path):
    write(tmp_path, {"broken.py": "import yaml\n\ndef g(s):\n    return yaml.load(s)\n\ndef f(:\n    pass\n"})
    result = check_json("broken.py", cwd=tmp_path)
    assert result.rules_found() == [("SLS104", 4)]  # the parts that parse are still checked
    [error] = result.json()["errors"]
    assert error.startswith("broken.py:6:") and "syntax error" in error
    text = check("broken.py", cwd=tmp_path)
    assert any(line.startswith("broken.py:6:") and "syntax error" in line for line in text.out.splitlines())


def test_requirements_file_is_checked(tmp_path):
    write(tmp_path, {"requirements.txt": "requests==2.19.1\n", "a.py": "x = 1\n"})
    offline = tmp_path / "osv"
    offline.mkdir()
    import shutil

    from tests.cli.cli_helpers import EXAMPLES

    for record in (EXAMPLES / "osv").glob("*.json"):
        shutil.copy(record, offline)
    (tmp_path / "pyproject.toml").write_text('[tool.secure-ls.dependencies]\noffline-dir = "osv"\n', encoding="utf-8")
    from tests.cli.cli_helpers import run

    result = run("check", "--format", "json", ".", cwd=tmp_path)
    assert [(f["rule"], f["path"]) for f in result.json()["findings"]] == [("SLS901", "requirements.txt")]
    assert run("check", "--no-dependencies", ".", cwd=tmp_path).code == 0


def test_valid_file_has_no_syntax_error(tmp_path):
    """A file Python parses is never reported as a syntax error (the engine parses in pieces)."""
    source = (
        "import sys\nimport unittest\n\nimport yaml\n\n\n"
        "@unittest.skipUnless(sys.platform == 'darwin' and\n"
        "                     sys.maxsize > 1, 'multi-line decorator')\n"
        "class C(unittest.TestCase):\n"
        "    def f(self, s):\n"
        "        return yaml.load(s)\n"
    )
    compile(source, "valid.py", "exec")
    write(tmp_path, {"valid.py": source})
    result = check_json("valid.py", cwd=tmp_path)
    assert result.json()["errors"] == []
    assert result.rules_found() == [("SLS104", 11)]


def test_a_project_checked_out_under_a_tests_folder_is_not_test_code(tmp_path):
    """Only folders below the project's root make a file test code: a checkout in
    /ci/tests/<project> is production code, its own tests/ folder is not."""
    secret = 'API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\n'
    files = {"pyproject.toml": "[tool.secure-ls]\n", "app/settings.py": secret, "tests/fixtures.py": secret, "unittests/scans/weak.py": secret, "e2e/utils.py": secret,
             "test_data/each_secret.py": secret, "testdata/keys.py": secret, "app/cli/_tests/helpers.py": secret, "shop_tests/fixtures.py": secret, "shop/ab_tests/variants.py": secret}
    root = write(tmp_path / "tests" / "shop", files)
    found = {(f["path"], f["rule"]) for f in check_json(".", cwd=root).findings()}
    assert ("app/settings.py", "SLS202") in found
    assert ("tests/fixtures.py", "SLS202") not in found
    assert ("unittests/scans/weak.py", "SLS202") not in found  # a folder named for a kind of tests
    assert ("e2e/utils.py", "SLS202") not in found  # end-to-end tests
    assert ("test_data/each_secret.py", "SLS202") not in found  # what the tests read
    assert ("testdata/keys.py", "SLS202") not in found
    assert ("app/cli/_tests/helpers.py", "SLS202") not in found  # a private tests package
    assert ("shop_tests/fixtures.py", "SLS202") not in found  # the project's top-level test package
    assert ("shop/ab_tests/variants.py", "SLS202") in found  # a feature so named, below the top level
