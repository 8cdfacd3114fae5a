"""What a rule is.

A rule is a class in its own module. Its docstring is its documentation
(sections "What it does", "Why is this bad?", "How to fix it"); its class
attributes are its metadata; `VALID` and `INVALID` are code examples that
must not and must be flagged, with the code each INVALID example becomes
after the fix. The examples are the rule's tests and its doc page's examples.

Detection is `visit_<AstNodeType>(self, node, ctx)` methods: the engine
walks each unit's tree once and calls every rule interested in each node.
A rule reports with `ctx.report(self, node, ...)`; `ctx` answers questions
about names, values and source text (see engine/context.py).
"""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass
from typing import ClassVar

from secure_ls.engine.model import Confidence, Severity

DOCS_BASE_URL = "https://github.com/secure-ls/secure-ls/blob/main/docs/rules/"


@dataclass(frozen=True)
class Example:
    """An example a rule must flag.

    `fixed` is the whole text after applying the rule's fix (None: the rule
    offers no fix for this case). `count` is how many findings of this rule
    the example holds.
    """

    code: str
    fixed: str | None = None
    count: int = 1
    path: str = "example.py"


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    title: ClassVar[str]
    cwe: ClassVar[int | None] = None
    severity: ClassVar[Severity] = Severity.MEDIUM
    confidence: ClassVar[Confidence] = Confidence.MEDIUM
    topic: ClassVar[str]
    bandit: ClassVar[tuple[str, ...]] = ()  # Bandit test ids this rule covers
    fixable: ClassVar[bool] = False
    # Files the rule applies to ("python" or "dependencies").
    language: ClassVar[str] = "python"

    # Optional filters for visit_Call: the rule only sees calls whose
    # qualified name is in `calls` ("module." matches a whole module) or whose
    # method name is in `methods`. Declaring them keeps every keystroke cheap.
    calls: ClassVar[frozenset[str]] = frozenset()
    methods: ClassVar[frozenset[str]] = frozenset()
    # Rules that are noisy for most projects are opt-in (`select` them).
    default_enabled: ClassVar[bool] = True

    VALID: ClassVar[list[str]] = []
    INVALID: ClassVar[list[Example]] = []

    @classmethod
    def doc(cls) -> str:
        return textwrap.dedent(inspect.getdoc(cls) or "").strip()

    @classmethod
    def doc_url(cls) -> str:
        return f"{DOCS_BASE_URL}{cls.id}.md"

    @classmethod
    def cwe_url(cls) -> str | None:
        return f"https://cwe.mitre.org/data/definitions/{cls.cwe}.html" if cls.cwe else None

    @classmethod
    def summary(cls) -> str:
        """The doc's "What it does" paragraph, for hovers."""
        return _section(cls.doc(), "What it does") or cls.title

    @classmethod
    def visitors(cls) -> dict[str, str]:
        """AST node type name -> method name, for every visit_<Type> method."""
        return {
            name[len("visit_") :]: name
            for name in dir(cls)
            if name.startswith("visit_") and callable(getattr(cls, name))
        }


def _section(doc: str, heading: str) -> str:
    lines = doc.splitlines()
    out: list[str] = []
    inside = False
    for line in lines:
        if line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip().rstrip("?").lower() == heading.lower()
            continue
        if inside:
            out.append(line)
    return "\n".join(out).strip()


section = _section
