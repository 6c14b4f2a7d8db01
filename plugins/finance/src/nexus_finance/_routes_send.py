"""The route that emails a posted invoice with its PDF (through Notification)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, post
from litestar.params import FromPath, HeaderParameter
from nexus_hookspecs.http import Db, Events, Services, TenantBlobs, route_opt

from nexus_finance._examples import body
from nexus_finance._invoice_mail import InvoiceSendIn, InvoiceSendOut, send_invoice
from nexus_finance._keys import INVOICES_WRITE

__all__ = ("InvoiceSendController",)

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        description="The request's key: a retry with it sends nothing again.",
        max_length=200,
        required=False,
    ),
]


class InvoiceSendController(Controller):
    """Emailing posted invoices."""

    path = "/invoices"
    tags = ["finance: invoices"]

    @post(
        "/{invoice_id:uuid}/send",
        summary="Email a posted invoice with its PDF",
        opt=route_opt(permission=INVOICES_WRITE),
        status_code=200,
    )
    async def send_invoice(
        self,
        db: Db,
        events: Events,
        services: Services,
        blobs: TenantBlobs,
        invoice_id: FromPath[UUID],
        data: Annotated[
            InvoiceSendIn, body("POST /invoices/{invoice_id}/send", "To the customer's accounts")
        ],
        idempotency_key: IdempotencyKey = None,
    ) -> InvoiceSendOut:
        """Email the invoice (or credit note) with its PDF through Notification's ``notify.send``.

        Sent to ``to``, else the customer's email, from the tenant's Notification template
        ``finance.invoice`` (a built-in text when there is none). The invoice keeps
        ``sent_at`` and ``sent_to``; ``finance.invoice.sent.v1`` follows. The deliveries are
        ``queued``: Notification sends after the commit (its message shows the outcome).
        The same ``Idempotency-Key`` sends nothing again.

        Answers 404 for another tenant's invoice, 409 for a draft, a cancelled document or
        a bill, and when Notifications is off (``blocking: ["notify"]``), 422 when no
        address is known.
        """
        key = idempotency_key.strip().strip('"') if idempotency_key else None
        async with db.transaction() as conn:
            return await send_invoice(
                conn,
                services=services,
                events=events,
                blobs=blobs,
                invoice_id=invoice_id,
                data=data,
                request_key=key or None,
            )
