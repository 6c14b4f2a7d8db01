"""Placed outboxes: events written in dedicated tenants' databases, forwarded to the home one.

A dedicated tenant's writes and their events commit in its own database (its outbox), but
the relay publishes from the home database's outbox. The forwarder moves each placed
database's committed events there, in its outbox order, so both buses (the PostgreSQL log
and Kafka) carry them as any shared tenant's events.

The move spans two databases, so it cannot be one transaction: the rows are written into the
home outbox first (``on conflict do nothing`` on the event id), then marked published in the
placed one. A forwarder stopped between the two forwards the batch again and the home
outbox keeps one row per event: each event reaches the log once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from nexus.db import tenant_database_url
from nexus.events._publisher import OUTBOX_CHANNEL

if TYPE_CHECKING:
    from uuid import UUID

    import asyncpg

    from nexus.db import PostgresDatabase

__all__ = ("PlacedOutboxes",)

# One forwarder per placed database at a time, so its batches reach home in outbox order.
_LOCK_KEY = 0x6E65787573 + 2
_DATABASES = """
select distinct c.url, t.database
  from nexus_tenant t join nexus_cluster c on c.name = t.cluster
 where t.database is not null
"""
_CLAIM = (
    "select tenant_id, id, plugin, type, envelope from nexus_event_outbox "
    "where published_at is null order by seq limit $1"
)
_MARK = (
    "update nexus_event_outbox set published_at = now() "
    "where (tenant_id, id) in (select * from unnest($1::uuid[], $2::uuid[]))"
)
# Row-level security admits the rows of the transaction's tenant; the NOTIFY wakes the relay.
_FORWARD = f"""
with written as (
    insert into nexus_event_outbox (tenant_id, id, plugin, type, envelope)
    select $1, e.id, e.plugin, e.type, e.envelope
      from unnest($2::uuid[], $3::text[], $4::text[], $5::bytea[])
           with ordinality as e (id, plugin, type, envelope, n)
     order by e.n
    on conflict do nothing
    returning 1
)
select count(*) as written, pg_notify('{OUTBOX_CHANNEL}', '') from written
"""


class PlacedOutboxes:
    """Finds the placed databases of a home database and forwards their outboxes to it.

    Args:
        home: The home database, as the relay role.
        batch: Most events forwarded at once from one database.

    Example::

        placed = PlacedOutboxes(relay_db)
        for url in await placed.databases():
            conn = await asyncpg.connect(url, server_settings={"role": "nexus_relay"})
            await placed.forward_once(conn)
    """

    def __init__(self, home: PostgresDatabase, *, batch: int = 500) -> None:
        self.home = home
        self.batch = batch

    async def databases(self) -> list[str]:
        """The URL of every database holding placed tenants (home itself excluded)."""
        async with self.home.pool.acquire() as conn:
            rows = await conn.fetch(_DATABASES)
        return sorted({tenant_database_url(row["url"], row["database"]) for row in rows})

    async def forward_once(self, placed: asyncpg.Connection) -> int:
        """Forward one batch of ``placed``'s committed outbox events home; return how many.

        ``placed`` is a connection to a placed database as the relay role (which reads and
        marks every tenant's outbox rows there).
        """
        async with placed.transaction():
            await placed.execute("select pg_advisory_xact_lock($1)", _LOCK_KEY)
            rows = await placed.fetch(_CLAIM, self.batch)
            if not rows:
                return 0
            runs: dict[UUID, list[asyncpg.Record]] = defaultdict(list)
            for row in rows:  # a dedicated database holds one tenant: one run, in order
                runs[row["tenant_id"]].append(row)
            for tenant_id, run in runs.items():
                async with self.home.transaction(tenant_id=tenant_id) as home:
                    await home.execute(
                        _FORWARD,
                        tenant_id,
                        [row["id"] for row in run],
                        [row["plugin"] for row in run],
                        [row["type"] for row in run],
                        [bytes(row["envelope"]) for row in run],
                    )
            await placed.execute(
                _MARK, [row["tenant_id"] for row in rows], [row["id"] for row in rows]
            )
        return len(rows)
