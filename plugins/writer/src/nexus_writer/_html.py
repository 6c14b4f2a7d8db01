"""The ProseMirror JSON as simple HTML (what the PDF export lays out)."""

from __future__ import annotations

from html import escape
from typing import Any

from nexus_writer._picture import placeholder
from nexus_writer._text import runs

__all__ = ("to_html",)


def _inline(node: dict[str, Any]) -> str:
    out = []
    for run in runs(node):
        text = escape(run.text)
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        if run.href:
            text = f'<a href="{escape(run.href)}">{text}</a>'
        out.append(text)
    return "".join(out)


def _block(node: dict[str, Any]) -> str:
    kind = node.get("type")
    content = node.get("content", [])
    if kind == "heading":
        level = min(max(int((node.get("attrs") or {}).get("level", 1)), 1), 6)
        return f"<h{level}>{_inline(node)}</h{level}>"
    if kind == "paragraph":
        return f"<p>{_inline(node)}</p>"
    if kind in ("bulletList", "orderedList"):
        tag = "ul" if kind == "bulletList" else "ol"
        items = "".join(
            "<li>" + " ".join(_inline(child) for child in item.get("content", [])) + "</li>"
            for item in content
        )
        return f"<{tag}>{items}</{tag}>"
    if kind == "table":
        rows = "".join(
            "<tr>"
            + "".join(
                "<td>" + " ".join(_inline(p) for p in cell.get("content", [])) + "</td>"
                for cell in row.get("content", [])
            )
            + "</tr>"
            for row in content
        )
        return f'<table border="1">{rows}</table>'
    if kind == "image":
        return f"<p>{escape(placeholder(node.get('attrs') or {}))}</p>"
    return ""


def to_html(document: dict[str, Any]) -> str:
    """The document's body as HTML."""
    return "".join(_block(node) for node in document.get("content", []))
