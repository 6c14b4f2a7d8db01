"""The type of a database row, as the ``Connection`` port answers it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

__all__ = ("Record",)

Record: TypeAlias = Mapping[str, Any]
"""A row: column name to value."""
