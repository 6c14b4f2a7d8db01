"""Permission and feature keys of HR, as constants."""

from __future__ import annotations

__all__ = (
    "CHECKLISTS",
    "CHECKLISTS_READ",
    "CHECKLISTS_WRITE",
    "CONTRACTS_READ",
    "CONTRACTS_WRITE",
    "DEPARTMENTS_READ",
    "DEPARTMENTS_WRITE",
    "DOCUMENTS",
    "DOCUMENTS_READ",
    "DOCUMENTS_WRITE",
    "EMPLOYEES_READ",
    "EMPLOYEES_WRITE",
    "LEAVE_APPROVE",
    "LEAVE_READ",
    "LEAVE_SELF_READ",
    "LEAVE_SELF_WRITE",
    "LEAVE_WRITE",
    "PERSONAL_READ",
    "PAYROLL_READ",
    "PAYROLL_WRITE",
    "PERSONAL_WRITE",
    "SCHEDULES_READ",
    "SCHEDULES_WRITE",
)

EMPLOYEES_READ = "hr.employees:read"
"""List and show employees (without personal data) and the org chart."""

EMPLOYEES_WRITE = "hr.employees:write"
"""Create, change, terminate, rehire and delete employees."""

DEPARTMENTS_READ = "hr.departments:read"
"""List and show departments and job positions."""

DEPARTMENTS_WRITE = "hr.departments:write"
"""Create, change and delete departments and job positions."""

SCHEDULES_READ = "hr.schedules:read"
"""List and show working schedules."""

SCHEDULES_WRITE = "hr.schedules:write"
"""Create, change and delete working schedules."""

CONTRACTS_READ = "hr.contracts:read"
"""List and show employment contracts (wages included)."""

CONTRACTS_WRITE = "hr.contracts:write"
"""Create and end employment contracts."""

PERSONAL_READ = "hr.personal:read"
"""See personal data: birth date, national id, private contacts, bank account, emergency
contacts; export an employee's data (data-subject access)."""

PERSONAL_WRITE = "hr.personal:write"
"""Change personal data and emergency contacts; erase an employee's personal data."""

DOCUMENTS_READ = "hr.documents:read"
"""List and download employee documents."""

DOCUMENTS_WRITE = "hr.documents:write"
"""Upload and delete employee documents."""

CHECKLISTS_READ = "hr.checklists:read"
"""List onboarding/offboarding templates, checklists and their tasks."""

CHECKLISTS_WRITE = "hr.checklists:write"
"""Create templates, start checklists and complete tasks."""

DOCUMENTS = "hr.documents"
"""Feature: employee documents stored through the files port."""

CHECKLISTS = "hr.checklists"
"""Feature: onboarding and offboarding checklists."""

LEAVE_READ = "hr.leave:read"
"""See every leave request, allocation, accrual rule and balance."""

LEAVE_WRITE = "hr.leave:write"
"""Manage leave types, allocations and accrual rules, run accruals, file requests for anyone."""

LEAVE_APPROVE = "hr.leave:approve"
"""Approve or reject any step of a leave request (HR), cancel approved leave."""

LEAVE_SELF_READ = "hr.leave_self:read"
"""Leave types, public holidays, the team calendar, one's own requests and balances, and the
requests waiting for one as a manager."""

LEAVE_SELF_WRITE = "hr.leave_self:write"
"""Request and cancel one's own leave; approve or reject one's team's as their manager."""
PAYROLL_READ = "hr.payroll:read"
"""List and show pay runs and payslips (their PDFs), and the payroll rule sets."""

PAYROLL_WRITE = "hr.payroll:write"
"""Draft, delete and approve pay runs (approving posts the payroll journal)."""
