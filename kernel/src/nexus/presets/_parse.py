"""Preset TOML → :class:`Preset`, with errors that name the file and the field."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from nexus.presets._schema import Preset, PresetError, Problem

__all__ = ("describe_error", "parse_preset")

_AT = re.compile(r"^(?P<message>.*) - at `\$\.?(?P<path>.*)`$", re.DOTALL)


def parse_preset(data: bytes | str, *, source: str) -> Preset:
    r"""Decode one preset file.

    Unquoted dotted feature keys (``crm.deals = false`` under ``[features]``, which TOML
    reads as a nested table) are accepted as if quoted.

    Args:
        data: The TOML text.
        source: Where it comes from, used in error messages.

    Returns:
        The preset as written (``extends`` not applied).

    Raises:
        PresetError: naming ``source`` and the field when the TOML is malformed or does not
            fit the schema.

    Example::

        preset = parse_preset('name = "shop"\ntitle = "Shop"', source="shop.toml")
    """
    try:
        raw = msgspec.toml.decode(data)
        if isinstance(raw, dict) and isinstance(raw.get("features"), dict):
            raw["features"] = _flatten(raw["features"])
        if isinstance(raw, dict) and (message := _misfit_entry(raw)):
            raise PresetError(Problem(source=source, message=message))
        return msgspec.convert(raw, Preset)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise PresetError(Problem(source=source, message=describe_error(exc))) from exc


def describe_error(exc: msgspec.MsgspecError, *, prefix: str = "") -> str:
    """Turn msgspec's ``… - at `$.a.b``` into ``a.b: …``, the field first.

    Args:
        exc: The decoding or validation error.
        prefix: A path the error's path is relative to (``settings.crm``).
    """
    text = str(exc)
    match = _AT.match(text)
    path, message = (match["path"], match["message"]) if match else ("", text)
    where = ".".join(part for part in (prefix, path) if part)
    return f"{where}: {message}" if where else message


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(_flatten(value, full))
        else:
            flat[full] = value
    return flat


def _misfit_entry(raw: dict[str, Any]) -> str | None:
    """Name the entry of ``features``, ``settings`` or ``seed`` of the wrong kind.

    msgspec reports a bad dictionary value at ``features[...]``, without the key; this
    check names it.
    """
    expected = {"features": bool, "settings": dict, "seed": dict}
    for table, kind in expected.items():
        entries = raw.get(table)
        for key, value in entries.items() if isinstance(entries, dict) else ():
            if not isinstance(value, kind):
                wanted = "`bool`" if kind is bool else "a table"
                return f"{table}.{key}: Expected {wanted}, got `{_toml_type(value)}`"
    return None


def _toml_type(value: object) -> str:
    kinds = {bool: "bool", int: "int", float: "float", str: "str", list: "array", dict: "table"}
    return kinds.get(type(value), type(value).__name__)
