"""The CRM's screens in the workspace (``nexus_ui``): contacts, companies, the deal board."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_hookspecs import (
    UiAction,
    UiCalendar,
    UiCard,
    UiKanban,
    UiLane,
    UiLines,
    UiResource,
    UiSection,
    hookimpl,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("nexus_ui",)

_DEALS = "/api/v1/crm/deals"


@hookimpl
def nexus_ui(register: Callable[[UiResource | UiCard], None]) -> None:
    """Contacts, companies, deals (a kanban), activities (a calendar); two dashboard cards.

    The cards: the open deals, and the activities to do next.
    """
    register(
        UiResource(
            path="/api/v1/crm/contacts",
            label="Contacts",
            columns=("last_name", "first_name", "email", "phone", "job_title"),
            sections=(
                UiSection(title="Person", fields=("first_name", "last_name", "job_title")),
                UiSection(title="Reach", fields=("email", "phone", "company_id")),
                UiSection(title="More", fields=("owner", "notes", "tag_ids")),
            ),
        )
    )
    register(
        UiResource(path="/api/v1/crm/companies", label="Companies", columns=("name", "domain"))
    )
    register(
        UiResource(
            path="/api/v1/crm/activities",
            label="Activities",
            columns=("subject", "kind", "due_date", "done", "overdue"),
            calendar=UiCalendar(date_field="due_date", title_field="subject"),
        )
    )
    register(
        UiResource(
            path=_DEALS,
            label="Deals",
            columns=("title", "stage", "status", "amount", "currency"),
            lines=UiLines(
                field="lines",
                columns=("description", "quantity", "unit_price"),
                totals=("amount",),
            ),
            kanban=UiKanban(
                stage_field="stage_id",
                move=f"{_DEALS}/{{deal_id}}/move",
                move_field="stage_id",
                title_field="title",
                stages_path="/api/v1/crm/pipelines",
                stages_key="items.0.stages",
                open_field="status",
                open_value="open",
                lanes=(
                    UiLane(
                        label="Won", field="status", value="won", action=f"{_DEALS}/{{deal_id}}/win"
                    ),
                    UiLane(
                        label="Lost",
                        field="status",
                        value="lost",
                        action=f"{_DEALS}/{{deal_id}}/lose",
                    ),
                ),
            ),
            actions=(
                UiAction(
                    label="Mark won",
                    path=f"{_DEALS}/{{deal_id}}/win",
                    confirm="Mark this deal won?",
                ),
                UiAction(label="Reopen", path=f"{_DEALS}/{{deal_id}}/reopen"),
            ),
        )
    )
    register(UiCard(label="Open deals", path=f"{_DEALS}?status=open&limit=5", value="items"))
    register(
        UiCard(
            label="Activities to do",
            path="/api/v1/crm/activities?done=false&sort=due_date&limit=5",
            value="items",
        )
    )
