"""What a file store adapter provides: every tenant's objects, addressed by full keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator

__all__ = ("BlobBackend",)


class BlobBackend(Protocol):
    """An object store; keys arrive checked and already prefixed with the tenant id."""

    async def put(
        self, key: str, data: bytes | AsyncIterable[bytes], *, content_type: str, max_bytes: int
    ) -> int:
        """Store the object, streaming ``data``; return its size in bytes."""
        ...

    async def get(self, key: str) -> bytes:
        """The object's bytes; ``KeyError`` when missing."""
        ...

    def stream(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes in chunks; ``KeyError`` when missing."""
        ...

    async def stat(self, key: str) -> tuple[int, str]:
        """The object's size and content type; ``KeyError`` when missing."""
        ...

    async def delete(self, key: str) -> None:
        """Delete the object, if it exists."""
        ...

    def list(self, prefix: str) -> AsyncIterator[str]:
        """The keys starting with ``prefix``, in order."""
        ...

    async def abort_uploads(self, prefix: str) -> None:
        """Abort unfinished uploads of keys starting with ``prefix`` (a crashed writer's)."""
        ...

    async def url(self, key: str, *, expires_in: int) -> str:
        """A URL that downloads the object without credentials for ``expires_in`` seconds."""
        ...

    async def start(self) -> None:
        """Connect, or prepare the directories."""
        ...

    async def stop(self) -> None:
        """Disconnect."""
        ...
