"""Google Contacts ⇄ CRM contacts, two-way, with People API sync tokens and etags.

Field mapping (``MAPPING``): a CRM contact's ``first_name`` ⇄ the person's first name's
``givenName``, ``last_name`` ⇄ ``familyName`` (``givenName`` when Google has none),
``email`` ⇄ the first ``emailAddresses`` value, ``phone`` ⇄ the first ``phoneNumbers``
value. Pull: ``people.connections.list`` with ``requestSyncToken``; the cursor ``people``
is the ``nextSyncToken``, so the next run asks only for what changed (an expired token,
410, reads everything again: the external-id map leaves what is known alone). Push: CRM
contacts changed since the cursor ``crm.contact`` (``crm.contacts.changed``) go to
``people.createContact`` (carrying the Nexus id in ``clientData``, so a lost answer never
duplicates a contact) or ``people.updateContact`` with the etag last seen (a stale etag is
a conflict the next pull settles by the connection's policy). A person deleted in Google
(``metadata.deleted`` in an incremental listing) deletes its CRM contact when unchanged in
Nexus since the last sync (``crm.contacts.delete``); changed in Nexus, the policy decides.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from googleapiclient.errors import HttpError

from nexus_integrations._connector import Fetched, Item, Outgoing, Pushed
from nexus_integrations.google._client import PeopleClient, StaleEtag

if TYPE_CHECKING:
    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations.google._client import GoogleConfig

__all__ = ("MAPPING", "PEOPLE", "GoogleContacts")

PEOPLE = "people"
CRM_CURSOR = "crm.contact"
_NEXUS_KEY = "nexus_id"

MAPPING: dict[str, tuple[str, str]] = {
    "first_name": ("names", "givenName"),
    "last_name": ("names", "familyName"),
    "email": ("emailAddresses", "value"),
    "phone": ("phoneNumbers", "value"),
}
"""CRM contact field → (People API person field, the key in its first entry)."""


class _Deleted(msgspec.Struct):
    deleted: bool


class _Contact(msgspec.Struct):
    id: UUID
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    updated_at: datetime


def _first(person: dict[str, Any], field: str, key: str) -> str | None:
    entries = person.get(field) or []
    value = entries[0].get(key) if entries else None
    return str(value).strip() or None if value is not None else None


def from_person(person: dict[str, Any]) -> dict[str, Any]:
    """A person's data in the CRM contact's shape (``MAPPING``)."""
    data = {name: _first(person, *where) for name, where in MAPPING.items()}
    if not data["last_name"]:
        data["last_name"], data["first_name"] = data["first_name"] or "(no name)", None
    data["first_name"] = data["first_name"] or ""
    return data


def to_person(data: dict[str, Any], *, etag: str | None, nexus_id: UUID) -> dict[str, Any]:
    """A CRM contact's data as a People API person (``MAPPING``)."""
    person: dict[str, Any] = {
        "names": [{"givenName": data["first_name"] or "", "familyName": data["last_name"]}],
        "emailAddresses": [{"value": data["email"]}] if data["email"] else [],
        "phoneNumbers": [{"value": data["phone"]}] if data["phone"] else [],
        "clientData": [{"key": _NEXUS_KEY, "value": str(nexus_id)}],
    }
    if etag:
        person["etag"] = etag
    return person


def _label(data: dict[str, Any]) -> str:
    return f"{data['first_name']} {data['last_name']}".strip()


def _hint(person: dict[str, Any]) -> str | None:
    for entry in person.get("clientData") or []:
        if entry.get("key") == _NEXUS_KEY:
            return str(entry.get("value"))
    return None


def _local(contact: _Contact) -> dict[str, Any]:
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": contact.phone,
    }


class GoogleContacts:
    """Google Contacts ⇄ CRM contacts."""

    def fetch(self, config: GoogleConfig, cursors: dict[str, str]) -> Fetched:
        """The contacts changed in Google since the sync token."""
        client = PeopleClient(config)
        try:
            people, token = client.connections(cursors.get(PEOPLE))
        except HttpError as error:
            if int(error.resp.status) != 410:  # EXPIRED_SYNC_TOKEN: read everything again
                raise
            people, token = client.connections(None)
        items = []
        for person in people:
            if (person.get("metadata") or {}).get("deleted"):
                name = person["resourceName"]
                items.append(Item(object=PEOPLE, remote_id=name, label=name, data={}, deleted=True))
                continue
            data = from_person(person)
            items.append(
                Item(
                    object=PEOPLE,
                    remote_id=person["resourceName"],
                    label=_label(data),
                    data=data,
                    version=person.get("etag"),
                    hint=_hint(person),
                )
            )
        return Fetched(items=items, cursors={PEOPLE: token} if token else {})

    async def write(self, item: Item, *, conn: Connection, services: Services) -> UUID:
        """A new CRM contact."""
        saved = await services.call(conn, "crm.contacts.save", item.data, result=_Contact)
        return saved.id

    async def current(
        self, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> dict[str, Any] | None:
        """The CRM contact's data (None when it was deleted)."""
        found = await services.call(
            conn, "crm.contacts.changed", {"ids": [str(nexus_id)]}, result=list[_Contact]
        )
        return _local(found[0]) if found else None

    async def update(
        self, item: Item, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> None:
        """Apply Google's change to the CRM contact."""
        request = {"id": str(nexus_id), **item.data}
        await services.call(conn, "crm.contacts.save", request, result=_Contact)

    async def delete(self, nexus_id: UUID, *, conn: Connection, services: Services) -> None:
        """Delete the CRM contact of a person deleted in Google."""
        request = {"id": str(nexus_id)}
        await services.call(conn, "crm.contacts.delete", request, result=_Deleted)

    async def outgoing(
        self, config: GoogleConfig, cursors: dict[str, str], *, conn: Connection, services: Services
    ) -> tuple[list[Outgoing], dict[str, str]]:
        """The CRM contacts changed since the cursor ``crm.contact`` (``updated_at|id``)."""
        point = cursors.get(CRM_CURSOR)
        changes: list[Outgoing] = []
        while True:
            request: dict[str, Any] = {"limit": 1000}
            if point:
                after_time, after_id = point.split("|")
                request.update(after_time=after_time, after_id=after_id)
            page = await services.call(conn, "crm.contacts.changed", request, result=list[_Contact])
            changes.extend(
                Outgoing(object=PEOPLE, nexus_id=c.id, label=_label(_local(c)), data=_local(c))
                for c in page
            )
            if page:
                point = f"{page[-1].updated_at.isoformat()}|{page[-1].id}"
            if len(page) < 1000:
                return changes, ({CRM_CURSOR: point} if point else {})

    def push(self, config: GoogleConfig, changes: list[Outgoing]) -> list[Pushed]:
        """Create or update each contact in Google."""
        if not changes:
            return []
        client = PeopleClient(config)
        pushed = []
        for change in changes:
            person = to_person(change.data, etag=change.version, nexus_id=change.nexus_id)
            try:
                if change.remote_id is None:
                    answer = client.create(person)
                else:
                    answer = client.update(change.remote_id, person)
            except StaleEtag:
                pushed.append(Pushed(outgoing=change, conflict=True))
                continue
            pushed.append(
                Pushed(
                    outgoing=change,
                    remote_id=answer["resourceName"],
                    version=answer.get("etag"),
                    data=from_person(answer),
                )
            )
        return pushed
