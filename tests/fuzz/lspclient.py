"""A small raw JSON-RPC client for driving a real secure-ls process over stdio.

Raw on purpose: the fuzzer needs exact control of what goes on the wire
(request ids to cancel, bursts of notifications without waiting) and a
record of every message sent, which is the replay printed on failure.
Server-to-client requests are answered the way an editor would.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "secure_ls", "serve"]


class ServerDied(Exception):
    pass


class RawClient:
    def __init__(self, proc: asyncio.subprocess.Process, stderr_path: str | None = None):
        self.proc = proc
        self.stderr_path = stderr_path
        self.sent: list[dict] = []  # every message we wrote, in order: the replay
        self.received: list[dict] = []
        self.notifications: list[dict] = []
        self._pending: dict[int, asyncio.Future] = {}
        self._next_id = 0
        self.settings: dict = {}
        self.on_notification: Callable[[dict], None] | None = None
        self.refreshes = 0
        self.config_requests = 0
        self.closed = asyncio.Event()
        self._reader = asyncio.get_running_loop().create_task(self._read_loop())
        self.keep_received = False

    # ---- process ------------------------------------------------------------
    @classmethod
    async def spawn(cls, cmd: list[str] | None = None, env: dict | None = None, cwd: str | None = None, stderr_path: str | None = None) -> RawClient:
        full_env = dict(os.environ)
        full_env.setdefault("SECURE_LS_LOG_LEVEL", "WARNING")
        # SECURE_LS_FUZZ_CODE: a snapshot of secure_ls (bench/fuzz.py) so that a long run
        # is not confused by files others edit meanwhile; the client imports the same copy
        code = os.environ.get("SECURE_LS_FUZZ_CODE") or str(REPO)
        # (no empty entry: that would put the current directory on sys.path)
        full_env["PYTHONPATH"] = os.pathsep.join(p for p in (code, full_env.get("PYTHONPATH", "")) if p)
        if env:
            full_env.update(env)
        stderr = open(stderr_path, "ab") if stderr_path else asyncio.subprocess.DEVNULL
        proc = await asyncio.create_subprocess_exec(
            *(cmd or SERVER),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env=full_env,
            cwd=cwd or str(REPO),
            limit=64 * 1024 * 1024,
        )
        if stderr_path:
            stderr.close()
        return cls(proc, stderr_path)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.returncode is None and not self.closed.is_set()

    def memory(self) -> tuple[int, int]:
        """(current RSS, peak RSS) of the server in KiB, from /proc."""
        rss = peak = 0
        try:
            with open(f"/proc/{self.pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1])
                    elif line.startswith("VmHWM:"):
                        peak = int(line.split()[1])
        except OSError:
            pass
        return rss, peak

    def stderr_tail(self, n: int = 40) -> str:
        if not self.stderr_path or not os.path.exists(self.stderr_path):
            return ""
        with open(self.stderr_path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 20000))
            return "\n".join(fh.read().decode("utf-8", "replace").splitlines()[-n:])

    async def kill(self) -> None:
        if self.proc.returncode is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except asyncio.TimeoutError:
            pass
        self._reader.cancel()

    # ---- wire ---------------------------------------------------------------
    def _write(self, message: dict) -> None:
        if not self.alive():
            raise ServerDied(f"server is gone (exit code {self.proc.returncode})")
        message = {"jsonrpc": "2.0", **message}
        self.sent.append(message)
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def drain(self) -> None:
        try:
            await self.proc.stdin.drain()
        except (ConnectionResetError, BrokenPipeError) as exc:
            raise ServerDied(f"server closed its stdin: {exc}") from None

    def notify(self, method: str, params: Any) -> None:
        self._write({"method": method, "params": params})

    def send_request(self, method: str, params: Any) -> tuple[int, asyncio.Future]:
        self._next_id += 1
        rid = self._next_id
        fut = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        self._write({"id": rid, "method": method, "params": params})
        return rid, fut

    async def request(self, method: str, params: Any, timeout: float = 30.0) -> Any:
        """The response's result; raises on an error response, a timeout or a dead server."""
        rid, fut = self.send_request(method, params)
        await self.drain()
        response = await self.wait_response(rid, fut, timeout, method)
        if "error" in response:
            raise RuntimeError(f"{method} -> error {response['error']}")
        return response.get("result")

    async def wait_response(self, rid: int, fut: asyncio.Future, timeout: float, method: str = "") -> dict:
        closed = asyncio.ensure_future(self.closed.wait())
        try:
            done, _ = await asyncio.wait({fut, closed}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            closed.cancel()
        if fut in done:
            return fut.result()
        self._pending.pop(rid, None)
        if self.closed.is_set():
            raise ServerDied(f"server died while answering {method} (exit code {self.proc.returncode})")
        raise TimeoutError(f"no answer to {method} (id {rid}) within {timeout:.0f} s")

    async def _read_loop(self) -> None:
        reader = self.proc.stdout
        try:
            while True:
                header = await reader.readuntil(b"\r\n\r\n")
                length = None
                for line in header.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length is None:
                    raise ValueError(f"frame without Content-Length: {header!r}")
                body = await reader.readexactly(length)
                self._dispatch(json.loads(body))
        except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.closed.set()
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ServerDied("server closed stdout"))

    def _dispatch(self, message: dict) -> None:
        if self.keep_received:
            self.received.append(message)
        if "id" in message and "method" not in message:
            fut = self._pending.pop(message["id"], None)
            if fut is not None and not fut.done():
                fut.set_result(message)
            return
        method = message.get("method")
        if "id" in message:  # a request from the server
            result: Any = None
            if method == "workspace/configuration":
                self.config_requests += 1
                items = message["params"].get("items", [])
                result = [self.settings if item.get("section") in ("secure-ls", None) else None for item in items]
            elif method == "workspace/diagnostic/refresh":
                self.refreshes += 1
            elif method == "workspace/applyEdit":
                result = {"applied": False}
            try:
                self._write({"id": message["id"], "result": result})
            except ServerDied:
                pass
            return
        self.notifications.append(message)
        if len(self.notifications) > 2000:
            del self.notifications[:1000]
        if self.on_notification is not None:
            self.on_notification(message)

    # ---- session --------------------------------------------------------------
    async def initialize(self, profile: str, root_uri: str | None = None, options: Any = None, process_id: int | None = None) -> dict:
        from lsprotocol import converters
        from pytest_lsp import client_capabilities

        caps = converters.get_converter().unstructure(client_capabilities(profile))
        self.capabilities = caps
        params = {"processId": process_id if process_id is not None else os.getpid(), "rootUri": root_uri, "capabilities": caps}
        if options is not None:
            params["initializationOptions"] = options
        result = await self.request("initialize", params)
        self.server_capabilities = result["capabilities"]
        self.encoding = self.server_capabilities.get("positionEncoding") or "utf-16"
        self.notify("initialized", {})
        await self.drain()
        return result

    async def shutdown(self, timeout: float = 10.0) -> int | None:
        try:
            await self.request("shutdown", None, timeout)
            self.notify("exit", None)
            await self.drain()
            await asyncio.wait_for(self.proc.wait(), timeout)
        except (ServerDied, TimeoutError, asyncio.TimeoutError, RuntimeError):
            pass
        await self.kill()
        return self.proc.returncode


def now() -> float:
    return time.monotonic()
