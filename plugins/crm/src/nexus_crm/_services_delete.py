"""``crm.contacts.delete``: a contact deleted on another plugin's behalf (a connector's sync).

The same deletion as ``DELETE /contacts/{id}``: its deals stay, unlinked (each announced
with its ``*.updated.v1`` event); its activities go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID  # noqa: TC003 - msgspec reads it at run time

import msgspec
from nexus_hookspecs import Service

from nexus_crm._unlink import announce_unlinked, linked_to

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

__all__ = ("DELETE", "DeleteContact", "DeletedContact")


class DeleteContact(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``crm.contacts.delete``: the contact to delete."""

    id: UUID


class DeletedContact(msgspec.Struct, kw_only=True):
    """The answer: whether the contact was there (deleting a gone one changes nothing)."""

    id: UUID
    deleted: bool


async def delete_contact(data: DeleteContact, ctx: ServiceContext) -> DeletedContact:
    """Delete the contact, unlinking its deals; ``deleted`` false when it was not there."""
    linked = await linked_to(ctx.conn, "contact_id", data.id)
    gone = await ctx.conn.fetchval("delete from crm_contact where id = $1 returning id", data.id)
    if gone is not None:
        await announce_unlinked(ctx.conn, ctx.events, linked)
    return DeletedContact(id=data.id, deleted=gone is not None)


DELETE = Service(
    name="crm.contacts.delete",
    handler=delete_contact,
    request=DeleteContact,
    response=DeletedContact,
    description=(
        "Deletes a contact as DELETE /contacts/{id} does (its deals stay, unlinked and "
        "announced; its activities go); deleting one already gone answers deleted: false."
    ),
)
