"""Create the item table.

Written as SQL so it reads like the table it makes; later migrations can come from
``PICCOLO_CONF=nexus.db.piccolo_conf piccolo migrations new {{ cookiecutter.plugin_name }} --auto``.
The kernel makes ``(tenant_id, id)`` the primary key and switches on row-level security
after the migration.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-01-01T00:00:00:000000"
VERSION = "1.38.0"
APP = "{{ cookiecutter.plugin_name }}"
DESCRIPTION = "create {{ cookiecutter.plugin_name }}_item"

STATEMENTS = (
    """
    create table {{ cookiecutter.plugin_name }}_item (
        tenant_id uuid not null
            default nullif(current_setting('nexus.tenant_id', true), '')::uuid,
        id uuid primary key,
        title varchar(200) not null,
        notes text not null default '',
        status varchar(20) not null default 'new',
        created_at timestamptz not null default now()
    )
    """,
    "create index {{ cookiecutter.plugin_name }}_item_tenant_id on {{ cookiecutter.plugin_name }}_item (tenant_id)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def create() -> None:
        from {{ cookiecutter.module }}.tables import Item

        for statement in STATEMENTS:
            await Item.raw(statement)

    manager.add_raw(create)
    return manager
