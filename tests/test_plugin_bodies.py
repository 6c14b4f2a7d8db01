"""Every installed plugin's request bodies refuse unknown fields and take strict decimals.

The kernel refuses unknown fields and decodes kit decimals strictly whatever a Struct says
(``nexus.http.StrictRequest``); these tests keep each body's own type truthful too, so the
OpenAPI document and a plugin's tests (which convert bodies without the kernel) say the same:
every Struct a route's ``data`` reaches, nested ones included, declares
``forbid_unknown_fields=True``, and every decimal in it is a kit decimal
(``nexus_hookspecs.http.Money``, ``Quantity``, ``Rate`` or ``decimal_meta``).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.routes import HTTPRoute
from nexus.app import create_app
from nexus.plugins import API_PREFIX, load_plugins
from nexus.settings import Settings
from nexus_hookspecs.http import DECIMAL_KEY

_inspect = msgspec.inspect


def _bodies() -> dict[str, Any]:
    """``"METHOD path"`` → the ``data`` type, for every installed plugin's route."""
    settings = Settings(log_level="warning", database_url="postgresql://unused.invalid/nexus")
    registry = load_plugins(settings)
    app = create_app(settings, registry=registry)  # never started: no connection
    prefixes = tuple(f"{API_PREFIX}/{record.name}/" for record in registry.loaded)
    bodies = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(prefixes):
            continue
        for handler in route.route_handlers:
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None:
                for method in sorted(handler.http_methods):
                    bodies[f"{method} {route.path}"] = data.annotation
    return bodies


BODIES = _bodies()


def _walk(info: _inspect.Type, seen: set[type], found: list[tuple[str, _inspect.Type]]) -> None:
    """Collect ``(where, type)`` for every field of every Struct reachable from ``info``."""
    if isinstance(info, _inspect.StructType):
        if info.cls in seen:
            return
        seen.add(info.cls)
        for field in info.fields:
            found.append(
                (f"{info.cls.__module__}.{info.cls.__qualname__}.{field.name}", field.type)
            )
            _walk(field.type, seen, found)
        return
    for inner in _children(info):
        _walk(inner, seen, found)


def _children(info: _inspect.Type) -> list[_inspect.Type]:
    if isinstance(info, _inspect.Metadata):
        return [info.type]
    if isinstance(info, _inspect.UnionType):
        return list(info.types)
    children = [getattr(info, name, None) for name in ("item_type", "key_type", "value_type")]
    children += list(getattr(info, "item_types", ()) or ())
    return [child for child in children if child is not None]


def _structs(info: _inspect.Type, seen: set[type]) -> None:
    _walk(info, seen, [])


def test_plugins_have_bodies_to_check():
    assert len(BODIES) > 20, sorted(BODIES)


def test_every_plugin_body_struct_forbids_unknown_fields():
    seen: set[type] = set()
    for annotation in BODIES.values():
        _structs(_inspect.type_info(annotation), seen)
    lax = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in seen
        if not cls.__struct_config__.forbid_unknown_fields
    )
    assert not lax, f"body Structs without forbid_unknown_fields=True: {lax}"


def _decimal_fields(info: _inspect.Type, strict: bool) -> list[bool]:
    """For each decimal met under ``info`` (not inside a nested Struct): its strictness."""
    if isinstance(info, _inspect.Metadata):
        marked = DECIMAL_KEY in (info.extra or {})
        return _decimal_fields(info.type, strict or marked)
    if isinstance(info, _inspect.DecimalType):
        return [strict]
    if isinstance(info, _inspect.StructType):
        return []
    return [flag for inner in _children(info) for flag in _decimal_fields(inner, strict)]


def test_every_decimal_of_a_plugin_body_is_a_kit_decimal():
    found: list[tuple[str, _inspect.Type]] = []
    seen: set[type] = set()
    for annotation in BODIES.values():
        _walk(_inspect.type_info(annotation), seen, found)
    loose = sorted(where for where, info in found if not all(_decimal_fields(info, False)))
    assert not loose, f"decimals without the strict grammar (use the kit's Money…): {loose}"
