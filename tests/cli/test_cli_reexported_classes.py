"""A class a module imports and names again for its old importers (a re-export) declares what its
fields hold where it is defined: the importer of the re-exporting module sees that declaration
(engine/reexports.py)."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write

FORMS = """
from django import forms


class ProofForm(forms.Form):
    proof = forms.FileField()
"""

VIEWS = """
import logging

from django.http import HttpResponse

from shop.forms import ProofForm

log = logging.getLogger(__name__)


def attach(request):
    form = ProofForm(request.POST, request.FILES)
    if form.is_valid():
        log.info(f"attaching {form.cleaned_data['proof']}")
    return HttpResponse("ok")
"""


def _found(root) -> list[tuple[str, int]]:
    run = check_json(".", cwd=root)
    return sorted((f["rule"], f["range"]["start"]["line"]) for f in run.findings())


def _site(tmp_path, reexport: str, forms: str = FORMS):
    return write(tmp_path / "site", {"shop/__init__.py": "", "shop/ui/__init__.py": "", "shop/ui/forms.py": forms, "shop/forms.py": reexport, "shop/views.py": VIEWS})


def test_the_upload_field_of_a_re_exported_form_prints_as_its_name(tmp_path):
    # `shop/forms.py` re-exports the form moved to `shop/ui/forms.py`: its `proof` is an upload
    assert _found(_site(tmp_path, "from shop.ui.forms import ProofForm  # noqa: F401\n")) == []
    assert _found(_site(tmp_path / "rel", "from .ui.forms import ProofForm  # noqa: F401\n")) == []


def test_a_re_exported_form_whose_field_is_text_stays_reported(tmp_path):
    text = FORMS.replace("forms.FileField()", "forms.CharField()")
    assert _found(_site(tmp_path, "from shop.ui.forms import ProofForm  # noqa: F401\n", text)) == [("SLS704", 13)]


def test_a_module_that_defines_the_class_itself_is_not_followed_to_an_import(tmp_path):
    # the re-exporting module defines its own ProofForm after the import: that one counts
    own = "from shop.ui.forms import ProofForm  # noqa: F401\nfrom django import forms\n\n\nclass ProofForm(forms.Form):\n    proof = forms.CharField()\n"
    assert _found(_site(tmp_path, own)) == [("SLS704", 13)]


DEPENDENCIES = """
from typing import Annotated

from fastapi import Security


def get_current_user():
    ...


def require_scopes(*scopes: str):
    return Annotated[dict, Security(get_current_user, scopes=list(scopes))]
"""

ROUTER = """
import logging

from fastapi import APIRouter

from shop.auth import require_scopes

router = APIRouter()
log = logging.getLogger(__name__)


@router.get("/nodes")
def nodes(user: require_scopes("node.view")):
    log.error(f"no nodes for {user}")
    return []
"""


def test_a_re_exported_dependency_factory_still_makes_an_injected_parameter(tmp_path):
    # `shop/auth.py` re-exports the factory: the parameter is what the dependency returns
    site = {"shop/__init__.py": "", "shop/dependencies.py": DEPENDENCIES, "shop/router.py": ROUTER}
    assert _found(write(tmp_path / "a", {**site, "shop/auth.py": "from shop.dependencies import require_scopes\n\n__all__ = [require_scopes]\n"})) == []
    # a factory of the module's own that returns no dependency: the parameter is the client's
    plain = "def require_scopes(*scopes: str):\n    return str\n"
    assert _found(write(tmp_path / "b", {**site, "shop/auth.py": plain})) == [("SLS704", 13)]
