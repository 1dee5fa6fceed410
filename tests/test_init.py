"""Set-up, restart, the day cycle, time zones, storage and removal."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
import json
from pathlib import Path
import tempfile
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.magnesium.const import DOMAIN, STORAGE_VERSION

from .conftest import TIME_ZONE, call, fresh_home_assistant, make_entry, sensor_state, setup_entry

BERLIN = dt_util.get_time_zone(TIME_ZONE)


async def log(hass: HomeAssistant, amount: float, **extra: Any) -> dict[str, Any]:
    return await call(hass, "log_dose", form="glycinate", amount_mg=amount, **extra)


value = sensor_state


@asynccontextmanager
async def restarted(
    entry: MockConfigEntry, time_zone: str = TIME_ZONE, config_dir: str | None = None
) -> AsyncIterator[HomeAssistant]:
    """A fresh Home Assistant on the same storage, with the same entry set up."""
    with tempfile.TemporaryDirectory() as scratch:
        async with fresh_home_assistant(entry, config_dir or scratch, time_zone) as (hass, _):
            yield hass


async def test_restart_keeps_records_and_states(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    first = await log(hass, 150)
    await log(hass, 100)
    await hass.services.async_call(DOMAIN, "log_bath", {"minutes": 15}, blocking=True)
    # the records are on disk before the action returned; the index follows (at the latest
    # when the entry unloads)
    month = first["taken_at"][:7]
    stored = hass_storage[f"magnesium.{entry.entry_id}.{month}"]["data"]["records"]
    assert len(stored) == 3
    await hass.config_entries.async_unload(entry.entry_id)
    assert hass_storage[f"magnesium.{entry.entry_id}"]["version"] == STORAGE_VERSION
    assert hass_storage[f"magnesium.{entry.entry_id}"]["data"]["months"] == {month: 3}

    async with restarted(entry) as fresh:
        assert value(fresh, "oral_magnesium_today") == "250.0"
        assert value(fresh, "doses_today") == "2"
        assert fresh.states.get("sensor.alex_last_epsom_bath").state != "unknown"
        response = await fresh.services.async_call(
            DOMAIN, "get_log", {}, blocking=True, return_response=True
        )
        assert response["records"][0]["id"] == first["record_id"]
        # undo still knows what was logged last before the restart
        await fresh.services.async_call(DOMAIN, "undo", {}, blocking=True)
        await fresh.async_block_till_done()
        assert fresh.states.get("sensor.alex_last_epsom_bath").state == "unknown"
        assert value(fresh, "oral_magnesium_today") == "250.0"


async def test_midnight_rollover(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, time_zone: str
) -> None:
    freezer.move_to(datetime(2026, 11, 24, 23, 50, tzinfo=BERLIN))
    await setup_entry(hass)
    await log(hass, 200)
    assert value(hass, "oral_magnesium_today") == "200.0"
    last_reset = hass.states.get("sensor.alex_oral_magnesium_today").attributes["last_reset"]
    assert dt_util.parse_datetime(last_reset) == datetime(2026, 11, 24, tzinfo=BERLIN)

    freezer.move_to(datetime(2026, 11, 25, 0, 0, 1, tzinfo=BERLIN))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert value(hass, "oral_magnesium_today") == "0.0"
    assert value(hass, "doses_today") == "0"
    assert value(hass, "remaining_today") == "350.0"
    assert value(hass, "7_day_average") == str(round(200 / 7, 3))
    assert dt_util.parse_datetime(value(hass, "last_dose")) == datetime(
        2026, 11, 24, 23, 50, tzinfo=BERLIN
    )
    last_reset = hass.states.get("sensor.alex_oral_magnesium_today").attributes["last_reset"]
    assert dt_util.parse_datetime(last_reset) == datetime(2026, 11, 25, tzinfo=BERLIN)

    # and again the next night: the timer re-arms itself
    freezer.move_to(datetime(2026, 11, 26, 0, 0, 1, tzinfo=BERLIN))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    last_reset = hass.states.get("sensor.alex_oral_magnesium_today").attributes["last_reset"]
    assert dt_util.parse_datetime(last_reset) == datetime(2026, 11, 26, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("day", "hours"),
    [(datetime(2026, 3, 29), 23), (datetime(2026, 10, 25), 25)],
    ids=["spring-forward", "fall-back"],
)
async def test_dst_days_are_whole_days(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    time_zone: str,
    day: datetime,
    hours: int,
) -> None:
    start = day.replace(tzinfo=BERLIN).astimezone(dt_util.UTC)  # real hours from here
    freezer.move_to(start + timedelta(minutes=5))
    await setup_entry(hass)
    await log(hass, 100)
    # the last minutes of the local day, (hours - 1) real hours later, still count on it
    freezer.move_to(start + timedelta(hours=hours - 1, minutes=55))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert dt_util.as_local(dt_util.utcnow()).date() == day.date()
    await log(hass, 50)
    assert value(hass, "oral_magnesium_today") == "150.0"
    # and the day ends after exactly `hours` hours
    freezer.move_to(start + timedelta(hours=hours, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert value(hass, "oral_magnesium_today") == "0.0"
    assert dt_util.as_local(dt_util.utcnow()).date() == (day + timedelta(days=1)).date()


async def test_time_zone_change_rebuilds_days(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, time_zone: str
) -> None:
    # 10:00 on the 25th in Berlin is 18:00 the same day in Tokyo
    freezer.move_to(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    await setup_entry(hass)
    await log(hass, 100)
    # 23:30 in Berlin is 07:30 on the 26th in Tokyo
    freezer.move_to(datetime(2026, 11, 25, 23, 30, tzinfo=BERLIN))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert value(hass, "oral_magnesium_today") == "100.0"
    await hass.config.async_set_time_zone("Asia/Tokyo")
    hass.bus.async_fire(EVENT_CORE_CONFIG_UPDATE, {"time_zone": "Asia/Tokyo"})
    await hass.async_block_till_done()
    assert value(hass, "oral_magnesium_today") == "0.0"
    last_reset = hass.states.get("sensor.alex_oral_magnesium_today").attributes["last_reset"]
    assert dt_util.parse_datetime(last_reset) == datetime(
        2026, 11, 26, tzinfo=dt_util.get_time_zone("Asia/Tokyo")
    )
    response = await hass.services.async_call(
        DOMAIN, "get_log", {}, blocking=True, return_response=True
    )
    assert [day["date"] for day in response["days"]] == ["2026-11-25"]


async def test_restart_in_another_time_zone(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    await log(hass, 100)
    await hass.config_entries.async_unload(entry.entry_id)
    async with restarted(entry, "Pacific/Kiritimati") as fresh:
        # 10:00 Berlin is 23:00 the same day in Kiritimati (UTC+14): it is still today there
        assert value(fresh, "oral_magnesium_today") == "100.0"
        response = await fresh.services.async_call(
            DOMAIN, "get_log", {}, blocking=True, return_response=True
        )
        assert [day["date"] for day in response["days"]] == ["2026-11-25"]


async def test_damaged_index_is_rebuilt_from_months(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    await log(hass, 150)
    await log(hass, 50)
    await hass.config_entries.async_unload(entry.entry_id)
    hass_storage[f"magnesium.{entry.entry_id}"]["data"]["days"] = "garbage"
    async with restarted(entry) as fresh:
        assert value(fresh, "oral_magnesium_today") == "200.0"
        assert value(fresh, "doses_today") == "2"


async def test_index_behind_the_month_is_repaired(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A crash between writing the month and the index loses nothing."""
    await log(hass, 150)
    await entry.runtime_data.tracker.async_flush()
    index = dict(hass_storage[f"magnesium.{entry.entry_id}"]["data"])
    await log(hass, 50)
    await hass.config_entries.async_unload(entry.entry_id)
    hass_storage[f"magnesium.{entry.entry_id}"]["data"] = index
    async with restarted(entry) as fresh:
        assert value(fresh, "oral_magnesium_today") == "200.0"


async def test_storage_from_a_newer_version_is_refused(
    hass: HomeAssistant, hass_storage: dict[str, Any], time_zone: str
) -> None:
    entry = make_entry()
    hass_storage[f"magnesium.{entry.entry_id}"] = {
        "version": 99,
        "minor_version": 1,
        "key": f"magnesium.{entry.entry_id}",
        "data": {"future": True},
    }
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    # never overwritten
    assert hass_storage[f"magnesium.{entry.entry_id}"]["version"] == 99


async def test_unreadable_storage_retries(
    hass: HomeAssistant, time_zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from homeassistant.helpers.storage import Store

    async def broken(self: Store[Any]) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(Store, "async_load", broken)
    entry = make_entry()
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_unload_and_remove_entry(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    await log(hass, 150)
    await log(hass, 100, taken_at="2026-01-15T08:00:00+01:00")
    keys = [key for key in hass_storage if key.startswith(f"magnesium.{entry.entry_id}")]
    assert len(keys) >= 2
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    # unloading keeps the log
    assert all(key in hass_storage for key in keys)
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not [key for key in hass_storage if key.startswith(f"magnesium.{entry.entry_id}")]


async def test_device_and_unique_ids(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    from homeassistant.helpers import device_registry as dr, entity_registry as er

    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(devices) == 1
    device = devices[0]
    assert device.identifiers == {(DOMAIN, entry.entry_id)}
    assert device.name == "Alex"
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert len(entities) == 36
    assert all(item.device_id == device.id for item in entities)
    assert all(item.unique_id.startswith(entry.entry_id) for item in entities)
    assert all(item.translation_key for item in entities)


async def test_damaged_record_is_skipped_and_the_rest_kept(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    first = await log(hass, 150)
    await log(hass, 50)
    await hass.config_entries.async_unload(entry.entry_id)
    key = f"magnesium.{entry.entry_id}.{first['taken_at'][:7]}"
    hass_storage[key]["data"]["records"][1]["elemental_mg"] = "lots"
    async with restarted(entry) as fresh:
        # the index no longer matches the month, so it is rebuilt from what can be read
        assert value(fresh, "oral_magnesium_today") == "150.0"
        assert value(fresh, "doses_today") == "1"
        # the user is told, and the month as it was is kept beside the log
        issue = ir.async_get(fresh).async_get_issue(
            DOMAIN, f"damaged_records_{entry.entry_id}_{first['taken_at'][:7]}"
        )
        assert issue is not None
        assert issue.translation_placeholders is not None
        assert issue.translation_placeholders["count"] == "1"
        kept = Path(issue.translation_placeholders["path"])
        assert kept.parent == Path(fresh.config.path(".storage"))
        assert kept.name.startswith(f"{key}.damaged.")
        text = await fresh.async_add_executor_job(kept.read_text, "utf-8")
        copy = json.loads(text)
        assert copy["records"][1]["elemental_mg"] == "lots"
        assert len(copy["records"]) == 2


async def test_undo_beyond_the_undo_stack_removes_newest(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """After the remembered order runs out, undo removes the newest record by time."""
    start = datetime(2026, 11, 25, 8, 0, tzinfo=BERLIN)
    freezer.move_to(start + timedelta(hours=1))
    for minute in range(23):
        await log(hass, 1, taken_at=(start + timedelta(minutes=minute)).isoformat())
    for _ in range(23):
        await hass.services.async_call(DOMAIN, "undo", {}, blocking=True)
    await hass.async_block_till_done()
    assert value(hass, "doses_today") == "0"
    assert value(hass, "last_dose") == "unknown"


async def test_concurrent_logging_loses_nothing(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    responses = await asyncio.gather(*(log(hass, 2) for _ in range(100)))
    assert len({response["record_id"] for response in responses}) == 100
    assert value(hass, "oral_magnesium_today") == "200.0"
    month = responses[0]["taken_at"][:7]
    assert len(hass_storage[f"magnesium.{entry.entry_id}.{month}"]["data"]["records"]) == 100
    await entry.runtime_data.tracker.async_flush()
    assert hass_storage[f"magnesium.{entry.entry_id}"]["data"]["months"] == {month: 100}


async def test_concurrent_loads_of_an_old_month(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Two doses back-dated into the same unloaded month at once: both are kept."""
    await log(hass, 10, taken_at="2026-03-03T08:00:00+01:00")
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await asyncio.gather(
        log(hass, 20, taken_at="2026-03-04T08:00:00+01:00"),
        log(hass, 30, taken_at="2026-03-05T08:00:00+01:00"),
    )
    response = await hass.services.async_call(
        DOMAIN, "get_log", {}, blocking=True, return_response=True
    )
    assert [record["elemental_mg"] for record in response["records"]] == [10.0, 20.0, 30.0]


async def test_lost_index_is_rebuilt_not_taken_for_a_new_person(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any], tmp_path: Path
) -> None:
    """Home Assistant moves an unparsable file aside and loads nothing: the log is kept."""
    await log(hass, 150)
    await log(hass, 50, taken_at="2026-01-15T08:00:00+01:00")
    await hass.config_entries.async_unload(entry.entry_id)
    del hass_storage[f"magnesium.{entry.entry_id}"]
    # the month files as they lie in .storage (their content is served by the test storage)
    storage = tmp_path / ".storage"
    storage.mkdir()
    for key in hass_storage:
        if key.startswith("magnesium."):
            (storage / key).write_text("{}")
    (storage / f"magnesium.{entry.entry_id}.2026-01.corrupt.2026-02-01T00:00:00").write_text("")
    async with restarted(entry, config_dir=str(tmp_path)) as fresh:
        assert value(fresh, "oral_magnesium_today") == "150.0"
        assert value(fresh, "7_day_average") != "unknown"
        response = await fresh.services.async_call(
            DOMAIN, "get_log", {}, blocking=True, return_response=True
        )
        assert [record["elemental_mg"] for record in response["records"]] == [50.0, 150.0]


@pytest.mark.parametrize("version", [1, 2])
async def test_older_files_load_and_are_written_as_version_3(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    time_zone: str,
    version: int,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Files of the first release (before side effects) and of version 2 (before products,
    medicines and dose minutes) load unchanged; the index gains the dose minutes from the
    months."""
    freezer.move_to("2026-06-10T10:00:00+00:00")  # the dose, five minutes ago, is today's
    entry = make_entry()
    now = dt_util.utcnow()
    month = f"{now:%Y-%m}"
    record = {
        "id": "01KTQYDM405GDENXYQ3M2BRC68",
        "taken_at": (now - timedelta(minutes=5)).isoformat(),
        "kind": "oral",
        "form": "glycinate",
        "source": "action",
        "elemental_mg": 120.0,
    }
    day = dt_util.as_local(now - timedelta(minutes=5)).date().isoformat()
    for key, data in (
        (
            f"magnesium.{entry.entry_id}",
            {"tz": TIME_ZONE, "days": {day: [120.0, 1, 0, 0]}, "months": {month: 1}},
        ),
        (f"magnesium.{entry.entry_id}.{month}", {"records": [record]}),
    ):
        hass_storage[key] = {"version": version, "minor_version": 1, "key": key, "data": data}
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert value(hass, "oral_magnesium_today") == "120.0"
    await call(hass, "log_side_effect", symptom="nausea")
    index = hass_storage[f"magnesium.{entry.entry_id}"]
    assert index["version"] == STORAGE_VERSION == 3
    assert hass_storage[f"magnesium.{entry.entry_id}.{month}"]["version"] == 3
    assert value(hass, "oral_magnesium_today") == "120.0"
    local = dt_util.as_local(now - timedelta(minutes=5))
    assert index["data"]["dose_minutes"] == {day: [local.hour * 60 + local.minute]}
    assert hass_storage[f"magnesium.{entry.entry_id}.{month}"]["data"]["records"][0] == record
