"""Deleting a company or contact unlinks its contacts and deals: announce those changes.

The foreign keys set ``company_id`` / ``contact_id`` to null; consumers that keep a copy
of a contact or deal (a Finance partner, a loyalty member) hear of it through the same
``*.updated.v1`` events as any other change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from nexus_crm._events import CONTACT_UPDATED, DEAL_UPDATED, ContactChanged, DealChanged
from nexus_crm._validation import money_text

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = ("announce_unlinked", "linked_to")

_CONTACTS = (
    "select id, first_name, last_name, email, phone, company_id from crm_contact "
    "where id = any($1::uuid[]) order by id"
)
_DEALS = """
select d.id, d.title, d.amount, d.currency, s.name as stage, d.pipeline_id, d.company_id,
       d.contact_id, d.owner
  from crm_deal d join crm_stage s on s.tenant_id = d.tenant_id and s.id = d.stage_id
 where d.id = any($1::uuid[]) order by d.id
"""


async def linked_to(conn: Connection, column: str, row_id: UUID) -> dict[str, list[Any]]:
    """The contacts and deals whose ``column`` (``company_id`` / ``contact_id``) is ``row_id``."""
    found: dict[str, list[Any]] = {"crm_contact": [], "crm_deal": []}
    for table in found if column == "company_id" else ("crm_deal",):
        rows = await conn.fetch(f"select id from {table} where {column} = $1", row_id)
        found[table] = [row["id"] for row in rows]
    return found


async def announce_unlinked(
    conn: Connection, events: EventPublisher, linked: dict[str, list[Any]]
) -> None:
    """Publish ``crm.contact.updated.v1`` / ``crm.deal.updated.v1`` for what was unlinked."""
    for row in await conn.fetch(_CONTACTS, linked["crm_contact"]):
        await events.publish(
            conn,
            type=CONTACT_UPDATED.type,
            data=msgspec.convert(dict(row), ContactChanged),
            subject=str(row["id"]),
        )
    for row in await conn.fetch(_DEALS, linked["crm_deal"]):
        values = dict(row)
        values["amount"] = money_text(row["amount"], row["currency"])
        await events.publish(
            conn,
            type=DEAL_UPDATED.type,
            data=msgspec.convert(values, DealChanged),
            subject=str(row["id"]),
        )
