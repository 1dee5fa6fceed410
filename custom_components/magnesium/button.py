"""Buttons that log the planned morning dose, the planned evening dose and an Epsom bath.

A press is the "I took it" of a dashboard: it logs what the reminder of that slot suggests
(the slot's planned amount and form, capped at what is left under the limit), like the
*Taken* button of a phone notification. A second press for a slot that already has a dose in
its window today, a bath when one is logged today, and a dose once the limit is reached are
refused with a message, so a double tap on a wall tablet logs nothing twice. A dose pressed
inside a medicine's window is logged, and warned about as after *Taken*.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .entity import ReminderEntity
from .ledger import Kind, Record, Source, make_record
from .products import dose_record
from .runtime import MagnesiumConfigEntry, MagnesiumData
from .schedule import SLOT_REMINDERS, Slot, windows

PARALLEL_UPDATES = 1  # one press at a time: the second one sees the first one's record


@dataclass(frozen=True, kw_only=True)
class MagnesiumButtonDescription(ButtonEntityDescription):
    """What a press logs."""

    press_fn: Callable[[MagnesiumData], Awaitable[Record]]


def _clock(moment: datetime) -> str:
    return dt_util.as_local(moment).strftime("%H:%M")


async def async_log_slot(data: MagnesiumData, slot: Slot) -> Record:
    """Log the dose a slot's reminder suggests now, with source ``button``."""
    tracker, reminders = data.tracker, data.reminders
    plans = reminders.plan
    today = tracker.today
    window = windows(today.day, plans.morning.at, plans.evening.at, tracker.ledger.tz)[slot]
    logged = [
        record
        for record in tracker.ledger.records_between(window.start, window.end)
        if record.kind is Kind.ORAL
    ]
    if logged:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="dose_already_logged",
            translation_placeholders={
                "amount": f"{logged[-1].oral_mg:g}",
                "time": _clock(logged[-1].taken_at),
            },
        )
    status = reminders.status(SLOT_REMINDERS[slot])
    if status.limit_reached:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="limit_reached_nothing_logged",
            translation_placeholders={"limit": f"{today.daily_limit:g}"},
        )
    now = dt_util.utcnow()
    if suggestion := reminders.product_suggestion(status):
        record = dose_record(*suggestion, now, Source.BUTTON)
    else:
        record = make_record(
            taken_at=now,
            kind=Kind.ORAL,
            form=plans.slot(slot).form,
            source=Source.BUTTON,
            elemental_mg=status.amount_mg,
        )
    await tracker.async_add(record)
    # as after *Taken*: a dose inside a medicine's window fires ``spacing_conflict``
    await reminders.async_check_dose(record)
    return record


async def async_log_bath(data: MagnesiumData) -> Record:
    """Log an Epsom bath (as the bath reminder's *Taken* does), once a day."""
    today = data.tracker.today
    if today.bath_times:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="bath_already_logged",
            translation_placeholders={"time": _clock(today.bath_times[-1])},
        )
    record = make_record(
        taken_at=dt_util.utcnow(), kind=Kind.BATH, form="sulfate", source=Source.BUTTON
    )
    return await data.tracker.async_add(record)


async def _log_morning(data: MagnesiumData) -> Record:
    return await async_log_slot(data, Slot.MORNING)


async def _log_evening(data: MagnesiumData) -> Record:
    return await async_log_slot(data, Slot.EVENING)


BUTTONS: tuple[MagnesiumButtonDescription, ...] = (
    MagnesiumButtonDescription(
        key="log_morning_dose", translation_key="log_morning_dose", press_fn=_log_morning
    ),
    MagnesiumButtonDescription(
        key="log_evening_dose", translation_key="log_evening_dose", press_fn=_log_evening
    ),
    MagnesiumButtonDescription(
        key="log_epsom_bath", translation_key="log_epsom_bath", press_fn=async_log_bath
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MagnesiumConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the buttons of an entry."""
    async_add_entities(MagnesiumButton(entry.runtime_data, description) for description in BUTTONS)


class MagnesiumButton(ReminderEntity, ButtonEntity):
    """Logs one planned dose or an Epsom bath when pressed."""

    entity_description: MagnesiumButtonDescription

    def __init__(self, data: MagnesiumData, description: MagnesiumButtonDescription) -> None:
        """Bind the button to an entry's log and reminders."""
        super().__init__(data, description)
        self.data = data

    @callback
    def _async_subscribe(self) -> CALLBACK_TYPE:
        return lambda: None  # a button's state is its last press: nothing to follow

    async def async_press(self) -> None:
        """Log the dose or the bath."""
        await self.entity_description.press_fn(self.data)
