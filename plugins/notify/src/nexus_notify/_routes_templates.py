"""``/templates``: versioned, localized templates; a preview renders one without sending."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromQuery
from nexus_hookspecs.http import Db, FieldErrors, TenantSettings, route_opt

from nexus_notify._examples import body
from nexus_notify._keys import TEMPLATES_READ, TEMPLATES_WRITE
from nexus_notify._render import valid_locale, valid_zone
from nexus_notify._settings import NotifySettings
from nexus_notify._templates import COLUMNS, add_version, find, render_template

__all__ = ("TemplateController",)

_Key = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[a-z0-9_.-]+$")]
_Locale = Annotated[str, msgspec.Meta(min_length=2, max_length=35)]


class TemplateIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new version of a template in a locale (Jinja2, sandboxed, with Babel filters)."""

    key: _Key
    locale: _Locale
    subject: Annotated[str, msgspec.Meta(max_length=1000)]
    text: Annotated[str, msgspec.Meta(max_length=100_000)]
    html: Annotated[str, msgspec.Meta(max_length=500_000)] | None = None
    whatsapp_template: Annotated[str, msgspec.Meta(max_length=512)] | None = None
    whatsapp_params: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=20)
    ] = msgspec.field(default_factory=list)


class TemplateOut(msgspec.Struct, kw_only=True):
    """One version of a template."""

    id: UUID
    key: str
    locale: str
    version: int
    subject: str
    text: str
    html: str | None
    whatsapp_template: str | None
    whatsapp_params: list[str]
    created_at: datetime


class PreviewIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to render: a template (newest version unless told) for a locale, with data."""

    key: _Key
    locale: _Locale | None = None
    time_zone: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    version: int | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)


class PreviewOut(msgspec.Struct, kw_only=True):
    """The rendered parts."""

    version: int
    locale: str
    subject: str
    text: str
    html: str | None
    whatsapp: dict[str, Any] | None


class TemplateController(Controller):
    """Templates of the tenant."""

    path = "/templates"
    tags = ["notify: templates"]

    @post("/", opt=route_opt(permission=TEMPLATES_WRITE))
    async def add_template(
        self, db: Db, data: Annotated[TemplateIn, body("POST /templates", "An invoice notice")]
    ) -> TemplateOut:
        """Add a version of a template in a locale; earlier versions stay as they were."""
        if not valid_locale(data.locale):
            errors = FieldErrors()
            errors.add("locale", "not a known locale")
            errors.raise_if_any()
        async with db.transaction() as conn:
            row = await add_version(conn, msgspec.to_builtins(data))
        return msgspec.convert(dict(row), TemplateOut)

    @get("/", opt=route_opt(permission=TEMPLATES_READ))
    async def list_templates(self, db: Db, key: FromQuery[str | None] = None) -> list[TemplateOut]:
        """Every version of every template (or of ``key``), newest first per key and locale."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {COLUMNS} from notify_template where ($1::text is null or key = $1) "
                "order by key, locale, version desc limit 500",
                key,
            )
        return [msgspec.convert(dict(row), TemplateOut) for row in rows]

    @post("/preview", status_code=200, opt=route_opt(permission=TEMPLATES_READ))
    async def preview_template(
        self,
        db: Db,
        settings: TenantSettings[NotifySettings],
        data: Annotated[PreviewIn, body("POST /templates/preview", "In French, in euros")],
    ) -> PreviewOut:
        """Render a template with data in a locale and zone, as a recipient would get it."""
        locale = data.locale or settings.default_locale
        zone = data.time_zone or settings.default_time_zone
        errors = FieldErrors()
        if not valid_locale(locale):
            errors.add("locale", "not a known locale")
        if not valid_zone(zone):
            errors.add("time_zone", "not an IANA time zone")
        errors.raise_if_any()
        async with db.transaction() as conn:
            row = await find(
                conn,
                data.key,
                locale=locale,
                fallback=settings.default_locale,
                version=data.version,
            )
        rendered = render_template(row, data.data, locale=locale, zone=zone)
        return PreviewOut(
            version=row["version"],
            locale=row["locale"],
            subject=rendered.get("subject", ""),
            text=rendered.get("text", ""),
            html=rendered.get("html"),
            whatsapp=rendered.get("whatsapp"),
        )
