"""A deck's pictures: stored in the tenant's files store and filed into Drive, read back.

An imported picture is written once per content (``slides/images/<sha256>.<ext>``) and
filed into Drive as the importing user's file, beside the deck (``drive.files.create``):
the element names the Drive file (``image``) and the object (``image_key``).
Exports read the objects back — only under ``slides/images/``, since any editor of the
deck can write ``image_key`` — and a picture whose object is gone is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from nexus_slides._model import read_deck

if TYPE_CHECKING:
    from nexus_hookspecs import BlobStore, Connection, Services
    from pycrdt import Doc

    from nexus_slides._pptx import PptxImage

__all__ = ("deck_images", "store_images")

PREFIX = "slides/images/"


class _Filed(msgspec.Struct, kw_only=True):
    file_id: UUID


async def store_images(
    conn: Connection,
    services: Services,
    blobs: BlobStore,
    images: list[PptxImage],
    *,
    actor: str,
    folder_id: UUID | None,
) -> dict[str, tuple[str, str]]:
    """Store and file each picture for ``actor``; answer (Drive file id, object key) by digest."""
    stored: dict[str, tuple[str, str]] = {}
    for image in images:
        key = f"{PREFIX}{image.name}"
        await blobs.put(key, image.blob, content_type=image.content_type)
        data = {
            "name": image.name,
            "actor": actor,
            "folder_id": str(folder_id) if folder_id else None,
            "blob_key": key,
            "content_type": image.content_type,
            "size": len(image.blob),
        }
        filed = await services.call(conn, "drive.files.create", data, result=_Filed)
        stored[image.digest] = (str(filed.file_id), key)
    return stored


async def deck_images(blobs: BlobStore, doc: Doc[Any]) -> dict[str, bytes]:
    """The bytes of the deck's pictures, by Drive file id (missing objects left out)."""
    found: dict[str, bytes] = {}
    for slide in read_deck(doc):
        for element in slide.elements:
            key = element.image_key or ""
            # an editor writes the Doc: read only objects Slides itself stored, never
            # another plugin's (an invoice, a Drive file the editor may not open)
            if element.type != "image" or not element.image or not key.startswith(PREFIX):
                continue
            if element.image in found:
                continue
            try:
                found[element.image] = await blobs.get(key)
            except KeyError:
                continue
    return found
