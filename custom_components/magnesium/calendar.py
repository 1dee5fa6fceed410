"""The calendar of a person's magnesium: planned doses and baths ahead, logged ones behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.util import dt as dt_util

from .entity import ReminderEntity
from .ledger import Kind, Record
from .runtime import MagnesiumConfigEntry
from .schedule import (
    SLOT_REMINDERS,
    Evaluation,
    Reminder,
    Slot,
    SlotState,
    is_held,
    local_moment,
    slot_amount,
    suggest,
    windows as slot_windows,
)
from .spacing import first_allowed

PARALLEL_UPDATES = 0

# Today's planned reminders still on the calendar: to come, or due and not yet taken.
_OPEN = (SlotState.PENDING, SlotState.DUE, SlotState.SNOOZED)

PLAN = CalendarEntityDescription(key="plan", translation_key="plan")
# How long an event lasts on the calendar: a dose is a moment, shown as a quarter of an hour;
# a bath as the longer end of the usual 12-20 minutes, or as long as it was logged.
DOSE_MINUTES = 15
BATH_MINUTES = 20
# Planned events are made for at most this many days ahead of now.
MAX_DAYS_AHEAD = 366


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MagnesiumConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the calendar of an entry."""
    async_add_entities([MagnesiumCalendar(entry.runtime_data, PLAN)])


@dataclass(slots=True)
class _Seen:
    """The next event as last worked out, and what it was worked out from."""

    evaluation: Evaluation
    inputs: tuple[Any, ...]
    since: datetime
    until: datetime | None  # when the event ends (None: no event)
    event: CalendarEvent | None

    def holds(self, now: datetime) -> bool:
        """Whether the event is still the one to show at ``now`` (same inputs)."""
        return self.since <= now and (self.until is None or now < self.until)


class MagnesiumCalendar(ReminderEntity, CalendarEntity):
    """Planned doses and Epsom baths (from the reminders) and logged ones (from the log)."""

    _seen: _Seen | None = None

    @property
    def event(self) -> CalendarEvent | None:
        """The planned dose or bath under way (due and not taken), or the next one.

        Home Assistant asks several times per state write, and the reminders are evaluated
        afresh on every dose, though most doses leave the planned events as they were: the
        answer holds while what it is made of (today's reminders, the plan, the medicines and
        their intakes today) is the same and the event has not ended.
        """
        now = dt_util.utcnow()
        evaluation = self.reminders.evaluation
        seen = self._seen
        if seen is not None and seen.evaluation is evaluation and seen.holds(now):
            return seen.event
        inputs = self._inputs(evaluation)
        if seen is not None and seen.inputs == inputs and seen.holds(now):
            seen.evaluation = evaluation
            return seen.event
        upcoming = self._planned(now, now + timedelta(days=8), limit=1)
        event = upcoming[0] if upcoming else None
        ends = dt_util.as_utc(_moment(event.end)) if event is not None else None
        self._seen = _Seen(evaluation, inputs, now, ends, event)
        return event

    def _shown_now(self) -> tuple[Any, ...]:
        # the state (on while the event is under way) follows the event: Home Assistant's own
        # timers write it at the event's start and end
        return (self.available, self.event)

    def _inputs(self, evaluation: Evaluation) -> tuple[Any, ...]:
        """What the planned events from now on are made of (see ``_planned``)."""
        reminders, today = self.reminders, self.tracker.today
        return (
            tuple(evaluation.statuses.items()),
            reminders.plan,
            reminders.medicines,
            today.medicine_intakes,
            today.day,
            self.tracker.ledger.tz,
            tuple(reminders.slot_products.items()),
        )

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Logged events in the range, then planned ones from now on."""
        start, end = dt_util.as_utc(start_date), dt_util.as_utc(end_date)
        now = dt_util.utcnow()
        events: list[CalendarEvent] = []
        if start < now:
            search_from = start - timedelta(minutes=max(DOSE_MINUTES, BATH_MINUTES, 240))
            records, _days = await self.tracker.async_get_log(search_from, min(end, now))
            logged = (self._logged(record) for record in records)
            events.extend(
                event for event in logged if event is not None and _overlaps(event, start, end)
            )
        if end > now:
            events.extend(
                event
                for event in self._planned(max(start, now), end)
                if _overlaps(event, start, end)
            )
        return sorted(events, key=lambda event: dt_util.as_utc(_moment(event.start)))

    # -- logged -----------------------------------------------------------------------
    def _logged(self, record: Record) -> CalendarEvent | None:
        texts = self.reminders
        if record.kind is Kind.ORAL:
            product = self.tracker.products.get(record.product_id or "")
            if product is not None and record.units and record.product:
                # as the planned dose reads, with "Taken" for "Planned"
                summary = texts.calendar_text(
                    "calendar_logged_product",
                    units=f"{record.units:g}",
                    unit=texts.unit_name(product.unit, record.units),
                    product=record.product,
                    amount=f"{record.oral_mg:g}",
                )
            else:
                summary = texts.calendar_text(
                    "calendar_logged",
                    amount=f"{record.oral_mg:g}",
                    form=texts.form_name(record.form),
                )
            minutes: float = DOSE_MINUTES
        elif record.kind is Kind.BATH:
            summary = texts.calendar_text("calendar_bath_logged")
            minutes = record.minutes or BATH_MINUTES
        else:
            return None
        start = dt_util.as_local(record.taken_at)
        return CalendarEvent(
            start=start,
            end=start + timedelta(minutes=minutes),
            summary=summary,
            description=record.note,
            uid=record.id,
        )

    # -- planned ----------------------------------------------------------------------
    def _planned(
        self, start: datetime, end: datetime, limit: int | None = None
    ) -> list[CalendarEvent]:
        """Planned doses and baths from ``start`` (not before now) to ``end``, oldest first."""
        reminders = self.reminders
        plan = reminders.plan
        tz = self.tracker.ledger.tz
        now = dt_util.utcnow()
        evaluation = reminders.evaluation
        today = now.astimezone(tz).date()
        last_day = min(end, now + timedelta(days=MAX_DAYS_AHEAD)).astimezone(tz).date()
        day = max(start, now).astimezone(tz).date()
        events: list[_Planned] = []
        while day <= last_day and (limit is None or len(events) < limit):
            # the planned times of the day before, of the day and of the day after (a window
            # can reach across midnight either way), and the medicines logged as taken
            windows = reminders.blocked(now) if day == today else reminders.blocked_on(day)
            found: list[_Planned] = []
            for slot in Slot:
                slot_plan = plan.slot(slot)
                if not slot_plan.enabled:
                    continue
                key = SLOT_REMINDERS[slot]
                if day == today:
                    status = evaluation.statuses[key]
                    if status.state not in _OPEN or status.due_at is None:
                        continue
                    at, amount, moved = status.due_at, status.amount_mg, status.moved_by
                else:
                    at, moved = first_allowed(local_moment(day, slot_plan.at, tz), windows)
                    if is_held(
                        moved, at, slot_windows(day, plan.morning.at, plan.evening.at, tz)[slot]
                    ):
                        continue  # no allowed time left in its window: not reminded of
                    planned = slot_amount(slot_plan, plan.daily_target, plan.target_on(day))
                    amount = suggest(planned, 0.0, plan.daily_limit).amount_mg
                summary = reminders.dose_summary(key, slot, amount, slot_plan.form)
                description = None
                if moved is not None:
                    description = reminders.moved_text(
                        moved, local_moment(day, slot_plan.at, tz), at
                    )
                found.append(_Planned(at, DOSE_MINUTES, summary, description, f"{key}_{day}"))
            if plan.bath.enabled and day.weekday() in plan.bath.weekdays:
                at = local_moment(day, plan.bath.at, tz)
                bath = evaluation.statuses[Reminder.EPSOM_BATH]
                if day != today or bath.state in _OPEN:
                    summary = reminders.calendar_text("calendar_bath")
                    found.append(_Planned(at, BATH_MINUTES, summary, None, f"epsom_bath_{day}"))
            events.extend(
                item for item in sorted(found, key=lambda item: item.at) if item.end > now
            )
            day += timedelta(days=1)
        # an event is made (and checked by Home Assistant) only when it is returned
        return [item.event() for item in (events[:limit] if limit is not None else events)]


@dataclass(frozen=True, slots=True)
class _Planned:
    """A planned dose or bath, before it becomes a calendar event."""

    at: datetime
    minutes: float
    summary: str
    description: str | None
    uid: str

    @property
    def end(self) -> datetime:
        """When the event ends."""
        return self.at + timedelta(minutes=self.minutes)

    def event(self) -> CalendarEvent:
        """The calendar event, in local time."""
        start = dt_util.as_local(self.at)
        return CalendarEvent(
            start=start,
            end=start + timedelta(minutes=self.minutes),
            summary=self.summary,
            description=self.description,
            uid=self.uid,
        )


def _moment(value: date | datetime) -> datetime:
    assert isinstance(value, datetime)
    return value


def _overlaps(event: CalendarEvent, start: datetime, end: datetime) -> bool:
    return _moment(event.start) < end and _moment(event.end) > start
