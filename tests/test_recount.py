"""Citrate doses logged by weight with the former fraction are recounted once after the upgrade.

Citrate was counted with 11.3 % (the hydrated salt); facts.md now converts with 16.2 %, the
highest of its salts. The files of an earlier release go in; out come the recounted records,
the index and today's total that agree with them, one repair notice, and nothing else changed.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.magnesium.const import DOMAIN
from custom_components.magnesium.ledger import Ledger, Record

from .conftest import TIME_ZONE, call, make_entry, sensor_state

BERLIN = ZoneInfo(TIME_ZONE)
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=BERLIN)


def record(record_id: str, at: datetime, form: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": record_id,
        "taken_at": at.astimezone(ZoneInfo("UTC")).isoformat(),
        "kind": fields.pop("kind", "oral"),
        "form": form,
        "source": fields.pop("source", "action"),
        **fields,
    }


# The months as an earlier release wrote them, oldest first (citrate by weight at 11.3 %).
MAY = [
    # by weight through the action (rounded to 0.001 mg): 500 mg citrate was 56.5 mg
    record("01KTQYDM405GDENXYQ3M2BRC01", datetime(2026, 5, 3, 8, tzinfo=BERLIN), "citrate",
           elemental_mg=56.5, compound_mg=500.0),
    # by its magnesium amount: never touched
    record("01KTQYDM405GDENXYQ3M2BRC02", datetime(2026, 5, 3, 20, tzinfo=BERLIN), "citrate",
           elemental_mg=100.0),
    # another form by weight: its fraction did not change
    record("01KTQYDM405GDENXYQ3M2BRC03", datetime(2026, 5, 4, 8, tzinfo=BERLIN), "glycinate",
           elemental_mg=70.5, compound_mg=500.0),
    record("01KTQYDM405GDENXYQ3M2BRC04", datetime(2026, 5, 4, 21, tzinfo=BERLIN), "sulfate",
           kind="bath", salt_g=400.0, minutes=15.0),
]  # fmt: skip
JUNE = [
    # yesterday, by voice (rounded to 0.1 mg): 250 mg citrate was 28.2 mg
    record("01KTQYDM405GDENXYQ3M2BRC05", datetime(2026, 6, 9, 8, tzinfo=BERLIN), "citrate",
           elemental_mg=28.2, compound_mg=250.0, source="voice"),
    # a medicine record, not intake
    record("01KTQYDM405GDENXYQ3M2BRC08", datetime(2026, 6, 10, 7, tzinfo=BERLIN),
           "quinolone", kind="medicine"),
    # today, by weight: 1000 mg citrate was 113 mg
    record("01KTQYDM405GDENXYQ3M2BRC06", datetime(2026, 6, 10, 8, tzinfo=BERLIN), "citrate",
           elemental_mg=113.0, compound_mg=1000.0),
    # today, by its magnesium amount
    record("01KTQYDM405GDENXYQ3M2BRC07", datetime(2026, 6, 10, 9, tzinfo=BERLIN), "citrate",
           elemental_mg=50.0),
]  # fmt: skip
# What the records count now: compound x 16.2 %
RECOUNTED = {
    "01KTQYDM405GDENXYQ3M2BRC01": 81.0,
    "01KTQYDM405GDENXYQ3M2BRC05": 40.5,
    "01KTQYDM405GDENXYQ3M2BRC06": 162.0,
}


def old_files(entry_id: str) -> dict[str, dict[str, Any]]:
    """The index and months of an earlier release (version 3.1, no recount mark)."""
    ledger = Ledger(tz=BERLIN)
    records = [Record.from_dict(item) for item in (*MAY, *JUNE)]
    ledger.rebuild_index(records)
    index = {
        "tz": TIME_ZONE,
        **ledger.index_dict(),
        "generation": 2,
        "saved_at": NOW.astimezone(ZoneInfo("UTC")).isoformat(),
    }
    files = {
        f"magnesium.{entry_id}": index,
        f"magnesium.{entry_id}.2026-05": {"records": MAY, "generation": 1},
        f"magnesium.{entry_id}.2026-06": {"records": JUNE, "generation": 2},
    }
    return {
        key: {"version": 3, "minor_version": 1, "key": key, "data": data}
        for key, data in files.items()
    }


def recount_issues(hass: HomeAssistant) -> list[ir.IssueEntry]:
    return [
        issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue_id.startswith("recounted_")
    ]


@pytest.fixture
def frozen(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    freezer.move_to(NOW)
    return freezer


async def test_citrate_by_weight_is_recounted_once(
    hass: HomeAssistant, hass_storage: dict[str, Any], time_zone: str, frozen: FrozenDateTimeFactory
) -> None:
    entry = make_entry()
    files = old_files(entry.entry_id)
    hass_storage.update(copy.deepcopy(files))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    # the records: citrate by weight recounted, everything else as it was
    for month, before in (("2026-05", MAY), ("2026-06", JUNE)):
        stored = hass_storage[f"magnesium.{entry.entry_id}.{month}"]["data"]["records"]
        assert len(stored) == len(before)
        for old, new in zip(before, stored, strict=True):
            if old["id"] in RECOUNTED:
                assert new == {**old, "elemental_mg": RECOUNTED[old["id"]]}
            else:
                assert new == old

    # today's total and the index agree with the records
    assert sensor_state(hass, "oral_magnesium_today") == "212.0"  # 162 + 50
    index = hass_storage[f"magnesium.{entry.entry_id}"]["data"]
    assert index["days"]["2026-06-09"][0] == 40.5
    assert index["days"]["2026-06-10"][0] == 212.0
    assert index["recounted"] == 1
    response = await hass.services.async_call(
        DOMAIN, "get_log", {"start": "2026-05-01T00:00:00+02:00"}, blocking=True,
        return_response=True,
    )  # fmt: skip
    assert {day["date"]: day["oral_mg"] for day in response["days"]} == {
        "2026-05-03": 181.0,  # 81 + 100
        "2026-05-04": 70.5,
        "2026-06-09": 40.5,
        "2026-06-10": 212.0,
    }
    assert sum(item.get("elemental_mg", 0) for item in response["records"]) == (
        81 + 100 + 70.5 + 40.5 + 162 + 50
    )

    # one repair notice: which form, how many records, by how much
    (issue,) = recount_issues(hass)
    assert issue.translation_key == "recounted_citrate"
    assert issue.translation_placeholders == {
        "name": "Alex",
        "count": "3",
        "change_mg": f"{(81 - 56.5) + (40.5 - 28.2) + (162 - 113):.0f}",
    }
    assert issue.severity is ir.IssueSeverity.WARNING
    # and no other notice
    assert [key for key in ir.async_get(hass).issues if key[0] == DOMAIN] == [
        (DOMAIN, f"recounted_{entry.entry_id}_citrate")
    ]

    # a restart does not recount again
    ir.async_delete_issue(hass, DOMAIN, f"recounted_{entry.entry_id}_citrate")
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert recount_issues(hass) == []
    assert sensor_state(hass, "oral_magnesium_today") == "212.0"
    stored = hass_storage[f"magnesium.{entry.entry_id}.2026-06"]["data"]["records"]
    assert [item.get("elemental_mg") for item in stored] == [40.5, None, 162.0, 50.0]

    # a dose logged by weight now is counted with 16.2 %
    logged = await call(hass, "log_dose", form="citrate", amount_mg=100, basis="compound")
    assert logged["elemental_mg"] == pytest.approx(16.2)


async def test_files_without_a_former_count_only_gain_the_mark(
    hass: HomeAssistant, hass_storage: dict[str, Any], time_zone: str, frozen: FrozenDateTimeFactory
) -> None:
    """Nothing to recount: no notice, the months are not written, the index is marked."""
    entry = make_entry()
    files = old_files(entry.entry_id)
    for key in files:
        if key.endswith(("2026-05", "2026-06")):
            files[key]["data"]["records"] = [
                item for item in files[key]["data"]["records"] if "compound_mg" not in item
                or item["form"] != "citrate"
            ]  # fmt: skip
    ledger = Ledger(tz=BERLIN)
    ledger.rebuild_index(
        Record.from_dict(item)
        for key in files
        if key.count(".") == 2
        for item in files[key]["data"]["records"]
    )
    files[f"magnesium.{entry.entry_id}"]["data"].update(ledger.index_dict())
    hass_storage.update(copy.deepcopy(files))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert recount_issues(hass) == []
    for key in files:
        if key.count(".") == 2:
            assert hass_storage[key] == files[key]
    assert hass_storage[f"magnesium.{entry.entry_id}"]["data"]["recounted"] == 1
    assert sensor_state(hass, "oral_magnesium_today") == "50.0"
