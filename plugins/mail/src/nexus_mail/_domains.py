"""Mail domains: adding one (with its DKIM key), the records to publish, the DNS check."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, not_found

from nexus_mail import _dkim, _dns
from nexus_mail._sealed import seal_key

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_mail._settings import MailSettings

__all__ = (
    "CheckResult",
    "DnsRecord",
    "DomainOut",
    "check_domain",
    "create_domain",
    "delete_domain",
    "domain_out",
    "load_domain",
    "records",
)

_COLUMNS = "id, domain, selector, public_key, verified, checked_at, last_check, created_at"


class DnsRecord(msgspec.Struct, kw_only=True):
    """A record the domain's admin publishes.

    Attributes:
        purpose: ``mx``, ``spf``, ``dkim`` or ``dmarc``.
        type: ``MX`` or ``TXT``.
        name: The owner name.
        value: The value (an MX's host, a TXT's text).
        priority: The MX preference, for MX records.
    """

    purpose: str
    type: str
    name: str
    value: str
    priority: int | None = None


class CheckResult(msgspec.Struct, kw_only=True):
    """What the DNS answered for one record: ``ok``, ``missing``, ``wrong`` or ``error``."""

    purpose: str
    status: str
    found: list[str]


class DomainOut(msgspec.Struct, kw_only=True):
    """A mail domain as the API shows it (never its private key)."""

    id: UUID
    domain: str
    selector: str
    verified: bool
    records: list[DnsRecord]
    checked_at: datetime | None
    checks: list[CheckResult]
    created_at: datetime


def records(row: Any, settings: MailSettings) -> list[DnsRecord]:
    """The MX, SPF, DKIM and DMARC records ``row``'s domain should publish."""
    domain = row["domain"]
    spf = "v=spf1 mx" + (f" include:{settings.spf_include}" if settings.spf_include else "")
    dmarc = f"v=DMARC1; p={settings.dmarc_policy}; adkim=r; aspf=r"
    if settings.dmarc_report_address:
        dmarc += f"; rua=mailto:{settings.dmarc_report_address}"
    return [
        DnsRecord(purpose="mx", type="MX", name=domain, value=settings.mx_host, priority=10),
        DnsRecord(purpose="spf", type="TXT", name=domain, value=spf + " ~all"),
        DnsRecord(
            purpose="dkim",
            type="TXT",
            name=f"{row['selector']}._domainkey.{domain}",
            value=_dkim.dkim_record(row["public_key"]),
        ),
        DnsRecord(purpose="dmarc", type="TXT", name=f"_dmarc.{domain}", value=dmarc),
    ]


def domain_out(row: Any, settings: MailSettings) -> DomainOut:
    """Shape a ``mail_domain`` row (without the private key)."""
    last = row["last_check"]
    checks = msgspec.convert(
        json.loads(last) if isinstance(last, str) else (last or []), list[CheckResult]
    )
    return DomainOut(
        id=row["id"],
        domain=row["domain"],
        selector=row["selector"],
        verified=row["verified"],
        records=records(row, settings),
        checked_at=row["checked_at"],
        checks=checks,
        created_at=row["created_at"],
    )


async def create_domain(
    conn: Connection, *, domain: str, settings: MailSettings
) -> tuple[Any, bool]:
    """Add ``domain`` with a fresh DKIM key pair: (its row, whether it is new).

    Adding a domain the tenant has already answers that one (its key is kept).
    """
    name = domain.strip().rstrip(".").lower()
    existing = await conn.fetchrow(f"select {_COLUMNS} from mail_domain where domain = $1", name)
    if existing is not None:
        return existing, False
    private, public = await asyncio.to_thread(_dkim.new_key_pair)
    row = await conn.fetchrow(
        f"insert into mail_domain (id, domain, selector, private_key, public_key) "
        f"values ($1, $2, $3, $4, $5) returning {_COLUMNS}",
        new_id(),
        name,
        settings.dkim_selector,
        seal_key(private),
        public,
    )
    return row, True


async def load_domain(conn: Connection, domain_id: UUID) -> Any:
    """The tenant's domain row, or 404."""
    row = await conn.fetchrow(f"select {_COLUMNS} from mail_domain where id = $1", domain_id)
    if row is None:
        not_found()
    return row


async def delete_domain(conn: Connection, domain_id: UUID) -> None:
    """Remove a domain with its mailboxes; 409 while it still holds messages."""
    await load_domain(conn, domain_id)
    if await conn.fetchval(
        "select 1 from mail_message m join mail_mailbox b on b.id = m.mailbox_id "
        "where b.domain_id = $1 limit 1",
        domain_id,
    ):
        conflict("the domain's mailboxes hold messages")
    await conn.execute("delete from mail_domain where id = $1", domain_id)


def _lookup(record: DnsRecord) -> CheckResult:
    try:
        if record.type == "MX":
            found = [host.lower() for _, host in _dns.mx(record.name)]
            ok = record.value.lower() in found
        else:
            found = _dns.txt(record.name)
            prefix = record.value.split(";")[0].split(" ")[0].lower()
            mine = [f for f in found if f.lower().startswith(prefix)]
            if record.purpose == "dkim":
                ok = any(_squash(f) == _squash(record.value) for f in mine)
            else:
                ok = len(mine) == 1
            found = mine or found
    except _dns.DnsError as exc:
        return CheckResult(purpose=record.purpose, status="error", found=[str(exc)])
    status = "ok" if ok else ("wrong" if found else "missing")
    return CheckResult(purpose=record.purpose, status=status, found=found)


def _squash(value: str) -> str:
    return "".join(value.split()).lower()


async def check_domain(conn: Connection, row: Any, *, settings: MailSettings) -> Any:
    """Look the records up; verified (routed to this tenant) when MX and DKIM are right.

    The DKIM record proves control of the domain: its key was made here. 409 when another
    tenant verified the domain first.
    """
    results = [await asyncio.to_thread(_lookup, r) for r in records(row, settings)]
    by_purpose = {r.purpose: r.status for r in results}
    verified = by_purpose["mx"] == "ok" and by_purpose["dkim"] == "ok"
    if verified and not row["verified"]:
        owner = await conn.fetchval("select mail_route_domain($1)", row["domain"])
        if owner is not None:
            conflict(f"the domain {row['domain']} receives mail for another tenant")
    return await conn.fetchrow(
        f"update mail_domain set verified = $2, checked_at = now(), last_check = $3::jsonb "
        f"where id = $1 returning {_COLUMNS}",
        row["id"],
        verified,
        msgspec.json.encode(results).decode(),
    )
