"""Helpers shared by the Marketing tests."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg

API = "/api/v1/marketing"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def post(client: Any, tenant: Any, path: str, body: Any, status: int = 201) -> Any:
    return ok(client.post(f"{API}{path}", json=body, headers=tenant.headers), status)


def get(client: Any, tenant: Any, path: str, status: int = 200, **params: Any) -> Any:
    return ok(client.get(f"{API}{path}", params=params, headers=tenant.headers), status)


def seed_contacts(
    url: str, tenant: Any, count: int, *, tags: list[str], confirmed: bool = True
) -> list[uuid.UUID]:
    """Batch-insert ``count`` projected contacts (as CRM's events would leave them) with a
    confirmed email consent, in one statement each."""
    ids = [uuid.uuid4() for _ in range(count)]

    async def insert() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(
                "insert into marketing_contact (tenant_id, id, email, name, tags) "
                "select $1, c, 'c' || n || '@example.com', 'Person ' || n, $3::text[] "
                "from unnest($2::uuid[]) with ordinality as u(c, n)",
                tenant.id,
                ids,
                tags,
            )
            if confirmed:
                await conn.execute(
                    "insert into marketing_consent (tenant_id, id, contact_id, channel, state, "
                    "source, confirmed_at) select $1, gen_random_uuid(), c, 'email', "
                    "'confirmed', 'import', now() from unnest($2::uuid[]) as u(c)",
                    tenant.id,
                    ids,
                )
        finally:
            await conn.close()

    asyncio.run(insert())
    return ids


def fetch(url: str, query: str, *args: Any) -> list[Any]:
    async def read() -> list[Any]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return asyncio.run(read())
