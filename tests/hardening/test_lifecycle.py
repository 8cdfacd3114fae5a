"""Process lifecycle and side effects of a real server: shutdown/exit per spec, no
orphans, no writes outside the cache directory, no network unless dependency
scanning is on, and analysed code is never imported or executed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from secure_ls.testing.client import RawClient
from secure_ls.testing.session import change, codes, diagnostics, open_doc, start

MD5 = "import hashlib\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"


async def _wait_exit(client: RawClient, timeout: float) -> int | None:
    try:
        return await asyncio.wait_for(client.proc.wait(), timeout)
    except asyncio.TimeoutError:
        return None


async def test_shutdown_then_exit_exits_0(tmp_path):
    client = await start(tmp_path)
    open_doc(client, (tmp_path / "a.py").as_uri(), MD5)
    await diagnostics(client, (tmp_path / "a.py").as_uri(), 1)
    assert await client.request("shutdown", None, 10) is None
    client.notify("exit", None)
    await client.drain()
    assert await _wait_exit(client, 10) == 0


async def test_exit_without_shutdown_exits_1(tmp_path):
    client = await start(tmp_path)
    client.notify("exit", None)
    await client.drain()
    assert await _wait_exit(client, 10) == 1


async def test_requests_after_shutdown_are_refused(tmp_path):
    client = await start(tmp_path)
    await client.request("shutdown", None, 10)
    with pytest.raises(RuntimeError, match="-32600|InvalidRequest|shut"):
        await client.request("textDocument/hover", {"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}}, 10)
    client.notify("exit", None)
    await client.drain()
    assert await _wait_exit(client, 10) == 0


async def test_exits_when_stdin_closes(tmp_path):
    client = await start(tmp_path)
    open_doc(client, (tmp_path / "a.py").as_uri(), MD5)
    await client.drain()
    client.proc.stdin.close()
    code = await _wait_exit(client, 10)
    assert code is not None, "server still running after its stdin closed"
    await client.kill()


async def test_exits_when_its_parent_process_dies(tmp_path):
    """The editor died without closing our pipes (they are held by a grandchild here)."""
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    client = await start(tmp_path, process_id=parent.pid)
    try:
        open_doc(client, (tmp_path / "a.py").as_uri(), MD5)
        await diagnostics(client, (tmp_path / "a.py").as_uri(), 1)
        parent.kill()
        parent.wait()
        started = time.monotonic()
        code = await _wait_exit(client, 15)
        assert code is not None, "orphaned: the server outlived the processId it was given"
        print(f"\nserver exited {time.monotonic() - started:.1f} s after its parent died")
    finally:
        if parent.poll() is None:
            parent.kill()
        await client.kill()


def _snapshot(root: Path) -> dict[str, float]:
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in files + dirs:
            path = os.path.join(folder, name)
            try:
                out[path] = os.lstat(path).st_mtime
            except OSError:
                pass
    return out


async def test_no_writes_outside_the_cache_directory(tmp_path):
    project, home, tmp, cache = tmp_path / "project", tmp_path / "home", tmp_path / "tmp", tmp_path / "home" / ".cache"
    for d in (project, home, tmp):
        d.mkdir()
    (project / "pyproject.toml").write_text('[tool.secure-ls]\nignore = ["SLS301"]\n[tool.secure-ls.dependencies]\nenable = false\n')
    (project / "app.py").write_text(MD5)
    (project / "requirements.txt").write_text("requests==2.0.0\n")
    before = _snapshot(tmp_path)
    env = {"HOME": str(home), "XDG_CACHE_HOME": str(cache), "TMPDIR": str(tmp), "PYTHONDONTWRITEBYTECODE": "1"}
    client = await RawClient.spawn(env=env, cwd=str(project), stderr_path=None)
    try:
        client.settings = {}
        await client.initialize("visual-studio-code", root_uri=project.as_uri())
        for name in ("app.py", "requirements.txt", "pyproject.toml"):
            uri = (project / name).as_uri()
            open_doc(client, uri, (project / name).read_text(), language="python" if name.endswith(".py") else "plaintext")
            await diagnostics(client, uri, 1)
        change(client, (project / "app.py").as_uri(), 2, (0, 0), (0, 0), "import os\n")
        await diagnostics(client, (project / "app.py").as_uri(), 2)
        client.notify("workspace/didChangeConfiguration", {"settings": {"secure-ls": {"ignore": []}}})
        await client.shutdown()
    finally:
        await client.kill()
    after = _snapshot(tmp_path)
    changed = [p for p in after if (p not in before or after[p] != before[p]) and not p.startswith(str(cache))]
    assert changed == [], f"the server wrote outside {cache}: {changed}"


_GUARDED_SERVER = [
    sys.executable,
    "-c",
    "import socket, sys\n"
    "def refuse(*args, **kwargs):\n"
    "    sys.stderr.write('NETWORK ATTEMPT %r\\n' % (args[:2],)); sys.stderr.flush()\n"
    "    raise OSError('network disabled in this test')\n"
    "socket.socket.connect = refuse\n"
    "socket.socket.connect_ex = refuse\n"
    "socket.getaddrinfo = refuse\n"
    "socket.create_connection = refuse\n"
    "from secure_ls.lsp.server import run\n"
    "run()\n",
]


@pytest.mark.parametrize("dependencies", [False, True])
async def test_no_network_unless_dependency_scanning_is_on(tmp_path, dependencies):
    (tmp_path / "requirements.txt").write_text("requests==2.19.0\ndjango==1.11\n")
    settings = {"dependencies": {"enable": dependencies, "cacheDir": str(tmp_path / "cache")}}
    client = await start(tmp_path, cmd=_GUARDED_SERVER, settings=settings)
    try:
        uri = (tmp_path / "app.py").as_uri()
        open_doc(client, uri, MD5 + "import requests\nrequests.get('https://example.com', verify=False)\n")
        assert "SLS302" in codes(await diagnostics(client, uri, 1))
        req = (tmp_path / "requirements.txt").as_uri()
        open_doc(client, req, (tmp_path / "requirements.txt").read_text(), language="pip-requirements")
        await diagnostics(client, req, 1)
        await asyncio.sleep(1.5)  # a background fetch would have started by now
        await client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}, 10)
    finally:
        await client.shutdown()
    log = (tmp_path / "server.log").read_text()
    if dependencies:
        assert "NETWORK ATTEMPT" in log, "the guard saw no network use at all: the test proves nothing"
    else:
        assert "NETWORK ATTEMPT" not in log, log


async def test_analysed_code_is_never_imported_or_executed(tmp_path):
    marker = tmp_path / "EXECUTED"
    payload = f"open({str(marker)!r}, 'w').write('x')\n"
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    files = {
        "evil.py": payload + "import hashlib\nhashlib.md5(b'')\n",
        "pkg/__init__.py": payload,
        "pkg/mod.py": "from . import helper\n" + payload,
        "pkg/helper.py": payload,
        "setup.py": payload + "from setuptools import setup\nsetup()\n",
        "conftest.py": payload,
        "main.py": "import evil\nimport pkg.mod\nfrom pkg import helper\nimport importlib\nimportlib.import_module('evil')\n"
        "if __name__ == '__main__':\n    " + payload + "eval(input())\n",
        "sitecustomize.py": payload,
        "usercustomize.py": payload,
        # editors start `python -m secure_ls serve` in the workspace folder: files named
        # like stdlib modules the server imports must not shadow them
        "ast.py": payload,
        "tokenize.py": payload,
        "argparse.py": payload,
        "secrets.py": payload,
    }
    for name, text in files.items():
        (project / name).write_text(text)
    client = await start(project)
    try:
        for name, text in files.items():
            uri = (project / name).as_uri()
            open_doc(client, uri, text)
            await diagnostics(client, uri, 1)
        # a source file whose name shadows the stdlib is not imported either
        (project / "hashlib.py").write_text(payload)
        uri = (project / "hashlib.py").as_uri()
        open_doc(client, uri, payload)
        await diagnostics(client, uri, 1)
    finally:
        await client.shutdown()
    assert not marker.exists(), "analysed code was executed by the server"
    # nor by `secure-ls check`, run from inside the project (cwd first on sys.path)
    result = subprocess.run([sys.executable, "-m", "secure_ls", "check", "--no-dependencies", "--format", "json", "."], cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    assert not marker.exists(), "analysed code was executed by `secure-ls check`"
