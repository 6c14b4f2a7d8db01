"""Pure Yjs helpers: merge updates into one state, read a sync message's update, restore."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycrdt import (
    Array,
    Doc,
    Map,
    Text,
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

__all__ = ("EMPTY_UPDATE", "ROOTS", "merged", "restoring", "sync_update")

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


ROOTS: dict[str, dict[str, type[Any]]] = {
    "writer": {"default": XmlFragment},
    "sheets": {"sheets": Array},
    "slides": {"deck": Map, "slides": Array},
}
"""The root types each kind's editor keeps its content in (see their READMEs)."""


def _copied(value: Any) -> Any:
    """A new (prelim) shared type, or the plain value, holding what ``value`` holds."""
    if isinstance(value, Map):
        return Map({key: _copied(item) for key, item in value.items()})
    if isinstance(value, Array):
        return Array([_copied(item) for item in value])
    if isinstance(value, Text):
        return Text(str(value))
    return value


def _replace(doc: Doc[Any], source: Doc[Any], name: str, kind: type[Any]) -> None:
    if kind is XmlFragment:
        target = doc.get(name, type=XmlFragment)
        while len(target.children):
            del target.children[0]
        for child in source.get(name, type=XmlFragment).children:
            if isinstance(child, XmlElement | XmlText):
                _fill(target.children.append(_copy(child)), child)
    elif kind is Array:
        array = doc.get(name, type=Array)
        del array[:]
        array.extend([_copied(item) for item in source.get(name, type=Array)])
    else:
        old, new = source.get(name, type=Map), doc.get(name, type=Map)
        for key in [key for key in new if key not in old]:
            del new[key]
        for key, item in old.items():
            new[key] = _copied(item)


def restoring(current: bytes, old: bytes, kind: str) -> bytes:
    """The update that makes the ``kind`` document ``current`` hold ``old``'s content again.

    Yjs cannot go back in history: restoring is a new edit, replacing each of the kind's
    roots (:data:`ROOTS`) with a copy of the old one, which every client then receives as
    any update. Texts are copied as plain text (Sheets and Slides keep no formatting in
    them; Writer's rich text is copied with its formatting).
    """
    source: Doc[Any] = Doc()
    source.apply_update(old)
    doc: Doc[Any] = Doc()
    doc.apply_update(current)
    before = doc.get_state()
    with doc.transaction():
        for name, root in ROOTS[kind].items():
            _replace(doc, source, name, root)
    return doc.get_update(before)
