"""Web forms: a visitor's submission becomes a CRM contact, with UTM attribution and consent.

``POST /forms`` makes a form (its consent channel, the tags its contacts get). The visitor
route ``POST /forms/{tenant}/{form_id}`` (no credentials, like Support's public form) takes
a submission: a honeypot ``website`` that must stay empty (422), ``form_per_hour``
submissions per client address (429 with ``Retry-After`` beyond), bounded fields and a
16 kB body (413). The contact is found by email in Marketing's projection and updated, or
created, through CRM's ``crm.contacts.save`` (409 naming CRM when it is off for the
tenant) as a lead (``lifecycle_stage`` ``lead``, with the UTM source, medium and campaign
of this first touch; a known contact keeps its stage and attribution); the projection is
written at once (tags, time zone), a pending consent on the form's channel is recorded
with its proof when the visitor ticked ``consent`` (double opt-in: the signed confirmation
link is answered when the ``public_url`` setting is set, for the site to show or mail), and
the submission keeps ``utm_source``, ``utm_medium``, ``utm_campaign``, ``utm_term``,
``utm_content`` and the referrer.
"""

from __future__ import annotations

import math
import time
from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import Annotated, Any, Literal
from uuid import UUID  # noqa: TC003

import msgspec
from limits import RateLimitItemPerHour, storage, strategies
from litestar import Controller, Request, get, post
from litestar.exceptions import TooManyRequestsException
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Context,
    Db,
    Services,
    TenantSettings,
    conflict,
    invalid,
    not_found,
    route_opt,
)

from nexus_marketing._examples import body
from nexus_marketing._keys import AUDIENCE_READ, AUDIENCE_WRITE, KEYRING
from nexus_marketing._settings import MarketingSettings

__all__ = ("FormController", "FormVisitorController")

_LIMITER = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
_VISITOR = route_opt(access="visitor")
_UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")

Short = Annotated[str, msgspec.Meta(max_length=200)]
Utm = Annotated[str, msgspec.Meta(max_length=200)] | None


class FormIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A web form.

    Attributes:
        name: Unique in the tenant.
        consent_channel: The channel a ticked ``consent`` asks for (``email``; none: the
            form asks for no consent).
        tags: Tags its contacts get in Marketing (segments select on them).
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    consent_channel: Literal["email", "sms", "whatsapp"] | None = "email"
    tags: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=20)
    ] = msgspec.field(default_factory=list)


class FormOut(msgspec.Struct, kw_only=True):
    """A web form, and how many submissions it had."""

    id: UUID
    name: str
    consent_channel: str | None
    tags: list[str]
    submissions: int
    created_at: datetime


class SubmissionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a visitor sends. ``website`` is a honeypot: people leave it empty, bots fill it."""

    first_name: Short = ""
    last_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    company: Short | None = None
    message: Annotated[str, msgspec.Meta(max_length=4000)] | None = None
    time_zone: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    consent: bool = False
    utm_source: Utm = None
    utm_medium: Utm = None
    utm_campaign: Utm = None
    utm_term: Utm = None
    utm_content: Utm = None
    referrer: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    website: Annotated[str, msgspec.Meta(max_length=200)] = ""


class SubmittedOut(msgspec.Struct, kw_only=True):
    """The submission taken: the CRM contact, and the consent to confirm (double opt-in)."""

    submission_id: UUID
    contact_id: UUID
    consent: str | None
    confirm_url: str | None = None


class SubmissionOut(msgspec.Struct, kw_only=True):
    """A form's submission with its attribution."""

    id: UUID
    form_id: UUID
    contact_id: UUID
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    utm_term: str | None
    utm_content: str | None
    referrer: str | None
    consent: bool
    submitted_at: datetime


class _Saved(msgspec.Struct):
    id: UUID


def _admit(tenant_id: UUID, address: str, per_hour: int) -> None:
    item = RateLimitItemPerHour(per_hour)
    if _LIMITER.hit(item, "marketing.form", str(tenant_id), address):
        return
    stats = _LIMITER.get_window_stats(item, "marketing.form", str(tenant_id), address)
    wait = max(1, math.ceil(stats.reset_time - time.time()))
    raise TooManyRequestsException(
        "too many submissions from this address: try again later",
        headers={"Retry-After": str(wait)},
    )


def _notes(form: Any, data: SubmissionIn) -> str:
    lines = [f"Web form: {form['name']}"]
    if data.company:
        lines.append(f"Company: {data.company}")
    utm = [f"{key}={getattr(data, key)}" for key in _UTM if getattr(data, key)]
    if utm:
        lines.append("Attribution: " + ", ".join(utm))
    if data.message:
        lines.append(data.message)
    return "\n".join(lines)[:10000]


class FormController(Controller):
    """The tenant's web forms and their submissions."""

    path = "/forms"
    tags = ["marketing: forms"]

    @post("/", opt=route_opt(permission=AUDIENCE_WRITE))
    async def create_form(
        self, db: Db, data: Annotated[FormIn, body("POST /forms", "Newsletter")]
    ) -> FormOut:
        """Create a web form; 409 when the name is taken."""
        async with db.transaction() as conn:
            if await conn.fetchval("select 1 from marketing_form where name = $1", data.name):
                conflict(f"a form named {data.name!r} exists")
            row = await conn.fetchrow(
                "insert into marketing_form (id, name, consent_channel, tags) "
                "values ($1, $2, $3, $4) returning *, 0 as submissions",
                new_id(),
                data.name,
                data.consent_channel,
                data.tags,
            )
        if row is None:  # an insert always answers its row
            not_found()
        return msgspec.convert(dict(row), FormOut)

    @get("/", opt=route_opt(permission=AUDIENCE_READ))
    async def list_forms(self, db: Db) -> list[FormOut]:
        """The tenant's forms, by name."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select f.*, (select count(*) from marketing_form_submission s "
                "where s.form_id = f.id) as submissions from marketing_form f order by f.name"
            )
        return [msgspec.convert(dict(r), FormOut) for r in rows]

    @get("/{form_id:uuid}/submissions", opt=route_opt(permission=AUDIENCE_READ))
    async def submissions(self, db: Db, form_id: FromPath[UUID]) -> list[SubmissionOut]:
        """A form's last 500 submissions, newest first; 404 when not the tenant's."""
        async with db.transaction() as conn:
            if not await conn.fetchval("select 1 from marketing_form where id = $1", form_id):
                not_found()
            rows = await conn.fetch(
                "select * from marketing_form_submission where form_id = $1 "
                "order by submitted_at desc limit 500",
                form_id,
            )
        return [msgspec.convert(dict(r), SubmissionOut, from_attributes=False) for r in rows]


class FormVisitorController(Controller):
    """Where a tenant's web forms post, without an account."""

    path = "/forms/{tenant:str}"
    tags = ["marketing: forms"]

    @post("/{form_id:uuid}", opt=_VISITOR, request_max_body_size=16_000)
    async def submit(
        self,
        tenant: FromPath[str],
        form_id: FromPath[UUID],
        request: Request[Any, Any, Any],
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[MarketingSettings],
        data: Annotated[SubmissionIn, body("POST /forms/{tenant}/{form_id}", "A visitor")],
    ) -> SubmittedOut:
        """Take a submission: a CRM contact (found by email, or created) with its attribution.

        422 naming the field (the honeypot ``website`` included); 429 beyond
        ``form_per_hour`` per address; 404 for a form that is not the tenant's.
        """
        if data.website:
            invalid("website", "leave this field empty")
        if context.tenant_id is None:
            not_found()
        address = request.client.host if request.client else "unknown"
        _admit(context.tenant_id, address, settings.form_per_hour)
        email = data.email.strip().lower()
        async with db.transaction() as conn:
            form = await conn.fetchrow("select * from marketing_form where id = $1", form_id)
            if form is None:
                not_found()
            known = await conn.fetchval(
                "select id from marketing_contact where lower(email) = $1 order by updated_at "
                "limit 1",
                email,
            )
            request_data: dict[str, Any] = {
                "first_name": data.first_name,
                "last_name": data.last_name,
                "email": email,
                "notes": _notes(form, data),
            }
            if data.phone:
                request_data["phone"] = data.phone
            if known is not None:
                request_data["id"] = str(known)
            else:  # a new contact is a lead, attributed to this first touch
                request_data["lifecycle_stage"] = "lead"
                for key in ("utm_source", "utm_medium", "utm_campaign"):
                    value = getattr(data, key)
                    if value:
                        request_data[key] = value[:200]
            saved = await services.call(conn, "crm.contacts.save", request_data, result=_Saved)
            name = f"{data.first_name} {data.last_name}".strip()[:200]
            await conn.execute(
                "insert into marketing_contact (id, email, phone, name, tags, time_zone) "
                "values ($1, $2, $3, $4, $5::text[], $6) on conflict (tenant_id, id) do update "
                "set email = excluded.email, name = excluded.name, "
                "phone = coalesce(excluded.phone, marketing_contact.phone), "
                "tags = array(select distinct unnest(marketing_contact.tags || excluded.tags)), "
                "time_zone = coalesce(excluded.time_zone, marketing_contact.time_zone), "
                "updated_at = now()",
                saved.id,
                email,
                data.phone,
                name,
                list(form["tags"]),
                data.time_zone,
            )
            consent = None
            channel = form["consent_channel"]
            if data.consent and channel:
                consent = await conn.fetchval(
                    "insert into marketing_consent (id, contact_id, channel, state, source, "
                    "requested_ip) values ($1, $2, $3, 'pending', $4, $5) "
                    "on conflict (tenant_id, contact_id, channel) do update set "
                    "state = case when marketing_consent.state = 'confirmed' then 'confirmed' "
                    "else 'pending' end, source = excluded.source, requested_at = now(), "
                    "requested_ip = excluded.requested_ip, changed_at = now() returning state",
                    new_id(),
                    saved.id,
                    channel,
                    f"form:{form['name']}"[:200],
                    address,
                )
            submission = await conn.fetchval(
                "insert into marketing_form_submission (id, form_id, contact_id, utm_source, "
                "utm_medium, utm_campaign, utm_term, utm_content, referrer, consent, "
                "client_address) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                "returning id",
                new_id(),
                form_id,
                saved.id,
                *(getattr(data, key) for key in _UTM),
                data.referrer,
                data.consent,
                address,
            )
        confirm_url = None
        if consent == "pending":
            token = KEYRING.sign_token("confirm", {"c": str(saved.id), "ch": channel})
            if settings.public_url:
                confirm_url = f"{settings.public_url.rstrip('/')}/confirm/{token}"
        return SubmittedOut(
            submission_id=submission, contact_id=saved.id, consent=consent, confirm_url=confirm_url
        )
