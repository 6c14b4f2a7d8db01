"""The events the CRM publishes, with the payloads the contracts fix (docs: README.md)."""

from __future__ import annotations

from typing import Any

__all__ = (
    "COMPANY_CREATED",
    "COMPANY_UPDATED",
    "CONTACT_CREATED",
    "CONTACT_UPDATED",
    "DEAL_CREATED",
    "DEAL_UPDATED",
    "DEAL_WON",
    "EVENT_TYPES",
    "company_payload",
    "contact_payload",
)

COMPANY_CREATED = "crm.company.created.v1"
COMPANY_UPDATED = "crm.company.updated.v1"
CONTACT_CREATED = "crm.contact.created.v1"
CONTACT_UPDATED = "crm.contact.updated.v1"
DEAL_CREATED = "crm.deal.created.v1"
DEAL_UPDATED = "crm.deal.updated.v1"
DEAL_WON = "crm.deal.won.v1"

EVENT_TYPES = (
    COMPANY_CREATED,
    COMPANY_UPDATED,
    CONTACT_CREATED,
    CONTACT_UPDATED,
    DEAL_CREATED,
    DEAL_UPDATED,
    DEAL_WON,
)


def company_payload(company: Any) -> dict[str, Any]:
    """``crm.company.*.v1`` data: ``{id, name, domain, email, phone, country}``."""
    return {
        "id": str(company.id),
        "name": company.name,
        "domain": company.domain,
        "email": company.email,
        "phone": company.phone,
        "country": company.country,
    }


def contact_payload(contact: Any) -> dict[str, Any]:
    """``crm.contact.*.v1`` data: ``{id, first_name, last_name, email, phone, company_id}``."""
    return {
        "id": str(contact.id),
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": contact.phone,
        "company_id": str(contact.company_id) if contact.company_id else None,
    }
