"""Voice: the sentence tables, and a Home Assistant with the built-in agent to say them to."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
import re
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from hassil import Intents
from hassil.intents import WildcardSlotList
from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
import yaml

from custom_components.magnesium import assist
from custom_components.magnesium.texts import ROOT
from tests.conftest import TIME_ZONE

TABLES = Path(__file__).parent / "tables"
LANGUAGES = ("en", "de")
BERLIN = ZoneInfo(TIME_ZONE)
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=BERLIN)  # a Wednesday, between the doses


def table(language: str) -> list[dict[str, Any]]:
    """The sentences of one language and what each asks."""
    rows = yaml.safe_load((TABLES / f"{language}.yaml").read_text(encoding="utf-8"))
    assert isinstance(rows, list)
    return rows


def grammars() -> dict[str, assist.Grammar]:
    """Every language's grammar, from the integration's sentence files."""
    files = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "sentences").glob("*.yaml"))
    }
    return assist.build_grammars(files)


def trigger(grammars: dict[str, assist.Grammar]) -> Intents:
    """The one sentence trigger, as Home Assistant's agent holds it (list names are wildcards)."""
    sentences = [sentence for grammar in grammars.values() for sentence in grammar.trigger]
    intents = Intents.from_dict(
        {"language": "en", "intents": {"t": {"data": [{"sentences": sentences}]}}}
    )
    for name in set(re.findall(r"\{(\w+)\}", " ".join(sentences))):
        intents.slot_lists[name] = WildcardSlotList(name)
    return intents


@pytest.fixture
async def agent(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Home Assistant with the conversation agent, at noon on a Wednesday."""
    await start_agent(hass, freezer)


async def start_agent(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Set up the conversation agent at noon on a Wednesday (``NOW``)."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})


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
