"""``nexus_hookspecs.net.check_public_url``: tenant-given URLs stay off the deployment's network."""

from __future__ import annotations

import asyncio

import pytest
from nexus_hookspecs.net import RefusedURL, check_public_url

ALLOW = "NEXUS_TESTS_ALLOW_PRIVATE_URLS"


@pytest.mark.parametrize(
    "url",
    [
        "https://]\u00be\u0094m@H\u00fbU",  # unbalanced "[": urlsplit raises (found by the fuzzer)
        "http://example.com:99999/",  # a port out of range
        "ftp://example.com/",
        "file:///etc/passwd",
        "http:///no-host",
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data/",  # the cloud's metadata endpoint
        "http://10.0.0.8/",
        "http://localhost/",
    ],
)
def test_a_private_or_malformed_url_is_refused_for_good(url, monkeypatch):
    monkeypatch.delenv(ALLOW, raising=False)
    with pytest.raises(RefusedURL) as refused:
        asyncio.run(check_public_url(url, allow_variable=ALLOW))
    assert refused.value.permanent


def test_the_allow_variable_lets_a_local_receiver_through_but_never_a_bad_scheme(
    monkeypatch,
):
    monkeypatch.setenv(ALLOW, "1")
    asyncio.run(check_public_url("http://127.0.0.1:8080/hook", allow_variable=ALLOW))
    with pytest.raises(RefusedURL):
        asyncio.run(check_public_url("gopher://127.0.0.1/", allow_variable=ALLOW))


def test_a_public_address_passes(monkeypatch):
    monkeypatch.delenv(ALLOW, raising=False)
    asyncio.run(check_public_url("https://93.184.215.14/webhook", allow_variable=ALLOW))
