"""The runtime object of one entry: the ledger, its storage, listeners and the day cycle."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
import json
import logging
import os
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import (
    CALLBACK_TYPE,
    DOMAIN as HOMEASSISTANT_DOMAIN,
    Event,
    HomeAssistant,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .compat import STORAGE_TOO_NEW_ERRORS
from .const import (
    CONF_ASK_DOCTOR,
    CONF_DAILY_LIMIT,
    CONF_DAILY_TARGET,
    CONF_PERSON,
    DEFAULT_DAILY_LIMIT,
    DEFAULT_DAILY_TARGET,
    DOMAIN,
    EVENT_DOSE_LOGGED,
    SIDE_EFFECT_DAYS,
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
)
from .ledger import (
    DayTotal,
    InvalidRecordError,
    Kind,
    Ledger,
    MonthNotLoadedError,
    Record,
    month_key,
)
from .products import Outlook, Product, outlook

_LOGGER = logging.getLogger(__name__)


class StorageVersionError(HomeAssistantError):
    """Stored data was written by a newer version of the integration."""


def _too_new(key: str, version: int | None) -> StorageVersionError:
    _LOGGER.error("%s was written by a newer version (%s) of the integration", key, version)
    return StorageVersionError(translation_domain=DOMAIN, translation_key="storage_too_new")


# What Home Assistant's Store raises for a file that parses as JSON but is not a store file
# (no version, no data, a version that is not a number, data that is not an object)
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


class MagnesiumStore(Store[dict[str, Any]]):
    """A versioned store of the integration; refuses data from a newer version.

    A damaged file (one Home Assistant cannot parse, or one that is not a store file) loads as
    nothing and is kept beside the log; ``damaged_copy`` then names the copy until the next load.
    """

    damaged_copy: str | None = None

    def __init__(self, hass: HomeAssistant, key: str) -> None:
        """Create an atomic-writing store for one file."""
        super().__init__(
            hass,
            STORAGE_VERSION,
            key,
            minor_version=STORAGE_MINOR_VERSION,
            atomic_writes=True,
        )

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        """Migrate stored data to the current version."""
        if old_major_version > STORAGE_VERSION:
            raise _too_new(self.key, old_major_version)
        # 1 -> 2 -> 3: the same schema; version 2 may also hold side-effect records, version 3
        # refills, the product and units of a dose, the products' use in the index, medicine
        # records, and the minutes of each day's oral doses in the index (an index without
        # them is rebuilt).
        return old_data

    async def async_load(self) -> dict[str, Any] | None:
        """Load the data; a damaged file loads as None and sets ``damaged_copy``."""
        self.damaged_copy = None
        try:
            data: Any = await super().async_load()  # any JSON, whatever the type says
        except STORAGE_TOO_NEW_ERRORS as err:  # Home Assistant's own check, on newer releases
            raise _too_new(self.key, None) from err
        except _SHAPE_ERRORS as err:
            _LOGGER.warning("%s is not a readable store file: %r", self.key, err)
        else:
            if data is None:
                self.damaged_copy = self._take_corruption_notice()
                return None
            if isinstance(data, dict):
                return data
            _LOGGER.warning("%s holds %s, not an object", self.key, type(data).__name__)
        name = f"{self.path}.damaged.{dt_util.utcnow():%Y%m%d%H%M%S}"
        moved = await self.hass.async_add_executor_job(_move_aside, self.path, name)
        self.damaged_copy = name if moved else self.path
        return None

    def _take_corruption_notice(self) -> str | None:
        """Where Home Assistant kept this file when it could not parse it, if it just did.

        Home Assistant moves an unparsable store file aside and raises a general repair issue;
        it is replaced by ours, which says what it means for this log.
        """
        prefix = f"storage_corruption_{self.key}_"
        for (domain, issue_id), issue in list(ir.async_get(self.hass).issues.items()):
            if domain == HOMEASSISTANT_DOMAIN and issue_id.startswith(prefix):
                ir.async_delete_issue(self.hass, HOMEASSISTANT_DOMAIN, issue_id)
                return str((issue.translation_placeholders or {}).get("corrupt_path", self.path))
        return None


@dataclass(frozen=True, slots=True)
class Settings:
    """The settings of one person's entry."""

    name: str
    person: str | None = None
    daily_limit: float = DEFAULT_DAILY_LIMIT
    daily_target: float = DEFAULT_DAILY_TARGET
    ask_doctor: bool = False

    @classmethod
    def from_entry(cls, title: str, options: Mapping[str, Any]) -> Settings:
        """Read settings from a config entry's options."""
        return cls(
            name=title,
            person=options.get(CONF_PERSON) or None,
            daily_limit=float(options.get(CONF_DAILY_LIMIT, DEFAULT_DAILY_LIMIT)),
            daily_target=float(options.get(CONF_DAILY_TARGET, DEFAULT_DAILY_TARGET)),
            ask_doctor=bool(options.get(CONF_ASK_DOCTOR, False)),
        )


@dataclass(frozen=True, slots=True)
class Today:
    """The day's figures that the entities show."""

    day: date
    day_start: datetime
    total: DayTotal
    daily_limit: float
    daily_target: float
    average_7d: float
    last_oral: Record | None
    last_topical: Record | None
    last_bath: Record | None
    oral_times: tuple[datetime, ...] = ()
    bath_times: tuple[datetime, ...] = ()
    side_effects_7d: int = 0
    # medicines logged today, and the newest one before today: (medicine, taken_at)
    medicine_intakes: tuple[tuple[str, datetime], ...] = ()

    @property
    def oral_mg(self) -> float:
        """Oral elemental magnesium today."""
        return self.total.oral_mg

    @property
    def remaining_mg(self) -> float:
        """What is left under the daily limit, never negative."""
        return round(max(0.0, self.daily_limit - self.total.oral_mg), 3)

    @property
    def limit_used_pct(self) -> float:
        """Share of the daily limit used today, in percent."""
        return round(100 * self.total.oral_mg / self.daily_limit, 1)

    @property
    def over_limit(self) -> bool:
        """Whether today's oral magnesium is above the daily limit."""
        return self.total.oral_mg > self.daily_limit


def index_key(entry_id: str) -> str:
    """Storage key of an entry's index."""
    return f"{DOMAIN}.{entry_id}"


def month_store_key(entry_id: str, month: str) -> str:
    """Storage key of one month of an entry's records."""
    return f"{DOMAIN}.{entry_id}.{month}"


class MagnesiumTracker:
    """Owns one person's ledger and its files; tells entities when figures change."""

    def __init__(self, hass: HomeAssistant, entry_id: str, settings: Settings) -> None:
        """Create the tracker; call ``async_load`` before use."""
        self.hass = hass
        self.entry_id = entry_id
        self.settings = settings
        self.ledger = Ledger(tz=self._tz())
        self._index_store = MagnesiumStore(hass, index_key(entry_id))
        self._month_stores: dict[str, MagnesiumStore] = {}
        self._month_locks: dict[str, asyncio.Lock] = {}
        self._listeners: list[CALLBACK_TYPE] = []
        self._unsubs: list[CALLBACK_TYPE] = []
        self._midnight_unsub: CALLBACK_TYPE | None = None
        self._midnight = datetime.min
        self._today: Today | None = None
        self.products: dict[str, Product] = {}  # by id (the subentry's); set at set-up

    # -- life cycle -------------------------------------------------------------------
    def _tz(self) -> ZoneInfo:
        return ZoneInfo(self.hass.config.time_zone)

    async def async_load(self) -> None:
        """Load the index and the current month; rebuild the index if it is stale."""
        data = await self._index_store.async_load()
        stale = False
        if self._index_store.damaged_copy:
            self.async_report_damaged("index", self._index_store.damaged_copy)
        if data is None:
            # A new person, or an index that was lost (Home Assistant moves a file it cannot
            # parse aside and loads nothing): months on disk tell the two apart.
            stale = bool(await self.hass.async_add_executor_job(self._stored_months))
        else:
            try:
                self.ledger.load_index(data)
            except InvalidRecordError:
                _LOGGER.warning("Index of %s is damaged; rebuilding it", self.settings.name)
                stale = True
                self.async_report_damaged(
                    "index", await self._async_copy_aside(index_key(self.entry_id), data)
                )
            else:
                # an index from before version 3 lacks the dose minutes: rebuild it once
                stale = data.get("tz") != self.hass.config.time_zone or "dose_minutes" not in data
        # a current month that does not match the index is rebuilt here (see _async_ensure_month)
        if not await self._async_ensure_month(month_key(dt_util.utcnow())) and stale:
            await self._async_rebuild()
        await self._async_ensure_today()

    @callback
    def async_start(self) -> None:
        """Start the day cycle and watch for time zone changes."""
        self._schedule_midnight()
        self._unsubs.append(
            self.hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, self._async_core_config_updated)
        )

    @callback
    def async_stop(self) -> None:
        """Stop timers and listeners."""
        if self._midnight_unsub:
            self._midnight_unsub()
            self._midnight_unsub = None
        while self._unsubs:
            self._unsubs.pop()()

    async def _async_core_config_updated(self, _event: Event) -> None:
        if self.ledger.tz != self._tz():
            await self._async_rebuild()
            self._schedule_midnight()

    async def _async_rebuild(self, keep: str | None = None) -> None:
        """Recompute the index from every stored month (time zone change or repair).

        Afterwards the current month (and ``keep``, already loaded) stay loaded.
        """
        self.ledger.with_tz(self._tz())
        months = await self.hass.async_add_executor_job(self._stored_months)
        months.update(self.ledger.month_counts)
        months.add(month_key(dt_util.utcnow()))
        records: list[Record] = []
        for month in sorted(months):
            records.extend(await self._async_read_month(month))
        self.ledger.rebuild_index(records)
        current = month_key(dt_util.utcnow())
        for month in self.ledger.loaded_months():
            if month not in (current, keep):
                self.ledger.unload_month(month)
        await self._async_save_index()
        await self._async_ensure_today()
        self._changed()

    def _stored_months(self) -> set[str]:
        """Months that have a file on disk (runs in the executor)."""
        prefix = f"{index_key(self.entry_id)}."
        folder = self.hass.config.path(".storage")
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return set()
        return {
            name[len(prefix) :]
            for name in names
            if name.startswith(prefix) and len(name) == len(prefix) + 7
        }

    async def async_remove_files(self) -> None:
        """Delete every file of this entry (when the user deletes the entry)."""
        months = await self.hass.async_add_executor_job(self._stored_months)
        index = await self._index_store.async_load()
        if isinstance(index, dict) and isinstance(index.get("months"), dict):
            months.update(str(month) for month in index["months"])
        for month in months:
            await self._month_store(month).async_remove()
        await self._index_store.async_remove()

    # -- listeners --------------------------------------------------------------------
    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update`` whenever the figures change; returns the remover."""
        self._listeners.append(update)

        @callback
        def remove() -> None:
            self._listeners.remove(update)

        return remove

    @callback
    def _changed(self) -> None:
        self._today = None
        if self._midnight_unsub and self._midnight != self.ledger.next_day_start(dt_util.utcnow()):
            self._schedule_midnight()  # the clock was set back past a midnight
        for update in list(self._listeners):
            update()

    @callback
    def async_report_damaged(self, kind: str, path: str, month: str = "") -> None:
        """Tell the user (a repair issue) that a file of this log was damaged and kept at path.

        ``kind`` is "index", "month" or "reminders": each has its own notice saying what was lost.
        """
        placeholders = {"name": self.settings.name, "path": path}
        if month:
            placeholders["month"] = month
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"damaged_{kind}_{self.entry_id}{f'_{month}' if month else ''}",
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=f"damaged_{kind}",
            translation_placeholders=placeholders,
        )

    @callback
    def async_update_settings(self, settings: Settings) -> None:
        """Apply changed settings at once."""
        self.settings = settings
        self._changed()

    def _schedule_midnight(self) -> None:
        if self._midnight_unsub:
            self._midnight_unsub()
        self._midnight = self.ledger.next_day_start(dt_util.utcnow())
        self._midnight_unsub = async_track_point_in_utc_time(
            self.hass, self._async_midnight, self._midnight
        )

    async def _async_midnight(self, _now: datetime) -> None:
        self._midnight_unsub = None
        self._schedule_midnight()
        await self._async_ensure_today()
        self._changed()

    # -- figures ----------------------------------------------------------------------
    @property
    def today(self) -> Today:
        """Today's figures (computed once per change, shared by all entities)."""
        now = dt_util.utcnow()
        day = self.ledger.local_day(now)
        if self._today is None or self._today.day != day:
            start, end = self.ledger.day_start(day), self.ledger.next_day_start(now)
            records = self._records_between(start, end)
            self._today = Today(
                day=day,
                day_start=self.ledger.day_start(day),
                total=self.ledger.day_total(day),
                daily_limit=self.settings.daily_limit,
                daily_target=self.settings.daily_target,
                average_7d=self.ledger.average_oral(day),
                last_oral=self.ledger.last.get(Kind.ORAL),
                last_topical=self.ledger.last.get(Kind.TOPICAL),
                last_bath=self.ledger.last.get(Kind.BATH),
                oral_times=tuple(r.taken_at for r in records if r.kind is Kind.ORAL),
                bath_times=tuple(r.taken_at for r in records if r.kind is Kind.BATH),
                side_effects_7d=self.ledger.side_effects_between(
                    day - timedelta(days=SIDE_EFFECT_DAYS - 1), day
                ),
                medicine_intakes=self._medicine_intakes(records),
            )
        return self._today

    def _medicine_intakes(self, records: Iterable[Record]) -> tuple[tuple[str, datetime], ...]:
        intakes = {r.id: (r.form, r.taken_at) for r in records if r.kind is Kind.MEDICINE}
        if (newest := self.ledger.last.get(Kind.MEDICINE)) is not None:
            intakes.setdefault(newest.id, (newest.form, newest.taken_at))
        return tuple(sorted(intakes.values(), key=lambda item: item[1]))

    async def async_medicine_intakes(
        self, start: datetime, end: datetime
    ) -> list[tuple[str, datetime]]:
        """Medicines logged in ``[start, end)`` (loads their months)."""
        records, _days = await self.async_get_log(start, end)
        return [(r.form, r.taken_at) for r in records if r.kind is Kind.MEDICINE]

    def outlook(self, product: Product) -> Outlook:
        """A product's stock and run-out date now (from the index: a few lookups)."""
        today = self.ledger.local_day(dt_util.utcnow())
        return outlook(product, self.ledger.product_usage(product.id), today)

    def _records_between(self, start: datetime, end: datetime) -> list[Record]:
        """Records of a span whose months are loaded (today's are: see ``_async_ensure_today``)."""
        try:
            return list(self.ledger.records_between(start, end))
        except MonthNotLoadedError:  # pragma: no cover - the day's months are loaded first
            _LOGGER.debug("Months of %s to %s not loaded yet", start, end)
            return []

    async def _async_ensure_today(self) -> None:
        """Load the month in which today began, when it is not the current one."""
        now = dt_util.utcnow()
        day_start = self.ledger.day_start(self.ledger.local_day(now))
        await self._async_ensure_month(month_key(day_start))

    # -- changes ----------------------------------------------------------------------
    async def async_add(self, record: Record) -> Record:
        """Log a record; it is on disk when this returns."""
        await self._async_ensure_month(record.month)
        self.ledger.add(record)
        await self._async_save(record.month)
        self.hass.bus.async_fire(
            EVENT_DOSE_LOGGED, {"config_entry_id": self.entry_id, **record.as_dict()}
        )
        self._changed()
        return record

    async def async_undo(self) -> Record | None:
        """Remove the last logged record; None when there is nothing to undo."""
        if not self.ledger.undo_stack and self.ledger.month_counts:
            await self._async_ensure_month(max(self.ledger.month_counts))
        if (record_id := self.ledger.undo_target()) is None:
            return None
        return await self.async_remove(record_id)

    async def async_remove(self, record_id: str) -> Record:
        """Remove a record by id (raises RecordNotFoundError)."""
        month = self.ledger.month_of_id(record_id)
        await self._async_ensure_month(month)
        record = self.ledger.remove(record_id)
        if record.kind not in self.ledger.last:
            for older in self.ledger.months_to_search_for_last(record.kind):
                await self._async_ensure_month(older)
                if self.ledger.refresh_last(record.kind):
                    break
        await self._async_save(month)
        self._changed()
        return record

    async def async_get_log(
        self, start: datetime | None, end: datetime | None
    ) -> tuple[list[Record], list[tuple[date, DayTotal]]]:
        """Records in ``[start, end)`` and the day totals of the days they span."""
        months = self.ledger.months_between(start, end)
        for month in months:
            await self._async_ensure_month(month)
        records = list(self.ledger.records_between(start, end))
        first = self.ledger.local_day(start) if start else None
        last = self.ledger.local_day(end) if end else None
        return records, self.ledger.days_between(first, last)

    # -- storage ----------------------------------------------------------------------
    def _month_store(self, month: str) -> MagnesiumStore:
        if (store := self._month_stores.get(month)) is None:
            store = self._month_stores[month] = MagnesiumStore(
                self.hass, month_store_key(self.entry_id, month)
            )
        return store

    async def _async_read_month(self, month: str) -> list[Record]:
        store = self._month_store(month)
        data = await store.async_load()
        if store.damaged_copy:
            self.async_report_damaged("month", store.damaged_copy, month)
        items = list(data.get("records", [])) if isinstance(data, dict) else []
        records = list(_read_records(items, month))
        if len(records) < len(items):
            await self._async_keep_damaged(month, data, len(items) - len(records))
        return records

    async def _async_keep_damaged(self, month: str, data: Any, damaged: int) -> None:
        """Keep a copy of a month with damaged records and tell the user (a repair issue).

        The month is rewritten without them at the next change; the copy keeps what was there.
        """
        path = await self._async_copy_aside(month_store_key(self.entry_id, month), data)
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"damaged_records_{self.entry_id}_{month}",
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="damaged_records",
            translation_placeholders={
                "name": self.settings.name,
                "count": str(damaged),
                "month": month,
                "path": path,
            },
        )

    async def _async_copy_aside(self, key: str, data: Any) -> str:
        """Keep a copy of a damaged file's content beside the log; returns where."""
        name = f"{key}.damaged.{dt_util.utcnow():%Y%m%d%H%M%S}"
        path = self.hass.config.path(".storage", name)
        try:
            await self.hass.async_add_executor_job(_write_json, path, data)
        except OSError as err:
            _LOGGER.error("Could not keep a copy of the damaged data at %s: %s", path, err)
            return str(err)
        return path

    async def _async_ensure_month(self, month: str) -> bool:
        """Load a month's records into the ledger once, however many callers ask.

        A month that does not match the index (damaged, or written just before a crash that
        kept the index from being written) rebuilds the index; returns whether it did.
        """
        if month in self.ledger.loaded_months():
            return False
        lock = self._month_locks.setdefault(month, asyncio.Lock())
        async with lock:
            if month in self.ledger.loaded_months():
                return False
            records = await self._async_read_month(month)
            self.ledger.load_month(month, records)
            if len(records) == self.ledger.month_counts.get(month, 0):
                return False
            _LOGGER.warning("Index of %s differs from %s; rebuilding", self.settings.name, month)
            await self._async_rebuild(keep=month)
            return True

    async def _async_save(self, month: str) -> None:
        """Write the month, then the index: the record is on disk before the index names it."""
        records = [record.as_dict() for record in self.ledger.month_records(month)]
        await self._month_store(month).async_save({"records": records})
        await self._async_save_index()

    async def _async_save_index(self) -> None:
        await self._index_store.async_save(
            {"tz": self.hass.config.time_zone, **self.ledger.index_dict()}
        )


def _move_aside(path: str, name: str) -> bool:
    """Rename a file, when it exists (runs in the executor)."""
    try:
        os.replace(path, name)
    except FileNotFoundError:
        return False
    return True


def _write_json(path: str, data: Any) -> None:
    """Write data as JSON (runs in the executor)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as file:
        json.dump(data, file, indent=2)


def _read_records(items: Iterable[Any], month: str) -> Iterable[Record]:
    """Valid records of a stored month; a damaged record is skipped with a warning."""
    for item in items:
        try:
            record = Record.from_dict(item)
        except InvalidRecordError as err:
            _LOGGER.warning("Skipping a damaged record in %s: %s", month, err)
            continue
        yield record
