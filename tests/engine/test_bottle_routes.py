"""Bottle's wildcard filters: `<id:int>` and `<x:float>` convert the value, `<name:re:PATTERN>` lets
through only what the pattern matches (the route is anchored), as Flask's and Django's converters do."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone

DOCS = "from bottle import get, redirect\n\n@get('/doc/<subdir:re:dev|install|usage>')\ndef doc(subdir):\n    redirect(f'{subdir}/index.html')\n"


def test_a_route_filter_bounds_what_the_wildcard_holds():
    # three words: no host, no scheme (ivre's documentation server)
    _quiet_until_undone("SLS120", DOCS, "<subdir:re:dev|install|usage>", "<subdir:re:.+>")
    _quiet_until_undone("SLS120", DOCS, "<subdir:re:dev|install|usage>", "<subdir>")
    number = DOCS.replace("<subdir:re:dev|install|usage>", "<subdir:int>")
    _quiet_until_undone("SLS120", number, "<subdir:int>", "<subdir:path>")
