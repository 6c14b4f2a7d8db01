"""The event the plugin publishes, and its handler for the one it consumes."""

from __future__ import annotations

from typing import Any

from {{ cookiecutter.module }}.tables import Item

__all__ = ("ITEM_CREATED", "mark_processed")

ITEM_CREATED = "{{ cookiecutter.plugin_name }}.item.created.v1"
"""Published in the transaction that creates an item; ``data`` is ``{id, title}``."""


async def mark_processed(event: Any) -> None:
    """Handle ``item.created``: mark the item processed.

    The kernel calls this at least once per event, in a transaction with row-level security
    set to the event's tenant, and deduplicates deliveries through its inbox; it is not
    called for tenants that have the plugin switched off. Replace the body with the plugin's
    real follow-up work.
    """
    await Item.update({Item.status: "processed"}).where(Item.id == event.data["id"])
