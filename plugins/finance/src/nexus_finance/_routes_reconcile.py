"""Routes for reconciliation: allocations of payments and credit notes, partners' open items."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import Db, Events, route_opt

from nexus_finance import _invoices, _payments, _reconcile
from nexus_finance._books import company
from nexus_finance._examples import body
from nexus_finance._invoices import InvoiceOut
from nexus_finance._keys import INVOICES_READ, INVOICES_WRITE, PAYMENTS_WRITE
from nexus_finance._payments import PaymentOut
from nexus_finance._reconcile import AllocateIn, OpenItems

__all__ = ("InvoiceAllocationController", "OpenItemsController", "PaymentAllocationController")

_PAYMENTS_WRITE = route_opt(permission=PAYMENTS_WRITE)
_INVOICES_WRITE = route_opt(permission=INVOICES_WRITE)
UndoDate = Annotated[
    date | None,
    QueryParameter(
        name="date", description="The day the allocation stops counting (today by default)."
    ),
]


class PaymentAllocationController(Controller):
    """Allocations of a payment to open documents, made or undone after it was recorded."""

    path = "/payments/{payment_id:uuid}/allocations"
    tags = ["finance: payments"]

    @post("/", summary="Allocate a payment's remainder", opt=_PAYMENTS_WRITE)
    async def allocate_payment(
        self,
        db: Db,
        events: Events,
        payment_id: FromPath[UUID],
        data: Annotated[
            AllocateIn,
            body("POST /payments/{payment_id}/allocations", "Settle an invoice with it"),
        ],
    ) -> PaymentOut:
        """Allocate what is left of a payment to open documents of its partner and currency.

        Each document's ``amount_paid`` and state move as with a payment's own allocations
        (``finance.invoice.paid.v1`` when one is paid in full); ``finance.payment.allocated.v1``
        is published per allocation. In the ledger, a MISC entry dated ``date`` realises the
        exchange difference between the payment's rate and the document's (and moves the
        amount between receivable and payable when the document is on the other one); none
        when nothing differs. 422 beyond the remainder or a document's residual, 409 for a
        document that is not open or a closed period.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            await _reconcile.allocate_payment(conn, found, payment_id, data, events=events)
            return await _payments.load(conn, payment_id)

    @delete(
        "/{allocation_id:uuid}",
        summary="Un-reconcile a payment's allocation",
        opt=_PAYMENTS_WRITE,
        status_code=200,
    )
    async def unallocate_payment(
        self,
        db: Db,
        events: Events,
        payment_id: FromPath[UUID],
        allocation_id: FromPath[UUID],
        undo_date: UndoDate = None,
    ) -> PaymentOut:
        """Un-reconcile one allocation: the document is open again for its amount.

        The document goes back to ``posted`` or ``partially_paid`` and the payment has the
        amount to allocate again; ``finance.payment.unallocated.v1`` is published. In the
        ledger, the allocation's entry is reversed (for an allocation made with the payment,
        its exchange difference is undone by a MISC entry) dated ``date``; the allocation is
        kept in the history, so earlier reports do not change.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            await _reconcile.unallocate(
                conn, found, allocation_id, payment_id=payment_id, day=undo_date, events=events
            )
            return await _payments.load(conn, payment_id)


class InvoiceAllocationController(Controller):
    """A credit note applied to later documents; any allocation of a document undone."""

    path = "/invoices/{invoice_id:uuid}/allocations"
    tags = ["finance: invoices"]

    @post("/", summary="Apply a credit note to documents", opt=_INVOICES_WRITE)
    async def allocate_credit_note(
        self,
        db: Db,
        events: Events,
        invoice_id: FromPath[UUID],
        data: Annotated[
            AllocateIn,
            body("POST /invoices/{invoice_id}/allocations", "Apply a credit to a later invoice"),
        ],
    ) -> InvoiceOut:
        """Apply a posted credit note's open amount to open documents of its partner.

        A customer's credit note settles invoices, a supplier's bills; both the credit note
        and each document record the amount paid (``finance.payment.allocated.v1`` per
        allocation). In the ledger, only the exchange difference between the two documents'
        rates is booked (MISC entry dated ``date``). 409 when ``invoice_id`` is not an open
        credit note, a document is not open or the period is closed.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            await _reconcile.allocate_credit_note(conn, found, invoice_id, data, events=events)
            return await _invoices.load(conn, invoice_id)

    @delete(
        "/{allocation_id:uuid}",
        summary="Un-reconcile an allocation of a document",
        opt=_INVOICES_WRITE,
        status_code=200,
    )
    async def unallocate_document(
        self,
        db: Db,
        events: Events,
        invoice_id: FromPath[UUID],
        allocation_id: FromPath[UUID],
        undo_date: UndoDate = None,
    ) -> InvoiceOut:
        """Un-reconcile one allocation settling the document (a payment's or a credit note's).

        The document (and the credit note, when the allocation is one's) goes back to
        ``posted`` or ``partially_paid``; ``finance.payment.unallocated.v1`` is published.
        In the ledger, the allocation's entry is reversed, or its exchange difference undone,
        dated ``date``.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            await _reconcile.unallocate(
                conn, found, allocation_id, document_id=invoice_id, day=undo_date, events=events
            )
            return await _invoices.load(conn, invoice_id)


class OpenItemsController(Controller):
    """What a partner has open, to choose what to match."""

    path = "/partners/{partner_id:uuid}/open-items"
    tags = ["finance: partners"]

    @get("/", summary="A partner's open items", opt=route_opt(permission=INVOICES_READ))
    async def open_items(self, db: Db, partner_id: FromPath[UUID]) -> OpenItems:
        """Open invoices, bills and credit notes, and the partner's unallocated payments.

        Each item shows its total and what is still open on it (a payment: what is left to
        allocate). Reads only; nothing is booked in the ledger.
        """
        async with db.transaction() as conn:
            return await _reconcile.open_items(conn, partner_id)
