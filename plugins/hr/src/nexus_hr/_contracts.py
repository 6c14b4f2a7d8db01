"""Employment contracts: history kept — a new running contract ends the previous one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from nexus_hookspecs.http import conflict, invalid, not_found

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("CONTRACT_COLUMNS", "end_contract", "run_contract")

CONTRACT_COLUMNS = (
    "id, employee_id, start_date, end_date, contract_type, working_schedule_id, wage, currency, "
    "wage_type, state, created_at"
)


async def run_contract(conn: Connection, contract: Mapping[str, Any]) -> None:
    """Make ``contract`` (a draft or a new row) the running one, ending the previous one.

    The previous running contract ends the day before the new one starts (422 on
    ``start_date`` when the new one would start on or before the previous one's start).
    """
    previous = await conn.fetchrow(
        "select id, start_date, end_date from hr_contract where employee_id = $1 "
        "and state = 'running' and id <> $2 for update",
        contract["employee_id"],
        contract["id"],
    )
    if previous is not None:
        if contract["start_date"] <= previous["start_date"]:
            invalid("start_date", "must be after the running contract's start date")
        last_day = contract["start_date"] - dt.timedelta(days=1)
        await conn.execute(
            "update hr_contract set state = 'ended', "
            "end_date = least(coalesce(end_date, $2), $2) where id = $1",
            previous["id"],
            last_day,
        )
    await conn.execute("update hr_contract set state = 'running' where id = $1", contract["id"])


async def end_contract(conn: Connection, contract_id: UUID, end_date: dt.date) -> None:
    """End a contract on ``end_date`` (409 when ended already; 422 before its start)."""
    row = await conn.fetchrow(
        "select state, start_date from hr_contract where id = $1 for update", contract_id
    )
    if row is None:
        not_found()
    if row["state"] == "ended":
        conflict("the contract has ended already", state="ended")
    if end_date < row["start_date"]:
        invalid("end_date", "must not be before the contract's start date")
    await conn.execute(
        "update hr_contract set state = 'ended', end_date = $2 where id = $1",
        contract_id,
        end_date,
    )
