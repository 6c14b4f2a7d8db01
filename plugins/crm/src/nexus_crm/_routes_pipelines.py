"""Pipelines and their ordered stages (part of the ``crm.deals`` feature)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID  # noqa: TC003 - Litestar reads it at run time

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath
from nexus_hookspecs.http import Cursor, Db, Limit, Page, invalid, route_opt

from nexus_crm import _pipelines
from nexus_crm._examples import body
from nexus_crm._keys import DEALS_FEATURE, DEALS_READ, PIPELINES_READ, PIPELINES_WRITE
from nexus_crm._pipeline_summary import PipelineSummary, summarise
from nexus_crm._pipelines import PipelineOut, load_pipeline

__all__ = ("PipelineController",)

_READ = route_opt(permission=PIPELINES_READ)
_WRITE = route_opt(permission=PIPELINES_WRITE)
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=r"\S")]
Probability = Annotated[int, msgspec.Meta(ge=0, le=100)]
Position = Annotated[int, msgspec.Meta(ge=1, le=1000)]


class StageIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A stage: its name, the win probability it implies, and where it goes.

    ``position`` counts from 1; without it the stage goes last.
    """

    name: Name
    probability: Probability = 0
    position: Position | None = None


class StagePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a stage; a new ``position`` moves it (the others shift)."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    probability: Probability | msgspec.UnsetType = msgspec.UNSET
    position: Position | msgspec.UnsetType = msgspec.UNSET


class PipelineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new pipeline with its stages in order."""

    name: Name
    is_default: bool = False
    stages: Annotated[list[StageIn], msgspec.Meta(min_length=1, max_length=50)]


class PipelineReplace(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A pipeline's own fields (stages have their own routes, deals point at them)."""

    name: Name
    is_default: bool = False


class PipelinePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some of a pipeline's own fields."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    is_default: bool | msgspec.UnsetType = msgspec.UNSET


class StageOrder(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Every stage id of the pipeline, in the new order."""

    stage_ids: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=50)]


class PipelineController(Controller):
    """Pipelines and their stages (part of the ``crm.deals`` feature)."""

    path = "/pipelines"
    tags = ["crm: pipelines"]
    opt = route_opt(feature=DEALS_FEATURE)

    @get("/", summary="List pipelines", opt=_READ)
    async def list_pipelines(
        self, db: Db, limit: Limit = 50, cursor: Cursor = None
    ) -> Page[PipelineOut]:
        """The tenant's pipelines with their stages, oldest first."""
        async with db.transaction() as conn:
            return await _pipelines.pipeline_page(conn, cursor=cursor, limit=limit)

    @post("/", summary="Create a pipeline", opt=_WRITE)
    async def create_pipeline(
        self, db: Db, data: Annotated[PipelineIn, body("POST /pipelines", "A partner pipeline")]
    ) -> PipelineOut:
        """A new pipeline with its stages in the order given (``position`` is ignored)."""
        names = [stage.name.strip().casefold() for stage in data.stages]
        if len(set(names)) != len(names):
            invalid("stages", "two stages have the same name")
        async with db.transaction() as conn:
            pipeline_id = await _pipelines.seed_pipeline(
                conn,
                name=data.name.strip(),
                stages=[(stage.name.strip(), stage.probability) for stage in data.stages],
                is_default=data.is_default,
            )
            return await load_pipeline(conn, pipeline_id)

    @get("/{pipeline_id:uuid}", summary="Show a pipeline", opt=_READ)
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
            return await _pipelines.update_pipeline(
                conn, pipeline_id, name=data.name, is_default=data.is_default
            )

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
            return await _pipelines.update_pipeline(
                conn,
                pipeline_id,
                name=current.name if isinstance(data.name, msgspec.UnsetType) else data.name,
                is_default=current.is_default
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
            await _pipelines.delete_pipeline(conn, pipeline_id)

    @get(
        "/{pipeline_id:uuid}/summary",
        summary="Summarise a pipeline",
        opt=route_opt(permission=DEALS_READ),  # the deals' amounts, per stage
    )
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
            return await _pipelines.add_stage(
                conn,
                pipeline_id,
                name=data.name,
                probability=data.probability,
                position=data.position,
            )

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
            return await _pipelines.change_stage(
                conn,
                pipeline_id,
                stage_id,
                name=None if isinstance(data.name, msgspec.UnsetType) else data.name,
                probability=None
                if isinstance(data.probability, msgspec.UnsetType)
                else data.probability,
                position=None if isinstance(data.position, msgspec.UnsetType) else data.position,
            )

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
            return await _pipelines.order_stages(conn, pipeline_id, data.stage_ids)

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
            await _pipelines.delete_stage(conn, pipeline_id, stage_id)
