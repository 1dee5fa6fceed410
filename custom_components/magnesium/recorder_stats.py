"""The recorder's statistics of the day's oral total, kept right after a back-dated change.

The daily oral total sensor resets at local midnight; the recorder compiles its hourly ``sum``
from the states it saw. A dose logged (or removed) afterwards for an earlier day changes that
day's total, which the sensor (showing today) never shows: the ``sum`` of the statistics from
the dose's time on is moved by its amount, so the day's change (what a statistics graph of
daily oral magnesium shows) includes it, and the days after stay as they were.
"""

from __future__ import annotations

from datetime import datetime

from homeassistant.const import UnitOfMass
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance

from .const import DOMAIN

RECORDER = "recorder"


@callback
def async_adjust_daily_total(
    hass: HomeAssistant, entry_id: str, taken_at: datetime, change_mg: float
) -> None:
    """Move the statistics' sum by ``change_mg`` from ``taken_at`` on (when they are kept)."""
    if not change_mg or RECORDER not in hass.config.components:
        return
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{entry_id}_oral_today")
    if entity_id is None:
        return
    # the five-minute period that holds the dose, and (the recorder rounds it) its hour
    start = taken_at.replace(minute=taken_at.minute - taken_at.minute % 5, second=0, microsecond=0)
    get_instance(hass).async_adjust_statistics(entity_id, start, change_mg, UnitOfMass.MILLIGRAMS)
