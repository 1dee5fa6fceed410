"""The dashboard in dashboards/magnesium.yaml: core cards only, and every entity it names exists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import re
from typing import Any

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
import yaml

from custom_components.magnesium.const import SUBENTRY_PRODUCT

from .conftest import setup_entry

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboards" / "magnesium.yaml"
CORE_CARDS = {"calendar", "gauge", "heading", "markdown", "statistics-graph", "tile"}
ENTITY_ID = re.compile(
    r"\b(?:sensor|binary_sensor|button|switch|time|number|select|calendar)"
    r"\.(?:demo|doctor_s_best_glycinate)_\w+"
)
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


async def test_every_entity_exists_for_the_demo_person(hass: HomeAssistant, time_zone: str) -> None:
    await setup_entry(hass, title="Demo", subentries_data=[PRODUCT])
    text = DASHBOARD.read_text(encoding="utf-8")
    named = set(ENTITY_ID.findall(text))
    assert len(named) >= 29
    missing = sorted(entity_id for entity_id in named if hass.states.get(entity_id) is None)
    assert not missing
    # the parts the issue asks for are there
    config = yaml.safe_load(text)
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
    # stock, adherence and the calendar
    tiles = {card["entity"] for card in by_type["tile"]}
    assert {
        "sensor.doctor_s_best_glycinate_stock",
        "sensor.doctor_s_best_glycinate_run_out_date",
        "binary_sensor.doctor_s_best_glycinate_low_stock",
        "sensor.demo_adherence_7_days",
        "sensor.demo_adherence_30_days",
        "sensor.demo_streak",
    } <= tiles
    [calendar] = by_type["calendar"]
    assert calendar["entities"] == ["calendar.demo_magnesium"]
    assert pressed == {
        "button.demo_log_morning_dose",
        "button.demo_log_evening_dose",
        "button.demo_log_epsom_bath",
    }
