"""Running an import: the external-id map makes a re-run change nothing.

Each fetched item is looked up in ``integrations_external_ref`` by (connection, object,
remote id). Unknown: created through the connector (a dry run only counts it). Known with
the same fingerprint: unchanged. Known with another fingerprint: changed remotely.

One-way connectors (Odoo): a remote change is a conflict, settled by the policy "Nexus
wins" (posted documents are never rewritten): reported, nothing written.

A remote deletion (``Item.deleted``) of an object unchanged in Nexus deletes its
counterpart (``delete``, when the connector can); changed in Nexus too, it is a conflict
(``remote_wins`` deletes, ``nexus_wins`` keeps and sends it again as new). The mapping goes.

Two-way connectors (Google, Zoho): the ref also keeps the Nexus side's fingerprint as last
synced and the remote's version (etag). A remote change to an object unchanged in Nexus is
applied (``update``); changed on both sides it is a conflict, settled by the connection's
policy (``nexus_wins``: Nexus's data is sent back with the new version; ``remote_wins``:
the remote's is applied). Then ``outgoing`` lists what changed in Nexus since its cursor:
new objects are created remotely, changed ones updated with the version last seen (a stale
version is a conflict the next pull settles); objects whose Nexus fingerprint is the one
last synced are left alone, so what a pull wrote is never echoed back.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id

from nexus_integrations._connector import TwoWay, Updating

if TYPE_CHECKING:
    from nexus_hookspecs import BlobStore, Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations._connector import Connector, Fetched, Item, Outgoing, Pushed

__all__ = ("apply", "fingerprint", "outgoing", "record_pushed")

_LISTED = 500
_ONE_WAY = ("create", "unchanged", "conflict")
_TWO_WAY = ("create", "update", "unchanged", "conflict")


def fingerprint(data: dict[str, Any] | None) -> str:
    """A stable hash of an object's mapped data."""
    return hashlib.sha256(msgspec.json.encode(data, order="sorted")).hexdigest()


class _Report:
    def __init__(self, actions: tuple[str, ...] = _TWO_WAY) -> None:
        self.actions = actions
        self.counts: dict[str, dict[str, int]] = {}
        self.listed: list[dict[str, str]] = []

    def add(self, obj: str, remote_id: str, label: str, action: str) -> None:
        per = self.counts.setdefault(obj, dict.fromkeys(self.actions, 0))
        per[action] = per.get(action, 0) + 1  # "delete" is counted only where it happens
        if action != "unchanged" and len(self.listed) < _LISTED:
            self.listed.append(
                {"object": obj, "remote_id": remote_id, "label": label, "action": action}
            )


async def _insert_ref(
    conn: Connection,
    connection_id: UUID,
    item: Item,
    nexus_id: UUID,
    local: str | None,
) -> None:
    await conn.execute(
        "insert into integrations_external_ref (id, connection_id, object, remote_id, "
        "nexus_id, fingerprint, local_fingerprint, remote_version) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8)",
        new_id(),
        connection_id,
        item.object,
        item.remote_id,
        nexus_id,
        fingerprint(item.data),
        local,
        item.version,
    )


async def _set_ref(
    conn: Connection, ref_id: UUID, *, remote: str, local: str | None, version: str | None
) -> None:
    await conn.execute(
        "update integrations_external_ref set fingerprint = $2, local_fingerprint = $3, "
        "remote_version = $4, updated_at = now() where id = $1",
        ref_id,
        remote,
        local,
        version,
    )


_REF = (
    "select id, connection_id, nexus_id, fingerprint, local_fingerprint, remote_version "
    "from integrations_external_ref where connection_id = $1 and object = $2 and remote_id = $3"
)


async def _store_content(blobs: BlobStore | None, connection_id: UUID, item: Item) -> None:
    """Put a file's bytes in the tenant's files store, keyed by their hash (stored once)."""
    if item.content is None:
        return
    if blobs is None:
        raise RuntimeError(f"{item.object} carry content, and no files store was given")
    digest = hashlib.sha256(item.content).hexdigest()
    key = f"integrations/{connection_id}/{item.object}/{digest}"
    await blobs.put(key, item.content, content_type=str(item.data["content_type"]))
    item.blob_key = key


async def _adopt(
    conn: Connection, services: Services, connection_id: UUID, two_way: Updating, item: Item
) -> Any:
    """Map a remote object Nexus created there whose answer was lost: never duplicate it."""
    assert item.hint is not None
    local = await two_way.current(item.object, UUID(item.hint), conn=conn, services=services)
    if local is None:
        return None
    await _insert_ref(conn, connection_id, item, UUID(item.hint), fingerprint(local))
    return await conn.fetchrow(_REF, connection_id, item.object, item.remote_id)


async def _remote_change(
    conn: Connection,
    services: Services,
    two_way: Updating,
    item: Item,
    known: Any,
    *,
    policy: str,
    dry_run: bool,
    blobs: BlobStore | None,
) -> str:
    """Settle a change made remotely: applied, or a conflict when Nexus changed it too."""
    if not two_way.updates(item.object):
        return "conflict"
    local = await two_way.current(item.object, known["nexus_id"], conn=conn, services=services)
    changed_here = fingerprint(local) != known["local_fingerprint"]
    if not dry_run:
        local_fp = known["local_fingerprint"]
        if not changed_here or policy == "remote_wins":
            await _store_content(blobs, known["connection_id"], item)
            await two_way.update(item, known["nexus_id"], conn=conn, services=services)
            after = await two_way.current(
                item.object, known["nexus_id"], conn=conn, services=services
            )
            local_fp = fingerprint(after)
        # nexus_wins: the remote's version is recorded; the push sends Nexus's data.
        remote = fingerprint(item.data)
        await _set_ref(conn, known["id"], remote=remote, local=local_fp, version=item.version)
    return "conflict" if changed_here else "update"


async def _remote_delete(
    conn: Connection,
    services: Services,
    two_way: Updating,
    item: Item,
    known: Any,
    *,
    policy: str,
    dry_run: bool,
) -> str:
    """Settle a deletion made remotely.

    Unchanged in Nexus since the last sync, the counterpart is deleted too (when the
    connector can); changed in Nexus, it is a conflict: ``remote_wins`` deletes it,
    ``nexus_wins`` keeps it (a two-way connector then sends it again, as new). Either way
    the mapping goes: the remote object is gone.
    """
    local = await two_way.current(item.object, known["nexus_id"], conn=conn, services=services)
    changed_here = local is not None and fingerprint(local) != known["local_fingerprint"]
    if dry_run:
        return "conflict" if changed_here else "delete"
    if local is not None and (not changed_here or policy == "remote_wins"):
        await two_way.delete(item.object, known["nexus_id"], conn=conn, services=services)
    await conn.execute("delete from integrations_external_ref where id = $1", known["id"])
    return "conflict" if changed_here else "delete"


async def apply(
    conn: Connection,
    services: Services,
    connection_id: UUID,
    connector: Connector,
    fetched: Fetched,
    *,
    dry_run: bool,
    policy: str = "nexus_wins",
    blobs: BlobStore | None = None,
) -> dict[str, Any]:
    """Apply ``fetched`` (or, dry, say what it would do); answer the run's report.

    ``blobs`` is the tenant's files store, where the content of files goes.
    """
    two_way = connector if isinstance(connector, Updating) else None
    report = _Report(_ONE_WAY if two_way is None else _TWO_WAY)

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
        remote = fingerprint(item.data)
        known = await conn.fetchrow(_REF, connection_id, item.object, item.remote_id)
        if item.deleted:
            if known is not None and two_way is not None:
                action = await _remote_delete(
                    conn, services, two_way, item, known, policy=policy, dry_run=dry_run
                )
                report.add(item.object, item.remote_id, item.label, action)
            continue  # never imported (or a one-way connector): nothing to follow
        if known is None and two_way is not None and item.hint and not dry_run:
            known = await _adopt(conn, services, connection_id, two_way, item)
        if known is None:
            action = "create"
            if not dry_run:
                await _store_content(blobs, connection_id, item)
                nexus_id = await connector.write(
                    item, conn=conn, services=services, lookup=lookup, connection_id=connection_id
                )
                local_fp = None
                if two_way is not None:
                    now = await two_way.current(item.object, nexus_id, conn=conn, services=services)
                    local_fp = fingerprint(now)
                await _insert_ref(conn, connection_id, item, nexus_id, local_fp)
        elif known["fingerprint"] == remote:
            action = "unchanged"
            if not dry_run and item.version and item.version != known["remote_version"]:
                await _set_ref(
                    conn,
                    known["id"],
                    remote=remote,
                    local=known["local_fingerprint"],
                    version=item.version,
                )
        elif two_way is None:
            action = "conflict"
        else:
            action = await _remote_change(
                conn, services, two_way, item, known, policy=policy, dry_run=dry_run, blobs=blobs
            )
        report.add(item.object, item.remote_id, item.label, action)
    return {
        "counts": report.counts,
        "items": report.listed,
        "conflict_policy": policy,
        "cursors": fetched.cursors,
    }


async def outgoing(
    conn: Connection,
    services: Services,
    connection_id: UUID,
    connector: TwoWay,
    config: Any,
    cursors: dict[str, str],
) -> tuple[list[Outgoing], dict[str, str]]:
    """What changed in Nexus since ``cursors`` and differs from what was last synced."""
    changed, after = await connector.outgoing(config, cursors, conn=conn, services=services)
    send: list[Outgoing] = []
    for change in changed:
        ref = await conn.fetchrow(
            "select remote_id, local_fingerprint, remote_version from integrations_external_ref "
            "where connection_id = $1 and object = $2 and nexus_id = $3",
            connection_id,
            change.object,
            change.nexus_id,
        )
        if ref is not None and ref["local_fingerprint"] == fingerprint(change.data):
            continue
        if ref is not None:
            change.remote_id, change.version = ref["remote_id"], ref["remote_version"]
        send.append(change)
    return send, after


async def record_pushed(
    conn: Connection, connection_id: UUID, pushed: list[Pushed], report: dict[str, Any]
) -> None:
    """Map what the remote answered, and add it to ``report`` (per ``<object> (sent)``)."""
    sent = _Report()
    for one in pushed:
        change = one.outgoing
        name = f"{change.object} (sent)"
        if one.conflict or one.remote_id is None:
            sent.add(name, change.remote_id or "", change.label, "conflict")
            continue
        remote = fingerprint(one.data)
        local = fingerprint(change.data)
        updated = await conn.execute(
            "update integrations_external_ref set fingerprint = $4, local_fingerprint = $5, "
            "remote_version = $6, updated_at = now() "
            "where connection_id = $1 and object = $2 and remote_id = $3",
            connection_id,
            change.object,
            one.remote_id,
            remote,
            local,
            one.version,
        )
        if updated.endswith(" 0"):
            await conn.execute(
                "insert into integrations_external_ref (id, connection_id, object, remote_id, "
                "nexus_id, fingerprint, local_fingerprint, remote_version) "
                "values ($1, $2, $3, $4, $5, $6, $7, $8)",
                new_id(),
                connection_id,
                change.object,
                one.remote_id,
                change.nexus_id,
                remote,
                local,
                one.version,
            )
        sent.add(name, one.remote_id, change.label, "update" if change.remote_id else "create")
    report["counts"].update(sent.counts)
    report["items"].extend(sent.listed)
