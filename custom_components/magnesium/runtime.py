"""What a loaded entry keeps at run time."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .reminders import ReminderManager
from .tracker import MagnesiumTracker


@dataclass(frozen=True, slots=True)
class MagnesiumData:
    """One person's log and reminders."""

    tracker: MagnesiumTracker
    reminders: ReminderManager


type MagnesiumConfigEntry = ConfigEntry[MagnesiumData]
