"""Per-tenant settings of the projects plugin (filled from the tenant's preset)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from nexus_hookspecs.http import Money

__all__ = ("ProjectsSettings",)

Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
StageName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class ProjectsSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset may set for projects.

    Attributes:
        default_currency: Currency of projects created without one.
        default_hourly_rate: The last rate of the precedence (employee on the project, their
            role on the project, the project's own rate, then this); ``None``: time with no
            rate refuses billing (409 naming the employees).
        default_stages: The stages a new project starts with; the last one is ``done``.
        import_timesheets: Import the lines of Time's approved timesheets that name a
            project (``time.timesheet.approved.v1``).
        post_invoices: Billing runs post the Finance invoice (numbered, booked) instead of
            leaving it a draft.
    """

    default_currency: Currency = "USD"
    default_hourly_rate: Money | None = None
    default_stages: Annotated[list[StageName], msgspec.Meta(min_length=1, max_length=20)] = (
        msgspec.field(default_factory=lambda: ["To do", "In progress", "Done"])
    )
    import_timesheets: bool = True
    post_invoices: bool = False
