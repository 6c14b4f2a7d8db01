"""The caller's role on a document's Drive file, through Drive's ``drive.files.access``."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import msgspec
from litestar.exceptions import PermissionDeniedException

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Services

__all__ = ("EDITORS", "Access", "require_editor", "role")

EDITORS = frozenset({"editor", "owner"})


class Access(msgspec.Struct, kw_only=True):
    """What ``drive.files.access`` answers (the fields collab reads)."""

    file_id: UUID
    role: str
    name: str
    trashed: bool


async def role(conn: Connection, services: Services, file_id: UUID, actor: str) -> Access:
    """The actor's role on the file: 404 without one, 409 while Drive is switched off."""
    data = {"file_id": str(file_id), "actor": actor}
    return await services.call(conn, "drive.files.access", data, result=Access)


async def require_editor(conn: Connection, services: Services, file_id: UUID, actor: str) -> Access:
    """The actor's access, refused with 403 unless they may edit (a trashed file: nobody)."""
    access = await role(conn, services, file_id, actor)
    if access.role not in EDITORS:
        raise PermissionDeniedException(f"your role ({access.role}) does not allow to edit it")
    if access.trashed:
        raise PermissionDeniedException("the file is in the trash")
    return access
