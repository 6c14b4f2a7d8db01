"""SAF-T XML: the elements of the OECD Standard Audit File for Tax 2.00, in schema order.

Written with ``lxml.etree.xmlfile`` element by element, flushed after each batch of
entries, so the file is sent as it is written.
"""

from __future__ import annotations

import io
from contextlib import ExitStack, contextmanager
from datetime import date
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from lxml import etree

from nexus_finance._money import plain, quantize, to_text

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

    from nexus_finance._books import Company
    from nexus_finance._saft import AuditFile

__all__ = ("AUDIT_FILE_VERSION", "NAMESPACE", "chunks")

NAMESPACE = "urn:OECD:StandardAuditFile-Tax:2.00"
AUDIT_FILE_VERSION = "2.00"
SOFTWARE_COMPANY = "Nexus"
SOFTWARE_ID = "Nexus Finance"
_ZERO = Decimal(0)


def _software_version() -> str:
    try:
        return version("nexus-finance")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0"


class _Xml:
    """Writes SAF-T elements (in its namespace) into an ``lxml.etree.xmlfile``."""

    def __init__(self, xf: Any) -> None:
        self.xf = xf

    @contextmanager
    def node(self, tag: str) -> Iterator[None]:
        with self.xf.element(f"{{{NAMESPACE}}}{tag}"):
            yield

    def leaf(self, tag: str, value: Any) -> None:
        if value is None or value == "":
            return
        with self.node(tag):
            self.xf.write(value.isoformat() if isinstance(value, date) else str(value))


def _write_header(
    xml: _Xml, books: Company, audit: AuditFile, *, date_from: date, date_to: date, today: date
) -> None:
    company = audit.company
    with xml.node("Header"):
        xml.leaf("AuditFileVersion", AUDIT_FILE_VERSION)
        xml.leaf("AuditFileCountry", audit.country)
        xml.leaf("AuditFileDateCreated", today)
        xml.leaf("SoftwareCompanyName", SOFTWARE_COMPANY)
        xml.leaf("SoftwareID", SOFTWARE_ID)
        xml.leaf("SoftwareVersion", _software_version())
        with xml.node("Company"):
            registration = company.get("registration_number") or company.get("tax_id")
            xml.leaf("RegistrationNumber", registration or str(company.get("id", "")))
            xml.leaf("Name", company.get("legal_name") or registration or "Company")
            _write_address(xml, company, audit.country)
            if company.get("tax_id"):
                with xml.node("TaxRegistration"):
                    xml.leaf("TaxRegistrationNumber", company["tax_id"])
        xml.leaf("DefaultCurrencyCode", books.base_currency)
        with xml.node("SelectionCriteria"):
            xml.leaf("SelectionStartDate", date_from)
            xml.leaf("SelectionEndDate", date_to)
        xml.leaf("TaxAccountingBasis", "A")


def _write_address(xml: _Xml, details: dict[str, Any], country: str | None) -> None:
    with xml.node("Address"):
        street = ", ".join(
            part for part in (details.get("address_line1"), details.get("address_line2")) if part
        )
        xml.leaf("StreetName", street)
        xml.leaf("City", details.get("city"))
        xml.leaf("PostalCode", details.get("postal_code"))
        xml.leaf("Country", details.get("country") or country)


def _balance(xml: _Xml, kind: str, amount: Decimal, currency: str) -> None:
    side = "Debit" if amount >= 0 else "Credit"
    xml.leaf(f"{kind}{side}Balance", to_text(abs(amount), currency))


def _write_master_files(xml: _Xml, books: Company, audit: AuditFile) -> None:
    base = books.base_currency
    with xml.node("MasterFiles"):
        with xml.node("GeneralLedgerAccounts"):
            for account in audit.accounts:
                with xml.node("Account"):
                    xml.leaf("AccountID", account["code"])
                    xml.leaf("AccountDescription", account["name"])
                    xml.leaf("AccountType", "GL")
                    _balance(xml, "Opening", account["opening"], base)
                    _balance(xml, "Closing", account["closing"], base)
        for kind, subtype, tag in (
            ("customer", "receivable", "Customer"),
            ("supplier", "payable", "Supplier"),
        ):
            partners = [p for p in audit.partners if p["kind"] in (kind, "both")]
            if not partners:
                continue
            with xml.node(f"{tag}s"):
                for partner in partners:
                    with xml.node(tag):
                        _write_partner(
                            xml, partner, tag=tag, subtype=subtype, audit=audit, base=base
                        )
        if audit.taxes:
            with xml.node("TaxTable"), xml.node("TaxTableEntry"):
                xml.leaf("TaxType", "VAT")
                xml.leaf("Description", "Value-added, goods and services or sales taxes")
                for tax in audit.taxes:
                    with xml.node("TaxCodeDetails"):
                        xml.leaf("TaxCode", tax["id"].hex)
                        xml.leaf("Description", tax["name"])
                        xml.leaf("TaxPercentage", plain(tax["rate"]))
                        xml.leaf("Country", audit.country)


def _write_partner(
    xml: _Xml, partner: dict[str, Any], *, tag: str, subtype: str, audit: AuditFile, base: str
) -> None:
    xml.leaf("RegistrationNumber", partner.get("registration_number"))
    xml.leaf("Name", partner["name"])
    _write_address(xml, partner, None)
    if partner.get("tax_id"):
        with xml.node("TaxRegistration"):
            xml.leaf("TaxRegistrationNumber", partner["tax_id"])
    xml.leaf(f"{tag}ID", _hex(partner["id"]))
    xml.leaf("AccountID", audit.receivable if subtype == "receivable" else audit.payable)
    opening, closing = partner["balances"].get(subtype, (_ZERO, _ZERO))
    _balance(xml, "Opening", opening, base)
    _balance(xml, "Closing", closing, base)


def _hex(value: Any) -> str:
    """A uuid as 32 hex digits: SAF-T's identifiers hold at most 35 characters."""
    return str(value).replace("-", "")


def _fiscal_period(day: date, start_month: int) -> tuple[int, int]:
    """The period number (1-12) in its fiscal year, and the year that fiscal year starts."""
    year = day.year if day.month >= start_month else day.year - 1
    return (day.month - start_month) % 12 + 1, year


def _amount(
    xml: _Xml,
    tag: str,
    *,
    line: dict[str, Any],
    base_amount: Decimal,
    amount: Decimal,
    books: Company,
) -> None:
    with xml.node(tag):
        xml.leaf("Amount", to_text(base_amount, books.base_currency))
        # A base-only line (a realised exchange difference) has no amount in its currency.
        if line["currency"] != books.base_currency and amount:
            xml.leaf("CurrencyCode", line["currency"])
            xml.leaf("CurrencyAmount", to_text(amount, line["currency"]))
            xml.leaf("ExchangeRate", plain(line["rate"]))


def _party(line: dict[str, Any]) -> tuple[str, str] | None:
    """``CustomerID`` or ``SupplierID`` of a line on a receivable or payable account."""
    if line["partner_id"] is None:
        return None
    if line["account_subtype"] == "receivable":
        return "CustomerID", _hex(line["partner_id"])
    if line["account_subtype"] == "payable":
        return "SupplierID", _hex(line["partner_id"])
    return None


def _write_transaction(
    xml: _Xml,
    *,
    books: Company,
    entry: dict[str, Any],
    taxes: dict[Any, list[dict[str, Any]]],
) -> None:
    number, year = _fiscal_period(entry["date"], books.fiscal_year_start_month)
    parties = dict(filter(None, (_party(line) for line in entry["lines"])))
    with xml.node("Transaction"):
        xml.leaf("TransactionID", entry["number"])
        xml.leaf("Period", number)
        xml.leaf("PeriodYear", year)
        xml.leaf("TransactionDate", entry["date"])
        xml.leaf("TransactionType", entry["source"][:18])
        xml.leaf("Description", entry["memo"] or entry["reference"] or entry["number"])
        xml.leaf("SystemEntryDate", entry["created_at"].date())
        xml.leaf("GLPostingDate", entry["date"])
        xml.leaf("CustomerID", parties.get("CustomerID"))
        xml.leaf("SupplierID", parties.get("SupplierID"))
        for line in entry["lines"]:
            _write_line(xml, books=books, entry=entry, line=line, taxes=taxes)


def _write_line(
    xml: _Xml,
    *,
    books: Company,
    entry: dict[str, Any],
    line: dict[str, Any],
    taxes: dict[Any, list[dict[str, Any]]],
) -> None:
    with xml.node("Line"):
        xml.leaf("RecordID", line["line_no"])
        xml.leaf("AccountID", line["account_code"])
        party = _party(line)
        if party is not None:
            xml.leaf(*party)
        xml.leaf("Description", line["description"] or entry["number"])
        debit = line["base_debit"] > 0 or (not line["base_credit"] and line["debit"] > 0)
        if debit:
            _amount(
                xml,
                "DebitAmount",
                line=line,
                base_amount=line["base_debit"],
                amount=line["debit"],
                books=books,
            )
        else:
            _amount(
                xml,
                "CreditAmount",
                line=line,
                base_amount=line["base_credit"],
                amount=line["credit"],
                books=books,
            )
        tax = _tax_of(line, taxes)
        if tax is not None:
            with xml.node("TaxInformation"):
                xml.leaf("TaxType", "VAT")
                xml.leaf("TaxCode", tax["id"].hex)
                xml.leaf("TaxPercentage", plain(tax["rate"]))
                tax_base = entry.get("tax_bases", {}).get(tax["id"])
                if tax_base is not None:
                    xml.leaf("TaxBase", quantize(tax_base, books.base_currency))
                base_amount = line["base_debit"] if debit else line["base_credit"]
                amount = line["debit"] if debit else line["credit"]
                _amount(
                    xml, "TaxAmount", line=line, base_amount=base_amount, amount=amount, books=books
                )


def _tax_of(line: dict[str, Any], taxes: dict[Any, list[dict[str, Any]]]) -> dict[str, Any] | None:
    """The tax a line on a tax account books: the one it is named after, or the only one."""
    candidates = taxes.get(line["account_id"])
    if not candidates:
        return None
    for tax in candidates:
        if tax["name"] == line["description"]:
            return tax
    return candidates[0] if len(candidates) == 1 else None


async def chunks(
    books: Company,
    audit: AuditFile,
    batches: Callable[[], AsyncIterator[list[dict[str, Any]]]],
    taxes: dict[Any, list[dict[str, Any]]],
    *,
    date_from: date,
    date_to: date,
    today: date,
) -> AsyncIterator[bytes]:
    """The audit file's XML in chunks: header and master files first, then a batch a chunk.

    ``batches`` gives the period's entries in journal order, each with its ``lines``;
    ``taxes`` lists the taxes by the id of their account.
    """
    out = io.BytesIO()
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{NAMESPACE}}}AuditFile", nsmap={None: NAMESPACE}):
            xml = _Xml(xf)
            _write_header(xml, books, audit, date_from=date_from, date_to=date_to, today=today)
            _write_master_files(xml, books, audit)
            with xml.node("GeneralLedgerEntries"):
                base = books.base_currency
                xml.leaf("NumberOfEntries", audit.entries)
                xml.leaf("TotalDebit", to_text(audit.debit, base))
                xml.leaf("TotalCredit", to_text(audit.credit, base))
                xf.flush()
                yield _drain(out)
                # Entries come ordered by journal: a new code closes one Journal, opens the next.
                with ExitStack() as journal:
                    code = None
                    async for entries in batches():
                        for entry in entries:
                            if entry["journal"] != code:
                                code = entry["journal"]
                                journal.close()
                                journal.enter_context(xml.node("Journal"))
                                xml.leaf("JournalID", code)
                                xml.leaf("Description", entry["journal_name"])
                                xml.leaf("Type", entry["journal_type"])
                            _write_transaction(xml, books=books, entry=entry, taxes=taxes)
                        xf.flush()
                        yield _drain(out)
    yield _drain(out)


def _drain(out: io.BytesIO) -> bytes:
    data = out.getvalue()
    out.seek(0)
    out.truncate()
    return data
