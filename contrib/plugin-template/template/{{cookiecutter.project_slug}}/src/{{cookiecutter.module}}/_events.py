"""The events {{ cookiecutter.title }} publishes: payload Structs and their declarations.

The manifest lists them (``Manifest.events``); ``nexus events catalog`` publishes each
one's type, when it is emitted and the JSON Schema of its payload.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = ("ITEM_CREATED", "ItemCreated")


class ItemCreated(msgspec.Struct, kw_only=True):
    """The ``data`` of ``{{ cookiecutter.plugin_name }}.item.created.v1``.

    Attributes:
        id: The new item.
        title: Its title.
    """

    id: UUID
    title: str


ITEM_CREATED = EventType(
    type="{{ cookiecutter.plugin_name }}.item.created.v1",
    description="An item was created (published in the transaction that creates it).",
    payload=ItemCreated,
)
