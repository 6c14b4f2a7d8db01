"""The HTTP kit: what every plugin's routes share, so no plugin writes its own.

Install it with the ``litestar`` extra (``nexus-hookspecs[litestar]``). It gives:

- one parameter alias per kernel port (:data:`Db`, :data:`Events`, :data:`Context`,
  :data:`FeatureFlags`, :data:`TenantCache`, :data:`TenantBlobs`, :data:`TenantSettings`,
  :data:`SettingsPort`, :data:`Services`);
- cursor pages: :class:`Page`, the :data:`Cursor` and :data:`Limit` parameters, creation-order
  paging (:func:`after_id`, :func:`page_of`, :func:`piccolo_page`) and sorted keyset paging
  over SQL (:class:`Keyset`);
- problems that always raise: :func:`not_found`, :func:`conflict`, :func:`invalid` and
  :class:`FieldErrors` (every failing field at once); :class:`ServiceUnavailable`, the 409
  a service call answers when its provider is off;
- typed route options: :func:`route_opt`;
- routes answering files (0.1.7): :func:`content_disposition` (the download header, any
  script) and :func:`file_operation` (the OpenAPI 200 in each media type answered);
- field types the kernel decodes strictly: decimals (:data:`Money`, :data:`Quantity`,
  :data:`Rate`, :func:`decimal_meta`) and :data:`Multiline` text (every other text field is
  one line without control characters).

Example::

    from nexus_hookspecs.http import Cursor, Db, Limit, Page, piccolo_page, route_opt

    class ItemController(Controller):
        path = "/items"
        opt = route_opt(feature="bookings.items")

        @get("/", opt=route_opt(permission="bookings.items:read"))
        async def list_items(
            self, db: Db, cursor: Cursor = None, limit: Limit = 50
        ) -> Page[ItemOut]:
            async with db.transaction():
                return await piccolo_page(
                    Item.select(), Item.id, cursor=cursor, limit=limit,
                    convert=lambda row: msgspec.convert(row, ItemOut),
                )
"""

from __future__ import annotations

from nexus_hookspecs.http._files import content_disposition, file_operation
from nexus_hookspecs.http._options import Access, route_opt
from nexus_hookspecs.http._pages import (
    BY_ID,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Cursor,
    Keyset,
    Limit,
    Page,
    after_id,
    page_of,
    piccolo_page,
)
from nexus_hookspecs.http._ports import (
    Context,
    Db,
    Events,
    FeatureFlags,
    Services,
    SettingsPort,
    TenantBlobs,
    TenantCache,
    TenantSettings,
    Tools,
)
from nexus_hookspecs.http._problems import (
    FieldError,
    FieldErrors,
    ServiceUnavailable,
    conflict,
    field_errors,
    invalid,
    not_found,
)
from nexus_hookspecs.http._types import (
    DECIMAL_GRAMMAR,
    DECIMAL_KEY,
    MULTILINE_KEY,
    Money,
    Multiline,
    Quantity,
    Rate,
    decimal_error,
    decimal_meta,
    decimal_pattern,
    text_error,
)

__all__ = (
    "BY_ID",
    "DECIMAL_GRAMMAR",
    "DECIMAL_KEY",
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "MULTILINE_KEY",
    "Access",
    "Context",
    "Cursor",
    "Db",
    "Events",
    "FeatureFlags",
    "FieldError",
    "FieldErrors",
    "Keyset",
    "Limit",
    "Money",
    "Multiline",
    "Page",
    "Quantity",
    "Rate",
    "ServiceUnavailable",
    "Services",
    "SettingsPort",
    "TenantBlobs",
    "TenantCache",
    "TenantSettings",
    "Tools",
    "after_id",
    "conflict",
    "content_disposition",
    "decimal_error",
    "decimal_meta",
    "decimal_pattern",
    "field_errors",
    "file_operation",
    "invalid",
    "not_found",
    "page_of",
    "piccolo_page",
    "route_opt",
    "text_error",
)
