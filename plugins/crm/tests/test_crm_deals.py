"""Pipelines and deals: seeding, stages, moves with history, win/lose, events."""

from __future__ import annotations

from crm_support import API, errors_of, keep_settings, outbox


def _switch(crm, tenant, key, enabled):
    response = crm.put(f"/api/v1/features/{key}", json={"enabled": enabled}, headers=tenant.headers)
    assert response.status_code == 200, response.text


def test_enabling_crm_seeds_the_default_pipeline(crm, tenant):
    # The kernel enables CRM for the tenant before its first request: the hook has seeded.
    pipelines = crm.get(f"{API}/pipelines", headers=tenant.headers).json()["items"]
    assert [(p["name"], p["is_default"]) for p in pipelines] == [("Sales", True)]
    stages = pipelines[0]["stages"]
    assert [s["name"] for s in stages] == ["New", "Qualified", "Proposition", "Negotiation"]
    assert [s["position"] for s in stages] == [1, 2, 3, 4]
    assert [s["probability"] for s in stages] == [20, 40, 60, 80]

    # Disabling keeps the data; enabling again seeds nothing twice.
    _switch(crm, tenant, "crm", False)
    assert crm.get(f"{API}/pipelines", headers=tenant.headers).status_code == 404
    _switch(crm, tenant, "crm", True)
    again = crm.get(f"{API}/pipelines", headers=tenant.headers).json()["items"]
    assert [p["id"] for p in again] == [pipelines[0]["id"]]


def test_a_deal_without_pipeline_goes_to_the_default_from_settings(crm, crm_db, tenant):
    keep_settings(
        crm_db,
        tenant,
        {
            "pipeline_name": "Retail",
            "pipeline_stages": ["Lead", "Quote"],
            "default_currency": "GBP",
        },
    )

    response = crm.post(f"{API}/deals", json={"title": "Shop fit-out"}, headers=tenant.headers)

    assert response.status_code == 201, response.text
    deal = response.json()
    assert (deal["currency"], deal["amount"], deal["stage"], deal["status"]) == (
        "GBP",
        "0.00",
        "Lead",
        "open",
    )
    pipeline = crm.get(f"{API}/pipelines/{deal['pipeline_id']}", headers=tenant.headers).json()
    assert pipeline["name"] == "Retail"
    assert [s["name"] for s in pipeline["stages"]] == ["Lead", "Quote"]
    assert deal["owner"]  # the caller
    assert outbox(crm_db, tenant, "crm.deal.created.v1")[0].data == {
        "id": deal["id"],
        "title": "Shop fit-out",
        "amount": "0.00",
        "currency": "GBP",
        "stage": "Lead",
        "pipeline_id": deal["pipeline_id"],
        "company_id": None,
        "contact_id": None,
        "owner": deal["owner"],
    }


def test_deal_lines_make_the_amount(crm, tenant):
    body = {
        "title": "Laptops",
        "currency": "EUR",
        "lines": [
            {"description": "Laptop", "quantity": "3", "unit_price": "999.99", "sku": "LAP-1"},
            {"description": "Setup", "quantity": "1.5", "unit_price": "80"},
        ],
    }
    deal = crm.post(f"{API}/deals", json=body, headers=tenant.headers).json()
    assert deal["amount"] == "3119.97"
    assert [line["total"] for line in deal["lines"]] == ["2999.97", "120.00"]
    assert deal["lines"][0]["sku"] == "LAP-1"

    wrong = crm.post(f"{API}/deals", json={**body, "amount": "10.00"}, headers=tenant.headers)
    assert "amount" in errors_of(wrong)

    changed = crm.patch(
        f"{API}/deals/{deal['id']}",
        json={"lines": [{"description": "Laptop", "quantity": "1", "unit_price": "999.99"}]},
        headers=tenant.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["amount"] == "999.99"


def test_money_follows_the_currency(crm, tenant):
    too_fine = crm.post(
        f"{API}/deals",
        json={"title": "Yen", "amount": "100.5", "currency": "JPY"},
        headers=tenant.headers,
    )
    assert "amount" in errors_of(too_fine)
    bad = crm.post(
        f"{API}/deals",
        json={"title": "X", "amount": "1", "currency": "ZZZ"},
        headers=tenant.headers,
    )
    assert "currency" in errors_of(bad)
    kwd = crm.post(
        f"{API}/deals",
        json={"title": "Dinar", "amount": "12.5", "currency": "kwd"},
        headers=tenant.headers,
    )
    assert (kwd.json()["amount"], kwd.json()["currency"]) == ("12.500", "KWD")
    negative = crm.post(f"{API}/deals", json={"title": "N", "amount": "-1"}, headers=tenant.headers)
    assert "amount" in errors_of(negative)


def test_moving_a_deal_records_its_history(crm, crm_db, tenant):
    deal = crm.post(f"{API}/deals", json={"title": "Move me"}, headers=tenant.headers).json()
    pipeline = crm.get(f"{API}/pipelines/{deal['pipeline_id']}", headers=tenant.headers).json()
    qualified, proposition = pipeline["stages"][1], pipeline["stages"][2]

    moved = crm.post(
        f"{API}/deals/{deal['id']}/move", json={"stage_id": qualified["id"]}, headers=tenant.headers
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["stage"], moved.json()["probability"]) == ("Qualified", 40)
    patched = crm.patch(
        f"{API}/deals/{deal['id']}", json={"stage_id": proposition["id"]}, headers=tenant.headers
    )
    assert patched.json()["stage"] == "Proposition"

    history = crm.get(f"{API}/deals/{deal['id']}/history", headers=tenant.headers).json()
    assert [(h["from_stage"], h["to_stage"], h["status"]) for h in history] == [
        (None, "New", "open"),
        ("New", "Qualified", "open"),
        ("Qualified", "Proposition", "open"),
    ]
    updates = outbox(crm_db, tenant, "crm.deal.updated.v1")
    assert [event.data["stage"] for event in updates] == ["Qualified", "Proposition"]


def test_a_stage_of_another_pipeline_is_refused(crm, tenant):
    deal = crm.post(f"{API}/deals", json={"title": "Stay"}, headers=tenant.headers).json()
    other = crm.post(
        f"{API}/pipelines",
        json={"name": "Other", "stages": [{"name": "A"}]},
        headers=tenant.headers,
    ).json()

    response = crm.post(
        f"{API}/deals/{deal['id']}/move",
        json={"stage_id": other["stages"][0]["id"], "pipeline_id": deal["pipeline_id"]},
        headers=tenant.headers,
    )
    assert "stage_id" in errors_of(response)

    moved = crm.post(
        f"{API}/deals/{deal['id']}/move",
        json={"stage_id": other["stages"][0]["id"]},
        headers=tenant.headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["pipeline_id"] == other["id"]


def test_winning_a_deal_publishes_the_won_event_with_lines(crm, crm_db, tenant):
    company = crm.post(f"{API}/companies", json={"name": "Buyer SA"}, headers=tenant.headers)
    contact = crm.post(
        f"{API}/contacts",
        json={"last_name": "Doe", "email": "doe@buyer.example", "company_id": company.json()["id"]},
        headers=tenant.headers,
    )
    product = "0192b3c4-0000-7000-8000-000000000001"
    deal = crm.post(
        f"{API}/deals",
        json={
            "title": "Chairs",
            "currency": "EUR",
            "company_id": company.json()["id"],
            "contact_id": contact.json()["id"],
            "lines": [
                {
                    "description": "Chair",
                    "quantity": "4",
                    "unit_price": "125.00",
                    "product_id": product,
                    "sku": "CH-1",
                },
                {"description": "Delivery", "unit_price": "50"},
            ],
        },
        headers=tenant.headers,
    ).json()

    won = crm.post(f"{API}/deals/{deal['id']}/win", headers=tenant.headers)

    assert won.status_code == 200, won.text
    assert (won.json()["status"], won.json()["probability"]) == ("won", 100)
    (event,) = outbox(crm_db, tenant, "crm.deal.won.v1")
    assert event.subject == deal["id"]
    assert event.tenantid == str(tenant.id)
    assert event.data == {
        "id": deal["id"],
        "title": "Chairs",
        "amount": "550.00",
        "currency": "EUR",
        "company_id": company.json()["id"],
        "company_name": "Buyer SA",
        "contact_id": contact.json()["id"],
        "contact_email": "doe@buyer.example",
        "won_at": event.data["won_at"],
        "lines": [
            {
                "description": "Chair",
                "quantity": "4",
                "unit_price": "125.00",
                "product_id": product,
                "sku": "CH-1",
            },
            {
                "description": "Delivery",
                "quantity": "1",
                "unit_price": "50",
                "product_id": None,
                "sku": None,
            },
        ],
    }
    assert event.data["won_at"].startswith(won.json()["closed_at"][:19])

    again = crm.post(f"{API}/deals/{deal['id']}/win", headers=tenant.headers)
    assert again.status_code == 409
    edit = crm.patch(f"{API}/deals/{deal['id']}", json={"title": "X"}, headers=tenant.headers)
    assert edit.status_code == 409
    assert len(outbox(crm_db, tenant, "crm.deal.won.v1")) == 1


def test_losing_and_reopening(crm, crm_db, tenant):
    deal = crm.post(f"{API}/deals", json={"title": "Maybe"}, headers=tenant.headers).json()

    lost = crm.post(
        f"{API}/deals/{deal['id']}/lose", json={"reason": "Too expensive"}, headers=tenant.headers
    )
    assert lost.status_code == 200, lost.text
    assert (lost.json()["status"], lost.json()["lost_reason"]) == ("lost", "Too expensive")
    assert crm.post(f"{API}/deals/{deal['id']}/win", headers=tenant.headers).status_code == 409

    reopened = crm.post(f"{API}/deals/{deal['id']}/reopen", headers=tenant.headers)
    assert (reopened.json()["status"], reopened.json()["lost_reason"]) == ("open", None)
    statuses = [
        h["status"]
        for h in crm.get(f"{API}/deals/{deal['id']}/history", headers=tenant.headers).json()
    ]
    assert statuses == ["open", "lost", "open"]
    assert outbox(crm_db, tenant, "crm.deal.won.v1") == []
    lost_only = crm.get(f"{API}/deals", params={"status": "lost"}, headers=tenant.headers)
    assert lost_only.json()["items"] == []


def test_stages_are_ordered_and_guarded(crm, tenant):
    pipeline = crm.post(
        f"{API}/pipelines",
        json={"name": "Hiring", "stages": [{"name": "Applied"}, {"name": "Offer"}]},
        headers=tenant.headers,
    ).json()
    url = f"{API}/pipelines/{pipeline['id']}"

    added = crm.post(
        f"{url}/stages", json={"name": "Interview", "position": 2}, headers=tenant.headers
    ).json()
    assert [s["name"] for s in added["stages"]] == ["Applied", "Interview", "Offer"]
    ids = [s["id"] for s in added["stages"]]
    reordered = crm.put(
        f"{url}/stages/order", json={"stage_ids": ids[::-1]}, headers=tenant.headers
    ).json()
    assert [s["name"] for s in reordered["stages"]] == ["Offer", "Interview", "Applied"]
    moved = crm.patch(
        f"{url}/stages/{ids[0]}", json={"position": 1, "probability": 5}, headers=tenant.headers
    ).json()
    assert [(s["name"], s["position"]) for s in moved["stages"]] == [
        ("Applied", 1),
        ("Offer", 2),
        ("Interview", 3),
    ]

    deal = crm.post(
        f"{API}/deals", json={"title": "Dev", "pipeline_id": pipeline["id"]}, headers=tenant.headers
    ).json()
    assert deal["stage"] == "Applied"
    assert crm.delete(f"{url}/stages/{ids[0]}", headers=tenant.headers).status_code == 409
    assert crm.delete(url, headers=tenant.headers).status_code == 409
    assert crm.delete(f"{url}/stages/{ids[1]}", headers=tenant.headers).status_code == 204
    assert crm.delete(f"{API}/deals/{deal['id']}", headers=tenant.headers).status_code == 204
    assert crm.delete(url, headers=tenant.headers).status_code == 204


def test_one_default_pipeline(crm, tenant):
    first = crm.post(f"{API}/deals", json={"title": "Seed"}, headers=tenant.headers).json()
    second = crm.post(
        f"{API}/pipelines",
        json={"name": "B", "is_default": True, "stages": [{"name": "Only"}]},
        headers=tenant.headers,
    ).json()

    pipelines = crm.get(f"{API}/pipelines", headers=tenant.headers).json()["items"]
    assert [p["id"] for p in pipelines if p["is_default"]] == [second["id"]]
    assert first["pipeline_id"] != second["id"]
    deal = crm.post(f"{API}/deals", json={"title": "Next"}, headers=tenant.headers).json()
    assert deal["pipeline_id"] == second["id"]
    unset = crm.patch(
        f"{API}/pipelines/{second['id']}", json={"is_default": False}, headers=tenant.headers
    )
    assert unset.status_code == 409


def test_deals_feature_off_hides_deals_and_pipelines(crm, tenant):
    deal = crm.post(f"{API}/deals", json={"title": "Hidden"}, headers=tenant.headers).json()

    _switch(crm, tenant, "crm.deals", False)

    assert crm.get(f"{API}/deals/{deal['id']}", headers=tenant.headers).status_code == 404
    assert crm.post(f"{API}/deals", json={"title": "No"}, headers=tenant.headers).status_code == 404
    assert crm.get(f"{API}/pipelines", headers=tenant.headers).status_code == 404
    assert crm.get(f"{API}/contacts", headers=tenant.headers).status_code == 200
    _switch(crm, tenant, "crm.deals", True)
    assert crm.get(f"{API}/deals/{deal['id']}", headers=tenant.headers).status_code == 200


def test_pipeline_summary_totals_per_stage_and_currency(crm, tenant, other):
    deal = crm.post(
        f"{API}/deals", json={"title": "A", "amount": "100.00"}, headers=tenant.headers
    ).json()
    crm.post(f"{API}/deals", json={"title": "B", "amount": "50.50"}, headers=tenant.headers)
    crm.post(
        f"{API}/deals",
        json={"title": "C", "amount": "1000", "currency": "JPY"},
        headers=tenant.headers,
    )
    won = crm.post(
        f"{API}/deals", json={"title": "D", "amount": "7.00"}, headers=tenant.headers
    ).json()
    crm.post(f"{API}/deals/{won['id']}/win", headers=tenant.headers)
    url = f"{API}/pipelines/{deal['pipeline_id']}/summary"

    summary = crm.get(url, headers=tenant.headers).json()

    first, *rest = summary["stages"]
    assert (first["name"], first["count"]) == ("New", 3)
    assert first["totals"] == [
        {"currency": "EUR", "count": 2, "amount": "150.50", "weighted": "30.10"},
        {"currency": "JPY", "count": 1, "amount": "1000", "weighted": "200"},
    ]
    assert all(stage["count"] == 0 and stage["totals"] == [] for stage in rest)
    assert summary["won"] == [{"currency": "EUR", "count": 1, "amount": "7.00", "weighted": "7.00"}]
    assert summary["lost"] == []
    assert crm.get(url, headers=other.headers).status_code == 404


def test_the_default_pipeline_is_deleted_last(crm, tenant):
    seeded = crm.post(f"{API}/deals", json={"title": "Seed"}, headers=tenant.headers).json()
    crm.delete(f"{API}/deals/{seeded['id']}", headers=tenant.headers)
    other = crm.post(
        f"{API}/pipelines",
        json={"name": "Other", "stages": [{"name": "A"}]},
        headers=tenant.headers,
    ).json()
    default = f"{API}/pipelines/{seeded['pipeline_id']}"

    assert crm.delete(default, headers=tenant.headers).status_code == 409
    assert crm.delete(f"{API}/pipelines/{other['id']}", headers=tenant.headers).status_code == 204
    assert crm.delete(default, headers=tenant.headers).status_code == 204
    # Only enabling CRM seeds a pipeline: without one, a deal must name its pipeline.
    response = crm.post(f"{API}/deals", json={"title": "Again"}, headers=tenant.headers)
    assert errors_of(response) == {
        "pipeline_id": "the tenant has no default pipeline: name a pipeline"
    }
