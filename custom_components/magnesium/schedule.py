"""Reminder rules: split dose, start-low ramp and Epsom baths.

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

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
import math

DEFAULT_MORNING_TIME = time(8, 0)
DEFAULT_EVENING_TIME = time(21, 0)
DEFAULT_MORNING_FORM = "malate"
DEFAULT_EVENING_FORM = "glycinate"
DEFAULT_BATH_TIME = time(20, 0)
DEFAULT_SNOOZE = timedelta(minutes=30)


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
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Start and end (UTC) of a local day."""
    return local_moment(day, time(), tz), local_moment(day + timedelta(days=1), time(), tz)


def windows(day: date, morning: time, evening: time, tz: tzinfo) -> dict[Slot, Window]:
    """The morning and evening windows of a local day (see the module docstring)."""
    start, end = day_bounds(day, tz)
    first, second = local_moment(day, morning, tz), local_moment(day, evening, tz)
    middle = min(first, second) + abs(second - first) / 2
    early, late = Window(start, middle), Window(middle, end)
    if second < first:  # the "evening" dose set earlier than the "morning" one: each keeps its time
        return {Slot.MORNING: late, Slot.EVENING: early}
    return {Slot.MORNING: early, Slot.EVENING: late}


def slot_status(
    plan: SlotPlan,
    other: SlotPlan,
    now: datetime,
    tz: tzinfo,
    oral_doses: Iterable[datetime],
    *,
    skipped: bool = False,
    snoozed_until: datetime | None = None,
) -> SlotStatus:
    """Where a slot stands at ``now``, given the oral doses logged (any days)."""
    day = now.astimezone(tz).date()
    morning, evening = (plan, other) if plan.slot is Slot.MORNING else (other, plan)
    window = windows(day, morning.at, evening.at, tz)[plan.slot]
    due_at = local_moment(day, plan.at, tz)
    if not plan.enabled:
        state = SlotState.DISABLED
    elif any(moment in window for moment in oral_doses):
        state = SlotState.SATISFIED
    elif skipped:
        state = SlotState.SKIPPED
    elif now < due_at:
        state = SlotState.PENDING
    elif snoozed_until is not None and now < snoozed_until:
        state = SlotState.SNOOZED
    else:
        state = SlotState.DUE
    return SlotStatus(plan.slot, state, due_at, window)


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
    plans: Iterable[SlotPlan], now: datetime, tz: tzinfo, oral_doses: Iterable[datetime]
) -> tuple[datetime, Slot] | None:
    """The next slot time still to come, today's unsatisfied slots first, then tomorrow's."""
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
        if at >= now and not any(moment in today[plan.slot] for moment in doses):
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
    local = now.astimezone(tz)
    if not plan.enabled or local.weekday() not in plan.weekdays:
        return False
    start, end = day_bounds(local.date(), tz)
    if any(start <= moment < end for moment in baths):
        return False
    return now >= local_moment(local.date(), plan.at, tz)


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
