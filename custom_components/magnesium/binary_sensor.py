"""Binary sensors of the day's magnesium."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined]
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import MagnesiumConfigEntry
from .entity import MagnesiumEntity

PARALLEL_UPDATES = 0

OVER_LIMIT = BinarySensorEntityDescription(
    key="over_limit",
    translation_key="over_limit",
    device_class=BinarySensorDeviceClass.PROBLEM,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MagnesiumConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the binary sensors of an entry."""
    async_add_entities([OverLimitBinarySensor(entry.runtime_data, OVER_LIMIT)])


class OverLimitBinarySensor(MagnesiumEntity, BinarySensorEntity):
    """On while today's oral magnesium is above the daily limit."""

    @property
    def is_on(self) -> bool:
        """Whether the limit is passed today."""
        return self.tracker.today.over_limit
