from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the hr leave tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
_DAYS = "numeric(8, 2) not null"

STATEMENTS = [
    f"""
    create table hr_leave_type (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        code text not null check (length(code) between 1 and 32),
        paid boolean not null default true,
        unit text not null default 'days' check (unit in ('days', 'hours')),
        requires_allocation boolean not null default false,
        approval text not null default 'manager'
            check (approval in ('manager', 'manager_then_hr', 'hr', 'none')),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, code)
    )""",
    f"""
    create table hr_leave_accrual_rule (
        {_TENANT},
        id uuid not null,
        leave_type_id uuid not null,
        name text not null check (length(name) between 1 and 200),
        days_per_month {_DAYS} check (days_per_month > 0),
        -- Most days accrued by the rule in a calendar year, and most days of a year's
        -- remaining balance carried into the next (null: no limit).
        yearly_cap numeric(8, 2) check (yearly_cap >= 0),
        carry_over_limit numeric(8, 2) check (carry_over_limit >= 0),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, leave_type_id) references hr_leave_type (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table hr_leave_allocation (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        leave_type_id uuid not null,
        period_start date not null,
        period_end date not null,
        days {_DAYS} check (days >= 0),
        source text not null default 'manual' check (source in ('manual', 'accrual', 'carry_over')),
        accrual_rule_id uuid,
        -- The accrual period an accrual made this allocation for (2026-11, or 2027 for a
        -- carry-over): one allocation per rule, employee and period makes runs idempotent.
        accrual_period text,
        note text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check (period_end >= period_start),
        foreign key (tenant_id, employee_id) references hr_employee (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, leave_type_id) references hr_leave_type (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, accrual_rule_id) references hr_leave_accrual_rule (tenant_id, id)
            on delete set null (accrual_rule_id)
    )""",
    "create unique index hr_leave_allocation_accrued on hr_leave_allocation "
    "(tenant_id, accrual_rule_id, employee_id, source, accrual_period) "
    "where accrual_rule_id is not null",
    "create index hr_leave_allocation_employee on hr_leave_allocation "
    "(tenant_id, employee_id, leave_type_id)",
    f"""
    create table hr_leave_request (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        leave_type_id uuid not null,
        date_from date not null,
        date_to date not null,
        half_day_start boolean not null default false,
        half_day_end boolean not null default false,
        reason text,
        days {_DAYS} check (days > 0),
        hours {_DAYS} check (hours >= 0),
        approval text not null,
        state text not null default 'pending_manager' check (state in
            ('pending_manager', 'pending_hr', 'approved', 'rejected', 'cancelled')),
        manager_approved_by text,
        manager_approved_at timestamptz,
        approved_by text,
        approved_at timestamptz,
        rejected_by text,
        rejection_reason text,
        cancelled_by text,
        cancelled_at timestamptz,
        created_by text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check (date_to >= date_from),
        foreign key (tenant_id, employee_id) references hr_employee (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, leave_type_id) references hr_leave_type (tenant_id, id)
            on delete restrict
    )""",
    "create index hr_leave_request_employee on hr_leave_request "
    "(tenant_id, employee_id, date_from)",
    "create index hr_leave_request_dates on hr_leave_request (tenant_id, date_from, date_to)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="hr", description=DESCRIPTION)

    async def create() -> None:
        from nexus_hr.tables import LeaveType

        for statement in STATEMENTS:
            await LeaveType.raw(statement)

    manager.add_raw(create)
    return manager
