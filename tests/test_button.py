"""Buttons: one press logs the planned dose or an Epsom bath, a double tap logs nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.magnesium.const import CONF_RAMP, CONF_RAMP_FIRST_DAY, DOMAIN

from .conftest import TIME_ZONE, call, sensor_state, setup_entry

BERLIN = ZoneInfo(TIME_ZONE)
DAY = datetime(2026, 6, 10, tzinfo=BERLIN)
MORNING = "button.alex_log_morning_dose"
EVENING = "button.alex_log_evening_dose"
BATH = "button.alex_log_epsom_bath"


async def press(hass: HomeAssistant, entity_id: str) -> None:
    await hass.services.async_call("button", "press", {"entity_id": entity_id}, blocking=True)
    await hass.async_block_till_done()


async def log(hass: HomeAssistant) -> list[dict[str, Any]]:
    return list((await call(hass, "get_log"))["records"])


@pytest.fixture
async def morning(hass: HomeAssistant, freezer: FrozenDateTimeFactory, time_zone: str) -> None:
    """09:00 Berlin time on a Wednesday."""
    freezer.move_to(DAY + timedelta(hours=9))
    async_fire_time_changed(hass)
    assert await async_setup_component(hass, "button", {})


async def test_buttons_have_names_icons_and_ids(hass: HomeAssistant, morning: None) -> None:
    entry = await setup_entry(hass)
    registry = er.async_get(hass)
    for entity_id, key in (
        (MORNING, "log_morning_dose"),
        (EVENING, "log_evening_dose"),
        (BATH, "log_epsom_bath"),
    ):
        item = registry.async_get(entity_id)
        assert item is not None, entity_id
        assert item.unique_id == f"{entry.entry_id}_{key}"
        assert item.translation_key == key
        assert item.platform == DOMAIN
    state = hass.states.get(MORNING)
    assert state is not None
    assert state.attributes["friendly_name"] == "Alex Log morning dose"


async def test_morning_press_logs_the_planned_dose_once(hass: HomeAssistant, morning: None) -> None:
    await setup_entry(hass)
    assert hass.states.get("binary_sensor.alex_morning_dose_due").state == "on"
    await press(hass, MORNING)
    records = await log(hass)
    assert len(records) == 1
    assert records[0]["kind"] == "oral"
    assert records[0]["form"] == "malate"
    assert records[0]["elemental_mg"] == 150
    assert records[0]["source"] == "button"
    assert sensor_state(hass, "oral_magnesium_today") == "150.0"
    assert hass.states.get("binary_sensor.alex_morning_dose_due").state == "off"
    assert hass.states.get(MORNING).state == "2026-06-10T07:00:00+00:00"

    # a double tap: refused with the time of the first, nothing logged twice
    with pytest.raises(ServiceValidationError) as err:
        await press(hass, MORNING)
    assert err.value.translation_key == "dose_already_logged"
    assert err.value.translation_placeholders == {"amount": "150", "time": "09:00"}
    assert len(await log(hass)) == 1


async def test_evening_press_uses_the_evening_settings(hass: HomeAssistant, morning: None) -> None:
    await setup_entry(hass)
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.alex_evening_dose_amount", "value": 120},
        blocking=True,
    )
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.alex_evening_dose_form", "option": "taurate"},
        blocking=True,
    )
    # pressed before the evening time: logged now, with the evening slot's amount and form
    await press(hass, EVENING)
    [record] = await log(hass)
    assert (record["form"], record["elemental_mg"], record["source"]) == ("taurate", 120, "button")


async def test_press_is_capped_at_what_is_left(hass: HomeAssistant, morning: None) -> None:
    await setup_entry(hass)
    await call(hass, "log_dose", form="citrate", amount_mg=300, taken_at=DAY.isoformat())
    # 50 mg left: the evening button logs 50, as the reminder suggests
    await press(hass, EVENING)
    records = await log(hass)
    assert records[-1]["elemental_mg"] == 50
    assert sensor_state(hass, "remaining_today") == "0.0"


async def test_press_at_the_limit_logs_nothing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, time_zone: str
) -> None:
    assert await async_setup_component(hass, "button", {})
    freezer.move_to(DAY + timedelta(hours=20))
    await setup_entry(hass)
    # the whole limit taken in the morning window: the evening button has nothing to log
    await call(
        hass,
        "log_dose",
        form="citrate",
        amount_mg=350,
        taken_at=(DAY + timedelta(hours=8)).isoformat(),
    )
    with pytest.raises(ServiceValidationError) as err:
        await press(hass, EVENING)
    assert err.value.translation_key == "limit_reached_nothing_logged"
    assert err.value.translation_placeholders == {"limit": "350"}
    assert len(await log(hass)) == 1


async def test_press_follows_the_start_low_plan(hass: HomeAssistant, morning: None) -> None:
    await setup_entry(
        hass,
        extra_options={CONF_RAMP: True, CONF_RAMP_FIRST_DAY: DAY.date().isoformat()},
    )
    # day one of the plan: target 100, half of it in the morning
    await press(hass, MORNING)
    [record] = await log(hass)
    assert record["elemental_mg"] == 50
    assert record["form"] == "malate"


async def test_bath_press_logs_a_bath_once_a_day(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, morning: None
) -> None:
    await setup_entry(hass)
    await press(hass, BATH)
    [record] = await log(hass)
    assert (record["kind"], record["form"], record["source"]) == ("bath", "sulfate", "button")
    assert sensor_state(hass, "oral_magnesium_today") == "0.0"
    assert sensor_state(hass, "last_epsom_bath") != "unknown"
    with pytest.raises(ServiceValidationError) as err:
        await press(hass, BATH)
    assert err.value.translation_key == "bath_already_logged"
    assert err.value.translation_placeholders == {"time": "09:00"}
    # the next day, a new bath
    freezer.move_to(DAY + timedelta(days=1, hours=9))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await press(hass, BATH)
    assert len(await log(hass)) == 2
