"""What a picture is (format and size in pixels), read by Pillow without decoding it.

Every export embeds only PNG, JPEG and GIF — what DOCX, ODT and fpdf2 all take — so anything
else (or bytes that are no picture) keeps its placeholder line instead.
"""

from __future__ import annotations

import io
from typing import NamedTuple

from PIL import Image, UnidentifiedImageError

__all__ = ("PENDING", "Picture", "placeholder", "read_picture")

PENDING = "sha256:"
"""The ``src`` prefix of an imported picture not yet filed into Drive (then its digest)."""

_TYPES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "GIF": ("image/gif", "gif")}


class Picture(NamedTuple):
    """A picture's bytes, media type, extension and size in pixels."""

    blob: bytes
    content_type: str
    extension: str
    width: int
    height: int


def read_picture(blob: bytes) -> Picture | None:
    """The picture in ``blob`` when it is a PNG, JPEG or GIF, else None."""
    try:
        with Image.open(io.BytesIO(blob)) as image:
            kind = _TYPES.get(image.format or "")
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    if kind is None or width <= 0 or height <= 0:
        return None
    return Picture(blob, kind[0], kind[1], width, height)


def placeholder(attrs: dict[str, object]) -> str:
    """The line standing for a picture an export cannot embed (naming its Drive file)."""
    return f"[{attrs.get('alt') or 'image'}: Drive file {attrs.get('src', '')}]"
