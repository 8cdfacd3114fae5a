"""A file `secure-ls check` already analysed opens with its cached findings at once; the
buffer itself is analysed when the editor is quiet (issue 15: a file checked yesterday
opens without waiting for the analysis)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from secure_ls.testing.session import open_doc
from tests.e2e.conftest import running, start

APP = "import os\nfrom flask import request\n\n\ndef run():\n    os.system('ls ' + request.args['d'])\n"


@pytest.fixture
async def client(tmp_path_factory):
    async with running(tmp_path_factory) as client:
        yield client


def _project(tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\nversion = '0'\n\n[tool.secure-ls]\n")
    (project / "app.py").write_text(APP)
    subprocess.run([sys.executable, "-m", "secure_ls", "check", "--no-dependencies", str(project)], cwd=project, capture_output=True, check=False)
    packs = list((project / ".secure_ls_cache").rglob("*.pack"))
    assert packs, "secure-ls check wrote its cache"
    return project, packs


async def _pulled(client, uri: str, count: int) -> list[list[str]]:
    """The messages of the distinct diagnostics sets pulled for `uri`, once `count` have come."""
    seen: list[list[str]] = []
    for _ in range(100):
        report = await client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        current = [d["message"] for d in report["items"]]
        if not seen or seen[-1] != current:
            seen.append(current)
        if len(seen) >= count:
            break
        await asyncio.sleep(0.1)
    return seen


async def test_a_checked_file_opens_with_the_cached_findings_then_the_buffer_is_analysed(client, tmp_path):
    project, packs = _project(tmp_path)
    # mark the cached finding, to see which answer the editor got first
    for pack in packs:
        data = json.loads(pack.read_text())
        for entry in data["entries"].values():
            for finding in entry["findings"]:
                finding[2] = "(cached) " + finding[2]
        pack.write_text(json.dumps(data))
    await start(client, "neovim", root_uri=project.as_uri(), options={"dependencies": {"enable": False}})
    uri = (project / "app.py").as_uri()
    open_doc(client, uri, APP)
    first, second = await _pulled(client, uri, 2)
    assert len(first) == 1 and first[0].startswith("(cached) Shell command built from the Flask request")
    assert len(second) == 1 and second[0] == first[0].removeprefix("(cached) ")


async def test_a_file_changed_since_the_check_is_analysed_at_once(client, tmp_path):
    project, _ = _project(tmp_path)
    await start(client, "neovim", root_uri=project.as_uri(), options={"dependencies": {"enable": False}})
    uri = (project / "app.py").as_uri()
    edited = APP.replace("request.args['d']", "'fixed'")  # the buffer is not what was checked
    open_doc(client, uri, edited)
    (first,) = await _pulled(client, uri, 1)
    assert first == []
