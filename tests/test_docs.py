"""The generated rule docs (docs/rules/) match the rules.

When one of these fails, run `python -m secure_ls.docs` and commit the result.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from secure_ls import docs
from secure_ls.rules import all_rules

RULES_DIR = docs.DOCS_DIR
REGENERATE = "run `python -m secure_ls.docs` to regenerate docs/rules/"


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return docs.expected_pages()


def test_every_rule_has_a_page():
    missing = [r.id for r in all_rules() if not (RULES_DIR / f"{r.id}.md").is_file()]
    assert not missing, f"rules without a page in docs/rules: {missing}; {REGENERATE}"
    assert (RULES_DIR / docs.INDEX).is_file(), f"docs/rules/{docs.INDEX} is missing; {REGENERATE}"


def test_no_page_for_a_rule_that_no_longer_exists(pages):
    orphans = sorted(p.name for p in RULES_DIR.glob("*.md") if p.name not in pages)
    assert not orphans, f"docs/rules has pages for rules that do not exist: {orphans}; {REGENERATE} (it deletes them)"


def test_pages_are_up_to_date(pages):
    stale = [name for name, content in pages.items() if (RULES_DIR / name).is_file() and (RULES_DIR / name).read_text(encoding="utf-8") != content]
    assert not stale, f"out-of-date pages in docs/rules: {stale}; {REGENERATE}"


def test_doc_urls_point_at_the_pages():
    for rule in all_rules():
        assert rule.doc_url().endswith(f"/docs/rules/{rule.id}.md"), rule.doc_url()


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors."""
    text = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in re.findall(r"^#+ (.*)$", text, re.MULTILINE)}


def test_links_resolve(pages):
    index = pages[docs.INDEX]
    targets = set(re.findall(r"\]\(([A-Z]+\d+\.md)\)", index))
    assert targets == {f"{r.id}.md" for r in all_rules()}
    for name, content in pages.items():
        for link in re.findall(r"\]\(([^)\s]+)\)", re.sub(r"```.*?```", "", content, flags=re.DOTALL)):
            if link.startswith(("http://", "https://")):
                continue
            path, _, anchor = link.partition("#")
            if not path:
                text = content
            elif path in pages:
                text = pages[path]
            else:
                target = RULES_DIR / path
                assert target.is_file(), f"docs/rules/{name} links to {link}, which does not exist"
                text = target.read_text(encoding="utf-8")
            if anchor:
                assert anchor in _anchors(text), f"docs/rules/{name} links to {link}: no such heading"


def test_pages_show_the_rule(pages):
    for rule in all_rules():
        page = pages[f"{rule.id}.md"]
        assert page.startswith(docs._MARKER)
        assert f"# {rule.id}: {rule.title}" in page
        assert f"`{rule.name}`" in page
        if rule.cwe:
            assert f"https://cwe.mitre.org/data/definitions/{rule.cwe}.html" in page
        for bandit in rule.bandit:
            assert bandit in page
        assert "## Example" in page and rule.INVALID[0].code.rstrip("\n") in page
        fixed = rule.INVALID[0].fixed
        if fixed is not None:
            assert "## Fixed" in page and fixed.rstrip("\n") in page
        for code in rule.VALID:
            assert code.rstrip("\n") in page
        if rule.language == "python":
            assert f"# secure-ls: ignore[{rule.id}]" in page


def test_generator_round_trip(tmp_path: Path):
    """Writing then checking a folder is clean; a page for an unknown rule is reported and deleted."""
    rules = all_rules()[:3]
    assert docs.write(tmp_path, rules)
    assert docs.problems(tmp_path, rules) == []
    (tmp_path / f"{rules[0].id}.md").write_text("edited\n", encoding="utf-8")
    orphan = tmp_path / "SLS999.md"
    orphan.write_text(docs.GENERATED.format(source="x") + "\n# SLS999\n", encoding="utf-8")
    found = docs.problems(tmp_path, rules)
    assert any(f"{rules[0].id}.md: out of date" in p for p in found), found
    assert any("SLS999.md: no rule SLS999" in p for p in found), found
    docs.write(tmp_path, rules)
    assert not orphan.exists()
    assert docs.problems(tmp_path, rules) == []


def test_check_exit_codes(tmp_path: Path, capsys):
    assert docs.main(["--check", "--dir", str(tmp_path)]) == 1
    assert "missing" in capsys.readouterr().out
    assert docs.main(["--dir", str(tmp_path)]) == 0
    assert docs.main(["--check", "--dir", str(tmp_path)]) == 0


def test_the_architecture_page_names_every_engine_and_support_module():
    """A newcomer reads the engine top-down from docs/architecture.md: a module it does not name
    is one they cannot place."""
    package = Path(__file__).resolve().parent.parent / "secure_ls"
    page = (package.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = [*(package / "engine").glob("*.py"), *(package / "rules" / "_support").glob("*.py")]
    unnamed = sorted(str(m.relative_to(package)) for m in modules if m.stem != "__init__" and f"{m.stem}.py" not in page)
    assert not unnamed, f"docs/architecture.md does not name: {unnamed}"
