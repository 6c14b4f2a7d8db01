"""``/kb``: knowledge-base categories and articles, and their full-text search."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Multiline,
    Page,
    TenantSettings,
    after_id,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_support._examples import body
from nexus_support._fields import ArticleStatus, Name, SearchQuery
from nexus_support._kb import ARTICLE_COLUMNS, ArticleOut, Hit, article_out, search
from nexus_support._keys import KB_READ, KB_WRITE
from nexus_support._settings import SupportSettings

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("ArticleController", "CategoryController")

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Text = Annotated[Multiline, msgspec.Meta(min_length=1, max_length=100_000)]


class CategoryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A category of articles."""

    name: Name


class CategoryOut(msgspec.Struct, kw_only=True):
    """A category."""

    id: UUID
    name: str
    created_at: datetime


class ArticleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An article; ``published`` ones are public (``/public/{tenant}/kb/articles``)."""

    title: Title
    body: Text
    category_id: UUID | None = None
    status: Literal["draft", "published"] = "draft"


class ArticlePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields of an article to change (``status`` publishes or withdraws it)."""

    title: Title | None = None
    body: Text | None = None
    category_id: UUID | None = None
    status: Literal["draft", "published"] | None = None


async def _check_category(conn: Connection, category_id: UUID | None) -> None:
    if category_id is not None and not await conn.fetchval(
        "select exists (select 1 from support_kb_category where id = $1)", category_id
    ):
        invalid("category_id", "no such category")


class CategoryController(Controller):
    """Knowledge-base categories."""

    path = "/kb/categories"
    tags = ["support: knowledge base"]
    opt = route_opt(feature="support.kb")

    @get("/", opt=route_opt(permission=KB_READ))
    async def list_categories(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[CategoryOut]:
        """Categories, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, name, created_at from support_kb_category "
                "where ($1::uuid is null or id > $1) order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(row), CategoryOut) for row in rows], limit)

    @post("/", opt=route_opt(permission=KB_WRITE))
    async def create_category(
        self, db: Db, data: Annotated[CategoryIn, body("POST /kb/categories", "Billing")]
    ) -> CategoryOut:
        """Create a category."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "insert into support_kb_category (id, name) values ($1, $2) "
                "returning id, name, created_at",
                new_id(),
                data.name,
            )
        return msgspec.convert(dict(row or {}), CategoryOut)

    @get("/{category_id:uuid}", opt=route_opt(permission=KB_READ))
    async def show_category(self, db: Db, category_id: FromPath[UUID]) -> CategoryOut:
        """One category."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select id, name, created_at from support_kb_category where id = $1",
                category_id,
            )
        if row is None:
            not_found()
        return msgspec.convert(dict(row), CategoryOut)


class ArticleController(Controller):
    """Knowledge-base articles."""

    path = "/kb/articles"
    tags = ["support: knowledge base"]
    opt = route_opt(feature="support.kb")

    @get("/", opt=route_opt(permission=KB_READ))
    async def list_articles(
        self, db: Db, status: ArticleStatus = None, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[ArticleOut]:
        """Articles, drafts included, oldest first (filter by ``status``)."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {ARTICLE_COLUMNS} from support_kb_article where ($1::uuid is null "
                "or id > $1) and ($2::text is null or status = $2) order by id limit $3",
                after_id(cursor),
                status,
                limit + 1,
            )
        return page_of([article_out(row) for row in rows], limit)

    @get("/search", opt=route_opt(permission=KB_READ))
    async def search_articles(
        self, db: Db, settings: TenantSettings[SupportSettings], q: SearchQuery
    ) -> list[Hit]:
        """Full-text search over every article, drafts included, best first.

        Web-search syntax: ``"exact phrase"``, ``or``, ``-word``.
        """
        async with db.transaction() as conn:
            return await search(conn, q, language=settings.kb_language, published_only=False)

    @post("/", opt=route_opt(permission=KB_WRITE))
    async def create_article(
        self,
        db: Db,
        settings: TenantSettings[SupportSettings],
        data: Annotated[ArticleIn, body("POST /kb/articles", "A published answer")],
    ) -> ArticleOut:
        """Write an article, in the tenant's knowledge-base language."""
        async with db.transaction() as conn:
            await _check_category(conn, data.category_id)
            row = await conn.fetchrow(
                "insert into support_kb_article (id, category_id, title, body, status, language)"
                f" values ($1, $2, $3, $4, $5, $6::regconfig) returning {ARTICLE_COLUMNS}",
                new_id(),
                data.category_id,
                data.title,
                data.body,
                data.status,
                settings.kb_language,
            )
        return article_out(row or {})

    @get("/{article_id:uuid}", opt=route_opt(permission=KB_READ))
    async def show_article(self, db: Db, article_id: FromPath[UUID]) -> ArticleOut:
        """One article."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                f"select {ARTICLE_COLUMNS} from support_kb_article where id = $1", article_id
            )
        if row is None:
            not_found()
        return article_out(row)

    @patch("/{article_id:uuid}", opt=route_opt(permission=KB_WRITE))
    async def change_article(
        self,
        db: Db,
        article_id: FromPath[UUID],
        data: Annotated[ArticlePatch, body("PATCH /kb/articles/{article_id}", "Withdraw")],
    ) -> ArticleOut:
        """Change an article; its search index follows (a generated column)."""
        async with db.transaction() as conn:
            await _check_category(conn, data.category_id)
            row = await conn.fetchrow(
                "update support_kb_article set title = coalesce($2, title), "
                "body = coalesce($3, body), category_id = coalesce($4, category_id), "
                "status = coalesce($5, status), updated_at = now() where id = $1 "
                f"returning {ARTICLE_COLUMNS}",
                article_id,
                data.title,
                data.body,
                data.category_id,
                data.status,
            )
        if row is None:
            not_found()
        return article_out(row)
