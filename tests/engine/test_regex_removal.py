"""`re.sub(pattern, repl, text)` hands the text back (engine/regex_removal.py): its result
carries the request's taint, less the sinks whose special characters a one-character-at-a-time
pattern replaces everywhere (`[\\r\\n]`, `[^\\w.-]+`), as a chain of `.replace()` calls does."""

from __future__ import annotations

import pytest

from secure_ls.engine.regex_removal import escaped_sinks
from secure_ls.engine.taint import Sink
from tests.cli.cli_helpers import check_json, write
from tests.engine.test_engine import rules

VIEW = """
import logging
import os
import re

from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger(__name__)
NEWLINES = re.compile(r"[\\r\\n]+")
UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


@app.route("/upload")
def upload():
    name = request.args["name"]
    {statement}
    return "ok"
"""


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        ('log.info("user %s", re.sub(r"[\\r\\n]", "", name))', "SLS704"),
        ('log.info("user %s", NEWLINES.sub(" ", name))', "SLS704"),
        ('log.info("user %s", re.sub("\\\\s", " ", name))', "SLS704"),
        ('open(os.path.join("/srv/files", re.sub(r"[^\\w.-]", "_", name)))', "SLS110"),
        ('open(os.path.join("/srv/files", UNSAFE.sub("", name)))', "SLS110"),
        ('open(os.path.join("/srv/files", re.sub(UNSAFE, "-", name)))', "SLS110"),  # re.sub takes a compiled pattern
        ('log.info("user %s", re.sub(NEWLINES, " ", name))', "SLS704"),
        ('open(os.path.join("/srv/files", re.sub(r"[/\\\\]+", "-", name)))', "SLS110"),
    ],
)
def test_a_substitution_that_replaces_every_special_character_makes_the_text_safe(statement, rule):
    assert rule not in rules(VIEW.format(statement=statement))


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        # removes whole words, not the characters: `<scr<script>ipt>` and `../` survive
        ('log.info("user %s", re.sub(r"\\nERROR", "", name))', "SLS704"),
        ('open(os.path.join("/srv/files", re.sub(r"\\.\\./", "", name)))', "SLS110"),
        # the replacement puts a separator back, or only the first one goes
        ('open(os.path.join("/srv/files", re.sub(r"[/\\\\]", "/", name)))', "SLS110"),
        ('open(os.path.join("/srv/files", re.sub(r"[/\\\\]", "", name, count=1)))', "SLS110"),
        ('open(os.path.join("/srv/files", re.sub(r"([/\\\\])", r"\\1", name)))', "SLS110"),
        # a backslash is a separator on Windows
        ('open(os.path.join("/srv/files", re.sub(r"/", "", name)))', "SLS110"),
        # the text reaches a shell whatever was replaced: a substitution carries it
        ('os.system("convert " + re.sub(r"[\\r\\n]", "", name))', "SLS102"),
    ],
)
def test_a_substitution_that_leaves_special_characters_keeps_the_request_text(statement, rule):
    assert rule in rules(VIEW.format(statement=statement))


def test_the_result_carries_the_text_into_an_html_page():
    page = VIEW.format(statement="pass").replace('return "ok"', 'return "<p>" + re.sub(r"<script.*?>", "", name) + "</p>"')
    assert "SLS803" in rules(page)
    kept_out = VIEW.format(statement="pass").replace('return "ok"', 'return "<p>" + re.sub(r"[<>&]", "", name) + "</p>"')
    assert "SLS803" not in rules(kept_out)


@pytest.mark.parametrize(
    ("pattern", "repl", "flags", "expected"),
    [
        (r"[\r\n]", "", 0, {Sink.LOG, Sink.HEADER}),
        (rb"[\r\n]+", b" ", 0, {Sink.LOG, Sink.HEADER}),
        # one name left: letters and digits only
        (r"[^a-z0-9]", "", 0, {Sink.LOG, Sink.HEADER, Sink.HTML, Sink.LDAP, Sink.PATH, Sink.TEMPLATE, Sink.NAME}),
        (r"[^A-Z]", "", 0, {Sink.LOG, Sink.HEADER, Sink.HTML, Sink.LDAP, Sink.PATH, Sink.TEMPLATE, Sink.NAME}),
        (r"\W", "_", 0, {Sink.LOG, Sink.HEADER, Sink.HTML, Sink.LDAP, Sink.PATH, Sink.TEMPLATE, Sink.NAME}),
        (r"[^\w-]", "", 0, {Sink.LOG, Sink.HEADER, Sink.HTML, Sink.LDAP, Sink.PATH, Sink.TEMPLATE}),  # `-` stays: `--` comments SQL out
        (r"(\r|\n)", "", 0, {Sink.LOG, Sink.HEADER}),
        (r".", "", 0, {Sink.HTML, Sink.LDAP, Sink.PATH, Sink.TEMPLATE}),  # "." does not match a line feed
        (r".", "", 2**4, {Sink.LOG, Sink.HEADER, Sink.HTML, Sink.LDAP, Sink.PATH, Sink.TEMPLATE, Sink.NAME}),  # re.DOTALL
        (r"[{}]", "", 0, set()),  # a Mako `<% %>` block or `%` line still opens
        (r"\r\n", "", 0, set()),  # a CR alone, or a LF alone, stays
        (r"[\r\n]{2,}", "", 0, set()),
        (r"(?<=x)[\r\n]", "", 0, set()),
        (r"[\r\n]", "\n", 0, set()),
        (r"[\r\n]", "", 0, {Sink.LOG, Sink.HEADER}),
        (r"[", "", 0, set()),  # not a pattern
    ],
)
def test_which_sinks_a_substitution_escapes(pattern, repl, flags, expected):
    assert escaped_sinks(pattern, repl, flags) == frozenset(expected)


# A pattern defined elsewhere (engine/regex_constants.py): imported from another module, or a
# class attribute of the view's class or of a base class another module defines, bound there to
# a pattern that module imports in turn. Its text is known, so the substitution escapes as above.
PATTERNS = 'import re\n\nLEGAL_NAME = re.compile(r"[^0-9A-Za-z_-]")\nLOOSE_NAME = re.compile(r"\\.\\./")\n'
BASE_VIEW = """
from flask.views import View

from ..patterns import LEGAL_NAME


class BaseView(View):
    LEGAL_NAME_PATTERN = LEGAL_NAME
"""
VIEWS = """
import os
import re

from flask import request

from ..patterns import LEGAL_NAME
from .base import BaseView


class ScheduleView(BaseView):
    def dispatch_request(self):
        name = re.sub(PATTERN, "-", request.form["name"]) + ".pickle"
        with open(os.path.join("/srv/schedules", name), "wb") as out:
            out.write(request.get_data())
        return "ok"
"""


def _project_rules(tmp_path, pattern, patterns=PATTERNS):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/patterns.py": patterns,
            "app/views/__init__.py": "",
            "app/views/base.py": BASE_VIEW,
            "app/views/schedule.py": VIEWS.replace("PATTERN", pattern),
        },
    )
    return [f["rule"] for f in check_json(".", "--no-cache", cwd=tmp_path).findings()]


@pytest.mark.parametrize("pattern", ["LEGAL_NAME", "self.LEGAL_NAME_PATTERN"])
def test_a_pattern_imported_or_inherited_from_another_module_is_known(tmp_path, pattern):
    assert "SLS110" not in _project_rules(tmp_path, pattern)


@pytest.mark.parametrize("pattern", ["LEGAL_NAME", "self.LEGAL_NAME_PATTERN"])
def test_an_imported_or_inherited_pattern_that_leaves_separators_escapes_nothing(tmp_path, pattern):
    # the same names bound to a pattern that removes `../` words, not the separators
    assert "SLS110" in _project_rules(tmp_path, pattern, PATTERNS.replace("LEGAL_NAME", "OTHER").replace("LOOSE_NAME", "LEGAL_NAME"))


def test_a_class_attribute_a_method_replaces_is_not_the_class_pattern():
    code = VIEW.replace("@app.route", "class Names:\n    SAFE = UNSAFE\n\n    def __init__(self, loose):\n        self.SAFE = loose\n\n    def clean(self, name):\n        return open(os.path.join('/srv/files', re.sub(self.SAFE, '-', request.args['name'])))\n\n\n@app.route")
    assert "SLS110" in rules(code.format(statement="pass"))
    kept = code.replace("        self.SAFE = loose\n", "        self.loose = loose\n")
    assert "SLS110" not in rules(kept.format(statement="pass"))


def test_a_class_attribute_bound_to_a_module_name_bound_twice_is_not_known():
    code = VIEW.replace("@app.route", "class Names:\n    SAFE = UNSAFE\n\n    def clean(self):\n        return open(os.path.join('/srv/files', re.sub(self.SAFE, '-', request.args['name'])))\n\n\n@app.route")
    assert "SLS110" not in rules(code.format(statement="pass"))
    # a module name bound twice is no known constant (symbols.ModuleSymbols.merge), nor its pattern
    rebound = code.replace('UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")\n', 'if os.sep == "/":\n    UNSAFE = re.compile(r"\\\\.\\\\./")\nUNSAFE = re.compile(r"[^A-Za-z0-9_.-]")\n')
    assert rebound != code
    assert "SLS110" in rules(rebound.format(statement="pass"))
