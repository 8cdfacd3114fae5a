"""SLS128 regex-injection."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import refuncs, strings, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink


class RegexInjection(Rule):
    """
    ## What it does
    Finds regular expressions built from request data (query parameters,
    form fields, JSON, route parameters) and passed to `re.compile`,
    `re.search`, `re.match`, `re.sub` and the other `re` functions without
    `re.escape`. A `re.compile(pattern)` whose result is thrown away (a
    statement of its own, usually in a `try` that catches `re.error`) only
    checks the pattern's syntax: compiling matches nothing, so it is not
    reported; where the pattern is then used to match, that call is.

    ## Why is this bad?
    The client writes part of your pattern. A search term of `(a+)+$` or
    `.*.*.*.*=` makes the match take exponential time and blocks the
    worker (denial of service); `.*` matches everything and can bypass a
    filter; an unbalanced `(` raises an error.

    ## How to fix it
    Escape the value with `re.escape(value)` so it matches literally. The
    quick fix wraps each request-derived part of the pattern in
    `re.escape(...)`. It is marked unsafe because clients that relied on
    regex syntax will now be matched literally. If users really must type
    regular expressions, use a linear-time engine such as `google-re2` and
    limit the pattern length.
    """

    id = "SLS128"
    name = "regex-injection"
    title = "Regular expression built from request data"
    cwe = 730
    codeql = ("py/regex-injection",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "regex"
    fixable = True
    calls = frozenset(refuncs.FUNCTIONS)

    VALID = [
        code("""
            import re
            from flask import request

            def search(items):
                rx = re.compile(re.escape(request.args["q"]), re.I)
                return [i for i in items if rx.search(i)]
        """),
        code("""
            import re
            import sys

            def grep(lines):
                rx = re.compile(sys.argv[1])
                return [l for l in lines if rx.search(l)]
        """),
        code("""
            import re

            def matcher(pattern):
                return re.compile(pattern)
        """),
        code(r"""
            import re
            from flask import request

            def find(text):
                return re.search(r"\d+", request.args["text"])
        """),
        # the client's pattern is compiled only to tell them it is malformed: nothing is matched
        code("""
            import re
            from flask import abort, request

            def check_pattern():
                pattern = request.args["pattern"]
                try:
                    re.compile(pattern)
                except re.error:
                    abort(400)
                return {"valid": True}
        """),
    ]
    INVALID = [
        Example(
            code("""
                import re
                from flask import request

                def search(items):
                    rx = re.compile(request.args["q"], re.I)
                    return [i for i in items if rx.search(i)]
            """),
            fixed=code("""
                import re
                from flask import request

                def search(items):
                    rx = re.compile(re.escape(request.args["q"]), re.I)
                    return [i for i in items if rx.search(i)]
            """),
            where='request.args["q"]',
            says="Regular expression built from the Flask request",
        ),
        Example(
            code(r"""
                from re import search

                def view(request, text):
                    word = request.GET["word"]
                    return bool(search(f"\\b{word}\\b", text))
            """),
            fixed=code(r"""
                from re import search
                import re

                def view(request, text):
                    word = request.GET["word"]
                    return bool(search(f"\\b{re.escape(word)}\\b", text))
            """),
            where='f"\\\\b{word}\\\\b"',
            says="Regular expression built from the HTTP request",
        ),
        Example(  # the syntax check passes `(a+)+$`: the search that follows is the sink
            code("""
                import re
                from flask import abort, request

                def matching(lines):
                    pattern = request.args["pattern"]
                    try:
                        re.compile(pattern)
                    except re.error:
                        abort(400)
                    return [line for line in lines if re.search(pattern, line)]
            """),
            fixed=code("""
                import re
                from flask import abort, request

                def matching(lines):
                    pattern = request.args["pattern"]
                    try:
                        re.compile(pattern)
                    except re.error:
                        abort(400)
                    return [line for line in lines if re.search(re.escape(pattern), line)]
            """),
            where="pattern",
            says="Regular expression built from the Flask request",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name not in refuncs.FUNCTIONS:
            return
        pattern = refuncs.pattern_arg(node)
        if pattern is None:
            return
        if name == "re.compile" and isinstance(ctx.parent(node), ast.Expr):
            return  # compiled and thrown away: a syntax check, nothing is matched
        part = ctx.origin(pattern).risk(Sink.REGEX)
        if not web.is_client(part):
            return
        fix = None
        parts = strings.pieces(pattern) if strings.is_built(pattern) else None
        if parts is not None:
            targets = [v for v in strings.values(parts) if web.is_client(ctx.origin(v).risk(Sink.REGEX))]
        else:
            targets = [pattern]
        if targets and all(web.wrappable(ctx, t) for t in targets):
            fix = Fix(
                "Escape the request data with `re.escape`",
                tuple(web.wrap_edits(ctx, targets, "re.escape")),
                safe=False,
                imports=("import re",),
            )
        ctx.report(
            self,
            pattern,
            f"Regular expression built from {part.describe()}: the client can supply a pattern that backtracks for minutes "
            "or matches everything. Escape it with `re.escape(...)`.",
            fix=fix,
            confidence=part.confidence(),
            related=ctx.related_path(part),
        )
