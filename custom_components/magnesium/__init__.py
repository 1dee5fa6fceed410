"""Magnesium: log magnesium for sciatica, see the day's dose, stay under the limit."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, issue_registry as ir
from homeassistant.helpers.typing import ConfigType
from homeassistant.util import dt as dt_util

from .assist import async_setup_assist
from .blueprint_installer import async_install_blueprints
from .compat import STORAGE_TOO_NEW_ERRORS
from .const import DOMAIN, SUBENTRY_MEDICINE
from .dashboard import async_setup_dashboard_action
from .knowledge import FORMER_FRACTIONS
from .reminders import ReminderManager, ReminderOptions
from .runtime import MagnesiumConfigEntry, MagnesiumData
from .services import async_setup_services
from .spacing import MedicinePlan, medicine_plans_from
from .stock import StockWatcher, products_from_entry
from .tracker import MagnesiumTracker, Settings, StorageVersionError

__all__ = ["MagnesiumConfigEntry", "MagnesiumData"]

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

_STORAGE_TOO_NEW: tuple[type[Exception], ...] = (StorageVersionError, *STORAGE_TOO_NEW_ERRORS)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and the Assist sentences once, whatever the number of entries."""
    async_setup_services(hass)
    async_setup_dashboard_action(hass)
    await async_setup_assist(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: MagnesiumConfigEntry) -> bool:
    """Load a person's log and set up their entities."""
    await async_install_blueprints(hass)
    tracker = MagnesiumTracker(
        hass, entry.entry_id, Settings.from_entry(entry.title, entry.options)
    )
    tracker.products = products_from_entry(entry)
    reminders = ReminderManager(hass, tracker, ReminderOptions.from_options(entry.options))
    stock = StockWatcher(hass, tracker, reminders)
    try:
        await tracker.async_load()
        await reminders.async_load()
        await stock.async_load()
    except _STORAGE_TOO_NEW as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key="storage_too_new"
        ) from err
    except OSError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="storage_unreadable",
            translation_placeholders={"error": str(err)},
        ) from err
    reminders.adherence_since = dt_util.as_local(entry.created_at).date()
    reminders.started = entry.created_at  # entries from before 2024.11 have the epoch
    reminders.medicines = medicine_plans(entry)
    # the streak's days older than the index's, when they were not worked out before
    await reminders.async_update_older_days()
    entry.runtime_data = MagnesiumData(tracker, reminders, stock)
    tracker.async_start()
    entry.async_on_unload(tracker.async_stop)
    entry.async_on_unload(tracker.async_flush)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # after the entities: a reminder due right now reaches the event entity too
    reminders.async_start()
    entry.async_on_unload(reminders.async_stop)
    stock.async_start()
    entry.async_on_unload(stock.async_stop)
    return True


async def _async_options_updated(hass: HomeAssistant, entry: MagnesiumConfigEntry) -> None:
    """Apply changed settings without a restart; a product added, edited or removed reloads."""
    data = entry.runtime_data
    if products_from_entry(entry) != data.tracker.products:
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    data.tracker.async_update_settings(Settings.from_entry(entry.title, entry.options))
    data.reminders.async_update_options(ReminderOptions.from_options(entry.options))
    data.reminders.async_set_medicines(medicine_plans(entry))


def medicine_plans(entry: MagnesiumConfigEntry) -> tuple[MedicinePlan, ...]:
    """The medicines of an entry's subentries (unknown ones and bad times are left out)."""
    return medicine_plans_from(
        subentry.data
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_MEDICINE
    )


async def async_unload_entry(hass: HomeAssistant, entry: MagnesiumConfigEntry) -> bool:
    """Unload an entry; its log stays on disk."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: MagnesiumConfigEntry) -> None:
    """Delete the entry's files when the user deletes the entry."""
    tracker = MagnesiumTracker(
        hass, entry.entry_id, Settings.from_entry(entry.title, entry.options)
    )
    reminders = ReminderManager(hass, tracker, ReminderOptions.from_options(entry.options))
    await reminders.async_remove_files()
    await StockWatcher(hass, tracker, reminders).async_remove_files()
    await tracker.async_remove_files()
    ir.async_delete_issue(hass, DOMAIN, f"ask_doctor_{entry.entry_id}")
    for form in FORMER_FRACTIONS:
        ir.async_delete_issue(hass, DOMAIN, f"recounted_{entry.entry_id}_{form}")
