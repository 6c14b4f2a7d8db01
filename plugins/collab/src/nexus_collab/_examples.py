"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples."""

from __future__ import annotations

from typing import Any

__all__ = ("EXAMPLES",)

EXAMPLES: dict[str, Any] = {}
