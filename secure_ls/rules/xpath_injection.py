"""SLS124 xpath-injection."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil, frameworks, taint
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import strings, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_COMPILED = frozenset({"lxml.etree.XPath", "lxml.etree.ETXPath"})
# Take a document; the evaluator they return is called with the expression: `find = XPathEvaluator(doc); find(expr)`.
_EVALUATORS = frozenset({"lxml.etree.XPathEvaluator", "lxml.etree.XPathDocumentEvaluator", "lxml.etree.XPathElementEvaluator"})
_ELEMENTTREE_METHODS = frozenset({"find", "findall", "iterfind", "findtext"})
# elementpath (XPath 2/3 on ElementTree and lxml): function -> index of the path argument
_SELECTORS = {"elementpath.select": 1, "elementpath.iter_select": 1, "elementpath.Selector": 0}
_XML_MODULES = ("xml.etree", "lxml", "defusedxml")


class XPathInjection(Rule):
    """
    ## What it does
    Finds XPath expressions built from non-constant data with f-strings,
    `%`, `.format()` or `+`: lxml's `.xpath()` and `etree.XPath()`, elementpath's `select()`, and
    ElementTree's `find`/`findall`/`iterfind`/`findtext` when the value is
    inserted into a predicate (`[@name='...']`). A parameter put into a
    query by a function that also runs another parameter as a whole query
    (`root.xpath(formxpath)`) is its caller's query text: the audit tier;
    so is a parameter put in as a location step (`root.xpath("//" + tag)`,
    outside any predicate or quoted literal), which names the elements the
    caller wants, while the client's text there is reported. A parameter put
    into ElementTree's path is the audit tier too: that language has no
    `or`, union or function, so a closed quote can only add a predicate
    (fewer matches) or fail to parse; the client's text there is reported.

    ## Why is this bad?
    A value such as `' or '1'='1` closes the quoted string and rewrites the
    query: `//user[@name='{name}' and @password='{pw}']` then matches every
    user, which bypasses a login check or leaks the whole document.

    ## How to fix it
    With lxml, pass values as XPath variables:
    `tree.xpath("//user[@name=$name]", name=value)`. lxml quotes them
    correctly whatever they contain. The quick fix does this when every
    inserted value sits alone inside quotes. ElementTree has no variables:
    loop over `findall("user")` and compare `el.get("name") == value` in
    Python instead.
    """

    id = "SLS124"
    name = "xpath-injection"
    title = "XPath expression built from non-constant data"
    cwe = 643
    codeql = ("py/xpath-injection",)
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "injection"
    fixable = True
    calls = _COMPILED | _EVALUATORS | frozenset(_SELECTORS)
    methods = frozenset({"xpath"}) | _ELEMENTTREE_METHODS

    VALID = [
        # a doubled quote cannot close the literal (XPath 2's escape)
        code("""
            import elementpath
            from flask import request

            def books(root):
                author = request.args["a"].replace("'", "''")
                return elementpath.select(root, f"//book[author = '{author}']")
        """),
        code("""
            from lxml import etree

            def find(tree, name):
                return tree.xpath("//user[@name=$name]", name=name)
        """),
        code("""
            import xml.etree.ElementTree as ET
            NS = "{http://www.w3.org/2005/Atom}"

            def entries(root, tag):
                return root.findall(f".//{NS}{tag}")
        """),
        code("""
            from lxml import etree
            COLUMN = "price"

            def prices(tree):
                return tree.xpath(f"//item/{COLUMN}/text()")
        """),
        code("""
            def find(text, word):
                return text.find(f"[{word}]")
        """),
        code("""
            from lxml import etree
            from flask import request

            def isbn(doc):
                find = etree.XPathEvaluator(doc)
                return find("//book[title=$t]/@isbn", t=request.args["title"])
        """),
    ]
    INVALID = [
        Example(  # elementpath: the path is the second argument
            code("""
                import elementpath
                from flask import request

                def books(root):
                    isbn = request.args["isbn"]
                    return elementpath.select(root, f"//book[@isbn='{isbn}']/title")
            """),
            where='f"//book[@isbn=\'{isbn}\']/title"',
            says="XPath expression built from the Flask request `isbn`",
        ),
        Example(
            code("""
                from lxml import etree
                from flask import request

                def login(tree):
                    name = request.form["name"]
                    return tree.xpath(f"//user[@name='{name}']/@role")
            """),
            fixed=code("""
                from lxml import etree
                from flask import request

                def login(tree):
                    name = request.form["name"]
                    return tree.xpath("//user[@name=$name]/@role", name=name)
            """),
            where='f"//user[@name=\'{name}\']/@role"',
            says="XPath expression built from the Flask request `name`",
        ),
        Example(
            code("""
                from lxml import etree
                from flask import request

                def isbn(doc):
                    find = etree.XPathEvaluator(doc)
                    title = request.args["title"]
                    return find(f"//book[title='{title}']/@isbn")
            """),
            fixed=code("""
                from lxml import etree
                from flask import request

                def isbn(doc):
                    find = etree.XPathEvaluator(doc)
                    title = request.args["title"]
                    return find("//book[title=$title]/@isbn", title=title)
            """),
            where='f"//book[title=\'{title}\']/@isbn"',
            says="XPath expression built from the Flask request `title`",
        ),
        Example(
            code(r"""
                from lxml import etree

                def check(doc, user, pw):
                    return doc.xpath("//user[@name=\"%s\" and @pw=\"%s\"]" % (user, pw))
            """),
            fixed=code("""
                from lxml import etree

                def check(doc, user, pw):
                    return doc.xpath("//user[@name=$user and @pw=$pw]", user=user, pw=pw)
            """),
            where='"//user[@name=\\"%s\\" and @pw=\\"%s\\"]" % (user, pw)',
            says="XPath expression built from the parameter `user`",
        ),
        Example(
            code("""
                import xml.etree.ElementTree as ET

                def lookup(root, request):
                    return root.find(".//book[@isbn='" + request.GET["isbn"] + "']")
            """),
            where='".//book[@isbn=\'" + request.GET["isbn"] + "\']"',
            says='XPath expression built from the HTTP request `request.GET["isbn"]`',
        ),
        Example(
            code("""
                from lxml import etree

                def compile_query(field):
                    return etree.XPath(f"//record[@id='{field}']")
            """),
            where='f"//record[@id=\'{field}\']"',
            says="XPath expression built from the parameter `field`",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        kind = None
        name = ctx.call_name(node) or ""
        if name in _EVALUATORS:
            for call in _calls_of_evaluator(node, ctx):
                self._check(call, "xpath", ctx)
            return
        if name in _SELECTORS:
            self._check(node, "select", ctx, _SELECTORS[name])
            return
        if name in _COMPILED:
            kind = "compiled"
        elif isinstance(func, ast.Attribute) and func.attr == "xpath" and ctx.imports("lxml"):
            kind = "xpath"
        elif isinstance(func, ast.Attribute) and func.attr in _ELEMENTTREE_METHODS and any(ctx.imports(m) for m in _XML_MODULES):
            kind = "find"
        if kind is not None:
            self._check(node, kind, ctx)

    def _check(self, node: ast.Call, kind: str, ctx, index: int = 0) -> None:
        expr = web.argument(node, index, ("path", "_path"))
        if expr is None:
            return
        built, via = web.built_value(ctx, expr, Sink.XPATH)
        if not strings.is_built(built):
            return
        parts = strings.pieces(built)
        if parts is None:
            if kind == "find":
                return
            values = [built]
        else:
            values = strings.values(parts)
        unsafe = [v for v in values if ctx.origin(v).risk(Sink.XPATH) is not None]
        if not unsafe:
            return
        if kind == "find" and not _in_predicate(parts, unsafe):
            return
        if kind == "xpath" and parts is not None and "/" not in strings.literal_text(parts) and "[" not in strings.literal_text(parts):
            return
        part, worst = web.worst_value(ctx, unsafe, Sink.XPATH)
        fix = None
        if kind == "xpath" and built is expr and parts is not None and len(unsafe) == len(values):
            fix = _variables_fix(node, built, parts, ctx)
        ctx.report(
            self,
            expr,
            f"XPath expression built from {web.describe_value(ctx, part, worst)}: a quote in the value rewrites the query. "
            + ("Pass it as an XPath variable (`xpath(\"...[@a=$v]\", v=value)`)." if kind != "find" else "Compare the attribute in Python instead."),
            fix=fix,
            # ElementTree's path language has no `or`, union or function: a quote closed there can only add a predicate
            # (fewer matches) or fail to parse, so a helper's parameter put in is the audit tier
            confidence=Confidence.LOW if _callers_query_text(node, parts, unsafe, part, ctx) or kind == "find" and part.kind == taint.PARAM else part.confidence(),
            related=ctx.related_path(part),
        )


def _callers_query_text(node: ast.Call, parts, unsafe: list[ast.expr], part, ctx) -> bool:
    """Whether the caller's parameter is query text its caller writes rather than data put into
    a query: the function also runs another parameter as a whole query, or each value is put in
    as a location step (`"//" + nodename`: the caller names the elements to select), outside
    any predicate or quoted literal, where a quote has nothing to close."""
    if part is None or part.kind != taint.PARAM:
        return False
    return _evaluates_callers_queries(node, ctx) or parts is not None and all(_plain(v) for v in unsafe) and _outside_literals_and_predicates(parts, unsafe)


def _plain(value: ast.expr) -> bool:
    """A value whose own literal text (`f"{prefix}:{name}"`) opens no predicate nor quoted literal."""
    return not any(isinstance(n, ast.Constant) and isinstance(n.value, str) and set(n.value) & set("[]'\"") for n in astutil.walk(value))


def _outside_literals_and_predicates(parts, unsafe: list[ast.expr]) -> bool:
    depth, quote = 0, None
    for piece in parts:
        if isinstance(piece, strings.Literal):
            for char in piece.text:
                if quote is not None:
                    quote = None if char == quote else quote
                elif char in "'\"":
                    quote = char
                elif char in "[]":
                    depth += 1 if char == "[" else -1
        elif any(piece.node is u for u in unsafe) and (depth > 0 or quote is not None):
            return False
    return True


def _evaluates_callers_queries(node: ast.Call, ctx) -> bool:
    """`root.xpath(formxpath)` in the same function, `formxpath` one of its parameters: the function
    runs whole queries its caller writes, so a parameter put into another query is the caller's
    query text too (scrapy's `_get_form(response, formname, formid, formnumber, formxpath)`)."""
    func = ctx.enclosing_function(node)
    if func is None:
        return False
    params = {a.arg for a in frameworks.all_args(func.args)} - {"self", "cls"}
    return any(
        isinstance(call, ast.Call) and call is not node and astutil.last_name(call.func) == "xpath"
        and call.args and isinstance(call.args[0], ast.Name) and call.args[0].id in params
        for call in astutil.walk(func)
    )


def _calls_of_evaluator(made: ast.Call, ctx) -> list[ast.Call]:
    """The calls, in the same scope, of the name an XPath evaluator is assigned to."""
    statement = ctx.parent(made)
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
        return []
    name = statement.targets[0].id
    return [
        n for n in ast.walk(web.function_body(ctx, made))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
    ]


def _in_predicate(parts, unsafe) -> bool:
    depth = 0
    for piece in parts:
        if isinstance(piece, strings.Literal):
            depth += piece.text.count("[") - piece.text.count("]")
        elif any(piece.node is u for u in unsafe) and depth > 0:
            return True
    return False


def _variables_fix(call: ast.Call, built: ast.expr, parts, ctx) -> Fix | None:
    existing = {k.arg for k in call.keywords}
    if any(k.arg is None for k in call.keywords):
        return None
    text = ""
    names: list[tuple[str, str]] = []
    pending_quote = None
    for index, piece in enumerate(parts):
        if isinstance(piece, strings.Literal):
            chunk = piece.text
            if pending_quote is not None:
                if not chunk.startswith(pending_quote):
                    return None
                chunk = chunk[1:]
                pending_quote = None
            if index + 1 < len(parts):
                if not chunk or chunk[-1] not in "'\"":
                    return None
                pending_quote = chunk[-1]
                chunk = chunk[:-1]
            text += chunk
        else:
            if pending_quote is None or not web.wrappable(ctx, piece.node):
                return None
            hint = astutil.last_name(piece.node) or "value"
            key = re.sub(r"\W", "_", hint)
            used = {n for n, _ in names} | existing
            if key in used or not key.isidentifier() or key in ("smart_strings", "namespaces", "extensions"):
                key = f"v{len(names) + 1}"
                if key in used:
                    return None
            names.append((key, ctx.text(piece.node)))
            text += "$" + key
    if pending_quote is not None:
        return None
    quote = strings.quote_of(ctx.text(built)) if not isinstance(built, ast.BinOp) else '"'
    arguments = list(call.args) + list(call.keywords)
    last = max(arguments, key=lambda n: (n.end_lineno, n.end_col_offset))
    edits = (
        ctx.replace(built, strings.python_literal(text, quote)),
        ctx.insert_after(last, "".join(f", {k}={v}" for k, v in names)),
    )
    return Fix("Pass the values as XPath variables", edits, safe=True)
