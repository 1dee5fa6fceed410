"""A real Home Assistant for measurements: real files, a movable clock, I/O and blocking checks."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
import logging
import os
from pathlib import Path
import statistics
import time
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant import block_async_io, loader
from homeassistant.core import HomeAssistant
from homeassistant.helpers import event as event_helper, frame, storage
from homeassistant.util import dt as dt_util
import orjson
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.magnesium.const import (
    CONF_DAILY_LIMIT,
    CONF_DAILY_TARGET,
    CONF_PERSON,
    DOMAIN,
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
)
from custom_components.magnesium.ledger import Kind, Ledger, Record, Source, new_record_id
from custom_components.magnesium.tracker import (
    KEEP_DAYS,
    RECOUNT_KEY,
    RECOUNT_VERSION,
    index_key,
    month_store_key,
)

TIME_ZONE = "Europe/Berlin"
RECORDS_PER_DAY = 10


# -- clock ------------------------------------------------------------------------------
_REAL_UTCNOW = dt_util.utcnow
_REAL_TIMESTAMP = time.time


class SimClock:
    """Home Assistant's clock, shifted to a chosen moment; it keeps running in real time.

    Every reader of the wall clock (``time.time``, ``dt_util.utcnow``/``now`` and the event
    helper's time tracker) is moved together. ``jump`` moves the clock forward and the event
    loop's clock with it, so a timer set for a moment after the jump's target stays ahead and
    one set before it is due; it runs the timers that became due, as the loop would.
    """

    def __init__(self) -> None:
        """Start without an offset."""
        self.offset = timedelta()
        self.shift = 0.0  # seconds the loop's clock was moved by the jumps
        self._saved: list[tuple[Any, str, Any]] = []

    def utcnow(self) -> datetime:
        """The shifted time."""
        return _REAL_UTCNOW() + self.offset

    def set(self, moment: datetime) -> None:
        """Make ``utcnow`` return ``moment`` now (and run on from there)."""
        self.offset = moment - _REAL_UTCNOW()

    def install(self) -> None:
        """Shift Home Assistant's clock (call in the event loop the measurements run in)."""
        loop = asyncio.get_running_loop()
        loop_time = loop.time

        def now(time_zone: tzinfo | None = None) -> datetime:
            return self.utcnow().astimezone(time_zone or dt_util.get_default_time_zone())

        def timestamp() -> float:
            return _REAL_TIMESTAMP() + self.offset.total_seconds()

        def shifted_loop_time() -> float:
            return loop_time() + self.shift

        for owner, name, value in (
            (time, "time", timestamp),
            (dt_util, "utcnow", self.utcnow),
            (dt_util, "now", now),
            (event_helper, "time_tracker_utcnow", self.utcnow),
            (event_helper, "time_tracker_timestamp", timestamp),
            (loop, "time", shifted_loop_time),
        ):
            self._saved.append((owner, name, getattr(owner, name)))
            setattr(owner, name, value)

    def uninstall(self) -> None:
        """Give Home Assistant its real clock back."""
        while self._saved:
            owner, name, value = self._saved.pop()
            setattr(owner, name, value)

    def jump(self, hass: HomeAssistant, moment: datetime) -> int:
        """Move the clock to ``moment``, running the timers due by then; returns how many ran.

        The clock stops at each timer's moment to run it, in the order they are due (also the
        timers that the timers set), as if the time had passed.
        """
        end = self.shift + (moment - self.utcnow()).total_seconds()
        ran = 0
        while True:
            # the loop's clock at ``end``: its own time plus what is left to jump
            deadline = hass.loop.time() + end - self.shift
            due = [
                handle
                for handle in getattr(hass.loop, "_scheduled", [])
                if isinstance(handle, asyncio.TimerHandle)
                and not handle.cancelled()
                and handle.when() <= deadline
            ]
            if not due:
                break
            handle = min(due, key=lambda item: item.when())
            self._advance(max(0.0, handle.when() - hass.loop.time()))
            handle._run()
            handle.cancel()
            ran += 1
        self._advance(max(0.0, end - self.shift))
        return ran

    def _advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)
        self.shift += seconds


# -- Home Assistant with real storage ---------------------------------------------------
# Store's own file access, kept at import: the test harness replaces it with a dict in memory
# (``hass_storage``) while a test runs, and the measurements need the real files.
_STORE_FILE_ACCESS = {
    name: storage.Store.__dict__[name]
    for name in ("_async_load", "_async_write_data", "async_remove")
}


@contextmanager
def real_storage() -> Iterator[None]:
    """Let ``Store`` read and write real files, also inside a test that mocks storage."""
    replaced = {name: storage.Store.__dict__[name] for name in _STORE_FILE_ACCESS}
    for name, method in _STORE_FILE_ACCESS.items():
        setattr(storage.Store, name, method)
    try:
        yield
    finally:
        for name, method in replaced.items():
            setattr(storage.Store, name, method)


@asynccontextmanager
async def real_hass(
    config_dir: Path, clock: SimClock | None = None
) -> AsyncIterator[HomeAssistant]:
    """A test Home Assistant whose ``Store`` reads and writes real files under ``config_dir``.

    Custom integrations are found on ``sys.path`` (the repository's ``custom_components``).
    """
    (config_dir / ".storage").mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        stack.enter_context(real_storage())
        if clock is not None:
            clock.install()
            stack.callback(clock.uninstall)
        async with async_test_home_assistant(config_dir=str(config_dir)) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            frame.async_setup(hass)
            await hass.config.async_set_time_zone(TIME_ZONE)
            try:
                yield hass
            finally:
                for entry in hass.config_entries.async_entries(DOMAIN):
                    with suppress(Exception):
                        await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_stop(force=True)


def make_entry(title: str, entry_id: str) -> MockConfigEntry:
    """A person's entry as the config flow makes it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        data={},
        options={CONF_PERSON: None, CONF_DAILY_LIMIT: 350, CONF_DAILY_TARGET: 300},
        unique_id=f"name:{title.lower()}",
        entry_id=entry_id,
    )


# -- history ----------------------------------------------------------------------------
def make_history(count: int, end: datetime, per_day: int = RECORDS_PER_DAY) -> list[Record]:
    """``count`` records before ``end``, ``per_day`` a day: mostly oral, some topical and baths."""
    step = timedelta(days=1) / per_day
    records = []
    for number in range(count):
        taken_at = (end - step * (number + 1)).astimezone(UTC).replace(microsecond=0)
        if number % 20 == 7:
            kind, form, extra = Kind.BATH, "sulfate", {"salt_g": 300.0, "minutes": 20.0}
        elif number % 10 == 3:
            kind, form, extra = Kind.TOPICAL, "chloride", {"area": "lower back"}
        else:
            kind = Kind.ORAL
            form = "glycinate" if number % 2 else "malate"
            extra = {"elemental_mg": 50.0}
        records.append(
            Record(
                id=new_record_id(taken_at),
                taken_at=taken_at,
                kind=kind,
                form=form,
                source=Source.ACTION,
                **extra,
            )
        )
    records.reverse()
    return records


@dataclass
class StoredHistory:
    """A history in the integration's storage format, ready to be written for any entry."""

    index: dict[str, Any]
    months: dict[str, dict[str, Any]]  # by month (and ``days.<year>``): the file's data

    @classmethod
    def build(cls, records: list[Record], time_zone: str = TIME_ZONE) -> StoredHistory:
        """Index and month files as the integration writes them (its own ledger makes them)."""
        ledger = Ledger(tz=ZoneInfo(time_zone))
        ledger.rebuild_index(records)
        months: dict[str, dict[str, Any]] = {}
        for record in records:
            months.setdefault(record.month, {"records": []})["records"].append(record.as_dict())
        index = {"tz": time_zone, **ledger.index_dict(), RECOUNT_KEY: RECOUNT_VERSION}
        if records:  # older day totals in yearly files, as the integration keeps them
            since = ledger.local_day(records[-1].taken_at) - timedelta(days=KEEP_DAYS)
            years = sorted({day.year for day in ledger.days if day < since})
            for year in years:
                months[f"days.{year:04d}"] = ledger.archive_dict(since, year)
            ledger.drop_days(since)  # as the integration does: the index knows the first day
            index = {
                "tz": time_zone,
                **ledger.index_dict(since),
                "days_since": since.isoformat(),
                "day_years": years,
                RECOUNT_KEY: RECOUNT_VERSION,
            }
        return cls(index, months)

    def write(self, config_dir: Path, entry_id: str) -> int:
        """Write the files of one entry; returns the bytes written."""
        folder = config_dir / ".storage"
        folder.mkdir(parents=True, exist_ok=True)
        written = _write_store(folder, index_key(entry_id), self.index)
        for month, data in self.months.items():
            written += _write_store(folder, month_store_key(entry_id, month), data)
        return written


def _write_store(folder: Path, key: str, data: dict[str, Any]) -> int:
    """Write a store file as Home Assistant's ``Store`` does (indented JSON)."""
    payload = orjson.dumps(
        {
            "version": STORAGE_VERSION,
            "minor_version": STORAGE_MINOR_VERSION,
            "key": key,
            "data": data,
        },
        option=orjson.OPT_INDENT_2,
    )
    (folder / key).write_bytes(payload)
    return len(payload)


# -- what the integration reads and writes ----------------------------------------------
@dataclass
class StorageLog:
    """Store loads and saves by key, while ``watch_storage`` is active and not paused."""

    loads: Counter[str] = field(default_factory=Counter)
    saves: Counter[str] = field(default_factory=Counter)
    delayed: Counter[str] = field(default_factory=Counter)
    active: bool = True

    def clear(self) -> None:
        """Forget what was counted."""
        self.loads.clear()
        self.saves.clear()
        self.delayed.clear()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Count nothing inside (work between the measured calls)."""
        self.active = False
        try:
            yield
        finally:
            self.active = True


@contextmanager
def watch_storage() -> Iterator[StorageLog]:
    """Count ``Store.async_load``, ``async_save`` and ``async_delay_save`` by storage key."""
    log = StorageLog()
    original_load = storage.Store.async_load
    original_save = storage.Store.async_save
    original_delay = storage.Store.async_delay_save

    async def async_load(self: storage.Store[Any]) -> Any:
        if log.active:
            log.loads[self.key] += 1
        return await original_load(self)

    async def async_save(self: storage.Store[Any], data: Any) -> None:
        if log.active:
            log.saves[self.key] += 1
        await original_save(self, data)

    def async_delay_save(self: storage.Store[Any], *args: Any, **kwargs: Any) -> None:
        if log.active:
            log.delayed[self.key] += 1
        original_delay(self, *args, **kwargs)

    storage.Store.async_load = async_load  # type: ignore[method-assign]
    storage.Store.async_save = async_save  # type: ignore[method-assign]
    storage.Store.async_delay_save = async_delay_save  # type: ignore[method-assign]
    try:
        yield log
    finally:
        storage.Store.async_load = original_load  # type: ignore[method-assign]
        storage.Store.async_save = original_save  # type: ignore[method-assign]
        storage.Store.async_delay_save = original_delay  # type: ignore[method-assign]


# -- blocking calls in the event loop ---------------------------------------------------
class BlockingCalls(logging.Handler):
    """Home Assistant's blocking-call detection, switched on, with what it reported."""

    def __init__(self) -> None:
        """Collect reports of ``homeassistant.util.loop``."""
        super().__init__(logging.DEBUG)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep a report of a blocking call."""
        message = record.getMessage()
        if "blocking call" in message:
            self.reports.append(message.split("\n", 1)[0])

    def enable(self) -> None:
        """Switch the detection on, also for the calls it skips under tests (open, listdir)."""
        logger = logging.getLogger("homeassistant.util.loop")
        logger.addHandler(self)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False  # the table lists the reports
        if not block_async_io._BLOCKED_CALLS.calls:
            block_async_io._IN_TESTS = False
            block_async_io.enable()

    def disable(self) -> None:
        """Restore the unprotected functions."""
        logger = logging.getLogger("homeassistant.util.loop")
        logger.removeHandler(self)
        logger.propagate = True
        calls = block_async_io._BLOCKED_CALLS.calls
        for blocking_call in calls:
            setattr(blocking_call.object, blocking_call.function, blocking_call.original_func)
        calls.clear()

    def self_test(self) -> bool:
        """Whether an ``open`` in the event loop is reported (call from the loop)."""
        before = len(self.reports)
        with open(os.devnull, encoding="utf-8"):
            pass
        found = len(self.reports) > before
        del self.reports[before:]
        return found


# -- figures ----------------------------------------------------------------------------
def rss_bytes() -> int:
    """Resident memory of this process."""
    with open("/proc/self/statm", encoding="ascii") as file:  # /proc is allowed in the loop
        return int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0.5 = median) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[position]


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)
