"""The CRM's permission and feature keys."""

from __future__ import annotations

__all__ = (
    "ACTIVITIES_FEATURE",
    "ACTIVITIES_READ",
    "ACTIVITIES_WRITE",
    "CONTACTS_IMPORT",
    "CONTACTS_READ",
    "CONTACTS_WRITE",
    "DEALS_FEATURE",
    "DEALS_READ",
    "DEALS_WRITE",
    "IMPORT_FEATURE",
    "PIPELINES_READ",
    "PIPELINES_WRITE",
)

CONTACTS_READ = "crm.contacts:read"
"""List, show, search and export contacts, companies and tags."""
CONTACTS_WRITE = "crm.contacts:write"
CONTACTS_IMPORT = "crm.contacts:import"
DEALS_READ = "crm.deals:read"
"""List and show deals, their stage history and the pipelines' summaries."""
DEALS_WRITE = "crm.deals:write"
PIPELINES_READ = "crm.pipelines:read"
"""List and show pipelines and their stages."""
PIPELINES_WRITE = "crm.pipelines:write"
ACTIVITIES_READ = "crm.activities:read"
"""List and show activities."""
ACTIVITIES_WRITE = "crm.activities:write"

DEALS_FEATURE = "crm.deals"
ACTIVITIES_FEATURE = "crm.activities"
IMPORT_FEATURE = "crm.import"
