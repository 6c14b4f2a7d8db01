"""Who a campaign reaches: a segment's filter or a list, minus whoever may not be sent to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("audience_sql", "count_audience")

_ADDRESS = {"email": "c.email", "sms": "c.phone", "whatsapp": "c.phone"}


def audience_sql(
    channel: str, *, segment: Any | None, list_id: UUID | None, require_consent: bool
) -> tuple[str, list[Any]]:
    """A ``select c.id from marketing_contact c where …`` and its arguments.

    A contact unsubscribed or suppressed on the channel is never selected; with
    ``require_consent`` only a confirmed consent lets one in.
    """
    args: list[Any] = [channel]
    where = [f"{_ADDRESS[channel]} is not null"]
    if require_consent:
        where.append(
            "exists (select 1 from marketing_consent k where k.contact_id = c.id "
            "and k.channel = $1 and k.state = 'confirmed')"
        )
    else:
        where.append(
            "not exists (select 1 from marketing_consent k where k.contact_id = c.id "
            "and k.channel = $1 and k.state in ('unsubscribed', 'suppressed'))"
        )
    chosen_list = list_id if segment is None else segment["list_id"]
    if chosen_list is not None:
        args.append(chosen_list)
        where.append(
            "exists (select 1 from marketing_list_member m where m.contact_id = c.id "
            f"and m.list_id = ${len(args)})"
        )
    if segment is not None:
        if segment["tags_all"]:
            args.append(list(segment["tags_all"]))
            where.append(f"c.tags @> ${len(args)}::text[]")
        if segment["tags_any"]:
            args.append(list(segment["tags_any"]))
            where.append(f"c.tags && ${len(args)}::text[]")
        if segment["email_domain"]:
            args.append("%@" + segment["email_domain"].lower())
            where.append(f"lower(c.email) like ${len(args)}")
    return "select c.id from marketing_contact c where " + " and ".join(where), args


async def count_audience(conn: Connection, sql: str, args: list[Any]) -> int:
    """How many contacts ``sql`` selects."""
    return int(await conn.fetchval(f"select count(*) from ({sql}) a", *args) or 0)
