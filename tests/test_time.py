"""Time at integration level: daylight saving days in three zones, a time zone changed while
running, a clock that steps back, and doses back-dated to an earlier day.

(The pure day arithmetic is tested in test_ledger.py and test_schedule.py; Berlin's two change
days, and a time zone change announced by hand, in test_init.py.)
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import ATTR_LAST_RESET, ATTR_STATE_CLASS, SensorStateClass
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from .conftest import call, sensor_state, setup_entry

# zone, the day clocks go forward, the day they go back, the wall hour that repeats that day
ZONES = [
    ("America/New_York", date(2026, 3, 8), date(2026, 11, 1), 1),
    ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25), 2),
    ("Australia/Sydney", date(2026, 10, 4), date(2026, 4, 5), 2),
]
DST_DAYS = [
    pytest.param(zone, day, hours, id=f"{zone}-{kind}")
    for zone, forward, back, _ in ZONES
    for day, hours, kind in ((forward, 23, "spring-forward"), (back, 25, "fall-back"))
]


async def _log(hass: HomeAssistant, amount: float, **extra: Any) -> dict[str, Any]:
    return await call(hass, "log_dose", form="glycinate", amount_mg=amount, **extra)


async def _at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def _last_reset(hass: HomeAssistant) -> datetime | None:
    state = hass.states.get("sensor.alex_oral_magnesium_today")
    assert state is not None
    return dt_util.parse_datetime(state.attributes[ATTR_LAST_RESET])


async def _days(hass: HomeAssistant) -> dict[str, tuple[float, int]]:
    log = await call(hass, "get_log")
    return {day["date"]: (day["oral_mg"], day["oral_doses"]) for day in log["days"]}


@pytest.mark.parametrize(("zone", "day", "hours"), DST_DAYS)
async def test_daylight_saving_days_in_three_zones(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, zone: str, day: date, hours: int
) -> None:
    await hass.config.async_set_time_zone(zone)
    tz = dt_util.get_time_zone(zone)
    start = datetime.combine(day, time(), tz)
    end = datetime.combine(day + timedelta(days=1), time(), tz)
    assert (end.astimezone(dt_util.UTC) - start.astimezone(dt_util.UTC)) == timedelta(hours=hours)

    await _at(hass, freezer, start + timedelta(minutes=5))
    await setup_entry(hass)
    assert _last_reset(hass) == start
    await _log(hass, 100)
    # every real hour of the day, up to its last minutes, is still the same day
    for hour in range(1, hours):
        await _at(hass, freezer, (start.astimezone(dt_util.UTC) + timedelta(hours=hour)))
        assert sensor_state(hass, "oral_magnesium_today") == "100.0"
        assert _last_reset(hass) == start
    await _at(hass, freezer, end.astimezone(dt_util.UTC) - timedelta(minutes=2))
    assert dt_util.now().date() == day
    await _log(hass, 50)
    assert sensor_state(hass, "oral_magnesium_today") == "150.0"
    assert sensor_state(hass, "doses_today") == "2"
    assert sensor_state(hass, "remaining_today") == "200.0"

    # midnight comes after exactly `hours` hours, and resets
    await _at(hass, freezer, end.astimezone(dt_util.UTC) + timedelta(seconds=1))
    assert sensor_state(hass, "oral_magnesium_today") == "0.0"
    assert sensor_state(hass, "doses_today") == "0"
    assert _last_reset(hass) == end
    assert await _days(hass) == {day.isoformat(): (150.0, 2)}
    # and the day after is an ordinary one: the timer was set again from the new day
    after = datetime.combine(day + timedelta(days=2), time(), tz)
    await _at(hass, freezer, after.astimezone(dt_util.UTC) + timedelta(seconds=1))
    assert _last_reset(hass) == after


@pytest.mark.parametrize(
    ("zone", "day", "hour"),
    [pytest.param(zone, back, hour, id=zone) for zone, _, back, hour in ZONES],
)
async def test_the_repeated_hour_counts_each_dose_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, zone: str, day: date, hour: int
) -> None:
    await hass.config.async_set_time_zone(zone)
    tz = dt_util.get_time_zone(zone)
    first = datetime.combine(day, time(hour, 30), tz)  # fold=0: the first time 01:30/02:30 comes
    second = first.replace(fold=1)
    assert second.astimezone(dt_util.UTC) - first.astimezone(dt_util.UTC) == timedelta(hours=1)

    await _at(hass, freezer, first.astimezone(dt_util.UTC))
    await setup_entry(hass)
    first_dose = await _log(hass, 100)
    await _at(hass, freezer, second.astimezone(dt_util.UTC))
    # the wall clock shows the same time again: the dose is still counted once
    assert sensor_state(hass, "oral_magnesium_today") == "100.0"
    assert sensor_state(hass, "doses_today") == "1"
    second_dose = await _log(hass, 40)
    # a dose given with the repeated wall time and its offset lands at the right moment
    third_dose = await _log(hass, 10, taken_at=second.isoformat())
    stored = dt_util.parse_datetime(third_dose["taken_at"])
    assert stored is not None
    assert stored == second.astimezone(dt_util.UTC)
    assert sensor_state(hass, "oral_magnesium_today") == "150.0"
    assert sensor_state(hass, "doses_today") == "3"
    log = await call(hass, "get_log")
    assert log["records"][0]["id"] == first_dose["record_id"]
    assert {record["id"] for record in log["records"]} == {
        first_dose["record_id"],
        second_dose["record_id"],
        third_dose["record_id"],
    }
    assert await _days(hass) == {day.isoformat(): (150.0, 3)}
    # after a restart the same
    entry = hass.config_entries.async_entries("magnesium")[0]
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert sensor_state(hass, "oral_magnesium_today") == "150.0"
    assert sensor_state(hass, "doses_today") == "3"


async def test_time_zone_changed_in_settings_while_running(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The change comes through Home Assistant's own settings, as from the UI."""
    await hass.config.async_update(time_zone="Europe/Berlin")
    berlin = dt_util.get_time_zone("Europe/Berlin")
    tokyo = dt_util.get_time_zone("Asia/Tokyo")
    await _at(hass, freezer, datetime(2026, 11, 25, 10, 0, tzinfo=berlin))
    await setup_entry(hass)
    await _log(hass, 100)  # 10:00 Berlin = 04:00 New York = 18:00 Tokyo, all on the 25th
    await _at(hass, freezer, datetime(2026, 11, 25, 23, 30, tzinfo=berlin))
    await _log(hass, 50)  # 23:30 Berlin = 17:30 New York (25th) = 07:30 Tokyo (26th)
    await _at(hass, freezer, datetime(2026, 11, 25, 23, 45, tzinfo=berlin))
    assert sensor_state(hass, "oral_magnesium_today") == "150.0"

    await hass.config.async_update(time_zone="America/New_York")
    await hass.async_block_till_done()
    assert sensor_state(hass, "oral_magnesium_today") == "150.0"
    assert await _days(hass) == {"2026-11-25": (150.0, 2)}

    await hass.config.async_update(time_zone="Asia/Tokyo")
    await hass.async_block_till_done()
    # 07:45 on the 26th in Tokyo: only the second dose is today's
    assert sensor_state(hass, "oral_magnesium_today") == "50.0"
    assert sensor_state(hass, "doses_today") == "1"
    assert _last_reset(hass) == datetime(2026, 11, 26, tzinfo=tokyo)
    assert await _days(hass) == {"2026-11-25": (100.0, 1), "2026-11-26": (50.0, 1)}
    # the next midnight is Tokyo's
    await _at(hass, freezer, datetime(2026, 11, 27, 0, 0, 1, tzinfo=tokyo))
    assert sensor_state(hass, "oral_magnesium_today") == "0.0"
    assert _last_reset(hass) == datetime(2026, 11, 27, tzinfo=tokyo)
    assert sensor_state(hass, "7_day_average") == str(round(150 / 7, 3))


@pytest.mark.usefixtures("time_zone")
async def test_clock_stepping_back_an_hour(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    berlin = dt_util.get_time_zone("Europe/Berlin")
    await _at(hass, freezer, datetime(2026, 11, 25, 10, 0, tzinfo=berlin))
    await setup_entry(hass)
    later = await _log(hass, 100)
    # the clock is corrected an hour back
    await _at(hass, freezer, datetime(2026, 11, 25, 9, 0, tzinfo=berlin))
    assert sensor_state(hass, "oral_magnesium_today") == "100.0"
    # a dose now has an earlier wall time than the one before, and still counts
    earlier = await _log(hass, 40)
    assert earlier["taken_at"] < later["taken_at"]
    assert sensor_state(hass, "oral_magnesium_today") == "140.0"
    assert sensor_state(hass, "doses_today") == "2"
    # the last dose is the newest by time
    assert dt_util.parse_datetime(sensor_state(hass, "last_dose")) == dt_util.parse_datetime(
        later["taken_at"]
    )
    log = await call(hass, "get_log")
    assert [record["id"] for record in log["records"]] == [
        earlier["record_id"],
        later["record_id"],
    ]
    # undo takes back what was logged last, not what is newest by time
    undone = await call(hass, "undo")
    assert undone["removed"]["record_id"] == earlier["record_id"]
    assert sensor_state(hass, "oral_magnesium_today") == "100.0"


@pytest.mark.usefixtures("time_zone")
async def test_clock_stepping_back_over_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Logged at 00:30, the clock goes back to 23:45 the day before: both days stay right."""
    berlin = dt_util.get_time_zone("Europe/Berlin")
    await _at(hass, freezer, datetime(2026, 11, 25, 0, 30, tzinfo=berlin))
    await setup_entry(hass)
    await _log(hass, 100)
    await _at(hass, freezer, datetime(2026, 11, 24, 23, 45, tzinfo=berlin))
    await _log(hass, 40)
    assert sensor_state(hass, "oral_magnesium_today") == "40.0"
    assert _last_reset(hass) == datetime(2026, 11, 24, tzinfo=berlin)
    # midnight comes (again): the 25th shows its dose
    await _at(hass, freezer, datetime(2026, 11, 25, 0, 0, 1, tzinfo=berlin))
    assert sensor_state(hass, "oral_magnesium_today") == "100.0"
    assert _last_reset(hass) == datetime(2026, 11, 25, tzinfo=berlin)
    assert await _days(hass) == {"2026-11-24": (40.0, 1), "2026-11-25": (100.0, 1)}


@pytest.mark.usefixtures("time_zone")
async def test_back_dated_dose_updates_its_day_and_the_average(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    berlin = dt_util.get_time_zone("Europe/Berlin")
    await _at(hass, freezer, datetime(2026, 11, 25, 20, 0, tzinfo=berlin))
    await setup_entry(hass)
    today = await _log(hass, 70)
    assert sensor_state(hass, "7_day_average") == "10.0"
    state = hass.states.get("sensor.alex_oral_magnesium_today")
    assert state is not None
    assert state.attributes[ATTR_STATE_CLASS] == SensorStateClass.TOTAL
    reset_before = state.attributes[ATTR_LAST_RESET]

    # three days ago, and across a month boundary into the month before (loaded on demand)
    await _log(hass, 140, taken_at="2026-11-22T08:00:00+01:00")
    await _log(hass, 35, taken_at="2026-10-31T21:00:00+01:00")
    assert await _days(hass) == {
        "2026-10-31": (35.0, 1),
        "2026-11-22": (140.0, 1),
        "2026-11-25": (70.0, 1),
    }
    assert sensor_state(hass, "7_day_average") == "30.0"  # (70 + 140) / 7
    # today's total (a statistics total with a daily reset) is untouched by the past
    state = hass.states.get("sensor.alex_oral_magnesium_today")
    assert state is not None
    assert state.state == "70.0"
    assert state.attributes[ATTR_LAST_RESET] == reset_before
    assert dt_util.parse_datetime(sensor_state(hass, "last_dose")) == dt_util.parse_datetime(
        today["taken_at"]
    )
    # a dose earlier today does count today
    await _log(hass, 5, taken_at="2026-11-25T07:00:00+01:00")
    assert sensor_state(hass, "oral_magnesium_today") == "75.0"
    # and all of it survives a restart
    entry = hass.config_entries.async_entries("magnesium")[0]
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert sensor_state(hass, "7_day_average") == str(round(215 / 7, 3))
    assert (await _days(hass))["2026-10-31"] == (35.0, 1)
