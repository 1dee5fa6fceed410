"""Voice: sentences through the real built-in conversation agent, and the intents behind them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import TIME_ZONE, call, make_entry

BERLIN = ZoneInfo(TIME_ZONE)
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=BERLIN)  # a Wednesday, between the doses


@pytest.fixture
async def assist(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Home Assistant with the conversation agent, at noon."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})


async def add(hass: HomeAssistant, **kw: Any) -> MockConfigEntry:
    """Add and set up a person's entry."""
    entry = make_entry(**kw)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def ask(
    hass: HomeAssistant, text: str, language: str = "en", context: Context | None = None
) -> str:
    """Say a sentence to the built-in agent and return its spoken answer."""
    result = await conversation.async_converse(
        hass, text, None, context or Context(), language=language
    )
    speech = result.response.speech["plain"]["speech"]
    assert isinstance(speech, str)
    return speech


@pytest.mark.usefixtures("assist")
async def test_form_info(hass: HomeAssistant) -> None:
    await add(hass)
    answer = await ask(hass, "What is magnesium glycinate good for?")
    assert answer.startswith("Magnesium glycinate is calming")


@pytest.mark.usefixtures("assist")
async def test_log_dose_and_today(hass: HomeAssistant) -> None:
    await add(hass)
    answer = await ask(hass, "I took 200 milligrams of magnesium glycinate")
    assert answer == "Logged 200 milligrams of glycinate. That makes 200 today, 150 left."
    log = await call(hass, "get_log")
    assert log["records"][0]["source"] == "voice"
    answer = await ask(hass, "How much magnesium have I taken today?")
    assert answer == (
        "Alex has taken 200 milligrams of magnesium today, in one dose; "
        "150 milligrams are left under the limit of 350."
    )
