"""Products in a real Home Assistant: added in the UI, logged by units, refilled, running low."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.magnesium.const import DOMAIN, SUBENTRY_PRODUCT

from .conftest import TIME_ZONE, call, make_entry
from .frontend import serialized_schema, submitted

BERLIN = ZoneInfo(TIME_ZONE)
DAY = datetime(2026, 6, 10, 9, 0, tzinfo=BERLIN)
PHONE = "mobile_app_pixel"
STOCK = "sensor.doctor_s_best_glycinate_stock"
RUN_OUT = "sensor.doctor_s_best_glycinate_run_out_date"
LOW = "binary_sensor.doctor_s_best_glycinate_low_stock"

GLYCINATE: dict[str, Any] = {
    "name": "Doctor's Best glycinate",
    "form": "glycinate",
    "amount_mg": 100,
    "basis": "elemental",
    "unit": "capsule",
    "stock": 20,
    "low_days": 7,
}
CITRATE_POWDER: dict[str, Any] = {
    "name": "Citrate powder",
    "form": "citrate",
    "amount_mg": 1000,
    "basis": "compound",
    "unit": "scoop",
    "stock": 30,
    "low_days": 7,
}


def product_subentry(data: dict[str, Any], subentry_id: str) -> ConfigSubentryData:
    """A product subentry as the subentry flow makes it."""
    return ConfigSubentryData(
        data={**data, "stock_offset": 0.0},
        subentry_id=subentry_id,
        subentry_type=SUBENTRY_PRODUCT,
        title=data["name"],
        unique_id=None,
    )


async def setup_with_products(
    hass: HomeAssistant,
    *products: tuple[dict[str, Any], str],
    options: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """An entry with products, set up."""
    entry = make_entry(
        extra_options=options,
        subentries_data=[product_subentry(data, subentry_id) for data, subentry_id in products],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def state(hass: HomeAssistant, entity_id: str) -> str:
    """An entity's state."""
    item = hass.states.get(entity_id)
    assert item is not None, entity_id
    return item.state


async def _stored(hass: HomeAssistant, entry: MockConfigEntry) -> int:
    """Records stored over all months."""
    response = await call(hass, "get_log", config_entry_id=entry.entry_id)
    return len(response["records"])


@pytest.fixture
async def at_day(hass: HomeAssistant, time_zone: str, freezer: FrozenDateTimeFactory) -> None:
    """Run at DAY, 09:00 Berlin."""
    freezer.move_to(DAY)


async def test_add_edit_and_remove_a_product_in_the_ui(hass: HomeAssistant, at_day: None) -> None:
    """The subentry flow adds a product with its entities; edits reload; removal drops them."""
    entry = await setup_with_products(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRODUCT), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    # a compound label over 2000 mg elemental per unit, and an empty name, are refused
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**GLYCINATE, "name": "  "}
    )
    assert result["errors"] == {"name": "name_required"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**GLYCINATE, "amount_mg": 5000}
    )
    assert result["errors"] == {"amount_mg": "amount_invalid"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**GLYCINATE, "stock": 20.5}
    )
    assert result["errors"] == {"stock": "whole_units"}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], GLYCINATE)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    (subentry_id,) = entry.subentries
    assert state(hass, STOCK) == "20"
    assert hass.states.get(STOCK).attributes["unit_of_measurement"] == "capsules"
    assert state(hass, RUN_OUT) == "unknown"
    assert state(hass, LOW) == "off"

    # the same name again is refused
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRODUCT), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**GLYCINATE, "name": "doctor's best GLYCINATE"}
    )
    assert result["errors"] == {"name": "product_exists"}

    # two capsules logged: the edit form shows 18 left; keeping it keeps the count
    await call(hass, "log_dose", product="glycinate", units=2)
    assert state(hass, STOCK) == "18"
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRODUCT),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    schema = result["data_schema"].schema
    assert next(key for key in schema if key == "stock").default() == 18
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**GLYCINATE, "stock": 18, "low_days": 10}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.subentries[subentry_id].data["stock"] == 20
    assert state(hass, STOCK) == "18"
    # a new count replaces the stock; a dose undone afterwards goes back on top of it
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRODUCT),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**GLYCINATE, "stock": 60}
    )
    await hass.async_block_till_done()
    assert state(hass, STOCK) == "60"
    await call(hass, "undo")
    assert state(hass, STOCK) == "62"

    # removing the product removes its entities and device; records keep its name
    await call(hass, "log_dose", product="glycinate", units=1)
    assert hass.config_entries.async_remove_subentry(entry, subentry_id)
    await hass.async_block_till_done()
    assert hass.states.get(STOCK) is None
    assert er.async_get(hass).async_get(STOCK) is None
    records = (await call(hass, "get_log"))["records"]
    assert records[-1]["product"] == "Doctor's Best glycinate"
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "log_dose", product="glycinate", units=1)
    assert err.value.translation_key == "unknown_product"


async def test_log_dose_by_product_and_units(hass: HomeAssistant, at_day: None) -> None:
    """A dose by product keeps the product, units and elemental mg; bad input stores nothing."""
    entry = await setup_with_products(hass, (GLYCINATE, "glyc"), (CITRATE_POWDER, "citr"))
    response = await call(hass, "log_dose", product="Doctor's Best glycinate", units=2)
    assert response["product"] == "Doctor's Best glycinate"
    assert response["product_id"] == "glyc"
    assert response["units"] == 2
    assert response["elemental_mg"] == 200
    assert response["form"] == "glycinate"
    assert response["stock"] == 18
    assert response["oral_today_mg"] == 200
    # the compound's weight on a powder's label: 1.5 scoops of 1000 mg citrate = 243 mg
    response = await call(hass, "log_dose", product="citrate powder", units=1.5)
    assert response["elemental_mg"] == 243
    assert response["compound_mg"] == 1500
    assert state(hass, "sensor.citrate_powder_stock") == "28.5"
    assert state(hass, "sensor.alex_oral_magnesium_today") == "443.0"

    stored = await _stored(hass, entry)
    for data, key in (
        ({"product": "ashwagandha", "units": 1}, "unknown_product"),
        ({"product": "glycinate", "units": 1.5}, "units_not_whole"),
        ({"product": "glycinate", "units": 0}, "units_invalid"),
        ({"product": "glycinate", "units": -2}, "units_invalid"),
        ({"product": "glycinate"}, "units_invalid"),
        ({"product": "glycinate", "units": 30}, "amount_invalid"),
        ({"product": "glycinate", "units": 1, "form": "malate"}, "product_and_form"),
        ({"product": "glycinate", "units": 1, "amount_mg": 100}, "product_and_form"),
        ({"form": "malate", "amount_mg": 100, "units": 1}, "product_and_form"),
        ({"form": "malate"}, "form_or_product"),
        ({"amount_mg": 100}, "form_or_product"),
        ({}, "form_or_product"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, "log_dose", **data)
        assert err.value.translation_key == key, data
    assert await _stored(hass, entry) == stored
    # two products of one form: the form alone is ambiguous
    entry2 = await setup_with_products_second(hass)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "log_dose", config_entry_id=entry2.entry_id, product="glycinate", units=1)
    assert err.value.translation_key == "product_ambiguous"


async def setup_with_products_second(hass: HomeAssistant) -> MockConfigEntry:
    """A second person with two glycinate products."""
    entry = make_entry(
        title="Sam",
        subentries_data=[
            product_subentry({**GLYCINATE, "name": "Pure glycinate"}, "a"),
            product_subentry({**GLYCINATE, "name": "Cheap glycinate"}, "b"),
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_refill_undo_and_run_out(
    hass: HomeAssistant, at_day: None, freezer: FrozenDateTimeFactory
) -> None:
    """Refills add units and can be undone; the run-out date follows the last 14 days."""
    phone = async_mock_service(hass, "notify", PHONE)

    def notices() -> list[Any]:
        return [call for call in phone if call.data.get("title", "").startswith("Magnesium stock")]

    await setup_with_products(hass, (GLYCINATE, "glyc"), options={"notify_services": [PHONE]})
    # two capsules a day for three days: 14 left at 2 a day lasts 7 days
    for day in range(3):
        freezer.move_to(DAY + timedelta(days=day))
        async_fire_time_changed(hass)
        await call(hass, "log_dose", product="glycinate", units=2)
    await hass.async_block_till_done()
    assert state(hass, STOCK) == "14"
    assert state(hass, RUN_OUT) == "2026-06-19"
    assert state(hass, LOW) == "off"
    assert not notices()
    # one more: 13 left at 7 in 3 days lasts 5.6 days: low, and one notice
    await call(hass, "log_dose", product="glycinate", units=1)
    await hass.async_block_till_done()
    assert state(hass, LOW) == "on"
    assert hass.states.get(LOW).attributes["days_left"] == 5.6
    assert len(notices()) == 1
    assert notices()[0].data["message"] == (
        "Doctor's Best glycinate: 13 capsules left, enough for about 5.6 days (until "
        "2026-06-17). Time to buy more."
    )
    await call(hass, "log_dose", product="glycinate", units=1)
    assert notices()[0].data["title"] == "Magnesium stock of Alex"
    # still low after another dose: no second notice
    await call(hass, "log_dose", product="glycinate", units=1)
    await hass.async_block_till_done()
    assert len(notices()) == 1
    # a refill lifts it; undoing the refill makes it low again: a new crossing, a new notice
    response = await call(hass, "refill", product="glycinate", units=120)
    assert response["stock"] == 131
    assert response["kind"] == "refill"
    await hass.async_block_till_done()
    assert state(hass, LOW) == "off"
    assert state(hass, STOCK) == "131"
    removed = await call(hass, "undo")
    assert removed["removed"]["kind"] == "refill"
    await hass.async_block_till_done()
    assert state(hass, STOCK) == "11"
    assert len(notices()) == 2
    # refills are checked like doses
    for units, key in ((0, "units_invalid"), (2.5, "units_not_whole"), (20000, "units_invalid")):
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, "refill", product="glycinate", units=units)
        assert err.value.translation_key == key
    # a refill is not an intake and not a side effect
    assert state(hass, "sensor.alex_side_effects_7_days") == "0"
    # the notice is not sent again after a restart while it stays low
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(notices()) == 2
    assert state(hass, STOCK) == "11"
    # two weeks without use: no run-out date, not low any more
    freezer.move_to(DAY + timedelta(days=17))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert state(hass, RUN_OUT) == "unknown"
    assert state(hass, LOW) == "off"


async def test_reminder_slot_takes_a_product(
    hass: HomeAssistant, time_zone: str, freezer: FrozenDateTimeFactory
) -> None:
    """A slot that names a product suggests its units, and Taken logs them."""
    freezer.move_to(DAY.replace(hour=7))
    phone = async_mock_service(hass, "notify", PHONE)
    entry = await setup_with_products(
        hass, (GLYCINATE, "glyc"), options={"notify_services": [PHONE]}
    )
    select = "select.alex_morning_dose_product"
    assert state(hass, select) == "none"
    assert hass.states.get(select).attributes["options"] == ["none", "Doctor's Best glycinate"]
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": select, "option": "Doctor's Best glycinate"},
        blocking=True,
    )
    assert state(hass, select) == "Doctor's Best glycinate"
    # 08:00: half the target (150 mg) is one whole 100 mg capsule
    freezer.move_to(DAY.replace(hour=8))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    due = hass.states.get("binary_sensor.alex_morning_dose_due")
    assert due.state == "on"
    assert due.attributes["product"] == "Doctor's Best glycinate"
    assert due.attributes["units"] == 1
    (sent,) = [item for item in phone if item.data.get("title") == "Morning magnesium"]
    assert sent.data["message"] == (
        "Morning magnesium: 1 capsule of Doctor's Best glycinate (100 mg). 350 mg left today."
    )
    taken = next(
        action["action"] for action in sent.data["data"]["actions"] if "TAKEN" in action["action"]
    )
    hass.bus.async_fire("mobile_app_notification_action", {"action": taken})
    await hass.async_block_till_done()
    records = (await call(hass, "get_log"))["records"]
    assert [(r["product"], r["units"], r["elemental_mg"], r["source"]) for r in records] == [
        ("Doctor's Best glycinate", 1, 100, "notification")
    ]
    assert state(hass, STOCK) == "19"
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "off"
    # the choice is kept with the reminder settings across a reload
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, select) == "Doctor's Best glycinate"
    await hass.services.async_call(
        "select", "select_option", {"entity_id": select, "option": "none"}, blocking=True
    )
    assert state(hass, select) == "none"


async def test_used_up_notice_to_notify_entities(
    hass: HomeAssistant, at_day: None, caplog: pytest.LogCaptureFixture
) -> None:
    """A used-up product tells the notify entities; a failing phone is logged, not raised."""
    entities = async_mock_service(hass, "notify", "send_message")
    damaged = ConfigSubentryData(
        data={"name": "Broken"},
        subentry_id="broken",
        subentry_type=SUBENTRY_PRODUCT,
        title="Broken",
        unique_id=None,
    )
    entry = make_entry(
        extra_options={"notify_entities": ["notify.kitchen"], "notify_services": ["gone"]},
        subentries_data=[product_subentry({**GLYCINATE, "stock": 2}, "glyc"), damaged],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # the damaged product is left out; the other one works
    assert list(entry.runtime_data.tracker.products) == ["glyc"]
    await call(hass, "log_dose", product="glycinate", units=2)
    await hass.async_block_till_done()
    assert state(hass, STOCK) == "0"
    assert state(hass, RUN_OUT) == "2026-06-10"
    assert state(hass, LOW) == "on"
    (notice,) = [item for item in entities if item.data["title"] == "Magnesium stock of Alex"]
    assert notice.data["entity_id"] == ["notify.kitchen"]
    assert notice.data["message"] == (
        "Doctor's Best glycinate is used up. Log a refill when you have bought more."
    )
    assert "Could not send a magnesium notice with notify.gone" in caplog.text
    # editing the product while the entry is not loaded: the form shows what is left (from
    # the log's index), an unchanged count keeps the stored one
    await hass.config_entries.async_unload(entry.entry_id)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRODUCT),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": "glyc"},
    )
    defaults = {key.schema: key.default() for key in result["data_schema"].schema}
    assert defaults["stock"] == 0
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**GLYCINATE, "stock": 0, "name": "Glycinate caps"}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries["glyc"].title == "Glycinate caps"
    assert entry.subentries["glyc"].data["stock"] == 2
    # a new count entered meanwhile is what is left once the entry is back
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRODUCT),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": "glyc"},
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**GLYCINATE, "stock": 50, "name": "Glycinate caps"}
    )
    assert result["reason"] == "reconfigure_successful"
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, STOCK) == "50"  # the entity keeps its id when the product is renamed


async def test_button_takes_the_slots_product(
    hass: HomeAssistant, time_zone: str, freezer: FrozenDateTimeFactory
) -> None:
    """The dashboard's dose button logs the whole units of the slot's product, like Taken."""
    freezer.move_to(DAY.replace(hour=20))
    await setup_with_products(hass, (GLYCINATE, "glyc"))
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.alex_evening_dose_product", "option": "Doctor's Best glycinate"},
        blocking=True,
    )
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alex_log_evening_dose"}, blocking=True
    )
    records = (await call(hass, "get_log"))["records"]
    assert [(r["product"], r["units"], r["elemental_mg"], r["source"]) for r in records] == [
        ("Doctor's Best glycinate", 1, 100, "button")
    ]
    assert state(hass, STOCK) == "19"


async def test_the_calendar_names_the_slots_product(hass: HomeAssistant, at_day: None) -> None:
    """A planned dose taken from a product is on the calendar in its units."""
    await setup_with_products(hass, (GLYCINATE, "glyc"))
    calendar = "calendar.alex_magnesium"
    assert (
        hass.states.get(calendar).attributes["message"]
        == "Planned: Evening magnesium, 150 mg glycinate"
    )
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.alex_evening_dose_product", "option": "Doctor's Best glycinate"},
        blocking=True,
    )
    # 150 mg planned: one whole 100 mg capsule
    assert hass.states.get(calendar).attributes["message"] == (
        "Planned: Evening magnesium, 1 capsule of Doctor's Best glycinate (100 mg)"
    )


async def test_a_product_added_without_stock_is_not_low(hass: HomeAssistant, at_day: None) -> None:
    """The Add product form has no stock filled in; left empty, nothing is counted or low."""
    entry = await setup_with_products(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRODUCT), context={"source": SOURCE_USER}
    )
    fields = {field["name"]: field for field in serialized_schema(result)}
    assert "default" not in fields["stock"]
    assert not fields["stock"].get("required")
    typed = {key: value for key, value in GLYCINATE.items() if key != "stock"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], submitted(result, typed)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    (subentry_id,) = entry.subentries
    assert entry.subentries[subentry_id].data["stock"] is None
    assert state(hass, STOCK) == "unknown"
    assert state(hass, RUN_OUT) == "unknown"
    assert state(hass, LOW) == "off"
    assert not hass.states.async_entity_ids("persistent_notification")
    # logged by the unit all the same; still not low
    response = await call(hass, "log_dose", product="glycinate", units=2)
    assert response["stock"] is None
    assert response["elemental_mg"] == 200
    assert state(hass, LOW) == "off"
    # counted later in the edit form: from then on it goes down with each dose
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRODUCT),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    assert "default" not in {field["name"]: field for field in serialized_schema(result)}["stock"]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], submitted(result, {"stock": 30})
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    await call(hass, "log_dose", product="glycinate", units=1)
    assert state(hass, STOCK) == "29"


async def test_low_stock_without_a_notify_target_is_a_notification(
    hass: HomeAssistant, at_day: None
) -> None:
    """Nobody to send it to: a persistent notification, once, gone with the refill."""
    entry = await setup_with_products(hass, ({**GLYCINATE, "stock": 2}, "glyc"))
    key = f"magnesium_{entry.entry_id}_stock_glyc"
    shown = persistent_notification._async_get_or_create_notifications(hass)
    assert key not in shown
    await call(hass, "log_dose", product="glycinate", units=2)
    await hass.async_block_till_done()
    assert state(hass, LOW) == "on"
    assert shown[key]["title"] == "Magnesium stock of Alex"
    assert shown[key]["message"] == (
        "Doctor's Best glycinate is used up. Log a refill when you have bought more."
    )
    # dismissed by the person, it does not come back while the product stays low
    persistent_notification.async_dismiss(hass, key)
    await call(hass, "log_dose", product="glycinate", units=1)
    await hass.async_block_till_done()
    assert key not in shown
    # a refill ends it; running low again brings it back
    await call(hass, "log_dose", product="glycinate", units=1)
    persistent_notification.async_create(hass, "stale", "stale", key)
    await call(hass, "refill", product="glycinate", units=100)
    await hass.async_block_till_done()
    assert key not in shown
