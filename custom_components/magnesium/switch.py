"""Switches that turn the dose and Epsom bath reminders on and off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .entity import SettingEntity
from .reminders import ReminderManager
from .runtime import MagnesiumConfigEntry
from .schedule import Slot

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ReminderSwitchDescription(SwitchEntityDescription):
    """How a switch reads and sets its reminder."""

    value_fn: Callable[[ReminderManager], bool]
    set_fn: Callable[[ReminderManager, bool], None]


SWITCHES: tuple[ReminderSwitchDescription, ...] = (
    ReminderSwitchDescription(
        key="morning_reminder",
        translation_key="morning_reminder",
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda reminders: reminders.slots[Slot.MORNING].enabled,
        set_fn=lambda reminders, on: reminders.async_set_slot(Slot.MORNING, enabled=on),
    ),
    ReminderSwitchDescription(
        key="evening_reminder",
        translation_key="evening_reminder",
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda reminders: reminders.slots[Slot.EVENING].enabled,
        set_fn=lambda reminders, on: reminders.async_set_slot(Slot.EVENING, enabled=on),
    ),
    ReminderSwitchDescription(
        key="epsom_bath_reminder",
        translation_key="epsom_bath_reminder",
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda reminders: reminders.bath_enabled,
        set_fn=lambda reminders, on: reminders.async_set_bath(enabled=on),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MagnesiumConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the switches of an entry."""
    async_add_entities(ReminderSwitch(entry.runtime_data, description) for description in SWITCHES)


class ReminderSwitch(SettingEntity, SwitchEntity):
    """Turns one reminder on or off, kept across restarts."""

    entity_description: ReminderSwitchDescription

    @property
    def is_on(self) -> bool:
        """Whether the reminder is on."""
        return self.entity_description.value_fn(self.reminders)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the reminder on."""
        self.entity_description.set_fn(self.reminders, True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the reminder off."""
        self.entity_description.set_fn(self.reminders, False)
