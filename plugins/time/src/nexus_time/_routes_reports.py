"""``/reports``: attendance, overtime and absences; JSON, or CSV with ``?format=csv``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Response, get
from litestar.params import QueryParameter
from nexus_hookspecs.http import (
    Db,
    TenantSettings,
    content_disposition,
    file_operation,
    route_opt,
)

from nexus_time import _reports
from nexus_time._keys import REPORTS_READ
from nexus_time._settings import TimeSettings

__all__ = ("ReportController",)

_READ = route_opt(permission=REPORTS_READ)

Format = Annotated[
    Literal["json", "csv"] | None, QueryParameter(description="`csv` for CSV; JSON by default.")
]
DateFrom = Annotated[date, QueryParameter(description="First day (the employees' local days).")]
DateTo = Annotated[date, QueryParameter(description="Last day (at most 366 days in all).")]
EmployeeFilter = Annotated[UUID | None, QueryParameter(description="Only this employee.")]
TeamFilter = Annotated[
    UUID | None, QueryParameter(description="Only this team (HR's department id).")
]


_REPORT_OPERATION = file_operation("text/csv", keep_json=True, description="The rows as CSV.")


def _answer(report: _reports.Report, fmt: str | None) -> Response[Any]:
    if fmt == "csv":
        return Response(
            _reports.to_csv(report),
            media_type="text/csv",
            headers={
                "Content-Disposition": content_disposition(
                    f"time_{report.report}_{report.date_from}_{report.date_to}.csv"
                )
            },
        )
    return Response(report)


class ReportController(Controller):
    """Time reports per employee or team and period."""

    path = "/reports"
    tags = ["time: reports"]

    @get("/attendance", summary="Attendance report", operation_class=_REPORT_OPERATION, opt=_READ)
    async def attendance(
        self,
        db: Db,
        settings: TenantSettings[TimeSettings],
        date_from: DateFrom,
        date_to: DateTo,
        employee_id: EmployeeFilter = None,
        department_id: TeamFilter = None,
        format: Format = None,
    ) -> Response[Any]:
        """Per employee: presence, hours, overtime, lateness, leave days.

        Also the records still open (clocked in, not out) in the period.
        """
        async with db.transaction() as conn:
            report = await _reports.attendance_report(
                conn,
                settings,
                date_from=date_from,
                date_to=date_to,
                employee_id=employee_id,
                department_id=department_id,
            )
        return _answer(report, format)

    @get("/overtime", summary="Overtime report", operation_class=_REPORT_OPERATION, opt=_READ)
    async def overtime(
        self,
        db: Db,
        settings: TenantSettings[TimeSettings],
        date_from: DateFrom,
        date_to: DateTo,
        employee_id: EmployeeFilter = None,
        department_id: TeamFilter = None,
        format: Format = None,
    ) -> Response[Any]:
        """Per employee and week: hours, overtime and the thresholds applied.

        Weeks start on Monday (the employee's zone) and are cut to the period.
        """
        async with db.transaction() as conn:
            report = await _reports.overtime_report(
                conn,
                settings,
                date_from=date_from,
                date_to=date_to,
                employee_id=employee_id,
                department_id=department_id,
            )
        return _answer(report, format)

    @get("/absences", summary="Absence report", operation_class=_REPORT_OPERATION, opt=_READ)
    async def absences(
        self,
        db: Db,
        date_from: DateFrom,
        date_to: DateTo,
        employee_id: EmployeeFilter = None,
        department_id: TeamFilter = None,
        format: Format = None,
    ) -> Response[Any]:
        """Days away per employee: approved leave and unexplained absences.

        Leave comes from HR's events; a rostered day without a clock-in is ``unexplained``.
        """
        async with db.transaction() as conn:
            report = await _reports.absence_report(
                conn,
                date_from=date_from,
                date_to=date_to,
                employee_id=employee_id,
                department_id=department_id,
            )
        return _answer(report, format)
