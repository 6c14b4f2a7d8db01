"""The tenant of the transaction in progress, for defaults that need it."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uuid import UUID

__all__ = ("current_tenant",)

current_tenant: ContextVar[UUID | None] = ContextVar("nexus_current_tenant", default=None)
"""Set by the kernel for the duration of each ``db.transaction()``; read-only for plugins."""
