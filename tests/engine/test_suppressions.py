"""Suppression comments: what the editor's "Suppress" action writes is what the engine reads
(both in secure_ls/engine/suppressions.py)."""

from __future__ import annotations

import pytest

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.suppressions import suppression_edit

ENGINE = Engine()


def _apply(text: str, edit) -> str:
    lines = text.split("\n")
    line = lines[edit.span.start.line]
    lines[edit.span.start.line] = line[: edit.span.start.column] + edit.text + line[edit.span.end.column :]
    return "\n".join(lines)


def _suppress_all(text: str) -> str:
    """Applies the suppression edit of each finding in turn until none is left."""
    for _ in range(10):
        findings = ENGINE.analyze(text).findings
        if not findings:
            return text
        lines = text.split("\n")
        text = _apply(text, suppression_edit(lambda i: lines[i], findings[0]))
    raise AssertionError(f"still flagged after suppressing:\n{text}")


@pytest.mark.parametrize(
    "code",
    [
        "import hashlib\nhashlib.md5(b'x')\n",
        # an existing comment of ours is extended, whatever its spacing and case
        "import hashlib, os\nos.system('ls ' + input()); hashlib.md5(b'x')  # SECURE-LS: ignore [SLS999]\n",
        # a Bandit or Ruff comment already on the line stays, and ours is read too
        "import hashlib\nhashlib.md5(b'x')  # nosec B101\n",
        "import hashlib\nhashlib.md5(b'x')  # noqa: E501\n",
        # a statement spanning lines inside a string: the comment goes on its last line
        'import os\nos.system("""ls\n""" + input())\n',
    ],
)
def test_the_suppression_the_action_writes_silences_the_finding(code):
    assert ENGINE.analyze(code).findings
    assert ENGINE.analyze(_suppress_all(code)).findings == []


def test_an_existing_comment_gets_the_id_added():
    code = "import hashlib\nhashlib.md5(b'x')  # secure-ls: ignore[SLS101]\n"
    (finding,) = ENGINE.analyze(code).findings
    lines = code.split("\n")
    edit = suppression_edit(lambda i: lines[i], finding)
    assert _apply(code, edit) == f"import hashlib\nhashlib.md5(b'x')  # secure-ls: ignore[SLS101, {finding.rule_id}]\n"


BUILT_THEN_RUN = '''
def purge(db, workspace_id):
    query = f"DELETE FROM vuln WHERE workspace_id = {{workspace_id}}"{comment}
    db.session.execute(query)
'''


@pytest.mark.parametrize(
    ("comment", "silenced"),
    [("", False), ("  # nosec", True), ("  # nosec B608", True), ("  # nosec B602", False), ("  # secure-ls: ignore", False)],
)
def test_bandits_nosec_where_the_query_is_built_silences_the_finding_at_the_execute(comment, silenced):
    # Bandit reports B608 where the string is built, so that is where its users put `# nosec`;
    # secure-ls reports where the query runs. Only Bandit's comment moves with the finding.
    findings = [f for f in ENGINE.analyze(BUILT_THEN_RUN.format(comment=comment)).findings if f.rule_id == "SLS101"]
    assert (not findings) is silenced, findings


MADE_THEN_USED = '''
from Crypto.Cipher import ARC4


def unseal(key, data):
    rc4 = ARC4.new(key)
    plain = rc4.encrypt(
        data
    ){comment}
    return plain
'''


@pytest.mark.parametrize(
    ("comment", "silenced"),
    [("", False), ("  # lgtm [py/weak-cryptographic-algorithm]", True), ("  # codeql[py/weak-cryptographic-algorithm]", True),
     ("  # lgtm[py/sql-injection]", False), ("  # lgtm", False)],
)
def test_codeqls_comment_where_the_cipher_object_is_used_silences_the_finding_where_it_is_made(comment, silenced):
    # CodeQL reports a weak cipher at the operation (`rc4.encrypt(...)`), so that is where its users
    # put `# lgtm[...]`; secure-ls reports where the object is made. Only a CodeQL comment naming the
    # query the rule covers moves with the finding.
    findings = [f for f in ENGINE.analyze(MADE_THEN_USED.format(comment=comment)).findings if f.rule_id == "SLS310"]
    assert (not findings) is silenced, findings
