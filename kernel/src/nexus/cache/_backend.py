"""What the cache service needs from a store: the in-process one or Redis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ("CacheBackend", "Token")

Token = tuple[str, ...]
"""The versions of a key and its tags, read before a load and checked before storing."""


class CacheBackend(Protocol):
    """A cache store holding every tenant's entries, each tenant in its own namespace."""

    async def get(self, ns: str, key: str) -> bytes | None:
        """Return the entry or ``None``."""
        ...

    async def token(self, ns: str, key: str, tags: Sequence[str]) -> Token:
        """Read the versions of ``key`` and ``tags`` (before loading a value)."""
        ...

    async def put(
        self,
        ns: str,
        key: str,
        value: bytes,
        *,
        ttl: float,
        tags: Sequence[str],
        token: Token | None,
    ) -> None:
        """Store ``value``, unless ``token`` is given and a version changed since."""
        ...

    async def invalidate(self, ns: str, keys: Sequence[str], tags: Sequence[str]) -> None:
        """Drop ``keys`` and every entry tagged with ``tags``; bump their versions."""
        ...

    async def drop(self, ns: str) -> None:
        """Drop the whole namespace: every entry, tag and version (a deprovisioned tenant)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
