"""Long analyses in slices, so an editor's other requests are answered in between.

A 20,000-line module takes most of a second to analyse, and CPython runs one
analysis at a time. The engine's long loops (parsing units, analysing them) are
generators that pause at a `Pace`: about every SLICE seconds of work they
`yield`. Whoever drives the generator decides what a pause means: `finish` runs
straight through (the CLI, the engine's own `analyze`); the language server
answers the messages that arrived meanwhile (lsp/session.py).
"""

from __future__ import annotations

import time
from collections.abc import Generator
from typing import TypeVar

T = TypeVar("T")

# The longest stretch of work between two pauses: short enough that a keystroke or a
# hover waits at most this long, long enough that pausing costs nothing measurable.
SLICE = 0.015

Steps = Generator[None, None, T]


class Pace:
    """When a sliced loop should pause next."""

    def __init__(self) -> None:
        self._slice = SLICE
        self._since = time.perf_counter()

    def due(self) -> bool:
        """True (and a new slice starts) once SLICE seconds of work went by since the last pause."""
        now = time.perf_counter()
        if now - self._since < self._slice:
            return False
        self._since = now
        return True


def finish(steps: Steps[T]) -> T:
    """Runs a sliced computation to its end, without pausing; its result."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
