"""SLS106 torch-load-unsafe."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, taint
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_LOADS = frozenset({"torch.load", "torch.serialization.load"})
# The classes of models whose constructor takes the model's hyperparameters.
_MODEL_BASES = frozenset({"torch.nn.Module", "torch.nn.modules.module.Module", "pytorch_lightning.LightningModule", "lightning.LightningModule"})


class TorchLoadUnsafe(Rule):
    """
    ## What it does
    Finds `torch.load()` calls that may unpickle arbitrary objects: without
    `weights_only=True`, or with `weights_only=False`.

    ## Why is this bad?
    A PyTorch checkpoint is a pickle. Loading it with full unpickling runs
    any function the file names, so a model downloaded from a hub, received
    from a user or found in a shared directory can run code on the machine
    that loads it (CWE-502). PyTorch before 2.6 unpickles fully unless told
    otherwise; `weights_only=True` restricts loading to tensors, primitive
    types and the classes you allow.

    ## How to fix it
    Pass `weights_only=True` (the quick fix). Checkpoints that hold only
    state dicts, tensors and plain containers load as before; a file that
    pickled whole model objects raises instead, and should be re-saved as a
    state dict (or its classes allowed with
    `torch.serialization.add_safe_globals`). The fix is offered as unsafe
    for that reason.

    The confidence follows where the file comes from: high for a web
    request, medium for a function parameter, low otherwise. A parameter of
    a model's constructor (a `torch.nn.Module` subclass's `__init__`, such as
    its optional pretrained-weights path) is low: the code or the training
    configuration that assembles the model chooses it, with the layer sizes;
    the same path handed to a function or a method stays medium. Test modules
    (that import `pytest` or `unittest`) are only reported for files from a
    request.

    ## References
    - https://pytorch.org/docs/stable/generated/torch.load.html
    """

    id = "SLS106"
    name = "torch-load-unsafe"
    title = "torch.load() without weights_only=True"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "injection"
    bandit = ("B614",)
    fixable = True
    calls = _LOADS

    VALID = [
        code("""
            import torch

            def restore(path):
                return torch.load(path, weights_only=True)
        """),
        code("""
            import torch

            def restore(path, **options):
                return torch.load(path, **options)
        """),
        code("""
            import torch

            def save(model, path):
                torch.save(model.state_dict(), path)
        """),
        code("""
            class Loader:
                def load(self, path):
                    return path

            def f(loader, p):
                return loader.load(p)
        """),
    ]
    INVALID = [
        Example(
            code("""
                import torch

                def restore(model, path):
                    model.load_state_dict(torch.load(path, map_location="cpu"))
            """),
            fixed=code("""
                import torch

                def restore(model, path):
                    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
            """),
            where='torch.load(path, map_location="cpu")',
            says="`torch.load()` without weights_only=True unpickles the file from the parameter",
        ),
        Example(
            code("""
                from torch import load

                checkpoint = load("checkpoint.pt", weights_only=False)
            """),
            fixed=code("""
                from torch import load

                checkpoint = load("checkpoint.pt", weights_only=True)
            """),
            where='load("checkpoint.pt", weights_only=False)',
            says="`torch.load()` with weights_only=False unpickles the file",
        ),
        Example(
            code("""
                import torch

                state = torch.load(open("model.bin", "rb"))
            """),
            fixed=code("""
                import torch

                state = torch.load(open("model.bin", "rb"), weights_only=True)
            """),
            where='torch.load(open("model.bin", "rb"))',
            says="`torch.load()` without weights_only=True unpickles the file",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if ctx.call_name(node) not in _LOADS:
            return
        data = ts.argument(node, 0, ("f",))
        if data is None or ts.has_star_kwargs(node):
            return
        option = ts.keyword(node, "weights_only")
        if option is not None and not (isinstance(option.value, ast.Constant) and option.value.value is False):
            return  # True, or decided elsewhere
        part = ts.data_origin(data, ctx, Sink.DESERIALIZE)
        if ctx.in_test_code(node) and not ts.is_remote(part):
            return  # tests load the checkpoints they wrote
        fix = Fix("Add weights_only=True", (ctx.set_keyword(node, "weights_only", "True"),), safe=False)
        how = "with weights_only=False" if option is not None else "without weights_only=True"
        source = f" from {ts.describe(part)}" if part is not None else ""
        confidence = part.confidence(configuration=Confidence.MEDIUM) if part is not None else Confidence.LOW
        if part is not None and part.kind == taint.PARAM and _model_hyperparameter(data, ctx):
            confidence = Confidence.LOW  # `GFPGAN(decoder_load_path=...)`: chosen where the model is assembled
        ctx.report(
            self,
            node,
            f"`torch.load()` {how} unpickles the file{source} (`{ts.short(ctx, data)}`) and runs any code it names: pass weights_only=True.",
            fix=fix,
            confidence=confidence,
            related=ctx.related_path(part),
        )


def _model_hyperparameter(data: ast.expr, ctx) -> bool:
    """`torch.load(weights_path)` in `def __init__(self, ..., weights_path=None)` of a
    `torch.nn.Module` subclass: a parameter of the model's constructor, never rebound."""
    func = ctx.enclosing_function(data)
    cls = ctx.parent(func) if func is not None else None
    if not (isinstance(data, ast.Name) and func.name == "__init__" and isinstance(cls, ast.ClassDef)):
        return False
    if not any(ctx.qualified_name(base) in _MODEL_BASES for base in cls.bases):
        return False
    params = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
    rebound = any(isinstance(n, ast.Name) and n.id == data.id and not isinstance(n.ctx, ast.Load) for n in astutil.walk(func))
    return data.id in params and not rebound
