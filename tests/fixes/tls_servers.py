"""Real local TLS servers for the mail and FTP client fixes (SLS408).

Each server speaks just enough SMTP, IMAP, POP3 or FTP for the standard library's
clients to connect, negotiate TLS (implicitly on connect, or after STARTTLS / STLS /
AUTH TLS), run a command and quit. Two certificates for `localhost`: one issued by a
test CA, one self-signed. `tls_talk` points `SSL_CERT_FILE` at the test CA, which
`ssl.create_default_context()` honours through OpenSSL's default verify paths, so a
verifying client trusts the first server and refuses the second, while an
unverified client (`ssl._create_stdlib_context()`) talks to both.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import socket
import ssl
import tempfile
import threading
from pathlib import Path

_FOLDER: Path | None = None
_SERVERS: dict[tuple[str, str], int] = {}
_LOCK = threading.Lock()


def _certificates() -> Path:
    """ca.pem, trusted.pem/.key (issued by the CA) and self-signed.pem/.key, made once."""
    global _FOLDER
    if _FOLDER is not None:
        return _FOLDER
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = Path(tempfile.mkdtemp(prefix="secure-ls-tls-"))
    now = datetime.datetime.now(datetime.timezone.utc)

    def name(text):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    def build(subject, issuer, public_key, signing_key, ca):
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
            ).add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            ).add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        return builder.sign(signing_key, hashes.SHA256())

    def write(stem, cert, key=None):
        (folder / f"{stem}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        if key is not None:
            (folder / f"{stem}.key").write_bytes(
                key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
            )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = build(name("secure-ls test CA"), name("secure-ls test CA"), ca_key.public_key(), ca_key, ca=True)
    write("ca", ca)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    write("trusted", build(name("localhost"), ca.subject, leaf_key.public_key(), ca_key, ca=False), leaf_key)
    own_key = ec.generate_private_key(ec.SECP256R1())
    write("self-signed", build(name("localhost"), name("localhost"), own_key.public_key(), own_key, ca=False), own_key)
    _FOLDER = folder
    return folder


# ---- the protocols: greeting, reply to a command line, and which command starts TLS ----------


def _smtp(line: str) -> str:
    verb = line.split(" ", 1)[0].upper()
    if verb in ("EHLO", "HELO"):
        return "250-localhost\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n"
    return {"STARTTLS": "220 go ahead\r\n", "QUIT": "221 bye\r\n"}.get(verb, "250 ok\r\n")


def _imap(line: str) -> str:
    tag, _, rest = line.partition(" ")
    verb = rest.split(" ", 1)[0].upper()
    if verb == "CAPABILITY":
        return f"* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n{tag} OK done\r\n"
    if verb == "LOGOUT":
        return f"* BYE\r\n{tag} OK bye\r\n"
    return f"{tag} OK {verb.lower()} done\r\n"


def _pop(line: str) -> str:
    verb = line.split(" ", 1)[0].upper()
    if verb == "CAPA":
        return "+OK\r\nSTLS\r\nUSER\r\n.\r\n"
    return {"QUIT": "+OK bye\r\n"}.get(verb, "+OK\r\n")


def _ftp(line: str) -> str:
    verb = line.split(" ", 1)[0].upper()
    return {
        "AUTH": "234 go ahead\r\n",
        "USER": "331 password please\r\n",
        "PASS": "230 logged in\r\n",
        "PWD": '257 "/"\r\n',
        "QUIT": "221 bye\r\n",
    }.get(verb, "200 ok\r\n")


# protocol -> (greeting, reply, command that starts TLS (None: TLS from the first byte))
_PROTOCOLS = {
    "smtps": ("220 localhost ESMTP\r\n", _smtp, None),
    "smtp": ("220 localhost ESMTP\r\n", _smtp, "STARTTLS"),
    "imaps": ("* OK IMAP4rev1 ready\r\n", _imap, None),
    "imap": ("* OK IMAP4rev1 ready\r\n", _imap, "STARTTLS"),
    "pop3s": ("+OK ready\r\n", _pop, None),
    "pop3": ("+OK ready\r\n", _pop, "STLS"),
    "ftp": ("220 ready\r\n", _ftp, "AUTH"),
}


def _readline(conn) -> str | None:
    data = bytearray()
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            return None
        data += chunk
    return data.decode("ascii", "replace").rstrip("\r\n")


def _serve_one(conn: socket.socket, protocol: str, context: ssl.SSLContext) -> None:
    greeting, reply, starttls = _PROTOCOLS[protocol]
    try:
        if starttls is None:
            conn = context.wrap_socket(conn, server_side=True)
        conn.sendall(greeting.encode())
        while (line := _readline(conn)) is not None:
            conn.sendall(reply(line).encode())
            verb = line.split(" ", 2)[1 if protocol == "imap" else 0].upper() if line.strip() else ""
            if starttls is not None and verb == starttls and not isinstance(conn, ssl.SSLSocket):
                conn = context.wrap_socket(conn, server_side=True)
    except (OSError, ssl.SSLError, IndexError):
        pass  # the client refused our certificate, or hung up
    finally:
        conn.close()


def _start(protocol: str, cert: str) -> int:
    folder = _certificates()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / f"{cert}.pem", folder / f"{cert}.key")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(None)

    def accept_forever():
        while True:
            conn, _ = listener.accept()
            conn.settimeout(10)
            threading.Thread(target=_serve_one, args=(conn, protocol, context), daemon=True).start()

    threading.Thread(target=accept_forever, daemon=True).start()
    return listener.getsockname()[1]


def server_port(protocol: str, cert: str) -> int:
    """The port of a running `protocol` server ("smtps", "smtp", "imaps", "imap", "pop3s",
    "pop3", "ftp") presenting the "trusted" (CA-issued) or "self-signed" certificate."""
    with _LOCK:
        if (protocol, cert) not in _SERVERS:
            _SERVERS[protocol, cert] = _start(protocol, cert)
        return _SERVERS[protocol, cert]


def tls_talk(protocol: str, cert: str, function):
    """Calls `function("localhost", port)` against that server, with
    SSL_CERT_FILE naming the test CA (and only it) while it runs."""
    port = server_port(protocol, cert)
    saved = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    os.environ["SSL_CERT_FILE"] = str(_certificates() / "ca.pem")
    os.environ["SSL_CERT_DIR"] = str(_certificates())  # no hashed certificates here: only the CA file counts
    try:
        return function("localhost", port)
    finally:
        for key, value in zip(("SSL_CERT_FILE", "SSL_CERT_DIR"), saved):
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
