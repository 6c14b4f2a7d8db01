from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the hr core tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

_HOURS = "numeric(5, 2) not null default 0 check ({day} between 0 and 24)"
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEK = ",\n        ".join(f"{day}_hours {_HOURS.format(day=day + '_hours')}" for day in _DAYS)

STATEMENTS = [
    f"""
    create table hr_working_schedule (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        time_zone text not null default 'UTC',
        {_WEEK},
        is_default boolean not null default false,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, name)
    )""",
    "create unique index hr_working_schedule_one_default on hr_working_schedule (tenant_id) "
    "where is_default",
    f"""
    create table hr_department (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        parent_id uuid,
        -- The manager is an employee; no foreign key, so the two tables form no cycle
        -- (tenant export/import loads tables parents first). The logic checks it.
        manager_id uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, name),
        check (parent_id is null or parent_id <> id),
        foreign key (tenant_id, parent_id) references hr_department (tenant_id, id)
            on delete set null (parent_id)
    )""",
    f"""
    create table hr_job_position (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        department_id uuid,
        description text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, name),
        foreign key (tenant_id, department_id) references hr_department (tenant_id, id)
            on delete set null (department_id)
    )""",
    f"""
    create table hr_employee (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        work_email text,
        user_id uuid,
        department_id uuid,
        position_id uuid,
        job_title text,
        manager_id uuid,
        hire_date date,
        termination_date date,
        termination_reason text,
        state text not null default 'active' check (state in ('active', 'terminated')),
        country char(2),
        subdivision text,
        time_zone text not null default 'UTC',
        working_schedule_id uuid,
        erased_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check (manager_id is null or manager_id <> id),
        check (termination_date is null or hire_date is null or termination_date >= hire_date),
        foreign key (tenant_id, department_id) references hr_department (tenant_id, id)
            on delete set null (department_id),
        foreign key (tenant_id, position_id) references hr_job_position (tenant_id, id)
            on delete set null (position_id),
        foreign key (tenant_id, manager_id) references hr_employee (tenant_id, id)
            on delete set null (manager_id),
        foreign key (tenant_id, working_schedule_id) references hr_working_schedule (tenant_id, id)
            on delete set null (working_schedule_id)
    )""",
    # A Nexus user is linked to at most one employee per tenant.
    "create unique index hr_employee_user on hr_employee (tenant_id, user_id) "
    "where user_id is not null",
    "create index hr_employee_manager on hr_employee (tenant_id, manager_id)",
    f"""
    create table hr_contract (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        start_date date not null,
        end_date date,
        contract_type text not null default 'permanent'
            check (contract_type in ('permanent', 'fixed_term', 'contractor', 'intern')),
        working_schedule_id uuid,
        wage numeric(20, 6) not null default 0 check (wage >= 0),
        currency char(3) not null,
        wage_type text not null default 'monthly' check (wage_type in ('monthly', 'hourly')),
        state text not null default 'running' check (state in ('draft', 'running', 'ended')),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check (end_date is null or end_date >= start_date),
        foreign key (tenant_id, employee_id) references hr_employee (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, working_schedule_id) references hr_working_schedule (tenant_id, id)
            on delete set null (working_schedule_id)
    )""",
    # History is kept: at most one running contract per employee at a time.
    "create unique index hr_contract_one_running on hr_contract (tenant_id, employee_id) "
    "where state = 'running'",
    f"""
    create table hr_emergency_contact (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        name text not null check (length(name) between 1 and 200),
        relationship text,
        phone text,
        email text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, employee_id) references hr_employee (tenant_id, id)
            on delete cascade
    )""",
    # Personal data lives apart from the employment record: read and changed only with
    # hr.personal:*, erased on a data-subject request.
    f"""
    create table hr_personal_data (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        birth_date date,
        national_id text,
        private_address text,
        private_phone text,
        private_email text,
        bank_account text,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, employee_id),
        foreign key (tenant_id, employee_id) references hr_employee (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table hr_document (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        name text not null check (length(name) between 1 and 255),
        content_type text not null,
        size bigint not null check (size >= 0),
        blob_key text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, employee_id) references hr_employee (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table hr_checklist_template (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        kind text not null check (kind in ('onboarding', 'offboarding')),
        automatic boolean not null default true,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table hr_checklist_template_task (
        {_TENANT},
        id uuid not null,
        template_id uuid not null,
        position integer not null default 0,
        title text not null check (length(title) between 1 and 200),
        assignee_role text check (assignee_role in ('employee', 'manager', 'hr')),
        assignee_employee_id uuid,
        due_offset_days integer not null default 0,
        primary key (tenant_id, id),
        foreign key (tenant_id, template_id) references hr_checklist_template (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, assignee_employee_id) references hr_employee (tenant_id, id)
            on delete set null (assignee_employee_id)
    )""",
    f"""
    create table hr_checklist (
        {_TENANT},
        id uuid not null,
        employee_id uuid not null,
        template_id uuid,
        name text not null,
        kind text not null check (kind in ('onboarding', 'offboarding')),
        state text not null default 'open' check (state in ('open', 'done')),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, employee_id) references hr_employee (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, template_id) references hr_checklist_template (tenant_id, id)
            on delete set null (template_id)
    )""",
    f"""
    create table hr_checklist_task (
        {_TENANT},
        id uuid not null,
        checklist_id uuid not null,
        position integer not null default 0,
        title text not null,
        assignee_role text,
        assignee_employee_id uuid,
        due_date date not null,
        done boolean not null default false,
        completed_at timestamptz,
        completed_by uuid,
        primary key (tenant_id, id),
        foreign key (tenant_id, checklist_id) references hr_checklist (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, assignee_employee_id) references hr_employee (tenant_id, id)
            on delete set null (assignee_employee_id)
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
