"""The German translation: same keys and placeholders as the English one, used by the reminders."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
import json
from pathlib import Path
import re
from string import Formatter
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.magnesium.const import DOMAIN

from .conftest import TIME_ZONE, setup_entry

TRANSLATIONS = Path(__file__).parent.parent / "custom_components" / "magnesium" / "translations"
EN: dict[str, Any] = json.loads((TRANSLATIONS / "en.json").read_text(encoding="utf-8"))
DE: dict[str, Any] = json.loads((TRANSLATIONS / "de.json").read_text(encoding="utf-8"))
BERLIN = ZoneInfo(TIME_ZONE)
PHONE = "mobile_app_pixel"


def leaves(tree: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Every non-dict value with its dotted key."""
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from leaves(value, (*path, key))
        else:
            yield ".".join((*path, key)), value


def key_tree(tree: Any) -> Any:
    """The keys of a translation file, nested, without the texts."""
    if isinstance(tree, dict):
        return {key: key_tree(value) for key, value in tree.items()}
    return type(tree).__name__


def placeholders(text: str) -> set[str]:
    """The {placeholders} of a text, as Home Assistant formats them."""
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def without_placeholders(text: str) -> str:
    """The text with its {placeholders} removed."""
    return "".join(literal for literal, _, _, _ in Formatter().parse(text))


def numbers(text: str) -> Counter[str]:
    """The numbers written in a text (not those filled in by placeholders)."""
    return Counter(re.findall(r"\d+", without_placeholders(text)))


def identifiers(text: str) -> set[str]:
    """Action, field and service names quoted in a text (log_bath, notify.mobile_app_x)."""
    return set(re.findall(r"[a-z]+(?:[._][a-z]+)+", without_placeholders(text)))


EN_TEXTS = dict(leaves(EN))
DE_TEXTS = dict(leaves(DE))


def test_same_keys_as_english() -> None:
    assert key_tree(DE) == key_tree(EN)


def test_de_json_is_formatted_like_en_json() -> None:
    text = (TRANSLATIONS / "de.json").read_text(encoding="utf-8")
    assert text == json.dumps(DE, indent=2, ensure_ascii=False) + "\n"
    assert list(DE_TEXTS) == list(EN_TEXTS)


@pytest.mark.parametrize("key", list(EN_TEXTS))
def test_texts_match_the_english_ones(key: str) -> None:
    english = EN_TEXTS[key]
    german = DE_TEXTS.get(key)
    assert isinstance(german, str), key
    assert german.strip(), key
    assert german == german.strip(), key
    assert placeholders(german) == placeholders(english), key
    assert numbers(german) == numbers(english), key
    assert identifiers(german) == identifiers(english), key
    # only single words (Name, Person, Form) may stay as they are in English
    if german == english:
        assert len(english.split()) == 1, f"{key} is not translated: {english!r}"


def test_reminder_buttons_and_titles() -> None:
    common = DE["common"]
    assert (common["action_taken"], common["action_snooze"], common["action_skip"]) == (
        "Genommen",
        "Später",
        "Überspringen",
    )
    assert common["title_epsom_bath"] == "Bittersalzbad"
    # short enough for a phone notification
    for key in ("slot_dose", "slot_limit_reached", "side_effects"):
        assert len(common[key]) <= 2 * len(EN["common"][key]), key


async def test_reminder_in_german(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    hass.config.language = "de"
    await hass.config.async_set_time_zone(TIME_ZONE)
    phone = async_mock_service(hass, "notify", PHONE)
    freezer.move_to(datetime(2026, 6, 10, 7, 59, tzinfo=BERLIN))
    entry = await setup_entry(hass, extra_options={"notify_services": [PHONE]})

    freezer.move_to(datetime(2026, 6, 10, 8, 0, tzinfo=BERLIN))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    # German is one of the languages whose entity ids come from the translated names
    entity_id = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"{entry.entry_id}_morning_dose_due"
    )
    assert entity_id == "binary_sensor.alex_morgendosis_fallig"
    assert hass.states.get("binary_sensor.alex_morning_dose_due") is None
    due = hass.states.get(entity_id)
    assert due is not None
    assert due.state == "on"
    assert due.attributes["friendly_name"] == "Alex Morgendosis fällig"
    common = DE["common"]
    form = due.attributes["form"]
    assert form == "malate"
    expected = {
        common["slot_dose"].format(
            title=common["title_morning"], amount="150", form=label, remaining="350"
        )
        for label in (form, DE["selector"]["oral_form"]["options"][form])
    }
    message = due.attributes["message"]
    assert message.startswith("Magnesium morgens: 150 mg ")
    assert message in expected

    [sent] = [item.data for item in phone if item.data.get("message") != "clear_notification"]
    assert sent["title"] == "Magnesium morgens"
    assert sent["message"] == message
    assert [item["title"] for item in sent["data"]["actions"]] == [
        "Genommen",
        "Später",
        "Überspringen",
    ]
