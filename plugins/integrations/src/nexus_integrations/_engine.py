"""Running an import: the external-id map makes a re-run change nothing.

Each fetched item is looked up in ``integrations_external_ref`` by (connection, object,
remote id). Unknown: created through the connector (a dry run only counts it). Known with
the same fingerprint: unchanged. Known with another fingerprint: a conflict, settled by the
policy "Nexus wins" (posted documents are never rewritten): reported, nothing written.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations._connector import Connector, Fetched, Item

__all__ = ("apply",)

_LISTED = 500


def _fingerprint(item: Item) -> str:
    return hashlib.sha256(msgspec.json.encode(item.data, order="sorted")).hexdigest()


async def apply(
    conn: Connection,
    services: Services,
    connection_id: UUID,
    connector: Connector,
    fetched: Fetched,
    *,
    dry_run: bool,
) -> dict[str, Any]:
    """Apply ``fetched`` (or, dry, say what it would do); answer the run's report."""
    counts: dict[str, dict[str, int]] = {}
    listed: list[dict[str, str]] = []

    async def lookup(obj: str, remote_id: str) -> UUID | None:
        found: UUID | None = await conn.fetchval(
            "select nexus_id from integrations_external_ref "
            "where connection_id = $1 and object = $2 and remote_id = $3",
            connection_id,
            obj,
            remote_id,
        )
        return found

    for item in fetched.items:
        fingerprint = _fingerprint(item)
        known = await conn.fetchrow(
            "select nexus_id, fingerprint from integrations_external_ref "
            "where connection_id = $1 and object = $2 and remote_id = $3",
            connection_id,
            item.object,
            item.remote_id,
        )
        if known is None:
            action = "create"
            if not dry_run:
                nexus_id = await connector.write(
                    item, conn=conn, services=services, lookup=lookup, connection_id=connection_id
                )
                await conn.execute(
                    "insert into integrations_external_ref "
                    "(id, connection_id, object, remote_id, nexus_id, fingerprint) "
                    "values ($1, $2, $3, $4, $5, $6)",
                    new_id(),
                    connection_id,
                    item.object,
                    item.remote_id,
                    nexus_id,
                    fingerprint,
                )
        elif known["fingerprint"] == fingerprint:
            action = "unchanged"
        else:
            action = "conflict"
        per = counts.setdefault(item.object, {"create": 0, "unchanged": 0, "conflict": 0})
        per[action] += 1
        if action != "unchanged" and len(listed) < _LISTED:
            listed.append(
                {
                    "object": item.object,
                    "remote_id": item.remote_id,
                    "label": item.label,
                    "action": action,
                }
            )
    return {
        "counts": counts,
        "items": listed,
        "conflict_policy": "nexus_wins",
        "cursors": fetched.cursors,
    }
