"""Adherence from the day index: planned reminders kept, and the streak."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.magnesium.adherence import (
    PERIODS,
    STREAK_CAP,
    Adherence,
    DayInput,
    DayResult,
    adherence,
    day_codes,
    day_result,
    day_spans,
    past_days,
    streak,
)
from custom_components.magnesium.ledger import Kind, Ledger, make_record
from custom_components.magnesium.schedule import (
    BathPlan,
    ReminderPlan,
    Slot,
    SlotPlan,
    day_bounds,
    windows,
)

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 6, 10)  # a Wednesday


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


def plan(
    *, morning: bool = True, evening: bool = True, bath_days: frozenset[int] = frozenset()
) -> ReminderPlan:
    return ReminderPlan(
        morning=SlotPlan(Slot.MORNING, time(8, 0), morning),
        evening=SlotPlan(Slot.EVENING, time(21, 0), evening),
        bath=BathPlan(bath_days, time(20, 0), bool(bath_days)),
        daily_target=300,
        daily_limit=350,
    )


def ledger_with(*moments: datetime, baths: tuple[datetime, ...] = ()) -> Ledger:
    ledger = Ledger(tz=BERLIN)
    for moment in moments:
        ledger.add(make_record(taken_at=moment, kind=Kind.ORAL, form="glycinate", elemental_mg=1))
    for moment in baths:
        ledger.add(make_record(taken_at=moment, kind=Kind.BATH, form="sulfate"))
    return ledger


def lookup(ledger: Ledger):  # type: ignore[no-untyped-def]
    return lambda day: DayInput(ledger.dose_minutes.get(day, ()), ledger.day_total(day).baths)


def test_day_result_counts_slots_by_their_windows() -> None:
    ledger = ledger_with(local(TODAY, 7), local(TODAY, 9))  # both in the morning window
    day = TODAY - timedelta(days=0)
    at_night = local(TODAY + timedelta(days=1), 1)
    assert day_result(plan(), day, BERLIN, lookup(ledger)(day), at_night) == DayResult(2, 1, 0)
    both = ledger_with(local(TODAY, 7), local(TODAY, 23, 59))
    assert day_result(plan(), day, BERLIN, lookup(both)(day), at_night) == DayResult(2, 2, 0)
    assert day_result(plan(), day, BERLIN, lookup(both)(day), at_night).complete


def test_today_counts_a_slot_once_satisfied_or_closed() -> None:
    ledger = ledger_with(local(TODAY, 8))
    data = lookup(ledger)(TODAY)
    # at 10:00 the morning dose counts; the evening window is open
    assert day_result(plan(), TODAY, BERLIN, data, local(TODAY, 10)) == DayResult(1, 1, 1)
    empty = DayInput((), 0)
    assert day_result(plan(), TODAY, BERLIN, empty, local(TODAY, 10)) == DayResult(0, 0, 2)
    # the morning window closes at 14:30
    assert day_result(plan(), TODAY, BERLIN, empty, local(TODAY, 14, 30)) == DayResult(1, 0, 1)


def test_baths_on_bath_days_count() -> None:
    wednesday = plan(bath_days=frozenset({2}))
    data = DayInput((8 * 60, 21 * 60), 1)
    assert day_result(wednesday, TODAY, BERLIN, data, local(TODAY, 23)) == DayResult(3, 3, 0)
    no_bath = DayInput((8 * 60, 21 * 60), 0)
    assert day_result(wednesday, TODAY, BERLIN, no_bath, local(TODAY, 23)) == DayResult(2, 2, 1)
    tomorrow = TODAY + timedelta(days=1)
    assert day_result(wednesday, TODAY, BERLIN, no_bath, local(tomorrow, 0)) == DayResult(3, 2, 0)
    # Thursday is not a bath day
    assert day_result(wednesday, tomorrow, BERLIN, DayInput((), 0), local(tomorrow, 0)).planned == 0


def test_the_first_day_counts_from_the_moment_the_log_began() -> None:
    """Begun at 20:45: the morning and the 20:00 bath are not missed, the evening counts."""
    wednesday = plan(bath_days=frozenset({2}))
    started = local(TODAY, 20, 45)
    empty = DayInput((), 0)
    tomorrow = TODAY + timedelta(days=1)
    at_night = local(tomorrow, 0)
    assert day_result(wednesday, TODAY, BERLIN, empty, at_night, started=started) == DayResult(
        1, 0, 0
    )
    assert day_result(wednesday, TODAY, BERLIN, empty, local(TODAY, 20, 45), started=started) == (
        DayResult(0, 0, 1)
    )
    # kept anyway (a dose logged back-dated into the morning): it counts as kept
    morning = DayInput((9 * 60, 21 * 60), 0)
    assert day_result(wednesday, TODAY, BERLIN, morning, at_night, started=started) == DayResult(
        2, 2, 0
    )
    # only that day: the day after counts whole
    assert (
        day_result(
            wednesday,
            tomorrow,
            BERLIN,
            empty,
            local(tomorrow + timedelta(days=1), 0),
            started=started,
        ).planned
        == 2
    )
    ledger = ledger_with(local(TODAY, 21, 5))
    result = adherence(wednesday, local(TODAY, 22), BERLIN, lookup(ledger), TODAY, started=started)
    assert (result.planned[7], result.satisfied[7], result.percent[7]) == (1, 1, 100.0)
    assert result.streak == 1
    later = adherence(
        wednesday, local(tomorrow, 12), BERLIN, lookup(ledger), TODAY, started=started
    )
    assert (later.planned[7], later.satisfied[7], later.streak) == (1, 1, 1)
    codes = day_codes(wednesday, tomorrow, BERLIN, lookup(ledger), TODAY, started=started)
    assert codes == "c"


def test_adherence_over_7_and_30_days_and_streak() -> None:
    moments = []
    for offset in range(1, 40):
        day = TODAY - timedelta(days=offset)
        moments.append(local(day, 8))
        if offset not in (3, 10):  # two evenings missed
            moments.append(local(day, 21))
    ledger = ledger_with(*moments, local(TODAY, 8))
    result = adherence(plan(), local(TODAY, 12), BERLIN, lookup(ledger), date(2026, 1, 1))
    # 7 days: today's morning (1/1) + 6 past days (12 planned, 11 kept)
    assert (result.planned[7], result.satisfied[7]) == (13, 12)
    assert result.percent[7] == round(100 * 12 / 13, 1)
    # 30 days: 1 + 29 * 2 planned, two missed
    assert (result.planned[30], result.satisfied[30]) == (59, 57)
    # today is not complete yet (the evening is open) and does not break the streak
    assert result.streak == 2
    evening = adherence(
        plan(),
        local(TODAY, 21, 30),
        BERLIN,
        lookup(ledger_with(*moments, local(TODAY, 8), local(TODAY, 21))),
        date(2026, 1, 1),
    )
    assert evening.streak == 3
    # a closed window breaks the streak
    missed = adherence(
        plan(), local(TODAY, 15), BERLIN, lookup(ledger_with(*moments)), date(2026, 1, 1)
    )
    assert missed.streak == 0


def test_days_before_the_log_began_do_not_count() -> None:
    ledger = ledger_with(local(TODAY - timedelta(days=1), 8), local(TODAY - timedelta(days=1), 21))
    since = ledger.first_day()
    assert since == TODAY - timedelta(days=1)
    result = adherence(plan(), local(TODAY, 7), BERLIN, lookup(ledger), since)
    assert result.percent == {7: 100.0, 30: 100.0}
    assert result.streak == 1
    none = adherence(plan(), local(TODAY, 7), BERLIN, lookup(Ledger(tz=BERLIN)), None)
    assert none.percent == {7: None, 30: None}
    assert none.streak == 0
    off = adherence(
        plan(morning=False, evening=False), local(TODAY, 7), BERLIN, lookup(ledger), since
    )
    assert off.percent[30] is None
    assert off.streak == 0


def test_streak_is_capped() -> None:
    def always(_offset: int) -> DayResult:
        return DayResult(2, 2, 0)

    assert streak(always, 0, STREAK_CAP) == STREAK_CAP
    assert streak(always, 1, STREAK_CAP) == STREAK_CAP


def test_past_days_counted_once_give_the_same_figures() -> None:
    """Today apart and the days before counted once: the same as counting every day."""
    moments = [
        local(TODAY - timedelta(days=offset), hour)
        for offset in range(400)
        for hour in ((8, 21) if offset % 11 else (8,))  # an evening missed now and then
        if offset % 97
    ]
    ledger = ledger_with(*moments)
    since = ledger.first_day()
    for hour in (7, 12, 22):
        now = local(TODAY, hour)
        for settings in (plan(), plan(evening=False), plan(morning=False, evening=False)):
            past = past_days(settings, TODAY, BERLIN, lookup(ledger), since)
            fast = adherence(settings, now, BERLIN, lookup(ledger), since, past=past)
            slow = _every_day(settings, now, lookup(ledger), since)
            assert fast == slow, (hour, settings)
    streaky = ledger_with(
        *[local(TODAY - timedelta(days=n), h) for n in range(400) for h in (8, 21)]
    )
    now = local(TODAY, 22)
    assert adherence(plan(), now, BERLIN, lookup(streaky), streaky.first_day()).streak == STREAK_CAP
    assert _every_day(plan(), now, lookup(streaky), streaky.first_day()).streak == STREAK_CAP


def _every_day(
    settings: ReminderPlan, now: datetime, days: Callable[[date], DayInput], since: date | None
) -> Adherence:
    """The figures counted day by day from the definitions (the module docstring)."""
    today = now.astimezone(BERLIN).date()

    def result(offset: int) -> DayResult | None:
        day = today - timedelta(days=offset)
        if since is None or day < since:
            return None
        return day_result(settings, day, BERLIN, days(day), now)

    percent: dict[int, float | None] = {}
    planned: dict[int, int] = {}
    satisfied: dict[int, int] = {}
    for period in PERIODS:
        counted = [item for offset in range(period) if (item := result(offset))]
        planned[period] = sum(item.planned for item in counted)
        satisfied[period] = sum(item.satisfied for item in counted)
        percent[period] = (
            round(100 * satisfied[period] / planned[period], 1) if planned[period] else None
        )
    return Adherence(percent, planned, satisfied, streak(result, 0, STREAK_CAP))


def test_ledger_keeps_dose_minutes_through_changes() -> None:
    first = make_record(taken_at=local(TODAY, 8), kind=Kind.ORAL, form="malate", elemental_mg=1)
    second = make_record(
        taken_at=local(TODAY, 21, 15), kind=Kind.ORAL, form="glycinate", elemental_mg=1
    )
    medicine = make_record(taken_at=local(TODAY, 9), kind=Kind.MEDICINE, form="quinolone")
    ledger = Ledger(tz=BERLIN)
    for record in (second, first, medicine):
        ledger.add(record)
    assert ledger.dose_minutes == {TODAY: [480, 1275]}
    assert ledger.dose_times(TODAY) == [local(TODAY, 8), local(TODAY, 21, 15)]
    # a medicine is not intake: no totals change
    assert ledger.day_total(TODAY).oral_doses == 2
    assert ledger.day_total(TODAY).side_effects == 0
    ledger.remove(first.id)
    assert ledger.dose_minutes == {TODAY: [1275]}
    ledger.remove(second.id)
    assert ledger.dose_minutes == {}
    ledger.remove(medicine.id)
    assert ledger.days == {}
    assert ledger.first_day() is None
    ledger.rebuild_index([first, medicine])
    assert ledger.dose_minutes == {TODAY: [480]}
    assert ledger.first_day() == TODAY
    earlier = make_record(
        taken_at=local(TODAY - timedelta(days=3), 8), kind=Kind.ORAL, form="malate", elemental_mg=1
    )
    ledger.add(earlier)
    assert ledger.first_day() == TODAY - timedelta(days=3)


def test_stored_dose_minutes_are_checked() -> None:
    import pytest

    from custom_components.magnesium.ledger import InvalidRecordError

    ledger = Ledger(tz=BERLIN)
    ledger.load_index({"dose_minutes": {"2026-06-10": [600, 480]}})
    assert ledger.dose_minutes == {TODAY: [480, 600]}
    for bad in (["x"], [True], [-1], [1500]):
        with pytest.raises(InvalidRecordError):
            ledger.load_index({"dose_minutes": {"2026-06-10": bad}})
    # an index written before adherence existed has none
    ledger.load_index({"days": {}})
    assert ledger.dose_minutes == {}


# zones with daylight saving changes at 02:00 and 03:00 (Berlin, New York, Sydney), at midnight
# (Santiago), of half an hour (Lord Howe), and one without any (Kolkata)
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
)
SLOT_TIMES = (
    (time(8, 0), time(21, 0)),
    (time(2, 30), time(23, 45)),  # 02:30 is skipped on some spring days
    (time(21, 0), time(7, 30)),  # the "evening" set before the "morning"
    (time(0, 0), time(0, 1)),
)


@pytest.mark.parametrize("zone", ZONES)
def test_day_spans_are_the_windows_on_every_day_of_a_year(zone: str) -> None:
    """The windows as offsets from the day's start, worked out once for days without a change."""
    tz = ZoneInfo(zone)
    for morning, evening in SLOT_TIMES:
        for offset in range(366):
            day = date(2026, 1, 1) + timedelta(days=offset)
            start = day_bounds(day, tz)[0]
            spans = day_spans(day, morning, evening, tz)
            for slot, window in windows(day, morning, evening, tz).items():
                low, high, first, end = spans[slot]
                assert (low, high) == (
                    (window.start - start) // timedelta(microseconds=1),
                    (window.end - start) // timedelta(microseconds=1),
                ), (day, morning, evening)
                # the dose minutes inside are first to end - 1: those whose moment lies in it
                edges = (first - 1, first, end - 1, end)
                moments = {m: start + timedelta(minutes=m) for m in edges}
                assert first < end, (day, slot)
                assert moments[first] in window, (day, slot)
                assert moments[end - 1] in window, (day, slot)
                assert moments[first - 1] not in window, (day, slot)
                assert moments[end] not in window, (day, slot)


@pytest.mark.parametrize("zone", ZONES)
def test_day_result_matches_the_windows_with_real_times(zone: str) -> None:
    """Counting by the index's minutes gives what the windows give for the doses' moments."""
    tz = ZoneInfo(zone)
    settings = ReminderPlan(
        morning=SlotPlan(Slot.MORNING, time(8, 0), True),
        evening=SlotPlan(Slot.EVENING, time(21, 0), True),
        bath=BathPlan(frozenset(), time(20, 0), False),
        daily_target=300,
        daily_limit=350,
    )
    for offset in range(366):
        day = date(2026, 1, 1) + timedelta(days=offset)
        start, end = day_bounds(day, tz)
        # one dose a moment before the day's middle window edge, one at it, one at the end
        middle = windows(day, time(8, 0), time(21, 0), tz)[Slot.MORNING].end
        for moments in ((middle - timedelta(minutes=1),), (middle,), (end - timedelta(minutes=1),)):
            ledger = Ledger(tz=tz)
            for moment in moments:
                ledger.add(
                    make_record(taken_at=moment, kind=Kind.ORAL, form="malate", elemental_mg=1)
                )
            data = lookup(ledger)(day)
            slot_windows = windows(day, time(8, 0), time(21, 0), tz)
            times = ledger.dose_times(day)
            kept = sum(any(t in slot_windows[slot] for t in times) for slot in Slot)
            closed = day_result(settings, day, tz, data, None)
            assert closed == DayResult(2, kept, 0), (day, moments)
            assert day_result(settings, day, tz, data, end) == DayResult(2, kept, 0)
            opened = day_result(settings, day, tz, data, start)
            assert (opened.satisfied, opened.open) == (kept, 2 - kept)


@pytest.mark.parametrize("horizon_back", [1, 2, 30, 35, 66, 200, 365, 366, 400])
def test_older_days_as_letters_give_the_same_past(horizon_back: int) -> None:
    """Days before a horizon read as ``day_codes`` count for the streak as the days did."""
    patterns = {
        "every day": lambda offset: True,
        "a gap now and then": lambda offset: offset % 97 != 0,
        "a gap beyond the horizon": lambda offset: offset != horizon_back + 3,
        "a gap just before it": lambda offset: offset != horizon_back + 1,
    }
    for name, kept in patterns.items():
        moments = [
            local(TODAY - timedelta(days=offset), hour)
            for offset in range(1, 420)
            if kept(offset)
            for hour in (8, 21)
        ]
        ledger = ledger_with(*moments)
        since = ledger.first_day()
        horizon = TODAY - timedelta(days=horizon_back)
        for settings in (plan(), plan(evening=False), plan(bath_days=frozenset({2}))):
            codes = day_codes(settings, horizon, BERLIN, lookup(ledger), since)
            whole = past_days(settings, TODAY, BERLIN, lookup(ledger), since)
            days = lookup(ledger)

            def recent(
                day: date, days: Callable[[date], DayInput] = days, horizon: date = horizon
            ) -> DayInput:
                assert day >= horizon, day  # older days are read from the letters only
                return days(day)

            split = past_days(settings, TODAY, BERLIN, recent, since, horizon=horizon, codes=codes)
            assert split.streak == whole.streak, (name, settings)
            if horizon_back > max(PERIODS):
                assert split == whole, (name, settings)


def test_day_codes_letters() -> None:
    ledger = ledger_with(local(TODAY - timedelta(days=1), 8), local(TODAY - timedelta(days=1), 21))
    ledger.add(
        make_record(
            taken_at=local(TODAY - timedelta(days=2), 8),
            kind=Kind.ORAL,
            form="malate",
            elemental_mg=1,
        )
    )
    since = TODAY - timedelta(days=2)
    # yesterday complete, the day before broken (its evening), then the log had not begun
    assert day_codes(plan(), TODAY, BERLIN, lookup(ledger), since) == "cb"
    assert (
        day_codes(plan(morning=False, evening=False), TODAY, BERLIN, lookup(ledger), since) == "nn"
    )
    assert day_codes(plan(), TODAY, BERLIN, lookup(ledger), None) == ""
