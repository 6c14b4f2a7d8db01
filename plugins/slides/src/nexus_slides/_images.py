"""A deck's pictures: stored in the tenant's files store and filed into Drive, read back.

An imported picture is written once per content (``slides/images/<sha256>.<ext>``) and
filed into Drive as the importing user's file, beside the deck (``drive.files.create``):
the element names the Drive file (``image``) and the object (``image_key``).
Exports read the objects back — only under ``slides/images/``, since any editor of the
deck can write ``image_key`` — and a picture whose object is gone is left out. A picture
without such an object (one an editor placed from Drive) is read through Drive as the
exporting user: ``drive.files.access`` must give them a role on the file, it must not be
quarantined and must be a PNG, JPEG or GIF; otherwise it is left out too.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from litestar.exceptions import NotFoundException
from PIL import Image, UnidentifiedImageError

from nexus_slides._model import read_deck

if TYPE_CHECKING:
    from nexus_hookspecs import BlobStore, Connection, Services
    from pycrdt import Doc

    from nexus_slides._pptx import PptxImage

__all__ = ("deck_images", "store_images")

PREFIX = "slides/images/"
_MAX_PICTURE = 20 * 1024 * 1024
_FORMATS = frozenset({"PNG", "JPEG", "GIF"})


class _Filed(msgspec.Struct, kw_only=True):
    file_id: UUID


class _Accessed(msgspec.Struct, kw_only=True):
    size: int | None = None
    blob_key: str | None = None
    quarantined: bool = False


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


async def deck_images(
    conn: Connection, services: Services, blobs: BlobStore, doc: Doc[Any], *, actor: str
) -> dict[str, bytes]:
    """The bytes of the deck's pictures ``actor`` may see, by Drive file id."""
    found: dict[str, bytes] = {}
    for slide in read_deck(doc):
        for element in slide.elements:
            if element.type != "image" or not element.image or element.image in found:
                continue
            key = element.image_key or ""
            # an editor writes the Doc: read only objects Slides itself stored, never
            # another plugin's (an invoice, a Drive file the editor may not open)
            blob = (
                await _stored(blobs, key)
                if key.startswith(PREFIX)
                else await _from_drive(conn, services, blobs, element.image, actor)
            )
            if blob is not None:
                found[element.image] = blob
    return found


async def _stored(blobs: BlobStore, key: str) -> bytes | None:
    try:
        return await blobs.get(key)
    except KeyError:
        return None


async def _from_drive(
    conn: Connection, services: Services, blobs: BlobStore, file_id: str, actor: str
) -> bytes | None:
    """A Drive file's bytes when ``actor`` holds a role on it and it is a picture."""
    try:
        UUID(file_id)
        asked = {"file_id": file_id, "actor": actor}
        accessed = await services.call(conn, "drive.files.access", asked, result=_Accessed)
    except (ValueError, NotFoundException):  # not a file id, or no role on it
        return None
    if accessed.blob_key is None or accessed.quarantined or (accessed.size or 0) > _MAX_PICTURE:
        return None
    blob = await _stored(blobs, accessed.blob_key)
    if blob is None:
        return None
    try:
        with Image.open(io.BytesIO(blob)) as image:
            return blob if image.format in _FORMATS else None
    except (UnidentifiedImageError, OSError):
        return None
