"""Event handlers: what the plugin does when an event it subscribes to arrives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from {{ cookiecutter.module }}._events import ItemCreated
from {{ cookiecutter.module }}.tables import Item

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent

__all__ = ("mark_processed",)


async def mark_processed(event: CloudEvent) -> None:
    """Handle ``item.created``: mark the item processed.

    The kernel calls this at least once per event, in a transaction with row-level security
    set to the event's tenant, and deduplicates deliveries through its inbox; it is not
    called for tenants that have the plugin switched off. Replace the body with the plugin's
    real follow-up work.
    """
    created = msgspec.convert(event.data, ItemCreated)
    await Item.update({Item.status: "processed"}).where(Item.id == created.id)
