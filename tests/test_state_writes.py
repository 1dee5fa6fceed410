"""A dose writes the state of the entities whose shown value changed, and no other."""

from __future__ import annotations

from datetime import datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.magnesium.const import CONF_DAILY_TARGET

from .conftest import TIME_ZONE, call, setup_entry

SETTINGS = [
    "time.alex_morning_dose_time",
    "time.alex_evening_dose_time",
    "time.alex_epsom_bath_time",
    "switch.alex_morning_dose_reminder",
    "switch.alex_evening_dose_reminder",
    "switch.alex_epsom_bath_reminder",
    "number.alex_morning_dose_amount",
    "number.alex_evening_dose_amount",
    "select.alex_morning_dose_form",
    "select.alex_evening_dose_form",
]
CHANGED_BY_A_DOSE = [
    "sensor.alex_oral_magnesium_today",
    "sensor.alex_remaining_today",
    "sensor.alex_daily_limit_used",
    "sensor.alex_doses_today",
    "sensor.alex_last_dose",
    "sensor.alex_7_day_average",
]


def reported(hass: HomeAssistant) -> dict[str, datetime]:
    return {state.entity_id: state.last_reported for state in hass.states.async_all()}


async def test_a_dose_writes_only_what_it_changed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(datetime(2026, 3, 4, 6, 0, tzinfo=dt_util.get_time_zone(TIME_ZONE)))
    entry = await setup_entry(hass)
    before = reported(hass)
    assert set(SETTINGS) | set(CHANGED_BY_A_DOSE) <= set(before)
    freezer.tick(timedelta(minutes=5))
    await call(hass, "log_dose", form="glycinate", amount_mg=150)
    await hass.async_block_till_done()
    after = reported(hass)
    written = {entity_id for entity_id, at in after.items() if at != before[entity_id]}
    assert set(CHANGED_BY_A_DOSE) <= written
    assert not written & set(SETTINGS)
    assert "sensor.alex_last_epsom_bath" not in written

    # the settings still show every change of theirs
    await hass.services.async_call(
        "time",
        "set_value",
        {"entity_id": "time.alex_morning_dose_time", "time": "07:15:00"},
        blocking=True,
    )
    assert hass.states.get("time.alex_morning_dose_time").state == "07:15:00"
    amount = hass.states.get("number.alex_morning_dose_amount")
    hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_DAILY_TARGET: 400})
    await hass.async_block_till_done()
    changed = hass.states.get("number.alex_morning_dose_amount")
    assert changed.state == "200.0" != amount.state  # half of the new daily target
