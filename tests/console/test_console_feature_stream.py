"""``GET /api/v1/features/events``: the live feature list the console listens to."""

from __future__ import annotations

import json
import threading

import pytest
from nexus.services import kernel_of
from nexus.testing import make_tenant


def events(response):
    """Yield (event, data) pairs from a server-sent event stream."""
    name, data = "message", []
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line[len("event:") :].strip()
        elif line.startswith("data:"):
            data.append(line[len("data:") :].strip())
        elif not line and data:
            yield name, json.loads("\n".join(data))
            name, data = "message", []


@pytest.fixture
def tenants(served):
    return (
        make_tenant(served.database_url, slug="acme"),
        make_tenant(served.database_url, slug="globex"),
    )


def states(features):
    return {feature["key"]: feature["state"] for feature in features}


def test_stream_sends_the_features_then_each_change_of_this_tenant_only(served, tenants):
    acme, globex = tenants
    with (
        served.client() as api,
        served.client() as listener,
        listener.stream("GET", "/api/v1/features/events", headers=acme.headers) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        received = events(stream)
        name, first = next(received)
        assert name == "features"
        assert states(first)["hello"] == "enabled"
        assert first == api.get("/api/v1/features", headers=acme.headers).json()

        # Globex's change first: were it sent to acme, the next event would show acme's
        # hello still enabled.
        for tenant, key in ((globex, "tasks"), (acme, "hello")):
            changed = api.put(
                f"/api/v1/features/{key}",
                json={"enabled": False, "cascade": True, "reason": "stream test"},
                headers=tenant.headers,
            )
            assert changed.status_code == 200, changed.text
        name, second = next(received)
        assert name == "features"
        assert states(second)["hello"] == "disabled"
        assert states(second)["tasks"] == "enabled"


def test_a_closed_stream_stops_listening(served, tenants):
    acme, _ = tenants
    toggles = kernel_of(served.app).features.toggles
    listening = len(toggles._observers)
    with (
        served.client() as listener,
        listener.stream("GET", "/api/v1/features/events", headers=acme.headers) as stream,
    ):
        received = events(stream)  # kept: dropping it would close the response stream
        next(received)
        assert len(toggles._observers) == listening + 1
    # The server notices the disconnect and drops the stream's observer.
    done = threading.Event()
    for _ in range(300):
        if len(toggles._observers) == listening:
            done.set()
            break
        done.wait(0.1)
    assert done.is_set(), "the closed stream still observes feature changes"


def test_stream_needs_a_tenant_admin(served, tenants):
    member = make_tenant(served.database_url, slug="members", role="member")
    with served.client() as api:
        assert api.get("/api/v1/features/events").status_code == 401
        assert api.get("/api/v1/features/events", headers=member.headers).status_code == 403
