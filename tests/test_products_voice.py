"""Products by voice: "I took two capsules of my glycinate", in English and German."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
import pytest

from custom_components.magnesium.const import DOMAIN

from .conftest import call, setup_entry
from .test_products import CITRATE_POWDER, GLYCINATE, setup_with_products
from .test_voice import NOW, TIME_ZONE, ask


@pytest.fixture(autouse=True)
async def _assist(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await hass.config.async_set_time_zone(TIME_ZONE)
    freezer.move_to(NOW)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})


async def test_a_product_by_voice(hass: HomeAssistant) -> None:
    """The built-in agent logs units of a product, in words or digits, and says the stock."""
    await setup_with_products(hass, (GLYCINATE, "glyc"), (CITRATE_POWDER, "citr"))
    answer = await ask(hass, "I took two capsules of my glycinate")
    assert answer == (
        "Logged 2 capsules of Doctor's Best glycinate, 200 milligrams of magnesium. "
        "That makes 200 today, 150 left; 18 capsules left in stock."
    )
    records = (await call(hass, "get_log"))["records"]
    assert [(r["product"], r["units"], r["source"]) for r in records] == [
        ("Doctor's Best glycinate", 2, "voice")
    ]
    answer = await ask(hass, "I took 1 scoop of citrate powder")
    # citrate by the compound's weight counts with 16.2 %: over the limit, said with the advice
    assert answer.startswith(
        "Logged 1 scoop of Citrate powder, 162 milligrams of magnesium. "
        "That makes 362 today, over the limit of 350"
    )
    assert answer.endswith("Ask your doctor or pharmacist if you are unsure.")
    # half a capsule is refused; an unknown product lists the known ones
    answer = await ask(hass, "I took 1.5 capsules of my glycinate")
    assert (
        answer
        == "I did not get how many. Say it like this: two capsules of Doctor's Best glycinate."
    )
    answer = await ask(hass, "I took two capsules of my zinc")
    assert answer == (
        "There is no product called zinc. The products are Citrate powder and "
        "Doctor's Best glycinate."
    )
    assert len((await call(hass, "get_log"))["records"]) == 2
    # a refill undone by voice says what it removed
    await call(hass, "refill", product="glycinate", units=60)
    answer = await ask(hass, "Undo the last magnesium entry")
    assert answer == "Removed the last entry: a refill of 60 capsules of Doctor's Best glycinate."
    # over the limit: logged as said, with the advice
    answer = await ask(hass, "log 2 capsules of glycinate")
    assert "over the limit of 350" in answer


async def test_a_product_by_voice_in_german(hass: HomeAssistant) -> None:
    await setup_with_products(hass, (GLYCINATE, "glyc"))
    answer = await ask(hass, "Ich habe zwei Kapseln von meinem Glycinat genommen", language="de")
    assert answer == (
        "2 Kapseln Doctor's Best glycinate eingetragen, 200 Milligramm Magnesium. Damit sind "
        "es heute 200, noch 150 übrig; im Vorrat noch 18 Kapseln."
    )


async def test_no_products_and_ambiguous(hass: HomeAssistant) -> None:
    """Without products, and with two that fit, nothing is logged and the answer says why."""
    entry = await setup_with_products(hass)
    answer = await ask(hass, "I took two capsules of my glycinate")
    assert answer.startswith("No products are set up yet.")
    await hass.config_entries.async_remove(entry.entry_id)
    await setup_with_products(
        hass,
        ({**GLYCINATE, "name": "Pure glycinate"}, "a"),
        ({**GLYCINATE, "name": "Cheap glycinate"}, "b"),
    )
    answer = await ask(hass, "I took two capsules of my glycinate")
    assert answer == "Which one do you mean: Cheap glycinate and Pure glycinate?"
    assert (await call(hass, "get_log"))["records"] == []


async def test_the_intent_for_llm_agents(hass: HomeAssistant) -> None:
    """LLM agents call the intent with the product and units as slots."""
    await setup_with_products(hass, (GLYCINATE, "glyc"))
    response = await intent.async_handle(
        hass,
        DOMAIN,
        "MagnesiumLogDose",
        {"product": {"value": "Doctor's Best glycinate"}, "units": {"value": "1"}},
    )
    assert response.speech["plain"]["speech"].startswith("Logged 1 capsule of Doctor's Best")
    response = await intent.async_handle(hass, DOMAIN, "MagnesiumLogDose", {})
    assert response.speech["plain"]["speech"].startswith("I did not get the amount.")


async def test_planned_dose_from_a_slots_product(hass: HomeAssistant) -> None:
    """ "I took my evening magnesium" logs the units of the product the slot names."""
    await setup_with_products(hass, (GLYCINATE, "glyc"))
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.alex_evening_dose_product", "option": "Doctor's Best glycinate"},
        blocking=True,
    )
    answer = await ask(hass, "I took my evening magnesium")
    assert answer == (
        "Logged 1 capsule of Doctor's Best glycinate, 100 milligrams of magnesium. "
        "That makes 100 today, 250 left; 19 capsules left in stock."
    )


async def test_a_product_added_in_the_ui_is_logged_by_voice(hass: HomeAssistant) -> None:
    """Added through *Add product* (the subentry flow), then taken by voice at once."""
    entry = await setup_entry(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "product"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], GLYCINATE)
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()  # the entry reloads with its new product
    answer = await ask(hass, "I took two capsules of my glycinate")
    assert answer.startswith("Logged 2 capsules of Doctor's Best glycinate, 200 milligrams"), answer
    assert answer.endswith("18 capsules left in stock."), answer
    (record,) = (await call(hass, "get_log"))["records"]
    assert (record["product"], record["units"], record["elemental_mg"]) == (
        "Doctor's Best glycinate",
        2,
        200.0,
    )
