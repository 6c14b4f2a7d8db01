"""The provisioning pipeline: run, record and resume the seven steps for one profile."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from msgspec import Meta
from nexus_hookspecs import EventType, TenantRef

from nexus.db import new_id
from nexus.events import KERNEL_SOURCE, OutboxPublisher
from nexus.features import FeatureCatalog, seed_tenant
from nexus.identity import ApiKeyCreate, UserCreate, create_api_key, create_user, hash_password
from nexus.observability import observe_provisioning
from nexus.placement import choose_cluster, prepare_dedicated_database
from nexus.plugins import await_maybe
from nexus.presets import ResolvedPreset, load_presets
from nexus.provisioning._plan import Plan, make_plan
from nexus.provisioning._profile import BusinessProfile
from nexus.provisioning._steps import STEPS, inject_fault
from nexus.provisioning._store import (
    RunStatus,
    StepStatus,
    create_run,
    finish_run,
    mark_step,
    resume_run,
    unfinished_run,
)
from nexus.tenancy import TenantStatus

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from nexus.db import PostgresDatabase
    from nexus.plugins import PluginRegistry
    from nexus.presets import PresetCatalog

__all__ = (
    "TENANT_PROVISIONED",
    "TENANT_PROVISIONED_EVENT",
    "TenantProvisioned",
    "AdminCredentials",
    "Outcome",
    "Provisioner",
    "ProvisioningFailed",
    "RunInProgress",
    "RunTicket",
    "SlugTaken",
)

TENANT_PROVISIONED = "nexus.tenant.provisioned.v1"
"""The event of a tenant's activation (step 7), committed in the activation's transaction."""


class TenantProvisioned(msgspec.Struct, frozen=True, kw_only=True):
    """The ``data`` of ``nexus.tenant.provisioned.v1``."""

    slug: Annotated[str, Meta(description="The new tenant's slug.")]
    run: Annotated[str, Meta(description="The provisioning run's id.")]
    preset: Annotated[str, Meta(description="The preset the tenant started from.")]
    plugins: Annotated[list[str], Meta(description="The plugins switched on for it.")]


TENANT_PROVISIONED_EVENT = EventType(
    type=TENANT_PROVISIONED,
    description="A tenant finished provisioning and is active.",
    payload=TenantProvisioned,
)
"""The event type as the events catalogue shows it."""

OnStep = Callable[[int, str, StepStatus], None]
"""Told each step's position, name and new status as the run goes."""


class SlugTaken(Exception):
    """Another tenant has the profile's slug (the API answers 409)."""


class RunInProgress(Exception):
    """Another process is running this slug's provisioning right now."""


class ProvisioningFailed(Exception):
    """A step failed; the run is recorded as failed and resumes from that step."""

    def __init__(self, *, run_id: UUID, step: str, error: str) -> None:
        super().__init__(f"step {step} failed: {error}")
        self.run_id = run_id
        self.step = step
        self.error = error


class AdminCredentials(msgspec.Struct, frozen=True, kw_only=True):
    """The first admin's login: shown once, stored only as hashes."""

    email: str
    password: str
    api_key: str


class RunTicket(msgspec.Struct, frozen=True, kw_only=True):
    """A run ready to execute: new, or an unfinished one being resumed."""

    run_id: UUID
    tenant_id: UUID
    slug: str
    resumed: bool


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """A provisioned tenant."""

    run_id: UUID
    tenant_id: UUID
    slug: str
    plan: Plan
    admin: AdminCredentials
    resumed: bool


class _Job(msgspec.Struct, kw_only=True):
    ticket: RunTicket
    profile: BusinessProfile
    plan: Plan
    preset: ResolvedPreset
    admin: AdminCredentials | None = None

    @property
    def tenant(self) -> TenantRef:
        return TenantRef(id=self.ticket.tenant_id, slug=self.ticket.slug)


class Provisioner:
    """Turns business profiles into tenants, step by recorded step.

    Example::

        provisioner = Provisioner(database=database, registry=load_plugins())
        outcome = await provisioner.provision(decode_profile(path.read_bytes()))
        outcome.admin.api_key  # shown once
    """

    def __init__(
        self,
        *,
        database: PostgresDatabase,
        registry: PluginRegistry,
        presets: PresetCatalog | None = None,
        actor: str = "platform:provisioning",
        migrate_database: Callable[[str], Awaitable[object]] | None = None,
    ) -> None:
        self.database = database
        self.migrate_database = migrate_database
        self.registry = registry
        self.presets = presets if presets is not None else load_presets(strict=False)
        self.catalog = FeatureCatalog.from_registry(registry)
        self.actor = actor

    def check(self, profile: BusinessProfile) -> tuple[Plan, ResolvedPreset]:
        """Steps 1 and 2 without recording anything (``--dry-run``, and the API's 422).

        Raises:
            ProfileError: naming each failing field.
        """
        return make_plan(
            profile, presets=self.presets, registry=self.registry, catalog=self.catalog
        )

    async def provision(
        self, profile: BusinessProfile, *, on_step: OnStep | None = None
    ) -> Outcome:
        """Provision a tenant from ``profile``, resuming the slug's unfinished run if any.

        Raises:
            ProfileError: the profile does not fit (nothing is recorded).
            SlugTaken: another tenant has the slug.
            RunInProgress: another process is provisioning this slug now.
            ProvisioningFailed: a step failed (recorded; running again resumes).
        """
        self.check(profile)
        ticket = await self.begin(profile)
        return await self.execute(ticket, profile, on_step=on_step)

    async def begin(self, profile: BusinessProfile) -> RunTicket:
        """Record a new run for the profile, or reopen the slug's unfinished one.

        Raises:
            SlugTaken: another tenant (not this slug's unfinished run) has the slug.
        """
        async with self.database.transaction() as conn:
            taken = await conn.fetchval("select id from nexus_tenant where slug = $1", profile.slug)
            found = await unfinished_run(conn, profile.slug)
            if found is not None and taken in (None, found[1]):
                await resume_run(conn, found[0], profile.to_dict())
                return RunTicket(
                    run_id=found[0], tenant_id=found[1], slug=profile.slug, resumed=True
                )
            if taken is not None:
                raise SlugTaken(f"a tenant with slug '{profile.slug}' exists")
            ticket = RunTicket(
                run_id=new_id(), tenant_id=new_id(), slug=profile.slug, resumed=False
            )
            try:
                async with conn.transaction():
                    await create_run(
                        conn,
                        run_id=ticket.run_id,
                        slug=ticket.slug,
                        tenant_id=ticket.tenant_id,
                        profile=profile.to_dict(),
                        steps=[step.name for step in STEPS],
                    )
            except asyncpg.UniqueViolationError:
                raise RunInProgress(f"'{profile.slug}' is being provisioned right now") from None
            return ticket

    async def execute(
        self, ticket: RunTicket, profile: BusinessProfile, *, on_step: OnStep | None = None
    ) -> Outcome:
        """Run the ticket's steps from its first incomplete one.

        A session advisory lock on the slug keeps a second process from running the same
        run at once; a crash releases it with the connection.

        Raises:
            RunInProgress: another process holds the slug's lock.
            ProvisioningFailed: a step failed.
        """
        plan, preset = self.check(profile)
        job = _Job(ticket=ticket, profile=profile, plan=plan, preset=preset)
        async with self.database.pool.acquire() as lock:
            key = f"nexus.provision:{ticket.slug}"
            if not await lock.fetchval("select pg_try_advisory_lock(hashtext($1))", key):
                raise RunInProgress(f"'{ticket.slug}' is being provisioned right now")
            try:
                with observe_provisioning():
                    await self._run_steps(job, on_step or _quiet)
            finally:
                await lock.execute("select pg_advisory_unlock(hashtext($1))", key)
        assert job.admin is not None  # step 7 made it
        return Outcome(
            run_id=ticket.run_id,
            tenant_id=ticket.tenant_id,
            slug=ticket.slug,
            plan=plan,
            admin=job.admin,
            resumed=ticket.resumed,
        )

    async def _run_steps(self, job: _Job, on_step: OnStep) -> None:
        run_id = job.ticket.run_id
        async with self.database.transaction() as conn:
            first = await conn.fetchval(
                "select min(position) from nexus_provisioning_step "
                "where run_id = $1 and status <> 'succeeded'",
                run_id,
            )
        for position, step in enumerate(STEPS, start=1):
            if first is None or position < first:
                on_step(position, step.name, StepStatus.SUCCEEDED)
                continue
            async with self.database.transaction() as conn:
                await mark_step(conn, run_id, position, StepStatus.RUNNING)
            on_step(position, step.name, StepStatus.RUNNING)
            try:
                work = getattr(self, f"_{step.name}")
                prepared = await self._prepare(step.name, job)
                # A dedicated tenant's steps write to its own database; the run's record
                # stays in the home one, so it is marked there once the step committed.
                home = await self._in_home(job.ticket.tenant_id)
                async with self.database.transaction(tenant_id=job.ticket.tenant_id) as conn:
                    await work(conn, job, prepared)
                    inject_fault(step.name)
                    if home:
                        await mark_step(conn, run_id, position, StepStatus.SUCCEEDED)
                if not home:
                    await self._record_elsewhere(job, position, step.name)
                if step.name == "prepare_data" and self.database.placements is not None:
                    self.database.placements.forget(job.ticket.tenant_id)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                async with self.database.transaction() as conn:
                    await mark_step(conn, run_id, position, StepStatus.FAILED, error=error)
                    await finish_run(conn, run_id, RunStatus.FAILED, error=error)
                on_step(position, step.name, StepStatus.FAILED)
                raise ProvisioningFailed(run_id=run_id, step=step.name, error=error) from exc
            on_step(position, step.name, StepStatus.SUCCEEDED)

    async def _prepare(self, step: str, job: _Job) -> Any:
        # Work that must not hold a transaction open: argon2 hashing takes tens of ms;
        # creating and migrating a dedicated database, seconds.
        if step == "prepare_data" and job.profile.placement == "dedicated":
            return await self._dedicated_database(job)
        if step != "activate":
            return None
        password = secrets.token_urlsafe(12)
        return password, await asyncio.to_thread(hash_password, password)

    async def _dedicated_database(self, job: _Job) -> tuple[str, str]:
        if self.migrate_database is None:
            raise RuntimeError("this provisioner cannot migrate a dedicated database")
        async with self.database.transaction() as conn:
            cluster = await choose_cluster(conn, job.profile.cluster)
            name = await prepare_dedicated_database(
                conn,
                tenant_id=job.ticket.tenant_id,
                cluster=cluster,
                migrate=self.migrate_database,
            )
        return cluster.name, name

    async def _in_home(self, tenant_id: UUID) -> bool:
        placements = self.database.placements
        return placements is None or await placements.is_home(tenant_id)

    async def _record_elsewhere(self, job: _Job, position: int, step: str) -> None:
        """Mark a step a dedicated tenant's database ran; after activation, mirror its row."""
        tenant_id = job.ticket.tenant_id
        state = None
        if step == "activate":
            async with self.database.transaction(tenant_id=tenant_id) as conn:
                state = await conn.fetchrow(
                    "select status, preset from nexus_tenant where id = $1", tenant_id
                )
        async with self.database.transaction() as conn:
            await mark_step(conn, job.ticket.run_id, position, StepStatus.SUCCEEDED)
            if state is not None:
                await conn.execute(
                    "update nexus_tenant set status = $2, preset = $3, updated_at = now() "
                    "where id = $1",
                    tenant_id,
                    state["status"],
                    state["preset"],
                )
                await finish_run(conn, job.ticket.run_id, RunStatus.SUCCEEDED)

    async def _validate(self, conn: asyncpg.Connection, job: _Job, prepared: Any) -> None:
        """The profile was decoded and checked before the run began; nothing to write."""

    async def _plan(self, conn: asyncpg.Connection, job: _Job, prepared: Any) -> None:
        await finish_run(
            conn, job.ticket.run_id, RunStatus.RUNNING, plan=msgspec.to_builtins(job.plan)
        )

    async def _create_tenant(self, conn: asyncpg.Connection, job: _Job, prepared: Any) -> None:
        profile = job.profile
        try:
            async with conn.transaction():
                await conn.execute(
                    "insert into nexus_tenant (id, slug, name, plan, status, profile, placement) "
                    "values ($1, $2, $3, $4, $5, $6::jsonb, $7) on conflict (id) do nothing",
                    job.ticket.tenant_id,
                    profile.slug,
                    profile.name,
                    profile.plan,
                    TenantStatus.PROVISIONING.value,
                    msgspec.json.encode(profile.to_dict()).decode(),
                    profile.placement,
                )
        except asyncpg.UniqueViolationError:
            raise SlugTaken(f"a tenant with slug '{profile.slug}' exists") from None

    async def _prepare_data(self, conn: asyncpg.Connection, job: _Job, prepared: Any) -> None:
        # Shared placement: the tenant's rows go into the global tables, so there is
        # nothing to create (no DDL). Dedicated: its database was created and migrated
        # beforehand (outside this transaction); from now on its transactions go there.
        if prepared is None:
            return
        cluster, database = prepared
        await conn.execute(
            "update nexus_tenant set cluster = $2, database = $3 where id = $1",
            job.ticket.tenant_id,
            cluster,
            database,
        )

    async def _provision_resources(
        self, conn: asyncpg.Connection, job: _Job, prepared: Any
    ) -> None:
        # Kernel resources are prefixes, not objects: blob keys, event keys and cache keys
        # start with the tenant id, so they need nothing created. Plugins add their own.
        for plugin in job.plan.plugins:
            if self.registry.implements(plugin, "nexus_provision_resources"):
                await await_maybe(
                    self.registry.call(
                        plugin, "nexus_provision_resources", tenant=job.tenant, conn=conn
                    )
                )

    async def _seed(self, conn: asyncpg.Connection, job: _Job, prepared: Any) -> None:
        await seed_tenant(
            conn,
            tenant=job.tenant,
            preset=job.preset,
            overrides=job.plan.overrides,
            catalog=self.catalog,
            registry=self.registry,
            actor=self.actor,
        )

    async def _activate(self, conn: asyncpg.Connection, job: _Job, prepared: Any) -> None:
        password, password_hash = prepared
        tenant_id, admin = job.ticket.tenant_id, job.profile.admin
        user = await create_user(
            conn,
            tenant_id,
            UserCreate(email=admin.email, name=admin.name, roles=["tenant_admin"]),
            via="provisioning",
        )
        await conn.execute(
            "update nexus_user set password_hash = $2 where id = $1", user.id, password_hash
        )
        created = await create_api_key(
            conn, tenant_id, ApiKeyCreate(name="admin", roles=["tenant_admin"]), user_id=user.id
        )
        await conn.execute(
            "update nexus_tenant set status = 'active', updated_at = now() where id = $1",
            tenant_id,
        )
        # The event commits with the activation (the outbox); the audit entry shares its id,
        # so the audit consumer, meeting the event later, does not log it a second time.
        facts = TenantProvisioned(
            slug=job.ticket.slug,
            run=str(job.ticket.run_id),
            preset=job.plan.preset,
            plugins=list(job.plan.plugins),
        )
        event_id = await OutboxPublisher(tenant_id=tenant_id, plugin=KERNEL_SOURCE).publish(
            conn, type=TENANT_PROVISIONED, data=facts, subject=job.ticket.slug
        )
        await conn.execute(
            "insert into nexus_audit_log (tenant_id, id, actor, action, target, after) "
            "values ($1, $2, $3, 'tenant.provisioned', $4, $5::jsonb)",
            tenant_id,
            UUID(event_id),
            self.actor,
            job.ticket.slug,
            msgspec.json.encode(facts).decode(),
        )
        await finish_run(conn, job.ticket.run_id, RunStatus.SUCCEEDED)
        job.admin = AdminCredentials(email=admin.email, password=password, api_key=created.key)


def _quiet(position: int, name: str, status: StepStatus) -> None:
    """Report nothing."""
