"""Unit tests of the reminder rules (pure Python, no Home Assistant)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.magnesium.schedule import (
    DEFAULT_BATH_TIME,
    DEFAULT_EVENING_TIME,
    DEFAULT_MORNING_TIME,
    BathPlan,
    Ramp,
    ReminderPlan,
    Slot,
    SlotPlan,
    SlotState,
    Suggestion,
    Window,
    bath_due,
    day_bounds,
    held_slots,
    local_moment,
    next_bath,
    next_planned,
    planned_amount,
    slot_status,
    suggest,
    windows,
)
from custom_components.magnesium.spacing import MedicinePlan, planned_windows

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")

DAY = date(2026, 6, 10)  # a Wednesday in summer time (CEST, UTC+2)
MORNING = SlotPlan(Slot.MORNING, time(8, 0))
EVENING = SlotPlan(Slot.EVENING, time(21, 0), form="glycinate")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A moment given in UTC."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def berlin(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A Berlin wall-clock time (never ambiguous in these tests) as an aware datetime."""
    return datetime.combine(day, time(hour, minute, second), tzinfo=BERLIN)


def status(
    plan: SlotPlan,
    other: SlotPlan,
    now: datetime,
    doses: list[datetime] | None = None,
    *,
    skipped: bool = False,
    snoozed_until: datetime | None = None,
) -> SlotState:
    """The state of a slot in Berlin."""
    result = slot_status(
        plan, other, now, BERLIN, doses or [], skipped=skipped, snoozed_until=snoozed_until
    )
    return result.state


# --- defaults and small types ------------------------------------------------------------------


def test_defaults() -> None:
    assert time(8, 0) == DEFAULT_MORNING_TIME
    assert time(21, 0) == DEFAULT_EVENING_TIME
    assert time(20, 0) == DEFAULT_BATH_TIME
    plan = SlotPlan(Slot.MORNING, time(8))
    assert plan.enabled is True
    assert plan.amount_mg is None
    assert plan.form == "malate"
    bath = BathPlan(frozenset({0}))
    assert bath.at == time(20, 0)
    assert bath.enabled is False
    assert str(Slot.MORNING) == "morning"
    assert str(SlotState.SNOOZED) == "snoozed"


def test_window_contains_is_half_open() -> None:
    window = Window(utc(2026, 6, 10, 6), utc(2026, 6, 10, 12))
    assert utc(2026, 6, 10, 6) in window
    assert utc(2026, 6, 10, 11, 59, 59) in window
    assert utc(2026, 6, 10, 12) not in window
    assert utc(2026, 6, 10, 5, 59, 59) not in window
    # Any time zone: comparisons are between instants.
    assert datetime(2026, 6, 10, 8, 0, tzinfo=BERLIN) in window
    assert "2026-06-10T08:00:00+00:00" not in window
    assert None not in window
    assert date(2026, 6, 10) not in window


# --- local_moment and day_bounds ---------------------------------------------------------------


def test_local_moment_plain_day() -> None:
    assert local_moment(DAY, time(8), BERLIN) == utc(2026, 6, 10, 6)
    assert local_moment(date(2026, 1, 10), time(8), BERLIN) == utc(2026, 1, 10, 7)
    assert local_moment(DAY, time(8), NEW_YORK) == utc(2026, 6, 10, 12)
    assert local_moment(DAY, time(8), SYDNEY) == utc(2026, 6, 9, 22)
    assert local_moment(DAY, time(8), BERLIN).tzinfo is UTC


@pytest.mark.parametrize(
    ("day", "tz", "expected"),
    [
        (date(2026, 3, 29), BERLIN, utc(2026, 3, 29, 1, 30)),  # 03:30 CEST
        (date(2026, 3, 8), NEW_YORK, utc(2026, 3, 8, 7, 30)),  # 03:30 EDT
        (date(2026, 10, 4), SYDNEY, utc(2026, 10, 3, 16, 30)),  # 03:30 AEDT
    ],
)
def test_local_moment_in_spring_gap_lands_after_it(
    day: date, tz: ZoneInfo, expected: datetime
) -> None:
    moment = local_moment(day, time(2, 30), tz)
    assert moment == expected
    local = moment.astimezone(tz)
    assert (local.date(), local.time()) == (day, time(3, 30))


@pytest.mark.parametrize(
    ("day", "at", "tz", "expected", "offset"),
    [
        (date(2026, 10, 25), time(2, 30), BERLIN, utc(2026, 10, 25, 0, 30), 2),
        (date(2026, 11, 1), time(1, 30), NEW_YORK, utc(2026, 11, 1, 5, 30), -4),
        (date(2026, 4, 5), time(2, 30), SYDNEY, utc(2026, 4, 4, 15, 30), 11),
    ],
)
def test_local_moment_ambiguous_time_is_first_occurrence(
    day: date, at: time, tz: ZoneInfo, expected: datetime, offset: int
) -> None:
    moment = local_moment(day, at, tz)
    assert moment == expected
    assert moment.astimezone(tz).utcoffset() == timedelta(hours=offset)
    # The second occurrence is one hour later.
    second = datetime.combine(day, at, tzinfo=tz).replace(fold=1)
    assert second - moment == timedelta(hours=1)


@pytest.mark.parametrize(
    ("day", "tz", "start", "end", "hours"),
    [
        (DAY, BERLIN, utc(2026, 6, 9, 22), utc(2026, 6, 10, 22), 24),
        (date(2026, 3, 29), BERLIN, utc(2026, 3, 28, 23), utc(2026, 3, 29, 22), 23),
        (date(2026, 10, 25), BERLIN, utc(2026, 10, 24, 22), utc(2026, 10, 25, 23), 25),
        (date(2026, 3, 8), NEW_YORK, utc(2026, 3, 8, 5), utc(2026, 3, 9, 4), 23),
        (date(2026, 11, 1), NEW_YORK, utc(2026, 11, 1, 4), utc(2026, 11, 2, 5), 25),
        (date(2026, 4, 5), SYDNEY, utc(2026, 4, 4, 13), utc(2026, 4, 5, 14), 25),
        (date(2026, 10, 4), SYDNEY, utc(2026, 10, 3, 14), utc(2026, 10, 4, 13), 23),
    ],
)
def test_day_bounds(day: date, tz: ZoneInfo, start: datetime, end: datetime, hours: int) -> None:
    assert day_bounds(day, tz) == (start, end)
    assert end - start == timedelta(hours=hours)
    # Consecutive days touch.
    assert day_bounds(day + timedelta(days=1), tz)[0] == end
    assert day_bounds(day - timedelta(days=1), tz)[1] == start


# --- windows -----------------------------------------------------------------------------------


def test_default_windows_berlin() -> None:
    result = windows(DAY, DEFAULT_MORNING_TIME, DEFAULT_EVENING_TIME, BERLIN)
    assert set(result) == {Slot.MORNING, Slot.EVENING}
    assert result[Slot.MORNING] == Window(utc(2026, 6, 9, 22), utc(2026, 6, 10, 12, 30))
    assert result[Slot.EVENING] == Window(utc(2026, 6, 10, 12, 30), utc(2026, 6, 10, 22))
    assert result[Slot.MORNING].end.astimezone(BERLIN).time() == time(14, 30)


@pytest.mark.parametrize(
    ("day", "tz", "middle_utc", "hours"),
    [
        (date(2026, 3, 29), BERLIN, utc(2026, 3, 29, 12, 30), 23),
        (date(2026, 10, 25), BERLIN, utc(2026, 10, 25, 13, 30), 25),
        (date(2026, 3, 8), NEW_YORK, utc(2026, 3, 8, 18, 30), 23),
        (date(2026, 11, 1), NEW_YORK, utc(2026, 11, 1, 19, 30), 25),
        (date(2026, 4, 5), SYDNEY, utc(2026, 4, 5, 4, 30), 25),
        (date(2026, 10, 4), SYDNEY, utc(2026, 10, 4, 3, 30), 23),
    ],
)
def test_default_windows_on_dst_days(
    day: date, tz: ZoneInfo, middle_utc: datetime, hours: int
) -> None:
    result = windows(day, time(8), time(21), tz)
    start, end = day_bounds(day, tz)
    assert end - start == timedelta(hours=hours)
    assert result[Slot.MORNING] == Window(start, middle_utc)
    assert result[Slot.EVENING] == Window(middle_utc, end)
    # Both slots lie after the change, so the midpoint is still 14:30 on the wall clock.
    assert middle_utc.astimezone(tz).time() == time(14, 30)


@pytest.mark.parametrize(
    ("day", "tz", "morning", "evening", "middle_utc", "middle_local", "elapsed"),
    [
        # Spring forward: 01:00 and 05:00 are 3 hours apart; the midpoint is 03:30, not 03:00.
        (date(2026, 3, 29), BERLIN, time(1), time(5), utc(2026, 3, 29, 1, 30), time(3, 30), 3),
        (date(2026, 3, 8), NEW_YORK, time(1), time(5), utc(2026, 3, 8, 7, 30), time(3, 30), 3),
        (date(2026, 10, 4), SYDNEY, time(1), time(5), utc(2026, 10, 3, 16, 30), time(3, 30), 3),
        # Fall back: 5 hours apart; the midpoint is in the repeated hour, or before 03:00.
        (date(2026, 10, 25), BERLIN, time(1), time(5), utc(2026, 10, 25, 1, 30), time(2, 30), 5),
        (date(2026, 11, 1), NEW_YORK, time(0, 30), time(4, 30), utc(2026, 11, 1, 7), time(2), 5),
        (date(2026, 4, 5), SYDNEY, time(1), time(5), utc(2026, 4, 4, 16, 30), time(2, 30), 5),
    ],
)
def test_midpoint_is_in_elapsed_time(
    day: date,
    tz: ZoneInfo,
    morning: time,
    evening: time,
    middle_utc: datetime,
    middle_local: time,
    elapsed: int,
) -> None:
    first, second = local_moment(day, morning, tz), local_moment(day, evening, tz)
    assert second - first == timedelta(hours=elapsed)
    result = windows(day, morning, evening, tz)
    assert result[Slot.MORNING].end == middle_utc
    assert result[Slot.EVENING].start == middle_utc
    assert middle_utc - first == second - middle_utc
    assert middle_utc.astimezone(tz).time() == middle_local


@pytest.mark.parametrize(
    ("day", "tz"),
    [
        (DAY, BERLIN),
        (date(2026, 3, 29), BERLIN),
        (date(2026, 10, 25), BERLIN),
        (date(2026, 11, 1), NEW_YORK),
        (date(2026, 10, 4), SYDNEY),
    ],
)
def test_reversed_slot_times_still_cover_the_day(day: date, tz: ZoneInfo) -> None:
    result = windows(day, time(21), time(8), tz)
    start, end = day_bounds(day, tz)
    # the slot set earlier (here "evening", 08:00) gets the first window: each holds its own time
    assert result[Slot.EVENING].start == start
    assert result[Slot.EVENING].end == result[Slot.MORNING].start  # no gap, no overlap
    assert result[Slot.MORNING].end == end
    assert result[Slot.EVENING].end.astimezone(tz).time() == time(14, 30)
    assert local_moment(day, time(8), tz) in result[Slot.EVENING]
    assert local_moment(day, time(21), tz) in result[Slot.MORNING]
    normal = windows(day, time(8), time(21), tz)
    assert result == {Slot.MORNING: normal[Slot.EVENING], Slot.EVENING: normal[Slot.MORNING]}


def test_equal_slot_times_split_at_that_time() -> None:
    result = windows(DAY, time(12), time(12), BERLIN)
    assert result[Slot.MORNING] == Window(utc(2026, 6, 9, 22), utc(2026, 6, 10, 10))
    assert result[Slot.EVENING] == Window(utc(2026, 6, 10, 10), utc(2026, 6, 10, 22))


# --- slot_status -------------------------------------------------------------------------------


def test_slot_status_fields() -> None:
    result = slot_status(MORNING, EVENING, berlin(DAY, 7), BERLIN, [])
    assert result.slot is Slot.MORNING
    assert result.state is SlotState.PENDING
    assert result.due_at == utc(2026, 6, 10, 6)
    assert result.due_at.tzinfo is UTC
    assert result.window == Window(utc(2026, 6, 9, 22), utc(2026, 6, 10, 12, 30))
    evening = slot_status(EVENING, MORNING, berlin(DAY, 7), BERLIN, [])
    assert evening.slot is Slot.EVENING
    assert evening.due_at == utc(2026, 6, 10, 19)
    assert evening.window == Window(utc(2026, 6, 10, 12, 30), utc(2026, 6, 10, 22))


def test_slot_status_uses_the_local_day_of_now() -> None:
    # 23:30 UTC on 06-10 is 01:30 on 06-11 in Berlin.
    result = slot_status(MORNING, EVENING, utc(2026, 6, 10, 23, 30), BERLIN, [])
    assert result.due_at == utc(2026, 6, 11, 6)
    assert result.state is SlotState.PENDING


def test_disabled_wins_over_everything() -> None:
    plan = SlotPlan(Slot.MORNING, time(8), enabled=False)
    now = berlin(DAY, 9)
    assert status(plan, EVENING, now) is SlotState.DISABLED
    assert status(plan, EVENING, now, [berlin(DAY, 8)]) is SlotState.DISABLED
    assert status(plan, EVENING, now, skipped=True) is SlotState.DISABLED
    assert status(plan, EVENING, berlin(DAY, 7)) is SlotState.DISABLED


def test_pending_before_its_time() -> None:
    assert status(MORNING, EVENING, berlin(DAY, 7, 59, 59)) is SlotState.PENDING
    assert status(EVENING, MORNING, berlin(DAY, 20, 59)) is SlotState.PENDING
    assert status(EVENING, MORNING, berlin(DAY, 0, 0)) is SlotState.PENDING


def test_due_at_and_after_its_time() -> None:
    assert status(MORNING, EVENING, berlin(DAY, 8)) is SlotState.DUE
    assert status(MORNING, EVENING, berlin(DAY, 13)) is SlotState.DUE
    assert status(MORNING, EVENING, berlin(DAY, 23, 59)) is SlotState.DUE
    assert status(EVENING, MORNING, berlin(DAY, 21)) is SlotState.DUE
    assert status(EVENING, MORNING, berlin(DAY, 23, 59, 59)) is SlotState.DUE


def test_snoozed_until_a_moment_then_due_again() -> None:
    until = berlin(DAY, 8, 40)
    assert status(MORNING, EVENING, berlin(DAY, 8, 10), snoozed_until=until) is SlotState.SNOOZED
    assert status(MORNING, EVENING, berlin(DAY, 8, 39), snoozed_until=until) is SlotState.SNOOZED
    assert status(MORNING, EVENING, berlin(DAY, 8, 40), snoozed_until=until) is SlotState.DUE
    assert status(MORNING, EVENING, berlin(DAY, 9), snoozed_until=until) is SlotState.DUE
    # A snooze does not make a slot due early, and a dose ends it.
    assert status(MORNING, EVENING, berlin(DAY, 7), snoozed_until=until) is SlotState.PENDING
    dose = [berlin(DAY, 8, 20)]
    assert (
        status(MORNING, EVENING, berlin(DAY, 8, 30), dose, snoozed_until=until)
        is SlotState.SATISFIED
    )


def test_satisfied_by_a_dose_in_its_window() -> None:
    # Before its time, an early dose already counts.
    assert status(MORNING, EVENING, berlin(DAY, 7), [berlin(DAY, 6, 30)]) is SlotState.SATISFIED
    assert status(MORNING, EVENING, berlin(DAY, 9), [berlin(DAY, 8, 5)]) is SlotState.SATISFIED
    # The last moment of the morning window, and the first of the evening one.
    assert (
        status(MORNING, EVENING, berlin(DAY, 15), [berlin(DAY, 14, 29, 59)]) is SlotState.SATISFIED
    )
    assert status(MORNING, EVENING, berlin(DAY, 15), [berlin(DAY, 14, 30)]) is SlotState.DUE
    assert status(EVENING, MORNING, berlin(DAY, 15), [berlin(DAY, 14, 30)]) is SlotState.SATISFIED
    # Doses given in UTC count just the same; any iterable will do.
    doses = iter([utc(2026, 6, 10, 19, 5)])
    assert status(EVENING, MORNING, berlin(DAY, 22), list(doses)) is SlotState.SATISFIED


def test_dose_at_2359_counts_for_that_evening_not_the_next() -> None:
    late = berlin(DAY, 23, 59)
    assert status(EVENING, MORNING, berlin(DAY, 23, 59, 30), [late]) is SlotState.SATISFIED
    tomorrow = DAY + timedelta(days=1)
    assert status(EVENING, MORNING, berlin(tomorrow, 21, 30), [late]) is SlotState.DUE
    assert status(MORNING, EVENING, berlin(tomorrow, 9), [late]) is SlotState.DUE


def test_dose_just_after_midnight_counts_for_the_morning() -> None:
    tomorrow = DAY + timedelta(days=1)
    early = berlin(tomorrow, 0, 1)
    assert status(MORNING, EVENING, berlin(tomorrow, 9), [early]) is SlotState.SATISFIED
    assert status(EVENING, MORNING, berlin(tomorrow, 21, 30), [early]) is SlotState.DUE
    # It does not count for the evening before.
    assert status(EVENING, MORNING, berlin(DAY, 23, 59, 59), [early]) is SlotState.DUE


def test_morning_dose_does_not_satisfy_the_evening() -> None:
    doses = [berlin(DAY, 8, 15)]
    assert status(MORNING, EVENING, berlin(DAY, 21, 30), doses) is SlotState.SATISFIED
    assert status(EVENING, MORNING, berlin(DAY, 21, 30), doses) is SlotState.DUE
    assert status(EVENING, MORNING, berlin(DAY, 12), doses) is SlotState.PENDING


def test_skipped() -> None:
    assert status(MORNING, EVENING, berlin(DAY, 9), skipped=True) is SlotState.SKIPPED
    # Skipping ahead of time, and while snoozed.
    assert status(MORNING, EVENING, berlin(DAY, 7), skipped=True) is SlotState.SKIPPED
    assert (
        status(MORNING, EVENING, berlin(DAY, 9), skipped=True, snoozed_until=berlin(DAY, 10))
        is SlotState.SKIPPED
    )


def test_satisfied_wins_over_skipped() -> None:
    doses = [berlin(DAY, 8, 30)]
    assert status(MORNING, EVENING, berlin(DAY, 9), doses, skipped=True) is SlotState.SATISFIED


def test_changed_slot_time_while_due() -> None:
    now = berlin(DAY, 21, 30)
    assert status(EVENING, MORNING, now) is SlotState.DUE
    later = SlotPlan(Slot.EVENING, time(22))
    assert status(later, MORNING, now) is SlotState.PENDING
    earlier = SlotPlan(Slot.EVENING, time(20))
    assert status(earlier, MORNING, now) is SlotState.DUE
    result = slot_status(later, MORNING, now, BERLIN, [])
    assert result.due_at == utc(2026, 6, 10, 20)
    # The midpoint moves with it: 08:00-22:00 splits at 15:00.
    assert result.window.start == utc(2026, 6, 10, 13)


def test_changed_other_slot_moves_the_midpoint() -> None:
    dose = [berlin(DAY, 14, 45)]
    assert status(MORNING, EVENING, berlin(DAY, 16), dose) is SlotState.DUE
    later_evening = SlotPlan(Slot.EVENING, time(22))
    assert status(MORNING, later_evening, berlin(DAY, 16), dose) is SlotState.SATISFIED


def test_disabled_other_slot_still_sets_the_midpoint() -> None:
    off = SlotPlan(Slot.MORNING, time(11), enabled=False)
    result = slot_status(EVENING, off, berlin(DAY, 15), BERLIN, [])
    assert result.window.start == utc(2026, 6, 10, 14)  # 16:00 local
    assert status(EVENING, off, berlin(DAY, 21, 30), [berlin(DAY, 15)]) is SlotState.DUE


def test_slot_status_on_dst_days() -> None:
    spring = date(2026, 3, 29)
    result = slot_status(MORNING, EVENING, berlin(spring, 7, 59), BERLIN, [])
    assert result.due_at == utc(2026, 3, 29, 6)
    assert result.window == Window(utc(2026, 3, 28, 23), utc(2026, 3, 29, 12, 30))
    assert result.state is SlotState.PENDING
    autumn = date(2026, 10, 25)
    # Just after midnight, in the 25-hour day, a dose counts for that morning.
    dose = [datetime(2026, 10, 25, 0, 5, tzinfo=BERLIN)]
    result = slot_status(MORNING, EVENING, berlin(autumn, 9), BERLIN, dose)
    assert result.due_at == utc(2026, 10, 25, 7)
    assert result.state is SlotState.SATISFIED
    # A slot in the spring-forward gap is due from 03:30 on.
    gap = SlotPlan(Slot.MORNING, time(2, 30))
    assert status(gap, EVENING, datetime(2026, 3, 29, 3, 29, tzinfo=BERLIN)) is SlotState.PENDING
    assert status(gap, EVENING, datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)) is SlotState.DUE


def test_reversed_times_dose_at_slot_time_satisfies_it() -> None:
    late_morning = SlotPlan(Slot.MORNING, time(21))
    early_evening = SlotPlan(Slot.EVENING, time(8))
    now = berlin(DAY, 21, 30)
    assert status(late_morning, early_evening, now, [berlin(DAY, 21, 5)]) is SlotState.SATISFIED


# --- planned_amount and suggest ----------------------------------------------------------------


def test_planned_amount() -> None:
    assert planned_amount(SlotPlan(Slot.MORNING, time(8), amount_mg=120), 300) == 120
    assert planned_amount(SlotPlan(Slot.MORNING, time(8), amount_mg=0.0), 300) == 0.0
    assert planned_amount(MORNING, 300) == 150.0
    assert planned_amount(MORNING, 301) == 150.5
    assert planned_amount(MORNING, 123.45) == 61.7
    assert planned_amount(MORNING, 0) == 0.0


def test_suggest_no_cap_when_plenty_left() -> None:
    assert suggest(150, 0, 350) == Suggestion(150, limit_reached=False, capped=False)
    assert suggest(150, 200, 350) == Suggestion(150, limit_reached=False, capped=False)
    assert suggest(33.333, 0, 350) == Suggestion(33.3, limit_reached=False, capped=False)
    assert suggest(0, 0, 350) == Suggestion(0, limit_reached=False, capped=False)


def test_suggest_caps_at_remaining() -> None:
    assert suggest(150, 250, 350) == Suggestion(100, limit_reached=False, capped=True)
    assert suggest(150, 349.5, 350) == Suggestion(0.5, limit_reached=False, capped=True)


def test_suggest_limit_reached() -> None:
    assert suggest(150, 350, 350) == Suggestion(0.0, limit_reached=True, capped=True)
    assert suggest(150, 400, 350) == Suggestion(0.0, limit_reached=True, capped=True)
    assert suggest(0, 350, 350) == Suggestion(0.0, limit_reached=True, capped=False)
    # Float noise just under the limit counts as reached.
    assert suggest(150, 350 - 1e-12, 350) == Suggestion(0.0, limit_reached=True, capped=True)
    assert suggest(150, 0.1 + 0.2, 0.3) == Suggestion(0.0, limit_reached=True, capped=True)


def test_suggest_never_exceeds_remaining_after_rounding() -> None:
    result = suggest(175, 250.04, 350)
    assert result.amount_mg <= 350 - 250.04


# --- Ramp --------------------------------------------------------------------------------------


def test_ramp_over_several_weeks() -> None:
    first = date(2026, 1, 5)
    ramp = Ramp(start_mg=100, step_mg=50, every_days=7, first_day=first)
    expected = {
        0: 100,
        1: 100,
        6: 100,
        7: 150,
        13: 150,
        14: 200,
        20: 200,
        21: 250,
        27: 250,
        28: 300,
        35: 300,
        365: 300,
    }
    for offset, target in expected.items():
        assert ramp.target_on(first + timedelta(days=offset), 300) == target, offset


def test_ramp_before_first_day() -> None:
    first = date(2026, 1, 5)
    ramp = Ramp(start_mg=100, step_mg=50, every_days=7, first_day=first)
    assert ramp.target_on(first - timedelta(days=1), 300) == 100
    assert ramp.target_on(first - timedelta(days=30), 300) == 100
    assert ramp.target_on(first - timedelta(days=1), 80) == 80
    # A start above the target is capped on the first day as well.
    assert ramp.target_on(first, 80) == 80


@pytest.mark.parametrize("every_days", [0, -3, 1])
def test_ramp_every_days_below_one_is_one(every_days: int) -> None:
    first = date(2026, 1, 5)
    ramp = Ramp(start_mg=100, step_mg=50, every_days=every_days, first_day=first)
    assert ramp.target_on(first, 300) == 100
    assert ramp.target_on(first + timedelta(days=1), 300) == 150
    assert ramp.target_on(first + timedelta(days=2), 300) == 200
    assert ramp.target_on(first + timedelta(days=10), 300) == 300


# --- next_planned ------------------------------------------------------------------------------


def test_next_planned_today_first() -> None:
    assert next_planned([MORNING, EVENING], berlin(DAY, 7), BERLIN, []) == (
        utc(2026, 6, 10, 6),
        Slot.MORNING,
    )
    # At its time exactly, the slot is still to come.
    assert next_planned([MORNING, EVENING], berlin(DAY, 8), BERLIN, []) == (
        utc(2026, 6, 10, 6),
        Slot.MORNING,
    )
    # Its time has passed (even unsatisfied): the evening is next.
    assert next_planned([MORNING, EVENING], berlin(DAY, 8, 1), BERLIN, []) == (
        utc(2026, 6, 10, 19),
        Slot.EVENING,
    )
    # The order of the plans does not matter.
    assert next_planned([EVENING, MORNING], berlin(DAY, 7), BERLIN, []) == (
        utc(2026, 6, 10, 6),
        Slot.MORNING,
    )


def test_next_planned_skips_satisfied_slots() -> None:
    doses = iter([berlin(DAY, 6, 30)])
    assert next_planned([MORNING, EVENING], berlin(DAY, 7), BERLIN, doses) == (
        utc(2026, 6, 10, 19),
        Slot.EVENING,
    )


def test_next_planned_tomorrow_when_both_done_or_past() -> None:
    both = [berlin(DAY, 8, 5), berlin(DAY, 15)]
    assert next_planned([MORNING, EVENING], berlin(DAY, 16), BERLIN, both) == (
        utc(2026, 6, 11, 6),
        Slot.MORNING,
    )
    assert next_planned([MORNING, EVENING], berlin(DAY, 22), BERLIN, []) == (
        utc(2026, 6, 11, 6),
        Slot.MORNING,
    )


def test_next_planned_none_without_enabled_slots() -> None:
    assert next_planned([], berlin(DAY, 7), BERLIN, []) is None
    off = [
        SlotPlan(Slot.MORNING, time(8), enabled=False),
        SlotPlan(Slot.EVENING, time(21), enabled=False),
    ]
    assert next_planned(off, berlin(DAY, 7), BERLIN, []) is None


def test_next_planned_with_one_slot_enabled() -> None:
    off_morning = SlotPlan(Slot.MORNING, time(8), enabled=False)
    assert next_planned([off_morning, EVENING], berlin(DAY, 7), BERLIN, []) == (
        utc(2026, 6, 10, 19),
        Slot.EVENING,
    )
    assert next_planned([EVENING], berlin(DAY, 22), BERLIN, []) == (
        utc(2026, 6, 11, 19),
        Slot.EVENING,
    )
    assert next_planned([MORNING], berlin(DAY, 9), BERLIN, []) == (
        utc(2026, 6, 11, 6),
        Slot.MORNING,
    )
    assert next_planned([MORNING], berlin(DAY, 7), BERLIN, [berlin(DAY, 6)]) == (
        utc(2026, 6, 11, 6),
        Slot.MORNING,
    )
    # A morning dose does not satisfy the only (evening) slot.
    assert next_planned([EVENING], berlin(DAY, 10), BERLIN, [berlin(DAY, 9)]) == (
        utc(2026, 6, 10, 19),
        Slot.EVENING,
    )


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (datetime(2026, 3, 28, 22, tzinfo=BERLIN), BERLIN, utc(2026, 3, 29, 6)),
        (datetime(2026, 10, 24, 22, tzinfo=BERLIN), BERLIN, utc(2026, 10, 25, 7)),
        (datetime(2026, 3, 7, 22, tzinfo=NEW_YORK), NEW_YORK, utc(2026, 3, 8, 12)),
        (datetime(2026, 10, 31, 22, tzinfo=NEW_YORK), NEW_YORK, utc(2026, 11, 1, 13)),
        (datetime(2026, 4, 4, 22, tzinfo=SYDNEY), SYDNEY, utc(2026, 4, 4, 22)),
        (datetime(2026, 10, 3, 22, tzinfo=SYDNEY), SYDNEY, utc(2026, 10, 3, 21)),
    ],
)
def test_next_planned_across_a_dst_change(now: datetime, tz: ZoneInfo, expected: datetime) -> None:
    result = next_planned([MORNING, EVENING], now, tz, [])
    assert result == (expected, Slot.MORNING)
    assert result[0].astimezone(tz).time() == time(8)


def test_next_planned_on_the_fall_back_day() -> None:
    now = datetime(2026, 10, 25, 9, tzinfo=BERLIN)
    assert next_planned([MORNING, EVENING], now, BERLIN, []) == (
        utc(2026, 10, 25, 20),
        Slot.EVENING,
    )


def test_next_planned_agrees_with_slot_status_when_other_slot_disabled() -> None:
    off = SlotPlan(Slot.MORNING, time(11), enabled=False)
    doses = [berlin(DAY, 15)]
    now = berlin(DAY, 16)
    assert status(EVENING, off, now, doses) is SlotState.PENDING  # the evening is not satisfied
    assert next_planned([off, EVENING], now, BERLIN, doses) == (
        utc(2026, 6, 10, 19),
        Slot.EVENING,
    )


# --- baths -------------------------------------------------------------------------------------

MONDAY = date(2026, 6, 8)
THURSDAY = date(2026, 6, 11)
BATHS = BathPlan(frozenset({0, 3}), time(20), enabled=True)


def test_bath_due_on_planned_weekdays() -> None:
    assert bath_due(BATHS, berlin(MONDAY, 20), BERLIN, []) is True
    assert bath_due(BATHS, berlin(MONDAY, 23, 59), BERLIN, []) is True
    assert bath_due(BATHS, berlin(THURSDAY, 20, 30), BERLIN, []) is True
    assert bath_due(BATHS, berlin(DAY, 20, 30), BERLIN, []) is False  # a Wednesday
    # The weekday is the local one: 22:30 UTC on Monday is already Tuesday in Berlin.
    assert bath_due(BATHS, utc(2026, 6, 8, 19), BERLIN, []) is True
    assert bath_due(BATHS, utc(2026, 6, 8, 22, 30), BERLIN, []) is False


def test_bath_not_due_before_its_time() -> None:
    assert bath_due(BATHS, berlin(MONDAY, 19, 59), BERLIN, []) is False
    assert bath_due(BATHS, berlin(MONDAY, 0, 0), BERLIN, []) is False


def test_bath_logged_today_satisfies() -> None:
    assert bath_due(BATHS, berlin(MONDAY, 21), BERLIN, [berlin(MONDAY, 18)]) is False
    assert bath_due(BATHS, berlin(MONDAY, 21), BERLIN, [berlin(MONDAY, 0, 0)]) is False
    assert bath_due(BATHS, berlin(MONDAY, 21), BERLIN, iter([utc(2026, 6, 8, 19)])) is False


def test_bath_logged_yesterday_does_not_satisfy() -> None:
    sunday = MONDAY - timedelta(days=1)
    assert bath_due(BATHS, berlin(MONDAY, 21), BERLIN, [berlin(sunday, 20, 10)]) is True
    assert bath_due(BATHS, berlin(MONDAY, 21), BERLIN, [berlin(sunday, 23, 59, 59)]) is True
    # Nor does one logged for tomorrow.
    tuesday = MONDAY + timedelta(days=1)
    assert bath_due(BATHS, berlin(MONDAY, 21), BERLIN, [berlin(tuesday, 0, 0)]) is True


def test_bath_disabled_plan() -> None:
    off = BathPlan(frozenset({0, 3}), time(20))
    assert bath_due(off, berlin(MONDAY, 21), BERLIN, []) is False
    assert next_bath(off, berlin(MONDAY, 19), BERLIN) is None
    assert bath_due(BathPlan(frozenset(), enabled=True), berlin(MONDAY, 21), BERLIN, []) is False
    assert next_bath(BathPlan(frozenset(), enabled=True), berlin(MONDAY, 19), BERLIN) is None


def test_next_bath_later_the_same_day() -> None:
    assert next_bath(BATHS, berlin(MONDAY, 19), BERLIN) == utc(2026, 6, 8, 18)
    assert next_bath(BATHS, berlin(MONDAY, 20), BERLIN) == utc(2026, 6, 8, 18)


def test_next_bath_later_in_the_week() -> None:
    assert next_bath(BATHS, berlin(MONDAY, 20, 1), BERLIN) == utc(2026, 6, 11, 18)
    assert next_bath(BATHS, berlin(DAY, 9), BERLIN) == utc(2026, 6, 11, 18)


def test_next_bath_next_week() -> None:
    mondays = BathPlan(frozenset({0}), time(20), enabled=True)
    assert next_bath(mondays, berlin(MONDAY, 21), BERLIN) == utc(2026, 6, 15, 18)
    assert next_bath(mondays, berlin(MONDAY - timedelta(days=1), 21), BERLIN) == utc(2026, 6, 8, 18)


def test_next_bath_across_dst() -> None:
    sundays = BathPlan(frozenset({6}), time(20), enabled=True)
    # Berlin: from winter time into summer time on Sunday 2026-03-29.
    assert next_bath(sundays, datetime(2026, 3, 28, 12, tzinfo=BERLIN), BERLIN) == utc(
        2026, 3, 29, 18
    )
    # Sydney: summer time starts on Sunday 2026-10-04 (AEDT, UTC+11).
    assert next_bath(sundays, datetime(2026, 10, 4, 21, tzinfo=SYDNEY), SYDNEY) == utc(
        2026, 10, 11, 9
    )
    assert next_bath(sundays, datetime(2026, 10, 4, 19, tzinfo=SYDNEY), SYDNEY) == utc(
        2026, 10, 4, 9
    )
    # New York, Sunday 2026-11-01 (EST, UTC-5 from 02:00).
    assert next_bath(sundays, datetime(2026, 11, 1, 1, tzinfo=NEW_YORK), NEW_YORK) == utc(
        2026, 11, 2, 1
    )


def test_held_slots_are_those_with_no_allowed_time_left() -> None:
    plan = ReminderPlan(
        morning=MORNING,
        evening=EVENING,
        bath=BathPlan(frozenset(), time(20, 0)),
        daily_target=300,
        daily_limit=350,
    )

    def held(*medicines: MedicinePlan, settings: ReminderPlan = plan) -> frozenset[Slot]:
        blocked = planned_windows(
            medicines, DAY - timedelta(days=1), DAY + timedelta(days=1), BERLIN
        )
        return held_slots(settings, DAY, BERLIN, blocked)

    at_23, at_20, at_8 = (MedicinePlan("quinolone", (time(hour, 0),)) for hour in (23, 20, 8))
    assert held() == frozenset()
    # 23:00 blocks 17:00-01:00: the 21:00 dose would move to 01:00, past its window's end
    assert held(at_23) == {Slot.EVENING}
    # 20:00 blocks 14:00-22:00: 22:00 is still in the evening window
    assert held(at_20) == frozenset()
    # 08:00 blocks 02:00-10:00: the morning dose moves to 10:00, inside its window
    assert held(at_8) == frozenset()
    # a slot whose reminder is off is never held
    off = SlotPlan(Slot.EVENING, time(21, 0), enabled=False)
    assert held(at_23, settings=ReminderPlan(MORNING, off, plan.bath, 300, 350)) == frozenset()
