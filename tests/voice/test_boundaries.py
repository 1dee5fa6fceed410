"""Where the integration's sentences end: Home Assistant's own sentences stay Home Assistant's.

The integration listens with one sentence trigger that needs a word of its own (magnesium, a
form, a dose word). Everything else must still reach Home Assistant's intents: lights, the time,
timers, the shopping list. And a question about magnesium that no template takes still gets an
answer (the fallback), never a device error.
"""

from __future__ import annotations

from hassil import recognize_all
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service

from .conftest import ask, grammars, trigger

TRIGGER = trigger(grammars())

HOME_ASSISTANTS_OWN = {
    "en": [
        "turn on the kitchen light",
        "turn off the bedroom lamp",
        "what time is it",
        "what's the date today",
        "set a timer for 5 minutes",
        "how much time is left on my timer",
        "cancel the timer",
        "add milk to my shopping list",
        "what is the temperature in the living room",
        "what's the weather like",
        "is the front door locked",
        "open the garage door",
        "set the thermostat to 21 degrees",
        "pause the music",
        "how many lights are on",
        "nevermind",
    ],
    "de": [
        "schalte das Licht in der Küche ein",
        "mach das Licht im Schlafzimmer aus",
        "wie spät ist es",
        "welches Datum haben wir heute",
        "stelle einen Timer auf 5 Minuten",
        "wie viel Zeit ist noch auf dem Timer",
        "füge Milch zur Einkaufsliste hinzu",
        "wie warm ist es im Wohnzimmer",
        "wie wird das Wetter",
        "ist die Haustür abgeschlossen",
        "öffne das Garagentor",
        "pausiere die Musik",
        "wie viele Lichter sind an",
    ],
}


@pytest.mark.parametrize(
    "sentence", [sentence for sentences in HOME_ASSISTANTS_OWN.values() for sentence in sentences]
)
def test_home_assistants_own_sentences_are_not_heard(sentence: str) -> None:
    """The trigger lets none of them in."""
    assert next(iter(recognize_all(sentence, TRIGGER)), None) is None


@pytest.mark.usefixtures("agent")
async def test_a_light_still_turns_on(hass: HomeAssistant) -> None:
    """With the integration's trigger in place, Home Assistant still turns on a light."""
    assert await async_setup_component(hass, "magnesium", {})
    await hass.async_block_till_done()
    calls = async_mock_service(hass, "light", "turn_on")
    hass.states.async_set("light.kitchen", "off", {"friendly_name": "Kitchen light"})
    await ask(hass, "what time is it")  # the trigger is registered by now
    answer = await ask(hass, "turn on the kitchen light")
    assert [call.data["entity_id"] for call in calls] in ([["light.kitchen"]], ["light.kitchen"]), (
        answer
    )


@pytest.mark.usefixtures("agent")
@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "my magnesium question is about the colour of the capsules"),
        ("en", "magnesium magnesium"),
        ("de", "Magnesium Magnesium"),
    ],
)
async def test_a_magnesium_sentence_no_template_takes_gets_help(
    hass: HomeAssistant, language: str, sentence: str
) -> None:
    """Not a device error and not silence: the help answer, and nothing logged."""
    assert await async_setup_component(hass, "magnesium", {})
    await hass.async_block_till_done()
    answer = await ask(hass, sentence, language)
    assert answer
    assert "device" not in answer.lower()
    assert "gerät" not in answer.lower()
