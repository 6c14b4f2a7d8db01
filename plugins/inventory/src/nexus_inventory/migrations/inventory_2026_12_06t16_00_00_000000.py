"""Returns, backorders and service moves (issue #17).

- two move kinds: ``return`` (customer → internal, against a delivery) and
  ``supplier_return`` (internal → supplier, against a receipt), linked by ``return_of``;
- ``backorder``: a draft delivery the oversell policy ``backorder`` left for what stock
  could not cover, ``backorder_of`` the partial delivery it completes;
- ``requested``: what an automatic delivery was asked for (the service's retries answer
  ``backordered`` = requested − delivered);
- reservations made by the ``inventory.reserve`` service keep their ``origin`` line: at
  most one active reservation per origin line.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "returns, backorders, requested quantities and reservation origins"

STATEMENTS = [
    "alter table inventory_move drop constraint inventory_move_kind_check",
    "alter table inventory_move add constraint inventory_move_kind_check check (kind in "
    "('receipt', 'delivery', 'internal', 'adjustment', 'return', 'supplier_return'))",
    "alter table inventory_move add column return_of uuid, "
    "add column backorder boolean not null default false, "
    "add column backorder_of uuid, "
    "add column requested numeric(20, 6) check (requested > 0)",
    "alter table inventory_move add foreign key (tenant_id, return_of) "
    "references inventory_move (tenant_id, id) on delete cascade",
    "alter table inventory_move add foreign key (tenant_id, backorder_of) "
    "references inventory_move (tenant_id, id) on delete cascade",
    "create index inventory_move_return_of on inventory_move (tenant_id, return_of) "
    "where return_of is not null",
    "alter table inventory_reservation add column origin text",
    "create unique index inventory_reservation_origin on inventory_reservation "
    "(tenant_id, origin) where origin is not null and state = 'active'",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="inventory", description=DESCRIPTION)

    async def create() -> None:
        from nexus_inventory.tables import Product

        for statement in STATEMENTS:
            await Product.raw(statement)

    manager.add_raw(create)
    return manager
