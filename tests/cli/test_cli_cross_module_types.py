"""What another module declares about a route parameter's type: an Enum there validates the
parameter as one of its values (engine/declarations.Declaration), also behind `Optional[...]`."""

from __future__ import annotations

from tests.cli.cli_helpers import check_json, write

TYPES = """
from enum import Enum


class Theme(str, Enum):
    light = "light"
    dark = "dark"


class Label:
    text: str
"""

APP = """
import os
from typing import Optional

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from .kinds import Label, Theme

router = APIRouter()


@router.get("/logo")
async def logo(theme: Optional[Theme] = Query(Theme.light)):
    return FileResponse(os.path.join("/srv/public", f"logo_{theme.value}.svg"))


@router.get("/label")
async def label(name: Optional[Label] = None):
    return FileResponse(os.path.join("/srv/public", f"{name}.svg"))
"""


def test_an_enum_declared_in_another_module_validates_an_optional_route_parameter(tmp_path):
    root = write(tmp_path / "site", {"ui/__init__.py": "", "ui/kinds.py": TYPES, "ui/app.py": APP})
    run = check_json(".", cwd=root)
    found = sorted((f["path"].replace("\\\\", "/"), f["rule"], f["range"]["start"]["line"]) for f in run.findings())
    # `theme` can only be one of Theme's values; `name` is any text the client sends
    assert found == [("ui/app.py", "SLS110", 19)]


FORMS = """
from pydantic import BaseModel


class Base(BaseModel):
    name: str


class UpdateCustomerRequest(Base):
    url: str


class CustomerKey(str):
    pass
"""

LOGGING_VIEWS = """
import logging

from fastapi import FastAPI

from app.forms import CustomerKey, UpdateCustomerRequest

log = logging.getLogger(__name__)
app = FastAPI()


@app.post("/customers")
async def update(data: {annotation}):
    log.info("update %s", data)
"""


def test_a_pydantic_model_declared_in_another_module_logs_its_fields_with_repr(tmp_path):
    """`data: UpdateCustomerRequest`, a BaseModel subclass of another module (through a base of
    that module): it prints `name='x' url='y'`, so a line break in a field is escaped. A `str`
    subclass there prints the text itself."""
    found = {}
    for annotation in ("UpdateCustomerRequest", "CustomerKey"):
        folder = tmp_path / annotation
        write(folder, {"app/__init__.py": "", "app/forms.py": FORMS, "app/views.py": LOGGING_VIEWS.replace("{annotation}", annotation)})
        found[annotation] = [f["rule"] for f in check_json(".", "--no-cache", "--select", "SLS704", cwd=folder).findings()]
    assert found == {"UpdateCustomerRequest": [], "CustomerKey": ["SLS704"]}
