"""Posting journal entries: balanced per currency, dated in an open period, converted.

Every line keeps its amount in its own currency and in the base currency (at the rate of
the entry's date, or the rate the caller fixes — a payment clears a receivable at the
invoice's rate). What conversion leaves unbalanced in the base currency is the realised
exchange difference (or rounding): a base-only line on the exchange gain or loss account.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, invalid

from nexus_finance._books import default_account, open_period, rate_on
from nexus_finance._money import is_currency, money_text, quantize

if TYPE_CHECKING:
    from datetime import date

    from nexus_hookspecs import Connection

    from nexus_finance._books import Company

__all__ = ("Posting", "next_number", "post_entry")

_ZERO = Decimal(0)


class Posting(msgspec.Struct, kw_only=True):
    """One line to post: a debit or a credit on an account, in a currency.

    ``rate`` fixes the conversion to the base currency (else the rate of the entry's date).
    """

    account_id: UUID
    currency: str
    debit: Decimal = _ZERO
    credit: Decimal = _ZERO
    description: str | None = None
    partner_id: UUID | None = None
    rate: Decimal | None = None
    base_debit: Decimal | None = None
    base_credit: Decimal | None = None


async def next_number(conn: Connection, journal_code: str, prefix: str, day: date) -> str:
    """The next number ``PREFIX/YYYY/00001`` of a series, without gaps.

    The journal's row is locked for the rest of the transaction, so two postings in one
    journal take consecutive numbers.
    """
    await conn.execute("select 1 from finance_journal where code = $1 for update", journal_code)
    start = f"{prefix}/{day.year}/"
    last = await conn.fetchval(
        "select max(substr(number, $2)::int) from finance_entry where number like $1 || '%' "
        "and substr(number, $2) ~ '^[0-9]+$'",
        start,
        len(start) + 1,
    )
    return f"{start}{(last or 0) + 1:05d}"


def _line_problem(line: Posting) -> tuple[str, str] | None:
    """What is wrong with one line on its own, if anything: (field of the line, message)."""
    if not is_currency(line.currency):
        return ".currency", f"{line.currency!r} is not an ISO 4217 currency"
    if not (line.debit.is_finite() and line.credit.is_finite()):
        return "", "debit and credit must be numbers"
    if line.debit < 0 or line.credit < 0:
        return "", "debit and credit cannot be negative"
    if line.debit and line.credit:
        return "", "a line is either a debit or a credit, not both"
    if (
        quantize(line.debit, line.currency) != line.debit
        or quantize(line.credit, line.currency) != line.credit
    ):
        return "", f"{line.currency} amounts have more decimals than allowed"
    return None


def _check_balanced(lines: list[Posting], *, revaluation: bool, locale: str | None = None) -> None:
    """Refuse malformed lines (every one of them at once), then an unbalanced entry."""
    if len(lines) < 2 and not revaluation:
        invalid("lines", "an entry needs at least two lines")
    errors = FieldErrors()
    for index, line in enumerate(lines):
        problem = _line_problem(line)
        if problem is not None:
            errors.add(f"lines[{index}]{problem[0]}", problem[1])
    errors.raise_if_any()
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.currency] += line.debit - line.credit
    unbalanced = {currency: total for currency, total in totals.items() if total}
    if unbalanced:
        detail = ", ".join(
            f"{c} debits exceed credits by {money_text(t, c, locale)}"
            if t > 0
            else f"{c} credits exceed debits by {money_text(-t, c, locale)}"
            for c, t in unbalanced.items()
        )
        invalid("lines", f"the entry does not balance: {detail}")
    if not revaluation and not any(line.debit or line.credit for line in lines):
        invalid("lines", "an entry must move some amount")


async def _convert(conn: Connection, books: Company, day: date, lines: list[Posting]) -> None:
    rates: dict[str, Decimal] = {}
    base = books.base_currency
    for line in lines:
        if line.rate is None:
            if line.currency not in rates:
                rates[line.currency] = await rate_on(conn, books, line.currency, day)
            line.rate = rates[line.currency]
        if line.base_debit is None:
            line.base_debit = quantize(line.debit * line.rate, base)
        if line.base_credit is None:
            line.base_credit = quantize(line.credit * line.rate, base)


async def _exchange_difference(books: Company, conn: Connection, lines: list[Posting]) -> None:
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        by_currency[line.currency] += (line.base_debit or _ZERO) - (line.base_credit or _ZERO)
    for currency, difference in by_currency.items():
        if not difference:
            continue
        gain = difference > 0  # debits exceed credits in base: the balancing credit is a gain
        account = await default_account(conn, "fx_gain" if gain else "fx_loss")
        lines.append(
            Posting(
                account_id=account,
                currency=currency,
                description="Exchange difference",
                rate=_ZERO,
                base_debit=_ZERO if gain else -difference,
                base_credit=difference if gain else _ZERO,
            )
        )


async def post_entry(
    conn: Connection,
    books: Company,
    *,
    journal_id: UUID,
    number: str,
    day: date,
    lines: list[Posting],
    reference: str | None = None,
    memo: str | None = None,
    source: str = "manual",
    source_ref: str | None = None,
    reversal_of: UUID | None = None,
    revaluation: bool = False,
) -> UUID:
    """Check and write one journal entry; return its id.

    Raises:
        ValidationException: 422 when the lines do not balance in every currency, an amount
            is malformed, or a rate is missing.
        HTTPException: 409 when ``day`` falls in a closed period.

    A ``revaluation`` moves base-currency amounts only (lines of zero amount with fixed
    base amounts); the exchange difference line balances it.
    """
    _check_balanced(lines, revaluation=revaluation, locale=books.locale)
    await open_period(conn, books, day)
    await _convert(conn, books, day, lines)
    await _exchange_difference(books, conn, lines)
    entry_id = new_id()
    await conn.execute(
        "insert into finance_entry (id, journal_id, number, date, reference, memo, source, "
        "source_ref, reversal_of) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        entry_id,
        journal_id,
        number,
        day,
        reference,
        memo,
        source,
        source_ref,
        reversal_of,
    )
    for line_no, line in enumerate(lines, start=1):
        await conn.execute(
            "insert into finance_entry_line (id, entry_id, line_no, account_id, partner_id, "
            "description, currency, debit, credit, rate, base_debit, base_credit, date) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            new_id(),
            entry_id,
            line_no,
            line.account_id,
            line.partner_id,
            line.description,
            line.currency,
            line.debit,
            line.credit,
            line.rate,
            line.base_debit,
            line.base_credit,
            day,
        )
    return entry_id
