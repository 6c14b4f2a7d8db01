"""``hooks``: the cost of calling a plugin hook, against a plain call doing the same work."""

from __future__ import annotations

import functools
import timeit
from typing import TYPE_CHECKING, Any

from nexus import Settings, load_plugins
from nexus_hookspecs import Manifest, hookimpl

from bench._results import row
from bench.apps import plugin

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

_SIZES = (1, 10)


class _Filler:
    """A plugin that only has a manifest, to fill the registry to a realistic size."""

    def __init__(self, index: int) -> None:
        self._manifest = Manifest(name=f"filler{index}", version="0.1.0", title="Filler")

    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return self._manifest


def _ns_per_call(function: Callable[[], Any], *, quick: bool) -> float:
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    if quick:
        number = max(1, number // 10)
    best = min(timer.repeat(repeat=3 if quick else 7, number=number))
    return best / number * 1e9


def run(ctx: Context) -> list[Row]:
    """Time a no-work hook (``nexus_manifest``) three ways, with 1 and 10 plugins loaded."""
    quick = ctx.config.quick
    settings = Settings(log_level="warning")
    plain = _ns_per_call(plugin.nexus_manifest, quick=quick)
    rows = [
        row(
            "hooks",
            "plain call of the plugin's function",
            plain,
            "ns/call",
            note="the work every hook call below does",
        )
    ]
    for size in _SIZES:
        registry = load_plugins(settings, plugins=[plugin, *map(_Filler, range(1, size))])
        ways: dict[str, Callable[[], Any]] = {
            "registry.pm.hook.nexus_manifest()": registry.pm.hook.nexus_manifest,
            'registry.call("bench", "nexus_manifest")': functools.partial(
                registry.call, "bench", "nexus_manifest"
            ),
        }
        if registry.call("bench", "nexus_manifest") is not plugin.MANIFEST:
            raise RuntimeError("registry.call did not reach the bench plugin")
        for measure, function in ways.items():
            if not isinstance(function(), Manifest):
                raise RuntimeError(f"{measure} returned no manifest")
            value = _ns_per_call(function, quick=quick)
            rows.append(
                row(
                    "hooks",
                    f"{measure}, {size} plugin(s) loaded",
                    value,
                    "ns/call",
                    baseline="plain call",
                    note=f"{value / plain:.1f}× plain, +{value - plain:,.0f} ns",
                    detail={"plugins_loaded": size, "times_plain": round(value / plain, 2)},
                )
            )
    return rows
