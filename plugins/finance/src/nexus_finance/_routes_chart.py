"""Routes for the chart of accounts, journals and taxes (the company: ``_routes_company``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    FieldErrors,
    Limit,
    Page,
    Rate,
    after_id,
    conflict,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_finance._books import account_by_code, accounts_by_code
from nexus_finance._examples import body
from nexus_finance._keys import ACCOUNTS_READ, ACCOUNTS_WRITE
from nexus_finance._money import is_currency, plain
from nexus_finance._tax_tags import Tags, normal_tags, self_assessed

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("AccountController", "JournalController", "TaxController")

_READ = route_opt(permission=ACCOUNTS_READ)
_WRITE = route_opt(permission=ACCOUNTS_WRITE)
AccountType = Literal["asset", "liability", "equity", "income", "expense"]
Code = Annotated[str, msgspec.Meta(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Subtype = Annotated[str, msgspec.Meta(pattern=r"^[a-z_]{1,40}$")]
_FIRST_DIGIT = {"asset": 1, "liability": 2, "equity": 3, "income": 4, "expense": 6}


class AccountIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new account; without ``code``, the next free number of its type's range."""

    name: Name
    type: AccountType
    code: Code | None = None
    subtype: Subtype | None = None
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] | None = None


class AccountChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of an account; the code and type stay as they are once booked."""

    name: Name | None = None
    subtype: Subtype | None = None
    active: bool | None = None


class AccountOut(msgspec.Struct, kw_only=True):
    """An account of the chart."""

    id: UUID
    code: str
    name: str
    type: str
    subtype: str | None
    currency: str | None
    active: bool
    created_at: datetime


_ACCOUNT = "select id, code, name, type, subtype, currency, active, created_at from finance_account"


async def _free_code(conn: Connection, kind: str) -> str:
    digit = _FIRST_DIGIT[kind]
    last = await conn.fetchval(
        "select max(code::bigint) from finance_account where code ~ '^[0-9]{4,9}$' "
        "and left(code, 1) = $1",
        str(digit),
    )
    return str((last or digit * 1000 - 1) + 1)


class AccountController(Controller):
    """The chart of accounts."""

    path = "/accounts"
    tags = ["finance: chart"]

    @get("/", summary="List accounts", opt=_READ)
    async def list_accounts(
        self,
        db: Db,
        type: Annotated[AccountType | None, QueryParameter(description="Account type.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[AccountOut]:
        """The chart, in creation order (seeded accounts first)."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"{_ACCOUNT} where ($1::text is null or type = $1) "
                "and ($2::uuid is null or id > $2) order by id limit $3",
                type,
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), AccountOut) for r in rows], limit)

    @post("/", summary="Create an account", opt=_WRITE)
    async def create_account(
        self,
        db: Db,
        data: Annotated[AccountIn, body("POST /accounts", "A petty cash account")],
    ) -> AccountOut:
        """Add an account to the chart; 409 when the code is taken. Nothing is booked."""
        async with db.transaction() as conn:
            if data.currency is not None and not is_currency(data.currency):
                invalid("currency", f"{data.currency!r} is not an ISO 4217 currency")
            code = data.code or await _free_code(conn, data.type)
            if await conn.fetchval("select 1 from finance_account where code = $1", code):
                conflict(f"the account code {code} is taken")
            row = await conn.fetchrow(
                "insert into finance_account (id, code, name, type, subtype, currency) "
                "values ($1, $2, $3, $4, $5, $6) "
                "returning id, code, name, type, subtype, currency, active, created_at",
                new_id(),
                code,
                data.name,
                data.type,
                data.subtype,
                data.currency,
            )
        return msgspec.convert(dict(row or {}), AccountOut)

    @get("/{account_id:uuid}", summary="Show an account", opt=_READ)
    async def show_account(self, db: Db, account_id: FromPath[UUID]) -> AccountOut:
        """One account."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(f"{_ACCOUNT} where id = $1", account_id)
        if row is None:
            not_found()
        return msgspec.convert(dict(row), AccountOut)

    @patch("/{account_id:uuid}", summary="Change an account", opt=_WRITE)
    async def change_account(
        self,
        db: Db,
        account_id: FromPath[UUID],
        data: Annotated[AccountChanges, body("PATCH /accounts/{account_id}", "A new name")],
    ) -> AccountOut:
        """Rename, re-tag or (de)activate an account; its code and type never change.

        Nothing is booked; entries already posted keep the account.
        """
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "update finance_account set name = coalesce($2, name), "
                "subtype = coalesce($3, subtype), active = coalesce($4, active) where id = $1 "
                "returning id, code, name, type, subtype, currency, active, created_at",
                account_id,
                data.name,
                data.subtype,
                data.active,
            )
        if row is None:
            not_found()
        return msgspec.convert(dict(row), AccountOut)


JournalType = Literal["sale", "purchase", "bank", "cash", "general"]


class JournalIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new journal; without ``code``, one is made from its type."""

    name: Name
    type: JournalType
    code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9]{1,8}$")] | None = None
    default_account_code: Code | None = None


class JournalOut(msgspec.Struct, kw_only=True):
    """A journal: a book of entries with its own numbering."""

    id: UUID
    code: str
    name: str
    type: str
    default_account_code: str | None


_JOURNAL = (
    "select j.id, j.code, j.name, j.type, a.code as default_account_code from finance_journal j "
    "left join finance_account a on a.id = j.default_account_id"
)


class JournalController(Controller):
    """Journals: sales, purchases, bank, cash and general."""

    path = "/journals"
    tags = ["finance: chart"]

    @get("/", summary="List journals", opt=_READ)
    async def list_journals(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[JournalOut]:
        """Every journal."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"{_JOURNAL} where ($1::uuid is null or j.id > $1) order by j.id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), JournalOut) for r in rows], limit)

    @post("/", summary="Create a journal", opt=_WRITE)
    async def create_journal(
        self,
        db: Db,
        data: Annotated[JournalIn, body("POST /journals", "A second bank journal")],
    ) -> JournalOut:
        """Add a journal; 409 when the code is taken. Nothing is booked."""
        async with db.transaction() as conn:
            account = None
            if data.default_account_code:
                account = await account_by_code(
                    conn, data.default_account_code, key="default_account_code"
                )
            if data.type in ("bank", "cash") and account is None:
                invalid("default_account_code", "a bank or cash journal needs its account")
            code = data.code
            if code is None:
                taken = await conn.fetchval("select count(*) from finance_journal")
                code = f"{data.type[:3].upper()}{taken + 1}"
            if await conn.fetchval("select 1 from finance_journal where code = $1", code):
                conflict(f"the journal code {code} is taken")
            journal_id = new_id()
            await conn.execute(
                "insert into finance_journal (id, code, name, type, default_account_id) "
                "values ($1, $2, $3, $4, $5)",
                journal_id,
                code,
                data.name,
                data.type,
                account,
            )
            row = await conn.fetchrow(f"{_JOURNAL} where j.id = $1", journal_id)
        return msgspec.convert(dict(row or {}), JournalOut)

    @get("/{journal_id:uuid}", summary="Show a journal", opt=_READ)
    async def show_journal(self, db: Db, journal_id: FromPath[UUID]) -> JournalOut:
        """One journal."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(f"{_JOURNAL} where j.id = $1", journal_id)
        if row is None:
            not_found()
        return msgspec.convert(dict(row), JournalOut)


class TaxIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new tax: a percentage, added to prices or included in them."""

    name: Name
    rate: Rate
    account_code: Code
    scope: Literal["sale", "purchase"] = "sale"
    price_include: bool = False
    tags: Tags = []
    default: bool = False


class TaxChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A tax's name, report tags or whether it is offered; its rate never changes once used."""

    name: Name | None = None
    active: bool | None = None
    tags: Tags | None = None
    default: bool | None = None


class TaxOut(msgspec.Struct, kw_only=True):
    """A tax."""

    id: UUID
    name: str
    scope: str
    rate: Decimal
    price_include: bool
    account_code: str
    active: bool
    tags: list[str]
    default: bool = False
    """The company's default tax of its scope: a line naming no tax takes it (unless its
    product has taxes of its own) when the document asks for default taxes."""


_TAX = (
    "select t.id, t.name, t.scope, t.rate, t.price_include, a.code as account_code, t.active, "
    "t.tags, t.is_default as default from finance_tax t "
    "join finance_account a on a.id = t.account_id"
)


async def _make_default(conn: Connection, tax_id: UUID) -> None:
    """Make the tax its scope's default (the previous default stops being it)."""
    scope = await conn.fetchval("select scope from finance_tax where id = $1", tax_id)
    await conn.execute(
        "update finance_tax set is_default = false where scope = $1 and is_default and id <> $2",
        scope,
        tax_id,
    )
    await conn.execute("update finance_tax set is_default = true where id = $1", tax_id)


def _tax(row: Any) -> TaxOut:
    values = dict(row)
    values["rate"] = plain(values["rate"])
    return msgspec.convert(values, TaxOut)


class TaxController(Controller):
    """Sales and purchase taxes."""

    path = "/taxes"
    tags = ["finance: chart"]

    @get("/", summary="List taxes", opt=_READ)
    async def list_taxes(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[TaxOut]:
        """Every tax."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"{_TAX} where ($1::uuid is null or t.id > $1) order by t.id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([_tax(r) for r in rows], limit)

    @post("/", summary="Create a tax", opt=_WRITE)
    async def create_tax(
        self,
        db: Db,
        data: Annotated[TaxIn, body("POST /taxes", "A reduced sales tax")],
    ) -> TaxOut:
        """Add a tax booked to ``account_code``; nothing is booked.

        With ``default``, it becomes the company's default tax of its scope (the previous
        default stops being it): drafts asking for default taxes give it to lines naming no
        tax whose product has none of its own.
        """
        async with db.transaction() as conn:
            errors = FieldErrors()
            if not data.rate.is_finite() or not 0 <= data.rate < 1000:
                errors.add("rate", "a percentage from 0 up to 1000")
            account = (await accounts_by_code(conn, [data.account_code])).get(data.account_code)
            if account is None:
                errors.add("account_code", f"no active account with code {data.account_code!r}")
            if data.price_include and self_assessed(data.tags):
                errors.add("tags", "a reverse-charge tax cannot be included in prices")
            errors.raise_if_any()
            tax_id = new_id()
            await conn.execute(
                "insert into finance_tax (id, name, scope, rate, price_include, account_id, tags) "
                "values ($1, $2, $3, $4, $5, $6, $7)",
                tax_id,
                data.name,
                data.scope,
                data.rate,
                data.price_include,
                account,
                normal_tags(data.tags),
            )
            if data.default:
                await _make_default(conn, tax_id)
            row = await conn.fetchrow(f"{_TAX} where t.id = $1", tax_id)
        return _tax(row)

    @get("/{tax_id:uuid}", summary="Show a tax", opt=_READ)
    async def show_tax(self, db: Db, tax_id: FromPath[UUID]) -> TaxOut:
        """One tax."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(f"{_TAX} where t.id = $1", tax_id)
        if row is None:
            not_found()
        return _tax(row)

    @patch("/{tax_id:uuid}", summary="Change a tax", opt=_WRITE)
    async def change_tax(
        self,
        db: Db,
        tax_id: FromPath[UUID],
        data: Annotated[TaxChanges, body("PATCH /taxes/{tax_id}", "A new name")],
    ) -> TaxOut:
        """Rename a tax, change its report tags, stop offering it or make it the default.

        A tag that changes what documents charge (``reverse_charge``, ``eu_goods_acquisition``)
        cannot be added or removed once a document uses the tax (409). Nothing is booked.
        """
        async with db.transaction() as conn:
            if data.tags is not None:
                await _check_tags(conn, tax_id, data.tags)
            changed = await conn.fetchval(
                "update finance_tax set name = coalesce($2, name), active = coalesce($3, active), "
                "tags = coalesce($4, tags) where id = $1 returning id",
                tax_id,
                data.name,
                data.active,
                normal_tags(data.tags) if data.tags is not None else None,
            )
            if changed and data.default is not None:
                if data.default:
                    await _make_default(conn, changed)
                else:
                    await conn.execute(
                        "update finance_tax set is_default = false where id = $1", changed
                    )
            row = await conn.fetchrow(f"{_TAX} where t.id = $1", changed) if changed else None
        if row is None:
            not_found()
        return _tax(row)


async def _check_tags(conn: Connection, tax_id: UUID, tags: list[str]) -> None:
    """Refuse new ``tags`` that would change what the tax charged on documents already made."""
    row = await conn.fetchrow(
        "select price_include, tags from finance_tax where id = $1 for update", tax_id
    )
    if row is None:
        not_found()
    if row["price_include"] and self_assessed(tags):
        invalid("tags", "a reverse-charge tax cannot be included in prices")
    if self_assessed(tags) != self_assessed(row["tags"]) and await conn.fetchval(
        "select exists (select 1 from finance_invoice_line where tax_id = $1)", tax_id
    ):
        conflict(
            "documents use this tax: reverse_charge and eu_goods_acquisition change what it "
            "charges, so they cannot be added or removed now (create another tax)"
        )
