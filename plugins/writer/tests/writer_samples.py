"""A document using every node and mark Writer knows, as ProseMirror JSON."""

from __future__ import annotations

from typing import Any


def _p(*runs: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(runs)}


def _t(text: str, *marks: dict[str, Any]) -> dict[str, Any]:
    return {"type": "text", "text": text, **({"marks": list(marks)} if marks else {})}


BOLD = {"type": "bold"}
ITALIC = {"type": "italic"}

SAMPLE: dict[str, Any] = {
    "type": "doc",
    "content": [
        {"type": "heading", "attrs": {"level": 1}, "content": [_t("Quarterly plan")]},
        _p(
            _t("Sales grew "),
            _t("fast", BOLD),
            _t(" and "),
            _t("steadily", ITALIC),
            _t("; see "),
            _t("the report", {"type": "link", "attrs": {"href": "https://example.com/r"}}),
            _t("."),
        ),
        {"type": "heading", "attrs": {"level": 2}, "content": [_t("Next steps")]},
        {
            "type": "bulletList",
            "content": [
                {"type": "listItem", "content": [_p(_t("Hire two engineers"))]},
                {"type": "listItem", "content": [_p(_t("Open the Lagos office"))]},
            ],
        },
        {
            "type": "orderedList",
            "content": [
                {"type": "listItem", "content": [_p(_t("Plan"))]},
                {"type": "listItem", "content": [_p(_t("Ship"))]},
            ],
        },
        {
            "type": "table",
            "content": [
                {
                    "type": "tableRow",
                    "content": [
                        {"type": "tableCell", "content": [_p(_t("Region"))]},
                        {"type": "tableCell", "content": [_p(_t("Revenue"))]},
                    ],
                },
                {
                    "type": "tableRow",
                    "content": [
                        {"type": "tableCell", "content": [_p(_t("West"))]},
                        {"type": "tableCell", "content": [_p(_t("1200"))]},
                    ],
                },
            ],
        },
    ],
}
