"""``/sla/check`` (for an operator or a scheduler) and ``/reports``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from nexus_hookspecs.http import Db, Events, invalid, route_opt

from nexus_support._examples import body
from nexus_support._fields import Instant, Since, Until
from nexus_support._keys import REPORTS_READ, SLA_CHECK
from nexus_support._reports import CsatReport, SlaLine, csat_report, sla_report
from nexus_support._sla_check import CheckResult, check

__all__ = ("ReportController", "SlaController")


_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 1, 1, tzinfo=UTC)


class CheckIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The instant to check at (default: now); a replay or a test gives one."""

    at: datetime | None = None


def _aware(value: datetime | None, field: str, default: datetime) -> datetime:
    if value is None:
        return default
    if value.tzinfo is None:
        invalid(field, "give a time zone offset", source="query")
    return value


class SlaController(Controller):
    """The SLA check."""

    path = "/sla"
    tags = ["support: SLA"]

    @post("/check", status_code=200, opt=route_opt(permission=SLA_CHECK))
    async def run_check(
        self, db: Db, events: Events, data: Annotated[CheckIn, body("POST /sla/check", "Now")]
    ) -> CheckResult:
        """Measure every open ticket and publish the SLA warnings and breaches now due.

        ``support.sla.warning.v1`` and ``support.sla.breached.v1`` for clocks that reached
        their policy's warning share or target, each once per ticket and clock. Call it
        every few minutes.
        """
        if data.at is not None and data.at.tzinfo is None:
            invalid("at", "give a time zone offset")
        async with db.transaction() as conn:
            now = data.at or await conn.fetchval("select now()")
            return await check(conn, events, now=now)


class ReportController(Controller):
    """Reports."""

    path = "/reports"
    tags = ["support: reports"]
    opt = route_opt(permission=REPORTS_READ)

    @get("/sla")
    async def report_sla(
        self,
        db: Db,
        since: Since = None,
        until: Until = None,
        at: Instant = None,
    ) -> list[SlaLine]:
        """Targets met, breached and running per SLA policy and priority.

        Over the tickets opened from ``since`` to ``until``, with average business minutes,
        measured ``at`` an instant (default now).
        """
        async with db.transaction() as conn:
            now = _aware(at, "at", await conn.fetchval("select now()"))
            return await sla_report(
                conn,
                since=_aware(since, "since", _EARLIEST),
                until=_aware(until, "until", _LATEST),
                now=now,
            )

    @get("/csat")
    async def report_csat(
        self,
        db: Db,
        since: Since = None,
        until: Until = None,
    ) -> CsatReport:
        """Satisfaction answered from ``since`` to ``until``.

        The average, the share satisfied (4 or 5) and the answers per rating.
        """
        async with db.transaction() as conn:
            return await csat_report(
                conn, since=_aware(since, "since", _EARLIEST), until=_aware(until, "until", _LATEST)
            )
