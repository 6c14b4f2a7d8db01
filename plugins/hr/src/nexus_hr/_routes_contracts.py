"""Employment contracts of an employee: create, list with history, start a draft, end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Db,
    Money,
    TenantSettings,
    conflict,
    invalid,
    not_found,
    route_opt,
)

from nexus_hr._contracts import CONTRACT_COLUMNS, end_contract, run_contract
from nexus_hr._employees import read_employee, refuse_terminated, today
from nexus_hr._examples import body
from nexus_hr._fields import ContractType, Currency, WageType
from nexus_hr._keys import CONTRACTS_READ, CONTRACTS_WRITE
from nexus_hr._settings import HrSettings

__all__ = ("ContractController", "ContractOut")


class ContractIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new contract; a running one ends the employee's previous running contract."""

    start_date: dt.date
    end_date: dt.date | None = None
    contract_type: ContractType = "permanent"
    working_schedule_id: UUID | None = None
    wage: Money = Decimal(0)
    currency: Currency | None = None
    wage_type: WageType = "monthly"
    state: Literal["draft", "running"] = "running"


class ContractEnd(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The contract's last day (today when not given)."""

    end_date: dt.date | None = None


class ContractOut(msgspec.Struct, kw_only=True):
    """An employment contract; ``wage`` per month or per hour (``wage_type``)."""

    id: UUID
    employee_id: UUID
    start_date: dt.date
    end_date: dt.date | None
    contract_type: ContractType
    working_schedule_id: UUID | None
    wage: Money
    currency: str
    wage_type: WageType
    state: Literal["draft", "running", "ended"]
    created_at: dt.datetime


async def _contract(conn: Any, contract_id: UUID) -> ContractOut:
    row = await conn.fetchrow(
        f"select {CONTRACT_COLUMNS} from hr_contract where id = $1", contract_id
    )
    if row is None:
        not_found()
    return msgspec.convert(dict(row), ContractOut, strict=False)


class ContractController(Controller):
    """Employment contracts, with their history per employee."""

    path = "/"
    tags = ["hr"]

    @get(
        "/employees/{employee_id:uuid}/contracts",
        summary="List an employee's contracts",
        opt=route_opt(permission=CONTRACTS_READ),
    )
    async def list_contracts(self, db: Db, employee_id: FromPath[UUID]) -> list[ContractOut]:
        """Every contract of the employee, oldest start first.

        the history is never overwritten.
        """
        async with db.transaction() as conn:
            await read_employee(conn, employee_id)
            rows = await conn.fetch(
                f"select {CONTRACT_COLUMNS} from hr_contract where employee_id = $1 "
                "order by start_date, id",
                employee_id,
            )
        return [msgspec.convert(dict(row), ContractOut, strict=False) for row in rows]

    @post(
        "/employees/{employee_id:uuid}/contracts",
        summary="Create a contract",
        opt=route_opt(permission=CONTRACTS_WRITE),
    )
    async def create_contract(
        self,
        db: Db,
        settings: TenantSettings[HrSettings],
        employee_id: FromPath[UUID],
        data: Annotated[
            ContractIn, body("POST /employees/{employee_id}/contracts", "A permanent contract")
        ],
    ) -> ContractOut:
        """Create a contract (currency defaults to the tenant's).

        A running one ends the previous running contract the day before it starts; 409 for a
        terminated employee, 422 for dates out of order or a schedule that does not exist.
        """
        if data.end_date is not None and data.end_date < data.start_date:
            invalid("end_date", "must not be before start_date")
        contract_id = new_id()
        async with db.transaction() as conn:
            employee = await read_employee(conn, employee_id)
            refuse_terminated(employee)
            schedule = data.working_schedule_id or employee["working_schedule_id"]
            if data.working_schedule_id is not None and not await conn.fetchval(
                "select true from hr_working_schedule where id = $1", data.working_schedule_id
            ):
                invalid("working_schedule_id", "no such record")
            row = await conn.fetchrow(
                "insert into hr_contract (id, employee_id, start_date, end_date, contract_type, "
                "working_schedule_id, wage, currency, wage_type, state) values "
                f"($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft') returning {CONTRACT_COLUMNS}",
                contract_id,
                employee_id,
                data.start_date,
                data.end_date,
                data.contract_type,
                schedule,
                data.wage,
                data.currency or settings.currency,
                data.wage_type,
            )
            assert row is not None  # insert … returning always returns the row
            if data.state == "running":
                await run_contract(conn, row)
            return await _contract(conn, contract_id)

    @get(
        "/contracts/{contract_id:uuid}",
        summary="Show a contract",
        opt=route_opt(permission=CONTRACTS_READ),
    )
    async def show_contract(self, db: Db, contract_id: FromPath[UUID]) -> ContractOut:
        """One contract."""
        async with db.transaction() as conn:
            return await _contract(conn, contract_id)

    @post(
        "/contracts/{contract_id:uuid}/start",
        summary="Start a draft contract",
        opt=route_opt(permission=CONTRACTS_WRITE),
        status_code=200,
    )
    async def start_contract(self, db: Db, contract_id: FromPath[UUID]) -> ContractOut:
        """Make a draft contract the running one, ending the previous running contract.

        409 unless the contract is a draft.
        """
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                f"select {CONTRACT_COLUMNS} from hr_contract where id = $1 for update",
                contract_id,
            )
            if row is None:
                not_found()
            if row["state"] != "draft":
                conflict("only a draft contract can be started", state=row["state"])
            await run_contract(conn, row)
            return await _contract(conn, contract_id)

    @post(
        "/contracts/{contract_id:uuid}/end",
        summary="End a contract",
        opt=route_opt(permission=CONTRACTS_WRITE),
        status_code=200,
    )
    async def end(
        self,
        db: Db,
        contract_id: FromPath[UUID],
        data: Annotated[ContractEnd, body("POST /contracts/{contract_id}/end", "Last day")],
    ) -> ContractOut:
        """End a contract on its last day (409 when ended already)."""
        async with db.transaction() as conn:
            await end_contract(conn, contract_id, data.end_date or today())
            return await _contract(conn, contract_id)
