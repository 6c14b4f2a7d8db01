"""Object keys, content types and size limits: checked the same way by every adapter."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import msgspec
from nexus_hookspecs import BlobTooLargeError

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator

__all__ = ("MAX_KEY_LENGTH", "BlobObject", "check_content_type", "check_key", "limited")

MAX_KEY_LENGTH = 1024
_TOKEN = r"[A-Za-z0-9!#$&^_.+-]+"
_CONTENT_TYPE = re.compile(rf"{_TOKEN}/{_TOKEN}(\s*;\s*{_TOKEN}=(\"[^\"\\\x00-\x1f]*\"|{_TOKEN}))*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


class BlobObject(msgspec.Struct, frozen=True, kw_only=True):
    """An object's key (without the tenant prefix), size and content type."""

    key: str
    size: int
    content_type: str


def check_key(key: str, *, prefix: bool = False) -> str:
    """Return ``key`` if it is a valid object key (or, with ``prefix``, a key prefix).

    Raises:
        ValueError: Empty, too long, absolute, with control characters or backslashes, or
            with an empty, ``.`` or ``..`` segment.
    """
    if prefix and key == "":
        return key
    if not key or len(key) > MAX_KEY_LENGTH or _CONTROL.search(key):
        raise ValueError(f"invalid object key {key!r}")
    segments = key.split("/")
    if prefix and segments[-1] == "":
        segments.pop()  # "invoices/" names a folder
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError(f"invalid object key {key!r}")
    return key


def check_content_type(content_type: str) -> str:
    """Return ``content_type`` if it is a media type (``type/subtype[; param=value]``).

    Raises:
        ValueError: It is not one.
    """
    if len(content_type) > 255 or not _CONTENT_TYPE.fullmatch(content_type):
        raise ValueError(f"invalid content type {content_type!r}")
    return content_type


async def limited(data: bytes | AsyncIterable[bytes], limit: int) -> AsyncIterator[bytes]:
    """Yield ``data`` in chunks, raising :class:`BlobTooLargeError` past ``limit`` bytes."""
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data) > limit:
            raise BlobTooLargeError(limit)
        yield bytes(data)
        return
    size = 0
    async for chunk in data:
        size += len(chunk)
        if size > limit:
            raise BlobTooLargeError(limit)
        if chunk:
            yield bytes(chunk)
