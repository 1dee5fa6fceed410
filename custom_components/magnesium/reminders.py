"""Reminders of one entry: slot settings, due states, events and phone notifications.

Over 400 lines: the reminder core, notifications, wording and the streak cache still live together;
the redesign splits them by job.

The rules are in the pure ``schedule`` module; this adapter keeps their settings and the
day's state in a ``Store``, looks again when something can change (a slot's time, a snooze
ending, midnight, a logged dose, a changed setting), and tells entities and phones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
import logging
from typing import Any

from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from .adherence import (
    STREAK_CAP,
    Adherence,
    DayInput,
    PastDays,
    adherence,
    day_codes,
    past_days,
)
from .const import (
    CONF_BATH_WEEKDAYS,
    CONF_NOTIFY_ENTITIES,
    CONF_NOTIFY_SERVICES,
    CONF_RAMP,
    CONF_RAMP_EVERY_DAYS,
    CONF_RAMP_FIRST_DAY,
    CONF_RAMP_START,
    CONF_RAMP_STEP,
    CONF_SNOOZE_MINUTES,
    DEFAULT_BATH_WEEKDAYS,
    DEFAULT_RAMP_EVERY_DAYS,
    DEFAULT_RAMP_START,
    DEFAULT_RAMP_STEP,
    DEFAULT_SNOOZE_MINUTES,
    DOMAIN,
    EVENT_MOBILE_APP_ACTION,
    WEEKDAYS,
)
from .knowledge import EPSOM_BATH_MINUTES, EPSOM_BATH_SALT_G, FORMS_BY_KEY, INTERACTIONS_BY_KEY
from .ledger import Kind, Record, Source, make_record
from .products import Product, dose_record
from .schedule import (
    DEFAULT_BATH_TIME,
    DEFAULT_EVENING_FORM,
    DEFAULT_EVENING_TIME,
    DEFAULT_MORNING_FORM,
    DEFAULT_MORNING_TIME,
    SLOT_REMINDERS,
    BathPlan,
    DayState,
    Evaluation,
    Ramp,
    Reminder,
    ReminderPlan,
    ReminderStatus,
    Slot,
    SlotPlan,
    SlotState,
    evaluate,
    held_slots,
    skip,
    snooze,
)
from .spacing import (
    EVERY_DAY,
    MedicinePlan,
    Window,
    conflict,
    first_allowed,
    planned_windows,
    weekday_keys,
    window as spacing_window,
    windows_around,
)
from .texts import answers_for, async_load_texts
from .tracker import MagnesiumStore, MagnesiumTracker, Settings

_LOGGER = logging.getLogger(__name__)

STATE_VERSION = 1
SAVE_DELAY = 1  # seconds; pending writes are flushed when Home Assistant stops

ACTION_PREFIX = "MAGNESIUM"
ACTION_TAKEN = "TAKEN"
ACTION_SNOOZE = "SNOOZE"
ACTION_SKIP = "SKIP"
_ACTION_KEYS = {
    Reminder.MORNING: "MORNING",
    Reminder.EVENING: "EVENING",
    Reminder.EPSOM_BATH: "BATH",
}
_KEYS_BY_TOKEN = {token: key for key, token in _ACTION_KEYS.items()}

# Event types of the reminder event entity
EVENT_TYPES = ("morning_dose", "evening_dose", "epsom_bath", "limit_reached", "spacing_conflict")
EVENT_SPACING_CONFLICT = "spacing_conflict"
# logged medicines that can open a window around a dose: the widest window (6 h) either side
SPACING_SEARCH = timedelta(hours=6)
_EVENT_TYPE = {
    Reminder.MORNING: "morning_dose",
    Reminder.EVENING: "evening_dose",
    Reminder.EPSOM_BATH: "epsom_bath",
}


@dataclass(frozen=True, slots=True)
class ReminderOptions:
    """The reminder settings kept in the entry's options."""

    notify_entities: tuple[str, ...] = ()
    notify_services: tuple[str, ...] = ()
    snooze: timedelta = timedelta(minutes=DEFAULT_SNOOZE_MINUTES)
    bath_weekdays: frozenset[int] = frozenset(range(7))
    ramp: Ramp | None = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> ReminderOptions:
        """Read the options; missing ones take their defaults."""
        ramp = None
        if options.get(CONF_RAMP) and options.get(CONF_RAMP_FIRST_DAY):
            ramp = Ramp(
                start_mg=float(options.get(CONF_RAMP_START, DEFAULT_RAMP_START)),
                step_mg=float(options.get(CONF_RAMP_STEP, DEFAULT_RAMP_STEP)),
                every_days=int(options.get(CONF_RAMP_EVERY_DAYS, DEFAULT_RAMP_EVERY_DAYS)),
                first_day=date.fromisoformat(options[CONF_RAMP_FIRST_DAY]),
            )
        return cls(
            notify_entities=tuple(options.get(CONF_NOTIFY_ENTITIES) or ()),
            notify_services=tuple(
                name.removeprefix("notify.") for name in options.get(CONF_NOTIFY_SERVICES) or ()
            ),
            snooze=timedelta(
                minutes=float(options.get(CONF_SNOOZE_MINUTES, DEFAULT_SNOOZE_MINUTES))
            ),
            bath_weekdays=frozenset(
                WEEKDAYS.index(day)
                for day in options.get(CONF_BATH_WEEKDAYS, DEFAULT_BATH_WEEKDAYS)
                if day in WEEKDAYS
            ),
            ramp=ramp,
        )


def _time(value: Any, default: time) -> time:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        return default


def _slot_from_dict(slot: Slot, data: Any) -> SlotPlan:
    defaults = {
        Slot.MORNING: (DEFAULT_MORNING_TIME, DEFAULT_MORNING_FORM),
        Slot.EVENING: (DEFAULT_EVENING_TIME, DEFAULT_EVENING_FORM),
    }[slot]
    data = data if isinstance(data, Mapping) else {}
    amount = data.get("amount_mg")
    return SlotPlan(
        slot=slot,
        at=_time(data.get("at"), defaults[0]),
        enabled=bool(data.get("enabled", True)),
        amount_mg=float(amount) if isinstance(amount, int | float) and amount > 0 else None,
        form=str(data.get("form") or defaults[1]),
    )


def _slot_as_dict(plan: SlotPlan) -> dict[str, Any]:
    return {
        "at": plan.at.isoformat(),
        "enabled": plan.enabled,
        "amount_mg": plan.amount_mg,
        "form": plan.form,
    }


class ReminderManager:
    """Keeps one person's reminders: settings, the day's state, timers and notifications."""

    def __init__(
        self, hass: HomeAssistant, tracker: MagnesiumTracker, options: ReminderOptions
    ) -> None:
        """Create the manager; call ``async_load`` and then ``async_start``."""
        self.hass = hass
        self.tracker = tracker
        self.options = options
        self.slots = {slot: _slot_from_dict(slot, None) for slot in Slot}
        self.bath_at = DEFAULT_BATH_TIME
        self.bath_enabled = False
        self.slot_products: dict[Slot, str | None] = dict.fromkeys(Slot)
        self.day_state = DayState(date.min)
        self._store = MagnesiumStore(hass, f"{DOMAIN}.{tracker.entry_id}.reminders")
        self._texts: dict[str, str] = {}
        self._evaluation: Evaluation | None = None
        self._listeners: list[CALLBACK_TYPE] = []
        self._settings_listeners: list[CALLBACK_TYPE] = []
        self._settings_seen = tracker.settings
        self._reminder_listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self._timer: CALLBACK_TYPE | None = None
        self._timer_at: datetime | None = None
        self._side_effect_issue: tuple[int, str] | None = None  # what the notice says now
        self._doctor_notice_for: Settings | None = None  # the settings the notice follows
        self._unsubs: list[CALLBACK_TYPE] = []
        self._taking: set[Reminder] = set()
        self._dirty = False
        self.medicines: tuple[MedicinePlan, ...] = ()
        self.adherence_since: date | None = None  # the day the entry was set up
        # the moment it was set up: reminders whose time came before it are not due that day
        self.started: datetime | None = None
        self._adherence: tuple[Evaluation, Adherence] | None = None
        self._past: tuple[tuple[Any, ...], PastDays] | None = None
        # the streak's letters of the days before the index's, with what they are made of
        self._older_days: tuple[list[Any], str] | None = None
        self._older_task: asyncio.Task[None] | None = None
        self._older_failed: list[Any] | None = None  # what they were made of when unreadable
        self._dose_conflict: tuple[Evaluation, tuple[datetime, Window] | None] | None = None

    # -- life cycle -------------------------------------------------------------------
    async def async_load(self) -> None:
        """Read the stored settings and the day's state."""
        data = await self._store.async_load() or {}
        if self._store.damaged_copy:  # the settings start again from their defaults
            self.tracker.async_report_damaged("reminders", self._store.damaged_copy)
        slots = _mapping(data.get("slots"))
        self.slots = {slot: _slot_from_dict(slot, slots.get(slot.value)) for slot in Slot}
        bath = _mapping(data.get("bath"))
        self.bath_at = _time(bath.get("at"), DEFAULT_BATH_TIME)
        self.bath_enabled = bool(bath.get("enabled", False))
        products = _mapping(data.get("slot_products"))
        self.slot_products = {
            slot: str(products[slot.value]) if products.get(slot.value) else None for slot in Slot
        }
        self.day_state = DayState.from_dict(data.get("day")) or DayState(date.min)
        older = _mapping(data.get("streak_days"))
        if isinstance(older.get("key"), list) and isinstance(older.get("codes"), str):
            self._older_days = (older["key"], older["codes"])
        await self._async_load_texts()

    async def _async_load_texts(self) -> None:
        prefix = f"component.{DOMAIN}.common."
        texts = await async_get_translations(
            self.hass, self.hass.config.language, "common", [DOMAIN]
        )
        if not texts.get(f"{prefix}slot_dose"):
            texts = await async_get_translations(self.hass, "en", "common", [DOMAIN])
        self._texts = {key.removeprefix(prefix): value for key, value in texts.items()}
        await async_load_texts(self.hass)  # the spoken form names of each language

    @callback
    def async_start(self) -> None:
        """Follow the log and the clock; announce what is due now."""
        self._unsubs.append(self.tracker.async_add_listener(self._async_update))
        self._unsubs.append(self.hass.bus.async_listen(EVENT_MOBILE_APP_ACTION, self._async_action))
        self._async_update()

    async def async_stop(self) -> None:
        """Stop timers and listeners, and write what is still pending."""
        if self._timer:
            self._timer()
            self._timer = None
        while self._unsubs:
            self._unsubs.pop()()
        if self._older_task is not None and not self._older_task.done():
            self._older_task.cancel()
        if self._dirty:
            self._dirty = False
            await self._store.async_save(self._data())

    async def async_remove_files(self) -> None:
        """Delete the stored settings (when the entry is deleted)."""
        await self._store.async_remove()

    # -- listeners --------------------------------------------------------------------
    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update`` whenever a reminder changes; returns the remover."""
        self._listeners.append(update)
        return lambda: self._listeners.remove(update)

    @callback
    def async_add_settings_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update`` whenever a setting changes (not on every dose); returns the remover.

        The settings are the slots, the bath, the slots' products, the entry's options and the
        person's daily target and limit.
        """
        self._settings_listeners.append(update)
        return lambda: self._settings_listeners.remove(update)

    @callback
    def async_add_reminder_listener(
        self, fire: Callable[[str, dict[str, Any]], None]
    ) -> CALLBACK_TYPE:
        """Call ``fire(event_type, data)`` whenever a reminder goes out."""
        self._reminder_listeners.append(fire)
        return lambda: self._reminder_listeners.remove(fire)

    # -- settings ---------------------------------------------------------------------
    @property
    def plan(self) -> ReminderPlan:
        """The reminder plan from the entities' settings and the entry's options."""
        settings = self.tracker.settings
        return ReminderPlan(
            morning=self.slots[Slot.MORNING],
            evening=self.slots[Slot.EVENING],
            bath=BathPlan(self.options.bath_weekdays, self.bath_at, self.bath_enabled),
            daily_target=settings.daily_target,
            daily_limit=settings.daily_limit,
            ramp=self.options.ramp,
        )

    @callback
    def async_set_slot(self, slot: Slot, **changes: Any) -> None:
        """Change a slot's time, switch, amount or form."""
        self.slots[slot] = replace(self.slots[slot], **changes)
        self._settings_changed()

    @callback
    def async_set_slot_product(self, slot: Slot, product_id: str | None) -> None:
        """Name the product a slot's dose is taken from (None: by form and amount)."""
        self.slot_products[slot] = product_id
        self._settings_changed()

    def slot_product(self, slot: Slot) -> Product | None:
        """The product a slot names, if it still exists."""
        product_id = self.slot_products.get(slot)
        return self.tracker.products.get(product_id) if product_id else None

    def product_suggestion(self, status: ReminderStatus) -> tuple[Product, float] | None:
        """The product and whole units a due slot suggests, within its amount; None if none."""
        slot = next((slot for slot, key in SLOT_REMINDERS.items() if key is status.reminder), None)
        if slot is None or (product := self.slot_product(slot)) is None:
            return None
        units = product.units_for(status.amount_mg)
        return (product, units) if units > 0 else None

    @callback
    def async_set_bath(self, *, at: time | None = None, enabled: bool | None = None) -> None:
        """Change the Epsom bath time or switch."""
        if at is not None:
            self.bath_at = at
        if enabled is not None:
            self.bath_enabled = enabled
        self._settings_changed()

    @callback
    def async_update_options(self, options: ReminderOptions) -> None:
        """Apply changed entry options."""
        self.options = options
        self._settings_changed()

    @callback
    def async_set_medicines(self, medicines: tuple[MedicinePlan, ...]) -> None:
        """Apply the medicines the person takes at set times (from the entry's subentries)."""
        if medicines != self.medicines:
            self.medicines = medicines
            self._async_update()

    @callback
    def _settings_changed(self) -> None:
        self._schedule_save()
        self._async_update()
        self._tell_settings()

    @callback
    def _tell_settings(self) -> None:
        self._settings_seen = self.tracker.settings
        for update in list(self._settings_listeners):
            update()

    # -- state ------------------------------------------------------------------------
    @property
    def evaluation(self) -> Evaluation:
        """The reminders now (computed once per change)."""
        if self._evaluation is None or self._evaluation.next_check <= dt_util.utcnow():
            self._evaluation = self._evaluate(dt_util.utcnow())
        return self._evaluation

    def _evaluate(self, now: datetime) -> Evaluation:
        today = self.tracker.today
        return evaluate(
            self.plan,
            self.day_state,
            now,
            self.tracker.ledger.tz,
            oral_doses=today.oral_times,
            baths=today.bath_times,
            oral_today_mg=today.oral_mg,
            blocked=self.blocked(now),
            started=self.started,
        )

    # -- medication spacing -----------------------------------------------------------
    def blocked(self, now: datetime) -> list[Window]:
        """The medicine windows of today and tomorrow (planned times and logged intakes)."""
        return windows_around(
            self.medicines, self.tracker.today.medicine_intakes, now, self.tracker.ledger.tz
        )

    def blocked_on(self, day: date) -> list[Window]:
        """The medicine windows that can hold a moment of a local day (as ``blocked``)."""
        tz = self.tracker.ledger.tz
        start = datetime.combine(day, time(), tzinfo=tz)
        return windows_around(self.medicines, self.tracker.today.medicine_intakes, start, tz)

    def allowed_from(self, now: datetime | None = None) -> tuple[datetime, Window] | None:
        """When magnesium is next allowed, and the window that holds it back; None: now."""
        now = now or dt_util.utcnow()
        moment, window = first_allowed(now, self.blocked(now))
        return (moment, window) if window is not None else None

    async def async_check_dose(self, record: Record) -> Window | None:
        """The window a logged oral dose fell in; fires ``spacing_conflict`` when it did."""
        if record.kind is not Kind.ORAL or not (
            self.medicines or self.tracker.ledger.last.get(Kind.MEDICINE)
        ):
            return None
        moment = record.taken_at
        intakes = await self.tracker.async_medicine_intakes(
            moment - SPACING_SEARCH, moment + SPACING_SEARCH
        )
        windows = windows_around(self.medicines, intakes, moment, self.tracker.ledger.tz)
        window = conflict(moment, windows)
        if window is not None:
            data = {
                "record_id": record.id,
                "taken_at": moment.isoformat(),
                **spacing_fields(window),
                "message": self.spacing_message(window, moment),
            }
            for fire in list(self._reminder_listeners):
                fire(EVENT_SPACING_CONFLICT, data)
        return window

    @property
    def dose_conflict(self) -> tuple[datetime, Window] | None:
        """Today's last oral dose when it fell in a medicine window, with that window."""
        evaluation = self.evaluation
        if self._dose_conflict is None or self._dose_conflict[0] is not evaluation:
            today = self.tracker.today
            found = None
            if today.oral_times and (self.medicines or today.medicine_intakes):
                last = max(today.oral_times)
                window = conflict(last, self.blocked(last))
                found = (last, window) if window is not None else None
            self._dose_conflict = (evaluation, found)
        return self._dose_conflict[1]

    def medicine_name(self, key: str) -> str:
        """A medicine's name in Home Assistant's language."""
        return self._texts.get(f"medicine_{key}", key)

    async def async_check_medicine(self, record: Record) -> tuple[datetime, Window] | None:
        """The last oral dose inside the window a logged medicine opens, with that window.

        Fires ``spacing_conflict`` when there is one (magnesium was taken too shortly before).
        """
        item = INTERACTIONS_BY_KEY.get(record.form)
        if record.kind is not Kind.MEDICINE or item is None or not item.spaced:
            return None
        opened = spacing_window(record.form, record.taken_at, planned=False)
        records, _days = await self.tracker.async_get_log(opened.start, opened.end)
        doses = [r.taken_at for r in records if r.kind is Kind.ORAL and r.taken_at in opened]
        if not doses:
            return None
        moment = max(doses)
        data = {
            "record_id": record.id,
            "taken_at": record.taken_at.isoformat(),
            "dose_at": moment.isoformat(),
            **spacing_fields(opened),
            "message": self.medicine_conflict_message(opened, moment),
        }
        for fire in list(self._reminder_listeners):
            fire(EVENT_SPACING_CONFLICT, data)
        return moment, opened

    def medicine_conflict_message(self, window: Window, dose_at: datetime) -> str:
        """A medicine logged too soon after magnesium: when that was, and what now."""
        return self._texts["spacing_medicine_conflict"].format(
            dose_time=_clock(dose_at),
            medicine=self.medicine_name(window.medicine),
            medicine_time=_clock(window.medicine_at),
            time=_clock(window.allowed_from),
        )

    def spacing_message(self, window: Window, moment: datetime) -> str:
        """Why magnesium at ``moment`` is too close to a medicine, and when it is allowed."""
        return self._texts["spacing_conflict"].format(
            medicine=self.medicine_name(window.medicine),
            medicine_time=_clock(window.medicine_at),
            time=_clock(window.allowed_from),
        )

    # -- adherence --------------------------------------------------------------------
    @property
    def adherence(self) -> Adherence:
        """Adherence over 7 and 30 days and the streak (computed once per change)."""
        evaluation = self.evaluation
        if self._adherence is None or self._adherence[0] is not evaluation:
            ledger = self.tracker.ledger
            since = self._adherence_since()
            plan, now = self.plan, dt_util.utcnow()
            today, lookup = ledger.local_day(now), self.tracker.day_input
            horizon, codes = self.tracker.days_since, ""
            if horizon is not None:
                older_key = self._older_key(since)
                if older_key != self._older_failed and (
                    self._older_days is None or self._older_days[0] != older_key
                ):
                    self._async_schedule_older_days()
                # until they are worked out again, the letters as they were
                codes = self._older_days[1] if self._older_days is not None else ""
            # the days before today change only with the plan, the day, a back-dated change
            key = (
                plan,
                self.medicines,
                ledger.tz,
                today,
                since,
                self.started,
                self.tracker.past_changes,
            )
            if self._past is None or self._past[0] != (key, codes):
                past = past_days(
                    plan,
                    today,
                    ledger.tz,
                    lookup,
                    since,
                    horizon=horizon,
                    codes=codes,
                    held=self.held_on,
                    started=self.started,
                )
                self._past = ((key, codes), past)
            result = adherence(
                plan,
                now,
                ledger.tz,
                lookup,
                since,
                past=self._past[1],
                held=self.held_on,
                started=self.started,
            )
            self._adherence = (evaluation, result)
        return self._adherence[1]

    def held_on(self, day: date) -> frozenset[Slot]:
        """The dose slots of a day that a medicine's spacing takes whole (not reminded of).

        Today's follow the medicines taken today too; other days', the planned times.
        """
        now = dt_util.utcnow()
        tz = self.tracker.ledger.tz
        if day == self.tracker.ledger.local_day(now):
            return held_slots(self.plan, day, tz, self.blocked(now))
        if not self.medicines:
            return frozenset()
        blocked = planned_windows(
            self.medicines, day - timedelta(days=1), day + timedelta(days=1), tz
        )
        return held_slots(self.plan, day, tz, blocked)

    def _adherence_since(self) -> date | None:
        """The first day adherence counts: the log's first day, or the entry's, if earlier."""
        first = self.tracker.ledger.first_day()
        return min((day for day in (first, self.adherence_since) if day is not None), default=None)

    def _older_key(self, since: date | None) -> list[Any]:
        """What the letters of the days before the index's are made of (stored with them)."""
        plan, horizon = self.plan, self.tracker.days_since
        if since is not None and horizon is not None:  # an earlier start changes no letter
            since = max(since, horizon - timedelta(days=STREAK_CAP + 1))
        key: list[Any] = [
            [plan.morning.at.isoformat(), plan.morning.enabled],
            [plan.evening.at.isoformat(), plan.evening.enabled],
            [plan.bath.enabled, sorted(plan.bath.weekdays)],
            [
                # weekdays only when not every day: a daily medicine's key is as it was
                [item.medicine, [at.isoformat() for at in item.times]]
                + ([] if item.weekdays == EVERY_DAY else [weekday_keys(item.weekdays)])
                for item in self.medicines
            ],
            horizon.isoformat() if horizon else None,
            since.isoformat() if since else None,
            self.hass.config.time_zone,
            self.tracker.archive_changes,
        ]
        if self.started is not None and horizon is not None and since is not None:
            started_day = self.tracker.ledger.local_day(self.started)
            if since <= started_day < horizon:  # the day the log began is one of these days
                key.append(self.started.isoformat())
        return key

    async def async_update_older_days(self) -> None:
        """Work out the streak's letters of the days before the index's when they changed.

        They are read from the yearly files, once: when the plan, the index's first day (it
        moves about once a month) or one of those days changed. A yearly file that cannot be
        read (one from a newer version) leaves the streak to the index's days, until what the
        letters are made of changes.
        """
        for _attempt in range(3):  # what they are made of may change while the files are read
            if (horizon := self.tracker.days_since) is None:
                return
            key = self._older_key(since := self._adherence_since())
            if key in (self._older_failed, self._older_days and self._older_days[0]):
                return
            try:
                days = await self.tracker.async_archived_days(
                    horizon - timedelta(days=STREAK_CAP), horizon - timedelta(days=1)
                )
            except (HomeAssistantError, OSError) as err:
                _LOGGER.warning(
                    "The streak of %s counts the last %s days only: %s",
                    self.tracker.settings.name,
                    (dt_util.now().date() - horizon).days,
                    err,
                )
                self._older_failed = key
                return
            if key != self._older_key(since):
                continue
            codes = day_codes(
                self.plan,
                horizon,
                self.tracker.ledger.tz,
                _days_lookup(days),
                since,
                held=self.held_on,
                started=self.started,
            )
            self._older_days = (key, codes)
            self._schedule_save()
            self._adherence = self._past = None
            for update in list(self._listeners):
                update()
            return

    @callback
    def _async_schedule_older_days(self) -> None:
        if self._older_task is None or self._older_task.done():
            self._older_task = self.hass.async_create_task(
                self.async_update_older_days(), "magnesium streak days", eager_start=False
            )

    def status(self, key: Reminder) -> ReminderStatus:
        """One reminder now."""
        return self.evaluation.statuses[key]

    def _today_state(self, now: datetime) -> DayState:
        day = self.tracker.ledger.local_day(now)
        if self.day_state.day != day:
            self.day_state = DayState(day)
        return self.day_state

    @callback
    def _async_update(self) -> None:
        """Look again: announce what became due, tell entities, set the next timer."""
        now = dt_util.utcnow()
        state = self._today_state(now)
        before = self._evaluation
        evaluation = self._evaluation = self._evaluate(now)
        for key in evaluation.announce:
            state.announced[key] = now
            self._announce(evaluation.statuses[key])
        if evaluation.announce:
            self._schedule_save()
        if before is not None:
            for key, status in evaluation.statuses.items():
                was = before.statuses[key]
                if was.is_due and not status.is_due and key in state.announced:
                    self.hass.async_create_task(self._async_clear(key))
        self._update_side_effect_issue()
        self._update_doctor_notice()
        if self._timer is None or self._timer_at != evaluation.next_check:  # else it stays
            if self._timer:
                self._timer()
            self._timer_at = evaluation.next_check
            self._timer = async_track_point_in_utc_time(
                self.hass, self._async_timer, evaluation.next_check
            )
        for update in list(self._listeners):
            update()
        if self.tracker.settings is not self._settings_seen:  # the daily target or limit
            self._tell_settings()

    @callback
    def _async_timer(self, _now: datetime) -> None:
        self._timer = None
        self._async_update()

    # -- messages ---------------------------------------------------------------------
    def message(self, status: ReminderStatus) -> str:
        """The sentence a reminder says (also the due binary sensors' attribute)."""
        texts = self._texts
        name = self.tracker.settings.name
        if status.reminder is Reminder.EPSOM_BATH:
            low, high = EPSOM_BATH_SALT_G
            short, long = EPSOM_BATH_MINUTES
            return texts["bath"].format(
                name=name, salt_low=low, salt_high=high, minutes_low=short, minutes_high=long
            )
        title = texts[f"title_{status.reminder.value}"]
        if status.limit_reached:
            text = texts["slot_limit_reached"].format(
                title=title, limit=_mg(self.tracker.settings.daily_limit)
            )
        elif suggestion := self.product_suggestion(status):
            product, units = suggestion
            text = texts["slot_product_dose"].format(
                title=title,
                units=_mg(units),
                unit=self.unit_name(product.unit, units),
                product=product.name,
                amount=_mg(product.elemental_mg(units)),
                remaining=_mg(self.tracker.today.remaining_mg),
            )
        else:
            text = texts["slot_dose"].format(
                title=title,
                amount=_mg(status.amount_mg),
                form=self._form_name(status.form or ""),
                remaining=_mg(self.tracker.today.remaining_mg),
            )
        if status.moved_by is not None and status.planned_at is not None:
            moved = self.moved_text(
                status.moved_by, status.planned_at, status.due_at or status.planned_at
            )
            text = f"{text} {moved}"
        if self.tracker.today.side_effects_7d:
            text = f"{text} {texts['side_effects']}"
        return text

    def moved_text(self, window: Window, planned: datetime, moved_to: datetime) -> str:
        """Why a reminder moved from its time, and to when.

        Moved to the minute after the medicine (a window that ends at it, gabapentin's): it
        says "right after", not a time a minute later that looks like a mistake.
        """
        right_after = window.end <= window.medicine_at and moved_to == window.allowed_from
        return self._texts["spacing_moved_after" if right_after else "spacing_moved"].format(
            medicine=self.medicine_name(window.medicine),
            medicine_time=_clock(window.medicine_at),
            planned=_clock(planned),
            time=_clock(moved_to),
        )

    def dose_summary(self, key: Reminder, slot: Slot, amount: float, form: str) -> str:
        """A planned dose on the calendar: the slot's product's units, else mg and form."""
        product = self.slot_product(slot)
        units = product.units_for(amount) if product is not None else 0
        if product is not None and units > 0:
            return self.calendar_text(
                "calendar_product_dose",
                title=self.title(key),
                units=_mg(units),
                unit=self.unit_name(product.unit, units),
                product=product.name,
                amount=_mg(product.elemental_mg(units)),
            )
        return self.calendar_text(
            "calendar_dose", title=self.title(key), amount=f"{amount:g}", form=self.form_name(form)
        )

    def unit_name(self, unit: str, units: float) -> str:
        """A product's unit in Home Assistant's language: "capsule" for one, else "capsules"."""
        return answers_for(self.hass, self.hass.config.language).unit(unit, units)

    def calendar_text(self, key: str, **values: str) -> str:
        """A calendar event's summary in Home Assistant's language."""
        return self._texts[key].format(**values)

    def form_name(self, key: str) -> str:
        """A form's name in Home Assistant's language."""
        return self._form_name(key)

    def _form_name(self, key: str) -> str:
        """A form's name in Home Assistant's language."""
        form = FORMS_BY_KEY.get(key)
        if form is None:
            return key
        return answers_for(self.hass, self.hass.config.language).form_name(form)

    def title(self, key: Reminder) -> str:
        """The notification title of a reminder."""
        return self._texts[f"title_{key.value}"]

    def attributes(self, key: Reminder) -> dict[str, Any]:
        """What a due reminder suggests (for the due binary sensors)."""
        status = self.status(key)
        if not status.is_due:
            return {}
        attrs: dict[str, Any] = {"message": self.message(status)}
        if key is not Reminder.EPSOM_BATH:
            attrs |= {
                "amount_mg": status.amount_mg,
                "form": status.form,
                "limit_reached": status.limit_reached,
            }
            attrs |= self._product_data(status)
        if status.snoozed_until is not None:
            attrs["snoozed_until"] = status.snoozed_until
        if status.moved_by is not None:
            attrs |= {"moved_for": status.moved_by.medicine, "planned_at": status.planned_at}
        return attrs

    @callback
    def _announce(self, status: ReminderStatus) -> None:
        key = status.reminder
        event_type = "limit_reached" if status.limit_reached else _EVENT_TYPE[key]
        message = self.message(status)
        data: dict[str, Any] = {"reminder": key.value, "message": message}
        if key is not Reminder.EPSOM_BATH:
            data |= {
                "amount_mg": status.amount_mg,
                "form": status.form,
                "remaining_mg": self.tracker.today.remaining_mg,
            }
            data |= self._product_data(status)
        if status.moved_by is not None and status.planned_at is not None:
            data |= {
                "moved_for": status.moved_by.medicine,
                "planned_at": status.planned_at.isoformat(),
            }
        for fire in list(self._reminder_listeners):
            fire(event_type, data)
        if self.options.notify_entities or self.options.notify_services:
            self.hass.async_create_task(
                self._async_notify(key, message, taken=not status.limit_reached)
            )

    def _product_data(self, status: ReminderStatus) -> dict[str, Any]:
        """The product and units a slot suggests, for attributes and event data."""
        if status.limit_reached or (suggestion := self.product_suggestion(status)) is None:
            return {}
        product, units = suggestion
        return {"product": product.name, "units": units}

    # -- notifications ----------------------------------------------------------------
    def tag(self, key: Reminder, day: date | None = None) -> str:
        """The notification tag of a reminder on a day: one per reminder instance."""
        day = day or self.day_state.day
        return f"magnesium_{self.tracker.entry_id}_{key.value}_{day:%Y%m%d}"

    def _action_id(self, verb: str, key: Reminder) -> str:
        return "_".join(
            (
                ACTION_PREFIX,
                verb,
                self.tracker.entry_id,
                _ACTION_KEYS[key],
                f"{self.day_state.day:%Y%m%d}",
            )
        )

    async def _async_notify(self, key: Reminder, message: str, *, taken: bool) -> None:
        title = self.title(key)
        actions = [
            {"action": self._action_id(verb, key), "title": self._texts[f"action_{verb.lower()}"]}
            for verb in ((ACTION_TAKEN,) if taken else ()) + (ACTION_SNOOZE, ACTION_SKIP)
        ]
        data = {"tag": self.tag(key), "group": DOMAIN, "actions": actions}
        for service in self.options.notify_services:
            await self._async_call(service, {"title": title, "message": message, "data": data})
        if self.options.notify_entities:
            await self._async_call(
                "send_message",
                {
                    "entity_id": list(self.options.notify_entities),
                    "title": title,
                    "message": message,
                },
            )

    async def _async_clear(self, key: Reminder) -> None:
        """Remove a handled reminder from every phone."""
        for service in self.options.notify_services:
            await self._async_call(
                service, {"message": "clear_notification", "data": {"tag": self.tag(key)}}
            )

    async def _async_call(self, service: str, data: dict[str, Any]) -> None:
        try:
            await self.hass.services.async_call("notify", service, data, blocking=True)
        except HomeAssistantError as err:
            _LOGGER.warning("Could not send a magnesium reminder with notify.%s: %s", service, err)

    async def _async_action(self, event: Event) -> None:
        """A button of one of our notifications was pressed on a phone."""
        action = event.data.get("action")
        if not isinstance(action, str):
            return
        parts = action.split("_")
        if (
            len(parts) != 5
            or parts[0] != ACTION_PREFIX
            or parts[2] != self.tracker.entry_id
            or parts[3] not in _KEYS_BY_TOKEN
        ):
            return
        verb, key, day = parts[1], _KEYS_BY_TOKEN[parts[3]], parts[4]
        now = dt_util.utcnow()
        state = self._today_state(now)
        if day != f"{state.day:%Y%m%d}" or key not in state.announced:
            _LOGGER.debug("Ignoring %s: not a reminder sent today", action)
            return
        if verb == ACTION_TAKEN:
            await self.async_taken(key, Source.NOTIFICATION)
        elif verb == ACTION_SNOOZE:
            self.async_snooze(key)
        elif verb == ACTION_SKIP:
            self.async_skip(key)

    # -- what a person does with a reminder -------------------------------------------
    async def async_taken(self, key: Reminder, source: Source) -> bool:
        """Log what a due reminder planned; False when it is not due (already handled)."""
        status = self.status(key)
        if key in self._taking or not status.is_due or status.limit_reached:
            return False
        now = dt_util.utcnow()
        # mark it at once: a second press while the record is being written finds it handled
        self._taking.add(key)
        try:
            record: Record
            if key is Reminder.EPSOM_BATH:
                record = make_record(taken_at=now, kind=Kind.BATH, form="sulfate", source=source)
            elif suggestion := self.product_suggestion(status):
                record = dose_record(*suggestion, now, source)
            else:
                record = make_record(
                    taken_at=now,
                    kind=Kind.ORAL,
                    form=status.form or DEFAULT_MORNING_FORM,
                    source=source,
                    elemental_mg=status.amount_mg,
                )
            await self.tracker.async_add(record)
        finally:
            self._taking.discard(key)
        await self.async_check_dose(record)
        return True

    @callback
    def async_snooze(self, key: Reminder, delay: timedelta | None = None) -> bool:
        """Put off a due reminder; False when it is not due."""
        if not self.status(key).is_due:
            return False
        now = dt_util.utcnow()
        snooze(self._today_state(now), key, now, delay or self.options.snooze)
        self.hass.async_create_task(self._async_clear(key))
        self._settings_changed()
        return True

    @callback
    def async_skip(self, key: Reminder) -> bool:
        """Leave out a reminder for the rest of the day; False when already settled."""
        if self.status(key).state in (SlotState.SATISFIED, SlotState.SKIPPED, SlotState.DISABLED):
            return False
        skip(self._today_state(dt_util.utcnow()), key)
        self._settings_changed()
        return True

    # -- side effects -----------------------------------------------------------------
    @callback
    def _update_side_effect_issue(self) -> None:
        issue_id = f"side_effects_{self.tracker.entry_id}"
        count = self.tracker.today.side_effects_7d
        name = self.tracker.settings.name
        if (count, name) == self._side_effect_issue:
            return  # the notice already says this
        self._side_effect_issue = (count, name)
        if count:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                is_persistent=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="side_effects",
                translation_placeholders={"name": name, "count": str(count)},
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    @callback
    def _update_doctor_notice(self) -> None:
        """A standing notice to ask a doctor, while the entry's setting is on."""
        if self.tracker.settings is self._doctor_notice_for:
            return  # the settings, and so the notice, did not change
        self._doctor_notice_for = self.tracker.settings
        issue_id = f"ask_doctor_{self.tracker.entry_id}"
        if self.tracker.settings.ask_doctor:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                is_persistent=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="ask_doctor",
                translation_placeholders={"name": self.tracker.settings.name},
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    # -- storage ----------------------------------------------------------------------
    @callback
    def _schedule_save(self) -> None:
        self._dirty = True
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def _data(self) -> dict[str, Any]:
        self._dirty = False
        data = {**self.settings_dict(), "day": self.day_state.as_dict()}
        if self._older_days is not None:
            key, codes = self._older_days
            data["streak_days"] = {"key": key, "codes": codes}
        return data

    def settings_dict(self) -> dict[str, Any]:
        """The entities' settings, as stored."""
        return {
            "slots": {slot.value: _slot_as_dict(plan) for slot, plan in self.slots.items()},
            "bath": {"at": self.bath_at.isoformat(), "enabled": self.bath_enabled},
            "slot_products": {slot.value: self.slot_products[slot] for slot in Slot},
        }


def _days_lookup(days: Mapping[date, DayInput]) -> Callable[[date], DayInput]:
    empty = DayInput((), 0)
    return lambda day: days.get(day, empty)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _mg(value: float) -> str:
    return f"{value:g}"


def _clock(moment: datetime) -> str:
    return f"{dt_util.as_local(moment):%H:%M}"


def spacing_fields(window: Window) -> dict[str, Any]:
    """The machine-readable fields of a medicine window (responses, events, attributes)."""
    return {
        "medicine": window.medicine,
        "medicine_at": window.medicine_at.isoformat(),
        "allowed_from": window.allowed_from.isoformat(),
        "planned": window.planned,
    }
