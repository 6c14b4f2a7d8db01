"""Identity providers of a tenant (OIDC or SAML 2.0) and how their users map to roles."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs.http import invalid

from nexus.db import new_id
from nexus.identity import seal

if TYPE_CHECKING:
    from asyncpg import Connection

__all__ = (
    "Provider",
    "ProviderCreate",
    "ProviderRow",
    "create_provider",
    "delete_provider",
    "get_provider",
    "list_providers",
)

_Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")]
_Role = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
_Text = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ProviderCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new identity provider.

    ``oidc`` needs ``issuer`` (its discovery document is at
    ``{issuer}/.well-known/openid-configuration``), ``client_id`` and ``client_secret``;
    ``saml`` needs ``idp_metadata`` (the IdP's metadata XML). ``role_mapping`` maps a value
    of the ``groups_attribute`` claim or attribute to role names (``/api/v1/roles``); a user
    created just in time (``jit``) gets the mapped roles, or ``default_roles`` when none map;
    at every later sign-in whose assertion carries the claim, the roles the provider manages
    (those its mapping names and ``default_roles``) are mapped anew and other roles kept.
    """

    name: _Name
    kind: Literal["oidc", "saml"]
    issuer: _Text | None = None
    client_id: _Text | None = None
    client_secret: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)] | None = None
    idp_metadata: Annotated[str, msgspec.Meta(min_length=1, max_length=500_000)] | None = None
    groups_attribute: _Text = "groups"
    role_mapping: dict[str, list[_Role]] = msgspec.field(default_factory=dict)
    default_roles: list[_Role] = msgspec.field(default_factory=lambda: ["member"])
    jit: bool = True


class Provider(msgspec.Struct, kw_only=True):
    """An identity provider as listed (never its client secret)."""

    id: UUID
    name: str
    kind: str
    issuer: str | None
    client_id: str | None
    groups_attribute: str
    role_mapping: dict[str, list[str]]
    default_roles: list[str]
    jit: bool
    created_at: datetime


class ProviderRow(Provider, kw_only=True):
    """A provider with what signing in through it needs (metadata, the sealed secret)."""

    idp_metadata: str | None
    client_secret_sealed: str | None


_COLUMNS = (
    "id, name, kind, issuer, client_id, groups_attribute, role_mapping, default_roles, jit, "
    "created_at"
)


def _provider(row: Any, kind: type[Provider] = Provider) -> Any:
    data = dict(row)
    data["role_mapping"] = msgspec.json.decode(data["role_mapping"])
    return msgspec.convert(data, kind)


def check_provider(data: ProviderCreate) -> None:
    """Refuse (422 naming the field) what the provider's kind needs and lacks."""
    if data.kind == "oidc":
        for field in ("issuer", "client_id", "client_secret"):
            if getattr(data, field) is None:
                invalid(field, "required for an OIDC provider")
        assert data.issuer is not None
        if not data.issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            invalid("issuer", "an https:// URL")
    elif data.idp_metadata is None:
        invalid("idp_metadata", "required for a SAML provider: the IdP's metadata XML")


async def create_provider(conn: Connection, tenant_id: UUID, data: ProviderCreate) -> Provider:
    """Insert a provider; raise ``asyncpg.UniqueViolationError`` when the name is taken."""
    row = await conn.fetchrow(
        "insert into nexus_sso_provider (tenant_id, id, name, kind, issuer, client_id, "
        "client_secret_sealed, idp_metadata, groups_attribute, role_mapping, default_roles, jit) "
        f"values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning {_COLUMNS}",
        tenant_id,
        new_id(),
        data.name,
        data.kind,
        data.issuer.rstrip("/") if data.issuer else None,
        data.client_id,
        seal(data.client_secret) if data.client_secret else None,
        data.idp_metadata,
        data.groups_attribute,
        msgspec.json.encode(data.role_mapping).decode(),
        sorted(set(data.default_roles)),
        data.jit,
    )
    return _provider(row)  # type: ignore[no-any-return]


async def list_providers(conn: Connection) -> list[Provider]:
    """The tenant's providers, oldest first."""
    rows = await conn.fetch(f"select {_COLUMNS} from nexus_sso_provider order by id")
    return [_provider(row) for row in rows]


async def get_provider(conn: Connection, provider_id: UUID) -> ProviderRow | None:
    """One provider of the tenant with its metadata and sealed secret, or ``None``."""
    row = await conn.fetchrow(
        f"select {_COLUMNS}, idp_metadata, nexus_sso_client_secret(id) as client_secret_sealed "
        "from nexus_sso_provider where id = $1",
        provider_id,
    )
    return _provider(row, ProviderRow) if row else None


async def delete_provider(conn: Connection, provider_id: UUID) -> bool:
    """Remove a provider; ``False`` when the tenant has none such."""
    status = await conn.execute("delete from nexus_sso_provider where id = $1", provider_id)
    return status != "DELETE 0"
