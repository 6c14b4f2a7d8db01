"""Walking the ProseMirror JSON: the plain text of a node, and its runs with their marks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("Run", "plain", "runs")


class Run(NamedTuple):
    """A run of text and the marks it carries."""

    text: str
    bold: bool
    italic: bool
    href: str | None


def runs(node: dict[str, Any]) -> Iterator[Run]:
    """The text runs directly inside ``node`` (a paragraph or heading), in order."""
    for child in node.get("content", []):
        if child.get("type") != "text":
            continue
        marks = {mark["type"]: mark.get("attrs") or {} for mark in child.get("marks", [])}
        link = marks.get("link")
        yield Run(
            text=child.get("text", ""),
            bold="bold" in marks,
            italic="italic" in marks,
            href=link.get("href") if link is not None else None,
        )


def plain(node: dict[str, Any]) -> str:
    """All the text below ``node``, paragraphs joined by line breaks."""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    parts = [plain(child) for child in node.get("content", [])]
    inline = all(child.get("type") == "text" for child in node.get("content", []))
    return "".join(parts) if inline else "\n".join(parts)
