"""Authlib's server is synchronous: it runs in a worker thread and reaches back for data.

A protocol step (validate an authorization request, answer a token request) runs in a
thread (``anyio.to_thread``); each storage call it makes (find a client, save a token)
comes back to the event loop (``anyio.from_thread``) as its own transaction of the tenant.
So the event loop never blocks, and Authlib's grants are used as they are, not rewritten.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import anyio.from_thread
import anyio.to_thread
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping
    from uuid import UUID

    from asyncpg import Connection

    from nexus.db import PostgresDatabase

__all__ = ("Bridge", "HttpRequest", "in_thread")

_T = TypeVar("_T")


class Bridge:
    """Runs storage coroutines of one tenant from the protocol's thread."""

    def __init__(self, database: PostgresDatabase, tenant_id: UUID) -> None:
        self.database = database
        self.tenant_id = tenant_id

    def call(self, fn: Callable[..., Awaitable[_T]], /, *args: Any, **kwargs: Any) -> _T:
        """Run ``fn(conn, *args, **kwargs)`` in a transaction of the tenant; return its result."""
        return anyio.from_thread.run(partial(self._run, fn, args, kwargs))

    async def _run(
        self, fn: Callable[..., Awaitable[_T]], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> _T:
        async with self.database.transaction(tenant_id=self.tenant_id) as conn:
            return await fn(conn, *args, **kwargs)

    async def transaction(self, fn: Callable[[Connection], Awaitable[_T]]) -> _T:
        """Run ``fn(conn)`` in a transaction of the tenant, from the event loop."""
        async with self.database.transaction(tenant_id=self.tenant_id) as conn:
            return await fn(conn)


async def in_thread(fn: Callable[[], _T]) -> _T:
    """Run a protocol step in a worker thread (it may call :meth:`Bridge.call`)."""
    return await anyio.to_thread.run_sync(fn)


class _Payload(OAuth2Payload):
    def __init__(self, values: dict[str, list[str]]) -> None:
        self._values = values
        self._data = {key: items[0] for key, items in values.items() if items}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return defaultdict(list, self._values)


class HttpRequest(OAuth2Request):
    """A Litestar request as Authlib reads it: method, URI, headers, query and form.

    Built in the event loop (the body is read there), then handed to the thread.
    """

    def __init__(
        self,
        *,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        query: dict[str, list[str]],
        form: dict[str, list[str]],
    ) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        merged: dict[str, list[str]] = {key: list(items) for key, items in query.items()}
        for key, items in form.items():
            merged.setdefault(key, []).extend(items)
        self.payload = _Payload(merged)
        self._query = {key: items[0] for key, items in query.items() if items}
        self._form = {key: items[0] for key, items in form.items() if items}
        self.family_id: UUID | None = None
        self.auth_time: int | None = None

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self._form
