"""One database and one app per test module (Mail and a stand-in Notification).

A local DNS responder answers the domains' records and the inbound SMTP server listens on an
ephemeral loopback port; a fresh tenant per test.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import nexus_mail
import pytest
from cryptography.fernet import Fernet
from mail_fake_notify import notify
from mail_support import DnsZone, Sink
from nexus.testing import create_test_client, make_tenant, migrated_database

SECRET = Fernet.generate_key().decode()

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def zone() -> Iterator[DnsZone]:
    served = DnsZone()
    yield served
    served.close()


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    server = Sink()
    yield server
    server.close()


@pytest.fixture(scope="module")
def mail_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [nexus_mail, notify]) as url:
        yield url


@pytest.fixture(scope="module")
def client(mail_db: str, zone: DnsZone) -> Iterator[Any]:
    changed = {
        "NEXUS_MAIL_RESOLVER": f"127.0.0.1:{zone.port}",
        "NEXUS_MAIL_SMTP_HOST": "127.0.0.1",
        "NEXUS_MAIL_SMTP_PORT": "0",
        "NEXUS_MAIL_DNS_TIMEOUT": "2",
        "NEXUS_MAIL_SECRET_KEYS": SECRET,
    }
    saved = {name: os.environ.get(name) for name in changed}
    os.environ.update(changed)
    try:
        with create_test_client([nexus_mail, notify], database_url=mail_db) as test_client:
            yield test_client
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def tenant(client: Any, mail_db: str) -> Any:
    return make_tenant(mail_db)


@pytest.fixture
def other_tenant(client: Any, mail_db: str) -> Any:
    return make_tenant(mail_db)
