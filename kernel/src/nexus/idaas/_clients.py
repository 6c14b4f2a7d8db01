"""Registering a tenant's client apps: exact redirect URIs, confidential or public."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads the field types at run time
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

import msgspec
from nexus_hookspecs.http import invalid

from nexus.db import new_id
from nexus.idaas._secrets import hash_token, new_secret

if TYPE_CHECKING:
    from asyncpg import Connection

__all__ = (
    "ClientCreate",
    "ClientCreated",
    "ClientOut",
    "ClientUpdate",
    "create_client",
    "delete_client",
    "get_client",
    "list_clients",
    "new_client_secret",
    "update_client",
)

GrantType = Literal["authorization_code", "refresh_token", "client_credentials"]
Scope = Literal["openid", "profile", "email", "roles", "offline_access", "mcp"]
Uri = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
_MAX_URIS = 20


class ClientCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new client app.

    ``confidential`` apps (a server) get a secret, shown once; public ones (a browser or
    native app) have none and must use PKCE. Redirect URIs are matched exactly.
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    confidential: bool = True
    redirect_uris: list[Uri] = msgspec.field(default_factory=list)
    post_logout_redirect_uris: list[Uri] = msgspec.field(default_factory=list)
    grant_types: list[GrantType] = msgspec.field(
        default_factory=lambda: ["authorization_code", "refresh_token"]
    )
    scopes: list[Scope] = msgspec.field(
        default_factory=lambda: ["openid", "profile", "email", "roles", "offline_access"]
    )


class ClientUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to a client; omitted fields stay as they are."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    redirect_uris: list[Uri] | None = None
    post_logout_redirect_uris: list[Uri] | None = None
    grant_types: list[GrantType] | None = None
    scopes: list[Scope] | None = None


class ClientOut(msgspec.Struct, kw_only=True):
    """A registered client (never its secret)."""

    id: UUID
    client_id: str
    name: str
    confidential: bool
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    grant_types: list[str]
    scopes: list[str]
    created_at: datetime


class ClientCreated(msgspec.Struct, kw_only=True):
    """A new client with its secret (confidential clients): shown this once."""

    client: ClientOut
    client_secret: str | None


_COLUMNS = (
    "id, client_id, name, confidential, redirect_uris, post_logout_redirect_uris, "
    "grant_types, scopes, created_at"
)


def _check_uris(field: str, uris: list[str]) -> None:
    if len(uris) > _MAX_URIS:
        invalid(field, f"at most {_MAX_URIS} URIs")
    for uri in uris:
        parts = urlsplit(uri)
        loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1", "localhost")
        if parts.fragment or "#" in uri:
            invalid(field, f"{uri}: a redirect URI has no fragment")
        if parts.scheme == "https" or loopback:
            if not parts.hostname:
                invalid(field, f"{uri}: no host")
        elif parts.scheme in ("http", "javascript", "data", "file", "") or not parts.scheme:
            invalid(field, f"{uri}: https, http on loopback, or an app's own scheme")


def _check(data: ClientCreate | ClientUpdate, *, confidential: bool) -> None:
    if data.redirect_uris is not None:
        _check_uris("redirect_uris", data.redirect_uris)
    if data.post_logout_redirect_uris is not None:
        _check_uris("post_logout_redirect_uris", data.post_logout_redirect_uris)
    grants = data.grant_types or []
    if "client_credentials" in grants and not confidential:
        invalid("grant_types", "client_credentials needs a confidential client")
    if isinstance(data, ClientCreate) and "authorization_code" in grants and not data.redirect_uris:
        invalid("redirect_uris", "the authorization code flow needs at least one redirect URI")


def _out(row: Any) -> ClientOut:
    return msgspec.convert(dict(row), ClientOut)


async def create_client(conn: Connection, data: ClientCreate) -> ClientCreated:
    """Register a client; a confidential one's secret is in the answer only."""
    _check(data, confidential=data.confidential)
    secret = new_secret() if data.confidential else None
    row = await conn.fetchrow(
        "insert into nexus_oidc_client (tenant_id, id, client_id, name, confidential, "
        "secret_hash, redirect_uris, post_logout_redirect_uris, grant_types, scopes) values "
        "(nullif(current_setting('nexus.tenant_id', true), '')::uuid, $1, $2, $3, $9, $4, $5, "
        f"$6, $7, $8) returning {_COLUMNS}",
        new_id(),
        new_secret()[:32],
        data.name,
        hash_token(secret) if secret else None,
        list(dict.fromkeys(data.redirect_uris)),
        list(dict.fromkeys(data.post_logout_redirect_uris)),
        sorted(set(data.grant_types)),
        sorted(set(data.scopes)),
        data.confidential,
    )
    return ClientCreated(client=_out(row), client_secret=secret)


async def list_clients(conn: Connection, *, after: UUID | None, limit: int) -> list[ClientOut]:
    """The tenant's clients after id ``after``, oldest first."""
    rows = await conn.fetch(
        f"select {_COLUMNS} from nexus_oidc_client where ($1::uuid is null or id > $1) "
        "order by id limit $2",
        after,
        limit,
    )
    return [_out(row) for row in rows]


async def get_client(conn: Connection, client_id: UUID) -> ClientOut | None:
    """One client of the tenant, or ``None``."""
    row = await conn.fetchrow(f"select {_COLUMNS} from nexus_oidc_client where id = $1", client_id)
    return _out(row) if row else None


async def update_client(conn: Connection, client_id: UUID, data: ClientUpdate) -> ClientOut | None:
    """Apply ``data`` to a client; ``None`` when the tenant has no such client."""
    current = await get_client(conn, client_id)
    if current is None:
        return None
    _check(data, confidential=current.confidential)
    row = await conn.fetchrow(
        "update nexus_oidc_client set name = coalesce($2, name), "
        "redirect_uris = coalesce($3, redirect_uris), "
        "post_logout_redirect_uris = coalesce($4, post_logout_redirect_uris), "
        "grant_types = coalesce($5, grant_types), scopes = coalesce($6, scopes) "
        f"where id = $1 returning {_COLUMNS}",
        client_id,
        data.name,
        list(dict.fromkeys(data.redirect_uris)) if data.redirect_uris is not None else None,
        list(dict.fromkeys(data.post_logout_redirect_uris))
        if data.post_logout_redirect_uris is not None
        else None,
        sorted(set(data.grant_types)) if data.grant_types is not None else None,
        sorted(set(data.scopes)) if data.scopes is not None else None,
    )
    return _out(row) if row else None


async def new_client_secret(conn: Connection, client_id: UUID) -> str | None:
    """Replace a confidential client's secret; the new one is returned (shown once)."""
    secret = new_secret()
    status = await conn.execute(
        "update nexus_oidc_client set secret_hash = $2 where id = $1 and confidential",
        client_id,
        hash_token(secret),
    )
    return secret if status != "UPDATE 0" else None


async def delete_client(conn: Connection, client_id: UUID) -> bool:
    """Delete a client and revoke its tokens; ``False`` when there is no such client."""
    key = await conn.fetchval(
        "delete from nexus_oidc_client where id = $1 returning client_id", client_id
    )
    if key is None:
        return False
    await conn.execute(
        "update nexus_oidc_token set revoked_at = coalesce(revoked_at, now()) where client_id = $1",
        key,
    )
    await conn.execute("delete from nexus_oidc_code where client_id = $1", key)
    await conn.execute("delete from nexus_oidc_consent where client_id = $1", key)
    return True
