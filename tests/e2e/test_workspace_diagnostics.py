"""`workspace/diagnostic` with scope = "workspace": the files that are not open get their
findings too (what `secure-ls check` would check, minus what git ignores), unchanged files
are answered `unchanged`, and a saved change is reported by the request waiting for it."""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import pytest

from secure_ls.testing.session import open_doc, progress
from tests.e2e.conftest import running, start

SQL = "import sqlite3\n\ndef find(conn, name):\n    return conn.execute(\"SELECT * FROM t WHERE a = '\" + name + \"'\")\n"
SHELL = "import os\nfrom flask import request\n\ndef run():\n    os.system('ls ' + request.args['d'])\n"
OPTIONS = {"scope": "workspace", "dependencies": {"enable": False}}


@pytest.fixture
async def client(tmp_path_factory):
    async with running(tmp_path_factory) as client:
        yield client


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "ws"
    for name, text in {
        "app.py": SQL,
        "pkg/jobs.py": SHELL,
        "pkg/clean.py": "def add(a, b):\n    return a + b\n",
        ".venv/lib/site.py": SQL,  # a virtualenv: never checked
        "build/gen.py": SQL,  # build output
        "scratch/ignored.py": SQL,  # ignored by git
    }.items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).write_text(text)
    (ws / ".gitignore").write_text("scratch/\n")
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(ws)], check=True)
    return ws


def by_file(result, ws) -> dict[str, dict]:
    return {item["uri"].removeprefix(ws.as_uri() + "/"): item for item in result["items"]}


def workspace_diagnostic(client, previous: list[dict], **params):
    """workspace/diagnostic: answered when the server has something to report (the tests
    that wait for that bound the wait themselves)."""
    return client.request("workspace/diagnostic", {"previousResultIds": previous, **params}, timeout=60)


def previous_ids(report: dict[str, dict]) -> list[dict]:
    return [{"uri": item["uri"], "value": item["resultId"]} for item in report.values()]


def saved(client, path) -> None:
    client.notify("textDocument/didSave", {"textDocument": {"uri": path.as_uri()}})


async def test_the_whole_workspace_is_reported_and_unchanged_files_are_not_resent(client, workspace):
    await start(client, "visual-studio-code", root_uri=workspace.as_uri(), options=OPTIONS)
    first = by_file(await workspace_diagnostic(client, []), workspace)
    expected = {"app.py", "pkg/jobs.py", "pkg/clean.py"} | ({"scratch/ignored.py"} if not shutil.which("git") else set())
    assert set(first) == expected
    assert [d.get("code") for d in first["app.py"]["items"]] == ["SLS101"] and [d.get("code") for d in first["pkg/jobs.py"]["items"]] == ["SLS102"]
    assert list(first["pkg/clean.py"]["items"]) == []

    # an open file is the document pull's: the workspace report leaves it out
    uri = (workspace / "app.py").as_uri()
    open_doc(client, uri, SQL)
    pending = asyncio.ensure_future(workspace_diagnostic(client, previous_ids(first)))
    await asyncio.sleep(1.0)
    assert not pending.done(), "with nothing changed, the request waits for a change"
    # a file fixed and saved wakes it: the fix is reported, the other file is unchanged
    (workspace / "pkg" / "jobs.py").write_text(SHELL.replace("'ls ' + request.args['d']", "'ls'"))
    saved(client, workspace / "pkg" / "jobs.py")
    second = by_file(await asyncio.wait_for(pending, 30), workspace)
    assert "app.py" not in second
    assert second["pkg/jobs.py"]["kind"] == "full" and list(second["pkg/jobs.py"]["items"]) == []
    assert second["pkg/clean.py"]["kind"] == "unchanged"


async def test_the_default_scope_reports_no_closed_file(client, workspace):
    await start(client, "visual-studio-code", root_uri=workspace.as_uri(), options={"dependencies": {"enable": False}})
    pending = asyncio.ensure_future(workspace_diagnostic(client, []))
    await asyncio.sleep(0.5)
    client.notify("workspace/didChangeConfiguration", {"settings": {"secure-ls": {"dependencies": {"enable": False}}}})
    result = await asyncio.wait_for(pending, 30)
    assert list(result["items"]) == []


async def test_the_problem_list_fills_file_by_file_with_progress(client, workspace):
    # VS Code passes a partial-result token: each changed file's report comes as soon as it is
    # made, and the final answer is empty, as LSP asks; a progress bar counts the files meanwhile
    await start(client, "visual-studio-code", root_uri=workspace.as_uri(), options=OPTIONS)
    result = await workspace_diagnostic(client, [], partialResultToken="partial-1")
    assert list(result["items"]) == []
    partial = [item for value in progress(client).get("partial-1", []) for item in value["items"]]
    reported = {item["uri"].removeprefix(workspace.as_uri() + "/"): item for item in partial}
    assert {"app.py", "pkg/jobs.py", "pkg/clean.py"} <= set(reported)
    assert [d["code"] for d in reported["app.py"]["items"]] == ["SLS101"]
    checks = [events for token, events in progress(client).items() if token != "partial-1" and events[0].get("message") == "checking the workspace"]
    assert len(checks) == 1
    begin, *reports, end = checks[0]
    assert begin["kind"] == "begin" and end["kind"] == "end" and end.get("message") == "workspace checked"
    assert reports and reports[-1].get("message") == f"{len(reported)}/{len(reported)} files" and reports[-1].get("percentage") == 100


async def test_a_file_whose_imported_helper_changed_is_reported_again(client, tmp_path):
    ws = tmp_path / "ws"
    (ws / "pkg").mkdir(parents=True)
    (ws / "pkg" / "__init__.py").write_text("")
    helper = ws / "pkg" / "inputs.py"
    helper.write_text("from flask import request\n\n\ndef target():\n    return request.args['t']\n")
    (ws / "pkg" / "jobs.py").write_text("import os\n\nfrom .inputs import target\n\n\ndef run():\n    os.system('ping ' + target())\n")
    await start(client, "visual-studio-code", root_uri=ws.as_uri(), options=OPTIONS)
    first = by_file(await workspace_diagnostic(client, []), ws)
    assert [d.get("code") for d in first["pkg/jobs.py"]["items"]] == ["SLS102"]
    pending = asyncio.ensure_future(workspace_diagnostic(client, previous_ids(first)))
    await asyncio.sleep(0.5)
    # the helper is opened, made to return a constant and saved: jobs.py did not change,
    # yet its finding is gone
    fixed = "def target():\n    return 'localhost'\n"
    open_doc(client, helper.as_uri(), fixed)
    helper.write_text(fixed)
    saved(client, helper)
    second = by_file(await asyncio.wait_for(pending, 30), ws)
    assert second["pkg/jobs.py"]["kind"] == "full" and list(second["pkg/jobs.py"]["items"]) == []
    assert second["pkg/__init__.py"]["kind"] == "unchanged"


@pytest.mark.parametrize("declared, expected", [("PyYAML==6.0.3\n", []), ("PyYAML>=5.1\n", ["SLS104"])])
async def test_the_versions_a_requirements_file_declares_decide_a_default_loader(client, tmp_path, declared, expected):
    # PyYAML 6 requires a Loader: `yaml.load(f)` raises TypeError there, and loads nothing
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "requirements.txt").write_text(declared)
    (ws / "config.py").write_text("import yaml\n\n\ndef read(path):\n    with open(path) as f:\n        return yaml.load(f)\n")
    await start(client, "visual-studio-code", root_uri=ws.as_uri(), options=OPTIONS)
    report = by_file(await workspace_diagnostic(client, []), ws)
    assert [d.get("code") for d in report["config.py"]["items"]] == expected
