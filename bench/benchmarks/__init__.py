"""The benchmarks, by name, in the order a full run takes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.benchmarks import (
    crm_read,
    dr,
    events,
    gate,
    hooks,
    loadgen,
    pending,
    provisioning,
    read,
    startup,
    tenant_import,
    toggles,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench._context import Context, RunConfig
    from bench._results import Row

__all__ = ("BASELINES", "BENCHMARKS", "DESCRIPTIONS", "estimate_s")

BENCHMARKS: dict[str, Callable[[Context], list[Row]]] = {
    "loadgen": loadgen.run,
    "gate": gate.run,
    "read": read.run,
    "crm_read": crm_read.run,
    "startup": startup.run,
    "hooks": hooks.run,
    "toggles": toggles.run,
    "provisioning": provisioning.run,
    "events": events.run,
    "tenant_import": tenant_import.run,
    "dr": dr.run,
    "pending": pending.run,
}

DESCRIPTIONS = {
    "loadgen": "the load generator's ceiling against a raw ASGI app on the same uvicorn",
    "gate": "kernel gate overhead: constant plugin route vs bare Litestar (goal ≥ 0.85)",
    "read": "tenant read through the kernel vs bare Litestar + asyncpg (goal ≥ 0.6)",
    "crm_read": "GET /api/v1/crm/contacts/{id} through the kernel and the CRM plugin vs "
    "bare Litestar + asyncpg, same SELECT (goal ≥ 0.6)",
    "startup": "nexus serve start-up time and RSS per worker (goals < 2 s, < 250 MB)",
    "hooks": "ns per hook call through the registry and pluggy vs a plain call",
    "toggles": "feature check cost (goal < 1 µs) and change propagation p99 (goal < 50 ms)",
    "provisioning": "a shared-placement tenant with a 6-plugin preset: p50 (goal < 500 ms) "
    "and the last 1% of --tenants in a row vs the second 1% (goal ≤ 1.2)",
    "events": "outbox relay events/s (goal ≥ 10,000) and commit-to-consumer p99 (goal < 100 ms), "
    "PostgreSQL log and Kafka (tansu)",
    "tenant_import": "tenant archive export and import throughput (rows/s, MB/s) and the "
    "RTO of one tenant's import (goal < 15 min)",
    "dr": "disaster recovery: a cluster lost mid-write, restored with nexus dr from S3: "
    "RPO (goal < 5 min) and RTO (goal < 15 min)",
    "pending": "goals whose features do not exist yet, listed as not measured",
}


def _http_s(config: RunConfig, sides: int) -> float:
    """Servers started, then each side warmed up and measured in rounds."""
    return 10 + sides * (config.warmup_s + config.rounds * config.duration_s + 2)


_ESTIMATES: dict[str, Callable[[RunConfig], float]] = {
    "loadgen": lambda c: _http_s(c, 1),
    "gate": lambda c: _http_s(c, 2),
    "read": lambda c: _http_s(c, 2),
    "crm_read": lambda c: _http_s(c, 2),
    # Two sets of starts (shipped plugins, then 20), ~8 s each with migrations, + generating.
    "startup": lambda c: 20 + 2 * c.startup_runs * 8,
    "hooks": lambda c: 5 if c.quick else 20,
    "toggles": lambda c: 10 if c.quick else 30,
    # ~0.3 s a tenant with six plugins on 2 cores (p50 0.14–0.33 s in CI runs) + migrations.
    "provisioning": lambda c: 15 + 0.3 * c.tenants,
    "events": lambda c: 25 if c.quick else 60,
    "tenant_import": lambda c: 25 if c.quick else 150,
    # A cluster loaded, backed up to S3, written to, destroyed and restored (bench/README.md).
    "dr": lambda c: 180 if c.quick else 420,
    "pending": lambda c: 0,
}


def estimate_s(name: str, config: RunConfig) -> float:
    """Seconds ``name`` usually takes with ``config`` on 2 cores (for progress lines).

    A benchmark without an estimate yet counts a minute: progress lines never break a run.
    """
    estimate = _ESTIMATES.get(name)
    return 60.0 if estimate is None else estimate(config)


BASELINES = {
    "raw_asgi": "a raw ASGI callable answering a constant 17-byte JSON body, on the same "
    "uvicorn command line (bench/apps/trivial.py)",
    "bare_litestar": "Litestar with only the gate handler at /api/v1/bench/constant, "
    "default configuration (bench/apps/bare.py:create_app)",
    "bare_litestar_asyncpg": "Litestar with the same SELECT by primary key on an asyncpg pool "
    "of the kernel's size, as the table owner, no transaction (bench/apps/bare.py:create_db_app)",
    "bare_litestar_asyncpg_crm": "Litestar with the CRM's contact SELECT "
    "(nexus_crm._contacts.SELECT by id, tags as an array) on an asyncpg pool of the kernel's "
    "size, as the table owner with the tenant fixed per connection (nexus.tenant_id as a "
    "connection setting, so row-level security gives the same plan), no transaction, the row "
    "returned as a dict (bench/apps/bare.py:create_crm_app)",
    "nexus_kernel": "nexus.create_app with the bench plugin registered explicitly "
    "(bench/apps/kernel.py): everything the kernel puts in front of a plugin route (request "
    "id, metrics middleware, dependency injection and whichever auth, tenant and toggle gates "
    "it has); requests carry the same credentials to both sides",
    "nexus_kernel_crm": "nexus.create_app with the CRM plugin registered explicitly "
    "(bench/apps/kernel.py:create_crm_app): the kernel's request path as for nexus_kernel, "
    "then the CRM's show_contact handler (db.transaction(), SELECT, msgspec ContactOut)",
    "plain_call": "calling the plugin's hook function directly",
}
