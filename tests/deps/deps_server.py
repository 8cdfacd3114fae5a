"""The HTTPS OSV look-alike used by the dependency tests: certificates and server."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

# ------------------------------------------------------------- certificates


@dataclass
class Certs:
    ca: Path
    cert: Path
    key: Path


def _make_certs(d: Path) -> Certs:
    try:
        return _make_certs_cryptography(d)
    except ImportError:
        pass
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("neither the cryptography package nor the openssl command is available: run scripts/test, which installs the dev extras (cryptography)")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], check=True, capture_output=True, cwd=d, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=secure-ls test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1")
    (d / "ext.cnf").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
    )
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return Certs(d / "ca.pem", d / "server.pem", d / "server.key")


def _make_certs_cryptography(d: Path) -> Certs:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "secure-ls test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (d / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (d / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "server.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return Certs(d / "ca.pem", d / "server.pem", d / "server.key")


# --------------------------------------------------------------- the server


def _affects(record: dict, name: str, version: str) -> bool:
    """A deliberately plain matcher, independent of the code under test."""
    v = Version(version)
    for entry in record.get("affected", []):
        if canonicalize_name(entry["package"]["name"]) != name:
            continue
        if version in entry.get("versions", []):
            return True
        for rng in entry.get("ranges", []):
            lo = None
            inside = False
            for ev in rng["events"]:
                if "introduced" in ev:
                    lo = Version("0") if ev["introduced"] == "0" else Version(ev["introduced"])
                    inside = True
                elif "fixed" in ev and inside:
                    if lo <= v < Version(ev["fixed"]):
                        return True
                    inside = False
                elif "last_affected" in ev and inside:
                    if lo <= v <= Version(ev["last_affected"]):
                        return True
                    inside = False
            if inside and lo <= v:
                return True
    return False


@dataclass
class OsvServer:
    url: str
    records: dict[str, dict]
    log: list[tuple[str, str]] = field(default_factory=list)
    page_size: int = 1000
    fail_vulns: bool = False
    hidden: set[str] = field(default_factory=set)  # listed by querybatch, 404 on GET


def _handler(state: OsvServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep pytest output clean
            pass

        def _send(self, code: int, body: object) -> None:
            raw = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            state.log.append(("POST", self.path))
            if self.path != "/v1/querybatch":
                return self._send(404, {"code": 5, "message": "Not found"})
            results = []
            for q in body["queries"]:
                name = canonicalize_name(q["package"]["name"])
                hits = [
                    r for r in state.records.values()
                    if any(canonicalize_name(a["package"]["name"]) == name for a in r["affected"])
                    and ("version" not in q or _affects(r, name, q["version"]))
                ]
                start = int(q.get("page_token") or 0)
                page = hits[start : start + state.page_size]
                res: dict = {}
                if page:
                    res["vulns"] = [{"id": r["id"], "modified": r["modified"]} for r in page]
                if start + state.page_size < len(hits):
                    res["next_page_token"] = str(start + state.page_size)
                results.append(res)
            self._send(200, {"results": results})

        def do_GET(self):
            state.log.append(("GET", self.path))
            if state.fail_vulns:
                return self._send(503, {"code": 14, "message": "unavailable"})
            vid = self.path.rsplit("/", 1)[-1]
            if self.path.startswith("/v1/vulns/") and vid in state.records and vid not in state.hidden:
                return self._send(200, state.records[vid])
            self._send(404, {"code": 5, "message": "Bug not found."})

    return Handler


def _serve(certs: Certs, state_factory, handler_factory=_handler):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(certs.cert), str(certs.key))
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    server.daemon_threads = True
    port = server.server_address[1]
    state = state_factory(f"https://127.0.0.1:{port}")
    server.RequestHandlerClass = handler_factory(state)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, state
