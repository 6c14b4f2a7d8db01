from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the projects tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)


def _fk(column: str, table: str) -> str:
    return f"foreign key (tenant_id, {column}) references {table} (tenant_id, id) on delete cascade"


_PROJECT = _fk("project_id", "projects_project")
_TASK = _fk("task_id", "projects_task")

STATEMENTS = [
    f"""
    create table projects_project (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        code text,
        description text not null default '',
        customer_ref uuid,
        customer_name text,
        manager_id uuid,
        billing_type text not null
            check (billing_type in ('time_and_materials', 'fixed_price', 'non_billable')),
        status text not null default 'active'
            check (status in ('draft', 'active', 'on_hold', 'done', 'cancelled')),
        budget_hours numeric(12, 2),
        budget_amount numeric(21, 6),
        currency text not null check (currency ~ '^[A-Z][A-Z][A-Z]$'),
        hourly_rate numeric(21, 6),
        start_date date,
        end_date date,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    "create unique index projects_project_code on projects_project (tenant_id, code) "
    "where code is not null",
    f"""
    create table projects_stage (
        {_TENANT},
        id uuid not null,
        project_id uuid not null,
        name text not null check (length(name) between 1 and 100),
        position integer not null,
        is_done boolean not null default false,
        primary key (tenant_id, id),
        {_PROJECT}
    )""",
    f"""
    create table projects_task (
        {_TENANT},
        id uuid not null,
        project_id uuid not null,
        stage_id uuid not null,
        parent_id uuid,
        title text not null check (length(title) between 1 and 300),
        description text not null default '',
        priority text not null default 'normal'
            check (priority in ('low', 'normal', 'high', 'urgent')),
        assignees uuid[] not null default array[]::uuid[],
        followers uuid[] not null default array[]::uuid[],
        start_date date,
        due_date date,
        estimate_hours numeric(12, 2),
        position integer not null default 0,
        completed_at timestamptz,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_PROJECT},
        {_fk("stage_id", "projects_stage")},
        {_fk("parent_id", "projects_task")}
    )""",
    "create index projects_task_stage on projects_task (tenant_id, stage_id, position)",
    f"""
    create table projects_dependency (
        {_TENANT},
        id uuid not null,
        task_id uuid not null,
        depends_on_id uuid not null check (depends_on_id <> task_id),
        primary key (tenant_id, id),
        unique (tenant_id, task_id, depends_on_id),
        {_TASK},
        {_fk("depends_on_id", "projects_task")}
    )""",
    f"""
    create table projects_checklist_item (
        {_TENANT},
        id uuid not null,
        task_id uuid not null,
        text text not null check (length(text) between 1 and 500),
        done boolean not null default false,
        position integer not null,
        primary key (tenant_id, id),
        {_TASK}
    )""",
    f"""
    create table projects_comment (
        {_TENANT},
        id uuid not null,
        task_id uuid not null,
        author text,
        body text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_TASK}
    )""",
    f"""
    create table projects_attachment (
        {_TENANT},
        id uuid not null,
        task_id uuid not null,
        filename text not null,
        content_type text not null,
        size integer not null,
        blob_key text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_TASK}
    )""",
    f"""
    create table projects_member (
        {_TENANT},
        id uuid not null,
        project_id uuid not null,
        employee_id uuid not null,
        role text not null check (length(role) between 1 and 100),
        primary key (tenant_id, id),
        unique (tenant_id, project_id, employee_id),
        {_PROJECT}
    )""",
    f"""
    create table projects_rate (
        {_TENANT},
        id uuid not null,
        project_id uuid not null,
        role text,
        employee_id uuid,
        hourly_rate numeric(21, 6) not null check (hourly_rate >= 0),
        primary key (tenant_id, id),
        check (role is null or employee_id is null),
        {_PROJECT}
    )""",
    "create unique index projects_rate_scope on projects_rate (tenant_id, project_id, "
    "coalesce(role, ''), coalesce(employee_id, '00000000-0000-0000-0000-000000000000'::uuid))",
    f"""
    create table projects_billing_run (
        {_TENANT},
        id uuid not null,
        project_id uuid not null,
        document_id uuid not null,
        document_number text,
        document_state text not null,
        source_ref text not null,
        hours numeric(12, 2) not null,
        amount numeric(21, 6) not null,
        currency text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_PROJECT}
    )""",
    f"""
    create table projects_time_entry (
        {_TENANT},
        id uuid not null,
        project_id uuid not null,
        task_id uuid,
        employee_id uuid not null,
        role text,
        day date not null,
        hours numeric(6, 2) not null check (hours > 0 and hours <= 24),
        description text not null default '',
        billable boolean not null,
        state text not null default 'draft' check (state in ('draft', 'approved')),
        source text not null check (source in ('projects', 'time')),
        timesheet_id uuid,
        billing_run_id uuid,
        approved_at timestamptz,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_PROJECT},
        foreign key (tenant_id, task_id) references projects_task (tenant_id, id)
            on delete set null (task_id),
        {_fk("billing_run_id", "projects_billing_run")}
    )""",
    "create index projects_time_entry_project on projects_time_entry (tenant_id, project_id)",
    "create index projects_time_entry_timesheet on projects_time_entry (tenant_id, timesheet_id) "
    "where timesheet_id is not null",
    f"""
    create table projects_milestone (
        {_TENANT},
        id uuid not null,
        project_id uuid not null,
        name text not null check (length(name) between 1 and 200),
        amount numeric(21, 6) not null check (amount >= 0),
        due_date date,
        reached_at timestamptz,
        billing_run_id uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_PROJECT},
        {_fk("billing_run_id", "projects_billing_run")}
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="projects", description=DESCRIPTION)

    async def create() -> None:
        from nexus_projects.tables import Project

        for statement in STATEMENTS:
            await Project.raw(statement)

    manager.add_raw(create)
    return manager
