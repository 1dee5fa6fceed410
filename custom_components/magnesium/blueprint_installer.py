"""Install the automation blueprints shipped with the integration into the config folder.

The blueprints go to ``<config>/blueprints/automation/magnesium/``. A file the user changed
is never overwritten: the hash of every file we install is recorded, and an existing file
is only replaced when it still has the recorded hash, i.e. it is an older version we shipped.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
import hashlib
import logging
import os
from pathlib import Path
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

SOURCE_DIR: Final = Path(__file__).parent / "blueprints"
BLUEPRINT_DOMAIN: Final = "automation"
STORAGE_VERSION: Final = 1
STORAGE_KEY: Final = f"{DOMAIN}.blueprints"
DATA_BLUEPRINTS_INSTALLED: HassKey[bool] = HassKey(f"{DOMAIN}_blueprints_installed")

type InstalledHashes = dict[str, str]


@dataclass(slots=True)
class InstallResult:
    """What one installation run did, and the hashes to record afterwards."""

    hashes: InstalledHashes
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def target_dir(hass: HomeAssistant) -> Path:
    """The folder in the user's config where our blueprints go."""
    return Path(hass.config.path("blueprints", BLUEPRINT_DOMAIN, DOMAIN))


def content_hash(data: bytes) -> str:
    """The sha256 of a file's content, as hex."""
    return hashlib.sha256(data).hexdigest()


async def async_install_blueprints(hass: HomeAssistant) -> None:
    """Copy the shipped blueprints to the config folder, once per Home Assistant run.

    Failures are logged and never raised: blueprints are an extra, not a reason for the
    integration to fail its setup.
    """
    if hass.data.get(DATA_BLUEPRINTS_INSTALLED):
        return
    hass.data[DATA_BLUEPRINTS_INSTALLED] = True

    store: Store[InstalledHashes] = Store(hass, STORAGE_VERSION, STORAGE_KEY)
    record_readable = True
    try:
        recorded = _valid_hashes(await store.async_load())
    # a newer version, an unreadable file, or JSON that is not a store file (no version or data)
    except (HomeAssistantError, OSError, KeyError, TypeError, ValueError) as err:
        _LOGGER.warning("Could not read the record of installed blueprints: %s", err)
        recorded = {}
        record_readable = False

    destination = target_dir(hass)
    try:
        result = await hass.async_add_executor_job(_install, SOURCE_DIR, destination, recorded)
    except OSError as err:
        _LOGGER.warning("Could not install the Magnesium blueprints to %s: %s", destination, err)
        return

    if result.written:
        _LOGGER.info("Installed blueprints %s to %s", ", ".join(result.written), destination)
    if record_readable and result.hashes != recorded:
        try:
            await store.async_save(result.hashes)
        except (HomeAssistantError, OSError) as err:
            _LOGGER.warning("Could not record the installed blueprints: %s", err)


def _valid_hashes(data: object) -> InstalledHashes:
    """The recorded hashes, ignoring anything that is not a file name and a hash."""
    if not isinstance(data, dict):
        return {}
    return {
        name: digest
        for name, digest in data.items()
        if isinstance(name, str) and isinstance(digest, str)
    }


def _install(source: Path, destination: Path, recorded: InstalledHashes) -> InstallResult:
    """Copy the blueprints; runs in the executor.

    Raises OSError when the shipped files cannot be read or the folder cannot be made.
    A single file that cannot be written is logged and skipped.
    """
    shipped = {path.name: path.read_bytes() for path in sorted(source.glob("*.yaml"))}
    destination.mkdir(parents=True, exist_ok=True)
    result = InstallResult(hashes=dict(recorded))

    for name, content in shipped.items():
        new_hash = content_hash(content)
        target = destination / name
        try:
            current = target.read_bytes()
        except FileNotFoundError:
            current = None
        except OSError as err:
            _LOGGER.warning("Could not read blueprint %s: %s", target, err)
            result.failed.append(name)
            continue

        if current == content:
            result.hashes[name] = new_hash
            continue
        if current is not None and content_hash(current) != recorded.get(name):
            _LOGGER.info("Keeping blueprint %s: it was changed outside Magnesium", target)
            result.kept.append(name)
            continue

        try:
            _write_atomic(target, content)
        except OSError as err:
            _LOGGER.warning("Could not write blueprint %s: %s", target, err)
            result.failed.append(name)
            continue
        result.hashes[name] = new_hash
        result.written.append(name)

    return result


def _write_atomic(target: Path, content: bytes) -> None:
    """Write a file so that readers see either the old or the new content."""
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, target)
    except OSError:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
