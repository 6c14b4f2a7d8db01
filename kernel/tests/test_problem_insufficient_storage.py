"""507 Insufficient Storage reaches the client as a problem with its numbers; other 5xx don't."""

from __future__ import annotations

from litestar import Litestar, get
from litestar.exceptions import HTTPException
from litestar.testing import TestClient
from nexus.http._problems import PROBLEM_TYPES, exception_handlers


@get("/full")
async def full() -> None:
    raise HTTPException(
        "the quota is used up", status_code=507, extra={"limit": 10, "used": 8, "needed": 5}
    )


@get("/broken")
async def broken() -> None:
    raise HTTPException("secret internals", status_code=502)


def test_507_is_a_problem_with_its_members_and_502_stays_internal() -> None:
    app = Litestar([full, broken], exception_handlers=exception_handlers)
    with TestClient(app) as client:
        answer = client.get("/full")
        assert answer.status_code == 507
        body = answer.json()
        assert body["type"] == "/problems/insufficient-storage"
        assert (body["limit"], body["used"], body["needed"]) == (10, 8, 5)
        assert body["detail"] == "the quota is used up"
        hidden = client.get("/broken")
        assert hidden.status_code == 500
        assert "secret" not in hidden.text
    assert PROBLEM_TYPES["insufficient-storage"].status == 507
