"""Pick the load generator for a run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from bench.loadgen._aio import AsyncioLoadGenerator
from bench.loadgen._wrk import Wrk, find_or_install_wrk

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench.loadgen._base import LoadGenerator

__all__ = ("LoadgenChoice", "choose_load_generator")

LoadgenChoice = Literal["auto", "wrk", "asyncio"]


def choose_load_generator(choice: LoadgenChoice, say: Callable[[str], None]) -> LoadGenerator:
    """Return wrk (installing it when possible) or the asyncio fallback.

    Args:
        choice: ``auto`` prefers wrk and falls back; ``wrk`` insists on it; ``asyncio`` never
            looks for it.
        say: Where to report progress.

    Raises:
        RuntimeError: when ``wrk`` was asked for and cannot be had.
    """
    if choice == "asyncio":
        return AsyncioLoadGenerator()
    executable = find_or_install_wrk(say)
    if executable:
        return Wrk(executable)
    if choice == "wrk":
        raise RuntimeError("wrk is not installed and could not be installed")
    say("wrk cannot be had; using the asyncio load generator")
    return AsyncioLoadGenerator()
