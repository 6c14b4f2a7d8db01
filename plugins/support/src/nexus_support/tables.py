"""The support tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/`` (composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant; the knowledge base's ``search``
column is a generated ``tsvector`` with a GIN index). The logic modules query with SQL;
these classes give Piccolo (and ``nexus migrate``) the tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import (
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Date,
    Integer,
    SmallInt,
    Text,
    Time,
    Timestamptz,
)
from piccolo.table import Table

__all__ = (
    "Calendar",
    "Canned",
    "Contact",
    "Csat",
    "KbArticle",
    "KbCategory",
    "Message",
    "Pause",
    "Queue",
    "SlaPolicy",
    "State",
    "Team",
    "Ticket",
)


class State(TenantOwned, Table, tablename="support_state"):
    """One row per tenant: the CSAT signing secret and the next ticket number."""

    secret = Bytea()
    next_number = BigInt(default=1)


class Calendar(TenantOwned, Table, tablename="support_calendar"):
    """Working hours: weekdays, local opening hours, zone, holidays and closed days."""

    name = Text()
    time_zone = Text()
    weekdays = Array(base_column=SmallInt())
    opens = Time()
    closes = Time()
    country = Text(null=True)
    subdivision = Text(null=True)
    closed_days = Array(base_column=Date())
    is_default = Boolean(default=False)
    created_at = Timestamptz()


class Team(TenantOwned, Table, tablename="support_team"):
    """Agents (user ids) and how new tickets are assigned among them."""

    name = Text()
    assignment = Text()
    members = Array(base_column=UUID())
    next_member = Integer(default=0)
    created_at = Timestamptz()


class Queue(TenantOwned, Table, tablename="support_queue"):
    """Where tickets land, worked by a team."""

    name = Text()
    team_id = UUID(null=True)
    created_at = Timestamptz()


class Contact(TenantOwned, Table, tablename="support_contact"):
    """A mirror of CRM's contacts by email (from CRM's contact events)."""

    email = Text()
    name = Text()
    updated_at = Timestamptz()


class SlaPolicy(TenantOwned, Table, tablename="support_sla_policy"):
    """First-response and resolution targets in business minutes for a priority and tier."""

    name = Text()
    priority = Text()
    tier = Text(null=True)
    first_response_minutes = Integer()
    resolution_minutes = Integer()
    warning_percent = Integer(default=80)
    calendar_id = UUID(null=True)
    created_at = Timestamptz()


class Ticket(TenantOwned, Table, tablename="support_ticket"):
    """A support request and its state."""

    number = BigInt()
    subject = Text()
    status = Text()
    priority = Text()
    tier = Text()
    channel = Text()
    requester_email = Text(null=True)
    requester_name = Text(null=True)
    contact_ref = UUID(null=True)
    team_id = UUID(null=True)
    queue_id = UUID(null=True)
    assignee = UUID(null=True)
    tags = Array(base_column=Text())
    sla_policy_id = UUID(null=True)
    sla_flags = Array(base_column=Text())
    merged_into = UUID(null=True)
    first_responded_at = Timestamptz(null=True)
    solved_at = Timestamptz(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Pause(TenantOwned, Table, tablename="support_pause"):
    """A span a ticket waited on its customer (its SLA clocks stopped)."""

    ticket_id = UUID()
    started_at = Timestamptz()
    ended_at = Timestamptz(null=True)


class Message(TenantOwned, Table, tablename="support_message"):
    """A public reply, an internal note or a customer's message on a ticket."""

    ticket_id = UUID()
    kind = Text()
    author = Text(null=True)
    body = Text()
    rfc_message_id = Text(null=True)
    delivery = Text(null=True)
    created_at = Timestamptz()


class Canned(TenantOwned, Table, tablename="support_canned"):
    """A canned response: a reusable reply with placeholders."""

    title = Text()
    body = Text()
    created_at = Timestamptz()


class KbCategory(TenantOwned, Table, tablename="support_kb_category"):
    """A knowledge-base category."""

    name = Text()
    created_at = Timestamptz()


class KbArticle(TenantOwned, Table, tablename="support_kb_article"):
    """A knowledge-base article, draft or published."""

    category_id = UUID(null=True)
    title = Text()
    body = Text()
    status = Text()
    language = Text()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Csat(TenantOwned, Table, tablename="support_csat"):
    """A customer's one satisfaction answer on a solved ticket."""

    ticket_id = UUID()
    rating = SmallInt()
    comment = Text(null=True)
    answered_at = Timestamptz()
