"""Permission keys of Support, as constants."""

from __future__ import annotations

__all__ = (
    "CONFIG_MANAGE",
    "KB_READ",
    "KB_WRITE",
    "REPORTS_READ",
    "SLA_CHECK",
    "TICKETS_READ",
    "TICKETS_WRITE",
)

TICKETS_READ = "support.tickets:read"
"""List and show tickets, their messages, suggestions and SLA; list canned responses."""

TICKETS_WRITE = "support.tickets:write"
"""Open, change, assign, reply to, note, solve and merge tickets."""

CONFIG_MANAGE = "support.config:manage"
"""Teams, queues, working calendars, SLA policies and canned responses (tenant admins)."""

KB_READ = "support.kb:read"
"""Read knowledge-base categories and articles, drafts included."""

KB_WRITE = "support.kb:write"
"""Write and publish knowledge-base categories and articles."""

SLA_CHECK = "support.sla:check"
"""Run the SLA check (an operator's or a scheduler's key)."""

REPORTS_READ = "support.reports:read"
"""SLA and customer-satisfaction reports (tenant admins)."""
