"""Users and API keys of a tenant; platform keys."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec

from nexus.db import new_id
from nexus.identity._events import (
    USER_CREATED,
    USER_DISABLED,
    UserChanged,
    Via,
    publish,
    user_event,
)
from nexus.identity._principal import Role
from nexus.identity._roles import RoleName, check_roles
from nexus.identity._secrets import hash_password, new_key

if TYPE_CHECKING:
    from asyncpg import Connection

__all__ = (
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "User",
    "UserCreate",
    "UserUpdate",
    "create_api_key",
    "create_platform_key",
    "create_user",
    "get_user",
    "list_api_keys",
    "list_users",
    "revoke_api_key",
    "update_user",
    "user_for_login",
)

Email = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254, examples=["ada@example.com"]
    ),
]
Password = Annotated[str, msgspec.Meta(min_length=10, max_length=1024)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Scope = Annotated[str, msgspec.Meta(pattern=r"^(\*|[a-z][a-z0-9_]*\.[a-z0-9_.:-]+)$")]


class User(msgspec.Struct, kw_only=True):
    """A user of a tenant."""

    id: UUID
    email: str
    name: str
    roles: list[str]
    disabled: bool
    created_at: datetime
    updated_at: datetime
    email_verified: bool = False
    """Whether the user followed an emailed link (verification, invitation, reset) to it."""


class UserCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new user: without a password they cannot sign in until one is set."""

    email: Email
    name: Name
    roles: list[RoleName] = msgspec.field(default_factory=lambda: [Role.MEMBER.value])
    password: Password | None = None


class UserUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to a user; omitted fields stay as they are."""

    name: Name | None = None
    roles: list[RoleName] | None = None
    disabled: bool | None = None
    password: Password | None = None


class ApiKey(msgspec.Struct, kw_only=True):
    """An API key as listed: never its secret."""

    id: UUID
    name: str
    roles: list[str]
    scopes: list[str]
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


class ApiKeyCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new API key."""

    name: Name
    roles: list[RoleName] = msgspec.field(default_factory=lambda: [Role.MEMBER.value])
    scopes: list[Scope] = msgspec.field(default_factory=lambda: ["*"])
    expires_at: datetime | None = None


class ApiKeyCreated(msgspec.Struct, kw_only=True):
    """A new API key with its secret: shown this once, stored only as a hash."""

    key: str
    api_key: ApiKey


_USER = (
    "id, email, name, roles, disabled, created_at, updated_at, "
    "email_verified_at is not null as email_verified"
)
_KEY = "id, name, roles, scopes, expires_at, last_used_at, revoked_at, created_at"


async def create_user(
    conn: Connection, tenant_id: UUID, data: UserCreate, *, via: Via = "api"
) -> User:
    """Insert a user and announce it (``nexus.user.created.v1``, ``via`` saying how).

    Raises:
        asyncpg.UniqueViolationError: the email is taken.
    """
    await check_roles(conn, data.roles)
    row = await conn.fetchrow(
        f"insert into nexus_user (tenant_id, id, email, name, password_hash, roles) "
        f"values ($1, $2, $3, $4, $5, $6) returning {_USER}",
        tenant_id,
        new_id(),
        data.email,
        data.name,
        hash_password(data.password) if data.password else None,
        sorted(set(data.roles)),
    )
    assert row is not None  # insert … returning always returns the row
    created = msgspec.convert(dict(row), User)
    announced = UserChanged(user_id=created.id, email=created.email, via=via)
    await publish(conn, tenant_id, type=USER_CREATED, data=announced)
    return created


async def list_users(conn: Connection, *, after: UUID | None, limit: int) -> list[User]:
    """The tenant's users after id ``after`` (row-level security picks the tenant)."""
    rows = await conn.fetch(
        f"select {_USER} from nexus_user where ($1::uuid is null or id > $1) order by id limit $2",
        after,
        limit,
    )
    return [msgspec.convert(dict(row), User) for row in rows]


async def get_user(conn: Connection, user_id: UUID) -> User | None:
    """One user of the tenant, or ``None``."""
    row = await conn.fetchrow(f"select {_USER} from nexus_user where id = $1", user_id)
    return msgspec.convert(dict(row), User) if row else None


async def update_user(conn: Connection, user_id: UUID, data: UserUpdate) -> User | None:
    """Apply ``data``; return the user, or ``None`` when the tenant has no such user.

    Disabling an enabled user announces it (``nexus.user.disabled.v1``, via ``api``).
    """
    if data.roles is not None:
        await check_roles(conn, data.roles)
    was_disabled = await conn.fetchval(
        "select disabled from nexus_user where id = $1 for update", user_id
    )
    row = await conn.fetchrow(
        f"update nexus_user set name = coalesce($2, name), roles = coalesce($3, roles), "
        f"disabled = coalesce($4, disabled), updated_at = now() where id = $1 returning {_USER}",
        user_id,
        data.name,
        sorted(set(data.roles)) if data.roles is not None else None,
        data.disabled,
    )
    if row is not None and data.password:
        # A statement of its own: the API role may write a hash but never read one.
        await conn.execute(
            "update nexus_user set password_hash = $2 where id = $1",
            user_id,
            hash_password(data.password),
        )
    if row is not None and data.disabled and was_disabled is False:
        await user_event(conn, USER_DISABLED, user_id=user_id, via="api")
    return msgspec.convert(dict(row), User) if row else None


async def user_for_login(conn: Connection, email: str) -> Any:
    """The row (id, roles, disabled, password_hash) of the user with ``email``, if any.

    Read through the security-definer function ``nexus_user_credentials``: the API role
    cannot read password hashes from the table.
    """
    return await conn.fetchrow(
        "select id, roles, disabled, password_hash from nexus_user_credentials($1)", email
    )


async def create_api_key(
    conn: Connection, tenant_id: UUID, data: ApiKeyCreate, *, user_id: UUID | None = None
) -> ApiKeyCreated:
    """Create a tenant API key; the returned ``key`` is its only appearance."""
    await check_roles(conn, data.roles)
    key_id = new_id()
    key, secret_hash = new_key(key_id=key_id, tenant_id=tenant_id)
    row = await conn.fetchrow(
        f"insert into nexus_api_key (tenant_id, id, name, secret_hash, roles, scopes, "
        f"expires_at, user_id) values ($1, $2, $3, $4, $5, $6, $7, $8) returning {_KEY}",
        tenant_id,
        key_id,
        data.name,
        secret_hash,
        sorted(set(data.roles)),
        sorted(set(data.scopes)),
        data.expires_at,
        user_id,
    )
    assert row is not None  # insert … returning always returns the row
    return ApiKeyCreated(key=key, api_key=msgspec.convert(dict(row), ApiKey))


async def list_api_keys(conn: Connection, *, after: UUID | None, limit: int) -> list[ApiKey]:
    """The tenant's API keys after id ``after``."""
    rows = await conn.fetch(
        f"select {_KEY} from nexus_api_key where ($1::uuid is null or id > $1) "
        "order by id limit $2",
        after,
        limit,
    )
    return [msgspec.convert(dict(row), ApiKey) for row in rows]


async def revoke_api_key(conn: Connection, key_id: UUID) -> bool:
    """Revoke a key of the tenant; ``False`` when there is no such key."""
    status = await conn.execute(
        "update nexus_api_key set revoked_at = coalesce(revoked_at, now()) where id = $1", key_id
    )
    return status != "UPDATE 0"


async def create_platform_key(conn: Connection, name: str) -> str:
    """Create a platform admin key and return it (its only appearance)."""
    key_id = new_id()
    key, secret_hash = new_key(key_id=key_id, tenant_id=None)
    await conn.execute(
        "insert into nexus_platform_key (id, name, secret_hash) values ($1, $2, $3)",
        key_id,
        name,
        secret_hash,
    )
    return key
