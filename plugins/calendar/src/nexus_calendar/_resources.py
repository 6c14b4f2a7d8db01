"""Bookable resources (rooms, equipment): their bodies and reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import not_found

__all__ = (
    "BookingIn",
    "BookingOut",
    "ResourceChanges",
    "ResourceIn",
    "ResourceOut",
    "change_resource",
    "create_resource",
    "read_resource",
    "resource_bookings",
)

_Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
_Location = Annotated[str, msgspec.Meta(max_length=500)]
_Capacity = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
Kind = Literal["room", "equipment"]


class ResourceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new bookable resource."""

    name: _Name
    kind: Kind = "room"
    capacity: _Capacity | None = None
    location: _Location | None = None


class ResourceChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to change in a resource; left-out fields are kept."""

    name: _Name | None = None
    kind: Kind | None = None
    capacity: _Capacity | None = None
    location: _Location | None = None


class ResourceOut(msgspec.Struct, kw_only=True):
    """A bookable resource."""

    id: UUID
    name: str
    kind: str
    capacity: int | None
    location: str | None
    created_at: datetime


class BookingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The resource an event books."""

    resource_id: UUID


class BookingOut(msgspec.Struct, kw_only=True):
    """One booked occurrence of a resource (UTC)."""

    event_id: UUID
    summary: str
    start: datetime
    end: datetime


_COLUMNS = "id, name, kind, capacity, location, created_at"


def _out(row: Any) -> ResourceOut:
    return ResourceOut(**{key: row[key] for key in row.keys()})  # noqa: SIM118


async def create_resource(conn: Any, data: ResourceIn) -> ResourceOut:
    """Keep a resource."""
    row = await conn.fetchrow(
        "insert into calendar_resource (id, name, kind, capacity, location) "
        f"values ($1, $2, $3, $4, $5) returning {_COLUMNS}",
        new_id(),
        data.name,
        data.kind,
        data.capacity,
        data.location,
    )
    return _out(row)


async def read_resource(conn: Any, resource_id: UUID) -> ResourceOut:
    """A resource of the tenant; else 404."""
    row = await conn.fetchrow(
        f"select {_COLUMNS} from calendar_resource where id = $1", resource_id
    )
    if row is None:
        not_found()
    return _out(row)


async def change_resource(conn: Any, resource_id: UUID, data: ResourceChanges) -> ResourceOut:
    """Change a resource's name, kind, capacity or location; 404 when unknown."""
    current = await read_resource(conn, resource_id)
    changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not None}
    merged = msgspec.structs.replace(current, **changes)
    row = await conn.fetchrow(
        "update calendar_resource set name = $2, kind = $3, capacity = $4, location = $5 "
        f"where id = $1 returning {_COLUMNS}",
        resource_id,
        merged.name,
        merged.kind,
        merged.capacity,
        merged.location,
    )
    return _out(row)


async def resource_bookings(
    conn: Any, resource_id: UUID, start: datetime, end: datetime
) -> list[BookingOut]:
    """The booked occurrences of a resource overlapping ``[start, end)``, by start."""
    rows = await conn.fetch(
        "select b.event_id, e.summary, lower(b.span) as start, upper(b.span) as end "
        "from calendar_booking b join calendar_event e on e.id = b.event_id "
        "where b.resource_id = $1 and b.span && tstzrange($2, $3) "
        "order by lower(b.span), b.event_id limit 5000",
        resource_id,
        start,
        end,
    )
    return [BookingOut(**dict(row)) for row in rows]
