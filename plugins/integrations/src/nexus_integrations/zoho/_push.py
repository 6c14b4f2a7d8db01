"""Nexus → Zoho CRM: CRM contacts changed in Nexus go to Zoho's Contacts.

The CRM contacts changed since the cursor ``crm.contact`` (``crm.contacts.changed``) and
different from what was last synced are inserted (``POST``) or updated (``PUT``) in Zoho,
mapped back through ``MAPPINGS``. Zoho has no etags: a contact changed on both sides is
settled by the pull of the same run, before the push (``nexus_wins``: Nexus's data is
sent; ``remote_wins``: Zoho's was applied, so nothing differs to send). A record Zoho
refuses (its ``status`` ``error``, a deleted id) is reported as a conflict.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Any
from uuid import UUID  # noqa: TC003

import msgspec

from nexus_integrations._connector import Outgoing, Pushed

if TYPE_CHECKING:
    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations.zoho._client import ZohoClient

__all__ = ("CRM_CURSOR", "contact_data", "outgoing", "push")

CRM_CURSOR = "crm.contact"
_CONTACTS = "Contacts"
_FIELDS = {"first_name": "First_Name", "last_name": "Last_Name", "email": "Email", "phone": "Phone"}


class _Contact(msgspec.Struct):
    id: UUID
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    updated_at: datetime


def contact_data(contact: Any) -> dict[str, Any]:
    """A CRM contact's synced fields (as ``_import`` maps Zoho's)."""
    return {name: getattr(contact, name) for name in _FIELDS}


async def outgoing(
    cursors: dict[str, str], *, conn: Connection, services: Services
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
        for contact in page:
            data = contact_data(contact)
            label = f"{contact.first_name} {contact.last_name}".strip()
            changes.append(Outgoing(object=_CONTACTS, nexus_id=contact.id, label=label, data=data))
        if page:
            point = f"{page[-1].updated_at.isoformat()}|{page[-1].id}"
        if len(page) < 1000:
            return changes, ({CRM_CURSOR: point} if point else {})


def _record(change: Outgoing) -> dict[str, Any]:
    record = {zoho: change.data[name] for name, zoho in _FIELDS.items()}
    if change.remote_id is not None:
        record["id"] = change.remote_id
    return record


def push(client: ZohoClient, changes: list[Outgoing]) -> list[Pushed]:
    """Insert the new contacts and update the changed ones in Zoho."""
    pushed: list[Pushed] = []
    for group in (
        [c for c in changes if c.remote_id is None],
        [c for c in changes if c.remote_id is not None],
    ):
        if not group:
            continue
        answers = client.save(_CONTACTS, [_record(c) for c in group])
        for change, answer in zip(group, answers, strict=True):
            details = answer.get("details") or {}
            if answer.get("status") != "success" or not details.get("id"):
                pushed.append(Pushed(outgoing=change, conflict=True))
                continue
            pushed.append(
                Pushed(
                    outgoing=change,
                    remote_id=str(details["id"]),
                    version=details.get("Modified_Time"),
                    data=dict(change.data),  # Zoho keeps what it was sent
                )
            )
    return pushed
