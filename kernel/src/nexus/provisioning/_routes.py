"""Provisioning over HTTP: ``POST /api/v1/tenants``, runs, their event stream, the schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.params import FromPath, JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage

from nexus.provisioning._pipeline import AdminCredentials, RunInProgress, SlugTaken
from nexus.provisioning._profile import ProfileError, decode_profile, profile_json_schema
from nexus.provisioning._store import RunStatus, RunView, StepView, get_run, unfinished_run
from nexus.services import kernel_of

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from litestar.types import ControllerRouterHandler

    from nexus.provisioning._service import ProvisioningService

__all__ = ("ProvisioningController", "RunResponse", "provisioning_routes")

RUNS_PATH = "/api/v1/provisioning-runs"


class RunResponse(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A provisioning run and its steps; ``admin`` once, on the first read after success."""

    id: UUID
    slug: str
    tenant_id: UUID
    status: RunStatus
    error: str | None
    steps: list[StepView]
    admin: AdminCredentials | None = None


def _response(run: RunView, admin: AdminCredentials | None = None) -> RunResponse:
    return RunResponse(
        id=run.id,
        slug=run.slug,
        tenant_id=run.tenant_id,
        status=run.status,
        error=run.error,
        steps=run.steps,
        admin=admin,
    )


def _service(request: Request[Any, Any, Any]) -> ProvisioningService:
    service = kernel_of(request.app).provisioning
    return service


class ProvisioningController(Controller):
    """Provisioning tenants from business profiles, for platform admins."""

    tags = ["provisioning"]
    opt = {"nexus_access": "platform"}

    @post(
        "/api/v1/tenants",
        summary="Provision a tenant from a business profile",
        status_code=202,
        description="The body is a business profile (`GET /api/v1/schemas/business-profile`). "
        "Answers 202 with the run and its `Location`; a profile whose slug has an unfinished "
        "run resumes that run. 422 lists every failing field; 409 when the slug is taken.",
    )
    async def provision(
        self, request: Request[Any, Any, Any], data: JSONBody[dict[str, Any]]
    ) -> Response[RunResponse]:
        """Start (or resume) provisioning; follow the run at its ``Location``."""
        service = _service(request)
        try:
            profile = decode_profile(data)
            service.provisioner.check(profile)
            ticket = await service.provisioner.begin(profile)
        except ProfileError as exc:
            errors = [{"key": e.field, "message": e.message, "source": "body"} for e in exc.errors]
            raise ValidationException("the business profile is invalid", extra=errors) from None
        except SlugTaken as exc:
            raise HTTPException(str(exc), status_code=409) from None
        except RunInProgress as exc:
            async with service.provisioner.database.transaction() as conn:
                found = await unfinished_run(conn, data["slug"])
            if found is None:  # it finished in between: the slug is now taken
                raise HTTPException(str(exc), status_code=409) from None
            run = await service.read(found[0])
        else:
            service.start(ticket, profile)
            run = await service.read(ticket.run_id)
        assert run is not None
        return Response(
            _response(run), status_code=202, headers={"Location": f"{RUNS_PATH}/{run.id}"}
        )

    @get(f"{RUNS_PATH}/{{run_id:uuid}}", summary="Show a provisioning run")
    async def show(self, request: Request[Any, Any, Any], run_id: FromPath[UUID]) -> RunResponse:
        """The run's steps; after success, the first read also carries the admin's login."""
        service = _service(request)
        run = await service.read(run_id)
        if run is None:
            raise NotFoundException()
        admin = service.take_credentials(run_id) if run.status is RunStatus.SUCCEEDED else None
        return _response(run, admin)

    @get(f"{RUNS_PATH}/{{run_id:uuid}}/events", summary="Stream a provisioning run's changes")
    async def events(
        self, request: Request[Any, Any, Any], run_id: FromPath[UUID]
    ) -> ServerSentEvent:
        """Server-sent events: a ``run`` event with the whole run at each change, to the end.

        Runs executing in another process send their current state once.
        """
        service = _service(request)
        async with service.provisioner.database.transaction() as conn:
            if await get_run(conn, run_id) is None:
                raise NotFoundException()
        return ServerSentEvent(_stream(service, run_id))


async def _stream(
    service: ProvisioningService, run_id: UUID
) -> AsyncIterator[ServerSentEventMessage]:
    while True:
        changed = service.signal(run_id)
        here = service.running_here(run_id)
        run = await service.read(run_id)
        if run is None:
            return
        admin = service.take_credentials(run_id) if run.status is RunStatus.SUCCEEDED else None
        body = msgspec.json.encode(_response(run, admin)).decode()
        yield ServerSentEventMessage(data=body, event="run")
        if run.finished or not here:
            return
        await changed.wait()


@get(
    "/api/v1/schemas/business-profile",
    summary="The business profile's JSON Schema",
    tags=["provisioning"],
    opt={"nexus_access": "public"},
    media_type="application/schema+json",
)
async def business_profile_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) a body of ``POST /api/v1/tenants`` must match."""
    return _SCHEMA


_SCHEMA = profile_json_schema()

provisioning_routes: list[ControllerRouterHandler] = [
    ProvisioningController,
    business_profile_schema,
]
