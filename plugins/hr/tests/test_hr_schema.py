from __future__ import annotations

from typing import Any

import asyncpg
import nexus_hr
from nexus.testing import run_sync


def _sql(url: str, query: str, *args: Any) -> list[Any]:
    async def run() -> list[Any]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return run_sync(run())


def test_every_hr_table_has_forced_row_level_security(client, hr_db):
    rows = _sql(
        hr_db,
        "select relname from pg_class where relname like 'hr\\_%' and relkind = 'r' "
        "and relrowsecurity and relforcerowsecurity",
    )
    assert {r["relname"] for r in rows} == set(nexus_hr.TABLES)
