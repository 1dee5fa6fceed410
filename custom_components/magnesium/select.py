"""Selects: the preferred form, and the product, of the morning and the evening dose."""

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
    """Add the preferred forms of an entry, and the slots' products when there are any."""
    async_add_entities(SlotForm(entry.runtime_data, slot) for slot in Slot)
    if entry.runtime_data.tracker.products:
        async_add_entities(SlotProduct(entry.runtime_data, slot) for slot in Slot)


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


NO_PRODUCT = "none"


class SlotProduct(ReminderEntity, SelectEntity):
    """The product a slot's dose is taken from; Taken then logs its units."""

    def __init__(self, data: MagnesiumData, slot: Slot) -> None:
        """Create the product choice of one slot."""
        super().__init__(
            data,
            SelectEntityDescription(
                key=f"{slot.value}_product",
                translation_key=f"{slot.value}_product",
                entity_category=EntityCategory.CONFIG,
            ),
        )
        self.slot = slot
        names = sorted(product.name for product in data.tracker.products.values())
        self._attr_options = [NO_PRODUCT, *names]

    @property
    def current_option(self) -> str:
        """The product's name, or none."""
        product = self.reminders.slot_product(self.slot)
        return product.name if product else NO_PRODUCT

    async def async_select_option(self, option: str) -> None:
        """Take the slot's dose from another product, or by form and amount."""
        product = next(
            (item for item in self.tracker.products.values() if item.name == option), None
        )
        self.reminders.async_set_slot_product(self.slot, product.id if product else None)
