"""Unit tests of the whole reminder picture: ``schedule.evaluate`` and the day's state.

Pure Python: each test is (settings, what was logged, state, now) -> what is due, what goes
out now and when to look again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.magnesium.schedule import (
    BathPlan,
    DayState,
    Evaluation,
    Ramp,
    Reminder,
    ReminderPlan,
    Slot,
    SlotPlan,
    SlotState,
    evaluate,
    skip,
    slot_amount,
    snooze,
)

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 6, 10)  # a Wednesday, CEST
PLAN = ReminderPlan(
    morning=SlotPlan(Slot.MORNING, time(8, 0), form="malate"),
    evening=SlotPlan(Slot.EVENING, time(21, 0), form="glycinate"),
    bath=BathPlan(frozenset({2}), time(20, 0), enabled=True),  # Wednesdays
    daily_target=300,
    daily_limit=350,
)
NO_BATH = BathPlan(frozenset(), time(20, 0), enabled=False)
SLOTS_ONLY = ReminderPlan(PLAN.morning, PLAN.evening, NO_BATH, 300, 350)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Berlin wall-clock time."""
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


MORNING_DOSE = (at(DAY, 9),)


def run(
    now: datetime,
    state: DayState | None = None,
    *,
    plan: ReminderPlan = PLAN,
    doses: tuple[datetime, ...] = (),
    baths: tuple[datetime, ...] = (),
    oral_mg: float = 0.0,
    tz: ZoneInfo = BERLIN,
    started: datetime | None = None,
) -> Evaluation:
    """Evaluate at ``now``."""
    return evaluate(
        plan,
        state or DayState(now.astimezone(tz).date()),
        now,
        tz,
        oral_doses=doses,
        baths=baths,
        oral_today_mg=oral_mg,
        started=started,
    )


def states(evaluation: Evaluation) -> dict[Reminder, SlotState]:
    """Each reminder's state."""
    return {key: status.state for key, status in evaluation.statuses.items()}


def test_a_whole_day() -> None:
    state = DayState(DAY)
    early = run(at(DAY, 7), state)
    assert states(early) == {
        Reminder.MORNING: SlotState.PENDING,
        Reminder.EVENING: SlotState.PENDING,
        Reminder.EPSOM_BATH: SlotState.PENDING,
    }
    assert early.announce == ()
    assert early.next_check == at(DAY, 8)
    assert early.next_dose == (at(DAY, 8), Slot.MORNING, 150.0, "malate")

    morning = run(at(DAY, 8), state)
    assert morning.announce == (Reminder.MORNING,)
    assert morning.statuses[Reminder.MORNING].amount_mg == 150.0
    assert morning.statuses[Reminder.MORNING].form == "malate"
    # the morning window closes at 14:30 (adherence counts it then); the bath is next after
    assert morning.next_check == at(DAY, 14, 30)
    state.announced[Reminder.MORNING] = at(DAY, 8)
    # announced once: looking again does not send it again
    assert run(at(DAY, 8, 5), state).announce == ()

    taken = run(at(DAY, 9), state, doses=(at(DAY, 9),), oral_mg=150)
    assert taken.statuses[Reminder.MORNING].state is SlotState.SATISFIED
    assert taken.next_dose == (at(DAY, 21), Slot.EVENING, 150.0, "glycinate")

    bath = run(at(DAY, 20), state, doses=(at(DAY, 9),), oral_mg=150)
    assert bath.announce == (Reminder.EPSOM_BATH,)
    state.announced[Reminder.EPSOM_BATH] = at(DAY, 20)
    bathed = run(at(DAY, 20, 30), state, doses=(at(DAY, 9),), baths=(at(DAY, 20, 25),))
    assert bathed.statuses[Reminder.EPSOM_BATH].state is SlotState.SATISFIED

    evening = run(at(DAY, 21), state, doses=(at(DAY, 9),), baths=(at(DAY, 20, 25),), oral_mg=150)
    assert evening.announce == (Reminder.EVENING,)
    assert evening.statuses[Reminder.EVENING].amount_mg == 150.0
    assert evening.next_check == at(DAY + timedelta(days=1), 0)
    assert evening.next_dose == (at(DAY, 21), Slot.EVENING, 150.0, "glycinate")
    done = run(at(DAY, 21, 5), state, doses=(at(DAY, 9), at(DAY, 21, 5)), oral_mg=300)
    # the next dose is tomorrow morning's
    assert done.next_dose == (at(DAY + timedelta(days=1), 8), Slot.MORNING, 150.0, "malate")


def test_reminders_whose_time_came_before_the_log_began_are_left_out() -> None:
    """The log began at 20:45: the morning and the 20:00 bath were never due that day."""
    started = at(DAY, 20, 45)
    evening = run(at(DAY, 20, 45), started=started)
    assert states(evening) == {
        Reminder.MORNING: SlotState.SKIPPED,
        Reminder.EVENING: SlotState.PENDING,
        Reminder.EPSOM_BATH: SlotState.SKIPPED,
    }
    assert evening.announce == ()
    assert run(at(DAY, 21), started=started).announce == (Reminder.EVENING,)
    # a dose taken in the morning window (logged back-dated) still satisfies it
    kept = run(at(DAY, 20, 45), doses=(at(DAY, 9),), oral_mg=150, started=started)
    assert kept.statuses[Reminder.MORNING].state is SlotState.SATISFIED
    # the next day is whole
    tomorrow = run(at(DAY + timedelta(days=1), 8), started=started)
    assert tomorrow.announce == (Reminder.MORNING,)


def test_a_dose_before_the_time_satisfies_the_slot_and_nothing_goes_out() -> None:
    evaluation = run(at(DAY, 8), doses=(at(DAY, 7, 30),), oral_mg=150)
    assert evaluation.statuses[Reminder.MORNING].state is SlotState.SATISFIED
    assert evaluation.announce == ()


def test_a_dose_logged_just_before_midnight_counts_for_that_evening_only() -> None:
    late = at(DAY, 23, 59)
    evaluation = run(at(DAY, 23, 59), doses=(late,), oral_mg=150)
    assert evaluation.statuses[Reminder.EVENING].state is SlotState.SATISFIED
    next_day = DAY + timedelta(days=1)
    tomorrow = run(at(next_day, 21), doses=(late,))
    assert tomorrow.statuses[Reminder.EVENING].state is SlotState.DUE
    assert tomorrow.statuses[Reminder.MORNING].state is SlotState.DUE


def test_suggestion_is_capped_at_what_is_left_and_says_limit_reached_at_zero() -> None:
    capped = run(at(DAY, 21), doses=(at(DAY, 9),), oral_mg=275)
    status = capped.statuses[Reminder.EVENING]
    assert (status.amount_mg, status.capped, status.limit_reached) == (75.0, True, False)
    full = run(at(DAY, 21), plan=SLOTS_ONLY, doses=(at(DAY, 9),), oral_mg=350)
    status = full.statuses[Reminder.EVENING]
    assert (status.amount_mg, status.limit_reached) == (0.0, True)
    assert full.announce == (Reminder.EVENING,)  # it still goes out, saying the limit is reached
    # the next dose shown for today is capped too
    assert run(at(DAY, 20), oral_mg=300).next_dose == (at(DAY, 21), Slot.EVENING, 50.0, "glycinate")


def test_snooze_puts_off_and_sends_again_after_the_delay() -> None:
    state = DayState(DAY)
    state.announced[Reminder.EVENING] = at(DAY, 21)
    snooze(state, Reminder.EVENING, at(DAY, 21, 2), timedelta(minutes=30))
    snoozed = run(at(DAY, 21, 10), state, plan=SLOTS_ONLY, doses=MORNING_DOSE)
    status = snoozed.statuses[Reminder.EVENING]
    assert status.state is SlotState.SNOOZED
    assert status.is_due  # still not taken
    assert status.snoozed_until == at(DAY, 21, 32)
    assert snoozed.announce == ()
    assert snoozed.next_check == at(DAY, 21, 32)
    again = run(at(DAY, 21, 32), state, plan=SLOTS_ONLY, doses=MORNING_DOSE)
    assert again.statuses[Reminder.EVENING].state is SlotState.DUE
    assert again.announce == (Reminder.EVENING,)
    state.announced[Reminder.EVENING] = at(DAY, 21, 32)
    assert run(at(DAY, 21, 40), state, plan=SLOTS_ONLY, doses=MORNING_DOSE).announce == ()


def test_skip_clears_the_slot_for_the_day() -> None:
    state = DayState(DAY)
    snooze(state, Reminder.MORNING, at(DAY, 8), timedelta(minutes=30))
    skip(state, Reminder.MORNING)
    evaluation = run(at(DAY, 9), state)
    assert evaluation.statuses[Reminder.MORNING].state is SlotState.SKIPPED
    assert not evaluation.statuses[Reminder.MORNING].is_due
    assert evaluation.announce == ()
    assert Reminder.MORNING not in state.snoozed_until
    # a skipped slot is not the next dose
    assert run(at(DAY, 7), state).next_dose == (at(DAY, 21), Slot.EVENING, 150.0, "glycinate")
    # the next day starts afresh
    assert run(at(DAY + timedelta(days=1), 8), state).announce == (Reminder.MORNING,)


def test_slot_time_moved_later_while_due_goes_out_again_at_the_new_time() -> None:
    state = DayState(DAY)
    state.announced[Reminder.EVENING] = at(DAY, 21)
    later = ReminderPlan(
        PLAN.morning, SlotPlan(Slot.EVENING, time(22, 0), form="glycinate"), NO_BATH, 300, 350
    )
    moved = run(at(DAY, 21, 15), state, plan=later, doses=MORNING_DOSE)
    assert moved.statuses[Reminder.EVENING].state is SlotState.PENDING
    assert moved.next_check == at(DAY, 22)
    assert run(at(DAY, 22), state, plan=later, doses=MORNING_DOSE).announce == (Reminder.EVENING,)
    # moved earlier (still past): due, but it was sent already
    earlier = ReminderPlan(
        PLAN.morning, SlotPlan(Slot.EVENING, time(20, 30), form="glycinate"), NO_BATH, 300, 350
    )
    assert run(at(DAY, 21, 15), state, plan=earlier, doses=MORNING_DOSE).announce == ()


def test_restored_state_sends_nothing_twice() -> None:
    state = DayState(DAY)
    first = run(at(DAY, 21), state)
    # nothing was taken all day: everything due goes out once
    assert first.announce == (Reminder.MORNING, Reminder.EVENING, Reminder.EPSOM_BATH)
    for key in first.announce:
        state.announced[key] = at(DAY, 21)
    restored = DayState.from_dict(state.as_dict())
    assert restored == state
    assert restored is not None
    assert run(at(DAY, 21, 1), restored).announce == ()


def test_state_of_another_day_is_ignored() -> None:
    old = DayState(DAY - timedelta(days=1), skipped={Reminder.MORNING})
    assert run(at(DAY, 8), old).announce == (Reminder.MORNING,)


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"day": "yesterday"},
        {"day": "2026-06-10", "skipped": ["lunch"]},
        {"day": "2026-06-10", "announced": {"morning": "2026-06-10T08:00:00"}},  # naive
        {"day": "2026-06-10", "snoozed_until": {"evening": 5}},
    ],
)
def test_malformed_day_state_is_dropped(data: object) -> None:
    assert DayState.from_dict(data) is None


def test_disabled_reminders() -> None:
    plan = ReminderPlan(
        SlotPlan(Slot.MORNING, time(8, 0), enabled=False),
        SlotPlan(Slot.EVENING, time(21, 0), enabled=False),
        BathPlan(frozenset(range(7)), time(20, 0), enabled=False),
        300,
        350,
    )
    evaluation = run(at(DAY, 22), plan=plan)
    assert set(states(evaluation).values()) == {SlotState.DISABLED}
    assert evaluation.announce == ()
    assert evaluation.next_dose is None
    assert evaluation.next_check == at(DAY + timedelta(days=1), 0)


def test_bath_only_on_its_weekdays_and_snoozable() -> None:
    thursday = DAY + timedelta(days=1)
    assert run(at(thursday, 21)).statuses[Reminder.EPSOM_BATH].state is SlotState.DISABLED
    state = DayState(DAY)
    state.announced[Reminder.EPSOM_BATH] = at(DAY, 20)
    snooze(state, Reminder.EPSOM_BATH, at(DAY, 20), timedelta(minutes=30))
    snoozed = run(at(DAY, 20, 10), state).statuses[Reminder.EPSOM_BATH]
    assert (snoozed.state, snoozed.snoozed_until) == (SlotState.SNOOZED, at(DAY, 20, 30))
    skip(state, Reminder.EPSOM_BATH)
    assert run(at(DAY, 20, 40), state).statuses[Reminder.EPSOM_BATH].state is SlotState.SKIPPED
    # a bath logged yesterday does not count today
    yesterday = run(at(DAY, 20), baths=(at(DAY - timedelta(days=1), 20),))
    assert yesterday.statuses[Reminder.EPSOM_BATH].state is SlotState.DUE


def test_ramp_sets_the_target_and_slot_amounts_follow_it_across_weeks() -> None:
    ramp = Ramp(start_mg=100, step_mg=50, every_days=7, first_day=DAY)
    plan = ReminderPlan(PLAN.morning, PLAN.evening, PLAN.bath, 300, 350, ramp=ramp)
    targets = [run(at(DAY + timedelta(days=7 * week), 8), plan=plan).target_mg for week in range(6)]
    assert targets == [100, 150, 200, 250, 300, 300]
    first = run(at(DAY, 8), plan=plan)
    assert first.statuses[Reminder.MORNING].amount_mg == 50.0
    # a fixed amount (at the full target) is scaled while the ramp climbs
    fixed = ReminderPlan(
        SlotPlan(Slot.MORNING, time(8, 0), amount_mg=100),
        SlotPlan(Slot.EVENING, time(21, 0), amount_mg=200),
        PLAN.bath,
        300,
        350,
        ramp=ramp,
    )
    week2 = run(at(DAY + timedelta(days=7), 21), plan=fixed)
    assert week2.statuses[Reminder.MORNING].amount_mg == 50.0
    assert week2.statuses[Reminder.EVENING].amount_mg == 100.0
    # tomorrow's next dose uses tomorrow's target
    eve_of_step = run(at(DAY + timedelta(days=6), 22), plan=plan)
    assert eve_of_step.next_dose == (at(DAY + timedelta(days=7), 8), Slot.MORNING, 75.0, "malate")


@pytest.mark.parametrize(
    ("amount", "target", "today", "expected"),
    [(None, 300, 300, 150.0), (None, 300, 100, 50.0), (120, 300, 300, 120), (120, 300, 150, 60.0)],
)
def test_slot_amount(amount: float | None, target: float, today: float, expected: float) -> None:
    plan = SlotPlan(Slot.MORNING, time(8, 0), amount_mg=amount)
    assert slot_amount(plan, target, today) == expected


def test_dst_days_are_whole_days() -> None:
    spring = date(2026, 3, 29)  # clocks go forward in Berlin: 23 hours
    evaluation = run(at(spring, 3))
    assert evaluation.next_check == at(spring, 8)
    evening = run(at(spring, 21, 30))
    assert evening.next_check == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # local midnight
    autumn = date(2026, 10, 25)  # 25 hours
    assert run(at(autumn, 21, 30)).next_check == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    assert run(at(autumn, 8)).announce == (Reminder.MORNING,)
