"""A test virus scanner (``nexus_drive.hooks``) that flags the EICAR test string."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_drive.hooks import VirusScanner, hookimpl

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


async def scan(chunks: AsyncIterator[bytes]) -> str | None:
    """Flag the EICAR string, even when it straddles two chunks."""
    tail = b""
    async for chunk in chunks:
        window = tail + chunk
        if EICAR in window:
            return "Eicar-Test-Signature"
        tail = window[-len(EICAR) :]
    return None


@hookimpl
def drive_virus_scanners(register: Callable[[VirusScanner], None]) -> None:
    register(VirusScanner(name="eicar", scan=scan))
