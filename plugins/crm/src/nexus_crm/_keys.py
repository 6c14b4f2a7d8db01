"""The CRM's permission and feature keys."""

from __future__ import annotations

__all__ = (
    "ACTIVITIES_FEATURE",
    "ACTIVITIES_WRITE",
    "CONTACTS_IMPORT",
    "CONTACTS_WRITE",
    "DEALS_FEATURE",
    "DEALS_WRITE",
    "IMPORT_FEATURE",
    "PIPELINES_WRITE",
)

CONTACTS_WRITE = "crm.contacts:write"
CONTACTS_IMPORT = "crm.contacts:import"
DEALS_WRITE = "crm.deals:write"
PIPELINES_WRITE = "crm.pipelines:write"
ACTIVITIES_WRITE = "crm.activities:write"

DEALS_FEATURE = "crm.deals"
ACTIVITIES_FEATURE = "crm.activities"
IMPORT_FEATURE = "crm.import"
