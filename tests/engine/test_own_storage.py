"""Data an object keeps for itself: what it pickled into its own storage and reads back."""

from __future__ import annotations

from tests.engine.test_engine import _confidence, _low_until_undone

_PICKLED_ITEMS = """
import pickle

class PickledItems(dict):
    pickled_keys = ("consumer_state", "last_token")

    def __getitem__(self, name):
        value = super().__getitem__(name)
        if name in self.pickled_keys:
            value = pickle.loads(value)
        return value

    def __setitem__(self, name, value):
        if name in self.pickled_keys:
            value = pickle.dumps(value)
        super().__setitem__(name, value)
"""


def test_a_dict_subclass_unpickling_its_own_items_is_the_audit_tier():
    # the key only picks the item; the bytes are what __setitem__ pickled. A class that never
    # pickles reads back whatever filled the dict: a parameter's data, medium
    _low_until_undone("SLS105", _PICKLED_ITEMS, "value = pickle.dumps(value)", "value = str(value)", "medium")


_SESSION = """
import pickle

class Session(dict):
    def __init__(self, key, app):
        self.app = app
        self.key = key
        self.update(pickle.loads(app.session_store.get(key)))

    def save(self):
        self.app.session_store.put(self.key, pickle.dumps(dict(self)))
"""


def test_bytes_read_back_from_the_store_the_class_pickles_into_are_the_audit_tier():
    # `app.session_store` is the store `self.app.session_store` the class writes its pickles into;
    # a store the class fills with anything but its pickles holds its other writers' bytes
    _low_until_undone("SLS105", _SESSION, "pickle.dumps(dict(self))", "dict(self)", "medium")


def test_a_store_the_class_pickles_into_under_another_name_is_not_its_own():
    other = _SESSION.replace("self.app.session_store.put", "self.app.cache.put")
    assert _confidence(other, "SLS105") == ["medium"]


_SHELF = """
import shelve

class ShelfStorage:
    def __init__(self, path):
        self.shelf = shelve.open(path)

    def get(self, key):
        return self.shelf[key]

    def set(self, key, value):
        self.shelf[key] = value
"""


def test_a_shelf_the_class_keeps_and_stores_into_is_its_own_store_the_audit_tier():
    # a shelf only read is a file someone else may have written: still a finding
    _low_until_undone("SLS105", _SHELF, "self.shelf[key] = value", "self.other[key] = value", "medium")
