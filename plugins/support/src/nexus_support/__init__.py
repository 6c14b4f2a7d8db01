"""Nexus Support: a helpdesk with tickets, SLAs in business hours, a knowledge base and CSAT.

The hook implementations, and nothing else. Tickets come from the API, a public form and
inbound email (Mail's ``mail.message.received.v1``); requesters are linked to CRM contacts
through a mirror CRM's contact events keep. See README.md for the routes, permissions,
settings and events.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Background, Feature, Manifest, Permission, hookimpl, new_id

from nexus_support._ai_tools import nexus_ai_tools
from nexus_support._events import (
    CONTACT_CREATED,
    CONTACT_UPDATED,
    CSAT_ANSWERED,
    MAIL_RECEIVED,
    SLA_BREACHED,
    SLA_WARNING,
    TICKET_ASSIGNED,
    TICKET_CREATED,
    TICKET_REPLIED,
    TICKET_SOLVED,
)
from nexus_support._examples import EXAMPLES
from nexus_support._handlers import contact_changed, mail_received
from nexus_support._keys import (
    CONFIG_MANAGE,
    KB_READ,
    KB_WRITE,
    REPORTS_READ,
    SLA_CHECK,
    TICKETS_READ,
    TICKETS_WRITE,
)
from nexus_support._routes_config import (
    CalendarController,
    CannedController,
    PolicyController,
    QueueController,
    TeamController,
)
from nexus_support._routes_conversation import ConversationController
from nexus_support._routes_kb import ArticleController, CategoryController
from nexus_support._routes_public import PublicController
from nexus_support._routes_sla import ReportController, SlaController
from nexus_support._routes_tickets import TicketController
from nexus_support._settings import SupportSettings
from nexus_support._sweep import SWEEPER

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Connection, TenantRef

__all__ = (
    "SupportSettings",
    "nexus_ai_tools",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_tenant_enable",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "support_state",
    "support_calendar",
    "support_team",
    "support_queue",
    "support_contact",
    "support_sla_policy",
    "support_ticket",
    "support_pause",
    "support_message",
    "support_canned",
    "support_kb_category",
    "support_kb_article",
    "support_csat",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="support",
        version="0.1.0",
        title="Support",
        summary=(
            "A helpdesk: tickets from the API, a public form and email; teams, queues and "
            "assignment rules; SLAs in business hours; a knowledge base; satisfaction surveys."
        ),
        hookspecs=">=0.1.5,<0.2",
        features=(
            Feature(
                key="kb",
                title="Knowledge base",
                description="Articles with categories, searchable, published to customers.",
            ),
            Feature(
                key="csat",
                title="Satisfaction surveys",
                description="A signed survey link per solved ticket; one answer each.",
            ),
        ),
        permissions=(
            Permission(key=TICKETS_READ, description="See tickets and their SLA.", roles=_MEMBERS),
            Permission(
                key=TICKETS_WRITE,
                description="Open, assign, reply to, note, solve and merge tickets.",
                roles=_MEMBERS,
            ),
            Permission(
                key=CONFIG_MANAGE,
                description="Teams, queues, working calendars, SLA policies, canned responses.",
            ),
            Permission(key=KB_READ, description="Read the knowledge base.", roles=_MEMBERS),
            Permission(key=KB_WRITE, description="Write and publish knowledge-base articles."),
            Permission(key=SLA_CHECK, description="Run the SLA check (a scheduler's key)."),
            Permission(key=REPORTS_READ, description="SLA and satisfaction reports."),
        ),
        settings=SupportSettings,
        profile_settings={"time_zone": "timezone", "country": "country"},
        events=(
            TICKET_CREATED,
            TICKET_ASSIGNED,
            TICKET_REPLIED,
            TICKET_SOLVED,
            SLA_BREACHED,
            SLA_WARNING,
            CSAT_ANSWERED,
        ),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the support routes under ``/api/v1/support/``."""
    for controller in (
        TicketController,
        ConversationController,
        TeamController,
        QueueController,
        CalendarController,
        PolicyController,
        CannedController,
        CategoryController,
        ArticleController,
        SlaController,
        ReportController,
        PublicController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The support tables and migrations."""
    return "nexus_support.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Mirror CRM's contacts; open tickets from Mail's inbound messages."""
    register(CONTACT_CREATED, contact_changed)
    register(CONTACT_UPDATED, contact_changed)
    register(MAIL_RECEIVED, mail_received)


"""The process's SLA sweep (``_sweep``): started with the app, stopped with it."""


@hookimpl
def nexus_background(work: Background) -> None:
    """Start the SLA sweep over every tenant with Support on."""
    SWEEPER.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop the SLA sweep."""
    await SWEEPER.stop()


@hookimpl
async def nexus_tenant_enable(tenant: TenantRef, settings: Any, conn: Connection) -> None:
    """Make the tenant's signing secret, ticket counter and default calendar.

    The calendar is open Monday to Friday, 09:00–17:00 in the tenant's zone, and closed on
    its country's public holidays.
    """
    del tenant  # row-level security on ``conn`` already names the tenant
    chosen: SupportSettings = settings or SupportSettings()
    await conn.execute(
        "insert into support_state (id, secret) values ($1, $2) on conflict do nothing",
        new_id(),
        secrets.token_bytes(32),
    )
    if not await conn.fetchval("select exists (select 1 from support_calendar)"):
        await conn.execute(
            "insert into support_calendar (id, name, time_zone, weekdays, opens, closes, "
            "country, subdivision, is_default) values ($1, 'Business hours', $2, "
            "'{0,1,2,3,4}', '09:00', '17:00', $3, $4, true)",
            new_id(),
            chosen.time_zone,
            chosen.country,
            chosen.subdivision,
        )
