"""Templates: versions per key and locale, the best match for a recipient, rendering."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, not_found

from nexus_notify._render import RenderError, render

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = ("Rendered", "add_version", "find", "render_template")

COLUMNS = (
    "id, key, locale, version, subject, text, html, whatsapp_template, whatsapp_params, created_at"
)


class Rendered(dict[str, Any]):
    """``subject``, ``text``, ``html``, ``whatsapp`` and the template's ``version``."""


async def add_version(conn: Connection, values: dict[str, Any]) -> Mapping[str, Any]:
    """Keep a new version of a template in a locale (the previous ones stay)."""
    errors = FieldErrors()
    for field in ("subject", "text", "html"):
        source = values.get(field)
        if source:
            try:
                SandboxedEnvironment().parse(source)
            except TemplateSyntaxError as exc:
                errors.add(field, f"not a valid template: {exc}")
    errors.raise_if_any()
    await conn.execute("select pg_advisory_xact_lock(hashtext($1))", values["key"])
    row = await conn.fetchrow(
        "insert into notify_template (id, key, locale, version, subject, text, html, "
        "whatsapp_template, whatsapp_params) values ($1, $2, $3, (select coalesce(max(version), "
        "0) + 1 from notify_template where key = $2 and locale = $3), $4, $5, $6, $7, $8) "
        f"returning {COLUMNS}",
        new_id(),
        values["key"],
        values["locale"],
        values["subject"],
        values["text"],
        values.get("html"),
        values.get("whatsapp_template"),
        list(values.get("whatsapp_params") or []),
    )
    assert row is not None
    return row


async def find(
    conn: Connection, key: str, *, locale: str, fallback: str, version: int | None = None
) -> Mapping[str, Any]:
    """The newest version of ``key`` in ``locale``, its language, ``fallback``, or any."""
    language = locale.replace("-", "_").split("_")[0]
    row = await conn.fetchrow(
        f"select {COLUMNS} from notify_template where key = $1 "
        "and ($5::int is null or version = $5) order by "
        "case when replace(locale, '-', '_') = replace($2, '-', '_') then 0 when locale = $3 "
        "then 1 when locale = $4 then 2 else 3 end, version desc limit 1",
        key,
        locale,
        language,
        fallback,
        version,
    )
    if row is None:
        not_found()
    return row


def render_template(
    template: Mapping[str, Any], data: dict[str, Any], *, locale: str, zone: str
) -> Rendered:
    """Render a template row's parts for a recipient; 422 naming the part that fails."""
    errors = FieldErrors()
    out = Rendered(version=template["version"], whatsapp=None, html=None)
    for field in ("subject", "text", "html"):
        source = template[field]
        if source is None:
            continue
        try:
            out[field] = render(source, data, locale=locale, zone=zone, html=field == "html")
        except RenderError as exc:
            errors.add(f"template.{field}", str(exc))
    errors.raise_if_any()
    if template["whatsapp_template"]:
        params = [str(data.get(name, "")) for name in template["whatsapp_params"]]
        out["whatsapp"] = {
            "name": template["whatsapp_template"],
            "language": str(template["locale"]).replace("-", "_"),
            "params": params,
        }
    return out
