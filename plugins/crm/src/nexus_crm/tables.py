"""The CRM's tenant-owned Piccolo tables.

The migration in ``migrations/`` creates them with what Piccolo cannot express: composite
foreign keys that include ``tenant_id`` (a row can only point at rows of its own tenant),
generated ``tsvector`` columns with GIN indexes for full-text search, and check constraints.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, Boolean, Date, Integer, Numeric, Text, Timestamptz
from piccolo.table import Table

__all__ = (
    "Activity",
    "Company",
    "CompanyTag",
    "Contact",
    "ContactTag",
    "Deal",
    "DealLine",
    "DealStageChange",
    "Pipeline",
    "Stage",
    "Tag",
)


class Company(TenantOwned, Table, tablename="crm_company"):
    """An organisation the tenant does business with."""

    name = Text()
    domain = Text(null=True)
    email = Text(null=True)
    phone = Text(null=True)
    country = Text(null=True)
    city = Text(null=True)
    website = Text(null=True)
    notes = Text(default="")
    owner = Text(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Contact(TenantOwned, Table, tablename="crm_contact"):
    """A person, optionally working for a company."""

    first_name = Text(default="")
    last_name = Text()
    email = Text(null=True)
    phone = Text(null=True)
    job_title = Text(null=True)
    company_id = UUID(null=True, default=None)
    notes = Text(default="")
    owner = Text(null=True)
    lifecycle_stage = Text(null=True)
    utm_source = Text(null=True)
    utm_medium = Text(null=True)
    utm_campaign = Text(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Pipeline(TenantOwned, Table, tablename="crm_pipeline"):
    """A sales process: an ordered list of stages."""

    name = Text()
    is_default = Boolean(default=False)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Stage(TenantOwned, Table, tablename="crm_stage"):
    """One step of a pipeline."""

    pipeline_id = UUID()
    name = Text()
    position = Integer()
    probability = Integer(default=0)
    created_at = Timestamptz()


class Deal(TenantOwned, Table, tablename="crm_deal"):
    """An opportunity: an amount of money expected from a company or contact."""

    title = Text()
    amount = Numeric()
    currency = Text()
    expected_close = Date(null=True, default=None)
    owner = Text(null=True)
    pipeline_id = UUID()
    stage_id = UUID()
    status = Text(default="open")
    lost_reason = Text(null=True)
    company_id = UUID(null=True, default=None)
    contact_id = UUID(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class DealLine(TenantOwned, Table, tablename="crm_deal_line"):
    """A product or service line of a deal."""

    deal_id = UUID()
    position = Integer()
    description = Text()
    quantity = Numeric()
    unit_price = Numeric()
    product_id = UUID(null=True, default=None)
    sku = Text(null=True)


class DealStageChange(TenantOwned, Table, tablename="crm_deal_stage_history"):
    """One move of a deal between stages, or a change of its status."""

    deal_id = UUID()
    from_stage_id = UUID(null=True, default=None)
    from_stage = Text(null=True)
    to_stage_id = UUID()
    to_stage = Text()
    status = Text()
    actor = Text(null=True)
    changed_at = Timestamptz()


class Activity(TenantOwned, Table, tablename="crm_activity"):
    """A call, meeting, note or task, linked to a contact, company and/or deal."""

    kind = Text()
    subject = Text()
    note = Text(default="")
    due_date = Date(null=True, default=None)
    done = Boolean(default=False)
    done_at = Timestamptz(null=True, default=None)
    owner = Text(null=True)
    contact_id = UUID(null=True, default=None)
    company_id = UUID(null=True, default=None)
    deal_id = UUID(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Tag(TenantOwned, Table, tablename="crm_tag"):
    """A label for contacts and companies (unique per tenant, case-insensitively)."""

    name = Text()
    color = Text(null=True)
    created_at = Timestamptz()


class ContactTag(TenantOwned, Table, tablename="crm_contact_tag"):
    """A tag on a contact."""

    contact_id = UUID()
    tag_id = UUID()


class CompanyTag(TenantOwned, Table, tablename="crm_company_tag"):
    """A tag on a company."""

    company_id = UUID()
    tag_id = UUID()
