"""Nexus CRM: companies, contacts, pipelines, deals, activities and tags.

Routes live under ``/api/v1/crm/``; see ``README.md`` beside this package for the routes,
events, features, permissions and settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Feature, Manifest, Permission, Service, hookimpl

from nexus_crm._ai_tools import nexus_ai_tools  # noqa: F401 - the hookimpl
from nexus_crm._events import EVENT_TYPES
from nexus_crm._examples import EXAMPLES
from nexus_crm._keys import (
    ACTIVITIES_READ,
    ACTIVITIES_WRITE,
    CONTACTS_IMPORT,
    CONTACTS_READ,
    CONTACTS_WRITE,
    DEALS_READ,
    DEALS_WRITE,
    PIPELINES_READ,
    PIPELINES_WRITE,
)
from nexus_crm._pipelines import seed_default_pipeline
from nexus_crm._routes_activities import ActivityController
from nexus_crm._routes_companies import CompanyController
from nexus_crm._routes_contacts import ContactController
from nexus_crm._routes_contacts_csv import ContactTransferController
from nexus_crm._routes_deals import DealController
from nexus_crm._routes_pipelines import PipelineController
from nexus_crm._routes_search import SearchController
from nexus_crm._routes_tags import TagController
from nexus_crm._services import SERVICES
from nexus_crm._services_delete import DELETE
from nexus_crm._settings import CrmSettings
from nexus_crm._ui import nexus_ui as nexus_ui  # the workspace's screens
from nexus_crm.piccolo_app import TABLES

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Connection, TenantRef

__all__ = (
    "CrmSettings",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_services",
    "nexus_tenant_enable",
)

_MEMBERS = ("tenant_admin", "member")


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the CRM: features, permissions, settings, events and tables."""
    return Manifest(
        name="crm",
        version="0.1.0",
        title="CRM",
        summary="Companies, contacts, pipelines, deals and activities.",
        hookspecs=">=0.1.6,<0.2",
        features=(
            Feature(
                key="deals",
                title="Deals and pipelines",
                description="Pipelines with ordered stages and the deals moving through them.",
            ),
            Feature(
                key="activities",
                title="Activities",
                description="Calls, meetings, notes and tasks with due dates.",
            ),
            Feature(
                key="import",
                title="CSV import",
                description="Import contacts from CSV files with a per-row error report.",
            ),
        ),
        permissions=(
            Permission(
                key=CONTACTS_READ,
                description="List, show, search and export (CSV) contacts, companies and tags.",
                roles=_MEMBERS,
            ),
            Permission(
                key=CONTACTS_WRITE,
                description="Create, change and delete contacts, companies and tags.",
                roles=_MEMBERS,
            ),
            Permission(
                key=CONTACTS_IMPORT, description="Import contacts from CSV.", roles=_MEMBERS
            ),
            Permission(
                key=DEALS_READ,
                description="List and show deals, their stage history and pipeline summaries.",
                roles=_MEMBERS,
            ),
            Permission(
                key=DEALS_WRITE,
                description="Create, change, move, win, lose and delete deals.",
                roles=_MEMBERS,
            ),
            Permission(
                key=PIPELINES_READ,
                description="List and show pipelines and their stages.",
                roles=_MEMBERS,
            ),
            Permission(
                key=PIPELINES_WRITE,
                description="Create, change and delete pipelines and their stages.",
            ),
            Permission(
                key=ACTIVITIES_READ, description="List and show activities.", roles=_MEMBERS
            ),
            Permission(
                key=ACTIVITIES_WRITE,
                description="Create, change and delete activities.",
                roles=_MEMBERS,
            ),
        ),
        settings=CrmSettings,
        profile_settings={"default_currency": "currency", "default_country": "country"},
        events=EVENT_TYPES,
        tenant_tables=tuple(table._meta.tablename for table in TABLES),
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the CRM's controllers under ``/api/v1/crm/``."""
    for controller in (
        CompanyController,
        ContactController,
        ContactTransferController,
        TagController,
        SearchController,
        PipelineController,
        DealController,
        ActivityController,
    ):
        register(controller)


@hookimpl
def nexus_services(register: Callable[[Service], None]) -> None:
    """Contacts for other plugins, in the caller's transaction.

    ``crm.contacts.save`` and ``crm.contacts.changed`` serve connectors and web forms,
    ``crm.contacts.delete`` connectors, ``crm.contacts.list`` and ``crm.contacts.upsert``
    CardDAV.
    """
    for service in (*SERVICES, DELETE):
        register(service)


@hookimpl
def nexus_piccolo_app() -> str:
    """The ``crm`` Piccolo app (tables and migrations)."""
    return "nexus_crm.piccolo_app"


@hookimpl
async def nexus_tenant_enable(tenant: TenantRef, settings: Any, conn: Connection) -> None:
    """Seed the default pipeline from the preset's settings (kept if it already exists)."""
    del tenant  # row-level security on ``conn`` already names the tenant
    await seed_default_pipeline(conn, settings or CrmSettings())
