"""SLS106 torch-load-unsafe."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_LOADS = frozenset({"torch.load", "torch.serialization.load"})


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
    request, medium for a function parameter, low otherwise. Test modules
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
        ctx.report(
            self,
            node,
            f"`torch.load()` {how} unpickles the file{source} (`{ts.short(ctx, data)}`) and runs any code it names: pass weights_only=True.",
            fix=fix,
            confidence=part.confidence(configuration=Confidence.MEDIUM) if part is not None else Confidence.LOW,
            related=ctx.related_path(part),
        )
