"""`secure-ls check --format sarif` validated against the official OASIS SARIF 2.1.0 schema.

The schema (tests/data/sarif-schema-2.1.0.json, see tests/data/README.md) is
draft-07. jsonschema checks the `uri` / `uri-reference` formats only when
optional packages are installed, so both are checked here with the RFC 3986
character rules: GitHub code scanning and other consumers reject a location
whose URI has a bare space or `#`.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlparse

import jsonschema
import pytest
from tests.cli.cli_helpers import EXAMPLES, REPO, SCHEMA, check, run, write

_URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("uri-reference")
def _uri_reference(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI_CHARS.match(value))


@_FORMATS.checks("uri")
def _uri(value: object) -> bool:
    return not isinstance(value, str) or (bool(_URI_CHARS.match(value)) and bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", value)))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)  # draft-07, as the schema declares
    assert cls is jsonschema.Draft7Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=_FORMATS)


def assert_valid(validator, log: dict) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:20])


def _sarif(*args, cwd=None) -> dict:
    result = run("check", "--format", "sarif", *args, cwd=cwd)
    assert result.code in (0, 1), result.err
    assert result.err == ""
    return json.loads(result.out)


@pytest.fixture(scope="module")
def examples_log() -> dict:
    # examples/pyproject.toml points dependency scanning at the bundled advisories: no network
    return _sarif("examples", cwd=REPO)


def test_schema_file_is_the_oasis_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert {"run", "result", "reportingDescriptor", "fix", "replacement", "region"} <= set(schema["definitions"])


def test_examples_sarif_validates(validator, examples_log):
    assert_valid(validator, examples_log)
    assert examples_log["version"] == "2.1.0"
    run_ = examples_log["runs"][0]
    assert run_["tool"]["driver"]["name"] == "secure-ls"
    assert run_["results"], "the examples have findings"


def test_examples_sarif_has_rule_metadata(examples_log):
    run_ = examples_log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert {r["ruleId"] for r in run_["results"]} == set(ids), "exactly the rules that produced a result"
    for rule in rules:
        assert re.fullmatch(r"SLS\d{3}", rule["id"])
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        help_uri = urlparse(rule["helpUri"])
        assert help_uri.scheme == "https" and help_uri.netloc and rule["id"] in help_uri.path
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        tags = rule["properties"]["tags"]
        assert "security" in tags
        cwe_tags = [t for t in tags if t.startswith("external/cwe/cwe-")]
        assert len(cwe_tags) == 1 and re.fullmatch(r"external/cwe/cwe-\d+", cwe_tags[0]), tags
        assert float(rule["properties"]["security-severity"]) > 0
        assert rule["properties"]["precision"] in ("high", "medium", "low")
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_examples_sarif_has_fixes_related_locations_and_dependencies(examples_log):
    results = examples_log["runs"][0]["results"]
    by_rule = {}
    for result in results:
        by_rule.setdefault(result["ruleId"], []).append(result)
    # a code finding with a fix: SQL injection in insecure_app.py
    sql = by_rule["SLS101"]
    assert all(r["fixes"] for r in sql)
    assert any(r.get("relatedLocations") for r in sql), "the taint path of an injection"
    for result in sql:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "examples/insecure_app.py"
        for fix in result["fixes"]:
            assert fix["description"]["text"]
            for change in fix["artifactChanges"]:
                assert change["artifactLocation"]["uri"] == uri
                for replacement in change["replacements"]:
                    assert "text" in replacement["insertedContent"]
                    region = replacement["deletedRegion"]
                    assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
    # dependency findings on requirements.txt and pyproject.toml, with a fix and the advisories as related locations
    deps = by_rule["SLS901"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in deps}
    assert {"examples/requirements.txt", "examples/deps-pyproject/pyproject.toml"} <= uris
    assert all(r.get("fixes") for r in deps)
    assert all(r.get("relatedLocations") for r in deps)
    # severities map to SARIF levels
    assert {r["level"] for r in results} <= {"error", "warning", "note"}


def _apply_sarif_fix(text: str, fix: dict) -> str:
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    edits = []
    for change in fix["artifactChanges"]:
        for replacement in change["replacements"]:
            region = replacement["deletedRegion"]
            start = starts[region["startLine"] - 1] + region["startColumn"] - 1
            end = starts[region["endLine"] - 1] + region["endColumn"] - 1
            edits.append((start, end, replacement["insertedContent"]["text"]))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def test_sarif_fix_regions_are_exact(tmp_path):
    """Replaying a result's SARIF fix on the file gives code where that finding is gone."""
    source = (EXAMPLES / "insecure_app.py").read_text(encoding="utf-8")
    write(tmp_path, {"app.py": source})
    log = _sarif("--no-dependencies", "app.py", cwd=tmp_path)
    results = [r for r in log["runs"][0]["results"] if r.get("fixes")]
    assert results
    for result in results:
        fixed = _apply_sarif_fix(source, result["fixes"][0])
        compile(fixed, "app.py", "exec")
        (tmp_path / "app.py").write_text(fixed, encoding="utf-8")
        again = _sarif("--no-dependencies", "app.py", cwd=tmp_path)
        # an inserted import shifts lines: identify the finding by its rule and message
        still = [r for r in again["runs"][0]["results"] if r["ruleId"] == result["ruleId"] and r["message"] == result["message"]]
        assert not still, f"{result['ruleId']} ({result['message']['text']}) not fixed by its own SARIF fix"
    (tmp_path / "app.py").write_text(source, encoding="utf-8")


def test_sarif_uris_are_uri_references(validator, tmp_path):
    write(tmp_path, {"my project/bad #1 é.py": "import yaml\nyaml.load(open('x'))\n"})
    log = _sarif("--no-dependencies", ".", cwd=tmp_path)
    assert_valid(validator, log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert " " not in uri and "#" not in uri
    assert unquote(uri) == "my project/bad #1 é.py"
    absolute = _sarif("--no-dependencies", str(tmp_path / "my project"))
    assert_valid(validator, absolute)
    uri = absolute["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file:///")


def test_sarif_without_findings_validates(validator, tmp_path):
    write(tmp_path, {"clean.py": "x = 1\n"})
    log = _sarif("--no-dependencies", ".", cwd=tmp_path)
    assert_valid(validator, log)
    assert log["runs"][0]["results"] == []


def test_sarif_with_unparsable_file_validates(validator, tmp_path):
    write(tmp_path, {"bad.py": "def f(:\n    pass\n", "ok.py": "import yaml\nyaml.load(open('x'))\n"})
    log = _sarif("--no-dependencies", ".", cwd=tmp_path)
    assert_valid(validator, log)
    notes = [n["message"]["text"] for inv in log["runs"][0].get("invocations", []) for n in inv["toolExecutionNotifications"]]
    assert any("bad.py" in n and "syntax error" in n for n in notes), notes


def test_sarif_output_file(validator, tmp_path):
    write(tmp_path, {"a.py": "import yaml\nyaml.load(open('x'))\n"})
    result = check("--format", "sarif", "--output", "reports/out.sarif", "a.py", cwd=tmp_path)
    assert result.code == 1 and result.out == "" and result.err == ""
    assert_valid(validator, json.loads((tmp_path / "reports" / "out.sarif").read_text(encoding="utf-8")))
