"""The calendar and the adherence sensors in a real Home Assistant."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from .conftest import TIME_ZONE, call, make_entry

BERLIN = ZoneInfo(TIME_ZONE)
DAY = datetime(2026, 6, 10, tzinfo=BERLIN)  # a Wednesday
CALENDAR = "calendar.alex_magnesium"


def at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    """A Berlin wall-clock time on DAY (or days later)."""
    return DAY + timedelta(days=days, hours=hour, minutes=minute)


async def move(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def state(hass: HomeAssistant, entity_id: str) -> str:
    item = hass.states.get(entity_id)
    assert item is not None, entity_id
    return item.state


async def setup(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, start: datetime, *subentries: Any
) -> MockConfigEntry:
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(start)
    entry = make_entry(subentries_data=list(subentries))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def events(hass: HomeAssistant, start: datetime, end: datetime) -> list[dict[str, Any]]:
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": CALENDAR, "start_date_time": start, "end_date_time": end},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    found = response[CALENDAR]["events"]  # type: ignore[index]
    assert isinstance(found, list)
    return found


def short(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(local start, summary) of each event."""
    return [
        (f"{datetime.fromisoformat(item['start']).astimezone(BERLIN):%d %H:%M}", item["summary"])
        for item in items
    ]


# -- adherence -----------------------------------------------------------------------------


async def test_adherence_sensors_follow_the_log_and_the_clock(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await setup(hass, freezer, at(12))
    # nothing planned has passed or been kept yet: unknown
    assert state(hass, "sensor.alex_adherence_7_days") == "unknown"
    assert state(hass, "sensor.alex_streak") == "0"
    for days in (-3, -2):
        await call(hass, "log_dose", form="malate", amount_mg=150, taken_at=at(8, days=days))
        await call(hass, "log_dose", form="glycinate", amount_mg=150, taken_at=at(21, days=days))
    await call(hass, "log_dose", form="malate", amount_mg=150, taken_at=at(8, days=-1))
    await call(hass, "log_dose", form="malate", amount_mg=150, taken_at=at(8, 30))
    # 3 days back: 2 + 2 + 1 of 6 kept; today the morning (the evening is still open)
    assert state(hass, "sensor.alex_adherence_7_days") == str(round(100 * 6 / 7, 1))
    assert state(hass, "sensor.alex_adherence_30_days") == str(round(100 * 6 / 7, 1))
    attributes = hass.states.get("sensor.alex_adherence_30_days")
    assert attributes is not None
    assert attributes.attributes["planned"] == 7
    assert attributes.attributes["kept"] == 6
    # yesterday's evening was missed: no streak
    assert state(hass, "sensor.alex_streak") == "0"
    freezer.move_to(at(21, 5))
    await call(hass, "log_dose", form="glycinate", amount_mg=150)
    assert state(hass, "sensor.alex_adherence_7_days") == "87.5"
    assert state(hass, "sensor.alex_streak") == "1"
    # the next morning: open until its window closes at 14:30
    await move(hass, freezer, at(14, 29, days=1))
    assert state(hass, "sensor.alex_streak") == "1"
    await move(hass, freezer, at(14, 31, days=1))
    assert state(hass, "sensor.alex_streak") == "0"
    assert state(hass, "sensor.alex_adherence_7_days") == str(round(100 * 7 / 9, 1))
    # a late morning dose does not count for a closed window; turning the morning off does
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.alex_morning_dose_reminder"}, blocking=True
    )
    await hass.async_block_till_done()
    # evenings only: 2 of 4 days kept (tomorrow's evening still open)
    assert state(hass, "sensor.alex_adherence_7_days") == str(round(100 * 3 / 4, 1))
    assert state(hass, "sensor.alex_streak") == "1"


# -- calendar ------------------------------------------------------------------------------


async def test_calendar_shows_logged_and_planned_events(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    medicine = ConfigSubentryData(
        data={"medicine": "quinolone", "times": ["20:00"]},
        subentry_type="medicine",
        title="Quinolone antibiotics (20:00)",
        unique_id=None,
    )
    await setup(hass, freezer, at(12), medicine)
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.alex_epsom_bath_reminder"}, blocking=True
    )
    await call(hass, "log_dose", form="malate", amount_mg=150, taken_at=at(8))
    await call(hass, "log_bath", minutes=15, taken_at=at(19, days=-1))
    await call(hass, "log_topical", area="back")  # not on the calendar
    found = await events(hass, at(0, days=-1), at(0, days=2))
    assert short(found) == [
        ("09 19:00", "Taken: Epsom bath"),
        ("10 08:00", "Taken: 150 mg malate"),
        ("10 20:00", "Planned: Epsom bath"),
        # moved out of the antibiotic's window (14:00-22:00)
        ("10 22:00", "Planned: Evening magnesium, 150 mg glycinate"),
        ("11 08:00", "Planned: Morning magnesium, 150 mg malate"),
        ("11 20:00", "Planned: Epsom bath"),
        ("11 22:00", "Planned: Evening magnesium, 150 mg glycinate"),
    ]
    assert found[0]["end"] == at(19, 15, days=-1).isoformat()
    assert found[3]["description"] == (
        "Moved from 21:00 to 22:00 to keep it apart from your quinolone antibiotic at 20:00."
    )
    # a year ahead at most
    far = await events(hass, at(0, days=400), at(0, days=402))
    assert far == []
    # the next event is the calendar's state
    calendar = hass.states.get(CALENDAR)
    assert calendar is not None
    assert calendar.state == "off"
    assert calendar.attributes["message"] == "Planned: Epsom bath"
    await move(hass, freezer, at(20, 5))
    assert state(hass, CALENDAR) == "on"
    await call(hass, "log_bath")
    assert state(hass, CALENDAR) == "off"
    calendar = hass.states.get(CALENDAR)
    assert calendar is not None
    assert calendar.attributes["message"] == "Planned: Evening magnesium, 150 mg glycinate"


async def test_a_calendar_trigger_fires_for_a_planned_dose(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await setup(hass, freezer, at(20, 0))
    await call(hass, "log_dose", form="malate", amount_mg=150, taken_at=at(8))
    fired: list[ServiceCall] = []

    @callback
    def record(service: ServiceCall) -> None:
        fired.append(service)

    hass.services.async_register("test", "automation", record)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "triggers": {"trigger": "calendar", "event": "start", "entity_id": CALENDAR},
                "actions": {
                    "action": "test.automation",
                    "data": {"summary": "{{ trigger.calendar_event.summary }}"},
                },
            }
        },
    )
    await hass.async_block_till_done()
    for minutes in range(0, 80, 5):
        await move(hass, freezer, at(20, minutes))
    assert [service.data["summary"] for service in fired] == [
        "Planned: Evening magnesium, 150 mg glycinate"
    ]
    # detach the trigger (its refresh timer)
    await hass.services.async_call("automation", "turn_off", {"entity_id": "all"}, blocking=True)


async def test_the_calendar_moves_on_when_an_event_ends_without_a_change(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The event is worked out once per change, and again once it has ended."""
    await setup(hass, freezer, at(20, 0))
    await call(hass, "log_dose", form="malate", amount_mg=150, taken_at=at(8))
    await move(hass, freezer, at(21, 5))
    calendar = hass.states.get(CALENDAR)
    assert calendar is not None
    assert calendar.state == "on"
    assert calendar.attributes["message"].startswith("Planned: Evening magnesium")
    await move(hass, freezer, at(21, 20))  # the evening's quarter of an hour is over
    calendar = hass.states.get(CALENDAR)
    assert calendar is not None
    assert calendar.state == "off"
    assert calendar.attributes["message"].startswith("Planned: Morning magnesium")
    assert calendar.attributes["start_time"].startswith(
        (DAY + timedelta(days=1)).date().isoformat()
    )
