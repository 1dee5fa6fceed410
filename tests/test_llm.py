"""LLM agents: our intents as tools of the Assist API, called the way a conversation agent does."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import llm
from homeassistant.setup import async_setup_component
import pytest

from custom_components.magnesium import llm as magnesium_llm
from custom_components.magnesium.compat import vol
from custom_components.magnesium.const import DOMAIN
from custom_components.magnesium.intent import HANDLERS

from .conftest import TIME_ZONE, call, setup_entry as add

try:  # Home Assistant 2026.8 and newer: integrations provide their tools with an llm platform
    from homeassistant.components import llm as llm_integration
except ImportError:  # Home Assistant 2025.4: the Assist API lists every registered intent
    llm_integration = None  # type: ignore[assignment]

try:  # Home Assistant 2026.9 and newer
    from probatio import to_openapi as _to_openapi
except ImportError:  # Home Assistant 2025.4
    from voluptuous_openapi import convert as _to_openapi  # type: ignore[import-not-found,no-redef]

PLATFORMS = llm_integration is not None
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo(TIME_ZONE))  # between the doses
GLYCINATE = "Magnesium glycinate is often recommended for nerve discomfort"
TODAY = (
    "Alex has taken 200 milligrams of magnesium today, in one dose; "
    "150 milligrams are left under the limit of 350."
)


@pytest.fixture
async def assist(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Home Assistant with the conversation agent and the Assist API, at noon."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    assert await async_setup_component(hass, "homeassistant", {})
    if PLATFORMS:
        assert await async_setup_component(hass, "llm", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})


def llm_context() -> llm.LLMContext:
    """What a conversation agent passes (2025.4 also wants the user's prompt)."""
    values: dict[str, Any] = {
        "platform": "test",
        "context": Context(),
        "language": "en",
        "assistant": conversation.DOMAIN,
        "device_id": None,
    }
    if "user_prompt" in {field.name for field in dataclasses.fields(llm.LLMContext)}:
        values["user_prompt"] = None
    return llm.LLMContext(**values)


def tool_name(intent_type: str) -> str:
    """The name our intent's tool has on this version."""
    return f"{DOMAIN}__{intent_type}" if PLATFORMS else intent_type


async def assist_api(hass: HomeAssistant) -> llm.APIInstance:
    """The Assist API as a conversation agent gets it."""
    return await llm.async_get_api(hass, llm.LLM_API_ASSIST, llm_context())


async def use(api: llm.APIInstance, intent_type: str, **args: Any) -> str:
    """Call one of our tools and return what it says."""
    result: Any = await api.async_call_tool(
        llm.ToolInput(tool_name=tool_name(intent_type), tool_args=args)
    )
    if PLATFORMS:  # a ToolResult around the intent response
        assert isinstance(result, llm.ToolResult)
        assert not result.error
        result = result.data
    # 2025.4 returns the intent response's dictionary itself
    assert result["response_type"] == "action_done"
    speech = result["speech"]["plain"]["speech"]
    assert isinstance(speech, str)
    return speech


@pytest.mark.usefixtures("assist")
async def test_every_intent_is_a_tool_once(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    await add(hass)
    api = await assist_api(hass)
    for handler in HANDLERS:
        tools = [
            tool
            for tool in api.tools
            if tool.name.removeprefix(f"{DOMAIN}__") == handler.intent_type
        ]
        assert len(tools) == 1, handler.intent_type
        (tool,) = tools
        assert tool.name == tool_name(handler.intent_type)
        assert tool.description == handler.description
        if PLATFORMS:
            assert tool.integration == DOMAIN
        schema = _to_openapi(tool.parameters, custom_serializer=api.custom_serializer)
        assert schema["type"] == "object"
        slot_schema = handler.slot_schema or {}
        assert set(schema["properties"]) == {str(key) for key in slot_schema}
        assert set(schema.get("required", [])) == {
            str(key) for key in slot_schema if isinstance(key, vol.Required)
        }
    # the llm integration found nothing to report about our tools
    assert "not prefixed" not in caplog.text
    assert "without an integration" not in caplog.text


@pytest.mark.usefixtures("assist")
async def test_tools_answer_and_log(hass: HomeAssistant) -> None:
    await add(hass)
    api = await assist_api(hass)
    answer = await use(api, "MagnesiumFormInfo", form="glycinate")
    assert answer.startswith(GLYCINATE)

    answer = await use(api, "MagnesiumLogDose", amount="200", form="glycinate")
    assert answer == "Logged 200 milligrams of glycinate. That makes 200 today, 150 left."
    log = await call(hass, "get_log")
    assert len(log["records"]) == 1
    assert log["records"][0]["source"] == "voice"
    assert log["records"][0]["elemental_mg"] == 200

    assert await use(api, "MagnesiumToday") == TODAY
    assert await use(api, "MagnesiumToday", name="Alex") == TODAY


@pytest.mark.skipif(not PLATFORMS, reason="Home Assistant 2026.8 and newer")
@pytest.mark.usefixtures("assist")
async def test_platform_only_serves_the_assist_api(hass: HomeAssistant) -> None:
    await add(hass)
    context = llm_context()
    assert magnesium_llm.async_get_tools(hass, context, "some_other_api") is None
    tools = magnesium_llm.async_get_tools(hass, context, llm.LLM_API_ASSIST)
    assert tools is not None
    assert [tool.name for tool in tools.tools] == [
        f"{DOMAIN}__{handler.intent_type}" for handler in HANDLERS
    ]
    assert tools.prompt is None


@pytest.mark.skipif(not PLATFORMS, reason="Home Assistant 2026.8 and newer")
async def test_no_tools_without_registered_intents(hass: HomeAssistant) -> None:
    """Without the intent integration our intents are not registered, so there is nothing."""
    await add(hass)
    assert magnesium_llm.async_get_tools(hass, llm_context(), llm.LLM_API_ASSIST) is None


def test_platform_module_imports_everywhere() -> None:
    """The module loads on every version; before 2026.8 nothing ever calls it."""
    assert magnesium_llm.tool_name("MagnesiumToday") == "magnesium__MagnesiumToday"
