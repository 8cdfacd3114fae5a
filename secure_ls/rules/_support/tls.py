"""TLS knowledge shared by the TLS rules (weak-tls-version, ssl-wrap-socket):
the protocol and version constants that allow SSL 2.0/3.0, TLS 1.0 or 1.1, by
qualified name, with the version each one names."""

from __future__ import annotations

WEAK_PROTOCOLS = {
    "ssl.PROTOCOL_SSLv2": "SSL 2.0",
    "ssl.PROTOCOL_SSLv3": "SSL 3.0",
    "ssl.PROTOCOL_TLSv1": "TLS 1.0",
    "ssl.PROTOCOL_TLSv1_1": "TLS 1.1",
    "OpenSSL.SSL.SSLv2_METHOD": "SSL 2.0",
    "OpenSSL.SSL.SSLv3_METHOD": "SSL 3.0",
    "OpenSSL.SSL.TLSv1_METHOD": "TLS 1.0",
    "OpenSSL.SSL.TLSv1_1_METHOD": "TLS 1.1",
}
WEAK_VERSIONS = {
    "ssl.TLSVersion.SSLv3": "SSL 3.0",
    "ssl.TLSVersion.TLSv1": "TLS 1.0",
    "ssl.TLSVersion.TLSv1_1": "TLS 1.1",
    "ssl.TLSVersion.MINIMUM_SUPPORTED": "the oldest version OpenSSL allows",
}
WEAK_PYOPENSSL_VERSIONS = {
    "OpenSSL.SSL.SSL3_VERSION": "SSL 3.0",
    "OpenSSL.SSL.TLS1_VERSION": "TLS 1.0",
    "OpenSSL.SSL.TLS1_1_VERSION": "TLS 1.1",
}
