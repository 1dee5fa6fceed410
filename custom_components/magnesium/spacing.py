"""Medication spacing: when magnesium waits for a medicine.

Pure Python, no Home Assistant imports. A medicine taken (or planned) at T opens a window
around T in which magnesium is not taken; the window's size per medicine is data in
``knowledge.SPACED_INTERACTIONS`` (facts.md, Interactions). A window is open at both ends
except at the medicine's own moment: magnesium exactly at T is inside it, and at the window's
end it is allowed again. A window that ends at T itself (none in facts.md today) allows
magnesium right after the medicine (one minute after T, ``AFTER_MEDICINE``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from .knowledge import INTERACTIONS_BY_KEY, Interaction

AFTER_MEDICINE = timedelta(minutes=1)
MAX_TIMES_PER_MEDICINE = 6


WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_DAY: frozenset[int] = frozenset(range(7))


@dataclass(frozen=True, slots=True)
class MedicinePlan:
    """A medicine a person takes at some local times on some weekdays (every day by default).

    Bisphosphonates such as alendronate are often taken once a week (facts.md, Interactions):
    on the other days the medicine opens no window.
    """

    medicine: str  # an Interaction key with a spacing
    times: tuple[time, ...]
    weekdays: frozenset[int] = EVERY_DAY  # 0 is Monday, as ``date.weekday()``

    def on(self, day: date) -> bool:
        """Whether the medicine is taken on a local day."""
        return day.weekday() in self.weekdays


@dataclass(frozen=True, slots=True)
class Window:
    """A span in which magnesium waits for a medicine taken at ``medicine_at``."""

    medicine: str
    medicine_at: datetime
    start: datetime
    end: datetime
    planned: bool = True  # from the person's medicine times; False: a logged intake

    def __contains__(self, moment: object) -> bool:
        """Whether magnesium at ``moment`` would be too close to the medicine."""
        if not isinstance(moment, datetime):
            return False
        return self.start < moment < self.end or moment == self.medicine_at

    @property
    def allowed_from(self) -> datetime:
        """The first moment after the window at which magnesium is allowed again."""
        return max(self.end, self.medicine_at + AFTER_MEDICINE)


def local_moment(day: date, at: time, tz: tzinfo) -> datetime:
    """A local wall-clock time on a day, in UTC (as ``schedule.local_moment``)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def interaction(medicine: str) -> Interaction:
    """The spacing of a medicine (raises KeyError for one without spacing)."""
    item = INTERACTIONS_BY_KEY[medicine]
    if not item.spaced:
        raise KeyError(medicine)
    return item


def window(medicine: str, at: datetime, *, planned: bool = True) -> Window:
    """The window a medicine taken at ``at`` opens."""
    item = interaction(medicine)
    before = timedelta(hours=item.mg_blocked_before or 0)
    after = timedelta(hours=item.mg_blocked_after or 0)
    return Window(medicine, at, at - before, at + after, planned)


def planned_windows(
    plans: Iterable[MedicinePlan], first: date, last: date, tz: tzinfo
) -> list[Window]:
    """Windows of the planned medicine times on the local days ``first`` to ``last``."""
    windows: list[Window] = []
    day = first
    while day <= last:
        for plan in plans:
            if not plan.on(day):
                continue
            windows.extend(window(plan.medicine, local_moment(day, at, tz)) for at in plan.times)
        day += timedelta(days=1)
    return sorted(windows, key=lambda item: (item.start, item.medicine))


def windows_around(
    plans: Sequence[MedicinePlan],
    intakes: Iterable[tuple[str, datetime]],
    moment: datetime,
    tz: tzinfo,
    days_after: int = 1,
) -> list[Window]:
    """Every window that can hold a moment of the local day of ``moment`` or later days.

    Planned times of the day before (a window can reach past midnight) through ``days_after``
    days later, and the logged intakes ``(medicine, taken_at)`` given.
    """
    day = moment.astimezone(tz).date()
    windows = planned_windows(plans, day - timedelta(days=1), day + timedelta(days=days_after), tz)
    for medicine, taken_at in intakes:
        if medicine in INTERACTIONS_BY_KEY and INTERACTIONS_BY_KEY[medicine].spaced:
            windows.append(window(medicine, taken_at, planned=False))
    return sorted(windows, key=lambda item: (item.start, item.medicine))


def conflict(moment: datetime, windows: Iterable[Window]) -> Window | None:
    """The window magnesium at ``moment`` falls in (the one that ends last), or None."""
    inside = [item for item in windows if moment in item]
    return max(inside, key=lambda item: item.allowed_from) if inside else None


def first_allowed(moment: datetime, windows: Sequence[Window]) -> tuple[datetime, Window | None]:
    """The first moment from ``moment`` on that is in no window, and the window that moved it.

    Windows that follow each other are all passed: the result is in none of them.
    """
    moved_by: Window | None = None
    for _ in range(len(windows) + 1):
        blocking = conflict(moment, windows)
        if blocking is None:
            break
        moved_by, moment = blocking, blocking.allowed_from
    return moment, moved_by


def parse_times(text: str) -> tuple[time, ...] | None:
    """Times written as ``08:00, 20:00`` (sorted, without repeats); None when malformed."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not parts or len(parts) > MAX_TIMES_PER_MEDICINE:
        return None
    times: set[time] = set()
    for part in parts:
        try:
            value = time.fromisoformat(part if len(part) > 2 else f"{part}:00")
        except ValueError:
            try:
                value = time.fromisoformat(f"0{part}")
            except ValueError:
                return None
        times.add(value.replace(second=0, microsecond=0, tzinfo=None))
    return tuple(sorted(times))


def parse_weekdays(value: Any) -> frozenset[int] | None:
    """Weekdays stored as ``["mon", "thu"]``; every day when not given; None when malformed."""
    if value is None:
        return EVERY_DAY
    if not isinstance(value, list | tuple) or not value:
        return None
    days = {WEEKDAY_KEYS.index(str(day)) for day in value if str(day) in WEEKDAY_KEYS}
    return frozenset(days) if len(days) == len(set(map(str, value))) else None


def weekday_keys(days: Iterable[int]) -> list[str]:
    """Weekdays as stored: ``["mon", "thu"]``, Monday first."""
    return [WEEKDAY_KEYS[day] for day in sorted(set(days))]


def medicine_plans_from(items: Iterable[Mapping[str, Any]]) -> tuple[MedicinePlan, ...]:
    """Medicine plans from stored ``{"medicine": key, "times": [...], "weekdays": [...]}``.

    A medicine stored without weekdays (all before weekdays existed) is taken every day. A
    medicine without spacing, an unknown one, or one without a valid time is left out; so are
    malformed weekdays.
    """
    plans: list[MedicinePlan] = []
    for item in items:
        found = INTERACTIONS_BY_KEY.get(str(item.get("medicine")))
        times = item.get("times")
        if found is None or not found.spaced or not isinstance(times, list):
            continue
        parsed = parse_times(", ".join(str(text) for text in times)) if times else None
        weekdays = parse_weekdays(item.get("weekdays"))
        if parsed and weekdays:
            plans.append(MedicinePlan(found.key, parsed, weekdays))
    return tuple(plans)
