"""A client that drives secure-ls over stdio as an editor does, for the project's tests and
benchmarks; not used by the server.

Raw on purpose: messages are plain JSON dicts, and the fuzzer needs exact control of what
goes on the wire (request ids to cancel, bursts of notifications without waiting) and a
record of every message sent, which is the replay printed on failure. Every notification
is kept with its arrival time (`time.perf_counter()` as it is read), which is what the
latency benchmarks measure to (`wait_for`, `wait_published`). Server-to-client requests
are answered the way an editor would.

With `check=True` the client also records in `violations` what the server did that the
client's capabilities or the protocol's types do not allow (the checks pytest-lsp's client
made): a message that is not of its method's type, `workspace/configuration` or
`window/workDoneProgress/create` sent to a client that did not declare them, and
`$/progress` for a token nobody created.
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

import secure_ls

SERVER = [sys.executable, "-m", "secure_ls", "serve"]
# The folder that holds the secure_ls this client was imported from: first on the server's
# PYTHONPATH, so that `-m secure_ls` runs the same code.
CODE = str(Path(secure_ls.__file__).resolve().parent.parent)
KEPT_NOTIFICATIONS = 2000  # past this many, the oldest 1000 are dropped

Predicate = Callable[[dict], bool]


class ServerDied(Exception):
    pass


class RawClient:
    def __init__(self, proc: asyncio.subprocess.Process, stderr_path: str | None = None, check: bool = False):
        self.proc = proc
        self.stderr_path = stderr_path
        self.sent: list[dict] = []  # every message we wrote, in order: the replay
        self.keep_received = False
        self.received: list[tuple[float, dict]] = []  # with keep_received: every message, with its arrival time
        self.notifications: list[dict] = []  # the server's notifications, oldest first
        self.arrivals: list[float] = []  # the time.perf_counter() at which each of `notifications` arrived
        self._pending: dict[int, asyncio.Future] = {}
        self._waiters: list[tuple[Predicate, asyncio.Future]] = []
        self._next_id = 0
        self.settings: Any = {}  # the answer to workspace/configuration for our section (None: null)
        self.on_notification: Callable[[dict], None] | None = None
        self.refreshes = 0
        self.config_requests = 0
        self.capabilities: dict = {}  # the client's, as sent in initialize
        self.server_capabilities: dict = {}
        self.encoding = "utf-16"
        self.check = check
        self.violations: list[str] = []
        self._methods: dict[int, str] = {}  # (check) the method of each request not answered yet
        self._work_tokens: set = set()  # (check) work done progress tokens the server created or we sent
        self._partial_tokens: set = set()  # (check) partial result tokens we sent
        self._converter: Any = None
        self.closed = asyncio.Event()
        self._reader = asyncio.get_running_loop().create_task(self._read_loop())

    # ---- process ------------------------------------------------------------
    @classmethod
    async def spawn(
        cls,
        cmd: list[str] | None = None,
        env: dict | None = None,
        cwd: str | None = None,
        stderr_path: str | None = None,
        check: bool = False,
    ) -> RawClient:
        """Starts the server (`python -m secure_ls serve` unless `cmd`); its stderr goes to
        `stderr_path` (appended) or nowhere."""
        full_env = dict(os.environ)
        full_env.setdefault("SECURE_LS_LOG_LEVEL", "WARNING")
        # SECURE_LS_FUZZ_CODE: a snapshot of secure_ls (`python -m bench.fuzz`) so that a long run
        # is not confused by files others edit meanwhile; the client imports the same copy
        code = os.environ.get("SECURE_LS_FUZZ_CODE") or CODE
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
            cwd=cwd,
            limit=64 * 1024 * 1024,
        )
        if stderr_path:
            stderr.close()
        return cls(proc, stderr_path, check)

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
        if self.check:
            self._methods[rid] = method
            if isinstance(params, dict) and params.get("workDoneToken") is not None:
                self._work_tokens.add(params["workDoneToken"])
            if isinstance(params, dict) and params.get("partialResultToken") is not None:
                self._partial_tokens.add(params["partialResultToken"])
        self._write({"id": rid, "method": method, "params": params})
        return rid, fut

    async def request(self, method: str, params: Any, timeout: float | None = 30.0) -> Any:
        """The response's result; raises on an error response, a timeout or a dead server
        (`timeout` None: wait as long as the server lives)."""
        rid, fut = self.send_request(method, params)
        await self.drain()
        response = await self.wait_response(rid, fut, timeout, method)
        if "error" in response:
            raise RuntimeError(f"{method} -> error {response['error']}")
        return response.get("result")

    async def wait_response(self, rid: int, fut: asyncio.Future, timeout: float | None, method: str = "") -> dict:
        try:
            return await self._outcome(fut, timeout, f"{method} (id {rid})")
        finally:
            self._pending.pop(rid, None)

    async def wait_for(self, predicate: Predicate, timeout: float | None = 30.0, *, past: bool = True) -> tuple[float, dict]:
        """(arrival time, notification) of the first notification `predicate` accepts: among
        those already received (oldest first) if `past`, else the next one to come."""
        if past:
            for stamp, message in zip(self.arrivals, self.notifications):
                if predicate(message):
                    return stamp, message
        waiter = (predicate, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        try:
            await self.drain()
            return await self._outcome(waiter[1], timeout, "a matching notification")
        finally:
            self._waiters.remove(waiter)

    async def wait_published(self, uri: str, version: int | None = None, timeout: float | None = 30.0, *, past: bool = True) -> tuple[float, dict]:
        """(arrival time, params) of the first `publishDiagnostics` for `uri` (at `version` if given)."""

        def wanted(m: dict) -> bool:
            if m.get("method") != "textDocument/publishDiagnostics" or m["params"]["uri"] != uri:
                return False
            return version is None or m["params"].get("version") == version

        stamp, message = await self.wait_for(wanted, timeout, past=past)
        return stamp, message["params"]

    async def _outcome(self, fut: asyncio.Future, timeout: float | None, what: str) -> Any:
        """`fut`'s result, or ServerDied if the server goes first, or TimeoutError."""
        closed = asyncio.ensure_future(self.closed.wait())
        try:
            done, _ = await asyncio.wait({fut, closed}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            closed.cancel()
        if fut in done:
            return fut.result()
        if self.closed.is_set():
            raise ServerDied(f"server died while we waited for {what} (exit code {self.proc.returncode})")
        raise TimeoutError(f"no {what} within {timeout:.0f} s")

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
                message = json.loads(body)
                self._dispatch(message, time.perf_counter())
        except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.closed.set()
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ServerDied("server closed stdout"))

    def _dispatch(self, message: dict, stamp: float) -> None:
        if self.keep_received:
            self.received.append((stamp, message))
        if self.check:
            self._check(message)
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
        self.arrivals.append(stamp)
        if len(self.notifications) > KEPT_NOTIFICATIONS:
            del self.notifications[:1000]
            del self.arrivals[:1000]
        for predicate, fut in self._waiters:
            if fut.done():
                continue
            try:
                if predicate(message):
                    fut.set_result((stamp, message))
            except Exception as exc:  # a broken predicate fails its waiter, not the reader
                fut.set_exception(exc)
        if self.on_notification is not None:
            self.on_notification(message)

    # ---- checks (check=True) -------------------------------------------------------
    def _check(self, message: dict) -> None:
        from lsprotocol import types

        method = message.get("method")
        if method is None:  # a response: the type of the request's answer
            method = self._methods.pop(message.get("id"), None)
            kind = types.METHOD_TO_TYPES.get(method, (None, None))[1] if method and "result" in message else None
        else:
            kind = types.METHOD_TO_TYPES.get(method, (None,))[0]
            self._check_capabilities(method, message)
        if kind is None:
            return
        if self._converter is None:
            from pygls.protocol import default_converter

            self._converter = default_converter()
        try:
            self._converter.structure(message, kind)
        except Exception as exc:
            causes = "; ".join(repr(e) for e in getattr(exc, "exceptions", ())) or repr(exc)
            self.violations.append(f"{method}: not a valid {kind.__name__} ({causes}): {json.dumps(message)[:500]}")

    def _check_capabilities(self, method: str, message: dict) -> None:
        params = message.get("params") or {}
        declared = bool(self.capabilities)  # as pytest-lsp: no capabilities, no checks
        if method == "workspace/configuration" and declared and not (self.capabilities.get("workspace") or {}).get("configuration"):
            self.violations.append("workspace/configuration sent to a client that does not support it")
        elif method == "window/workDoneProgress/create":
            if declared and not (self.capabilities.get("window") or {}).get("workDoneProgress"):
                self.violations.append("window/workDoneProgress/create sent to a client that does not support it")
            if params.get("token") in self._work_tokens:
                self.violations.append(f"duplicate progress token {params.get('token')!r}")
            self._work_tokens.add(params.get("token"))
        elif method == "$/progress" and params.get("token") not in self._partial_tokens:
            if params.get("token") not in self._work_tokens:
                self.violations.append(f"$/progress for an unknown token {params.get('token')!r}")
            elif params.get("value") and not (isinstance(params["value"], dict) and params["value"].get("kind") in ("begin", "report", "end")):
                self.violations.append(f"$/progress of an unknown kind: {params['value']!r}")

    # ---- session --------------------------------------------------------------
    async def initialize(
        self,
        profile: str | None = None,
        root_uri: str | None = None,
        options: Any = None,
        process_id: int | None = None,
        *,
        capabilities: dict | None = None,
        workspace_folders: list[dict] | None = None,
        timeout: float = 30.0,
    ) -> dict:
        """`initialize` then `initialized`. The client's capabilities are `capabilities`, or
        those of the editor `profile` names (pytest-lsp's `client_capabilities`: "neovim",
        "visual-studio-code@v1.65.2", ...), or none. `processId` is ours unless given."""
        if capabilities is None:
            capabilities = {}
            if profile:
                from lsprotocol import converters
                from pytest_lsp import client_capabilities

                capabilities = converters.get_converter().unstructure(client_capabilities(profile))
        self.capabilities = capabilities
        params = {"processId": process_id if process_id is not None else os.getpid(), "rootUri": root_uri, "capabilities": capabilities}
        if workspace_folders is not None:
            params["workspaceFolders"] = workspace_folders
        if options is not None:
            params["initializationOptions"] = options
        result = await self.request("initialize", params, timeout)
        self.server_capabilities = result["capabilities"]
        self.encoding = self.server_capabilities.get("positionEncoding") or "utf-16"
        self.notify("initialized", {})
        await self.drain()
        return result

    async def shutdown(self, timeout: float = 10.0) -> int | None:
        """`shutdown` then `exit`, killing the server if it does not go; its exit code."""
        try:
            await self.request("shutdown", None, timeout)
            self.notify("exit", None)
            await self.drain()
            await asyncio.wait_for(self.proc.wait(), timeout)
        except (ServerDied, TimeoutError, asyncio.TimeoutError, RuntimeError):
            pass
        await self.kill()
        return self.proc.returncode
