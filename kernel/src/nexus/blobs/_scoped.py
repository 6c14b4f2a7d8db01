"""The ``blobs`` port of one request: every object key lives under the tenant's prefix."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from nexus.blobs._keys import BlobObject, check_content_type, check_key

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator

    from nexus.blobs._backend import BlobBackend

__all__ = ("MAX_URL_EXPIRY_S", "TenantBlobs")

MAX_URL_EXPIRY_S = 7 * 24 * 3600  # S3's own limit for presigned URLs


class TenantBlobs:
    """A tenant's view of the file store: keys are checked, then prefixed with its id.

    Keys are checked before prefixing, so no key (``../other``) can leave the tenant's
    prefix. Using it in a request that acts in no tenant raises ``PermissionError``.
    """

    __slots__ = ("_backend", "_max_bytes", "_prefix")

    def __init__(self, backend: BlobBackend, tenant_id: UUID | None, *, max_bytes: int) -> None:
        self._backend = backend
        self._max_bytes = max_bytes
        self._prefix = f"{UUID(str(tenant_id))}/" if tenant_id is not None else None

    def _full(self, key: str, *, prefix: bool = False) -> str:
        if self._prefix is None:
            raise PermissionError("the file store is per tenant, and this request acts in none")
        return self._prefix + check_key(key, prefix=prefix)

    async def put(
        self, key: str, data: bytes | AsyncIterable[bytes], *, content_type: str
    ) -> BlobObject:
        """Store ``data`` (bytes or streamed chunks) under ``key``."""
        full = self._full(key)
        check_content_type(content_type)
        size = await self._backend.put(
            full, data, content_type=content_type, max_bytes=self._max_bytes
        )
        return BlobObject(key=key, size=size, content_type=content_type)

    async def get(self, key: str) -> bytes:
        """The object's bytes; ``KeyError`` when missing."""
        return await self._backend.get(self._full(key))

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes in chunks; ``KeyError`` when missing."""
        async for chunk in self._backend.stream(self._full(key)):
            yield chunk

    async def stat(self, key: str) -> BlobObject:
        """The object's size and content type; ``KeyError`` when missing."""
        size, content_type = await self._backend.stat(self._full(key))
        return BlobObject(key=key, size=size, content_type=content_type)

    async def delete(self, key: str) -> None:
        """Delete the object, if it exists."""
        await self._backend.delete(self._full(key))

    async def list(self, prefix: str = "") -> AsyncIterator[str]:
        """The tenant's keys under ``prefix``, without the tenant prefix."""
        full = self._full(prefix, prefix=True)
        start = len(full) - len(prefix)
        async for key in self._backend.list(full):
            yield key[start:]

    async def url(self, key: str, *, expires_in: int = 900) -> str:
        """A URL that downloads the object without credentials until it expires."""
        if not 1 <= expires_in <= MAX_URL_EXPIRY_S:
            raise ValueError(f"expires_in must be between 1 and {MAX_URL_EXPIRY_S} seconds")
        return await self._backend.url(self._full(key), expires_in=expires_in)
