"""The storefront's catalog: what is published, priced, in stock, found by search."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shop_helpers import API, default_list, ok, problem, published, shop_tenant, stocked, store


def test_storefront_lists_published_priced_products_with_stock_and_tax(
    client: Any, shop_db: str
) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "7", price="12500", name="Oak desk")
    hidden = stocked(client, tenant, "3", name="Pine shelf")
    ok(client.put(f"{API}/listings/{hidden}", json={"published": False}, headers=tenant.headers))

    products = ok(client.get(f"{store(tenant)}/products"))

    assert [p["product_id"] for p in products] == [desk]
    [desk_out] = products
    assert Decimal(desk_out["price"]) == Decimal("12500")
    assert desk_out["currency"] == "NGN"
    assert Decimal(desk_out["available"]) == 7
    assert desk_out["in_stock"] is True
    assert Decimal(desk_out["tax_rate"]) == Decimal("7.5")
    assert Decimal(desk_out["price_with_tax"]) == Decimal("13437.50")
    problem(client.get(f"{store(tenant)}/products/{hidden}"), 404)


def test_an_unpriced_product_is_not_sold_and_another_currency_needs_its_list(
    client: Any, shop_db: str
) -> None:
    tenant = shop_tenant(shop_db)
    unpriced = stocked(client, tenant, "2")
    ok(client.put(f"{API}/listings/{unpriced}", json={"published": True}, headers=tenant.headers))

    assert ok(client.get(f"{store(tenant)}/products")) == []
    refused = problem(client.get(f"{store(tenant)}/products", params={"currency": "USD"}), 422)
    assert "USD" in str(refused)


def test_search_finds_by_words_of_title_and_description_best_first(
    client: Any, shop_db: str
) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, name="Standing desk", description="Height adjustable")
    chair = published(client, tenant, name="Office chair", description="Fits any desk")
    published(client, tenant, name="Lamp")

    hits = ok(client.get(f"{store(tenant)}/products/search", params={"q": "desk"}))
    assert [h["product_id"] for h in hits] == [desk, chair]  # the title weighs more
    hits = ok(client.get(f"{store(tenant)}/products/search", params={"q": "adjustable"}))
    assert [h["product_id"] for h in hits] == [desk]


def test_categories_filter_the_catalog(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    category = ok(
        client.post(
            f"{API}/categories",
            json={"name": "Chairs", "slug": "chairs"},
            headers=tenant.headers,
        ),
        201,
    )
    chair = published(client, tenant, name="Chair", category_id=category["id"])
    published(client, tenant, name="Desk")

    assert [c["slug"] for c in ok(client.get(f"{store(tenant)}/categories"))] == ["chairs"]
    found = ok(client.get(f"{store(tenant)}/products", params={"category": "chairs"}))
    assert [p["product_id"] for p in found] == [chair]
    taken = client.post(
        f"{API}/categories", json={"name": "Again", "slug": "chairs"}, headers=tenant.headers
    )
    problem(taken, 409)


def test_images_are_kept_in_the_files_store_and_served_to_visitors(
    client: Any, shop_db: str
) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

    image = ok(
        client.post(
            f"{API}/listings/{desk}/images",
            content=png,
            headers={**tenant.headers, "content-type": "image/png"},
        ),
        201,
    )
    fake = client.post(
        f"{API}/listings/{desk}/images",
        content=b"<html>",
        headers={**tenant.headers, "content-type": "image/png"},
    )
    problem(fake, 422)

    [product] = ok(client.get(f"{store(tenant)}/products"))
    [shown] = product["images"]
    assert shown["id"] == image["id"]
    served = client.get(shown["url"])
    assert served.status_code == 200
    assert served.content == png
    assert served.headers["content-type"] == "image/png"


def test_another_tenants_storefront_and_listings_are_not_reachable(
    client: Any, shop_db: str
) -> None:
    mine = shop_tenant(shop_db)
    theirs = shop_tenant(shop_db)
    desk = published(client, mine)

    problem(client.get(f"{API}/listings/{desk}", headers=theirs.headers), 404)
    problem(client.get(f"{store(theirs)}/products/{desk}"), 404)
    price_list = default_list(client, mine)
    problem(client.get(f"{API}/price-lists/{price_list}", headers=theirs.headers), 404)
    problem(client.get(f"{API}/store/no-such-shop/products"), 404)


def test_a_client_address_is_rate_limited(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db, storefront_per_minute=3)
    for _ in range(3):
        ok(client.get(f"{store(tenant)}/categories"))

    refused = client.get(f"{store(tenant)}/categories")

    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    other = shop_tenant(shop_db)
    ok(client.get(f"{store(other)}/categories"))  # counted per tenant


def test_listing_a_product_inventory_does_not_have_is_404(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    problem(
        client.put(
            f"{API}/listings/0190f5a2-7c1e-7a00-8000-0000000000ff",
            json={"published": True},
            headers=tenant.headers,
        ),
        404,
    )
