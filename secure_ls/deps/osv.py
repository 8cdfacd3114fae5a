"""OSV vulnerability data: the HTTPS client, the disk cache and offline records.

Keys are `(name, version)` with `name` PEP 503-normalized; `version == ""`
means "every advisory of the package" (used for unpinned ranges).

Online: `POST {base}/v1/querybatch` answers which advisory ids affect each
key (with their `modified` time); each record is then read from the cache or
fetched with `GET {base}/v1/vulns/{id}`. The cache lives under `cache_dir`,
in one folder per endpoint and trust configuration (`endpoint_folder`: the
base URL and the CA bundle), so answers from one endpoint are never shown
for another that shares the cache:

    <host>-<digest>/queries/<name>/<version or _all_>.json   {"fetched": epoch, "vulns": [{"id", "modified"}]}
    <host>-<digest>/vulns/<ID>.json                           the OSV record

Answers are trusted only from where they were asked: a redirect to another
host, port or scheme (HTTPS to plain HTTP above all) is refused, and an
answer body over MAX_ANSWER_BYTES (32 MB) is refused without being read
whole.

A query answer older than the lifetime is still used (stale) until a fetch
replaces it. TLS is always verified: certifi's bundle plus `ca_bundle` when
given; HTTPS_PROXY / NO_PROXY are honoured through urllib.

Offline: every `*.json` record under `offline_dir` (and in any `*.zip` there,
such as OSV's `PyPI/all.zip`) is loaded once and matched locally; no network.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .. import safe_files
from .advisories import affected_for, is_withdrawn, package_names, parse_version

Key = tuple[str, str]
Record = dict[str, Any]

ALL = ""
MAX_PAGES = 20
BATCH = 1000
WORKERS = 4
BACKOFF_START = 60.0
BACKOFF_MAX = 15 * 60.0
MIN_TTL_SECONDS = 60.0
# The largest answer body read from OSV. A querybatch answer for 1,000 packages or
# one record is far below 1 MB; more means a broken or hostile endpoint (a 60 MB
# answer took 28 s and 915 MB to parse).
MAX_ANSWER_BYTES = 32 * 1024 * 1024


def endpoint_folder(base_url: str, ca_bundle: str | None) -> str:
    """The cache folder's name for an endpoint and the CA bundle trusted for it.

    A project that points base-url at its own server (with its own CA) must not
    fill the cache another project reads from the real OSV: each gets its own.
    """
    import hashlib

    base = base_url.rstrip("/")
    bundle = os.path.abspath(os.path.expanduser(ca_bundle)) if ca_bundle else ""
    digest = hashlib.sha256(f"{base}\n{bundle}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    host = urllib.parse.urlsplit(base).hostname or "endpoint"
    return f"{_safe(host)}-{digest}"


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "secure-ls", "osv")


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+!-]", "_", part) or "_"


class NetworkError(Exception):
    """A failure to talk to OSV; the message is meant for the user."""


class _RefusedRedirect(urllib.error.URLError):
    pass


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the same scheme, host and port (a path moved on
    the same server); anything else would show another server's answers as OSV's."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old = urllib.parse.urlsplit(req.full_url)
        new = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl))
        if (new.scheme, new.hostname, new.port) != (old.scheme, old.hostname, old.port):
            shown = f"{new.scheme}://{new.hostname or ''}" + (f":{new.port}" if new.port else "")
            raise _RefusedRedirect(f"it redirected to {shown}, which secure-ls refuses (only the configured https:// server is trusted)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class OfflineDatabase:
    """OSV records from a local directory (or zip), indexed by package."""

    def __init__(self, root: str):
        self.root = root
        self._lock = threading.Lock()
        self._by_package: dict[str, list[Record]] | None = None
        self.problems: list[str] = []

    def _add(self, index: dict[str, list[Record]], raw: bytes, where: str) -> None:
        try:
            record = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            self.problems.append(f"{where}: not a JSON OSV record")
            return
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            self.problems.append(f"{where}: not an OSV record")
            return
        if is_withdrawn(record):
            return
        for name in package_names(record):
            index.setdefault(name, []).append(record)

    def _load(self) -> dict[str, list[Record]]:
        index: dict[str, list[Record]] = {}
        root = self.root
        zips: list[str] = []
        if root.endswith(".zip") and os.path.exists(root) and not os.path.isdir(root):
            zips.append(root)
        elif os.path.isdir(root):
            for dirpath, _, files in os.walk(root):
                for f in sorted(files):
                    full = os.path.join(dirpath, f)
                    if f.endswith(".json"):
                        try:
                            self._add(index, safe_files.read_bytes(full, safe_files.RECORD_LIMIT), full)
                        except safe_files.UnreadableFile as exc:
                            self.problems.append(f"offline OSV record {exc}: not read")
                        except OSError as exc:
                            self.problems.append(f"{full}: {exc}")
                    elif f.endswith(".zip"):
                        zips.append(full)
        else:
            self.problems.append(f"offline OSV directory {root!r} does not exist")
        for z in zips:
            try:
                for name, data in safe_files.zip_members(z, ".json"):
                    if isinstance(data, safe_files.UnreadableFile):
                        self.problems.append(f"offline OSV record {data}: not read")
                    else:
                        self._add(index, data, f"{z}:{name}")
            except safe_files.UnreadableFile as exc:
                # records read before the cap was reached are kept: the cap bounds the work
                self.problems.append(f"offline OSV archive {exc}: not read")
            except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
                # RuntimeError/NotImplementedError: encrypted members, unknown compression
                self.problems.append(f"{z}: {exc}")
        return index

    @property
    def loaded(self) -> bool:
        return self._by_package is not None

    def records(self, name: str) -> list[Record]:
        with self._lock:
            if self._by_package is None:
                try:
                    self._by_package = self._load()
                except Exception as exc:  # noqa: BLE001 - loaded (empty) either way: no retry loop
                    self.problems.append(f"offline OSV records in {self.root!r} could not be loaded: {exc!r}")
                    self._by_package = {}
            return self._by_package.get(name, [])

    def lookup(self, key: Key) -> list[Record]:
        name, version = key
        records = self.records(name)
        if version == ALL:
            return list(records)
        v = parse_version(version)
        out = []
        for r in records:
            aff = affected_for(r, name)
            if aff is None:
                continue
            if v is not None and aff.affects(v) or v is None and version in [str(x) for x in aff.versions]:
                out.append(r)
        return out


class OsvClient:
    """Blocking HTTPS calls to the OSV API. Raises NetworkError with a clear message."""

    def __init__(self, base_url: str, ca_bundle: str | None, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.ca_bundle = ca_bundle
        self.timeout = timeout
        self._opener: urllib.request.OpenerDirector | None = None

    def _build(self) -> urllib.request.OpenerDirector:
        if urllib.parse.urlsplit(self.base_url).scheme != "https":
            raise NetworkError(
                f"the OSV address {self.base_url!r} is not https://; secure-ls only talks to OSV over verified TLS"
            )
        try:
            import certifi

            ctx = ssl.create_default_context(cafile=certifi.where())
        except ImportError:  # pragma: no cover - certifi is a dependency
            ctx = ssl.create_default_context()
        if self.ca_bundle:
            try:
                # read through safe_files: a FIFO or /dev/stdin named as the bundle must not block
                pem = safe_files.read_text(os.path.expanduser(self.ca_bundle), safe_files.CA_BUNDLE_LIMIT, errors="replace")
                ctx.load_verify_locations(cadata=pem)
            except safe_files.UnreadableFile as exc:
                raise NetworkError(f"cannot load the CA bundle {self.ca_bundle!r} (caBundle): {exc.reason}") from None
            except (OSError, ssl.SSLError, ValueError) as exc:
                raise NetworkError(f"cannot load the CA bundle {self.ca_bundle!r} (caBundle): {exc}") from None
        # Verification stays on whatever the options say.
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        return urllib.request.build_opener(
            urllib.request.ProxyHandler(),  # HTTPS_PROXY / NO_PROXY from the environment
            urllib.request.HTTPSHandler(context=ctx),
            _SameOriginRedirects(),  # replaces the default handler, which follows any redirect
        )

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        if self._opener is None:
            self._opener = self._build()
        url = self.base_url + path
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            url,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "User-Agent": "secure-ls"},
        )
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                declared = resp.headers.get("Content-Length")
                if declared and declared.strip().isdigit() and int(declared) > MAX_ANSWER_BYTES:
                    raise NetworkError(self._too_large())
                # one byte more than the cap tells an over-long answer without a Content-Length
                raw = resp.read(MAX_ANSWER_BYTES + 1)
                if len(raw) > MAX_ANSWER_BYTES:
                    raise NetworkError(self._too_large())
        except urllib.error.HTTPError as exc:
            if exc.code == 404 and method == "GET":
                return None
            raise NetworkError(f"OSV at {self.base_url} answered HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise NetworkError(self._describe(exc.reason)) from None
        except TimeoutError as exc:
            raise NetworkError(self._describe(exc)) from None
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise NetworkError(self._describe(exc)) from None
        try:
            return json.loads(raw)
        except ValueError:
            raise NetworkError(f"OSV at {self.base_url} sent an answer that is not JSON") from None

    def _too_large(self) -> str:
        return f"OSV at {self.base_url} sent an answer over the {MAX_ANSWER_BYTES // (1024 * 1024)} MB limit; it was not read"

    def _describe(self, reason: Any) -> str:
        where = f"cannot reach the OSV vulnerability database at {self.base_url}"
        if isinstance(reason, ssl.SSLCertVerificationError):
            detail = reason.verify_message or str(reason)
            return (
                f"{where}: its TLS certificate is not trusted ({detail}). If a proxy on your network "
                "re-signs HTTPS traffic, point the caBundle setting at your organisation's CA file"
            )
        if isinstance(reason, ssl.SSLError):
            return f"{where}: TLS failed ({reason})"
        if isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason):
            return f"{where}: no answer within {self.timeout:g} s"
        if isinstance(reason, ConnectionRefusedError):
            return f"{where}: connection refused"
        if isinstance(reason, socket.gaierror):
            return f"{where}: the host name cannot be resolved ({reason.strerror or reason})"
        return f"{where}: {reason}"

    def preflight(self) -> None:
        """Resolve the host name with a deadline: getaddrinfo itself has no timeout."""
        if self._opener is None:
            self._opener = self._build()
        parts = urllib.parse.urlsplit(self.base_url)
        host = parts.hostname or ""
        if urllib.request.getproxies().get("https") and not urllib.request.proxy_bypass(parts.netloc):
            return  # the proxy resolves it
        box: dict[str, BaseException | None] = {}

        def resolve() -> None:
            try:
                socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
                box["error"] = None
            except OSError as exc:
                box["error"] = exc

        worker = threading.Thread(target=resolve, daemon=True)
        worker.start()
        worker.join(self.timeout)
        if "error" not in box:
            raise NetworkError(self._describe(TimeoutError("timed out")))
        if box["error"] is not None:
            raise NetworkError(self._describe(box["error"]))

    def querybatch(self, keys: list[Key]) -> dict[Key, list[dict[str, str]]]:
        out: dict[Key, list[dict[str, str]]] = {k: [] for k in keys}
        pending: list[tuple[Key, str | None]] = [(k, None) for k in keys]
        pages = 0
        while pending:
            pages += 1
            if pages > MAX_PAGES:
                break
            chunk, pending = pending[:BATCH], pending[BATCH:]
            queries = []
            for (name, version), token in chunk:
                q: dict[str, Any] = {"package": {"name": name, "ecosystem": "PyPI"}}
                if version != ALL:
                    q["version"] = version
                if token:
                    q["page_token"] = token
                queries.append(q)
            answer = self._request("POST", "/v1/querybatch", {"queries": queries})
            results = answer.get("results") if isinstance(answer, dict) else None
            if not isinstance(results, list) or len(results) != len(chunk):
                raise NetworkError(f"OSV at {self.base_url} sent an unexpected querybatch answer")
            for (key, _), res in zip(chunk, results):
                if not isinstance(res, dict):
                    continue
                for v in res.get("vulns") or ():
                    if isinstance(v, dict) and isinstance(v.get("id"), str):
                        out[key].append({"id": v["id"], "modified": str(v.get("modified", ""))})
                token = res.get("next_page_token")
                if token:
                    pending.append((key, token))
        return out

    def vuln(self, vuln_id: str) -> Record | None:
        rec = self._request("GET", "/v1/vulns/" + urllib.parse.quote(vuln_id, safe=""))
        return rec if isinstance(rec, dict) and isinstance(rec.get("id"), str) else None


class OsvCache:
    """Query answers and records on disk (and in memory)."""

    def __init__(self, cache_dir: str, ttl_hours: float):
        self.dir = cache_dir
        # Never below a minute: a server that fetches whenever something is
        # stale must not be able to spin on the network.
        # (and nan, which max() would let through, counts as the minimum)
        ttl = float(ttl_hours) * 3600.0
        self.ttl = ttl if math.isfinite(ttl) and ttl > MIN_TTL_SECONDS else MIN_TTL_SECONDS
        self._lock = threading.Lock()
        self._queries: dict[Key, dict[str, Any]] = {}
        self._records: dict[str, Record] = {}
        self.problems: list[str] = []
        self._write_failed = False

    def _qpath(self, key: Key) -> str:
        name, version = key
        return os.path.join(self.dir, "queries", _safe(name), (_safe(version) if version else "_all_") + ".json")

    def _vpath(self, vuln_id: str) -> str:
        return os.path.join(self.dir, "vulns", _safe(vuln_id) + ".json")

    def _read(self, path: str) -> Any:
        try:
            return json.loads(safe_files.read_bytes(path, safe_files.RECORD_LIMIT))
        except (OSError, ValueError):
            return None

    def _write(self, path: str, data: Any) -> None:
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            safe_files.atomic_write(path, json.dumps(data))
        except OSError as exc:
            if not self._write_failed:
                self._write_failed = True
                self.problems.append(f"secure-ls cannot write its OSV cache in {self.dir}: {exc}; caching in memory only")

    def query(self, key: Key) -> dict[str, Any] | None:
        with self._lock:
            q = self._queries.get(key)
        if q is None:
            q = self._read(self._qpath(key))
            if not (isinstance(q, dict) and isinstance(q.get("vulns"), list)):
                return None
            with self._lock:
                self._queries[key] = q
        return q

    def is_fresh(self, key: Key, now: float | None = None) -> bool:
        q = self.query(key)
        if q is None:
            return False
        fetched = q.get("fetched", 0)
        return isinstance(fetched, (int, float)) and (now or time.time()) - fetched < self.ttl

    def record(self, vuln_id: str) -> Record | None:
        with self._lock:
            r = self._records.get(vuln_id)
        if r is None:
            r = self._read(self._vpath(vuln_id))
            if not isinstance(r, dict):
                return None
            with self._lock:
                self._records[vuln_id] = r
        return r

    def put_record(self, record: Record) -> None:
        with self._lock:
            self._records[record["id"]] = record
        self._write(self._vpath(record["id"]), record)

    def put_query(self, key: Key, vulns: list[dict[str, str]], fetched: float) -> None:
        q = {"fetched": fetched, "vulns": vulns}
        with self._lock:
            self._queries[key] = q
        self._write(self._qpath(key), q)

    def lookup(self, key: Key) -> tuple[list[Record] | None, bool]:
        """(records, stale) for key; records is None when the cache cannot answer."""
        q = self.query(key)
        if q is None:
            return None, True
        out: list[Record] = []
        for v in q["vulns"]:
            if not isinstance(v, dict):
                continue
            rec = self.record(str(v.get("id")))
            if rec is None:
                return None, True
            if not is_withdrawn(rec):
                out.append(rec)
        return out, not self.is_fresh(key)


class OsvSource:
    """What the scanner asks: cached/offline lookups, and the network fetch."""

    def __init__(
        self,
        *,
        offline_dir: str | None,
        base_url: str,
        ca_bundle: str | None,
        cache_dir: str | None,
        cache_ttl_hours: float,
        timeout: float,
    ):
        self.offline = OfflineDatabase(os.path.expanduser(offline_dir)) if offline_dir else None
        root = os.path.expanduser(cache_dir or default_cache_dir())
        self.cache = OsvCache(os.path.join(root, endpoint_folder(base_url, ca_bundle)), cache_ttl_hours)
        self.client = OsvClient(base_url, ca_bundle, timeout)
        self._fetch_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._retry_at = 0.0
        self._backoff = BACKOFF_START
        self.last_error: str | None = None
        self.last_cause: str | None = None  # last_error without the "showing cached results" advice

    @property
    def problems(self) -> list[str]:
        return (self.offline.problems if self.offline else []) + self.cache.problems

    def backing_off(self) -> bool:
        with self._state_lock:
            return self.last_error is not None and time.monotonic() < self._retry_at

    def lookup(self, key: Key) -> tuple[list[Record] | None, bool]:
        """Never touches the network. (records, needs_fetch)."""
        if self.offline is not None:
            return self.offline.lookup(key), False
        records, stale = self.cache.lookup(key)
        return records, stale

    def fetch(self, keys: Iterable[Key]) -> str | None:
        if self.offline is not None:
            return None
        with self._fetch_lock:
            if self.backing_off():
                return self.last_error
            now = time.time()
            todo = sorted({k for k in keys if self._needs_fetch(k)})
            if not todo:
                return None
            try:
                self.client.preflight()
                answers = self.client.querybatch(todo)
                wanted: dict[str, str] = {}
                gone: set[str] = set()
                for vulns in answers.values():
                    for v in vulns:
                        cached = self.cache.record(v["id"])
                        if cached is None or (v["modified"] and str(cached.get("modified", "")) != v["modified"]):
                            wanted[v["id"]] = v["modified"]
                if wanted:
                    with ThreadPoolExecutor(max_workers=min(WORKERS, len(wanted))) as pool:
                        futures = [pool.submit(self.client.vuln, vid) for vid in sorted(wanted)]
                        try:
                            for vid, fut in zip(sorted(wanted), futures):
                                rec = fut.result()
                                if rec is not None:
                                    self.cache.put_record(rec)
                                else:
                                    gone.add(vid)
                        except BaseException:
                            # the first failure abandons the rest: no retry storm
                            pool.shutdown(wait=False, cancel_futures=True)
                            raise
                for key, vulns in answers.items():
                    # a record OSV lists but cannot serve (404) is left out, so
                    # the answer is complete and the key is not asked again
                    self.cache.put_query(key, [v for v in vulns if v["id"] not in gone], now)
            except NetworkError as exc:
                return self._failed(str(exc))
            except Exception as exc:  # noqa: BLE001 - a bug must not kill the worker thread
                return self._failed(f"secure-ls failed to fetch vulnerability data: {exc!r}")
            with self._state_lock:
                self.last_error = None
                self._backoff = BACKOFF_START
            return None

    def _needs_fetch(self, key: Key) -> bool:
        records, stale = self.cache.lookup(key)
        return records is None or stale

    def _failed(self, message: str) -> str:
        with self._state_lock:
            self._retry_at = time.monotonic() + self._backoff
            self._backoff = min(self._backoff * 2, BACKOFF_MAX)
            # The same outage gives the same text, so a client can show it once.
            self.last_cause = message
            self.last_error = f"{message}. Showing cached results; secure-ls will try again later."
            return self.last_error
