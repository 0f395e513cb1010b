"""Progress lines for long runs: shown on a terminal, silent when output is not a terminal."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """Counts steps and reports which one is running and how many are left.

    Parameters
    ----------
    total : int
        Number of steps.
    stream : file, optional
        Where to write (standard error by default).
    enabled : bool, optional
        Force on or off; by default on only when ``stream`` is a terminal.
    """

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled

    def step(self, what: str) -> None:
        """Announce the next step, e.g. ``"returns_to_innovation: model roa_post"``."""
        self.done += 1
        if self.enabled:
            left = self.total - self.done
            self.stream.write(f"[{self.done}/{self.total}] {what} ({left} left)\n")
            self.stream.flush()
