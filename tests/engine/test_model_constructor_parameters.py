"""A model's constructor arguments are its hyperparameters: whoever assembles the model picks them."""

from __future__ import annotations

from tests.engine.test_engine import _confidence, _low_until_undone

_MODEL = """
import torch
from torch import nn

class Backbone(nn.Module):
    def __init__(self, embed_dim=96, weights_path=None):
        super().__init__()
        self.proj = nn.Linear(embed_dim, embed_dim)
        if weights_path is not None:
            self.load_state_dict(torch.load(weights_path, map_location="cpu"))
"""


def test_a_weights_path_given_to_a_torch_models_constructor_is_the_audit_tier():
    # the same constructor in a class that is no model: a parameter, medium
    _low_until_undone("SLS106", _MODEL, "class Backbone(nn.Module):", "class Backbone(object):", "medium")


def test_a_path_handed_to_a_models_method_is_still_the_callers_choice():
    method = _MODEL.replace("def __init__(self, embed_dim=96, weights_path=None):\n        super().__init__()", "def restore(self, embed_dim=96, weights_path=None):")
    assert _confidence(method, "SLS106") == ["medium"]
    # nor a constructor parameter rebound before the load
    rebound = _MODEL.replace("        if weights_path is not None:", "        weights_path = weights_path or embed_dim\n        if weights_path is not None:")
    assert _confidence(rebound, "SLS106") == ["medium"]
