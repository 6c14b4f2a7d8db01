"""The Writer document in Yjs, as Tiptap's Collaboration extension (y-prosemirror) keeps it.

The XmlFragment ``default`` holds one XmlElement per ProseMirror node (its name the node's
type, its attributes the node's attrs) and an XmlText per run of text, whose formatting
attributes are the marks (``{"bold": {}}``, ``{"link": {"href": …}}``). Here it becomes the
ProseMirror JSON every converter reads (``{"type": "doc", "content": [...]}``), and back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ("FRAGMENT", "from_state", "to_state")

FRAGMENT = "default"

_NUMERIC = frozenset({"level", "start", "colspan", "rowspan"})


def _attr(key: str, value: Any) -> Any:
    if key in _NUMERIC and value is not None:
        return int(float(value))
    return value


def _text(node: XmlText) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    for chunk, attributes in node.diff():
        if not isinstance(chunk, str) or not chunk:
            continue
        run: dict[str, Any] = {"type": "text", "text": chunk}
        marks = [
            {"type": name, **({"attrs": dict(value)} if value else {})}
            for name, value in (attributes or {}).items()
        ]
        if marks:
            run["marks"] = marks
        runs.append(run)
    return runs


def _node(element: XmlElement) -> dict[str, Any]:
    node: dict[str, Any] = {"type": element.tag}
    pairs: Iterable[tuple[str, Any]] = element.attributes.__iter__()  # typed Iterable, not Iterator
    attrs = {key: _attr(key, value) for key, value in pairs}
    if attrs:
        node["attrs"] = attrs
    content: list[dict[str, Any]] = []
    for child in element.children:
        if isinstance(child, XmlText):
            content.extend(_text(child))
        elif isinstance(child, XmlElement):
            content.append(_node(child))
    if content:
        node["content"] = content
    return node


def from_state(state: bytes) -> dict[str, Any]:
    """The ProseMirror JSON of a Writer document's Yjs state."""
    doc: Doc[Any] = Doc()
    doc.apply_update(state)
    fragment = doc.get(FRAGMENT, type=XmlFragment)
    content = [_node(child) for child in fragment.children if isinstance(child, XmlElement)]
    return {"type": "doc", "content": content}


def _element(node: dict[str, Any]) -> XmlElement:
    attrs = {
        key: str(value) for key, value in (node.get("attrs") or {}).items() if value is not None
    }
    return XmlElement(node["type"], attrs)


def _fill(element: XmlElement, content: list[dict[str, Any]]) -> None:
    text: XmlText | None = None
    for child in content:
        if child["type"] == "text":
            if text is None:
                text = XmlText()
                element.children.append(text)
            marks = {mark["type"]: dict(mark.get("attrs") or {}) for mark in child.get("marks", [])}
            text.insert(len(text), child["text"], marks or None)
            continue
        text = None
        made = element.children.append(_element(child))
        _fill(made, child.get("content", []))


def to_state(document: dict[str, Any]) -> bytes:
    """A Yjs update holding the ProseMirror JSON ``document`` in the XmlFragment ``default``."""
    doc: Doc[Any] = Doc()
    fragment = doc.get(FRAGMENT, type=XmlFragment)
    with doc.transaction():
        for node in document.get("content", []):
            made = fragment.children.append(_element(node))
            _fill(made, node.get("content", []))
    return doc.get_update()
