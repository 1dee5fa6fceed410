"""The reminder event entity: fires when a dose or an Epsom bath is due."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .entity import ReminderEntity
from .reminders import EVENT_TYPES
from .runtime import MagnesiumConfigEntry

PARALLEL_UPDATES = 0

REMINDER = EventEntityDescription(
    key="reminder", translation_key="reminder", event_types=list(EVENT_TYPES)
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MagnesiumConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the reminder event of an entry."""
    async_add_entities([ReminderEvent(entry.runtime_data, REMINDER)])


class ReminderEvent(ReminderEntity, EventEntity):
    """Fires ``morning_dose``, ``evening_dose``, ``epsom_bath`` or ``limit_reached``."""

    _unrecorded_attributes = frozenset({"message"})

    @callback
    def _async_subscribe(self) -> CALLBACK_TYPE:
        # the state only changes when a reminder goes out
        return self.reminders.async_add_reminder_listener(self._fire)

    @callback
    def _fire(self, event_type: str, data: dict[str, Any]) -> None:
        self._trigger_event(event_type, data)
        self.async_write_ha_state()
