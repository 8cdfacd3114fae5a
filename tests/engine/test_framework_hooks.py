"""Functions a framework calls with the application's own objects: what their parameters hold is
not the client's text, as long as the hook's event hands over nothing the application was given."""

from __future__ import annotations

from tests.engine.test_engine import _low_until_undone

_MAPPER_HOOK = (
    "from sqlalchemy import event\nfrom app.models import Task\n\n"
    "@event.listens_for(Task, 'after_insert')\n"
    "def count_task(mapper, connection, target):\n"
    "    sql = 'UPDATE project SET n_tasks = n_tasks + 1 WHERE id = %s' % target.project_id\n"
    "    connection.execute(sql)\n"
)


def test_a_sqlalchemy_mapper_hook_reads_the_row_it_is_handed_like_a_row_read_back():
    # string-built SQL from a row's columns stays in the audit tier, like any row read from the database
    _low_until_undone("SLS101", _MAPPER_HOOK, "'after_insert'", "'init'", "medium")
    # an attribute event hands over the value the application assigns: that is a parameter again
    _low_until_undone("SLS101", _MAPPER_HOOK, "'after_insert'", "'set'", "medium")
    # not registered as a hook: a plain function's parameter
    _low_until_undone("SLS101", _MAPPER_HOOK, "@event.listens_for(Task, 'after_insert')\n", "", "medium")
