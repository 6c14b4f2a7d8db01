"""Refusals as RFC 9457 problems: each helper raises, so a handler reads top to bottom.

The kernel renders them: 404 and 409 as problems with a ``detail``; 422 with ``errors``, one
``{key, message, source}`` item per failing field, as the kernel's own bodies answer.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import msgspec
from litestar.exceptions import HTTPException, NotFoundException, ValidationException

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = (
    "FieldError",
    "FieldErrors",
    "ServiceUnavailable",
    "conflict",
    "field_errors",
    "invalid",
    "not_found",
)

Source = Literal["body", "query", "path", "header"]


class FieldError(msgspec.Struct, frozen=True):
    """One failing field of a request.

    Attributes:
        key: Where it is: ``lines[1].debit`` in a body, ``cursor`` in the query.
        message: What is wrong with it, for a person.
        source: ``body``, ``query``, ``path`` or ``header``.
    """

    key: str
    message: str
    source: Source = "body"


def not_found() -> NoReturn:
    """Answer 404, exactly like a missing resource (another tenant's one included)."""
    raise NotFoundException()


def conflict(detail: str, **members: Any) -> NoReturn:
    """Answer 409: the resource's state does not allow the request.

    Args:
        detail: What is in the way, for a person.
        **members: Extension members of the problem (``blocking=["crm.deals"]``).
    """
    raise HTTPException(detail, status_code=409, extra=members or None)


class ServiceUnavailable(HTTPException):
    """A 409 problem: a service's provider is not installed or not enabled for the tenant.

    :meth:`Services.call <nexus_hookspecs.Services.call>` raises it; left alone it answers
    409 with ``blocking=["<plugin>"]``, so the client knows which plugin to switch on.

    Attributes:
        plugin: The providing plugin (the service name's first part).
        service: The service asked for.
    """

    status_code = 409

    def __init__(self, service: str, *, plugin: str | None = None) -> None:
        self.service = service
        self.plugin = plugin or service.split(".", 1)[0]
        super().__init__(
            f"{self.service} is not available: the plugin '{self.plugin}' is not installed "
            "or not enabled for this tenant",
            status_code=409,
            extra={"blocking": [self.plugin]},
        )


def invalid(key: str, message: str, *, source: Source = "body") -> NoReturn:
    """Answer 422 naming one failing field (use :class:`FieldErrors` for several)."""
    raise ValidationException(
        message, extra=[msgspec.structs.asdict(FieldError(key, message, source))]
    )


class FieldErrors:
    """Collects every failing field of a request, then refuses it once with all of them.

    Example::

        errors = FieldErrors()
        if data.starts_on > data.ends_on:
            errors.add("ends_on", "must not be before starts_on")
        if not data.lines:
            errors.add("lines", "at least one line")
        errors.raise_if_any()
    """

    __slots__ = ("_errors",)

    def __init__(self) -> None:
        self._errors: list[FieldError] = []

    def add(self, key: str, message: str, *, source: Source = "body") -> None:
        """Record a failing field."""
        self._errors.append(FieldError(key, message, source))

    def extend(self, errors: Iterable[FieldError]) -> None:
        """Record several (from :func:`field_errors`, say)."""
        self._errors.extend(errors)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def __len__(self) -> int:
        return len(self._errors)

    def raise_if_any(self) -> None:
        """Answer 422 listing every recorded field; do nothing when none failed."""
        if self._errors:
            first = self._errors[0]
            raise ValidationException(
                f"{first.key}: {first.message}",
                extra=[msgspec.structs.asdict(error) for error in self._errors],
            )


_AT = re.compile(r" - at `\$(.*)`$")


def field_errors(
    value: Any, type_: Any, *, key: str = "", source: Source = "body"
) -> list[FieldError]:
    """Every failing field of ``value`` (decoded JSON) against ``type_``, not just the first.

    msgspec stops at the first error; this walks a Struct's fields (and Structs nested in
    them, and in lists of them) so a client fixes all its mistakes in one round trip.

    Args:
        value: The decoded JSON (``msgspec.json.decode(body)``).
        type_: The type the handler takes: a msgspec Struct, or any type msgspec converts to.
        key: Where ``value`` sits (empty for the whole body).
        source: Where the value came from.

    Returns:
        One :class:`FieldError` per failing field; empty when ``value`` converts.
    """
    try:
        msgspec.convert(value, type_)
    except msgspec.ValidationError as exc:
        if not _is_struct(type_) or not isinstance(value, dict):
            return [_located(key, str(exc), source)]
    else:
        return []
    return _struct_errors(value, type_, key, source)


def _struct_errors(value: dict[str, Any], type_: Any, key: str, source: Source) -> list[FieldError]:
    info = msgspec.inspect.type_info(type_)
    assert isinstance(info, msgspec.inspect.StructType)  # noqa: S101 - _is_struct said so
    fields = {field.encode_name: field for field in info.fields}
    errors: list[FieldError] = []
    if info.forbid_unknown_fields:
        errors.extend(
            FieldError(_join(key, name), "unknown field", source)
            for name in value
            if name not in fields
        )
    hints = {field.name: field.type for field in msgspec.structs.fields(type_)}
    for name, field in fields.items():
        where = _join(key, name)
        if name not in value:
            if field.required:
                errors.append(FieldError(where, "required field is missing", source))
            continue
        errors.extend(_value_errors(value[name], hints[field.name], where, source))
    if not errors:  # a whole-Struct check (``__post_init__``) failed: report it as msgspec said
        try:
            msgspec.convert(value, type_)
        except msgspec.ValidationError as exc:
            errors.append(_located(key, str(exc), source))
    return errors


def _value_errors(value: Any, type_: Any, key: str, source: Source) -> list[FieldError]:
    if _is_struct(type_) and isinstance(value, dict):
        return field_errors(value, type_, key=key, source=source)
    item = _list_item_struct(type_)
    if item is not None and isinstance(value, list):
        errors: list[FieldError] = []
        for index, element in enumerate(value):
            where = f"{key}[{index}]"
            errors.extend(field_errors(element, item, key=where, source=source))
        if errors:
            return errors
    try:
        msgspec.convert(value, type_)
    except msgspec.ValidationError as exc:
        return [_located(key, str(exc), source)]
    return []


def _is_struct(type_: Any) -> bool:
    return isinstance(type_, type) and issubclass(type_, msgspec.Struct)


def _list_item_struct(type_: Any) -> Any:
    info = msgspec.inspect.type_info(type_)
    if isinstance(
        info, msgspec.inspect.ListType | msgspec.inspect.TupleType | msgspec.inspect.VarTupleType
    ):
        item = getattr(info, "item_type", None)
        if isinstance(item, msgspec.inspect.StructType):
            return item.cls
    return None


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _located(key: str, message: str, source: Source) -> FieldError:
    # msgspec says "… - at `$.lines[0].qty`" relative to the converted value: make it absolute.
    match = _AT.search(message)
    if match is None:
        return FieldError(key or "$", message, source)
    where = match.group(1)
    full = f"{key}{where}" if key else where.lstrip(".")
    return FieldError(full or "$", message[: match.start()], source)
