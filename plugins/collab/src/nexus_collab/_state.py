"""Pure Yjs helpers: merge updates into one state, read the update a sync message carries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycrdt import (
    Doc,
    XmlElement,
    XmlFragment,
    XmlText,
    YMessageType,
    YSyncMessageType,
    read_message,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
from typing import Any

__all__ = ("EMPTY_UPDATE", "merged", "restoring", "sync_update")

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


def _copy(node: XmlElement | XmlText) -> XmlElement | XmlText:
    if isinstance(node, XmlText):
        return XmlText()
    return XmlElement(node.tag, dict(node.attributes.__iter__()))


def _fill(target: XmlElement | XmlText, source: XmlElement | XmlText) -> None:
    if isinstance(source, XmlText) and isinstance(target, XmlText):
        for chunk, attributes in source.diff():
            if isinstance(chunk, str):
                target.insert(len(target), chunk, attributes or None)
        return
    if isinstance(source, XmlElement) and isinstance(target, XmlElement):
        for child in source.children:
            if isinstance(child, XmlElement | XmlText):
                _fill(target.children.append(_copy(child)), child)


def restoring(current: bytes, old: bytes, fragment: str = "default") -> bytes:
    """The update that makes the XmlFragment ``fragment`` of ``current`` hold ``old``'s again.

    Yjs cannot go back in history: restoring is a new edit, replacing the fragment's
    content with a copy of the old one, which every client then receives as any update.
    """
    source: Doc[Any] = Doc()
    source.apply_update(old)
    doc: Doc[Any] = Doc()
    doc.apply_update(current)
    before = doc.get_state()
    target = doc.get(fragment, type=XmlFragment)
    with doc.transaction():
        while len(target.children):
            del target.children[0]
        for child in source.get(fragment, type=XmlFragment).children:
            if isinstance(child, XmlElement | XmlText):
                _fill(target.children.append(_copy(child)), child)
    return doc.get_update(before)
