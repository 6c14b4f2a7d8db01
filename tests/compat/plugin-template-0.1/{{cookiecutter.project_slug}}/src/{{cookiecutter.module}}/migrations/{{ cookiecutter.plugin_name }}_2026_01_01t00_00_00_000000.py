"""Create the item table: the operations ``piccolo migrations new --auto`` records for it.

Piccolo's auto migrations describe a table as ``add_table`` and one ``add_column`` per
column; this one does the same for ``tables.py`` as generated, so the next
``PICCOLO_CONF=nexus.db.piccolo_conf piccolo migrations new {{ cookiecutter.plugin_name }} --auto``
compares ``tables.py`` with it and writes only what changed.

Piccolo creates the table keyed by ``id``. After every migration run the kernel makes
``(tenant_id, id)`` the primary key and enables and forces row-level security on every
table with a ``tenant_id`` column, so neither is written here.
"""

from typing import Any

from nexus_hookspecs.piccolo import CurrentTenant, TimeOrderedId
from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Column
from piccolo.columns.column_types import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-01-01T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create {{ cookiecutter.plugin_name }}_item"

APP = "{{ cookiecutter.plugin_name }}"
TABLE = "{{ cookiecutter.plugin_name }}_item"

# The column parameters Piccolo writes out in full for every column.
PARAMS: dict[str, Any] = {
    "null": False,
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)
    manager.add_table(class_name="Item", tablename=TABLE, schema=None, columns=None)

    def column(name: str, column_class: type[Column], **params: Any) -> None:
        manager.add_column(
            table_class_name="Item",
            tablename=TABLE,
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params={**PARAMS, **params},
            schema=None,
        )

    column("tenant_id", UUID, default=CurrentTenant(), index=True)
    column("id", UUID, default=TimeOrderedId(), primary_key=True)
    column("title", Varchar, length=200, default="")
    column("notes", Text, default="")
    column("status", Varchar, length=20, default="new")
    column("created_at", Timestamptz, default=TimestamptzNow())
    return manager
