"""The credential memory: one database lookup for concurrent misses of the same token."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from nexus.identity import Authenticator, AuthError, Principal, PrincipalKind
from nexus.identity._authenticate import TenantRecord


class _Lookups:
    """Stands in for the database: counts lookups and holds them until released."""

    def __init__(self, result: Principal | AuthError) -> None:
        self.result = result
        self.calls = 0
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def verify(self, token: str) -> Principal:
        self.calls += 1
        self.started.set()
        await self.release.wait()
        if isinstance(self.result, AuthError):
            raise self.result
        return self.result


def _principal() -> Principal:
    return Principal(
        kind=PrincipalKind.API_KEY,
        subject=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        roles=frozenset({"member"}),
    )


def _authenticator(lookups: _Lookups) -> Authenticator:
    authenticator = Authenticator(None, ttl_s=60)  # type: ignore[arg-type] # no database
    authenticator._verify = lookups.verify  # type: ignore[method-assign]
    return authenticator


async def _concurrently(authenticator: Authenticator, lookups: _Lookups, count: int) -> list:
    # Callers are scheduled before the lookup they start: once it runs, all of them wait.
    callers = [asyncio.ensure_future(authenticator.authenticate("tok")) for _ in range(count)]
    await lookups.started.wait()
    lookups.release.set()
    return await asyncio.gather(*callers, return_exceptions=True)


def test_concurrent_misses_share_one_lookup_and_remember_it():
    principal = _principal()

    async def scenario() -> tuple[list, _Lookups, Principal | None]:
        lookups = _Lookups(principal)
        authenticator = _authenticator(lookups)
        results = await _concurrently(authenticator, lookups, 20)
        return results, lookups, authenticator.remembered("tok")

    results, lookups, remembered = asyncio.run(scenario())
    assert lookups.calls == 1
    assert results == [principal] * 20
    assert remembered is principal


def test_a_refusal_reaches_every_waiter_and_is_not_remembered():
    refusal = AuthError(401, "unauthorized", "invalid or revoked API key")

    async def scenario() -> tuple[list, _Lookups, Authenticator]:
        lookups = _Lookups(refusal)
        authenticator = _authenticator(lookups)
        return await _concurrently(authenticator, lookups, 5), lookups, authenticator

    results, lookups, authenticator = asyncio.run(scenario())
    assert lookups.calls == 1
    assert results == [refusal] * 5
    assert authenticator.remembered("tok") is None


def test_a_caller_that_goes_away_does_not_cancel_the_lookup_for_the_others():
    principal = _principal()

    async def scenario() -> tuple[Principal, _Lookups]:
        lookups = _Lookups(principal)
        authenticator = _authenticator(lookups)
        leaving = asyncio.ensure_future(authenticator.authenticate("tok"))
        staying = asyncio.ensure_future(authenticator.authenticate("tok"))
        await lookups.started.wait()
        leaving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leaving
        lookups.release.set()
        return await staying, lookups

    result, lookups = asyncio.run(scenario())
    assert result is principal
    assert lookups.calls == 1


def test_a_lookup_in_flight_when_forgetting_is_not_remembered():
    async def scenario() -> Principal | None:
        lookups = _Lookups(_principal())
        authenticator = _authenticator(lookups)
        caller = asyncio.ensure_future(authenticator.authenticate("tok"))
        await lookups.started.wait()
        authenticator.forget()  # a revocation committed while the lookup ran
        lookups.release.set()
        await caller
        return authenticator.remembered("tok")

    assert asyncio.run(scenario()) is None


def test_concurrent_tenant_lookups_share_one():
    record = TenantRecord(uuid.uuid4(), "acme", "active")

    async def scenario() -> tuple[list, int]:
        calls = 0
        started, release = asyncio.Event(), asyncio.Event()
        authenticator = Authenticator(None, ttl_s=60)  # type: ignore[arg-type]

        async def lookup(ref: str) -> TenantRecord:
            nonlocal calls
            calls += 1
            started.set()
            await release.wait()
            return record

        authenticator._remember_tenant = lookup  # type: ignore[method-assign]
        callers = [asyncio.ensure_future(authenticator.tenant("acme")) for _ in range(10)]
        await started.wait()
        release.set()
        return await asyncio.gather(*callers), calls

    results, calls = asyncio.run(scenario())
    assert calls == 1
    assert results == [record] * 10
