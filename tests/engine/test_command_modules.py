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
