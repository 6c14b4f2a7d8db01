"""ICE servers with TURN REST API credentials, and SFU tokens verified as LiveKit and Jitsi
verify them (HS256 with the shared secret, their documented claims)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

import jwt
import pytest
from meet_helpers import API, SECRETS, guest, meeting, ok
from nexus.testing import set_plugin_settings


def test_ice_servers_with_a_turn_credential(client: Any, tenant: Any, meet_db: str) -> None:
    set_plugin_settings(
        meet_db,
        tenant,
        "meet",
        {
            "stun_urls": ["stun:stun.example.com:3478"],
            "turn_urls": ["turn:turn.example.com:3478?transport=udp"],
            "turn_ttl_seconds": 600,
        },
    )
    made = meeting(client, tenant)
    config = ok(client.get(f"{API}/meetings/{made['id']}/ice", headers=tenant.headers))
    stun, turn = config["ice_servers"]
    assert stun == {"urls": ["stun:stun.example.com:3478"]}
    expiry, _, user = turn["username"].partition(":")
    assert user and 590 <= int(expiry) - time.time() <= 600
    # What coturn's use-auth-secret checks: base64(HMAC-SHA1(secret, username)).
    expected = hmac.new(
        SECRETS["NEXUS_MEET_TURN_SECRET"].encode(), turn["username"].encode(), hashlib.sha1
    ).digest()
    assert base64.b64decode(turn["credential"]) == expected


def test_no_sfu_no_token(client: Any, tenant: Any) -> None:
    made = meeting(client, tenant, mode="sfu")
    url = f"{API}/meetings/{made['id']}"
    ok(client.post(f"{url}/join", json={"display_name": "Host"}, headers=tenant.headers))
    assert client.get(f"{url}/sfu-token", headers=tenant.headers).status_code == 409
    mesh = meeting(client, tenant)
    answer = client.get(f"{API}/meetings/{mesh['id']}/sfu-token", headers=tenant.headers)
    assert answer.status_code == 409


@pytest.mark.parametrize("sfu", ["livekit", "jitsi"])
def test_sfu_tokens(client: Any, tenant: Any, meet_db: str, sfu: str) -> None:
    set_plugin_settings(meet_db, tenant, "meet", {"sfu": sfu, "sfu_url": "wss://sfu.example.com"})
    made = meeting(client, tenant, mode="sfu", lobby=True)
    url = f"{API}/meetings/{made['id']}"
    ok(client.post(f"{url}/join", json={"display_name": "Host"}, headers=tenant.headers))
    ada = guest(client, tenant, "ada")
    waiting = ok(client.post(f"{url}/join", json={"display_name": "Ada"}, headers=ada))
    assert client.get(f"{url}/sfu-token", headers=ada).status_code == 409
    ok(client.post(f"{url}/participants/{waiting['id']}/admit", headers=tenant.headers))
    host_token = ok(client.get(f"{url}/sfu-token", headers=tenant.headers))
    ada_token = ok(client.get(f"{url}/sfu-token", headers=ada))
    room = f"nexus-{tenant.id}-{made['id']}"
    assert host_token["room"] == ada_token["room"] == room
    assert jwt.get_unverified_header(ada_token["token"])["alg"] == "HS256"
    if sfu == "livekit":
        secret = SECRETS["NEXUS_MEET_LIVEKIT_API_SECRET"]
        claims = jwt.decode(ada_token["token"], secret, algorithms=["HS256"])
        host = jwt.decode(host_token["token"], secret, algorithms=["HS256"])
        assert claims["iss"] == SECRETS["NEXUS_MEET_LIVEKIT_API_KEY"]
        assert claims["name"] == "Ada" and claims["sub"] != host["sub"]
        assert claims["video"]["room"] == room and claims["video"]["roomJoin"] is True
        assert "roomAdmin" not in claims["video"] and host["video"]["roomAdmin"] is True
    else:
        secret = SECRETS["NEXUS_MEET_JITSI_APP_SECRET"]
        claims = jwt.decode(ada_token["token"], secret, algorithms=["HS256"], audience="jitsi")
        host = jwt.decode(host_token["token"], secret, algorithms=["HS256"], audience="jitsi")
        assert claims["iss"] == "nexus" and claims["sub"] == "*" and claims["room"] == room
        assert claims["context"]["user"]["name"] == "Ada"
        assert claims["context"]["user"]["moderator"] is False
        assert host["context"]["user"]["moderator"] is True
    assert claims["exp"] > time.time() + 3000
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(ada_token["token"], "another secret of 32 characters!!", algorithms=["HS256"])
