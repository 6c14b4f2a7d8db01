from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the time and attendance tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)


def _employee_fk(column: str = "employee_id") -> str:
    return (
        f"foreign key (tenant_id, {column}) references time_employee (tenant_id, id) "
        "on delete cascade"
    )


STATEMENTS = [
    f"""
    create table time_schedule (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        daily_threshold_hours numeric(6, 2) check (daily_threshold_hours between 0 and 24),
        weekly_threshold_hours numeric(6, 2) check (weekly_threshold_hours between 0 and 168),
        grace_minutes integer check (grace_minutes between 0 and 240),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table time_employee (
        {_TENANT},
        id uuid not null,
        name text not null,
        user_id uuid,
        department_id uuid,
        time_zone text not null,
        schedule_id uuid,
        active boolean not null default true,
        source text not null check (source in ('hr', 'direct')),
        pin_hash text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, schedule_id) references time_schedule (tenant_id, id)
    )""",
    "create index time_employee_user on time_employee (tenant_id, user_id) "
    "where user_id is not null",
    f"""
    create table time_shift (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        start_time time not null,
        end_time time not null,
        time_zone text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table time_roster (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        shift_id uuid not null,
        day date not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, employee_id, day),
        {_employee_fk()},
        foreign key (tenant_id, shift_id) references time_shift (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table time_attendance (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        clock_in timestamptz not null,
        clock_out timestamptz,
        time_zone text not null,
        source text not null check (source in ('api', 'admin', 'kiosk', 'correction')),
        latitude numeric(9, 6),
        longitude numeric(9, 6),
        ip text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check (clock_out is null or clock_out > clock_in),
        {_employee_fk()}
    )""",
    # At most one open record (clocked in, not out) per employee.
    "create unique index time_attendance_open on time_attendance (tenant_id, employee_id) "
    "where clock_out is null",
    "create index time_attendance_span on time_attendance (tenant_id, employee_id, clock_in)",
    f"""
    create table time_break (
        {_TENANT},
        id uuid not null,
        attendance_id uuid not null,
        start_at timestamptz not null,
        end_at timestamptz,
        primary key (tenant_id, id),
        check (end_at is null or end_at >= start_at),
        foreign key (tenant_id, attendance_id) references time_attendance (tenant_id, id)
            on delete cascade
    )""",
    "create unique index time_break_open on time_break (tenant_id, attendance_id) "
    "where end_at is null",
    f"""
    create table time_correction (
        {_TENANT},
        id uuid not null,
        attendance_id uuid not null,
        employee_id uuid not null,
        clock_in timestamptz not null,
        clock_out timestamptz,
        reason text not null,
        state text not null default 'pending'
            check (state in ('pending', 'approved', 'rejected')),
        requested_by text,
        decided_by text,
        decided_at timestamptz,
        decision_note text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check (clock_out is null or clock_out > clock_in),
        {_employee_fk()},
        foreign key (tenant_id, attendance_id) references time_attendance (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table time_audit (
        {_TENANT},
        id uuid not null,
        attendance_id uuid not null,
        action text not null,
        actor text,
        at timestamptz not null default now(),
        before jsonb,
        after jsonb,
        primary key (tenant_id, id),
        foreign key (tenant_id, attendance_id) references time_attendance (tenant_id, id)
            on delete cascade
    )""",
    "create index time_audit_record on time_audit (tenant_id, attendance_id, id)",
    f"""
    create table time_entry (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        day date not null,
        hours numeric(6, 2) not null check (hours > 0 and hours <= 24),
        activity text,
        project_ref text,
        task_ref text,
        note text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check (activity is not null or project_ref is not null or task_ref is not null),
        {_employee_fk()}
    )""",
    "create index time_entry_day on time_entry (tenant_id, employee_id, day)",
    f"""
    create table time_timesheet (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        week_start date not null check (extract(isodow from week_start) = 1),
        state text not null default 'draft'
            check (state in ('draft', 'submitted', 'approved', 'rejected')),
        total_hours numeric(8, 2),
        overtime_hours numeric(8, 2),
        lines jsonb,
        submitted_at timestamptz,
        decided_by text,
        decided_at timestamptz,
        note text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, employee_id, week_start),
        {_employee_fk()}
    )""",
    f"""
    create table time_absence (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        leave_type text,
        paid boolean not null default true,
        date_from date not null,
        date_to date not null,
        days numeric(8, 2),
        hours numeric(8, 2),
        half_day_start boolean not null default false,
        half_day_end boolean not null default false,
        cancelled boolean not null default false,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check (date_to >= date_from)
    )""",
    "create index time_absence_employee on time_absence (tenant_id, employee_id, date_from)",
    # Refused kiosk punches, per kiosk credential (the API key's audit name) and employee id
    # as given, counted for throttling.
    f"""
    create table time_kiosk_failure (
        {_TENANT},
        id uuid not null,
        kiosk text not null,
        subject text not null,
        at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    "create index time_kiosk_failure_recent on time_kiosk_failure (tenant_id, kiosk, at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="time", description=DESCRIPTION)

    async def create() -> None:
        from nexus_time.tables import Employee

        for statement in STATEMENTS:
            await Employee.raw(statement)

    manager.add_raw(create)
    return manager
