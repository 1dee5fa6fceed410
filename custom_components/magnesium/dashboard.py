"""A person's dashboard, ready to paste: the action ``magnesium.dashboard``.

``build_dashboard`` makes the Lovelace configuration (Home Assistant's own cards only) from the
entity ids of one entry; ``entry_entity_ids`` reads those ids from the entity registry, so the
dashboard names the entities as they are, renamed ones included. Its response is the dashboard
itself: Developer tools shows it as YAML, which goes into a dashboard's raw configuration
editor as it is. ``dashboards/magnesium.yaml`` is this dashboard for the demo person (a test
keeps the two the same).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv, entity_registry as er

from .compat import vol
from .const import DOMAIN
from .runtime import MagnesiumData
from .services import get_data

SERVICE_DASHBOARD = "dashboard"
DASHBOARD_SCHEMA = vol.Schema({vol.Optional("config_entry_id"): cv.string})
# Wide screens show the week as a list; phones show today as a day, whose few events fit the
# card (a list longer than the card scrolls inside it and takes the swipes meant for the page).
WIDE = "(min-width: 768px)"
NARROW = "(max-width: 767px)"


@dataclass(frozen=True, slots=True)
class ProductIds:
    """A product's name and the entity ids of its device."""

    name: str
    ids: Mapping[str, str]


def entry_entity_ids(
    hass: HomeAssistant, data: MagnesiumData, entry_id: str
) -> tuple[dict[str, str], list[ProductIds]]:
    """The person's entity ids by their key, and each product's, from the entity registry."""
    by_unique_id = {
        entity.unique_id: entity.entity_id
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry_id)
        if entity.disabled_by is None
    }
    products = data.tracker.products
    person: dict[str, str] = {}
    product_ids: dict[str, dict[str, str]] = {product_id: {} for product_id in products}
    for unique_id, entity_id in by_unique_id.items():
        key = unique_id.removeprefix(f"{entry_id}_")
        owner = next((pid for pid in products if key.startswith(f"{pid}_")), None)
        if owner is not None:
            product_ids[owner][key.removeprefix(f"{owner}_")] = entity_id
        else:
            person[key] = entity_id
    return person, [
        ProductIds(product.name, product_ids[product_id])
        for product_id, product in sorted(products.items(), key=lambda item: item[1].name)
    ]


def _tile(entity: str | None, name: str, **extra: Any) -> dict[str, Any] | None:
    if entity is None:
        return None
    return {"type": "tile", "entity": entity, "name": name, **extra}


def _button(entity: str | None, name: str) -> dict[str, Any] | None:
    press = {"action": "perform-action", "perform_action": "button.press"}
    target = {"entity_id": entity}
    return _tile(
        entity,
        name,
        vertical=True,
        hide_state=True,
        tap_action={**press, "target": target},
        icon_tap_action={**press, "target": dict(target)},
        grid_options={"columns": 4},
    )


def _heading(text: str, icon: str, *, subtitle: bool = False) -> dict[str, Any]:
    card: dict[str, Any] = {"type": "heading", "heading": text}
    if subtitle:
        card["heading_style"] = "subtitle"
    card["icon"] = icon
    return card


def _full() -> dict[str, Any]:
    return {"columns": "full"}


def _section(*cards: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    return {"type": "grid", **extra, "cards": [card for card in cards if card is not None]}


def _today(ids: Mapping[str, str]) -> dict[str, Any]:
    next_dose, over = ids.get("next_dose"), ids.get("over_limit")
    gauge = {
        "type": "gauge",
        "entity": ids.get("limit_used"),
        "name": "Daily limit used",
        # 0-75 % green, 75-100 % amber, 100-120 % red: the scale goes past the limit so the
        # red band has a width
        "min": 0,
        "max": 120,
        "needle": True,
        "severity": {"green": 0, "yellow": 75, "red": 100},
        "grid_options": _full(),
    }
    warning = {
        "type": "markdown",
        "content": "**Over the daily limit.** Take no more oral magnesium today; talk to a doctor"
        " or pharmacist if this happens often.",
        "visibility": [{"condition": "state", "entity": over, "state": "on"}],
        "grid_options": _full(),
    }
    upcoming = {
        "type": "markdown",
        "content": (
            f"{{% set at = states('{next_dose}') %}} {{% if at in ['unknown', 'unavailable'] %}}"
            "No dose planned: both dose reminders are off.{% else %}"
            '<ha-icon icon="mdi:clock-outline"></ha-icon> **Next dose:**'
            f" {{{{ '%g' | format(state_attr('{next_dose}', 'amount_mg')) }}}} mg"
            f" {{{{ state_attr('{next_dose}', 'form') }}}} at"
            " {{ as_timestamp(at) | timestamp_custom('%H:%M') }}{% if as_datetime(at)"
            " | as_local > today_at('23:59:59') %} tomorrow{% endif %}{% endif %}"
        ),
        "grid_options": _full(),
    }
    return _section(
        _heading("Today", "mdi:calendar-today"),
        gauge if ids.get("limit_used") else None,
        warning if over else None,
        _tile(ids.get("oral_today"), "Oral today"),
        _tile(ids.get("remaining"), "Remaining"),
        _tile(ids.get("doses_today"), "Doses today"),
        _tile(ids.get("daily_target"), "Target"),
        upcoming if next_dose else None,
    )


def _log(ids: Mapping[str, str]) -> dict[str, Any]:
    return _section(
        _heading("Log", "mdi:gesture-tap-button"),
        _button(ids.get("log_morning_dose"), "Morning dose"),
        _button(ids.get("log_evening_dose"), "Evening dose"),
        _button(ids.get("log_epsom_bath"), "Epsom bath"),
        _tile(
            ids.get("last_dose"), "Last dose", state_content=["form", "state"], grid_options=_full()
        ),
        _tile(ids.get("last_bath"), "Last Epsom bath", grid_options=_full()),
        _heading("Reminders", "mdi:bell-outline", subtitle=True),
        _tile(ids.get("morning_dose_due"), "Morning dose"),
        _tile(ids.get("evening_dose_due"), "Evening dose"),
        _tile(ids.get("morning_time"), "Morning at"),
        _tile(ids.get("evening_time"), "Evening at"),
        _tile(ids.get("epsom_bath_due"), "Epsom bath"),
        _tile(ids.get("epsom_bath_time"), "Epsom bath at"),
        _tile(ids.get("epsom_bath_reminder"), "Epsom bath reminder", grid_options=_full()),
        _tile(ids.get("side_effects_7d"), "Side effects, last 7 days", grid_options=_full()),
        _heading("Reminders kept", "mdi:check-circle-outline", subtitle=True),
        _tile(ids.get("adherence_7d"), "7 days", vertical=True, grid_options={"columns": 4}),
        _tile(ids.get("adherence_30d"), "30 days", vertical=True, grid_options={"columns": 4}),
        _tile(ids.get("adherence_streak"), "Streak", vertical=True, grid_options={"columns": 4}),
    )


def _stock(ids: Mapping[str, str], products: Sequence[ProductIds]) -> dict[str, Any]:
    cards: list[dict[str, Any] | None] = [_heading("Stock", "mdi:pill-multiple")]
    for product in products:
        cards += [
            _tile(product.ids.get("stock"), product.name, grid_options=_full()),
            _tile(product.ids.get("run_out"), "Runs out"),
            _tile(product.ids.get("low_stock"), "Low stock"),
        ]
    cards += [
        _tile(ids.get("morning_product"), "Morning dose from", grid_options=_full()),
        _tile(ids.get("evening_product"), "Evening dose from", grid_options=_full()),
    ]
    return _section(*cards)


def _calendar(ids: Mapping[str, str]) -> dict[str, Any]:
    calendar = ids.get("plan")
    shown = [
        {
            "type": "calendar",
            "entities": [calendar],
            "initial_view": view,
            "grid_options": _full(),
            "visibility": [{"condition": "screen", "media_query": query}],
        }
        for view, query in (("listWeek", WIDE), ("dayGridDay", NARROW))
    ]
    return _section(_heading("Calendar", "mdi:calendar-month"), *(shown if calendar else ()))


def _history(ids: Mapping[str, str]) -> dict[str, Any]:
    oral = ids.get("oral_today")
    graph = {
        "type": "statistics-graph",
        "title": "Oral magnesium per day",
        "entities": [{"entity": oral, "name": "Oral magnesium"}],
        "period": "day",
        "days_to_show": 30,
        "stat_types": ["change"],
        "chart_type": "bar",
        "hide_legend": True,
        "grid_options": _full(),
    }
    note = {
        "type": "markdown",
        "content": "The limit counts oral supplements only: food, magnesium oil and Epsom baths do"
        " not count. With kidney disease, or when taking antibiotics, heart medication or"
        " diuretics, ask your doctor or pharmacist first.",
        "grid_options": _full(),
    }
    return _section(
        _heading("Last 30 days", "mdi:chart-bar"),
        graph if oral else None,
        _tile(ids.get("average_7d"), "7-day average"),
        _tile(ids.get("daily_limit"), "Daily limit"),
        note,
        column_span=2,
    )


def build_dashboard(
    name: str, ids: Mapping[str, str], products: Sequence[ProductIds]
) -> dict[str, Any]:
    """The dashboard of one person: today, the log, the stock, the calendar, 30 days."""
    sections = [_today(ids), _log(ids)]
    if products:
        sections.append(_stock(ids, products))
    sections += [_calendar(ids), _history(ids)]
    view = {
        "title": name,
        "path": "today",
        "icon": "mdi:pill",
        "type": "sections",
        "max_columns": 3,
        "sections": sections,
    }
    return {"title": f"Magnesium {name}", "views": [view]}


async def _async_dashboard(call: ServiceCall) -> ServiceResponse:
    hass = call.hass
    data = get_data(hass, call.data.get("config_entry_id"))
    entry_id = data.tracker.entry_id
    ids, products = entry_entity_ids(hass, data, entry_id)
    return build_dashboard(data.tracker.settings.name, ids, products)


def async_setup_dashboard_action(hass: HomeAssistant) -> None:
    """Register ``magnesium.dashboard`` (a response only)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_DASHBOARD,
        _async_dashboard,
        schema=DASHBOARD_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
