"""Which person is this? The settings and product dialogs, the integration card, the calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
import pytest

from custom_components.magnesium.const import DOMAIN, SUBENTRY_MEDICINE, SUBENTRY_PRODUCT

from .conftest import TIME_ZONE, call, setup_entry
from .test_products import GLYCINATE, setup_with_products

ROOT = Path(__file__).resolve().parent.parent / "custom_components" / "magnesium"
EN = json.loads((ROOT / "translations" / "en.json").read_text(encoding="utf-8"))
DE = json.loads((ROOT / "translations" / "de.json").read_text(encoding="utf-8"))
DAY = datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo(TIME_ZONE))


def title(language: dict[str, Any], *path: str, **placeholders: str) -> str:
    node: Any = language
    for part in path:
        node = node[part]
    return str(node).format(**placeholders)


@pytest.mark.parametrize("language", [EN, DE], ids=["en", "de"])
def test_the_add_button_names_a_person(language: dict[str, Any]) -> None:
    # the frontend's "Add service" (integration_type: service) gives way to this key
    button = language["config"]["initiate_flow"]["user"]
    assert button in ("Add person", "Person hinzufügen")
    # every dialog title that belongs to a person names them
    for path in (
        ("options", "step", "init", "title"),
        ("config_subentries", "product", "step", "user", "title"),
        ("config_subentries", "product", "step", "reconfigure", "title"),
        ("config_subentries", "medicine", "step", "user", "title"),
        ("config_subentries", "medicine", "step", "reconfigure", "title"),
    ):
        assert "Alex" in title(language, *path, name="Alex"), path


async def test_dialogs_name_the_person(hass: HomeAssistant, time_zone: str) -> None:
    entry = await setup_entry(hass, title="Sam")
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["description_placeholders"] == {"name": "Sam"}
    assert title(EN, "options", "step", "init", "title", **result["description_placeholders"]) == (
        "Magnesium settings for Sam"
    )
    for kind in (SUBENTRY_PRODUCT, SUBENTRY_MEDICINE):
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, kind), context={"source": SOURCE_USER}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["description_placeholders"] == {"name": "Sam"}, kind
    # a refused form keeps the name too
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRODUCT), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**GLYCINATE, "name": " "}
    )
    assert result["errors"] == {"name": "name_required"}
    assert result["description_placeholders"] == {"name": "Sam"}


async def test_persons_and_products_are_devices_not_services(
    hass: HomeAssistant, time_zone: str
) -> None:
    """The integration card counts "services" when every device is one: they are devices."""
    entry = await setup_with_products(hass, (GLYCINATE, "glycinate"))
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert {device.name for device in devices} == {"Alex", "Doctor's Best glycinate"}
    assert all(device.entry_type is None for device in devices)


async def test_an_older_service_device_becomes_a_device(
    hass: HomeAssistant, time_zone: str
) -> None:
    entry = await setup_entry(hass)
    registry = dr.async_get(hass)
    [device] = dr.async_entries_for_config_entry(registry, entry.entry_id)
    registry.async_update_device(device.id, entry_type=dr.DeviceEntryType.SERVICE)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    device_entry = registry.async_get(device.id)
    assert device_entry is not None
    assert device_entry.entry_type is None


async def test_calendar_tells_taken_from_planned(
    hass: HomeAssistant, time_zone: str, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(DAY)
    entry = await setup_with_products(hass, (GLYCINATE, "glycinate"))
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.alex_evening_dose_product", "option": "Doctor's Best glycinate"},
        blocking=True,
    )
    await call(
        hass,
        "log_dose",
        config_entry_id=entry.entry_id,
        product="glycinate",
        units=2,
        taken_at=DAY - timedelta(minutes=30),
    )
    await call(hass, "log_dose", form="malate", amount_mg=100, taken_at=DAY - timedelta(hours=1))
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.alex_magnesium",
            "start_date_time": DAY - timedelta(hours=2),
            "end_date_time": DAY + timedelta(days=1),
        },
        blocking=True,
        return_response=True,
    )
    summaries = [event["summary"] for event in response["calendar.alex_magnesium"]["events"]]
    assert summaries[:2] == [
        "Taken: 100 mg malate",
        "Taken: 2 capsules of Doctor's Best glycinate (200 mg)",
    ]
    assert all(summary.startswith("Planned: ") for summary in summaries[2:])
    assert not any("(s)" in summary for summary in summaries)


async def test_units_have_plurals_in_german(
    hass: HomeAssistant, time_zone: str, freezer: FrozenDateTimeFactory
) -> None:
    hass.config.language = "de"
    freezer.move_to(DAY)
    entry = await setup_with_products(hass, (GLYCINATE, "glycinate"))
    await call(
        hass,
        "log_dose",
        config_entry_id=entry.entry_id,
        product="glycinate",
        units=2,
        taken_at=DAY - timedelta(minutes=30),
    )
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": f"calendar.{_calendar(hass)}",
            "start_date_time": DAY - timedelta(hours=1),
            "end_date_time": DAY + timedelta(hours=1),
        },
        blocking=True,
        return_response=True,
    )
    [event] = next(iter(response.values()))["events"]
    assert event["summary"] == "Genommen: 2 Kapseln Doctor's Best glycinate (200 mg)"
    runtime = entry.runtime_data
    assert runtime.reminders.unit_name("capsule", 1) == "Kapsel"
    assert runtime.reminders.unit_name("capsule", 2.5) == "Kapseln"


def _calendar(hass: HomeAssistant) -> str:
    [state] = [state for state in hass.states.async_all("calendar") if DOMAIN in state.entity_id]
    return state.entity_id.removeprefix("calendar.")
