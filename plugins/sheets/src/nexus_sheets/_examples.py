"""Example request bodies: the manifest's ``example_payloads``."""

from __future__ import annotations

from typing import Any

__all__ = ("EXAMPLES",)

EXAMPLES: dict[str, Any] = {
    "POST /workbooks": {"name": "Budget 2027", "sheets": ["Budget", "Summary"]},
}
