"""``Idempotency-Key`` on writes: run a request once, replay its response to retries.

Follows the IETF draft *The Idempotency-Key HTTP Header Field* for ``POST``, ``PUT`` and
``PATCH`` on authenticated routes:

- the first request with a key claims it (one ``INSERT … ON CONFLICT DO NOTHING``, so of
  any number of concurrent requests exactly one runs) and its response is kept;
- a retry with the same key and the same request gets that response again, marked
  ``Idempotency-Replayed: true``;
- the same key on a different request (method, path, query, caller or body) is a 422
  problem; while the first request still runs, a retry is a 409 problem;
- keys are scoped to the tenant the request acts in (to the principal outside a tenant)
  and expire ``idempotency_ttl_s`` after the first response;
- only a success (2xx, 3xx) is kept: an error response or an exception frees the key, so
  the client can retry with it.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import re
import uuid
from typing import TYPE_CHECKING, NamedTuple, cast

import msgspec
import structlog
from litestar import Request
from litestar.enums import ScopeType

from nexus.http._problems import PROBLEM_TYPES, send_problem
from nexus.http._request import request_caller, request_tenant

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

    from nexus.db import PostgresDatabase

__all__ = ("IDEMPOTENCY_HEADER", "IdempotencyMiddleware", "parse_idempotency_key")

log = structlog.get_logger("nexus.http")

IDEMPOTENCY_HEADER = "Idempotency-Key"
_HEADER = IDEMPOTENCY_HEADER.lower().encode()
_REPLAYED = (b"idempotency-replayed", b"true")
_METHODS = frozenset({"POST", "PUT", "PATCH"})
_OPT_OUT = "nexus_no_idempotency"  # route opt: never keep this route's responses
_KEY = re.compile(rb"[\x20-\x7e]{1,255}")
_ESCAPE = re.compile(rb"\\(.)")
_NIL = uuid.UUID(int=0)
# Headers of one exchange, not of the response: a replay gets its own.
_NOT_KEPT = frozenset({b"date", b"server", b"set-cookie", b"x-request-id"})
_ATTEMPTS = 3
_PURGE_ONE_IN = 64

_PURGE = "delete from nexus_idempotency_key where tenant_id = $1 and expires_at <= now()"
_CLAIM = """
insert into nexus_idempotency_key (tenant_id, owner_id, key, claim, fingerprint, expires_at)
values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
on conflict do nothing
returning true
"""
_FIND = """
select fingerprint, status, headers::text as headers, body, expires_at <= now() as expired
  from nexus_idempotency_key where tenant_id = $1 and owner_id = $2 and key = $3
"""
_DROP_EXPIRED = """
delete from nexus_idempotency_key
 where tenant_id = $1 and owner_id = $2 and key = $3 and expires_at <= now()
"""
_KEEP = """
update nexus_idempotency_key
   set status = $5, headers = $6::text::jsonb, body = $7,
       expires_at = now() + make_interval(secs => $8)
 where tenant_id = $1 and owner_id = $2 and key = $3 and claim = $4
"""
_RELEASE = """
delete from nexus_idempotency_key
 where tenant_id = $1 and owner_id = $2 and key = $3 and claim = $4
"""


class _Slot(NamedTuple):
    """Where one claimed key lives, and the token that proves this request holds it."""

    tenant_id: uuid.UUID
    owner_id: uuid.UUID
    key: str
    claim: uuid.UUID


class _Kept(NamedTuple):
    """A kept response."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class _Recording:
    """The response of the request holding a key, as it is sent."""

    __slots__ = ("chunks", "headers", "limit", "size", "status")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, message: Message) -> bool:
        """Record ``message``; tell whether it ends the response."""
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [(name, value) for name, value in message.get("headers", ())]
            return False
        if message["type"] != "http.response.body":
            return False
        chunk = message.get("body", b"")
        self.size += len(chunk)
        if self.size <= self.limit:
            self.chunks.append(chunk)
        return not message.get("more_body", False)

    def kept(self) -> _Kept | None:
        """The response to keep: ``None`` for errors, and for bodies over the limit."""
        if self.status >= 400 or self.size > self.limit:
            return None
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in self.headers
            if name.lower() not in _NOT_KEPT
        ]
        return _Kept(status=self.status, headers=headers, body=b"".join(self.chunks))


_CLAIMED = "claimed"
_IN_FLIGHT = "in-flight"
_REUSED = "reused"


def parse_idempotency_key(raw: bytes) -> str | None:
    """Return the key in an ``Idempotency-Key`` value, or ``None`` when it is not valid.

    The draft makes the value a structured-field string (``"8e03978e-…"``); a bare token
    is accepted too. A key is 1 to 255 visible ASCII characters.

    Example::

        >>> parse_idempotency_key(b'"order-42"')
        'order-42'
    """
    value = raw.strip()
    if len(value) >= 2 and value.startswith(b'"') and value.endswith(b'"'):
        value = _ESCAPE.sub(rb"\1", value[1:-1])
    if not _KEY.fullmatch(value):
        return None
    return value.decode("ascii")


class IdempotencyMiddleware:
    """Honour ``Idempotency-Key`` on ``POST``, ``PUT`` and ``PATCH`` (see the module).

    Runs after :class:`~nexus.identity.AuthGate`, which names the principal and tenant the
    key is scoped to; requests without the header pay nothing. A route whose response must
    not be stored (it shows a secret once) opts out with ``opt={"nexus_no_idempotency":
    True}``; the header is then ignored there.

    Args:
        database: Where keys and kept responses are stored.
        ttl_s: How long a key and its response are kept after the first response.
        lease_s: How long a first request may run before its key counts as abandoned.
        max_response_bytes: Larger responses are not kept (the key is freed instead).
    """

    def __init__(
        self,
        database: PostgresDatabase,
        *,
        ttl_s: int,
        lease_s: int,
        max_response_bytes: int,
    ) -> None:
        self.database = database
        self.ttl_s = ttl_s
        self.lease_s = lease_s
        self.max_response_bytes = max_response_bytes

    def __call__(self, app: ASGIApp) -> ASGIApp:
        """Wrap one route's ASGI app (Litestar calls this once per route handler)."""
        handle = self.handle

        def middleware(scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
            # Reads, and routes that opted out, go straight through: returning the app's
            # awaitable spares them a coroutine of this layer's own.
            if (
                scope["type"] != ScopeType.HTTP
                or scope["method"] not in _METHODS
                or scope["route_handler"].opt.get(_OPT_OUT)
            ):
                return app(scope, receive, send)
            return handle(scope, receive, send, app)

        return middleware

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Run, replay or refuse a write according to its key."""
        raw = _header(scope)
        principal = request_caller(scope)
        if raw is None or principal is None:
            await next_app(scope, receive, send)
            return
        key = parse_idempotency_key(raw)
        if key is None:
            await _refuse(
                scope, receive, send, slug="idempotency-key-invalid", detail="not a valid key"
            )
            return
        # Reading the body here applies the body limit (413); the handler reuses it.
        body = await Request(scope, receive, send).body()
        tenant_id = request_tenant(scope)
        slot = _Slot(
            tenant_id=tenant_id or _NIL,
            owner_id=_NIL if tenant_id else principal.subject,
            key=key,
            claim=uuid.uuid4(),
        )
        fingerprint = _fingerprint(cast("HTTPScope", scope), principal.actor, body)
        outcome = await self._claim(slot, fingerprint)
        if isinstance(outcome, _Kept):
            await _replay(send, outcome)
        elif outcome == _REUSED:
            await _refuse(
                scope,
                receive,
                send,
                slug="idempotency-key-reused",
                detail="used for another request",
            )
        elif outcome == _IN_FLIGHT:
            await _refuse(
                scope,
                receive,
                send,
                slug="idempotency-in-flight",
                detail="the first request still runs",
            )
        else:
            await self._run(slot, scope, receive, send, next_app)

    async def _claim(self, slot: _Slot, fingerprint: bytes) -> _Kept | str:
        """Claim the key, or tell what holds it: a kept response, a reuse, a running request."""
        where = (slot.tenant_id, slot.owner_id, slot.key)
        for _ in range(_ATTEMPTS):
            async with self.database.transaction(tenant_id=slot.tenant_id) as conn:
                if random.randrange(_PURGE_ONE_IN) == 0:  # expired keys go a few at a time
                    await conn.execute(_PURGE, slot.tenant_id)
                if await conn.fetchval(_CLAIM, *slot, fingerprint, self.lease_s):
                    return _CLAIMED
                row = await conn.fetchrow(_FIND, *where)
                if row is None:  # freed since the insert: claim again
                    continue
                if row["expired"]:
                    await conn.execute(_DROP_EXPIRED, *where)
                    continue
                if row["fingerprint"] != fingerprint:
                    return _REUSED
                if row["status"] is None:
                    return _IN_FLIGHT
                headers = msgspec.json.decode(row["headers"], type=list[tuple[str, str]])
                return _Kept(status=row["status"], headers=headers, body=row["body"])
        return _IN_FLIGHT  # other requests keep taking the key: one of them is running

    async def _run(
        self, slot: _Slot, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp
    ) -> None:
        """Run the request holding the key; keep its response or free the key."""
        recording = _Recording(self.max_response_bytes)
        settled = False

        async def record(message: Message) -> None:
            nonlocal settled
            if recording.add(message) and not settled:
                # Settled before the client sees the end of the response, so a retry
                # sent after it finds the response kept or the key free.
                settled = True
                await self._settle(slot, recording)
            await send(message)

        try:
            await next_app(scope, receive, record)
        finally:
            if not settled:
                await asyncio.shield(self._release(slot))

    async def _settle(self, slot: _Slot, recording: _Recording) -> None:
        kept = recording.kept()
        if kept is None:
            await self._release(slot)
            return
        headers = msgspec.json.encode(kept.headers).decode()
        try:
            async with self.database.transaction(tenant_id=slot.tenant_id) as conn:
                await conn.execute(_KEEP, *slot, kept.status, headers, kept.body, self.ttl_s)
        except Exception:  # noqa: BLE001 - the response is good; only its replay is lost
            log.exception("keeping an idempotent response failed", key=slot.key)
            await self._release(slot)

    async def _release(self, slot: _Slot) -> None:
        try:
            async with self.database.transaction(tenant_id=slot.tenant_id) as conn:
                await conn.execute(_RELEASE, *slot)
        except Exception:  # noqa: BLE001 - the lease frees the key later
            log.exception("freeing an idempotency key failed", key=slot.key)


def _header(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == _HEADER:
            return value
    return None


def _fingerprint(scope: HTTPScope, actor: str, body: bytes) -> bytes:
    """What makes two requests with one key "the same request"."""
    digest = hashlib.sha256()
    for part in (scope["method"].encode(), scope["path"].encode(), scope["query_string"]):
        digest.update(part)
        digest.update(b"\0")
    digest.update(actor.encode())
    digest.update(b"\0")
    digest.update(body)
    return digest.digest()


async def _replay(send: Send, kept: _Kept) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in kept.headers]
    await send(
        {"type": "http.response.start", "status": kept.status, "headers": [*headers, _REPLAYED]}
    )
    await send({"type": "http.response.body", "body": kept.body, "more_body": False})


async def _refuse(scope: Scope, receive: Receive, send: Send, *, slug: str, detail: str) -> None:
    problem_type = PROBLEM_TYPES[slug]
    await send_problem(
        scope, receive, send, status=problem_type.status, problem_type=problem_type, detail=detail
    )
