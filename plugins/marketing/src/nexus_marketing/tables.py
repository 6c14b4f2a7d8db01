"""The marketing tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/`` (composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant). The logic modules query with SQL;
these classes give Piccolo (and ``nexus migrate``) the tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, Array, Boolean, Integer, Text, Timestamptz
from piccolo.table import Table

__all__ = (
    "Batch",
    "Campaign",
    "Click",
    "Consent",
    "Contact",
    "List",
    "ListMember",
    "Recipient",
    "Segment",
)


class Contact(TenantOwned, Table, tablename="marketing_contact"):
    """CRM's contact as marketing knows it (kept from ``crm.contact.*``)."""

    email = Text(null=True)
    phone = Text(null=True)
    name = Text()
    tags = Array(base_column=Text())
    time_zone = Text(null=True)
    updated_at = Timestamptz()


class Consent(TenantOwned, Table, tablename="marketing_consent"):
    """A contact's consent for one channel and its proof (double opt-in)."""

    contact_id = UUID()
    channel = Text()
    state = Text()
    source = Text()
    requested_at = Timestamptz()
    requested_ip = Text(null=True)
    confirmed_at = Timestamptz(null=True)
    confirmed_ip = Text(null=True)
    confirmed_agent = Text(null=True)
    changed_at = Timestamptz()
    reason = Text(null=True)


class List(TenantOwned, Table, tablename="marketing_list"):
    """A static list of contacts."""

    name = Text()
    created_at = Timestamptz()


class ListMember(TenantOwned, Table, tablename="marketing_list_member"):
    """A contact on a static list."""

    list_id = UUID()
    contact_id = UUID()
    added_at = Timestamptz()


class Segment(TenantOwned, Table, tablename="marketing_segment"):
    """A saved dynamic filter over the contacts."""

    name = Text()
    tags_all = Array(base_column=Text())
    tags_any = Array(base_column=Text())
    email_domain = Text(null=True)
    list_id = UUID(null=True)
    created_at = Timestamptz()


class Campaign(TenantOwned, Table, tablename="marketing_campaign"):
    """A message to a segment or list on one channel."""

    name = Text()
    channel = Text()
    segment_id = UUID(null=True)
    list_id = UUID(null=True)
    subject = Text(null=True)
    subject_b = Text(null=True)
    text = Text()
    html = Text(null=True)
    status = Text()
    rate_per_minute = Integer()
    local_time = Text(null=True)
    recipients = Integer()
    created_at = Timestamptz()
    started_at = Timestamptz(null=True)


class Batch(TenantOwned, Table, tablename="marketing_batch"):
    """A slice of a campaign's recipients, due at a time the rate allows."""

    campaign_id = UUID()
    number = Integer()
    due_at = Timestamptz()
    sent_at = Timestamptz(null=True)


class Recipient(TenantOwned, Table, tablename="marketing_recipient"):
    """One contact of a campaign: its send, opens, clicks, bounce and unsubscribe."""

    campaign_id = UUID()
    contact_id = UUID()
    batch = Integer()
    variant = Text()
    state = Text()
    delivery_id = UUID(null=True)
    sent_at = Timestamptz(null=True)
    opened_at = Timestamptz(null=True)
    opens = Integer()
    clicked_at = Timestamptz(null=True)
    clicks = Integer()
    bounced = Boolean()
    unsubscribed_at = Timestamptz(null=True)


class Click(TenantOwned, Table, tablename="marketing_click"):
    """One click on a tracked link."""

    recipient_id = UUID()
    url = Text()
    clicked_at = Timestamptz()


class Form(TenantOwned, Table, tablename="marketing_form"):
    """A web form: its submissions become CRM contacts, with consent asked on a channel."""

    name = Text()
    consent_channel = Text(null=True)
    tags = Array(base_column=Text())
    created_at = Timestamptz()


class FormSubmission(TenantOwned, Table, tablename="marketing_form_submission"):
    """One submission of a web form: the contact it made or found, its UTM attribution."""

    form_id = UUID()
    contact_id = UUID()
    utm_source = Text(null=True)
    utm_medium = Text(null=True)
    utm_campaign = Text(null=True)
    utm_term = Text(null=True)
    utm_content = Text(null=True)
    referrer = Text(null=True)
    consent = Boolean()
    client_address = Text(null=True)
    submitted_at = Timestamptz()
