"""SLS901 vulnerable-dependency and SLS902 vulnerable-dependency-range.

Detection lives in secure_ls.deps (it reads requirements files, pyproject.toml
and lock files, not Python); these classes carry the rules' metadata and
documentation so hovers, SARIF and the rule docs treat them like any other.
"""

from __future__ import annotations

from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules.base import Example, Rule


class VulnerableDependency(Rule):
    """
    ## What it does
    Finds dependencies pinned to a version with a published vulnerability,
    in `requirements*.txt` / `constraints*.txt`, `pyproject.toml` (PEP 621,
    Poetry, PEP 735 dependency groups) and lock files (`uv.lock`,
    `poetry.lock`, `pylock.toml`). Advisories come from OSV (the
    vulnerability database behind PyPI's, GitHub's and Google's advisories),
    cached on disk, or from a local directory of OSV records for offline use.

    ## Why is this bad?
    A known-vulnerable package is as dangerous as a bug in your own code, and
    easier to exploit: the advisory tells attackers exactly what to send
    (CWE-1395). No linter of Python code sees the file that declares it.

    ## How to fix it
    Upgrade to the lowest version that fixes every listed advisory. The quick
    fix rewrites the pin and keeps the rest of the line (extras, markers,
    comments); in requirements files it also drops that line's `--hash`
    options, which no longer match. It is marked unsafe: an upgrade can
    change behaviour, so run your tests. For lock files the message gives
    the command that upgrades the package (`uv lock --upgrade-package X`).
    """

    id = "SLS901"
    name = "vulnerable-dependency"
    title = "Dependency pinned to a known-vulnerable version"
    cwe = 1395
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "dependencies"
    language = "dependencies"
    fixable = True
    VALID = ["requests==2.32.3\n"]
    INVALID = [Example("requests==2.19.0\n", fixed="requests==2.32.0\n", path="requirements.txt")]


class VulnerableDependencyRange(Rule):
    """
    ## What it does
    Finds requirements whose allowed version range starts at known-vulnerable
    versions (`django>=3.0`, `jinja2~=2.10`, an unpinned `pyyaml`), so a fresh
    install or an old lock can pick one.

    ## Why is this bad?
    The range lets a resolver, or a stale environment, keep a vulnerable
    version even though fixed versions exist (CWE-1395). It is reported at
    lower severity than an exact vulnerable pin because newer installs may
    resolve past the vulnerable versions.

    ## How to fix it
    Raise the lower bound to the lowest fixed version
    (`django>=4.2.16`), keeping any upper bound. The quick fix does that; it
    is marked unsafe because the upgrade can change behaviour, so run your
    tests.
    """

    id = "SLS902"
    name = "vulnerable-dependency-range"
    title = "Requirement range admits known-vulnerable versions"
    cwe = 1395
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "dependencies"
    language = "dependencies"
    fixable = True
    VALID = ["requests>=2.32.3\n"]
    INVALID = [Example("requests>=2.0\n", fixed="requests>=2.32.0\n", path="requirements.txt")]
