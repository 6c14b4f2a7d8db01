"""Helpers of the SSO tests: a DNS zone on a loopback port and a pysaml2 identity provider."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import shutil
import socket
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

if TYPE_CHECKING:
    from pathlib import Path

IDP_ENTITY = "https://idp.example/metadata"
IDP_SSO = "https://idp.example/sso"


class DnsZone:
    """A DNS responder on a loopback UDP port answering TXT records from ``records``."""

    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def add_txt(self, name: str, value: str) -> None:
        """Publish one TXT record."""
        self.records.setdefault(name.lower().rstrip("."), []).append(f'"{value}"')

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            for question in query.question:
                name = question.name.to_text(omit_final_dot=True).lower()
                values = self.records.get(name)
                if values and question.rdtype == dns.rdatatype.TXT:
                    response.answer.append(
                        dns.rrset.from_text(question.name, 60, "IN", "TXT", *values)
                    )
                elif not values:
                    response.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(response.to_wire(), peer)

    def close(self) -> None:
        """Stop answering."""
        self.sock.close()


def key_and_certificate(directory: Path) -> tuple[str, str]:
    """A new RSA key and its self-signed certificate, as PEM files; their paths."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / "idp.key", directory / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def _idp_config(key_file: str, cert_file: str, sp_metadata: str | None) -> IdPConfig:
    config = IdPConfig()
    config.load(
        {
            "entityid": IDP_ENTITY,
            "xmlsec_binary": shutil.which("xmlsec1"),
            "key_file": key_file,
            "cert_file": cert_file,
            "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
            "service": {
                "idp": {
                    "name": "Test IdP",
                    "endpoints": {"single_sign_on_service": [(IDP_SSO, BINDING_HTTP_REDIRECT)]},
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 15},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                }
            },
        }
    )
    return config


class TestIdp:
    """A SAML 2.0 identity provider (pysaml2's ``Server``) with a key made for the test."""

    __test__ = False

    def __init__(self, directory: Path, key: tuple[str, str] | None = None) -> None:
        self.key_file, self.cert_file = key or key_and_certificate(directory)

    def metadata(self) -> str:
        """The IdP's metadata XML (its signing certificate, its SSO endpoint)."""
        config = _idp_config(self.key_file, self.cert_file, None)
        return str(create_metadata_string(None, config=config, valid=24).decode())

    def answer(
        self, sp_metadata: str, login_location: str, *, email: str, identity: dict[str, Any]
    ) -> dict[str, str]:
        """The form the IdP's page posts to the ACS: a signed response to the AuthnRequest."""
        assert login_location.startswith(IDP_SSO), login_location
        query = parse_qs(urlsplit(login_location).query)
        server = Server(config=_idp_config(self.key_file, self.cert_file, sp_metadata))
        request = server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        message = request.message
        destination = server.config.metadata.assertion_consumer_service(
            message.issuer.text, binding=BINDING_HTTP_POST
        )[0]["location"]
        response = server.create_authn_response(
            identity=identity,
            in_response_to=message.id,
            destination=destination,
            sp_entity_id=message.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_assertion=True,
            sign_response=True,
        )
        return {
            "SAMLResponse": base64.b64encode(str(response).encode()).decode(),
            "RelayState": query["RelayState"][0],
        }


class FakeOidcProvider:
    """An OpenID Connect provider on a loopback port: discovery, JWKS, authorize, token.

    ``authorize`` (called by the test as the browser) redirects back with a code for
    ``claims``; the token endpoint checks the client's secret (HTTP Basic), the redirect
    URI and the PKCE verifier (S256) before answering an ID token signed with its RSA key.
    """

    def __init__(self, *, client_id: str, client_secret: str) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: PLC0415

        from joserfc.jwk import RSAKey  # noqa: PLC0415

        self.client_id, self.client_secret = client_id, client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.codes: dict[str, dict[str, Any]] = {}
        self.claims: dict[str, Any] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path
                if path == "/.well-known/openid-configuration":
                    self._json(200, provider.discovery())
                elif path == "/jwks":
                    self._json(200, {"keys": [provider.key.as_dict(private=False)]})
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, body = provider.token(self.headers.get("Authorization", ""), form)
                self._json(status, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def discovery(self) -> dict[str, Any]:
        """The discovery document."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize(self, location: str, claims: dict[str, Any]) -> str:
        """What the provider's page does once the user signed in: the redirect back."""
        assert location.startswith(f"{self.issuer}/authorize?"), location
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        assert query["client_id"] == self.client_id and query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256" and "openid" in query["scope"]
        code = base64.urlsafe_b64encode(os.urandom(24)).decode().rstrip("=")
        self.codes[code] = {**query, "claims": claims}
        return f"{query['redirect_uri']}?code={code}&state={query['state']}"

    def token(self, authorization: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The token endpoint's answer."""
        from joserfc import jwt  # noqa: PLC0415

        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if authorization != f"Basic {expected}":
            return 401, {"error": "invalid_client"}
        pending = self.codes.pop(form.get("code", ""), None)
        if pending is None or form.get("redirect_uri") != pending["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).decode()
        if challenge.rstrip("=") != pending["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": pending["nonce"],
            **pending["claims"],
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
        return 200, {"access_token": "at", "token_type": "Bearer", "id_token": id_token}

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
