"""Identity: principals, API keys, users, JWTs and the gate every route passes."""

from __future__ import annotations

from nexus.identity._authenticate import Authenticator, AuthError
from nexus.identity._email_verification import send_verification
from nexus.identity._employment import USER_PROVISIONED_EVENT, employment_consumer
from nexus.identity._events import (
    IDENTITY_EVENTS,
    USER_CREATED,
    USER_DISABLED,
    user_event,
)
from nexus.identity._gate import TENANT_HEADER, AuthGate, client_address
from nexus.identity._jwt import JwtKeys, ensure_signing_key, load_jwt_keys
from nexus.identity._mfa import KEYS_VARIABLE as IDENTITY_KEYS_VARIABLE
from nexus.identity._mfa import seal, unseal
from nexus.identity._mfa_tickets import MfaRequired, issue_ticket
from nexus.identity._principal import Principal, PrincipalKind, Role, request_principal
from nexus.identity._routes import identity_routes, password_sign_in
from nexus.identity._routes_mfa import rp_of
from nexus.identity._secrets import hash_password
from nexus.identity._store import (
    ApiKeyCreate,
    UserCreate,
    create_api_key,
    create_platform_key,
    create_user,
)
from nexus.identity._throttle import Throttle
from nexus.identity._ticket_use import FactorMethod, complete_second_factor

__all__ = (
    "IDENTITY_EVENTS",
    "USER_CREATED",
    "USER_DISABLED",
    "IDENTITY_KEYS_VARIABLE",
    "TENANT_HEADER",
    "USER_PROVISIONED_EVENT",
    "ApiKeyCreate",
    "AuthError",
    "AuthGate",
    "Authenticator",
    "FactorMethod",
    "JwtKeys",
    "MfaRequired",
    "Principal",
    "PrincipalKind",
    "Role",
    "Throttle",
    "UserCreate",
    "client_address",
    "complete_second_factor",
    "create_api_key",
    "create_platform_key",
    "create_user",
    "employment_consumer",
    "ensure_signing_key",
    "hash_password",
    "identity_routes",
    "issue_ticket",
    "load_jwt_keys",
    "request_principal",
    "rp_of",
    "seal",
    "password_sign_in",
    "send_verification",
    "unseal",
    "user_event",
)
