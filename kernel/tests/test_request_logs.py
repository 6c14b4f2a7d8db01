"""Log lines of a request carry its request id, tenant and plugin (without per-request binds)."""

from __future__ import annotations

import logging

import structlog
from kernel_samples import hello
from nexus.observability import add_request_context, bind_request, reset_request
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant


def test_log_lines_of_a_request_carry_its_id_tenant_and_plugin(nexus_database_url):
    settings = Settings(log_level="info", access_log=True)
    with create_test_client([hello], database_url=nexus_database_url, settings=settings) as client:
        tenant = make_tenant(nexus_database_url)
        # After the app is built: building it configures logging anew.
        with structlog.testing.capture_logs(processors=[add_request_context]) as logs:
            client.get("/api/v1/hello", headers={"X-Request-ID": "req-1", **tenant.headers})
            client.get("/healthz", headers={"X-Request-ID": "req-2"})
    [in_plugin] = [line for line in logs if line.get("request_id") == "req-1"]
    assert in_plugin["event"] == "request"
    assert in_plugin["tenant_id"] == str(tenant.id)
    assert in_plugin["plugin"] == "hello"
    [public] = [line for line in logs if line.get("request_id") == "req-2"]
    assert "tenant_id" not in public
    assert "plugin" not in public


def test_the_request_context_ends_with_the_request():
    saved = structlog.get_config()
    # Whatever level an app built earlier in this process set, these info lines are kept.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
    try:
        log = structlog.get_logger("test")
        with structlog.testing.capture_logs(processors=[add_request_context]) as logs:
            token = bind_request("req-3")
            log.info("inside")
            log.info("explicit", request_id="mine")
            reset_request(token)
            log.info("outside")
    finally:
        structlog.configure(**saved)
    inside, explicit, outside = logs
    assert inside["request_id"] == "req-3"
    assert explicit["request_id"] == "mine"  # what a log call passes itself wins
    assert "request_id" not in outside
