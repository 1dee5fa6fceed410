"""Our intents as tools of the Assist LLM API, for Home Assistant 2026.8 and newer.

Up to Home Assistant 2026.7 the Assist API turned every registered intent into a tool by itself,
so ``intent.py`` was enough for LLM agents. Since 2026.8 the Assist API only gathers the tools
that integrations hand it from an ``llm`` platform like this one, named ``<domain>__<name>`` and
tagged with the integration; registered intents no longer become tools on their own. Without
this module LLM agents could not answer questions about magnesium or log a dose.

Older releases have no ``homeassistant.components.llm`` and never load this platform; the module
still imports there, because that package is imported only when Home Assistant asks for tools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import intent
from homeassistant.helpers.llm import LLM_API_ASSIST, IntentTool, LLMContext, Tool

from .const import DOMAIN
from .intent import HANDLERS

if TYPE_CHECKING:
    from homeassistant.components.llm import LLMTools


def tool_name(intent_type: str) -> str:
    """The name of an intent's tool: prefixed with our domain, as the llm integration asks."""
    return f"{DOMAIN}__{intent_type}"


@callback
def async_get_tools(hass: HomeAssistant, llm_context: LLMContext, api_id: str) -> LLMTools | None:
    """Our registered intents as tools of the Assist API; nothing for other APIs."""
    # Only the llm integration calls this, so its package is there and already imported.
    from homeassistant.components.llm import LLMTools  # noqa: PLC0415

    if api_id != LLM_API_ASSIST:
        return None
    # The intent integration registers them (async_setup_intents); a tool for an intent that
    # is not registered could not be called.
    registered = {handler.intent_type for handler in intent.async_get(hass)}
    tools: list[Tool] = []
    for handler in HANDLERS:
        if handler.intent_type not in registered:
            continue
        tool = IntentTool(tool_name(handler.intent_type), handler)
        tool.integration = DOMAIN
        tools.append(tool)
    return LLMTools(tools=tools) if tools else None
