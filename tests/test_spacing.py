"""Medication spacing: the windows from facts.md and how reminders move out of them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.magnesium.knowledge import (
    INTERACTIONS_BY_KEY,
    SPACED_INTERACTIONS,
    find_interaction,
)
from custom_components.magnesium.schedule import (
    BathPlan,
    DayState,
    Reminder,
    ReminderPlan,
    Slot,
    SlotPlan,
    SlotState,
    evaluate,
)
from custom_components.magnesium.spacing import (
    MedicinePlan,
    conflict,
    first_allowed,
    interaction,
    parse_times,
    planned_windows,
    window,
    windows_around,
)

BERLIN = ZoneInfo("Europe/Berlin")
T = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


# -- the data: facts.md, Interactions ------------------------------------------------------


# facts.md, Interactions, the "magnesium waits" column, written out here from facts.md:
# the medicine taken at T, no oral magnesium from T - before until T + after.
FACTS_SPANS: dict[str, tuple[float, float]] = {
    "quinolone": (6, 2),  # ciprofloxacin, levofloxacin, ofloxacin, norfloxacin
    "moxifloxacin": (8, 4),
    "tetracycline": (6, 2),  # the same span as quinolones
    "bisphosphonate": (2, 2),
    "levothyroxine": (4, 4),
    "dolutegravir": (6, 2),
    "gabapentin": (2, 2),
}
# every medicine facts.md names, and its row
FACTS_MEDICINES: dict[str, str] = {
    "ciprofloxacin": "quinolone",
    "levofloxacin": "quinolone",
    "ofloxacin": "quinolone",
    "norfloxacin": "quinolone",
    "moxifloxacin": "moxifloxacin",
    "doxycycline": "tetracycline",
    "minocycline": "tetracycline",
    "tetracycline": "tetracycline",
    "demeclocycline": "tetracycline",
    "alendronate": "bisphosphonate",
    "risedronate": "bisphosphonate",
    "ibandronate": "bisphosphonate",
    "levothyroxine": "levothyroxine",
    "dolutegravir": "dolutegravir",
    "gabapentin": "gabapentin",
}


@pytest.mark.parametrize(("medicine", "row"), list(FACTS_MEDICINES.items()))
def test_every_medicine_of_facts_has_its_rows_span(medicine: str, row: str) -> None:
    item = find_interaction(medicine)
    assert item is not None
    assert item.key == row
    assert (item.mg_blocked_before, item.mg_blocked_after) == FACTS_SPANS[row]
    assert item.source.startswith("facts.md: Interactions / ")


@pytest.mark.parametrize(
    ("medicine", "before", "after"),
    [(key, *span) for key, span in FACTS_SPANS.items()],
)
def test_windows_follow_facts(medicine: str, before: float, after: float) -> None:
    item = interaction(medicine)
    assert (item.mg_blocked_before, item.mg_blocked_after) == (before, after)
    span = window(medicine, T)
    assert (span.start, span.end) == (T - hours(before), T + hours(after))
    # magnesium with the medicine, and just inside either end, is too close
    assert T in span
    assert T - hours(before) + timedelta(minutes=1) in span
    if after:
        assert T + hours(after) - timedelta(minutes=1) in span
    # at the ends it is allowed again
    assert T - hours(before) not in span
    assert T + hours(after) + timedelta(minutes=1) not in span
    assert "not a moment" not in span


def test_gabapentin_is_kept_two_hours_apart_either_way() -> None:
    span = window("gabapentin", T)
    assert span.allowed_from == T + hours(2)
    assert T + hours(1) in span
    assert T - hours(1) in span
    assert window("quinolone", T).allowed_from == T + hours(2)


def test_only_medicines_with_spacing_have_windows() -> None:
    assert [item.key for item in SPACED_INTERACTIONS] == list(FACTS_SPANS)
    for key in ("diuretic", "kidney"):
        assert not INTERACTIONS_BY_KEY[key].spaced
        with pytest.raises(KeyError):
            interaction(key)
    assert find_interaction("doxycycline") is INTERACTIONS_BY_KEY["tetracycline"]


# -- windows of a day ----------------------------------------------------------------------


def test_planned_windows_on_local_days_across_dst() -> None:
    plans = [MedicinePlan("bisphosphonate", (time(7, 0),))]
    # Berlin clocks go forward on 2026-03-29
    spans = planned_windows(plans, date(2026, 3, 28), date(2026, 3, 29), BERLIN)
    assert [span.medicine_at for span in spans] == [
        datetime(2026, 3, 28, 6, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 5, 0, tzinfo=UTC),
    ]


def test_windows_around_add_logged_intakes_and_the_day_before() -> None:
    plans = [MedicinePlan("quinolone", (time(23, 0),))]
    moment = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)  # 08:00 Berlin
    spans = windows_around(
        plans, [("tetracycline", moment), ("diuretic", moment), ("unknown", moment)], moment, BERLIN
    )
    # yesterday's, today's and tomorrow's 23:00, and the logged tetracycline
    assert len(spans) == 4
    assert [span.planned for span in spans].count(False) == 1
    # yesterday's 23:00 quinolone reaches 01:00 today
    assert conflict(datetime(2026, 6, 9, 22, 30, tzinfo=UTC), spans) is not None


def test_first_allowed_passes_following_windows() -> None:
    spans = [window("tetracycline", T), window("bisphosphonate", T + hours(3))]
    # 11:00 is in the tetracycline window (08:00-14:00), then the bisphosphonate one (13-17)
    moment, moved_by = first_allowed(T - hours(1), spans)
    assert moment == T + hours(5)
    assert moved_by is not None
    assert moved_by.medicine == "bisphosphonate"
    assert first_allowed(T + hours(6), spans) == (T + hours(6), None)
    assert first_allowed(T, []) == (T, None)


def test_conflict_names_the_window_that_ends_last() -> None:
    spans = [window("quinolone", T), window("bisphosphonate", T + hours(1))]
    found = conflict(T + hours(1), spans)
    assert found is not None
    assert found.medicine == "bisphosphonate"
    assert conflict(T + hours(4), spans) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", (time(8, 0),)),
        ("20:00, 8:00; 08:00", (time(8, 0), time(20, 0))),
        ("7", (time(7, 0),)),
        ("13:45:30", (time(13, 45),)),
        ("", None),
        ("noon", None),
        ("25:00", None),
        (", ".join(["08:00"] * 7), None),
    ],
)
def test_parse_times(text: str, expected: tuple[time, ...] | None) -> None:
    assert parse_times(text) == expected


# -- reminders move out of a window --------------------------------------------------------


def plan() -> ReminderPlan:
    return ReminderPlan(
        morning=SlotPlan(Slot.MORNING, time(8, 0)),
        evening=SlotPlan(Slot.EVENING, time(21, 0), form="glycinate"),
        bath=BathPlan(frozenset()),
        daily_target=300,
        daily_limit=350,
    )


def local(hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime(2026, 6, 10 + days, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def test_evening_reminder_moves_after_the_antibiotic() -> None:
    plans = [MedicinePlan("quinolone", (time(20, 0),))]
    now = local(18)
    blocked = windows_around(plans, [], now, BERLIN)
    evaluation = evaluate(
        plan(),
        DayState(now.astimezone(BERLIN).date()),
        now,
        BERLIN,
        oral_doses=[],
        baths=[],
        oral_today_mg=0,
        blocked=blocked,
    )
    status = evaluation.statuses[Reminder.EVENING]
    # 21:00 is inside 14:00-22:00: the reminder moves to 22:00 and says why
    assert status.due_at == local(22)
    assert status.planned_at == local(21)
    assert status.moved_by is not None
    assert status.moved_by.medicine == "quinolone"
    assert status.state is SlotState.PENDING
    assert evaluation.next_dose is not None
    assert evaluation.next_dose[0] == local(22)
    assert evaluation.next_dose_moved_by is not None
    # the morning slot is outside every window
    morning = evaluation.statuses[Reminder.MORNING]
    assert morning.moved_by is None
    assert morning.due_at == local(8)
    later = evaluate(
        plan(),
        DayState(now.astimezone(BERLIN).date()),
        local(21, 30),
        BERLIN,
        oral_doses=[],
        baths=[],
        oral_today_mg=0,
        blocked=blocked,
    )
    assert later.statuses[Reminder.EVENING].state is SlotState.PENDING
    assert later.next_check == local(22)
    # past its own time, the moved evening dose is still the next one
    assert later.next_dose is not None
    assert later.next_dose[:2] == (local(22), Slot.EVENING)
    assert later.next_dose_moved_by is not None
    due = evaluate(
        plan(),
        DayState(now.astimezone(BERLIN).date()),
        local(22),
        BERLIN,
        oral_doses=[],
        baths=[],
        oral_today_mg=0,
        blocked=blocked,
    )
    assert due.statuses[Reminder.EVENING].state is SlotState.DUE
    assert Reminder.EVENING in due.announce


def test_evaluation_looks_again_when_a_slot_window_closes() -> None:
    evaluation = evaluate(
        plan(),
        DayState(date(2026, 6, 10)),
        local(9),
        BERLIN,
        oral_doses=[local(8, 5)],
        baths=[],
        oral_today_mg=150,
    )
    # the morning window closes midway between 08:00 and 21:00
    assert evaluation.next_check == local(14, 30)


def test_medicine_plans_from_stored_data() -> None:
    from custom_components.magnesium.spacing import medicine_plans_from

    assert medicine_plans_from(
        [
            {"medicine": "gabapentin", "times": ["20:00", "08:00"]},
            {"medicine": "kidney", "times": ["08:00"]},
            {"medicine": "unknown", "times": ["08:00"]},
            {"medicine": "quinolone", "times": "08:00"},
            {"medicine": "quinolone", "times": ["nonsense"]},
            {"medicine": "tetracycline", "times": []},
        ]
    ) == (MedicinePlan("gabapentin", (time(8, 0), time(20, 0))),)


def test_a_reminder_with_no_allowed_time_left_in_its_window_is_held() -> None:
    plans = [MedicinePlan("quinolone", (time(23, 0),))]
    now = local(18)
    blocked = windows_around(plans, [], now, BERLIN)
    evaluation = evaluate(
        plan(),
        DayState(now.astimezone(BERLIN).date()),
        now,
        BERLIN,
        oral_doses=[local(8)],
        baths=[],
        oral_today_mg=150,
        blocked=blocked,
    )
    # 21:00 would move to 01:00, after the evening window ends at midnight
    evening = evaluation.statuses[Reminder.EVENING]
    assert evening.state is SlotState.HELD
    assert evening.due_at == local(1, days=1)
    assert not evening.is_due
    assert evaluation.announce == ()
    assert evaluation.next_dose is not None
    assert evaluation.next_dose[:2] == (local(8, days=1), Slot.MORNING)
    assert evaluation.next_check == local(0, days=1)


# -- medicines on some weekdays -------------------------------------------------------------


def test_weekly_alendronate_opens_windows_only_on_its_day() -> None:
    """Alendronate is often taken weekly (facts.md): Monday 07:00 holds 05:00-09:00 only then."""
    from custom_components.magnesium.spacing import parse_weekdays

    plan = MedicinePlan("bisphosphonate", (time(7, 0),), parse_weekdays(["mon"]) or frozenset())
    tz = ZoneInfo("Europe/Berlin")
    monday = date(2026, 6, 8)
    windows = planned_windows([plan], monday - timedelta(days=3), monday + timedelta(days=7), tz)
    assert [item.medicine_at.astimezone(tz) for item in windows] == [
        datetime(2026, 6, 8, 7, 0, tzinfo=tz),
        datetime(2026, 6, 15, 7, 0, tzinfo=tz),
    ]
    span = windows[0]
    assert (span.start.astimezone(tz).hour, span.end.astimezone(tz).hour) == (5, 9)
    at_8_tuesday = datetime(2026, 6, 9, 8, 0, tzinfo=tz)
    assert conflict(at_8_tuesday, windows) is None
    assert conflict(datetime(2026, 6, 8, 8, 0, tzinfo=tz), windows) is span


def test_stored_medicines_without_weekdays_are_daily() -> None:
    from custom_components.magnesium.spacing import EVERY_DAY, medicine_plans_from

    plans = medicine_plans_from(
        [
            {"medicine": "quinolone", "times": ["08:00"]},
            {"medicine": "bisphosphonate", "times": ["07:00"], "weekdays": ["sun", "wed"]},
            {"medicine": "gabapentin", "times": ["09:00"], "weekdays": ["funday"]},
            {"medicine": "gabapentin", "times": ["09:00"], "weekdays": []},
        ]
    )
    assert plans == (
        MedicinePlan("quinolone", (time(8, 0),), EVERY_DAY),
        MedicinePlan("bisphosphonate", (time(7, 0),), frozenset({2, 6})),
    )
