"""A helper that returns the `next` URL only once it starts with one `/` and no host follows,
else None, makes its result a path of this site (ivre's `_validate_next_url`), however the two
host starts are tested: as one call with a tuple or as two calls joined by `or`."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone

HELPER = (
    "from bottle import redirect, request, route\n\n"
    "def validate_next(value):\n    if not value or not value.startswith('/'):\n        return None\n"
    "    if value.startswith('//') or value.startswith('/\\\\'):\n        return None\n    return value\n\n"
    "@route('/login/done')\ndef done():\n    redirect(validate_next(request.params.get('next')) or '/')\n"
)


def test_a_helper_that_refuses_both_host_starts_returns_a_path_of_this_site():
    _quiet_until_undone("SLS120", HELPER, "value.startswith('//') or value.startswith('/\\\\')", "value.startswith('//')")
    tupled = HELPER.replace("value.startswith('//') or value.startswith('/\\\\')", "value.startswith(('//', '/\\\\'))")
    _quiet_until_undone("SLS120", tupled, "value.startswith(('//', '/\\\\'))", "value.startswith(('//',))")
