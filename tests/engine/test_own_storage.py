"""Data an object keeps for itself: what it pickled into its own storage and reads back."""

from __future__ import annotations

from tests.engine.test_engine import _low_until_undone

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
