"""The employee roster: registered here or kept from HR's events; PINs hashed with argon2."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_time._hours import Rules

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_time._rows import Record
    from nexus_time._settings import TimeSettings

__all__ = (
    "caller_employee",
    "check_pin",
    "employee_row",
    "ensure_active",
    "hash_pin",
    "rules_for",
    "upsert_from_hr",
)

EMPLOYEE_COLUMNS = (
    "id, name, user_id, department_id, time_zone, schedule_id, active, source, "
    "pin_hash is not null as has_pin, created_at, updated_at"
)


@cache
def _hasher() -> PasswordHasher:
    # OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): a PIN has few digits, so what
    # protects it is the kiosk's throttling; the hash keeps a database leak from showing it.
    return PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


@cache
def _dummy_hash() -> str:
    # Checked against when the employee is unknown, so both answers take as long.
    return _hasher().hash("unknown-employee")


def hash_pin(pin: str) -> str:
    """The argon2 hash of a kiosk PIN (the PIN itself is never stored)."""
    return _hasher().hash(pin)


def check_pin(pin_hash: str | None, pin: str) -> bool:
    """Whether ``pin`` matches ``pin_hash``; as slow when there is no hash, to hide that."""
    try:
        return _hasher().verify(pin_hash or _dummy_hash(), pin) and pin_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def employee_row(conn: Connection, employee_id: UUID, *, lock: bool = False) -> Record:
    """The employee, or 404 (another tenant's answers the same)."""
    suffix = " for update" if lock else ""
    row = await conn.fetchrow(
        f"select {EMPLOYEE_COLUMNS} from time_employee where id = $1{suffix}", employee_id
    )
    if row is None:
        not_found()
    return row


async def caller_employee(conn: Connection, actor: str | None) -> Record:
    """The active employee record linked to the calling user; 422 when there is none."""
    kind, _, subject = (actor or "").partition(":")
    user_id = None
    if kind == "user":
        try:
            user_id = UUID(subject)
        except ValueError:
            user_id = None
    row = None
    if user_id is not None:
        row = await conn.fetchrow(
            f"select {EMPLOYEE_COLUMNS} from time_employee where user_id = $1 and active "
            "order by created_at limit 1",
            user_id,
        )
    if row is None:
        invalid(
            "employee_id",
            "the caller is linked to no active employee: sign in as a user with an employee "
            "record, or use /employees/{employee_id}/… with time.attendance:manage",
        )
    return row


def ensure_active(row: Record) -> None:
    """409 unless the employee is active."""
    if not row["active"]:
        conflict("the employee is not active (terminated)", employee_id=str(row["id"]))


async def rules_for(conn: Connection, row: Record, settings: TimeSettings) -> Rules:
    """The overtime and lateness rules of an employee: their schedule's, else the tenant's."""
    schedule = None
    if row["schedule_id"] is not None:
        schedule = await conn.fetchrow(
            "select daily_threshold_hours, weekly_threshold_hours, grace_minutes "
            "from time_schedule where id = $1",
            row["schedule_id"],
        )

    def pick(column: str, default: Any) -> Any:
        value = schedule[column] if schedule is not None else None
        return default if value is None else value

    return Rules(
        daily_hours=pick("daily_threshold_hours", settings.daily_overtime_hours),
        weekly_hours=pick("weekly_threshold_hours", settings.weekly_overtime_hours),
        grace_minutes=pick("grace_minutes", settings.lateness_grace_minutes),
    )


async def upsert_from_hr(
    conn: Connection,
    *,
    employee_id: UUID,
    name: str,
    user_id: UUID | None,
    department_id: UUID | None,
    time_zone: str,
    hired: bool,
) -> None:
    """Keep HR's view of an employee: insert, or change in place.

    A hire (or re-hire) makes the employee active; an update keeps whether they are.
    """
    await conn.execute(
        "insert into time_employee (id, name, user_id, department_id, time_zone, active, "
        "source) values ($1, $2, $3, $4, $5, true, 'hr') "
        "on conflict (tenant_id, id) do update set name = excluded.name, "
        "user_id = excluded.user_id, department_id = excluded.department_id, "
        "time_zone = excluded.time_zone, active = time_employee.active or $6, "
        "updated_at = now()",
        employee_id,
        name,
        user_id,
        department_id,
        time_zone,
        hired,
    )
