"""Routes for journal entries: manual postings, reversals, and the general ledger."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Cursor,
    Db,
    FeatureFlags,
    FieldErrors,
    Limit,
    Multiline,
    Page,
    after_id,
    conflict,
    not_found,
    page_of,
    route_opt,
)

from nexus_finance._books import Company, accounts_by_code, company, default_journal
from nexus_finance._examples import body
from nexus_finance._keys import ENTRIES_READ, ENTRIES_WRITE, MULTI_CURRENCY
from nexus_finance._ledger import Posting, next_number, post_entry
from nexus_finance._money import Amount, Currency, plain, quantize
from nexus_finance._origin import Origin, origin_of

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("EntryController",)

_READ = route_opt(permission=ENTRIES_READ)
_WRITE = route_opt(permission=ENTRIES_WRITE)
_ZERO = Decimal(0)


class EntryLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A debit or a credit on an account, in a currency (the base currency by default)."""

    account_code: str
    debit: Amount = _ZERO
    credit: Amount = _ZERO
    currency: Currency | None = None
    description: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    partner_id: UUID | None = None


class EntryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A manual journal entry; its lines must balance in every currency."""

    lines: Annotated[list[EntryLineIn], msgspec.Meta(min_length=2, max_length=500)]
    date: date | None = None
    journal_code: str = "MISC"
    reference: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    memo: Annotated[Multiline, msgspec.Meta(max_length=2000)] | None = None


class ReverseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """When to date the reversal (the reversed entry's date by default)."""

    date: date | None = None


class EntryLineOut(msgspec.Struct, kw_only=True):
    """A line of an entry, in its currency and in the base currency."""

    account_code: str
    account_name: str
    partner_id: UUID | None
    description: str | None
    currency: str
    debit: Decimal
    credit: Decimal
    rate: Decimal
    base_debit: Decimal
    base_credit: Decimal


class EntryOut(msgspec.Struct, kw_only=True):
    """A posted journal entry."""

    id: UUID
    number: str
    journal_code: str
    date: date
    reference: str | None
    memo: str | None
    source: str
    source_ref: str | None
    reversal_of: UUID | None
    created_at: datetime
    lines: list[EntryLineOut]
    origin: Origin | None = None
    """``source_ref`` parsed: the plugin, kind, id and route of what booked the entry."""


async def load_entry(conn: Connection, entry_id: UUID, base: str) -> EntryOut:
    """One entry with its lines; 404 when it is not the tenant's."""
    found = await load_entries(conn, [entry_id], base)
    if not found:
        not_found()
    return found[0]


async def load_entries(conn: Connection, entry_ids: list[UUID], base: str) -> list[EntryOut]:
    """Entries with their lines, in the order of ``entry_ids`` (missing ones left out)."""
    rows = await conn.fetch(
        "select e.id, e.number, j.code as journal_code, e.date, e.reference, e.memo, e.source, "
        "e.source_ref, e.reversal_of, e.created_at from finance_entry e "
        "join finance_journal j on j.id = e.journal_id where e.id = any($1::uuid[])",
        entry_ids,
    )
    lines: dict[UUID, list[EntryLineOut]] = defaultdict(list)
    for line in await conn.fetch(
        "select l.entry_id, a.code as account_code, a.name as account_name, l.partner_id, "
        "l.description, l.currency, l.debit, l.credit, l.rate, l.base_debit, l.base_credit "
        "from finance_entry_line l join finance_account a on a.id = l.account_id "
        "where l.entry_id = any($1::uuid[]) order by l.entry_id, l.line_no",
        entry_ids,
    ):
        lines[line["entry_id"]].append(
            EntryLineOut(
                account_code=line["account_code"],
                account_name=line["account_name"],
                partner_id=line["partner_id"],
                description=line["description"],
                currency=line["currency"],
                debit=quantize(line["debit"], line["currency"]),
                credit=quantize(line["credit"], line["currency"]),
                rate=plain(line["rate"]),
                base_debit=quantize(line["base_debit"], base),
                base_credit=quantize(line["base_credit"], base),
            )
        )
    by_id = {row["id"]: row for row in rows}
    return [
        EntryOut(**dict(by_id[i]), lines=lines[i], origin=origin_of(by_id[i]["source_ref"]))
        for i in entry_ids
        if i in by_id
    ]


async def _postings(
    conn: Connection, found: Company, data: EntryIn, multi_currency: bool
) -> list[Posting]:
    """The entry's lines as postings.

    Refuses (422) naming every line with an unknown account or a currency the tenant does
    not book.
    """
    accounts = await accounts_by_code(conn, [line.account_code for line in data.lines])
    errors = FieldErrors()
    postings = []
    for index, line in enumerate(data.lines):
        currency = line.currency or found.base_currency
        if currency != found.base_currency and not multi_currency:
            errors.add(f"lines[{index}].currency", "finance.multi_currency is off for this tenant")
        account = accounts.get(line.account_code)
        if account is None:
            errors.add(
                f"lines[{index}].account_code", f"no active account with code {line.account_code!r}"
            )
            continue
        postings.append(
            Posting(
                account_id=account,
                currency=currency,
                debit=line.debit,
                credit=line.credit,
                description=line.description,
                partner_id=line.partner_id,
            )
        )
    errors.raise_if_any()
    return postings


class EntryController(Controller):
    """Journal entries."""

    path = "/entries"
    tags = ["finance: ledger"]

    @get("/", summary="List journal entries", opt=_READ)
    async def list_entries(
        self,
        db: Db,
        date_from: Annotated[date | None, QueryParameter(description="On or after.")] = None,
        date_to: Annotated[date | None, QueryParameter(description="On or before.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[EntryOut]:
        """Posted entries with their lines, in posting order."""
        async with db.transaction() as conn:
            found = await company(conn)
            rows = await conn.fetch(
                "select id from finance_entry where ($1::date is null or date >= $1) "
                "and ($2::date is null or date <= $2) and ($3::uuid is null or id > $3) "
                "order by id limit $4",
                date_from,
                date_to,
                after_id(cursor),
                limit + 1,
            )
            entries = await load_entries(conn, [r["id"] for r in rows], found.base_currency)
        return page_of(entries, limit)

    @post("/", summary="Post a journal entry", opt=_WRITE)
    async def create_entry(
        self,
        db: Db,
        features: FeatureFlags,
        data: Annotated[EntryIn, body("POST /entries", "Capital paid in")],
    ) -> EntryOut:
        """Post a manual entry: 422 unless it balances per currency, 409 in a closed period."""
        multi_currency = await features.enabled(MULTI_CURRENCY)
        async with db.transaction() as conn:
            found = await company(conn)
            journal = await default_journal(conn, "general", data.journal_code)
            day = data.date or date.today()
            entry_id = await post_entry(
                conn,
                found,
                journal_id=journal["id"],
                number=await next_number(conn, journal["code"], journal["code"], day),
                day=day,
                lines=await _postings(conn, found, data, multi_currency),
                reference=data.reference,
                memo=data.memo,
            )
            return await load_entry(conn, entry_id, found.base_currency)

    @get("/{entry_id:uuid}", summary="Show a journal entry", opt=_READ)
    async def show_entry(self, db: Db, entry_id: FromPath[UUID]) -> EntryOut:
        """One entry with its lines."""
        async with db.transaction() as conn:
            found = await company(conn)
            return await load_entry(conn, entry_id, found.base_currency)

    @post("/{entry_id:uuid}/reverse", summary="Reverse a journal entry", opt=_WRITE)
    async def reverse_entry(
        self,
        db: Db,
        entry_id: FromPath[UUID],
        data: Annotated[
            ReverseIn, body("POST /entries/{entry_id}/reverse", "Reversed at the month's end")
        ],
    ) -> EntryOut:
        """Post the mirror of a manual entry (debits and credits swapped, same rates).

        Entries of invoices and payments are reversed through credit notes instead (409).
        """
        async with db.transaction() as conn:
            found = await company(conn)
            original = await conn.fetchrow(
                "select * from finance_entry where id = $1 for update", entry_id
            )
            if original is None:
                not_found()
            if original["source"] != "manual":
                conflict(f"entries of a {original['source']} are reversed from their document")
            if await conn.fetchval("select 1 from finance_entry where reversal_of = $1", entry_id):
                conflict(f"the entry {original['number']} is already reversed")
            lines = await conn.fetch(
                "select * from finance_entry_line where entry_id = $1 order by line_no", entry_id
            )
            journal_code = await conn.fetchval(
                "select code from finance_journal where id = $1", original["journal_id"]
            )
            day = data.date or original["date"]
            mirrored = [
                Posting(
                    account_id=line["account_id"],
                    currency=line["currency"],
                    debit=line["credit"],
                    credit=line["debit"],
                    description=line["description"],
                    partner_id=line["partner_id"],
                    rate=line["rate"],
                    base_debit=line["base_credit"],
                    base_credit=line["base_debit"],
                )
                for line in lines
                if line["debit"] or line["credit"] or line["base_debit"] or line["base_credit"]
            ]
            reversal = await post_entry(
                conn,
                found,
                journal_id=original["journal_id"],
                number=await next_number(conn, journal_code, journal_code, day),
                day=day,
                lines=mirrored,
                reference=original["number"],
                memo=f"Reversal of {original['number']}",
                reversal_of=entry_id,
            )
            return await load_entry(conn, reversal, found.base_currency)
