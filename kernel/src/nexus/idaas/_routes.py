"""A tenant's OpenID Connect issuer at ``/api/v1/oidc/{tenant}``: discovery to logout.

Open routes (``nexus_access: visitor``: no Nexus credentials, the path names an active
tenant; any other answers 404). The protocol is Authlib's (``_server``); these handlers
read the HTTP request, run the protocol step in a thread and answer what it returns.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from authlib.oauth2 import OAuth2Error, ResourceProtector
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oidc.rpinitiated import EndSessionEndpoint
from litestar import Controller, Request, get, post, route
from litestar.response import Response

from nexus.idaas import _store
from nexus.idaas._bridge import in_thread
from nexus.idaas._issuer import ISSUER_PATH, Issuer, issuer_of, respond
from nexus.idaas._keys import ALGORITHM, jwks, signing_key
from nexus.idaas._pages import authorize_page, html_page, message_page, second_factor_page
from nexus.idaas._server import SCOPES, EndUser
from nexus.idaas._session import COOKIE, SESSION_TTL, read_session, session_cookie
from nexus.idaas._sign_in import SIGN_IN_FIELDS, SignIn, password_step, second_factor_step

if TYPE_CHECKING:
    from nexus.idaas._bridge import HttpRequest
    from nexus.idaas._models import Token

__all__ = ("OidcController",)

_OPEN = {"nexus_access": "visitor", "nexus_no_idempotency": True}
# Where the passkey button of the second-factor step asks for its options.
_PASSKEY_OPTIONS = "/api/v1/auth/mfa/webauthn/options"


def _discovery(issuer: str) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        "revocation_endpoint": f"{issuer}/revoke",
        "end_session_endpoint": f"{issuer}/logout",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "name", "email", "email_verified", "roles", "updated_at"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
    }


class _Step:
    """What an authorization request led to: a response from Authlib, or a page to show."""

    def __init__(
        self,
        *,
        result: tuple[int, Any, Any] | None = None,
        client_name: str = "",
        scopes: list[str] | None = None,
        user: EndUser | None = None,
    ) -> None:
        self.result = result
        self.client_name = client_name
        self.scopes = scopes or []
        self.user = user


def _error_page(result: tuple[int, Any, Any]) -> Response[Any]:
    status, body, headers = result
    if any(name == "Location" for name, _ in headers or []):
        return respond(result)  # the redirect URI was checked: the client hears the error
    detail = body.get("error_description") or body.get("error") if isinstance(body, dict) else ""
    return html_page(message_page("This sign-in request is not valid", str(detail)), status)


def _authorize_step(
    issuer: Issuer, req: HttpRequest, user: EndUser | None, *, decided: str | None
) -> _Step:
    """Validate the request with Authlib and, when it may, answer it (in the thread).

    ``decided`` is the user's decision on the page (``allow``/``deny``), ``None`` on GET:
    then a signed-in user who allowed this client these scopes before gets a code at once.
    """
    server = issuer.server
    try:
        grant = server.get_consent_grant(request=req, end_user=user)
    except OAuth2Error as error:
        return _Step(result=error(None))
    client = grant.client
    scopes = client.get_allowed_scope(req.payload.scope or "").split()
    prompt = getattr(grant, "prompt", None)
    if user is not None and decided is None and prompt not in ("login", "consent"):
        remembered = issuer.bridge.call(
            _store.consented, user_id=user.id, client_id=client.client_id, scopes=set(scopes)
        )
        if remembered:
            decided = "allow"
    if user is not None and decided == "allow":
        issuer.bridge.call(
            _store.remember_consent, user_id=user.id, client_id=client.client_id, scopes=set(scopes)
        )
        return _Step(result=server.create_authorization_response(req, grant_user=user, grant=grant))
    if decided == "deny":
        return _Step(result=server.create_authorization_response(req, grant_user=None, grant=grant))
    return _Step(client_name=client.name, scopes=scopes, user=user)


def _page(issuer: Issuer, step: _Step, params: dict[str, str], signing_in: SignIn) -> str:
    """The sign-in and consent page, or its second-factor step while one is due."""
    action = f"{issuer.url}/authorize"
    if signing_in.ticket is not None:
        base = issuer.url.removesuffix(f"{ISSUER_PATH}/{issuer.slug}")
        return second_factor_page(
            action=action,
            tenant_name=issuer.name,
            client_name=step.client_name,
            scopes=step.scopes,
            params=params,
            ticket=signing_in.ticket,
            methods=signing_in.methods,
            passkey_options=base + _PASSKEY_OPTIONS,
            error=signing_in.error,
        )
    return authorize_page(
        action=action,
        tenant_name=issuer.name,
        client_name=step.client_name,
        scopes=step.scopes,
        params=params,
        signed_in_as=step.user.email if step.user else None,
        error=signing_in.error,
    )


class OidcController(Controller):
    """One tenant's OpenID Connect provider (Authlib's grants; issue #29)."""

    path = ISSUER_PATH + "/{tenant:str}"
    tags = ["idaas"]
    opt = _OPEN

    @get("/.well-known/openid-configuration", summary="OpenID Connect discovery")
    async def discovery(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """The issuer's metadata (OpenID Connect Discovery 1.0)."""
        return _discovery((await issuer_of(request)).url)

    @get("/jwks", summary="The issuer's signing keys (JWKS)")
    async def jwks(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """The public keys ID tokens are signed with: the current one and recently retired."""
        return await _public_keys(await issuer_of(request))

    @route("/authorize", http_method=["GET", "POST"], summary="Sign in and consent")
    async def authorize(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """The authorization endpoint: code flow with PKCE (S256), sign-in and consent page.

        GET validates the request (an invalid client or redirect URI shows an error page
        and never redirects) and shows the sign-in and consent page, or answers at once
        with a code when the browser's session is signed in and the user allowed this
        client these scopes before. POST signs in with the kernel's password sign-in
        (then, when the user has a second factor, shows its step: a TOTP or recovery code,
        or a passkey) and records the decision.
        """
        issuer = await issuer_of(request)
        req = await issuer.oauth_request(request, "/authorize")
        form = {k: req.form.get(k) for k in SIGN_IN_FIELDS}
        session = read_session(request.cookies.get(COOKIE), tenant_id=issuer.tenant_id)
        user: EndUser | None = None
        if session is not None:
            row = await issuer.bridge.transaction(lambda c: _store.user_claims(c, session.user_id))
            user = EndUser(row) if row is not None else None
        auth_time = session.auth_time if session and user else None
        signing_in = SignIn()
        if request.method == "POST" and user is None and form["decision"] == "allow":
            sign_in_step = second_factor_step if form["mfa_ticket"] else password_step
            signing_in = await sign_in_step(request, issuer, form)
            user = signing_in.user
            auth_time = int(time.time()) if user else None
        req.auth_time = auth_time
        params = {k: v for k, v in req.payload.data.items() if k not in SIGN_IN_FIELDS}
        req.payload = type(req.payload)({k: [v] for k, v in params.items()})
        decided = form["decision"] if request.method == "POST" else None
        if decided == "allow" and user is None:
            decided = None
        step = await in_thread(lambda: _authorize_step(issuer, req, user, decided=decided))
        if step.result is not None:
            status_code = step.result[0]
            response = respond(step.result) if status_code == 302 else _error_page(step.result)
        else:
            response = html_page(_page(issuer, step, params, signing_in), signing_in.status)
        if user is not None and auth_time is not None and session is None:
            response.set_cookie(
                COOKIE,
                session_cookie(tenant_id=issuer.tenant_id, user_id=user.id, auth_time=auth_time),
                path=f"{ISSUER_PATH}/{issuer.slug}",
                max_age=int(SESSION_TTL.total_seconds()),
                httponly=True,
                secure=issuer.url.startswith("https://"),
                samesite="lax",
            )
        return response

    @post("/token", summary="The token endpoint", status_code=200)
    async def token(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Codes (with the PKCE verifier), refresh tokens and client credentials to tokens.

        A refresh token is rotated on every use; presenting a used one again revokes every
        token of its family.
        """
        issuer = await issuer_of(request)
        req = await issuer.oauth_request(request, "/token")
        return respond(await in_thread(lambda: issuer.server.create_token_response(req)))

    @post("/revoke", summary="Revoke a token (RFC 7009)", status_code=200)
    async def revoke(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Revoke a refresh or access token of the calling client (with its family)."""
        issuer = await issuer_of(request)
        req = await issuer.oauth_request(request, "/revoke")
        result = await in_thread(lambda: issuer.server.create_endpoint_response("revocation", req))
        return respond(result)

    @route("/userinfo", http_method=["GET", "POST"], summary="Claims of the token's user")
    async def userinfo(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """The claims the access token's scopes allow; 401 once the user is disabled."""
        issuer = await issuer_of(request)
        req = await issuer.oauth_request(request, "/userinfo")
        protector = ResourceProtector()
        protector.register_token_validator(_Validator(issuer))

        def check() -> tuple[int, Any, Any]:
            try:
                token: Token = protector.validate_request(["openid"], req)
            except OAuth2Error as error:
                answer: tuple[int, Any, Any] = error(None)
                return answer
            user = issuer.server.user(token.user_id)
            if user is None:
                return (
                    401,
                    {"error": "invalid_token"},
                    [("WWW-Authenticate", 'Bearer error="invalid_token"')],
                )
            return 200, dict(user.claims(token.scope)), [("Cache-Control", "no-store")]

        return respond(await in_thread(check))

    @route("/logout", http_method=["GET", "POST"], summary="RP-initiated logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """End the browser's session at this issuer (OpenID Connect RP-Initiated Logout).

        With a valid ``id_token_hint`` and a registered ``post_logout_redirect_uri``
        (matched exactly), redirects there (with ``state``); otherwise says signed out.
        """
        issuer = await issuer_of(request)
        req = await issuer.oauth_request(request, "/logout")
        keys = await _public_keys(issuer)
        endpoint = _EndSession(keys)
        issuer.server.register_endpoint(endpoint)
        result = await in_thread(lambda: issuer.server.create_endpoint_response("end_session", req))
        if result is not None and result[0] == 302:
            response = respond(result)
        else:
            signed_out = f"You are signed out of {issuer.name}."
            response = html_page(message_page("Signed out", signed_out))
        response.delete_cookie(COOKIE, path=f"{ISSUER_PATH}/{issuer.slug}")
        return response


async def _public_keys(issuer: Issuer) -> dict[str, Any]:
    async def read(conn: Any) -> dict[str, Any]:
        await signing_key(conn)  # the first request makes the tenant's first key
        return await jwks(conn)

    return await issuer.bridge.transaction(read)


class _EndSession(EndSessionEndpoint):
    def __init__(self, keys: dict[str, Any]) -> None:
        super().__init__()
        self._keys = keys

    def get_server_jwks(self) -> dict[str, Any]:
        return self._keys

    def get_algorithms(self) -> list[str]:
        return [ALGORITHM]

    def resolve_client_from_id_token_claims(self, id_token_claims: dict[str, Any]) -> Any:
        # Our ID tokens name their one client in a list (``aud: [client_id]``).
        aud = id_token_claims.get("aud")
        if isinstance(aud, list) and len(aud) == 1:
            aud = aud[0]
        return self.server.query_client(aud) if isinstance(aud, str) else None

    def end_session(self, end_session_request: Any) -> None:
        return None  # the session is the cookie, which the response clears


class _Validator(BearerTokenValidator):
    def __init__(self, issuer: Issuer) -> None:
        super().__init__()
        self.issuer = issuer

    def authenticate_token(self, token_string: str) -> Token | None:
        return self.issuer.bridge.call(_store.find_token, access=token_string)
