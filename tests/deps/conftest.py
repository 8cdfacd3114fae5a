"""A real HTTPS OSV look-alike on loopback, with its own CA, for the dependency tests."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from tests.deps.deps_server import Certs, OsvServer, _make_certs, _serve
from tests.deps.osv_records import RECORDS

PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
              "NO_PROXY", "no_proxy")


@pytest.fixture(autouse=True)
def _no_ambient_proxy(monkeypatch):
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> Certs:
    return _make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def osv_server(certs):
    records = {r["id"]: json.loads(json.dumps(r)) for r in RECORDS}
    server, state = _serve(certs, lambda url: OsvServer(url, records))
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def offline_dir(tmp_path) -> Path:
    d = tmp_path / "osv-offline"
    d.mkdir()
    for r in RECORDS:
        (d / f"{r['id']}.json").write_text(json.dumps(r))
    return d


@pytest.fixture
def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def silent_server():
    """Accepts TCP connections (through the backlog) and never says a word."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    yield s.getsockname()[1]
    s.close()


@pytest.fixture
def connect_proxy():
    """A minimal HTTP CONNECT proxy on loopback that records the tunnels it opens."""
    seen: list[str] = []
    opened: list[socket.socket] = []
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(8)
    lsock.settimeout(0.2)
    stop = threading.Event()

    def pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def handle(conn: socket.socket) -> None:
        conn.settimeout(5)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                conn.close()
                return
            head += chunk
        line = head.split(b"\r\n", 1)[0].decode()
        method, target, _ = line.split(" ", 2)
        seen.append(f"{method} {target}")
        if method != "CONNECT":
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        host, port = target.rsplit(":", 1)
        if host not in ("127.0.0.1", "localhost"):  # never leave this machine
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        upstream = socket.create_connection((host, int(port)), timeout=5)
        opened.append(upstream)
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        conn.settimeout(None)
        upstream.settimeout(None)
        threading.Thread(target=pipe, args=(conn, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, conn), daemon=True).start()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = lsock.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            opened.append(conn)
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{lsock.getsockname()[1]}", seen
    stop.set()
    t.join(2)
    lsock.close()
    for sock in opened:
        sock.close()
