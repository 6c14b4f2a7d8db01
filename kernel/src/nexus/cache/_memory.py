"""The in-process cache: a bounded LRU per worker, kept honest by change messages."""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from nexus.cache._backend import Token

__all__ = ("MemoryBackend",)

_MAX_VERSIONS = 65_536

_Entry = tuple[bytes, float, tuple[str, ...]]  # value, expiry, tags


class MemoryBackend:
    """Entries in this process only; other processes' invalidations arrive as messages.

    While the message channel is down (``live`` false) nothing is stored, so an entry is
    either kept fresh by messages or not kept at all.

    Args:
        max_entries: Most entries kept; the least recently used go first.
        live: Whether invalidations from other processes reach this one (single-process
            use and tests may say so up front; the kernel's channel sets it).
        clock: Monotonic seconds (tests may pass their own).
    """

    def __init__(
        self,
        *,
        max_entries: int = 10_000,
        live: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.live = live
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._tagged: dict[tuple[str, str], set[str]] = {}
        # Versions of invalidated keys and tags; forgetting one bumps the epoch, which
        # every token carries, so a forgotten version can never let a stale load through.
        self._versions: OrderedDict[tuple[str, str, str], int] = OrderedDict()
        self._counter = itertools.count(1)
        self._epoch = 0

    async def get(self, ns: str, key: str) -> bytes | None:
        """Return the entry unless it expired."""
        entry = self._entries.get((ns, key))
        if entry is None:
            return None
        if entry[1] <= self._clock():
            self._drop(ns, key)
            return None
        self._entries.move_to_end((ns, key))
        return entry[0]

    async def token(self, ns: str, key: str, tags: Sequence[str]) -> Token:
        """The current versions of ``key`` and ``tags``."""
        return self._token(ns, key, tags)

    def _token(self, ns: str, key: str, tags: Sequence[str]) -> Token:
        versions = [str(self._epoch), str(self._versions.get((ns, "k", key), 0))]
        versions.extend(str(self._versions.get((ns, "t", tag), 0)) for tag in tags)
        return tuple(versions)

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
        """Store ``value`` if the channel is live and nothing was invalidated since ``token``."""
        if not self.live or (token is not None and token != self._token(ns, key, tags)):
            return
        self._drop(ns, key)
        self._entries[(ns, key)] = (value, self._clock() + ttl, tuple(tags))
        for tag in tags:
            self._tagged.setdefault((ns, tag), set()).add(key)
        while len(self._entries) > self.max_entries:
            self._drop(*next(iter(self._entries)))

    async def invalidate(self, ns: str, keys: Sequence[str], tags: Sequence[str]) -> None:
        """Drop ``keys`` and the entries tagged ``tags`` in this process."""
        self.forget(ns, keys, tags)

    def forget(self, ns: str, keys: Sequence[str], tags: Sequence[str]) -> None:
        """:meth:`invalidate`, callable from a message callback."""
        for key in keys:
            self._bump((ns, "k", key))
            self._drop(ns, key)
        for tag in tags:
            self._bump((ns, "t", tag))
            for key in list(self._tagged.get((ns, tag), ())):
                self._drop(ns, key)

    async def drop(self, ns: str) -> None:
        """Drop everything of namespace ``ns`` in this process."""
        self.forget_namespace(ns)

    def forget_namespace(self, ns: str) -> None:
        """:meth:`drop`, callable from a message callback."""
        for name in [name for name in self._entries if name[0] == ns]:
            self._drop(*name)
        for version in [version for version in self._versions if version[0] == ns]:
            del self._versions[version]
        self._epoch += 1  # a load in flight for the namespace is not stored

    def _drop(self, ns: str, key: str) -> None:
        entry = self._entries.pop((ns, key), None)
        for tag in entry[2] if entry else ():
            tagged = self._tagged.get((ns, tag))
            if tagged is not None:
                tagged.discard(key)
                if not tagged:
                    del self._tagged[(ns, tag)]

    def clear(self) -> None:
        """Drop everything and fail every load in flight (messages may have been missed)."""
        self._entries.clear()
        self._tagged.clear()
        self._epoch += 1

    def _bump(self, name: tuple[str, str, str]) -> None:
        self._versions[name] = next(self._counter)
        self._versions.move_to_end(name)
        if len(self._versions) > _MAX_VERSIONS:
            self._versions.popitem(last=False)
            self._epoch += 1

    async def close(self) -> None:
        """Nothing to release."""
