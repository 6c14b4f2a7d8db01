"""Provisioning runs and steps in the database: what ran, when, and how it ended."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

if TYPE_CHECKING:
    from collections.abc import Sequence

    from asyncpg import Connection

__all__ = (
    "RunStatus",
    "RunView",
    "StepStatus",
    "StepView",
    "create_run",
    "finish_run",
    "get_run",
    "mark_step",
    "unfinished_run",
)

_ENCODER = msgspec.json.Encoder()


class RunStatus(enum.StrEnum):
    """Where a provisioning run is."""

    RUNNING = "running"
    """Started and not finished: in progress, or crashed (running it again resumes it)."""
    FAILED = "failed"
    """A step failed; running it again resumes from that step."""
    SUCCEEDED = "succeeded"


class StepStatus(enum.StrEnum):
    """Where one step of a run is."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class StepView(msgspec.Struct, frozen=True, kw_only=True):
    """One step of a run."""

    position: int
    name: str
    status: StepStatus
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


class RunView(msgspec.Struct, frozen=True, kw_only=True):
    """A provisioning run with its steps in order."""

    id: UUID
    slug: str
    tenant_id: UUID
    status: RunStatus
    error: str | None
    started_at: datetime
    finished_at: datetime | None
    steps: list[StepView]

    @property
    def finished(self) -> bool:
        """Whether the run has ended (succeeded or failed)."""
        return self.status is not RunStatus.RUNNING


async def create_run(
    conn: Connection,
    *,
    run_id: UUID,
    slug: str,
    tenant_id: UUID,
    profile: dict[str, Any],
    steps: Sequence[str],
) -> None:
    """Insert a run and its steps, all pending.

    Raises:
        asyncpg.UniqueViolationError: the slug has an unfinished run already.
    """
    await conn.execute(
        "insert into nexus_provisioning_run (id, slug, tenant, profile) values ($1, $2, $3, $4)",
        run_id,
        slug,
        tenant_id,
        _ENCODER.encode(profile).decode(),
    )
    await conn.executemany(
        "insert into nexus_provisioning_step (run_id, position, name) values ($1, $2, $3)",
        [(run_id, position, name) for position, name in enumerate(steps, start=1)],
    )


async def unfinished_run(conn: Connection, slug: str) -> tuple[UUID, UUID] | None:
    """The (run id, tenant id) of the slug's unfinished run, if it has one."""
    row = await conn.fetchrow(
        "select id, tenant from nexus_provisioning_run where slug = $1 and status <> 'succeeded'",
        slug,
    )
    return (row["id"], row["tenant"]) if row else None


async def resume_run(conn: Connection, run_id: UUID, profile: dict[str, Any]) -> int:
    """Mark the run running again with ``profile``; return the first incomplete position."""
    await conn.execute(
        "update nexus_provisioning_run set status = 'running', error = null, profile = $2, "
        "finished_at = null where id = $1",
        run_id,
        _ENCODER.encode(profile).decode(),
    )
    position = await conn.fetchval(
        "select min(position) from nexus_provisioning_step "
        "where run_id = $1 and status <> 'succeeded'",
        run_id,
    )
    return int(position) if position is not None else 0


async def mark_step(
    conn: Connection,
    run_id: UUID,
    position: int,
    status: StepStatus,
    *,
    error: str | None = None,
) -> None:
    """Record a step starting, succeeding or failing."""
    if status is StepStatus.RUNNING:
        sql = (
            "update nexus_provisioning_step set status = $3, started_at = now(), "
            "finished_at = null, error = null where run_id = $1 and position = $2"
        )
        await conn.execute(sql, run_id, position, status.value)
        return
    await conn.execute(
        "update nexus_provisioning_step set status = $3, finished_at = now(), error = $4 "
        "where run_id = $1 and position = $2",
        run_id,
        position,
        status.value,
        error,
    )


async def finish_run(
    conn: Connection,
    run_id: UUID,
    status: RunStatus,
    *,
    error: str | None = None,
    plan: dict[str, Any] | None = None,
) -> None:
    """Record the run's end (or, with ``plan`` only, its plan)."""
    await conn.execute(
        "update nexus_provisioning_run set status = $2, error = $3, "
        "plan = coalesce($4::jsonb, plan), "
        "finished_at = case when $2 = 'running' then null else now() end where id = $1",
        run_id,
        status.value,
        error,
        None if plan is None else _ENCODER.encode(plan).decode(),
    )


async def get_run(conn: Connection, run_id: UUID) -> RunView | None:
    """The run with its steps, or ``None``."""
    run = await conn.fetchrow(
        "select id, slug, tenant as tenant_id, status, error, started_at, finished_at "
        "from nexus_provisioning_run where id = $1",
        run_id,
    )
    if run is None:
        return None
    steps = await conn.fetch(
        "select position, name, status, started_at, finished_at, error "
        "from nexus_provisioning_step where run_id = $1 order by position",
        run_id,
    )
    return msgspec.convert({**dict(run), "steps": [dict(step) for step in steps]}, RunView)
