"""Storage that does not grow with history: the day archive, the delayed index, crash repair."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.magnesium.adherence import PERIODS, STREAK_CAP
from custom_components.magnesium.tracker import ARCHIVE_AFTER, KEEP_DAYS

from .conftest import TIME_ZONE, call, setup_entry
from .test_init import restarted
from .test_products import GLYCINATE, setup_with_products

BERLIN = dt_util.get_time_zone(TIME_ZONE)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=BERLIN)


async def log(hass: HomeAssistant, amount: float, taken_at: datetime | None = None) -> Any:
    extra = {"taken_at": taken_at.isoformat()} if taken_at else {}
    return await call(hass, "log_dose", form="glycinate", amount_mg=amount, **extra)


def index(hass_storage: dict[str, Any], entry: MockConfigEntry) -> dict[str, Any]:
    data: dict[str, Any] = hass_storage[f"magnesium.{entry.entry_id}"]["data"]
    return data


async def mornings_only(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    """Alex at NOW, with the morning dose reminder only (the evening one off)."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    entry = await setup_entry(hass)
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.alex_evening_dose_reminder"}, blocking=True
    )
    return entry


async def test_old_day_totals_move_to_yearly_files(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    entry = await setup_entry(hass)
    oldest = NOW - timedelta(days=KEEP_DAYS + 300)  # two years back
    older = NOW - timedelta(days=ARCHIVE_AFTER + 5)
    kept = NOW - timedelta(days=KEEP_DAYS - 1)  # the oldest day the index keeps
    await log(hass, 10, oldest)
    await log(hass, 20, older)
    await log(hass, 25, kept)
    await log(hass, 30, NOW - timedelta(days=2))
    await log(hass, 40)
    await entry.runtime_data.tracker.async_flush()
    stored = index(hass_storage, entry)
    since = datetime.fromisoformat(stored["days_since"]).date()
    assert since == NOW.date() - timedelta(days=KEEP_DAYS)
    assert sorted(stored["days"]) == [
        kept.date().isoformat(),
        (NOW - timedelta(days=2)).date().isoformat(),
        NOW.date().isoformat(),
    ]
    assert stored["day_years"] == [oldest.year, older.year]
    assert oldest.year < older.year
    archived = hass_storage[f"magnesium.{entry.entry_id}.days.{older.year}"]["data"]["days"]
    assert archived == {older.date().isoformat(): [20.0, 1, 0, 0]}

    # the whole log still has every day; the 7-day figures come from the index
    response = await call(hass, "get_log")
    assert [day["oral_mg"] for day in response["days"]] == [10.0, 20.0, 25.0, 30.0, 40.0]
    assert len(entry.runtime_data.tracker.ledger.days) == 3  # archived days are dropped again

    # a dose back-dated into an archived day adds to its total, and deleting it takes it away
    extra = await log(hass, 5, oldest - timedelta(hours=1))
    start = (oldest - timedelta(days=1)).isoformat()
    end = (oldest + timedelta(days=1)).isoformat()
    response = await call(hass, "get_log", start=start, end=end)
    assert [day["oral_mg"] for day in response["days"]] == [15.0]
    await call(hass, "delete_record", record_id=extra["record_id"])
    response = await call(hass, "get_log", start=start, end=end)
    assert [day["oral_mg"] for day in response["days"]] == [10.0]

    # all of it survives a restart
    await hass.config_entries.async_unload(entry.entry_id)
    async with restarted(entry) as fresh:
        response = await fresh.services.async_call(
            "magnesium", "get_log", {}, blocking=True, return_response=True
        )
        assert [day["oral_mg"] for day in response["days"]] == [10.0, 20.0, 25.0, 30.0, 40.0]

    # removing the entry removes the yearly files too
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not [key for key in hass_storage if key.startswith(f"magnesium.{entry.entry_id}")]


async def test_index_of_every_day_is_archived_on_the_next_change(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """An index written before the archive (all days in it) loads, and shrinks on a change."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    old = (NOW - timedelta(days=KEEP_DAYS + 50)).astimezone(dt_util.UTC)
    entry = await setup_entry(hass)
    first = await log(hass, 50, old)
    await entry.runtime_data.tracker.async_flush()
    legacy = index(hass_storage, entry)
    legacy["days"] = {old.astimezone(BERLIN).date().isoformat(): [50.0, 1, 0, 0]}
    for key in ("days_since", "day_years", "generation", "saved_at"):
        legacy.pop(key, None)
    for key in [key for key in hass_storage if ".days." in key]:
        del hass_storage[key]
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await log(hass, 60)
    await entry.runtime_data.tracker.async_flush()
    assert list(index(hass_storage, entry)["days"]) == [NOW.date().isoformat()]
    archive = hass_storage[f"magnesium.{entry.entry_id}.days.{old.year}"]["data"]
    assert archive["days"] == {old.astimezone(BERLIN).date().isoformat(): [50.0, 1, 0, 0]}
    response = await call(hass, "get_log")
    assert response["records"][0]["id"] == first["record_id"]


async def test_crash_before_the_index_followed_into_a_new_month(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """A dose logged just before a month's end, then a crash before the index was written."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    end_of_month = datetime(2026, 11, 30, 23, 30, tzinfo=dt_util.UTC)
    freezer.move_to(end_of_month)
    entry = await setup_entry(hass)
    await log(hass, 100)
    await entry.runtime_data.tracker.async_flush()
    before = dict(index(hass_storage, entry))
    freezer.tick(timedelta(minutes=1))
    await log(hass, 50)  # the month is on disk, the index would follow later
    await hass.config_entries.async_unload(entry.entry_id)
    hass_storage[f"magnesium.{entry.entry_id}"]["data"] = before  # the crash

    freezer.move_to(end_of_month + timedelta(days=2))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    response = await call(hass, "get_log")
    assert [record["elemental_mg"] for record in response["records"]] == [100.0, 50.0]
    assert [day["oral_mg"] for day in response["days"]] == [150.0]


async def test_products_use_per_day_moves_with_the_days(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """The yearly files keep each product's units per day; the recent ones stay in the index."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    entry = await setup_with_products(hass, (GLYCINATE, "glyc"))
    older = NOW - timedelta(days=ARCHIVE_AFTER + 5)
    glycinate = "Doctor's Best glycinate"
    await call(hass, "log_dose", product=glycinate, units=2, taken_at=older.isoformat())
    recent = NOW - timedelta(days=3)
    await call(hass, "log_dose", product=glycinate, units=1, taken_at=recent.isoformat())
    await entry.runtime_data.tracker.async_flush()
    usage = index(hass_storage, entry)["products"]["glyc"]
    assert usage["days"] == {recent.date().isoformat(): 1.0}
    assert usage["taken"] == 3.0
    archive = hass_storage[f"magnesium.{entry.entry_id}.days.{older.year}"]["data"]
    assert archive["products"] == {"glyc": {older.date().isoformat(): 2.0}}

    # a dose back-dated into the archived day adds to the file; deleting it takes it away
    later = (older + timedelta(hours=1)).isoformat()
    extra = await call(hass, "log_dose", product=glycinate, units=1, taken_at=later)
    await entry.runtime_data.tracker.async_flush()
    archive = hass_storage[f"magnesium.{entry.entry_id}.days.{older.year}"]["data"]
    assert archive["products"] == {"glyc": {older.date().isoformat(): 3.0}}
    await call(hass, "delete_record", record_id=extra["record_id"])
    await entry.runtime_data.tracker.async_flush()
    archive = hass_storage[f"magnesium.{entry.entry_id}.days.{older.year}"]["data"]
    assert archive["products"] == {"glyc": {older.date().isoformat(): 2.0}}
    assert entry.runtime_data.tracker.ledger.product_usage("glyc").days == {recent.date(): 1.0}
    assert hass.states.get("sensor.doctor_s_best_glycinate_stock").state == "17"

    # rebuilt from the months (another time zone with the same days), the same figures again
    await hass.config.async_update(time_zone="Europe/Paris")
    await hass.async_block_till_done()
    assert entry.runtime_data.tracker.ledger.tz.key == "Europe/Paris"
    assert hass_storage[f"magnesium.{entry.entry_id}.days.{older.year}"]["data"] == archive
    assert index(hass_storage, entry)["products"]["glyc"]["days"] == {
        recent.date().isoformat(): 1.0
    }


@pytest.mark.parametrize("damage", ["damaged", "missing"])
async def test_damaged_year_of_days_is_rebuilt_before_a_back_dated_dose(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    damage: str,
) -> None:
    """A yearly file that cannot be read is rebuilt from the months before it is changed."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    entry = await setup_entry(hass)
    older = NOW - timedelta(days=ARCHIVE_AFTER + 5)
    await log(hass, 20, older)
    await log(hass, 30)
    await entry.runtime_data.tracker.async_flush()
    key = f"magnesium.{entry.entry_id}.days.{older.year}"
    if damage == "damaged":
        hass_storage[key]["data"] = {"days": {"not a day": [1, 2]}}
    else:
        del hass_storage[key]

    await log(hass, 5, older + timedelta(hours=1))
    await entry.runtime_data.tracker.async_flush()
    assert hass_storage[key]["data"]["days"] == {older.date().isoformat(): [25.0, 2, 0, 0]}
    response = await call(hass, "get_log")
    assert [day["oral_mg"] for day in response["days"]] == [25.0, 30.0]
    issues = [
        issue for (domain, _), issue in ir.async_get(hass).issues.items() if domain == "magnesium"
    ]
    if damage == "damaged":
        assert [issue.translation_key for issue in issues] == ["damaged_days"]
        placeholders = issues[0].translation_placeholders or {}
        assert placeholders["year"] == str(older.year)
        assert ".damaged." in placeholders["path"]
    else:  # nothing damaged to tell about: the totals are simply there again
        assert not issues


def test_the_index_keeps_every_day_a_figure_reads() -> None:
    # adherence counts the periods from the index; the streak reads older days as letters
    assert max(PERIODS) < KEEP_DAYS < STREAK_CAP


async def test_streak_and_adherence_read_the_index_after_older_days_moved(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """A year of morning doses: the capped streak and adherence, also after a restart."""
    entry = await mornings_only(hass, freezer)
    morning = NOW.replace(hour=8)
    began = morning - timedelta(days=max(ARCHIVE_AFTER, STREAK_CAP) + 60)
    await log(hass, 100, began)  # the log began here
    for days in range(STREAK_CAP + 5, 0, -1):
        await log(hass, 100, morning - timedelta(days=days))
    await log(hass, 100, morning)
    await entry.runtime_data.tracker.async_flush()
    await hass.async_block_till_done()  # the streak's older days are read from their files
    stored = index(hass_storage, entry)
    assert "days_since" in stored
    assert len(stored["dose_minutes"]) <= ARCHIVE_AFTER + 1
    archived = hass_storage[f"magnesium.{entry.entry_id}.days.{began.year}"]["data"]
    assert archived["dose_minutes"]  # the older doses' minutes moved with their days

    for check in ("running", "restarted"):
        assert hass.states.get("sensor.alex_streak").state == str(STREAK_CAP), check
        assert hass.states.get("sensor.alex_adherence_30_days").state == "100.0", check
        if check == "running":
            assert await hass.config_entries.async_reload(entry.entry_id)
            await hass.async_block_till_done()
    assert entry.runtime_data.tracker.ledger.first_day() == began.date()


async def test_a_back_dated_change_counts_the_past_again(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The days before today are counted once, and again when a record of theirs changes."""
    entry = await mornings_only(hass, freezer)
    morning = NOW.replace(hour=8)
    first = await log(hass, 100, morning - timedelta(days=2))
    await log(hass, 100, morning)
    assert hass.states.get("sensor.alex_streak").state == "1"  # yesterday was missed
    yesterday = await log(hass, 100, morning - timedelta(days=1))
    assert hass.states.get("sensor.alex_streak").state == "3"
    await call(hass, "delete_record", record_id=yesterday["record_id"])
    assert hass.states.get("sensor.alex_streak").state == "1"
    await call(hass, "delete_record", record_id=first["record_id"])
    assert hass.states.get("sensor.alex_streak").state == "1"  # the log begins today
    assert entry.runtime_data.tracker.past_changes >= 3
    # a new day: yesterday (complete) now counts from the cache's next count
    freezer.move_to(NOW + timedelta(days=1, hours=-3))
    await log(hass, 100, (NOW + timedelta(days=1)).replace(hour=8))
    assert hass.states.get("sensor.alex_streak").state == "2"


async def test_the_streak_reads_older_days_once_and_again_when_they_change(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The days older than the index's are read once for the streak, and again on a change."""
    entry = await mornings_only(hass, freezer)
    morning, late = NOW.replace(hour=8), NOW.replace(hour=22, minute=30)
    missed = 200  # a day older than the index's with no dose
    for days in range(STREAK_CAP + 5, 0, -1):
        if days != missed:
            await log(hass, 100, morning - timedelta(days=days))
        if days <= KEEP_DAYS:
            await log(hass, 50, late - timedelta(days=days))
    await entry.runtime_data.tracker.async_flush()
    await hass.async_block_till_done()
    tracker = entry.runtime_data.tracker
    assert tracker.days_since == NOW.date() - timedelta(days=KEEP_DAYS)
    # today's morning window is still open: it neither adds nor breaks
    assert hass.states.get("sensor.alex_streak").state == str(missed - 1)

    # the missed day, logged afterwards: it is read again
    await log(hass, 100, morning - timedelta(days=missed))
    await hass.async_block_till_done()
    assert hass.states.get("sensor.alex_streak").state == str(STREAK_CAP)

    # a restart reads none of the yearly files: the letters were kept
    reads: list[tuple[Any, ...]] = []
    original = type(tracker).async_archived_days

    async def counted(self: Any, first: Any, last: Any) -> Any:
        reads.append((first, last))
        return await original(self, first, last)

    monkeypatch.setattr(type(tracker), "async_archived_days", counted)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.alex_streak").state == str(STREAK_CAP)
    assert reads == []

    # a new morning time: only the late doses of the index's days are in its window now
    await hass.services.async_call(
        "time",
        "set_value",
        {"entity_id": "time.alex_morning_dose_time", "time": "23:00:00"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert len(reads) == 1
    assert hass.states.get("sensor.alex_streak").state == str(KEEP_DAYS)
