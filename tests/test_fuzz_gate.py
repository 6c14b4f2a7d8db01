"""The fuzz run fails when an operation never got past authentication, and says how many did."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[1] / "scripts" / "fuzz_api.py"


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("fuzz_api", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_api"] = module
    spec.loader.exec_module(module)
    return module


ACCESS = {
    "GET /api/v1/crm/tags": "tenant",
    "POST /api/v1/crm/tags": "tenant",
    "GET /api/v1/me": "authenticated",
    "POST /api/v1/auth/token": "public",
    "DELETE /api/v1/api-keys/{key_id}": "tenant",
}


def test_an_operation_that_only_saw_401_fails_the_run(fuzz, capsys):
    answers = {
        "GET /api/v1/crm/tags": Counter({200: 5, 401: 3}),
        "POST /api/v1/crm/tags": Counter({401: 40, 403: 2}),  # the key was revoked
        "GET /api/v1/me": Counter({200: 1}),
        "POST /api/v1/auth/token": Counter({401: 9}),  # public: wrong passwords are answers
    }
    assert fuzz._report(ACCESS, answers) == 1
    out = capsys.readouterr().out
    assert "2 operations exercised with a valid credential" in out
    assert "never got past authentication" in out
    assert "POST /api/v1/crm/tags" in out.split("never got past authentication")[1]
    assert "GET /api/v1/crm/tags" not in out.split("never got past authentication")[1]
    # Counts per operation: past authentication / refused.
    assert "     5 /      3  GET /api/v1/crm/tags" in out


def test_every_operation_past_authentication_passes(fuzz, capsys):
    answers = {
        "GET /api/v1/crm/tags": Counter({200: 5}),
        "POST /api/v1/crm/tags": Counter({201: 1, 422: 30}),
        "GET /api/v1/me": Counter({200: 1}),
    }
    assert fuzz._report(ACCESS, answers) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("3 operations exercised with a valid credential")
    assert "(left out: revokes API keys" in out


def test_operations_that_revoke_the_fuzzers_key_exist_and_are_left_out(fuzz):
    operations = fuzz._operations("postgresql://nobody@127.0.0.1:1/none")  # connects nowhere
    assert set(fuzz._SELF_HARM) <= set(operations)
    assert operations["POST /api/v1/auth/token"] == "public"
    assert operations["POST /api/v1/tenants/{tenant_id}/suspend"] == "platform"
    assert not [name for name in operations if " /schema" in name or " /console" in name]
    assert (
        fuzz._operation("GET", "/api/v1/crm/tags/{tag_id:uuid}") == "GET /api/v1/crm/tags/{tag_id}"
    )
