"""One tenant's authorization server: Authlib's grants over the tenant's rows.

Authorization code with PKCE (S256, required of every client) and OpenID Connect ID
tokens; refresh tokens rotated on every use, a reused one revoking its whole family;
client credentials; revocation (RFC 7009). Only storage and claims are written here;
the protocol is Authlib's.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import InvalidRequestError, grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo

from nexus.idaas import _store
from nexus.idaas._keys import ALGORITHM, SigningKey, signing_key
from nexus.idaas._mcp_access import MCP_SCOPE, mcp_resource
from nexus.idaas._models import CLIENT_AUTH_METHODS, Client
from nexus.idaas._secrets import new_secret

if TYPE_CHECKING:
    from datetime import timedelta
    from uuid import UUID

    from nexus.idaas._bridge import Bridge, HttpRequest
    from nexus.idaas._models import Code, Token

__all__ = ("SCOPES", "EndUser", "TenantServer")

log = logging.getLogger("nexus.idaas")

SCOPES = ("openid", "profile", "email", "roles", "offline_access", MCP_SCOPE)
_WITH_PUBLIC = [*CLIENT_AUTH_METHODS, "none"]


class EndUser:
    """The signed-in user a code or token is for (truthy, as Authlib wants)."""

    def __init__(self, row: Any) -> None:
        self.id: UUID = row["id"]
        self.email: str = row["email"]
        self.name: str = row["name"]
        self.roles: list[str] = list(row["roles"])
        self.updated_at: int = int(row["updated_at"].timestamp())

    def claims(self, scope: str) -> UserInfo:
        """The standard claims ``scope`` allows (OpenID Connect Core, section 5.4)."""
        scopes = set(scope.split())
        info = UserInfo(sub=str(self.id))
        if "profile" in scopes:
            info.update(name=self.name, updated_at=self.updated_at)
        if "email" in scopes:
            info.update(email=self.email, email_verified=False)
        if "roles" in scopes:
            info["roles"] = self.roles
        return info


class _Pkce(CodeChallenge):
    """PKCE with S256, required of every authorization request (OAuth 2.0 Security BCP)."""

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge (S256)")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256")
        super().validate_code_challenge(grant, redirect_uri)


class _OpenIDCode(OpenIDCode):
    def __init__(self, server: TenantServer) -> None:
        super().__init__(require_nonce=False)
        self.server = server

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return False  # a code is spent once and lives a minute: a replayed nonce finds none

    def resolve_client_private_key(self, client: Any) -> dict[str, Any]:
        return self.server.key().private_jwk

    def get_client_algorithm(self, client: Any) -> str:
        return ALGORITHM

    def get_encode_header(self, client: Any) -> dict[str, str]:
        return {"alg": ALGORITHM, "kid": self.server.key().kid, "typ": "JWT"}

    def get_client_claims(self, client: Any) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": self.server.issuer,
            "aud": [client.get_client_id()],
            "iat": now,
            "exp": now + self.server.id_token_ttl_s,
        }

    def generate_user_info(self, user: EndUser, scope: str) -> UserInfo:
        return user.claims(scope)


class _CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = _WITH_PUBLIC
    server: TenantServer

    def validate_authorization_request(self) -> str:
        redirect_uri: str = super().validate_authorization_request()
        # RFC 8707: a token for /mcp names the tenant's MCP endpoint as its resource, so a
        # token meant for it is never one another resource server was handed.
        scopes = set((self.request.scope or "").split())
        resource = self.request.payload.data.get("resource")
        if MCP_SCOPE in scopes and resource != mcp_resource(self.server.issuer):
            raise InvalidRequestError(
                f"scope {MCP_SCOPE!r} needs resource={mcp_resource(self.server.issuer)}",
                redirect_uri=redirect_uri,
            )
        return redirect_uri

    def save_authorization_code(self, code: str, request: HttpRequest) -> None:
        data: dict[str, Any] = dict(request.payload.data)
        data["auth_time"] = request.auth_time
        self.server.bridge.call(
            _store.save_code,
            code=code,
            client_id=request.client.get_client_id(),
            user_id=request.user.id,
            data=data,
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        # Taken and spent at once: a code fails or succeeds once, never twice.
        return self.server.bridge.call(_store.take_code, code, client.get_client_id())

    def delete_authorization_code(self, authorization_code: Code) -> None:
        return None  # spent when it was taken

    def authenticate_user(self, authorization_code: Code) -> EndUser | None:
        return self.server.user(authorization_code.user_id)


class _RefreshGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = _WITH_PUBLIC
    INCLUDE_NEW_REFRESH_TOKEN = True
    server: TenantServer

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        token = self.server.bridge.call(_store.find_token, refresh=refresh_token)
        if token is None:
            return None
        if token.rotated_at is not None or token.is_revoked():
            # A refresh token used twice was stolen (or its client is broken): every token
            # of its family stops, the thief's and the client's alike.
            revoked = self.server.bridge.call(_store.revoke_family, token.family_id)
            log.warning(
                "refresh token reused: family %s revoked (%d tokens)", token.family_id, revoked
            )
            return None
        if token.refresh_expires_at is None or token.refresh_expires_at.timestamp() <= time.time():
            return None
        self.request.family_id = token.family_id
        return token

    def authenticate_user(self, refresh_token: Token) -> EndUser | None:
        return self.server.user(refresh_token.user_id)

    def revoke_old_credential(self, refresh_token: Token) -> None:
        self.server.bridge.call(_store.rotate_refresh, refresh_token.id)


class _ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(CLIENT_AUTH_METHODS)


class _Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = _WITH_PUBLIC
    server: TenantServer

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        call = self.server.bridge.call
        if token_type_hint == "refresh_token":
            return call(_store.find_token, refresh=token_string) or call(
                _store.find_token, access=token_string
            )
        return call(_store.find_token, access=token_string) or call(
            _store.find_token, refresh=token_string
        )

    def revoke_token(self, token: Token, request: Any) -> None:
        # The refresh token and the access tokens rotated from it go together.
        self.server.bridge.call(_store.revoke_family, token.family_id)


class TenantServer(AuthorizationServer):
    """The authorization server of one tenant's issuer, for one request.

    Args:
        bridge: Storage of the tenant, reached from the protocol's thread.
        issuer: The tenant's issuer URL.
        access_ttl_s: Lifetime of access tokens (and ID tokens).
        refresh_ttl: Lifetime of a refresh token from its issue (each rotation renews it).
    """

    def __init__(
        self, *, bridge: Bridge, issuer: str, access_ttl_s: int, refresh_ttl: timedelta
    ) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.bridge = bridge
        self.issuer = issuer
        self.id_token_ttl_s = access_ttl_s
        self.refresh_ttl = refresh_ttl
        self._key: SigningKey | None = None
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda **_: new_secret(),
                refresh_token_generator=lambda **_: new_secret(),
                expires_generator=lambda client, grant_type: access_ttl_s,
            ),
        )
        self.register_grant(_CodeGrant, [_Pkce(required=True), _OpenIDCode(self)])
        self.register_grant(_RefreshGrant)
        self.register_grant(_ClientCredentialsGrant)
        self.register_endpoint(_Revocation)

    def key(self) -> SigningKey:
        """The tenant's signing key, read once per request (from the protocol's thread)."""
        if self._key is None:
            self._key = self.bridge.call(signing_key)
        return self._key

    def user(self, user_id: UUID | None) -> EndUser | None:
        """The enabled user ``user_id``, or ``None`` (disabled, deprovisioned or gone)."""
        if user_id is None:
            return None
        row = self.bridge.call(_store.user_claims, user_id)
        return EndUser(row) if row is not None else None

    def query_client(self, client_id: str) -> Client | None:
        row = self.bridge.call(_store.find_client, client_id)
        if row is None:
            return None
        return Client(
            row,
            secret_matches=lambda secret: self.bridge.call(
                _store.client_secret_matches, client_id, secret
            ),
        )

    def save_token(self, token: dict[str, Any], request: HttpRequest) -> None:
        self.bridge.call(
            _store.save_token,
            token=token,
            client_id=request.client.get_client_id(),
            user_id=request.user.id if request.user else None,
            family_id=request.family_id,
            refresh_ttl=self.refresh_ttl,
        )

    def create_oauth2_request(self, request: HttpRequest) -> HttpRequest:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, Any]:
        return status, body, headers

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None
