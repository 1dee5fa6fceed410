"""Selects: the preferred form of the morning and the evening dose."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .entity import ReminderEntity
from .knowledge import ORAL_FORM_KEYS
from .runtime import MagnesiumConfigEntry, MagnesiumData
from .schedule import Slot

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MagnesiumConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the preferred forms of an entry."""
    async_add_entities(SlotForm(entry.runtime_data, slot) for slot in Slot)


class SlotForm(ReminderEntity, SelectEntity):
    """The form a slot's reminder suggests (malate mornings, glycinate evenings)."""

    def __init__(self, data: MagnesiumData, slot: Slot) -> None:
        """Create the form of one slot."""
        super().__init__(
            data,
            SelectEntityDescription(
                key=f"{slot.value}_form",
                translation_key=f"{slot.value}_form",
                entity_category=EntityCategory.CONFIG,
            ),
        )
        self.slot = slot
        self._attr_options = list(ORAL_FORM_KEYS)

    @property
    def current_option(self) -> str:
        """The preferred form."""
        return self.reminders.slots[self.slot].form

    async def async_select_option(self, option: str) -> None:
        """Prefer another form."""
        self.reminders.async_set_slot(self.slot, form=option)
