"""Adherence: how many planned reminders were kept, and the streak of complete days.

Pure Python, no Home Assistant imports. It reads the ledger's day index (the minutes of each
day's oral doses and the day's bath count), never the records, so a 30-day figure is 30
look-ups however long the history. A day's windows are compared with the dose minutes as
offsets from the day's start; a day without a clock change has the same offsets as every other
day with the same UTC offset, so they are worked out once, and only the days of a daylight
saving change are worked out on their own.

* Planned, per local day: each dose slot whose reminder is on, and an Epsom bath on a bath
  day while the bath reminder is on (the settings as they are now). A slot whose whole window
  a medicine's spacing takes (``schedule.held_slots``: it is not reminded of) is not planned,
  unless a dose was taken in it anyway.
* Satisfied: an oral dose inside the slot's window (``schedule.windows``); a bath that day.
* Today counts a slot once it is satisfied or its window has closed; a bath once it is
  taken. So today never lowers a figure before the person could still act.
* Days before ``since`` (the day the log began) are not counted; on the day it began, a
  reminder whose time came before the moment it began (``started``) is not planned unless
  it was kept (a person added in the evening has not missed the morning dose).
* The streak: complete days (every counted slot satisfied, at least one) back from today;
  today adds to it once complete and breaks it only when a window closed unsatisfied. Days
  with nothing planned neither add nor break it. It is counted up to ``STREAK_CAP`` days.
* The days older than the index's (the ``horizon``) count for the streak only. Of those the
  caller keeps one letter a day (``day_codes``: complete, broken, nothing planned, before the
  log), worked out again when the plan, the horizon or those days change; so the streak needs
  no more than the index's days and a short text, however long it is.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache

from .schedule import ReminderPlan, Slot, before_start, day_bounds, local_moment, windows

STREAK_CAP = 365
PERIODS = (7, 30)


_US = timedelta(microseconds=1)
_DAY = timedelta(days=1)
_MIDNIGHT = time()
_MINUTE_US = 60_000_000
# any day: on a day without a clock change the windows' offsets from the day's start are those
# of this day in a zone of the same fixed UTC offset
_PLAIN_DAY = date(2001, 1, 1)


@dataclass(frozen=True, slots=True)
class DayInput:
    """What the index knows of a day."""

    dose_minutes: Sequence[int]  # minutes from the local day's start of the oral doses, sorted
    baths: int


# a slot's window from the local day's start: [start, end) in microseconds, and the first
# and the end minute of the dose minutes inside it (minute m is inside when start <= m < end)
type Span = tuple[int, int, int, int]


def day_spans(day: date, morning: time, evening: time, tz: tzinfo) -> dict[Slot, Span]:
    """The slots' windows of a local day (``schedule.windows``) as offsets from its start."""
    offset = datetime.combine(day, _MIDNIGHT, tzinfo=tz).utcoffset()
    following = datetime.combine(day + _DAY, _MIDNIGHT, tzinfo=tz).utcoffset()
    if offset is not None and offset == following:  # no clock change that day
        return _plain_spans(offset, morning, evening)
    return _spans(day, morning, evening, tz, morning.fold, evening.fold)


@lru_cache(maxsize=16)
def _plain_spans(offset: timedelta, morning: time, evening: time) -> dict[Slot, Span]:
    return _spans(_PLAIN_DAY, morning, evening, timezone(offset), morning.fold, evening.fold)


@lru_cache(maxsize=32)
def _spans(day: date, morning: time, evening: time, tz: tzinfo, *_folds: int) -> dict[Slot, Span]:
    start = day_bounds(day, tz)[0]
    spans: dict[Slot, Span] = {}
    for slot, window in windows(day, morning, evening, tz).items():
        low, high = (window.start - start) // _US, (window.end - start) // _US
        spans[slot] = (low, high, -(-low // _MINUTE_US), -(-high // _MINUTE_US))
    return spans


def _taken_in(span: Span, minutes: Sequence[int]) -> bool:
    """Whether a dose minute (they are sorted) lies inside the span."""
    first = bisect_left(minutes, span[2])
    return first < len(minutes) and minutes[first] < span[3]


@dataclass(frozen=True, slots=True)
class DayResult:
    """A day's counted reminders."""

    planned: int  # counted: past their window, or satisfied
    satisfied: int
    open: int  # today's reminders whose window is still open and not satisfied

    @property
    def complete(self) -> bool:
        """Every counted reminder satisfied, at least one, none open."""
        return self.planned > 0 and self.satisfied == self.planned and not self.open


@dataclass(frozen=True, slots=True)
class Adherence:
    """Adherence figures at a moment."""

    percent: dict[int, float | None]  # by period in days; None when nothing was planned
    planned: dict[int, int]
    satisfied: dict[int, int]
    streak: int


def day_result(
    plan: ReminderPlan,
    day: date,
    tz: tzinfo,
    data: DayInput,
    now: datetime | None,
    *,
    held: Collection[Slot] = (),
    started: datetime | None = None,
) -> DayResult:
    """The reminders of one local day as counted at ``now`` (None: after the day's end).

    ``held``: the slots a medicine's spacing takes that day. ``started``: when the log began
    (a reminder whose time came before it is not planned unless kept).
    """
    planned = satisfied = still_open = 0
    morning, evening = plan.morning, plan.evening
    spans = day_spans(day, morning.at, evening.at, tz)
    elapsed: int | None = None  # microseconds of the day gone by at ``now``; None: all
    day_over = True
    if now is not None:
        start, end = day_bounds(day, tz)
        elapsed, day_over = (now - start) // _US, now >= end
    if started is not None and started.astimezone(tz).date() != day:
        started = None  # only the day the log began has reminders from before it
    for slot in (morning, evening):
        if not slot.enabled:
            continue
        span = spans[slot.slot]
        if _taken_in(span, data.dose_minutes):
            planned, satisfied = planned + 1, satisfied + 1
        elif slot.slot in held or before_start(local_moment(day, slot.at, tz), started):
            continue
        elif elapsed is None or elapsed >= span[1]:
            planned += 1
        else:
            still_open += 1
    if plan.bath.enabled and day.weekday() in plan.bath.weekdays:
        if data.baths > 0:
            planned, satisfied = planned + 1, satisfied + 1
        elif before_start(local_moment(day, plan.bath.at, tz), started):
            pass
        elif day_over:
            planned += 1
        else:
            still_open += 1
    return DayResult(planned, satisfied, still_open)


@dataclass(frozen=True, slots=True)
class PastDays:
    """The days before today, counted once (they change only with the records or the plan).

    ``planned`` and ``satisfied``: sums over the days 1 to ``period - 1`` back, by period;
    ``streak``: complete days back from yesterday before one breaks it (or the log began).
    """

    planned: dict[int, int]
    satisfied: dict[int, int]
    streak: int


def _nothing_held(_day: date) -> Collection[Slot]:
    """No slot is held (there are no medicines to keep apart)."""
    return ()


# a day's letter in ``day_codes``
COMPLETE, BROKEN, NOTHING_PLANNED, BEFORE_THE_LOG = "c", "b", "n", "-"
_CODE_RESULTS: dict[str, DayResult | None] = {
    COMPLETE: DayResult(1, 1, 0),
    BROKEN: DayResult(1, 0, 0),
    NOTHING_PLANNED: DayResult(0, 0, 0),
}


def day_code(result: DayResult | None) -> str:
    """What the streak needs of a day before today: its letter."""
    if result is None:
        return BEFORE_THE_LOG
    if result.planned > result.satisfied:
        return BROKEN
    return COMPLETE if result.complete else NOTHING_PLANNED


def day_codes(
    plan: ReminderPlan,
    horizon: date,
    tz: tzinfo,
    lookup: Callable[[date], DayInput],
    since: date | None,
    *,
    days: int = STREAK_CAP,
    held: Callable[[date], Collection[Slot]] = _nothing_held,
    started: datetime | None = None,
) -> str:
    """The letters of the ``days`` days before ``horizon``, the newest first."""
    codes = []
    for offset in range(1, days + 1):
        day = horizon - timedelta(days=offset)
        if since is None or day < since:
            break  # before the log: so are all older days
        result = day_result(plan, day, tz, lookup(day), None, held=held(day), started=started)
        codes.append(day_code(result))
    return "".join(codes)


def past_days(
    plan: ReminderPlan,
    today: date,
    tz: tzinfo,
    lookup: Callable[[date], DayInput],
    since: date | None,
    *,
    periods: Sequence[int] = PERIODS,
    horizon: date | None = None,
    codes: str = "",
    held: Callable[[date], Collection[Slot]] = _nothing_held,
    started: datetime | None = None,
) -> PastDays:
    """Count the days before ``today`` (every window of theirs has closed).

    Days before ``horizon`` are read from ``codes`` (``day_codes`` of that horizon); a day
    past their end counts as before the log. The periods must lie after the horizon.
    """
    results: dict[int, DayResult | None] = {}  # by days back

    def result(offset: int) -> DayResult | None:
        if offset not in results:
            day = today - timedelta(days=offset)
            if since is None or day < since:
                results[offset] = None
            elif horizon is not None and day < horizon:
                back = (horizon - day).days - 1
                results[offset] = _CODE_RESULTS.get(codes[back]) if back < len(codes) else None
            else:
                results[offset] = day_result(
                    plan, day, tz, lookup(day), None, held=held(day), started=started
                )
        return results[offset]

    planned: dict[int, int] = {}
    satisfied: dict[int, int] = {}
    for period in periods:
        counted = [item for offset in range(1, period) if (item := result(offset))]
        planned[period] = sum(item.planned for item in counted)
        satisfied[period] = sum(item.satisfied for item in counted)
    return PastDays(planned, satisfied, streak(result, 1, STREAK_CAP))


def adherence(
    plan: ReminderPlan,
    now: datetime,
    tz: tzinfo,
    lookup: Callable[[date], DayInput],
    since: date | None,
    *,
    periods: Sequence[int] = PERIODS,
    past: PastDays | None = None,
    held: Callable[[date], Collection[Slot]] = _nothing_held,
    started: datetime | None = None,
) -> Adherence:
    """Adherence over the last ``periods`` local days (today included) and the streak.

    ``past`` is ``past_days`` of the same plan, day, index and start, when it is known.
    """
    today = now.astimezone(tz).date()
    if past is None:
        past = past_days(
            plan, today, tz, lookup, since, periods=periods, held=held, started=started
        )
    current = (
        None
        if since is None or today < since
        else day_result(plan, today, tz, lookup(today), now, held=held(today), started=started)
    )
    percent: dict[int, float | None] = {}
    planned: dict[int, int] = {}
    satisfied: dict[int, int] = {}
    for period in periods:
        planned[period] = past.planned[period] + (current.planned if current else 0)
        satisfied[period] = past.satisfied[period] + (current.satisfied if current else 0)
        percent[period] = (
            round(100 * satisfied[period] / planned[period], 1) if planned[period] else None
        )
    count = 0
    if current is not None and current.planned <= current.satisfied:
        count = min(STREAK_CAP, int(current.complete) + past.streak)
    return Adherence(percent, planned, satisfied, count)


def streak(result: Callable[[int], DayResult | None], first: int, cap: int) -> int:
    """Complete days from ``first`` days back on (see the module docstring), at most ``cap``."""
    count = 0
    for offset in range(first, cap + 1):
        item = result(offset)
        if item is None:  # before the log began
            break
        if item.planned > item.satisfied:
            break
        if item.complete:
            count += 1
            if count >= cap:
                break
    return count
