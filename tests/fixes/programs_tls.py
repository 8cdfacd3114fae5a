"""The standard library's mail and FTP TLS clients (SLS408, and SLS401's verifying context),
run against real local TLS servers (tests/fixes/tls_servers.py): before the fix they talk to a server with a
self-signed certificate; after it they refuse it with ssl.SSLCertVerificationError, and
still talk to a server whose certificate is issued by a CA the default context trusts
(SSL_CERT_FILE)."""

from tests.fixes.harness import Program


def refused(before, after):
    return before.error is None and after.error == "SSLCertVerificationError"


def _program(id, code, protocol, fixed_has, title_has="ssl.create_default_context()", trusted="same"):
    return Program(
        id,
        "SLS408",
        code,
        "unsafe",
        [
            (f"tls_talk('{protocol}', 'self-signed', check)", refused),
            (f"tls_talk('{protocol}', 'trusted', check)", trusted),
        ],
        fixed_has=fixed_has,
        title_has=title_has,
    )


def prot_p_added(before, after):
    return before.error is None and after.error is None and before.value == ("/", False) and after.value == ("/", True)


PROGRAMS = [
    # SLS401: the verifying context trusts the system's CA store (here the test CA, through
    # SSL_CERT_FILE, as a company's CA installed in the operating system), not certifi's bundle
    Program(
        "tls-unverified-context-trusts-the-system-store",
        "SLS401",
        "import smtplib\nimport ssl\n\ndef check(host, port):\n    with smtplib.SMTP_SSL(host, port, context=ssl._create_unverified_context(), timeout=10) as server:\n        return server.noop()\n",
        "unsafe",
        [("tls_talk('smtps', 'self-signed', check)", refused), ("tls_talk('smtps', 'trusted', check)", "same")],
        fixed_lacks=("certifi",),
    ),
    _program(
        "tls-smtp-ssl-verified-context",
        "import smtplib\n\ndef check(host, port):\n    with smtplib.SMTP_SSL(host, port, timeout=10) as server:\n        return server.noop()\n",
        "smtps",
        ("smtplib.SMTP_SSL(host, port, timeout=10, context=ssl.create_default_context())", "import ssl\n"),
    ),
    _program(
        "tls-smtp-starttls-verified-context",
        "import smtplib\n\ndef check(host, port):\n    server = smtplib.SMTP(host, port)\n    server.starttls()\n    reply = server.noop()\n    server.quit()\n    return reply\n",
        "smtp",
        ("server.starttls(context=ssl.create_default_context())",),
    ),
    _program(
        "tls-imap4-ssl-verified-context",
        "import imaplib\n\ndef check(host, port):\n    box = imaplib.IMAP4_SSL(host, port)\n    reply = box.noop()\n    box.logout()\n    return reply\n",
        "imaps",
        ("imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context())",),
        title_has="ssl_context=",
    ),
    _program(
        "tls-imap4-starttls-verified-context",
        "from imaplib import IMAP4\n\ndef check(host, port):\n    box = IMAP4(host, port)\n    box.starttls()\n    reply = box.noop()\n    box.logout()\n    return reply\n",
        "imap",
        ("box.starttls(ssl_context=ssl.create_default_context())",),
        title_has="ssl_context=",
    ),
    _program(
        "tls-pop3-ssl-verified-context",
        "import poplib\n\ndef check(host, port):\n    box = poplib.POP3_SSL(host, port)\n    reply = box.noop()\n    box.quit()\n    return reply\n",
        "pop3s",
        ("poplib.POP3_SSL(host, port, context=ssl.create_default_context())",),
    ),
    _program(
        "tls-pop3-stls-verified-context",
        "import poplib\n\ndef check(host, port):\n    box = poplib.POP3(host, port)\n    box.stls()\n    reply = box.noop()\n    box.quit()\n    return reply\n",
        "pop3",
        ("box.stls(context=ssl.create_default_context())",),
    ),
    _program(
        "tls-ftp-tls-context-and-prot-p",
        "import ftplib\n\ndef check(host, port):\n    ftp = ftplib.FTP_TLS()\n    ftp.connect(host, port)\n    ftp.login('user', 'secret')\n    where = ftp.pwd()\n    ftp.quit()\n    return where, ftp._prot_p\n",
        "ftp",
        ("ftplib.FTP_TLS(context=ssl.create_default_context())", "    ftp.login('user', 'secret')\n    ftp.prot_p()\n"),
        title_has="prot_p()",
        trusted=prot_p_added,  # the same listing, and now the transfers are protected too
    ),
]
