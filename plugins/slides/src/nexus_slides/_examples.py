"""Example request bodies: the manifest's ``example_payloads``."""

from __future__ import annotations

from typing import Any

__all__ = ("EXAMPLES",)

EXAMPLES: dict[str, Any] = {
    "POST /decks": {"name": "Q4 review", "slides": 3},
}
