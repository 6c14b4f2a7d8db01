"""Metadata fields of a document type, and the values documents give them.

A type declares its fields (``name``, ``kind``, ``required``, ``choices``); a document's
``metadata`` is checked against them, every failing field named at once in a 422
(``metadata.<field>``), and kept normalised: numbers and money amounts as decimal strings,
dates as ``YYYY-MM-DD``, money as ``{"amount": "1250.00", "currency": "EUR"}``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
import pycountry
from nexus_hookspecs.http import DECIMAL_GRAMMAR, FieldErrors, text_error

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ("FieldDef", "FieldKind", "check_fields", "check_metadata")

FieldKind = Literal["text", "number", "date", "choice", "money", "bool"]
FieldName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Choice = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]

_DECIMAL = re.compile(DECIMAL_GRAMMAR)
_TEXT_MAX = 2000


class FieldDef(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One metadata field of a document type.

    Attributes:
        name: The key in a document's ``metadata`` (lower case, digits, ``_``).
        label: What people see; the name when left out.
        kind: ``text``, ``number``, ``date``, ``choice``, ``money`` or ``bool``.
        required: Whether every document of the type must give it.
        choices: The allowed values of a ``choice`` field (only there).
    """

    name: FieldName
    kind: FieldKind
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    required: bool = False
    choices: Annotated[list[Choice], msgspec.Meta(max_length=200)] = msgspec.field(
        default_factory=list
    )


def check_fields(fields: Sequence[FieldDef], errors: FieldErrors, *, key: str = "fields") -> None:
    """Record what is wrong with a type's field list: duplicates, choices out of place."""
    seen: set[str] = set()
    for index, field in enumerate(fields):
        at = f"{key}[{index}]"
        if field.name in seen:
            errors.add(f"{at}.name", f"{field.name!r} is declared twice")
        seen.add(field.name)
        if field.kind == "choice" and not field.choices:
            errors.add(f"{at}.choices", "a choice field needs at least one choice")
        if field.kind != "choice" and field.choices:
            errors.add(f"{at}.choices", "only a choice field has choices")
        if len(set(field.choices)) != len(field.choices):
            errors.add(f"{at}.choices", "choices must differ")


def _decimal(value: Any) -> str | None:
    """A JSON number or decimal string as a plain decimal string, or ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _DECIMAL.match(value):
        try:
            return str(Decimal(value))
        except InvalidOperation:  # pragma: no cover - the grammar admits only decimals
            return None
    return None


def _value(field: FieldDef, value: Any) -> tuple[Any, str | None]:
    """The normalised value of one field, or the reason it is refused."""
    if field.kind == "text":
        if not isinstance(value, str) or not value.strip() or len(value) > _TEXT_MAX:
            return None, f"must be text of 1 to {_TEXT_MAX} characters"
        problem = text_error(value)
        return (None, problem) if problem else (value, None)
    if field.kind == "number":
        number = _decimal(value)
        if number is None:
            return None, 'must be a number, as a decimal string ("12.5") or an integer'
        return number, None
    if field.kind == "date":
        try:
            return date.fromisoformat(value).isoformat(), None
        except (TypeError, ValueError):
            return None, "must be a date, YYYY-MM-DD"
    if field.kind == "choice":
        if value not in field.choices:
            return None, f"must be one of {', '.join(field.choices)}"
        return value, None
    if field.kind == "money":
        return _money(value)
    if not isinstance(value, bool):
        return None, "must be true or false"
    return value, None


def _money(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        return None, 'must be {"amount": "<decimal>", "currency": "<ISO 4217 code>"}'
    amount = value["amount"]
    if not isinstance(amount, str) or _DECIMAL.match(amount) is None:
        return None, 'the amount must be a decimal string ("1250.00")'
    currency = value["currency"]
    if not isinstance(currency, str) or pycountry.currencies.get(alpha_3=currency) is None:
        return None, f"{currency!r} is not an ISO 4217 currency code"
    return {"amount": amount, "currency": currency}, None


def check_metadata(
    fields: Sequence[FieldDef],
    metadata: Mapping[str, Any],
    errors: FieldErrors,
    *,
    type_key: str,
) -> dict[str, Any]:
    """``metadata`` checked against a type's fields and normalised.

    Every failing field is recorded in ``errors`` as ``metadata.<name>``: unknown names,
    missing required fields and values of the wrong kind. ``None`` leaves a field unset.

    Returns:
        The normalised metadata (only the fields that passed, without ``None`` values).
    """
    by_name = {field.name: field for field in fields}
    clean: dict[str, Any] = {}
    for name, value in metadata.items():
        field = by_name.get(name)
        if field is None:
            errors.add(f"metadata.{name}", f"type {type_key!r} has no field {name!r}")
            continue
        if value is None:
            continue
        normalised, problem = _value(field, value)
        if problem is not None:
            errors.add(f"metadata.{name}", problem)
        else:
            clean[name] = normalised
    for field in fields:
        if field.required and metadata.get(field.name) is None:
            errors.add(f"metadata.{field.name}", "is required by the document's type")
    return clean
