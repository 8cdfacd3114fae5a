"""A client that drives secure-ls over stdio as an editor does, for the project's tests and
benchmarks (tests/, bench/). The server never imports it.

`client.RawClient` is the JSON-RPC client (plain dicts on the wire, a replay record, arrival
times); `session` holds the small steps tests repeat (start, open, change, wait for
diagnostics pushed or pulled, apply a fix's edits).
"""

from __future__ import annotations

from secure_ls.testing.client import SERVER, RawClient, ServerDied

__all__ = ["SERVER", "RawClient", "ServerDied"]
