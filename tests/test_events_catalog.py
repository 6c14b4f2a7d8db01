"""``nexus events catalog`` lists every event type the kernel and the installed plugins declare."""

from __future__ import annotations

import json

import msgspec
from click.testing import CliRunner
from nexus.cli import cli
from nexus.cli._catalog import NO_SCHEMA, event_catalog, render_catalog
from nexus.testing import load_test_plugins
from nexus_hookspecs import EventType, Manifest, hookimpl


class Stamped(msgspec.Struct, kw_only=True):
    id: str
    points: int


class Declares:
    """A plugin declaring one event with a payload and one bare type name."""

    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(
            name="stamps",
            version="1.0.0",
            title="Stamps",
            events=(
                EventType(type="stamps.card.stamped.v1", description="A stamp.", payload=Stamped),
                "stamps.card.full.v1",
            ),
        )


def test_catalog_json_lists_every_first_party_event_with_its_schema():
    import nexus_crm
    import nexus_finance
    import nexus_inventory

    declared = {
        event.type: event
        for plugin in (nexus_crm, nexus_finance, nexus_inventory)
        for event in plugin.nexus_manifest().event_types()
    }
    result = CliRunner().invoke(cli, ["events", "catalog", "--json"])
    assert result.exit_code == 0, result.output
    listed = {entry["type"]: entry for entry in json.loads(result.output)}
    assert set(declared) <= set(listed)
    for name, event in declared.items():
        schema = msgspec.json.schema(event.payload) if event.payload else None
        assert listed[name]["schema"] == json.loads(json.dumps(schema)), name
    assert listed["nexus.feature.changed.v1"]["plugin"] == "nexus"
    assert listed["nexus.tenant.provisioned.v1"]["schema"] is not None


def test_a_bare_event_name_shows_no_payload_schema():
    entries = event_catalog(load_test_plugins([Declares()]), kernel=False)
    assert [(e.plugin, e.type, e.payload) for e in entries] == [
        ("stamps", "stamps.card.stamped.v1", "Stamped"),
        ("stamps", "stamps.card.full.v1", None),
    ]
    assert entries[0].schema == msgspec.json.schema(Stamped)
    page = render_catalog(entries)
    assert "## `stamps.card.full.v1`\n\nPublished by `stamps`.\n\nPayload: " + NO_SCHEMA in page
    assert "| `points` | integer | yes |" in page
