"""The background sender of claimed SMS and WhatsApp deliveries (issue #21).

Twilio's, Africa's Talking's and WhatsApp Cloud's send APIs take no idempotency key, so the
call must never sit inside a transaction that may roll back after the provider accepted.
The event handler only claims a delivery (``queued`` → ``sending`` with an attempt token and
``sending_since``), which commits with the event. Then the due-work loop, acting as the
tenant, sends it in three steps:

1. one transaction locks the claimed row (``skip locked``), reads what the call needs and
   sets ``called_at`` (the call's lease): committed *before* the call;
2. the provider call, outside any transaction;
3. another transaction records the outcome, if the row is still this attempt's.

A process stopping between 1 and 3 leaves the row ``sending`` with ``called_at``; once the
lease (:data:`LEASE`) ran out, it is reconciled, never blindly sent again: Twilio's
Messages list tells whether the message went out (then its SID is recorded) or not (then
it is sent); WhatsApp and Africa's Talking have no such list, so the delivery becomes
``unconfirmed`` (at most once) unless a status callback resolved it first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import structlog

from nexus_notify import _dispatch
from nexus_notify._calls import Call, call, prepare, provider_of, reconcile
from nexus_notify._clients import SendError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from nexus_hookspecs import Background, EventContext

__all__ = ("LEASE", "send_claimed")

log = structlog.get_logger("nexus_notify")

LEASE = timedelta(minutes=2)
"""How long a provider call may take before its delivery counts as interrupted."""

_PICK = (
    "select d.id, d.message_id, d.channel, d.address, d.provider, d.attempts, "
    "d.attempt_token, d.sending_since, d.called_at, m.text, m.whatsapp, m.source_ref "
    "from notify_delivery d join notify_message m on m.id = d.message_id "
    "where d.state = 'sending' and d.channel in ('sms', 'whatsapp') and "
    "(d.called_at is null or d.called_at < now() - $1::interval) "
    "order by d.sending_since limit 1 for update of d skip locked"
)
_UNCONFIRMED = (
    "the process stopped during the provider call and {provider} cannot be asked whether it "
    "took the message: not sent again (at most once)"
)


async def send_claimed(work: Background, tenant_id: UUID, *, limit: int = 100) -> int:
    """Send (or reconcile) the tenant's claimed deliveries, one at a time; how many."""
    done = 0
    while done < limit and await _one(work, tenant_id):
        done += 1
    return done


async def _unconfirmed(ctx: EventContext, row: Mapping[str, Any], provider: str) -> None:
    await ctx.conn.execute(
        "update notify_delivery set state = 'unconfirmed', error = $2, updated_at = now() "
        "where id = $1",
        row["id"],
        _UNCONFIRMED.format(provider=provider),
    )


async def _claim(work: Background, tenant_id: UUID) -> tuple[Mapping[str, Any], Call] | None:
    """Step 1: lock a claimed row, read the call, set ``called_at``; ``None`` when done."""
    while True:
        async with work.as_tenant(tenant_id) as ctx:
            row = await ctx.conn.fetchrow(_PICK, LEASE)
            if row is None:
                return None
            settings = await ctx.settings()
            stale = row["called_at"] is not None
            provider = provider_of(row["channel"], settings)
            if stale and (row["provider"] or provider) != "twilio":
                await _unconfirmed(ctx, row, row["provider"] or provider)
                continue
            try:
                plan = await prepare(row, ctx, settings, throttled=not stale)
            except SendError as exc:
                if stale:
                    await _unconfirmed(ctx, row, provider)
                else:
                    await _dispatch.failed(
                        ctx,
                        row,
                        settings,
                        error=str(exc),
                        permanent=exc.permanent,
                        attempts=row["attempts"],
                    )
                continue
            await ctx.conn.execute(
                "update notify_delivery set called_at = now(), provider = $2, updated_at = now() "
                "where id = $1",
                row["id"],
                provider,
            )
            return row, plan


async def _one(work: Background, tenant_id: UUID) -> bool:
    claimed = await _claim(work, tenant_id)
    if claimed is None:
        return False
    row, plan = claimed
    ref: str | None = None
    error: SendError | None = None
    try:
        if row["called_at"] is not None:
            known = await _known(work, tenant_id, row)
            ref = await reconcile(plan, since=row["sending_since"], exclude=known)
        if ref is None:
            ref = await call(plan)
    except SendError as exc:
        if row["called_at"] is not None and ref is None:
            # The provider could not be asked: the lease runs out again, then we ask again.
            log.warning("notify reconciliation failed", delivery=str(row["id"]), error=str(exc))
            return True
        error = exc
    await _record(work, tenant_id, row, plan, ref=ref, error=error)
    return True


async def _known(work: Background, tenant_id: UUID, row: Mapping[str, Any]) -> set[str]:
    """The SIDs other deliveries to the same number already hold."""
    async with work.as_tenant(tenant_id) as ctx:
        rows = await ctx.conn.fetch(
            "select provider_ref from notify_delivery where provider = 'twilio' and "
            "address = $1 and id <> $2 and provider_ref is not null",
            row["address"],
            row["id"],
        )
    return {str(r["provider_ref"]) for r in rows}


async def _record(
    work: Background,
    tenant_id: UUID,
    row: Mapping[str, Any],
    plan: Call,
    *,
    ref: str | None,
    error: SendError | None,
) -> None:
    """Step 3: the outcome, unless the row moved on meanwhile (a status callback)."""
    async with work.as_tenant(tenant_id) as ctx:
        current = await ctx.conn.fetchrow(
            "select state, attempt_token from notify_delivery where id = $1 for update",
            row["id"],
        )
        if current is None or (current["state"], current["attempt_token"]) != (
            "sending",
            row["attempt_token"],
        ):
            return
        if error is not None:
            settings = await ctx.settings()
            await _dispatch.failed(
                ctx,
                row,
                settings,
                error=str(error),
                permanent=error.permanent,
                attempts=row["attempts"],
            )
            return
        await _dispatch.record_outcome(ctx, row, provider=plan.provider, ref=ref, final=True)
