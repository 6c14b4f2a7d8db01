"""Pipelines and their ordered stages; the default pipeline seeded from the settings."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID  # noqa: TC003

import asyncpg
import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath

from nexus_crm._common import (
    DEALS_FEATURE,
    PIPELINES_WRITE,
    CursorParam,
    Db,
    LimitParam,
    Page,
    conflict,
    decode_cursor,
    new_id,
    not_found,
    page_of,
)
from nexus_crm._examples import body
from nexus_crm._pipeline_summary import PipelineSummary, summarise

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("PipelineController", "ensure_default_pipeline", "seed_pipeline")

_WRITE = {"permission": PIPELINES_WRITE}
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=r"\S")]
Probability = Annotated[int, msgspec.Meta(ge=0, le=100)]
Position = Annotated[int, msgspec.Meta(ge=1, le=1000)]


class StageIn(msgspec.Struct, kw_only=True):
    """A stage: its name, the win probability it implies, and where it goes.

    ``position`` counts from 1; without it the stage goes last.
    """

    name: Name
    probability: Probability = 0
    position: Position | None = None


class StagePatch(msgspec.Struct, kw_only=True):
    """Some fields of a stage; a new ``position`` moves it (the others shift)."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    probability: Probability | msgspec.UnsetType = msgspec.UNSET
    position: Position | msgspec.UnsetType = msgspec.UNSET


class StageOut(msgspec.Struct, kw_only=True):
    """A stage as the API shows it; ``position`` counts from 1."""

    id: UUID
    name: str
    position: int
    probability: int


class PipelineIn(msgspec.Struct, kw_only=True):
    """A new pipeline with its stages in order."""

    name: Name
    is_default: bool = False
    stages: Annotated[list[StageIn], msgspec.Meta(min_length=1, max_length=50)]


class PipelineReplace(msgspec.Struct, kw_only=True):
    """A pipeline's own fields (stages have their own routes, deals point at them)."""

    name: Name
    is_default: bool = False


class PipelinePatch(msgspec.Struct, kw_only=True):
    """Some of a pipeline's own fields."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    is_default: bool | msgspec.UnsetType = msgspec.UNSET


class PipelineOut(msgspec.Struct, kw_only=True):
    """A pipeline with its stages in order."""

    id: UUID
    name: str
    is_default: bool
    stages: list[StageOut]
    created_at: datetime
    updated_at: datetime


class StageOrder(msgspec.Struct, kw_only=True):
    """Every stage id of the pipeline, in the new order."""

    stage_ids: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=50)]


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
        raise not_found()
    values = dict(row)
    values["stages"] = msgspec.json.decode(values["stages"])
    return msgspec.convert(values, PipelineOut)


async def load_pipeline(conn: Connection, pipeline_id: UUID) -> PipelineOut:
    """One pipeline (404 when missing)."""
    return _pipeline(await conn.fetchrow(f"{_SELECT} where p.id = $1", pipeline_id))


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


async def ensure_default_pipeline(conn: Connection, settings: Any) -> UUID:
    """The default pipeline's id, seeding it from ``settings`` when the tenant has none.

    Called when CRM is enabled for a tenant, and again when a deal is created without a
    pipeline (a tenant made before CRM existed, or one that deleted every pipeline).
    """
    await conn.execute(
        "select pg_advisory_xact_lock(hashtext('crm.default_pipeline:' || "
        "current_setting('nexus.tenant_id', true)))"
    )
    found = await conn.fetchval("select id from crm_pipeline where is_default")
    if found is not None:
        return found  # type: ignore[no-any-return]
    names = list(settings.pipeline_stages)
    # Probabilities rise evenly towards the last stage (Odoo's defaults do the same).
    stages = [(stage, round(100 * i / (len(names) + 1))) for i, stage in enumerate(names, 1)]
    return await seed_pipeline(conn, name=settings.pipeline_name, stages=stages, is_default=True)


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


class PipelineController(Controller):
    """Pipelines and their stages (part of the ``crm.deals`` feature)."""

    path = "/pipelines"
    tags = ["crm: pipelines"]
    opt = {"feature": DEALS_FEATURE}

    @get("/", summary="List pipelines")
    async def list_pipelines(
        self, db: Db, limit: LimitParam = 50, cursor: CursorParam = None
    ) -> Page[PipelineOut]:
        """The tenant's pipelines with their stages, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"{_SELECT} where ($1::uuid is null or p.id > $1) order by p.id limit $2",
                decode_cursor(cursor),
                limit + 1,
            )
        return page_of([_pipeline(row) for row in rows], limit, lambda p: p.id)

    @post("/", summary="Create a pipeline", opt=_WRITE)
    async def create_pipeline(
        self, db: Db, data: Annotated[PipelineIn, body("POST /pipelines", "A partner pipeline")]
    ) -> PipelineOut:
        """A new pipeline with its stages in the order given (``position`` is ignored)."""
        names = [stage.name.strip().casefold() for stage in data.stages]
        if len(set(names)) != len(names):
            raise _invalid("stages", "two stages have the same name")
        async with db.transaction() as conn:
            pipeline_id = await seed_pipeline(
                conn,
                name=data.name.strip(),
                stages=[(stage.name.strip(), stage.probability) for stage in data.stages],
                is_default=data.is_default,
            )
            return await load_pipeline(conn, pipeline_id)

    @get("/{pipeline_id:uuid}", summary="Show a pipeline")
    async def show_pipeline(self, db: Db, pipeline_id: FromPath[UUID]) -> PipelineOut:
        """One pipeline with its stages in order."""
        async with db.transaction() as conn:
            return await load_pipeline(conn, pipeline_id)

    @put("/{pipeline_id:uuid}", summary="Replace a pipeline", opt=_WRITE)
    async def replace_pipeline(
        self,
        db: Db,
        pipeline_id: FromPath[UUID],
        data: Annotated[
            PipelineReplace, body("PUT /pipelines/{pipeline_id}", "A renamed pipeline")
        ],
    ) -> PipelineOut:
        """A pipeline's name and whether it is the default (deals without one go there)."""
        async with db.transaction() as conn:
            return await _update(conn, pipeline_id, data.name, data.is_default)

    @patch("/{pipeline_id:uuid}", summary="Change a pipeline", opt=_WRITE)
    async def change_pipeline(
        self,
        db: Db,
        pipeline_id: FromPath[UUID],
        data: Annotated[PipelinePatch, body("PATCH /pipelines/{pipeline_id}", "A new name")],
    ) -> PipelineOut:
        """Rename a pipeline or make it the default."""
        async with db.transaction() as conn:
            current = await load_pipeline(conn, pipeline_id)
            return await _update(
                conn,
                pipeline_id,
                current.name if isinstance(data.name, msgspec.UnsetType) else data.name,
                current.is_default
                if isinstance(data.is_default, msgspec.UnsetType)
                else data.is_default,
            )

    @delete("/{pipeline_id:uuid}", summary="Delete a pipeline", opt=_WRITE)
    async def delete_pipeline(self, db: Db, pipeline_id: FromPath[UUID]) -> None:
        """Delete a pipeline and its stages.

        409 while deals are in it, and for the default pipeline while others exist (make
        another the default first).
        """
        async with db.transaction() as conn:
            pipeline = await load_pipeline(conn, pipeline_id)
            if pipeline.is_default and await conn.fetchval(
                "select exists(select 1 from crm_pipeline where id <> $1)", pipeline_id
            ):
                raise conflict("make another pipeline the default before deleting this one")
            try:
                gone = await conn.fetchval(
                    "delete from crm_pipeline where id = $1 returning id", pipeline_id
                )
            except asyncpg.ForeignKeyViolationError:
                raise conflict("deals are in this pipeline: move or delete them first") from None
        if gone is None:
            raise not_found()

    @get("/{pipeline_id:uuid}/summary", summary="Summarise a pipeline")
    async def summarise_pipeline(self, db: Db, pipeline_id: FromPath[UUID]) -> PipelineSummary:
        """Open deals per stage and the won and lost deals, per currency.

        Each total gives the count, the amount and the amount weighted by the stage's
        probability (won: 100 %, lost: 0 %).
        """
        async with db.transaction() as conn:
            await load_pipeline(conn, pipeline_id)
            return await summarise(conn, pipeline_id)

    @post("/{pipeline_id:uuid}/stages", summary="Add a stage", opt=_WRITE)
    async def add_stage(
        self,
        db: Db,
        pipeline_id: FromPath[UUID],
        data: Annotated[StageIn, body("POST /pipelines/{pipeline_id}/stages", "A third stage")],
    ) -> PipelineOut:
        """Add a stage at ``position`` (the stages after it shift), or last."""
        async with db.transaction() as conn:
            pipeline = await load_pipeline(conn, pipeline_id)
            if any(s.name.casefold() == data.name.strip().casefold() for s in pipeline.stages):
                raise conflict(f"the pipeline has a stage named {data.name.strip()!r}")
            stage_id = new_id()
            await conn.execute(
                "insert into crm_stage (id, pipeline_id, name, position, probability) "
                "values ($1, $2, $3, $4, $5)",
                stage_id,
                pipeline_id,
                data.name.strip(),
                len(pipeline.stages) + 1,
                data.probability,
            )
            order = _placed([s.id for s in pipeline.stages], stage_id, data.position)
            await _renumber(conn, pipeline_id, order)
            return await load_pipeline(conn, pipeline_id)

    @patch("/{pipeline_id:uuid}/stages/{stage_id:uuid}", summary="Change a stage", opt=_WRITE)
    async def change_stage(
        self,
        db: Db,
        pipeline_id: FromPath[UUID],
        stage_id: FromPath[UUID],
        data: Annotated[
            StagePatch,
            body("PATCH /pipelines/{pipeline_id}/stages/{stage_id}", "A new win probability"),
        ],
    ) -> PipelineOut:
        """Rename a stage, change its probability or move it."""
        async with db.transaction() as conn:
            pipeline = await load_pipeline(conn, pipeline_id)
            stage = next((s for s in pipeline.stages if s.id == stage_id), None)
            if stage is None:
                raise not_found()
            name = stage.name if isinstance(data.name, msgspec.UnsetType) else data.name.strip()
            if any(
                s.id != stage_id and s.name.casefold() == name.casefold() for s in pipeline.stages
            ):
                raise conflict(f"the pipeline has a stage named {name!r}")
            probability = (
                stage.probability
                if isinstance(data.probability, msgspec.UnsetType)
                else data.probability
            )
            await conn.execute(
                "update crm_stage set name = $2, probability = $3 where id = $1",
                stage_id,
                name,
                probability,
            )
            if not isinstance(data.position, msgspec.UnsetType):
                order = _placed([s.id for s in pipeline.stages], stage_id, data.position)
                await _renumber(conn, pipeline_id, order)
            return await load_pipeline(conn, pipeline_id)

    @put("/{pipeline_id:uuid}/stages/order", summary="Reorder the stages", opt=_WRITE)
    async def order_stages(
        self,
        db: Db,
        pipeline_id: FromPath[UUID],
        data: Annotated[
            StageOrder, body("PUT /pipelines/{pipeline_id}/stages/order", "Three stages, reversed")
        ],
    ) -> PipelineOut:
        """Put every stage of the pipeline in the order given (all of them, once each)."""
        async with db.transaction() as conn:
            await load_pipeline(conn, pipeline_id)
            current = await _stage_ids(conn, pipeline_id)
            if sorted(data.stage_ids) != sorted(current):
                raise _invalid("stage_ids", "must list every stage of the pipeline once")
            await _renumber(conn, pipeline_id, data.stage_ids)
            return await load_pipeline(conn, pipeline_id)

    @delete(
        "/{pipeline_id:uuid}/stages/{stage_id:uuid}",
        summary="Delete a stage",
        opt=_WRITE,
    )
    async def delete_stage(
        self, db: Db, pipeline_id: FromPath[UUID], stage_id: FromPath[UUID]
    ) -> None:
        """Delete a stage; 409 while deals are in it or when it is the pipeline's last."""
        async with db.transaction() as conn:
            order = await _stage_ids(conn, pipeline_id)
            if stage_id not in order:
                raise not_found()
            if len(order) == 1:
                raise conflict("a pipeline keeps at least one stage")
            try:
                await conn.execute("delete from crm_stage where id = $1", stage_id)
            except asyncpg.ForeignKeyViolationError:
                raise conflict("deals are in this stage: move them first") from None
            await _renumber(conn, pipeline_id, [sid for sid in order if sid != stage_id])


async def _update(conn: Connection, pipeline_id: UUID, name: str, is_default: bool) -> PipelineOut:
    current = await load_pipeline(conn, pipeline_id)
    if current.is_default and not is_default:
        raise conflict("make another pipeline the default instead")
    if is_default and not current.is_default:
        await conn.execute("update crm_pipeline set is_default = false where is_default")
    await conn.execute(
        "update crm_pipeline set name = $2, is_default = $3, updated_at = now() where id = $1",
        pipeline_id,
        name.strip(),
        is_default,
    )
    return await load_pipeline(conn, pipeline_id)


def _invalid(key: str, message: str) -> Exception:
    from litestar.exceptions import ValidationException  # noqa: PLC0415

    return ValidationException(
        "the request does not match the schema",
        extra=[{"key": key, "message": message, "source": "body"}],
    )
