"""Kiosk punches: the PIN check and its throttling.

A kiosk device authenticates with an API key of its tenant scoped to ``time.kiosk:punch``
(the kernel names the tenant from the key: a public plugin route cannot act in a tenant).
Refused punches are counted per kiosk credential and employee id as given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_hookspecs import new_id

from nexus_time._attendance import Action, open_state

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("failures", "next_action", "record_failure")


async def failures(conn: Connection, kiosk: str, subject: str, minutes: int) -> tuple[int, int]:
    """Refused punches in the last ``minutes``: for ``subject``, and for the whole kiosk."""
    row = await conn.fetchrow(
        "select count(*) filter (where subject = $2) as mine, count(*) as every "
        "from time_kiosk_failure where kiosk = $1 and at > now() - make_interval(mins => $3)",
        kiosk,
        subject,
        minutes,
    )
    if row is None:
        return 0, 0
    return int(row["mine"]), int(row["every"])


async def record_failure(conn: Connection, kiosk: str, subject: str) -> None:
    """Count a refused punch (its transaction commits although the request is refused)."""
    await conn.execute(
        "insert into time_kiosk_failure (id, kiosk, subject) values ($1, $2, $3)",
        new_id(),
        kiosk,
        subject,
    )


async def next_action(conn: Connection, employee_id: UUID, asked: Action | None) -> Action:
    """The punch to make: the one asked, else clock in when out, out when in, end a break."""
    if asked is not None:
        return asked
    state = await open_state(conn, employee_id)
    if state == "out":
        return "in"
    return "out" if state == "in" else "break_end"
