"""Provisioning inside the server: runs as background tasks, their changes as signals."""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING

import structlog

from nexus.provisioning._pipeline import (
    AdminCredentials,
    ProvisioningFailed,
    RunInProgress,
    RunTicket,
)
from nexus.provisioning._steps import STEPS
from nexus.provisioning._store import StepStatus, get_run

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from nexus.provisioning._pipeline import Provisioner
    from nexus.provisioning._profile import BusinessProfile
    from nexus.provisioning._store import RunView

__all__ = ("ProvisioningService",)

log = structlog.get_logger("nexus.provisioning")


class ProvisioningService:
    """Runs provisioning in the server process and tells watchers when a run changes.

    The first admin's credentials are kept in memory only, and handed out once: to the
    first read of the finished run.
    """

    def __init__(
        self, provisioner: Provisioner, *, on_done: Callable[[UUID], None] | None = None
    ) -> None:
        self.provisioner = provisioner
        self._on_done = on_done
        self._tasks: dict[UUID, asyncio.Task[None]] = {}
        self._signals: dict[UUID, asyncio.Event] = {}
        self._credentials: dict[UUID, AdminCredentials] = {}

    def running_here(self, run_id: UUID) -> bool:
        """Whether this process is executing the run right now."""
        task = self._tasks.get(run_id)
        return task is not None and not task.done()

    def start(self, ticket: RunTicket, profile: BusinessProfile) -> None:
        """Execute the run in the background, unless this process already is."""
        if self.running_here(ticket.run_id):
            return
        task = asyncio.create_task(self._execute(ticket, profile), name=f"provision {ticket.slug}")
        self._tasks[ticket.run_id] = task

    def signal(self, run_id: UUID) -> asyncio.Event:
        """An event set at the run's next change (take it before reading the run)."""
        return self._signals.setdefault(run_id, asyncio.Event())

    def take_credentials(self, run_id: UUID) -> AdminCredentials | None:
        """The run's admin credentials, the first time they are asked for; then ``None``."""
        return self._credentials.pop(run_id, None)

    async def read(self, run_id: UUID) -> RunView | None:
        """The run as recorded."""
        async with self.provisioner.database.transaction() as conn:
            return await get_run(conn, run_id)

    async def stop(self) -> None:
        """Cancel runs still going (they resume when provisioned again)."""
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    def _changed(self, run_id: UUID) -> None:
        event = self._signals.pop(run_id, None)
        if event is not None:
            event.set()

    def _step_changed(self, run_id: UUID, position: int, name: str, status: StepStatus) -> None:
        # The last step's success is told once its credentials are stored (see _execute).
        if not (position == len(STEPS) and status is StepStatus.SUCCEEDED):
            self._changed(run_id)

    async def _execute(self, ticket: RunTicket, profile: BusinessProfile) -> None:
        try:
            outcome = await self.provisioner.execute(
                ticket, profile, on_step=functools.partial(self._step_changed, ticket.run_id)
            )
        except (ProvisioningFailed, RunInProgress) as exc:
            log.warning("provisioning did not finish", slug=ticket.slug, error=str(exc))
        except Exception:
            log.exception("provisioning crashed", slug=ticket.slug)
        else:
            self._credentials[ticket.run_id] = outcome.admin
            if self._on_done is not None:
                self._on_done(ticket.tenant_id)
        finally:
            self._tasks.pop(ticket.run_id, None)
            self._changed(ticket.run_id)
