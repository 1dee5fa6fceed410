"""Sensors of the day's magnesium."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfMass, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .adherence import PERIODS
from .entity import MagnesiumEntity, ProductEntity, ReminderEntity, ShowsChanges
from .ledger import Record
from .runtime import MagnesiumConfigEntry
from .tracker import Today

PARALLEL_UPDATES = 0

UNIT_MG_PER_DAY = "mg/d"


@dataclass(frozen=True, kw_only=True)
class MagnesiumSensorDescription(SensorEntityDescription):
    """How a sensor reads its value from today's figures."""

    value_fn: Callable[[Today], float | int | datetime | None]
    attrs_fn: Callable[[Today], Mapping[str, Any] | None] = lambda _today: None
    resets_daily: bool = False


def _record_attrs(record: Record | None) -> Mapping[str, Any] | None:
    if record is None:
        return None
    attrs: dict[str, Any] = {"form": record.form, "source": record.source.value}
    for key in ("elemental_mg", "compound_mg", "area", "salt_g", "minutes", "product", "units"):
        if (value := getattr(record, key)) is not None:
            attrs[key] = value
    return attrs


SENSORS: tuple[MagnesiumSensorDescription, ...] = (
    MagnesiumSensorDescription(
        key="oral_today",
        translation_key="oral_today",
        native_unit_of_measurement=UnitOfMass.MILLIGRAMS,
        device_class=SensorDeviceClass.WEIGHT,
        state_class=SensorStateClass.TOTAL,
        suggested_display_precision=0,
        resets_daily=True,
        value_fn=lambda today: today.oral_mg,
    ),
    MagnesiumSensorDescription(
        key="remaining",
        translation_key="remaining",
        native_unit_of_measurement=UnitOfMass.MILLIGRAMS,
        device_class=SensorDeviceClass.WEIGHT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda today: today.remaining_mg,
    ),
    MagnesiumSensorDescription(
        key="limit_used",
        translation_key="limit_used",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda today: today.limit_used_pct,
    ),
    MagnesiumSensorDescription(
        key="doses_today",
        translation_key="doses_today",
        state_class=SensorStateClass.TOTAL,
        resets_daily=True,
        value_fn=lambda today: today.total.oral_doses,
    ),
    MagnesiumSensorDescription(
        key="last_dose",
        translation_key="last_dose",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda today: today.last_oral.taken_at if today.last_oral else None,
        attrs_fn=lambda today: _record_attrs(today.last_oral),
    ),
    MagnesiumSensorDescription(
        key="topical_today",
        translation_key="topical_today",
        state_class=SensorStateClass.TOTAL,
        resets_daily=True,
        value_fn=lambda today: today.total.topical,
    ),
    MagnesiumSensorDescription(
        key="last_topical",
        translation_key="last_topical",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda today: today.last_topical.taken_at if today.last_topical else None,
        attrs_fn=lambda today: _record_attrs(today.last_topical),
    ),
    MagnesiumSensorDescription(
        key="last_bath",
        translation_key="last_bath",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda today: today.last_bath.taken_at if today.last_bath else None,
        attrs_fn=lambda today: _record_attrs(today.last_bath),
    ),
    MagnesiumSensorDescription(
        key="average_7d",
        translation_key="average_7d",
        native_unit_of_measurement=UNIT_MG_PER_DAY,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda today: today.average_7d,
    ),
    MagnesiumSensorDescription(
        key="daily_limit",
        translation_key="daily_limit",
        native_unit_of_measurement=UnitOfMass.MILLIGRAMS,
        device_class=SensorDeviceClass.WEIGHT,
        entity_category=EntityCategory.DIAGNOSTIC,
        suggested_display_precision=0,
        value_fn=lambda today: today.daily_limit,
    ),
)


DAILY_TARGET = SensorEntityDescription(
    key="daily_target",
    translation_key="daily_target",
    native_unit_of_measurement=UnitOfMass.MILLIGRAMS,
    device_class=SensorDeviceClass.WEIGHT,
    suggested_display_precision=0,
)
NEXT_DOSE = SensorEntityDescription(
    key="next_dose", translation_key="next_dose", device_class=SensorDeviceClass.TIMESTAMP
)
SIDE_EFFECTS = SensorEntityDescription(
    key="side_effects_7d",
    translation_key="side_effects_7d",
    state_class=SensorStateClass.MEASUREMENT,
)

ADHERENCE = tuple(
    SensorEntityDescription(
        key=f"adherence_{days}d",
        translation_key=f"adherence_{days}d",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
    )
    for days in PERIODS
)
STREAK = SensorEntityDescription(
    key="adherence_streak",
    translation_key="adherence_streak",
    native_unit_of_measurement=UnitOfTime.DAYS,
    state_class=SensorStateClass.MEASUREMENT,
)
PRODUCT_STOCK = SensorEntityDescription(
    key="stock",
    translation_key="product_stock",
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
)
PRODUCT_RUN_OUT = SensorEntityDescription(
    key="run_out", translation_key="product_run_out", device_class=SensorDeviceClass.DATE
)


class FigureSensor(ShowsChanges, SensorEntity):
    """A sensor that compares its own figures, not the state Home Assistant formats from them."""

    def _shown_now(self) -> tuple[Any, ...]:
        return (
            self.available,
            self.native_value,
            self.native_unit_of_measurement,
            self.last_reset,
            self.extra_state_attributes,
        )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MagnesiumConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of an entry."""
    data = entry.runtime_data
    async_add_entities(
        [
            *(MagnesiumSensor(data.tracker, description) for description in SENSORS),
            DailyTargetSensor(data, DAILY_TARGET),
            NextDoseSensor(data, NEXT_DOSE),
            SideEffectsSensor(data, SIDE_EFFECTS),
            *(AdherenceSensor(data, description) for description in ADHERENCE),
            StreakSensor(data, STREAK),
        ]
    )
    for product in data.tracker.products.values():
        async_add_entities(
            [
                ProductStockSensor(data.tracker, product, PRODUCT_STOCK),
                ProductRunOutSensor(data.tracker, product, PRODUCT_RUN_OUT),
            ],
            config_subentry_id=product.id,
        )


class MagnesiumSensor(MagnesiumEntity, FigureSensor):
    """One figure of the day's magnesium."""

    entity_description: MagnesiumSensorDescription

    @property
    def native_value(self) -> float | int | datetime | None:
        """The figure now."""
        return self.entity_description.value_fn(self.tracker.today)

    @property
    def last_reset(self) -> datetime | None:
        """Daily totals start again at local midnight."""
        if self.entity_description.resets_daily:
            return self.tracker.today.day_start
        return None

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Details of the record a timestamp sensor shows."""
        return self.entity_description.attrs_fn(self.tracker.today)


class DailyTargetSensor(ReminderEntity, FigureSensor):
    """Today's target: the start-low plan's while it climbs, else the daily target."""

    @property
    def native_value(self) -> float:
        """Today's target."""
        return self.reminders.evaluation.target_mg

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The full target while a start-low plan climbs toward it."""
        if self.reminders.options.ramp is None:
            return None
        return {"full_target_mg": self.tracker.settings.daily_target}


class NextDoseSensor(ReminderEntity, FigureSensor):
    """When the next planned dose is, with its amount and form."""

    @property
    def native_value(self) -> datetime | None:
        """The next planned dose's time; unknown when both reminders are off."""
        upcoming = self.reminders.evaluation.next_dose
        return upcoming[0] if upcoming else None

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Which slot, how much and which form."""
        upcoming = self.reminders.evaluation.next_dose
        if upcoming is None:
            return None
        _at, slot, amount, form = upcoming
        return {"slot": slot.value, "amount_mg": amount, "form": form}


class SideEffectsSensor(ReminderEntity, FigureSensor):
    """Side effects logged in the last seven days (today included)."""

    @property
    def native_value(self) -> int:
        """The count."""
        return self.tracker.today.side_effects_7d


class AdherenceSensor(ReminderEntity, FigureSensor):
    """Planned reminders kept over the last 7 or 30 days (today's once settled)."""

    @property
    def _days(self) -> int:
        return int(self.entity_description.key.removeprefix("adherence_").removesuffix("d"))

    @property
    def native_value(self) -> float | None:
        """The share kept; unknown while nothing was planned."""
        return self.reminders.adherence.percent[self._days]

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        """How many were planned and kept."""
        result = self.reminders.adherence
        return {"planned": result.planned[self._days], "kept": result.satisfied[self._days]}


class StreakSensor(ReminderEntity, FigureSensor):
    """Days in a row with every planned reminder kept."""

    @property
    def native_value(self) -> int:
        """The current streak."""
        return self.reminders.adherence.streak


# the unit a stock is shown in ("50 capsules", not "50 capsule")
STOCK_UNITS: Final = {
    "capsule": "capsules",
    "tablet": "tablets",
    "scoop": "scoops",
    "spray": "sprays",
}


class ProductStockSensor(ProductEntity, FigureSensor):
    """Units of a product left: counted stock, plus refills, minus units taken."""

    @property
    def native_unit_of_measurement(self) -> str:
        """The product's unit, counted: "capsules", "scoops", "ml"."""
        return STOCK_UNITS.get(self.product.unit, self.product.unit)

    @property
    def native_value(self) -> float | None:
        """Units left (below 0 when more was logged than counted); unknown when not counted."""
        return self.outlook.stock

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        """Use per day over the recent days, and what a unit holds."""
        return {
            "daily_units": self.outlook.daily_units,
            "elemental_mg_per_unit": self.product.elemental_per_unit,
        }


class ProductRunOutSensor(ProductEntity, FigureSensor):
    """When a product runs out at the use of the last 14 days; unknown without use."""

    @property
    def native_value(self) -> date | None:
        """The expected day the stock runs out."""
        return self.outlook.run_out

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        """Days left at that rate."""
        return {"days_left": self.outlook.days_left}
