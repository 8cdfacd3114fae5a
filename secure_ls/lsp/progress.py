"""`$/progress` for work the server does in the background (indexing the workspace, checking
every file of it): on the token the client's request carried, else on one the server
creates when the client can show progress; nothing at all otherwise.

`report` and `end` must run on the server's thread: a worker hands them over with
`loop.call_soon_threadsafe`.
"""

from __future__ import annotations

import logging
import uuid

from lsprotocol import types

log = logging.getLogger("secure_ls")


class Progress:
    def __init__(self, ls, token: types.ProgressToken | None) -> None:
        self._ls = ls
        self._token = token

    @classmethod
    async def begin(cls, ls, kind: str, message: str, token: types.ProgressToken | None = None) -> "Progress":
        if token is None and ls.capability("window", "work_done_progress"):
            token = f"secure-ls-{kind}-{uuid.uuid4().hex[:8]}"
            try:
                await ls.work_done_progress.create_async(token)
            except Exception as exc:  # the client refused: work silently
                log.info("no progress reporting: %s", exc)
                token = None
        if token is not None:
            ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(title="secure-ls", message=message, percentage=0, cancellable=False))
        return cls(ls, token)

    def report(self, count: int, total: int) -> None:
        if self._token is not None:
            percentage = int(count * 100 / max(total, 1))
            self._ls.work_done_progress.report(self._token, types.WorkDoneProgressReport(message=f"{count}/{total} files", percentage=percentage))

    def end(self, message: str) -> None:
        if self._token is not None:
            self._ls.work_done_progress.end(self._token, types.WorkDoneProgressEnd(message=message))
            self._token = None
