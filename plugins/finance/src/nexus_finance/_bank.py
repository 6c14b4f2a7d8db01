"""Bank statements: importing them into a bank journal, CSV mappings, reconciliation rules.

A statement belongs to a bank or cash journal (its account is the bank account in the
books). Importing stores the statement and its lines, refuses a file or a line already
imported (409 naming the statement) and warns when the opening balance does not follow the
previous statement's closing balance.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, invalid, not_found

from nexus_finance._books import FIRST_DAY, LAST_DAY, account_by_code
from nexus_finance._events import BANK_STATEMENT_IMPORTED, BankStatementImported
from nexus_finance._money import Amount, is_currency, quantize, to_text
from nexus_finance._statements import CsvMapping, ParsedStatement

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher

    from nexus_finance._books import Company

__all__ = (
    "CsvMappingOut",
    "ImportOut",
    "LineOut",
    "RuleIn",
    "RuleOut",
    "StatementOut",
    "bank_journal",
    "create_rule",
    "import_statement",
    "load_mapping",
    "load_rules",
    "load_statement",
    "load_statements",
    "save_mapping",
)

_ZERO = Decimal(0)


class LineOut(msgspec.Struct, kw_only=True):
    """A statement line: a signed amount (negative is money out) and what reconciles it."""

    id: UUID
    statement_id: UUID
    line_no: int
    date: date
    amount: Decimal
    currency: str
    counterparty_name: str | None
    counterparty_account: str | None
    reference: str | None
    unique_id: str | None
    state: str
    method: str | None
    payment_id: UUID | None
    entry_id: UUID | None
    entry_line_ids: list[UUID]


class StatementOut(msgspec.Struct, kw_only=True):
    """A bank statement with its lines."""

    id: UUID
    journal_id: UUID
    journal_code: str
    name: str
    account_number: str | None
    format: str
    currency: str
    date_from: date
    date_to: date
    opening_balance: Decimal
    closing_balance: Decimal
    created_at: datetime
    line_count: int
    open_count: int
    lines: list[LineOut]


class ImportOut(msgspec.Struct, kw_only=True):
    """An imported statement, and what looked wrong without stopping the import."""

    statement: StatementOut
    warnings: list[str]


class CsvMappingOut(CsvMapping, kw_only=True):
    """A bank account's saved CSV mapping."""

    journal_id: UUID


class RuleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A reconciliation rule: which statement lines it books, and to what account.

    Lines whose text contains ``text_contains`` and whose amount is within the range are
    booked to ``account_code`` (with ``partner_id``).
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    account_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    text_contains: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    direction: Literal["in", "out", "any"] = "any"
    amount_min: Amount | None = None
    amount_max: Amount | None = None
    journal_id: UUID | None = None
    partner_id: UUID | None = None
    description: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class RuleOut(msgspec.Struct, kw_only=True):
    """A reconciliation rule."""

    id: UUID
    name: str
    account_code: str
    text_contains: str | None
    direction: str
    amount_min: Decimal | None
    amount_max: Decimal | None
    journal_id: UUID | None
    partner_id: UUID | None
    description: str | None
    active: bool
    created_at: datetime


async def bank_journal(
    conn: Connection,
    *,
    journal_id: UUID | None,
    journal_code: str | None,
    source: Literal["body", "query"] = "query",
) -> dict[str, Any]:
    """The bank or cash journal named by id or code, with its account and currency.

    Raises:
        ValidationException: 422 naming ``journal_id`` when none or another kind is named.
    """
    row = None
    if journal_id is not None:
        row = await conn.fetchrow("select * from finance_journal where id = $1", journal_id)
    elif journal_code is not None:
        row = await conn.fetchrow("select * from finance_journal where code = $1", journal_code)
    else:
        invalid("journal_id", "name the bank journal: journal_id or journal", source=source)
    if row is None:
        invalid("journal_id", "no such journal", source=source)
    if row["type"] not in ("bank", "cash") or row["default_account_id"] is None:
        invalid(
            "journal_id", "statements go to a bank or cash journal with an account", source=source
        )
    account = await conn.fetchrow(
        "select code, currency from finance_account where id = $1", row["default_account_id"]
    )
    assert account is not None  # a journal's account is a foreign key
    return {**dict(row), "account_code": account["code"], "account_currency": account["currency"]}


def _balances(
    parsed: ParsedStatement, previous: Decimal | None, currency: str
) -> tuple[Decimal, Decimal]:
    moved = sum((line.amount for line in parsed.lines), _ZERO)
    opening, closing = parsed.opening_balance, parsed.closing_balance
    if opening is None:
        opening = closing - moved if closing is not None else (previous or _ZERO)
    if closing is None:
        closing = opening + moved
    if opening + moved != closing:
        invalid(
            "file",
            f"the lines move the balance by {to_text(moved, currency)}, but the statement "
            f"goes from {to_text(opening, currency)} to {to_text(closing, currency)}",
        )
    return opening, closing


def _check_lines(parsed: ParsedStatement, currency: str) -> None:
    errors = FieldErrors()
    seen: set[str] = set()
    for index, line in enumerate(parsed.lines, start=1):
        if quantize(line.amount, currency) != line.amount:
            errors.add(
                "file", f"line {index}: {currency} amounts have no more decimals than allowed"
            )
        if not FIRST_DAY <= line.date <= LAST_DAY:
            errors.add("file", f"line {index}: the date {line.date} is outside the books")
        if line.unique_id is not None:
            if line.unique_id in seen:
                errors.add("file", f"line {index}: the bank id {line.unique_id!r} appears twice")
            seen.add(line.unique_id)
    errors.raise_if_any()


async def _refuse_duplicates(
    conn: Connection, journal: dict[str, Any], digest: str, parsed: ParsedStatement
) -> None:
    same = await conn.fetchrow(
        "select id, name from finance_bank_statement where journal_id = $1 and content_hash = $2",
        journal["id"],
        digest,
    )
    if same is not None:
        conflict(
            f"this file was already imported as the statement {same['name']}",
            statement_id=str(same["id"]),
        )
    ids = [line.unique_id for line in parsed.lines if line.unique_id]
    known = await conn.fetchrow(
        "select l.unique_id, s.id, s.name from finance_statement_line l "
        "join finance_bank_statement s on s.id = l.statement_id "
        "where l.journal_id = $1 and l.unique_id = any($2::text[]) limit 1",
        journal["id"],
        ids,
    )
    if known is not None:
        conflict(
            f"the line {known['unique_id']!r} was already imported with the statement "
            f"{known['name']}",
            statement_id=str(known["id"]),
        )
    plain = [line for line in parsed.lines if not line.unique_id]
    if not plain:
        return
    known = await conn.fetchrow(
        "select l.date, l.amount, s.id, s.name from finance_statement_line l "
        "join finance_bank_statement s on s.id = l.statement_id "
        "join unnest($2::date[], $3::numeric[], $4::text[]) as x(d, a, r) "
        "on l.date = x.d and l.amount = x.a and coalesce(l.reference, '') = x.r "
        "where l.journal_id = $1 limit 1",
        journal["id"],
        [line.date for line in plain],
        [line.amount for line in plain],
        [line.reference or "" for line in plain],
    )
    if known is not None:
        conflict(
            f"a line of {known['amount']:f} on {known['date']} with the same text was already "
            f"imported with the statement {known['name']}",
            statement_id=str(known["id"]),
        )


async def import_statement(
    conn: Connection,
    books: Company,
    journal: dict[str, Any],
    *,
    raw: bytes,
    parsed: ParsedStatement,
    events: EventPublisher,
) -> ImportOut:
    """Store a parsed statement in ``journal``; publish ``finance.bank_statement.imported.v1``.

    Raises:
        HTTPException: 409 naming the statement when the file, or one of its lines, was
            already imported.
        ValidationException: 422 when the currency is not the account's, the balances do
            not follow from the lines, or a line is malformed.
    """
    # The journal's row is locked: two imports of the same file cannot both pass the checks.
    await conn.execute("select 1 from finance_journal where id = $1 for update", journal["id"])
    books_currency = journal["account_currency"] or books.base_currency
    currency = (parsed.currency or books_currency).upper()
    if not is_currency(currency):
        invalid("file", f"{currency!r} is not an ISO 4217 currency")
    if currency != books_currency:
        invalid(
            "file",
            f"the statement is in {currency}; the journal {journal['code']} books {books_currency}",
        )
    _check_lines(parsed, currency)
    digest = hashlib.sha256(raw).hexdigest()
    await _refuse_duplicates(conn, journal, digest, parsed)
    previous = await conn.fetchrow(
        "select name, closing_balance from finance_bank_statement where journal_id = $1 "
        "order by date_to desc, created_at desc limit 1",
        journal["id"],
    )
    opening, closing = _balances(
        parsed, previous["closing_balance"] if previous else None, currency
    )
    warnings = []
    if previous is not None and previous["closing_balance"] != opening:
        warnings.append(
            f"the opening balance {to_text(opening, currency)} does not follow the closing "
            f"balance {to_text(previous['closing_balance'], currency)} of the statement "
            f"{previous['name']}"
        )
    days = [line.date for line in parsed.lines]
    date_from = min([parsed.date_from or min(days), *days])
    date_to = max([parsed.date_to or max(days), *days])
    statement_id = new_id()
    name = parsed.name or f"{journal['code']} {date_from} {date_to}"
    await conn.execute(
        "insert into finance_bank_statement (id, journal_id, name, account_number, format, "
        "currency, date_from, date_to, opening_balance, closing_balance, content_hash) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        statement_id,
        journal["id"],
        name,
        parsed.account_number,
        parsed.format,
        currency,
        date_from,
        date_to,
        opening,
        closing,
        digest,
    )
    lines = parsed.lines
    await conn.execute(
        "insert into finance_statement_line (id, statement_id, journal_id, line_no, date, "
        "amount, currency, counterparty_name, counterparty_account, reference, unique_id) "
        "select x.id, $1, $2, x.no, x.d, x.a, $3, x.cn, x.ca, x.r, x.u from unnest("
        "$4::uuid[], $5::int[], $6::date[], $7::numeric[], $8::text[], $9::text[], "
        "$10::text[], $11::text[]) as x(id, no, d, a, cn, ca, r, u)",
        statement_id,
        journal["id"],
        currency,
        [new_id() for _ in lines],
        list(range(1, len(lines) + 1)),
        days,
        [line.amount for line in lines],
        [line.counterparty_name for line in lines],
        [line.counterparty_account for line in lines],
        [line.reference for line in lines],
        [line.unique_id for line in lines],
    )
    imported = BankStatementImported(
        id=statement_id,
        journal_id=journal["id"],
        journal_code=journal["code"],
        name=name,
        format=parsed.format,
        currency=currency,
        date_from=date_from,
        date_to=date_to,
        opening_balance=to_text(opening, currency),
        closing_balance=to_text(closing, currency),
        line_count=len(lines),
    )
    await events.publish(
        conn, type=BANK_STATEMENT_IMPORTED.type, subject=str(statement_id), data=imported
    )
    return ImportOut(statement=await load_statement(conn, statement_id), warnings=warnings)


def _line_out(row: dict[str, Any], matches: list[UUID]) -> LineOut:
    currency = row["currency"]
    return LineOut(
        id=row["id"],
        statement_id=row["statement_id"],
        line_no=row["line_no"],
        date=row["date"],
        amount=quantize(row["amount"], currency),
        currency=currency,
        counterparty_name=row["counterparty_name"],
        counterparty_account=row["counterparty_account"],
        reference=row["reference"],
        unique_id=row["unique_id"],
        state=row["state"],
        method=row["method"],
        payment_id=row["payment_id"],
        entry_id=row["entry_id"],
        entry_line_ids=matches,
    )


async def load_lines(conn: Connection, line_ids: list[UUID]) -> list[LineOut]:
    """Statement lines with what reconciles them, in statement order."""
    rows = await conn.fetch(
        "select * from finance_statement_line where id = any($1::uuid[]) "
        "order by statement_id, line_no",
        line_ids,
    )
    matches: dict[UUID, list[UUID]] = {}
    for match in await conn.fetch(
        "select statement_line_id, entry_line_id from finance_statement_match "
        "where statement_line_id = any($1::uuid[]) order by id",
        line_ids,
    ):
        matches.setdefault(match["statement_line_id"], []).append(match["entry_line_id"])
    return [_line_out(dict(row), matches.get(row["id"], [])) for row in rows]


async def load_statements(
    conn: Connection, statement_ids: list[UUID], *, with_lines: bool = True
) -> list[StatementOut]:
    """Statements (with their lines), in the order of ``statement_ids`` (missing left out)."""
    rows = await conn.fetch(
        "select s.*, j.code as journal_code, "
        "(select count(*) from finance_statement_line l where l.statement_id = s.id) as n, "
        "(select count(*) from finance_statement_line l where l.statement_id = s.id "
        "and l.state = 'open') as open_n "
        "from finance_bank_statement s join finance_journal j on j.id = s.journal_id "
        "where s.id = any($1::uuid[])",
        statement_ids,
    )
    lines: dict[UUID, list[LineOut]] = {}
    if with_lines:
        ids = await conn.fetch(
            "select id from finance_statement_line where statement_id = any($1::uuid[])",
            statement_ids,
        )
        for line in await load_lines(conn, [row["id"] for row in ids]):
            lines.setdefault(line.statement_id, []).append(line)
    by_id = {row["id"]: row for row in rows}
    found = []
    for statement_id in statement_ids:
        row = by_id.get(statement_id)
        if row is None:
            continue
        currency = row["currency"]
        found.append(
            StatementOut(
                id=row["id"],
                journal_id=row["journal_id"],
                journal_code=row["journal_code"],
                name=row["name"],
                account_number=row["account_number"],
                format=row["format"],
                currency=currency,
                date_from=row["date_from"],
                date_to=row["date_to"],
                opening_balance=quantize(row["opening_balance"], currency),
                closing_balance=quantize(row["closing_balance"], currency),
                created_at=row["created_at"],
                line_count=row["n"],
                open_count=row["open_n"],
                lines=lines.get(statement_id, []),
            )
        )
    return found


async def load_statement(conn: Connection, statement_id: UUID) -> StatementOut:
    """One statement with its lines; 404 when it is not the tenant's."""
    found = await load_statements(conn, [statement_id])
    if not found:
        not_found()
    return found[0]


# CSV mappings ---------------------------------------------------------------------------

_MAPPING_FIELDS = tuple(CsvMapping.__struct_fields__)


def _check_mapping(data: CsvMapping) -> None:
    errors = FieldErrors()
    if data.amount_column is None and (data.debit_column is None or data.credit_column is None):
        errors.add("amount_column", "give amount_column, or debit_column and credit_column")
    try:
        sample = date(2026, 12, 31)
        if "%" not in data.date_format or (
            datetime.strptime(sample.strftime(data.date_format), data.date_format).date()  # noqa: DTZ007
            != sample
        ):
            errors.add("date_format", "a strftime format with day, month and year (%d/%m/%Y)")
    except ValueError:
        errors.add("date_format", "a strftime format with day, month and year (%d/%m/%Y)")
    errors.raise_if_any()


async def save_mapping(conn: Connection, journal_id: UUID, data: CsvMapping) -> CsvMappingOut:
    """Save (replace) the CSV mapping of a bank journal; 404 for a journal that is not one."""
    journal = await conn.fetchrow(
        "select type from finance_journal where id = $1 for update", journal_id
    )
    if journal is None or journal["type"] not in ("bank", "cash"):
        not_found()
    _check_mapping(data)
    values = [getattr(data, name) for name in _MAPPING_FIELDS]
    columns = ", ".join(_MAPPING_FIELDS)
    params = ", ".join(f"${i}" for i in range(3, len(values) + 3))
    updates = ", ".join(f"{name} = excluded.{name}" for name in _MAPPING_FIELDS)
    await conn.execute(
        f"insert into finance_bank_csv_mapping (id, journal_id, {columns}) "  # noqa: S608 - names are the Struct's fields
        f"values ($1, $2, {params}) on conflict (tenant_id, journal_id) do update "
        f"set {updates}, updated_at = now()",
        new_id(),
        journal_id,
        *values,
    )
    found = await load_mapping(conn, journal_id)
    assert found is not None
    return found


async def load_mapping(conn: Connection, journal_id: UUID) -> CsvMappingOut | None:
    """The saved CSV mapping of a journal, if any."""
    row = await conn.fetchrow(
        "select * from finance_bank_csv_mapping where journal_id = $1", journal_id
    )
    if row is None:
        return None
    return CsvMappingOut(journal_id=journal_id, **{name: row[name] for name in _MAPPING_FIELDS})


# Rules ----------------------------------------------------------------------------------


async def create_rule(conn: Connection, data: RuleIn) -> RuleOut:
    """Save a reconciliation rule; 422 naming the fields that cannot work."""
    errors = FieldErrors()
    if data.text_contains is None and data.amount_min is None and data.amount_max is None:
        errors.add("text_contains", "a rule needs a text or an amount range to match")
    if (
        data.amount_min is not None
        and data.amount_max is not None
        and data.amount_min > data.amount_max
    ):
        errors.add("amount_max", "below amount_min")
    if data.journal_id is not None and not await conn.fetchval(
        "select 1 from finance_journal where id = $1 and type in ('bank', 'cash')", data.journal_id
    ):
        errors.add("journal_id", "no such bank or cash journal")
    if data.partner_id is not None and not await conn.fetchval(
        "select 1 from finance_partner where id = $1", data.partner_id
    ):
        errors.add("partner_id", "no such partner")
    errors.raise_if_any()
    account = await account_by_code(conn, data.account_code, key="account_code")
    rule_id = new_id()
    await conn.execute(
        "insert into finance_bank_rule (id, name, journal_id, text_contains, direction, "
        "amount_min, amount_max, account_id, partner_id, description) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        rule_id,
        data.name,
        data.journal_id,
        data.text_contains,
        data.direction,
        data.amount_min,
        data.amount_max,
        account,
        data.partner_id,
        data.description,
    )
    [rule] = await load_rules(conn, rule_id=rule_id)
    return rule


async def load_rules(conn: Connection, *, rule_id: UUID | None = None) -> list[RuleOut]:
    """The tenant's reconciliation rules in creation order (or only ``rule_id``)."""
    rows = await conn.fetch(
        "select r.*, a.code as account_code from finance_bank_rule r "
        "join finance_account a on a.id = r.account_id "
        "where ($1::uuid is null or r.id = $1) order by r.created_at, r.id",
        rule_id,
    )
    return [
        RuleOut(
            id=row["id"],
            name=row["name"],
            account_code=row["account_code"],
            text_contains=row["text_contains"],
            direction=row["direction"],
            amount_min=row["amount_min"],
            amount_max=row["amount_max"],
            journal_id=row["journal_id"],
            partner_id=row["partner_id"],
            description=row["description"],
            active=row["active"],
            created_at=row["created_at"],
        )
        for row in rows
    ]
