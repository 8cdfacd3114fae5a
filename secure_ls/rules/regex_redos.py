"""SLS127 regex-catastrophic-backtracking."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, taint
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import refuncs, regex, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink


class RegexCatastrophicBacktracking(Rule):
    """
    ## What it does
    Finds constant regular expressions that can take exponential time, and
    that are applied to non-constant text: a repeated group holding another
    unbounded repeat of the same characters (`(a+)+`, `(\\w+\\s?)*$`), or a
    repeated alternation whose branches match the same text (`(a|a)*`,
    `(a|aa)*`, `(a|b|ab)*`), followed by something that can fail. The
    pattern is analysed structurally from its parse tree, so look-alikes
    such as `(\\d+\\.)*\\d+`, `(\\w|\\d)+` or `"(\\\\.|[^"\\\\])*"` are not
    reported.

    On request data it also finds patterns that take quadratic time: two unbounded
    repeats in a row that can take the same characters (`^\\S+@\\S+\\.\\S+$`), or a
    search (`re.sub`, `re.search`) whose pattern starts with an unbounded repeat followed by
    something that can fail (`[ \\t]+$`). A long input is needed, so these are reported
    only when the text comes from the client.

    ## Why is this bad?
    Python's `re` backtracks. When a match fails, it retries every way of
    splitting the input between the nested repeats: 30 characters can mean
    a billion steps. One crafted request then holds a worker for minutes
    (regular expression denial of service, CWE-1333).

    ## How to fix it
    Rewrite the pattern so each character can be matched in one way only:
    `(a+)+` is `a+`; `(\\w+\\s?)*` is `(\\w+(\\s|$))*` or, better, split the
    text and check the words; `(a|aa)*` is `a*`. On Python 3.11+ a
    possessive repeat (`(\\w+\\s?)*+`) or an atomic group (`(?>...)`) stops
    the backtracking. Limiting the input length first also bounds the time.
    A pattern compiled at module level whose uses are out of sight is
    reported with low confidence.
    """

    id = "SLS127"
    name = "regex-catastrophic-backtracking"
    title = "Regular expression with catastrophic backtracking"
    cwe = 1333
    codeql = ("py/redos", "py/polynomial-redos")
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "regex"
    fixable = False
    calls = frozenset(refuncs.FUNCTIONS)

    VALID = [
        code(r"""
            import re

            def version(text):
                return re.match(r"^(\d+\.)*\d+$", text)
        """),
        code("""
            import re

            def check():
                return re.match(r"(a+)+$", "aaaa")
        """),
        code(r"""
            import re

            def word(text):
                return re.search(r"(\w|\d)+$", text)
        """),
        code(r"""
            import re
            STRING = re.compile(r'"(\\.|[^"\\])*"')
        """),
        code("""
            import re

            def first(text):
                return re.search(r"(a+)+", text)
        """),
        code(r"""
            import re

            def domain(text):
                return re.fullmatch(r"([a-z0-9-]+\.)+[a-z]{2,}", text)
        """),
        # a backslash starts each inner iteration, a `}` ends them: one character decides where the inner repeat stops
        code(r"""
            import re

            def turns(text):
                return re.match(r'^\[(?:\{"content": "[^"]*"(?:\\ "[^"]*")*\},?)*\]$', text)
        """),
        # quadratic shapes are reported only on client data (it takes a long input)
        code(r"""
            import re

            def strip_trailing(text):
                return re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)
        """),
        code(r"""
            import re
            from flask import request

            def email():
                return re.match(r"^[\w.-]+@[\w-]+\.[a-z]+$", request.args["e"])
        """),
        code(r"""
            import re
            from flask import abort, request

            def tag():
                tag = request.form["tag"]
                if len(tag) > 64:
                    abort(400)
                return re.sub(r"\s+$", "", tag)
        """),
        code(r"""
            import re
            from flask import request

            def tags():
                kept = []
                for tag in request.form.getlist("tag"):
                    if len(tag) > 64:
                        continue
                    kept.append(re.sub(r"\s+$", "", tag))
                return kept
        """),
    ]
    INVALID = [
        Example(  # quadratic: a search retries `[ \t]+` at every position of a long run of spaces
            code(r"""
                import re
                from flask import request

                def comment():
                    return re.sub(r"[ \t]+$", "", request.form["c"], flags=re.MULTILINE)
            """),
            where='r"[ \\t]+$"',
            says="Regular expression takes quadratic time on a failing input",
        ),
        Example(  # quadratic: `\S+\.\S+` can split a run of dots n ways
            code(r"""
                import re
                from django.http import JsonResponse

                def check(request):
                    return JsonResponse({"ok": bool(re.match(r"^\S+@\S+\.\S+$", request.POST["email"]))})
            """),
            where='r"^\\S+@\\S+\\.\\S+$"',
            says="Regular expression takes quadratic time on a failing input",
        ),
        Example(
            code(r"""
                import re
                from flask import request

                def words():
                    if re.match(r"^(\w+\s?)*$", request.args["q"]):
                        return "ok"
                    return "no"
            """),
            where='r"^(\\w+\\s?)*$"',
            says="Regular expression can backtrack exponentially",
        ),
        Example(
            code("""
                import re

                def parse(line):
                    pattern = re.compile(r"(a|aa)*b")
                    return pattern.match(line)
            """),
            where='r"(a|aa)*b"',
            says="Regular expression can backtrack exponentially",
        ),
        Example(
            code(r"""
                from re import compile as rx
                QUOTED = rx(r'"(?:[^"\\]+|\\.)*"')
            """),
            where='r\'"(?:[^"\\\\]+|\\\\.)*"\'',
            says="Regular expression can backtrack exponentially",
        ),
        Example(  # the text after the inner repeat, `ab`, begins like one of its iterations: `abab` splits two ways
            code(r"""
                import re

                def pairs(text):
                    return re.match(r"^((ab)+ab)+$", text)
            """),
            where='r"^((ab)+ab)+$"',
            says="Regular expression can backtrack exponentially",
        ),
        Example(
            code(r"""
                import re

                def digits(value):
                    return re.fullmatch(r"(\d+)*", value) is not None
            """),
            where='r"(\\d+)*"',
            says="Regular expression can backtrack exponentially",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name not in refuncs.FUNCTIONS:
            return
        pattern_node = refuncs.pattern_arg(node)
        if pattern_node is None:
            return
        pattern = refuncs.constant_pattern(pattern_node, ctx)
        if pattern is None:
            return
        flags = refuncs.flags_value(node, name, ctx)
        if flags is None:
            return
        if name == "re.compile":
            subjects, confidence = self._compiled_uses(node, ctx)
            if subjects is None:
                return
            full = any(method == "fullmatch" for method, _ in subjects)
            problem = regex.catastrophic(pattern, flags, full=full)
            if problem is None:
                return
            part = taint.worst(ctx.origin(subject).risk(Sink.REGEX) for _, subject in subjects)
            if subjects and part is None:
                return  # only ever applied to constants
        else:
            subject = refuncs.subject_arg(node, name)
            if subject is None:
                return
            part = ctx.origin(subject).risk(Sink.REGEX)
            if part is None:
                return
            problem = regex.catastrophic(pattern, flags, full=name == "re.fullmatch")
            if problem is None and web.is_client(part) and not _length_bounded(subject, node, ctx):
                # quadratic rather than exponential: it takes a long input, which only a client sends
                problem = regex.polynomial(pattern, flags, full=name == "re.fullmatch", anywhere=name not in ("re.match", "re.fullmatch"))
            if problem is None:
                return
            confidence = None
        if confidence is None:
            confidence = Confidence.HIGH if web.is_client(part) else Confidence.MEDIUM
        applied = f" and is applied to {part.describe()}" if part is not None else ""
        if problem.kind == "polynomial":
            confidence = Confidence.MEDIUM
            message = (
                f"Regular expression takes quadratic time on a failing input ({problem.detail}){applied}: a long crafted "
                "input (tens of kilobytes) can hold the process for seconds. Limit the input's length first, or rewrite the "
                "pattern so a run of characters can match one way only."
            )
        else:
            message = (
                f"Regular expression can backtrack exponentially ({problem.detail}){applied}: a crafted input of a few dozen "
                "characters can hang the process. Rewrite it so each character matches one way (or use a possessive repeat / atomic group)."
            )
        ctx.report(
            self,
            pattern_node,
            message,
            confidence=confidence,
            related=ctx.related_path(part) if part is not None else (),
        )

    def _compiled_uses(self, call: ast.Call, ctx) -> tuple[list | None, Confidence | None]:
        """(method, subject) for the uses of a compiled pattern that are in sight; [] with LOW when none are."""
        parent = ctx.parent(call)
        if isinstance(parent, ast.Attribute) and parent.attr in refuncs.METHODS:
            use = ctx.parent(parent)
            if isinstance(use, ast.Call) and use.func is parent:
                subject = web.argument(use, refuncs.METHODS[parent.attr], ("string",))
                return ([(parent.attr, subject)] if subject is not None else None), None
            return None, None
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            func = ctx.enclosing_function(call)
            if func is not None:
                target = parent.targets[0].id
                uses = []
                for node in astutil.walk(func):
                    if (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and node.func.attr in refuncs.METHODS
                        and isinstance(node.func.value, ast.Name)
                        and node.func.value.id == target
                    ):
                        subject = web.argument(node, refuncs.METHODS[node.func.attr], ("string",))
                        if subject is not None:
                            uses.append((node.func.attr, subject))
                return (uses or None), None
        # module level, class attribute, `self.x = re.compile(...)`: the uses are elsewhere
        return [], Confidence.LOW


def _length_bounded(subject: ast.expr, call: ast.Call, ctx) -> bool:
    """Whether the text is known to be short where the pattern runs: `text[:200]`, or an
    earlier `if len(text) > 200: abort(400)` / `return` / `raise` (or an `assert`)."""
    if isinstance(subject, ast.Subscript) and isinstance(subject.slice, ast.Slice):
        return isinstance(subject.slice.upper, ast.Constant) and subject.slice.lower is None
    if not isinstance(subject, ast.Name):
        return False
    scope = ctx.enclosing_function(call) or ctx.tree
    for stmt in astutil.walk(scope):
        if not isinstance(stmt, (ast.If, ast.Assert)) or stmt.lineno >= call.lineno:
            continue
        measured = any(
            isinstance(n, ast.Compare)
            and any(
                isinstance(side, ast.Call) and isinstance(side.func, ast.Name) and side.func.id == "len"
                and side.args and isinstance(side.args[0], ast.Name) and side.args[0].id == subject.id
                for side in [n.left, *n.comparators]
            )
            and any(isinstance(side, ast.Constant) and isinstance(side.value, int) for side in [n.left, *n.comparators])
            for n in astutil.walk(stmt.test)
        )
        if not measured:
            continue
        if isinstance(stmt, ast.Assert):
            return True
        if ctx.always_leaves(stmt.body):
            return True
    return False
