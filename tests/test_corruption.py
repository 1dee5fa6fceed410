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
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.magnesium.blueprint_installer import STORAGE_KEY as BLUEPRINTS_KEY
from custom_components.magnesium.const import DOMAIN, STORAGE_VERSION

from .conftest import call, sensor_state, setup_entry

# Home Assistant's own file handling, taken before the test fixtures replace it
_REAL_STORE = {name: Store.__dict__[name] for name in ("_async_load", "_async_write_data")}
_REAL_REMOVE = Store.__dict__["async_remove"]

FILES = ["index", "month", "old_month", "reminders", "blueprints"]


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
def real_storage(hass: HomeAssistant) -> Iterator[None]:
    """Let Store read and write the files in the test's config folder."""
    with (
        patch.object(Store, "_async_load", _REAL_STORE["_async_load"]),
        patch.object(Store, "_async_write_data", _REAL_STORE["_async_write_data"]),
        patch.object(Store, "async_remove", _REAL_REMOVE),
    ):
        yield


async def _prepare(hass: HomeAssistant) -> tuple[MockConfigEntry, dict[str, Any]]:
    """An entry with a dose this month, one in an earlier month, and reminder settings."""
    entry = await setup_entry(hass)
    now = dt_util.utcnow()
    old = await call(
        hass,
        "log_dose",
        form="citrate",
        amount_mg=70,
        taken_at=(now - timedelta(days=45)).isoformat(),
    )
    new = await call(hass, "log_dose", form="glycinate", amount_mg=120)
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.alex_epsom_bath_reminder"}, blocking=True
    )
    assert await hass.config_entries.async_unload(entry.entry_id)  # writes the reminders
    await hass.async_block_till_done()
    return entry, {"old": old, "new": new}


def _path(hass: HomeAssistant, entry: MockConfigEntry, which: str, doses: dict[str, Any]) -> Path:
    keys = {
        "index": f"{DOMAIN}.{entry.entry_id}",
        "month": f"{DOMAIN}.{entry.entry_id}.{doses['new']['taken_at'][:7]}",
        "old_month": f"{DOMAIN}.{entry.entry_id}.{doses['old']['taken_at'][:7]}",
        "reminders": f"{DOMAIN}.{entry.entry_id}.reminders",
        "blueprints": BLUEPRINTS_KEY,
    }
    return Path(hass.config.path(".storage", keys[which]))


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
    hass: HomeAssistant, which: str, damage: str
) -> None:
    entry, doses = await _prepare(hass)
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
    kept = {
        "month": [doses["old"]["record_id"]],
        "old_month": [doses["new"]["record_id"]],
    }.get(which, [doses["old"]["record_id"], doses["new"]["record_id"]])
    assert ids == kept
    assert sum(days.values()) == pytest.approx(
        sum(70 if record_id == doses["old"]["record_id"] else 120 for record_id in kept)
    )
    assert sensor_state(hass, "oral_magnesium_today") == ("0.0" if which == "month" else "120.0")
    switch = hass.states.get("switch.alex_epsom_bath_reminder")
    assert switch is not None
    assert switch.state == ("off" if which == "reminders" else "on")
    assert today in days or which == "month"

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
    assert sensor_state(hass, "oral_magnesium_today") == ("10.0" if which == "month" else "130.0")


@pytest.mark.usefixtures("real_storage", "time_zone")
@pytest.mark.parametrize("which", FILES)
async def test_file_from_a_newer_version_is_refused_and_kept(
    hass: HomeAssistant, which: str
) -> None:
    entry, doses = await _prepare(hass)
    path = _path(hass, entry, which, doses)
    stored = json.loads(await _read(hass, path))
    raw = json.dumps({**stored, "version": STORAGE_VERSION + 1}).encode()
    if which == "blueprints":
        raw = json.dumps({**stored, "version": 2}).encode()
    await _write(hass, path, raw)

    setup = await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    if which in ("index", "month", "reminders"):
        # the whole log is refused with a message saying what to do
        assert not setup
        assert entry.state is ConfigEntryState.SETUP_ERROR
        assert entry.reason is not None
        assert "newer version" in entry.reason
    else:
        # read only when needed (an older month) or not the user's data (blueprints)
        assert setup
        assert sensor_state(hass, "oral_magnesium_today") == "120.0"
    if which == "old_month":
        with pytest.raises(HomeAssistantError) as err:
            await _log(hass)
        assert err.value.translation_key == "storage_too_new"
        with pytest.raises(HomeAssistantError):
            await call(
                hass, "log_dose", form="citrate", amount_mg=5, taken_at=doses["old"]["taken_at"]
            )
    if entry.state is ConfigEntryState.LOADED:
        await call(hass, "log_dose", form="glycinate", amount_mg=10)
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    # never overwritten
    assert await _read(hass, path) == raw


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
