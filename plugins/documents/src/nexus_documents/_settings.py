"""Per-tenant settings of Documents (filled from the preset)."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ("DocumentsSettings",)

Folder = Annotated[str, msgspec.Meta(pattern=r"^[^/\x00-\x1f]+(/[^/\x00-\x1f]+)*$", max_length=500)]


class DocumentsSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Documents.

    Attributes:
        invoice_folder: The folder of the tenant's "Documents" shared drive that Finance's
            rendered invoices are filed into.
        payslip_folder: The folder HR's rendered payslips are filed into.
        notify_category: The Notification category approval requests are sent under (when
            Notification is on); users set their channel preferences per category.
    """

    invoice_folder: Folder = "Finance/Invoices"
    payslip_folder: Folder = "HR/Payslips"
    notify_category: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] = (
        "documents.approvals"
    )
