"""One database and one app per test module; a fresh tenant per test; the fake providers.

The app loads notify, a stand-in Mail (contract M) and a stand-in caller of notify.send.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest
from cryptography.fernet import Fernet
from nexus.testing import create_test_client, kernel_settings, make_tenant, migrated_database
from notify_fake_caller import caller
from notify_fake_mail import mail
from notify_fakes import FakeProviders

# Notify's key for secrets at rest and signed tokens: the process configuration.
os.environ.setdefault("NEXUS_NOTIFY_KEYS", Fernet.generate_key().decode())
# The fake providers and webhook receivers listen on loopback.
os.environ.setdefault("NEXUS_NOTIFY_ALLOW_PRIVATE_URLS", "1")

import nexus_notify  # noqa: E402 - after the key is configured

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def notify_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [nexus_notify, mail, caller]) as url:
        yield url


@pytest.fixture(scope="module")
def client(notify_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    # Files the caller attaches go to a scratch directory, not the checkout's .nexus.
    settings = kernel_settings(data_dir=tmp_path_factory.mktemp("notify-files"))
    with create_test_client(
        [nexus_notify, mail, caller], database_url=notify_db, settings=settings
    ) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def fakes() -> Iterator[FakeProviders]:
    with FakeProviders() as servers:
        yield servers


@pytest.fixture
def tenant(client: Any, notify_db: str) -> Any:
    return make_tenant(notify_db)
