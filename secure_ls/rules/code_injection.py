"""SLS103 code-injection."""

from __future__ import annotations

import ast

import re

from secure_ls.engine import astutil, frameworks, taint
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import strings, web
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_EVAL = frozenset({"eval", "builtins.eval"})
_EXEC = frozenset({"exec", "builtins.exec"})
_COMPILE = frozenset({"compile", "builtins.compile"})
_DATA_WORDS = ("literal", "value", "data", "repr", "config", "setting", "option", "param", "arg", "input", "field", "text", "string", "line")
_ONLY_AST = frozenset({"ast.PyCF_ONLY_AST", "ast.PyCF_TYPE_COMMENTS"})
# A dotted Python name: `Block`, `nn.LayerNorm`
_DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


class CodeInjection(Rule):
    """
    ## What it does
    Finds the builtins `eval()` and `exec()` run on non-constant text,
    directly or through `compile()`. Only the builtins are reported: a
    method or function of your own called `eval` (`model.eval()`,
    `df.eval(expr)`) is not; `compile()` alone (a syntax check, or
    `ast.PyCF_ONLY_AST`) runs nothing and is not reported either.

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
    function parameter with medium, anything else with low. Code assembled
    from pieces with parameters inserted (what code generators such as
    `dataclasses` do) is reported with low confidence. Calling what `eval()`
    returned (`eval(name)(args)`) runs no more text than `eval(name)`: only
    that inner call is judged, not the arguments passed on. A parameter whose
    default is the dotted name of a class or function (`act="nn.GELU"`) is
    declared by example to name the program's own code: evaluated whole, it is
    not reported for itself (what a caller passes in its place still is). In test modules (that
    import `pytest` or `unittest`) only data from outside the program is
    reported.

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
    codeql = ("py/code-injection",)
    fixable = True
    calls = _EVAL | _EXEC

    VALID = [
        'result = eval("1 + 2")\n',
        # a command-line name checked against the table of commands; its arguments are only passed
        code("""
            import sys

            COMMANDS = {"build": "build the site", "clean": "remove the output"}

            def build(paths): ...
            def clean(paths): ...

            def main():
                command = sys.argv[1]
                if command in COMMANDS:
                    eval(command)(sys.argv[2:])
        """),
        # the same with the item argparse made of the command-line argument
        code("""
            from argparse import ArgumentParser

            COMMANDS = {"build": "build the site", "clean": "remove the output"}

            def build(paths): ...
            def clean(paths): ...

            if __name__ == "__main__":
                parser = ArgumentParser()
                parser.add_argument("cmd", nargs=1)
                parser.add_argument("paths", nargs="*")
                options = parser.parse_args()
                if options.cmd[0] in COMMANDS.keys():
                    eval(options.cmd[0])(options.paths)
        """),
        code("""
            import torch

            def evaluate(model):
                model.eval()
        """),
        code("""
            import pandas as pd

            def total(df, expr):
                return df.eval(expr)
        """),
        code("""
            class Calc:
                def eval(self, expr):
                    return expr

                def run(self, text):
                    return self.eval(text)
        """),
        code("""
            import ast

            def parse(source):
                return compile(source, "<input>", "exec", ast.PyCF_ONLY_AST)
        """),
        code("""
            from flask import request
            import ast

            def view():
                return ast.literal_eval(request.args["v"])
        """),
        code("""
            CODE = "x = 1"
            exec(CODE)
        """),
        code("""
            def eval(text):
                return text

            def f(x):
                return eval(x)
        """),
        code("""
            def check(source):
                compile(source, "<input>", "exec")
                return True
        """),
        # the parameter's default names a class: its callers choose among the program's classes
        code("""
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, dim, norm_layer="nn.LayerNorm"):
                    super().__init__()
                    if isinstance(norm_layer, str):
                        self.norm = eval(norm_layer)(dim)
                    else:
                        self.norm = norm_layer(dim)
        """),
    ]
    INVALID = [
        Example(  # the name is not checked: `__import__('os').system` is a name too
            code("""
                import sys

                def run_build(paths): ...

                if __name__ == "__main__":
                    eval("run_" + sys.argv[1])(sys.argv[2:])
            """),
            where='eval("run_" + sys.argv[1])',
            says="`eval()` runs code built from command-line arguments",
        ),
        Example(
            code("""
                from flask import request

                def settings():
                    value = request.form["limits"]
                    return eval(value)
            """),
            fixed=code("""
                from flask import request
                import ast

                def settings():
                    value = request.form["limits"]
                    return ast.literal_eval(value)
            """),
            where="eval(value)",
            says="`eval()` runs text from the Flask request",
        ),
        Example(
            code("""
                import sys

                numbers = eval(sys.argv[1])
            """),
            fixed=code("""
                import sys
                import ast

                numbers = ast.literal_eval(sys.argv[1])
            """),
            where="eval(sys.argv[1])",
            says="`eval()` runs text from command-line arguments",
        ),
        Example(
            code("""
                def get_field(obj, name):
                    return eval(f"obj.{name}")
            """),
            fixed=None,
            where='eval(f"obj.{name}")',
            says="`eval()` runs code built from the parameter `name` as Python",
        ),
        Example(
            code("""
                def run_hook(source, env):
                    exec(compile(source, "<hook>", "exec"), env)
            """),
            fixed=None,
            where='exec(compile(source, "<hook>", "exec"), env)',
            says="`exec()` runs text from the parameter `source` as Python",
        ),
        Example(
            code("""
                def run_hook(path, env):
                    with open(path) as fh:
                        code = compile(fh.read(), path, "exec")
                    exec(code, env)
            """),
            fixed=None,
            where="exec(code, env)",
            says="`exec()` runs text from non-constant data",
        ),
        Example(
            code("""
                import builtins

                def calc(expr):
                    return builtins.eval(expr, {"__builtins__": {}})
            """),
            fixed=None,
            where='builtins.eval(expr, {"__builtins__": {}})',
            says="`eval()` runs text from the parameter `expr` as Python",
        ),
        Example(  # one item is checked, another one is evaluated
            code("""
                import sys

                COMMANDS = {"build": "build the site", "clean": "remove the output"}

                if __name__ == "__main__":
                    if sys.argv[1] in COMMANDS:
                        eval(sys.argv[2])(sys.argv[3:])
            """),
            fixed=code("""
                import sys
                import ast

                COMMANDS = {"build": "build the site", "clean": "remove the output"}

                if __name__ == "__main__":
                    if sys.argv[1] in COMMANDS:
                        ast.literal_eval(sys.argv[2])(sys.argv[3:])
            """),
            where="eval(sys.argv[2])",
            says="`eval()` runs text from command-line arguments",
        ),
        Example(  # a default that is an expression, not a name: the parameter holds code to run
            code("""
                def compute(formula="1 + 2"):
                    return eval(formula)
            """),
            fixed=None,
            where="eval(formula)",
            says="`eval()` runs text from the parameter `formula` as Python",
        ),
        Example(  # a name default, but the module passes the request in its place
            code("""
                from flask import request

                def _activation(act="nn.GELU"):
                    return eval(act)

                def view():
                    return repr(_activation(request.args["act"]))
            """),
            fixed=code("""
                from flask import request
                import ast

                def _activation(act="nn.GELU"):
                    return ast.literal_eval(act)

                def view():
                    return repr(_activation(request.args["act"]))
            """),
            where="eval(act)",
            says="`eval()` runs text from the Flask request",
        ),
        Example(  # a name default, but the parameter is rebound to other text first
            code("""
                def load(name="Block", suffix=""):
                    name = name + suffix
                    return eval(name)
            """),
            fixed=None,
            where="eval(name)",
            says="`eval()` runs text from the parameter",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if isinstance(node.func, ast.Call):
            return  # `eval(name)(args)` calls what eval returned: the inner `eval(name)` is its own call
        name = ctx.call_name(node)
        if name not in _EVAL and name not in _EXEC:
            return  # compile() alone runs nothing: what runs its result is reported
        source = ts.argument(node, 0, ("source", "expression", "object"))
        if source is None:
            return
        func_name = name.rsplit(".", 1)[-1]
        compiled = source
        if isinstance(source, ast.Name):
            value = ts.single_value(source, ctx)
            if isinstance(value, ast.Call) and ctx.call_name(value) in _COMPILE:
                compiled = value
        if isinstance(compiled, ast.Call) and ctx.call_name(compiled) in _COMPILE:
            if self._only_parses(compiled, ctx):
                return
            inner = ts.argument(compiled, 0, ("source",))
            if inner is None:
                return
            source = inner
            if isinstance(source, ast.Name):
                value = ts.single_value(source, ctx)
                if isinstance(value, ast.Call) and ctx.call_name(value) in ("ast.parse",):
                    source = value
        if isinstance(source, ast.Call) and ctx.call_name(source) in ("ast.parse",):
            source = ts.argument(source, 0, ("source",)) or source
        assembled = source if strings.is_built(source) else None
        if assembled is None and isinstance(source, ast.Name):
            value = ts.single_value(source, ctx)
            if value is not None and strings.is_built(value):
                assembled = value
        built = assembled is not None
        if assembled is not None:
            parts = strings.pieces(assembled)
            dynamic = strings.values(parts) if parts is not None else [assembled]
        else:
            dynamic = [source]
        worst, where = web.worst_value(ctx, dynamic, Sink.CODE)
        if worst is None or (worst.kind != taint.UNTRUSTED and ctx.in_test_code(node)):
            return
        if not built and worst.kind == taint.PARAM and _names_code_by_default(source, ctx):
            return
        # Code assembled from pieces with a parameter inserted is how code
        # generators work (dataclasses, attrs): low confidence unless the
        # pieces come from outside the program.
        caller = Confidence.LOW if built else Confidence.MEDIUM
        confidence = worst.confidence(parameter=caller, configuration=caller)
        fix = None
        direct = source is ts.argument(node, 0, ("source", "expression")) and len(node.args) == 1 and not node.keywords
        if func_name == "eval" and not built and direct and self._looks_like_data(source, worst):
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
            f"`{func_name}()` runs {what} {ts.phrase(worst, shown)} as Python: {advice}.",
            fix=fix,
            confidence=confidence,
            related=ctx.related_path(worst),
        )

    def _looks_like_data(self, source: ast.expr, part) -> bool:
        """Whether the evaluated text is meant as a value (so literal_eval is the likely intent)."""
        if part is not None and part.kind == "untrusted":
            return True
        name = naming_of(source)
        return name is not None and any(w in name.lower() for w in _DATA_WORDS)

    def _only_parses(self, call: ast.Call, ctx) -> bool:
        flags = ts.argument(call, 3, ("flags",))
        if flags is None:
            return False
        for sub in astutil.walk(flags):
            if isinstance(sub, (ast.Name, ast.Attribute)) and (ctx.qualified_name(sub) or "") in _ONLY_AST:
                return True
            if isinstance(sub, ast.Constant) and sub.value == 0x400:
                return True
        return False


def _names_code_by_default(source: ast.expr, ctx) -> bool:
    """`def __init__(self, act="nn.GELU"): ... eval(act)`: the whole evaluated text is a parameter,
    never rebound, whose literal default is the dotted name of a class or function. The
    parameter is declared by example to name code of the program (a layer or block class chosen
    by whoever builds the object), the way a number default declares a count: the function's
    caller picks among its classes. Only the parameter tier is dropped: data from outside that a
    caller passes in is still reported there, and a default that is an expression (`"1 + 2"`) or
    no default at all keeps the finding."""
    if not isinstance(source, ast.Name):
        return False
    func = ctx.enclosing_function(source)
    if func is None:
        return False
    default = frameworks.parameter_defaults(func.args).get(source.id)
    if not (isinstance(default, ast.Constant) and isinstance(default.value, str) and _DOTTED_NAME.fullmatch(default.value)):
        return False
    return not any(isinstance(n, ast.Name) and n.id == source.id and isinstance(n.ctx, ast.Store) for n in ast.walk(func))


def naming_of(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Subscript, ast.Call)):
        node = node.value if isinstance(node, ast.Subscript) else node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None
