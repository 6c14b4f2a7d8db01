"""Visitor routes under ``/public/{tenant}``: the form, the knowledge base, the survey.

No credentials: the kernel resolves the tenant's slug (404 when it is unknown or has Support
off) and runs them as that tenant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import TooManyRequestsException
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Context,
    Cursor,
    Db,
    Events,
    FeatureFlags,
    Limit,
    Multiline,
    Page,
    TenantSettings,
    after_id,
    conflict,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_support._abuse import admit
from nexus_support._csat import secret, verify
from nexus_support._events import CSAT_ANSWERED, CsatAnswered
from nexus_support._examples import body
from nexus_support._fields import Body, Email, Name, SearchQuery, Subject
from nexus_support._kb import ARTICLE_COLUMNS, ArticleOut, Hit, article_out, search, suggest
from nexus_support._settings import SupportSettings
from nexus_support._tickets import NewTicket, open_ticket

__all__ = ("PublicController",)

_VISITOR = route_opt(access="visitor")
_KB = route_opt(access="visitor", feature="support.kb")
_CSAT = route_opt(access="visitor", feature="support.csat")


class FormIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The public form. ``website`` is a honeypot: people leave it empty, bots fill it."""

    name: Name
    email: Email
    subject: Subject
    body: Body
    website: Annotated[str, msgspec.Meta(max_length=200)] = ""


class FormOut(msgspec.Struct, kw_only=True):
    """The ticket opened, and articles that may answer it at once."""

    id: UUID
    number: int
    reference: str
    suggested_articles: list[Hit]


class CsatIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The customer's answer: 1 (very unhappy) to 5 (very happy), and a comment."""

    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Annotated[Multiline, msgspec.Meta(max_length=2000)] | None = None


class CsatOut(msgspec.Struct, kw_only=True):
    """A solved ticket's survey: its subject, and the answer once given."""

    number: int
    subject: str
    answered: bool
    rating: int | None = None
    comment: str | None = None
    answered_at: datetime | None = None


async def _survey(conn: Any, tenant_id: UUID | None, token: str) -> Any:
    ticket_id = None if tenant_id is None else verify(await secret(conn), tenant_id, token)
    if ticket_id is None:
        not_found()
    row = await conn.fetchrow(
        "select t.id, t.number, t.subject, t.status, c.rating, c.comment, c.answered_at "
        "from support_ticket t left join support_csat c on c.ticket_id = t.id where t.id = $1",
        ticket_id,
    )
    if row is None:
        not_found()
    return row


def _csat_out(row: Any) -> CsatOut:
    return CsatOut(
        number=row["number"],
        subject=row["subject"],
        answered=row["rating"] is not None,
        rating=row["rating"],
        comment=row["comment"],
        answered_at=row["answered_at"],
    )


class PublicController(Controller):
    """What a tenant's customers reach without an account."""

    path = "/public/{tenant:str}"
    tags = ["support: public"]

    @post("/tickets", opt=_VISITOR, request_max_body_size=64_000)
    async def submit_form(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        events: Events,
        context: Context,
        features: FeatureFlags,
        settings: TenantSettings[SupportSettings],
        data: Annotated[FormIn, body("POST /public/{tenant}/tickets", "A customer asks")],
    ) -> FormOut:
        """Open a ticket from the public form (channel ``web``), with suggested articles.

        Suggestions come from the knowledge base while ``support.kb`` is on.

        Abuse protection: ``public_form_per_hour`` tickets per client address (429 with
        ``Retry-After`` beyond), a honeypot field ``website`` that must stay empty (422),
        bounded fields and a 64 kB body (413).
        """
        if data.website:
            invalid("website", "leave this field empty")
        address = request.client.host if request.client else "unknown"
        if context.tenant_id is None:
            not_found()
        wait = admit(
            tenant_id=context.tenant_id, address=address, per_hour=settings.public_form_per_hour
        )
        if wait is not None:
            raise TooManyRequestsException(
                "too many tickets from this address: try again later",
                headers={"Retry-After": str(wait)},
            )
        async with db.transaction() as conn:
            now = await conn.fetchval("select now()")
            new = NewTicket(
                subject=data.subject,
                body=data.body,
                channel="web",
                tier=settings.default_tier,
                requester_email=data.email,
                requester_name=data.name,
                author=data.email,
                created_at=now,
            )
            ticket = await open_ticket(conn, events, new)
            hits: list[Hit] = []
            if await features.enabled("support.kb"):
                text = f"{data.subject} {data.body}"
                hits = await suggest(conn, text, language=settings.kb_language)
        return FormOut(
            id=ticket.id,
            number=ticket.number,
            reference=f"#{ticket.number}",
            suggested_articles=hits,
        )

    @get("/kb/articles", opt=_KB)
    async def public_articles(
        self, tenant: FromPath[str], db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[ArticleOut]:
        """Published articles, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {ARTICLE_COLUMNS} from support_kb_article where status = 'published' "
                "and ($1::uuid is null or id > $1) order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([article_out(row) for row in rows], limit)

    @get("/kb/articles/search", opt=_KB)
    async def public_search(
        self,
        tenant: FromPath[str],
        db: Db,
        settings: TenantSettings[SupportSettings],
        q: SearchQuery,
    ) -> list[Hit]:
        """Full-text search over published articles, best first."""
        async with db.transaction() as conn:
            return await search(conn, q, language=settings.kb_language, published_only=True)

    @get("/kb/articles/{article_id:uuid}", opt=_KB)
    async def public_article(
        self, tenant: FromPath[str], db: Db, article_id: FromPath[UUID]
    ) -> ArticleOut:
        """One published article (a draft answers 404)."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                f"select {ARTICLE_COLUMNS} from support_kb_article "
                "where id = $1 and status = 'published'",
                article_id,
            )
        if row is None:
            not_found()
        return article_out(row)

    @get("/csat/{token:str}", opt=_CSAT)
    async def show_survey(
        self, tenant: FromPath[str], db: Db, context: Context, token: FromPath[str]
    ) -> CsatOut:
        """The survey of a solved ticket's signed link (404 for a token not genuine)."""
        async with db.transaction() as conn:
            return _csat_out(await _survey(conn, context.tenant_id, token))

    @post("/csat/{token:str}", opt=_CSAT, request_max_body_size=8_000)
    async def answer_survey(
        self,
        tenant: FromPath[str],
        db: Db,
        events: Events,
        context: Context,
        token: FromPath[str],
        data: Annotated[CsatIn, body("POST /public/{tenant}/csat/{token}", "Happy")],
    ) -> CsatOut:
        """Record the one answer of a solved ticket; publishes ``support.csat.answered.v1``.

        409 when it was answered already, or when the ticket is not solved.
        """
        async with db.transaction() as conn:
            row = await _survey(conn, context.tenant_id, token)
            if row["rating"] is not None:
                conflict("this survey was answered already")
            if row["status"] != "solved":
                conflict("the ticket is not solved")
            inserted = await conn.fetchval(
                "insert into support_csat (id, ticket_id, rating, comment) "
                "values ($1, $2, $3, $4) on conflict (tenant_id, ticket_id) do nothing "
                "returning id",
                new_id(),
                row["id"],
                data.rating,
                data.comment,
            )
            if inserted is None:
                conflict("this survey was answered already")
            answered = CsatAnswered(ticket_id=row["id"], rating=data.rating, comment=data.comment)
            await events.publish(conn, type=CSAT_ANSWERED, data=answered, subject=str(row["id"]))
            return _csat_out(await _survey(conn, context.tenant_id, token))
