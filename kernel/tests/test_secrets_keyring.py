"""``nexus_hookspecs.secrets.Keyring``: secrets at rest and signed tokens for plugins."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from litestar.exceptions import HTTPException
from nexus_hookspecs.secrets import Keyring

VARIABLE = "NEXUS_KEYRING_TEST_KEYS"


@pytest.fixture
def keyring(monkeypatch: pytest.MonkeyPatch) -> Keyring:
    monkeypatch.setenv(VARIABLE, Fernet.generate_key().decode())
    return Keyring(VARIABLE, owner="bookings")


def test_a_secret_round_trips_and_survives_a_key_rotation(keyring, monkeypatch):
    stored = keyring.encrypt({"api_key": "sk_live_1"})
    assert "sk_live_1" not in stored
    old = keyring._keys()[0].decode()
    new = Fernet.generate_key().decode()

    monkeypatch.setenv(VARIABLE, f"{new},{old}")
    assert keyring.decrypt(stored) == {"api_key": "sk_live_1"}  # any key decrypts
    rotated = keyring.rotate(stored)
    monkeypatch.setenv(VARIABLE, new)  # the old key dropped after rotating

    assert keyring.decrypt(rotated) == {"api_key": "sk_live_1"}
    with pytest.raises(ValueError, match="no configured key"):
        keyring.decrypt(stored)


def test_without_keys_it_answers_409_naming_the_variable(monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)

    with pytest.raises(HTTPException) as refused:
        Keyring(VARIABLE, owner="bookings").encrypt("x")

    assert refused.value.status_code == 409
    assert VARIABLE in refused.value.detail


def test_a_signed_token_verifies_only_unchanged_for_its_purpose_and_owner(keyring):
    token = keyring.sign_token("unsubscribe", {"tenant": "acme", "user": "42"})

    assert keyring.verify_token("unsubscribe", token) == {"tenant": "acme", "user": "42"}
    assert keyring.verify_token("callback", token) is None
    assert Keyring(VARIABLE, owner="other").verify_token("unsubscribe", token) is None
    body, mac = token.split(".")
    forged = Keyring(VARIABLE, owner="bookings").sign_token("unsubscribe", {"tenant": "evil"})
    assert keyring.verify_token("unsubscribe", f"{forged.split('.')[0]}.{mac}") is None
    assert keyring.verify_token("unsubscribe", body) is None
    assert keyring.verify_token("unsubscribe", "") is None
