"""What a connector is, and the registry of connectors by source.

A connector ``fetch``es the remote objects (blocking; run in a worker thread) as ``Item``s
in dependency order (partners before the invoices naming them), with the cursors to keep
for the next run, and ``write``s one new item into Nexus through the services port.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import msgspec

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from uuid import UUID

    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

__all__ = ("Connector", "Fetched", "Item", "register", "registry")


class Item(msgspec.Struct, kw_only=True):
    """One remote object: its model, id, a label for the report, and its data."""

    object: str
    remote_id: str
    label: str
    data: dict[str, Any]


class Fetched(msgspec.Struct, kw_only=True):
    """What a fetch brought: the items in order, and the cursors after them."""

    items: list[Item]
    cursors: dict[str, str]


class Connector(Protocol):
    """A source of objects for Nexus."""

    source: str
    config_type: type[msgspec.Struct]

    def fetch(self, config: Any, cursors: dict[str, str]) -> Fetched:
        """The remote objects changed since ``cursors`` (all of them when empty)."""
        ...

    async def write(
        self,
        item: Item,
        *,
        conn: Connection,
        services: Services,
        lookup: Callable[[str, str], Awaitable[UUID | None]],
        connection_id: UUID,
    ) -> UUID:
        """Create ``item``'s Nexus counterpart; answer its id."""
        ...


_REGISTRY: dict[str, Connector] = {}


def register(connector: Connector) -> None:
    """Make ``connector`` available under its source name."""
    _REGISTRY[connector.source] = connector


def registry() -> dict[str, Connector]:
    """The connectors by source name."""
    return dict(_REGISTRY)
