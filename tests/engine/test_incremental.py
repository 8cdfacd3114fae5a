"""Incremental analysis must give exactly what a fresh analysis gives.

Random edits (typing, deleting, unbalanced quotes and brackets, new imports,
CRLF, emoji) are applied to one document; after each, the findings and
syntax errors of the incremental engine equal those of a fresh engine.
"""

from __future__ import annotations

import random

import pytest

from secure_ls.engine.analyzer import Engine
from secure_ls.rules import all_rules

from secure_ls.testing.generate import generate

PIECES = [
    "x", "\n", "    ", '"""', "(", ")", "def f(:\n", "\nimport hashlib\n", "\n\n", "'", "\r\n",
    "é😀", "#", "\t", "if x:\n", "import os\n", "cur.execute(f'SELECT {a}')\n", "\nclass C:\n    pass\n",
]


def _signature(result):
    findings = sorted(
        (f.key, f.message, f.fix and tuple((e.span, e.text) for e in f.fix.edits)) for f in result.findings
    )
    return findings, sorted(result.syntax_errors)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_equals_fresh(seed):
    rng = random.Random(seed)
    snippets = [e.code for r in all_rules() if r.language == "python" for e in r.INVALID]
    text = generate(200) + "\n" + "\n".join(rng.sample(snippets, 8))
    engine = Engine()
    reference = Engine()  # its own caches, and no per-document session
    for step in range(120):
        start = rng.randint(0, len(text))
        end = min(len(text), start + rng.choice([0, 0, 0, 1, 3, 10, 50]))
        insert = rng.choice(PIECES + [rng.choice(snippets)])
        text = text[:start] + insert + text[end:]
        incremental = engine.analyze(text, key="doc")
        # every 20 steps a brand-new engine, to catch cache keys that miss something
        fresh = (Engine() if step % 20 == 0 else reference).analyze(text)
        assert _signature(incremental) == _signature(fresh), f"seed {seed}, step {step}"


def test_an_edit_closing_a_string_left_open_far_above():
    # mid-typing: a docstring opened at the top that nothing closes, then the user
    # types its closing quotes many units further down
    body = "".join(f"def f{i}():\n    return {i}\n\n" for i in range(12))
    before = '"""Module docstring, still being written\n\n' + body + "x = 1\n"
    after = before.replace("x = 1\n", 'x = 1"""\n')
    engine = Engine()
    engine.analyze(before, key="doc")
    assert _signature(engine.analyze(after, key="doc")) == _signature(Engine().analyze(after))
    assert engine.analyze(after, key="doc").syntax_errors == []


def test_editing_a_call_of_a_private_helper_reanalyses_the_helper():
    """The helper's findings depend on what the module's calls pass it (constants only, or not):
    changing a call must change them, in the editor's session as in a fresh analysis."""
    quiet = (
        "from django.utils.safestring import mark_safe\n\n"
        "def _label(title):\n    return mark_safe(f'<b>{title}</b>')\n\n\n"
        "def page():\n    return _label('Blank')\n"
    )
    loud = quiet.replace("def page():\n    return _label('Blank')", "def page(title):\n    return _label(title)")
    engine = Engine()
    assert [f.rule_id for f in engine.analyze(quiet, key="doc").findings] == []
    assert [f.rule_id for f in engine.analyze(loud, key="doc").findings] == ["SLS801"]
    assert [f.rule_id for f in engine.analyze(quiet, key="doc").findings] == []


def test_editing_a_helper_a_class_attribute_names_reanalyses_its_callers():
    """`class ERROR_MESSAGES(str, Enum): DEFAULT = error_response`: a view's
    `ERROR_MESSAGES.DEFAULT(e, ...)` depends on error_response's summary, so an edit that makes
    the helper return the exception's text must bring the finding, in the editor's session as in
    a fresh analysis, and the edit back must take it away."""
    quiet = (
        "from enum import Enum\nfrom flask import Flask, jsonify\n\napp = Flask(__name__)\n\n"
        "def error_response(error, message):\n    return jsonify(error=message), 500\n\n\n"
        "class ERROR_MESSAGES(str, Enum):\n    DEFAULT = error_response\n\n\n"
        "@app.route('/x')\ndef view():\n    try:\n        work()\n    except Exception as e:\n"
        "        return ERROR_MESSAGES.DEFAULT(e, 'Could not save.')\n"
    )
    loud = quiet.replace("jsonify(error=message), 500", "jsonify(error=str(error)), 500")
    engine = Engine()
    assert [f.rule_id for f in engine.analyze(quiet, key="doc").findings] == []
    assert [f.rule_id for f in engine.analyze(loud, key="doc").findings] == ["SLS701"]
    assert [f.rule_id for f in engine.analyze(quiet, key="doc").findings] == []
