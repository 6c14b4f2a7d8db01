"""Attachments from Drive: a message carries Drive file ids, checked through ``drive.files.get``.

Drive answers the files it has (unknown ids left out): any id it does not know answers 422
naming ``attachments``; Drive off for the tenant answers 409 with ``blocking=["drive"]``
(the services port raises it). Chat keeps only the ids: reading the files stays Drive's,
with Drive's permissions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID  # noqa: TC003 - msgspec reads the annotations

import msgspec
from nexus_hookspecs.http import invalid

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Services

__all__ = ("check_attachments",)


class _File(msgspec.Struct):
    id: UUID


class _Files(msgspec.Struct):
    """What chat reads of ``drive.files.get``'s answer."""

    files: list[_File]


async def check_attachments(conn: Connection, services: Services, file_ids: list[UUID]) -> None:
    """422 unless every id names a file of the tenant's Drive; 409 when Drive is off."""
    if not file_ids:
        return
    wanted = list(dict.fromkeys(file_ids))
    got = await services.call(
        conn, "drive.files.get", {"file_ids": [str(i) for i in wanted]}, result=_Files
    )
    known = {file.id for file in got.files}
    missing = [str(i) for i in wanted if i not in known]
    if missing:
        invalid("attachments", f"no such Drive file: {', '.join(missing)}")
