"""One development instance for the whole browser suite, and a fresh browser page per test.

The instance starts once (scripts/develop on a fresh folder: the demo person with a week of
data); the test files run in name order, so the dashboard's screenshots (test_dashboard.py) see
the demo as scripts/develop made it before other tests log doses or add persons.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
import tempfile

import pytest
import pytest_socket

from .driver import CHROMIUM, DevTools, chromium, development_instance, free_port


@dataclass(frozen=True)
class Instance:
    """The running development instance."""

    base: str  # http://127.0.0.1:PORT
    tmp: Path  # its folder (config/, develop.log)
    ready: float  # seconds from scripts/develop to ready


@pytest.fixture(scope="session")
def instance() -> Iterator[Instance]:
    """scripts/develop on a free port, for the whole suite; stopped with Ctrl-C at the end."""
    assert CHROMIUM is not None, "no chromium (scripts/setup installs it)"
    # the harness blocks sockets in each test unless asked (socket_enabled); a session fixture
    # is set up before that, and picks its port here
    pytest_socket.enable_socket()
    with tempfile.TemporaryDirectory(prefix="magnesium-browser-") as tmp:
        config = Path(tmp) / "config"
        port = free_port()
        with development_instance(config, port) as ready:
            yield Instance(f"http://127.0.0.1:{port}", Path(tmp), ready)


@pytest.fixture
async def page(instance: Instance, socket_enabled: None, tmp_path: Path) -> AsyncIterator[DevTools]:
    """A new Chromium (own profile) on a blank page, logged in by the trusted network."""
    async with chromium(tmp_path / "profile") as tools:
        yield tools
