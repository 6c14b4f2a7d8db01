"""Admin routes of the catalog: listings (publishing Inventory products), images, categories."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.exceptions import ClientException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import BlobTooLargeError, new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Multiline,
    Page,
    Services,
    TenantBlobs,
    TenantSettings,
    after_id,
    conflict,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_shop import _peers
from nexus_shop._examples import body
from nexus_shop._fields import Name, Slug
from nexus_shop._keys import CATALOG_READ, CATALOG_WRITE
from nexus_shop._rows import delete_row, insert_row, patch_row, same_as_existing, sent
from nexus_shop._settings import ShopSettings

__all__ = ("CategoryController", "ListingController")

_READ = route_opt(permission=CATALOG_READ)
_WRITE = route_opt(permission=CATALOG_WRITE)
MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""Largest image accepted (5 MiB)."""
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Description = Annotated[Multiline, msgspec.Meta(max_length=20_000)]


class ImageOut(msgspec.Struct, kw_only=True):
    """An image of a listing, kept in the tenant's files store."""

    id: UUID
    content_type: str
    size: int
    position: int


class ListingOut(msgspec.Struct, kw_only=True):
    """An Inventory product as the storefront shows it."""

    id: UUID
    product_id: UUID
    sku: str
    title: str
    description: str
    category_id: UUID | None
    published: bool
    images: list[ImageOut]
    created_at: datetime
    updated_at: datetime


class ListingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to list a product: its title defaults to the product's name in Inventory."""

    title: Title | None = None
    description: Description = ""
    category_id: UUID | None = None
    published: bool = False


class ListingChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to change of a listing; fields left out stay as they are."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    category_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    published: bool | msgspec.UnsetType = msgspec.UNSET


class CategoryOut(msgspec.Struct, kw_only=True):
    """A storefront category."""

    id: UUID
    name: str
    slug: str
    parent_id: UUID | None
    position: int
    created_at: datetime


class CategoryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A category: its name, its URL slug (unique), under a parent, in a position."""

    name: Name
    slug: Slug
    parent_id: UUID | None = None
    position: Annotated[int, msgspec.Meta(ge=0, le=100_000)] = 0


class CategoryChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to change of a category; fields left out stay as they are."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    slug: Slug | msgspec.UnsetType = msgspec.UNSET
    parent_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    position: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | msgspec.UnsetType = msgspec.UNSET


_LISTING = "id, product_id, sku, title, description, category_id, published, created_at, updated_at"


async def _listing(conn: Any, product_id: UUID) -> ListingOut:
    row = await conn.fetchrow(
        f"select {_LISTING} from shop_listing where product_id = $1", product_id
    )
    if row is None:
        not_found()
    images = await conn.fetch(
        "select id, content_type, size, position from shop_image where listing_id = $1 "
        "order by position, id",
        row["id"],
    )
    return msgspec.convert({**dict(row), "images": [dict(image) for image in images]}, ListingOut)


async def _listing_id(conn: Any, product_id: UUID) -> UUID:
    found: UUID | None = await conn.fetchval(
        "select id from shop_listing where product_id = $1", product_id
    )
    if found is None:
        not_found()
    return found


async def _check_category(conn: Any, category_id: UUID | None) -> None:
    if category_id is not None and not await conn.fetchval(
        "select 1 from shop_category where id = $1", category_id
    ):
        invalid("category_id", "no such category")


class ListingController(Controller):
    """Which Inventory products the storefront sells, how it shows them (by product id)."""

    path = "/listings"
    tags = ["shop: catalog"]

    @get("/", opt=_READ)
    async def list_listings(
        self,
        db: Db,
        published: Annotated[bool | None, QueryParameter(description="Only these.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[ListingOut]:
        """Listings, published or not, oldest first."""
        async with db.transaction() as conn:
            ids = await conn.fetch(
                "select id, product_id from shop_listing where ($1::uuid is null or id > $1) "
                "and ($2::boolean is null or published = $2) order by id limit $3",
                after_id(cursor),
                published,
                limit + 1,
            )
            return page_of([await _listing(conn, row["product_id"]) for row in ids], limit)

    @put("/{product_id:uuid}", opt=_WRITE, status_code=200)
    async def put_listing(
        self,
        db: Db,
        services: Services,
        settings: TenantSettings[ShopSettings],
        product_id: FromPath[UUID],
        data: Annotated[ListingIn, body("PUT /listings/{product_id}", "Publish an oak desk")],
    ) -> ListingOut:
        """List an Inventory product, or replace how it is listed.

        ``published`` puts it on the storefront. 404 when Inventory has no such product.
        """
        async with db.transaction() as conn:
            product = (await _peers.products(conn, services, [product_id])).get(product_id)
            if product is None:
                not_found()
            await _check_category(conn, data.category_id)
            await conn.execute(
                "insert into shop_listing (id, product_id, sku, title, description, "
                "category_id, published, language) values ($1, $2, $3, $4, $5, $6, $7, $8) "
                "on conflict (tenant_id, product_id) do update set sku = excluded.sku, "
                "title = excluded.title, description = excluded.description, "
                "category_id = excluded.category_id, published = excluded.published, "
                "updated_at = now()",
                new_id(),
                product_id,
                product.sku,
                data.title or product.name,
                data.description,
                data.category_id,
                data.published,
                settings.language,
            )
            return await _listing(conn, product_id)

    @get("/{product_id:uuid}", opt=_READ)
    async def show_listing(self, db: Db, product_id: FromPath[UUID]) -> ListingOut:
        """The listing of a product, with its images."""
        async with db.transaction() as conn:
            return await _listing(conn, product_id)

    @patch("/{product_id:uuid}", opt=_WRITE)
    async def change_listing(
        self,
        db: Db,
        product_id: FromPath[UUID],
        data: Annotated[ListingChanges, body("PATCH /listings/{product_id}", "Unpublish")],
    ) -> ListingOut:
        """Change a listing's title, description, category; publish or unpublish it.

        An unpublished product leaves the storefront; carts holding it cannot check out.
        """
        values = sent(data)
        async with db.transaction() as conn:
            if "category_id" in values:
                await _check_category(conn, values["category_id"])
            if values:
                values["updated_at"] = await conn.fetchval("select now()")
            listing_id = await _listing_id(conn, product_id)
            await patch_row(conn, "shop_listing", listing_id, values)
            return await _listing(conn, product_id)

    @delete("/{product_id:uuid}", opt=_WRITE)
    async def delete_listing(self, db: Db, blobs: TenantBlobs, product_id: FromPath[UUID]) -> None:
        """Stop listing the product; its images are deleted. The product stays in Inventory."""
        async with db.transaction() as conn:
            listing_id = await _listing_id(conn, product_id)
            keys = await conn.fetch(
                "select blob_key from shop_image where listing_id = $1", listing_id
            )
            await delete_row(conn, "shop_listing", listing_id, in_use="the listing is in use")
        for row in keys:
            await blobs.delete(row["blob_key"])

    @post("/{product_id:uuid}/images", opt=_WRITE, request_max_body_size=MAX_IMAGE_BYTES + 1)
    async def add_image(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        blobs: TenantBlobs,
        product_id: FromPath[UUID],
    ) -> ImageOut:
        """Add an image (the raw body: PNG, JPEG or GIF, at most 5 MiB), after the others.

        Kept in the tenant's files store under ``shop/listings/<listing>/<image>``. 413 when
        too large, 415 for another media type, 422 when the bytes are not that image.
        """
        declared = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if declared not in {kind for _, kind in _MAGIC}:
            raise ClientException("send image/png, image/jpeg or image/gif", status_code=415)
        raw = await request.body()
        if len(raw) > MAX_IMAGE_BYTES:
            raise ClientException("the image is larger than 5 MiB", status_code=413)
        actual = next((kind for magic, kind in _MAGIC if raw.startswith(magic)), None)
        if actual != declared:
            invalid("body", f"the bytes are not a {declared} image")
        image_id = new_id()
        async with db.transaction() as conn:
            listing_id = await _listing_id(conn, product_id)
        key = f"shop/listings/{listing_id}/{image_id}"
        try:
            await blobs.put(key, raw, content_type=declared)
        except BlobTooLargeError as exc:
            raise ClientException(str(exc), status_code=413) from None
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "insert into shop_image (id, listing_id, blob_key, content_type, size, position) "
                "select $1, $2, $3, $4, $5, coalesce(max(position) + 1, 0) from shop_image "
                "where listing_id = $2 returning id, content_type, size, position",
                image_id,
                listing_id,
                key,
                declared,
                len(raw),
            )
        if row is None:
            conflict("the listing was deleted meanwhile")
        return msgspec.convert(dict(row), ImageOut)

    @delete("/{product_id:uuid}/images/{image_id:uuid}", opt=_WRITE)
    async def delete_image(
        self, db: Db, blobs: TenantBlobs, product_id: FromPath[UUID], image_id: FromPath[UUID]
    ) -> None:
        """Delete an image of the listing, from the files store too."""
        async with db.transaction() as conn:
            key = await conn.fetchval(
                "delete from shop_image i using shop_listing l where i.id = $1 "
                "and l.id = i.listing_id and l.product_id = $2 returning i.blob_key",
                image_id,
                product_id,
            )
        if key is None:
            not_found()
        await blobs.delete(key)


class CategoryController(Controller):
    """The storefront's categories."""

    path = "/categories"
    tags = ["shop: catalog"]

    @get("/", opt=_READ)
    async def list_categories(self, db: Db) -> list[CategoryOut]:
        """Every category, in its position."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, name, slug, parent_id, position, created_at from shop_category "
                "order by position, name"
            )
        return [msgspec.convert(dict(row), CategoryOut) for row in rows]

    @post(
        "/",
        opt=_WRITE,
        responses={200: ResponseSpec(CategoryOut, description="The same category, sent again")},
    )
    async def create_category(
        self, db: Db, data: Annotated[CategoryIn, body("POST /categories", "Office furniture")]
    ) -> Response[CategoryOut]:
        """Make a category (422 for an unknown parent).

        The same category sent again answers the first (200); its slug with other fields
        answers 409.
        """
        values = msgspec.structs.asdict(data)
        taken = f"the slug {data.slug} is taken"
        async with db.transaction() as conn:
            await _check_parent(conn, data.parent_id)
            found = await same_as_existing(conn, "shop_category", "slug", values, taken=taken)
            if found is not None:
                return Response(await _category(conn, found), status_code=200)
            category_id = await insert_row(conn, "shop_category", values, unique=taken)
            return Response(await _category(conn, category_id), status_code=201)

    @get("/{category_id:uuid}", opt=_READ)
    async def show_category(self, db: Db, category_id: FromPath[UUID]) -> CategoryOut:
        """One category."""
        async with db.transaction() as conn:
            return await _category(conn, category_id)

    @patch("/{category_id:uuid}", opt=_WRITE)
    async def change_category(
        self,
        db: Db,
        category_id: FromPath[UUID],
        data: Annotated[CategoryChanges, body("PATCH /categories/{category_id}", "Rename")],
    ) -> CategoryOut:
        """Rename, move or reorder a category (409 for a taken slug)."""
        values = sent(data)
        async with db.transaction() as conn:
            if values.get("parent_id") is not None:
                if values["parent_id"] == category_id:
                    invalid("parent_id", "a category cannot be its own parent")
                await _check_parent(conn, values["parent_id"])
            await patch_row(conn, "shop_category", category_id, values, unique="the slug is taken")
            return await _category(conn, category_id)

    @delete("/{category_id:uuid}", opt=_WRITE)
    async def delete_category(self, db: Db, category_id: FromPath[UUID]) -> None:
        """Delete a category; its listings and subcategories are left without one."""
        async with db.transaction() as conn:
            await delete_row(conn, "shop_category", category_id, in_use="in use")


async def _check_parent(conn: Any, parent_id: UUID | None) -> None:
    if parent_id is not None and not await conn.fetchval(
        "select 1 from shop_category where id = $1", parent_id
    ):
        invalid("parent_id", "no such category")


async def _category(conn: Any, category_id: UUID) -> CategoryOut:
    row = await conn.fetchrow(
        "select id, name, slug, parent_id, position, created_at from shop_category where id = $1",
        category_id,
    )
    if row is None:
        not_found()
    return msgspec.convert(dict(row), CategoryOut)
