"""Run a multi-statement SQL script inside Piccolo's current transaction (migrations)."""

from __future__ import annotations

from piccolo.engine import engine_finder

__all__ = ("run_script",)


async def run_script(sql: str) -> None:
    """Execute ``sql`` (several statements allowed) on the migration's transaction."""
    engine = engine_finder()
    if engine is None:
        raise RuntimeError("no Piccolo engine is configured")
    transaction = engine.current_transaction.get()
    if transaction is not None:
        await transaction.connection.execute(sql)
        return
    async with engine.pool.acquire() as conn:  # type: ignore[attr-defined]
        await conn.execute(sql)
