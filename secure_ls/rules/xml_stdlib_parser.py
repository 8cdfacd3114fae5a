"""SLS108 xml-stdlib-parser."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, taint
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules._support import web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

# stdlib parse function -> (defusedxml module, index and keyword names of the data argument)
_PARSERS: dict[str, tuple[str, int, tuple[str, ...]]] = {}
for _etree in ("xml.etree.ElementTree", "xml.etree.cElementTree"):
    for _func, _kw in (("parse", ("source",)), ("iterparse", ("source",)), ("fromstring", ("text",)), ("XML", ("text",))):
        _PARSERS[f"{_etree}.{_func}"] = ("defusedxml.ElementTree", 0, _kw)
for _dom in ("minidom", "pulldom", "expatbuilder"):
    _PARSERS[f"xml.dom.{_dom}.parse"] = (f"defusedxml.{_dom}", 0, ("file", "stream_or_string"))
    _PARSERS[f"xml.dom.{_dom}.parseString"] = (f"defusedxml.{_dom}", 0, ("string",))
_PARSERS["xml.sax.parse"] = ("defusedxml.sax", 0, ("source",))
_PARSERS["xml.sax.parseString"] = ("defusedxml.sax", 0, ("string",))
# Incremental parsers: the document arrives through `parser.feed(chunk)`, the sink. defusedxml
# has no XMLPullParser, so no fix is offered.
_INCREMENTAL = frozenset(
    f"{module}.{cls}" for module in ("xml.etree.ElementTree", "xml.etree.cElementTree") for cls in ("XMLParser", "XMLPullParser")
)
# Parser factories: reported only when the code turns on external entities.
_FACTORIES = {"xml.sax.make_parser": "defusedxml.sax", "xml.sax.expatreader.create_parser": "defusedxml.expatreader"}
_EXTERNAL_FEATURES = frozenset(
    {
        "xml.sax.handler.feature_external_ges",
        "xml.sax.handler.feature_external_pes",
        "http://xml.org/sax/features/external-general-entities",
        "http://xml.org/sax/features/external-parameter-entities",
    }
)


class XmlStdlibParser(Rule):
    """
    ## What it does
    Finds XML from outside the program parsed with the standard library:
    `xml.etree.ElementTree` (and `cElementTree`) `parse`, `iterparse`,
    `fromstring`, `XML`; `xml.dom.minidom`, `pulldom` and `expatbuilder`
    `parse`/`parseString`; `xml.sax.parse`/`parseString`; the chunks fed
    to an ElementTree `XMLParser`/`XMLPullParser` (`parser.feed(chunk)`,
    no quick fix: defusedxml has no pull parser). Also a
    `xml.sax.make_parser()` parser on which the code turns on external
    entities.

    Recent Pythons linked against Expat 2.4.1 or later resist the classic
    entity-expansion attacks and do not fetch external entities, so only
    data from a web request, a download, a parameter or standard input is
    reported, at medium confidence at most. A SAX parser with
    `feature_external_ges` turned on reads local files and URLs named by
    the document: that is reported with high confidence whatever the data.

    ## Why is this bad?
    Entity declarations let a small document expand to gigabytes ("billion
    laughs", CWE-776), and external entities make the parser read files or
    URLs the document names (XXE, CWE-611). Which of these the standard
    library resists depends on the Python and Expat versions the code runs
    with, not on the code.

    ## How to fix it
    Use `defusedxml`, which has the same functions and rejects these
    constructs whatever the versions: the quick fix calls
    `defusedxml.ElementTree.fromstring(...)` (and so on) instead and adds
    the import. Documents with entity declarations then raise an error, so
    the fix is offered as unsafe.

    ## References
    - https://docs.python.org/3/library/xml.html#xml-vulnerabilities
    - https://pypi.org/project/defusedxml/
    """

    id = "SLS108"
    name = "xml-stdlib-parser"
    title = "Untrusted XML parsed with the standard library"
    cwe = 611
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "input-validation"
    bandit = ("B313", "B314", "B315", "B316", "B317", "B318", "B319")
    codeql = ("py/xml-bomb",)
    fixable = True
    calls = frozenset(_PARSERS) | frozenset(_FACTORIES)
    methods = frozenset({"parse", "feed"})

    VALID = [
        code("""
            import xml.etree.ElementTree as ET

            TREE = ET.fromstring("<config><debug>false</debug></config>")
        """),
        code("""
            import defusedxml.ElementTree as ET
            from flask import request

            def upload():
                return ET.fromstring(request.data)
        """),
        code("""
            import xml.etree.ElementTree as ET

            def build():
                root = ET.Element("root")
                return ET.tostring(root)
        """),
        code("""
            import xml.sax

            def make(handler):
                parser = xml.sax.make_parser()
                parser.setContentHandler(handler)
                return parser
        """),
        code("""
            import xml.etree.ElementTree as ET

            def read_settings():
                return ET.parse("settings.xml").getroot()
        """),
    ]
    INVALID = [
        Example(  # an incremental parser: the chunks it is fed are the document
            code("""
                import xml.etree.ElementTree as ET
                from flask import request

                def ingest():
                    parser = ET.XMLPullParser(["end"])
                    parser.feed(request.get_data())
                    return [elem.tag for _, elem in parser.read_events()]
            """),
            where="parser.feed(request.get_data())",
            says="parsed with `xml.etree.ElementTree.XMLPullParser`",
        ),
        Example(
            code("""
                import xml.etree.ElementTree as ET
                from flask import request

                def upload():
                    root = ET.fromstring(request.data)
                    return root.tag
            """),
            fixed=code("""
                import xml.etree.ElementTree as ET
                from flask import request
                import defusedxml.ElementTree

                def upload():
                    root = defusedxml.ElementTree.fromstring(request.data)
                    return root.tag
            """),
            where="ET.fromstring(request.data)",
            says="XML from the Flask request",
        ),
        Example(
            code("""
                from xml.dom import minidom

                def load(document):
                    return minidom.parseString(document)
            """),
            fixed=code("""
                from xml.dom import minidom
                import defusedxml.minidom

                def load(document):
                    return defusedxml.minidom.parseString(document)
            """),
            where="minidom.parseString(document)",
            says="XML from the parameter `document` parsed with `xml.dom.minidom.parseString`",
        ),
        Example(
            code("""
                from xml.etree.ElementTree import parse
                import requests

                def feed(url):
                    response = requests.get(url, stream=True)
                    return parse(response.raw)
            """),
            fixed=code("""
                from xml.etree.ElementTree import parse
                import requests
                import defusedxml.ElementTree

                def feed(url):
                    response = requests.get(url, stream=True)
                    return defusedxml.ElementTree.parse(response.raw)
            """),
            where="parse(response.raw)",
            says="XML from an HTTP response",
        ),
        Example(
            code("""
                import xml.sax
                from xml.sax.handler import feature_external_ges

                def reader(handler):
                    parser = xml.sax.make_parser()
                    parser.setFeature(feature_external_ges, True)
                    parser.setContentHandler(handler)
                    return parser
            """),
            fixed=code("""
                import xml.sax
                from xml.sax.handler import feature_external_ges
                import defusedxml.sax

                def reader(handler):
                    parser = defusedxml.sax.make_parser()
                    parser.setFeature(feature_external_ges, True)
                    parser.setContentHandler(handler)
                    return parser
            """),
            where="xml.sax.make_parser()",
            says="This SAX parser has external entities turned on",
        ),
        # the request's body parsed by that parser: reported where they meet too
        Example(
            code("""
                import xml.sax
                from flask import request
                from xml.sax.handler import feature_external_ges

                def upload(handler):
                    parser = xml.sax.make_parser()
                    parser.setFeature(feature_external_ges, True)
                    parser.setContentHandler(handler)
                    parser.parse(request.stream)
            """),
            fixed=code("""
                import xml.sax
                from flask import request
                from xml.sax.handler import feature_external_ges
                import defusedxml.sax

                def upload(handler):
                    parser = defusedxml.sax.make_parser()
                    parser.setFeature(feature_external_ges, True)
                    parser.setContentHandler(handler)
                    parser.parse(request.stream)
            """),
            count=2,
            where="xml.sax.make_parser()",
            says="This SAX parser has external entities turned on",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        if name not in _PARSERS and isinstance(node.func, ast.Attribute) and node.func.attr == "parse":
            self._check_sax_parse(node, ctx)
            return
        if isinstance(node.func, ast.Attribute) and node.func.attr == "feed":
            made = ts.single_value(node.func.value, ctx)  # `parser = ET.XMLPullParser(...)`, or the call itself
            if isinstance(made, ast.Call) and ctx.call_name(made) in _INCREMENTAL:
                self._check_data(node, ts.argument(node, 0, ("data",)), ctx.call_name(made), None, ctx)
            return
        if name in _FACTORIES:
            if self._enables_external_entities(node, ctx):
                fix = self._fix(node, _FACTORIES[name], name, ctx)
                ctx.report(
                    self,
                    node,
                    "This SAX parser has external entities turned on: a document can make it read local files or fetch URLs (XXE). "
                    "Leave feature_external_ges off, or use defusedxml.",
                    fix=fix,
                    severity=Severity.HIGH,
                    confidence=Confidence.HIGH,
                )
            return
        if name not in _PARSERS:
            return
        module, index, names = _PARSERS[name]
        self._check_data(node, ts.argument(node, index, names), name, module, ctx)

    def _check_data(self, node: ast.Call, data: ast.expr | None, name: str, module: str | None, ctx) -> None:
        """XML from outside parsed by the standard library's parser `name` (`module`: defusedxml's
        replacement, None when it has none)."""
        if data is None:
            return
        part = ts.data_origin(data, ctx, Sink.XML)
        if part is None or part.kind == taint.UNKNOWN or ts.is_self_attribute(data):
            return
        if part.kind == taint.PARAM and (part.label in ("self", "cls") or ctx.in_test_code(node)):
            return
        confidence = Confidence.MEDIUM if ts.is_remote(part) else Confidence.LOW
        func = name.rsplit(".", 1)[-1]
        advice = f"Use {module}.{func}() instead." if module else "Parse it with defusedxml (defusedxml.ElementTree.XMLParser) instead."
        ctx.report(
            self,
            node,
            f"XML from {ts.phrase(part, ts.short(ctx, data))} parsed with `{name}`: entity declarations can exhaust memory "
            f"or read files on some Python/Expat versions. {advice}",
            fix=self._fix(node, module, name, ctx) if module else None,
            confidence=confidence,
            related=ctx.related_path(part),
        )

    def _check_sax_parse(self, node: ast.Call, ctx) -> None:
        """`parser.parse(request.stream)` with a SAX parser that has external entities on:
        where the client's document meets it (the factory call has its own finding)."""
        parser = node.func.value
        made = ts.single_value(parser, ctx) if isinstance(parser, ast.Name) else None
        if not (isinstance(made, ast.Call) and ctx.call_name(made) in _FACTORIES and self._enables_external_entities(made, ctx)):
            return
        data = ts.argument(node, 0, ("source",))
        part = ts.data_origin(data, ctx, Sink.XML) if data is not None else None
        if not ts.is_remote(part):
            return
        ctx.report(
            self,
            node,
            f"{web.upper_first(ts.phrase(part, ts.short(ctx, data)))} is parsed by a SAX parser with "
            "external entities turned on: the client's document can read local files or fetch URLs (XXE).",
            severity=Severity.HIGH,
            confidence=Confidence.HIGH,
            related=ctx.related_path(part),
        )

    def _fix(self, node: ast.Call, module: str, name: str, ctx) -> Fix:
        func = name.rsplit(".", 1)[-1]
        return Fix(
            f"Use {module}.{func}()",
            (ctx.replace(node.func, f"{module}.{func}"),),
            safe=False,
            imports=(f"import {module}",),
        )

    def _enables_external_entities(self, node: ast.Call, ctx) -> bool:
        scope = ctx.enclosing_function(node) or ctx.tree
        for call in astutil.walk(scope):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "setFeature"):
                continue
            if len(call.args) != 2 or not (isinstance(call.args[1], ast.Constant) and call.args[1].value):
                continue
            feature = call.args[0]
            if (ctx.qualified_name(feature) or "") in _EXTERNAL_FEATURES or ctx.string_value(feature) in _EXTERNAL_FEATURES:
                return True
        return False
