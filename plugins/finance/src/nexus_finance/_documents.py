"""Invoice, bill and credit note documents: what they say (their PDF: ``_documents_pdf``).

A document names its seller and buyer (for a sale, the company sells to the partner; for a
bill, the partner sells to the company) with their addresses and tax ids, its type and
number, dates, currency, lines, the tax breakdown by rate, totals, the credited document's
number on a credit note, and the payment instructions. A draft has no number and is printed
with a DRAFT mark.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_hookspecs.http import not_found

from nexus_finance._money import minor_unit, quantize

if TYPE_CHECKING:
    import datetime as dt
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = (
    "Document",
    "DocumentLine",
    "Party",
    "TaxGroup",
    "file_name",
    "load_document",
)

_ZERO = Decimal(0)

_TITLES = {
    ("invoice", "sale"): "Invoice",
    ("bill", "purchase"): "Bill",
    ("credit_note", "sale"): "Credit note",
    ("credit_note", "purchase"): "Vendor credit note",
}


@dataclass(frozen=True)
class Party:
    """A seller or buyer as a document prints it."""

    name: str
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    tax_id: str | None = None
    registration_number: str | None = None
    email: str | None = None
    phone: str | None = None

    def address(self) -> list[str]:
        """The address lines, the postal code and city on one, the country last."""
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        lines = [self.address_line1, self.address_line2, town, self.country]
        return [line for line in lines if line]


@dataclass(frozen=True)
class DocumentLine:
    """One line: quantity × unit price, net amount and its tax."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    total: Decimal
    price_include: bool


@dataclass(frozen=True)
class TaxGroup:
    """The lines of one tax rate: their net amount and tax."""

    rate: Decimal
    net: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Document:
    """Everything a PDF or an e-invoice of one document says."""

    id: UUID
    kind: str
    direction: str
    state: str
    number: str | None
    date: dt.date
    due_date: dt.date
    currency: str
    seller: Party
    buyer: Party
    lines: list[DocumentLine]
    taxes: list[TaxGroup]
    untaxed_total: Decimal
    tax_total: Decimal
    total: Decimal
    amount_paid: Decimal
    reference: str | None
    notes: str | None
    credited_number: str | None
    credited_date: dt.date | None
    payment_instructions: str | None
    bank_account: str | None
    bank_bic: str | None
    accent_color: str = "#1F4E79"
    footer: str | None = None
    logo_key: str | None = None
    logo: bytes | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        """``Invoice``, ``Bill``, ``Credit note`` or ``Vendor credit note``."""
        return _TITLES.get((self.kind, self.direction), self.kind.replace("_", " ").capitalize())

    @property
    def is_draft(self) -> bool:
        """Drafts (and cancelled drafts) have no number and are printed as such."""
        return self.number is None

    def money(self, amount: Decimal) -> str:
        """``1,234.50`` in the document's currency's decimals."""
        return f"{quantize(amount, self.currency):,.{minor_unit(self.currency)}f}"


def _party(row: Any, name: str) -> Party:
    return Party(
        name=name,
        address_line1=row["address_line1"],
        address_line2=row["address_line2"],
        postal_code=row["postal_code"],
        city=row["city"],
        country=row["country"],
        tax_id=row["tax_id"],
        registration_number=row.get("registration_number"),
        email=row.get("email"),
        phone=row.get("phone"),
    )


def _breakdown(lines: list[DocumentLine]) -> list[TaxGroup]:
    net: dict[Decimal, Decimal] = defaultdict(Decimal)
    tax: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        net[line.tax_rate] += line.net
        tax[line.tax_rate] += line.tax_amount
    return [TaxGroup(rate=rate, net=net[rate], tax=tax[rate]) for rate in sorted(net)]


def _plain(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


async def load_document(conn: Connection, invoice_id: UUID) -> Document:
    """The document as it prints; 404 when it is not the tenant's."""
    row = await conn.fetchrow(
        "select i.*, c.number as credited_number, c.date as credited_date "
        "from finance_invoice i left join finance_invoice c on c.id = i.reversal_of "
        "where i.id = $1",
        invoice_id,
    )
    if row is None:
        not_found()
    partner = await conn.fetchrow("select * from finance_partner where id = $1", row["partner_id"])
    company = await conn.fetchrow("select * from finance_company")
    if partner is None or company is None:
        not_found()
    line_rows = await conn.fetch(
        "select l.*, coalesce(t.rate, 0) as tax_rate, coalesce(t.price_include, false) "
        "as price_include from finance_invoice_line l "
        "left join finance_tax t on t.id = l.tax_id where l.invoice_id = $1 order by l.line_no",
        invoice_id,
    )
    lines = [
        DocumentLine(
            description=line["description"],
            quantity=_plain(line["quantity"]),
            unit_price=line["unit_price"],
            net=line["subtotal"],
            tax_rate=_plain(line["tax_rate"]),
            tax_amount=line["tax_amount"],
            total=line["total"],
            price_include=line["price_include"],
        )
        for line in line_rows
    ]
    company_party = _party(dict(company), company["legal_name"] or "")
    partner_party = _party({**dict(partner), "registration_number": None}, partner["name"])
    sale = row["direction"] == "sale"
    return Document(
        id=row["id"],
        kind=row["kind"],
        direction=row["direction"],
        state=row["state"],
        number=row["number"],
        date=row["date"],
        due_date=row["due_date"],
        currency=row["currency"],
        seller=company_party if sale else partner_party,
        buyer=partner_party if sale else company_party,
        lines=lines,
        taxes=_breakdown(lines),
        untaxed_total=row["untaxed_total"],
        tax_total=row["tax_total"],
        total=row["total"],
        amount_paid=row["amount_paid"],
        reference=row["reference"],
        notes=row["notes"],
        credited_number=row["credited_number"],
        credited_date=row["credited_date"],
        payment_instructions=company["payment_instructions"] if sale else None,
        bank_account=company["bank_account"] if sale else None,
        bank_bic=company["bank_bic"] if sale else None,
        accent_color=company["pdf_accent_color"],
        footer=company["pdf_footer"],
        logo_key=company["logo_key"] if company["pdf_show_logo"] else None,
    )


def file_name(document: Document, extension: str) -> str:
    """``INV-2026-00001.pdf`` from the number; ``draft-<id>.pdf`` for a draft."""
    stem = document.number.replace("/", "-") if document.number else f"draft-{document.id}"
    return f"{stem}.{extension}"
