"""Example request bodies: the manifest's ``example_payloads``, shown in the OpenAPI document."""

from __future__ import annotations

from typing import Any

__all__ = ("EXAMPLE_PAYLOADS",)

EXAMPLE_PAYLOADS: dict[str, dict[str, Any]] = {
    "POST /members/{member_id}/redeem": {"points": 10, "reason": "Coffee mug"},
}
