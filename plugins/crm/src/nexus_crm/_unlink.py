"""Deleting a company or contact unlinks its contacts and deals: announce those changes.

The foreign keys set ``company_id`` / ``contact_id`` to null; consumers that keep a copy
of a contact or deal (a Finance partner, a loyalty member) hear of it through the same
``*.updated.v1`` events as any other change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_crm._events import CONTACT_UPDATED, DEAL_UPDATED, contact_payload
from nexus_crm._validation import money_text

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = ("linked_to", "announce_unlinked")

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
            conn, type=CONTACT_UPDATED, data=contact_payload(_Row(row)), subject=str(row["id"])
        )
    for row in await conn.fetch(_DEALS, linked["crm_deal"]):
        data = {
            "id": str(row["id"]),
            "title": row["title"],
            "amount": money_text(row["amount"], row["currency"]),
            "currency": row["currency"],
            "stage": row["stage"],
            "pipeline_id": str(row["pipeline_id"]),
            "company_id": _text(row["company_id"]),
            "contact_id": _text(row["contact_id"]),
            "owner": row["owner"],
        }
        await events.publish(conn, type=DEAL_UPDATED, data=data, subject=str(row["id"]))


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


class _Row:
    """Attribute access to a record, for the payload builders."""

    def __init__(self, row: Any) -> None:
        self.__dict__.update(dict(row))
