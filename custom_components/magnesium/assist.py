"""The built-in Assist agent: every sentence about magnesium, in every language we have.

Home Assistant offers an integration no public way to add intent sentences to the built-in
agent; custom sentences live in the user's config folder, which would mean YAML for the user
to write. Sentence triggers are public and work right after set-up, so the integration
registers ONE trigger (``grammar.Grammar.trigger_sentences`` of every language): the
templates that can be said without naming magnesium, and any sentence that names magnesium, a
form or Epsom salt. Its callback matches the sentence with the full grammar (``grammar.py``),
or, when no template fits, understands it from its words (``fallback.py``), runs the intent
(``intent.py``) and speaks its answer in the language the sentence was said in. One trigger
means one answer: a sentence that fits two templates still runs one intent, and logs once.
Sentences that name none of those words stay Home Assistant's.

The trigger API moved in 2025.10 (from the default agent to the agent manager):
``register_trigger`` is the one place that knows both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.const import EVENT_COMPONENT_LOADED
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import intent
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .fallback import HELP, understand
from .grammar import Grammar, Match, recognize
from .knowledge import normalize
from .products import find_products
from .texts import DATA_SENTENCES, answers_for, async_load_sentences, async_load_texts

if TYPE_CHECKING:
    from hassil.recognize import RecognizeResult
    from homeassistant.components.conversation import ConversationInput

_LOGGER = logging.getLogger(__name__)

CONVERSATION = "conversation"
DATA_GRAMMARS: HassKey[dict[str, Grammar]] = HassKey(f"{DOMAIN}_grammars")

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


_BUILT: dict[str, Grammar] = {}


def build_grammars(files: Mapping[str, Mapping[str, Any]]) -> dict[str, Grammar]:
    """Every language's grammar, parsed (blocking: run it in the executor).

    The sentence files ship with the integration and do not change while it runs, so a
    grammar parsed once is kept for the process (a reload or a second Home Assistant in the
    same process, as in tests, takes it as it is).
    """
    grammars = {}
    for language, data in files.items():
        key = repr(data)
        if (grammar := _BUILT.get(key)) is None:
            grammar = Grammar(data)
            grammar.recognize(grammar.language)  # hassil parses the templates on first use
            grammar.trigger  # noqa: B018 - worked out here, in the executor
            _BUILT[key] = grammar
        grammars[language] = grammar
    return grammars


@callback
def _known(hass: HomeAssistant) -> Callable[[str, str], bool]:
    """Whether a name said is one of the loaded persons or products (read in the event loop)."""
    entries = hass.config_entries.async_loaded_entries(DOMAIN)
    names = {normalize(entry.title) for entry in entries}
    products = [
        product for entry in entries for product in entry.runtime_data.tracker.products.values()
    ]

    def known(slot: str, value: str) -> bool:
        if slot == "name":
            return normalize(value) in names
        if slot == "product":
            return bool(find_products(products, value))
        return True

    return known


def understand_sentence(
    grammars: Mapping[str, Grammar],
    text: str,
    language: str | None,
    known: Callable[[str, str], bool] | None = None,
) -> Match | None:
    """What a sentence asks: a template's match, else the fallback's (blocking: executor)."""
    if (found := recognize(grammars, text, language, known)) is not None:
        return found
    order = [language or "", (language or "").split("-")[0], *grammars]
    for candidate in dict.fromkeys(order):
        if (grammar := grammars.get(candidate)) is not None and (
            guess := understand(grammar, text)
        ) is not None:
            return guess
    # an anchor word brought it ("what dose of ..."), and it is about nothing we know
    for candidate in dict.fromkeys(order):
        if (grammar := grammars.get(candidate)) is not None and grammar.anchored(text):
            return Match(HELP, {}, grammar.language, fallback=True)
    return None


async def async_answer(
    hass: HomeAssistant, user_input: ConversationInput, match: Match
) -> str | None:
    """Run the intent a sentence asks for and return its spoken answer."""
    if match.intent == HELP:
        return answers_for(hass, match.language).say("help")
    handler = intent.async_get(hass)
    accepted: set[str] | None = None
    for candidate in handler:
        if candidate.intent_type == match.intent and candidate.slot_schema is not None:
            accepted = {str(key) for key in candidate.slot_schema}
    slots = {
        name: {"value": value, "text": str(value)}
        for name, value in match.slots.items()
        if accepted is None or name in accepted
    }
    response = await intent.async_handle(
        hass,
        DOMAIN,
        match.intent,
        slots,
        text_input=user_input.text,
        context=user_input.context,
        language=match.language,
        device_id=getattr(user_input, "device_id", None),
    )
    speech: str | None = response.speech.get("plain", {}).get("speech")
    return speech


async def async_setup_assist(hass: HomeAssistant) -> None:
    """Register the sentences once the conversation integration is loaded."""
    files = await async_load_sentences(hass)
    await async_load_texts(hass)
    if DATA_GRAMMARS not in hass.data:
        hass.data[DATA_GRAMMARS] = await hass.async_add_executor_job(build_grammars, files)
    grammars = hass.data[DATA_GRAMMARS]

    async def answer(user_input: ConversationInput, result: RecognizeResult) -> str | None:
        match = await hass.async_add_executor_job(
            understand_sentence, grammars, user_input.text, user_input.language, _known(hass)
        )
        if match is None:  # pragma: no cover - the trigger only takes sentences we understand
            _LOGGER.debug("No answer for %r", user_input.text)
            return None
        return await async_answer(hass, user_input, match)

    sentences = [sentence for grammar in grammars.values() for sentence in grammar.trigger]

    @callback
    def register() -> None:
        register_trigger(hass, list(dict.fromkeys(sentences)), answer)

    if CONVERSATION in hass.config.components:
        register()
        return

    @callback
    def loaded(event: Event) -> None:
        if event.data.get("component") == CONVERSATION:
            unsubscribe()
            register()

    unsubscribe = hass.bus.async_listen(EVENT_COMPONENT_LOADED, loaded)


__all__ = ["DATA_GRAMMARS", "DATA_SENTENCES", "async_setup_assist", "register_trigger"]
