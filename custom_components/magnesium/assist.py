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

from collections.abc import Awaitable, Callable, Iterator, Mapping
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.const import EVENT_COMPONENT_LOADED
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import intent

from .const import DOMAIN
from .texts import DATA_SENTENCES, async_load_sentences, async_load_texts

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


def expand_groups(data: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any], list[str]]]:
    """The trigger groups of a sentence file: (intent, fixed slots, sentences).

    A sentence with ``<form>`` becomes one sentence per form, with that form's words as
    alternatives and the form's key as a fixed slot.
    """
    form_words: Mapping[str, list[str]] = data.get("form_words") or {}
    for group in data.get("groups", []):
        slots = dict(group.get("slots") or {})
        sentences = list(group["sentences"])
        if plain := [sentence for sentence in sentences if "<form>" not in sentence]:
            yield group["intent"], slots, plain
        if templated := [sentence for sentence in sentences if "<form>" in sentence]:
            for key, words in form_words.items():
                alternatives = f"({'|'.join(words)})"
                yield (
                    group["intent"],
                    {**slots, "form": key},
                    [sentence.replace("<form>", alternatives) for sentence in templated],
                )


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
            for intent_type, slots, sentences in expand_groups(data):
                register_trigger(
                    hass, sentences, _trigger_callback(hass, language, intent_type, slots)
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
