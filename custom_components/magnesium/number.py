"""Numbers: the planned amount of the morning and the evening dose."""

from __future__ import annotations

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import EntityCategory, UnitOfMass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .const import MIN_SETTING_MG
from .entity import SettingEntity
from .runtime import MagnesiumConfigEntry, MagnesiumData
from .schedule import Slot, planned_amount

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MagnesiumConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the planned amounts of an entry."""
    async_add_entities(SlotAmount(entry.runtime_data, slot) for slot in Slot)


class SlotAmount(SettingEntity, NumberEntity):
    """A slot's planned amount at the full daily target (half of it unless set).

    While a start-low plan climbs, the reminders scale it down in proportion.
    """

    _attr_native_min_value = MIN_SETTING_MG
    _attr_native_step = 1
    _attr_native_unit_of_measurement = UnitOfMass.MILLIGRAMS
    _attr_device_class = NumberDeviceClass.WEIGHT
    _attr_mode = NumberMode.BOX

    def __init__(self, data: MagnesiumData, slot: Slot) -> None:
        """Create the amount of one slot."""
        super().__init__(
            data,
            NumberEntityDescription(
                key=f"{slot.value}_amount",
                translation_key=f"{slot.value}_amount",
                entity_category=EntityCategory.CONFIG,
            ),
        )
        self.slot = slot

    @property
    def native_max_value(self) -> float:
        """Never more than the daily limit."""
        return self.tracker.settings.daily_limit

    @property
    def native_value(self) -> float:
        """The planned amount."""
        plan = self.reminders.slots[self.slot]
        return planned_amount(plan, self.tracker.settings.daily_target)

    async def async_set_native_value(self, value: float) -> None:
        """Plan a fixed amount for this slot."""
        self.reminders.async_set_slot(self.slot, amount_mg=round(value, 1))
