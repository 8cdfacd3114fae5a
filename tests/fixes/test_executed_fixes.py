"""Every fix kind, applied to small realistic programs that are then run.

Benign, missing and mistyped inputs must give what they gave before the fix;
attack inputs must stop working (see tests/fixes/harness.py for how fixes are
applied and compared). Programs where the engine must refuse a fix are run
too: applying every fix, unsafe ones included, must leave them working.
"""

from __future__ import annotations

import pytest

from tests.fixes import harness
from tests.fixes.programs_django import PROGRAMS as DJANGO
from tests.fixes.programs_other import PROGRAMS as OTHER
from tests.fixes.programs_sql import PROGRAMS as SQL
from tests.fixes.programs_tls import PROGRAMS as TLS
from tests.fixes.programs_web import PROGRAMS as WEB
from tests.fixes.programs_xml_shell_random import PROGRAMS as XML_SHELL_RANDOM

PROGRAMS = SQL + WEB + DJANGO + OTHER + TLS + XML_SHELL_RANDOM


def test_enough_programs_and_unique_ids():
    assert len(PROGRAMS) >= 142  # programs removed by accident show here
    assert len({p.id for p in PROGRAMS}) == len(PROGRAMS)


@pytest.fixture
def frameworks():
    modules = harness.framework_modules()
    saved = harness.install(modules)
    try:
        yield modules
    finally:
        harness.restore(saved)


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.id for p in PROGRAMS])
def test_program_behaves_the_same_after_its_fix(program, frameworks):
    fixed, finding = harness.fixed_text(program)
    offered = "none" if finding.fix is None else "safe" if finding.fix.safe else "unsafe"
    assert offered == program.fix, f"{finding.message} / {finding.fix and finding.fix.title}"
    assert program.message_has in finding.message
    if program.fix != "none":
        assert fixed != program.code, "the fix changed nothing"
        assert program.title_has in finding.fix.title
    else:
        assert not finding.fix
    for text in program.fixed_has:
        assert text in fixed, fixed
    for text in program.fixed_lacks:
        assert text not in fixed, fixed
    helpers = harness.helpers(frameworks)
    before = harness.load(program.code, helpers)
    after = harness.load(fixed, helpers)
    for expression, check in program.cases:
        was, now = harness.run(before, expression), harness.run(after, expression)
        if check == "same":
            assert harness.same(was, now), f"{expression}: {was} before the fix, {now} after\n{fixed}"
        else:
            assert check(was, now), f"{expression}: {was} before the fix, {now} after\n{fixed}"
