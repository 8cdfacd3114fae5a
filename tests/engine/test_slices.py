"""A long module analysed in slices (engine/pacing.py) and a long document's first look
(Engine.analyze_beginning): what the editor shows while a big file is being analysed."""

from __future__ import annotations

from secure_ls.engine import pacing
from secure_ls.engine.analyzer import Engine

SQL = 'import sqlite3\n\n\ndef find{n}(conn, name):\n    return conn.execute("SELECT * FROM u WHERE n = \'" + name + "\'")\n\n\n'
# a helper defined after its callers: its summary comes from the end of the file
TAINTED = "from flask import request\nimport os\n\n\ndef run{n}():\n    os.system(fetch())\n\n\n"
HELPER = "\ndef fetch():\n    return request.args['cmd']\n"


def _module(blocks: int) -> str:
    return "".join((SQL if n % 2 else TAINTED).format(n=n) for n in range(blocks)) + HELPER


def _found(result) -> list[tuple]:
    return sorted((f.rule_id, f.span.start.line, f.message) for f in result.findings)


def _run_with_pauses(steps) -> tuple[object, int]:
    pauses = 0
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value, pauses
        pauses += 1


def test_a_long_module_analysed_in_slices_gives_the_same_findings(monkeypatch):
    monkeypatch.setattr(pacing, "SLICE", 0.0)  # pause at every chance
    text = _module(400)
    sliced, pauses = _run_with_pauses(Engine().analysis_steps(text, key="doc"))
    assert pauses > 100
    assert _found(sliced) == _found(Engine().analyze(text, key="doc"))
    assert {f.rule_id for f in sliced.findings} >= {"SLS101", "SLS102"}


def test_analyses_run_while_one_is_paused_do_not_change_its_findings(monkeypatch):
    monkeypatch.setattr(pacing, "SLICE", 0.0)
    engine = Engine()
    text = _module(60)
    other = "import os\nfrom flask import request\n\n\ndef go():\n    os.system(request.args['x'])\n"
    steps = engine.analysis_steps(text, key="doc")
    others = []
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result = done.value
            break
        others.append(_found(engine.analyze(other, key="other")))  # the editor answering another document
    assert _found(result) == _found(Engine().analyze(text, key="doc"))
    assert others and all(found == others[0] for found in others) and others[0]


def test_an_analysis_given_up_midway_leaves_the_next_version_analysed_right(monkeypatch):
    monkeypatch.setattr(pacing, "SLICE", 0.0)
    engine = Engine()
    text = _module(60)
    steps = engine.analysis_steps(text, key="doc")
    for _ in range(40):
        next(steps)
    steps.close()  # the user typed: the version being analysed is gone
    edited = text.replace("def run0():", "def run0():\n    pass", 1)
    assert _found(engine.analyze(edited, key="doc")) == _found(Engine().analyze(edited, key="doc"))


def test_a_first_look_shows_the_findings_of_the_beginning_only():
    text = _module(200)
    beginning = Engine().analyze_beginning(text, 100)
    assert beginning is not None and 90 <= beginning.lines <= 100
    whole = [f for f in _found(Engine().analyze(text)) if f[1] < beginning.lines]
    shown = _found(beginning.result)
    assert whole and [f[:2] for f in shown] == [f[:2] for f in whole]
    # what a function defined further down returns is not known yet: the message is vaguer
    # until the whole analysis lands
    assert any("non-constant data" in f[2] for f in shown) and not any("non-constant data" in f[2] for f in whole)
    assert Engine().analyze_beginning(_module(3), 100) is None  # short: it is analysed whole at once


def test_a_first_look_cut_inside_a_multi_line_string_reads_none_of_it_as_code():
    text = _module(10)
    lines = text.count("\n")
    # a docstring opened before the cut whose column-0 lines look like statements
    text += 'NOTES = """\n' + "import os\nos.system(input())\n" * 20 + '"""\n' + _module(10)
    beginning = Engine().analyze_beginning(text, lines + 12)
    assert beginning is not None and beginning.lines == lines
    assert beginning.result.syntax_errors == []
    assert all(f[1] < lines for f in _found(beginning.result))


def test_a_first_look_of_a_file_over_the_size_limit_is_not_taken():
    engine = Engine()
    text = _module(20) * 2
    engine.options.max_chars = len(text) - 1
    assert engine.analyze_beginning(text, 10) is None
    assert engine.analyze(text).problems and engine.analyze(text).findings == []


def test_the_summaries_of_one_long_class_are_computed_in_slices(monkeypatch):
    from secure_ls.engine import summaries

    # one unit: a class whose methods call each other, so each is summarised for the others
    methods = "".join(f"\n    def get{n}(self):\n        return self.get{n - 1}() + 'x'\n" for n in range(1, 200))
    text = "import os\nfrom flask import request\n\n\nclass Views:\n    def get0(self):\n        return request.args['q']\n" + methods
    text += "\n    def run(self):\n        os.system(self.get199())\n"
    summarised_since_pause = [0]
    most = [0]
    original = summaries._summarize_into

    def counting(*args, **kwargs):
        summarised_since_pause[0] += 1
        most[0] = max(most[0], summarised_since_pause[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(summaries, "_summarize_into", counting)
    monkeypatch.setattr(pacing, "SLICE", 0.0)
    steps = Engine().analysis_steps(text, key="doc")
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result = done.value
            break
        summarised_since_pause[0] = 0
    # a keystroke waits for one method's summary at most, not for the class's 200
    assert 0 < most[0] <= 2
    assert [f.rule_id for f in result.findings] == ["SLS102"]
    monkeypatch.setattr(summaries, "_summarize_into", original)
    assert _found(result) == _found(Engine().analyze(text, key="doc"))
