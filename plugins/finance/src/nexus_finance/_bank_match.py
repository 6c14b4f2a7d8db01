"""Bank reconciliation: suggestions, reconciling statement lines, rules, the report.

A statement line is reconciled with ledger lines on its journal's bank account: lines that
exist (payments already recorded), the line of a payment created for open documents, or
the line of an entry created from it. Each ledger line is reconciled at most once. An
entry and its reversal made by un-reconciling cancel out and are never outstanding.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, invalid, not_found

from nexus_finance import _payments
from nexus_finance._books import account_by_code
from nexus_finance._events import STATEMENT_LINE_RECONCILED, StatementLineReconciled
from nexus_finance._ledger import Posting, next_number, post_entry
from nexus_finance._money import quantize, to_text
from nexus_finance._payments import AllocationIn, PaymentIn

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher

    from nexus_finance._books import Company

__all__ = (
    "AutoReport",
    "ReconcileIn",
    "ReconciliationReport",
    "Suggestion",
    "auto_reconcile",
    "reconcile",
    "report",
    "suggestions",
    "unreconcile",
)

_ZERO = Decimal(0)
Method = Literal["match", "payment", "entry", "rule"]
# Entries that cancel out on the bank account: one made from a statement line, and its
# reversal when the line was un-reconciled.
_CANCELLED = (
    "not exists (select 1 from finance_entry x where x.id = l.entry_id and ("
    "(x.source = 'bank_statement_reversal') or (x.source = 'bank_statement' and exists "
    "(select 1 from finance_entry r where r.reversal_of = x.id))))"
)
_UNMATCHED = "not exists (select 1 from finance_statement_match m where m.entry_line_id = l.id)"


class ReconcileIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to reconcile a statement line; give exactly one of three ways.

    - ``entry_line_ids``: bank-account ledger lines already booked (payments recorded),
      whose amounts add up to the line's;
    - ``allocations`` (and optionally ``partner_id``): open invoices, bills or credit notes
      the line pays; a payment dated the line's day is created (what is not allocated stays
      on the partner's account); ``partner_id`` alone makes a payment on account;
    - ``account_code`` (and optionally ``partner_id``): an entry is created from the line
      against that account (bank charges, interest…).
    """

    entry_line_ids: Annotated[list[UUID], msgspec.Meta(max_length=200)] = []
    allocations: Annotated[list[AllocationIn], msgspec.Meta(max_length=200)] = []
    account_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None
    partner_id: UUID | None = None
    description: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class Suggestion(msgspec.Struct, kw_only=True):
    """A way to reconcile a statement line, with its score (higher is likelier).

    ``kind`` is ``document`` (an open invoice, bill or credit note: reconcile with
    ``allocations``) or ``ledger_line`` (a payment already booked: reconcile with
    ``entry_line_ids``).
    """

    kind: Literal["document", "ledger_line"]
    score: int
    reason: str
    amount: Decimal
    invoice_id: UUID | None = None
    number: str | None = None
    partner_id: UUID | None = None
    partner_name: str | None = None
    amount_due: Decimal | None = None
    entry_line_id: UUID | None = None
    entry_number: str | None = None
    date: date | None = None


class AutoAction(msgspec.Struct, kw_only=True):
    """What auto-reconciliation did with one line (or why it left it)."""

    line_id: UUID
    line_no: int
    action: Literal["rule", "payment", "skipped"]
    detail: str


class AutoReport(msgspec.Struct, kw_only=True):
    """The outcome of auto-reconciliation over a statement's open lines."""

    reconciled: int
    left_open: int
    actions: list[AutoAction]


class OpenLine(msgspec.Struct, kw_only=True):
    """A statement line not yet reconciled."""

    id: UUID
    statement_id: UUID
    date: date
    amount: Decimal
    reference: str | None
    counterparty_name: str | None


class OutstandingLine(msgspec.Struct, kw_only=True):
    """A bank-account ledger line on no statement yet (a payment not yet cleared)."""

    entry_line_id: UUID
    entry_number: str
    date: date
    amount: Decimal
    description: str | None


class ReconciliationReport(msgspec.Struct, kw_only=True):
    """The bank reconciliation of one account at a date.

    ``book_balance`` = ``statement_balance`` − ``unreconciled_total`` + ``outstanding_total``
    + ``unexplained``; a reconciled account has no open lines, and ``unexplained`` is zero
    when the first statement's opening balance is the books' balance before it.
    """

    journal_id: UUID
    journal_code: str
    account_code: str
    currency: str
    date_to: date
    book_balance: Decimal
    statement_balance: Decimal | None
    last_statement_id: UUID | None
    last_statement_date: date | None
    difference: Decimal
    unreconciled_lines: list[OpenLine]
    unreconciled_total: Decimal
    outstanding: list[OutstandingLine]
    outstanding_total: Decimal
    opening_covered: Decimal
    unexplained: Decimal


async def _line(conn: Connection, statement_id: UUID, line_id: UUID) -> dict[str, Any]:
    row = await conn.fetchrow(
        "select l.*, j.code as journal_code, j.default_account_id as bank_account "
        "from finance_statement_line l join finance_journal j on j.id = l.journal_id "
        "where l.id = $1 and l.statement_id = $2 for update of l",
        line_id,
        statement_id,
    )
    if row is None:
        not_found()
    return dict(row)


def _words(text: str) -> str:
    """``text`` as its words: lower case, every run of other characters one space."""
    return " " + re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip() + " "


def _text_of(line: dict[str, Any]) -> str:
    return " ".join(t for t in (line["reference"], line["counterparty_name"]) if t)


def _contains(text: str, needle: str | None) -> bool:
    if not needle:
        return False
    words = _words(needle)
    return len(words.strip()) >= 3 and words in _words(text)


async def _document_suggestions(conn: Connection, line: dict[str, Any]) -> list[Suggestion]:
    inbound = line["amount"] > 0
    kinds = (
        [("invoice", "sale"), ("credit_note", "purchase")]
        if inbound
        else [
            ("bill", "purchase"),
            ("credit_note", "sale"),
        ]
    )
    rows = await conn.fetch(
        "select i.id, i.number, i.reference, i.partner_id, p.name as partner_name, "
        "i.total - i.amount_paid as due from finance_invoice i "
        "join finance_partner p on p.id = i.partner_id "
        "where i.state in ('posted', 'partially_paid') and i.currency = $1 "
        "and ((i.kind = $2 and i.direction = $3) or (i.kind = $4 and i.direction = $5)) "
        "order by i.date, i.number limit 2000",
        line["currency"],
        *kinds[0],
        *kinds[1],
    )
    text, amount, found = _text_of(line), abs(line["amount"]), []
    for row in rows:
        score, reasons = 0, []
        if _contains(text, row["number"]):
            score += 50
            reasons.append(f"the number {row['number']} is in the text")
        elif _contains(text, row["reference"]):
            score += 30
            reasons.append(f"the reference {row['reference']} is in the text")
        if row["due"] == amount:
            score += 40
            reasons.append("the amount due is the line's amount")
        elif row["due"] > amount and reasons:
            score += 5
            reasons.append("a partial payment")
        if _contains(text, row["partner_name"]):
            score += 20
            reasons.append(f"the partner {row['partner_name']} is named")
        if score < 40:
            continue
        found.append(
            Suggestion(
                kind="document",
                score=score,
                reason="; ".join(reasons),
                amount=quantize(min(row["due"], amount), line["currency"]),
                invoice_id=row["id"],
                number=row["number"],
                partner_id=row["partner_id"],
                partner_name=row["partner_name"],
                amount_due=quantize(row["due"], line["currency"]),
            )
        )
    return found


async def _ledger_suggestions(conn: Connection, line: dict[str, Any]) -> list[Suggestion]:
    rows = await conn.fetch(
        "select l.id, l.date, l.debit - l.credit as amount, l.description, e.number, "
        "e.reference from finance_entry_line l join finance_entry e on e.id = l.entry_id "
        f"where l.account_id = $1 and l.currency = $2 and l.debit - l.credit = $3 and {_UNMATCHED} "
        f"and {_CANCELLED} order by abs(l.date - $4::date), e.number limit 50",
        line["bank_account"],
        line["currency"],
        line["amount"],
        line["date"],
    )
    text, found = _text_of(line), []
    for row in rows:
        score, reasons = 60, ["a booked payment of the same amount"]
        if abs((row["date"] - line["date"]).days) <= 7:
            score += 10
            reasons.append("within a week")
        if _contains(text, row["reference"]) or _contains(text, row["description"]):
            score += 20
            reasons.append("its reference is in the text")
        found.append(
            Suggestion(
                kind="ledger_line",
                score=score,
                reason="; ".join(reasons),
                amount=quantize(row["amount"], line["currency"]),
                entry_line_id=row["id"],
                entry_number=row["number"],
                date=row["date"],
            )
        )
    return found


async def suggestions(conn: Connection, statement_id: UUID, line_id: UUID) -> list[Suggestion]:
    """Ways to reconcile an open line, best first (an empty list for a reconciled one)."""
    line = await _line(conn, statement_id, line_id)
    if line["state"] != "open":
        return []
    found = await _document_suggestions(conn, line) + await _ledger_suggestions(conn, line)
    found.sort(key=lambda s: -s.score)
    return found[:20]


async def _bank_line(conn: Connection, entry_id: UUID, account: UUID) -> UUID:
    found: UUID = await conn.fetchval(
        "select id from finance_entry_line where entry_id = $1 and account_id = $2 "
        "order by line_no limit 1",
        entry_id,
        account,
    )
    return found


async def _match_lines(conn: Connection, line: dict[str, Any], ids: list[UUID]) -> None:
    errors = FieldErrors()
    if len(set(ids)) != len(ids):
        invalid("entry_line_ids", "each ledger line is named once")
    # Locked first, read after: the read then sees matches committed while it waited.
    await conn.execute(
        "select 1 from finance_entry_line where id = any($1::uuid[]) for update", ids
    )
    rows = {
        row["id"]: row
        for row in await conn.fetch(
            "select l.id, l.account_id, l.currency, l.debit - l.credit as amount, "
            "(select s.statement_line_id from finance_statement_match s "
            "where s.entry_line_id = l.id) as matched from finance_entry_line l "
            "where l.id = any($1::uuid[])",
            ids,
        )
    }
    total = _ZERO
    for index, entry_line in enumerate(ids):
        row = rows.get(entry_line)
        key = f"entry_line_ids[{index}]"
        if row is None:
            errors.add(key, "no such ledger line")
        elif row["account_id"] != line["bank_account"]:
            errors.add(key, "the ledger line is not on this journal's bank account")
        elif row["currency"] != line["currency"]:
            errors.add(key, f"the ledger line is in {row['currency']}, not {line['currency']}")
        elif row["matched"] is not None:
            conflict(
                "the ledger line is already reconciled with another statement line",
                statement_line_id=str(row["matched"]),
            )
        else:
            total += row["amount"]
    errors.raise_if_any()
    if total != line["amount"]:
        invalid(
            "entry_line_ids",
            f"the ledger lines add up to {to_text(total, line['currency'])}, "
            f"the statement line is {to_text(line['amount'], line['currency'])}",
        )


async def _pay(
    conn: Connection,
    books: Company,
    line: dict[str, Any],
    data: ReconcileIn,
    *,
    events: EventPublisher,
    multi_currency: bool,
) -> UUID:
    partner = data.partner_id
    if partner is None:
        partner = await conn.fetchval(
            "select partner_id from finance_invoice where id = $1",
            data.allocations[0].invoice_id,
        )
        if partner is None:
            invalid("allocations[0].invoice_id", "no such document")
    elif not await conn.fetchval("select 1 from finance_partner where id = $1", partner):
        invalid("partner_id", "no such partner")
    payment = PaymentIn(
        amount=abs(line["amount"]),
        partner_id=partner,
        direction="inbound" if line["amount"] > 0 else "outbound",
        currency=line["currency"],
        date=line["date"],
        journal_code=line["journal_code"],
        reference=(data.description or line["reference"] or line["unique_id"] or "")[:500] or None,
        allocations=data.allocations,
    )
    payment_id = await _payments.create(
        conn, books, payment, events=events, multi_currency=multi_currency
    )
    return payment_id


async def _book(
    conn: Connection,
    books: Company,
    line: dict[str, Any],
    *,
    account: UUID,
    partner: UUID | None,
    description: str | None,
) -> UUID:
    if account == line["bank_account"]:
        invalid("account_code", "the counter account cannot be the bank account itself")
    if partner is not None and not await conn.fetchval(
        "select 1 from finance_partner where id = $1", partner
    ):
        invalid("partner_id", "no such partner")
    inbound, amount = line["amount"] > 0, abs(line["amount"])
    text = (description or line["reference"] or "Bank statement line")[:500]

    def side(on: UUID, debit: bool) -> Posting:
        return Posting(
            account_id=on,
            currency=line["currency"],
            debit=amount if debit else _ZERO,
            credit=_ZERO if debit else amount,
            description=text,
            partner_id=partner,
        )

    code = line["journal_code"]
    return await post_entry(
        conn,
        books,
        journal_id=line["journal_id"],
        number=await next_number(conn, code, code, line["date"]),
        day=line["date"],
        lines=[side(line["bank_account"], inbound), side(account, not inbound)],
        reference=line["unique_id"],
        memo=f"Bank statement line: {text}"[:2000],
        source="bank_statement",
    )


async def _done(
    conn: Connection,
    line: dict[str, Any],
    *,
    method: Method,
    entry_lines: list[UUID],
    payment_id: UUID | None,
    entry_id: UUID | None,
    events: EventPublisher,
) -> None:
    for entry_line in entry_lines:
        await conn.execute(
            "insert into finance_statement_match (id, statement_line_id, entry_line_id) "
            "values ($1, $2, $3)",
            new_id(),
            line["id"],
            entry_line,
        )
    await conn.execute(
        "update finance_statement_line set state = 'reconciled', method = $2, payment_id = $3, "
        "entry_id = $4, reconciled_at = $5 where id = $1",
        line["id"],
        method,
        payment_id,
        entry_id,
        datetime.now(UTC),
    )
    data = StatementLineReconciled(
        id=line["id"],
        statement_id=line["statement_id"],
        journal_id=line["journal_id"],
        date=line["date"],
        amount=to_text(line["amount"], line["currency"]),
        currency=line["currency"],
        method=method,
        entry_line_ids=entry_lines,
        payment_id=payment_id,
        entry_id=entry_id,
    )
    await events.publish(
        conn, type=STATEMENT_LINE_RECONCILED.type, subject=str(line["id"]), data=data
    )


async def reconcile(
    conn: Connection,
    books: Company,
    statement_id: UUID,
    line_id: UUID,
    data: ReconcileIn,
    *,
    events: EventPublisher,
    multi_currency: bool,
) -> None:
    """Reconcile one open line; publish ``finance.statement_line.reconciled.v1``.

    Raises:
        HTTPException: 404 for another statement's or tenant's line; 409 for a line already
            reconciled or a ledger line reconciled elsewhere, or a closed period.
        ValidationException: 422 when not exactly one way is given, or amounts disagree.
    """
    line = await _line(conn, statement_id, line_id)
    if line["state"] != "open":
        conflict("the statement line is already reconciled: un-reconcile it first")
    ways = [
        bool(data.entry_line_ids),
        bool(data.allocations) or (data.partner_id is not None and data.account_code is None),
        data.account_code is not None,
    ]
    if sum(ways) != 1:
        invalid(
            "entry_line_ids",
            "give one of entry_line_ids, allocations (or partner_id alone) or account_code",
        )
    if data.entry_line_ids:
        await _match_lines(conn, line, data.entry_line_ids)
        await _done(
            conn,
            line,
            method="match",
            entry_lines=data.entry_line_ids,
            payment_id=None,
            entry_id=None,
            events=events,
        )
    elif data.account_code is not None:
        account = await account_by_code(conn, data.account_code, key="account_code")
        entry_id = await _book(
            conn,
            books,
            line,
            account=account,
            partner=data.partner_id,
            description=data.description,
        )
        await _done(
            conn,
            line,
            method="entry",
            entry_lines=[await _bank_line(conn, entry_id, line["bank_account"])],
            payment_id=None,
            entry_id=entry_id,
            events=events,
        )
    else:
        payment_id = await _pay(
            conn, books, line, data, events=events, multi_currency=multi_currency
        )
        entry_id = await conn.fetchval(
            "select entry_id from finance_payment where id = $1", payment_id
        )
        await _done(
            conn,
            line,
            method="payment",
            entry_lines=[await _bank_line(conn, entry_id, line["bank_account"])],
            payment_id=payment_id,
            entry_id=None,
            events=events,
        )


async def unreconcile(conn: Connection, books: Company, statement_id: UUID, line_id: UUID) -> None:
    """Reopen a reconciled line: an entry made from it is reversed, matches are removed.

    A payment made from it stays booked (its allocations too): it is a ledger line on the
    bank account again, to be matched with this line or another.

    Raises:
        HTTPException: 409 for an open line, or when the reversal falls in a closed period.
    """
    line = await _line(conn, statement_id, line_id)
    if line["state"] != "reconciled":
        conflict("the statement line is not reconciled")
    if line["entry_id"] is not None:
        original = await conn.fetchrow(
            "select number, date from finance_entry where id = $1", line["entry_id"]
        )
        assert original is not None  # a foreign key
        mirrored = [
            Posting(
                account_id=row["account_id"],
                currency=row["currency"],
                debit=row["credit"],
                credit=row["debit"],
                description=row["description"],
                partner_id=row["partner_id"],
                rate=row["rate"],
                base_debit=row["base_credit"],
                base_credit=row["base_debit"],
            )
            for row in await conn.fetch(
                "select * from finance_entry_line where entry_id = $1 order by line_no",
                line["entry_id"],
            )
            if row["debit"] or row["credit"] or row["base_debit"] or row["base_credit"]
        ]
        code = line["journal_code"]
        await post_entry(
            conn,
            books,
            journal_id=line["journal_id"],
            number=await next_number(conn, code, code, original["date"]),
            day=original["date"],
            lines=mirrored,
            reference=original["number"],
            memo=f"Reversal of {original['number']} (statement line un-reconciled)",
            source="bank_statement_reversal",
            reversal_of=line["entry_id"],
        )
    await conn.execute("delete from finance_statement_match where statement_line_id = $1", line_id)
    await conn.execute(
        "update finance_statement_line set state = 'open', method = null, payment_id = null, "
        "entry_id = null, reconciled_at = null where id = $1",
        line_id,
    )


def _rule_fits(rule: dict[str, Any], line: dict[str, Any]) -> bool:
    amount = abs(line["amount"])
    if rule["account_id"] == line["bank_account"]:
        return False
    if rule["journal_id"] is not None and rule["journal_id"] != line["journal_id"]:
        return False
    if rule["direction"] == "in" and line["amount"] < 0:
        return False
    if rule["direction"] == "out" and line["amount"] > 0:
        return False
    if rule["amount_min"] is not None and amount < rule["amount_min"]:
        return False
    if rule["amount_max"] is not None and amount > rule["amount_max"]:
        return False
    needle = rule["text_contains"]
    return needle is None or needle.casefold() in _text_of(line).casefold()


async def auto_reconcile(
    conn: Connection,
    books: Company,
    statement_id: UUID,
    *,
    events: EventPublisher,
    multi_currency: bool,
) -> AutoReport:
    """Apply the rules, then the unambiguous suggestions, to every open line of a statement.

    A rule books the line to its account (an entry, ``rule``); otherwise a line whose text
    names exactly one open document due for exactly its amount pays it (a payment). Lines
    dated in a closed period, or with no unambiguous way, are left open and reported.
    """
    if not await conn.fetchval("select 1 from finance_bank_statement where id = $1", statement_id):
        not_found()
    rules = [
        dict(row)
        for row in await conn.fetch(
            "select * from finance_bank_rule where active order by created_at, id"
        )
    ]
    lines = await conn.fetch(
        "select id, line_no from finance_statement_line where statement_id = $1 "
        "and state = 'open' order by line_no",
        statement_id,
    )
    report = AutoReport(reconciled=0, left_open=0, actions=[])
    for row in lines:
        line = await _line(conn, statement_id, row["id"])
        action = await _auto_line(conn, books, line, rules, events=events, multi=multi_currency)
        report.actions.append(action)
        if action.action == "skipped":
            report.left_open += 1
        else:
            report.reconciled += 1
    return report


async def _auto_line(
    conn: Connection,
    books: Company,
    line: dict[str, Any],
    rules: list[dict[str, Any]],
    *,
    events: EventPublisher,
    multi: bool,
) -> AutoAction:
    def act(action: Literal["rule", "payment", "skipped"], detail: str) -> AutoAction:
        return AutoAction(line_id=line["id"], line_no=line["line_no"], action=action, detail=detail)

    state = await conn.fetchval(
        "select state from finance_period where start_date <= $1 and end_date >= $1", line["date"]
    )
    if state == "closed":
        return act("skipped", f"the period of {line['date']} is closed")
    rule = next((r for r in rules if _rule_fits(r, line)), None)
    if rule is not None:
        entry_id = await _book(
            conn,
            books,
            line,
            account=rule["account_id"],
            partner=rule["partner_id"],
            description=rule["description"] or rule["name"],
        )
        await _done(
            conn,
            line,
            method="rule",
            entry_lines=[await _bank_line(conn, entry_id, line["bank_account"])],
            payment_id=None,
            entry_id=entry_id,
            events=events,
        )
        return act("rule", f"booked by the rule {rule['name']!r}")
    documents = [
        s
        for s in await _document_suggestions(conn, line)
        if s.amount_due == abs(line["amount"]) and _contains(_text_of(line), s.number)
    ]
    if len(documents) != 1:
        reason = "no document" if not documents else f"{len(documents)} documents"
        return act("skipped", f"{reason} named in the text is due for exactly this amount")
    [document] = documents
    assert document.invoice_id is not None
    data = ReconcileIn(
        allocations=[AllocationIn(invoice_id=document.invoice_id, amount=document.amount)]
    )
    payment_id = await _pay(conn, books, line, data, events=events, multi_currency=multi)
    entry_id = await conn.fetchval("select entry_id from finance_payment where id = $1", payment_id)
    await _done(
        conn,
        line,
        method="payment",
        entry_lines=[await _bank_line(conn, entry_id, line["bank_account"])],
        payment_id=payment_id,
        entry_id=None,
        events=events,
    )
    return act("payment", f"paid {document.number} in full")


async def report(
    conn: Connection, journal: dict[str, Any], *, currency: str, date_to: date
) -> ReconciliationReport:
    """The reconciliation of a bank journal's account at ``date_to``.

    Statements ending on or before ``date_to`` count; book lines dated before the first
    statement are covered by its opening balance.
    """
    account = journal["default_account_id"]
    book = await conn.fetchval(
        "select coalesce(sum(debit - credit), 0) from finance_entry_line "
        "where account_id = $1 and currency = $2 and date <= $3",
        account,
        currency,
        date_to,
    )
    last = await conn.fetchrow(
        "select id, date_to, closing_balance from finance_bank_statement "
        "where journal_id = $1 and date_to <= $2 order by date_to desc, created_at desc limit 1",
        journal["id"],
        date_to,
    )
    first = await conn.fetchval(
        "select min(date_from) from finance_bank_statement where journal_id = $1 and date_to <= $2",
        journal["id"],
        date_to,
    )
    open_lines = await conn.fetch(
        "select l.id, l.statement_id, l.date, l.amount, l.reference, l.counterparty_name "
        "from finance_statement_line l join finance_bank_statement s on s.id = l.statement_id "
        "where l.journal_id = $1 and l.state = 'open' and s.date_to <= $2 "
        "order by l.date, l.line_no",
        journal["id"],
        date_to,
    )
    outstanding = await conn.fetch(
        "select l.id, e.number, l.date, l.debit - l.credit as amount, "
        "coalesce(l.description, e.memo) as description from finance_entry_line l "
        "join finance_entry e on e.id = l.entry_id where l.account_id = $1 and l.currency = $2 "
        "and l.date <= $3 and ($4::date is null or l.date >= $4) and not exists ("
        "select 1 from finance_statement_match m join finance_statement_line s "
        "on s.id = m.statement_line_id join finance_bank_statement b on b.id = s.statement_id "
        f"where m.entry_line_id = l.id and b.date_to <= $3) and {_CANCELLED} "
        "order by l.date, e.number",
        account,
        currency,
        date_to,
        first,
    )
    covered = _ZERO
    if first is not None:
        covered = await conn.fetchval(
            "select coalesce(sum(debit - credit), 0) from finance_entry_line l "
            f"where account_id = $1 and currency = $2 and date < $3 and {_CANCELLED} "
            f"and {_UNMATCHED}",
            account,
            currency,
            first,
        )
    statement = last["closing_balance"] if last is not None else _ZERO
    unreconciled = sum((row["amount"] for row in open_lines), _ZERO)
    pending = sum((row["amount"] for row in outstanding), _ZERO)

    def q(amount: Decimal) -> Decimal:
        return quantize(amount, currency)

    return ReconciliationReport(
        journal_id=journal["id"],
        journal_code=journal["code"],
        account_code=journal["account_code"],
        currency=currency,
        date_to=date_to,
        book_balance=q(book),
        statement_balance=q(statement) if last is not None else None,
        last_statement_id=last["id"] if last is not None else None,
        last_statement_date=last["date_to"] if last is not None else None,
        difference=q(book - statement),
        unreconciled_lines=[
            OpenLine(
                id=row["id"],
                statement_id=row["statement_id"],
                date=row["date"],
                amount=q(row["amount"]),
                reference=row["reference"],
                counterparty_name=row["counterparty_name"],
            )
            for row in open_lines
        ],
        unreconciled_total=q(unreconciled),
        outstanding=[
            OutstandingLine(
                entry_line_id=row["id"],
                entry_number=row["number"],
                date=row["date"],
                amount=q(row["amount"]),
                description=row["description"],
            )
            for row in outstanding
        ],
        outstanding_total=q(pending),
        opening_covered=q(covered),
        unexplained=q(book - (statement - unreconciled + pending)),
    )
