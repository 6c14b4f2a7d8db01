"""HR's tool for the tenant's assistants (``nexus_ai_tools``): an employee's leave balance.

It answers what ``GET /employees/{id}/leave-balances`` answers (``_leave.balances``): per
leave type, the days allocated, taken, pending and remaining in a year.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import ServiceContext, Tool, hookimpl

from nexus_hr._keys import LEAVE_READ
from nexus_hr._leave import balances

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("LeaveBalance", "nexus_ai_tools")


class LeaveBalance(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The employee, and the year (this one when omitted)."""

    employee_id: UUID
    year: Annotated[int, msgspec.Meta(ge=1900, le=2200)] | None = None


async def _leave_balance(data: LeaveBalance, ctx: ServiceContext) -> Any:
    year = data.year or dt.datetime.now(dt.UTC).year
    return await balances(ctx.conn, data.employee_id, year)


@hookimpl
def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
    """Offer an employee's leave balance."""
    register(
        Tool(
            name="hr.leave.balance",
            description="An employee's leave balance per leave type in a year: days "
            "allocated, taken, pending and remaining.",
            input=LeaveBalance,
            permission=LEAVE_READ,
            handler=_leave_balance,
        )
    )
