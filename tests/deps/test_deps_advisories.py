"""OSV range evaluation, severities and Poetry constraints."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from secure_ls.deps.advisories import (
    affected_for,
    cvss3_base_score,
    group_records,
    record_severity,
    specifier_interval,
)
from secure_ls.deps.pep508 import clauses_to_specifier, poetry_constraint
from secure_ls.engine.model import Severity


def rec(events, versions=None, **extra):
    entry = {"package": {"ecosystem": "PyPI", "name": "Demo_Pkg"}, "ranges": [{"type": "ECOSYSTEM", "events": events}]}
    if versions:
        entry["versions"] = versions
    return {"id": "X-1", "affected": [entry], **extra}


@pytest.mark.parametrize(
    "events,inside,outside",
    [
        ([{"introduced": "0"}, {"fixed": "1.5"}], ["0.1", "1.4.9", "1.5rc1"], ["1.5", "2.0"]),
        ([{"introduced": "1.0"}, {"last_affected": "1.4"}], ["1.0", "1.4"], ["0.9", "1.4.1"]),
        # events out of order and two intervals
        ([{"fixed": "2.0.6"}, {"introduced": "2.0.0"}, {"fixed": "1.26.17"}, {"introduced": "0"}],
         ["1.26.16", "2.0.0", "2.0.5"], ["1.26.17", "1.27", "2.0.6", "3.0"]),
        ([{"introduced": "3.0"}], ["3.0", "99"], ["2.9"]),
    ],
)
def test_range_events(events, inside, outside):
    a = affected_for(rec(events), "demo-pkg")
    assert all(a.affects(Version(v)) for v in inside)
    assert not any(a.affects(Version(v)) for v in outside)


def test_versions_list_and_other_ecosystems():
    r = rec([], versions=["0.3", "not-a-version"])
    r["affected"].append({"package": {"ecosystem": "npm", "name": "other"}, "versions": ["1.0"]})
    a = affected_for(r, "demo-pkg")
    assert a.affects(Version("0.3")) and not a.affects(Version("0.4"))
    assert affected_for(r, "other") is None


def test_specifier_interval():
    assert specifier_interval(SpecifierSet(">=1.0,<2")) == (Version("1.0"), True, Version("2"), False)
    assert specifier_interval(SpecifierSet("~=1.4.2")) == (Version("1.4.2"), True, Version("1.5"), False)
    assert specifier_interval(SpecifierSet("==1.2.*")) == (Version("1.2"), True, Version("1.3"), False)
    assert specifier_interval(SpecifierSet(">2,<1")) is None
    assert specifier_interval(SpecifierSet("")) == (None, False, None, False)


def test_overlaps_respect_exclusions():
    a = affected_for(rec([], versions=["1.0"]), "demo-pkg")
    everything = (None, False, None, False)
    assert a.overlaps(everything, SpecifierSet(">=0.5"))
    assert not a.overlaps(everything, SpecifierSet(">=0.5,!=1.0"))


@pytest.mark.parametrize(
    "vector,score",
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", None),
        ("garbage", None),
    ],
)
def test_cvss3(vector, score):
    assert cvss3_base_score(vector) == score


def test_record_severity():
    assert record_severity({"database_specific": {"severity": "CRITICAL"}}) == Severity.HIGH
    assert record_severity({"database_specific": {"severity": "MODERATE"}}) == Severity.MEDIUM
    assert record_severity({"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}]}) == Severity.MEDIUM
    assert record_severity({"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}) == Severity.HIGH
    assert record_severity({}) == Severity.MEDIUM


def test_alias_groups():
    groups = group_records([
        {"id": "PYSEC-1", "aliases": ["CVE-1"]},
        {"id": "GHSA-1", "aliases": ["CVE-1", "PYSEC-1"], "summary": "s"},
        {"id": "GHSA-2", "aliases": []},
    ])
    assert sorted(g.ids for g in groups) == [["GHSA-1", "PYSEC-1", "CVE-1"], ["GHSA-2"]]
    assert next(g for g in groups if g.primary == "GHSA-1").summary == "s"


@pytest.mark.parametrize(
    "constraint,expected",
    [
        ("^1.2.3", ["<2,>=1.2.3"]),
        ("^0.2.3", ["<0.3,>=0.2.3"]),
        ("^0.0.3", ["<0.0.4,>=0.0.3"]),
        ("^0", ["<1,>=0"]),
        ("~1.2.3", ["<1.3,>=1.2.3"]),
        ("~1", ["<2,>=1"]),
        ("1.2.3", ["==1.2.3"]),
        ("=1.2.3", ["==1.2.3"]),
        ("1.2.*", ["==1.2.*"]),
        ("*", [""]),
        (">= 1.2, < 1.5", ["<1.5,>=1.2"]),
        (">=1.2 <1.5", ["<1.5,>=1.2"]),
        ("^1.0 || ^2.0", ["<2,>=1.0", "<3,>=2.0"]),
    ],
)
def test_poetry_constraints(constraint, expected):
    assert [str(clauses_to_specifier(m)) for m in poetry_constraint(constraint)] == expected


@pytest.mark.parametrize("bad", ["^^2", ">=", "1.2.3.x.y", "~= ", ">1.*"])
def test_poetry_constraints_invalid(bad):
    with pytest.raises(ValueError):
        poetry_constraint(bad)


def test_prerelease_fixes_are_a_last_resort(tmp_path):
    import json

    from secure_ls.deps import DependencyOptions, DependencyScanner

    def record(vid, name, *ranges):
        return {"id": vid, "affected": [{"package": {"ecosystem": "PyPI", "name": name},
                                         "ranges": [{"type": "ECOSYSTEM", "events": e} for e in ranges]}]}

    records = [
        record("T-1", "pre", [{"introduced": "0"}, {"fixed": "2.0.0rc1"}],
               [{"introduced": "2.5"}, {"fixed": "2.5.1"}]),
        record("T-2", "onlypre", [{"introduced": "0"}, {"fixed": "3.0.0b2"}]),
    ]
    for r in records:
        (tmp_path / f"{r['id']}.json").write_text(json.dumps(r))
    s = DependencyScanner(DependencyOptions(offline_dir=str(tmp_path)))
    result, _ = s.scan_cached("requirements.txt", "pre==1.5\nonlypre==2.0\n")
    assert [f.fix.edits[0].text for f in result.findings] == ["2.5.1", "3.0.0b2"]
