"""Findings and fixes, with OSV records from an offline directory (no network at all)."""

from __future__ import annotations

import json
import socket
import zipfile

import pytest
from tests.deps.deps_helpers import apply_edits, write
from tests.deps.osv_records import RECORDS

from secure_ls.deps import DependencyOptions, DependencyScanner, merge_fixes
from secure_ls.engine.model import Confidence, Severity


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def scanner(offline_dir, tmp_path, no_network):
    return DependencyScanner(DependencyOptions(offline_dir=str(offline_dir), cache_dir=str(tmp_path / "cache")))


def by_rule(result):
    return {(f.rule_id, f.span.start.line): f for f in result.findings}


def test_pinned_requirement(scanner, tmp_path):
    text = 'requests[socks]==2.19.1 ; python_version >= "3.8"  # keep\nflask==2.3.2\n'
    path = write(tmp_path, "requirements.txt", text)
    result, missing = scanner.scan_cached(path, text)
    assert missing == set()
    (f,) = result.findings  # flask 2.3.2 is fixed
    assert (f.rule_id, f.rule_name, f.cwe) == ("SLS901", "vulnerable-dependency", 1395)
    assert f.confidence == Confidence.HIGH
    assert f.severity == Severity.HIGH  # the worst of the advisories
    assert f.span.start.line == 0 and f.span.start.column == 0
    assert f.span.end.column == len('requests[socks]==2.19.1 ; python_version >= "3.8"')
    for needle in ("GHSA-x84v-xcm2-53pg", "CVE-2018-18074", "PYSEC-2018-28", "GHSA-j8r2-6x86-q33q",
                   "CVE-2023-32681", "GHSA-9wx4-h78v-vm56", "Insufficiently Protected Credentials",
                   "affected <2.20.0", "2.32.0"):
        assert needle in f.message
    # the two records of CVE-2018-18074 count as one advisory; the withdrawn one not at all
    assert "3 known vulnerabilities" in f.message
    assert "GHSA-wwww" not in f.message
    assert len(f.related) == 3
    assert f.fix.title == "Upgrade requests to 2.32.0" and f.fix.safe is False
    fixed = apply_edits(text, f.fix.edits)
    assert fixed.splitlines()[0] == 'requests[socks]==2.32.0 ; python_version >= "3.8"  # keep'


def test_hashes_removed_with_the_bump(scanner, tmp_path):
    text = (
        "flask==2.2.2 \\\n"
        "    --hash=sha256:aaaa \\\n"
        "    --hash=sha256:bbbb\n"
        "    # via -r requirements.in\n"
        "click==8.1.7 \\\n"
        "    --hash=sha256:cccc\n"
    )
    path = write(tmp_path, "requirements.txt", text)
    result, _ = scanner.scan_cached(path, text)
    (f,) = result.findings
    assert f.statement_lines == (0, 2)
    assert "--hash" in f.fix.title and "2.2.5" in f.fix.title
    assert apply_edits(text, f.fix.edits) == (
        "flask==2.2.5\n"
        "    # via -r requirements.in\n"
        "click==8.1.7 \\\n"
        "    --hash=sha256:cccc\n"
    )


def test_parenthesised_and_arbitrary_equality(scanner, tmp_path):
    text = "PyYAML (==5.3)\njinja2===2.10\n"
    result, _ = scanner.scan_cached(write(tmp_path, "requirements.txt", text), text)
    fixed = apply_edits(text, [e for f in result.findings for e in f.fix.edits])
    assert fixed == "PyYAML (==5.4)\njinja2===3.1.3\n"
    y = by_rule(result)[("SLS901", 0)]
    assert "CVE-2020-14343" in y.message and "CVE-2020-1747" in y.message
    assert "5.4, the lowest version that fixes all of them" in y.message


def test_lowest_fix_skips_versions_hit_by_other_advisories(scanner, tmp_path):
    # 2.20.0 fixes CVE-2018-18074 but is still hit by two later advisories
    text = "requests==2.19.1\n"
    result, _ = scanner.scan_cached(write(tmp_path, "requirements.txt", text), text)
    assert result.findings[0].fix.edits[0].text == "2.32.0"


def test_upgrade_path_offline(scanner, tmp_path):
    text = "chain-pkg==1.0\n"
    result, _ = scanner.scan_cached(write(tmp_path, "requirements.txt", text), text)
    (f,) = result.findings
    assert "1 known vulnerability" in f.message and f.fix.edits[0].text == "1.2"


def test_no_fix_known(scanner, tmp_path):
    text = "left-pad-py==1.3\n"
    result, _ = scanner.scan_cached(write(tmp_path, "requirements.txt", text), text)
    (f,) = result.findings
    assert f.fix is None and "No release that fixes it is known" in f.message
    assert f.severity == Severity.MEDIUM  # no severity in the record: the default
    assert "affected <=1.4" in f.message


def test_safe_pins_give_nothing(scanner, tmp_path):
    text = "requests==2.32.3\njinja2==3.1.4\ndjango==4.2.16\nunknown-package==1.0\nurllib3>=2.2.2\n"
    result, missing = scanner.scan_cached(write(tmp_path, "requirements.txt", text), text)
    assert result.findings == [] and missing == set()


def test_ranges(scanner, tmp_path):
    text = "jinja2>=2.0\nDjango>=3.2,<4.0\nurllib3[socks]; python_version > '3'\nflask>=2.3.2\n"
    result, _ = scanner.scan_cached(write(tmp_path, "requirements.txt", text), text)
    found = by_rule(result)
    assert set(found) == {("SLS902", 0), ("SLS902", 1), ("SLS902", 2)}
    j = found[("SLS902", 0)]
    assert j.rule_name == "vulnerable-dependency-range"
    assert j.severity == Severity.MEDIUM  # one level under the worst advisory (HIGH)
    assert j.confidence == Confidence.MEDIUM
    assert "range admits versions" in j.message and "3.1.3" in j.message
    d = found[("SLS902", 1)]
    assert d.severity == Severity.MEDIUM and "3.2.20" in d.message
    fixed = apply_edits(text, [e for f in result.findings for e in f.fix.edits]).splitlines()
    assert fixed[:3] == ["jinja2>=3.1.3", "Django>=3.2.20,<4.0", "urllib3[socks]>=1.26.19; python_version > '3'"]
    # once fixed, the ranges are quiet
    again, _ = scanner.scan_cached(write(tmp_path, "requirements.txt", "\n".join(fixed)), "\n".join(fixed))
    assert again.findings == []


def test_range_with_no_safe_version(scanner, tmp_path):
    text = "django>=3.2,<3.2.10\n"
    result, _ = scanner.scan_cached(write(tmp_path, "requirements.txt", text), text)
    (f,) = result.findings
    assert "No version it allows is free of them" in f.message
    assert apply_edits(text, f.fix.edits) == "django>=3.2.20\n"


def test_constraints_narrow_ranges(scanner, tmp_path):
    write(tmp_path, "constraints.txt", "jinja2==3.1.4\n")
    text = "-c constraints.txt\njinja2>=2.0\n"
    result, _ = scanner.scan_cached(write(tmp_path, "requirements.txt", text), text)
    assert result.findings == []
    write(tmp_path, "constraints.txt", "jinja2==2.10\n")
    result, _ = scanner.scan_cached(write(tmp_path, "requirements.txt", text), text)
    (f,) = result.findings
    assert f.rule_id == "SLS902" and "constraints.txt" in f.message


def test_pyproject_findings_and_fix_all(scanner):
    text = (
        '[project]\nname = "demo"\ndependencies = [\n'
        '    "requests==2.19.1",  # old\n'
        "    'Jinja2[i18n] >=2.10; python_version >= \"3.8\"',\n"
        ']\n[project.optional-dependencies]\nyaml = ["PyYAML==5.3"]\n'
        '[dependency-groups]\ndev = ["flask==2.2.2", {include-group = "x"}]\nx = []\n'
        '[tool.poetry.dependencies]\npython = "^3.10"\ndjango = "^3.2"\n'
        'urllib3 = { version = "1.26.5", extras = ["socks"] }\n'
    )
    result, _ = scanner.scan_cached("/p/pyproject.toml", text)
    rules = sorted((f.rule_id, f.span.start.line) for f in result.findings)
    assert rules == [("SLS901", 3), ("SLS901", 7), ("SLS901", 9), ("SLS901", 14),
                     ("SLS902", 4), ("SLS902", 13)]
    fix = merge_fixes(result)
    assert fix.title == "Upgrade 4 vulnerable pins"
    fixed = apply_edits(text, fix.edits)
    assert '    "requests==2.32.0",  # old' in fixed
    assert 'yaml = ["PyYAML==5.4"]' in fixed
    assert 'dev = ["flask==2.2.5", {include-group = "x"}]' in fixed
    assert 'urllib3 = { version = "1.26.19", extras = ["socks"] }' in fixed
    assert "Jinja2[i18n] >=2.10;" in fixed  # ranges are left alone by default
    everything = apply_edits(text, scanner.fix_all("/p/pyproject.toml", text, include_ranges=True).edits)
    assert "Jinja2[i18n] >=3.1.3; python_version" in everything
    assert 'django = ">=3.2.20,<4"' in everything
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    tomllib.loads(everything)  # still valid TOML


@pytest.mark.parametrize(
    "name,text,hint",
    [
        ("uv.lock", ('[[package]]\nname = "requests"\nversion = "2.19.1"\n'
                     'source = { registry = "https://index.example.invalid/simple" }\n'), "uv lock --upgrade-package requests"),
        ("poetry.lock", '[[package]]\nname = "requests"\nversion = "2.19.1"\n', "poetry update requests"),
        ("pylock.toml", 'lock-version = "1.0"\n[[packages]]\nname = "requests"\nversion = "2.19.1"\n',
         "regenerate the lock file"),
    ],
)
def test_lock_findings(scanner, name, text, hint):
    result, _ = scanner.scan_cached(name, text)
    (f,) = result.findings
    assert f.rule_id == "SLS901" and f.confidence == Confidence.HIGH
    assert f.fix is None and hint in f.message and "2.32.0" in f.message
    assert f.span.start.line == text.splitlines().index('version = "2.19.1"')


def test_malformed_file_is_a_diagnostic_not_an_exception(scanner):
    result, missing = scanner.scan_cached("pyproject.toml", '[project]\ndependencies = ["requests==2.19.1"')
    assert result.findings == [] and missing == set()
    assert result.syntax_errors and "not valid TOML" in result.syntax_errors[0][1]


def test_offline_zip(tmp_path, no_network):
    z = tmp_path / "osv" / "all.zip"
    z.parent.mkdir()
    with zipfile.ZipFile(z, "w") as zf:
        for r in RECORDS:
            zf.writestr(f"{r['id']}.json", json.dumps(r))
        zf.writestr("broken.json", "{not json")
    for root in (z.parent, z):
        s = DependencyScanner(DependencyOptions(offline_dir=str(root), cache_dir=str(tmp_path / "c")))
        result, missing = s.scan_cached("requirements.txt", "jinja2==2.10\n")
        assert [f.rule_id for f in result.findings] == ["SLS901"] and missing == set()
        assert any("broken.json" in p for p in result.problems)
        # problems are reported once, not on every scan
        again, _ = s.scan_cached("requirements.txt", "jinja2==2.10\n")
        assert not any("broken.json" in p for p in again.problems)


def test_offline_dir_missing(tmp_path, no_network):
    s = DependencyScanner(DependencyOptions(offline_dir=str(tmp_path / "nope"), cache_dir=str(tmp_path / "c")))
    result, missing = s.scan_cached("requirements.txt", "jinja2==2.10\n")
    assert result.findings == [] and missing == set()
    assert any("does not exist" in p for p in result.problems)
    assert s.fetch({("jinja2", "2.10")}) is None  # offline: never the network


def test_disabled(tmp_path, offline_dir):
    s = DependencyScanner(DependencyOptions(enable=False, offline_dir=str(offline_dir)))
    result, missing = s.scan_cached("requirements.txt", "jinja2==2.10\n")
    assert result.findings == [] and missing == set()


def test_not_a_dependency_file(scanner):
    result, missing = scanner.scan_cached("main.py", "import os\n")
    assert result.findings == [] and result.syntax_errors == [] and missing == set()


def test_crlf_and_escaped_strings(scanner, tmp_path):
    text = "flask==2.2.2 \\\r\n  --hash=sha256:aa\r\njinja2==2.10\r\n"
    result, _ = scanner.scan_cached(write(tmp_path, "requirements.txt", text), text)
    assert apply_edits(text, merge_fixes(result).edits) == "flask==2.2.5\r\njinja2==3.1.3\r\n"
    toml = '[project]\ndependencies = ["fl\\u0061sk==2.2.2", """jinja2==2.10"""]\n'
    result, _ = scanner.scan_cached("pyproject.toml", toml)
    flask, jinja = result.findings
    assert flask.fix is None  # escapes: columns inside the string are not file columns
    assert apply_edits(toml, jinja.fix.edits).endswith('"""jinja2==3.1.3"""]\n')
