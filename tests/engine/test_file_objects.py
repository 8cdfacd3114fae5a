"""A file object in memory (`io.BytesIO`, `io.StringIO`) names no file, but what it holds is
still the data it was made from; a Django upload's name is one file name."""

from __future__ import annotations

from secure_ls.engine.analyzer import Engine
from tests.engine.test_engine import _quiet_until_undone, rules

ENGINE = Engine()

HELPER = '''
import hashlib
import io
import pickle

import requests


def checksum(path_or_file):
    if hasattr(path_or_file, "read"):
        f = path_or_file
    else:
        f = open(path_or_file, "rb")
    with f:
        return hashlib.sha256(f.read()).hexdigest()
'''


def _rules(code: str) -> list[tuple[str, int]]:
    return sorted((f.rule_id, f.span.start.line) for f in ENGINE.analyze(code).findings if f.rule_id in ("SLS110", "SLS105"))


def test_a_downloaded_body_wrapped_in_a_file_object_is_not_a_path():
    # the helper opens only a path; a BytesIO goes to its read() branch (the-littlest-jupyterhub's checksum_file)
    code = HELPER + "\n\ndef fetch(url):\n    response = requests.get(url, timeout=10)\n    return checksum(io.BytesIO(response.content))\n"
    assert _rules(code) == []


def test_a_name_from_the_response_is_still_a_path():
    code = HELPER + "\n\ndef fetch(url):\n    response = requests.get(url, timeout=10)\n    return checksum(response.headers['X-File'])\n"
    assert [rule for rule, _ in _rules(code)] == ["SLS110"]


def test_what_the_file_object_holds_is_still_unpickled():
    code = HELPER + "\n\ndef load(url):\n    response = requests.get(url, timeout=10)\n    return pickle.load(io.BytesIO(response.content))\n"
    assert [rule for rule, _ in _rules(code)] == ["SLS105"]


_DJANGO_UPLOAD = (
    "import logging\n\nfrom django.conf import settings\nfrom django.http import HttpResponse\n\nlog = logging.getLogger(__name__)\n\n"
    "def file_upload(request):\n    file = request.FILES['file']\n"
    "    with open(settings.MEDIA_ROOT / 'pics' / file.name, 'wb+') as destination:\n        destination.write(file.read())\n"
    "    return HttpResponse('ok')\n"
)


def test_a_django_uploads_name_is_one_file_name():
    # Django keeps only the last component of an upload's name, printable characters only
    _quiet_until_undone("SLS110", _DJANGO_UPLOAD, "file.name", "request.POST['name']")
    # and in a log line: no line break
    logged = _DJANGO_UPLOAD.replace("    return HttpResponse('ok')\n", "    log.info('upload %s', file.name)\n    return HttpResponse('ok')\n")
    _quiet_until_undone("SLS704", logged, "log.info('upload %s', file.name)", "log.info('upload %s', request.POST['name'])")
    # still the client's text in a page
    assert "SLS803" in rules(_DJANGO_UPLOAD.replace("HttpResponse('ok')", "HttpResponse('<p>' + file.name + '</p>')"))
    # the stored list popped from request.FILES, then its first item (kpi's bulk-submission view)
    popped = _DJANGO_UPLOAD.replace("    file = request.FILES['file']\n", "    files = request.FILES.pop('file', [])\n    file = files[0]\n")
    _quiet_until_undone("SLS110", popped, "request.FILES.pop", "request.POST.pop")
