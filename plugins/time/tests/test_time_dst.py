"""Time zones: a DST week in Europe/London (29 March 2026) and Africa/Lagos (no DST)."""

from __future__ import annotations

from typing import Any

from time_support import API, employee, ok, shift

WEEK = "2026-03-23"  # Monday; clocks in London go forward on Sunday 29 March at 01:00 UTC


def clock_week(client: Any, tenant: Any, who: str, night: tuple[str, str]) -> dict[str, Any]:
    shift(client, tenant, who, start="2026-03-23T09:00:00+00:00", end="2026-03-23T19:00:00+00:00")
    for day in ("24", "25", "26", "27"):
        shift(
            client,
            tenant,
            who,
            start=f"2026-03-{day}T09:00:00+00:00",
            end=f"2026-03-{day}T17:00:00+00:00",
        )
    return shift(client, tenant, who, start=night[0], end=night[1])


def test_a_night_shift_across_the_london_change_counts_its_real_hours(
    client: Any, tenant: Any
) -> None:
    ada = employee(client, tenant, zone="Europe/London")
    # 22:00 GMT on Saturday to 06:00 BST on Sunday: seven hours, not eight.
    night = clock_week(
        client, tenant, ada, ("2026-03-28T22:00:00+00:00", "2026-03-29T06:00:00+01:00")
    )
    assert night["worked_hours"] == "7.00"
    assert night["day"] == "2026-03-28"
    assert night["clock_out"] == "2026-03-29T05:00:00Z"

    sheet = ok(
        client.post(
            f"{API}/employees/{ada}/timesheets", json={"week_start": WEEK}, headers=tenant.headers
        ),
        201,
    )
    assert [(line["date"], line["hours"]) for line in sheet["lines"]] == [
        ("2026-03-23", "10.00"),
        ("2026-03-24", "8.00"),
        ("2026-03-25", "8.00"),
        ("2026-03-26", "8.00"),
        ("2026-03-27", "8.00"),
        ("2026-03-28", "7.00"),
    ]
    assert sheet["total_hours"] == "49.00"
    # Daily excess 2 h (Monday), weekly excess 9 h: the larger counts.
    assert sheet["overtime_hours"] == "9.00"


def test_the_same_night_in_lagos_counts_eight_hours(client: Any, tenant: Any) -> None:
    ola = employee(client, tenant, zone="Africa/Lagos", name="Ola")
    night = clock_week(
        client, tenant, ola, ("2026-03-28T22:00:00+01:00", "2026-03-29T06:00:00+01:00")
    )
    assert night["worked_hours"] == "8.00"
    assert night["day"] == "2026-03-28"
    # Half past midnight in Lagos on Monday is still Sunday in UTC: next week's record.
    late = shift(
        client, tenant, ola, start="2026-03-29T23:30:00+00:00", end="2026-03-30T08:30:00+00:00"
    )
    assert late["day"] == "2026-03-30"
    report = ok(
        client.get(
            f"{API}/reports/overtime",
            params={"date_from": WEEK, "date_to": "2026-04-05", "employee_id": ola},
            headers=tenant.headers,
        )
    )
    assert [(r["week_start"], r["worked_hours"], r["overtime_hours"]) for r in report["rows"]] == [
        ("2026-03-23", "50.00", "10.00"),
        ("2026-03-30", "9.00", "1.00"),
    ]


def test_lateness_follows_the_shifts_local_start_across_the_change(
    client: Any, tenant: Any
) -> None:
    ada = employee(client, tenant, zone="Europe/London")
    early = ok(
        client.post(
            f"{API}/shifts",
            json={"name": "Day", "start": "09:00:00", "end": "17:00:00"},
            headers=tenant.headers,
        ),
        201,
    )
    for day in ("2026-03-23", "2026-03-30"):
        ok(
            client.post(
                f"{API}/employees/{ada}/roster",
                json={"shift_id": early["id"], "date": day},
                headers=tenant.headers,
            ),
            201,
        )
    # 09:03 GMT: within the five minutes of grace. 08:10 UTC a week later is 09:10 BST: late.
    shift(client, tenant, ada, start="2026-03-23T09:03:00+00:00", end="2026-03-23T17:00:00+00:00")
    shift(client, tenant, ada, start="2026-03-30T08:10:00+00:00", end="2026-03-30T16:00:00+00:00")
    [row] = ok(
        client.get(
            f"{API}/reports/attendance",
            params={"date_from": "2026-03-23", "date_to": "2026-03-30"},
            headers=tenant.headers,
        )
    )["rows"]
    assert (row["days_present"], row["late_arrivals"], row["late_minutes"]) == (2, 1, 10)
    assert row["worked_hours"] == "15.78"  # 7 h 57 min + 7 h 50 min
