"""Connections and runs in the database."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_integrations._connector import OAuthConnector, registry
from nexus_integrations._models import ConnectionIn, ConnectionOut, RunOut
from nexus_integrations._secrets import decrypt, encrypt

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = (
    "check_oauth_state",
    "complete_oauth",
    "create_connection",
    "finish_run",
    "list_connections",
    "list_runs",
    "load_config",
    "start_oauth",
    "start_run",
)

_CONNECTION = "select id, source, name, state, created_at, config_enc from integrations_connection"
_RUN = (
    "select id, connection_id, kind, dry_run, status, report, error, started_at, "
    "finished_at from integrations_run"
)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _connection(row: Any) -> ConnectionOut:
    state = _json(row["state"]) or {}
    authorized = None
    if isinstance(registry()[row["source"]], OAuthConnector):
        authorized = bool(decrypt(row["config_enc"]).get("refresh_token"))
    return ConnectionOut(
        id=row["id"],
        source=row["source"],
        name=row["name"],
        cursors=state.get("cursors", {}),
        created_at=row["created_at"],
        authorized=authorized,
    )


def _run(row: Any) -> RunOut:
    return msgspec.convert({**dict(row), "report": _json(row["report"])}, RunOut)


async def create_connection(conn: Connection, data: ConnectionIn) -> ConnectionOut:
    """Register a connection, its configuration checked by the connector and encrypted."""
    connector = registry()[data.source]
    try:
        config = msgspec.convert(data.config, connector.config_type)
    except msgspec.ValidationError as error:
        invalid("config", str(error))
    if await conn.fetchval(
        "select 1 from integrations_connection where source = $1 and name = $2",
        data.source,
        data.name,
    ):
        conflict(f"a {data.source} connection named {data.name!r} exists")
    row = await conn.fetchrow(
        "insert into integrations_connection (id, source, name, config_enc) "
        "values ($1, $2, $3, $4) returning id, source, name, state, created_at, config_enc",
        new_id(),
        data.source,
        data.name,
        encrypt(msgspec.to_builtins(config)),
    )
    return _connection(row)


async def list_connections(conn: Connection) -> list[ConnectionOut]:
    """The tenant's connections, by name."""
    return [_connection(r) for r in await conn.fetch(f"{_CONNECTION} order by source, name")]


async def load_config(conn: Connection, connection_id: UUID) -> tuple[str, Any, dict[str, str]]:
    """A connection's source, decrypted configuration and cursors (404 when not the tenant's)."""
    row = await conn.fetchrow(
        "select source, config_enc, state from integrations_connection where id = $1",
        connection_id,
    )
    if row is None:
        not_found()
    connector = registry()[row["source"]]
    config = msgspec.convert(decrypt(row["config_enc"]), connector.config_type)
    return row["source"], config, (_json(row["state"]) or {}).get("cursors", {})


async def start_run(conn: Connection, connection_id: UUID, *, dry_run: bool) -> UUID:
    """Record a run as running."""
    run_id = new_id()
    await conn.execute(
        "insert into integrations_run (id, connection_id, kind, dry_run, status) "
        "values ($1, $2, 'import', $3, 'running')",
        run_id,
        connection_id,
        dry_run,
    )
    return run_id


async def finish_run(
    conn: Connection, run_id: UUID, *, report: dict[str, Any], error: str | None = None
) -> RunOut:
    """Record a run's end: done with its report, or failed with the error."""
    row = await conn.fetchrow(
        "update integrations_run set status = $2, report = $3::jsonb, error = $4, "
        f"finished_at = now() where id = $1 returning {_RUN.split(' from ')[0][7:]}",
        run_id,
        "failed" if error else "done",
        json.dumps(report),
        error,
    )
    return _run(row)


async def list_runs(conn: Connection, run_id: UUID | None = None) -> list[RunOut]:
    """The tenant's runs, newest first (or the one asked)."""
    if run_id is not None:
        return [_run(r) for r in await conn.fetch(f"{_RUN} where id = $1", run_id)]
    return [_run(r) for r in await conn.fetch(f"{_RUN} order by started_at desc limit 100")]


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


async def start_oauth(conn: Connection, connection_id: UUID) -> tuple[Any, str]:
    """A new ``state`` for the consent URL (its hash kept); the connection's OAuth app.

    404 when the connection is not the tenant's; 409 when its connector needs no OAuth.
    """
    source, config, _ = await load_config(conn, connection_id)
    connector = registry()[source]
    if not isinstance(connector, OAuthConnector):
        conflict(f"a {source} connection has no OAuth flow")
    state = secrets.token_urlsafe(32)
    await conn.execute(
        "update integrations_connection set state = jsonb_set(state, '{oauth_state}', "
        "to_jsonb($2::text)) where id = $1",
        connection_id,
        _hash(state),
    )
    return connector.oauth_app(config), state


async def check_oauth_state(conn: Connection, connection_id: UUID, state: str) -> Any:
    """The connection's OAuth app when ``state`` is the one handed out (409 otherwise)."""
    source, config, _ = await load_config(conn, connection_id)
    connector = registry()[source]
    row_state = _json(
        await conn.fetchval(
            "select state from integrations_connection where id = $1", connection_id
        )
    )
    if not isinstance(connector, OAuthConnector) or (row_state or {}).get("oauth_state") != _hash(
        state
    ):
        conflict("the state is not the one /oauth/start handed out")
    return connector.oauth_app(config)


async def complete_oauth(
    conn: Connection, connection_id: UUID, refresh_token: str
) -> ConnectionOut:
    """Keep the refresh token (encrypted, with the configuration); forget the state."""
    config = decrypt(
        await conn.fetchval(
            "select config_enc from integrations_connection where id = $1", connection_id
        )
    )
    row = await conn.fetchrow(
        "update integrations_connection set config_enc = $2, state = state - 'oauth_state' "
        "where id = $1 returning id, source, name, state, created_at, config_enc",
        connection_id,
        encrypt({**config, "refresh_token": refresh_token}),
    )
    return _connection(row)
