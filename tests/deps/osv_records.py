"""Hand-written OSV records for the tests.

They follow the OSV schema and are modelled on real PyPI advisories (ids,
aliases, fixed versions), but they are abridged by hand: not copies of the
published records, and not complete.
"""

from __future__ import annotations


def _rec(vid, aliases, pkg, ranges, summary, severity=None, cvss=None, versions=None, **extra):
    affected = {
        "package": {"ecosystem": "PyPI", "name": pkg, "purl": f"pkg:pypi/{pkg.lower()}"},
        "ranges": [{"type": "ECOSYSTEM", "events": events} for events in ranges],
    }
    if versions is not None:
        affected["versions"] = versions
    rec = {
        "schema_version": "1.6.0",
        "id": vid,
        "modified": "2024-06-01T00:00:00Z",
        "published": "2023-01-01T00:00:00Z",
        "aliases": aliases,
        "summary": summary,
        "details": summary + ".",
        "affected": [affected],
        "references": [{"type": "ADVISORY", "url": f"https://osv.dev/vulnerability/{vid}"}],
    }
    if severity:
        rec["database_specific"] = {"severity": severity}
    if cvss:
        rec["severity"] = [{"type": "CVSS_V3", "score": cvss}]
    rec.update(extra)
    return rec


INTRO0 = {"introduced": "0"}

RECORDS = [
    # requests
    _rec("GHSA-x84v-xcm2-53pg", ["CVE-2018-18074", "PYSEC-2018-28"], "requests",
         [[INTRO0, {"fixed": "2.20.0"}]], "Insufficiently Protected Credentials in Requests", "HIGH"),
    _rec("PYSEC-2018-28", ["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"], "requests",
         [[INTRO0, {"fixed": "2.20.0"}]], "",
         cvss="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
         versions=["2.18.4", "2.19.0", "2.19.1"]),
    _rec("GHSA-j8r2-6x86-q33q", ["CVE-2023-32681", "PYSEC-2023-74"], "requests",
         [[{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]],
         "Unintended leak of Proxy-Authorization header in requests", "MODERATE"),
    _rec("GHSA-9wx4-h78v-vm56", ["CVE-2024-35195"], "requests",
         [[INTRO0, {"fixed": "2.32.0"}]],
         "Requests `Session` object does not verify requests after making first request with verify=False",
         "MODERATE"),
    _rec("GHSA-wwww-xxxx-yyyy", [], "requests", [[INTRO0]],
         "A withdrawn advisory that would affect every version", "CRITICAL",
         withdrawn="2024-02-01T00:00:00Z"),
    # jinja2
    _rec("GHSA-462w-v97r-4m45", ["CVE-2019-10906", "PYSEC-2019-217"], "jinja2",
         [[INTRO0, {"fixed": "2.10.1"}]], "Jinja2 sandbox escape via string formatting", "HIGH"),
    _rec("GHSA-h5c8-rqwp-cp95", ["CVE-2024-22195"], "jinja2",
         [[INTRO0, {"fixed": "3.1.3"}]],
         "Jinja vulnerable to HTML attribute injection when passing user input as keys to xmlattr filter",
         "MODERATE"),
    # pyyaml
    _rec("GHSA-8q59-q68h-6hv4", ["CVE-2020-14343"], "PyYAML",
         [[INTRO0, {"fixed": "5.4"}]], "Improper Input Validation in PyYAML", "CRITICAL"),
    _rec("GHSA-6757-jp84-gxfx", ["CVE-2020-1747"], "PyYAML",
         [[{"introduced": "5.1b7"}, {"fixed": "5.3.1"}]], "Improper Input Validation in PyYAML", "CRITICAL"),
    # django
    _rec("GHSA-2gwj-7jmv-h26r", ["CVE-2022-34265"], "django",
         [[{"introduced": "3.2"}, {"fixed": "3.2.14"}, {"introduced": "4.0"}, {"fixed": "4.0.6"}]],
         "SQL Injection in Django", "CRITICAL"),
    _rec("GHSA-xpfp-f569-q3p2", ["CVE-2023-36053"], "django",
         [[{"introduced": "3.2"}, {"fixed": "3.2.20"}, {"introduced": "4.0"}, {"fixed": "4.1.10"},
           {"introduced": "4.2"}, {"fixed": "4.2.3"}]],
         "Potential regular expression denial of service vulnerability in EmailValidator/URLValidator",
         "HIGH"),
    # urllib3
    _rec("GHSA-v845-jxx5-vc9f", ["CVE-2023-43804"], "urllib3",
         [[INTRO0, {"fixed": "1.26.17"}, {"introduced": "2.0.0"}, {"fixed": "2.0.6"}]],
         "Cookie HTTP header isn't stripped on cross-origin redirects", "HIGH"),
    _rec("GHSA-34jh-p97f-mpxf", ["CVE-2024-37891"], "urllib3",
         [[INTRO0, {"fixed": "1.26.19"}, {"introduced": "2.0.0"}, {"fixed": "2.2.2"}]],
         "urllib3's Proxy-Authorization request header isn't stripped during cross-origin redirects",
         "MODERATE"),
    # flask
    _rec("GHSA-m2qf-hxjv-5gpq", ["CVE-2023-30861", "PYSEC-2023-62"], "flask",
         [[INTRO0, {"fixed": "2.2.5"}, {"introduced": "2.3.0"}, {"fixed": "2.3.2"}]],
         "Flask vulnerable to possible disclosure of permanent session cookie due to missing Vary: Cookie header",
         "HIGH"),
    # an upgrade path: 1.1 fixes the first advisory but brings in the second
    _rec("GHSA-chai-n000-0001", [], "chain-pkg", [[INTRO0, {"fixed": "1.1"}]], "First problem", "LOW"),
    _rec("GHSA-chai-n000-0002", [], "chain-pkg", [[{"introduced": "1.1"}, {"fixed": "1.2"}]],
         "Second problem", "LOW"),
    # a package whose advisory has no fix (last_affected)
    _rec("PYSEC-0000-1", [], "left-pad-py",
         [[INTRO0, {"last_affected": "1.4"}]], "Unfixed problem in left-pad-py"),
]


def by_id():
    return {r["id"]: r for r in RECORDS}
