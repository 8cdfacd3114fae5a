"""A class or function longer than one parse may take (engine/units.py, UNIT_MAX_CHARS) is
parsed one body statement at a time: real controllers and clients of 5,000+ lines were
skipped whole, with every finding in them."""

from __future__ import annotations

import ast
import os
import sysconfig

import pytest

from secure_ls.engine import units
from secure_ls.engine.analyzer import Engine
from secure_ls.engine.pacing import finish

# a method that a long class repeats, with what makes splitting its body hard: a docstring
# whose lines sit at the body's indentation, a decorator, a bracket closed at that indentation
METHOD = '''
    @property
    def page{n}(self):
        """Page {n}.
    An indented line of the docstring that looks like a statement:
    x = 1
        """
        values = (
            {n},
    )
        return values
'''
HEADER = 'import sqlite3\n\n\nclass Controller(\n    object,\n):\n    """The whole site."""\n    # a comment at the body\'s indentation\n'
SQL_METHOD = '\n    def find(self, conn, name):\n        return conn.execute("SELECT * FROM users WHERE name = \'" + name + "\'")\n'
CLASS_LEVEL_IF = "\n    if sqlite3.sqlite_version_info > (3,):\n        LEGACY = False\n    else:\n        LEGACY = True\n"


def _long_class(methods: int) -> str:
    middle = methods // 2
    body = "".join(METHOD.format(n=n) + (SQL_METHOD + CLASS_LEVEL_IF if n == middle else "") for n in range(methods))
    return HEADER + body


def _unit_of_class(text: str) -> str:
    return text[text.index("class Controller") :]


def test_a_class_over_the_unit_limit_is_analysed():
    text = _long_class(1_600)
    assert len(_unit_of_class(text)) > units.UNIT_MAX_CHARS
    result = Engine().analyze(text, key="long")
    line = text[: text.index('conn.execute("SELECT')].count("\n")
    assert [(f.rule_id, f.span.start.line) for f in result.findings] == [("SLS101", line)]
    assert not [p for p in result.problems if "not analysed" in p]


def test_splitting_it_pauses_between_its_statements(monkeypatch):
    # the editor's whole analysis runs in slices (engine/pacing.py): finding and parsing the
    # statements of a 5,000-line class took 100 ms in one step, and a keystroke waited for it
    from secure_ls.engine import pacing

    text = _long_class(1_600)
    monkeypatch.setattr(pacing, "SLICE", 0.0)  # pause at every chance
    steps = units.UnitParser().split_steps(text, pacing.Pace())
    pauses = 0
    while True:
        try:
            next(steps)
        except StopIteration as done:
            sliced = done.value
            break
        pauses += 1
    assert pauses > 1_600  # at least once per method (the statements), besides the tokenizer's
    whole = units.UnitParser().split(text)
    assert [ast.dump(u.parsed.tree, include_attributes=True) for u in sliced] == [ast.dump(u.parsed.tree, include_attributes=True) for u in whole]


def test_its_tree_is_the_tree_of_one_parse():
    unit = _unit_of_class(_long_class(1_600))
    pieces = finish(units._parse_body_by_statements(unit))
    assert pieces is not None
    assert ast.dump(pieces, include_attributes=True) == ast.dump(ast.parse(unit), include_attributes=True)


def test_a_method_over_the_limit_still_skips_the_class():
    # one body statement is itself over the budget: the whole unit is skipped as before
    huge = "    def data(self):\n        return [\n" + "            'x' * 10,\n" * 20_000 + "        ]\n"
    text = "class Table:\n" + huge
    result = Engine().analyze(text, key="huge")
    assert result.problems == [f"lines 1-{text.count(chr(10))} not analysed: a statement of {len(text):,} characters is over the 200,000-character limit"]


STDLIB = sysconfig.get_paths()["stdlib"]


@pytest.mark.parametrize("module", ["typing.py", "argparse.py", "inspect.py", "dataclasses.py", "email/_header_value_parser.py", "tarfile.py"])
def test_every_definition_of_a_standard_module_parses_the_same_in_pieces(module):
    with open(os.path.join(STDLIB, module), encoding="utf-8") as source:
        text = source.read()
    compared = 0
    for unit in units.UnitParser().split(text):
        tree = unit.parsed.tree
        if tree is None or not tree.body or not isinstance(tree.body[0], (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        pieces = finish(units._parse_body_by_statements(unit.parsed.text))
        if pieces is None:  # a body on the header's own line (`class Error(Exception): pass`)
            assert tree.body[0].body[0].lineno == tree.body[0].lineno
            continue
        assert ast.dump(pieces, include_attributes=True) == ast.dump(tree, include_attributes=True), unit.start_line
        compared += 1
    assert compared >= 10
