"""Business-hours arithmetic: weekends, public holidays, closed days, zones, pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from nexus_support._calendar import WorkCalendar, add_business, business_seconds
from nexus_support._sla import measure

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600

OFFICE = WorkCalendar(zone="Europe/London", country="GB", subdivision="ENG")
PLAIN = WorkCalendar(zone="Europe/London")


def at(day: str, clock: str, zone: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=zone)


def test_eight_hours_from_friday_afternoon_end_on_monday() -> None:
    # Friday 2026-03-13 16:00: one hour that day, seven on Monday the 16th.
    due = add_business(OFFICE, at("2026-03-13", "16:00"), 8 * HOUR)
    assert due == at("2026-03-16", "16:00")
    assert business_seconds(OFFICE, at("2026-03-13", "16:00"), due) == 8 * HOUR


def test_easter_monday_is_skipped_in_england() -> None:
    # Good Friday 2026-04-03 and Easter Monday 2026-04-06 are bank holidays in England.
    due = add_business(OFFICE, at("2026-04-02", "16:00"), 8 * HOUR)
    assert due == at("2026-04-07", "16:00")
    # Without the country the same span ends on Friday.
    assert add_business(PLAIN, at("2026-04-02", "16:00"), 8 * HOUR) == at("2026-04-03", "16:00")


def test_an_extra_closed_day_is_skipped() -> None:
    closed = WorkCalendar(zone="Europe/London", closed_days=frozenset({date(2026, 3, 16)}))
    assert add_business(closed, at("2026-03-13", "16:00"), 8 * HOUR) == at("2026-03-17", "16:00")


def test_hours_are_local_across_a_daylight_saving_change() -> None:
    # New York springs forward on Sunday 2026-03-08; the office still opens at 09:00 local.
    office = WorkCalendar(zone="America/New_York")
    friday = at("2026-03-06", "09:00", NEW_YORK)
    due = add_business(office, friday, 16 * HOUR)
    assert due == at("2026-03-09", "17:00", NEW_YORK)
    assert due.astimezone(UTC).hour == 21  # 17:00 EDT, where Friday's 17:00 was 22:00 UTC
    assert business_seconds(office, friday, due) == 16 * HOUR


def test_time_outside_hours_counts_nothing() -> None:
    assert business_seconds(OFFICE, at("2026-03-14", "10:00"), at("2026-03-15", "20:00")) == 0
    assert business_seconds(OFFICE, at("2026-03-16", "17:00"), at("2026-03-17", "09:00")) == 0
    # A start before opening counts from the opening.
    assert add_business(OFFICE, at("2026-03-16", "06:00"), HOUR) == at("2026-03-16", "10:00")


def test_a_pause_stops_the_resolution_clock_but_not_the_first_response() -> None:
    ticket = {
        "created_at": at("2026-03-13", "15:00"),
        "first_responded_at": None,
        "solved_at": None,
    }
    policy = {"first_response_minutes": 120, "resolution_minutes": 600}
    # Waiting on the customer from Friday 16:00 to Monday 11:00: three business hours off.
    pauses = [(at("2026-03-13", "16:00"), at("2026-03-16", "11:00"))]
    first, resolution = measure(
        PLAIN, ticket=ticket, policy=policy, pauses=pauses, now=at("2026-03-16", "12:00")
    )
    # Friday 15:00–17:00 and Monday 09:00–12:00: five hours, the pause does not count.
    assert (first.elapsed_minutes, first.breached) == (300, True)
    assert first.due_at == at("2026-03-13", "17:00")
    assert (resolution.elapsed_minutes, resolution.breached) == (120, False)
    # Ten hours plus the three paused from Friday 15:00: 2 on Friday, 8 on Monday, 3 on Tuesday.
    assert resolution.due_at == at("2026-03-17", "12:00")
    # An open pause (still waiting) keeps the clock where the pause began.
    _, waiting = measure(
        PLAIN,
        ticket=ticket,
        policy=policy,
        pauses=[(at("2026-03-13", "16:00"), None)],
        now=at("2026-03-18", "12:00"),
    )
    assert waiting.elapsed_minutes == 60


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
spans = st.integers(min_value=1, max_value=200 * HOUR)
zones = st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"])
countries = st.sampled_from([None, "GB", "US", "FR", "NG"])


def calendars() -> st.SearchStrategy[WorkCalendar]:
    return st.builds(
        WorkCalendar,
        zone=zones,
        weekdays=st.frozensets(st.integers(0, 6), min_size=1),
        opens=st.sampled_from([time(0), time(8), time(9, 30)]),
        closes=st.sampled_from([time(12), time(17), time(23, 59)]),
        country=countries,
    )


@settings(max_examples=60, deadline=None)
@given(calendar=calendars(), start=instants, seconds=spans)
def test_adding_business_time_counts_it_back(
    calendar: WorkCalendar, start: datetime, seconds: int
) -> None:
    due = add_business(calendar, start, seconds)
    assert due > start
    assert business_seconds(calendar, start, due) == seconds
    assert calendar.is_open_day(calendar.local_day(due - timedelta(microseconds=1)))


@settings(max_examples=60, deadline=None)
@given(calendar=calendars(), a=instants, b=instants, c=instants)
def test_business_time_adds_up_over_consecutive_spans(
    calendar: WorkCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    first, middle, last = sorted((a, b, c))
    whole = business_seconds(calendar, first, last)
    parts = business_seconds(calendar, first, middle) + business_seconds(calendar, middle, last)
    assert abs(whole - parts) <= 1  # each count drops its sub-second remainder
    assert whole <= (last - first).total_seconds()


def test_a_target_out_of_the_calendars_reach_has_no_due_time() -> None:
    rare = WorkCalendar(zone="UTC", weekdays=frozenset({0}), opens=time(9), closes=time(9, 1))
    ticket = {
        "created_at": at("2026-03-16", "09:00"),
        "first_responded_at": None,
        "solved_at": None,
    }
    policy = {"first_response_minutes": 30, "resolution_minutes": 100_000}
    first, resolution = measure(
        rare, ticket=ticket, policy=policy, pauses=[], now=ticket["created_at"]
    )
    # One minute each Monday: the thirtieth is 29 weeks on.
    assert first.due_at == datetime(2026, 3, 16, 9, 1, tzinfo=UTC) + timedelta(weeks=29)
    assert resolution.due_at is None and resolution.breached is False
