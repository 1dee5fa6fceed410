"""Reminders in a real Home Assistant: whole days walked with a frozen clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.magnesium.compat import vol
from custom_components.magnesium.const import DOMAIN

from .conftest import TIME_ZONE, call, make_entry

BERLIN = ZoneInfo(TIME_ZONE)
DAY = datetime(2026, 6, 10, tzinfo=BERLIN)  # a Wednesday
PHONE = "mobile_app_pixel"
TABLET = "mobile_app_tablet"


def at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    """A Berlin wall-clock time on DAY (or days later)."""
    return DAY + timedelta(days=days, hours=hour, minutes=minute)


async def move(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    """Move the clock and let timers run."""
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def state(hass: HomeAssistant, entity_id: str) -> str:
    """An entity's state."""
    item = hass.states.get(entity_id)
    assert item is not None, entity_id
    return item.state


def attrs(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    """An entity's attributes."""
    item = hass.states.get(entity_id)
    assert item is not None, entity_id
    return dict(item.attributes)


class Phones:
    """Test notify services standing in for the companion app, plus notify entities."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Register the services."""
        self.calls: dict[str, list[ServiceCall]] = {
            PHONE: async_mock_service(hass, "notify", PHONE),
            TABLET: async_mock_service(hass, "notify", TABLET),
            "send_message": async_mock_service(hass, "notify", "send_message"),
        }

    def sent(self, target: str = PHONE) -> list[dict[str, Any]]:
        """Reminders (not clears) a target got."""
        return [
            dict(item.data)
            for item in self.calls[target]
            if item.data.get("message") != "clear_notification"
        ]

    def cleared(self, target: str = PHONE) -> list[str]:
        """Tags a target was asked to clear."""
        return [
            item.data["data"]["tag"]
            for item in self.calls[target]
            if item.data.get("message") == "clear_notification"
        ]


@pytest.fixture
async def phones(hass: HomeAssistant) -> Phones:
    """Notify targets."""
    return Phones(hass)


async def setup(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    start: datetime,
    **options: Any,
) -> MockConfigEntry:
    """Set up Alex's entry at ``start`` with extra options."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(start)
    entry = make_entry(extra_options=options)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


NOTIFY = {"notify_services": [PHONE, f"notify.{TABLET}"], "notify_entities": ["notify.kitchen"]}


def action_id(phones: Phones, verb: str) -> str:
    """The id of a button in the last reminder the phone got."""
    actions = phones.sent()[-1]["data"]["actions"]
    return next(item["action"] for item in actions if item["action"].split("_")[1] == verb)


async def press(hass: HomeAssistant, action: str) -> None:
    """A companion app reports a pressed notification button."""
    hass.bus.async_fire("mobile_app_notification_action", {"action": action})
    await hass.async_block_till_done()


async def test_a_day_of_reminders(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, phones: Phones
) -> None:
    await setup(hass, freezer, at(7), **NOTIFY)
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "off"
    assert state(hass, "event.alex_reminder") == "unknown"
    next_dose = hass.states.get("sensor.alex_next_dose")
    assert next_dose is not None
    assert datetime.fromisoformat(next_dose.state) == at(8)
    assert next_dose.attributes["amount_mg"] == 150.0
    assert next_dose.attributes["form"] == "malate"

    await move(hass, freezer, at(8))
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "on"
    due = attrs(hass, "binary_sensor.alex_morning_dose_due")
    assert due["amount_mg"] == 150.0
    assert due["form"] == "malate"
    assert due["message"] == "Morning magnesium: 150 mg malate. 350 mg left today."
    event = attrs(hass, "event.alex_reminder")
    assert event["event_type"] == "morning_dose"
    assert event["amount_mg"] == 150.0
    assert event["form"] == "malate"
    # the phone got it with three buttons and a tag; the notify entity got the text
    [sent] = phones.sent()
    assert sent["title"] == "Morning magnesium"
    assert sent["message"] == "Morning magnesium: 150 mg malate. 350 mg left today."
    assert [item["title"] for item in sent["data"]["actions"]] == ["Taken", "Snooze", "Skip"]
    assert sent["data"]["tag"].endswith("_morning_20260610")
    assert len(phones.sent(TABLET)) == 1
    [entity_call] = phones.sent("send_message")
    assert entity_call["entity_id"] == ["notify.kitchen"]

    # a dose logged from the dashboard satisfies the slot and clears the phones
    await call(hass, "log_dose", form="malate", amount_mg=150)
    await hass.async_block_till_done()
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "off"
    assert phones.cleared() == [sent["data"]["tag"]]
    assert phones.cleared(TABLET) == [sent["data"]["tag"]]

    await move(hass, freezer, at(21))
    assert state(hass, "binary_sensor.alex_evening_dose_due") == "on"
    assert attrs(hass, "event.alex_reminder")["event_type"] == "evening_dose"
    assert phones.sent()[-1]["message"] == (
        "Evening magnesium: 150 mg glycinate. 200 mg left today."
    )
    await move(hass, freezer, at(23, 59))
    assert state(hass, "binary_sensor.alex_evening_dose_due") == "on"
    # the day ends: nothing is due any more, nothing was sent twice
    await move(hass, freezer, at(0, 0, days=1) + timedelta(seconds=1))
    assert state(hass, "binary_sensor.alex_evening_dose_due") == "off"
    assert len(phones.sent()) == 2


async def test_taken_on_the_phone_logs_exactly_one_dose(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, phones: Phones
) -> None:
    await setup(hass, freezer, at(20), **NOTIFY)
    await call(hass, "log_dose", form="malate", amount_mg=150, taken_at=at(9).isoformat())
    await move(hass, freezer, at(21))
    taken = action_id(phones, "TAKEN")
    # pressed twice on one phone and once on the other, all at once
    for _ in range(3):
        hass.bus.async_fire("mobile_app_notification_action", {"action": taken})
    await hass.async_block_till_done()
    log = await call(hass, "get_log")
    evening = [
        item for item in log["records"] if datetime.fromisoformat(item["taken_at"]) >= at(20)
    ]
    assert len(evening) == 1
    assert evening[0]["source"] == "notification"
    assert evening[0]["form"] == "glycinate"
    assert evening[0]["elemental_mg"] == 150.0
    assert state(hass, "binary_sensor.alex_evening_dose_due") == "off"
    assert state(hass, "sensor.alex_oral_magnesium_today") == "300.0"
    assert len(phones.cleared()) == 2  # the morning one (logged before) and this one
    assert len(phones.cleared(TABLET)) == 2
    # later presses of the same button do nothing either
    await press(hass, taken)
    assert len((await call(hass, "get_log"))["records"]) == 2


async def test_snooze_sends_again_after_the_delay_and_skip_clears_the_slot(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, phones: Phones
) -> None:
    await setup(hass, freezer, at(7, 59), snooze_minutes=20, **NOTIFY)
    await move(hass, freezer, at(8))
    await press(hass, action_id(phones, "SNOOZE"))
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "on"
    assert attrs(hass, "binary_sensor.alex_morning_dose_due")["snoozed_until"] == at(8, 20)
    assert len(phones.cleared()) == 1
    await move(hass, freezer, at(8, 19))
    assert len(phones.sent()) == 1
    await move(hass, freezer, at(8, 20))
    assert len(phones.sent()) == 2
    assert attrs(hass, "event.alex_reminder")["event_type"] == "morning_dose"
    await press(hass, action_id(phones, "SKIP"))
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "off"
    await move(hass, freezer, at(13))
    assert len(phones.sent()) == 2
    # nothing was logged
    assert (await call(hass, "get_log"))["records"] == []


async def test_foreign_and_stale_actions_are_ignored(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, phones: Phones
) -> None:
    entry = await setup(hass, freezer, at(7, 59), **NOTIFY)
    await move(hass, freezer, at(8))
    taken = action_id(phones, "TAKEN")
    other_entry = taken.replace(entry.entry_id, "01JDC3V8Q7G6ZB3R9W2XKM4TNS")
    for action in (
        "OPEN_GARAGE",
        "MAGNESIUM_TAKEN",
        other_entry,
        taken.replace("20260610", "20260609"),  # yesterday's
        taken.replace("MORNING", "EVENING"),  # not sent today
        taken.replace("MORNING", "LUNCH"),
    ):
        await press(hass, action)
    hass.bus.async_fire("mobile_app_notification_action", {"action": 7})
    await hass.async_block_till_done()
    assert (await call(hass, "get_log"))["records"] == []
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "on"
    # yesterday's button pressed the next day does nothing
    await move(hass, freezer, at(8, days=1))
    await press(hass, taken)
    assert (await call(hass, "get_log"))["records"] == []


async def test_limit_reached_says_so_and_offers_no_taken_button(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, phones: Phones
) -> None:
    await setup(hass, freezer, at(20), **NOTIFY)
    await call(hass, "log_dose", form="citrate", amount_mg=350, taken_at=at(9).isoformat())
    await move(hass, freezer, at(21))
    assert attrs(hass, "event.alex_reminder")["event_type"] == "limit_reached"
    due = attrs(hass, "binary_sensor.alex_evening_dose_due")
    assert due["limit_reached"] is True
    assert due["amount_mg"] == 0.0
    sent = phones.sent()[-1]
    assert "350 mg is reached" in sent["message"]
    assert [item["title"] for item in sent["data"]["actions"]] == ["Snooze", "Skip"]


async def test_capped_suggestion(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, phones: Phones
) -> None:
    await setup(hass, freezer, at(20))
    await call(hass, "log_dose", form="citrate", amount_mg=280, taken_at=at(9).isoformat())
    await move(hass, freezer, at(21))
    due = attrs(hass, "binary_sensor.alex_evening_dose_due")
    assert due["amount_mg"] == 70.0
    assert due["message"] == "Evening magnesium: 70 mg glycinate. 70 mg left today."
    # no notify targets: nothing was sent, the event still fired
    assert phones.sent() == []
    assert attrs(hass, "event.alex_reminder")["event_type"] == "evening_dose"


async def test_entities_change_the_plan_and_survive_a_reload(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    entry = await setup(hass, freezer, at(7))
    assert state(hass, "time.alex_morning_dose_time") == "08:00:00"
    assert state(hass, "time.alex_evening_dose_time") == "21:00:00"
    assert state(hass, "number.alex_morning_dose_amount") == "150.0"
    assert state(hass, "select.alex_evening_dose_form") == "glycinate"
    assert state(hass, "switch.alex_epsom_bath_reminder") == "off"
    await hass.services.async_call(
        "time",
        "set_value",
        {"entity_id": "time.alex_morning_dose_time", "time": "09:30"},
        blocking=True,
    )
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.alex_morning_dose_amount", "value": 120},
        blocking=True,
    )
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.alex_morning_dose_form", "option": "citrate"},
        blocking=True,
    )
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.alex_evening_dose_reminder"}, blocking=True
    )
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.alex_epsom_bath_reminder"}, blocking=True
    )
    next_dose = hass.states.get("sensor.alex_next_dose")
    assert next_dose is not None
    assert datetime.fromisoformat(next_dose.state) == at(9, 30)
    assert next_dose.attributes == {
        **next_dose.attributes,
        "amount_mg": 120.0,
        "form": "citrate",
        "slot": "morning",
    }
    await move(hass, freezer, at(9, 30))
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "on"
    await move(hass, freezer, at(9, 31))  # the morning reminder went out before the reload

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass_storage[f"{DOMAIN}.{entry.entry_id}.reminders"]["data"]["slots"]["morning"] == {
        "at": "09:30:00",
        "enabled": True,
        "amount_mg": 120.0,
        "form": "citrate",
    }
    assert state(hass, "time.alex_morning_dose_time") == "09:30:00"
    assert state(hass, "number.alex_morning_dose_amount") == "120.0"
    assert state(hass, "select.alex_morning_dose_form") == "citrate"
    assert state(hass, "switch.alex_evening_dose_reminder") == "off"
    assert state(hass, "switch.alex_epsom_bath_reminder") == "on"
    # still due after the reload, and not announced a second time
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "on"
    fired = state(hass, "event.alex_reminder")
    await move(hass, freezer, at(9, 40))
    assert state(hass, "event.alex_reminder") == fired
    # the evening reminder is off: never due
    await move(hass, freezer, at(21, 30))
    assert state(hass, "binary_sensor.alex_evening_dose_due") == "off"


async def test_epsom_bath_on_its_days(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, phones: Phones
) -> None:
    await setup(hass, freezer, at(7), bath_weekdays=["wed"], **NOTIFY)
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.alex_epsom_bath_reminder"}, blocking=True
    )
    await move(hass, freezer, at(20))
    assert state(hass, "binary_sensor.alex_epsom_bath_due") == "on"
    message = attrs(hass, "binary_sensor.alex_epsom_bath_due")["message"]
    assert "about two cups (300-500 g)" in message
    assert "12-20 minutes" in message
    assert "does not count toward the limit" in message
    assert attrs(hass, "event.alex_reminder")["event_type"] == "epsom_bath"
    bath = next(item for item in phones.sent() if item["title"] == "Epsom bath")
    await press(hass, bath["data"]["actions"][0]["action"])  # Taken
    assert state(hass, "binary_sensor.alex_epsom_bath_due") == "off"
    assert state(hass, "sensor.alex_last_epsom_bath") != "unknown"
    # Thursday: no bath planned
    await move(hass, freezer, at(20, days=1))
    assert state(hass, "binary_sensor.alex_epsom_bath_due") == "off"


async def test_skip_and_snooze_actions(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await setup(hass, freezer, at(7))
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "snooze_reminder", {"reminder": "morning"}, blocking=True
        )
    assert err.value.translation_key == "reminder_not_due"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "skip_reminder", {"reminder": "lunch"}, blocking=True
        )
    assert err.value.translation_key == "unknown_reminder"
    await move(hass, freezer, at(8))
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "snooze_reminder", {"reminder": "morning", "minutes": 0.5}, blocking=True
        )
    assert err.value.translation_key == "snooze_invalid"
    assert "from 1 to 240" in str(err.value)
    with pytest.raises(vol.Invalid):  # true is no number of minutes
        await hass.services.async_call(
            DOMAIN, "snooze_reminder", {"reminder": "morning", "minutes": True}, blocking=True
        )
    await hass.services.async_call(
        DOMAIN, "snooze_reminder", {"reminder": "morning", "minutes": 10}, blocking=True
    )
    assert attrs(hass, "binary_sensor.alex_morning_dose_due")["snoozed_until"] == at(8, 10)
    await hass.services.async_call(DOMAIN, "skip_reminder", {"reminder": "morning"}, blocking=True)
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "off"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "skip_reminder", {"reminder": "morning"}, blocking=True
        )
    assert err.value.translation_key == "reminder_settled"


async def test_start_low_plan_sets_the_daily_target(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await setup(hass, freezer, at(7))
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "daily_limit": 350,
            "daily_target": 300,
            "start_low": {"ramp": True, "ramp_start": 100, "ramp_step": 50, "ramp_every_days": 7},
        },
    )
    await hass.async_block_till_done()
    assert entry.options["ramp_first_day"] == "2026-06-10"
    assert state(hass, "sensor.alex_daily_target") == "100.0"
    assert attrs(hass, "sensor.alex_daily_target")["full_target_mg"] == 300.0
    await move(hass, freezer, at(8))
    assert attrs(hass, "binary_sensor.alex_morning_dose_due")["amount_mg"] == 50.0
    await move(hass, freezer, at(8, days=14))
    assert state(hass, "sensor.alex_daily_target") == "200.0"
    assert attrs(hass, "binary_sensor.alex_morning_dose_due")["amount_mg"] == 100.0
    # saving the options again keeps the plan's first day
    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"daily_limit": 350, "daily_target": 300, "start_low": {"ramp": True}},
    )
    await hass.async_block_till_done()
    assert entry.options["ramp_first_day"] == "2026-06-10"
    await move(hass, freezer, at(8, days=35))
    assert state(hass, "sensor.alex_daily_target") == "300.0"


async def test_side_effects_advise_in_reminders_and_a_repair_notice(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, issue_registry: ir.IssueRegistry
) -> None:
    entry = await setup(hass, freezer, at(7))
    response = await call(hass, "log_side_effect", symptom="Diarrhoea", note="after breakfast")
    assert response["form"] == "diarrhoea"
    assert response["side_effects_7d"] == 1
    assert "switch to glycinate" in response["advice"]
    assert state(hass, "sensor.alex_side_effects_7_days") == "1"
    issue = issue_registry.async_get_issue(DOMAIN, f"side_effects_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {"name": "Alex", "count": "1"}
    # side effects are not intake
    assert state(hass, "sensor.alex_oral_magnesium_today") == "0.0"
    await move(hass, freezer, at(8))
    message = attrs(hass, "binary_sensor.alex_morning_dose_due")["message"]
    assert message.endswith(
        "You logged side effects this week: reduce the dose or switch to glycinate, "
        "and see a doctor if they go on."
    )
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "log_side_effect", symptom="headache")
    assert err.value.translation_key == "unknown_symptom"
    # seven days later the count is back to 0 and the notice is gone
    await move(hass, freezer, at(8, days=7))
    assert state(hass, "sensor.alex_side_effects_7_days") == "0"
    assert issue_registry.async_get_issue(DOMAIN, f"side_effects_{entry.entry_id}") is None
    assert "side effects" not in attrs(hass, "binary_sensor.alex_morning_dose_due")["message"]


async def test_a_missing_notify_service_is_logged_not_raised(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    await setup(hass, freezer, at(7, 59), notify_services=["mobile_app_gone"])
    await move(hass, freezer, at(8))
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "on"
    assert "notify.mobile_app_gone" in caplog.text


async def test_a_person_added_in_the_evening_has_not_missed_the_morning(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, phones: Phones
) -> None:
    """Added at 20:45 through the config flow: the morning (08:00) was never due that day."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(at(20, 45))
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Alex", "daily_limit": 350, "daily_target": 300}
    )
    entry = result["result"]
    await hass.async_block_till_done()
    hass.config_entries.async_update_entry(entry, options={**entry.options, **NOTIFY})
    await hass.async_block_till_done()
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "off"
    assert state(hass, "event.alex_reminder") == "unknown"
    assert phones.sent() == []
    assert state(hass, "sensor.alex_adherence_7_days") == "unknown"
    assert attrs(hass, "sensor.alex_adherence_7_days")["planned"] == 0
    # the evening dose (21:00) is still to come that day, and is reminded of
    await move(hass, freezer, at(21))
    assert state(hass, "binary_sensor.alex_evening_dose_due") == "on"
    assert [item["title"] for item in phones.sent()] == ["Evening magnesium"]
    await call(hass, "log_dose", form="glycinate", amount_mg=150)
    await hass.async_block_till_done()
    assert state(hass, "sensor.alex_adherence_7_days") == "100.0"
    assert attrs(hass, "sensor.alex_adherence_7_days")["planned"] == 1
    # the first day is complete with its one reminder; the next day reminds of both
    await move(hass, freezer, at(12, days=1))
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "on"
    assert state(hass, "sensor.alex_streak") == "1"
    await move(hass, freezer, at(15, days=1))  # the morning window closed without a dose
    assert attrs(hass, "sensor.alex_adherence_7_days")["planned"] == 2
    assert attrs(hass, "sensor.alex_adherence_7_days")["kept"] == 1


async def test_an_entry_made_before_a_reminder_time_still_gets_it(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, phones: Phones
) -> None:
    """Made at 07:30: the morning at 08:00 is reminded of and counted as usual."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(at(7, 30))
    entry = make_entry(extra_options=NOTIFY, created_at=at(7, 30))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await move(hass, freezer, at(15))
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "on"
    assert [item["title"] for item in phones.sent()] == ["Morning magnesium"]
    assert attrs(hass, "sensor.alex_adherence_7_days")["planned"] == 1
