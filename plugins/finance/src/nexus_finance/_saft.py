"""SAF-T: the OECD Standard Audit File for Tax, version 2.00, streamed with ``lxml``.

``Header`` (the company, the software, the selected period), ``MasterFiles`` (every
account with its opening and closing balance, customers and suppliers with theirs on the
receivable and payable accounts, the tax table) and ``GeneralLedgerEntries`` (every entry of
the period as a ``Transaction`` of its ``Journal``, one ``Line`` per entry line), in the
element order of the OECD schema. Amounts are in the base currency (``Amount``); a line in
another currency also carries ``CurrencyCode``, ``CurrencyAmount`` and ``ExchangeRate``.
A line on a tax's account carries ``TaxInformation`` (its tax code, rate, base and amount).

The master files and the totals are read here before the answer starts; the entries are
read in keyset batches (:mod:`nexus_finance._exports`) as the client takes the file, and
written by :mod:`nexus_finance._saft_xml`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs.http import invalid

from nexus_finance._exports import Selection, entry_batches
from nexus_finance._saft_xml import chunks

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nexus_hookspecs import Connection, Database

    from nexus_finance._books import Company

__all__ = ("AuditFile", "audit_file", "fiscal_year_start")


class AuditFile(msgspec.Struct, kw_only=True):
    """What an audit file is made of, read before its first byte is sent.

    Attributes:
        country: ``AuditFileCountry`` (ISO 3166-1 alpha-2).
        company: The company row (with whatever legal details the books keep).
        accounts: Every account with its ``opening`` and ``closing`` base balance.
        partners: Every partner with its balances on the receivable and payable accounts.
        taxes: Every tax (id, name, scope, rate, account).
        receivable: The code of the default receivable account (customers' ``AccountID``).
        payable: The code of the default payable account (suppliers' ``AccountID``).
        entries: Entries in the period; ``debit`` and ``credit``: their base totals.
    """

    country: str
    company: dict[str, Any]
    accounts: list[dict[str, Any]]
    partners: list[dict[str, Any]]
    taxes: list[dict[str, Any]]
    receivable: str | None
    payable: str | None
    entries: int
    debit: Decimal
    credit: Decimal


async def fiscal_year_start(conn: Connection, books: Company, day: date) -> date:
    """The first day of the fiscal year containing ``day`` (from the books, else computed)."""
    start = await conn.fetchval(
        "select start_date from finance_fiscal_year where start_date <= $1 and end_date >= $1",
        day,
    )
    if start is not None:
        result: date = start
        return result
    month = books.fiscal_year_start_month
    return date(day.year if day.month >= month else day.year - 1, month, 1)


async def _master(
    conn: Connection,
    *,
    country: str | None,
    fallback: str | None,
    date_from: date,
    date_to: date,
) -> AuditFile:
    # to_jsonb: the legal details (legal_name, address, tax_id…) the books may keep.
    details = _json(await conn.fetchval("select to_jsonb(c) from finance_company c"))
    country = country or details.get("country") or fallback
    if not country:
        invalid(
            "country",
            "a SAF-T file names the company's country: pass `country`, or set the company's "
            "country or Finance's `country` setting",
            source="query",
        )
    balances = (
        "coalesce(sum(l.base_debit - l.base_credit) filter (where l.date < $1), 0) as opening, "
        "coalesce(sum(l.base_debit - l.base_credit) filter (where l.date <= $2), 0) as closing"
    )
    accounts = await conn.fetch(
        f"select a.code, a.name, a.type, {balances} "
        "from finance_account a left join finance_entry_line l on l.account_id = a.id "
        "group by a.id, a.code, a.name, a.type order by a.code",
        date_from,
        date_to,
    )
    partners = await conn.fetch(
        f"select to_jsonb(p) as partner, x.subtype, {balances} from finance_partner p "
        "left join (finance_entry_line l join finance_account x on x.id = l.account_id "
        "and x.subtype in ('receivable', 'payable')) on l.partner_id = p.id "
        "group by p.tenant_id, p.id, x.subtype order by p.name, p.id",
        date_from,
        date_to,
    )
    taxes = await conn.fetch(
        "select id, name, scope, rate, account_id from finance_tax order by scope, name, id"
    )
    totals = await conn.fetchrow(
        "select count(distinct l.entry_id) as entries, coalesce(sum(l.base_debit), 0) as debit, "
        "coalesce(sum(l.base_credit), 0) as credit from finance_entry_line l "
        "join finance_entry e on e.id = l.entry_id where e.date >= $1 and e.date <= $2",
        date_from,
        date_to,
    )
    assert totals is not None  # an aggregate always answers a row
    defaults = {
        row["subtype"]: row["code"]
        for row in await conn.fetch(
            "select distinct on (subtype) subtype, code from finance_account "
            "where subtype in ('receivable', 'payable') and active order by subtype, code"
        )
    }
    return AuditFile(
        country=country,
        company=details,
        accounts=[dict(row) for row in accounts],
        partners=_partners(partners),
        taxes=[dict(row) for row in taxes],
        receivable=defaults.get("receivable"),
        payable=defaults.get("payable"),
        entries=totals["entries"],
        debit=totals["debit"],
        credit=totals["credit"],
    )


def _json(value: Any) -> dict[str, Any]:
    """A ``jsonb`` value as a dict, whether or not the connection decodes JSON itself."""
    if isinstance(value, str | bytes):
        decoded: dict[str, Any] = msgspec.json.decode(value)
        return decoded
    return dict(value or {})


def _partners(rows: Any) -> list[dict[str, Any]]:
    """One dict per partner: its details, and ``receivable`` / ``payable`` balances."""
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        details = _json(row["partner"])
        partner = merged.setdefault(details["id"], {**details, "balances": {}})
        if row["subtype"] is not None:
            partner["balances"][row["subtype"]] = (row["opening"], row["closing"])
    return list(merged.values())


async def _tax_bases(conn: Connection, entries: list[dict[str, Any]]) -> None:
    """Attach to each document's entry the untaxed base per tax, in the base currency."""
    rows = await conn.fetch(
        "select i.entry_id, il.tax_id, sum(il.subtotal) as base, i.rate "
        "from finance_invoice i join finance_invoice_line il on il.invoice_id = i.id "
        "where i.entry_id = any($1::uuid[]) and il.tax_id is not null "
        "group by i.entry_id, il.tax_id, i.rate",
        [entry["id"] for entry in entries],
    )
    bases: dict[Any, dict[Any, Decimal]] = {}
    for row in rows:
        bases.setdefault(row["entry_id"], {})[row["tax_id"]] = row["base"] * (row["rate"] or 1)
    for entry in entries:
        entry["tax_bases"] = bases.get(entry["id"], {})


async def audit_file(
    db: Database,
    books: Company,
    *,
    country: str | None,
    fallback: str | None,
    date_from: date,
    date_to: date,
    today: date,
    batch: int | None = None,
) -> AsyncIterator[bytes]:
    """The SAF-T XML of the period, in chunks; refusals are raised before the first one.

    ``country`` (asked for) wins over the company's country, then ``fallback`` (the
    settings').

    Raises:
        ValidationException: 422 naming ``country`` when none of them is known.
    """
    async with db.transaction() as conn:
        audit = await _master(
            conn, country=country, fallback=fallback, date_from=date_from, date_to=date_to
        )
    selection = Selection(date_from=date_from, date_to=date_to, order="journal")
    _, batches = await entry_batches(db, selection, batch=batch, extra=_tax_bases)
    taxes: dict[Any, list[dict[str, Any]]] = {}
    for tax in audit.taxes:
        taxes.setdefault(tax["account_id"], []).append(tax)
    return chunks(books, audit, batches, taxes, date_from=date_from, date_to=date_to, today=today)
