"""Radicale's storage plugin over the caller's tenant: calendars are collections, events items.

Paths: ``/`` (root), ``/<principal>/`` (the caller), ``/<principal>/<calendar id>/`` (every
calendar the caller sees, as in the API), ``…/<href>.ics`` (an event, rendered by
:func:`nexus_calendar._ics.vevent`; an event a client PUTs is kept in ``calendar_event``
under the client's resource name). Radicale calls from a worker thread; every read or write
runs on the event loop in the caller's tenant transaction (:class:`DavSession`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar as VCalendar
from litestar.exceptions import HTTPException
from nexus_hookspecs import new_id
from radicale import item as radicale_item
from radicale import storage

from nexus_calendar._booking import rebook
from nexus_calendar._dav_cards import BOOK, AddressBook, crm_on
from nexus_calendar._dav_ical import parse_event
from nexus_calendar._dav_plain import Plain, http_date, latest
from nexus_calendar._events import EVENT_CANCELLED, EVENT_CHANGED, EVENT_CREATED, publish_event
from nexus_calendar._ics import vevents
from nexus_calendar._overrides import replace_overrides, with_overrides
from nexus_calendar._store import _EVENT, _VISIBLE, _event, with_resources

if TYPE_CHECKING:
    from collections.abc import Coroutine, Iterable, Iterator, Mapping

__all__ = ("SESSION", "DavSession", "Storage")

SESSION: contextvars.ContextVar[DavSession] = contextvars.ContextVar("nexus_calendar_dav")


class DavSession:
    """The loop, the database port and the caller of one CalDAV request."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        db: Any,
        actor: str | None,
        events: Any,
        services: Any,
    ) -> None:
        self.loop, self.db, self.actor, self.events = loop, db, actor, events
        self.services = services
        self.refusal: HTTPException | None = None

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()


def _columns(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in row.keys() if k not in ("dav_href", "updated_at")}  # noqa: SIM118


class _Calendar(Plain):
    """A calendar the caller sees."""

    def __init__(self, path: str, row: Mapping[str, Any]) -> None:
        super().__init__(path)
        self.row = row

    def _items(self, hrefs: Iterable[str] | None = None) -> list[Any]:
        session, calendar_id = SESSION.get(), self.row["id"]

        async def load() -> list[tuple[Any, Any]]:
            async with session.db.transaction() as conn:
                rows = await conn.fetch(
                    f"select {_EVENT}, dav_href, updated_at from calendar_event "
                    "where calendar_id = $1 order by id",
                    calendar_id,
                )
                events = await with_overrides(conn, [_event(_columns(row)) for row in rows])
                return list(zip(events, rows, strict=True))

        loaded: list[tuple[Any, Any]] = session.run(load())
        items = [self._item(event, row) for event, row in loaded]
        if hrefs is not None:
            wanted = set(hrefs)
            items = [item for item in items if item.href in wanted]
        return items

    def _item(self, event: Any, row: Mapping[str, Any]) -> Any:
        cal = VCalendar()
        cal.add("prodid", "-//Nexus//Calendar//EN")
        cal.add("version", "2.0")
        for component in vevents(event, row["updated_at"]):
            cal.add_component(component)
        cal.add_missing_timezones()
        return radicale_item.Item(
            collection_path=self.path,
            collection=self,
            href=row["dav_href"] or f"{row['id']}.ics",
            last_modified=http_date(row["updated_at"]),
            text=cal.to_ical().decode(),
        )

    def get_multi(self, hrefs: Iterable[str]) -> Iterable[tuple[str, Any]]:
        wanted = list(hrefs)
        found = {item.href: item for item in self._items(wanted)}
        return [(href, found.get(href)) for href in wanted]

    def get_all(self) -> Iterable[Any]:
        return self._items()

    def get_meta(self, key: str | None = None) -> Any:
        meta = {
            "tag": "VCALENDAR",
            "D:displayname": str(self.row["name"]),
            "C:supported-calendar-component-set": "VEVENT",
        }
        return meta.get(key) if key else meta

    def set_meta(self, props: Mapping[str, str]) -> None:
        """PROPPATCH: only the display name (the calendar's name) can change."""
        name = props.get("D:displayname")
        if not name:
            return
        session = SESSION.get()

        async def rename() -> None:
            async with session.db.transaction() as conn:
                await conn.execute(
                    "update calendar_calendar set name = $2 where id = $1", self.row["id"], name
                )

        session.run(rename())

    def upload(self, href: str, item: Any) -> Any:
        """PUT: the event is kept in ``calendar_event`` (created, or changed: SEQUENCE + 1).

        Its overridden instances replace the event's modified occurrences.
        """
        uid, event, overrides = parse_event(item.serialize(), str(self.row["timezone"]))
        session, calendar_id = SESSION.get(), self.row["id"]

        async def save() -> None:
            async with session.db.transaction() as conn:
                event_id = await conn.fetchval(
                    "select id from calendar_event where calendar_id = $1 and (dav_href = $2 "
                    "or (dav_href is null and id::text || '.ics' = $2))",
                    calendar_id,
                    href,
                )
                values = (
                    event.summary,
                    event.description,
                    event.location,
                    event.all_day,
                    event.starts_at,
                    event.ends_at,
                    event.start_date,
                    event.end_date,
                    event.timezone,
                    event.rrule,
                    list(event.exdates),
                )
                if event_id is not None:
                    row = await conn.fetchrow(
                        "update calendar_event set summary = $2, description = $3, "
                        "location = $4, all_day = $5, starts_at = $6, ends_at = $7, "
                        "start_date = $8, end_date = $9, timezone = $10, rrule = $11, "
                        "exdates = $12, sequence = sequence + 1, updated_at = now() "
                        f"where id = $1 returning {_EVENT}",
                        event_id,
                        *values,
                    )
                else:
                    row = await conn.fetchrow(
                        "insert into calendar_event (id, calendar_id, uid, dav_href, summary, "
                        "description, location, all_day, starts_at, ends_at, start_date, "
                        "end_date, timezone, rrule, exdates) values ($1, $2, $3, $4, $5, $6, "
                        f"$7, $8, $9, $10, $11, $12, $13, $14, $15) returning {_EVENT}",
                        new_id(),
                        calendar_id,
                        uid or f"{href}@nexus",
                        href,
                        *values,
                    )
                saved = _event(row)
                await replace_overrides(conn, saved, overrides)
                if event_id is not None:  # its resources are booked again at the new times
                    [current] = await with_overrides(conn, [saved])
                    await rebook(conn, await with_resources(conn, current), datetime.now(UTC))
                kind = EVENT_CHANGED if event_id is not None else EVENT_CREATED
                await publish_event(session.events, conn, kind, saved, "caldav")

        try:
            session.run(save())
        except HTTPException as exc:
            # Radicale answers a ValueError with 400; a refused booking (409, nothing
            # changed: the transaction rolled back) is answered by ``_dav`` instead.
            if exc.status_code == 409:
                session.refusal = exc
            raise ValueError(str(exc.detail)) from None
        [(_, uploaded)] = self.get_multi([href])
        return uploaded, None

    def delete(self, href: str | None = None) -> None:
        """DELETE of an event (the calendar itself is deleted through the API only)."""
        if href is None:
            raise ValueError("calendars are deleted through the API")
        session, calendar_id = SESSION.get(), self.row["id"]

        async def drop() -> None:
            async with session.db.transaction() as conn:
                row = await conn.fetchrow(
                    "delete from calendar_event where calendar_id = $1 and (dav_href = $2 "
                    f"or (dav_href is null and id::text || '.ics' = $2)) returning {_EVENT}",
                    calendar_id,
                    href,
                )
                if row is not None:
                    await publish_event(
                        session.events, conn, EVENT_CANCELLED, _event(row), "caldav"
                    )

        session.run(drop())

    @property
    def last_modified(self) -> str:
        return latest(item.last_modified for item in self._items())


def _calendars(segment: str | None = None) -> list[Mapping[str, Any]]:
    """The calendars the caller sees; with ``segment``, the one at that path segment."""
    session = SESSION.get()

    async def load() -> list[Mapping[str, Any]]:
        async with session.db.transaction() as conn:
            return list(
                await conn.fetch(
                    "select * from calendar_calendar where ($1::text is null or "
                    "dav_name = $1 or (dav_name is null and id::text = $1)) "
                    f"and {_VISIBLE} order by created_at, id",
                    segment,
                    session.actor,
                )
            )

    rows: list[Mapping[str, Any]] = session.run(load())
    return rows


def _segment(row: Mapping[str, Any]) -> str:
    """A calendar's path segment: the client's (MKCALENDAR), else its id."""
    return str(row["dav_name"] or row["id"])


def _zone(props: Mapping[str, str]) -> str:
    """The TZID of a MKCALENDAR's ``calendar-timezone`` (a VTIMEZONE), if it is IANA's."""
    text = props.get("C:calendar-timezone")
    if text:
        try:
            for component in VCalendar.from_ical(text).walk("VTIMEZONE"):
                ZoneInfo(str(component["TZID"]))
                return str(component["TZID"])
        except (ValueError, KeyError, ZoneInfoNotFoundError):
            pass
    return "UTC"


def _cards(parts: list[str], depth: str) -> Iterator[Any]:
    """The address book (when CRM is on for the tenant), or one of its cards."""
    session = SESSION.get()
    if len(parts) > 3 or not crm_on(session):
        return
    book = AddressBook(f"{parts[0]}/{BOOK}", session)
    if len(parts) == 3:
        [(_, item)] = book.get_multi([parts[2]])
        if item is not None:
            yield item
        return
    yield book
    if depth != "0":
        yield from book.get_all()


class Storage(storage.BaseStorage):
    """The tenant's calendars, as Radicale collections."""

    def discover(self, path: str, depth: str = "0", *args: Any, **kwargs: Any) -> Iterator[Any]:
        parts = [part for part in path.strip("/").split("/") if part]
        if len(parts) <= 1:
            yield Plain("/".join(parts))
            if parts and depth != "0":
                for row in _calendars():
                    yield _Calendar(f"{parts[0]}/{_segment(row)}", row)
                if crm_on(SESSION.get()):
                    yield AddressBook(f"{parts[0]}/{BOOK}", SESSION.get())
            return
        if parts[1] == BOOK:
            yield from _cards(parts, depth)
            return
        rows = _calendars(parts[1])
        if not rows or len(parts) > 3:
            return
        collection = _Calendar(f"{parts[0]}/{parts[1]}", rows[0])
        if len(parts) == 3:
            [(_, item)] = collection.get_multi([parts[2]])
            if item is not None:
                yield item
            return
        yield collection
        if depth != "0":
            yield from collection.get_all()

    def create_collection(
        self, href: str, items: Any = None, props: Any = None
    ) -> tuple[Any, dict[str, Any], list[str]]:
        """MKCALENDAR: a personal calendar of the caller, named by its display name."""
        parts = [part for part in href.strip("/").split("/") if part]
        if len(parts) <= 1:
            return Plain("/".join(parts)), {}, []
        if len(parts) != 2 or parts[1] == BOOK or (props or {}).get("tag") != "VCALENDAR" or items:
            raise ValueError("only calendars are created here, empty (MKCALENDAR)")
        meta = dict(props or {})
        session = SESSION.get()
        name = (meta.get("D:displayname") or parts[1]).strip()[:200] or parts[1][:200]

        async def create() -> Mapping[str, Any]:
            async with session.db.transaction() as conn:
                row: Mapping[str, Any] = await conn.fetchrow(
                    "insert into calendar_calendar (id, name, owner, timezone, dav_name) "
                    "values ($1, $2, $3, $4, $5) returning *",
                    new_id(),
                    name,
                    session.actor,
                    _zone(meta),
                    parts[1],
                )
                return row

        row = session.run(create())
        return _Calendar(f"{parts[0]}/{parts[1]}", row), {}, []

    def move(self, item: Any, to_collection: Any, to_href: str) -> None:
        raise ValueError("moving events between calendars is not supported")

    @contextlib.contextmanager
    def acquire_lock(self, mode: str, user: str = "", *args: Any, **kwargs: Any) -> Iterator[None]:
        yield  # every read and write is its own tenant transaction

    def verify(self) -> bool:
        return True
