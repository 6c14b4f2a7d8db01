"""SAML 2.0 service provider with pysaml2: metadata, AuthnRequest redirect, assertion checks.

One service provider per (tenant, provider), configured from the stored IdP metadata: its
entity id is its metadata URL, its assertion consumer service takes the HTTP-POST binding.
Responses must answer a request this provider sent (``outstanding``: no unsolicited
responses) and their assertions must be signed by the IdP's certificate from its
metadata; pysaml2 checks signatures with ``xmlsec1`` (Debian's ``xmlsec1``).

pysaml2 (with xmlschema and elementpath, about 1 s of imports) loads with the first SAML
request, not at start-up: most workers never see one.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from saml2.client import Saml2Client

    from nexus.sso._providers import ProviderRow

__all__ = ("SamlUrls", "authn_redirect", "metadata_xml", "read_response", "sp_client")


class SamlUrls:
    """The service provider's URLs under the API's public base URL."""

    def __init__(self, base_url: str, tenant: str, provider: ProviderRow) -> None:
        root = f"{base_url.rstrip('/')}/api/v1/sso/{tenant}/saml/{provider.id}"
        self.entity_id = f"{root}/metadata"
        self.acs = f"{root}/acs"
        self.login = f"{root}/login"


def _xmlsec() -> str:
    found = shutil.which("xmlsec1")
    if found is None:
        raise RuntimeError("xmlsec1 is not installed (Debian: apt-get install xmlsec1)")
    return found


def sp_client(provider: ProviderRow, urls: SamlUrls) -> Saml2Client:
    """A pysaml2 client for the provider, trusting the IdP of its stored metadata."""
    from saml2 import BINDING_HTTP_POST  # noqa: PLC0415 - pysaml2 loads on first use
    from saml2.client import Saml2Client  # noqa: PLC0415
    from saml2.config import SPConfig  # noqa: PLC0415
    from saml2.saml import NAMEID_FORMAT_EMAILADDRESS  # noqa: PLC0415

    config = SPConfig()
    config.load(
        {
            "entityid": urls.entity_id,
            "xmlsec_binary": _xmlsec(),
            "metadata": {"inline": [provider.idp_metadata or ""]},
            "allow_unknown_attributes": True,
            "service": {
                "sp": {
                    "name": f"Nexus ({provider.name})",
                    "endpoints": {"assertion_consumer_service": [(urls.acs, BINDING_HTTP_POST)]},
                    "allow_unsolicited": False,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "authn_requests_signed": False,
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                }
            },
        }
    )
    return Saml2Client(config=config)


def metadata_xml(client: Saml2Client) -> str:
    """The service provider's metadata XML, for the IdP's administrator."""
    from saml2.metadata import create_metadata_string  # noqa: PLC0415 - see sp_client

    return str(create_metadata_string(None, config=client.config, valid=24 * 7).decode())


def authn_redirect(client: Saml2Client, relay_state: str) -> tuple[str, str]:
    """An AuthnRequest to the IdP (HTTP-Redirect binding): its id and the URL to send to."""
    from saml2 import BINDING_HTTP_REDIRECT  # noqa: PLC0415 - see sp_client

    idps = list(client.metadata.identity_providers())
    if len(idps) != 1:
        raise ValueError("the provider's metadata must describe exactly one IdP")
    request_id, info = client.prepare_for_authenticate(
        entityid=idps[0], relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
    )
    location = dict(info["headers"])["Location"]
    return str(request_id), str(location)


def read_response(client: Saml2Client, saml_response: str, request_id: str) -> dict[str, Any]:
    """The subject and attributes of a response to ``request_id``, once its checks pass.

    Raises:
        ValueError: the response does not verify (signature, audience, time, request).
    """
    from saml2 import BINDING_HTTP_POST  # noqa: PLC0415 - see sp_client

    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"}
        )
    except Exception as exc:  # pysaml2 raises many unrelated types for a bad response
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc
    if response is None or response.assertion is None:
        raise ValueError("no assertion")
    attributes = response.get_identity()
    name_id = response.get_subject()
    email = (attributes.get("mail") or attributes.get("email") or [None])[0]
    if email is None and name_id is not None and "@" in str(name_id.text):
        email = str(name_id.text)
    names = attributes.get("displayName") or attributes.get("cn") or [None]
    return {"email": email, "name": names[0], "attributes": attributes}
