"""What an export or import tells its caller as it goes (the CLI draws a progress bar)."""

from __future__ import annotations

from typing import Protocol

__all__ = ("Progress", "QuietProgress")


class Progress(Protocol):
    """Receives progress: a total, then advances, with a word on the current step."""

    def start(self, *, total: int, unit: str) -> None:
        """The work ahead: ``total`` of ``unit`` (``rows+bytes`` or ``bytes``)."""

    def advance(self, amount: int, *, step: str) -> None:
        """``amount`` more done, now working on ``step``."""


class QuietProgress:
    """Progress nobody watches."""

    def start(self, *, total: int, unit: str) -> None:
        """Ignore the total."""

    def advance(self, amount: int, *, step: str) -> None:
        """Ignore the advance."""
