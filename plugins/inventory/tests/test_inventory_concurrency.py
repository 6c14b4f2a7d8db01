"""Concurrent deliveries queue on the locked quant rows: stock never goes negative."""

from __future__ import annotations

import asyncio

import httpx
from inventory_support import API, create_product, receive, stock


def deliver_at_once(client, tenant, product, quantities):
    """POST one delivery per quantity, all at once, on the app's own event loop."""

    async def run():
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await asyncio.gather(
                *(
                    http.post(
                        f"{API}/moves",
                        json={
                            "kind": "delivery",
                            "product_id": product["id"],
                            "quantity": quantity,
                            "validate": True,
                        },
                        headers=tenant.headers,
                    )
                    for quantity in quantities
                )
            )

    return client.blocking_portal.call(run)


def test_two_deliveries_at_once_never_both_pass_the_availability_check(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "10", "1")

    responses = deliver_at_once(client, tenant, product, ["6", "6"])

    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    assert stock(client, tenant, product)["on_hand"] == "4"


def test_many_deliveries_at_once_take_exactly_what_is_there(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "5", "1")

    responses = deliver_at_once(client, tenant, product, ["1"] * 8)

    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 5 + [409] * 3, [r.text for r in responses]
    seen = stock(client, tenant, product)
    assert (seen["on_hand"], seen["available"]) == ("0", "0")
    done = client.get(
        f"{API}/moves",
        params={"product_id": product["id"], "kind": "delivery", "state": "done"},
        headers=tenant.headers,
    ).json()["items"]
    assert len(done) == 5
