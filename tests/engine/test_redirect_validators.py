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


def test_a_rows_get_absolute_url_is_a_page_of_this_site_whatever_row_it_is():
    # nautobot links the device a form's ModelChoiceField picked: reverse() makes the path
    code = (
        "from django.contrib import messages\nfrom django.utils.html import format_html\nfrom dcim import forms\n\n"
        "def add_member(request):\n    form = forms.VCMemberSelectForm(request.POST)\n    if form.is_valid():\n"
        "        device = form.cleaned_data['device']\n"
        "        messages.success(request, format_html('Added <a href=\"{}\">{}</a>', device.get_absolute_url(), device))\n"
    )
    _quiet_until_undone("SLS804", code, "device.get_absolute_url()", "device.get_url()")
