"""A helper's parameter declared as a number, a date, a UUID or one of an Enum's values holds
one, whatever its callers pass (a caller passing text breaks the declared type); one declared
as text stays its callers' choice. The Enum may live in another module of the workspace."""

from __future__ import annotations

import pytest

from tests.cli.cli_helpers import check_json, write

ENUMS = '''
from enum import StrEnum


class WebhookEventType(StrEnum):
    order_created = "order.created"
'''

SERVICE = '''
import datetime
from typing import Literal, Optional
from zoneinfo import ZoneInfo

from sqlalchemy import text

from app.enums import WebhookEventType


def endpoints(session, value: {annotation}):
    return session.execute(text(f"SELECT id FROM hooks WHERE events @> '[\\"{{value}}\\"]'"))
'''


@pytest.mark.parametrize(
    ("annotation", "reported"),
    [
        ("WebhookEventType", False),
        ("Optional[WebhookEventType]", False),
        ("int", False),
        ("datetime.date", False),
        ('Literal["a", "b"]', False),
        ("ZoneInfo", False),  # a zone of the tz database: `value.key` is a zone name
        ("str", True),
        ("Optional[str]", True),
    ],
)
def test_a_typed_parameter_holds_its_type(tmp_path, annotation, reported):
    write(tmp_path, {"app/__init__.py": "", "app/enums.py": ENUMS, "app/service.py": SERVICE.format(annotation=annotation)})
    found = [f for f in check_json(".", "--no-cache", "--select", "SLS101", cwd=tmp_path).findings() if f["path"] == "app/service.py"]
    assert bool(found) is reported, found


def test_a_code_object_parameter_is_still_code_to_run(tmp_path):
    # what a code object runs was judged where it was compiled, maybe out of sight (code.InteractiveInterpreter)
    write(tmp_path, {"console.py": "from types import CodeType\n\n\ndef runcode(code: CodeType, scope):\n    exec(code, scope)\n"})
    found = check_json(".", "--no-cache", "--select", "SLS103", cwd=tmp_path).findings()
    assert [f["rule"] for f in found] == ["SLS103"]
