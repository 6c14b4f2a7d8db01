"""Pipelines and their ordered stages; the default pipeline seeded from the settings."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Any
from uuid import UUID  # noqa: TC003

import asyncpg
import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import BY_ID, Page, conflict, invalid, not_found

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_crm._settings import CrmSettings

__all__ = (
    "PipelineOut",
    "StageOut",
    "add_stage",
    "change_stage",
    "default_pipeline",
    "delete_pipeline",
    "delete_stage",
    "load_pipeline",
    "order_stages",
    "pipeline_page",
    "seed_default_pipeline",
    "seed_pipeline",
    "update_pipeline",
)


class StageOut(msgspec.Struct, kw_only=True):
    """A stage as the API shows it; ``position`` counts from 1."""

    id: UUID
    name: str
    position: int
    probability: int


class PipelineOut(msgspec.Struct, kw_only=True):
    """A pipeline with its stages in order."""

    id: UUID
    name: str
    is_default: bool
    stages: list[StageOut]
    created_at: datetime
    updated_at: datetime


_SELECT = """
select p.id, p.name, p.is_default, p.created_at, p.updated_at,
       coalesce((select json_agg(json_build_object('id', s.id, 'name', s.name,
                     'position', s.position, 'probability', s.probability)
                     order by s.position, s.id)::text
                  from crm_stage s where s.tenant_id = p.tenant_id and s.pipeline_id = p.id),
                '[]') as stages
  from crm_pipeline p
"""


def _pipeline(row: Any) -> PipelineOut:
    if row is None:
        not_found()
    values = dict(row)
    values["stages"] = msgspec.json.decode(values["stages"])
    return msgspec.convert(values, PipelineOut)


async def load_pipeline(conn: Connection, pipeline_id: UUID) -> PipelineOut:
    """One pipeline (404 when missing)."""
    return _pipeline(await conn.fetchrow(f"{_SELECT} where p.id = $1", pipeline_id))


async def pipeline_page(conn: Connection, *, cursor: str | None, limit: int) -> Page[PipelineOut]:
    """One page of the tenant's pipelines with their stages, oldest first."""
    args: list[Any] = []
    rows = await conn.fetch(BY_ID.sql(_SELECT, args, cursor, limit), *args)
    return BY_ID.page(rows, limit, _pipeline)


async def seed_pipeline(
    conn: Connection, *, name: str, stages: list[tuple[str, int]], is_default: bool
) -> UUID:
    """Create a pipeline with ``stages`` (name, probability) in order; return its id."""
    pipeline_id = new_id()
    if is_default:
        await conn.execute("update crm_pipeline set is_default = false where is_default")
    await conn.execute(
        "insert into crm_pipeline (id, name, is_default) values ($1, $2, $3)",
        pipeline_id,
        name,
        is_default,
    )
    for position, (stage, probability) in enumerate(stages, start=1):
        await conn.execute(
            "insert into crm_stage (id, pipeline_id, name, position, probability) "
            "values ($1, $2, $3, $4, $5)",
            new_id(),
            pipeline_id,
            stage,
            position,
            probability,
        )
    return pipeline_id


async def default_pipeline(conn: Connection) -> UUID | None:
    """The tenant's default pipeline, if it has one."""
    found: UUID | None = await conn.fetchval("select id from crm_pipeline where is_default")
    return found


async def seed_default_pipeline(conn: Connection, settings: CrmSettings) -> UUID:
    """The default pipeline's id, seeding it from ``settings`` when the tenant has none.

    Called when CRM is enabled for a tenant; a tenant keeps the pipeline it has.
    """
    await conn.execute(
        "select pg_advisory_xact_lock(hashtext('crm.default_pipeline:' || "
        "current_setting('nexus.tenant_id', true)))"
    )
    found = await default_pipeline(conn)
    if found is not None:
        return found
    names = list(settings.pipeline_stages)
    # Probabilities rise evenly towards the last stage (Odoo's defaults do the same).
    stages = [(stage, round(100 * i / (len(names) + 1))) for i, stage in enumerate(names, 1)]
    return await seed_pipeline(conn, name=settings.pipeline_name, stages=stages, is_default=True)


async def update_pipeline(
    conn: Connection, pipeline_id: UUID, *, name: str, is_default: bool
) -> PipelineOut:
    """Rename a pipeline or make it the default (409 to unmake the default)."""
    current = await load_pipeline(conn, pipeline_id)
    if current.is_default and not is_default:
        conflict("make another pipeline the default instead")
    if is_default and not current.is_default:
        await conn.execute("update crm_pipeline set is_default = false where is_default")
    await conn.execute(
        "update crm_pipeline set name = $2, is_default = $3, updated_at = now() where id = $1",
        pipeline_id,
        name.strip(),
        is_default,
    )
    return await load_pipeline(conn, pipeline_id)


async def delete_pipeline(conn: Connection, pipeline_id: UUID) -> None:
    """Delete a pipeline and its stages; 409 while deals are in it or others need a default."""
    pipeline = await load_pipeline(conn, pipeline_id)
    if pipeline.is_default and await conn.fetchval(
        "select exists(select 1 from crm_pipeline where id <> $1)", pipeline_id
    ):
        conflict("make another pipeline the default before deleting this one")
    try:
        await conn.execute("delete from crm_pipeline where id = $1", pipeline_id)
    except asyncpg.ForeignKeyViolationError:
        conflict("deals are in this pipeline: move or delete them first")


async def _renumber(conn: Connection, pipeline_id: UUID, order: list[UUID]) -> None:
    await conn.execute(
        "update crm_stage s set position = o.position from "
        "unnest($2::uuid[]) with ordinality as o(id, position) "
        "where s.pipeline_id = $1 and s.id = o.id",
        pipeline_id,
        order,
    )


async def _stage_ids(conn: Connection, pipeline_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        "select id from crm_stage where pipeline_id = $1 order by position, id", pipeline_id
    )
    return [row["id"] for row in rows]


def _placed(order: list[UUID], stage_id: UUID, position: int | None) -> list[UUID]:
    rest = [sid for sid in order if sid != stage_id]
    index = len(rest) if position is None else min(position - 1, len(rest))
    return [*rest[:index], stage_id, *rest[index:]]


async def add_stage(
    conn: Connection, pipeline_id: UUID, *, name: str, probability: int, position: int | None
) -> PipelineOut:
    """Add a stage at ``position`` (the stages after it shift), or last; 409 on a taken name."""
    pipeline = await load_pipeline(conn, pipeline_id)
    name = name.strip()
    if any(s.name.casefold() == name.casefold() for s in pipeline.stages):
        conflict(f"the pipeline has a stage named {name!r}")
    stage_id = new_id()
    await conn.execute(
        "insert into crm_stage (id, pipeline_id, name, position, probability) "
        "values ($1, $2, $3, $4, $5)",
        stage_id,
        pipeline_id,
        name,
        len(pipeline.stages) + 1,
        probability,
    )
    await _renumber(conn, pipeline_id, _placed([s.id for s in pipeline.stages], stage_id, position))
    return await load_pipeline(conn, pipeline_id)


async def change_stage(
    conn: Connection,
    pipeline_id: UUID,
    stage_id: UUID,
    *,
    name: str | None,
    probability: int | None,
    position: int | None,
) -> PipelineOut:
    """Rename a stage, change its probability or move it (``None``: leave as it is)."""
    pipeline = await load_pipeline(conn, pipeline_id)
    stage = next((s for s in pipeline.stages if s.id == stage_id), None)
    if stage is None:
        not_found()
    name = stage.name if name is None else name.strip()
    if any(s.id != stage_id and s.name.casefold() == name.casefold() for s in pipeline.stages):
        conflict(f"the pipeline has a stage named {name!r}")
    await conn.execute(
        "update crm_stage set name = $2, probability = $3 where id = $1",
        stage_id,
        name,
        stage.probability if probability is None else probability,
    )
    if position is not None:
        order = _placed([s.id for s in pipeline.stages], stage_id, position)
        await _renumber(conn, pipeline_id, order)
    return await load_pipeline(conn, pipeline_id)


async def order_stages(conn: Connection, pipeline_id: UUID, stage_ids: list[UUID]) -> PipelineOut:
    """Put every stage of the pipeline in the order given; 422 unless all, once each."""
    await load_pipeline(conn, pipeline_id)
    if sorted(stage_ids) != sorted(await _stage_ids(conn, pipeline_id)):
        invalid("stage_ids", "must list every stage of the pipeline once")
    await _renumber(conn, pipeline_id, stage_ids)
    return await load_pipeline(conn, pipeline_id)


async def delete_stage(conn: Connection, pipeline_id: UUID, stage_id: UUID) -> None:
    """Delete a stage; 409 while deals are in it or when it is the pipeline's last."""
    order = await _stage_ids(conn, pipeline_id)
    if stage_id not in order:
        not_found()
    if len(order) == 1:
        conflict("a pipeline keeps at least one stage")
    try:
        await conn.execute("delete from crm_stage where id = $1", stage_id)
    except asyncpg.ForeignKeyViolationError:
        conflict("deals are in this stage: move them first")
    await _renumber(conn, pipeline_id, [sid for sid in order if sid != stage_id])
