"""Rendering: Jinja2 sandboxed templates with Babel filters in the recipient's locale.

Filters a template may use: ``date`` / ``datetime`` / ``time`` (Babel's formats, in the
recipient's zone), ``number``, ``decimal``, ``percent`` and ``money(currency)``. Template
variables are the message's ``data``; a missing one is an error (``StrictUndefined``), so a
typo never sends a half-empty message.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

__all__ = ("RenderError", "render", "valid_locale", "valid_zone")


class RenderError(ValueError):
    """A template does not compile or render with the given data."""


def valid_locale(name: str) -> bool:
    """Whether Babel knows ``name`` (``en``, ``fr_FR``, ``sw-KE``)."""
    try:
        Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def valid_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _moment(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _number(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise RenderError(f"{value!r} is not a number") from exc


def _environment(locale: str, zone: str, *, html: bool) -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=html)
    where = Locale.parse(locale.replace("-", "_"))
    tz = ZoneInfo(zone)

    def as_date(value: Any, fmt: str = "medium") -> str:
        moment = _moment(value)
        if isinstance(moment, datetime):
            moment = moment.astimezone(tz).date() if moment.tzinfo else moment.date()
        return str(format_date(moment, format=fmt, locale=where))

    def as_datetime(value: Any, fmt: str = "medium") -> str:
        return str(format_datetime(_moment(value), format=fmt, tzinfo=tz, locale=where))

    def as_time(value: Any, fmt: str = "short") -> str:
        return str(format_time(_moment(value), format=fmt, tzinfo=tz, locale=where))

    env.filters.update(
        date=as_date,
        datetime=as_datetime,
        time=as_time,
        number=lambda value: format_decimal(_number(value), locale=where),
        decimal=lambda value: format_decimal(_number(value), locale=where),
        percent=lambda value: format_percent(_number(value), locale=where),
        money=lambda value, currency: format_currency(_number(value), currency, locale=where),
    )
    return env


def render(source: str, data: dict[str, Any], *, locale: str, zone: str, html: bool = False) -> str:
    """Render ``source`` with ``data`` in ``locale`` and ``zone``.

    Raises:
        RenderError: The template is invalid, uses a missing variable or refused code.
    """
    try:
        env = _environment(locale, zone, html=html)
        return env.from_string(source).render(**data)
    except TemplateError as exc:  # syntax, undefined variables, the sandbox's refusals
        raise RenderError(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - a tenant's template and data may raise anything
        raise RenderError(f"{type(exc).__name__}: {exc}") from exc
