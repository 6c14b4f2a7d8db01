"""A deck's pictures: stored in the tenant's files store and filed into Drive, read back.

An imported picture is written once per content (``slides/images/<sha256>.<ext>``) and
adopted by Drive (``drive.files.adopt``, into "Documents/Slides/Images", idempotent per
digest): the element names the Drive file (``image``) and the object (``image_key``).
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

FOLDER = "Slides/Images"
PREFIX = "slides/images/"


class _Adopted(msgspec.Struct, kw_only=True):
    file_id: UUID


async def store_images(
    conn: Connection, services: Services, blobs: BlobStore, images: list[PptxImage]
) -> dict[str, tuple[str, str]]:
    """Store and file each picture; answer (Drive file id, object key) by digest."""
    stored: dict[str, tuple[str, str]] = {}
    for image in images:
        key = f"{PREFIX}{image.name}"
        await blobs.put(key, image.blob, content_type=image.content_type)
        data = {
            "blob_key": key,
            "name": image.name,
            "folder": FOLDER,
            "content_type": image.content_type,
            "size": len(image.blob),
            "source_ref": f"slides:image:{image.digest}",
        }
        adopted = await services.call(conn, "drive.files.adopt", data, result=_Adopted)
        stored[image.digest] = (str(adopted.file_id), key)
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
