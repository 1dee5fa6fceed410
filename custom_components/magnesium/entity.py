"""Base entities of the magnesium integration."""

from __future__ import annotations

from typing import Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN
from .products import Outlook, Product
from .reminders import ReminderManager
from .runtime import MagnesiumData
from .tracker import MagnesiumTracker


class ShowsChanges(Entity):
    """An entity that writes its state only when what it shows changed."""

    _shown: tuple[Any, ...] | None = None

    async def async_added_to_hass(self) -> None:
        """Remember what the first state (written once this returns) shows."""
        await super().async_added_to_hass()
        self._shown = self._shown_now()

    def _shown_now(self) -> tuple[Any, ...]:
        return (self.available, self.state, self.state_attributes, self.extra_state_attributes)

    @callback
    def _async_changed(self) -> None:
        """Write the state when what it shows changed (most figures stay put on a change)."""
        shown = self._shown_now()
        if shown != self._shown:
            self.async_write_ha_state()
            self._shown = shown


class MagnesiumEntity(ShowsChanges):
    """An entity that shows one figure of a person's tracker."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, tracker: MagnesiumTracker, description: EntityDescription) -> None:
        """Bind the entity to its tracker and device."""
        self.tracker = tracker
        self.entity_description = description
        self._attr_unique_id = f"{tracker.entry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, tracker.entry_id)},
            name=tracker.settings.name,
            entry_type=None,  # not a service: the integration card counts devices
            manufacturer="Magnesium",
            model="Magnesium log",
        )

    async def async_added_to_hass(self) -> None:
        """Follow the changes the entity shows."""
        await super().async_added_to_hass()
        self.async_on_remove(self._async_subscribe())

    @callback
    def _async_subscribe(self) -> CALLBACK_TYPE:
        """Start following changes; returns the remover."""
        return self.tracker.async_add_listener(self._async_changed)


class ReminderEntity(MagnesiumEntity):
    """An entity of a person's reminders; it follows them (they follow the log)."""

    def __init__(self, data: MagnesiumData, description: EntityDescription) -> None:
        """Bind the entity to the reminders of an entry."""
        super().__init__(data.tracker, description)
        self.reminders: ReminderManager = data.reminders

    @callback
    def _async_subscribe(self) -> CALLBACK_TYPE:
        return self.reminders.async_add_listener(self._async_changed)


class SettingEntity(ReminderEntity):
    """A reminder setting (time, switch, amount, form, product): it follows the settings only.

    What it shows changes with the settings, never with a dose, so a dose does not look at it.
    """

    @callback
    def _async_subscribe(self) -> CALLBACK_TYPE:
        return self.reminders.async_add_settings_listener(self._async_changed)


class ProductEntity(ShowsChanges):
    """An entity of one product, on the product's own device under the person's."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self, tracker: MagnesiumTracker, product: Product, description: EntityDescription
    ) -> None:
        """Bind the entity to its tracker and product."""
        self.tracker = tracker
        self.product = product
        self.entity_description = description
        self._attr_unique_id = f"{tracker.entry_id}_{product.id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, f"{tracker.entry_id}_{product.id}")},
            name=product.name,
            entry_type=None,
            manufacturer="Magnesium",
            model="Magnesium product",
        )

    @property
    def outlook(self) -> Outlook:
        """The product's stock and run-out date now."""
        return self.tracker.outlook(self.product)

    async def async_added_to_hass(self) -> None:
        """Follow the log (doses and refills change the stock)."""
        await super().async_added_to_hass()
        self.async_on_remove(self.tracker.async_add_listener(self._async_changed))
