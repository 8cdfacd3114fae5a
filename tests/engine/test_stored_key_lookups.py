"""Two idioms of FastAPI services that log what a client named:

- the parameter is annotated with a type of another library (`key: FidesKey`, a constrained string
  a shared package defines), which the framework validated by rules the engine cannot read: like an
  application's own URL converter, what it let through is not reported as the client's text;
- the value was first looked up in the database by an exact match, through the ORM's look-up by
  primary key (`db.query(Policy).get(K)`), a query filtered by a column and returned through a
  name, or a classmethod the models inherit from a base in another module (`Policy.get(db,
  object_id=K)`, the base made by SQLAlchemy's `declarative_base(cls=OrmWrapped)`), or a method of a service object made from a class of another module
  (`service.get_policy(K)` after `service = PolicyService(db)`), and the request was refused when
  nothing matched: it then equals a stored key.
"""

from __future__ import annotations

import pytest

from tests.cli.cli_helpers import check_json, write

MODELS = '''
from sqlalchemy.orm import declarative_base


class OrmWrapped:

    @classmethod
    def get(cls, db, *, object_id):
        return db.query(cls).get(object_id)

    @classmethod
    def get_by(cls, db, *, field, value):
        kwargs = {field: value}
        return db.query(cls).filter_by(**kwargs).first()


Base = declarative_base(cls=OrmWrapped)  # the models' base: a subclass of OrmWrapped
'''

POLICY = '''
from app.base import Base


class Policy(Base):
    __tablename__ = "policy"


class PolicyService:
    def __init__(self, db):
        self.db = db

    def get_policy(self, policy_id):
        found = Policy.visible(self.db).filter(Policy.id == policy_id).first()
        return found
'''

VIEWS = '''
import logging

from fastapi import APIRouter, Depends, HTTPException
from keylib.validation import Key

from app.policy import Policy, PolicyService

router = APIRouter()
logger = logging.getLogger(__name__)


def get_db():
    pass


def find(db, policy_id: str):
    found = db.query(Policy).filter(Policy.id == policy_id).first()
    if not found:
        logger.warning("no such policy")
    return found


def get_policy_or_error(db, policy_id: str):
    policy = Policy.get(db, object_id=policy_id)
    if not policy:
        raise HTTPException(status_code=404)
    return policy


@router.get("/policy/{{policy_id}}")
async def show(policy_id: str, db=Depends(get_db)):
{body}
    logger.info("Showing policy %s", policy_id)
'''


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        ("    pass", True),  # logged as the client sent it
        ("    if db.query(Policy).get(policy_id) is None:\n        raise HTTPException(status_code=404)", False),
        ("    if find(db, policy_id) is None:\n        raise HTTPException(status_code=404)", False),
        ("    get_policy_or_error(db, policy_id)", False),
        ("    if not Policy.get_by(db, field='id', value=policy_id):\n        raise HTTPException(status_code=404)", False),
        ("    service = PolicyService(db)\n    if not service.get_policy(policy_id):\n        raise HTTPException(status_code=404)", False),
        ("    if db.query(Policy).filter(Policy.id > policy_id).first() is None:\n        raise HTTPException(status_code=404)", True),  # no exact match
        # a CRUD base's look-up by primary key, the session first, of a model the engine cannot read
        ("    from crudlib import Client\n    if not Client.get(db, object_id=policy_id, config=None):\n        raise HTTPException(status_code=404)", False),
        ("    from crudlib import Client\n    if not Client.get(db, object_id=policy_id, **options):\n        raise HTTPException(status_code=404)", True),
        # the session passed by keyword
        ("    from crudlib import Client\n    if not Client.get(db=db, object_id=policy_id):\n        raise HTTPException(status_code=404)", False),
        # an async ORM's look-up by key on the model class (Beanie's, Tortoise's, an ORM base's)
        ("    from odm import Note\n    if not await Note.get(policy_id):\n        raise HTTPException(status_code=404)", False),
        ("    from odm import Note\n    note = await Note.get(policy_id)\n    if note is None:\n        raise HTTPException(status_code=404)", False),
        ("    from odm import Note\n    note = await Note.get(policy_id)", True),  # nothing refused a miss
    ],
    ids=[
        "raw", "primary-key", "filtered-helper", "inherited-classmethod", "keywords-as-a-dict", "service-method", "range-filter", "crud-base",
        "unknown-keywords", "session-by-keyword", "awaited-class-lookup", "awaited-class-lookup-named", "lookup-unchecked",
    ],
)
def test_a_key_found_in_the_database_is_a_stored_key(tmp_path, body, reported):
    write(
        tmp_path,
        {"app/__init__.py": "", "app/base.py": MODELS, "app/policy.py": POLICY, "app/views.py": VIEWS.format(body=body)},
    )
    found = [f for f in check_json(".", "--no-cache", "--select", "SLS704", cwd=tmp_path).findings() if f["path"] == "app/views.py"]
    assert bool(found) is reported, found


@pytest.mark.parametrize(
    ("annotation", "reported"),
    [("Key", False), ("Optional[Key]", False), ("str", True), ("EmailStr", True), ("OwnKey", True)],
)
def test_a_parameter_of_another_librarys_type_passed_that_type(tmp_path, annotation, reported):
    views = f'''
import logging
from typing import Optional

from fastapi import APIRouter
from keylib.validation import Key
from pydantic import EmailStr

from app.keys import OwnKey

router = APIRouter()
logger = logging.getLogger(__name__)


@router.delete("/keys/{{key}}")
def delete_key(key: {annotation}):
    logger.info("Deleting key %s", key)
'''
    write(tmp_path, {"app/__init__.py": "", "app/keys.py": "class OwnKey(str):\n    pass\n", "app/views.py": views})
    found = [f for f in check_json(".", "--no-cache", "--select", "SLS704", cwd=tmp_path).findings() if f["path"] == "app/views.py"]
    assert bool(found) is reported, found


@pytest.mark.parametrize(("annotation", "reported"), [("Key", False), ("Kind", False), ("str", True)])
def test_a_body_field_of_an_enum_or_another_librarys_type_passed_that_type(tmp_path, annotation, reported):
    views = f'''
import logging

from fastapi import APIRouter
from keylib.validation import Key
from pydantic import BaseModel

from app.kinds import Kind

router = APIRouter()
logger = logging.getLogger(__name__)


class Destination(BaseModel):
    key: {annotation}


@router.put("/destinations")
def put_destination(destination: Destination):
    logger.info("Storing destination %s", destination.key)
'''
    kinds = "import enum\n\n\nclass Kind(str, enum.Enum):\n    S3 = 's3'\n    GCS = 'gcs'\n"
    write(tmp_path, {"app/__init__.py": "", "app/kinds.py": kinds, "app/views.py": views})
    found = [f for f in check_json(".", "--no-cache", "--select", "SLS704", cwd=tmp_path).findings() if f["path"] == "app/views.py"]
    assert bool(found) is reported, found


@pytest.mark.parametrize(("field", "reported"), [("kind", False), ("name", True)])
def test_a_field_of_a_model_of_another_module_typed_with_an_enum_of_that_module(tmp_path, field, reported):
    # the route module asks the schemas module for `Destination` alone: its Enum, defined in
    # another piece of that module, still types the field
    schemas = (
        "import enum\n\nfrom pydantic import BaseModel\n\n\nclass Kind(enum.Enum):\n    S3 = 's3'\n\n\n"
        "class Destination(BaseModel):\n    kind: Kind\n    name: str\n"
    )
    views = (
        "import logging\n\nfrom fastapi import APIRouter\n\nfrom app.schemas import Destination\n\n"
        "router = APIRouter()\nlogger = logging.getLogger(__name__)\n\n\n"
        f"@router.put('/destinations')\ndef put_destination(destination: Destination):\n    logger.info('Storing %s', destination.{field})\n"
    )
    write(tmp_path, {"app/__init__.py": "", "app/schemas.py": schemas, "app/views.py": views})
    found = [f for f in check_json(".", "--no-cache", "--select", "SLS704", cwd=tmp_path).findings() if f["path"] == "app/views.py"]
    assert bool(found) is reported, found


@pytest.mark.parametrize(
    ("field", "same_module", "used", "reported"),
    [
        ("key", False, False, False), ("count", False, False, False), ("name", False, False, True),
        ("key", True, False, False), ("name", True, False, True),
        # the schema module uses the class itself, and is analysed before the routes: what it
        # published for its own calls holds the class's declaration, with its base's fields
        ("key", False, True, False), ("name", False, True, True),
    ],
)
def test_a_field_a_models_base_of_its_module_declares_is_typed_by_it(tmp_path, field, same_module, used, reported):
    # `SaaSConfig(SaaSConfigBase)`: the base declares the fields the route's model validates
    schemas = (
        "from keylib.validation import Key\nfrom pydantic import BaseModel\n\n\n"
        "class DestinationBase(BaseModel):\n    key: Key\n    count: int\n    name: str\n\n\n"
        "class Destination(DestinationBase):\n    version: str\n\n    def renamed(self, name):\n        return Destination(**{**self.dict(), 'name': name})\n"
    ) + ("\n\ndef parse(data):\n    return Destination(**data).renamed('x')\n" if used else "")
    route = (
        "router = APIRouter()\nlogger = logging.getLogger(__name__)\n\n\n"
        f"@router.put('/destinations')\ndef put_destination(destination: Destination):\n    logger.info('Storing %s', destination.{field})\n"
    )
    head = "import logging\n\nfrom fastapi import APIRouter\n"
    if same_module:
        files = {"app/__init__.py": "", "app/views.py": head + schemas + "\n\n" + route}
    else:
        files = {"app/__init__.py": "", "app/schemas.py": schemas, "app/views.py": head + "\nfrom app.schemas import Destination\n\n" + route}
    write(tmp_path, files)
    found = [f for f in check_json(".", "--no-cache", "--select", "SLS704", cwd=tmp_path).findings() if f["path"] == "app/views.py"]
    assert bool(found) is reported, found


@pytest.mark.parametrize(
    ("annotation", "field", "reported"),
    [
        ("List[Destination]", "key", False),
        ("Annotated[List[Destination], Field(max_length=50)]", "key", False),
        ("conlist(Destination, max_length=50)", "key", False),
        ("Optional[list[Destination]]", "key", False),
        ("List[Destination]", "name", True),  # a str field: the client's text
        ("List[dict]", "key", True),  # no model: nothing validated
    ],
)
def test_the_items_of_a_list_of_models_hold_the_fields_the_model_validates(tmp_path, annotation, field, reported):
    # a bulk endpoint: `for item in items:` where `items: List[Destination]`
    views = f'''
import logging
from typing import Annotated, List, Optional

from fastapi import APIRouter
from keylib.validation import Key
from pydantic import BaseModel, Field, conlist

router = APIRouter()
logger = logging.getLogger(__name__)


class Destination(BaseModel):
    key: Key
    name: str


@router.put("/destinations")
def put_destinations(destinations: {annotation}):
    for destination in destinations:
        logger.info("Storing destination %s", destination.{field})
'''
    write(tmp_path, {"app/__init__.py": "", "app/views.py": views})
    found = [f for f in check_json(".", "--no-cache", "--select", "SLS704", cwd=tmp_path).findings() if f["path"] == "app/views.py"]
    assert bool(found) is reported, found
