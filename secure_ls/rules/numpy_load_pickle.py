"""SLS107 numpy-load-allow-pickle."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_LOADS = frozenset({"numpy.load", "numpy.lib.npyio.load"})


class NumpyLoadAllowPickle(Rule):
    """
    ## What it does
    Finds `numpy.load(..., allow_pickle=True)`.

    ## Why is this bad?
    With `allow_pickle=True`, arrays of Python objects in `.npy`/`.npz` files
    are unpickled, and unpickling runs any function the file names. A data
    file from a user or a download then runs code in your process
    (CWE-502). NumPy turned the option off by default in 1.16.3 for this
    reason.

    ## How to fix it
    Remove `allow_pickle=True` (the quick fix) and store numeric arrays, or
    strings as fixed-width string arrays, rather than object arrays. Files
    that really hold object arrays then fail to load, so the fix is offered
    as unsafe. The confidence follows where the file comes from; test
    modules (that import `pytest` or `unittest`) are only reported for files
    from a request.

    ## References
    - https://numpy.org/doc/stable/reference/generated/numpy.load.html
    """

    id = "SLS107"
    name = "numpy-load-allow-pickle"
    title = "numpy.load() with allow_pickle=True"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "injection"
    bandit = ()
    fixable = True
    calls = _LOADS

    VALID = [
        code("""
            import numpy as np

            def read(path):
                return np.load(path)
        """),
        code("""
            import numpy as np

            def read(path):
                return np.load(path, allow_pickle=False)
        """),
        code("""
            import numpy as np

            def read(path, trusted):
                return np.load(path, allow_pickle=trusted)
        """),
    ]
    INVALID = [
        Example(
            code("""
                import numpy as np

                def read(path):
                    return np.load(path, allow_pickle=True)
            """),
            fixed=code("""
                import numpy as np

                def read(path):
                    return np.load(path)
            """),
            where="np.load(path, allow_pickle=True)",
            says="`numpy.load()` with allow_pickle=True unpickles object arrays in the file from",
        ),
        Example(
            code("""
                from numpy import load
                from flask import request

                def upload():
                    data = load(request.files["arrays"], allow_pickle=True, mmap_mode=None)
                    return data
            """),
            fixed=code("""
                from numpy import load
                from flask import request

                def upload():
                    data = load(request.files["arrays"], mmap_mode=None)
                    return data
            """),
            where='load(request.files["arrays"], allow_pickle=True',
            says="`numpy.load()` with allow_pickle=True unpickles object arrays in the file from",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if ctx.call_name(node) not in _LOADS:
            return
        option = ts.keyword(node, "allow_pickle")
        if option is None or not (isinstance(option.value, ast.Constant) and option.value.value is True):
            return
        data = ts.argument(node, 0, ("file",))
        part = ts.data_origin(data, ctx, Sink.DESERIALIZE) if data is not None else None
        if ctx.in_test_code(node) and not ts.is_remote(part):
            return  # tests load the files they wrote
        source = f" from {ts.describe(part)}" if part is not None else ""
        shown = f" (`{ts.short(ctx, data)}`)" if data is not None else ""
        ctx.report(
            self,
            node,
            f"`numpy.load()` with allow_pickle=True unpickles object arrays in the file{source}{shown}, "
            "which can run code: remove allow_pickle=True and store plain arrays.",
            fix=Fix("Remove allow_pickle=True", (ctx.delete_keyword(node, option),), safe=False),
            confidence=part.confidence(configuration=Confidence.MEDIUM) if part is not None else Confidence.LOW,
            related=ctx.related_path(part),
        )
