"""The `baseline` setting: the editor hides findings recorded in a `check --format json` report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from secure_ls.testing.session import diagnostics, messages, open_doc
from tests.e2e.conftest import running, start
from tests.e2e.test_settings import CODE, ERROR, wait_for

NEW = "\n\ndef etag(body):\n    return hashlib.sha1(body).hexdigest()\n"


@pytest.fixture
async def client(tmp_path_factory):
    async with running(tmp_path_factory) as client:
        yield client


def write_baseline(folder: Path) -> Path:
    """What a team does once: record today's findings from the project's root."""
    (folder / "app.py").write_text(CODE)
    proc = subprocess.run(
        [sys.executable, "-m", "secure_ls", "check", "--no-dependencies", "--format", "json", "-o", "secure-ls-baseline.json", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    return folder / "secure-ls-baseline.json"


async def open_edited(client, folder: Path) -> str:
    """app.py in the editor: a line added at the top (the old findings move) and a new finding."""
    text = "# edited\n" + CODE + NEW
    uri = (folder / "app.py").as_uri()
    open_doc(client, uri, text)
    return uri


async def test_baseline_in_pyproject_hides_recorded_findings(client, tmp_path):
    write_baseline(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.secure-ls]\nbaseline = "secure-ls-baseline.json"\n')
    await start(client, "neovim@v0.7.0", root_uri=tmp_path.as_uri())
    uri = await open_edited(client, tmp_path)
    diags = await diagnostics(client, uri, 1)
    assert [(d.get("code"), d["range"]["start"]["line"]) for d in diags] == [("SLS302", 12)]  # only the sha1 added since


async def test_baseline_from_the_editor_settings(client, tmp_path):
    report = write_baseline(tmp_path)
    await start(client, "neovim@v0.7.0", root_uri=tmp_path.as_uri(), options={"baseline": str(report)})
    uri = await open_edited(client, tmp_path)
    assert [d.get("code") for d in await diagnostics(client, uri, 1)] == ["SLS302"]


async def test_missing_baseline_is_reported_once_and_everything_shown(client, tmp_path):
    await start(client, "neovim@v0.7.0", root_uri=tmp_path.as_uri(), options={"baseline": str(tmp_path / "missing.json")})
    uri = await open_edited(client, tmp_path)
    assert sorted(d.get("code") for d in await diagnostics(client, uri, 1)) == ["SLS104", "SLS302", "SLS302"]
    await wait_for(lambda: messages(client, "window/showMessage"))
    errors = [m["message"] for m in messages(client, "window/showMessage") if m["type"] == ERROR]
    assert len(errors) == 1 and "baseline: no such file" in errors[0] and "missing.json" in errors[0]
