"""Time entities: when the morning and evening doses and the Epsom bath are planned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .entity import SettingEntity
from .reminders import ReminderManager
from .runtime import MagnesiumConfigEntry
from .schedule import Slot

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ReminderTimeDescription(TimeEntityDescription):
    """How a time entity reads and sets its reminder's time."""

    value_fn: Callable[[ReminderManager], time]
    set_fn: Callable[[ReminderManager, time], None]


TIMES: tuple[ReminderTimeDescription, ...] = (
    ReminderTimeDescription(
        key="morning_time",
        translation_key="morning_time",
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda reminders: reminders.slots[Slot.MORNING].at,
        set_fn=lambda reminders, value: reminders.async_set_slot(Slot.MORNING, at=value),
    ),
    ReminderTimeDescription(
        key="evening_time",
        translation_key="evening_time",
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda reminders: reminders.slots[Slot.EVENING].at,
        set_fn=lambda reminders, value: reminders.async_set_slot(Slot.EVENING, at=value),
    ),
    ReminderTimeDescription(
        key="epsom_bath_time",
        translation_key="epsom_bath_time",
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda reminders: reminders.bath_at,
        set_fn=lambda reminders, value: reminders.async_set_bath(at=value),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MagnesiumConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the time entities of an entry."""
    async_add_entities(ReminderTime(entry.runtime_data, description) for description in TIMES)


class ReminderTime(SettingEntity, TimeEntity):
    """The time of a reminder, kept across restarts."""

    entity_description: ReminderTimeDescription

    @property
    def native_value(self) -> time:
        """The planned time."""
        return self.entity_description.value_fn(self.reminders)

    async def async_set_value(self, value: time) -> None:
        """Move the reminder (seconds are dropped)."""
        self.entity_description.set_fn(self.reminders, value.replace(second=0, microsecond=0))
