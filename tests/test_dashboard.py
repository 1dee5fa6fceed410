"""Each person's dashboard (magnesium.dashboard) and dashboards/magnesium.yaml, the demo's.

Core cards only; every entity it names exists; a second person's names only their entities.
MAGNESIUM_WRITE_DASHBOARD=1 rewrites dashboards/magnesium.yaml from the action's response.
"""

from __future__ import annotations

from collections.abc import Iterator
import os
from pathlib import Path
import re
from typing import Any

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
import yaml

from custom_components.magnesium.const import SUBENTRY_PRODUCT

from .conftest import call, setup_entry

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboards" / "magnesium.yaml"
CORE_CARDS = {"calendar", "gauge", "heading", "markdown", "statistics-graph", "tile"}
ENTITY_ID = re.compile(
    r"\b(?:sensor|binary_sensor|button|switch|time|number|select|calendar)\.(?!press\b)\w+"
)
HEADER = """\
# Magnesium dashboard of the demo person of scripts/develop: Home Assistant's own cards only.
# Your own: Developer tools > Actions > "Magnesium: Dashboard" (magnesium.dashboard) with your
# entry returns this dashboard with your entity ids; paste the response into a dashboard's raw
# configuration editor (Edit dashboard > three dots > Raw configuration editor). See
# docs/dashboard.md. This file is the action's response for "Demo" (tests/test_dashboard.py
# checks it; MAGNESIUM_WRITE_DASHBOARD=1 rewrites it).
"""
# the demo person's product, as scripts/develop_demo.py adds it through the subentry flow
PRODUCT = ConfigSubentryData(
    data={
        "name": "Doctor's Best glycinate",
        "form": "glycinate",
        "amount_mg": 100,
        "basis": "elemental",
        "unit": "capsule",
        "stock": 60,
        "low_days": 7,
        "stock_offset": 0.0,
    },
    subentry_id="glycinate",
    subentry_type=SUBENTRY_PRODUCT,
    title="Doctor's Best glycinate",
    unique_id=None,
)


def cards(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") in CORE_CARDS:
            yield node
        for value in node.values():
            yield from cards(value)
    elif isinstance(node, list):
        for value in node:
            yield from cards(value)


def test_only_core_cards() -> None:
    config = yaml.safe_load(DASHBOARD.read_text(encoding="utf-8"))
    view = config["views"][0]
    assert view["type"] == "sections"
    used = {card["type"] for section in view["sections"] for card in section["cards"]}
    assert used <= CORE_CARDS, used - CORE_CARDS
    assert not any(kind.startswith("custom:") for kind in used)


async def demo_dashboard(hass: HomeAssistant) -> dict[str, Any]:
    await setup_entry(hass, title="Demo", subentries_data=[PRODUCT])
    return await call(hass, "dashboard")


async def test_the_file_is_the_demo_persons_dashboard(hass: HomeAssistant, time_zone: str) -> None:
    response = await demo_dashboard(hass)
    if os.environ.get("MAGNESIUM_WRITE_DASHBOARD") == "1":
        text = yaml.safe_dump(response, sort_keys=False, allow_unicode=True, width=100)
        DASHBOARD.write_text(HEADER + text, encoding="utf-8")
    assert yaml.safe_load(DASHBOARD.read_text(encoding="utf-8")) == response


async def test_every_entity_exists_for_the_demo_person(hass: HomeAssistant, time_zone: str) -> None:
    config = await demo_dashboard(hass)
    text = yaml.safe_dump(config)
    named = set(ENTITY_ID.findall(text))
    assert len(named) >= 30
    missing = sorted(entity_id for entity_id in named if hass.states.get(entity_id) is None)
    assert not missing
    by_type: dict[str, list[dict[str, Any]]] = {}
    for card in cards(config):
        by_type.setdefault(card["type"], []).append(card)
    [gauge] = by_type["gauge"]
    assert gauge["entity"] == "sensor.demo_daily_limit_used"
    assert gauge["severity"] == {"green": 0, "yellow": 75, "red": 100}
    # each band has a width: green below 75 %, amber 75-100 %, red from 100 % to the end
    assert gauge["min"] == 0
    assert gauge["max"] == 120
    [graph] = by_type["statistics-graph"]
    assert graph["entities"][0]["entity"] == "sensor.demo_oral_magnesium_today"
    assert (graph["period"], graph["days_to_show"], graph["stat_types"]) == ("day", 30, ["change"])
    pressed = {
        card["tap_action"]["target"]["entity_id"]
        for card in by_type["tile"]
        if card.get("tap_action", {}).get("perform_action") == "button.press"
    }
    assert pressed == {
        "button.demo_log_morning_dose",
        "button.demo_log_evening_dose",
        "button.demo_log_epsom_bath",
    }
    # stock, adherence and the calendar
    tiles = {card["entity"] for card in by_type["tile"]}
    assert {
        "sensor.doctor_s_best_glycinate_stock",
        "sensor.doctor_s_best_glycinate_run_out_date",
        "binary_sensor.doctor_s_best_glycinate_low_stock",
        "select.demo_evening_dose_product",
        "sensor.demo_adherence_7_days",
        "sensor.demo_adherence_30_days",
        "sensor.demo_streak",
    } <= tiles
    # the week as a list on wide screens; on phones today as a day, which fits the card (a
    # list longer than the card scrolls inside it and takes the page's swipes)
    views = {
        card["initial_view"]: card["visibility"][0]["media_query"] for card in by_type["calendar"]
    }
    assert views == {"listWeek": "(min-width: 768px)", "dayGridDay": "(max-width: 767px)"}
    assert all(card["entities"] == ["calendar.demo_magnesium"] for card in by_type["calendar"])


async def test_a_second_persons_dashboard_names_only_their_entities(
    hass: HomeAssistant, time_zone: str
) -> None:
    await setup_entry(hass, title="Demo", subentries_data=[PRODUCT])
    citrate = ConfigSubentryData(
        data={**PRODUCT["data"], "name": "Citrate powder", "form": "citrate", "unit": "scoop"},
        subentry_id="citrate",
        subentry_type=SUBENTRY_PRODUCT,
        title="Citrate powder",
        unique_id=None,
    )
    sam = await setup_entry(hass, title="Sam", subentries_data=[citrate])
    # a renamed entity is named as it is now
    registry = er.async_get(hass)
    registry.async_update_entity("sensor.sam_remaining_today", new_entity_id="sensor.sam_left")
    await hass.async_block_till_done()
    config = await call(hass, "dashboard", config_entry_id=sam.entry_id)
    named = set(ENTITY_ID.findall(yaml.safe_dump(config)))
    assert "sensor.sam_left" in named
    assert not any("demo" in entity_id or "doctor" in entity_id for entity_id in named), named
    assert all(hass.states.get(entity_id) is not None for entity_id in named)
    ours = {
        entity.entity_id for entity in er.async_entries_for_config_entry(registry, sam.entry_id)
    }
    assert named <= ours
    assert {"sensor.citrate_powder_stock", "calendar.sam_magnesium"} <= named
    assert config["title"] == "Magnesium Sam"
    # with two persons the action needs to know whose
    with pytest.raises(ServiceValidationError):
        await call(hass, "dashboard")
