"""Damaged storage files, on disk: each file the integration writes, each kind of damage.

The files are real (Home Assistant's storage is not replaced by the test dictionary here), so
truncated, empty and garbage files go through Home Assistant's own JSON loading. After the damage
the entry is set up again: it starts, a repair notice says what happened and where the damaged
file was kept, and nothing that could be read is lost. A file from a newer version is refused
and left as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.magnesium.blueprint_installer import STORAGE_KEY as BLUEPRINTS_KEY
from custom_components.magnesium.const import DOMAIN, STORAGE_VERSION
from custom_components.magnesium.stock import stock_key
from custom_components.magnesium.tracker import ARCHIVE_AFTER

from .conftest import call, sensor_state, setup_entry
from .test_products import GLYCINATE, product_subentry

# Home Assistant's own file handling, taken before the test fixtures replace it
_REAL_STORE = {name: Store.__dict__[name] for name in ("_async_load", "_async_write_data")}
_REAL_REMOVE = Store.__dict__["async_remove"]

FILES = ["index", "month", "old_month", "days", "reminders", "stock", "blueprints"]
AMOUNTS = {"ancient": 40, "old": 70, "new": 120}
PHONE = "mobile_app_phone"


def _truncated(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


DAMAGE = {
    "truncated": _truncated,
    "empty": lambda raw: b"",
    "garbage": lambda raw: b"\x00\xff\xfe not json at all {{{",
    "not_a_store_file": lambda raw: b"[1, 2, 3]",
    "data_not_an_object": lambda raw: json.dumps({**json.loads(raw), "data": "nonsense"}).encode(),
    "version_not_a_number": lambda raw: json.dumps({**json.loads(raw), "version": "two"}).encode(),
    "no_version": lambda raw: json.dumps(
        {key: value for key, value in json.loads(raw).items() if key != "version"}
    ).encode(),
}


@pytest.fixture
def phone(hass: HomeAssistant) -> list[ServiceCall]:
    """The person's phone: the low-stock notices it was sent."""
    return async_mock_service(hass, "notify", PHONE)


def _stock_notices(phone: list[ServiceCall]) -> list[ServiceCall]:
    return [call for call in phone if call.data.get("title") == "Magnesium stock of Alex"]


@pytest.fixture
def real_storage(hass: HomeAssistant) -> Iterator[None]:
    """Let Store read and write the files in the test's config folder."""
    with (
        patch.object(Store, "_async_load", _REAL_STORE["_async_load"]),
        patch.object(Store, "_async_write_data", _REAL_STORE["_async_write_data"]),
        patch.object(Store, "async_remove", _REAL_REMOVE),
    ):
        yield


async def _prepare(
    hass: HomeAssistant, phone: list[ServiceCall]
) -> tuple[MockConfigEntry, dict[str, Any]]:
    """An entry with a dose this month, one in an earlier month, one in a day the index moved
    to its yearly file, reminder settings, and a used-up product (its low-stock notice sent)."""
    entry = await setup_entry(
        hass,
        extra_options={"notify_services": [PHONE]},
        subentries_data=[product_subentry({**GLYCINATE, "stock": 0}, "glyc")],
    )
    assert len(_stock_notices(phone)) == 1
    now = dt_util.utcnow()
    ancient = await call(
        hass,
        "log_dose",
        form="citrate",
        amount_mg=AMOUNTS["ancient"],
        taken_at=(now - timedelta(days=ARCHIVE_AFTER + 10)).isoformat(),
    )
    old = await call(
        hass,
        "log_dose",
        form="citrate",
        amount_mg=AMOUNTS["old"],
        taken_at=(now - timedelta(days=45)).isoformat(),
    )
    new = await call(hass, "log_dose", form="glycinate", amount_mg=AMOUNTS["new"])
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.alex_epsom_bath_reminder"}, blocking=True
    )
    assert await hass.config_entries.async_unload(entry.entry_id)  # writes the reminders
    await hass.async_block_till_done()
    return entry, {"ancient": ancient, "old": old, "new": new}


def _path(hass: HomeAssistant, entry: MockConfigEntry, which: str, doses: dict[str, Any]) -> Path:
    keys = {
        "index": f"{DOMAIN}.{entry.entry_id}",
        "month": f"{DOMAIN}.{entry.entry_id}.{doses['new']['taken_at'][:7]}",
        "old_month": f"{DOMAIN}.{entry.entry_id}.{doses['old']['taken_at'][:7]}",
        "days": f"{DOMAIN}.{entry.entry_id}.days.{_local_year(doses['ancient'])}",
        "reminders": f"{DOMAIN}.{entry.entry_id}.reminders",
        "stock": stock_key(entry.entry_id),
        "blueprints": BLUEPRINTS_KEY,
    }
    return Path(hass.config.path(".storage", keys[which]))


def _local_year(dose: dict[str, Any]) -> int:
    taken_at = dt_util.parse_datetime(dose["taken_at"])
    assert taken_at is not None
    return dt_util.as_local(taken_at).year


async def _read(hass: HomeAssistant, path: Path) -> bytes:
    return await hass.async_add_executor_job(path.read_bytes)


async def _write(hass: HomeAssistant, path: Path, raw: bytes) -> None:
    await hass.async_add_executor_job(path.write_bytes, raw)


def _our_issues(hass: HomeAssistant) -> dict[str, ir.IssueEntry]:
    return {
        issue_id: issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
    }


async def _log(hass: HomeAssistant) -> dict[str, Any]:
    return await call(hass, "get_log", start="2000-01-01T00:00:00+00:00")


@pytest.mark.usefixtures("real_storage", "time_zone")
@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("which", FILES)
async def test_damaged_file_is_kept_aside_and_the_rest_loads(
    hass: HomeAssistant, phone: list[ServiceCall], which: str, damage: str
) -> None:
    entry, doses = await _prepare(hass, phone)
    path = _path(hass, entry, which, doses)
    raw = DAMAGE[damage](await _read(hass, path))
    await _write(hass, path, raw)

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    log = await _log(hass)  # reads every month, the damaged one too
    ids = [record["id"] for record in log["records"]]
    days = {day["date"]: day["oral_mg"] for day in log["days"]}
    today = dt_util.as_local(dt_util.parse_datetime(doses["new"]["taken_at"])).date().isoformat()

    # nothing readable is lost, and the totals are those of the readable records
    lost = {"month": "new", "old_month": "old"}.get(which)
    kept = [dose["record_id"] for name, dose in doses.items() if name != lost]
    assert ids == kept
    assert sum(days.values()) == pytest.approx(
        sum(amount for name, amount in AMOUNTS.items() if name != lost)
    )
    assert sensor_state(hass, "oral_magnesium_today") == ("0.0" if which == "month" else "120.0")
    switch = hass.states.get("switch.alex_epsom_bath_reminder")
    assert switch is not None
    assert switch.state == ("off" if which == "reminders" else "on")
    assert today in days or which == "month"
    # the product is still used up; only a lost low-stock state sends its notice once more
    assert hass.states.get("binary_sensor.doctor_s_best_glycinate_low_stock").state == "on"
    assert len(_stock_notices(phone)) == (2 if which == "stock" else 1)

    # the user is told what happened and where the file is; the copy is the damaged file
    issues = _our_issues(hass)
    if which == "blueprints":
        assert not issues  # a record of shipped files, not the user's data
    else:
        assert len(issues) == 1, issues
        ((issue_id, issue),) = issues.items()
        kind = "month" if which == "old_month" else which
        assert issue.translation_key == f"damaged_{kind}"
        assert issue.severity is ir.IssueSeverity.WARNING
        placeholders = issue.translation_placeholders or {}
        copy = Path(placeholders["path"])
        assert copy.parent == path.parent
        assert copy.name.startswith(f"{path.name}.")
        assert await _read(hass, copy) == raw
        if kind == "month":
            assert placeholders["month"] == path.name[-7:]
        if kind == "days":  # rebuilt from the months: nothing was lost
            assert placeholders["year"] == path.name[-4:]
    # Home Assistant's general notice is replaced by ours
    assert not [
        issue_id
        for (domain, issue_id) in ir.async_get(hass).issues
        if domain == "homeassistant" and which != "blueprints"
    ]

    # the log goes on, and the next start is clean
    await call(hass, "log_dose", form="glycinate", amount_mg=10)
    for issue_id in list(_our_issues(hass)):
        ir.async_delete_issue(hass, DOMAIN, issue_id)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert not _our_issues(hass)
    assert len((await _log(hass))["records"]) == len(kept) + 1
    assert len(_stock_notices(phone)) == (2 if which == "stock" else 1)
    assert sensor_state(hass, "oral_magnesium_today") == ("10.0" if which == "month" else "130.0")


@pytest.mark.usefixtures("real_storage", "time_zone")
@pytest.mark.parametrize("which", FILES)
async def test_file_from_a_newer_version_is_refused_and_kept(
    hass: HomeAssistant, phone: list[ServiceCall], which: str
) -> None:
    entry, doses = await _prepare(hass, phone)
    path = _path(hass, entry, which, doses)
    stored = json.loads(await _read(hass, path))
    raw = json.dumps({**stored, "version": STORAGE_VERSION + 1}).encode()
    if which == "blueprints":
        raw = json.dumps({**stored, "version": 2}).encode()
    await _write(hass, path, raw)

    setup = await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    if which in ("index", "month", "reminders", "stock"):
        # the whole log is refused with a message saying what to do: set up without the
        # newer stock state, the newer version's file would be overwritten at the next change
        assert not setup
        assert entry.state is ConfigEntryState.SETUP_ERROR
        assert entry.reason is not None
        assert "newer version" in entry.reason
    else:
        # read only when needed (an older month, older days) or not the user's data (blueprints)
        assert setup
        assert sensor_state(hass, "oral_magnesium_today") == "120.0"
    if which in ("old_month", "days"):
        with pytest.raises(HomeAssistantError) as err:
            await _log(hass)
        assert err.value.translation_key == "storage_too_new"
        back_dated = doses["old" if which == "old_month" else "ancient"]["taken_at"]
        with pytest.raises(HomeAssistantError):
            await call(hass, "log_dose", form="citrate", amount_mg=5, taken_at=back_dated)
    if entry.state is ConfigEntryState.LOADED:
        await call(hass, "log_dose", form="glycinate", amount_mg=10)
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    # never overwritten, and no notice sent again from a state that could not be read
    assert await _read(hass, path) == raw
    assert len(_stock_notices(phone)) == 1


@pytest.mark.usefixtures("time_zone")
async def test_index_that_is_no_object_is_rebuilt_even_when_its_file_is_gone(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The file may vanish between reading and keeping it: the notice names where it was."""
    entry = await setup_entry(hass)
    await call(hass, "log_dose", form="glycinate", amount_mg=80)
    assert await hass.config_entries.async_unload(entry.entry_id)
    key = f"{DOMAIN}.{entry.entry_id}"
    hass_storage[key] = {"version": STORAGE_VERSION, "key": key, "data": [1, 2, 3]}
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert sensor_state(hass, "oral_magnesium_today") == "80.0"
    issue = _our_issues(hass)[f"damaged_index_{entry.entry_id}"]
    assert (issue.translation_placeholders or {})["path"] == hass.config.path(".storage", key)
    assert isinstance(hass_storage[key]["data"], dict)  # written again, rebuilt
