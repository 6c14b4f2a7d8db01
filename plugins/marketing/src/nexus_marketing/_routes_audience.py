"""Contacts (CRM's, read-only here), consents, static lists and segments."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    TenantSettings,
    after_id,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_marketing._audience import audience_sql, count_audience
from nexus_marketing._examples import body
from nexus_marketing._keys import AUDIENCE_READ, AUDIENCE_WRITE, KEYRING
from nexus_marketing._models import (
    Channel,
    ConsentIn,
    ConsentOut,
    ContactOut,
    ListIn,
    ListOut,
    MembersIn,
    SegmentIn,
    SegmentOut,
)
from nexus_marketing._settings import MarketingSettings

__all__ = ("AudienceController", "ConfirmLink")

_READ = route_opt(permission=AUDIENCE_READ)
_WRITE = route_opt(permission=AUDIENCE_WRITE)


class ConfirmLink(msgspec.Struct, kw_only=True):
    """A pending consent and the signed link that confirms it (send it to the contact)."""

    consent: ConsentOut
    token: str
    confirm_url: str | None


def _consent(row: Any) -> ConsentOut:
    return msgspec.convert(dict(row), ConsentOut, from_attributes=True)


def _segment(row: Any) -> SegmentOut:
    return msgspec.convert(dict(row), SegmentOut)


class AudienceController(Controller):
    """Who campaigns reach."""

    path = "/"
    tags = ["marketing: audience"]

    @get("/contacts", opt=_READ)
    async def list_contacts(
        self, db: Db, tag: FromQuery[str | None] = None, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[ContactOut]:
        """Contacts (kept from CRM's events), optionally with a tag."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, email, phone, name, tags, time_zone from marketing_contact "
                "where ($1::uuid is null or id > $1) and ($2::text is null or $2 = any(tags)) "
                "order by id limit $3",
                after_id(cursor),
                tag,
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), ContactOut) for r in rows], limit)

    @get("/contacts/{contact_id:uuid}/consents", opt=_READ)
    async def consents(self, db: Db, contact_id: FromPath[UUID]) -> list[ConsentOut]:
        """A contact's consent on each channel, with its proof."""
        async with db.transaction() as conn:
            if not await conn.fetchval(
                "select exists (select 1 from marketing_contact where id = $1)", contact_id
            ):
                not_found()
            rows = await conn.fetch(
                "select * from marketing_consent where contact_id = $1 order by channel",
                contact_id,
            )
        return [_consent(row) for row in rows]

    @post("/consents", opt=_WRITE)
    async def request_consent(
        self,
        db: Db,
        request: Request[Any, Any, Any],
        settings: TenantSettings[MarketingSettings],
        data: Annotated[ConsentIn, body("POST /consents", "Ask Ada to confirm email")],
    ) -> ConfirmLink:
        """Record a pending consent (double opt-in) and answer its signed confirmation link.

        A confirmed consent stays confirmed; an unsubscribed or suppressed one becomes
        pending again (the contact opts in anew).
        """
        chosen = settings
        ip = request.client.host if request.client else None
        async with db.transaction() as conn:
            if not await conn.fetchval(
                "select exists (select 1 from marketing_contact where id = $1)", data.contact_id
            ):
                invalid("contact_id", "no such contact")
            row = await conn.fetchrow(
                "insert into marketing_consent (id, contact_id, channel, state, source, "
                "requested_ip) values ($1, $2, $3, 'pending', $4, $5) "
                "on conflict (tenant_id, contact_id, channel) do update set "
                "state = case when marketing_consent.state = 'confirmed' then 'confirmed' "
                "else 'pending' end, source = excluded.source, requested_at = now(), "
                "requested_ip = excluded.requested_ip, changed_at = now() returning *",
                new_id(),
                data.contact_id,
                data.channel,
                data.source,
                ip,
            )
        if row is None:  # an upsert always answers its row
            not_found()
        token = KEYRING.sign_token("confirm", {"c": str(row["contact_id"]), "ch": data.channel})
        base = chosen.public_url.rstrip("/") if chosen.public_url else None
        return ConfirmLink(
            consent=_consent(row),
            token=token,
            confirm_url=f"{base}/confirm/{token}" if base else None,
        )

    @post("/lists", opt=_WRITE)
    async def create_list(
        self, db: Db, data: Annotated[ListIn, body("POST /lists", "Newsletter")]
    ) -> ListOut:
        """Create a static list."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "insert into marketing_list (id, name) values ($1, $2) returning *",
                new_id(),
                data.name,
            )
        if row is None:  # an insert always answers its row
            not_found()
        return ListOut(id=row["id"], name=row["name"], members=0, created_at=row["created_at"])

    @post("/lists/{list_id:uuid}/members", opt=_WRITE)
    async def add_members(
        self,
        db: Db,
        list_id: FromPath[UUID],
        data: Annotated[MembersIn, body("POST /lists/{list_id}/members", "Add Ada")],
    ) -> ListOut:
        """Add contacts to a list (422 naming ``contact_ids`` when one is unknown)."""
        async with db.transaction() as conn:
            found = await conn.fetchrow("select * from marketing_list where id = $1", list_id)
            if found is None:
                not_found()
            known = await conn.fetchval(
                "select count(*) from marketing_contact where id = any($1::uuid[])",
                list(set(data.contact_ids)),
            )
            if known != len(set(data.contact_ids)):
                invalid("contact_ids", "unknown contact")
            await conn.execute(
                "insert into marketing_list_member (list_id, contact_id) "
                "select $1, unnest($2::uuid[]) on conflict do nothing",
                list_id,
                list(set(data.contact_ids)),
            )
            members = await conn.fetchval(
                "select count(*) from marketing_list_member where list_id = $1", list_id
            )
        return ListOut(
            id=list_id, name=found["name"], members=members, created_at=found["created_at"]
        )

    @post("/segments", opt=_WRITE)
    async def create_segment(
        self, db: Db, data: Annotated[SegmentIn, body("POST /segments", "VIP customers")]
    ) -> SegmentOut:
        """Save a segment (a dynamic filter evaluated when a campaign sends)."""
        async with db.transaction() as conn:
            if data.list_id is not None and not await conn.fetchval(
                "select exists (select 1 from marketing_list where id = $1)", data.list_id
            ):
                invalid("list_id", "no such list")
            row = await conn.fetchrow(
                "insert into marketing_segment (id, name, tags_all, tags_any, email_domain, "
                "list_id) values ($1, $2, $3, $4, $5, $6) returning *",
                new_id(),
                data.name,
                data.tags_all,
                data.tags_any,
                data.email_domain,
                data.list_id,
            )
        return _segment(row)

    @get("/segments/{segment_id:uuid}", opt=_READ)
    async def show_segment(self, db: Db, segment_id: FromPath[UUID]) -> SegmentOut:
        """One segment."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from marketing_segment where id = $1", segment_id)
        if row is None:
            not_found()
        return _segment(row)

    @get("/segments/{segment_id:uuid}/count", opt=_READ)
    async def count_segment(
        self,
        db: Db,
        settings: TenantSettings[MarketingSettings],
        segment_id: FromPath[UUID],
        channel: FromQuery[Channel] = "email",
    ) -> dict[str, int]:
        """How many contacts a campaign on ``channel`` would reach now."""
        chosen = settings
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from marketing_segment where id = $1", segment_id)
            if row is None:
                not_found()
            sql, args = audience_sql(
                channel, segment=row, list_id=None, require_consent=chosen.require_consent
            )
            return {"contacts": await count_audience(conn, sql, args)}
