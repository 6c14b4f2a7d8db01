"""Markdown to and from the ProseMirror JSON (CommonMark with tables, by markdown-it-py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markdown_it import MarkdownIt

from nexus_writer._text import Run, runs

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ("from_markdown", "to_markdown")


def _inline(run: Run) -> str:
    text = run.text.replace("*", r"\*").replace("_", r"\_")
    if run.bold:
        text = f"**{text}**"
    if run.italic:
        text = f"*{text}*"
    if run.href:
        text = f"[{text}]({run.href})"
    return text


def _line(node: dict[str, Any]) -> str:
    return "".join(_inline(run) for run in runs(node))


def _block(node: dict[str, Any], indent: str = "") -> list[str]:
    kind = node.get("type")
    content = node.get("content", [])
    if kind == "heading":
        level = int((node.get("attrs") or {}).get("level", 1))
        return [f"{indent}{'#' * level} {_line(node)}", ""]
    if kind == "paragraph":
        return [f"{indent}{_line(node)}", ""]
    if kind in ("bulletList", "orderedList"):
        lines: list[str] = []
        for number, item in enumerate(content, start=1):
            marker = "-" if kind == "bulletList" else f"{number}."
            inner = [line for child in item.get("content", []) for line in _block(child)]
            inner = [line for line in inner if line]
            pad = " " * (len(marker) + 1)
            lines.extend(
                f"{indent}{marker if i == 0 else pad[:-1]} {line}".rstrip()
                if i == 0
                else f"{indent}{pad}{line}"
                for i, line in enumerate(inner)
            )
        return [*lines, ""]
    if kind == "table":
        rows = [
            [
                _line(cell_p)
                for cell in row.get("content", [])
                for cell_p in cell.get("content", [])[:1]
            ]
            for row in content
        ]
        if not rows:
            return []
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        out = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        out.extend("| " + " | ".join(row) + " |" for row in rows[1:])
        return [*out, ""]
    if kind == "image":
        src = (node.get("attrs") or {}).get("src", "")
        alt = (node.get("attrs") or {}).get("alt") or ""
        return [f"![{alt}](nexus-drive:{src})", ""]
    return []


def to_markdown(document: dict[str, Any]) -> str:
    """The document as Markdown."""
    lines = [line for node in document.get("content", []) for line in _block(node)]
    return "\n".join(lines).rstrip() + "\n"


def _text_nodes(children: list[Token]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    for token in children:
        if token.type in ("strong_open", "em_open"):
            marks.append({"type": "bold" if token.type == "strong_open" else "italic"})
        elif token.type == "link_open":
            marks.append({"type": "link", "attrs": {"href": str(token.attrGet("href") or "")}})
        elif token.type in ("strong_close", "em_close", "link_close") and marks:
            marks.pop()
        elif token.type in ("text", "code_inline") and token.content:
            node: dict[str, Any] = {"type": "text", "text": token.content}
            if marks:
                node["marks"] = [dict(mark) for mark in marks]
            out.append(node)
        elif token.type in ("softbreak", "hardbreak"):
            out.append({"type": "text", "text": " ", **({"marks": list(marks)} if marks else {})})
    return out


def from_markdown(text: str) -> dict[str, Any]:
    """The ProseMirror JSON of a Markdown text."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    root: dict[str, Any] = {"type": "doc", "content": []}
    stack: list[dict[str, Any]] = [root]
    names = {
        "bullet_list_open": "bulletList",
        "ordered_list_open": "orderedList",
        "list_item_open": "listItem",
        "table_open": "table",
        "tr_open": "tableRow",
        "th_open": "tableCell",
        "td_open": "tableCell",
    }
    for token in tokens:
        if token.type in names:
            node: dict[str, Any] = {"type": names[token.type], "content": []}
            stack[-1]["content"].append(node)
            stack.append(node)
            if token.type in ("th_open", "td_open"):  # a cell holds a paragraph
                paragraph: dict[str, Any] = {"type": "paragraph", "content": []}
                node["content"].append(paragraph)
                stack.append(paragraph)
        elif token.type in ("th_close", "td_close"):
            stack.pop()
            stack.pop()
        elif token.type.endswith("_close") and token.type.replace("_close", "_open") in names:
            stack.pop()
        elif token.type == "heading_open":
            level = int(token.tag[1])
            heading = {"type": "heading", "attrs": {"level": level}, "content": []}
            stack[-1]["content"].append(heading)
            stack.append(heading)
        elif token.type == "paragraph_open":
            paragraph = {"type": "paragraph", "content": []}
            stack[-1]["content"].append(paragraph)
            stack.append(paragraph)
        elif token.type in ("heading_close", "paragraph_close"):
            stack.pop()
        elif token.type == "inline":
            stack[-1]["content"].extend(_text_nodes(token.children or []))
    return _pruned(root)


def _pruned(node: dict[str, Any]) -> dict[str, Any]:
    """Drop empty ``content`` lists (ProseMirror JSON leaves them out)."""
    content = [_pruned(child) for child in node.get("content", [])]
    out = {key: value for key, value in node.items() if key != "content"}
    if content:
        out["content"] = content
    return out
