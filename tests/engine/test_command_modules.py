"""A Django management command's module is run by `manage.py`, not imported: a closed world."""

from __future__ import annotations

from tests.engine.test_engine import _confidence

_COMMAND = """
from django.core.management.base import BaseCommand
from django.db import connection


class Cleanup:
    def __init__(self, table, cutoff):
        self.table = table
        self.cutoff = cutoff

    def run(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE created < '{self.cutoff}'")


class Command(BaseCommand):
    def handle(self, *args, **options):
        Cleanup("main_jobevent", "2024-01-01").run()
"""


def test_what_a_management_commands_module_passes_its_own_helpers_is_all_they_get():
    # `manage.py` finds the module's `Command` and runs its `handle`: nothing else constructs
    # `Cleanup`, so its table and cutoff are the literals the command passes
    assert _confidence(_COMMAND, "SLS101") == []
    # a class named Command without an entry point is a base other modules import: open world
    assert _confidence(_COMMAND.replace("def handle(self", "def execute_all(self"), "SLS101") == ["medium"]
    # and any module's class, outside a command's module
    assert _confidence(_COMMAND.replace("class Command(BaseCommand):", "class Runner(object):"), "SLS101") == ["medium"]


_OPTIONS = """
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, **options):
        limit = options.get("limit")
        self.stdout.write(str(self.inactive_users(limit)))

    def inactive_users(self, limit=None):
        query = "SELECT id FROM auth_user WHERE last_login IS NULL"
        if limit:
            query += f" LIMIT {limit}"
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchall()
"""


def test_a_management_commands_own_methods_get_what_its_handle_passes_them():
    # onadata's export command: `--limit` is declared `type=int`, and `handle` hands it to a method
    # of the command that Django's command classes never call: an integer in `LIMIT`
    assert _confidence(_OPTIONS, "SLS101") == []
    # the option declared without a type: the operator's text, reported
    assert _confidence(_OPTIONS.replace('"--limit", type=int,', '"--limit",'), "SLS101") != []
    # a method a base class of commands calls itself (`execute`): its callers are not all seen
    assert _confidence(_OPTIONS.replace("inactive_users", "execute"), "SLS101") != []


def test_a_chain_of_a_commands_own_methods_is_read_back_to_handle():
    # onadata's export: `handle` -> `self.export(limit)` -> `self.inactive_users(limit)`
    chained = _OPTIONS.replace(
        "        self.stdout.write(str(self.inactive_users(limit)))\n",
        "        self.export(limit)\n\n    def export(self, limit=None):\n        self.stdout.write(str(self.inactive_users(limit)))\n",
    )
    assert _confidence(chained, "SLS101") == []
    assert _confidence(chained.replace('"--limit", type=int,', '"--limit",'), "SLS101") != []
