"""The loyalty plugin as the kernel sees it, and how many points a deal earns."""

from __future__ import annotations

import pytest
from acme_loyalty._awards import points_for
from acme_loyalty._settings import LoyaltySettings
from loyalty_support import acme_loyalty
from nexus.testing import PluginState, load_test_plugins, plugin_findings


def test_loads_after_the_crm_and_the_doctor_finds_nothing():
    nexus_crm = pytest.importorskip("nexus_crm")
    registry = load_test_plugins([acme_loyalty, nexus_crm])
    assert [record.name for record in registry.loaded] == ["crm", "loyalty"]
    assert [f for f in plugin_findings(registry) if f.plugin == "loyalty"] == []


def test_without_the_crm_it_is_blocked_with_the_reason():
    registry = load_test_plugins([acme_loyalty])
    record = registry.get("loyalty")
    assert (record.state, record.reason) == (
        PluginState.BLOCKED,
        "requires 'crm', which is not installed",
    )


DEAL = {"id": "d", "amount": "1250.75", "currency": "EUR"}


@pytest.mark.parametrize(
    ("settings", "deal", "points"),
    [
        pytest.param(LoyaltySettings(), DEAL, 1250, id="one-point-per-unit"),
        pytest.param(LoyaltySettings(points_per_unit=3), DEAL, 3752, id="three-per-unit"),
        pytest.param(LoyaltySettings(points_per_unit=0), DEAL, 0, id="switched-off-by-rate"),
        pytest.param(LoyaltySettings(currencies=["USD"]), DEAL, 0, id="other-currency"),
        pytest.param(LoyaltySettings(currencies=["EUR"]), DEAL, 1250, id="listed-currency"),
        pytest.param(LoyaltySettings(minimum_amount="2000"), DEAL, 0, id="below-minimum"),
        pytest.param(LoyaltySettings(), {**DEAL, "amount": "nonsense"}, 0, id="bad-amount"),
    ],
)
def test_points_for_a_won_deal(settings, deal, points):
    assert points_for(deal, settings) == points
