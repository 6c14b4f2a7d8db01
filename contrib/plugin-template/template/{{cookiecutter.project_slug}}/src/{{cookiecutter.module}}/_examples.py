"""Example request bodies: the manifest's ``example_payloads``, shown in the OpenAPI document."""

from __future__ import annotations

from typing import Any

__all__ = ("EXAMPLE_PAYLOADS",)

EXAMPLE_PAYLOADS: dict[str, dict[str, Any]] = {
    "POST /items": {"title": "First item", "notes": "Made by the contract tests."},
    "PATCH /items/{item_id}": {"notes": "Changed."},
}
