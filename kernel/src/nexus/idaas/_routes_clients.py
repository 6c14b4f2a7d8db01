"""Tenant admins' API for the provider: client apps at ``/api/v1/oidc/clients``, key rotation."""

from __future__ import annotations

from uuid import UUID

import msgspec
from asyncpg import UniqueViolationError
from litestar import Controller, delete, get, patch, post
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, JSONBody
from nexus_hookspecs.http import Cursor, Limit, Page, after_id, page_of

from nexus.http import KernelDb, problem_spec
from nexus.idaas._clients import (
    ClientCreate,
    ClientCreated,
    ClientOut,
    ClientUpdate,
    create_client,
    delete_client,
    get_client,
    list_clients,
    new_client_secret,
    update_client,
)
from nexus.idaas._issuer import ISSUER_PATH
from nexus.idaas._keys import rotate_key

__all__ = ("CLIENTS_PERMISSION", "ClientController", "KeyController")

CLIENTS_PERMISSION = "nexus.oidc_clients:admin"


class SecretOut(msgspec.Struct, kw_only=True):
    """A confidential client's new secret: shown this once, stored only as a hash."""

    client_secret: str


class RotatedKey(msgspec.Struct, kw_only=True):
    """The tenant's new signing key id; the previous key stays in the JWKS for a week."""

    kid: str


class ClientController(Controller):
    """Client apps of the caller's tenant that sign their users in with Nexus (tenant admins)."""

    path = ISSUER_PATH + "/clients"
    tags = ["idaas"]
    opt = {"permission": CLIENTS_PERMISSION}

    @get("/", summary="List client apps")
    async def list(self, db: KernelDb, limit: Limit = 50, cursor: Cursor = None) -> Page[ClientOut]:
        """The tenant's registered clients (never their secrets), oldest first."""
        async with db.transaction() as conn:
            return page_of(await list_clients(conn, after=after_id(cursor), limit=limit + 1), limit)

    # The answer carries the secret: never kept for Idempotency-Key replays.
    @post(
        "/",
        summary="Register a client app",
        opt={"nexus_no_idempotency": True},
        responses={422: problem_spec(422)},
    )
    async def create(self, db: KernelDb, data: JSONBody[ClientCreate]) -> ClientCreated:
        """Register a client; a confidential client's ``client_secret`` is shown this once.

        Redirect URIs must be https (or http on a loopback address, or an app's own scheme),
        without a fragment; they are compared exactly, character for character.
        """
        try:
            async with db.transaction() as conn:
                return await create_client(conn, data)
        except UniqueViolationError:  # a random client id drawn twice: vanishingly rare
            raise ClientException("client id taken; try again", status_code=409) from None

    @get("/{client_id:uuid}", summary="Show a client app")
    async def show(self, db: KernelDb, client_id: FromPath[UUID]) -> ClientOut:
        """One client."""
        async with db.transaction() as conn:
            found = await get_client(conn, client_id)
        if found is None:
            raise NotFoundException()
        return found

    @patch("/{client_id:uuid}", summary="Change a client app", responses={422: problem_spec(422)})
    async def change(
        self, db: KernelDb, client_id: FromPath[UUID], data: JSONBody[ClientUpdate]
    ) -> ClientOut:
        """Rename it, or replace its redirect URIs, grant types or scopes."""
        async with db.transaction() as conn:
            found = await update_client(conn, client_id, data)
        if found is None:
            raise NotFoundException()
        return found

    @post(
        "/{client_id:uuid}/secret",
        summary="Replace a client's secret",
        status_code=200,
        opt={"nexus_no_idempotency": True},
        responses={404: problem_spec(404)},
    )
    async def new_secret(self, db: KernelDb, client_id: FromPath[UUID]) -> SecretOut:
        """A new secret for a confidential client (the old one stops at once); shown once."""
        async with db.transaction() as conn:
            secret = await new_client_secret(conn, client_id)
        if secret is None:
            raise NotFoundException("no such confidential client")
        return SecretOut(client_secret=secret)

    @delete("/{client_id:uuid}", summary="Delete a client app")
    async def remove(self, db: KernelDb, client_id: FromPath[UUID]) -> None:
        """Delete a client: its tokens are revoked, its codes and consents dropped."""
        async with db.transaction() as conn:
            found = await delete_client(conn, client_id)
        if not found:
            raise NotFoundException()


class KeyController(Controller):
    """The tenant's ID-token signing key (tenant admins)."""

    path = ISSUER_PATH + "/keys"
    tags = ["idaas"]
    opt = {"permission": CLIENTS_PERMISSION}

    @post(
        "/rotate",
        summary="Rotate the tenant's signing key",
        status_code=200,
        responses={409: problem_spec(409)},
    )
    async def rotate(self, db: KernelDb) -> RotatedKey:
        """Sign with a new key from now on; the previous one stays in the JWKS for a week.

        409 when ``NEXUS_IDAAS_KEYS`` is not configured.
        """
        async with db.transaction() as conn:
            return RotatedKey(kid=await rotate_key(conn))
