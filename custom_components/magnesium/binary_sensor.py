"""Binary sensors: over the daily limit, and which reminders are due."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined]
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import MagnesiumEntity, ProductEntity, ReminderEntity, ShowsChanges
from .reminders import spacing_fields
from .runtime import MagnesiumConfigEntry, MagnesiumData
from .schedule import Reminder

PARALLEL_UPDATES = 0

OVER_LIMIT = BinarySensorEntityDescription(
    key="over_limit",
    translation_key="over_limit",
    device_class=BinarySensorDeviceClass.PROBLEM,
)

SPACING_CONFLICT = BinarySensorEntityDescription(
    key="spacing_conflict",
    translation_key="spacing_conflict",
    device_class=BinarySensorDeviceClass.PROBLEM,
)

LOW_STOCK = BinarySensorEntityDescription(
    key="low_stock",
    translation_key="product_low_stock",
    device_class=BinarySensorDeviceClass.PROBLEM,
)


class FigureBinarySensor(ShowsChanges, BinarySensorEntity):
    """A binary sensor that compares its own figures, not the state formatted from them."""

    def _shown_now(self) -> tuple[Any, ...]:
        return (self.available, self.is_on, self.extra_state_attributes)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MagnesiumConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of an entry."""
    data = entry.runtime_data
    async_add_entities(
        [
            OverLimitBinarySensor(data.tracker, OVER_LIMIT),
            *(ReminderDueBinarySensor(data, reminder) for reminder in Reminder),
            SpacingConflictBinarySensor(data, SPACING_CONFLICT),
        ]
    )
    for product in data.tracker.products.values():
        async_add_entities(
            [LowStockBinarySensor(data.tracker, product, LOW_STOCK)],
            config_subentry_id=product.id,
        )


class OverLimitBinarySensor(MagnesiumEntity, FigureBinarySensor):
    """On while today's oral magnesium is above the daily limit."""

    @property
    def is_on(self) -> bool:
        """Whether the limit is passed today."""
        return self.tracker.today.over_limit


class ReminderDueBinarySensor(ReminderEntity, FigureBinarySensor):
    """On from a reminder's time until it is taken, skipped or the day ends (also snoozed)."""

    _unrecorded_attributes = frozenset({"message", "snoozed_until"})

    def __init__(self, data: MagnesiumData, reminder: Reminder) -> None:
        """Create the due sensor of one reminder."""
        key = f"{reminder.value}_due" if reminder is Reminder.EPSOM_BATH else f"{reminder}_dose_due"
        super().__init__(data, BinarySensorEntityDescription(key=key, translation_key=key))
        self.reminder = reminder

    @property
    def is_on(self) -> bool:
        """Whether the reminder is due."""
        return self.reminders.status(self.reminder).is_due

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        """What the reminder suggests while it is due."""
        return self.reminders.attributes(self.reminder)


class SpacingConflictBinarySensor(ReminderEntity, FigureBinarySensor):
    """On while today's last oral dose fell inside a medicine's window."""

    _unrecorded_attributes = frozenset({"message", "dose_at"})

    @property
    def is_on(self) -> bool:
        """Whether the last dose today was too close to a medicine."""
        return self.reminders.dose_conflict is not None

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Which medicine, when, and from when magnesium is allowed again."""
        found = self.reminders.dose_conflict
        if found is None:
            return None
        moment, window = found
        return {
            **spacing_fields(window),
            "dose_at": moment.isoformat(),
            "message": self.reminders.spacing_message(window, moment),
        }


class LowStockBinarySensor(ProductEntity, FigureBinarySensor):
    """On while a product lasts fewer days than its threshold (or is used up)."""

    @property
    def is_on(self) -> bool:
        """Whether the product runs low."""
        return self.outlook.low

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        """Days left and the threshold."""
        return {"days_left": self.outlook.days_left, "threshold_days": self.product.low_days}
