"""Reminder rules: split dose, start-low ramp and Epsom baths.

Over 400 lines: slots, windows, the ramp, baths and the future plan are one pure rule set with its
small helpers.

Pure functions of (settings, what was logged, now), with no Home Assistant imports. Times are
aware datetimes; days are local calendar days in the time zone passed in, so the days on which
clocks change are whole days.

Windows. A slot is satisfied by an oral dose logged inside its window:

* morning: from the local day's start until midway between the morning and the evening slot;
* evening: from that midpoint until the local day's end.

With the defaults (08:00 and 21:00) the morning window ends at 14:30. The midpoint is taken in
real (elapsed) time, so it is right on the days when clocks change too. If the "evening" time is
set before the "morning" one, the slot set earlier gets the first window, so that each slot's
window always holds its own time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
import math
from typing import Any

from .spacing import Window as SpacingWindow, first_allowed

DEFAULT_MORNING_TIME = time(8, 0)
DEFAULT_EVENING_TIME = time(21, 0)
DEFAULT_MORNING_FORM = "malate"
DEFAULT_EVENING_FORM = "glycinate"
DEFAULT_BATH_TIME = time(20, 0)


class Slot(StrEnum):
    """The two doses of a split day."""

    MORNING = "morning"
    EVENING = "evening"


class SlotState(StrEnum):
    """Where a slot stands at a moment."""

    DISABLED = "disabled"
    PENDING = "pending"  # its time has not come yet
    DUE = "due"  # its time has come and no dose was logged in its window
    SNOOZED = "snoozed"  # due, but put off until a later moment
    SATISFIED = "satisfied"
    SKIPPED = "skipped"
    HELD = "held"  # moved for a medicine past the end of its window: no allowed time left today


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """The settings of one slot."""

    slot: Slot
    at: time
    enabled: bool = True
    amount_mg: float | None = None  # None: half of the day's target
    form: str = DEFAULT_MORNING_FORM


@dataclass(frozen=True, slots=True)
class Ramp:
    """Start low and increase gradually, up to the daily target."""

    start_mg: float
    step_mg: float
    every_days: int
    first_day: date

    def target_on(self, day: date, daily_target: float) -> float:
        """The day's target: start, plus one step every ``every_days`` days, capped."""
        if day < self.first_day:
            return min(self.start_mg, daily_target)
        steps = (day - self.first_day).days // max(1, self.every_days)
        return min(daily_target, self.start_mg + steps * self.step_mg)


@dataclass(frozen=True, slots=True)
class Window:
    """The moments in which a dose counts for a slot: ``start <= moment < end``."""

    start: datetime
    end: datetime

    def __contains__(self, moment: object) -> bool:
        """Whether a moment lies inside the window."""
        return isinstance(moment, datetime) and self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What a reminder proposes, never more than what is left under the limit."""

    amount_mg: float
    limit_reached: bool
    capped: bool  # the plan was larger than what is left


@dataclass(frozen=True, slots=True)
class SlotStatus:
    """A slot at a moment."""

    slot: Slot
    state: SlotState
    due_at: datetime  # the slot's time today (UTC)
    window: Window


def local_moment(day: date, at: time, tz: tzinfo) -> datetime:
    """A local wall-clock time on a day, in UTC.

    A time skipped when clocks go forward lands after the gap (02:30 becomes 03:30); a time
    that occurs twice when clocks go back is its first occurrence (PEP 495, fold=0).
    """
    return _local_moment(day, at, tz, at.fold)


@lru_cache(maxsize=64)  # the reminders ask for the same few moments on every change of a day
def _local_moment(day: date, at: time, tz: tzinfo, _fold: int) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Start and end (UTC) of a local day."""
    return local_moment(day, time(), tz), local_moment(day + timedelta(days=1), time(), tz)


def windows(day: date, morning: time, evening: time, tz: tzinfo) -> dict[Slot, Window]:
    """The morning and evening windows of a local day (see the module docstring)."""
    early, late, swapped = _windows(day, morning, evening, tz, morning.fold, evening.fold)
    if swapped:  # the "evening" dose set earlier than the "morning" one: each keeps its time
        return {Slot.MORNING: late, Slot.EVENING: early}
    return {Slot.MORNING: early, Slot.EVENING: late}


@lru_cache(maxsize=16)
def _windows(
    day: date, morning: time, evening: time, tz: tzinfo, *_folds: int
) -> tuple[Window, Window, bool]:
    start, end = day_bounds(day, tz)
    first, second = local_moment(day, morning, tz), local_moment(day, evening, tz)
    middle = min(first, second) + abs(second - first) / 2
    return Window(start, middle), Window(middle, end), second < first


def slot_status(
    plan: SlotPlan,
    other: SlotPlan,
    now: datetime,
    tz: tzinfo,
    oral_doses: Iterable[datetime],
    *,
    skipped: bool = False,
    snoozed_until: datetime | None = None,
    due_at: datetime | None = None,
) -> SlotStatus:
    """Where a slot stands at ``now``, given the oral doses logged (any days).

    ``due_at`` replaces the slot's own time today (a reminder moved for a medicine).
    """
    day = now.astimezone(tz).date()
    morning, evening = (plan, other) if plan.slot is Slot.MORNING else (other, plan)
    window = windows(day, morning.at, evening.at, tz)[plan.slot]
    due_at = due_at or local_moment(day, plan.at, tz)
    state = _state(
        now,
        due_at,
        enabled=plan.enabled,
        satisfied=any(moment in window for moment in oral_doses),
        skipped=skipped,
        snoozed_until=snoozed_until,
    )
    return SlotStatus(plan.slot, state, due_at, window)


def _state(
    now: datetime,
    due_at: datetime,
    *,
    enabled: bool,
    satisfied: bool,
    skipped: bool,
    snoozed_until: datetime | None,
) -> SlotState:
    """The state of a reminder at ``now``: the first that holds, in this order."""
    if not enabled:
        return SlotState.DISABLED
    if satisfied:
        return SlotState.SATISFIED
    if skipped:
        return SlotState.SKIPPED
    if now < due_at:
        return SlotState.PENDING
    if snoozed_until is not None and now < snoozed_until:
        return SlotState.SNOOZED
    return SlotState.DUE


def planned_amount(plan: SlotPlan, daily_target: float) -> float:
    """The slot's planned amount: its own, or half of the day's target."""
    if plan.amount_mg is not None:
        return plan.amount_mg
    return round(daily_target / 2, 1)


def suggest(planned_mg: float, taken_today_mg: float, daily_limit: float) -> Suggestion:
    """Cap a planned amount at what is left under the limit."""
    remaining = max(0.0, daily_limit - taken_today_mg)
    if remaining <= 0 or math.isclose(remaining, 0.0, abs_tol=1e-9):
        return Suggestion(0.0, limit_reached=True, capped=planned_mg > 0)
    if planned_mg <= remaining:
        return Suggestion(round(planned_mg, 1), limit_reached=False, capped=False)
    # round down: a suggestion never exceeds what is left
    return Suggestion(math.floor(remaining * 10) / 10, limit_reached=False, capped=True)


def next_planned(
    plans: Iterable[SlotPlan],
    now: datetime,
    tz: tzinfo,
    oral_doses: Iterable[datetime],
    skipped: Collection[Slot] = (),
) -> tuple[datetime, Slot] | None:
    """The next slot time still to come, today's open slots first, then tomorrow's.

    A slot that is satisfied or skipped today is not next; neither is one whose time passed.
    """
    every = list(plans)
    by_slot = {plan.slot: plan for plan in every}
    plans = [plan for plan in every if plan.enabled]
    if not plans:
        return None
    doses = list(oral_doses)
    morning = by_slot.get(Slot.MORNING, SlotPlan(Slot.MORNING, DEFAULT_MORNING_TIME, False))
    evening = by_slot.get(Slot.EVENING, SlotPlan(Slot.EVENING, DEFAULT_EVENING_TIME, False))
    day = now.astimezone(tz).date()
    candidates: list[tuple[datetime, Slot]] = []
    today = windows(day, morning.at, evening.at, tz)
    for plan in plans:
        at = local_moment(day, plan.at, tz)
        if (
            at >= now
            and plan.slot not in skipped
            and not any(moment in today[plan.slot] for moment in doses)
        ):
            candidates.append((at, plan.slot))
    if not candidates:
        tomorrow = day + timedelta(days=1)
        candidates = [(local_moment(tomorrow, plan.at, tz), plan.slot) for plan in plans]
    return min(candidates)


@dataclass(frozen=True, slots=True)
class BathPlan:
    """Epsom baths on some weekdays (0 = Monday) at a time."""

    weekdays: frozenset[int]
    at: time = DEFAULT_BATH_TIME
    enabled: bool = False


def bath_due(plan: BathPlan, now: datetime, tz: tzinfo, baths: Iterable[datetime]) -> bool:
    """Whether a planned bath's time has come today and no bath was logged today."""
    state = DayState(now.astimezone(tz).date())
    return _bath_status(plan, state, now, tz, list(baths)).state is SlotState.DUE


def next_bath(plan: BathPlan, now: datetime, tz: tzinfo) -> datetime | None:
    """The next planned bath time from ``now`` on (today's if still to come)."""
    if not plan.enabled or not plan.weekdays:
        return None
    day = now.astimezone(tz).date()
    for offset in range(8):
        candidate = day + timedelta(days=offset)
        if candidate.weekday() in plan.weekdays:
            moment = local_moment(candidate, plan.at, tz)
            if moment >= now:
                return moment
    return None  # pragma: no cover - a week always holds a planned weekday


# -- reminders: the whole picture at a moment ------------------------------------------------


class Reminder(StrEnum):
    """The reminders of an entry."""

    MORNING = "morning"
    EVENING = "evening"
    EPSOM_BATH = "epsom_bath"


SLOT_REMINDERS: Mapping[Slot, Reminder] = {
    Slot.MORNING: Reminder.MORNING,
    Slot.EVENING: Reminder.EVENING,
}


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """Everything the reminders of one person follow."""

    morning: SlotPlan
    evening: SlotPlan
    bath: BathPlan
    daily_target: float
    daily_limit: float
    ramp: Ramp | None = None

    def target_on(self, day: date) -> float:
        """The day's target: the ramp's while it climbs, else the daily target."""
        if self.ramp is None:
            return self.daily_target
        return self.ramp.target_on(day, self.daily_target)

    def slot(self, slot: Slot) -> SlotPlan:
        """The plan of one slot."""
        return self.morning if slot is Slot.MORNING else self.evening


@dataclass(slots=True)
class DayState:
    """What happened to the reminders on one local day; kept across restarts.

    ``announced`` holds when each reminder last went out: a reminder goes out again only
    once it became due again after that (a snooze ended, or its time was moved later).
    """

    day: date
    skipped: set[Reminder] = field(default_factory=set)
    snoozed_until: dict[Reminder, datetime] = field(default_factory=dict)
    announced: dict[Reminder, datetime] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "day": self.day.isoformat(),
            "skipped": sorted(self.skipped),
            "snoozed_until": {key.value: at.isoformat() for key, at in self.snoozed_until.items()},
            "announced": {key.value: at.isoformat() for key, at in self.announced.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> DayState | None:
        """Read the stored form; None when it is malformed."""
        if not isinstance(data, Mapping):
            return None
        try:
            return cls(
                day=date.fromisoformat(data["day"]),
                skipped={Reminder(key) for key in data.get("skipped", [])},
                snoozed_until=_moments(data.get("snoozed_until", {})),
                announced=_moments(data.get("announced", {})),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _moments(data: Mapping[str, str]) -> dict[Reminder, datetime]:
    moments = {Reminder(key): datetime.fromisoformat(value) for key, value in data.items()}
    if any(moment.tzinfo is None for moment in moments.values()):
        raise ValueError("naive time")
    return moments


@dataclass(frozen=True, slots=True)
class ReminderStatus:
    """One reminder at a moment."""

    reminder: Reminder
    state: SlotState
    due_at: datetime | None  # its time today (UTC); None for a bath not planned today
    amount_mg: float = 0.0  # the suggestion: planned, capped at what is left
    form: str | None = None
    limit_reached: bool = False
    capped: bool = False
    snoozed_until: datetime | None = None
    moved_by: SpacingWindow | None = None  # the medicine window the reminder was moved out of
    planned_at: datetime | None = None  # the slot's own time, when it was moved

    @property
    def is_due(self) -> bool:
        """Due now or snoozed: the person has not taken it yet and its time has come."""
        return self.state in (SlotState.DUE, SlotState.SNOOZED)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The reminders at a moment, what must go out now, and when to look again."""

    target_mg: float
    statuses: Mapping[Reminder, ReminderStatus]
    announce: tuple[Reminder, ...]
    next_check: datetime
    next_dose: tuple[datetime, Slot, float, str] | None  # when, slot, planned mg, form
    next_dose_moved_by: SpacingWindow | None = None  # moved out of a medicine's window


def slot_amount(plan: SlotPlan, daily_target: float, target_today: float) -> float:
    """A slot's planned amount today.

    Left unset, it is half of today's target. Set, it is the amount at the full target, and
    scaled down in proportion while a start-low ramp climbs.
    """
    if plan.amount_mg is None:
        return planned_amount(plan, target_today)
    if daily_target <= 0 or target_today >= daily_target:
        return plan.amount_mg
    return round(plan.amount_mg * target_today / daily_target, 1)


def is_held(moved_by: SpacingWindow | None, due_at: datetime, window: Window) -> bool:
    """Whether a dose moved out of a medicine's window has no allowed time left in its own."""
    return moved_by is not None and due_at >= window.end


def held_slots(
    plan: ReminderPlan, day: date, tz: tzinfo, blocked: Sequence[SpacingWindow]
) -> frozenset[Slot]:
    """The slots of a local day whose whole window the ``blocked`` medicine windows take.

    Such a dose is not reminded of (it would come too close to the medicine) and does not
    count as missed.
    """
    if not blocked:
        return frozenset()
    slot_windows = windows(day, plan.morning.at, plan.evening.at, tz)
    held = set()
    for slot_plan in (plan.morning, plan.evening):
        if slot_plan.enabled:
            due_at, moved_by = first_allowed(local_moment(day, slot_plan.at, tz), blocked)
            if is_held(moved_by, due_at, slot_windows[slot_plan.slot]):
                held.add(slot_plan.slot)
    return frozenset(held)


def evaluate(
    plan: ReminderPlan,
    state: DayState,
    now: datetime,
    tz: tzinfo,
    *,
    oral_doses: Iterable[datetime],
    baths: Iterable[datetime],
    oral_today_mg: float,
    blocked: Sequence[SpacingWindow] = (),
    started: datetime | None = None,
) -> Evaluation:
    """Every reminder of a person at ``now``.

    ``state`` must be today's (a state of another day is ignored). ``oral_doses`` and
    ``baths`` are the times of today's records (earlier ones may be included). A dose
    reminder whose time falls in one of the ``blocked`` medicine windows (see ``spacing``)
    moves to the first allowed moment after it. A reminder whose own time came before
    ``started`` (the log began) is left out that day (skipped), unless it was taken.
    """
    day = now.astimezone(tz).date()
    if state.day != day:
        state = DayState(day)
    doses = list(oral_doses)
    target = plan.target_on(day)
    statuses: dict[Reminder, ReminderStatus] = {}
    for slot in Slot:
        slot_plan = plan.slot(slot)
        key = SLOT_REMINDERS[slot]
        planned_at = local_moment(day, slot_plan.at, tz)
        due_at, moved_by = first_allowed(planned_at, blocked)
        status = slot_status(
            slot_plan,
            plan.slot(Slot.EVENING if slot is Slot.MORNING else Slot.MORNING),
            now,
            tz,
            doses,
            skipped=key in state.skipped,
            snoozed_until=state.snoozed_until.get(key),
            due_at=due_at,
        )
        if status.state is SlotState.PENDING and is_held(moved_by, due_at, status.window):
            status = replace(status, state=SlotState.HELD)
        if before_start(planned_at, started) and status.state in _NOT_TAKEN:
            status = replace(status, state=SlotState.SKIPPED)
        suggestion = suggest(
            slot_amount(slot_plan, plan.daily_target, target), oral_today_mg, plan.daily_limit
        )
        statuses[key] = ReminderStatus(
            key,
            status.state,
            status.due_at,
            suggestion.amount_mg,
            slot_plan.form,
            suggestion.limit_reached,
            suggestion.capped,
            state.snoozed_until.get(key) if status.state is SlotState.SNOOZED else None,
            moved_by,
            planned_at if moved_by is not None else None,
        )
    bath = _bath_status(plan.bath, state, now, tz, list(baths))
    if bath.due_at is not None and before_start(bath.due_at, started) and bath.state in _NOT_TAKEN:
        bath = replace(bath, state=SlotState.SKIPPED, snoozed_until=None)
    statuses[Reminder.EPSOM_BATH] = bath

    announce = tuple(
        key
        for key, status in statuses.items()
        if status.state is SlotState.DUE and _became_due(status, state) > _announced(state, key)
    )
    upcoming = next_planned(
        (plan.morning, plan.evening),
        now,
        tz,
        doses,
        skipped={
            slot
            for slot in Slot
            if SLOT_REMINDERS[slot] in state.skipped
            or statuses[SLOT_REMINDERS[slot]].state is SlotState.HELD
        },
    )
    next_dose = None
    next_moved_by = None
    if upcoming is not None:
        at, slot = upcoming
        at, next_moved_by = first_allowed(at, blocked)
    # a slot moved for a medicine is still to come after its own time has passed
    for moved_slot in Slot:
        moved = statuses[SLOT_REMINDERS[moved_slot]]
        if (
            moved.state is SlotState.PENDING
            and moved.moved_by is not None
            and moved.due_at is not None
            and (upcoming is None or moved.due_at < at)
        ):
            upcoming = at, slot = moved.due_at, moved_slot
            next_moved_by = moved.moved_by
    if upcoming is not None:
        at_day = at.astimezone(tz).date()
        amount = slot_amount(plan.slot(slot), plan.daily_target, plan.target_on(at_day))
        if at_day == day:
            amount = suggest(amount, oral_today_mg, plan.daily_limit).amount_mg
        else:
            amount = suggest(amount, 0.0, plan.daily_limit).amount_mg
        next_dose = (at, slot, amount, plan.slot(slot).form)
    next_check = _next_check(statuses, now, tz)
    # a slot's window closing changes adherence: look again then
    closing = [
        window.end
        for window in windows(day, plan.morning.at, plan.evening.at, tz).values()
        if now < window.end < next_check
    ]
    return Evaluation(
        target,
        statuses,
        announce,
        min([next_check, *closing]),
        next_dose,
        next_moved_by,
    )


_NOT_TAKEN = (SlotState.DUE, SlotState.SNOOZED, SlotState.PENDING)


def before_start(moment: datetime, started: datetime | None) -> bool:
    """Whether a reminder's time came before the log began (it was never due)."""
    return started is not None and moment < started


def _bath_status(
    plan: BathPlan, state: DayState, now: datetime, tz: tzinfo, baths: list[datetime]
) -> ReminderStatus:
    key = Reminder.EPSOM_BATH
    local = now.astimezone(tz)
    if not plan.enabled or local.weekday() not in plan.weekdays:
        return ReminderStatus(key, SlotState.DISABLED, None)
    due_at = local_moment(local.date(), plan.at, tz)
    start, end = day_bounds(local.date(), tz)
    snoozed_until = state.snoozed_until.get(key)
    bath_state = _state(
        now,
        due_at,
        enabled=True,
        satisfied=any(start <= moment < end for moment in baths),
        skipped=key in state.skipped,
        snoozed_until=snoozed_until,
    )
    return ReminderStatus(
        key,
        bath_state,
        due_at,
        snoozed_until=snoozed_until if bath_state is SlotState.SNOOZED else None,
    )


def _became_due(status: ReminderStatus, state: DayState) -> datetime:
    """The moment a due reminder last became due: its time, or the end of a snooze."""
    assert status.due_at is not None
    snoozed = state.snoozed_until.get(status.reminder)
    return max(status.due_at, snoozed) if snoozed is not None else status.due_at


def _announced(state: DayState, key: Reminder) -> datetime:
    return state.announced.get(key, datetime.min.replace(tzinfo=UTC))


def _next_check(statuses: Mapping[Reminder, ReminderStatus], now: datetime, tz: tzinfo) -> datetime:
    """The next moment at which a reminder can change by itself: a time, a snooze, midnight."""
    moments = [day_bounds(now.astimezone(tz).date(), tz)[1]]
    for status in statuses.values():
        if status.state is SlotState.PENDING and status.due_at is not None:
            moments.append(status.due_at)
        if status.snoozed_until is not None:
            moments.append(status.snoozed_until)
    return min(moment for moment in moments if moment > now)


def snooze(state: DayState, key: Reminder, now: datetime, delay: timedelta) -> None:
    """Put a reminder off; it goes out again after ``delay``."""
    state.snoozed_until[key] = now + delay


def skip(state: DayState, key: Reminder) -> None:
    """Leave a reminder out for the rest of the day."""
    state.skipped.add(key)
    state.snoozed_until.pop(key, None)
