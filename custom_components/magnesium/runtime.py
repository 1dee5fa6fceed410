"""What a loaded entry keeps at run time."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .reminders import ReminderManager
from .stock import StockWatcher
from .tracker import MagnesiumTracker


@dataclass(frozen=True, slots=True)
class MagnesiumData:
    """One person's log and reminders."""

    tracker: MagnesiumTracker
    reminders: ReminderManager
    stock: StockWatcher | None = None


type MagnesiumConfigEntry = ConfigEntry[MagnesiumData]
