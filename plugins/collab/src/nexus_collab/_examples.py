"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples."""

from __future__ import annotations

from typing import Any

__all__ = ("EXAMPLES",)

EXAMPLES: dict[str, Any] = {
    "POST /{file_id}/comments": {
        "body": "Can we cite the source here?",
        "anchor_start": "AQLT6tvDCgUA",
        "anchor_end": "AQLT6tvDCgkA",
        "quote": "grew by 12%",
    },
}
