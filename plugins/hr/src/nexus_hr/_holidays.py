"""Public holidays per country and subdivision, from the ``holidays`` package.

Leave requests do not count public holidays; the team calendar shows them. An employee's
country and subdivision decide which apply, else the tenant's (``HrSettings.country`` /
``subdivision``); without a country no day is a public holiday.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

__all__ = ("UnknownRegionError", "holidays_between", "holidays_in_year", "region_error")


class UnknownRegionError(ValueError):
    """The ``holidays`` package knows no such country, or no such subdivision of it.

    Attributes:
        field: ``country`` or ``subdivision``, the part that is unknown.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


@lru_cache(maxsize=512)
def _year(country: str, subdivision: str | None, year: int) -> tuple[tuple[dt.date, str], ...]:
    # The holidays package loads a module per country: only when a leave needs it.
    import holidays  # noqa: PLC0415

    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError as exc:
        if subdivision is not None and "subdivision" in str(exc):
            raise UnknownRegionError(
                "subdivision", f"{country} has no subdivision {subdivision!r}"
            ) from None
        raise UnknownRegionError("country", f"no public holidays known for {country!r}") from None
    return tuple(sorted(calendar.items()))


def region_error(country: str, subdivision: str | None) -> UnknownRegionError | None:
    """Why ``country``/``subdivision`` cannot be used, or ``None`` when both are known."""
    if len(country) != 2 or not country.isalpha() or not country.isupper():
        return UnknownRegionError("country", "must be an ISO 3166-1 alpha-2 code such as GB")
    try:
        _year(country, subdivision or None, 2000)
    except UnknownRegionError as exc:
        return exc
    return None


def holidays_in_year(country: str | None, subdivision: str | None, year: int) -> dict[dt.date, str]:
    """The public holidays of ``year`` in ``country`` (and ``subdivision``): date → name.

    Raises:
        UnknownRegionError: The country or subdivision is unknown.
    """
    if country is None:
        return {}
    return dict(_year(country, subdivision or None, year))


def holidays_between(
    country: str | None, subdivision: str | None, date_from: dt.date, date_to: dt.date
) -> dict[dt.date, str]:
    """The public holidays from ``date_from`` to ``date_to`` (both included)."""
    found: dict[dt.date, str] = {}
    years: Iterable[int] = range(date_from.year, date_to.year + 1)
    for year in years:
        for day, name in holidays_in_year(country, subdivision, year).items():
            if date_from <= day <= date_to:
                found[day] = name
    return found
