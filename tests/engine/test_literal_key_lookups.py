"""A value read as a key of a dict literal (`SUFFIXES[lang]`, with `SUFFIXES = {"python": "py", ...}`)
raises KeyError for anything but those keys: once the statement has run, the name is one of them,
and so is what was built from it before the read (`path = os.path.join(BASE, lang)`)."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone, rules

SDKS = """
import os
from django.conf import settings
from django.http import HttpResponse


def read_file(path):
    with open(path) as fh:
        return fh.read()


def sdk_demo(request):
    suffixes = {"python": "py", "go": "go"}
    language = request.GET.get("language", "python")
    folder = os.path.join(settings.BASE_DIR, "demos", language)
    readme = os.path.join(folder, "README.md")
    demo = os.path.join(folder, f"demo.{suffixes[language]}")
    return HttpResponse(read_file(readme) + read_file(demo))
"""


def test_a_key_of_a_dict_literal_is_one_of_its_keys_and_so_is_the_path_built_from_it():
    # `.get()` returns None for a missing key instead of raising: the language is anything
    _quiet_until_undone("SLS110", SDKS, "suffixes[language]", "suffixes.get(language)")


def test_a_read_that_may_not_run_checks_nothing():
    assert "SLS110" in rules(SDKS.replace("suffixes[language]", "suffixes[language] if language else 'py'"))
    assert "SLS110" in rules(SDKS.replace("suffixes[language]", "(language == 'go' or suffixes[language])"))


def test_a_key_taken_from_the_name_does_not_check_the_whole_name():
    # `../../etc/python` has the key `python` as its last segment
    code = SDKS.replace('suffixes[language]', 'suffixes[language.split("/")[-1]]')
    assert "SLS110" in rules(code)
    code = SDKS.replace('    demo = ', '    key = language.split("/")[-1]\n    demo = ').replace("suffixes[language]", "suffixes[key]")
    assert "SLS110" in rules(code)


def test_a_table_that_is_not_a_literal_checks_nothing():
    # the client's own JSON has whatever keys the client sent
    code = SDKS.replace('suffixes = {"python": "py", "go": "go"}', "suffixes = request.GET.dict()")
    assert "SLS110" in rules(code)


def test_a_table_given_the_clients_key_checks_nothing():
    # `suffixes[extra] = ...` adds a key the client chose: `../../etc` may then be one of them
    code = SDKS.replace("    language = request.GET.get", '    suffixes[request.GET["extra"]] = "txt"\n    language = request.GET.get')
    assert "SLS110" in rules(code)
    code = SDKS.replace("    language = request.GET.get", "    suffixes.update(request.GET.dict())\n    language = request.GET.get")
    assert "SLS110" in rules(code)
    # a key of the code's own is still a key of the table
    assert "SLS110" not in rules(SDKS.replace("    language = request.GET.get", '    suffixes["rb"] = "rb"\n    language = request.GET.get'))
