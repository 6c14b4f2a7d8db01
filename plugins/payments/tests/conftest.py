"""One database and one app per test module (Payments, a stand-in Finance and a caller of
the checkout service), the providers' fake servers; a fresh tenant per test."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest
from cryptography.fernet import Fernet
from nexus.testing import create_test_client, make_tenant, migrated_database
from payments_fake_finance import caller, finance
from payments_fakes import FakeFlutterwave, FakePaystack, FakeStripe

# Payments' key for provider keys at rest: the process configuration.
os.environ.setdefault("NEXUS_PAYMENTS_KEYS", Fernet.generate_key().decode())

import nexus_payments  # noqa: E402 - after the key is configured

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_payments, finance, caller]


@pytest.fixture(scope="module")
def payments_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(payments_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=payments_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, payments_db: str) -> Any:
    return make_tenant(payments_db)


@pytest.fixture
def other(client: Any, payments_db: str) -> Any:
    return make_tenant(payments_db)


@pytest.fixture(scope="module")
def fakes() -> Iterator[dict[str, Any]]:
    """The three providers' fake servers; the process settings point Payments at them."""
    with FakeStripe() as stripe, FakePaystack() as paystack, FakeFlutterwave() as flutterwave:
        servers = {"stripe": stripe, "paystack": paystack, "flutterwave": flutterwave}
        for name, server in servers.items():
            os.environ[f"NEXUS_PAYMENTS_{name.upper()}_URL"] = server.base_url
        yield servers
