"""A look-up that raises on a miss, and the handlers after it.

Services built on an async ODM look a record up by the key the client sent, first thing in a
`try`, and log in a broad handler placed after narrower ones:

    try:
        note = await Note.get(note_id)
        ...
    except AppError:          # what a miss raises (NotFoundError derives from it)
        raise
    except Exception as e:
        logger.error(f"Error fetching note {note_id}: {e}")

The broad handler runs only once the look-up has returned, and the look-up returns only what it
found (a miss raises): there `note_id` equals a stored key. The engine reads which exception
classes can escape the look-up (its summary's `raises`, across the modules that define the
exceptions), and where it cannot tell (a call outside a handler that catches everything), the
value is still the client's.
"""

from __future__ import annotations

import ast

import pytest

from secure_ls.engine import raised
from tests.cli.cli_helpers import check_json, write

EXCEPTIONS = '''
class AppError(Exception):
    pass


class NotFoundError(AppError):
    pass


class InvalidInputError(AppError):
    pass


class BadValue(ValueError):
    pass
'''

BASE = '''
from app.db import repo_query
from app.exceptions import {raised}, InvalidInputError


class ObjectModel:
    table_name = ""

    @classmethod
    async def get(cls, id: str):
        if not id:
            raise InvalidInputError("ID cannot be empty")
{before}        try:
            result = await repo_query("SELECT * FROM $id", {{"id": id}})
            if result:
                return cls(**result[0])
            {miss}
        except Exception as e:
            raise {raised}(f"{{id}} not found: {{str(e)}}")


class Note(ObjectModel):
    table_name = "note"
'''

VIEWS = '''
from fastapi import APIRouter, HTTPException
from loguru import logger

from app.base import {imported}
from app.exceptions import AppError, NotFoundError

router = APIRouter()


@router.get("/notes/{{note_id}}")
async def get_note(note_id: str):
    try:
{attempt}
        return {{"title": note.title}}
{handlers}
    except {broad} as e:
        logger.error(f"Error fetching note {{note_id}}: {{e}}")
        raise HTTPException(status_code=500)
'''

LOOKUP = "        note = await Note.get(note_id)"
NARROW = "    except NotFoundError:\n        raise HTTPException(status_code=404)\n    except AppError:\n        raise"


def _reported(tmp_path, raised_class="NotFoundError", before="", miss="raise NotFoundError()", attempt=LOOKUP, handlers=NARROW, broad="Exception", base=None, imported="Note") -> bool:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": "async def repo_query(query, params):\n    return []\n",
            "app/exceptions.py": EXCEPTIONS,
            "app/base.py": base or BASE.format(raised=raised_class, before=before, miss=miss),
            "app/views.py": VIEWS.format(attempt=attempt, handlers=handlers, broad=broad, imported=imported),
        },
    )
    findings = check_json(".", "--no-cache", "--select", "SLS704", cwd=tmp_path).findings()
    return any(f["path"] == "app/views.py" for f in findings)


def test_a_handler_after_the_ones_that_take_a_miss_logs_a_found_key(tmp_path):
    assert not _reported(tmp_path)


def test_without_a_handler_for_the_miss_the_broad_one_sees_the_clients_key(tmp_path):
    assert _reported(tmp_path, handlers="    except HTTPException:\n        raise")


def test_a_look_up_that_may_raise_anything_proves_nothing(tmp_path):
    # an unknown call before the handler that catches everything
    assert _reported(tmp_path, before="        audit(id)\n")


def test_a_look_up_that_returns_none_on_a_miss_proves_nothing(tmp_path):
    assert _reported(tmp_path, miss="return None")


def test_a_handler_for_a_class_no_raised_exception_derives_from_is_reached_after_the_look_up(tmp_path):
    # NotFoundError and InvalidInputError derive from AppError and Exception, never from ValueError
    assert not _reported(tmp_path, handlers="", broad="ValueError")


def test_a_handler_for_a_base_of_a_raised_class_is_reached_by_a_miss(tmp_path):
    assert _reported(tmp_path, raised_class="BadValue", handlers="", broad="ValueError")


def test_a_statement_before_the_look_up_may_reach_the_handler_first(tmp_path):
    assert _reported(tmp_path, attempt="        await audit_view(note_id)\n" + LOOKUP)


def test_a_found_key_is_a_stored_key_straight_after_the_look_up(tmp_path):
    attempt = LOOKUP + "\n        logger.info(f'Showing note {note_id}')"
    assert not _reported(tmp_path, attempt=attempt, handlers="", broad="HTTPException")
    assert _reported(tmp_path, attempt=attempt, handlers="", broad="HTTPException", miss="return None")


def _escaping(source: str):
    func = ast.parse(source).body[0]
    return raised.escaping(func.body, lambda node: raised.builtin_ancestry(node.id) if isinstance(node, ast.Name) else None)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f(x):\n    if not x:\n        raise KeyError(x)\n    return x", {"KeyError"}),
        ("def f(x):\n    return compute(x)", None),  # a call may raise anything
        ("def f(x):\n    try:\n        return compute(x)\n    except Exception as e:\n        raise ValueError(str(e))", {"ValueError"}),
        ("def f(x):\n    try:\n        return compute(x)\n    except KeyError:\n        raise LookupError(x)", None),  # other errors pass
        ("def f(x):\n    try:\n        return compute(x)\n    except Exception:\n        raise", None),  # re-raised as it came
        ("def f(x):\n    try:\n        raise KeyError(x)\n    except LookupError:\n        raise", {"LookupError"}),
        ("def f(x):\n    return x['key']", None),  # a subscript may raise KeyError
    ],
    ids=["raise", "call", "converted", "narrow-handler", "re-raised", "bare-raise-of-named", "subscript"],
)
def test_what_escapes_a_function(source, expected):
    found = _escaping(source)
    assert (None if found is None else {names[0] for names in found}) == expected


def test_an_exception_class_of_the_look_ups_own_module_counts_too(tmp_path):
    base = BASE.format(raised="MissingRow", before="", miss="raise MissingRow()").replace(
        "from app.exceptions import MissingRow, InvalidInputError", "from app.exceptions import AppError, InvalidInputError\n\n\nclass MissingRow(AppError):\n    pass"
    )
    assert not _reported(tmp_path, base=base, handlers="    except AppError:\n        raise")
    assert _reported(tmp_path, base=base, handlers="    except NotFoundError:\n        raise")  # not what a miss raises


OVERRIDE = '''

class Secret(Note):
    @classmethod
    async def get(cls, id: str):
        """The base's look-up, then the stored key decrypted."""
{first}
        instance.key = decrypt(instance.key)
        return instance
'''


def test_an_override_that_runs_the_bases_look_up_first_finds_the_key_whatever_it_raises_after(tmp_path):
    # open-notebook's Credential.get: `super().get(id)` first, then a decryption that may raise
    # anything: a handler none of the base's look-up reaches still runs with the key found
    def reported(first, miss="raise NotFoundError()"):
        base = BASE.format(raised="NotFoundError", before="", miss=miss) + OVERRIDE.format(first=first)
        return _reported(tmp_path, base=base, attempt=LOOKUP.replace("Note.get", "Secret.get"), imported="Secret")

    assert not reported("        instance = await super().get(id)")
    assert reported("        audit(id)\n        instance = await super().get(id)")  # something else runs first
    assert reported("        instance = await super().get(id)", miss="return None")  # the base returns None on a miss
    assert reported("        instance = await super().get(id.strip())")  # the base looks up another value
