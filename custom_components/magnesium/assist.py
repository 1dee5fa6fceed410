"""Sentences for the built-in Assist agent, in every language that has a sentence file.

Home Assistant offers an integration no public way to add intent sentences to the built-in
agent; custom sentences live in the user's config folder, which would mean YAML for the user
to write. Sentence triggers are public and work right after set-up, so each sentence group of
``sentences/<language>.yaml`` is registered as a trigger whose callback runs the group's intent
(``intent.py``) and speaks its answer in that language. The trigger API moved in 2025.10
(from the default agent to the agent manager): ``register_trigger`` is the one place that
knows both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.const import EVENT_COMPONENT_LOADED
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import intent

from .const import DOMAIN
from .intent import DATA_SENTENCES, async_load_texts, language_files, read_yaml

if TYPE_CHECKING:
    from hassil.recognize import RecognizeResult
    from homeassistant.components.conversation import ConversationInput

_LOGGER = logging.getLogger(__name__)

CONVERSATION = "conversation"

type TriggerCallback = Callable[[ConversationInput, RecognizeResult], Awaitable[str | None]]


def register_trigger(
    hass: HomeAssistant, sentences: list[str], trigger_callback: TriggerCallback
) -> CALLBACK_TYPE:
    """Register sentence triggers with the built-in agent, on every supported version."""
    # imported here: the conversation integration is loaded only when the user has it
    from homeassistant.components.conversation import agent_manager  # noqa: PLC0415

    manager: Any = agent_manager.get_agent_manager(hass)
    if hasattr(manager, "register_trigger"):  # 2025.10 and newer
        unregister: CALLBACK_TYPE = manager.register_trigger(
            sentences=sentences, trigger_callback=trigger_callback
        )
        return unregister
    from homeassistant.components.conversation import const  # noqa: PLC0415

    default_agent: Any = hass.data[getattr(const, "DATA_DEFAULT_ENTITY")]  # noqa: B009
    return default_agent.register_trigger(sentences, trigger_callback)  # type: ignore[no-any-return]


async def async_load_sentences(hass: HomeAssistant) -> dict[str, Mapping[str, Any]]:
    """Every language's sentence file, read once."""
    if (sentences := hass.data.get(DATA_SENTENCES)) is None:
        sentences = {
            language: await hass.async_add_executor_job(read_yaml, path)
            for language, path in language_files("sentences").items()
        }
        hass.data[DATA_SENTENCES] = sentences
    return sentences


def _trigger_callback(
    hass: HomeAssistant, language: str, intent_type: str, fixed: Mapping[str, Any]
) -> TriggerCallback:
    async def answer(user_input: ConversationInput, result: RecognizeResult) -> str | None:
        slots = {name: {"value": value} for name, value in fixed.items()}
        for name, entity in result.entities.items():
            slots[name] = {"value": str(entity.value).strip(), "text": entity.text}
        response = await intent.async_handle(
            hass,
            DOMAIN,
            intent_type,
            slots,
            text_input=user_input.text,
            context=user_input.context,
            language=language,
        )
        speech: str | None = response.speech.get("plain", {}).get("speech")
        return speech

    return answer


async def async_setup_assist(hass: HomeAssistant) -> None:
    """Register the sentences once the conversation integration is loaded."""
    await async_load_sentences(hass)
    await async_load_texts(hass)

    @callback
    def register() -> None:
        for language, data in hass.data[DATA_SENTENCES].items():
            for group in data.get("groups", []):
                register_trigger(
                    hass,
                    list(group["sentences"]),
                    _trigger_callback(hass, language, group["intent"], group.get("slots") or {}),
                )

    if CONVERSATION in hass.config.components:
        register()
        return

    @callback
    def loaded(event: Event) -> None:
        if event.data.get("component") == CONVERSATION:
            unsubscribe()
            register()

    unsubscribe = hass.bus.async_listen(EVENT_COMPONENT_LOADED, loaded)
