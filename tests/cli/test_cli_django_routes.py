"""A Django project's URL configurations tell function views from helpers that take the
request, and say what a routed parameter can hold (engine/routes.py)."""

from __future__ import annotations

import os

from tests.cli.cli_helpers import check_json, write

URLS = """
from django.urls import path, re_path

from . import views

urlpatterns = [
    path("docs/<slug:doc>/", views.serve_doc),
    path("files/<str:name>/", views.download),
    re_path(r"^pages/(?P<number>[0-9]+)/$", views.page),
    re_path(r"^notes/(?P<title>.+)/$", views.note),
]
"""

VIEWS = """
from django.http import HttpResponse


def serve_doc(request, doc="index"):
    with open(f"/srv/docs/{doc}.html") as f:
        return HttpResponse(f.read())


def download(request, name):
    with open(f"/srv/files/{name}") as f:
        return HttpResponse(f.read())


def page(request, number):
    with open(f"/srv/pages/{number}.html") as f:
        return HttpResponse(f.read())


def note(request, title):
    with open(f"/srv/notes/{title}.txt") as f:
        return HttpResponse(f.read())
"""

HELPERS = """
from django.shortcuts import redirect


def redirect_back(request, default):
    return redirect(default)
"""


def _found(root) -> list[tuple[str, str, int]]:
    run = check_json(".", cwd=root)
    return sorted((f["path"].replace("\\\\", "/"), f["rule"], f["range"]["start"]["line"]) for f in run.findings())


def test_converters_that_let_only_harmless_characters_through_make_the_parameter_safe(tmp_path):
    root = write(tmp_path / "site", {"shop/__init__.py": "", "shop/urls.py": URLS, "shop/views.py": VIEWS})
    # `<slug:doc>` and `(?P<number>[0-9]+)` cannot hold `../`; `<str:name>` and `(?P<title>.+)` can
    assert _found(root) == [("shop/views.py", "SLS110", 10), ("shop/views.py", "SLS110", 20)]


def test_a_function_taking_the_request_that_no_route_names_is_a_helper(tmp_path):
    files = {"shop/__init__.py": "", "shop/views.py": VIEWS, "shop/utils.py": HELPERS}
    # no URL configuration at all: told by its shape, `default` is a URL parameter
    bare = write(tmp_path / "bare", files)
    assert ("shop/utils.py", "SLS120", 5) in _found(bare)
    # the project routes its views and not this function: `default` is the caller's value
    routed = write(tmp_path / "routed", {**files, "shop/urls.py": URLS})
    assert not [f for f in _found(routed) if f[0] == "shop/utils.py"]


def test_a_route_added_in_a_new_url_configuration_reaches_cached_results(tmp_path):
    root = write(tmp_path / "site", {"shop/__init__.py": "", "shop/urls.py": URLS, "shop/views.py": VIEWS, "shop/utils.py": HELPERS})
    assert not [f for f in _found(root) if f[0] == "shop/utils.py"]
    write(root, {"blog/__init__.py": "", "blog/urls.py": 'from django.urls import path\nfrom shop import utils\n\nurlpatterns = [path("back/<default>/", utils.redirect_back)]\n'})
    warm = _found(root)
    assert ("shop/utils.py", "SLS120", 5) in warm
    assert warm == sorted(
        (f["path"].replace("\\\\", "/"), f["rule"], f["range"]["start"]["line"]) for f in check_json("--no-cache", ".", cwd=root).findings()
    )


def test_a_converter_the_project_registered_is_its_own_validation(tmp_path):
    # `register_converter(FourDigitYear, "yyyy")`: `<yyyy:name>` holds what its to_python returned
    urls = URLS.replace('path("files/<str:name>/", views.download)', 'path("files/<yyyy:name>/", views.download)')
    root = write(tmp_path / "site", {"shop/__init__.py": "", "shop/urls.py": urls, "shop/views.py": VIEWS})
    assert _found(root) == [("shop/views.py", "SLS110", 20)]


CLASS_URLS = """
from django.urls import path
from rest_framework import routers

from . import views

router = routers.DefaultRouter()
router.register(r"plugins/(?P<name>\\w+)", views.PluginViewSet, basename="plugin")

urlpatterns = [
    path("docs/<slug:doc>/", views.DocView.as_view()),
    path("files/<str:doc>/", views.FileView.as_view()),
]
"""

CLASS_VIEWS = """
import logging

from django.http import HttpResponse
from django.views import View
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

log = logging.getLogger(__name__)


class PluginViewSet(viewsets.ViewSet):
    @action(detail=False, methods=["get"])
    def config(self, request, name=None):
        return Response([])

    @config.mapping.patch
    def update_config(self, request, name=None):
        log.info(f"updating {name}")
        return Response([])


class DocView(View):
    def get(self, request, doc):
        log.info("doc %s", doc)
        return HttpResponse("ok")


class FileView(View):
    def get(self, request, doc):
        log.info("file %s", doc)
        return HttpResponse("ok")
"""


def test_the_routes_to_a_class_based_view_or_a_viewset_say_what_its_methods_receive(tmp_path):
    # `DocView.as_view()` under `<slug:doc>`, a viewset registered under `(?P<name>\w+)`: no line break
    # can reach the log; `<str:doc>` lets an encoded one through
    root = write(tmp_path / "site", {"shop/__init__.py": "", "shop/urls.py": CLASS_URLS, "shop/views.py": CLASS_VIEWS})
    assert _found(root) == [("shop/views.py", "SLS704", 31)]


INHERITED_URLS = """
from django.urls import path
from rest_framework import routers

from .views import AnalyzerConfigViewSet, ConnectorConfigViewSet

router = routers.DefaultRouter()
router.register(r"analyzer/(?P<name>\\w+)", AnalyzerConfigViewSet, basename="analyzer")
router.register(r"connector/(?P<name>CONNECTOR)", ConnectorConfigViewSet, basename="connector")

urlpatterns = router.urls
"""

INHERITED_BASE = """
import logging

from django.db import transaction
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

log = logging.getLogger(__name__)


class ConfigViewSet(viewsets.ViewSet):
    @action(detail=False, methods=["get"])
    def plugin_config(self, request, name=None):
        return Response([])

    @plugin_config.mapping.patch
    def update(self, request, name=None):
        log.info(f"updating {name}")
        with transaction.atomic():
            return Response([])
"""

INHERITED_VIEWS = """
from .base import ConfigViewSet


class PluginConfigViewSet(ConfigViewSet):
    pass


class AnalyzerConfigViewSet(PluginConfigViewSet):
    pass


class ConnectorConfigViewSet(PluginConfigViewSet):
    pass
"""


def test_a_method_a_routed_viewset_inherits_from_a_base_in_another_module_receives_what_its_routes_let_through(tmp_path):
    # the action is defined on a base in another module; the router registers subclasses under
    # prefixes whose `name` holds letters, digits and `_` only: no line break can reach the log
    files = {"shop/__init__.py": "", "shop/urls.py": INHERITED_URLS, "shop/base.py": INHERITED_BASE, "shop/views.py": INHERITED_VIEWS}
    assert _found(write(tmp_path / "site", files)) == []
    # one subclass routed under `(?P<name>.+)`: every route to the method counts
    files["shop/urls.py"] = INHERITED_URLS.replace("(?P<name>CONNECTOR)", "(?P<name>.+)")
    assert _found(write(tmp_path / "other", files)) == [("shop/base.py", "SLS704", 18)]


def test_the_inherited_routes_are_read_again_only_when_a_module_they_came_from_changes(tmp_path):
    # an editor asks on every keystroke in a Django module: an unchanged answer is the same
    # object, so the module's symbols are reused; a changed base module is read again
    from secure_ls.engine.workspace import WorkspaceSummaries

    files = {"shop/__init__.py": "", "shop/urls.py": INHERITED_URLS, "shop/base.py": INHERITED_BASE, "shop/views.py": INHERITED_VIEWS}
    root = write(tmp_path / "site", files)
    workspace = WorkspaceSummaries([str(root)], project_files=lambda: [str(p) for p in root.rglob("*.py")])
    first = workspace.url_routes()
    assert first.inherited.get("ConfigViewSet") == {"AnalyzerConfigViewSet", "ConnectorConfigViewSet"}
    assert workspace.url_routes() is first
    views = root / "shop" / "views.py"
    views.write_text(INHERITED_VIEWS.replace("class ConnectorConfigViewSet(PluginConfigViewSet)", "class ConnectorConfigViewSet"))
    os.utime(views, ns=(1, 1))
    changed = workspace.url_routes()
    assert changed is not first and changed.inherited.get("ConfigViewSet") == {"AnalyzerConfigViewSet"}


PREVIEW_URLS = """
from django.urls import path

from . import views

urlpatterns = [path("detail/<int:pk>/", views.detail)]
"""

PREVIEW_VIEWS = """
from django.http import HttpResponse
from django.template import Context, Template


def detail(request, pk, template_string=""):
    if template_string:
        return HttpResponse(Template(template_string).render(Context({"pk": pk})))
    return HttpResponse(str(pk))
"""


def test_a_view_parameter_with_a_default_that_no_route_passes_keeps_the_default(tmp_path):
    # the route passes only `pk`: Django calls the view with `template_string=""` (only tests set it)
    files = {"shop/__init__.py": "", "shop/urls.py": PREVIEW_URLS, "shop/views.py": PREVIEW_VIEWS}
    assert _found(write(tmp_path / "site", files)) == []
    # a route that names it passes the client's text
    named = PREVIEW_URLS.replace(']', ', path("preview/<int:pk>/<str:template_string>/", views.detail)]')
    assert _found(write(tmp_path / "named", {**files, "shop/urls.py": named})) == [("shop/views.py", "SLS113", 7)]
    # so may a route whose parameters are not spelt: unnamed groups passed by position, or captured by an include's prefix
    positional = PREVIEW_URLS.replace(']', ', re_path(r"^p/([0-9]+)/(.+)/$", views.detail)]').replace("import path", "import path, re_path")
    assert _found(write(tmp_path / "positional", {**files, "shop/urls.py": positional})) == [("shop/views.py", "SLS113", 7)]
    included = {"site_urls/__init__.py": "", "site_urls/urls.py": 'from django.urls import include, path\n\nurlpatterns = [path("<str:template_string>/", include("shop.urls"))]\n'}
    assert _found(write(tmp_path / "included", {**files, **included})) == [("shop/views.py", "SLS113", 7)]
    # an include that adds other keyword arguments, spelt out, hands over nothing else
    other = {"site_urls/__init__.py": "", "site_urls/urls.py": 'from django.urls import include, path\n\nurlpatterns = [path("", include("shop.urls"), {"opts": "x"})]\n'}
    assert _found(write(tmp_path / "other", {**files, **other})) == []
    # DRF's format_suffix_patterns() routes every pattern again with its `.json` suffix captured as `format`
    suffixed = {
        "shop/urls.py": PREVIEW_URLS + "\nfrom rest_framework.urlpatterns import format_suffix_patterns\n\nurlpatterns = format_suffix_patterns(urlpatterns)\n",
        "shop/views.py": PREVIEW_VIEWS.replace("template_string", "format"),
    }
    assert _found(write(tmp_path / "suffixed", {**files, **suffixed})) == [("shop/views.py", "SLS113", 7)]


INCLUDED_URLS = """
from django.urls import include, path, re_path

from app import views

fragment_urls = [
    path("", views.FragmentView.as_view()),
    path("bundle/", views.BundleView.as_view()),
]

revision_urls = [
    re_path(r"^fragment/(?P<filediff_id>\\d+)/(?:chunk/(?P<chunk_index>\\d+)/)?", include(fragment_urls)),
]

urlpatterns = [
    path("<int:revision>/", include(revision_urls)),
    re_path(r"^notes/(?P<title>.+)/$", include([path("", views.NoteView.as_view())])),
]
"""

INCLUDED_VIEWS = """
import logging

from django.http import HttpResponse
from django.views.generic import View

from app.base import BaseFragmentView

logger = logging.getLogger(__name__)


class FragmentView(BaseFragmentView):
    pass


class BundleView(FragmentView):
    def get(self, request, *args, **kwargs):
        try:
            info = self.process(**kwargs)
        except Exception as e:
            logger.exception("bundle %s of revision %s failed: %s", kwargs.get("filediff_id"), kwargs["revision"], e)
            return HttpResponse("x")
        return HttpResponse(info)


class NoteView(View):
    def get(self, request, *args, **kwargs):
        logger.info("note %s", kwargs.get("title"))
        return HttpResponse("x")
"""

INCLUDED_BASE = """
import logging

from django.http import HttpResponse
from django.views.generic import View

logger = logging.getLogger(__name__)


class BaseFragmentView(View):
    def get(self, request, *args, **kwargs):
        filediff_id = kwargs.get("filediff_id")
        logger.error("fragment %s chunk %s failed", filediff_id, kwargs.get("chunk_index"))
        return HttpResponse("x")
"""


def test_a_views_kwargs_hold_what_the_routes_capture_also_through_included_lists_and_re_exports(tmp_path):
    # the views are routed as `views.FragmentView` through a package that re-exports them, and reached
    # through include()s of lists the configuration binds, which capture digits; `kwargs["title"]`
    # comes through a route whose group takes anything
    write(tmp_path, {
        "app/__init__.py": "", "app/urls.py": INCLUDED_URLS, "app/base.py": INCLUDED_BASE,
        "app/views/__init__.py": "from app.views.pages import BundleView, FragmentView, NoteView\n",
        "app/views/pages.py": INCLUDED_VIEWS,
    })
    found = sorted((f["path"], f["range"]["start"]["line"]) for f in check_json(".", "--no-cache", "--select", "SLS704", cwd=tmp_path).findings())
    note = next(i for i, line in enumerate(INCLUDED_VIEWS.splitlines()) if '"note %s"' in line)
    assert found == [("app/views/pages.py", note)], found  # only the note's title


def test_an_included_list_that_is_extended_later_passes_its_captures_to_every_view(tmp_path):
    # `fragment_urls += [...]`: the list the include names is not the literal alone, so what the
    # prefix captures is not pinned to the literal's views (it may reach the added one)
    urls = INCLUDED_URLS.replace("revision_urls = [", "fragment_urls += [path('raw/', views.NoteView.as_view())]\n\nrevision_urls = [")
    write(tmp_path, {
        "app/__init__.py": "", "app/urls.py": urls, "app/base.py": INCLUDED_BASE,
        "app/views/__init__.py": "from app.views.pages import BundleView, FragmentView, NoteView\n",
        "app/views/pages.py": INCLUDED_VIEWS,
    })
    found = {f["path"] for f in check_json(".", "--no-cache", "--select", "SLS704", cwd=tmp_path).findings()}
    assert "app/base.py" in found, found


def test_a_regex_group_without_line_breaks_is_one_line_however_many_kinds_of_character_it_takes(tmp_path):
    # `(?P<name>[\w.-]+)` takes dots too (so `..` and a path's parts), but no line break: safe in a
    # log line, not in a path; `(?P<name>.+)` takes a carriage return
    urls = 'from django.urls import re_path\n\nfrom . import views\n\nurlpatterns = [re_path(r"^k/(?P<name>[\\w.-]+)/$", views.named)]\n'
    views = (
        "import logging\n\nfrom django.http import HttpResponse\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def named(request, name):\n    log.info('named %s', name)\n    with open(f'/srv/{name}/index.html') as f:\n        return HttpResponse(f.read())\n"
    )
    root = write(tmp_path / "site", {"shop/__init__.py": "", "shop/urls.py": urls, "shop/views.py": views})
    assert _found(root) == [("shop/views.py", "SLS110", 10)]
    anything = write(tmp_path / "any", {"shop/__init__.py": "", "shop/urls.py": urls.replace("[\\w.-]+", ".+"), "shop/views.py": views})
    assert _found(anything) == [("shop/views.py", "SLS110", 10), ("shop/views.py", "SLS704", 9)]


def test_a_regex_group_of_non_space_characters_is_one_line_too(tmp_path):
    # `\S+` and `[^/\s]+` are no small set of characters, but none of them is a line break;
    # `[^/]+` still takes one
    urls = 'from django.urls import re_path\n\nfrom . import views\n\nurlpatterns = [re_path(r"^k/(?P<name>\\S+)/$", views.named)]\n'
    views = (
        "import logging\n\nfrom django.http import HttpResponse\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def named(request, name):\n    log.info('named %s', name)\n    return HttpResponse('ok')\n"
    )
    root = write(tmp_path / "site", {"shop/__init__.py": "", "shop/urls.py": urls, "shop/views.py": views})
    assert _found(root) == []
    classed = write(tmp_path / "classed", {"shop/__init__.py": "", "shop/urls.py": urls.replace("\\S+", "[^/\\s]+"), "shop/views.py": views})
    assert _found(classed) == []
    slashless = write(tmp_path / "slashless", {"shop/__init__.py": "", "shop/urls.py": urls.replace("\\S+", "[^/]+"), "shop/views.py": views})
    assert _found(slashless) == [("shop/views.py", "SLS704", 9)]
