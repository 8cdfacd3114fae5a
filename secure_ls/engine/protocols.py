"""Published protocols and file formats whose specifications fix a legacy algorithm.

NTLM seals with RC4 and hashes passwords with MD4, Kerberos' rc4-hmac enctype is RC4 and
HMAC-MD5, Netlogon computes its credential with DES, SMB1 signs with MD5, RADIUS hides
passwords with MD5, MS-CHAP answers with DES, HTTP Digest authentication keeps MD5(user:realm:
password) in its password files (RFC 2617's HA1, Apache's htdigest), OpenSSL's `Salted__` files
(and crypto-js) derive their key with MD5 in EVP_BytesToKey, crypt(3)'s MD5-crypt and SHA-crypt
hashes are MD5 and SHA-512 in their own round schedules: a program that speaks one of them cannot
pick another algorithm and still be understood by its peer, nor can one that reads a file its
specification fixes. Crypto rules keep reporting such code, in the audit tier, and say which
protocol chose the algorithm.

Code says it implements one of them in three ways, all read here from names and text:
- its function, class or module is named for the protocol (`ntlm.py`, `class GSSAPI_RC4`,
  `def ComputeNetlogonCredential`, a `krb5/` package, `cram_md5_response`);
- its function cites the specification (`# [MS-NRPC] 3.1.4.4.2`, `RFC 4757`) in its docstring or
  comments;
- it answers a challenge (`challenge`, MySQL's `scramble`), whose peer fixes the hash.
"""

from __future__ import annotations

import os
import re

from secure_ls.engine import astutil

# Protocol words matched anywhere in a lowercased name: long enough to mean nothing else.
_ANYWHERE = {
    "ntlm": "NTLM", "lmhash": "NTLM", "nthash": "NTLM", "kerberos": "Kerberos", "gssapi": "GSS-API",
    "spnego": "SPNEGO", "netlogon": "Netlogon", "drsuapi": "DRSUAPI", "dpapi": "DPAPI", "mschap": "MS-CHAP",
    "tacacs": "TACACS+", "htdigest": "HTTP Digest authentication", "httpdigest": "HTTP Digest authentication",
    "digestauth": "HTTP Digest authentication", "bytestokey": "OpenSSL's EVP_BytesToKey",
    "md5crypt": "crypt(3)'s MD5-crypt", "sha256crypt": "crypt(3)'s SHA-crypt", "sha512crypt": "crypt(3)'s SHA-crypt",
}
# Words of a function's name that say it answers a challenge (`calc_challenge_response`, MySQL's
# `_scramble_native`): the peer fixes the hash. Only a function's: a `challenges/` package or a
# `ChallengeView` class of a CTF site holds all sorts of code.
_ANSWERS = {"challenge": "a challenge-response protocol", "scramble": "MySQL's password scramble"}
# Short protocol words, matched only at the start of a word of the name (`smbserver`, `krb5`,
# `cram_md5`), so that `sweep` is no WEP and `sample` no SAM.
_WORD_START = {
    "smb": "SMB", "krb": "Kerberos", "samr": "SAMR", "lsa": "LSA", "ntds": "NTDS", "nrpc": "Netlogon",
    "snmp": "SNMP", "cram": "CRAM-MD5", "apop": "APOP", "pptp": "PPTP", "mppe": "MPPE", "wep": "WEP",
}
# Protocol words that are also the start of common words: only a whole word of the name
# (`class SAMHashes`, `sam_hive`), never `sample` or `same`.
_WHOLE_WORD = {"sam": "SAM"}
# A specification cited by its number: Microsoft's open specifications (`[MS-NLMP]`), IETF RFCs.
_CITATION = re.compile(r"\[MS-[A-Z0-9]+\]|\bMS-[A-Z]{4,}\b|\bRFC ?-?\d{3,5}\b")


def named_in(name: str, function: bool = False) -> str | None:
    """The protocol the identifier or file name `name` is named for (`SPNEGOCipher`: SPNEGO), or
    None; a `function`'s name may also say it answers a challenge."""
    lowered = re.sub(r"[_\-]", "", name.lower())  # `http_digest.py`, `DigestAuth`, `digest-auth`
    for word, protocol in (_ANYWHERE | _ANSWERS if function else _ANYWHERE).items():
        if word in lowered:
            return protocol
    words = re.split(r"[^a-z]+", astutil.snake_case(name))
    for word in words:
        for start, protocol in _WORD_START.items():
            if word.startswith(start):
                return protocol
    for word in re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+", name):
        if (found := _WHOLE_WORD.get(word.lower())) is not None:
            return found
    return None


def cited_in(text: str) -> str | None:
    """The first specification `text` cites (`[MS-NRPC]`, `RFC 4757`), or None."""
    found = _CITATION.search(text)
    return found.group(0) if found else None


def of_path(path: str | None, root: str | None = None) -> str:
    """The protocol a module's path names, in a folder or the file's own name below `root`
    (`impacket/krb5/crypto.py`: Kerberos, `ntlm.py`: NTLM), or ""."""
    if not path:
        return ""
    path = path.replace("\\", "/")
    if root:
        root = root.replace("\\", "/").rstrip("/") + "/"
        path = path[len(root):] if path.startswith(root) else path
    for part in path.split("/"):
        found = named_in(os.path.splitext(part)[0])
        if found:
            return found
    return ""
