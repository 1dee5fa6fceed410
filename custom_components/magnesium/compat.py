"""Differences between the Home Assistant versions we support, kept in one place."""

from __future__ import annotations

# Home Assistant 2026.9 and newer validate with probatio, which it also installs under the
# name "voluptuous" at start-up. Importing it by its own name keeps our schemas, and the
# errors they raise, the same classes as Home Assistant's on every version.
try:
    import probatio as vol
except ImportError:  # Home Assistant before 2026.9
    import voluptuous as vol  # type: ignore[no-redef]

__all__ = ["vol"]
