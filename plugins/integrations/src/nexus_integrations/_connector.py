"""What a connector is, and the registry of connectors by source.

A connector ``fetch``es the remote objects (blocking; run in a worker thread) as ``Item``s
in dependency order (partners before the invoices naming them), with the cursors to keep
for the next run, and ``write``s one new item into Nexus through the services port.

An updating connector (``Updating``) reads its Nexus counterparts (``current``) and applies
a remote change (``update``) or deletion (``delete``) to one; a two-way one (``TwoWay``)
also lists what changed in Nexus since its cursor (``outgoing``) and sends those changes to
the remote (``push``, blocking). An OAuth connector (``OAuthConnector``) describes its
OAuth application for a configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from uuid import UUID  # noqa: TC003 - msgspec reads it at run time

import msgspec

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations._oauth import OAuthApp

__all__ = (
    "Connector",
    "Fetched",
    "Item",
    "OAuthConnector",
    "Outgoing",
    "Pushed",
    "TwoWay",
    "Updating",
    "register",
    "registry",
)


class Item(msgspec.Struct, kw_only=True):
    """One remote object: its model, id, a label for the report, and its data.

    ``version`` is the remote's version of it (an etag), ``hint`` the Nexus id the remote
    object carries when Nexus created it there (so a lost answer never duplicates it).
    ``content`` is a file's bytes (not part of ``data``, so not of its fingerprint): the
    engine puts them in the tenant's files store, under ``blob_key``, before writing it, as
    ``content_name``.
    """

    object: str
    remote_id: str
    label: str
    data: dict[str, Any]
    version: str | None = None
    hint: str | None = None
    content: bytes | None = None
    content_name: str = ""
    blob_key: str | None = None
    deleted: bool = False
    """Deleted remotely (``data`` empty): its counterpart follows the connection's policy."""


class Fetched(msgspec.Struct, kw_only=True):
    """What a fetch brought: the items in order, and the cursors after them."""

    items: list[Item]
    cursors: dict[str, str]


class Outgoing(msgspec.Struct, kw_only=True):
    """A Nexus object to send: new to the remote (no ``remote_id``) or changed there."""

    object: str
    nexus_id: UUID
    label: str
    data: dict[str, Any]
    remote_id: str | None = None
    version: str | None = None


class Pushed(msgspec.Struct, kw_only=True):
    """What the remote answered to an ``Outgoing``: its id, version and data as it keeps them.

    ``conflict`` when it refused an update for a stale version (changed there meanwhile).
    """

    outgoing: Outgoing
    remote_id: str | None = None
    version: str | None = None
    data: dict[str, Any] | None = None
    conflict: bool = False


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


@runtime_checkable
class Updating(Protocol):
    """A connector that applies remote changes to Nexus objects unchanged in Nexus."""

    def updates(self, obj: str) -> bool:
        """Whether a remote change to ``obj`` objects is applied (else it is a conflict)."""
        ...

    async def current(
        self, obj: str, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> dict[str, Any] | None:
        """The Nexus counterpart's data in the item's shape (None when it is gone)."""
        ...

    async def update(
        self, item: Item, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> None:
        """Apply a remote change to the Nexus counterpart."""
        ...

    async def delete(
        self, obj: str, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> None:
        """Delete the Nexus counterpart of an object deleted remotely.

        Called only for the objects whose deletions the connector fetches (``deleted``).
        """
        ...

    def conflict_policy(self, config: Any) -> str:
        """``nexus_wins`` or ``remote_wins``."""
        ...


@runtime_checkable
class TwoWay(Updating, Protocol):
    """A connector that also sends Nexus's changes to the remote."""

    async def outgoing(
        self, config: Any, cursors: dict[str, str], *, conn: Connection, services: Services
    ) -> tuple[list[Outgoing], dict[str, str]]:
        """The Nexus objects changed since ``cursors`` (no remote ids yet), and the cursors."""
        ...

    def push(self, config: Any, changes: list[Outgoing]) -> list[Pushed]:
        """Send ``changes`` to the remote (blocking)."""
        ...


@runtime_checkable
class OAuthConnector(Protocol):
    """A connector whose remote is reached with OAuth 2.0 tokens."""

    def oauth_app(self, config: Any) -> OAuthApp:
        """The OAuth application ``config`` names."""
        ...


_REGISTRY: dict[str, Connector] = {}


def register(connector: Connector) -> None:
    """Make ``connector`` available under its source name."""
    _REGISTRY[connector.source] = connector


def registry() -> dict[str, Connector]:
    """The connectors by source name."""
    return dict(_REGISTRY)
