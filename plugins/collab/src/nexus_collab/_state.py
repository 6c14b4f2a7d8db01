"""Pure Yjs helpers: merge updates into one state, read the update a sync message carries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycrdt import Doc, YMessageType, YSyncMessageType, read_message

if TYPE_CHECKING:
    from collections.abc import Iterable
from typing import Any

__all__ = ("EMPTY_UPDATE", "merged", "sync_update")

EMPTY_UPDATE = b"\x00\x00"
"""The update that changes nothing (no structs, an empty delete set)."""


def merged(updates: Iterable[bytes]) -> bytes:
    """One update holding all of ``updates`` (in any order: Yjs updates commute)."""
    doc: Doc[Any] = Doc()
    for update in updates:
        if update and update != EMPTY_UPDATE:
            doc.apply_update(update)
    return doc.get_update()


def sync_update(message: bytes) -> bytes | None:
    """The document update a y-websocket message carries (sync step 2 or update), else None.

    A sync message is ``[0, subtype, varuint length, update]``; step 1 (a state vector, a
    question) and awareness messages change no document.
    """
    if len(message) < 2 or message[0] != YMessageType.SYNC:
        return None
    if message[1] not in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
        return None
    return bytes(read_message(message[2:]))
