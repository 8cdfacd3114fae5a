"""A project whose logging configuration formats every record with a formatter that escapes line
breaks (a JSON formatter, or its own formatter that replaces what is not printable) cannot have a
log entry forged: log injection there is the audit tier (engine/logconfig.py)."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write

JSON_LOGGING = """
LOGGING = {
    "version": 1,
    "formatters": {
        "verbose": {"format": "%(asctime)s %(message)s"},
        "json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter", "fmt": "%(levelname)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
"""

VIEWS = """
import logging

from django.http import HttpResponse

log = logging.getLogger(__name__)


def search(request):
    query = request.GET["q"]
    log.info(f"search for {query}")
    log.info("search for %s", query)
    log.info("search", extra={"query": query})
    return HttpResponse("ok")
"""

# privacyidea's idiom: the formatter rewrites `record.msg` only, before `%s` arguments are merged
SECURE_FORMATTER = """
from logging import Formatter

CONFIG = {
    "version": 1,
    "formatters": {"detail": {"()": "app.log.SecureFormatter", "format": "%(message)s"}},
    "handlers": {"file": {"class": "logging.FileHandler", "filename": "/var/log/app.log", "formatter": "detail"}},
}


class SecureFormatter(Formatter):
    def format(self, record):
        if not record.msg.isprintable():
            record.msg = "".join(c if c.isprintable() else "." for c in record.msg)
        return super().format(record)
"""


def _levels(root, *args) -> list[tuple[int, str]]:
    run = check_json(".", *args, cwd=root)
    return sorted((f["range"]["start"]["line"], f["confidence"]) for f in run.findings() if f["rule"] == "SLS704")


def test_a_json_formatter_on_every_handler_makes_log_injection_the_audit_tier(tmp_path):
    root = write(tmp_path / "site", {"app/__init__.py": "", "app/settings/__init__.py": "", "app/settings/production.py": JSON_LOGGING, "app/views.py": VIEWS})
    assert _levels(root) == []
    assert _levels(root, "--min-confidence", "low") == [(10, "low"), (11, "low"), (12, "low")]
    # one handler writing plain lines is enough to forge an entry; logging's default format
    # (`%(message)s`, a handler without a formatter) prints no `extra=` field, though
    plain = JSON_LOGGING.replace('"handlers": {"console"', '"handlers": {"file": {"class": "logging.FileHandler", "filename": "a.log"}, "console"')
    root = write(tmp_path / "plain", {"app/__init__.py": "", "app/settings/__init__.py": "", "app/settings/production.py": plain, "app/views.py": VIEWS})
    assert _levels(root, "--min-confidence", "low") == [(10, "high"), (11, "high"), (12, "low")]


def test_extra_fields_count_where_a_format_prints_them(tmp_path):
    # label-studio's idiom: the handler's formatter is chosen by a variable among those defined;
    # a plain format naming only the record's own attributes prints no extra field
    chosen = JSON_LOGGING.replace('"formatter": "json"', '"formatter": formatter').replace("LOGGING = {", 'formatter = "verbose"\nLOGGING = {')
    root = write(tmp_path / "site", {"app/__init__.py": "", "app/settings/__init__.py": "", "app/settings/production.py": chosen, "app/views.py": VIEWS})
    assert _levels(root, "--min-confidence", "low") == [(10, "high"), (11, "high"), (12, "low")]
    printed = chosen.replace('"format": "%(asctime)s %(message)s"', '"format": "%(asctime)s %(query)s %(message)s"')
    root = write(tmp_path / "printed", {"app/__init__.py": "", "app/settings/__init__.py": "", "app/settings/production.py": printed, "app/views.py": VIEWS})
    assert _levels(root, "--min-confidence", "low") == [(10, "high"), (11, "high"), (12, "high")]


def test_a_formatter_that_rewrites_the_message_covers_the_message_not_the_arguments(tmp_path):
    root = write(tmp_path / "site", {"app/__init__.py": "", "app/log.py": SECURE_FORMATTER, "app/views.py": VIEWS})
    assert _levels(root) == [(11, "high"), (12, "high")]
    assert _levels(root, "--min-confidence", "low") == [(10, "low"), (11, "high"), (12, "high")]
    # a formatter that neutralises nothing leaves every finding as it was
    inert = SECURE_FORMATTER.replace('c if c.isprintable() else "." for c in record.msg', "record.msg").replace("if not record.msg.isprintable():", "if record.msg:")
    root = write(tmp_path / "inert", {"app/__init__.py": "", "app/log.py": inert, "app/views.py": VIEWS})
    assert [line for line, _ in _levels(root)] == [10, 11, 12]


def test_with_no_logging_configuration_in_sight_an_extra_field_is_the_audit_tier(tmp_path):
    # logging's own formats (last resort, basicConfig's, Django's) print the message alone
    root = write(tmp_path / "site", {"app/__init__.py": "", "app/views.py": VIEWS})
    assert _levels(root, "--min-confidence", "low") == [(10, "high"), (11, "high"), (12, "low")]
    # ... unless the module formats records itself with a format naming the field
    named = VIEWS.replace("log = logging.getLogger(__name__)", 'logging.basicConfig(format="%(query)s %(message)s")\nlog = logging.getLogger(__name__)')
    root = write(tmp_path / "named", {"app/__init__.py": "", "app/views.py": named})
    assert _levels(root, "--min-confidence", "low") == [(11, "high"), (12, "high"), (13, "high")]


def test_a_formatter_class_in_a_formatter_module_is_read_with_the_configuration(tmp_path):
    # the configuration names its JSON formatter by the dotted path of the project's own subclass
    configured = JSON_LOGGING.replace("pythonjsonlogger.jsonlogger.JsonFormatter", "app.utils.formatter.RequestJsonFormatter")
    formatter = "from pythonjsonlogger import jsonlogger\n\n\nclass RequestJsonFormatter(jsonlogger.JsonFormatter):\n    pass\n"
    files = {"app/__init__.py": "", "app/utils/__init__.py": "", "app/settings/__init__.py": "", "app/settings/production.py": configured, "app/views.py": VIEWS}
    root = write(tmp_path / "site", {**files, "app/utils/formatter.py": formatter})
    assert _levels(root, "--min-confidence", "low") == [(10, "low"), (11, "low"), (12, "low")]
    root = write(tmp_path / "unseen", {**files, "app/utils/helpers.py": formatter})
    assert _levels(root, "--min-confidence", "low") == [(10, "high"), (11, "high"), (12, "high")]
