"""Email domains a tenant owns, proven by a DNS TXT record, and its SSO-only switch.

To verify ``example.com`` the tenant publishes ``nexus-verification=<token>`` as a TXT
record of ``_nexus-verification.example.com``; the check asks the resolver of
``NEXUS_SSO_RESOLVER`` (``Settings.sso_resolver``: ``host`` or ``host:port``; the
system's when unset). A domain is
verified by one tenant at most. A verified domain marked ``sso_only`` refuses password
sign-ins of its addresses (they sign in through the tenant's identity provider).
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec

from nexus.db import new_id

if TYPE_CHECKING:
    import dns.resolver
    from asyncpg import Connection

__all__ = (
    "Domain",
    "DomainChange",
    "DomainCreate",
    "RECORD_PREFIX",
    "add_domain",
    "change_domain",
    "delete_domain",
    "list_domains",
    "txt_published",
)

RECORD_PREFIX = "_nexus-verification"

DomainName = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
        examples=["example.com"],
    ),
]


class DomainCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An email domain to verify (lower case)."""

    domain: DomainName
    sso_only: bool = False


class DomainChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Whether the domain's users must sign in through the identity provider."""

    sso_only: bool


class Domain(msgspec.Struct, kw_only=True):
    """A domain, the TXT record that verifies it, and whether it is verified."""

    id: UUID
    domain: str
    record_name: str
    record_value: str
    verified_at: datetime | None
    sso_only: bool
    created_at: datetime


def _domain(row: object) -> Domain:
    data = dict(row)  # type: ignore[call-overload]
    token = data.pop("verification_token")
    return msgspec.convert(
        {
            **data,
            "record_name": f"{RECORD_PREFIX}.{data['domain']}",
            "record_value": f"nexus-verification={token}",
        },
        Domain,
    )


_COLUMNS = "id, domain, verification_token, verified_at, sso_only, created_at"


async def add_domain(conn: Connection, tenant_id: UUID, data: DomainCreate) -> Domain:
    """Add a domain to verify; raise ``asyncpg.UniqueViolationError`` when the tenant has it."""
    row = await conn.fetchrow(
        "insert into nexus_sso_domain (tenant_id, id, domain, verification_token, sso_only) "
        f"values ($1, $2, $3, $4, $5) returning {_COLUMNS}",
        tenant_id,
        new_id(),
        data.domain,
        secrets.token_urlsafe(24),
        data.sso_only,
    )
    return _domain(row)


async def list_domains(conn: Connection) -> list[Domain]:
    """The tenant's domains."""
    rows = await conn.fetch(f"select {_COLUMNS} from nexus_sso_domain order by domain")
    return [_domain(row) for row in rows]


async def get_domain(conn: Connection, domain_id: UUID) -> Domain | None:
    """One domain of the tenant, or ``None``."""
    row = await conn.fetchrow(f"select {_COLUMNS} from nexus_sso_domain where id = $1", domain_id)
    return _domain(row) if row else None


async def mark_verified(conn: Connection, domain_id: UUID) -> Domain | None:
    """Record the domain as verified (raises ``UniqueViolationError`` if another tenant has)."""
    row = await conn.fetchrow(
        "update nexus_sso_domain set verified_at = coalesce(verified_at, now()) where id = $1 "
        f"returning {_COLUMNS}",
        domain_id,
    )
    return _domain(row) if row else None


async def change_domain(conn: Connection, domain_id: UUID, data: DomainChange) -> Domain | None:
    """Switch SSO-only on or off."""
    row = await conn.fetchrow(
        f"update nexus_sso_domain set sso_only = $2 where id = $1 returning {_COLUMNS}",
        domain_id,
        data.sso_only,
    )
    return _domain(row) if row else None


async def delete_domain(conn: Connection, domain_id: UUID) -> bool:
    """Remove a domain; ``False`` when the tenant has none such."""
    status = await conn.execute("delete from nexus_sso_domain where id = $1", domain_id)
    return status != "DELETE 0"


def _resolver(configured: str | None) -> dns.resolver.Resolver:
    import dns.resolver  # noqa: PLC0415 - dnspython (0.35 s) only when a domain is checked

    if not configured:
        return dns.resolver.Resolver()
    host, _, port = configured.partition(":")
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = int(port or 53)
    resolver.lifetime = 5.0
    return resolver


def _txt_values(name: str, resolver: str | None) -> list[str]:
    import dns.resolver  # noqa: PLC0415

    try:
        answer = _resolver(resolver).resolve(name, "TXT", search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    return [b"".join(record.strings).decode(errors="replace") for record in answer]


async def txt_published(domain: Domain, *, resolver: str | None) -> bool:
    """Whether the domain's verification record is published (``False`` when DNS fails too).

    Args:
        domain: The domain to check.
        resolver: ``host`` or ``host:port`` of the DNS server to ask (``sso_resolver``);
            the system's when ``None``.
    """
    import dns.exception  # noqa: PLC0415

    try:
        values = await asyncio.to_thread(_txt_values, domain.record_name, resolver)
    except (dns.exception.DNSException, OSError):
        return False
    return domain.record_value in values
