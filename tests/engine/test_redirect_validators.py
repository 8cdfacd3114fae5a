"""A helper that returns the `next` URL only once it starts with one `/` and no host follows,
else None, makes its result a path of this site (ivre's `_validate_next_url`), however the two
host starts are tested: as one call with a tuple or as two calls joined by `or`."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone, rules

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


def test_a_django_redirect_to_a_path_that_does_not_start_with_two_slashes_stays_on_the_site():
    """`/` first and not `//`: Django percent-encodes a backslash in the Location it sends, so
    `/\\evil.example` stays a path of this site. Flask sends the text as it is: a browser reads
    `/\\evil.example` as another host, so the same helper does not settle it there."""
    helper = (
        "def sanitize_redirect(url):\n    if url.startswith('//'):\n        return '/'\n"
        "    elif url.startswith('/'):\n        return url\n    return '/'\n\n\n"
    )
    django = helper + "from django.shortcuts import redirect\n\n\ndef login(request):\n    return redirect(sanitize_redirect(request.GET.get('next', '')))\n"
    _quiet_until_undone("SLS120", django, "if url.startswith('//'):\n        return '/'\n    elif", "if")
    flask = helper + "from flask import redirect, request\n\n\ndef login():\n    return redirect(sanitize_redirect(request.args.get('next', '')))\n"
    assert "SLS120" in rules(flask)


def test_a_helper_that_keeps_the_url_only_on_this_host_compared_through_a_name_returns_this_sites_url():
    # khoj's get_next_url: the request's own host is kept in a name first, then compared with the
    # host of the URL built; a name on the other side is a host all the same
    code = (
        "from urllib.parse import urljoin, urlparse\nfrom fastapi import FastAPI, Request\n"
        "from fastapi.responses import RedirectResponse\n\napp = FastAPI()\n\n"
        "def next_url(request: Request) -> str:\n    base = str(request.base_url)\n"
        "    current = request.base_url.netloc.lower()\n"
        "    url = urljoin(base, request.query_params.get('next', '/'))\n"
        "    if urlparse(url).netloc.lower() != current:\n        return urljoin(base, '/')\n    return url\n\n"
        "@app.get('/login')\ndef login(request: Request):\n    return RedirectResponse(next_url(request))\n"
    )
    _quiet_until_undone("SLS120", code, "    if urlparse(url).netloc.lower() != current:\n        return urljoin(base, '/')\n", "")
    flipped = code.replace("urlparse(url).netloc.lower() != current", "current != urlparse(url).netloc.lower()")
    _quiet_until_undone("SLS120", flipped, "    if current != urlparse(url).netloc.lower():\n        return urljoin(base, '/')\n", "")


def test_a_query_value_checked_where_it_is_read_again_is_the_checked_value():
    # Django's check applied to `self.request.GET.get("next")`, then the same read returned: the
    # item read twice is one value (until the request or that field is assigned again)
    code = (
        "from django.http import HttpResponseRedirect\nfrom django.urls import reverse\n"
        "from django.utils.http import url_has_allowed_host_and_scheme\nfrom django.views.generic import UpdateView\n\n\n"
        "class SubEventUpdate(UpdateView):\n    def form_valid(self, form):\n        form.save()\n"
        "        return HttpResponseRedirect(self.get_success_url())\n\n    def get_success_url(self):\n"
        "        if 'next' in self.request.GET and url_has_allowed_host_and_scheme(self.request.GET.get('next'), allowed_hosts=None):\n"
        "            return self.request.GET.get('next')\n        return reverse('control:event.subevent')\n"
    )
    _quiet_until_undone("SLS120", code, "return self.request.GET.get('next')", "return self.request.GET.get('back')")
    # the request replaced between the check and the read: the check says nothing of the new one
    replaced = code.replace("            return self.request.GET.get('next')", "            self.request = rebuild(self.request)\n            return self.request.GET.get('next')")
    assert "SLS120" in rules(replaced)


def test_djangos_own_get_success_url_is_a_url_of_this_site():
    """`self.get_success_url()` a generic view inherits from Django gives the class's `success_url`
    or the object's `get_absolute_url()`, whatever request data the view stored on the object
    meanwhile. Undone: a mixin of the project's own among the bases (it may return `?next=`),
    or the class's own method that returns the client's text."""
    code = (
        "from django.shortcuts import redirect\nfrom django.views.generic import UpdateView\n\n"
        "class GroupEdit(UpdateView):\n    model = Group\n\n    def form_valid(self, form):\n"
        "        self.object = form.save()\n        self.object.note = self.request.POST.get('note')\n"
        "        return redirect(f'{self.get_success_url()}#groups')\n"
    )
    _quiet_until_undone("SLS120", code, "class GroupEdit(UpdateView):", "class GroupEdit(NextMixin, UpdateView):")
    own = code.replace("    model = Group\n", "    model = Group\n\n    def get_success_url(self):\n        return self.request.GET['next']\n")
    assert "SLS120" in rules(own)
