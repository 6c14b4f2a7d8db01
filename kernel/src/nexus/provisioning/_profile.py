"""The business profile: what a new tenant is made from, checked field by field."""

from __future__ import annotations

import re
import zoneinfo
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
import pycountry

from nexus.tenancy import SLUG_PATTERN

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "AdminContact",
    "BusinessProfile",
    "FieldError",
    "ProfileError",
    "decode_profile",
    "profile_json_schema",
)

_LOCALE = re.compile(r"^([a-z]{2,3})(?:[-_]([A-Z]{2}|[0-9]{3}))?$")

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class FieldError(msgspec.Struct, frozen=True):
    """One failing field of a profile: its dotted path and what is wrong with it."""

    field: str
    message: str


class ProfileError(ValueError):
    """A profile that cannot be provisioned; ``errors`` names every failing field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


class AdminContact(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The tenant's first administrator; they get a generated password, shown once."""

    email: Annotated[
        str,
        msgspec.Meta(
            pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254, examples=["ada@example.com"]
        ),
    ]
    name: Text


class BusinessProfile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A business, described well enough to provision a working tenant for it.

    Attributes:
        name: The company's name.
        slug: The tenant's unique, URL-safe name; provisioning runs are keyed by it.
        industry: An industry (``retail``, …): picks the preset of that industry when
            ``preset`` is not given.
        preset: The preset to start from; ``base`` when neither it nor ``industry`` is given.
        country: ISO 3166-1 alpha-2 code (``FR``).
        currency: ISO 4217 code (``EUR``).
        timezone: IANA time zone (``Europe/Paris``).
        locale: BCP 47 language tag (``fr-FR``).
        fiscal_year_start: Month (1–12) the fiscal year starts in.
        employees: The head count, when known; plugins may fill settings from it
            (``Manifest.profile_settings``), HR among them.
        plan: The commercial plan.
        placement: ``shared`` (the default: the tenant's rows live with other tenants') or
            ``dedicated`` (a database of its own on a dedicated cluster of the directory).
        cluster: The dedicated cluster to place the tenant on; the least used one when
            not given. Only with ``placement: dedicated``.
        admin: The first administrator.
        features: Feature keys (``plugin`` or ``plugin.feature``) switched on or off on
            top of the preset; they become the tenant's overrides.
        settings: Per-plugin settings on top of the preset's, plugin → field → value.
        seed: Per-plugin seed options on top of the preset's seed data.
    """

    name: Text
    slug: Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN, examples=["acme-shop"])]
    country: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$", examples=["FR"])]
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$", examples=["EUR"])]
    timezone: Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["Europe/Paris"])]
    locale: Annotated[str, msgspec.Meta(min_length=2, max_length=16, examples=["fr-FR"])]
    admin: AdminContact
    industry: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{0,62}$")] | None = None
    preset: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{0,62}$")] | None = None
    fiscal_year_start: Annotated[int, msgspec.Meta(ge=1, le=12)] = 1
    employees: Annotated[int, msgspec.Meta(ge=1, le=10_000_000, examples=[12])] | None = None
    plan: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] = "standard"
    placement: Literal["shared", "dedicated"] = "shared"
    cluster: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")] | None = None
    features: dict[str, bool] = msgspec.field(default_factory=dict)
    settings: dict[str, dict[str, Any]] = msgspec.field(default_factory=dict)
    seed: dict[str, dict[str, Any]] = msgspec.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The profile as JSON-ready builtins (what the tenant row keeps)."""
        result: dict[str, Any] = msgspec.to_builtins(self)
        return result


def profile_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of :class:`BusinessProfile`."""
    schema: dict[str, Any] = msgspec.json.schema(BusinessProfile)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Nexus business profile"
    return schema


_FIELDS = {field.encode_name: field for field in msgspec.structs.fields(BusinessProfile)}


def decode_profile(data: bytes | str | dict[str, Any]) -> BusinessProfile:
    """Decode and check a business profile, reporting every failing field at once.

    Args:
        data: JSON text or an already decoded object.

    Returns:
        The profile.

    Raises:
        ProfileError: naming each field that is missing, unknown, of the wrong type or not
            a real country, currency, time zone or locale.
    """
    if isinstance(data, bytes | str):
        try:
            data = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            raise ProfileError([FieldError("$", f"not JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise ProfileError([FieldError("$", "a business profile is a JSON object")])
    errors = [FieldError(key, "unknown field") for key in data if key not in _FIELDS]
    for name, field in _FIELDS.items():
        if name not in data:
            if field.required:
                errors.append(FieldError(name, "required field is missing"))
            continue
        try:
            msgspec.convert(data[name], field.type)
        except msgspec.ValidationError as exc:
            errors.append(_field_error(name, str(exc)))
    failed = {error.field.split(".")[0] for error in errors}
    errors.extend(error for error in _code_list_errors(data) if error.field not in failed)
    if errors:
        raise ProfileError(errors)
    return msgspec.convert(data, BusinessProfile)


def _field_error(name: str, message: str) -> FieldError:
    # msgspec says "… - at `$.email`" relative to the converted value: make it absolute.
    match = re.search(r" - at `\$(.*)`$", message)
    if match is None:
        return FieldError(name, message)
    return FieldError(f"{name}{match.group(1)}", message[: match.start()])


def _code_list_errors(data: dict[str, Any]) -> list[FieldError]:
    """Check codes against real lists; fields missing or of the wrong type are skipped."""
    checks: dict[str, tuple[Callable[[str], bool], str]] = {
        "country": (_valid_country, "is not an ISO 3166-1 alpha-2 country code"),
        "currency": (_valid_currency, "is not an ISO 4217 currency code"),
        "timezone": (lambda v: v in _timezones(), "is not an IANA time zone"),
        "locale": (_valid_locale, "is not a language tag like 'fr-FR'"),
    }
    return [
        FieldError(name, f"'{data[name]}' {message}")
        for name, (valid, message) in checks.items()
        if isinstance(data.get(name), str) and not valid(data[name])
    ]


_ZONES: frozenset[str] = frozenset()


def _timezones() -> frozenset[str]:
    global _ZONES  # noqa: PLW0603 - read once per process: the tz database is fixed
    if not _ZONES:
        _ZONES = frozenset(zoneinfo.available_timezones())
    return _ZONES


def _valid_country(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None


def _valid_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


def _valid_locale(tag: str) -> bool:
    match = _LOCALE.match(tag)
    if match is None:
        return False
    language, region = match.groups()
    lookup = {"alpha_2": language} if len(language) == 2 else {"alpha_3": language}
    if pycountry.languages.get(**lookup) is None:
        return False
    return region is None or region.isdigit() or pycountry.countries.get(alpha_2=region) is not None
