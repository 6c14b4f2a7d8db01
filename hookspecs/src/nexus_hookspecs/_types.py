"""Small value types passed to hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import msgspec

__all__ = ("EventHandler", "PurgeReport", "TenantRef")


class TenantRef(msgspec.Struct, frozen=True, kw_only=True):
    """The tenant a lifecycle or provisioning hook acts on.

    Attributes:
        id: The tenant id (the ``tenant_id`` of its rows).
        slug: The tenant's unique, URL-safe name.
    """

    id: UUID
    slug: str


class PurgeReport(msgspec.Struct, frozen=True, kw_only=True):
    """What purging a plugin's data for one tenant deletes (or would delete, on a dry run).

    Attributes:
        rows: Rows per table.
        files: Number of stored files.
    """

    rows: dict[str, int] = msgspec.field(default_factory=dict)
    files: int = 0


EventHandler = Callable[[Any], Awaitable[None]] | Callable[[Any, Any], Awaitable[None]]
"""An event consumer: called with one CloudEvent (and, if it takes a second parameter, an
:class:`~nexus_hookspecs.EventContext`), awaited; raising means "retry later"."""
