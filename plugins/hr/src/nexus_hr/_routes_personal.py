"""Personal data, emergency contacts and data-subject requests (export, erase).

Every route here needs ``hr.personal:read`` or ``hr.personal:write`` (tenant admins); the
employee routes never show these fields.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Db, Events, TenantBlobs, conflict, not_found, route_opt

from nexus_hr._employees import lock_employee, read_employee
from nexus_hr._examples import body
from nexus_hr._fields import Email, Name
from nexus_hr._keys import PERSONAL_READ, PERSONAL_WRITE
from nexus_hr._personal import (
    Erasure,
    PersonalData,
    erase_employee,
    export_employee,
    read_personal,
    write_personal,
)

__all__ = ("PersonalController",)

Line = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
Phone = Annotated[
    str, msgspec.Meta(pattern=r"^\+?[0-9 ()./-]{3,40}$", examples=["+44 20 7946 0000"])
]
NationalId = Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["QQ123456C"])]
BankAccount = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, examples=["GB33BUKB20201555555555"])
]


class PersonalDataIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The employee's personal data, replaced as a whole (omitted fields become ``null``)."""

    birth_date: dt.date | None = None
    national_id: NationalId | None = None
    private_address: Line | None = None
    private_phone: Phone | None = None
    private_email: Email | None = None
    bank_account: BankAccount | None = None


class ContactIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Someone to call for the employee."""

    name: Name
    relationship: Name | None = None
    phone: Phone | None = None
    email: Email | None = None


class ContactOut(msgspec.Struct, kw_only=True):
    """An emergency contact."""

    id: UUID
    employee_id: UUID
    name: str
    relationship: str | None
    phone: str | None
    email: str | None
    created_at: dt.datetime


class Export(msgspec.Struct, kw_only=True):
    """Everything held about an employee (documents listed, not included)."""

    employee: dict[str, Any]
    personal_data: dict[str, Any]
    emergency_contacts: list[dict[str, Any]]
    contracts: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    checklists: list[dict[str, Any]]
    assigned_tasks: list[dict[str, Any]]


_CONTACT = "id, employee_id, name, relationship, phone, email, created_at"


class PersonalController(Controller):
    """An employee's personal data and emergency contacts; export and erasure."""

    path = "/"
    tags = ["hr"]

    @get(
        "/employees/{employee_id:uuid}/personal",
        summary="Show an employee's personal data",
        opt=route_opt(permission=PERSONAL_READ),
    )
    async def show_personal(self, db: Db, employee_id: FromPath[UUID]) -> PersonalData:
        """Birth date, national id, private address, phone and email, bank account."""
        async with db.transaction() as conn:
            return await read_personal(conn, employee_id)

    @put(
        "/employees/{employee_id:uuid}/personal",
        summary="Replace an employee's personal data",
        opt=route_opt(permission=PERSONAL_WRITE),
    )
    async def put_personal(
        self,
        db: Db,
        employee_id: FromPath[UUID],
        data: Annotated[
            PersonalDataIn, body("PUT /employees/{employee_id}/personal", "Personal details")
        ],
    ) -> PersonalData:
        """Replace the employee's personal data (409 once it was erased).

        No event: personal data does not leave HR.
        """
        async with db.transaction() as conn:
            return await write_personal(conn, employee_id, msgspec.structs.asdict(data))

    @get(
        "/employees/{employee_id:uuid}/emergency-contacts",
        summary="List an employee's emergency contacts",
        opt=route_opt(permission=PERSONAL_READ),
    )
    async def list_contacts(self, db: Db, employee_id: FromPath[UUID]) -> list[ContactOut]:
        """The employee's emergency contacts, oldest first."""
        async with db.transaction() as conn:
            await read_employee(conn, employee_id)
            rows = await conn.fetch(
                f"select {_CONTACT} from hr_emergency_contact where employee_id = $1 order by id",
                employee_id,
            )
        return [msgspec.convert(dict(row), ContactOut) for row in rows]

    @post(
        "/employees/{employee_id:uuid}/emergency-contacts",
        summary="Add an emergency contact",
        opt=route_opt(permission=PERSONAL_WRITE),
    )
    async def add_contact(
        self,
        db: Db,
        employee_id: FromPath[UUID],
        data: Annotated[
            ContactIn, body("POST /employees/{employee_id}/emergency-contacts", "A partner")
        ],
    ) -> ContactOut:
        """Add someone to call for the employee (409 once their data was erased)."""
        async with db.transaction() as conn:
            employee = await lock_employee(conn, employee_id)
            if employee["erased_at"] is not None:
                conflict("the employee's personal data was erased", state="erased")
            row = await conn.fetchrow(
                "insert into hr_emergency_contact (id, employee_id, name, relationship, phone, "
                f"email) values ($1, $2, $3, $4, $5, $6) returning {_CONTACT}",
                new_id(),
                employee_id,
                data.name,
                data.relationship,
                data.phone,
                data.email,
            )
        return msgspec.convert(dict(row or {}), ContactOut)

    @delete(
        "/emergency-contacts/{contact_id:uuid}",
        summary="Remove an emergency contact",
        opt=route_opt(permission=PERSONAL_WRITE),
    )
    async def delete_contact(self, db: Db, contact_id: FromPath[UUID]) -> None:
        """Remove an emergency contact."""
        async with db.transaction() as conn:
            status = await conn.execute(
                "delete from hr_emergency_contact where id = $1", contact_id
            )
        if status == "DELETE 0":
            not_found()

    @get(
        "/employees/{employee_id:uuid}/export",
        summary="Export everything held about an employee",
        opt=route_opt(permission=PERSONAL_READ),
    )
    async def export(self, db: Db, employee_id: FromPath[UUID]) -> Export:
        """A data-subject access request.

        the employment record, personal data, emergency contacts, contracts, documents (listed;
        download each from ``/documents/{id}``), checklists and tasks assigned to them, as JSON.
        Read only.
        """
        async with db.transaction() as conn:
            return msgspec.convert(await export_employee(conn, employee_id), Export)

    @post(
        "/employees/{employee_id:uuid}/erase",
        summary="Erase an employee's personal data",
        opt=route_opt(permission=PERSONAL_WRITE),
        status_code=200,
    )
    async def erase(
        self, db: Db, events: Events, blobs: TenantBlobs, employee_id: FromPath[UUID]
    ) -> Erasure:
        """A data-subject erasure request, for a terminated employee.

        409 while active or once erased.

        personal data, emergency contacts and documents (with their files) are deleted, the name is
        pseudonymised and the work email and user link removed. The employment record and the
        contracts' financial facts are kept. Publishes ``hr.employee.erased.v1`` and
        ``hr.employee.updated.v1``; answers what was erased.
        """
        async with db.transaction() as conn:
            answer, keys = await erase_employee(conn, events, employee_id)
        for key in keys:
            with contextlib.suppress(KeyError, OSError):
                await blobs.delete(key)
        return answer
