"""Settings from NEXUS_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from nexus.settings import Settings, SettingsError


def test_every_kind_of_value_is_read_from_the_environment():
    settings = Settings.from_env(
        {
            "NEXUS_DATA_DIR": "/srv/nexus",
            "NEXUS_PORT": "9000",
            "NEXUS_PLUGINS": "crm, finance",
            "NEXUS_TRACE_HOOKS": "1",
            "NEXUS_DATABASE_URL": "postgresql://db/nexus",
            "OTHER": "ignored",
        }
    )
    assert settings.data_dir == Path("/srv/nexus")
    assert settings.port == 9000
    assert settings.plugins == ("crm", "finance")
    assert settings.trace_hooks is True
    assert settings.database_url == "postgresql://db/nexus"


def test_nothing_set_means_the_embedded_default():
    settings = Settings.from_env({})
    assert settings.database_url is None
    assert settings.data_dir == Path(".nexus")
    assert settings.plugins is None


def test_a_bad_value_names_its_variable():
    with pytest.raises(SettingsError, match="NEXUS_WORKERS"):
        Settings.from_env({"NEXUS_WORKERS": "many"})


def test_the_sso_resolver_is_a_setting_checked_at_start():
    settings = Settings.from_env({"NEXUS_SSO_RESOLVER": "10.0.0.53:5353"})
    assert settings.sso_resolver == "10.0.0.53:5353"
    assert Settings.from_env({}).sso_resolver is None
    with pytest.raises(SettingsError, match="NEXUS_SSO_RESOLVER"):
        Settings.from_env({"NEXUS_SSO_RESOLVER": "dns.example:port"})
