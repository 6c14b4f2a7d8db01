"""What the CalDAV and CardDAV collections share: the plain (root, principal) collection."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from radicale import storage

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ("Plain", "http_date", "latest")


def http_date(value: datetime | None) -> str:
    return format_datetime(value or datetime(1970, 1, 1, tzinfo=UTC), usegmt=True)


class Plain(storage.BaseCollection):
    """The root or the principal collection: no items, no properties."""

    def __init__(self, path: str) -> None:
        self._path = path

    @property
    def path(self) -> str:
        return self._path

    def get_multi(self, hrefs: Iterable[str]) -> Iterable[tuple[str, Any]]:
        return [(href, None) for href in hrefs]

    def get_all(self) -> Iterable[Any]:
        return []

    def get_meta(self, key: str | None = None) -> Any:
        return None if key else {}

    def set_meta(self, props: Mapping[str, str]) -> None:
        raise ValueError("not a calendar")

    def upload(self, href: str, item: Any) -> Any:
        raise ValueError("not a calendar")

    def delete(self, href: str | None = None) -> None:
        raise ValueError("not a calendar")

    @property
    def last_modified(self) -> str:
        return http_date(None)


def latest(stamps: Iterable[str]) -> str:
    """The latest of HTTP dates (the epoch's when there is none)."""
    return max(
        stamps,
        key=lambda s: datetime.strptime(s, "%a, %d %b %Y %H:%M:%S %Z"),
        default=http_date(None),
    )
