"""JSON bodies decoded strictly: one media type, the handler's own type, the kit's field rules.

Litestar reads a JSON route's body whatever its ``Content-Type``, decodes it without a type,
then converts it in msgspec's lax mode (``0`` for a boolean, ``"5"`` for an integer, a
number of seconds for a datetime) and lets a Struct drop fields it does not know. Every
route of the app uses :class:`StrictRequest` instead, whose :meth:`~StrictRequest.json`:

1. answers 415 unless the body is ``application/json`` or ``application/*+json`` (a body
   without a ``Content-Type`` too);
2. answers 400 ``bad-request`` for a body that is not JSON, not UTF-8, or nested too deeply
   for the decoder — never a 500;
3. checks the decoded value against the handler's ``data`` type and answers 422 listing
   every failing field: an unknown field (whatever the Struct's ``forbid_unknown_fields``), a
   value of the wrong JSON type (strict mode), text with control or bidirectional characters
   (tabs and line breaks only in :data:`nexus_hookspecs.http.Multiline` fields), a decimal
   that is not a string of the strict grammar (:data:`nexus_hookspecs.http.Money` …);
4. hands the handler the converted value, which Litestar's own lax conversion then passes
   through unchanged.
"""

from __future__ import annotations

import functools
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, HTTPException, ValidationException
from litestar.types import Empty
from nexus_hookspecs.http import (
    DECIMAL_KEY,
    MULTILINE_KEY,
    FieldError,
    decimal_error,
    field_errors,
    text_error,
)

__all__ = ("TEXT_LINES_OPT", "StrictRequest", "body_errors", "decode_json_body")

_JSON = "application/json"

TEXT_LINES_OPT = "nexus_text_lines"
"""Route ``opt`` key: every text field of the body may hold tabs and line breaks."""

_inspect = msgspec.inspect


class StrictRequest(Request[Any, Any, Any]):
    """The app's request class: JSON bodies are decoded strictly (see the module)."""

    __slots__ = ()

    async def json(self) -> Any:
        """The body decoded and checked against the handler's ``data`` type.

        Raises:
            HTTPException: 415 for another media type, 400 for a body that is not JSON.
            ValidationException: 422 listing every failing field.
        """
        if self._json is not Empty:
            return self._json
        body = await self.body()
        if body:
            require_json(self.headers.get("content-type"))
        raw = decode_json_body(body) if body else None
        target = body_type(self.route_handler)
        if target is not None and raw is not None:
            lines = bool(self.route_handler.opt.get(TEXT_LINES_OPT))
            errors = body_errors(raw, target, lines=lines)
            if errors:
                first = errors[0]
                raise ValidationException(
                    f"{first.key}: {first.message}",
                    extra=[msgspec.structs.asdict(error) for error in errors],
                )
            raw = msgspec.convert(
                raw, target, strict=True, dec_hook=self.route_handler.default_deserializer
            )
        self._json = raw
        return raw


def require_json(content_type: str | None) -> None:
    """Answer 415 unless ``content_type`` is JSON (``application/json``, ``…+json``)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    major, _, minor = media_type.partition("/")
    if media_type != _JSON and not (major == "application" and minor.endswith("+json")):
        raise HTTPException(
            status_code=415,
            detail=f"send the body as {_JSON}"
            + ("" if content_type else " (the request has no Content-Type)"),
        )


def decode_json_body(body: bytes) -> Any:
    """Decode ``body`` as JSON, answering 400 for anything that is not (never a 500)."""
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        reason = str(exc)
    except RecursionError:
        reason = "nested too deeply"
    except UnicodeDecodeError:
        reason = "not UTF-8"
    raise ClientException(f"the body is not valid JSON: {reason}", status_code=400)


def body_type(handler: Any) -> Any:
    """The type of the handler's ``data`` parameter, or ``None`` (no body, or any value)."""
    signature = getattr(handler, "parsed_fn_signature", None)
    data = signature.parameters.get("data") if signature is not None else None
    if data is None or data.annotation is Any:
        return None
    return data.annotation


def body_errors(value: Any, target: Any, *, lines: bool = False) -> list[FieldError]:
    """Every failing field of ``value`` (decoded JSON) as a body of type ``target``.

    ``lines`` lets every text field hold tabs and line breaks, as bodies of plugins built
    for the 0.1.0 contract could (the bridge marks their routes ``nexus_text_lines``).

    The kit's rules (unknown fields, text, decimals) first, then msgspec's strict conversion
    for the fields those left alone.
    """
    errors: list[FieldError] = []
    _walk(value, _type_info(target), "", errors, lines)
    seen = {error.key for error in errors}
    for error in field_errors(value, target):
        if error.key not in seen and not any(error.key.startswith(f"{k}.") for k in seen):
            errors.append(error)
    return errors


@functools.lru_cache(maxsize=1024)
def _type_info(target: Any) -> _inspect.Type:
    return _inspect.type_info(target)


def _walk(  # noqa: C901, PLR0912
    value: Any, info: _inspect.Type, key: str, errors: list[FieldError], lines: bool
) -> None:
    if isinstance(info, _inspect.Metadata):
        extra = info.extra or {}
        if DECIMAL_KEY in extra:
            message = decimal_error(value, extra[DECIMAL_KEY])
            if message is not None:
                errors.append(FieldError(key or "$", message))
            return
        if isinstance(value, str) and isinstance(info.type, _inspect.StrType):
            _text(value, key, errors, multiline=lines or bool(extra.get(MULTILINE_KEY)))
            return
        _walk(value, info.type, key, errors, lines)
    elif isinstance(info, _inspect.UnionType):
        arm = _arm(info, value)
        if arm is not None:
            _walk(value, arm, key, errors, lines)
    elif isinstance(value, str):
        # A typed text field is one line; free-form text (``Any``) may break lines.
        _text(value, key, errors, multiline=lines or not isinstance(info, _inspect.StrType))
    elif isinstance(info, _inspect.StructType) and isinstance(value, dict):
        _struct(value, info, key, errors, lines)
    elif isinstance(value, list):
        item = getattr(info, "item_type", None)
        items = getattr(info, "item_types", None)
        for index, element in enumerate(value):
            if items is not None:
                if index >= len(items):
                    break
                item = items[index]
            _walk(element, item or _inspect.AnyType(), f"{key}[{index}]", errors, lines)
    elif isinstance(value, dict):
        value_type = getattr(info, "value_type", None) or _inspect.AnyType()
        for name, element in value.items():
            where = f"{key}.{name}" if key else str(name)
            _text(name, where, errors, multiline=False)
            _walk(element, value_type, where, errors, lines)


def _struct(
    value: dict[str, Any],
    info: _inspect.StructType,
    key: str,
    errors: list[FieldError],
    lines: bool,
) -> None:
    fields = {field.encode_name: field for field in info.fields}
    for name, element in value.items():
        where = f"{key}.{name}" if key else name
        field = fields.get(name)
        if field is None:
            if name != info.tag_field:
                errors.append(FieldError(where, "unknown field"))
            continue
        _walk(element, field.type, where, errors, lines)


def _arm(info: _inspect.UnionType, value: Any) -> _inspect.Type | None:
    """The member of a union that ``value``'s JSON kind goes to."""
    for arm in info.types:
        inner = arm.type if isinstance(arm, _inspect.Metadata) else arm
        if _takes(inner, value):
            return arm
    return None


def _takes(info: _inspect.Type, value: Any) -> bool:
    if isinstance(info, _inspect.AnyType):
        return True
    if value is None:
        return isinstance(info, _inspect.NoneType)
    if isinstance(value, dict):
        if isinstance(info, _inspect.StructType) and info.tag_field is not None:
            return bool(value.get(info.tag_field) == info.tag)
        return isinstance(info, _inspect.StructType | _inspect.DictType)
    if isinstance(value, list):
        return hasattr(info, "item_type") or hasattr(info, "item_types")
    if isinstance(value, str):
        return isinstance(info, _inspect.StrType | _inspect.DecimalType)
    if isinstance(value, bool):
        return isinstance(info, _inspect.BoolType)
    return isinstance(info, _inspect.IntType | _inspect.FloatType | _inspect.DecimalType)


def _text(value: str, key: str, errors: list[FieldError], *, multiline: bool) -> None:
    message = text_error(value, multiline=multiline)
    if message is not None:
        errors.append(FieldError(key or "$", message))
