"""What Authlib's grants read: a registered client, an authorization code, a token.

Plain objects over database rows implementing Authlib's mixins; the grants call their
methods from the thread the protocol runs in (see ``_server``), so they hold data only.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, list_to_scope, scope_to_list
from authlib.oidc.core import AuthorizationCodeMixin

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("CLIENT_AUTH_METHODS", "Client", "Code", "Token")

CLIENT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")


class Client(ClientMixin):
    """A tenant's registered app: confidential (with a hashed secret) or public."""

    def __init__(self, row: Any, *, secret_matches: Callable[[str], bool]) -> None:
        self.id = row["id"]
        self.client_id: str = row["client_id"]
        self.name: str = row["name"]
        self.confidential: bool = row["confidential"]
        self._secret_matches = secret_matches
        self.redirect_uris: list[str] = list(row["redirect_uris"])
        self.post_logout_redirect_uris: list[str] = list(row["post_logout_redirect_uris"])
        self.grant_types: list[str] = list(row["grant_types"])
        self.scopes: list[str] = list(row["scopes"])

    @property
    def client_metadata(self) -> dict[str, Any]:
        """The registered metadata Authlib's end-session endpoint reads."""
        return {"post_logout_redirect_uris": self.post_logout_redirect_uris}

    @property
    def public(self) -> bool:
        """A public client (a browser or native app) has no secret and must use PKCE."""
        return not self.confidential

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str) -> str:
        if not scope:
            return ""
        return str(list_to_scope([s for s in scope_to_list(scope) if s in self.scopes]))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # Exact string comparison, as OAuth 2.0 Security BCP requires: no prefixes, no
        # wildcards, no normalisation.
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        # Compared by the database (the API role cannot read the hash).
        return self.confidential and self._secret_matches(client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.public:
            return method == "none"
        return method in CLIENT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


class Code(AuthorizationCodeMixin):
    """An authorization code, as it was taken (spent) from the store."""

    def __init__(self, row: Any) -> None:
        self.client_id: str = row["client_id"]
        self.user_id = row["user_id"]
        self.redirect_uri: str = row["redirect_uri"]
        self.scope: str = row["scope"]
        self.nonce: str | None = row["nonce"]
        self.code_challenge: str | None = row["code_challenge"]
        self.code_challenge_method: str | None = row["code_challenge_method"]
        self.auth_time: int = row["auth_time"]

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return "0"

    def get_amr(self) -> list[str]:
        return ["pwd"]


class Token(TokenMixin):
    """An issued access token (and refresh token) as stored."""

    def __init__(self, row: Any) -> None:
        self.id = row["id"]
        self.family_id = row["family_id"]
        self.client_id: str = row["client_id"]
        self.user_id = row["user_id"]
        self.scope: str = row["scope"]
        self.expires_at: float = row["expires_at"].timestamp()
        self.refresh_expires_at = row["refresh_expires_at"]
        self.rotated_at = row["rotated_at"]
        self.revoked_at = row["revoked_at"]

    def check_client(self, client: ClientMixin) -> bool:
        return bool(self.client_id == client.get_client_id())

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return max(0, int(self.expires_at - time.time()))

    def is_expired(self) -> bool:
        return self.expires_at <= time.time()

    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def get_user(self) -> Any:
        return self.user_id

    def get_client(self) -> Any:
        return None
