"""Invoices, bills and credit notes: drafts, cancelling, crediting, and their API shape.

A draft can be changed or cancelled; posting (``_posting``) numbers it and books it; from
then on it is never edited, only settled by payments or reversed by a credit note.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    FieldErrors,
    Multiline,
    Quantity,
    conflict,
    decimal_meta,
    invalid,
    not_found,
)

from nexus_finance._books import check_day
from nexus_finance._line_amounts import compute_lines, totals
from nexus_finance._money import Amount, Currency, is_currency, money_text, plain, quantize
from nexus_finance._origin import Origin, origin_of
from nexus_finance._partners import find_or_create
from nexus_finance._taxes import TaxIds

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_finance._books import Company
    from nexus_finance._tax_rounding import TaxRounding

__all__ = (
    "OPEN",
    "CreditLineIn",
    "CreditNoteIn",
    "InvoiceIn",
    "InvoiceLineIn",
    "InvoiceOut",
    "cancel",
    "create_draft",
    "credit_note",
    "currency_of",
    "direction_of",
    "lines_of",
    "load",
    "load_many",
    "locked",
    "replace_draft",
)

Kind = Literal["invoice", "bill", "credit_note"]
Text = Annotated[Multiline, msgspec.Meta(max_length=2000)]
_ZERO = Decimal(0)
# Signed in the grammar so that a negative value reaches the check below and is answered
# with what to do instead (a discount), not only with the grammar.
LinePrice = Annotated[
    Decimal,
    decimal_meta(
        digits=15,
        places=6,
        signed=True,
        description="The unit price, not negative (a discount is discount_percent).",
    ),
]
LineQuantity = Annotated[
    Decimal,
    decimal_meta(
        digits=12,
        places=6,
        signed=True,
        description="The quantity, positive (a discount is discount_percent).",
        example="2.5",
    ),
]
Percent = Annotated[
    Decimal,
    decimal_meta(digits=3, places=4, description="A discount in percent, 0 to 100.", example="10"),
]
OPEN = ("posted", "partially_paid")
"""States of a document with something left to pay."""


class InvoiceLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A line: quantity × unit price less its discount, booked to an account.

    The account is ``account_code``, else the account of ``account_subtype`` (a bill's
    ``stock_received`` for goods already received into stock: Stock received not billed;
    ``price_difference``: Purchase price differences), else the sales (invoice) or
    purchases (bill) account. The tax is ``tax_id`` (or ``tax_ids``; ``[]``: none), else
    the product's default tax, else the company's; then the partner's exemption or fiscal
    position applies.
    """

    description: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    unit_price: LinePrice
    quantity: LineQuantity = Decimal(1)
    discount_percent: Percent = _ZERO
    account_code: str | None = None
    tax_id: UUID | None = None
    tax_ids: TaxIds | None = None
    product_id: UUID | None = None
    sku: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    account_subtype: Literal["stock_received", "price_difference"] | None = None


class InvoiceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new draft (or every field of one, to replace it)."""

    lines: Annotated[list[InvoiceLineIn], msgspec.Meta(min_length=1, max_length=500)]
    kind: Kind = "invoice"
    direction: Literal["sale", "purchase"] | None = None
    partner_id: UUID | None = None
    partner_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    currency: Currency | None = None
    date: dt.date | None = None
    due_date: dt.date | None = None
    reference: Text | None = None
    notes: Text | None = None
    default_taxes: bool = False
    """Lines naming no tax take the product's, else the company's default tax (through the
    partner's exemption and fiscal position); off, such lines are untaxed."""


class CreditLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A line of the credited document to credit: all of it, or fewer units or a lower price."""

    line_id: UUID
    quantity: Quantity | None = None
    unit_price: Amount | None = None


class CreditNoteIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Options of a credit note reversing a posted document (``lines``: only part of it)."""

    date: dt.date | None = None
    reason: Text | None = None
    post: bool = False
    lines: Annotated[list[CreditLineIn], msgspec.Meta(min_length=1, max_length=500)] | None = None


class InvoiceLineOut(msgspec.Struct, kw_only=True):
    """An invoice line as the API shows it."""

    id: UUID
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    account_code: str
    tax_id: UUID | None
    product_id: UUID | None
    sku: str | None
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal


class CreditNoteRef(msgspec.Struct, kw_only=True):
    """A credit note crediting the document (``reversal_of``), in full or in part.

    ``residual`` is what of it is still open: matched against the document (an allocation
    on both) or refunded (an outbound payment allocated to it), it is 0.
    """

    id: UUID
    number: str | None
    state: str
    date: dt.date
    total: Decimal
    residual: Decimal = Decimal(0)


class SettlementOut(msgspec.Struct, kw_only=True):
    """An allocation settling the document, or (for a credit note) taken from it."""

    id: UUID
    payment_id: UUID | None
    credit_note_id: UUID | None
    invoice_id: UUID
    amount: Decimal
    date: dt.date


class InvoiceOut(msgspec.Struct, kw_only=True):
    """An invoice, bill or credit note as the API shows it."""

    id: UUID
    kind: str
    direction: str
    number: str | None
    state: str
    partner_id: UUID
    partner_ref: UUID | None
    date: dt.date
    due_date: dt.date
    currency: str
    rate: Decimal | None
    untaxed_total: Decimal
    tax_total: Decimal
    total: Decimal
    amount_paid: Decimal
    residual: Decimal
    reference: str | None
    notes: str | None
    reversal_of: UUID | None
    source_ref: str | None = None
    """What drafted the document, as that plugin names it (``sales.order:<id>:<n>``)."""
    origin: Origin | None = None
    """``source_ref`` parsed: the plugin, kind, id and route of the source (``_origin``)."""
    entry_id: UUID | None
    posted_at: datetime | None
    paid_at: datetime | None
    created_at: datetime
    lines: list[InvoiceLineOut]
    credit_notes: list[CreditNoteRef] = []
    allocations: list[SettlementOut] = []
    sent_at: datetime | None = None
    """When it was last emailed (``POST /invoices/{id}/send``)."""
    sent_to: list[str] = []
    """The addresses it was last emailed to."""


def direction_of(kind: str, direction: str | None) -> str:
    """The document's direction: an invoice's is ``sale``, a bill's ``purchase``."""
    natural = {"invoice": "sale", "bill": "purchase"}.get(kind)
    if natural and direction and direction != natural:
        invalid("direction", f"a {kind} is a {natural} document")
    return natural or direction or "sale"


async def _write_lines(
    conn: Connection,
    invoice_id: UUID,
    data: InvoiceIn,
    currency: str,
    direction: str,
    tax_rounding: TaxRounding = "per_line",
    *,
    partner_id: UUID,
) -> tuple[Decimal, Decimal]:
    """Insert the document's lines as :func:`compute_lines` prices them; its totals."""
    lines = await compute_lines(
        conn,
        data,
        currency=currency,
        direction=direction,
        tax_rounding=tax_rounding,
        partner_id=partner_id,
    )
    for index, value in enumerate(lines):
        await conn.execute(
            "insert into finance_invoice_line (id, invoice_id, line_no, description, quantity, "
            "unit_price, account_id, tax_id, product_id, sku, discount_percent, subtotal, "
            "tax_amount, total) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            new_id(),
            invoice_id,
            index + 1,
            value.description,
            value.quantity,
            value.unit_price,
            value.account_id,
            value.tax_id,
            value.product_id,
            value.sku,
            value.discount_percent,
            value.subtotal,
            value.tax_amount,
            value.total,
        )
    return totals(lines)


def currency_of(books: Company, data: InvoiceIn, multi_currency: bool) -> str:
    """The document's currency (the base one unless named); 422 when it cannot be used."""
    currency = data.currency or books.base_currency
    if not is_currency(currency):
        invalid("currency", f"{currency!r} is not an ISO 4217 currency")
    if currency != books.base_currency and not multi_currency:
        invalid(
            "currency", f"finance.multi_currency is off: documents are in {books.base_currency}"
        )
    return currency


async def create_draft(
    conn: Connection,
    books: Company,
    data: InvoiceIn,
    *,
    terms_days: int,
    multi_currency: bool,
    source_ref: str | None = None,
    partner_ref: UUID | None = None,
    reversal_of: UUID | None = None,
    tax_rounding: TaxRounding = "per_line",
) -> UUID:
    """Write a draft document with its lines and totals; return its id.

    ``tax_rounding`` is the tenant's ``FinanceSettings.tax_rounding``.
    """
    direction = direction_of(data.kind, data.direction)
    currency = currency_of(books, data, multi_currency)
    partner = await find_or_create(
        conn,
        partner_id=data.partner_id,
        name=data.partner_name,
        kind="customer" if direction == "sale" else "supplier",
        ref=partner_ref,
    )
    day = check_day(data.date or date.today())
    # A credit note is due on issue; other documents after the payment terms.
    terms = 0 if data.kind == "credit_note" else terms_days
    due = check_day(data.due_date or day + timedelta(days=terms), "due_date")
    if due < day:
        invalid("due_date", "the due date cannot be before the document date")
    invoice_id = new_id()
    await conn.execute(
        "insert into finance_invoice (id, kind, direction, partner_id, date, due_date, currency, "
        "reference, notes, reversal_of, source_ref) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        invoice_id,
        data.kind,
        direction,
        partner,
        day,
        due,
        currency,
        data.reference,
        data.notes,
        reversal_of,
        source_ref,
    )
    untaxed, taxes = await _write_lines(
        conn, invoice_id, data, currency, direction, tax_rounding, partner_id=partner
    )
    await conn.execute(
        "update finance_invoice set untaxed_total = $2, tax_total = $3, total = $4 where id = $1",
        invoice_id,
        untaxed,
        taxes,
        untaxed + taxes,
    )
    return invoice_id


async def locked(conn: Connection, invoice_id: UUID) -> dict[str, Any]:
    row = await conn.fetchrow("select * from finance_invoice where id = $1 for update", invoice_id)
    if row is None:
        not_found()
    return dict(row)


async def replace_draft(
    conn: Connection,
    books: Company,
    invoice_id: UUID,
    data: InvoiceIn,
    *,
    multi_currency: bool,
    tax_rounding: TaxRounding = "per_line",
) -> None:
    """Replace a draft's fields and lines; 409 once it is posted (or cancelled)."""
    row = await locked(conn, invoice_id)
    if row["state"] != "draft":
        conflict(f"the document is {row['state']}: only drafts can be changed")
    if data.kind != row["kind"]:
        invalid("kind", "the kind of a document cannot change")
    direction = direction_of(data.kind, data.direction or row["direction"])
    currency = currency_of(books, data, multi_currency) if data.currency else row["currency"]
    partner = row["partner_id"]
    if data.partner_id or data.partner_name:
        partner = await find_or_create(
            conn,
            partner_id=data.partner_id,
            name=data.partner_name,
            kind="customer" if direction == "sale" else "supplier",
        )
    day = check_day(data.date or row["date"])
    kept = day if data.kind == "credit_note" else max(row["due_date"], day)
    due = check_day(data.due_date or kept, "due_date")
    if due < day:
        invalid("due_date", "the due date cannot be before the document date")
    await conn.execute("delete from finance_invoice_line where invoice_id = $1", invoice_id)
    untaxed, taxes = await _write_lines(
        conn, invoice_id, data, currency, direction, tax_rounding, partner_id=partner
    )
    await conn.execute(
        "update finance_invoice set partner_id = $2, date = $3, due_date = $4, currency = $5, "
        "reference = $6, notes = $7, untaxed_total = $8, tax_total = $9, total = $10, "
        "direction = $11 where id = $1",
        invoice_id,
        partner,
        day,
        due,
        currency,
        data.reference,
        data.notes,
        untaxed,
        taxes,
        untaxed + taxes,
        direction,
    )


async def lines_of(conn: Connection, invoice_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "select l.*, a.code as account_code from finance_invoice_line l "
        "join finance_account a on a.id = l.account_id "
        "where l.invoice_id = $1 order by l.line_no",
        invoice_id,
    )
    return [dict(row) for row in rows]


async def cancel(conn: Connection, invoice_id: UUID) -> None:
    """Cancel a draft; a posted document is reversed by a credit note instead (409)."""
    row = await locked(conn, invoice_id)
    if row["state"] != "draft":
        conflict(
            f"the document is {row['state']}: only drafts are cancelled; "
            "reverse a posted document with a credit note"
        )
    await conn.execute("update finance_invoice set state = 'cancelled' where id = $1", invoice_id)


async def credit_note(
    conn: Connection,
    books: Company,
    invoice_id: UUID,
    data: CreditNoteIn,
    *,
    terms_days: int,
    tax_rounding: TaxRounding = "per_line",
) -> UUID:
    """Draft a credit note copying a posted document's lines (or the part named), linked to it.

    409 when the document's credit notes (drafts and posted ones) would credit more than
    its total.
    """
    row = await locked(conn, invoice_id)
    if row["kind"] == "credit_note":
        conflict("a credit note cannot itself be credited")
    if row["state"] not in (*OPEN, "paid"):
        conflict(f"the document is {row['state']}: only posted documents are credited")
    lines = await lines_of(conn, invoice_id)
    if data.lines is not None:
        lines = _credited_lines(lines, data.lines)
    note = InvoiceIn(
        kind="credit_note",
        direction=row["direction"],
        partner_id=row["partner_id"],
        currency=row["currency"],
        date=data.date,
        reference=row["number"],
        notes=data.reason,
        lines=[
            InvoiceLineIn(
                description=line["description"],
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                discount_percent=line["discount_percent"],
                account_code=line["account_code"],
                # The document's own tax (or none), never the defaults again.
                tax_ids=[line["tax_id"]] if line["tax_id"] else [],
                product_id=line["product_id"],
                sku=line["sku"],
            )
            for line in lines
        ],
    )
    note_id = await create_draft(
        conn,
        books,
        note,
        terms_days=terms_days,
        multi_currency=True,
        reversal_of=invoice_id,
        tax_rounding=tax_rounding,
    )
    credited = await conn.fetchval(
        "select coalesce(sum(total), 0) from finance_invoice where reversal_of = $1 "
        "and kind = 'credit_note' and state <> 'cancelled'",
        invoice_id,
    )
    if credited > row["total"]:
        already = credited - await conn.fetchval(
            "select total from finance_invoice where id = $1", note_id
        )
        currency = row["currency"]
        conflict(
            f"the document's credit notes already credit "
            f"{money_text(already, currency, books.locale)} of its "
            f"{money_text(row['total'], currency, books.locale)}: name the lines (and "
            "quantities) left to credit"
        )
    return note_id


def _credited_lines(lines: list[dict[str, Any]], parts: list[CreditLineIn]) -> list[dict[str, Any]]:
    """The named lines of a document, with the quantity and unit price to credit; 422 else."""
    by_id = {line["id"]: line for line in lines}
    errors = FieldErrors()
    chosen: list[dict[str, Any]] = []
    seen: set[UUID] = set()
    for index, part in enumerate(parts):
        key = f"lines[{index}]"
        line = by_id.get(part.line_id)
        if line is None or part.line_id in seen:
            errors.add(f"{key}.line_id", "a line of the document, named once")
            continue
        seen.add(part.line_id)
        quantity = line["quantity"] if part.quantity is None else part.quantity
        price = line["unit_price"] if part.unit_price is None else part.unit_price
        if not (quantity.is_finite() and 0 < quantity <= line["quantity"]):
            errors.add(f"{key}.quantity", f"above 0 and at most {plain(line['quantity'])}")
        elif not (price.is_finite() and 0 <= price <= line["unit_price"]):
            errors.add(f"{key}.unit_price", f"from 0 to {plain(line['unit_price'])}")
        else:
            chosen.append({**line, "quantity": quantity, "unit_price": price})
    errors.raise_if_any()
    return chosen


async def load(conn: Connection, invoice_id: UUID) -> InvoiceOut:
    """One document with its lines; 404 when it is not the tenant's."""
    found = await load_many(conn, [invoice_id])
    if not found:
        not_found()
    return found[0]


async def load_many(conn: Connection, invoice_ids: list[UUID]) -> list[InvoiceOut]:
    """Documents with their lines, in the order of ``invoice_ids`` (missing ones left out)."""
    rows = await conn.fetch(
        "select i.*, p.partner_ref from finance_invoice i "
        "join finance_partner p on p.id = i.partner_id where i.id = any($1::uuid[])",
        invoice_ids,
    )
    lines: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for line in await conn.fetch(
        "select l.*, a.code as account_code from finance_invoice_line l "
        "join finance_account a on a.id = l.account_id "
        "where l.invoice_id = any($1::uuid[]) order by l.invoice_id, l.line_no",
        invoice_ids,
    ):
        lines[line["invoice_id"]].append(dict(line))
    by_id = {row["id"]: dict(row) for row in rows}
    notes: dict[UUID, list[CreditNoteRef]] = defaultdict(list)
    for note in await conn.fetch(
        "select id, number, state, date, total, amount_paid, currency, reversal_of "
        "from finance_invoice "
        "where reversal_of = any($1::uuid[]) and kind = 'credit_note' order by date, id",
        invoice_ids,
    ):
        notes[note["reversal_of"]].append(
            CreditNoteRef(
                id=note["id"],
                number=note["number"],
                state=note["state"],
                date=note["date"],
                total=quantize(note["total"], note["currency"]),
                residual=quantize(note["total"] - note["amount_paid"], note["currency"]),
            )
        )
    settled: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for allocation in await conn.fetch(
        "select a.id, a.payment_id, a.credit_note_id, a.invoice_id, a.amount, "
        "coalesce(a.document_amount, a.amount) as document_amount, "
        "coalesce(a.date, p.date, n.date) as date from finance_payment_allocation a "
        "left join finance_payment p on p.id = a.payment_id "
        "left join finance_invoice n on n.id = a.credit_note_id "
        "where a.invoice_id = any($1::uuid[]) or a.credit_note_id = any($1::uuid[]) "
        "order by a.id",
        invoice_ids,
    ):
        # Each document sees the amount in its own currency.
        settled[allocation["invoice_id"]].append(
            {**allocation, "amount": allocation["document_amount"]}
        )
        if allocation["credit_note_id"] is not None:
            settled[allocation["credit_note_id"]].append(dict(allocation))
    return [
        to_out(by_id[i], lines[i], credit_notes=notes[i], allocations=settled[i])
        for i in invoice_ids
        if i in by_id
    ]


def to_out(
    row: dict[str, Any],
    lines: list[dict[str, Any]],
    *,
    credit_notes: list[CreditNoteRef] | None = None,
    allocations: list[dict[str, Any]] | None = None,
) -> InvoiceOut:
    """The API shape of a document row, its line rows, credit notes and allocations."""
    currency = row["currency"]
    money = ("untaxed_total", "tax_total", "total", "amount_paid")
    values: dict[str, Any] = {key: quantize(row[key], currency) for key in money}
    if row.get("rate") is not None:
        row = {**row, "rate": plain(row["rate"])}
    fields: dict[str, Any] = {
        key: row[key]
        for key in InvoiceOut.__struct_fields__
        if key in row and key not in money and key != "lines"
    }
    return InvoiceOut(
        **fields,
        **values,
        origin=origin_of(row.get("source_ref")),
        residual=values["total"] - values["amount_paid"],
        lines=[
            InvoiceLineOut(
                id=line["id"],
                description=line["description"],
                quantity=plain(line["quantity"]),
                unit_price=quantize(line["unit_price"], currency),
                discount_percent=plain(line["discount_percent"]),
                account_code=line["account_code"],
                tax_id=line["tax_id"],
                product_id=line["product_id"],
                sku=line["sku"],
                subtotal=quantize(line["subtotal"], currency),
                tax_amount=quantize(line["tax_amount"], currency),
                total=quantize(line["total"], currency),
            )
            for line in lines
        ],
        credit_notes=credit_notes or [],
        allocations=[
            SettlementOut(
                id=a["id"],
                payment_id=a["payment_id"],
                credit_note_id=a["credit_note_id"],
                invoice_id=a["invoice_id"],
                amount=quantize(a["amount"], currency),
                date=a["date"],
            )
            for a in allocations or []
        ],
    )
