"""Medication spacing in a real Home Assistant: medicines, moved reminders, warnings, voice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.magnesium.const import DOMAIN, EVENT_DOSE_LOGGED

from .conftest import TIME_ZONE, call, make_entry
from .frontend import initial_data, serialized_schema, submitted

BERLIN = ZoneInfo(TIME_ZONE)
DAY = datetime(2026, 6, 10, tzinfo=BERLIN)  # a Wednesday
PHONE = "mobile_app_pixel"


def at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    """A Berlin wall-clock time on DAY (or days later)."""
    return DAY + timedelta(days=days, hours=hour, minutes=minute)


async def move(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    """Move the clock and let timers run."""
    freezer.move_to(moment)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def state(hass: HomeAssistant, entity_id: str) -> str:
    item = hass.states.get(entity_id)
    assert item is not None, entity_id
    return item.state


def attrs(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    item = hass.states.get(entity_id)
    assert item is not None, entity_id
    return dict(item.attributes)


def medicine(key: str, *times: str) -> ConfigSubentryData:
    return ConfigSubentryData(
        data={"medicine": key, "times": list(times)},
        subentry_type="medicine",
        title=key,
        unique_id=None,
    )


async def setup(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    start: datetime,
    *medicines: ConfigSubentryData,
    **options: Any,
) -> MockConfigEntry:
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(start)
    entry = make_entry(extra_options=options, subentries_data=list(medicines))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_medicine_subentry_flow_moves_the_evening_reminder(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = await setup(hass, freezer, at(12))
    assert datetime.fromisoformat(state(hass, "sensor.alex_next_dose")) == at(21)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "medicine"), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    # no medicine is chosen beforehand; the form asks for one
    assert "medicine" not in initial_data(serialized_schema(result))
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], submitted(result, {"times": "08:00"})
    )
    assert result["errors"] == {"medicine": "medicine_required"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"medicine": "quinolone", "times": "noon"}
    )
    assert result["errors"] == {"times": "invalid_times"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"medicine": "quinolone", "times": "20:00, 8:00"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    (subentry,) = entry.subentries.values()
    assert subentry.title == "Quinolone antibiotics (08:00, 20:00)"
    assert dict(subentry.data) == {
        "medicine": "quinolone",
        "times": ["08:00", "20:00"],
        "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    }
    # 21:00 is inside the 20:00 antibiotic's window (14:00-22:00): the next dose moves
    next_dose = hass.states.get("sensor.alex_next_dose")
    assert next_dose is not None
    assert datetime.fromisoformat(next_dose.state) == at(22)
    # tomorrow's 08:00 dose is inside tomorrow's 08:00 window (02:00-10:00)
    await move(hass, freezer, at(23))
    assert datetime.fromisoformat(state(hass, "sensor.alex_next_dose")) == at(10, days=1)
    # changed to 21:00 only: tomorrow's morning is free, the evening waits until 23:00
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "medicine"),
        context={"source": "reconfigure", "subentry_id": subentry.subentry_id},
    )
    assert result["type"] is FlowResultType.FORM
    # the form shows the medicine, its times and its days as they are
    assert initial_data(serialized_schema(result)) == {
        "medicine": "quinolone",
        "times": "08:00, 20:00",
        "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"medicine": "quinolone", "times": "25:00"}
    )
    assert result["errors"] == {"times": "invalid_times"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"medicine": "quinolone", "times": "21:00"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    subentry = entry.subentries[subentry.subentry_id]
    assert subentry.title == "Quinolone antibiotics (21:00)"
    assert datetime.fromisoformat(state(hass, "sensor.alex_next_dose")) == at(8, days=1)
    await move(hass, freezer, at(20, days=1))
    assert datetime.fromisoformat(state(hass, "sensor.alex_next_dose")) == at(23, days=1)
    # the medicine removed: the reminders are back at their own times
    hass.config_entries.async_remove_subentry(entry, subentry.subentry_id)
    await hass.async_block_till_done()
    assert datetime.fromisoformat(state(hass, "sensor.alex_next_dose")) == at(21, days=1)


async def test_a_weekly_alendronate_moves_the_reminder_on_its_day_only(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Alendronate is often taken weekly (facts.md): its window is there on its weekday only."""
    entry = await setup(hass, freezer, at(12))  # a Wednesday
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "medicine"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"medicine": "bisphosphonate", "times": "07:00", "weekdays": []}
    )
    assert result["errors"] == {"weekdays": "no_weekdays"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"medicine": "bisphosphonate", "times": "07:00", "weekdays": ["thu"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    (subentry,) = entry.subentries.values()
    assert subentry.title == "Bisphosphonates (Thu 07:00)"
    assert dict(subentry.data) == {
        "medicine": "bisphosphonate",
        "times": ["07:00"],
        "weekdays": ["thu"],
    }
    # the calendar: Thursday's morning dose at 09:00, after the window; Friday's at 08:00
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.alex_magnesium",
            "start_date_time": at(0, days=1).isoformat(),
            "end_date_time": at(12, days=2).isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    mornings = [
        datetime.fromisoformat(event["start"])
        for event in response["calendar.alex_magnesium"]["events"]
        if "Morning" in event["summary"]
    ]
    assert mornings == [at(9, days=1), at(8, days=2)]
    # Thursday's 08:00 dose is inside the 07:00 alendronate's window (05:00-09:00)
    await move(hass, freezer, at(23))
    assert datetime.fromisoformat(state(hass, "sensor.alex_next_dose")) == at(9, days=1)
    # Friday's is not: no alendronate on Fridays
    await move(hass, freezer, at(23, days=1))
    assert datetime.fromisoformat(state(hass, "sensor.alex_next_dose")) == at(8, days=2)
    # the next Thursday's is again
    await move(hass, freezer, at(23, days=7))
    assert datetime.fromisoformat(state(hass, "sensor.alex_next_dose")) == at(9, days=8)


async def test_log_medicine_never_guesses(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A part of a name that names two medicines asks; an unknown medicine has no advice."""
    await setup(hass, freezer, at(12))
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "log_medicine", medicine="levo")
    assert err.value.translation_key == "ambiguous_medicine"
    assert err.value.translation_placeholders == {
        "medicine": "levo",
        "medicines": "levofloxacin, levothyroxine",
    }
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "log_medicine", medicine="omeprazole")
    assert err.value.translation_key == "unknown_medicine"
    logged = await call(hass, "log_medicine", medicine="levothyroxine")
    assert logged["form"] == "levothyroxine"
    assert logged["allowed_from"] == at(16).astimezone(UTC).isoformat()


async def test_a_moved_reminder_says_why(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    phone = async_mock_service(hass, "notify", PHONE)
    await setup(hass, freezer, at(20), medicine("quinolone", "20:00"), notify_services=[PHONE])
    await call(hass, "log_dose", form="malate", amount_mg=150, taken_at=at(8).isoformat())
    await hass.async_block_till_done()
    phone.clear()  # the morning reminder, then its clearing
    await move(hass, freezer, at(21))
    assert state(hass, "binary_sensor.alex_evening_dose_due") == "off"
    assert phone == []
    await move(hass, freezer, at(22))
    assert state(hass, "binary_sensor.alex_evening_dose_due") == "on"
    due = attrs(hass, "binary_sensor.alex_evening_dose_due")
    message = (
        "Evening magnesium: 150 mg glycinate. 200 mg left today. Moved from 21:00 to 22:00 to "
        "keep it apart from your quinolone antibiotic at 20:00."
    )
    assert due["message"] == message
    assert due["moved_for"] == "quinolone"
    assert due["planned_at"] == at(21)
    event = attrs(hass, "event.alex_reminder")
    assert event["event_type"] == "evening_dose"
    assert event["moved_for"] == "quinolone"
    assert [item.data["message"] for item in phone] == [message]


async def test_a_reminder_moved_past_gabapentin_says_where_to(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Gabapentin keeps magnesium 2 hours away on both sides (facts.md): the dose moves to 10:00."""
    await setup(hass, freezer, at(7), medicine("gabapentin", "08:00"))
    await move(hass, freezer, at(8, 1))
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "off"
    await move(hass, freezer, at(10))
    assert state(hass, "binary_sensor.alex_morning_dose_due") == "on"
    assert attrs(hass, "binary_sensor.alex_morning_dose_due")["message"] == (
        "Morning magnesium: 150 mg malate. 350 mg left today. "
        "Moved from 08:00 to 10:00 to keep it apart from your gabapentin at 08:00."
    )


async def test_a_dose_inside_a_window_is_logged_with_a_warning(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await setup(hass, freezer, at(9), medicine("tetracycline", "10:00"))
    assert state(hass, "binary_sensor.alex_dose_too_close_to_a_medicine") == "off"
    logged: list[Event] = []

    @callback
    def remember(event: Event) -> None:
        logged.append(event)

    hass.bus.async_listen(EVENT_DOSE_LOGGED, remember)
    response = await call(hass, "log_dose", form="malate", amount_mg=150)
    # logged all the same
    assert response["oral_today_mg"] == 150.0
    assert len(logged) == 1
    assert response["warning"] == {
        "message": (
            "This dose is too close to your tetracycline at 10:00; magnesium is allowed again "
            "from 12:00."
        ),
        "medicine": "tetracycline",
        "medicine_at": at(10).astimezone(ZoneInfo("UTC")).isoformat(),
        "allowed_from": at(12).astimezone(ZoneInfo("UTC")).isoformat(),
        "planned": True,
    }
    assert state(hass, "binary_sensor.alex_dose_too_close_to_a_medicine") == "on"
    sensor = attrs(hass, "binary_sensor.alex_dose_too_close_to_a_medicine")
    assert sensor["medicine"] == "tetracycline"
    assert datetime.fromisoformat(sensor["allowed_from"]) == at(12)
    event = attrs(hass, "event.alex_reminder")
    assert event["event_type"] == "spacing_conflict"
    assert event["medicine"] == "tetracycline"
    assert event["record_id"] == response["record_id"]
    # undone: nothing is too close any more
    await call(hass, "undo")
    await hass.async_block_till_done()
    assert state(hass, "binary_sensor.alex_dose_too_close_to_a_medicine") == "off"
    # outside the window: no warning
    freezer.move_to(at(12, 30))
    response = await call(hass, "log_dose", form="malate", amount_mg=150)
    assert "warning" not in response
    assert state(hass, "binary_sensor.alex_dose_too_close_to_a_medicine") == "off"


async def test_log_medicine_opens_a_window_and_can_be_undone(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await setup(hass, freezer, at(12))
    with pytest.raises(ServiceValidationError):
        await call(hass, "log_medicine", medicine="aspirin")
    with pytest.raises(ServiceValidationError):
        await call(hass, "log_medicine", medicine="diuretics")  # ask a doctor, no spacing
    response = await call(hass, "log_medicine", medicine="Ciprofloxacin")
    assert response["kind"] == "medicine"
    assert response["form"] == "quinolone"
    assert datetime.fromisoformat(response["allowed_from"]) == at(14)
    # not intake
    assert state(hass, "sensor.alex_oral_magnesium_today") == "0.0"
    freezer.move_to(at(13))
    dose = await call(hass, "log_dose", form="glycinate", amount_mg=100)
    assert dose["warning"]["medicine"] == "quinolone"
    assert dose["warning"]["planned"] is False
    # a back-dated dose 5 hours before the antibiotic is too close as well (6 h before)
    early = await call(hass, "log_dose", form="glycinate", amount_mg=50, taken_at=at(7).isoformat())
    assert early["warning"]["medicine"] == "quinolone"
    log = await call(hass, "get_log")
    assert [record["kind"] for record in log["records"]] == ["oral", "medicine", "oral"]
    await call(hass, "undo")  # the dose at 13:00
    await call(hass, "undo")  # the back-dated dose
    removed = await call(hass, "undo")
    assert removed["removed"]["kind"] == "medicine"
    freezer.move_to(at(13, 30))
    response = await call(hass, "log_dose", form="glycinate", amount_mg=100)
    assert "warning" not in response


async def test_the_doctor_notice_setting(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = await setup(hass, freezer, at(12))
    issues = ir.async_get(hass)
    issue_id = f"ask_doctor_{entry.entry_id}"
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"daily_limit": 350, "daily_target": 300, "ask_doctor": True},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "ask_doctor"
    assert issue.severity is ir.IssueSeverity.WARNING
    # it stays across a reload
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, issue_id) is not None
    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"], {"daily_limit": 350, "daily_target": 300, "ask_doctor": False}
    )
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, issue_id) is None


async def test_removing_the_entry_removes_the_notice(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = await setup(hass, freezer, at(12), ask_doctor=True)
    issue_id = f"ask_doctor_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


# -- voice ---------------------------------------------------------------------------------


async def ask(hass: HomeAssistant, text: str, language: str = "en") -> str:
    result = await conversation.async_converse(hass, text, None, Context(), language=language)
    speech = result.response.speech["plain"]["speech"]
    assert isinstance(speech, str)
    return speech


@pytest.mark.parametrize(
    ("language", "question", "allowed_question", "allowed_now", "command", "wait", "logged"),
    [
        (
            "en",
            "When is my next dose?",
            "When can I take magnesium again?",
            "Alex can take magnesium now; no medicine needs it kept apart at the moment.",
            "I took 100 milligrams of magnesium glycinate",
            "Magnesium should wait until 22:00, to keep it apart from the bisphosphonate at 20:00."
            " Ask your doctor or pharmacist if you are unsure.",
            "This dose was too close to the bisphosphonate at 20:00; magnesium is allowed again "
            "from 22:00. Ask your doctor or pharmacist if you are unsure.",
        ),
        (
            "de",
            "Wann ist meine nächste Dosis?",
            "Wann darf ich wieder Magnesium nehmen?",
            "Alex kann jetzt Magnesium nehmen; gerade braucht kein Medikament Abstand.",
            "Ich habe 100 Milligramm Magnesiumglycinat genommen",
            "Magnesium sollte bis 22:00 Uhr warten, mit Abstand zu dem Bisphosphonat um 20:00 Uhr."
            " Frag deinen Arzt oder Apotheker, wenn du dir unsicher bist.",
            "Diese Dosis war zu nah an dem Bisphosphonat um 20:00 Uhr; Magnesium ist wieder ab "
            "22:00 Uhr erlaubt. Frag deinen Arzt oder Apotheker, wenn du dir unsicher bist.",
        ),
    ],
)
async def test_voice_says_when_magnesium_is_allowed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    language: str,
    question: str,
    allowed_question: str,
    allowed_now: str,
    command: str,
    wait: str,
    logged: str,
) -> None:
    hass.config.language = language
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    await setup(hass, freezer, at(12))
    answer = await ask(hass, question, language)
    assert "22:00" not in answer
    assert await ask(hass, allowed_question, language) == allowed_now
    await call(hass, "log_medicine", medicine="alendronate", taken_at=at(12).isoformat())
    freezer.move_to(at(20))
    await call(hass, "log_medicine", medicine="alendronate")
    answer = await ask(hass, question, language)
    assert answer.endswith(wait), answer
    assert await ask(hass, allowed_question, language) == wait
    freezer.move_to(at(21))
    answer = await ask(hass, command, language)
    assert answer.endswith(logged), answer
    # at the limit, the answer says so instead
    await call(hass, "log_dose", form="glycinate", amount_mg=250)
    answer = await ask(hass, allowed_question, language)
    assert "350" in answer, answer


# -- products and buttons ----------------------------------------------------------------


async def test_buttons_products_and_voice_warn_inside_a_window(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Every way of logging a dose checks the spacing: a button press, a product's units by
    action and by voice; products and medicines are subentries of the same entry."""
    from .test_products import GLYCINATE, product_subentry

    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    entry = await setup(
        hass,
        freezer,
        at(9),
        medicine("tetracycline", "10:00"),
        product_subentry(GLYCINATE, "glyc"),
    )
    assert {item.subentry_type for item in entry.subentries.values()} == {"medicine", "product"}
    # the morning reminder (08:00) waits for the tetracycline's window (06:00-12:00)
    assert datetime.fromisoformat(state(hass, "sensor.alex_next_dose")) == at(12)

    # a button press inside the window: logged, and warned about as after "Taken"
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.alex_log_morning_dose"}, blocking=True
    )
    await hass.async_block_till_done()
    (pressed,) = (await call(hass, "get_log"))["records"]
    assert pressed["source"] == "button"
    assert state(hass, "binary_sensor.alex_dose_too_close_to_a_medicine") == "on"
    event = attrs(hass, "event.alex_reminder")
    assert event["event_type"] == "spacing_conflict"
    assert event["record_id"] == pressed["id"]
    assert event["medicine"] == "tetracycline"
    assert datetime.fromisoformat(event["allowed_from"]) == at(12)
    await call(hass, "undo")
    await hass.async_block_till_done()
    assert state(hass, "binary_sensor.alex_dose_too_close_to_a_medicine") == "off"

    # a product's units by action: the stock and the warning
    response = await call(hass, "log_dose", product="glycinate", units=1)
    assert response["stock"] == 19
    assert response["warning"]["medicine"] == "tetracycline"
    assert state(hass, "binary_sensor.alex_dose_too_close_to_a_medicine") == "on"
    await call(hass, "undo")

    # by voice: the answer says the stock, then the window
    answer = await ask(hass, "I took one capsule of my glycinate")
    assert answer.startswith("Logged 1 capsule of Doctor's Best glycinate"), answer
    assert answer.endswith(
        "This dose was too close to the tetracycline at 10:00; magnesium is allowed again "
        "from 12:00. Ask your doctor or pharmacist if you are unsure."
    ), answer
    assert state(hass, "binary_sensor.alex_dose_too_close_to_a_medicine") == "on"

    # outside the window: no warning, and the spacing sensor turns off with the newer dose
    freezer.move_to(at(12, 30))
    response = await call(hass, "log_dose", product="glycinate", units=1)
    assert "warning" not in response
    assert response["stock"] == 18
    assert state(hass, "binary_sensor.alex_dose_too_close_to_a_medicine") == "off"


async def test_a_dose_the_spacing_takes_whole_is_not_missed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """An antibiotic at 23:00 blocks 17:00-01:00: the evening dose (21:00) has no time left.

    It is not reminded of, not on the calendar, and does not count as missed.
    """
    await setup(hass, freezer, at(7), medicine("quinolone", "23:00"))
    for days in (0, 1):
        await move(hass, freezer, at(8, days=days))
        await call(hass, "log_dose", form="malate", amount_mg=150)
        await move(hass, freezer, at(23, 30, days=days))
        assert state(hass, "binary_sensor.alex_evening_dose_due") == "off"
    await move(hass, freezer, at(7, days=2))
    assert state(hass, "sensor.alex_adherence_7_days") == "100.0"
    assert attrs(hass, "sensor.alex_adherence_7_days")["planned"] == 2
    assert state(hass, "sensor.alex_streak") == "2"
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.alex_magnesium",
            "start_date_time": at(0, days=2).isoformat(),
            "end_date_time": at(0, days=5).isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    summaries = [event["summary"] for event in response["calendar.alex_magnesium"]["events"]]
    assert summaries
    assert all("Evening" not in summary for summary in summaries), summaries
    # a dose taken in the window all the same counts, as any kept one (the morning's window
    # closed at 14:30 without one)
    await move(hass, freezer, at(15, days=2))
    await call(hass, "log_dose", form="glycinate", amount_mg=100)
    kept = attrs(hass, "sensor.alex_adherence_7_days")
    assert (kept["planned"], kept["kept"]) == (4, 3)


async def test_a_medicine_logged_soon_after_magnesium_warns(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Magnesium at 09:00, then a tetracycline at 11:00 (it wants 4 h after magnesium)."""
    await setup(hass, freezer, at(9))
    await call(hass, "log_dose", form="glycinate", amount_mg=100)
    freezer.move_to(at(11))
    response = await call(hass, "log_medicine", medicine="doxycycline")
    warning = response["warning"]
    assert warning["medicine"] == "tetracycline"
    assert datetime.fromisoformat(warning["dose_at"]) == at(9)
    assert warning["message"] == (
        "The magnesium taken at 09:00 is too close to this tetracycline at 11:00; "
        "magnesium is allowed again from 13:00."
    )
    await hass.async_block_till_done()
    event = attrs(hass, "event.alex_reminder")
    assert event["event_type"] == "spacing_conflict"
    assert event["dose_at"] == at(9).astimezone(UTC).isoformat()
    assert state(hass, "binary_sensor.alex_dose_too_close_to_a_medicine") == "on"
    # far enough apart: no warning
    freezer.move_to(at(15))
    response = await call(hass, "log_medicine", medicine="doxycycline")
    assert "warning" not in response


async def test_the_calendar_keeps_to_the_next_days_medicine_too(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """An antibiotic at 01:00 blocks 19:00-03:00 of the evening before: on every day ahead,
    tomorrow and later, the 21:00 dose has no time left, as the reminders have it."""
    await setup(hass, freezer, at(7), medicine("quinolone", "01:00"))
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.alex_magnesium",
            "start_date_time": at(0).isoformat(),
            "end_date_time": at(0, days=4).isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    events = response["calendar.alex_magnesium"]["events"]
    assert [event["summary"].split(", ")[0] for event in events] == [
        "Planned: Morning magnesium"
    ] * 4
    # today's evening the reminders hold too
    await move(hass, freezer, at(22))
    assert state(hass, "binary_sensor.alex_evening_dose_due") == "off"
