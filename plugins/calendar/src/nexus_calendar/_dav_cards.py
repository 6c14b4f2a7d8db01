"""CardDAV (RFC 6352): the tenant's CRM contacts as an address book, ``/<principal>/contacts/``.

The contacts live in CRM and are reached through its services (``crm.contacts.list``,
``crm.contacts.upsert``), never its tables: a card is rendered from a contact (vCard 3.0:
N, FN, EMAIL, TEL, TITLE, ORG, REV), and a card a client PUTs creates or changes the
contact. A contact a client created keeps the client's resource name and UID
(``calendar_card``); others are served as ``<contact id>.vcf``. Without CRM for the tenant
there is no address book (404).
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Any
from uuid import UUID  # noqa: TC003

import msgspec
import vobject
from litestar.exceptions import HTTPException
from radicale import item as radicale_item

from nexus_calendar._dav_plain import Plain, http_date, latest

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ("BOOK", "AddressBook", "crm_on")

BOOK = "contacts"
"""The address book's path segment under the caller's principal."""

_LIST = "crm.contacts.list"
_UPSERT = "crm.contacts.upsert"


class Card(msgspec.Struct, kw_only=True):
    """The fields of ``crm.contacts.list``'s cards that an address card holds."""

    id: UUID
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    job_title: str | None
    company_name: str | None
    updated_at: datetime


class _Cards(msgspec.Struct, kw_only=True):
    contacts: list[Card]


def crm_on(session: Any) -> bool:
    """Whether CRM answers for the caller's tenant (else there is no address book)."""

    async def ask() -> bool:
        async with session.db.transaction() as conn:
            return bool(await session.services.available(conn, _LIST))

    return bool(session.run(ask()))


def _vcard(card: Card, uid: str) -> str:
    item = vobject.vCard()
    item.add("uid").value = uid
    item.add("n").value = vobject.vcard.Name(family=card.last_name, given=card.first_name)
    item.add("fn").value = f"{card.first_name} {card.last_name}".strip() or card.last_name
    if card.email:
        item.add("email").value = card.email
    if card.phone:
        item.add("tel").value = card.phone
    if card.job_title:
        item.add("title").value = card.job_title
    if card.company_name:
        item.add("org").value = [card.company_name]
    item.add("rev").value = card.updated_at.strftime("%Y%m%dT%H%M%SZ")
    return str(item.serialize())


def _text(item: Any, name: str) -> str | None:
    found = getattr(item, name, None)
    value = getattr(found, "value", None)
    return str(value).strip() or None if value else None


def _fields(vcard: Any) -> dict[str, Any]:
    """A client's card as ``crm.contacts.upsert`` fields; ``ValueError`` without a name."""
    name = getattr(vcard, "n", None)
    first, last = "", ""
    if name is not None:
        first = " ".join(filter(None, [name.value.given, name.value.additional])).strip()
        last = str(name.value.family or "").strip()
    if not last:
        full = _text(vcard, "fn") or ""
        first, _, last = full.rpartition(" ") if " " in full else ("", "", full)
    if not last:
        raise ValueError("a card needs a name (N or FN)")
    return {
        "first_name": first[:200],
        "last_name": last[:200],
        "email": _text(vcard, "email"),
        "phone": _text(vcard, "tel"),
        "job_title": _text(vcard, "title"),
    }


class AddressBook(Plain):
    """The tenant's CRM contacts."""

    def __init__(self, path: str, session: Any) -> None:
        super().__init__(path)
        self.session = session

    def _items(self) -> list[Any]:
        session = self.session

        async def load() -> tuple[list[Card], dict[Any, Any]]:
            async with session.db.transaction() as conn:
                answer = await session.services.call(conn, _LIST, {}, result=_Cards)
                rows = await conn.fetch("select contact_id, href, uid from calendar_card")
                return answer.contacts, {row["contact_id"]: row for row in rows}

        cards, known = session.run(load())
        items = []
        for card in cards:
            row = known.get(card.id)
            href = row["href"] if row else f"{card.id}.vcf"
            items.append(
                radicale_item.Item(
                    collection_path=self.path,
                    collection=self,
                    href=href,
                    last_modified=http_date(card.updated_at),
                    text=_vcard(card, row["uid"] if row else str(card.id)),
                )
            )
        return items

    def get_multi(self, hrefs: Iterable[str]) -> Iterable[tuple[str, Any]]:
        wanted = list(hrefs)
        found = {item.href: item for item in self._items()}
        return [(href, found.get(href)) for href in wanted]

    def get_all(self) -> Iterable[Any]:
        return self._items()

    def get_meta(self, key: str | None = None) -> Any:
        meta = {"tag": "VADDRESSBOOK", "D:displayname": "Contacts (CRM)"}
        return meta.get(key) if key else meta

    def upload(self, href: str, item: Any) -> Any:
        """PUT: the card creates the CRM contact, or changes the one at ``href``."""
        fields = _fields(item.vobject_item)
        uid = str(item.uid or href)
        session = self.session

        async def save() -> None:
            async with session.db.transaction() as conn:
                contact_id = await conn.fetchval(
                    "select contact_id from calendar_card where href = $1", href
                )
                named = _uuid(href.removesuffix(".vcf"))
                if contact_id is None and named is not None:
                    # ``<contact id>.vcf`` names a contact served as such; a client's new
                    # card may carry a UUID name too, and is a new contact then.
                    known = await session.services.call(
                        conn, _LIST, {"ids": [str(named)]}, result=_Cards
                    )
                    contact_id = named if known.contacts else None
                card = await session.services.call(
                    conn,
                    _UPSERT,
                    {**fields, **({"id": str(contact_id)} if contact_id else {})},
                    result=Card,
                )
                if contact_id is None:
                    await conn.execute(
                        "insert into calendar_card (contact_id, href, uid) values ($1, $2, $3)",
                        card.id,
                        href,
                        uid,
                    )

        try:
            session.run(save())
        except HTTPException as exc:  # CRM refused a field (422) or the contact is gone
            raise ValueError(str(exc.detail)) from None
        [(_, uploaded)] = self.get_multi([href])
        return uploaded, None

    def delete(self, href: str | None = None) -> None:
        raise ValueError("contacts are deleted in CRM")

    @property
    def last_modified(self) -> str:
        return latest(item.last_modified for item in self._items())


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None
