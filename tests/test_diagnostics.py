"""Diagnostics redact what identifies a person."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.magnesium.const import DOMAIN

from .conftest import make_entry
from .test_products import GLYCINATE, product_subentry


async def test_diagnostics_are_redacted(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, time_zone: str
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    entry: MockConfigEntry = make_entry(
        "Alexandra Secret",
        person="person.alexandra",
        extra_options={"notify_services": ["mobile_app_alexandras_phone"]},
        subentries_data=[product_subentry({**GLYCINATE, "name": "Secret Brand glycinate"}, "g")],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await hass.services.async_call(
        DOMAIN,
        "log_dose",
        {"form": "glycinate", "amount_mg": 150, "note": "private note about pain"},
        blocking=True,
    )
    await hass.services.async_call(
        DOMAIN, "log_dose", {"product": "Secret Brand glycinate", "units": 1}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN, "log_topical", {"area": "left buttock", "note": "second secret"}, blocking=True
    )
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(result)
    for secret in (
        "Alexandra",
        "person.alexandra",
        "private note",
        "left buttock",
        "second secret",
        "alexandras_phone",
        "Secret Brand",
    ):
        assert secret not in text
    assert result["entry"]["options"]["person"] == "**REDACTED**"
    assert result["entry"]["options"]["daily_limit"] == 350
    assert result["today"]["oral_mg"] == 250.0
    assert result["today"]["topical"] == 1
    assert len(result["recent_records"]) == 3
    assert result["recent_records"][0]["form"] == "chloride"  # newest first
    assert result["recent_records"][1]["product"] == "**REDACTED**"
    assert result["recent_records"][1]["units"] == 1
    assert result["recent_records"][2]["note"] == "**REDACTED**"
    assert result["index"]["undo_depth"] == 3
    assert result["products"]["g"]["product"] == "**REDACTED**"
    assert result["products"]["g"]["outlook"]["stock"] == 19
    reminders = result["reminders"]
    assert reminders["settings"]["slots"]["evening"]["form"] == "glycinate"
    assert reminders["medicines"] == []
    assert set(reminders["adherence"]) == {"percent", "streak"}
    assert reminders["statuses"]["epsom_bath"]["state"] == "disabled"
    assert reminders["target_mg"] == 300
