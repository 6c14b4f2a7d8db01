"""The plugin registry: validation, requirements, start order and failure isolation."""

from __future__ import annotations

import pytest
import structlog
from kernel_samples import hello
from kernel_samples.others import named, plugin
from nexus.observability import configure_logging
from nexus.plugins import DuplicatePluginError, PluginState, load_plugins
from nexus.settings import Settings
from nexus_hookspecs import Manifest, hookimpl
from nexus_hookspecs import __version__ as hookspecs_version


def states(registry):
    return {r.name: (r.state, r.reason) for r in registry.records}


def test_plugins_start_after_their_requirements():
    registry = load_plugins(
        Settings(),
        plugins=[
            named("zeta", requires=("alpha",)),
            named("alpha"),
            named("mid", requires=("zeta",)),
        ],
    )
    assert [r.name for r in registry.loaded] == ["alpha", "zeta", "mid"]


def test_missing_requirement_is_reported_by_name():
    registry = load_plugins(Settings(), plugins=[named("crm", requires=("ledger",)), hello])
    state, reason = states(registry)["crm"]
    assert state is PluginState.BLOCKED
    assert reason == "requires 'ledger', which is not installed"
    assert [r.name for r in registry.loaded] == ["hello"]


def test_requirement_cycle_is_reported_by_names():
    registry = load_plugins(
        Settings(),
        plugins=[
            named("a", requires=("b",)),
            named("b", requires=("a",)),
            named("c", requires=("a",)),
        ],
    )
    found = states(registry)
    for name in ("a", "b"):
        assert found[name][0] is PluginState.BLOCKED
        assert "requirement cycle" in found[name][1]
        assert "a" in found[name][1] and "b" in found[name][1]
    assert found["c"] == (PluginState.BLOCKED, "requires 'a', which is blocked")
    assert registry.loaded == []


def test_incompatible_hookspecs_range_names_both_versions():
    registry = load_plugins(Settings(), plugins=[named("future", hookspecs=">=9")])
    state, reason = states(registry)["future"]
    assert state is PluginState.FAILED
    assert ">=9" in reason and hookspecs_version in reason


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        pytest.param(
            Manifest(name="Bad-Name", version="1", title="x"), "lower case", id="bad-name"
        ),
        pytest.param(
            Manifest(name="v", version="not a version", title="x"), "PEP 440", id="bad-version"
        ),
        pytest.param(
            Manifest(name="ev", version="1", title="x", events=("other.thing.v1",)),
            "must start with ev.",
            id="foreign-event-type",
        ),
    ],
)
def test_invalid_manifest_fails_with_reason(manifest, expected):
    registry = load_plugins(Settings(), plugins=[plugin(manifest)])
    (record,) = registry.records
    assert record.state is PluginState.FAILED
    assert expected in record.reason


def test_manifest_that_raises_is_isolated():
    def broken():
        raise RuntimeError("boom")

    bad = plugin(Manifest(name="x", version="1", title="x"))
    bad.nexus_manifest = hookimpl(broken)
    bad.__name__ = "bad"
    registry = load_plugins(Settings(), plugins=[bad, hello])
    found = states(registry)
    assert found["bad"] == (PluginState.FAILED, "nexus_manifest raised RuntimeError: boom")
    assert [r.name for r in registry.loaded] == ["hello"]


def test_plugin_without_manifest_is_refused():
    bare = plugin(Manifest(name="x", version="1", title="x"))
    del bare.nexus_manifest
    bare.__name__ = "bare"
    registry = load_plugins(Settings(), plugins=[bare])
    assert states(registry)["bare"] == (PluginState.FAILED, "does not implement nexus_manifest")


def test_unknown_hook_is_refused():
    odd = named("odd")
    odd.nexus_not_a_hook = hookimpl(lambda: None)
    registry = load_plugins(Settings(), plugins=[odd])
    assert states(registry)["odd"] == (
        PluginState.FAILED,
        "implements unknown hook nexus_not_a_hook",
    )


def test_failed_plugin_blocks_its_dependents_only():
    registry = load_plugins(
        Settings(),
        plugins=[named("base", hookspecs=">=99"), named("top", requires=("base",)), hello],
    )
    found = states(registry)
    assert found["base"][0] is PluginState.FAILED
    assert found["top"] == (PluginState.BLOCKED, "requires 'base', which is failed")
    assert [r.name for r in registry.loaded] == ["hello"]


def test_duplicate_plugin_names_stop_loading():
    with pytest.raises(DuplicatePluginError, match="'twin'"):
        load_plugins(Settings(), plugins=[named("twin"), named("twin")])


def test_hook_calls_are_traced_when_asked():
    configure_logging(Settings(log_level="info"))
    with structlog.testing.capture_logs() as logs:
        load_plugins(Settings(trace_hooks=True), plugins=[hello]).call(
            "hello", "nexus_routes", register=lambda h: None
        )
    calls = [entry for entry in logs if entry["event"] == "hook call"]
    assert any(entry["hook"] == "nexus_routes" and entry["plugins"] == ["hello"] for entry in calls)
    assert any(entry["event"] == "hook return" for entry in logs)


def test_hook_calls_are_not_traced_by_default():
    with structlog.testing.capture_logs() as logs:
        load_plugins(Settings(), plugins=[hello]).call(
            "hello", "nexus_routes", register=lambda h: None
        )
    assert not [entry for entry in logs if entry["event"].startswith("hook")]
