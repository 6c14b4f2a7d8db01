"""The Google Workspace connector: Contacts, Calendar and Drive as the connection says.

One connection, one OAuth grant; each object goes to its part: ``people`` to Contacts
(``_contacts``), ``events`` to Calendar (``_calendar``, only when ``calendar_id`` is set),
``files`` to Drive (``_drive``, only when ``drive`` is on).
Every part follows the same two-way rules (``_engine``) and the connection's policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from nexus_integrations._connector import Fetched, Item, Outgoing, Pushed
from nexus_integrations.google._calendar import EVENTS, GoogleCalendar
from nexus_integrations.google._client import GoogleConfig
from nexus_integrations.google._contacts import PEOPLE, GoogleContacts
from nexus_integrations.google._drive import FILES, GoogleDrive

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from uuid import UUID

    import msgspec
    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations._oauth import OAuthApp

__all__ = ("CONNECTOR", "GoogleWorkspace")


class _Part(Protocol):
    def fetch(self, config: GoogleConfig, cursors: dict[str, str]) -> Fetched: ...

    async def write(self, item: Item, *, conn: Connection, services: Services) -> UUID: ...

    async def current(
        self, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> dict[str, Any] | None: ...

    async def update(
        self, item: Item, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> None: ...

    async def outgoing(
        self, config: GoogleConfig, cursors: dict[str, str], *, conn: Connection, services: Services
    ) -> tuple[list[Outgoing], dict[str, str]]: ...

    def push(self, config: GoogleConfig, changes: list[Outgoing]) -> list[Pushed]: ...


class GoogleWorkspace:
    """Google Contacts and Calendar, both ways."""

    source = "google"
    config_type: type[msgspec.Struct] = GoogleConfig

    def __init__(self) -> None:
        self._people = GoogleContacts()
        self._contacts: _Part = self._people
        self._calendar: _Part = GoogleCalendar()
        self._drive: _Part = GoogleDrive()

    def _parts(self, config: GoogleConfig) -> list[_Part]:
        calendar = [self._calendar] if config.calendar_id else []
        return [self._contacts, *calendar, *([self._drive] if config.drive else [])]

    def _part(self, obj: str) -> _Part:
        return {EVENTS: self._calendar, FILES: self._drive}.get(obj, self._contacts)

    def oauth_app(self, config: GoogleConfig) -> OAuthApp:
        """The tenant's OAuth client at Google."""
        return config.oauth_app()

    def updates(self, obj: str) -> bool:
        """Google's changes to contacts, events and files are applied."""
        return True

    def conflict_policy(self, config: GoogleConfig) -> str:
        """The connection's policy for objects changed on both sides."""
        return config.conflict_policy

    def fetch(self, config: GoogleConfig, cursors: dict[str, str]) -> Fetched:
        """What changed in Google since the cursors, part by part."""
        items: list[Item] = []
        after: dict[str, str] = {}
        for part in self._parts(config):
            fetched = part.fetch(config, cursors)
            items.extend(fetched.items)
            after.update(fetched.cursors)
        return Fetched(items=items, cursors=after)

    async def write(
        self,
        item: Item,
        *,
        conn: Connection,
        services: Services,
        lookup: Callable[[str, str], Awaitable[UUID | None]],
        connection_id: UUID,
    ) -> UUID:
        """A new Nexus counterpart (a CRM contact, a calendar event, a file)."""
        return await self._part(item.object).write(item, conn=conn, services=services)

    async def current(
        self, obj: str, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> dict[str, Any] | None:
        """The Nexus counterpart's data (None when it was deleted)."""
        return await self._part(obj).current(nexus_id, conn=conn, services=services)

    async def update(
        self, item: Item, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> None:
        """Apply Google's change to the Nexus counterpart."""
        await self._part(item.object).update(item, nexus_id, conn=conn, services=services)

    async def delete(
        self, obj: str, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> None:
        """Delete a contact deleted in Google (the only deletions fetched)."""
        assert obj == PEOPLE, obj
        await self._people.delete(nexus_id, conn=conn, services=services)

    async def outgoing(
        self, config: GoogleConfig, cursors: dict[str, str], *, conn: Connection, services: Services
    ) -> tuple[list[Outgoing], dict[str, str]]:
        """What changed in Nexus since the cursors, part by part."""
        changes: list[Outgoing] = []
        after: dict[str, str] = {}
        for part in self._parts(config):
            more, point = await part.outgoing(config, cursors, conn=conn, services=services)
            changes.extend(more)
            after.update(point)
        return changes, after

    def push(self, config: GoogleConfig, changes: list[Outgoing]) -> list[Pushed]:
        """Send each part its changes."""
        pushed: list[Pushed] = []
        for part in self._parts(config):
            mine = [c for c in changes if self._part(c.object) is part]
            if mine:
                pushed.extend(part.push(config, mine))
        return pushed


CONNECTOR = GoogleWorkspace()
