"""SLS109 lxml-resolve-entities."""

from __future__ import annotations

import ast

from secure_ls.engine import taint
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_PARSER_CLASSES = frozenset({"lxml.etree.XMLParser", "lxml.etree.ETCompatXMLParser", "lxml.etree.XMLPullParser"})
# Functions that parse with lxml's default parser unless given one: name -> keyword names of the data.
_DEFAULT_PARSER = {
    "lxml.etree.parse": ("source",), "lxml.etree.fromstring": ("text",), "lxml.etree.XML": ("text",),
    # lxml.objectify has its own default parser, which resolves entities too
    "lxml.objectify.parse": ("f",), "lxml.objectify.fromstring": ("xml",), "lxml.objectify.XML": ("xml",),
}


class LxmlResolveEntities(Rule):
    """
    ## What it does
    Finds lxml parsers that may resolve XML entities: `lxml.etree.XMLParser`
    (and `XMLPullParser`, `ETCompatXMLParser`) created without
    `resolve_entities=False`, or with `no_network=False`; `lxml.etree.iterparse`
    without `resolve_entities=False`; and `lxml.etree.parse`, `fromstring`
    or `XML` given outside data (a web request, a download, a parameter)
    without a parser, which use lxml's default one. A parser left at its
    default is not reported in a workspace whose dependency files allow only
    lxml 5.0 or later (`lxml==5.1.0`, `lxml>=5` in pyproject.toml, a lock
    file): from 5.0 on it resolves internal entities only.

    ## Why is this bad?
    An entity declared as `<!ENTITY x SYSTEM "file:///etc/passwd">` is
    replaced by that file's content when the parser resolves entities, and
    with `no_network=False` also by whatever a URL returns (XXE, CWE-611):
    the document's author reads your files or makes your server send
    requests. lxml resolved all entities by default before version 5.0.

    ## How to fix it
    Create the parser with `resolve_entities=False` (and keep
    `no_network=True`, the default), and pass it to every parse call. The
    quick fix adds `resolve_entities=False` (sets `no_network=True` when it
    was `False`), or passes `parser=etree.XMLParser(resolve_entities=False)`
    to a parse call that had none. Documents that rely on their own
    entities keep them unexpanded, so the fix is offered as unsafe.

    ## References
    - https://lxml.de/FAQ.html#how-do-i-use-lxml-safely-as-a-web-service-endpoint
    - https://lxml.de/api/lxml.etree.XMLParser-class.html
    """

    id = "SLS109"
    name = "lxml-resolve-entities"
    title = "lxml parser resolves XML entities"
    cwe = 611
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "input-validation"
    bandit = ("B320",)
    codeql = ("py/xxe",)
    fixable = True
    calls = _PARSER_CLASSES | frozenset(_DEFAULT_PARSER) | {"lxml.etree.iterparse"}

    VALID = [
        code("""
            from lxml import etree

            PARSER = etree.XMLParser(resolve_entities=False)
        """),
        code("""
            from lxml import etree

            def load(data):
                return etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        """),
        code("""
            from lxml import etree

            def load(data, parser):
                return etree.fromstring(data, parser)
        """),
        code("""
            from lxml import etree

            DOC = etree.fromstring("<a><b/></a>")
        """),
        code("""
            from lxml import etree

            def page():
                return etree.HTMLParser()
        """),
        code("""
            from lxml import etree

            def render(root):
                return etree.tostring(root)
        """),
        code("""
            from lxml import objectify
            from flask import request

            def upload():
                return objectify.fromstring(request.data, objectify.makeparser(resolve_entities=False)).total
        """),
    ]
    INVALID = [
        Example(
            code("""
                from lxml import etree

                parser = etree.XMLParser(remove_blank_text=True)
            """),
            fixed=code("""
                from lxml import etree

                parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
            """),
            where="etree.XMLParser(remove_blank_text=True)",
            says="`XMLParser()` resolves entities by default",
        ),
        Example(
            code("""
                import lxml.etree

                parser = lxml.etree.XMLParser(resolve_entities=False, no_network=False)
            """),
            fixed=code("""
                import lxml.etree

                parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
            """),
            where='lxml.etree.XMLParser(resolve_entities=False, no_network=False)',
            says="`XMLParser()` has no_network=False",
        ),
        Example(
            code("""
                from lxml import etree
                from flask import request

                def upload():
                    doc = etree.fromstring(request.data)
                    return doc.tag
            """),
            fixed=code("""
                from lxml import etree
                from flask import request

                def upload():
                    doc = etree.fromstring(request.data, parser=etree.XMLParser(resolve_entities=False))
                    return doc.tag
            """),
            where="etree.fromstring(request.data)",
            says="`fromstring()` parses the Flask request",
        ),
        # the parser made at module level, used on the request in a view: reported at both
        Example(
            code("""
                from lxml import etree
                from flask import request

                PARSER = etree.XMLParser(resolve_entities=False)
                LOOSE = etree.XMLParser(resolve_entities=True)

                def upload():
                    return etree.fromstring(request.data, LOOSE).tag
            """),
            fixed=code("""
                from lxml import etree
                from flask import request

                PARSER = etree.XMLParser(resolve_entities=False)
                LOOSE = etree.XMLParser(resolve_entities=False)

                def upload():
                    return etree.fromstring(request.data, LOOSE).tag
            """),
            count=2,
            where="etree.XMLParser(resolve_entities=True)",
            says="`XMLParser()` resolves entities",
        ),
        Example(
            code("""
                from lxml import objectify
                from flask import request

                def upload():
                    return objectify.fromstring(request.data).total
            """),
            fixed=code("""
                from lxml import objectify
                from flask import request

                def upload():
                    return objectify.fromstring(request.data, parser=objectify.makeparser(resolve_entities=False)).total
            """),
            where="objectify.fromstring(request.data)",
            says="`fromstring()` parses the Flask request",
        ),
        Example(
            code("""
                from lxml.etree import XMLParser

                p = XMLParser()
            """),
            fixed=code("""
                from lxml.etree import XMLParser

                p = XMLParser(resolve_entities=False)
            """),
            where="XMLParser()",
            says="`XMLParser()` resolves entities by default",
        ),
        Example(
            code("""
                from lxml import etree

                def events(stream):
                    return etree.iterparse(stream, events=("end",))
            """),
            fixed=code("""
                from lxml import etree

                def events(stream):
                    return etree.iterparse(stream, events=("end",), resolve_entities=False)
            """),
            where='etree.iterparse(stream, events=("end",))',
            says="`iterparse()` resolves entities by default",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        if name in _PARSER_CLASSES or name == "lxml.etree.iterparse":
            self._check_options(node, name, ctx)
        elif name in _DEFAULT_PARSER:
            self._check_default_parser(node, name, ctx)

    def _check_options(self, node: ast.Call, name: str, ctx) -> None:
        if ts.has_star_kwargs(node):
            return
        resolve = ts.keyword(node, "resolve_entities")
        network = ts.keyword(node, "no_network")
        resolves = resolve is None and not _internal_by_default(ctx) or resolve is not None and (
            isinstance(resolve.value, ast.Constant) and resolve.value.value not in (False, "internal")
        )
        if resolve is not None and not isinstance(resolve.value, ast.Constant):
            resolves = False  # decided elsewhere
        networked = network is not None and isinstance(network.value, ast.Constant) and network.value.value is False
        if not resolves and not networked:
            return
        part = None
        if name == "lxml.etree.iterparse":
            data = ts.argument(node, 0, ("source",))
            part = ts.data_origin(data, ctx, Sink.XML) if data is not None else None
            if part is None or part.kind == taint.UNKNOWN:
                return  # a constant or internal file
        edits = []
        if resolves:
            edits.append(ctx.set_keyword(node, "resolve_entities", "False"))
        if networked:
            edits.append(ctx.set_keyword(node, "no_network", "True"))
        short = name.rsplit(".", 1)[-1]
        if networked and resolves:
            what = "resolves entities and may fetch them from the network"
        elif networked:
            what = "has no_network=False: entities can be fetched from any URL"
        else:
            what = "resolves entities" if resolve is not None else "resolves entities by default (lxml < 5)"
        explicit = networked or resolve is not None
        if part is not None:
            confidence = Confidence.HIGH if ts.is_remote(part) and explicit else Confidence.MEDIUM if ts.is_remote(part) or explicit else Confidence.LOW
        else:
            confidence = Confidence.MEDIUM if explicit else Confidence.LOW
        ctx.report(
            self,
            node,
            f"`{short}()` {what}: a document can make it read local files (XXE). Pass resolve_entities=False.",
            fix=Fix("Turn off entity resolution", tuple(edits), safe=False),
            confidence=confidence,
            related=ctx.related_path(part),
        )

    def _check_parser_use(self, node: ast.Call, name: str, data: ast.expr, parser: ast.expr, ctx) -> None:
        """Client data parsed with a parser made to resolve entities (in this function or at module level):
        the attack is here, where the two meet, whatever the parser's own finding says."""
        options = _parser_options(parser, ctx)
        if options is None or not (_resolves(options) or options.get("no_network") is False):
            return
        part = ts.data_origin(data, ctx, Sink.XML)
        if not ts.is_remote(part):
            return
        ctx.report(
            self,
            node,
            f"`{name.rsplit('.', 1)[-1]}()` parses {ts.phrase(part, ts.short(ctx, data))} with `{ctx.text(parser)}`, which resolves "
            "entities: the client's document can read local files (XXE). Create that parser with resolve_entities=False.",
            confidence=Confidence.HIGH,
            related=ctx.related_path(part),
        )

    def _check_default_parser(self, node: ast.Call, name: str, ctx) -> None:
        parser = ts.argument(node, 1, ("parser",))
        if ts.has_star_kwargs(node):
            return
        data = ts.argument(node, 0, _DEFAULT_PARSER[name])
        if data is None:
            return
        if parser is not None:
            self._check_parser_use(node, name, data, parser, ctx)
            return
        part = ts.data_origin(data, ctx, Sink.XML)
        if part is None or part.kind == taint.UNKNOWN or (part.kind == taint.PARAM and part.label in ("self", "cls")):
            return
        if _internal_by_default(ctx):
            return
        func = node.func
        imports: tuple[str, ...] = ()
        module = name.rsplit(".", 1)[0]  # lxml.etree or lxml.objectify
        if isinstance(func, ast.Attribute) and ctx.qualified_name(func.value) == module:
            prefix = ctx.text(func.value) + "."
        else:
            prefix = module + "."
            imports = (f"import {module}",)
        # objectify needs a parser of its own kind to build objectify elements
        maker = "makeparser" if module == "lxml.objectify" else "XMLParser"
        fix = Fix(
            "Parse with resolve_entities=False",
            (ctx.set_keyword(node, "parser", f"{prefix}{maker}(resolve_entities=False)"),),
            safe=False,
            imports=imports,
        )
        short = name.rsplit(".", 1)[-1]
        ctx.report(
            self,
            node,
            f"`{short}()` parses {ts.phrase(part, ts.short(ctx, data))} with lxml's default parser, which resolves entities "
            "before lxml 5: pass parser=XMLParser(resolve_entities=False).",
            fix=fix,
            confidence=Confidence.MEDIUM if ts.is_remote(part) else Confidence.LOW,
            related=ctx.related_path(part),
        )


def _parser_options(parser: ast.expr, ctx) -> dict | None:
    """The constant keywords an lxml parser was created with (here, or at the module's top level)."""
    made = ts.single_value(parser, ctx) if isinstance(parser, ast.Name) else parser
    if isinstance(made, ast.Call) and ctx.call_name(made) in _PARSER_CLASSES:
        return {kw.arg: kw.value.value for kw in made.keywords if kw.arg and isinstance(kw.value, ast.Constant)}
    if isinstance(parser, ast.Name) and ctx.module_made_by(parser) in _PARSER_CLASSES:
        return dict(ctx.module.made_with.get(parser.id, ()))
    return None


def _internal_by_default(ctx) -> bool:
    """The project declares lxml 5.0 or later (engine/declared_versions), whose parsers resolve
    internal entities only unless told otherwise."""
    declared = ctx.module.declared_versions
    return declared is not None and declared.at_least("lxml", "5.0")


def _resolves(options: dict) -> bool:
    """Explicitly told to resolve entities (not lxml's default, which changed in lxml 5)."""
    return "resolve_entities" in options and options["resolve_entities"] not in (False, "internal")

