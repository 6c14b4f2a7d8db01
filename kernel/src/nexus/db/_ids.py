"""Row ids: time-ordered, so id-ordered keyset pages follow insertion order."""

from __future__ import annotations

from uuid import UUID

import uuid_utils

__all__ = ("new_id",)


def new_id() -> UUID:
    """A new time-ordered id (UUIDv7)."""
    return UUID(str(uuid_utils.uuid7()))
