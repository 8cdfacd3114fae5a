"""A method called on an instance made in the same expression: its summary is bound, so the
caller's first argument is the method's second parameter, not the instance."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write


def test_what_a_method_called_on_a_new_instance_returns(tmp_path):
    # the qualified name `app.text.Text.same` reads through the call: the summary is a method's,
    # and the caller's first argument is `value`, not the instance
    write(tmp_path, {
        "app/__init__.py": "",
        "app/text.py": "class Text:\n    def same(self, value):\n        return value\n",
        "app/views.py": "import os\nfrom flask import request\nfrom app.text import Text\n\n"
        "def run():\n    os.system(Text().same(request.args['c']))\n",
    })
    assert "SLS102" in [f["rule"] for f in check_json(".", cwd=tmp_path).findings()]


SEARCH_FORM = """
from django import forms

from app.models import Artifact


class ArtifactSearchForm(forms.Form):
    name = forms.CharField(required=False)

    def get_queryset(self):
        return Artifact.objects.filter(name__icontains=self.cleaned_data.get("name", ""))

    def get_redirect_to(self):
        if self.has_changed():
            qs = self.get_queryset()
            if qs.count() == 1:
                return qs.first()
"""

SEARCH_VIEW = """
from django.shortcuts import redirect
from django.views.generic import ListView

from app.forms import ArtifactSearchForm


class ArtifactsView(ListView):
    def get(self, request, *args, **kwargs):
        self.form = ArtifactSearchForm(self.request.GET)
        self.form.is_valid()
        redirect_to = self.form.get_redirect_to()
        if redirect_to:
            return redirect(redirect_to)
        return super().get(request, *args, **kwargs)
"""


def _redirects(tmp_path, form: str) -> list[str]:
    write(tmp_path, {"app/__init__.py": "", "app/models.py": "class Artifact:\n    pass\n", "app/forms.py": form, "app/views.py": SEARCH_VIEW})
    return [f["rule"] for f in check_json(".", "--no-cache", cwd=tmp_path).findings() if f["path"] == "app/views.py"]


def test_a_method_of_an_instance_kept_on_self_that_returns_a_found_row(tmp_path):
    # zentral's search views: the form kept in `self.form` returns `qs.first()` or None, a model
    # instance Django's redirect() sends to its get_absolute_url()
    assert _redirects(tmp_path / "row", SEARCH_FORM) == []
    # a method that hands back what the instance holds of the request: the client's text
    from_request = SEARCH_FORM.replace("                return qs.first()", "                return self.data.get('next')")
    assert _redirects(tmp_path / "text", from_request) == ["SLS120"]
