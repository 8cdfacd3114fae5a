"""`check`'s persistent cache: a re-run reports exactly what a fresh analysis reports.

Each test compares a run that may use the cache with the same run under
`--no-cache` (a fresh analysis of the same files), byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from tests.cli.cli_helpers import EXAMPLES, MD5, SHELL, YAML_LOAD, write
from tests.cli.cli_helpers import check as _check


def check(*args, cwd=None):
    """With the audit tier too: more findings for the cache to get right, and the
    low-confidence ones (data from an unknown helper) are what invalidation changes."""
    return _check("--min-confidence", "low", *args, cwd=cwd)


CACHE = ".secure_ls_cache"

# `views.run` is a command injection only if `helpers.name()` returns request data.
HELPER_CONSTANT = """
def name():
    return "report.txt"
"""
HELPER_REQUEST = """
from flask import request


def name():
    return request.args["name"]
"""
VIEWS = """
import os

from helpers import name


def run():
    os.system("cat " + name())
"""

TREE = {
    "pyproject.toml": "[project]\nname = 'demo'\n",
    "helpers.py": HELPER_CONSTANT,
    "views.py": VIEWS,
    "pkg/__init__.py": "",
    "pkg/loader.py": YAML_LOAD,
    "pkg/shell.py": SHELL,
    "pkg/digest.py": MD5,
    "app.py": (EXAMPLES / "insecure_app.py").read_text(encoding="utf-8"),
    "broken.py": "def f(:\n    pass\n\nimport pickle\npickle.loads(data)\n",
}


@pytest.fixture()
def tree(tmp_path):
    return write(tmp_path / "project", TREE)


def _packs(root) -> dict[str, tuple[int, int]]:
    """Every pack file of the cache, with its inode and modification time (a rewrite changes them)."""
    out = {}
    for folder, _, files in os.walk(root / CACHE):
        for name in files:
            if name.endswith(".pack"):
                st = os.stat(os.path.join(folder, name))
                out[os.path.join(folder, name)] = (st.st_ino, st.st_mtime_ns)
    return out


def _entries(root) -> set[str]:
    """The names of all entries in the cache's packs."""
    names = set()
    for pack in _packs(root):
        names |= set(json.loads(open(pack, encoding="utf-8").read())["entries"])
    return names


def _analysed_since(root, before) -> int:
    """How many files the runs since `before` (a `_packs` result) analysed and cached."""
    return sum(json.loads(open(p, encoding="utf-8").read())["fresh"] for p in _packs(root) if p not in before)


def _fresh(tree, *args):
    return check("--no-cache", *args, cwd=tree)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_warm_run_reports_the_same_bytes_and_writes_nothing(tree, fmt):
    cold = check("--format", fmt, ".", cwd=tree)
    assert len(_entries(tree)) == 8, "one entry per Python file"
    packs = _packs(tree)
    warm = check("--format", fmt, ".", cwd=tree)
    assert (warm.code, warm.out, warm.err) == (cold.code, cold.out, cold.err)
    assert warm.out == _fresh(tree, "--format", fmt, ".").out
    assert _packs(tree) == packs, "an unchanged tree is answered from the cache: nothing is written"
    if fmt == "text":
        assert "broken.py:1:7: syntax error, not analysed" in warm.out, "errors come back from the cache too"
        assert "views.py" not in warm.out


def test_cache_folder_has_its_own_gitignore(tree):
    check(".", cwd=tree)
    assert (tree / CACHE / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (tree / CACHE / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    status = subprocess.run(["git", "init", "-q", "."], cwd=tree, capture_output=True)
    if status.returncode == 0:  # git is there: the cache is invisible to it
        listed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=tree, capture_output=True, text=True)
        assert CACHE not in listed.stdout


def test_editing_a_file_changes_its_findings_and_only_its_entry(tree):
    check(".", cwd=tree)
    before = _packs(tree)
    (tree / "pkg" / "digest.py").write_text("import hashlib\n\n\ndef digest(data):\n    return hashlib.sha256(data).hexdigest()\n")
    warm = check("--format", "json", ".", cwd=tree)
    assert warm.out == _fresh(tree, "--format", "json", ".").out
    assert not [f for f in warm.findings() if f["path"].endswith("digest.py")]
    assert _analysed_since(tree, before) == 1, "only the edited file was analysed again"


def test_a_helper_that_starts_returning_request_data_changes_its_importers_findings(tree):
    cold = check("--format", "json", ".", cwd=tree)
    assert not [f for f in cold.findings() if f["path"].endswith("views.py")]
    before = _packs(tree)
    write(tree, {"helpers.py": HELPER_REQUEST})
    warm = check("--format", "json", ".", cwd=tree)
    found = [f for f in warm.findings() if f["path"].endswith("views.py")]
    assert [f["rule"] for f in found] == ["SLS102"] and "request" in found[0]["message"]
    assert warm.out == _fresh(tree, "--format", "json", ".").out
    assert _analysed_since(tree, before) == 2, "the helper and its one importer, no other file"
    # and back: the finding goes away again
    write(tree, {"helpers.py": HELPER_CONSTANT})
    again = check("--format", "json", ".", cwd=tree)
    assert not [f for f in again.findings() if f["path"].endswith("views.py")]


def test_a_new_module_that_an_import_now_names_is_noticed(tmp_path):
    # `.helpers` names no file at first: `name()` is merely unknown data
    root = write(tmp_path / "p", {"pkg/__init__.py": "", "pkg/views.py": "import os\nfrom .helpers import name\n\n\ndef run():\n    os.system('cat ' + name())\n"})
    assert "from non-constant data" in check(".", cwd=root).out
    write(root, {"pkg/helpers.py": HELPER_REQUEST})
    warm = check(".", cwd=root)
    assert "Shell command built from the Flask request" in warm.out
    assert warm.out == _fresh(root, ".").out


def test_no_cache_writes_nothing(tree):
    before = sorted(p for p in tree.rglob("*"))
    result = check("--no-cache", ".", cwd=tree)
    assert result.code == 1
    assert sorted(p for p in tree.rglob("*")) == before


def test_cache_dir_option_and_setting(tree, tmp_path):
    elsewhere = tmp_path / "elsewhere" / "cache"
    check("--cache-dir", str(elsewhere), ".", cwd=tree)
    assert (elsewhere / ".gitignore").is_file() and not (tree / CACHE).exists()
    write(tree, {"pyproject.toml": "[tool.secure-ls]\ncache-dir = 'build-cache/sls'\n"})
    first = check(".", cwd=tree / "pkg")  # relative to the pyproject.toml, not to where it runs
    assert (tree / "build-cache" / "sls" / ".gitignore").is_file()
    assert not (tree / "pkg" / "build-cache").exists() and not (tree / CACHE).exists()
    assert check(".", cwd=tree / "pkg").out == first.out


def test_a_configured_cache_dir_must_be_a_folder_secure_ls_created(tree, tmp_path):
    """A repository's pyproject.toml may not make secure-ls write into a folder it did not
    create (~/.ssh, another project): such a folder is refused with a note, the default used."""
    private = tmp_path / "private"
    private.mkdir()
    (private / "id_rsa").write_text("key")
    write(tree, {"pyproject.toml": f"[tool.secure-ls]\ncache-dir = '{private}'\n"})
    result = check(".", cwd=tree)
    assert sorted(p.name for p in private.iterdir()) == ["id_rsa"]
    assert result.err.startswith(f"secure-ls: note: cache-dir ignored: {private} already exists and is not a folder secure-ls created")
    assert (tree / CACHE).is_dir()
    # a folder it created itself (tagged) is used again; --cache-dir is the user's own choice
    write(tree, {"pyproject.toml": "[tool.secure-ls]\ncache-dir = 'made/here'\n"})
    assert check(".", cwd=tree).err == "" and (tree / "made" / "here" / "CACHEDIR.TAG").is_file()
    assert check(".", cwd=tree).err == ""
    assert check("--cache-dir", str(private), ".", cwd=tree).err == "" and len(list(private.iterdir())) > 1


def test_settings_that_filter_findings_apply_to_cached_results(tree):
    check(".", cwd=tree)
    for args in (["--select", "SLS302"], ["--ignore", "SLS1"], ["--min-confidence", "high"]):
        assert check("--format", "json", *args, ".", cwd=tree).out == _fresh(tree, "--format", "json", *args, ".").out
    write(tree, {"pyproject.toml": "[tool.secure-ls]\nsources = ['helpers.name']\n"})
    # a configured source changes what the engine finds, not just what is shown
    configured = check("--format", "json", ".", cwd=tree)
    assert [f["rule"] for f in configured.findings() if f["path"].endswith("views.py")] == ["SLS102"]
    assert configured.out == _fresh(tree, "--format", "json", ".").out


def _damage_entries(pack: str) -> None:
    """Keeps the pack valid JSON but gives each entry a different defect."""
    data = json.loads(open(pack, encoding="utf-8").read())
    defects = [
        lambda e: e.update(findings=[["SLS101", "x", "m", [0, 0], 4, 3, None, None, [], None, None]]),  # a span of 2 numbers
        lambda e: e.update(findings=[[1, 2]]),
        lambda e: e.update(findings="not a list"),
        lambda e: e.update(problems=[3]),
        lambda e: e.update(files=["a list"]),
        lambda e: e.update(lookups=[["too", "short"]]),
        lambda e: e.pop("text"),
        lambda e: e.clear(),
    ]
    for defect, entry in zip(defects, data["entries"].values()):
        defect(entry)
    open(pack, "w", encoding="utf-8").write(json.dumps(data))


@pytest.mark.parametrize(
    "damage",
    [
        lambda pack: open(pack, "wb").write(b""),
        lambda pack: (lambda data: open(pack, "wb").write(data[: len(data) // 2]))(open(pack, "rb").read()),  # cut short
        lambda pack: open(pack, "wb").write(b"\xff\xfe\x00garbage"),
        lambda pack: open(pack, "w").write('{"key": 1, "entries": []}'),
        _damage_entries,
    ],
    ids=["empty", "truncated", "binary", "wrong-shape", "bad-entries"],
)
def test_corrupted_cache_is_ignored(tree, damage):
    cold = check("--format", "json", ".", cwd=tree)
    for pack in _packs(tree):
        damage(pack)
    warm = check("--format", "json", ".", cwd=tree)
    assert (warm.code, warm.out, warm.err) == (cold.code, cold.out, cold.err)
    # the damaged cache was replaced: the next run is answered from it again
    repaired = _packs(tree)
    assert len(_entries(tree)) == 8
    assert check("--format", "json", ".", cwd=tree).out == cold.out
    assert _packs(tree) == repaired


def test_packs_are_merged_as_runs_accumulate(tree):
    from secure_ls.cache import MAX_PACKS

    for round in range(MAX_PACKS + 3):
        (tree / "pkg" / "digest.py").write_text(MD5.lstrip("\n") + f"\n# edit {round}\n")
        check(".", cwd=tree)
        assert len(_packs(tree)) <= MAX_PACKS + 1
    packs = _packs(tree)
    assert check("--format", "json", ".", cwd=tree).out == _fresh(tree, "--format", "json", ".").out
    assert _packs(tree) == packs


def test_concurrent_runs_do_not_corrupt_the_cache(tree):
    expected = _fresh(tree, "--format", "json", ".").out
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    command = [sys.executable, "-m", "secure_ls", "check", "--no-dependencies", "--min-confidence", "low", "--format", "json", "-j", "1", "."]
    procs = [subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [out for out, _ in outputs] == [expected] * 4
    assert [err for _, err in outputs] == [""] * 4
    leftovers = [p for p in (tree / CACHE).rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    assert len(_entries(tree)) == 8  # every pack whole (each is parsed)
    packs = _packs(tree)
    assert check("--format", "json", ".", cwd=tree).out == expected
    assert _packs(tree) == packs


def test_fix_does_not_trust_the_cache_for_files_it_rewrites(tree, tmp_path):
    check(".", cwd=tree)  # every file cached, fixable findings included
    reference = tmp_path / "reference"
    shutil.copytree(tree, reference, ignore=shutil.ignore_patterns(CACHE))
    fixed = check("--fix", ".", cwd=tree)
    expected = _fresh(reference, "--fix", ".")
    assert (fixed.code, fixed.out) == (expected.code, expected.out)
    assert "Fixed 0 findings." not in fixed.out
    for name in TREE:
        assert (tree / name).read_bytes() == (reference / name).read_bytes(), name
    # after the fix, the cache answers with what is left
    assert check("--format", "json", ".", cwd=tree).out == _fresh(reference, "--format", "json", ".").out


def test_changed_rule_code_starts_afresh(tree, monkeypatch):
    """A development checkout whose rules changed must not reuse results of the old rules."""
    from secure_ls import cache, checker
    from secure_ls.config import Settings

    monkeypatch.chdir(tree)
    monkeypatch.setattr(cache, "_CODE_HASH", "rules as they were")
    first = checker.check_paths(["."], Settings(), jobs=1, cache_dir=tree / CACHE)
    assert len(_entries(tree)) == 8
    monkeypatch.setattr(cache, "_CODE_HASH", "rules edited since")
    second = checker.check_paths(["."], Settings(), jobs=1, cache_dir=tree / CACHE)
    assert len(_entries(tree)) == 16, "every file analysed again under the new rules"
    assert [(r.path, r.findings, r.error) for r in first] == [(r.path, r.findings, r.error) for r in second]


def test_the_editors_reader_follows_edited_dependencies_and_new_runs(tmp_path):
    """The language server keeps one reader of the cache (project.cached_analysis): a module a
    cached result depends on, edited since, makes the entry a miss; a later run's entries are seen."""
    from secure_ls import project
    from secure_ls.config import settings_for
    from secure_ls.engine.workspace import WorkspaceSummaries

    root = write(tmp_path / "project", {"pyproject.toml": "[project]\nname = 'demo'\n", "helpers.py": HELPER_REQUEST, "views.py": VIEWS})
    views = str(root / "views.py")
    text = (root / "views.py").read_text()
    settings = settings_for(root)
    module_path = WorkspaceSummaries([str(root)]).module_path
    check("--min-confidence", "low", str(root), cwd=root)
    first = project.cached_analysis(views, text, settings, module_path)
    assert first is not None and [f.rule_id for f in first.findings] == ["SLS102"]
    (root / "helpers.py").write_text(HELPER_CONSTANT)  # the helper no longer returns request data
    assert project.cached_analysis(views, text, settings, module_path) is None
    check("--min-confidence", "low", str(root), cwd=root)  # a new run writes a new pack
    again = project.cached_analysis(views, text, settings, module_path)
    assert again is not None and [f.rule_id for f in again.findings] == []


def test_the_editor_does_not_parse_a_cache_too_big_to_be_worth_it(tmp_path, monkeypatch):
    """A large project's packs hold every file's entry (95 MB for a 4,300-file project): the
    editor analysed the one opened file faster than it parsed them, and kept them resident."""
    from secure_ls import project
    from secure_ls.config import settings_for
    from secure_ls.engine.workspace import WorkspaceSummaries

    root = write(tmp_path / "project", {"pyproject.toml": "[project]\nname = 'demo'\n", "helpers.py": HELPER_REQUEST, "views.py": VIEWS})
    views, settings = str(root / "views.py"), settings_for(root)
    module_path = WorkspaceSummaries([str(root)]).module_path
    check("--min-confidence", "low", str(root), cwd=root)
    monkeypatch.setattr(project, "_CACHE_READERS", {})
    monkeypatch.setattr(project, "EDITOR_CACHE_READ_LIMIT", 64)  # smaller than this run's pack
    assert project.cached_analysis(views, (root / "views.py").read_text(), settings, module_path) is None
    monkeypatch.setattr(project, "EDITOR_CACHE_READ_LIMIT", 16 * 1024 * 1024)
    found = project.cached_analysis(views, (root / "views.py").read_text(), settings, module_path)
    assert found is not None and [f.rule_id for f in found.findings] == ["SLS102"]


def test_a_pack_holds_each_path_once_however_many_files_depend_on_it(tmp_path):
    """Ten modules that all use one helper: the helper's path (a dependency of every entry) is
    written once in the pack, not once per entry (a 2,000-file project's pack took 270 MB)."""
    project = write(
        tmp_path / "project",
        {
            "pyproject.toml": "[project]\nname = 'demo'\n",
            "helpers.py": HELPER_REQUEST,
            **{f"view{n}.py": VIEWS for n in range(10)},
        },
    )
    cold = check("--format", "json", ".", cwd=project)
    assert len([f for f in cold.findings() if f["rule"] == "SLS102"]) == 10
    (pack,) = _packs(project)
    text = open(pack, encoding="utf-8").read()
    assert text.count("helpers.py") == 2  # in the table, and as the path of the helper's own entry
    assert check("--format", "json", ".", cwd=project).out == cold.out == _fresh(project, "--format", "json", ".").out
    # the helper changes: every entry that used it is a miss, read back from the table
    (project / "helpers.py").write_text(HELPER_CONSTANT)
    assert check("--format", "json", ".", cwd=project).out == _fresh(project, "--format", "json", ".").out


def test_the_cache_keeps_only_the_settings_used_last_and_this_version(tree):
    from secure_ls.cache import MAX_KEYS

    stale = tree / CACHE / "0.0.1-1"
    stale.mkdir(parents=True)
    (stale / "old.pack").write_text("{}")
    selections = ["SLS102", "SLS104", "SLS303", "SLS101", "SLS102,SLS104"]
    for select in selections:
        check("--select", select, ".", cwd=tree)
    keys = {os.path.basename(p).split("-", 1)[0] for p in _packs(tree)}
    assert len(keys) == MAX_KEYS < len(selections)
    assert not stale.exists(), "another version's folder is deleted"
    # the settings used last are still answered from the cache
    before = _packs(tree)
    check("--select", selections[-1], ".", cwd=tree)
    assert _analysed_since(tree, before) == 0
