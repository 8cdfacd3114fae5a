"""SLS103 code-injection."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import strings
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule

_EVAL = frozenset({"eval", "builtins.eval"})
_EXEC = frozenset({"exec", "builtins.exec"})
_COMPILE = frozenset({"compile", "builtins.compile"})
_ONLY_AST = frozenset({"ast.PyCF_ONLY_AST", "ast.PyCF_TYPE_COMMENTS"})


class CodeInjection(Rule):
    """
    ## What it does
    Finds the builtins `eval()`, `exec()` and `compile()` run on
    non-constant text. Only the builtins are reported: a method or function
    of your own called `eval` (`model.eval()`, `df.eval(expr)`) is not, and
    neither is `compile(..., ast.PyCF_ONLY_AST)`, which only parses.

    ## Why is this bad?
    These functions run whatever Python they are given. Text that a user can
    influence, even partly, becomes code with the program's rights:
    `__import__('os').system('...')` fits in any field (CWE-95). Empty
    `__builtins__` do not help; sandboxes built this way have always been
    escaped.

    ## How to fix it
    Don't run data as code. To read a Python literal (a number, string,
    list, dict...) use `ast.literal_eval()`, which evaluates literals only:
    the quick fix makes that change where `eval()` gets a whole value (not
    code assembled from pieces), as an unsafe fix, since expressions other
    than literals then raise `ValueError`. For anything else map names to
    functions with a dict, or parse the input with a real parser.

    A value taken from a web request is reported with high confidence, a
    function parameter with medium, anything else with low.

    ## References
    - https://docs.python.org/3/library/ast.html#ast.literal_eval
    """

    id = "SLS103"
    name = "code-injection"
    title = "Code executed from non-constant text"
    cwe = 95
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "injection"
    bandit = ("B307", "B102")
    fixable = True

    VALID = [
        'result = eval("1 + 2")\n',
        'import torch\n\ndef evaluate(model):\n    model.eval()\n',
        'import pandas as pd\n\ndef total(df, expr):\n    return df.eval(expr)\n',
        'class Calc:\n    def eval(self, expr):\n        return expr\n\n    def run(self, text):\n        return self.eval(text)\n',
        'import ast\n\ndef parse(source):\n    return compile(source, "<input>", "exec", ast.PyCF_ONLY_AST)\n',
        'from flask import request\nimport ast\n\ndef view():\n    return ast.literal_eval(request.args["v"])\n',
        'CODE = "x = 1"\nexec(CODE)\n',
        'def eval(text):\n    return text\n\ndef f(x):\n    return eval(x)\n',
    ]
    INVALID = [
        Example(
            'from flask import request\n\ndef settings():\n    value = request.form["limits"]\n    return eval(value)\n',
            fixed='from flask import request\nimport ast\n\ndef settings():\n    value = request.form["limits"]\n    return ast.literal_eval(value)\n',
        ),
        Example(
            'import sys\n\nnumbers = eval(sys.argv[1])\n',
            fixed='import sys\nimport ast\n\nnumbers = ast.literal_eval(sys.argv[1])\n',
        ),
        Example(
            'def get_field(obj, name):\n    return eval(f"obj.{name}")\n',
            fixed=None,
        ),
        Example(
            'def run_hook(source, env):\n    exec(compile(source, "<hook>", "exec"), env)\n',
            fixed=None,
        ),
        Example(
            'import builtins\n\ndef calc(expr):\n    return builtins.eval(expr, {"__builtins__": {}})\n',
            fixed=None,
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        if name not in _EVAL and name not in _EXEC and name not in _COMPILE:
            return
        source = ts.argument(node, 0, ("source", "expression", "object"))
        if source is None:
            return
        func_name = name.rsplit(".", 1)[-1]
        if func_name == "compile":
            if self._only_parses(node, ctx):
                return
            parent = ctx.parent(node)
            if isinstance(parent, ast.Call) and ctx.call_name(parent) in (_EVAL | _EXEC) and parent.args and parent.args[0] is node:
                return  # reported at the eval/exec that runs it
        else:
            inner = source
            if isinstance(source, ast.Name):
                value = ts.single_value(source, ctx)
                if isinstance(value, ast.Call) and ctx.call_name(value) in _COMPILE:
                    return  # reported at the compile()
            if isinstance(inner, ast.Call) and ctx.call_name(inner) in _COMPILE:
                if self._only_parses(inner, ctx):
                    return
                source = ts.argument(inner, 0, ("source",)) or source
            if isinstance(source, ast.Call) and ctx.call_name(source) in ("ast.parse", "ast.Expression", "ast.Module"):
                source = ts.argument(source, 0, ("source", "body")) or source
        built = strings.is_built(source)
        if built:
            parts = strings.pieces(source)
            dynamic = strings.values(parts) if parts is not None else [source]
        else:
            dynamic = [source]
        worst, where = ts.worst_of(dynamic, ctx, "code")
        if worst is None:
            return
        fix = None
        if func_name == "eval" and not built and len(node.args) == 1 and not node.keywords:
            fix = Fix(
                "Use ast.literal_eval() (literals only)",
                (ctx.replace(node.func, "ast.literal_eval"),),
                safe=False,
                imports=("import ast",),
            )
        shown = ts.short(ctx, where if where is not None else source)
        what = "code built from" if built else "text from"
        advice = "use ast.literal_eval() for literals, or a dict of allowed operations" if func_name == "eval" else "don't run data as code"
        ctx.report(
            self,
            node,
            f"`{func_name}()` runs {what} {ts.describe(worst)} `{shown}` as Python: {advice}.",
            fix=fix,
            confidence=ts.confidence(worst),
            related=ctx.related_path(worst),
        )

    def _only_parses(self, call: ast.Call, ctx) -> bool:
        flags = ts.argument(call, 3, ("flags",))
        if flags is None:
            return False
        for sub in ast.walk(flags):
            if isinstance(sub, (ast.Name, ast.Attribute)) and (ctx.qualified_name(sub) or "") in _ONLY_AST:
                return True
            if isinstance(sub, ast.Constant) and sub.value == 0x400:
                return True
        return False
