"""`nexus serve` with nothing configured: embedded PostgreSQL, kept on disk between starts."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import quote

import asyncpg
import httpx

from .conftest import serving

if TYPE_CHECKING:
    from pathlib import Path


def _socket_url(data_dir: Path) -> str:
    lines = (data_dir / "pgdata" / "postmaster.pid").read_text().splitlines()
    socket_dir = lines[4].strip()
    return f"postgresql://postgres@/nexus?host={quote(socket_dir, safe='/')}"


async def _sql(url: str, statement: str) -> object:
    conn = await asyncpg.connect(url)
    try:
        if statement.lstrip().lower().startswith("select"):
            return await conn.fetchval(statement)
        return await conn.execute(statement)
    finally:
        await conn.close()


def test_serve_with_nothing_configured_runs_on_embedded_postgres_and_keeps_data(embedded_home):
    data_dir = embedded_home / ".nexus"
    with serving(path=[], env={}, cwd=embedded_home) as base:
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{base}/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["database"] == {"ok": True}
        assert "# TYPE" in httpx.get(f"{base}/metrics").text
        # The document is built on its first request: about 2 s with every first-party plugin
        # on an idle machine, more under a loaded test run; httpx's 5 s default is too short.
        openapi = httpx.get(f"{base}/schema/openapi.json", timeout=60)
        assert openapi.json()["openapi"].startswith("3.1")
        url = _socket_url(data_dir)
        asyncio.run(_sql(url, "create table kept (v text); insert into kept values ('still here')"))
    # The server stopped with the last process that used it...
    assert not (data_dir / "pgdata" / "postmaster.pid").exists()
    with serving(path=[], env={}, cwd=embedded_home) as base:
        assert httpx.get(f"{base}/readyz").status_code == 200
        # ...and the second start found the same data on disk.
        assert asyncio.run(_sql(_socket_url(data_dir), "select v from kept")) == "still here"
