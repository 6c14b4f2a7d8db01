"""Permission keys of Projects, as constants."""

from __future__ import annotations

__all__ = (
    "BILLING_READ",
    "BILLING_WRITE",
    "PROJECTS_READ",
    "PROJECTS_WRITE",
    "TASKS_READ",
    "TASKS_WRITE",
    "TIME_APPROVE",
    "TIME_READ",
    "TIME_WRITE",
)

PROJECTS_READ = "projects.projects:read"
"""List and show projects, stages, members, rates, the Gantt and the dashboard."""

PROJECTS_WRITE = "projects.projects:write"
"""Create and change projects, their stages, members and rates."""

TASKS_READ = "projects.tasks:read"
"""List and show tasks, dependencies, checklists, comments and attachments."""

TASKS_WRITE = "projects.tasks:write"
"""Create, change and move tasks; dependencies, checklists, comments, attachments, followers."""

TIME_READ = "projects.time:read"
"""List time entries."""

TIME_WRITE = "projects.time:write"
"""Enter and delete draft time entries."""

TIME_APPROVE = "projects.time:approve"
"""Approve time entries (tenant admins by default)."""

BILLING_READ = "projects.billing:read"
"""List milestones and billing runs."""

BILLING_WRITE = "projects.billing:write"
"""Create and reach milestones; run billing (drafts Finance invoices)."""
