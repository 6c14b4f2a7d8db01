"""Per-tenant limits: per purchase (422), per day and per recipient per day (429).

Checked on the locked wallet row, so purchases running at once are counted one after the
other. A day is a UTC day; failed purchases do not count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from litestar.exceptions import HTTPException
from nexus_hookspecs.http import invalid

if TYPE_CHECKING:
    from decimal import Decimal

    from nexus_hookspecs import Connection

    from nexus_vas._settings import VasSettings

__all__ = ("check_limits",)

_TODAY = (
    "select coalesce(sum(amount), 0) from vas_transaction where status <> 'failed' "
    "and currency = $1 and created_at >= (date_trunc('day', now() at time zone 'UTC') "
    "at time zone 'UTC')"
)


def _too_many(detail: str, *, limit: Decimal, used: Decimal, amount: Decimal) -> NoReturn:
    raise HTTPException(
        detail,
        status_code=429,
        extra={"limit": f"{limit:f}", "used": f"{used:f}", "amount": f"{amount:f}"},
    )


async def check_limits(
    conn: Connection, settings: VasSettings, *, amount: Decimal, currency: str, recipient: str
) -> None:
    """Refuse a purchase of ``amount`` to ``recipient`` that a limit does not allow."""
    if amount > settings.max_per_transaction:
        invalid(
            "amount",
            f"{amount:f} {currency} is over the per-transaction limit of "
            f"{settings.max_per_transaction:f}",
        )
    used: Decimal = await conn.fetchval(_TODAY, currency)
    if used + amount > settings.max_per_day:
        _too_many(
            f"today's purchases ({used:f} {currency}) and this one ({amount:f}) are over the "
            f"daily limit of {settings.max_per_day:f}",
            limit=settings.max_per_day,
            used=used,
            amount=amount,
        )
    mine: Decimal = await conn.fetchval(_TODAY + " and recipient = $2", currency, recipient)
    if mine + amount > settings.max_per_recipient_per_day:
        _too_many(
            f"{recipient} received {mine:f} {currency} today; this one ({amount:f}) is over the "
            f"limit of {settings.max_per_recipient_per_day:f} per recipient per day",
            limit=settings.max_per_recipient_per_day,
            used=mine,
            amount=amount,
        )
