"""The runtime object of one entry: the ledger, its storage, listeners and the day cycle."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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

from .adherence import DayInput
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
    record_id_time,
    recounted,
)
from .products import Outlook, Product, outlook
from .recorder_stats import async_adjust_daily_total

_LOGGER = logging.getLogger(__name__)

# The index keeps the per-day figures (day totals, the minutes of the oral doses, each
# product's units per day) of recent days: the entities read them without records (the
# 7-day average, a product's use over the last 14 days for its run-out date, adherence over
# 30 days). Once the index holds more than ARCHIVE_AFTER days, the days before the last
# KEEP_DAYS move to one file per year, read only when a question reaches back that far (the
# streak keeps a letter a day of those it needs: see adherence.day_codes): the index stays
# small, so setting up does not grow with history.
KEEP_DAYS = 35
ARCHIVE_AFTER = KEEP_DAYS + 31
# The index records that the months were recounted with the forms' fractions of this release
# (``_async_recount``): an index without it (of an earlier release) recounts them once.
RECOUNT_VERSION = 1
RECOUNT_KEY = "recounted"
# A dose is on disk in its month's file before the action answers; the index (a summary
# that can be rebuilt from the months) follows within this many seconds, and at shutdown.
INDEX_SAVE_DELAY = 10


_UNREAD: Any = object()  # a file not read yet


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
        """Create a store for one file.

        Home Assistant's ``Store`` writes a temporary file and renames it into place, so a file
        is whole, old or new, after a crash. ``atomic_writes`` would add an fsync per save,
        which costs several times the save on a typical disk (``scripts/bench``); Home
        Assistant reserves it for rarely written files.
        """
        super().__init__(hass, STORAGE_VERSION, key, minor_version=STORAGE_MINOR_VERSION)

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


def days_store_key(entry_id: str, year: int) -> str:
    """Storage key of one year of an entry's archived day totals."""
    return f"{DOMAIN}.{entry_id}.days.{year:04d}"


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
        self._stored_records: dict[str, list[dict[str, Any]]] = {}
        # day totals before ``_days_since`` are in yearly files (None: all are in the index)
        self._days_since: date | None = None
        self._day_years: set[int] = set()
        self._dirty_years: set[int] = set()
        # every month file carries the generation of its last change; the index, the
        # generation it has seen: a month with a newer one was written after the index
        self._generation = 0
        self._month_generations: dict[str, int] = {}
        self._index_saved_at: datetime | None = None
        self._index_saved_generation = 0
        self._index_scheduled = False
        self._month_locks: dict[str, asyncio.Lock] = {}
        self._listeners: list[CALLBACK_TYPE] = []
        self._unsubs: list[CALLBACK_TYPE] = []
        self._midnight_unsub: CALLBACK_TYPE | None = None
        self._midnight = datetime.min
        self._today: Today | None = None
        self._today_end = datetime.min.replace(tzinfo=UTC)
        self.products: dict[str, Product] = {}  # by id (the subentry's); set at set-up
        # counts changes of days before today (back-dated records, rebuilds): what was worked
        # out from those days holds while it stays the same
        self.past_changes = 0
        # counts changes of the days before the index's (kept in the index): what was worked
        # out from those days holds, also across restarts, while it stays the same
        self.archive_changes = 0

    # -- life cycle -------------------------------------------------------------------
    def _tz(self) -> ZoneInfo:
        return ZoneInfo(self.hass.config.time_zone)

    async def async_load(self) -> None:
        """Load the index and the current month; rebuild the index if it is stale."""
        current = month_key(dt_util.utcnow())
        # both files are read at once: each read waits for a thread of the executor
        data, month_data = await asyncio.gather(
            self._index_store.async_load(), self._month_store(current).async_load()
        )
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
                self._load_archive_index(data)
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
        if not await self._async_ensure_month(current, month_data) and (
            stale or not await self._async_index_current()
        ):
            await self._async_rebuild()
        await self._async_ensure_today()
        if data is None or data.get(RECOUNT_KEY) != RECOUNT_VERSION:
            await self._async_recount()

    async def _async_recount(self) -> None:
        """Recount, once, the doses logged by weight with a form's former fraction.

        Citrate was counted with 11.3 % (the hydrated salt) and is now counted with 16.2 %, the
        highest of its salts (facts.md, Forms). The changed months are written, the index is
        rebuilt from them, the statistics of earlier days follow, and the person is told in a
        repair notice per form: how many doses, by how much. Nothing else changes.
        """
        months = await self.hass.async_add_executor_job(self._stored_months)
        months.update(self.ledger.month_counts)
        changes: dict[str, list[tuple[Record, float]]] = {}
        for month in sorted(months):
            if month in self.ledger.loaded_months():
                records = list(self.ledger.month_records(month))
            else:
                records = await self._async_read_month(month)
            now = [recounted(record) for record in records]
            if all(new is old for new, old in zip(now, records, strict=True)):
                continue
            for new, old in zip(now, records, strict=True):
                if new is not old:
                    change = (new.elemental_mg or 0.0) - (old.elemental_mg or 0.0)
                    changes.setdefault(new.form, []).append((new, change))
            self._generation += 1
            self._month_generations[month] = self._generation
            self._stored_records.pop(month, None)
            await self._month_store(month).async_save(
                {"records": [record.as_dict() for record in now], "generation": self._generation}
            )
        if not changes:
            await self._async_save_index()  # with the mark: the months are not read again
            return
        await self._async_rebuild()
        today = self.ledger.local_day(dt_util.utcnow())
        for form, items in changes.items():
            for record, change in items:
                if self.ledger.local_day(record.taken_at) != today:
                    async_adjust_daily_total(self.hass, self.entry_id, record.taken_at, change)
            total = sum(change for _, change in items)
            _LOGGER.warning(
                "%s: %d %s doses recounted with the new fraction (%+.1f mg)",
                self.settings.name,
                len(items),
                form,
                total,
            )
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                f"recounted_{self.entry_id}_{form}",
                is_fixable=False,
                is_persistent=True,
                severity=ir.IssueSeverity.WARNING,
                translation_key=f"recounted_{form}",
                translation_placeholders={
                    "name": self.settings.name,
                    "count": str(len(items)),
                    "change_mg": f"{total:.0f}" if total >= 10 else f"{total:.1f}",
                },
            )

    def _load_archive_index(self, data: Mapping[str, Any]) -> None:
        try:
            since = data.get("days_since")
            self._days_since = date.fromisoformat(since) if since is not None else None
            self._day_years = {int(year) for year in data.get("day_years", [])}
            self._generation = int(data.get("generation", 0))
            self.archive_changes = int(data.get("archive_changes", 0))
            self._index_saved_generation = self._generation
            saved_at = data.get("saved_at")
            self._index_saved_at = (
                datetime.fromisoformat(saved_at) if saved_at is not None else None
            )
        except (TypeError, ValueError) as err:
            raise InvalidRecordError(str(err)) from err

    async def _async_index_current(self) -> bool:
        """Whether the index has seen every change of the months (a crash can come between).

        Only a month that was current since the index was written can be newer than it: the
        current month, and after a month's end also the months since the index's last save.
        """
        now = dt_util.utcnow()
        current = month_key(now)
        months = [current]
        if self._index_saved_at is not None and month_key(self._index_saved_at) < current:
            first = month_key(self._index_saved_at)
            for month in _months_from(first, current)[:-1]:
                if month in self.ledger.month_counts or await self.hass.async_add_executor_job(
                    os.path.exists,
                    self.hass.config.path(".storage", month_store_key(self.entry_id, month)),
                ):
                    if await self._async_ensure_month(month):
                        return True  # it differed and the index was rebuilt
                    months.append(month)
        return all(self._month_generations.get(month, 0) <= self._generation for month in months)

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
        self.past_changes += 1
        self.archive_changes += 1
        self._generation = max(self._generation, *self._month_generations.values(), 0)
        self._days_since = None  # every day is in memory again: the archive is rewritten
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

    def _stored_files(self) -> set[str]:
        """Months and day archives that have a file on disk (runs in the executor)."""
        prefix = f"{index_key(self.entry_id)}.days."
        folder = self.hass.config.path(".storage")
        names = os.listdir(folder) if os.path.isdir(folder) else []
        return self._stored_months() | {
            name[len(index_key(self.entry_id)) + 1 :]
            for name in names
            if name.startswith(prefix) and len(name) == len(prefix) + 4
        }

    async def async_remove_files(self) -> None:
        """Delete every file of this entry (when the user deletes the entry)."""
        months = await self.hass.async_add_executor_job(self._stored_files)
        index = await self._index_store.async_load()
        if isinstance(index, dict) and isinstance(index.get("months"), dict):
            months.update(str(month) for month in index["months"])
            months.update(f"days.{int(year):04d}" for year in index.get("day_years", []))
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
    def async_report_damaged(
        self, kind: str, path: str, month: str = "", *, year: int | None = None
    ) -> None:
        """Tell the user (a repair issue) that a file of this log was damaged and kept at path.

        ``kind`` is "index", "month", "days" (a year's older day totals), "reminders" or
        "stock" (the products' low-stock state): each has its own notice saying what was lost.
        """
        placeholders = {"name": self.settings.name, "path": path}
        part = month
        if month:
            placeholders["month"] = month
        if year is not None:
            placeholders["year"] = part = str(year)
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"damaged_{kind}_{self.entry_id}{f'_{part}' if part else ''}",
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
        if self._today is None or not self._today.day_start <= now < self._today_end:
            day = self.ledger.local_day(now)
            start, end = self.ledger.day_start(day), self.ledger.next_day_start(now)
            self._today_end = end
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
    def _note_change(self, record: Record, sign: int) -> None:
        """Count a change of a day before today (see ``past_changes``).

        The recorder's statistics of the daily oral total follow a dose of an earlier day.
        """
        now = dt_util.utcnow()
        if self.ledger.local_day(record.taken_at) != self.ledger.local_day(now):
            self.past_changes += 1
            if record.taken_at < now:
                async_adjust_daily_total(
                    self.hass, self.entry_id, record.taken_at, sign * record.oral_mg
                )

    async def async_add(self, record: Record) -> Record:
        """Log a record; it is on disk when this returns."""
        await self._async_ensure_month(record.month)
        if await self._async_ensure_day(record.taken_at):
            await self._async_ensure_month(record.month)  # the repair kept only the current one
        self.ledger.add(record)
        self._note_change(record, 1)
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
        if (taken_at := record_id_time(record_id)) is not None and await self._async_ensure_day(
            taken_at
        ):
            await self._async_ensure_month(month)  # the repair kept only the current one
        record = self.ledger.remove(record_id)
        self._note_change(record, -1)
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
        rebuilt = False
        for month in months:
            rebuilt = await self._async_ensure_month(month) or rebuilt
        if rebuilt:  # a month that differed rebuilt the index, which kept only itself loaded
            for month in months:
                await self._async_ensure_month(month)
        records = list(self.ledger.records_between(start, end))
        first = self.ledger.local_day(start) if start else None
        last = self.ledger.local_day(end) if end else None
        await self._async_load_archived_days(first, last)
        days = self.ledger.days_between(first, last)
        self._forget_archived_days()
        return records, days

    @property
    def days_since(self) -> date | None:
        """The first day whose figures are in memory (None: every day's are)."""
        return self._days_since

    def day_input(self, day: date) -> DayInput:
        """What adherence needs of a day in memory: its dose minutes and baths."""
        return DayInput(self.ledger.dose_minutes.get(day, ()), self.ledger.day_total(day).baths)

    async def async_archived_days(self, first: date, last: date) -> dict[date, DayInput]:
        """What adherence needs of the days ``first`` to ``last`` (reads their yearly files)."""
        await self._async_load_archived_days(first, last)
        days = {}
        day = first
        while day <= last:
            days[day] = self.day_input(day)
            day += timedelta(days=1)
        self._forget_archived_days()
        return days

    def _forget_archived_days(self) -> None:
        """Drop the yearly files' days read into memory again (unless one of them changed)."""
        if self._days_since is not None and not self._dirty_years:
            self.ledger.drop_days(self._days_since)

    # -- storage ----------------------------------------------------------------------
    def _month_store(self, month: str) -> MagnesiumStore:
        if (store := self._month_stores.get(month)) is None:
            store = self._month_stores[month] = MagnesiumStore(
                self.hass, month_store_key(self.entry_id, month)
            )
        return store

    async def _async_read_month(self, month: str, data: Any = _UNREAD) -> list[Record]:
        """A month's valid records; ``data``: what its store already loaded, if it did."""
        store = self._month_store(month)
        if data is _UNREAD:
            data = await store.async_load()
        if store.damaged_copy:
            self.async_report_damaged("month", store.damaged_copy, month)
        items = list(data.get("records", [])) if isinstance(data, dict) else []
        if isinstance(data, dict) and isinstance(data.get("generation"), int):
            self._month_generations[month] = data["generation"]
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

    async def _async_ensure_month(self, month: str, data: Any = _UNREAD) -> bool:
        """Load a month's records into the ledger once, however many callers ask.

        ``data`` is what the month's store already loaded, if it did. A month that does not
        match the index (damaged, or written just before a crash that kept the index from
        being written) rebuilds the index; returns whether it did.
        """
        if month in self.ledger.loaded_months():
            return False
        lock = self._month_locks.setdefault(month, asyncio.Lock())
        async with lock:
            if month in self.ledger.loaded_months():
                return False
            records = await self._async_read_month(month, data)
            self.ledger.load_month(month, records)
            if len(records) == self.ledger.month_counts.get(month, 0):
                return False
            _LOGGER.warning("Index of %s differs from %s; rebuilding", self.settings.name, month)
            await self._async_rebuild(keep=month)
            return True

    async def _async_save(self, month: str) -> None:
        """Write the month, then the index; a dose is on disk when this returns.

        After a change of the current month the index follows within ``INDEX_SAVE_DELAY``
        (one file write per dose); ``async_load`` finds a month newer than the index by its
        generation and rebuilds the index. A change of an older month writes the index at
        once, so that the index never misses a month it cannot check.
        """
        records = self._stored_month(month)
        self._generation += 1
        self._month_generations[month] = self._generation
        await self._month_store(month).async_save(
            {"records": records, "generation": self._generation}
        )
        if month == month_key(dt_util.utcnow()) and not self._archive_due():
            if not self._index_scheduled:  # written within the delay of the first change
                self._index_scheduled = True
                self._index_store.async_delay_save(self._index_data, INDEX_SAVE_DELAY)
        else:
            await self._async_save_index()

    def _stored_month(self, month: str) -> list[dict[str, Any]]:
        """The stored form of a month's records, kept between saves.

        A dose logged now comes last: its record is appended; anything else is redone.
        """
        current = self.ledger.month_records(month)
        stored = self._stored_records.get(month)
        if not (
            stored is not None
            and len(stored) == len(current) - 1
            and (not stored or stored[-1]["id"] == current[-2].id)
        ):
            stored = [record.as_dict() for record in current]
        else:
            stored.append(current[-1].as_dict())
        self._stored_records = {month: stored}  # only the month being written is kept
        return stored

    async def async_flush(self) -> None:
        """Write the index now if a write is pending (when the entry unloads)."""
        if self._index_pending:
            await self._async_save_index()

    @property
    def _index_pending(self) -> bool:
        return self._index_saved_generation != self._generation

    def _index_data(self) -> dict[str, Any]:
        """The index as stored (also called by a delayed save, when it writes)."""
        now = dt_util.utcnow()
        data: dict[str, Any] = {
            "tz": self.hass.config.time_zone,
            **self.ledger.index_dict(self._days_since),
            "generation": self._generation,
            "saved_at": now.isoformat(),
            RECOUNT_KEY: RECOUNT_VERSION,
        }
        if self._days_since is not None:
            data["days_since"] = self._days_since.isoformat()
            data["day_years"] = sorted(self._day_years)
            data["archive_changes"] = self.archive_changes
        self._index_saved_generation = self._generation
        self._index_saved_at = now
        self._index_scheduled = False
        return data

    async def _async_save_index(self) -> None:
        await self._async_archive_days()
        await self._index_store.async_save(self._index_data())
        if self._days_since is not None:
            self.ledger.drop_days(self._days_since)

    # -- archived day totals ----------------------------------------------------------
    def _days_store(self, year: int) -> MagnesiumStore:
        return MagnesiumStore(self.hass, days_store_key(self.entry_id, year))

    async def _async_ensure_day(self, moment: datetime) -> bool:
        """Load the archived totals of a day before the index's days, before changing it.

        Returns whether a damaged yearly file made it rebuild the index first.
        """
        day = self.ledger.local_day(moment)
        if self._days_since is None or day >= self._days_since:
            return False
        rebuilt = await self._async_load_archived_days(day, day)
        if self._days_since is not None and day < self._days_since:
            self._dirty_years.add(day.year)
            self.archive_changes += 1
        return rebuilt

    async def _async_load_archived_days(self, first: date | None, last: date | None) -> bool:
        """Put the archived days of the days ``first`` to ``last`` in memory.

        A damaged or missing yearly file is set aside and the index is rebuilt from the months
        (which rewrites every yearly file) before the days are read; returns whether it was.
        """
        rebuilt = False
        while (since := self._days_since) is not None and (first is None or first < since):
            intact = True
            for year in sorted(self._day_years):
                if (first is None or year >= first.year) and (last is None or year <= last.year):
                    intact = await self._async_load_year(year, since) and intact
            if intact or rebuilt:
                break
            await self._async_rebuild()
            rebuilt = True
        return rebuilt

    async def _async_load_year(self, year: int, since: date) -> bool:
        """Read one yearly file of days; returns False when it is damaged or missing."""
        store = self._days_store(year)
        data = await store.async_load()
        if store.damaged_copy:
            self.async_report_damaged("days", store.damaged_copy, year=year)
            return False
        if data is None:
            _LOGGER.warning("Day totals of %s of %s are missing", year, self.settings.name)
            return False
        try:
            self.ledger.load_archive(data, since)
        except InvalidRecordError as err:
            _LOGGER.warning("Day totals of %s of %s are damaged: %s", year, self.settings.name, err)
            path = await self._async_copy_aside(days_store_key(self.entry_id, year), data)
            self.async_report_damaged("days", path, year=year)
            return False
        return True

    def _archive_due(self) -> bool:
        today = self.ledger.local_day(dt_util.utcnow())
        since = self._days_since
        if not (self._dirty_years or since is None or (today - since).days > ARCHIVE_AFTER):
            return False
        keep_from = today - timedelta(days=KEEP_DAYS)
        return any(day < keep_from for day in self.ledger.days)

    async def _async_archive_days(self) -> None:
        """Move the index's older day totals to the yearly files; write changed years."""
        today = self.ledger.local_day(dt_util.utcnow())
        since = self._days_since
        if since is None or (today - since).days > ARCHIVE_AFTER:
            new_since = today - timedelta(days=KEEP_DAYS)
            moving = {day.year for day in self.ledger.days if day < new_since}
            if since is None:  # every day is in memory: rewrite every year
                moving |= self._day_years
            else:
                for year in moving:
                    first, last = date(year, 1, 1), date(year, 12, 31)
                    if await self._async_load_archived_days(first, last):
                        return  # rebuilt: every day was archived afresh
            self._dirty_years |= moving
            self._days_since = since = new_since
        for year in sorted(self._dirty_years):
            await self._days_store(year).async_save(self.ledger.archive_dict(since, year))
            self._day_years.add(year)
        self._dirty_years.clear()


def _months_from(first: str, last: str) -> list[str]:
    """The months ``first`` to ``last`` (``YYYY-MM``), both included."""
    year, month = int(first[:4]), int(first[5:])
    months = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        months.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


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
