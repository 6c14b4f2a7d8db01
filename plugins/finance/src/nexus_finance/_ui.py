"""Finance's screens in the workspace (``nexus_ui``): invoices with lines, totals and posting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_hookspecs import (
    UiAction,
    UiCalendar,
    UiCard,
    UiLines,
    UiResource,
    UiSection,
    hookimpl,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("nexus_ui",)

_INVOICES = "/api/v1/finance/invoices"


@hookimpl
def nexus_ui(register: Callable[[UiResource | UiCard], None]) -> None:
    """Invoices (lines, totals, actions, calendar), partners, and a profit-and-loss card."""
    register(
        UiResource(
            path=_INVOICES,
            label="Invoices",
            columns=("number", "kind", "state", "date", "total", "currency"),
            sections=(
                UiSection(title="Document", fields=("kind", "direction", "date", "due_date")),
                UiSection(
                    title="Partner", fields=("partner_id", "partner_name", "reference", "currency")
                ),
                UiSection(title="Notes", fields=("notes", "default_taxes")),
            ),
            lines=UiLines(
                field="lines",
                columns=("description", "quantity", "unit_price", "discount_percent", "sku"),
                totals=("untaxed_total", "tax_total", "total", "residual"),
            ),
            calendar=UiCalendar(date_field="due_date", title_field="number"),
            actions=(
                UiAction(
                    label="Post",
                    path=f"{_INVOICES}/{{invoice_id}}/post",
                    confirm="Post this draft? A posted invoice is numbered and cannot change.",
                ),
                UiAction(
                    label="Cancel draft",
                    path=f"{_INVOICES}/{{invoice_id}}/cancel",
                    confirm="Cancel this draft?",
                ),
            ),
        )
    )
    register(
        UiResource(
            path="/api/v1/finance/partners", label="Partners", columns=("name", "kind", "email")
        )
    )
    register(
        UiCard(
            label="Profit and loss",
            path="/api/v1/finance/reports/profit-and-loss",
            value="totals",
        )
    )
