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

# The codes of Ruff's flake8-bandit rules (`ruff rule --all`, ruff 0.17). Ruff numbers them
# after Bandit: S324 is Bandit's B324. A Bandit test Ruff does not implement (B614,
# torch.load) has no Ruff code, so `# noqa: S614` would not name anything Ruff knows.
RUFF_BANDIT_CODES = frozenset(
    "S101 S102 S103 S104 S105 S106 S107 S108 S110 S112 S113 S201 S202 "
    "S301 S302 S303 S304 S305 S306 S307 S308 S310 S311 S312 S313 S314 S315 S316 S317 S318 S319 S320 S321 S323 S324 "
    "S401 S402 S403 S404 S405 S406 S407 S408 S409 S410 S411 S412 S413 S415 "
    "S501 S502 S503 S504 S505 S506 S507 S508 S509 "
    "S601 S602 S603 S604 S605 S606 S607 S608 S609 S610 S611 S612 S701 S702 S704".split()
)


def code(block: str) -> str:
    """An example's source written as an indented triple-quoted block.

    The block opens with a newline right after `code(` and its quotes, its
    lines are indented under the call, and its closing quotes stand on a line
    of their own (the text then ends with a newline). The value is the block
    without that opening newline and without the indentation its lines share,
    so an example reads as the code it is.
    """
    return textwrap.dedent(block.removeprefix("\n"))


@dataclass(frozen=True)
class Example:
    """An example a rule must flag.

    `fixed` is the whole text after applying the rule's fix (None: the rule
    offers no fix for this case). `count` is how many findings of this rule
    the example holds. `where`, when given, is source text the first finding's
    range must cover (where the squiggle lands); `says`, text its message
    must contain.
    """

    code: str
    fixed: str | None = None
    count: int = 1
    path: str = "example.py"
    where: str | None = None
    says: str | None = None


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    title: ClassVar[str]
    cwe: ClassVar[int | None] = None
    severity: ClassVar[Severity] = Severity.MEDIUM
    confidence: ClassVar[Confidence] = Confidence.MEDIUM
    topic: ClassVar[str]
    bandit: ClassVar[tuple[str, ...]] = ()  # Bandit test ids this rule covers
    codeql: ClassVar[tuple[str, ...]] = ()  # CodeQL query ids this rule covers (`py/sql-injection`)
    fixable: ClassVar[bool] = False
    # Files the rule applies to ("python" or "dependencies").
    language: ClassVar[str] = "python"

    # Optional filters for visit_Call: the rule only sees calls whose
    # qualified name is in `calls` ("module." matches a whole module) or whose
    # method name is in `methods`. Declaring them keeps every keystroke cheap.
    calls: ClassVar[frozenset[str]] = frozenset()
    methods: ClassVar[frozenset[str]] = frozenset()
    # ... or whose callee is a plain name in `local_calls`, whatever it is bound to (a
    # parameter, such as a WSGI application's `start_response`).
    local_calls: ClassVar[frozenset[str]] = frozenset()
    # A rule with `visit_Forwarded` (an argument a helper hands on whole to a call the rule
    # watches) names the sink class it judges: a helper that checks its parameter for that class
    # before handing it on (`if is_safe_url(url): return redirect(url)`) forwards nothing to judge.
    forwarded_sink: ClassVar[str | None] = None
    # Rules that are noisy for most projects are opt-in (`select` them).
    default_enabled: ClassVar[bool] = True

    VALID: ClassVar[list[str]] = []
    INVALID: ClassVar[list[Example]] = []

    @classmethod
    def doc(cls) -> str:
        return textwrap.dedent(inspect.getdoc(cls) or "").strip()

    @classmethod
    def ruff(cls) -> tuple[str, ...]:
        """Ruff's codes for the Bandit tests this rule covers (`# noqa: S324` silences it)."""
        codes = ("S" + b[1:] for b in cls.bandit if b[:1].upper() == "B")
        return tuple(dict.fromkeys(c for c in codes if c in RUFF_BANDIT_CODES))

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
