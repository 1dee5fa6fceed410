"""The intake ledger: records, local-day totals and summaries.

Over 400 lines: the record model, day totals and the on-disk codecs still live together; the
redesign splits records, ledger and storage codecs.

Pure Python, no Home Assistant imports. The ledger keeps:

* an index that stays small whatever the length of history: totals per local day, the
  number of records per storage month, the newest record of each kind and a short undo
  stack;
* the records of the months that have been loaded (the storage layer loads the current
  month at start and older months on demand).

Records are sharded by the UTC calendar month of ``taken_at`` (stable when the time zone
changes); totals are per local calendar day in the configured time zone, so days of 23
and 25 hours are whole days. Every hot-path operation touches the index and one month.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
import math
import secrets
from typing import Any

from .knowledge import FORMER_FRACTIONS, FORMS_BY_KEY

UNDO_DEPTH = 20
AVERAGE_DAYS = 7
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {char: value for value, char in enumerate(_CROCKFORD)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Kind(StrEnum):
    """What kind of intake a record is."""

    ORAL = "oral"
    TOPICAL = "topical"
    BATH = "bath"
    SIDE_EFFECT = "side_effect"  # ``form`` holds the symptom
    MEDICINE = "medicine"  # ``form`` holds the medicine (an interaction key); not intake
    REFILL = "refill"  # units added to a product's stock; ``form`` holds the product's form


class Source(StrEnum):
    """Where a record came from."""

    ACTION = "action"
    VOICE = "voice"
    BUTTON = "button"
    NOTIFICATION = "notification"


class LedgerError(Exception):
    """Base error of the ledger."""


class InvalidRecordError(LedgerError):
    """Stored data that does not describe a valid record."""


class RecordNotFoundError(LedgerError):
    """No record with that id."""


class MonthNotLoadedError(LedgerError):
    """An operation needs a month of records that is not loaded."""

    def __init__(self, month: str) -> None:
        """Name the month that must be loaded first."""
        super().__init__(month)
        self.month = month


def new_record_id(taken_at: datetime) -> str:
    """Make a ULID whose time part is ``taken_at``: ids sort by time and name their month."""
    millis = max(0, (taken_at - _EPOCH) // timedelta(milliseconds=1))
    value = (millis << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def record_id_time(record_id: str) -> datetime | None:
    """The ``taken_at`` encoded in a record id, or None if it is not a valid id."""
    if len(record_id) != 26 or any(char not in _DECODE for char in record_id.upper()):
        return None
    value = 0
    for char in record_id[:10].upper():
        value = value * 32 + _DECODE[char]
    try:
        return datetime.fromtimestamp(value / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def month_key(moment: datetime) -> str:
    """The storage month (UTC) of a moment, as ``YYYY-MM``."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}"


def _round(value: float) -> float:
    return round(value, 3)


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise InvalidRecordError(f"taken_at is not a string: {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as err:
        raise InvalidRecordError(f"bad taken_at: {value!r}") from err
    if moment.tzinfo is None:
        raise InvalidRecordError(f"taken_at has no time zone: {value!r}")
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def _optional_number(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRecordError(f"{key} is not a number: {value!r}")
    try:
        number = float(value)
    except OverflowError as err:
        raise InvalidRecordError(f"{key} is out of range") from err
    if not math.isfinite(number):
        raise InvalidRecordError(f"{key} is not a finite number: {value!r}")
    return number


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRecordError(f"{key} is not text: {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Record:
    """One logged intake."""

    id: str
    taken_at: datetime
    kind: Kind
    form: str
    elemental_mg: float | None = None
    compound_mg: float | None = None
    source: Source = Source.ACTION
    note: str | None = None
    area: str | None = None
    salt_g: float | None = None
    minutes: float | None = None
    product: str | None = None  # the product's name when logged (kept if it is removed)
    product_id: str | None = None
    units: float | None = None  # units of the product taken (oral) or added (refill)

    @property
    def month(self) -> str:
        """The storage month of this record."""
        return month_key(self.taken_at)

    @property
    def oral_mg(self) -> float:
        """Elemental magnesium that counts toward the daily limit."""
        if self.kind is Kind.ORAL and self.elemental_mg is not None:
            return self.elemental_mg
        return 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, without empty fields."""
        data: dict[str, Any] = {
            "id": self.id,
            "taken_at": self.taken_at.isoformat(),
            "kind": self.kind.value,
            "form": self.form,
            "source": self.source.value,
        }
        for key in _OPTIONAL_FIELDS:
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Record:
        """Read a stored record; raises InvalidRecordError on anything malformed."""
        if not isinstance(data, Mapping):
            raise InvalidRecordError(f"record is not an object: {data!r}")
        record_id = data.get("id")
        form = data.get("form")
        if not isinstance(record_id, str) or not record_id:
            raise InvalidRecordError(f"bad id: {record_id!r}")
        if not isinstance(form, str) or not form:
            raise InvalidRecordError(f"bad form: {form!r}")
        kind_value, source_value = data.get("kind"), data.get("source", Source.ACTION.value)
        kind = _KINDS.get(kind_value) if isinstance(kind_value, str) else None
        source = _SOURCES.get(source_value) if isinstance(source_value, str) else None
        if kind is None:
            raise InvalidRecordError(f"bad kind: {kind_value!r}")
        if source is None:
            raise InvalidRecordError(f"bad source: {source_value!r}")
        # only the optional fields a record has are read (a month holds hundreds of records)
        optional = {
            key: _OPTIONAL_READERS[key](data, key) for key in data.keys() & _OPTIONAL_READERS.keys()
        }
        return cls(
            id=record_id,
            taken_at=_parse_time(data.get("taken_at")),
            kind=kind,
            form=form,
            source=source,
            **optional,
        )


def recounted(record: Record) -> Record:
    """A dose logged by weight with a form's former fraction, counted with today's fraction.

    The former fractions are ``knowledge.FORMER_FRACTIONS``; any other record is returned as it
    is.

    Only a record whose elemental amount is the compound times a former fraction (as logged:
    rounded to 0.1 mg at most) is recounted, so a record is recounted once at most; a record
    logged by its elemental amount has no compound weight and is never touched.
    """
    former = FORMER_FRACTIONS.get(record.form)
    if (
        not former
        or record.kind is not Kind.ORAL
        or record.compound_mg is None
        or record.elemental_mg is None
    ):
        return record
    compound, elemental = record.compound_mg, record.elemental_mg
    if not any(abs(elemental - compound * fraction) <= _LOGGED_ROUNDING for fraction in former):
        return record
    now = round(FORMS_BY_KEY[record.form].elemental_from_compound(compound), 3)
    return replace(record, elemental_mg=now) if now != elemental else record


_LOGGED_ROUNDING = 0.05 + 1e-9  # voice logs round to 0.1 mg, actions to 0.001 mg


# stored values to members (a look-up, not the enums' own constructors: a month holds many)
_KINDS: dict[str, Kind] = {kind.value: kind for kind in Kind}
_SOURCES: dict[str, Source] = {source.value: source for source in Source}
_OPTIONAL_READERS: dict[str, Callable[[Mapping[str, Any], str], Any]] = {
    "elemental_mg": _optional_number,
    "compound_mg": _optional_number,
    "note": _optional_text,
    "area": _optional_text,
    "salt_g": _optional_number,
    "minutes": _optional_number,
    "product": _optional_text,
    "product_id": _optional_text,
    "units": _optional_number,
}
_OPTIONAL_FIELDS = tuple(_OPTIONAL_READERS)


_NUMBER_TYPES = frozenset({int, float})
_INT_TYPE = frozenset({int})
_MINUTES_IN_A_DAY = 25 * 60  # a day is 25 hours long when the clocks go back

# the kinds a day's total counts; refills and medicines are neither intake nor side effects
DAY_KINDS = frozenset({Kind.ORAL, Kind.TOPICAL, Kind.BATH, Kind.SIDE_EFFECT})


@dataclass(slots=True)
class DayTotal:
    """What was taken on one local day."""

    oral_mg: float = 0.0
    oral_doses: int = 0
    topical: int = 0
    baths: int = 0
    side_effects: int = 0

    @property
    def empty(self) -> bool:
        """Whether nothing is left on this day."""
        return not (self.oral_doses or self.topical or self.baths or self.side_effects)

    def apply(self, record: Record, sign: int) -> None:
        """Add (sign 1) or remove (sign -1) a record."""
        if record.kind is Kind.ORAL:
            self.oral_mg = max(0.0, _round(self.oral_mg + sign * record.oral_mg))
            self.oral_doses += sign
        elif record.kind is Kind.TOPICAL:
            self.topical += sign
        elif record.kind is Kind.BATH:
            self.baths += sign
        elif record.kind is Kind.SIDE_EFFECT:
            self.side_effects += sign

    def as_list(self) -> list[float | int]:
        """Compact stored form (the side-effect count only when there is one)."""
        values: list[float | int] = [self.oral_mg, self.oral_doses, self.topical, self.baths]
        if self.side_effects:
            values.append(self.side_effects)
        return values

    @classmethod
    def from_list(cls, value: Any) -> DayTotal:
        """Read the compact stored form (four numbers before side effects were logged)."""
        # checked with built-ins over the whole list: the index holds a year of days
        if (
            not isinstance(value, list)
            or len(value) not in (4, 5)
            or not set(map(type, value)) <= _NUMBER_TYPES  # no bool, no text
            or not all(map(math.isfinite, value))
        ):
            raise InvalidRecordError(f"bad day total: {value!r}")
        side_effects = int(value[4]) if len(value) == 5 else 0
        return cls(float(value[0]), int(value[1]), int(value[2]), int(value[3]), side_effects)


@dataclass(slots=True)
class ProductUsage:
    """What one product's records add up to: units taken and refilled, units taken per day.

    Kept in the index, so a product's stock and its recent use never need the records.
    """

    taken: float = 0.0
    refilled: float = 0.0
    days: dict[date, float] = field(default_factory=dict)

    @property
    def net(self) -> float:
        """Units refilled minus units taken, over all history."""
        return _round(self.refilled - self.taken)

    def taken_on(self, day: date) -> float:
        """Units taken on a local day."""
        return self.days.get(day, 0.0)

    def apply(self, record: Record, day: date, sign: int) -> None:
        """Add (sign 1) or remove (sign -1) a record of this product."""
        units = record.units or 0.0
        if record.kind is Kind.ORAL:
            self.taken = max(0.0, _round(self.taken + sign * units))
            left = _round(self.days.get(day, 0.0) + sign * units)
            if left > 0:
                self.days[day] = left
            else:
                self.days.pop(day, None)
        elif record.kind is Kind.REFILL:
            self.refilled = max(0.0, _round(self.refilled + sign * units))

    def as_dict(self, since: date | None = None) -> dict[str, Any]:
        """Stored form, with the units taken per day from ``since`` on (all: None)."""
        return {
            "taken": self.taken,
            "refilled": self.refilled,
            "days": _days_dict(self.days, lambda day: since is None or day >= since),
        }

    @classmethod
    def from_dict(cls, value: Any) -> ProductUsage:
        """Read the stored form; raises InvalidRecordError on malformed data."""
        if not isinstance(value, Mapping):
            raise InvalidRecordError(f"bad product usage: {value!r}")
        taken = _optional_number(value, "taken") or 0.0
        refilled = _optional_number(value, "refilled") or 0.0
        return cls(taken, refilled, _read_product_days(value.get("days", {})))


def _read_product_days(value: Any) -> dict[date, float]:
    """Read a product's stored units per day; raises InvalidRecordError on malformed data."""
    if not isinstance(value, Mapping):
        raise InvalidRecordError(f"bad product days: {value!r}")
    days: dict[date, float] = {}
    for key, units in value.items():
        number = _optional_number({"units": units}, "units")
        if number is None:
            raise InvalidRecordError(f"bad product day: {key!r}")
        days[date.fromisoformat(str(key))] = number
    return days


def _days_dict(days: Mapping[date, float], keep: Callable[[date], bool]) -> dict[str, float]:
    """Stored form of the per-day values of the days that ``keep`` accepts."""
    return {day.isoformat(): value for day, value in days.items() if keep(day)}


@dataclass(slots=True)
class Ledger:
    """Index of all history plus the loaded months of records."""

    tz: tzinfo
    days: dict[date, DayTotal] = field(default_factory=dict)
    month_counts: dict[str, int] = field(default_factory=dict)
    last: dict[Kind, Record] = field(default_factory=dict)
    undo_stack: list[str] = field(default_factory=list)
    # minutes from the local day's start of each oral dose, per day (for adherence)
    dose_minutes: dict[date, list[int]] = field(default_factory=dict)
    products: dict[str, ProductUsage] = field(default_factory=dict)
    _months: dict[str, list[Record]] = field(default_factory=dict)
    _first_day: date | None = None
    _archived_first: date | None = None  # the earliest day ``drop_days`` moved out of memory

    # -- time -------------------------------------------------------------------------
    def local_day(self, moment: datetime) -> date:
        """The local calendar day of a moment."""
        return moment.astimezone(self.tz).date()

    def day_start(self, day: date) -> datetime:
        """The first moment of a local day, in UTC."""
        return datetime.combine(day, time(), tzinfo=self.tz).astimezone(UTC)

    def next_day_start(self, moment: datetime) -> datetime:
        """The start of the local day after the one ``moment`` is in (UTC)."""
        return self.day_start(self.local_day(moment) + timedelta(days=1))

    # -- months -----------------------------------------------------------------------
    def is_loaded(self, month: str) -> bool:
        """Whether a month's records are in memory (a month with no records always is)."""
        return month in self._months or not self.month_counts.get(month)

    def load_month(self, month: str, records: Iterable[Record]) -> None:
        """Put a month's stored records in memory."""
        self._months[month] = sorted(records, key=_sort_key)

    def unload_month(self, month: str) -> None:
        """Drop a month's records from memory."""
        self._months.pop(month, None)

    def month_records(self, month: str) -> list[Record]:
        """The records of a loaded month, oldest first."""
        if not self.is_loaded(month):
            raise MonthNotLoadedError(month)
        return self._months.get(month, [])

    def loaded_months(self) -> list[str]:
        """Months in memory."""
        return sorted(self._months)

    def months_between(self, start: datetime | None, end: datetime | None) -> list[str]:
        """Months with records that may hold records in ``[start, end)``, oldest first."""
        first = month_key(start) if start else ""
        last = month_key(end) if end else "9999-99"
        return [month for month in sorted(self.month_counts) if first <= month <= last]

    # -- changes ----------------------------------------------------------------------
    def add(self, record: Record) -> None:
        """Add a record; its month must be loaded."""
        month = record.month
        records = self.month_records(month)
        if month not in self._months:
            self._months[month] = records
        insort(records, record, key=_sort_key)
        self.month_counts[month] = self.month_counts.get(month, 0) + 1
        if record.kind in DAY_KINDS:
            self._day(record).apply(record, 1)
        self._track_dose_minute(record, 1)
        self._apply_product(record, 1)
        newest = self.last.get(record.kind)
        if newest is None or _sort_key(record) > _sort_key(newest):
            self.last[record.kind] = record
        self.undo_stack.append(record.id)
        del self.undo_stack[:-UNDO_DEPTH]

    def remove(self, record_id: str) -> Record:
        """Remove a record by id; its month must be loaded.

        If it was the newest of its kind, ``last`` for that kind is cleared when the
        previous one is not in a loaded month: load ``months_to_search_for_last`` and call
        ``refresh_last`` until it returns True.
        """
        month = self.month_of_id(record_id)
        records = self.month_records(month)
        position = next((i for i, item in enumerate(records) if item.id == record_id), None)
        if position is None:
            raise RecordNotFoundError(record_id)
        record = records.pop(position)
        count = self.month_counts.get(month, 1) - 1
        if count > 0:
            self.month_counts[month] = count
        else:
            self.month_counts.pop(month, None)
        if record.kind in DAY_KINDS:
            total = self._day(record)
            total.apply(record, -1)
            if total.empty:
                del self.days[self.local_day(record.taken_at)]
                self._first_day = None
        self._track_dose_minute(record, -1)
        self._apply_product(record, -1)
        if record_id in self.undo_stack:
            self.undo_stack.remove(record_id)
        newest = self.last.get(record.kind)
        if newest is not None and newest.id == record_id:
            del self.last[record.kind]
            self.refresh_last(record.kind)
        return record

    def month_of_id(self, record_id: str) -> str:
        """The storage month a record id belongs to."""
        moment = record_id_time(record_id)
        if moment is None:
            raise RecordNotFoundError(record_id)
        return month_key(moment)

    def undo_target(self) -> str | None:
        """The id undo would remove: the last one logged, else the newest by time."""
        if self.undo_stack:
            return self.undo_stack[-1]
        if not self.month_counts:
            return None
        month = max(self.month_counts)
        records = self.month_records(month)
        return records[-1].id if records else None

    def months_to_search_for_last(self, kind: Kind) -> list[str]:
        """Months, newest first, that may hold the newest record of ``kind``."""
        if kind in self.last:
            return []
        return sorted(self.month_counts, reverse=True)

    def refresh_last(self, kind: Kind) -> bool:
        """Find the newest record of a kind in the loaded months, newest months first.

        Returns True when it is settled (found, or no months left that may hold it);
        False when an older month must be loaded first (see ``months_to_search_for_last``).
        """
        for month in sorted(self.month_counts, reverse=True):
            if not self.is_loaded(month):
                return False
            for record in reversed(self._months.get(month, [])):
                if record.kind is kind:
                    self.last[kind] = record
                    return True
        return True

    def _track_dose_minute(self, record: Record, sign: int) -> None:
        """Keep the minute of the day of each oral dose (adherence needs no records then)."""
        if record.kind is not Kind.ORAL:
            return
        day = self.local_day(record.taken_at)
        minute = (record.taken_at - self.day_start(day)) // timedelta(minutes=1)
        minutes = self.dose_minutes.setdefault(day, [])
        if sign > 0:
            insort(minutes, minute)
        elif minute in minutes:
            minutes.remove(minute)
        if not minutes:
            del self.dose_minutes[day]

    def dose_times(self, day: date) -> list[datetime]:
        """When the oral doses of a local day were taken (to the minute), from the index."""
        start = self.day_start(day)
        return [start + timedelta(minutes=minute) for minute in self.dose_minutes.get(day, ())]

    def first_day(self) -> date | None:
        """The first local day with a record (worked out once, then kept up to date).

        When older days were moved out of memory (``drop_days``), it is the earliest of them:
        a day before every figure's reach (or a later one, if all of those records went).
        """
        if self._first_day is None and self.days:
            self._first_day = min(self.days)
        if self._archived_first is not None:
            return min(self._archived_first, self._first_day or self._archived_first)
        return self._first_day

    def _apply_product(self, record: Record, sign: int) -> None:
        if record.product_id is None or not record.units:
            return
        usage = self.products.get(record.product_id)
        if usage is None:
            usage = self.products[record.product_id] = ProductUsage()
        usage.apply(record, self.local_day(record.taken_at), sign)

    def product_usage(self, product_id: str) -> ProductUsage:
        """What a product's records add up to (nothing yet for a new product)."""
        return self.products.get(product_id) or ProductUsage()

    def _day(self, record: Record) -> DayTotal:
        day_key = self.local_day(record.taken_at)
        total = self.days.get(day_key)
        if total is None:
            total = self.days[day_key] = DayTotal()
            if self._first_day is not None and day_key < self._first_day:
                self._first_day = day_key
        return total

    # -- questions --------------------------------------------------------------------
    def day_total(self, day: date) -> DayTotal:
        """Totals of a local day (zero when nothing was logged)."""
        return self.days.get(day) or DayTotal()

    def average_oral(self, today: date, days: int = AVERAGE_DAYS) -> float:
        """Average oral mg per day over ``days`` local days ending with ``today``."""
        total = sum(
            self.day_total(today - timedelta(days=offset)).oral_mg for offset in range(days)
        )
        return _round(total / days)

    def side_effects_between(self, first: date, last: date) -> int:
        """Side effects logged on the local days ``first`` to ``last`` (inclusive)."""
        return sum(
            self.day_total(first + timedelta(days=offset)).side_effects
            for offset in range((last - first).days + 1)
        )

    def records_between(self, start: datetime | None, end: datetime | None) -> Iterator[Record]:
        """Records with ``start <= taken_at < end``, oldest first; months must be loaded."""
        for month in self.months_between(start, end):
            records = self.month_records(month)
            first = 0 if start is None else bisect_left(records, start, key=_taken_at)
            for record in records[first:]:
                if end is not None and record.taken_at >= end:
                    break
                yield record

    def days_between(self, start: date | None, end: date | None) -> list[tuple[date, DayTotal]]:
        """Day totals with ``start <= day <= end``, oldest first."""
        return [
            (day, total)
            for day, total in sorted(self.days.items())
            if (start is None or day >= start) and (end is None or day <= end)
        ]

    # -- persistence ------------------------------------------------------------------
    def index_dict(self, since: date | None = None) -> dict[str, Any]:
        """The stored form of the index, with the days from ``since`` on (all: None).

        Its size grows with the days kept, not with records.
        """
        data: dict[str, Any] = {
            "days": self.days_dict(since),
            "months": dict(self.month_counts),
            "last": {kind.value: record.as_dict() for kind, record in self.last.items()},
            "undo": list(self.undo_stack),
            "dose_minutes": _minutes_dict(
                self.dose_minutes, lambda day: since is None or day >= since
            ),
        }
        if self._archived_first is not None:
            data["archived_first"] = self._archived_first.isoformat()
        if self.products:
            data["products"] = {key: usage.as_dict(since) for key, usage in self.products.items()}
        return data

    def days_dict(self, since: date | None = None, year: int | None = None) -> dict[str, Any]:
        """Stored form of the day totals from ``since`` on, or of one year before ``since``."""
        return {
            day.isoformat(): total.as_list()
            for day, total in self.days.items()
            if (
                since is None
                or (day >= since if year is None else (day < since and day.year == year))
            )
        }

    def archive_dict(self, since: date, year: int) -> dict[str, Any]:
        """Stored form of one year's days before ``since``.

        The day totals, the minutes of the oral doses and each product's units per day.
        """
        data: dict[str, Any] = {
            "days": self.days_dict(since, year),
            "dose_minutes": _minutes_dict(
                self.dose_minutes, lambda day: day < since and day.year == year
            ),
        }
        products = {
            key: days
            for key, usage in self.products.items()
            if (days := _days_dict(usage.days, lambda day: day < since and day.year == year))
        }
        if products:
            data["products"] = products
        return data

    def load_archive(self, data: Mapping[str, Any], before: date) -> None:
        """Add a stored year's days before ``before`` that are not in memory yet.

        ``data`` is what ``archive_dict`` stored; raises InvalidRecordError when it is damaged
        (and then changes nothing).
        """
        if not isinstance(data, Mapping):
            raise InvalidRecordError(f"days are not an object: {type(data).__name__}")
        try:
            days = {
                date.fromisoformat(key): DayTotal.from_list(value)
                for key, value in dict(data.get("days", {})).items()
            }
            products = {
                str(key): _read_product_days(value)
                for key, value in dict(data.get("products", {})).items()
            }
            dose_minutes = _read_minutes(data.get("dose_minutes", {}))
        except (TypeError, ValueError, OverflowError) as err:
            raise InvalidRecordError(str(err)) from err
        for day, total in days.items():
            if day < before and day not in self.days:
                self.days[day] = total
        for day, minutes in dose_minutes.items():
            if day < before and day not in self.dose_minutes:
                self.dose_minutes[day] = minutes
        for key, product_days in products.items():
            usage = self.products.get(key)
            if usage is None:
                usage = self.products[key] = ProductUsage()
            for day, units in product_days.items():
                if day < before and day not in usage.days:
                    usage.days[day] = units

    def drop_days(self, before: date) -> None:
        """Forget the days before ``before`` (they are stored elsewhere)."""
        for day in [day for day in self.days if day < before]:
            del self.days[day]
            if self._archived_first is None or day < self._archived_first:
                self._archived_first = day
        for day in [day for day in self.dose_minutes if day < before]:
            del self.dose_minutes[day]
        for usage in self.products.values():
            for day in [day for day in usage.days if day < before]:
                del usage.days[day]

    def load_index(self, data: Mapping[str, Any]) -> None:
        """Read the stored index; raises InvalidRecordError on malformed data."""
        if not isinstance(data, Mapping):
            raise InvalidRecordError(f"index is not an object: {type(data).__name__}")
        try:
            days = {
                date.fromisoformat(key): DayTotal.from_list(value)
                for key, value in dict(data.get("days", {})).items()
            }
            months = {str(key): int(value) for key, value in dict(data.get("months", {})).items()}
            last = {
                Kind(key): Record.from_dict(value)
                for key, value in dict(data.get("last", {})).items()
            }
            undo = [str(item) for item in list(data.get("undo", []))][-UNDO_DEPTH:]
            dose_minutes = _read_minutes(data.get("dose_minutes", {}))
            products = {
                str(key): ProductUsage.from_dict(value)
                for key, value in dict(data.get("products", {})).items()
            }
            archived = data.get("archived_first")
            archived_first = date.fromisoformat(archived) if archived is not None else None
        except (TypeError, ValueError, OverflowError) as err:
            raise InvalidRecordError(str(err)) from err
        self.days, self.month_counts, self.last, self.undo_stack = days, months, last, undo
        self.dose_minutes, self._first_day = dose_minutes, None
        self._archived_first = archived_first
        self.products = products

    def rebuild_index(self, records: Iterable[Record]) -> None:
        """Recompute the index from every record (after a time zone change or repair).

        All months must be loaded into the ledger by the caller, who passes them here.
        """
        undo = self.undo_stack
        self.days, self.month_counts, self.last, self.products = {}, {}, {}, {}
        self.dose_minutes, self._first_day, self._archived_first = {}, None, None
        by_month: dict[str, list[Record]] = {}
        for record in records:
            by_month.setdefault(record.month, []).append(record)
            self.month_counts[record.month] = self.month_counts.get(record.month, 0) + 1
            if record.kind in DAY_KINDS:
                self._day(record).apply(record, 1)
            self._track_dose_minute(record, 1)
            self._apply_product(record, 1)
            newest = self.last.get(record.kind)
            if newest is None or _sort_key(record) > _sort_key(newest):
                self.last[record.kind] = record
        for month, items in by_month.items():
            self.load_month(month, items)
        ids = {record.id for items in by_month.values() for record in items}
        self.undo_stack = [record_id for record_id in undo if record_id in ids]

    def with_tz(self, tz: tzinfo) -> None:
        """Change the time zone of day boundaries (the index must then be rebuilt)."""
        self.tz = tz


def _read_minutes(value: Any) -> dict[date, list[int]]:
    """Read stored dose minutes per day; raises InvalidRecordError (or ValueError, TypeError)."""
    days: dict[date, list[int]] = {}
    for key, minutes in dict(value).items():
        # checked with built-ins over the whole list: the index holds a year of days
        if not isinstance(minutes, list) or (
            minutes
            and (
                not set(map(type, minutes)) <= _INT_TYPE  # no bool, no float
                or min(minutes) < 0
                or max(minutes) >= _MINUTES_IN_A_DAY
            )
        ):
            raise InvalidRecordError(f"bad minutes of the day: {minutes!r}")
        days[date.fromisoformat(key)] = sorted(minutes)
    return days


def _minutes_dict(
    dose_minutes: Mapping[date, list[int]], keep: Callable[[date], bool]
) -> dict[str, list[int]]:
    """Stored form of the dose minutes of the days that ``keep`` accepts."""
    return {day.isoformat(): list(minutes) for day, minutes in dose_minutes.items() if keep(day)}


def _taken_at(record: Record) -> datetime:
    return record.taken_at


def _sort_key(record: Record) -> tuple[datetime, str]:
    return (record.taken_at, record.id)


def make_record(
    *,
    taken_at: datetime,
    kind: Kind,
    form: str,
    source: Source = Source.ACTION,
    **fields: Any,
) -> Record:
    """Create a record with a fresh id; ``taken_at`` must be aware."""
    if taken_at.tzinfo is None:
        raise ValueError("taken_at must be timezone-aware")
    utc = taken_at.astimezone(UTC)
    record = Record(id=new_record_id(utc), taken_at=utc, kind=kind, form=form, source=source)
    return replace(record, **fields)
