"""`check --fix` applies the safe fixes, `--unsafe-fixes` all; nothing else in a file changes."""

from __future__ import annotations

import ast
import json

import pytest
from tests.cli.cli_helpers import EXAMPLES, check, check_json, run, write

APP = (EXAMPLES / "insecure_app.py").read_text(encoding="utf-8")


def _sarif_results(cwd, *paths) -> list[dict]:
    result = run("check", "--no-dependencies", "--format", "sarif", *paths, cwd=cwd)
    assert result.code in (0, 1), result.err
    return json.loads(result.out)["runs"][0]["results"]


def _offsets(text: str) -> list[int]:
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    return starts


def _replay(text: str, results: list[dict], unsafe: bool, safe_rules: set[str]) -> str:
    """Applies the fixes that SARIF announces, as an independent reference for what --fix must write."""
    starts = _offsets(text)
    edits, seen_inserts = [], set()
    for result in results:
        if not result.get("fixes") or (not unsafe and result["ruleId"] not in safe_rules):
            continue
        for change in result["fixes"][0]["artifactChanges"]:
            for replacement in change["replacements"]:
                region = replacement["deletedRegion"]
                start = starts[region["startLine"] - 1] + region["startColumn"] - 1
                end = starts[region["endLine"] - 1] + region["endColumn"] - 1
                new = replacement["insertedContent"]["text"]
                if start == end:
                    if (start, new) in seen_inserts:
                        continue  # two fixes adding the same import
                    seen_inserts.add((start, new))
                edits.append((start, end, new))
    edits.sort(key=lambda e: (e[0], e[1]))  # stable: imports added at one place keep the findings' order
    out, cursor = [], 0
    for start, end, new in edits:
        assert start >= cursor, "the example's fixes do not overlap"
        out += [text[cursor:start], new]
        cursor = end
    return "".join(out) + text[cursor:]


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_fix_changes_exactly_the_announced_edits(tmp_path, unsafe):
    write(tmp_path, {"app.py": APP})
    before = check_json("app.py", cwd=tmp_path).findings()
    safe_rules = {f["rule"] for f in before if f["fix"] and f["fix"]["safe"]}
    unsafe_rules = {f["rule"] for f in before if f["fix"] and not f["fix"]["safe"]}
    # findings with no fix (SLS301 on a hash returned to callers out of sight) stay
    unfixable = {f["rule"] for f in before if not f["fix"]}
    assert safe_rules and unsafe_rules, "the example has both kinds of fix"
    expected = _replay(APP, _sarif_results(tmp_path, "app.py"), unsafe, {f["rule"] for f in before if f["fix"] and f["fix"]["safe"]})

    args = ["--fix", "--unsafe-fixes"] if unsafe else ["--fix"]
    result = check(*args, "app.py", cwd=tmp_path)
    fixed = (tmp_path / "app.py").read_text(encoding="utf-8")
    assert fixed == expected, "--fix wrote something other than the fixes' own edits"
    ast.parse(fixed)
    count = len([f for f in before if f["fix"] and (unsafe or f["fix"]["safe"])])
    assert f"Fixed {count} finding{'s' if count != 1 else ''}." in result.out

    after = check_json("app.py", cwd=tmp_path).findings()
    remaining = {f["rule"] for f in after}
    assert not remaining & safe_rules, after
    if unsafe:
        assert remaining == unfixable and all(not f["fix"] for f in after)
        assert result.code == (1 if unfixable else 0)
    else:
        assert remaining == unsafe_rules | unfixable and result.code == 1
        assert all(not f["fix"] or not f["fix"]["safe"] for f in after)


def test_fix_without_fixable_findings_leaves_file_alone(tmp_path):
    source = "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"
    write(tmp_path, {"s.py": source})
    mtime = (tmp_path / "s.py").stat().st_mtime_ns
    result = check("--fix", "--min-confidence", "low", "s.py", cwd=tmp_path)
    assert result.code == 1 and "Fixed 0 findings." in result.out
    assert (tmp_path / "s.py").read_text(encoding="utf-8") == source
    assert (tmp_path / "s.py").stat().st_mtime_ns == mtime


def test_fix_respects_select_and_suppression(tmp_path):
    source = (
        "import hashlib\nimport yaml\n\n\n"
        "def f(s):\n"
        "    hashlib.md5(s)\n"
        "    yaml.load(s)  # secure-ls: ignore[SLS104]\n"
        "    return yaml.load(s)\n"
    )
    write(tmp_path, {"f.py": source})
    result = check("--fix", "--select", "SLS104", "f.py", cwd=tmp_path)
    assert result.code == 0, result.out
    fixed = (tmp_path / "f.py").read_text(encoding="utf-8")
    assert fixed == source.replace("    return yaml.load(s)", "    return yaml.safe_load(s)")


def test_fix_in_many_files_with_workers(tmp_path):
    files = {f"pkg/m{i}.py": "import yaml\n\n\ndef f(s):\n    return yaml.load(s)\n" for i in range(20)}
    write(tmp_path, files)
    result = check("--fix", "-j", "2", "pkg", cwd=tmp_path)
    assert result.code == 0 and "Fixed 20 findings." in result.out
    for name in files:
        assert (tmp_path / name).read_text(encoding="utf-8") == "import yaml\n\n\ndef f(s):\n    return yaml.safe_load(s)\n"


def test_fix_json_report_shows_what_is_left(tmp_path):
    write(tmp_path, {"app.py": APP})
    result = check_json("--fix", "app.py", cwd=tmp_path)
    assert result.code == 1
    assert all(f["fix"] is None or not f["fix"]["safe"] for f in result.findings())
