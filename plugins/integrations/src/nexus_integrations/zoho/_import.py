"""Zoho CRM ⇄ Nexus: Accounts, Contacts and Products in, contacts back out (``_push``).

Accounts become Finance partners (``finance.partners.ensure``, customers); Contacts CRM
contacts (``crm.contacts.save``), a later change in Zoho applied to a contact unchanged in
Nexus since (changed on both sides: the connection's ``conflict_policy``); Products
Inventory products by ``Product_Code`` (``inventory.products.ensure``, untracked). A
remote change to an account or a product is a conflict (Nexus wins). The cursor of each
module is the latest ``Modified_Time`` seen, sent as ``If-Modified-Since`` next time.
Contacts deleted in Zoho (``Contacts/deleted``, cursor ``Contacts.deleted``) delete their
CRM contact when unchanged in Nexus since the last sync (changed: the policy decides).

Field mappings (``MAPPINGS``): Zoho field → Nexus field, per module.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from nexus_integrations._connector import Fetched, Item, Outgoing, Pushed
from nexus_integrations.zoho import _push
from nexus_integrations.zoho._client import ZohoClient, ZohoConfig

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations._oauth import OAuthApp

__all__ = ("CONNECTOR", "MAPPINGS", "ZohoCrm")

ACCOUNTS, CONTACTS, PRODUCTS = "Accounts", "Contacts", "Products"
DELETED = "Contacts.deleted"
"""The cursor of Zoho's deleted contacts: the latest ``deleted_time`` seen."""

MAPPINGS: dict[str, dict[str, str]] = {
    ACCOUNTS: {"Account_Name": "name"},
    CONTACTS: {
        "First_Name": "first_name",
        "Last_Name": "last_name",
        "Email": "email",
        "Phone": "phone",
    },
    PRODUCTS: {"Product_Code": "sku", "Product_Name": "name", "Unit_Price": "sale_price"},
}
"""Per module: Zoho field → the Nexus field it fills."""


class _Ensured(msgspec.Struct):
    id: UUID


class _Deleted(msgspec.Struct):
    deleted: bool


class _Contact(msgspec.Struct):
    id: UUID
    first_name: str
    last_name: str
    email: str | None
    phone: str | None


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def _data(module: str, record: dict[str, Any]) -> dict[str, Any]:
    data = {nexus: _text(record.get(zoho)) for zoho, nexus in MAPPINGS[module].items()}
    if module == CONTACTS:
        data["first_name"] = data["first_name"] or ""
        data["last_name"] = data["last_name"] or "(no name)"
    elif module == PRODUCTS:
        data["sku"] = (data["sku"] or f"ZOHO-{record['id']}")[:100]
        price = Decimal(str(record.get("Unit_Price") or 0)).quantize(Decimal("0.01"))
        data["sale_price"] = str(price)
    return data


def _label(module: str, data: dict[str, Any]) -> str:
    if module == CONTACTS:
        return f"{data['first_name']} {data['last_name']}".strip()
    return str(data["name"])


def _advance(cursors: dict[str, str], key: str, stamps: list[str]) -> None:
    """Move the cursor ``key`` to the latest of ``stamps`` (never back)."""
    seen = [datetime.fromisoformat(stamp) for stamp in stamps]
    if cursors.get(key):
        seen.append(datetime.fromisoformat(cursors[key]))
    if seen:
        cursors[key] = max(seen).isoformat()


class ZohoCrm:
    """Imports and syncs a Zoho CRM organization's accounts, contacts and products."""

    source = "zoho"
    config_type: type[msgspec.Struct] = ZohoConfig

    def oauth_app(self, config: ZohoConfig) -> OAuthApp:
        """The tenant's OAuth client at its data center."""
        return config.oauth_app()

    def conflict_policy(self, config: ZohoConfig) -> str:
        """The connection's policy for contacts changed on both sides."""
        return config.conflict_policy

    def updates(self, obj: str) -> bool:
        """Zoho's changes to contacts are applied; to accounts and products, conflicts."""
        return obj == CONTACTS

    def fetch(self, config: ZohoConfig, cursors: dict[str, str]) -> Fetched:
        """Accounts, contacts and products modified since each module's cursor."""
        client = ZohoClient(config)
        items: list[Item] = []
        new = dict(cursors)
        try:
            for module in (ACCOUNTS, CONTACTS, PRODUCTS):
                fields = [*MAPPINGS[module], "Modified_Time"]
                records = client.records(module, fields, cursors.get(module))
                for record in records:
                    data = _data(module, record)
                    items.append(
                        Item(
                            object=module,
                            remote_id=str(record["id"]),
                            label=_label(module, data),
                            data=data,
                        )
                    )
                _advance(new, module, [r["Modified_Time"] for r in records])
            gone = client.deleted(CONTACTS, cursors.get(DELETED))
            items.extend(
                Item(
                    object=CONTACTS,
                    remote_id=str(r["id"]),
                    label=str(r.get("display_name") or r["id"]),
                    data={},
                    deleted=True,
                )
                for r in gone
            )
            _advance(new, DELETED, [r["deleted_time"] for r in gone])
        finally:
            client.close()
        return Fetched(items=items, cursors=new)

    async def write(
        self,
        item: Item,
        *,
        conn: Connection,
        services: Services,
        lookup: Callable[[str, str], Awaitable[UUID | None]],
        connection_id: UUID,
    ) -> UUID:
        """A Finance partner, a CRM contact or an Inventory product."""
        data = item.data
        if item.object == ACCOUNTS:
            request = {"name": data["name"][:200], "kind": "customer"}
            found = await services.call(conn, "finance.partners.ensure", request, result=_Ensured)
            return found.id
        if item.object == PRODUCTS:
            request = {
                "sku": data["sku"],
                "name": data["name"][:200],
                "sale_price": data["sale_price"],
            }
            found = await services.call(conn, "inventory.products.ensure", request, result=_Ensured)
            return found.id
        saved = await services.call(conn, "crm.contacts.save", data, result=_Ensured)
        return saved.id

    async def current(
        self, obj: str, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> dict[str, Any] | None:
        """A contact's data as Nexus has it (accounts and products: not compared)."""
        if obj != CONTACTS:
            return None
        found = await services.call(
            conn, "crm.contacts.changed", {"ids": [str(nexus_id)]}, result=list[_Contact]
        )
        if not found:
            return None
        return {k: v for k, v in msgspec.structs.asdict(found[0]).items() if k != "id"}

    async def update(
        self, item: Item, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> None:
        """Apply Zoho's change to the CRM contact."""
        request = {"id": str(nexus_id), **item.data}
        await services.call(conn, "crm.contacts.save", request, result=_Ensured)

    async def delete(
        self, obj: str, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> None:
        """Delete the CRM contact of a contact deleted in Zoho (the only deletions fetched)."""
        assert obj == CONTACTS, obj
        await services.call(conn, "crm.contacts.delete", {"id": str(nexus_id)}, result=_Deleted)

    async def outgoing(
        self, config: ZohoConfig, cursors: dict[str, str], *, conn: Connection, services: Services
    ) -> tuple[list[Outgoing], dict[str, str]]:
        """The CRM contacts changed in Nexus since the cursor ``crm.contact``."""
        return await _push.outgoing(cursors, conn=conn, services=services)

    def push(self, config: ZohoConfig, changes: list[Outgoing]) -> list[Pushed]:
        """Insert or update each contact in Zoho."""
        if not changes:
            return []
        client = ZohoClient(config)
        try:
            return _push.push(client, changes)
        finally:
            client.close()


CONNECTOR = ZohoCrm()
