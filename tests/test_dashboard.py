"""The dashboard in dashboards/magnesium.yaml: core cards only, and every entity it names exists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
import yaml

from .conftest import setup_entry

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboards" / "magnesium.yaml"
CORE_CARDS = {"gauge", "heading", "markdown", "statistics-graph", "tile"}
ENTITY_ID = re.compile(r"\b(?:sensor|binary_sensor|button|switch|time|number|select)\.demo_\w+")


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
    await setup_entry(hass, title="Demo")
    text = DASHBOARD.read_text(encoding="utf-8")
    named = set(ENTITY_ID.findall(text))
    assert len(named) >= 20
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
