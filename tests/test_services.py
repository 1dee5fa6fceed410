"""The actions, through Home Assistant's service registry."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_mock_service,
)

from custom_components.magnesium.compat import vol
from custom_components.magnesium.const import DOMAIN, EVENT_DOSE_LOGGED

from .conftest import call, make_entry, sensor_state as state, setup_entry

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=dt_util.get_time_zone("Europe/Berlin"))


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(NOW)


async def test_log_dose_elemental(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    events = async_capture_events(hass, EVENT_DOSE_LOGGED)
    response = await call(hass, "log_dose", form="Bisglycinate", amount_mg=150, note="with dinner")
    assert response["form"] == "glycinate"
    assert response["elemental_mg"] == 150.0
    assert "compound_mg" not in response
    assert response["oral_today_mg"] == 150.0
    assert response["remaining_mg"] == 200.0
    assert response["daily_limit_mg"] == 350.0
    assert response["over_limit"] is False
    assert response["source"] == "action"
    assert response["note"] == "with dinner"
    assert response["taken_at"] == NOW.astimezone(dt_util.UTC).isoformat()
    assert len(response["record_id"]) == 26
    await hass.async_block_till_done()
    assert len(events) == 1
    assert events[0].data["id"] == response["record_id"]
    assert events[0].data["config_entry_id"] == entry.entry_id
    assert events[0].data["elemental_mg"] == 150.0
    assert state(hass, "oral_magnesium_today") == "150.0"
    assert state(hass, "remaining_today") == "200.0"
    assert state(hass, "daily_limit_used") == "42.9"
    assert state(hass, "doses_today") == "1"
    last = hass.states.get("sensor.alex_last_dose")
    assert dt_util.parse_datetime(last.state) == NOW
    assert last.attributes["form"] == "glycinate"
    assert last.attributes["elemental_mg"] == 150.0


async def test_log_dose_compound_keeps_both(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    response = await call(hass, "log_dose", form="glycinate", amount_mg=500, basis="compound")
    assert response["compound_mg"] == 500.0
    assert response["elemental_mg"] == 70.5  # 14.1% of 500 mg
    assert state(hass, "oral_magnesium_today") == "70.5"


async def test_chloride_may_be_oral(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    response = await call(hass, "log_dose", form="magnesium chloride", amount_mg=100)
    assert response["form"] == "chloride"
    assert state(hass, "oral_magnesium_today") == "100.0"


async def test_over_limit_is_logged_and_shown(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await call(hass, "log_dose", form="malate", amount_mg=200)
    response = await call(hass, "log_dose", form="glycinate", amount_mg=200)
    assert response["over_limit"] is True
    assert response["oral_today_mg"] == 400.0
    assert response["remaining_mg"] == 0.0
    assert state(hass, "remaining_today") == "0.0"
    assert state(hass, "daily_limit_used") == "114.3"
    assert hass.states.get("binary_sensor.alex_over_daily_limit").state == "on"


def notifications(hass: HomeAssistant) -> dict[str, dict[str, Any]]:
    """The persistent notifications shown now, by id."""
    return {
        key: {"title": item["title"], "message": item["message"]}
        for key, item in persistent_notification._async_get_or_create_notifications(hass).items()
    }


async def test_a_dose_over_the_limit_says_so(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """1150 mg typed for 150: the response says it in words, and a notification is shown."""
    response = await call(hass, "log_dose", form="glycinate", amount_mg=150)
    assert "message" not in response
    assert notifications(hass) == {}
    response = await call(hass, "log_dose", form="glycinate", amount_mg=1150)
    assert response["over_limit"] is True
    assert response["message"] == (
        "Alex has taken 1300 mg of oral magnesium today, over the daily limit of 350 mg. "
        "Do not take more today without medical advice."
    )
    await hass.async_block_till_done()
    key = f"magnesium_{entry.entry_id}_over_limit_20261125"
    assert notifications(hass) == {
        key: {"title": "Over the magnesium limit: Alex", "message": response["message"]}
    }
    # not repeated by a further dose the same day; gone once the day is back under the limit
    persistent_notification.async_dismiss(hass, key)
    await call(hass, "log_dose", form="glycinate", amount_mg=10)
    await hass.async_block_till_done()
    assert notifications(hass) == {}


async def test_the_over_limit_notification_goes_when_the_dose_is_undone(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    await call(hass, "log_dose", form="glycinate", amount_mg=1150)
    await hass.async_block_till_done()
    assert list(notifications(hass)) == [f"magnesium_{entry.entry_id}_over_limit_20261125"]
    await call(hass, "undo")
    await hass.async_block_till_done()
    assert notifications(hass) == {}


async def test_the_over_limit_message_is_german_in_german(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.config.language = "de"
    await setup_entry(hass)
    response = await call(hass, "log_dose", form="glycinate", amount_mg=400)
    assert response["message"] == (
        "Alex hat heute 400 mg Magnesium eingenommen, über dem Tageslimit von 350 mg. "
        "Nimm heute nicht mehr ohne ärztlichen Rat."
    )
    await hass.async_block_till_done()
    (item,) = notifications(hass).values()
    assert item["title"] == "Über dem Magnesium-Limit: Alex"


async def test_over_the_limit_goes_to_the_phone_when_there_is_one(
    hass: HomeAssistant, time_zone: str
) -> None:
    phone = async_mock_service(hass, "notify", "mobile_app_pixel")
    await setup_entry(hass, extra_options={"notify_services": ["mobile_app_pixel"]})
    await call(hass, "log_dose", form="glycinate", amount_mg=400)
    await hass.async_block_till_done()
    over = [item.data for item in phone if item.data.get("title", "").startswith("Over")]
    assert len(over) == 1
    assert over[0]["message"].startswith("Alex has taken 400 mg")
    assert notifications(hass) == {}


async def test_topical_and_bath_do_not_count(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    response = await call(hass, "log_topical", area="lower back", amount_mg=50)
    assert response["form"] == "chloride"
    assert response["area"] == "lower back"
    assert response["topical_today"] == 1
    bath = await call(hass, "log_bath", salt_g=400, minutes=15)
    assert bath["form"] == "sulfate"
    assert bath["salt_g"] == 400.0
    assert bath["baths_today"] == 1
    assert state(hass, "oral_magnesium_today") == "0.0"
    assert state(hass, "topical_applications_today") == "1"
    assert dt_util.parse_datetime(state(hass, "last_epsom_bath")) == NOW
    assert hass.states.get("sensor.alex_last_epsom_bath").attributes["minutes"] == 15.0
    assert (
        hass.states.get("sensor.alex_last_topical_application").attributes["area"] == "lower back"
    )


async def test_undo_and_delete(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    first = await call(hass, "log_dose", form="malate", amount_mg=100)
    await call(hass, "log_dose", form="glycinate", amount_mg=150)
    undone = await call(hass, "undo")
    assert undone["removed"]["form"] == "glycinate"
    assert undone["oral_today_mg"] == 100.0
    assert state(hass, "oral_magnesium_today") == "100.0"
    assert hass.states.get("sensor.alex_last_dose").attributes["form"] == "malate"
    deleted = await call(hass, "delete_record", record_id=first["record_id"])
    assert deleted["removed"]["id"] == first["record_id"]
    assert state(hass, "oral_magnesium_today") == "0.0"
    assert state(hass, "doses_today") == "0"
    assert state(hass, "last_dose") == "unknown"
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "undo")
    assert err.value.translation_key == "nothing_to_undo"
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "delete_record", record_id=first["record_id"])
    assert err.value.translation_key == "record_not_found"
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "delete_record", record_id="not-an-id")
    assert err.value.translation_key == "record_not_found"


async def test_backdated_dose_counts_on_its_day(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    yesterday = NOW - timedelta(days=1)
    await call(hass, "log_dose", form="malate", amount_mg=120, taken_at=yesterday.isoformat())
    assert state(hass, "oral_magnesium_today") == "0.0"
    assert state(hass, "7_day_average") == str(round(120 / 7, 3))
    log = await call(
        hass, "get_log", start=(NOW - timedelta(days=2)).isoformat(), end=NOW.isoformat()
    )
    assert [day["date"] for day in log["days"]] == ["2026-11-24"]
    assert log["days"][0]["oral_mg"] == 120.0


async def test_backdated_into_an_older_month(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A dose in last month is stored in that month's file and undo finds it."""
    await call(hass, "log_dose", form="malate", amount_mg=120, taken_at="2026-10-03T08:00:00+02:00")
    log = await call(hass, "get_log")
    assert [record["taken_at"] for record in log["records"]] == ["2026-10-03T06:00:00+00:00"]
    october = hass_storage[f"magnesium.{entry.entry_id}.2026-10"]["data"]["records"]
    assert [record["elemental_mg"] for record in october] == [120.0]
    undone = await call(hass, "undo")
    assert undone["removed"]["taken_at"] == "2026-10-03T06:00:00+00:00"
    assert (await call(hass, "get_log"))["records"] == []


async def test_get_log_range(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    for hours, amount in ((-30, 100), (-3, 50), (-1, 25)):
        await call(
            hass,
            "log_dose",
            form="citrate",
            amount_mg=amount,
            taken_at=(NOW + timedelta(hours=hours)).isoformat(),
        )
    await call(hass, "log_bath", taken_at=(NOW - timedelta(hours=2)).isoformat())
    log = await call(hass, "get_log", start=(NOW - timedelta(hours=4)).isoformat())
    assert [record.get("elemental_mg") for record in log["records"]] == [50.0, None, 25.0]
    assert log["days"] == [
        {
            "date": "2026-11-25",
            "oral_mg": 75.0,
            "oral_doses": 2,
            "topical": 0,
            "baths": 1,
            "side_effects": 0,
        }
    ]
    everything = await call(hass, "get_log")
    assert len(everything["records"]) == 4
    assert [day["date"] for day in everything["days"]] == ["2026-11-24", "2026-11-25"]
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass, "get_log", start=NOW.isoformat(), end=(NOW - timedelta(hours=1)).isoformat()
        )
    assert err.value.translation_key == "range_invalid"
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(DOMAIN, "get_log", {}, blocking=True)


BAD_INPUT = [
    ("log_dose", {"form": "unobtainium", "amount_mg": 100}, "unknown_form"),
    ("log_dose", {"form": "epsom salt", "amount_mg": 100}, "not_oral_form"),
    ("log_dose", {"form": "glycinate", "amount_mg": 0}, "amount_invalid"),
    ("log_dose", {"form": "glycinate", "amount_mg": -5}, "amount_invalid"),
    ("log_dose", {"form": "glycinate", "amount_mg": 2001}, "amount_invalid"),
    ("log_dose", {"form": "glycinate", "amount_mg": float("nan")}, "amount_invalid"),
    ("log_dose", {"form": "glycinate", "amount_mg": float("inf")}, "amount_invalid"),
    ("log_dose", {"form": "glycinate", "amount_mg": 20001, "basis": "compound"}, "amount_invalid"),
    (
        "log_dose",
        {"form": "glycinate", "amount_mg": 100, "taken_at": "2026-11-25T12:00:00+01:00"},
        "taken_at_future",
    ),
    (
        "log_dose",
        {"form": "glycinate", "amount_mg": 100, "taken_at": "1999-12-31T12:00:00+00:00"},
        "taken_at_too_old",
    ),
    ("log_topical", {"form": "glycinate"}, "not_topical_form"),
    ("log_topical", {"form": "nonsense"}, "unknown_form"),
    ("log_topical", {"amount_mg": 0}, "amount_invalid"),
    ("log_bath", {"salt_g": -1}, "amount_invalid"),
    ("log_bath", {"minutes": 100000}, "amount_invalid"),
]


@pytest.mark.parametrize(("service", "data", "key"), BAD_INPUT)
async def test_bad_input_stores_nothing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    await call(hass, "log_dose", form="glycinate", amount_mg=100)
    before = copy.deepcopy(hass_storage)
    events = async_capture_events(hass, EVENT_DOSE_LOGGED)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, service, data, blocking=True)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert str(err.value)  # a translated message, not an empty one
    assert hass_storage == before
    assert events == []
    assert state(hass, "oral_magnesium_today") == "100.0"


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("log_dose", {"form": "glycinate", "amount_mg": "lots"}),
        ("log_dose", {"form": "glycinate", "amount_mg": 1, "basis": "molar"}),
        ("log_dose", {"form": "glycinate", "amount_mg": 1, "taken_at": "yesterday-ish"}),
        ("log_dose", {"form": "glycinate", "amount_mg": 1, "note": "x" * 501}),
        ("log_dose", {"form": "glycinate", "amount_mg": 1, "unknown": True}),
        ("delete_record", {}),
    ],
)
async def test_malformed_payload_is_rejected(
    hass: HomeAssistant, entry: MockConfigEntry, service: str, data: dict[str, Any]
) -> None:
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(DOMAIN, service, data, blocking=True)
    assert state(hass, "doses_today") == "0"


async def test_message_is_translated(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    with pytest.raises(ServiceValidationError, match='Unknown magnesium form "kryptonite"'):
        await hass.services.async_call(
            DOMAIN, "log_dose", {"form": "kryptonite", "amount_mg": 1}, blocking=True
        )


async def test_choosing_the_entry(hass: HomeAssistant, time_zone: str) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "log_dose", form="glycinate", amount_mg=100)
    assert err.value.translation_key == "no_entries"

    alex, sam = make_entry("Alex"), make_entry("Sam")
    for item in (alex, sam):
        item.add_to_hass(hass)
        assert await hass.config_entries.async_setup(item.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "log_dose", form="glycinate", amount_mg=100)
    assert err.value.translation_key == "entry_required"
    # the field is labelled Person: the message says so, not config_entry_id
    assert "choose the person" in str(err.value)

    await call(hass, "log_dose", config_entry_id=sam.entry_id, form="glycinate", amount_mg=100)
    assert hass.states.get("sensor.sam_oral_magnesium_today").state == "100.0"
    assert hass.states.get("sensor.alex_oral_magnesium_today").state == "0.0"

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "undo", config_entry_id="nope")
    assert err.value.translation_key == "entry_not_found"

    await hass.config_entries.async_unload(sam.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "undo", config_entry_id=sam.entry_id)
    assert err.value.translation_key == "entry_not_loaded"
    # with one loaded entry left, no id is needed
    await call(hass, "log_dose", form="glycinate", amount_mg=100)
    assert hass.states.get("sensor.alex_oral_magnesium_today").state == "100.0"
