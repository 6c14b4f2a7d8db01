"""Bookkeeping exports: the general ledger and the journals as CSV, read in keyset batches.

The ledger is read entry by entry, in batches of ``BATCH`` entries each in a transaction of
its own (keyset pages on date, posting time and number), so an export of any size never
sits whole in memory and holds no connection while the client reads. Every line of every
entry is exported, base-currency-only lines (realised exchange differences) included, so the
debit and credit columns sum to the trial balance and the base columns to its ``company``
basis.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any, Literal

from nexus_hookspecs.http import invalid

from nexus_finance._books import FIRST_DAY, LAST_DAY
from nexus_finance._money import plain, to_text

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
    from datetime import date
    from uuid import UUID

    from nexus_hookspecs import Connection, Database

    Extra = Callable[[Connection, list[dict[str, Any]]], Awaitable[None]]

__all__ = (
    "BATCH",
    "GENERAL_LEDGER_COLUMNS",
    "JOURNAL_COLUMNS",
    "Order",
    "Selection",
    "check_journal",
    "csv_rows",
    "entry_batches",
    "period",
)

BATCH = 500
"""Entries read per query (and per transaction)."""

Order = Literal["date", "journal"]
"""``date``: by date, posting time and number; ``journal``: the same within each journal."""

GENERAL_LEDGER_COLUMNS = (
    "date",
    "entry",
    "journal",
    "account_code",
    "account_name",
    "partner",
    "description",
    "currency",
    "debit",
    "credit",
    "base_debit",
    "base_credit",
    "rate",
)
JOURNAL_COLUMNS = (
    "journal",
    "journal_name",
    "date",
    "entry",
    "reference",
    "line",
    "account_code",
    "account_name",
    "partner",
    "description",
    "currency",
    "debit",
    "credit",
    "base_debit",
    "base_credit",
    "rate",
)

_TEXT = frozenset({"account_name", "partner", "description", "reference", "journal_name"})


class Selection:
    """What an export reads: a period, optionally one journal, in an order.

    Attributes:
        date_from: First day (``None``: from the first entry).
        date_to: Last day.
        journal: Only the journal with this code.
        order: ``date`` (date, posting time, number) or ``journal`` (journal code first).
    """

    __slots__ = ("date_from", "date_to", "journal", "order")

    def __init__(
        self,
        *,
        date_from: date | None,
        date_to: date,
        journal: str | None = None,
        order: Order = "date",
    ) -> None:
        self.date_from = date_from
        self.date_to = date_to
        self.journal = journal
        self.order = order


def period(
    date_from: date | None, date_to: date | None, *, today: date
) -> tuple[date | None, date]:
    """The export's period: ``date_to`` defaults to today; 422 naming the bad bound.

    Raises:
        ValidationException: 422 for a day the books cannot hold, or a start after the end.
    """
    end = today if date_to is None else date_to
    for key, day in (("date_from", date_from), ("date_to", end)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            invalid(key, f"dates run from {FIRST_DAY} to {LAST_DAY}", source="query")
    if date_from is not None and date_from > end:
        invalid(
            "date_from", f"the period starts ({date_from}) after it ends ({end})", source="query"
        )
    return date_from, end


async def check_journal(conn: Connection, code: str) -> None:
    """422 naming ``journal`` unless the books have a journal with this code."""
    if not await conn.fetchval("select 1 from finance_journal where code = $1", code):
        invalid("journal", f"no journal {code!r}", source="query")


_ENTRIES = (
    "select e.id, e.number, e.date, e.created_at, e.reference, e.memo, e.source, "
    "j.code as journal, j.name as journal_name, j.type as journal_type "
    "from finance_entry e join finance_journal j on j.id = e.journal_id "
    "where e.date <= $1 and e.date >= $2 "
)
# The key of the keyset batches, as indexed (finance_entry_chronological, and per journal).
_KEY = "(e.date, e.created_at, e.number)"
_ORDER = "order by e.date, e.created_at, e.number"

_LINES = (
    "select l.entry_id, l.line_no, l.account_id, a.code as account_code, "
    "a.name as account_name, a.subtype as account_subtype, l.partner_id, "
    "p.name as partner, p.kind as partner_kind, coalesce(l.description, e.memo) as description, "
    "l.currency, l.debit, l.credit, l.base_debit, l.base_credit, l.rate "
    "from finance_entry_line l join finance_account a on a.id = l.account_id "
    "join finance_entry e on e.id = l.entry_id "
    "left join finance_partner p on p.id = l.partner_id "
    "where l.entry_id = any($1::uuid[]) order by l.entry_id, l.line_no"
)


async def _batch(
    conn: Connection,
    selection: Selection,
    *,
    journal_id: UUID | None,
    after: tuple[Any, ...] | None,
    limit: int,
    extra: Extra | None,
) -> list[dict[str, Any]]:
    """Up to ``limit`` entries (of one journal, or all) after the key ``after``, with lines."""
    args: list[Any] = [selection.date_to, selection.date_from or FIRST_DAY]
    query = _ENTRIES
    if journal_id is not None:
        args.append(journal_id)
        query += f"and e.journal_id = ${len(args)} "
    if after is not None:
        args.extend(after)
        n = len(args)
        query += f"and {_KEY} > (${n - 2}::date, ${n - 1}::timestamptz, ${n}::text) "
    args.append(limit)
    query += f"{_ORDER} limit ${len(args)}"
    entries = [dict(row) for row in await conn.fetch(query, *args)]
    if not entries:
        return entries
    by_entry: dict[UUID, list[dict[str, Any]]] = {entry["id"]: [] for entry in entries}
    for line in await conn.fetch(_LINES, list(by_entry)):
        by_entry[line["entry_id"]].append(dict(line))
    for entry in entries:
        entry["lines"] = by_entry[entry["id"]]
    if extra is not None:
        await extra(conn, entries)
    return entries


async def entry_batches(
    db: Database,
    selection: Selection,
    *,
    batch: int | None = None,
    extra: Extra | None = None,
) -> tuple[list[dict[str, Any]], Callable[[], AsyncIterator[list[dict[str, Any]]]]]:
    """The first batch of entries (read now), and an iterator over every batch from it.

    In ``journal`` order (or for one journal) the journals are read one after the other in
    code order, each by its own keyset. The first batch is read before an answer starts,
    so a refusal is a problem and never a body cut short after its headers; the others are
    read as the client takes the file. ``extra`` adds to a batch's entries in the
    transaction that read them.
    """
    size = batch or BATCH
    journals: list[UUID | None] = [None]
    if selection.order == "journal" or selection.journal is not None:
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from finance_journal where ($1::text is null or code = $1) "
                "order by code",
                selection.journal,
            )
        journals = [row["id"] for row in rows]

    async def read(journal_id: UUID | None, after: tuple[Any, ...] | None) -> list[dict[str, Any]]:
        async with db.transaction() as conn:
            return await _batch(
                conn, selection, journal_id=journal_id, after=after, limit=size, extra=extra
            )

    first = await read(journals[0], None) if journals else []

    async def batches() -> AsyncIterator[list[dict[str, Any]]]:
        for index, journal_id in enumerate(journals):
            current = first if index == 0 else await read(journal_id, None)
            while current:
                yield current
                if len(current) < size:
                    break
                last = current[-1]
                current = await read(journal_id, (last["date"], last["created_at"], last["number"]))

    return first, batches


def _cell(column: str, value: Any) -> str:
    text = "" if value is None else str(value)
    # A text cell starting with = + - @ would run as a formula in a spreadsheet.
    if column in _TEXT and text[:1] in {"=", "+", "-", "@"}:
        return "'" + text
    return text


def _line_row(entry: dict[str, Any], line: dict[str, Any], base: str) -> dict[str, str]:
    currency = line["currency"]
    row = {
        "date": entry["date"].isoformat(),
        "entry": entry["number"],
        "journal": entry["journal"],
        "journal_name": entry["journal_name"],
        "reference": entry["reference"],
        "line": line["line_no"],
        "account_code": line["account_code"],
        "account_name": line["account_name"],
        "partner": line["partner"],
        "description": line["description"],
        "currency": currency,
        "debit": to_text(line["debit"], currency),
        "credit": to_text(line["credit"], currency),
        "base_debit": to_text(line["base_debit"], base),
        "base_credit": to_text(line["base_credit"], base),
        "rate": str(plain(line["rate"])),
    }
    return {key: _cell(key, value) for key, value in row.items()}


async def csv_rows(
    batches: Callable[[], AsyncIterator[list[dict[str, Any]]]],
    *,
    columns: Sequence[str],
    base_currency: str,
) -> AsyncIterator[str]:
    """The CSV text of every line of every entry, a header row first, one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    yield _drain(buffer)
    async for entries in batches():
        for entry in entries:
            for line in entry["lines"]:
                writer.writerow(_line_row(entry, line, base_currency))
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
