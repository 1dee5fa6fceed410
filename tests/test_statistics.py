"""Long-term statistics of the day's oral total, compiled by the recorder across midnight.

The sensor resets at local midnight (state class ``total`` with ``last_reset``): the hourly
``state`` is the day's total at the end of the hour and ``sum`` grows by what was taken, through
the reset. A removed dose lowers both (a ``total_increasing`` sensor would count it again).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    get_metadata,
    statistics_during_period,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from .conftest import TIME_ZONE, call, sensor_state, setup_entry

BERLIN = ZoneInfo(TIME_ZONE)
EVENING = datetime(2026, 3, 28, 22, 0, tzinfo=BERLIN)  # the night before clocks go forward
ORAL = "sensor.alex_oral_magnesium_today"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """As conftest's, with the recorder set up before Home Assistant (its fixture needs that)."""


@pytest.fixture(autouse=True)
def private_config_dir(recorder_mock: Recorder, hass: HomeAssistant, tmp_path: Path) -> None:
    """As conftest's, after the recorder."""
    hass.config.config_dir = str(tmp_path)


async def move(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def compile_until(hass: HomeAssistant, first: datetime, end: datetime) -> None:
    """Compile every 5-minute period from ``first`` to ``end``, as the recorder does."""
    await async_wait_recording_done(hass)
    start = first
    while start < end:
        do_adhoc_statistics(hass, start=dt_util.as_utc(start))
        await async_wait_recording_done(hass)
        start += timedelta(minutes=5)


def hourly(hass: HomeAssistant, start: datetime) -> list[dict[str, Any]]:
    stats = statistics_during_period(
        hass,
        dt_util.as_utc(start),
        None,
        {ORAL},
        "hour",
        None,
        {"state", "sum", "last_reset"},
    )
    return list(stats.get(ORAL, []))


async def test_daily_total_statistics_over_midnight(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    time_zone: str,
) -> None:
    freezer.move_to(EVENING)
    await setup_entry(hass)
    await async_wait_recording_done(hass)

    state = hass.states.get(ORAL)
    assert state is not None
    assert state.attributes["state_class"] == "total"
    assert state.attributes["last_reset"] == "2026-03-27T23:00:00+00:00"

    # 22:00-23:00: 100 mg, then 50 more
    await move(hass, freezer, EVENING + timedelta(minutes=10))
    await call(hass, "log_dose", form="glycinate", amount_mg=100)
    await move(hass, freezer, EVENING + timedelta(minutes=40))
    await call(hass, "log_dose", form="glycinate", amount_mg=50)

    # 23:00-24:00: a 40 mg dose logged by mistake and removed again
    await move(hass, freezer, EVENING + timedelta(hours=1, minutes=20))
    await call(hass, "log_dose", form="malate", amount_mg=40)
    await move(hass, freezer, EVENING + timedelta(hours=1, minutes=30))
    await call(hass, "undo")

    # midnight: the day's total starts again; 00:00-01:00: 120 mg
    midnight = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN)
    await move(hass, freezer, midnight + timedelta(seconds=1))
    assert sensor_state(hass, "oral_magnesium_today") == "0.0"
    state = hass.states.get(ORAL)
    assert state is not None
    assert state.attributes["last_reset"] == "2026-03-28T23:00:00+00:00"
    await move(hass, freezer, midnight + timedelta(minutes=30))
    await call(hass, "log_dose", form="malate", amount_mg=120)
    await move(hass, freezer, midnight + timedelta(hours=1, minutes=1))
    await compile_until(hass, EVENING, midnight + timedelta(hours=1))

    rows = await hass.async_add_executor_job(hourly, hass, EVENING)
    got = [
        (
            dt_util.utc_from_timestamp(row["start"]).astimezone(BERLIN).hour,
            row["state"],
            row["sum"],
        )
        for row in rows
    ]
    assert got == [(22, 150.0, 150.0), (23, 150.0, 150.0), (0, 120.0, 270.0)]
    assert dt_util.utc_from_timestamp(rows[-1]["last_reset"]) == dt_util.as_utc(midnight)

    metadata = await hass.async_add_executor_job(get_metadata, hass)
    meta = metadata[ORAL][1]
    assert meta["has_sum"] is True
    assert meta["unit_of_measurement"] == "mg"


async def test_a_back_dated_dose_moves_the_statistics_of_its_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    time_zone: str,
) -> None:
    """A dose logged today for yesterday is in yesterday's change; today's stays as it was."""
    freezer.move_to(EVENING)
    await setup_entry(hass)
    await async_wait_recording_done(hass)
    await move(hass, freezer, EVENING + timedelta(minutes=10))
    await call(hass, "log_dose", form="glycinate", amount_mg=100)
    midnight = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN)
    await move(hass, freezer, midnight + timedelta(minutes=30))
    await call(hass, "log_dose", form="malate", amount_mg=120)
    await move(hass, freezer, midnight + timedelta(hours=1, minutes=1))
    await compile_until(hass, EVENING, midnight + timedelta(hours=1))
    before = await hass.async_add_executor_job(hourly, hass, EVENING)
    assert [row["sum"] for row in before] == [100.0, 100.0, 220.0]

    # yesterday at 23:20: forgotten, logged now; and one removed from yesterday evening
    forgotten = await call(
        hass,
        "log_dose",
        form="glycinate",
        amount_mg=50,
        taken_at=(EVENING + timedelta(hours=1, minutes=20)).isoformat(),
    )
    assert sensor_state(hass, "oral_magnesium_today") == "120.0"  # today's total is today's
    await async_wait_recording_done(hass)
    rows = await hass.async_add_executor_job(hourly, hass, EVENING)
    # the sum from 23:00 on includes it: yesterday's change is 150, today's still 120
    assert [row["sum"] for row in rows] == [100.0, 150.0, 270.0]
    short = await hass.async_add_executor_job(
        lambda: statistics_during_period(
            hass, dt_util.as_utc(midnight), None, {ORAL}, "5minute", None, {"sum"}
        )[ORAL]
    )
    assert short[-1]["sum"] == 270.0  # the next hour is compiled on from this one

    # removing it again takes it out of yesterday's change
    await call(hass, "delete_record", record_id=forgotten["record_id"])
    await async_wait_recording_done(hass)
    rows = await hass.async_add_executor_job(hourly, hass, EVENING)
    assert [row["sum"] for row in rows] == [100.0, 100.0, 220.0]
    # the next hours are compiled on from the corrected sum
    await call(hass, "log_dose", form="malate", amount_mg=10)
    await move(hass, freezer, midnight + timedelta(hours=2, minutes=1))
    await compile_until(hass, midnight + timedelta(hours=1), midnight + timedelta(hours=2))
    rows = await hass.async_add_executor_job(hourly, hass, EVENING)
    assert [row["sum"] for row in rows] == [100.0, 100.0, 220.0, 230.0]


async def test_recounted_citrate_moves_the_statistics_of_its_day(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    time_zone: str,
) -> None:
    """A citrate dose of yesterday, counted with 11.3 % by an earlier release, is recounted
    with 16.2 % at the first start after the update: yesterday's change in the statistics
    follows; today's stays as it was."""
    freezer.move_to(EVENING)
    entry = await setup_entry(hass)
    await async_wait_recording_done(hass)
    # the earlier release logged 1000 mg citrate by weight at 22:10, counted with 11.3 %
    await move(hass, freezer, EVENING + timedelta(minutes=10))
    assert await hass.config_entries.async_unload(entry.entry_id)
    month = f"magnesium.{entry.entry_id}.2026-03"
    hass_storage[month] = {
        "version": 3,
        "minor_version": 1,
        "key": month,
        "data": {
            "records": [
                {
                    "id": "01KTQYDM405GDENXYQ3M2BRC01",
                    "taken_at": dt_util.as_utc(EVENING + timedelta(minutes=10)).isoformat(),
                    "kind": "oral",
                    "form": "citrate",
                    "source": "action",
                    "elemental_mg": 113.0,
                    "compound_mg": 1000.0,
                }
            ],
            "generation": 9,
        },
    }
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert sensor_state(hass, "oral_magnesium_today") == "113.0"
    midnight = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN)
    await move(hass, freezer, midnight + timedelta(minutes=30))
    await call(hass, "log_dose", form="malate", amount_mg=120)
    await move(hass, freezer, midnight + timedelta(hours=1, minutes=1))
    await compile_until(hass, EVENING, midnight + timedelta(hours=1))
    rows = await hass.async_add_executor_job(hourly, hass, EVENING)
    assert [row["sum"] for row in rows] == [113.0, 113.0, 233.0]

    # the update: an index without the mark, as the earlier release wrote it
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass_storage[f"magnesium.{entry.entry_id}"]["data"].pop("recounted")
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    assert sensor_state(hass, "oral_magnesium_today") == "120.0"
    rows = await hass.async_add_executor_job(hourly, hass, EVENING)
    assert [row["sum"] for row in rows] == [162.0, 162.0, 282.0]
