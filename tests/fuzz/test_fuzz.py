"""Bounded fuzz runs of real LSP traffic against a real server (see harness.py).

Each editor profile gets ~20 s of random editing; the seed is fixed so the
suite is repeatable (set SECURE_LS_FUZZ_SEED=<n> or =random to explore; a
failure prints the seed and a minimal replay). Long runs: `python -m bench.fuzz`.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secure_ls.lsp.documents import Document, Encoding
from tests.fuzz import harness

SECONDS = float(os.environ.get("SECURE_LS_FUZZ_SECONDS", "20"))


def _seed(default: int) -> int:
    raw = os.environ.get("SECURE_LS_FUZZ_SEED")
    if raw == "random":
        return random.randrange(2**32)
    return int(raw) if raw else default


@pytest.mark.parametrize("profile, default_seed", [("visual-studio-code", 7), ("neovim@v0.11.0", 11)])
async def test_random_editing_session(profile, default_seed):
    seed = _seed(default_seed)
    result = await harness.run(profile, seed, duration=SECONDS)
    if result.failure is not None:
        steps, sent = await harness.minimize(profile, result.steps, result.failure.kind, f"{harness.FUZZ_DIR}/min-{seed}", budget=60)
        pytest.fail(harness.describe(result, steps, sent), pytrace=False)
    stats = result.stats
    assert stats.edits > 200, f"too little traffic to mean anything: {stats.edits} edits"
    assert stats.checks > 20
    # no runaway memory in a short session (the long-run numbers come from `python -m bench.fuzz`)
    assert stats.peak_rss < 600 * 1024, f"server peak RSS {stats.peak_rss // 1024} MiB"


# ---- the document store against the client-side mirror, without a server --------
_PIECES = st.sampled_from(["a", "é", "\U0001F600", "\r", "\n", "\r\n", "\t", "\x0c", "\x00", "\u2028", "\x85", "(", '"""', " "])
_TEXT = st.lists(_PIECES, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, edits=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 14), st.integers(0, 12), st.integers(0, 14), _TEXT), max_size=8), enc=st.sampled_from(["utf-16", "utf-8", "utf-32"]))
def test_document_store_matches_mirror(text, edits, enc):
    """Incremental edits give the server's document exactly the client's text (any line endings)."""
    from lsprotocol import types

    doc = Document.create("file:///x.py", text, 1)
    mirror = harness.Mirror("file:///x.py", text, 1)
    for version, (l1, c1, l2, c2, new) in enumerate(edits, 2):
        contents, _ = mirror.lines()
        l1, l2 = min(l1, len(contents) - 1), min(l2, len(contents) - 1)
        c1, c2 = min(c1, len(contents[l1]) + 2), min(c2, len(contents[l2]) + 2)  # a little past the end of the line
        (l1, c1), (l2, c2) = sorted([(l1, c1), (l2, c2)])
        start, end = mirror.units(l1, c1, enc), mirror.units(l2, c2, enc)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(**start), types.Position(**end)), text=new
        )
        doc.apply(change, Encoding(enc))
        mirror.replace(mirror.offset(l1, c1), mirror.offset(l2, c2), new, version)
        assert doc.text == mirror.text
        assert doc.line_count == len(mirror.lines()[0])
