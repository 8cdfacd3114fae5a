"""The OSV client against a real HTTPS server on loopback (its own CA), and failures."""

from __future__ import annotations

import json
import os
import time

import pytest
from tests.deps.deps_helpers import write

from secure_ls.deps import DependencyOptions, DependencyScanner

REQS = "requests==2.19.1\njinja2>=2.0\nflask==2.3.2\n"


def make(tmp_path, url, ca=None, **kw) -> DependencyScanner:
    kw.setdefault("cache_dir", str(tmp_path / "cache"))
    return DependencyScanner(DependencyOptions(base_url=url, ca_bundle=str(ca) if ca else None, **kw))


def test_fetch_then_cached(tmp_path, osv_server, certs):
    path = write(tmp_path, "requirements.txt", REQS)
    s = make(tmp_path, osv_server.url, certs.ca)
    result, missing = s.scan_cached(path, REQS)
    assert result.findings == []
    assert missing == {("requests", "2.19.1"), ("jinja2", ""), ("flask", "2.3.2")}
    assert osv_server.log == []  # scan_cached never touches the network

    assert s.fetch(missing) is None
    posts = [p for m, p in osv_server.log if m == "POST"]
    gets = {p for m, p in osv_server.log if m == "GET"}
    assert posts[0] == "/v1/querybatch"
    assert "/v1/vulns/GHSA-x84v-xcm2-53pg" in gets and "/v1/vulns/GHSA-h5c8-rqwp-cp95" in gets
    assert "/v1/vulns/GHSA-wwww-xxxx-yyyy" in gets  # fetched, then ignored as withdrawn

    result, missing = s.scan_cached(path, REQS)
    assert missing == set()
    rules = sorted((f.rule_id, f.span.start.line) for f in result.findings)
    assert rules == [("SLS901", 0), ("SLS902", 1)]
    req = result.findings[0]
    assert "2.32.0" in req.message and req.fix.edits[0].text == "2.32.0"
    assert "GHSA-wwww" not in req.message
    # the suggested version was checked with OSV too
    assert ("requests", "2.32.0") in s.source.cache._queries

    # a new scanner (a new server process) answers from the disk cache at once
    before = len(osv_server.log)
    s2 = make(tmp_path, osv_server.url, certs.ca)
    t0 = time.monotonic()
    result2, missing2 = s2.scan_cached(path, REQS)
    assert time.monotonic() - t0 < 1.0
    assert missing2 == set() and len(result2.findings) == 2
    assert s2.fetch({("requests", "2.19.1")}) is None  # fresh: nothing asked
    assert len(osv_server.log) == before


def age_cache(cache, seconds):
    for f in cache.glob("*/queries/**/*.json"):
        q = json.loads(f.read_text())
        q["fetched"] -= seconds
        f.write_text(json.dumps(q))


def test_cache_files_and_lifetime(tmp_path, osv_server, certs):
    s = make(tmp_path, osv_server.url, certs.ca, cache_ttl_hours=1)
    path = write(tmp_path, "requirements.txt", "flask==2.2.2\n")
    assert s.scan(path, "flask==2.2.2\n").findings
    # one folder per endpoint and CA bundle under the cache folder
    (endpoint,) = (tmp_path / "cache").iterdir()
    assert endpoint.name.startswith("127.0.0.1-")
    cache = tmp_path / "cache"
    q = json.loads((endpoint / "queries" / "flask" / "2.2.2.json").read_text())
    assert q["vulns"][0]["id"] == "GHSA-m2qf-hxjv-5gpq"
    assert (endpoint / "vulns" / "GHSA-m2qf-hxjv-5gpq.json").exists()
    _, missing = s.scan_cached(path, "flask==2.2.2\n")
    assert missing == set()
    # two hours later: the answer is stale, still used, and asked for again
    age_cache(cache, 2 * 3600)
    s = make(tmp_path, osv_server.url, certs.ca, cache_ttl_hours=1)
    result, missing = s.scan_cached(path, "flask==2.2.2\n")
    assert result.findings and ("flask", "2.2.2") in missing
    n_get = sum(1 for m, _ in osv_server.log if m == "GET")
    assert s.fetch(missing) is None
    # records whose `modified` did not change are not downloaded again
    assert sum(1 for m, _ in osv_server.log if m == "GET") == n_get


def test_default_trust_refuses_a_self_signed_server(tmp_path, osv_server):
    s = make(tmp_path, osv_server.url)  # certifi only
    path = write(tmp_path, "requirements.txt", REQS)
    result = s.scan(path, REQS)
    assert result.findings == []
    (msg,) = [p for p in result.problems if "OSV" in p]
    assert "certificate is not trusted" in msg and "caBundle" in msg
    assert osv_server.log == []  # the handshake failed before any request


def test_plain_http_is_refused(tmp_path):
    s = make(tmp_path, "http://127.0.0.1:9")
    msg = s.fetch({("flask", "2.2.2")})
    assert msg and "not https://" in msg


def test_missing_ca_bundle_file(tmp_path, osv_server):
    s = make(tmp_path, osv_server.url, tmp_path / "nope.pem")
    msg = s.fetch({("flask", "2.2.2")})
    assert "cannot load the CA bundle" in msg


def test_pagination(tmp_path, osv_server, certs):
    osv_server.page_size = 1
    s = make(tmp_path, osv_server.url, certs.ca)
    path = write(tmp_path, "requirements.txt", "jinja2\n")
    result = s.scan(path, "jinja2\n")
    (f,) = result.findings
    assert "GHSA-462w-v97r-4m45" in f.message and "GHSA-h5c8-rqwp-cp95" in f.message
    assert sum(1 for m, _ in osv_server.log if m == "POST") == 2


def test_closed_port_one_message_and_backoff(tmp_path, closed_port):
    s = make(tmp_path, f"https://127.0.0.1:{closed_port}", timeout=0.5)
    path = write(tmp_path, "requirements.txt", REQS)
    t0 = time.monotonic()
    result = s.scan(path, REQS)
    assert time.monotonic() - t0 < 3
    msgs = [p for p in result.problems if "OSV" in p]
    assert len(msgs) == 1 and "connection refused" in msgs[0]
    # the blocking scan (the command line) says nothing stood in for the advisories
    assert msgs[0].startswith("no advisory data: cannot reach the OSV") and msgs[0].endswith("and nothing cached; dependencies not checked")
    # while backing off: nothing to fetch, and fetch does not touch the network
    result2, missing = s.scan_cached(path, REQS)
    assert missing == set() and result2.problems == []
    again = s.fetch({("flask", "2.3.2")})
    assert again == s.source.last_error and s.source.last_cause in msgs[0]
    # ... and the next file of the same run gets the message too, at once
    t0 = time.monotonic()
    other = write(tmp_path, "requirements-dev.txt", "flask==2.3.2\n")
    assert s.scan(other, "flask==2.3.2\n").problems == msgs
    assert time.monotonic() - t0 < 0.5


def test_silent_server_times_out(tmp_path, silent_server):
    s = make(tmp_path, f"https://127.0.0.1:{silent_server}", timeout=0.5)
    t0 = time.monotonic()
    msg = s.fetch({("requests", "2.19.1"), ("flask", "2.2.2")})
    elapsed = time.monotonic() - t0
    assert elapsed < 3, elapsed
    assert "no answer within 0.5 s" in msg
    t0 = time.monotonic()
    assert s.fetch({("requests", "2.19.1")}) == msg  # backing off: instant, same text
    assert time.monotonic() - t0 < 0.1


def test_outage_keeps_cached_results(tmp_path, certs):
    from tests.deps.deps_server import OsvServer, _serve
    from tests.deps.osv_records import RECORDS

    server, state = _serve(certs, lambda url: OsvServer(url, {r["id"]: r for r in RECORDS}))
    path = write(tmp_path, "requirements.txt", REQS)
    good = make(tmp_path, state.url, certs.ca)
    assert len(good.scan(path, REQS).findings) == 2
    # later, with the cache expired and the same OSV endpoint unreachable
    server.shutdown()
    server.server_close()
    age_cache(tmp_path / "cache", 48 * 3600)
    bad = make(tmp_path, state.url, certs.ca, timeout=0.5)
    result, missing = bad.scan_cached(path, REQS)
    assert len(result.findings) == 2 and missing
    msg = bad.fetch(missing)
    assert msg and "Showing cached results" in msg
    result, missing = bad.scan_cached(path, REQS)
    assert len(result.findings) == 2 and missing == set()


def test_failure_midway_aborts_without_storm(tmp_path, osv_server, certs):
    osv_server.fail_vulns = True
    s = make(tmp_path, osv_server.url, certs.ca)
    path = write(tmp_path, "requirements.txt", "django\n")
    result = s.scan(path, "django\n")
    assert result.findings == []
    assert any("HTTP 503" in p for p in result.problems)
    assert sum(1 for m, _ in osv_server.log if m == "GET") <= 4  # at most one per worker


def test_https_proxy_is_used(tmp_path, osv_server, certs, connect_proxy, monkeypatch):
    proxy_url, seen = connect_proxy
    monkeypatch.setenv("HTTPS_PROXY", proxy_url)
    s = make(tmp_path, osv_server.url, certs.ca)
    path = write(tmp_path, "requirements.txt", "flask==2.2.2\n")
    assert s.scan(path, "flask==2.2.2\n").findings
    port = osv_server.url.rsplit(":", 1)[1]
    assert seen and all(line == f"CONNECT 127.0.0.1:{port}" for line in seen)


def test_no_proxy_bypasses_the_proxy(tmp_path, osv_server, certs, closed_port, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{closed_port}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    s = make(tmp_path, osv_server.url, certs.ca)
    path = write(tmp_path, "requirements.txt", "flask==2.2.2\n")
    assert s.scan(path, "flask==2.2.2\n").findings


def test_unwritable_cache_dir_still_works(tmp_path, osv_server, certs):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    s = make(tmp_path, osv_server.url, certs.ca, cache_dir=str(blocker / "osv"))
    path = write(tmp_path, "requirements.txt", "flask==2.2.2\n")
    result = s.scan(path, "flask==2.2.2\n")
    assert result.findings
    assert any("cannot write its OSV cache" in p for p in result.problems)


def test_default_cache_dir(monkeypatch, tmp_path):
    from secure_ls.deps.osv import default_cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == os.path.join(str(tmp_path), "secure-ls", "osv")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == os.path.join(str(tmp_path), "home", ".cache", "secure-ls", "osv")


@pytest.mark.parametrize("bad_answer", [b"not json", b'{"results": 3}'])
def test_garbage_answers(tmp_path, certs, bad_answer):
    from http.server import BaseHTTPRequestHandler

    from tests.deps.deps_server import _serve

    def factory(state):
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("Content-Length", str(len(bad_answer)))
                self.end_headers()
                self.wfile.write(bad_answer)

        return H

    server, state = _serve(certs, lambda url: type("S", (), {"url": url})(), factory)
    try:
        s = make(tmp_path, state.url, certs.ca)
        msg = s.fetch({("flask", "2.2.2")})
        assert msg and ("not JSON" in msg or "unexpected" in msg)
    finally:
        server.shutdown()
        server.server_close()


def test_listed_but_missing_record_is_not_asked_forever(tmp_path, osv_server, certs):
    osv_server.hidden = {"GHSA-9wx4-h78v-vm56"}
    s = make(tmp_path, osv_server.url, certs.ca)
    path = write(tmp_path, "requirements.txt", "requests==2.19.1\n")
    result = s.scan(path, "requests==2.19.1\n")
    (f,) = result.findings
    assert "GHSA-9wx4" not in f.message and "GHSA-x84v-xcm2-53pg" in f.message
    _, missing = s.scan_cached(path, "requests==2.19.1\n")
    assert missing == set()


def test_upgrade_path_is_verified_in_one_fetch(tmp_path, osv_server, certs):
    s = make(tmp_path, osv_server.url, certs.ca)
    path = write(tmp_path, "requirements.txt", "chain-pkg==1.0\n")
    result, missing = s.scan_cached(path, "chain-pkg==1.0\n")
    assert s.fetch(missing) is None
    result, missing = s.scan_cached(path, "chain-pkg==1.0\n")
    assert missing == set()
    (f,) = result.findings
    assert "GHSA-chai-n000-0002" not in f.message  # 1.0 is not affected by it
    assert "Upgrade to 1.2" in f.message and f.fix.edits[0].text == "1.2"
    assert f.severity.name == "LOW"


def test_zero_lifetime_cannot_spin(tmp_path, osv_server, certs):
    s = make(tmp_path, osv_server.url, certs.ca, cache_ttl_hours=0)
    path = write(tmp_path, "requirements.txt", "flask==2.2.2\n")
    _, missing = s.scan_cached(path, "flask==2.2.2\n")
    assert s.fetch(missing) is None
    _, missing = s.scan_cached(path, "flask==2.2.2\n")
    assert missing == set()  # a fresh answer stays fresh for at least a minute


def test_blocking_scan_says_which_packages_had_no_data(tmp_path, certs):
    """`secure-ls check` in an outage: stale cached advisories still count (and it says so);
    a package never cached is named as not checked."""
    from tests.deps.deps_server import OsvServer, _serve
    from tests.deps.osv_records import RECORDS

    server, state = _serve(certs, lambda url: OsvServer(url, {r["id"]: r for r in RECORDS}))
    path = write(tmp_path, "requirements.txt", REQS)
    assert len(make(tmp_path, state.url, certs.ca).scan(path, REQS).findings) == 2
    # the cache is keyed by endpoint: the outage is of the same endpoint, now unreachable
    server.shutdown()
    server.server_close()
    age_cache(tmp_path / "cache", 48 * 3600)
    bad = make(tmp_path, state.url, certs.ca, timeout=0.5)
    result = bad.scan(path, REQS)
    assert len(result.findings) == 2
    assert [p.endswith("Showing cached advisories, which may be out of date.") for p in result.problems] == [True]
    more = REQS + "django==1.2\n"
    result = bad.scan(path, more)
    assert len(result.findings) == 2
    (problem,) = result.problems
    assert problem.startswith("no advisory data: cannot reach the OSV") and "nothing cached for django;" in problem
