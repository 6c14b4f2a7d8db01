from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "payroll: approved time, pay runs, payslips and their lines"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    # The overtime multiplier of a contract (1.5 pays overtime hours at 150 %); null takes
    # the tenant's setting.
    "alter table hr_contract add column overtime_rate numeric(6, 4) "
    "check (overtime_rate is null or overtime_rate between 0 and 10)",
    # Approved weekly timesheets, as Time published them (time.timesheet.approved.v1).
    # No foreign key to the employee: the event may name one HR does not know (yet).
    f"""
    create table hr_approved_timesheet (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        week_start date not null,
        total_hours numeric(8, 2) not null default 0 check (total_hours >= 0),
        overtime_hours numeric(8, 2) not null default 0 check (overtime_hours >= 0),
        received_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    "create index hr_approved_timesheet_employee on hr_approved_timesheet "
    "(tenant_id, employee_id, week_start)",
    f"""
    create table hr_approved_time (
        {_TENANT},
        id uuid not null,
        timesheet_id uuid not null,
        employee_id uuid not null,
        work_date date not null,
        hours numeric(8, 2) not null check (hours >= 0),
        primary key (tenant_id, id),
        foreign key (tenant_id, timesheet_id) references hr_approved_timesheet (tenant_id, id)
            on delete cascade
    )""",
    "create index hr_approved_time_employee on hr_approved_time "
    "(tenant_id, employee_id, work_date)",
    f"""
    create table hr_payrun (
        {_TENANT},
        id uuid not null,
        number text not null,
        period_start date not null,
        period_end date not null,
        pay_date date not null,
        currency char(3) not null,
        state text not null default 'draft' check (state in ('draft', 'approved')),
        employees integer not null default 0,
        gross numeric(20, 6) not null default 0,
        deductions numeric(20, 6) not null default 0,
        net numeric(20, 6) not null default 0,
        employer_costs numeric(20, 6) not null default 0,
        created_at timestamptz not null default now(),
        approved_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, number),
        check (period_end >= period_start)
    )""",
    f"""
    create table hr_payslip (
        {_TENANT},
        id uuid not null,
        payrun_id uuid not null,
        employee_id uuid,
        employee_name text not null,
        country char(2),
        rule_set text not null,
        currency char(3) not null,
        days_employed integer not null default 0,
        hours numeric(8, 2) not null default 0,
        overtime_hours numeric(8, 2) not null default 0,
        gross numeric(20, 6) not null default 0,
        deductions numeric(20, 6) not null default 0,
        net numeric(20, 6) not null default 0,
        employer_costs numeric(20, 6) not null default 0,
        primary key (tenant_id, id),
        unique (tenant_id, payrun_id, employee_id),
        foreign key (tenant_id, payrun_id) references hr_payrun (tenant_id, id)
            on delete cascade,
        -- A payslip outlives its employee's record (the name is kept on it).
        foreign key (tenant_id, employee_id) references hr_employee (tenant_id, id)
            on delete set null (employee_id)
    )""",
    f"""
    create table hr_payslip_line (
        {_TENANT},
        id uuid not null,
        payslip_id uuid not null,
        position integer not null default 0,
        kind text not null check (kind in ('earning', 'deduction', 'employer_cost')),
        code text not null,
        label text not null,
        quantity numeric(12, 4),
        rate numeric(20, 6),
        amount numeric(20, 6) not null check (amount >= 0),
        liability text check (
            liability in ('tax_payable', 'pension_payable', 'other_payable')
        ),
        primary key (tenant_id, id),
        check ((kind = 'earning') = (liability is null)),
        foreign key (tenant_id, payslip_id) references hr_payslip (tenant_id, id)
            on delete cascade
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="hr", description=DESCRIPTION)

    async def create() -> None:
        from nexus_hr.tables import Employee

        for statement in STATEMENTS:
            await Employee.raw(statement)

    manager.add_raw(create)
    return manager
