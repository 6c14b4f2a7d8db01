"""A document's pictures: read from Drive as the exporting user, filed into Drive on import.

An ``image`` node's ``src`` is a Drive file id. An export embeds a picture only when
``drive.files.access`` gives the caller a role on that file (the same check as Drive's own
routes), it is not quarantined, and it is a PNG, JPEG or GIF; any other keeps a line naming
the file — a document shared with someone does not share the pictures it points to.

A DOCX import's pictures are written once per content (``writer/images/<sha256>.<ext>``) and
filed into Drive as the importing user's files beside the document (``drive.files.create``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from litestar.exceptions import NotFoundException

from nexus_writer._picture import PENDING, Picture, read_picture

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nexus_hookspecs import BlobStore, Connection, Services

__all__ = ("MAX_PICTURE", "document_pictures", "file_pictures", "image_nodes")

MAX_PICTURE = 20 * 1024 * 1024
PREFIX = "writer/images/"


class _Accessed(msgspec.Struct, kw_only=True):
    size: int | None = None
    blob_key: str | None = None
    quarantined: bool = False


class _Filed(msgspec.Struct, kw_only=True):
    file_id: UUID


def image_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every ``image`` node in ``node``, depth first."""
    if node.get("type") == "image":
        yield node
    for child in node.get("content", []):
        yield from image_nodes(child)


async def document_pictures(
    conn: Connection, services: Services, blobs: BlobStore, document: dict[str, Any], *, actor: str
) -> dict[str, Picture]:
    """The pictures ``actor`` may see among the document's images, by Drive file id."""
    found: dict[str, Picture] = {}
    for node in image_nodes(document):
        src = str((node.get("attrs") or {}).get("src") or "")
        if src in found:
            continue
        try:
            UUID(src)
        except ValueError:
            continue
        try:
            accessed = await services.call(
                conn, "drive.files.access", {"file_id": src, "actor": actor}, result=_Accessed
            )
        except NotFoundException:  # no role on it (or gone): the placeholder names it
            continue
        if accessed.blob_key is None or accessed.quarantined:
            continue
        if (accessed.size or 0) > MAX_PICTURE:
            continue
        try:
            picture = read_picture(await blobs.get(accessed.blob_key))
        except KeyError:
            continue
        if picture is not None:
            found[src] = picture
    return found


async def file_pictures(  # noqa: PLR0913 - the ports and the importing user's place
    conn: Connection,
    services: Services,
    blobs: BlobStore,
    document: dict[str, Any],
    pictures: dict[str, Picture],
    *,
    actor: str,
    folder_id: UUID | None,
) -> dict[str, Any]:
    """Store and file the pictures an import found; point its image nodes at their files.

    ``pictures`` is keyed by digest, as the importer's ``src`` (``sha256:<digest>``) names
    them; an image node naming none of them is dropped.
    """
    filed: dict[str, str] = {}
    for digest, picture in pictures.items():
        key = f"{PREFIX}{digest}.{picture.extension}"
        await blobs.put(key, picture.blob, content_type=picture.content_type)
        data = {
            "name": f"{digest[:12]}.{picture.extension}",
            "actor": actor,
            "folder_id": str(folder_id) if folder_id else None,
            "blob_key": key,
            "content_type": picture.content_type,
            "size": len(picture.blob),
        }
        made = await services.call(conn, "drive.files.create", data, result=_Filed)
        filed[digest] = str(made.file_id)
    return _pointed(document, filed)


def _pointed(node: dict[str, Any], filed: dict[str, str]) -> dict[str, Any]:
    content = []
    for child in node.get("content", []):
        src = str((child.get("attrs") or {}).get("src") or "")
        if child.get("type") == "image" and src.startswith(PENDING):
            file_id = filed.get(src.removeprefix(PENDING))
            if file_id is None:
                continue
            child = {**child, "attrs": {**child["attrs"], "src": file_id}}
        content.append(_pointed(child, filed))
    return {**node, "content": content} if "content" in node else node
