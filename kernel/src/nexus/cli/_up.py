"""``nexus up``: the one command a newcomer runs — database, schema, demo tenant, server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import rich_click as click
from rich.console import Console

from nexus.cli._common import fail, friendly_errors, load_settings
from nexus.cli._db import adopted_line, embedded_before_start
from nexus.cli._provision import open_provisioner
from nexus.cli._serve import _migrate, run_server
from nexus.db import resolve_database_url
from nexus.observability import configure_logging
from nexus.provisioning import (
    DEMO_PROFILE,
    Outcome,
    ProfileError,
    ProvisioningFailed,
    RunInProgress,
    SlugTaken,
    decode_profile,
    example_profiles,
)

if TYPE_CHECKING:
    from uuid import UUID

    from nexus.provisioning import BusinessProfile
    from nexus.settings import Settings

__all__ = ("up",)


@click.command()
@click.option(
    "--profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The business profile of the tenant to bring up (default: the demo example).",
)
@click.option("--host", default=None, help="Address to bind (NEXUS_HOST, default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (NEXUS_PORT, default 8000).")
@click.option(
    "--no-worker",
    is_flag=True,
    help="Do not run the event relay and consumers here (a separate `nexus worker` does).",
)
@friendly_errors
def up(profile: Path | None, host: str | None, port: int | None, no_worker: bool) -> None:
    """Start everything: database, migrations, a tenant from a profile, server, events.

    The event relay and consumers run in the server's process (unless --no-worker).
    With nothing configured, runs the embedded PostgreSQL under ./.nexus. The tenant is
    provisioned on the first run only (an interrupted one is resumed); later runs reuse it.
    """
    settings = load_settings()
    settings = settings.replace(host=host or settings.host, port=port or settings.port)
    configure_logging(settings)
    path = profile or example_profiles().get(DEMO_PROFILE)
    if path is None:
        fail("no demo profile found (is nexus-presets installed?): pass --profile FILE")
    assert path is not None
    try:
        parsed = decode_profile(path.read_bytes())
    except ProfileError as exc:
        fail(f"{path}: {exc}", code=2)
    before = embedded_before_start(settings)
    database_url = resolve_database_url(settings)
    if adopted := adopted_line(before):
        click.echo(adopted, err=True)
    settings = settings.replace(database_url=database_url)
    _migrate(settings, database_url)
    tenant_id, outcome = asyncio.run(_ensure_tenant(settings, parsed))
    _banner(settings, parsed, tenant_id, outcome, worker=not no_worker)
    run_server(settings, with_worker=not no_worker)


async def _ensure_tenant(
    settings: Settings, profile: BusinessProfile
) -> tuple[UUID, Outcome | None]:
    async with open_provisioner(settings) as provisioner:
        async with provisioner.database.transaction() as conn:
            existing = await conn.fetchrow(
                "select id, status from nexus_tenant where slug = $1", profile.slug
            )
        # A tenant still "provisioning" has an unfinished run: provisioning it again resumes.
        if existing is not None and existing["status"] != "provisioning":
            if existing["status"] != "active":
                click.echo(f"note: tenant '{profile.slug}' is {existing['status']}", err=True)
            return existing["id"], None
        console = Console(stderr=True)
        console.print(f"provisioning tenant '{profile.slug}' …")
        try:
            outcome = await provisioner.provision(profile)
        except (ProfileError, SlugTaken, RunInProgress) as exc:
            fail(str(exc))
            raise
        except ProvisioningFailed as exc:
            fail(f"{exc}; run `nexus up` again to resume")
            raise
        return outcome.tenant_id, outcome


def _banner(
    settings: Settings,
    profile: BusinessProfile,
    tenant_id: UUID,
    outcome: Outcome | None,
    *,
    worker: bool,
) -> None:
    base = f"http://{settings.host}:{settings.port}"
    echo = click.echo
    echo(f"Nexus is up: tenant '{profile.slug}' ({tenant_id})")
    echo(f"  API base:  {base}/api/v1")
    echo(f"  API docs:  {base}/schema  (OpenAPI: {base}/schema/openapi.json)")
    echo(f"  console:   {base}/console")
    if worker:
        echo("  events:    relayed and consumed in this process")
    else:
        echo("  events:    not delivered until a `nexus worker` runs (--no-worker)")
    if outcome is not None:
        admin = outcome.admin
        echo(f"  admin login: {admin.email}  password: {admin.password}")
        echo(f"  admin API key: {admin.api_key}")
        echo("  (the password and the key are shown this once: store them now)")
        key = admin.api_key
    else:
        echo("  The admin API key was shown when the tenant was created and cannot be shown")
        echo(f"  again. Make a new one with:  nexus tenants create-key {profile.slug}")
        key = "<your admin API key>"
    echo(f'  try:  curl -H "Authorization: Bearer {key}" {base}/api/v1/features')
