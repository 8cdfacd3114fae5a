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


_SERIALIZER = """
import pickle

class Serializer:
    def dumps(self, value):
        return pickle.dumps(value)

    def loads(self, bvalue):
        return pickle.loads(bvalue)

class Cache:
    serializer = Serializer()

    def __init__(self):
        self._cache = {}

    def get(self, key):
        expires, value = self._cache[key]
        return self.serializer.loads(value)

    def set(self, key, value):
        self._cache[key] = (0, self.serializer.dumps(value))
"""


def test_a_serializer_only_handed_what_objects_read_from_their_own_storage_is_the_audit_tier():
    # every call of `loads` in the module passes what a cache read from its own dict; handed the
    # key itself, a parameter, the serializer decodes what the caller chooses
    _low_until_undone("SLS105", _SERIALIZER, "expires, value = self._cache[key]", "expires, value = key, key", "medium")


def test_a_serializer_another_call_hands_other_bytes_is_the_callers_choice():
    # a second call of `loads` in the module, on a cookie: no longer only the module's own bytes
    cookie = _SERIALIZER + "\n\ndef restore(cookie):\n    return Cache.serializer.loads(cookie)\n"
    assert _confidence(cookie, "SLS105") == ["medium"]
    # ... nor when the cache itself hands it a parameter
    handed = _SERIALIZER + "\n    def restore(self, cookie):\n        return self.serializer.loads(cookie)\n"
    assert _confidence(handed, "SLS105") == ["medium"]
    # rows the object queries from its own database are its own storage too
    rows = _SERIALIZER.replace("expires, value = self._cache[key]", "row = self.db.execute('SELECT v FROM t WHERE k = ?', (key,)).fetchone()\n        value = row[0]")
    assert _confidence(rows, "SLS105") == ["low"]


def test_bytes_a_parameter_hands_in_through_local_names_are_not_the_classes_own_pickles():
    # DSVPWA's Extract attack: the class pickles its demo links, but unpickles the handler's query
    # reached through two local names: the caller's bytes (medium). Read from the object's own
    # store under a key the caller picks, they are its own (the audit tier)
    code = (
        "import base64\nimport pickle\n\nclass Extract:\n    def __init__(self, store):\n"
        "        self.store = store\n        self.demo = base64.urlsafe_b64encode(pickle.dumps({'one': 1})).decode()\n\n"
        "    def run(self, handler):\n        params = handler.params\n        raw = params.get('object', [''])[0]\n"
        "        return pickle.loads(base64.urlsafe_b64decode(raw))\n"
    )
    assert _confidence(code, "SLS105") == ["medium"]
    own = code.replace("params = handler.params", "params = self.store.get(handler)")
    assert _confidence(own, "SLS105") == ["low"]
