"""A real picture for the image tests (a PNG drawn by Pillow) and a DOCX holding it."""

from __future__ import annotations

import hashlib
import io

import docx
from PIL import Image


def png(width: int = 240, height: int = 120, colour: str = "teal") -> bytes:
    """A PNG of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def digest(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def docx_with_picture(blob: bytes) -> bytes:
    """A DOCX Word could have written: a heading, a picture, a paragraph."""
    document = docx.Document()
    document.add_heading("Site visit", level=1)
    document.add_picture(io.BytesIO(blob))
    document.add_paragraph("The north wall.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
