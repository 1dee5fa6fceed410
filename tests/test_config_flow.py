"""The config and options flows."""

from __future__ import annotations

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.magnesium.const import (
    CONF_DAILY_LIMIT,
    CONF_DAILY_TARGET,
    CONF_PERSON,
    DOMAIN,
)

from .conftest import make_entry
from .frontend import serialized_schema, submitted

USER_INPUT = {
    "name": "Alex",
    CONF_PERSON: "person.alex",
    CONF_DAILY_LIMIT: 350,
    CONF_DAILY_TARGET: 300,
}


async def _start(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result["flow_id"]


async def test_user_flow_creates_entry(hass: HomeAssistant) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, USER_INPUT)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Alex"
    assert result["data"] == {}
    assert result["options"] == {
        CONF_PERSON: "person.alex",
        CONF_DAILY_LIMIT: 350.0,
        CONF_DAILY_TARGET: 300.0,
    }
    entry = result["result"]
    assert entry.unique_id == "person.alex"
    await hass.async_block_till_done()
    assert hass.states.get("sensor.alex_daily_limit").state == "350.0"


async def test_user_flow_without_person_uses_name(hass: HomeAssistant) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"name": "  Sam ", CONF_DAILY_LIMIT: 250, CONF_DAILY_TARGET: 200}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Sam"
    assert result["options"][CONF_PERSON] is None
    assert result["result"].unique_id == "name:sam"


async def test_user_flow_errors_then_recovers(hass: HomeAssistant) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**USER_INPUT, CONF_DAILY_TARGET: 300, CONF_DAILY_LIMIT: 250}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_DAILY_TARGET: "target_over_limit"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**USER_INPUT, "name": "   ", CONF_DAILY_LIMIT: 250, CONF_DAILY_TARGET: 200}
    )
    assert result["errors"] == {"name": "name_required"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**USER_INPUT, CONF_DAILY_LIMIT: 250, CONF_DAILY_TARGET: 250}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"][CONF_DAILY_LIMIT] == 250.0


async def test_duplicate_person_is_an_error_on_the_person_field(hass: HomeAssistant) -> None:
    """Everything typed stays (the person was taken while the form was open)."""
    flow_id = await _start(hass)
    make_entry(title="Alex", person="person.alex").add_to_hass(hass)
    typed = {**USER_INPUT, "name": "Alex again", CONF_DAILY_LIMIT: 300, CONF_DAILY_TARGET: 250}
    result = await hass.config_entries.flow.async_configure(flow_id, typed)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_PERSON: "person_in_use"}
    # the form comes back as it was typed
    fields = {field["name"]: field for field in serialized_schema(result)}
    assert fields["name"]["default"] == "Alex again"
    assert fields[CONF_DAILY_LIMIT]["default"] == 300
    assert fields[CONF_PERSON]["description"]["suggested_value"] == "person.alex"
    assert fields[CONF_PERSON]["selector"]["entity"]["exclude_entities"] == ["person.alex"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**typed, CONF_PERSON: "person.sam"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Alex again"
    assert result["options"][CONF_DAILY_LIMIT] == 300.0


async def test_person_picker_leaves_out_persons_already_followed(hass: HomeAssistant) -> None:
    make_entry(title="Alex", person="person.alex").add_to_hass(hass)
    make_entry(title="Sam").add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    fields = {field["name"]: field for field in serialized_schema(result)}
    assert fields[CONF_PERSON]["selector"]["entity"]["exclude_entities"] == ["person.alex"]


async def test_duplicate_name_without_person_is_an_error_on_the_name(hass: HomeAssistant) -> None:
    make_entry(title="Sam").add_to_hass(hass)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"name": "sam", CONF_DAILY_LIMIT: 350, CONF_DAILY_TARGET: 300}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"name": "name_in_use"}


async def test_user_flow_as_the_frontend_fills_it(hass: HomeAssistant) -> None:
    """The add dialog, with only a name typed, is saved with the defaults shown."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], submitted(result, {"name": "Alex"})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {
        CONF_PERSON: None,
        CONF_DAILY_LIMIT: 350.0,
        CONF_DAILY_TARGET: 300.0,
    }


async def test_target_above_the_limit_gets_its_own_message(hass: HomeAssistant) -> None:
    """A target of 400 is not "Value 400.0 is too large": it is above the limit."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], submitted(result, {"name": "Alex", CONF_DAILY_TARGET: 400})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_DAILY_TARGET: "target_over_limit"}


async def test_options_flow_applies_without_restart(hass: HomeAssistant, entry) -> None:
    await hass.services.async_call(
        DOMAIN, "log_dose", {"form": "glycinate", "amount_mg": 200}, blocking=True
    )
    assert hass.states.get("binary_sensor.alex_over_daily_limit").state == "off"
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_PERSON: "person.alex", CONF_DAILY_LIMIT: 150, CONF_DAILY_TARGET: 100},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options == {
        CONF_PERSON: "person.alex",
        CONF_DAILY_LIMIT: 150.0,
        CONF_DAILY_TARGET: 100.0,
        "ask_doctor": False,
        # the collapsed reminder sections keep their defaults
        "notify_entities": [],
        "notify_services": [],
        "snooze_minutes": 30,
        "bath_weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "ramp": False,
        "ramp_start": 100.0,
        "ramp_step": 50.0,
        "ramp_every_days": 7,
    }
    assert entry.unique_id == "person.alex"
    assert hass.states.get("binary_sensor.alex_over_daily_limit").state == "on"
    assert hass.states.get("sensor.alex_remaining_today").state == "0.0"
    assert hass.states.get("sensor.alex_daily_target").state == "100.0"
    # the log survived: nothing was reloaded or lost
    assert hass.states.get("sensor.alex_oral_magnesium_today").state == "200.0"


async def test_options_flow_errors(hass: HomeAssistant, entry) -> None:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    # another entry takes the person while the form is open (the picker leaves it out later)
    other = make_entry(title="Sam", person="person.sam")
    other.add_to_hass(hass)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_PERSON: "person.sam", CONF_DAILY_LIMIT: 350, CONF_DAILY_TARGET: 300},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_PERSON: "person_in_use"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_DAILY_LIMIT: 100, CONF_DAILY_TARGET: 300}
    )
    assert result["errors"] == {CONF_DAILY_TARGET: "target_over_limit"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_DAILY_LIMIT: 300, CONF_DAILY_TARGET: 300}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_PERSON] is None
    assert entry.unique_id == "name:alex"


OPTIONS_SAVED = {
    CONF_PERSON: None,
    CONF_DAILY_LIMIT: 350.0,
    CONF_DAILY_TARGET: 300.0,
    "ask_doctor": False,
    "notify_entities": [],
    "notify_services": ["notify.mobile_app_phone"],
    "snooze_minutes": 15,
    "bath_weekdays": ["mon", "thu"],
    "ramp": True,
    "ramp_start": 50.0,
    "ramp_step": 25.0,
    "ramp_every_days": 5,
    "ramp_first_day": "2026-01-05",
}


async def test_options_dialog_saves_unchanged_as_the_frontend_sends_it(
    hass: HomeAssistant, entry
) -> None:
    """The collapsed sections show and send their fields' current values."""
    hass.config_entries.async_update_entry(entry, options=OPTIONS_SAVED)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], submitted(result))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == OPTIONS_SAVED


async def test_options_dialog_saves_a_changed_target_only(hass: HomeAssistant, entry) -> None:
    hass.config_entries.async_update_entry(entry, options=OPTIONS_SAVED)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], submitted(result, {CONF_DAILY_TARGET: 250})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {**OPTIONS_SAVED, CONF_DAILY_TARGET: 250.0}
    assert hass.states.get("sensor.alex_daily_target").state == "250.0"


async def test_options_dialog_of_a_new_entry_saves_as_the_frontend_sends_it(
    hass: HomeAssistant, entry
) -> None:
    """An entry as the config flow makes it (no reminder options yet) gets the defaults."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], submitted(result, {"start_low": {"ramp_step": 30}})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["snooze_minutes"] == 30
    assert entry.options["bath_weekdays"] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert entry.options["ramp_step"] == 30.0


async def test_options_section_left_out_keeps_its_values(hass: HomeAssistant, entry) -> None:
    """A section the frontend does not send (or sends empty) keeps what it had."""
    hass.config_entries.async_update_entry(entry, options=OPTIONS_SAVED)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    data = submitted(result)
    del data["notifications"]
    data["start_low"] = {}
    result = await hass.config_entries.options.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == OPTIONS_SAVED


async def test_options_target_above_the_limit_gets_its_own_message(
    hass: HomeAssistant, entry
) -> None:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], submitted(result, {CONF_DAILY_TARGET: 400})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_DAILY_TARGET: "target_over_limit"}


async def test_options_person_picker_leaves_out_other_entries_persons(
    hass: HomeAssistant, entry
) -> None:
    make_entry(title="Sam", person="person.sam").add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    fields = {field["name"]: field for field in serialized_schema(result)}
    assert fields[CONF_PERSON]["selector"]["entity"]["exclude_entities"] == ["person.sam"]
