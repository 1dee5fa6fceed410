"""Diagnostics: settings, products and recent records; names, notes and person links redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import CONF_NOTIFY_ENTITIES, CONF_NOTIFY_SERVICES, CONF_PERSON
from .ledger import Record
from .runtime import MagnesiumConfigEntry
from .spacing import weekday_keys

# Notify targets name a person's devices; reminder messages carry the person's name.
TO_REDACT = {
    CONF_PERSON,
    CONF_NOTIFY_ENTITIES,
    CONF_NOTIFY_SERVICES,
    "note",
    "area",
    "title",
    "name",
    "product",  # a product's name, in records and products: the user's own words
}
RECENT_RECORDS = 20


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: MagnesiumConfigEntry
) -> dict[str, Any]:
    """Settings, today's figures and the newest records of an entry."""
    tracker = entry.runtime_data.tracker
    reminders = entry.runtime_data.reminders
    ledger = tracker.ledger
    recent: list[Record] = []
    for month in reversed(ledger.loaded_months()):
        recent.extend(reversed(ledger.month_records(month)))
        if len(recent) >= RECENT_RECORDS:
            break
    today = tracker.today
    return async_redact_data(
        {
            "entry": {"title": entry.title, "options": dict(entry.options)},
            "time_zone": hass.config.time_zone,
            "today": {
                "day": today.day.isoformat(),
                "oral_mg": today.oral_mg,
                "oral_doses": today.total.oral_doses,
                "topical": today.total.topical,
                "baths": today.total.baths,
                "remaining_mg": today.remaining_mg,
                "average_7d": today.average_7d,
            },
            "index": {
                "days": len(ledger.days),
                "months": dict(ledger.month_counts),
                "loaded_months": ledger.loaded_months(),
                "undo_depth": len(ledger.undo_stack),
            },
            "recent_records": [record.as_dict() for record in recent[:RECENT_RECORDS]],
            "products": {
                product.id: {
                    "product": product.name,
                    **{key: value for key, value in product.as_data().items() if key != "name"},
                    "outlook": {
                        "stock": (view := tracker.outlook(product)).stock,
                        "daily_units": view.daily_units,
                        "days_left": view.days_left,
                        "run_out": view.run_out.isoformat() if view.run_out else None,
                        "low": view.low,
                    },
                }
                for product in tracker.products.values()
            },
            "reminders": {
                "settings": reminders.settings_dict(),
                "day_state": reminders.day_state.as_dict(),
                "target_mg": reminders.evaluation.target_mg,
                "statuses": {
                    key.value: {
                        "state": status.state.value,
                        "due_at": status.due_at.isoformat() if status.due_at else None,
                        "amount_mg": status.amount_mg,
                        "limit_reached": status.limit_reached,
                    }
                    for key, status in reminders.evaluation.statuses.items()
                },
                "next_check": reminders.evaluation.next_check.isoformat(),
                "medicines": [
                    {
                        "medicine": plan.medicine,
                        "times": [f"{at:%H:%M}" for at in plan.times],
                        "weekdays": weekday_keys(plan.weekdays),
                    }
                    for plan in reminders.medicines
                ],
                "adherence": {
                    "percent": reminders.adherence.percent,
                    "streak": reminders.adherence.streak,
                },
            },
        },
        TO_REDACT,
    )
