"""Differences between the Home Assistant versions we support, kept in one place."""

from __future__ import annotations

# Home Assistant 2026.9 and newer validate with probatio, which it also installs under the
# name "voluptuous" at start-up. Importing it by its own name keeps our schemas, and the
# errors they raise, the same classes as Home Assistant's on every version.
try:
    import probatio as vol
except ImportError:  # Home Assistant before 2026.9
    import voluptuous as vol  # type: ignore[no-redef]

__all__ = ["STORAGE_TOO_NEW_ERRORS", "vol"]

# Home Assistant 2025.x and newer refuse a storage file from a newer version themselves, before
# our migration function sees it; older releases leave that to the migration function.
try:
    from homeassistant.exceptions import UnsupportedStorageVersionError

    STORAGE_TOO_NEW_ERRORS: tuple[type[Exception], ...] = (UnsupportedStorageVersionError,)
except ImportError:  # Home Assistant 2025.4
    STORAGE_TOO_NEW_ERRORS = ()
