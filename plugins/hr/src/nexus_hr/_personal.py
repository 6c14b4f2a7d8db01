"""Personal data: read, replace, export and erase (data-subject requests).

Everything here is behind ``hr.personal:*``. Erasure deletes personal data, emergency
contacts and documents and pseudonymises the name; the employment record (dates, state)
and the contracts' financial facts stay, as employment and tax law require.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict

from nexus_hr._contracts import CONTRACT_COLUMNS
from nexus_hr._employees import COLUMNS, lock_employee, publish_change, read_employee
from nexus_hr._events import EMPLOYEE_ERASED, EmployeeErased

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher

__all__ = (
    "PERSONAL_FIELDS",
    "Erasure",
    "PersonalData",
    "erase_employee",
    "export_employee",
    "read_personal",
    "write_personal",
)

PERSONAL_FIELDS = (
    "birth_date",
    "national_id",
    "private_address",
    "private_phone",
    "private_email",
    "bank_account",
)


class PersonalData(msgspec.Struct, kw_only=True):
    """An employee's personal data (every field ``null`` until set)."""

    birth_date: dt.date | None = None
    national_id: str | None = None
    private_address: str | None = None
    private_phone: str | None = None
    private_email: str | None = None
    bank_account: str | None = None
    updated_at: dt.datetime | None = None


class Erasure(msgspec.Struct, kw_only=True):
    """What an erasure did: what was deleted, and what was kept and why."""

    employee_id: UUID
    erased: list[str]
    documents_deleted: int
    emergency_contacts_deleted: int
    kept: list[str]


async def read_personal(conn: Connection, employee_id: UUID) -> PersonalData:
    """The employee's personal data (404 for no such employee)."""
    await read_employee(conn, employee_id)
    row = await conn.fetchrow(
        f"select {', '.join(PERSONAL_FIELDS)}, updated_at from hr_personal_data "
        "where employee_id = $1",
        employee_id,
    )
    return msgspec.convert(dict(row) if row else {}, PersonalData, strict=False)


async def write_personal(
    conn: Connection, employee_id: UUID, values: dict[str, Any]
) -> PersonalData:
    """Replace the employee's personal data with ``values`` (409 once erased)."""
    employee = await lock_employee(conn, employee_id)
    if employee["erased_at"] is not None:
        conflict("the employee's personal data was erased", state="erased")
    listed = ", ".join(PERSONAL_FIELDS)
    marks = ", ".join(f"${i}" for i in range(3, len(PERSONAL_FIELDS) + 3))
    updates = ", ".join(f"{field} = excluded.{field}" for field in PERSONAL_FIELDS)
    await conn.execute(
        f"insert into hr_personal_data (id, employee_id, {listed}) values ($1, $2, {marks}) "
        f"on conflict (tenant_id, employee_id) do update set {updates}, updated_at = now()",
        new_id(),
        employee_id,
        *(values.get(field) for field in PERSONAL_FIELDS),
    )
    return await read_personal(conn, employee_id)


async def _rows(conn: Connection, query: str, *args: Any) -> list[dict[str, Any]]:
    return [msgspec.to_builtins(dict(row)) for row in await conn.fetch(query, *args)]


async def export_employee(conn: Connection, employee_id: UUID) -> dict[str, Any]:
    """Everything held about the employee, as JSON-ready builtins (documents listed)."""
    employee = msgspec.to_builtins(dict(await read_employee(conn, employee_id)))
    personal = msgspec.to_builtins(await read_personal(conn, employee_id))
    return {
        "employee": employee,
        "personal_data": personal,
        "emergency_contacts": await _rows(
            conn,
            "select id, name, relationship, phone, email, created_at from hr_emergency_contact "
            "where employee_id = $1 order by id",
            employee_id,
        ),
        "contracts": await _rows(
            conn,
            f"select {CONTRACT_COLUMNS} from hr_contract where employee_id = $1 order by id",
            employee_id,
        ),
        "documents": await _rows(
            conn,
            "select id, name, content_type, size, created_at from hr_document "
            "where employee_id = $1 order by id",
            employee_id,
        ),
        "checklists": await _rows(
            conn,
            "select c.id, c.name, c.kind, c.state, c.created_at from hr_checklist c "
            "where c.employee_id = $1 order by c.id",
            employee_id,
        ),
        "assigned_tasks": await _rows(
            conn,
            "select id, checklist_id, title, due_date, done from hr_checklist_task "
            "where assignee_employee_id = $1 order by id",
            employee_id,
        ),
    }


async def erase_employee(
    conn: Connection, events: EventPublisher, employee_id: UUID
) -> tuple[Erasure, list[str]]:
    """Erase a terminated employee's personal data; return the answer and blob keys to delete.

    409 while the employee is active (terminate first) or when erased already. Publishes
    ``hr.employee.erased.v1`` and ``hr.employee.updated.v1`` (the pseudonymised name).
    """
    employee = await lock_employee(conn, employee_id)
    if employee["state"] != "terminated":
        conflict("terminate the employee before erasing their personal data", state="active")
    if employee["erased_at"] is not None:
        conflict("the employee's personal data was erased already", state="erased")
    erased = ["name", "work_email", "user_link", "termination_reason"]
    personal = await conn.execute(
        "delete from hr_personal_data where employee_id = $1", employee_id
    )
    if personal != "DELETE 0":
        erased.append("personal_data")
    contacts = await conn.execute(
        "delete from hr_emergency_contact where employee_id = $1", employee_id
    )
    documents = await conn.fetch(
        "delete from hr_document where employee_id = $1 returning blob_key", employee_id
    )
    contacts_deleted = int(contacts.split()[-1])
    if contacts_deleted:
        erased.append("emergency_contacts")
    if documents:
        erased.append("documents")
    pseudonym = f"Erased employee {str(employee_id)[-8:]}"
    row = await conn.fetchrow(
        "update hr_employee set name = $2, work_email = null, user_id = null, "
        f"termination_reason = null, erased_at = now(), updated_at = now() where id = $1 "
        f"returning {COLUMNS}",
        employee_id,
        pseudonym,
    )
    assert row is not None  # locked above
    await conn.execute(
        "update hr_department set manager_id = null where manager_id = $1", employee_id
    )
    await publish_change(conn, events, row, hired=False)
    await events.publish(
        conn,
        type=EMPLOYEE_ERASED.type,
        data=msgspec.to_builtins(EmployeeErased(employee_id=employee_id, erased=erased)),
        subject=str(employee_id),
    )
    answer = Erasure(
        employee_id=employee_id,
        erased=erased,
        documents_deleted=len(documents),
        emergency_contacts_deleted=contacts_deleted,
        kept=[
            "employment record (hire and termination dates, department, position)",
            "contracts (dates, type, wage and currency)",
            "checklists",
        ],
    )
    return answer, [doc["blob_key"] for doc in documents]
