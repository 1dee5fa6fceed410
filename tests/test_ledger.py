"""Unit tests of the intake ledger (pure Python, no Home Assistant)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
import json
import math
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.magnesium.ledger import (
    AVERAGE_DAYS,
    UNDO_DEPTH,
    DayTotal,
    InvalidRecordError,
    Kind,
    Ledger,
    LedgerError,
    MonthNotLoadedError,
    Record,
    RecordNotFoundError,
    Source,
    make_record,
    month_key,
    new_record_id,
    record_id_time,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
HOUR = timedelta(hours=1)
TICK = timedelta(microseconds=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def oral(when: datetime, mg: float | None = 100.0, **fields: Any) -> Record:
    return make_record(taken_at=when, kind=Kind.ORAL, form="glycinate", elemental_mg=mg, **fields)


def topical(when: datetime) -> Record:
    return make_record(taken_at=when, kind=Kind.TOPICAL, form="chloride", area="back")


def bath(when: datetime) -> Record:
    return make_record(taken_at=when, kind=Kind.BATH, form="sulfate", salt_g=400.0, minutes=15.0)


def ledger_with(tz: ZoneInfo, *records: Record) -> Ledger:
    ledger = Ledger(tz=tz)
    for record in records:
        ledger.add(record)
    return ledger


def counts(ledger: Ledger) -> dict[date, tuple[float, int, int, int]]:
    return {day: tuple(total.as_list()) for day, total in ledger.days.items()}  # type: ignore[misc]


# -- ids ---------------------------------------------------------------------------------


def test_new_record_id_format() -> None:
    record_id = new_record_id(utc(2026, 1, 15, 8, 30))
    assert len(record_id) == 26
    assert set(record_id) <= CROCKFORD
    # 80 random bits: two ids of the same moment differ
    assert new_record_id(utc(2026, 1, 15, 8, 30)) != record_id


def test_ids_sort_by_time() -> None:
    base = utc(2026, 1, 15, 8, 30, 0, 5000)
    times = [
        utc(1999, 12, 31, 23, 59, 59),
        base,
        base + timedelta(milliseconds=1),
        base + timedelta(milliseconds=2),
        base + timedelta(seconds=1),
        utc(2026, 2, 1),
        utc(2099, 1, 1),
    ]
    ids = [new_record_id(moment) for moment in times]
    assert sorted(ids) == ids
    assert all(earlier < later for earlier, later in pairwise(ids))  # strictly


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2026, 1, 15, 8, 30), utc(2026, 1, 15, 8, 30)),
        (utc(2026, 1, 15, 8, 30, 0, 123000), utc(2026, 1, 15, 8, 30, 0, 123000)),
        (utc(2026, 1, 15, 8, 30, 0, 123999), utc(2026, 1, 15, 8, 30, 0, 123000)),
        (utc(2026, 12, 31, 23, 59, 59, 999999), utc(2026, 12, 31, 23, 59, 59, 999000)),
        (
            datetime(2026, 3, 29, 3, 0, 0, 1000, tzinfo=BERLIN),
            utc(2026, 3, 29, 1, 0, 0, 1000),
        ),
        (utc(1970, 1, 1), utc(1970, 1, 1)),
        (utc(1969, 12, 31, 12), utc(1970, 1, 1)),  # before the epoch: clamped
    ],
)
def test_record_id_time_round_trips_to_the_millisecond(
    moment: datetime, expected: datetime
) -> None:
    decoded = record_id_time(new_record_id(moment))
    assert decoded == expected
    assert decoded is not None
    assert decoded.tzinfo is UTC


def test_record_id_time_every_millisecond_of_a_second() -> None:
    base = utc(2026, 6, 1, 12, 0, 0)
    for millis in range(1000):
        moment = base + timedelta(milliseconds=millis)
        assert record_id_time(new_record_id(moment)) == moment


def test_record_id_time_accepts_lower_case() -> None:
    record_id = new_record_id(utc(2026, 1, 15, 8, 30, 0, 250000))
    assert record_id_time(record_id.lower()) == utc(2026, 1, 15, 8, 30, 0, 250000)


@pytest.mark.parametrize(
    "record_id",
    [
        "",
        "01KF",
        "0" * 25,
        "0" * 27,
        "I" + "0" * 25,  # I, L, O, U are not Crockford digits
        "0L" + "0" * 24,
        "000O" + "0" * 22,
        "000000000U" + "0" * 16,
        "00000-0000" + "0" * 16,
        "Z" * 10 + "0" * 16,  # year far beyond datetime's range
        "7" + "Z" * 9 + "0" * 16,
    ],
)
def test_record_id_time_bad_ids(record_id: str) -> None:
    assert record_id_time(record_id) is None


def test_record_id_time_rejects_bad_random_part() -> None:
    assert record_id_time("01KF000000" + "!" * 16) is None


@pytest.mark.parametrize(
    "moment",
    [utc(2004, 4, 17, 19, 4, 30, 370000), utc(2038, 2, 7, 15, 0, 26, 799000)],
)
def test_record_id_time_exact_for_float_edge_cases(moment: datetime) -> None:
    assert record_id_time(new_record_id(moment)) == moment


# -- month_key ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2026, 1, 31, 23, 59, 59, 999999), "2026-01"),
        (utc(2026, 2, 1), "2026-02"),
        (datetime(2026, 3, 1, 0, 30, tzinfo=BERLIN), "2026-02"),  # 23:30 UTC on Feb 28
        (datetime(2026, 1, 31, 23, 30, tzinfo=NEW_YORK), "2026-02"),  # 04:30 UTC on Feb 1
        (datetime(2026, 12, 31, 20, 0, tzinfo=NEW_YORK), "2027-01"),
        (utc(999, 9, 9), "0999-09"),
    ],
)
def test_month_key_is_utc(moment: datetime, expected: str) -> None:
    assert month_key(moment) == expected


# -- Record ------------------------------------------------------------------------------

FULL = Record(
    id=new_record_id(utc(2026, 1, 15, 8, 30)),
    taken_at=utc(2026, 1, 15, 8, 30),
    kind=Kind.ORAL,
    form="glycinate",
    elemental_mg=70.5,
    compound_mg=500.0,
    source=Source.VOICE,
    note="with breakfast",
    area="lower back",
    salt_g=1.5,
    minutes=2.0,
)


def valid_dict(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "01KF0000000000000000000000",
        "taken_at": "2026-01-15T08:30:00+00:00",
        "kind": "oral",
        "form": "glycinate",
        "source": "button",
        "elemental_mg": 70.5,
    }
    for key, value in changes.items():
        if value is ...:
            del data[key]
        else:
            data[key] = value
    return data


def test_record_as_dict_full() -> None:
    assert FULL.as_dict() == {
        "id": FULL.id,
        "taken_at": "2026-01-15T08:30:00+00:00",
        "kind": "oral",
        "form": "glycinate",
        "source": "voice",
        "elemental_mg": 70.5,
        "compound_mg": 500.0,
        "note": "with breakfast",
        "area": "lower back",
        "salt_g": 1.5,
        "minutes": 2.0,
    }


def test_record_as_dict_drops_empty_fields() -> None:
    record = Record(id="X", taken_at=utc(2026, 1, 1), kind=Kind.BATH, form="sulfate")
    assert record.as_dict() == {
        "id": "X",
        "taken_at": "2026-01-01T00:00:00+00:00",
        "kind": "bath",
        "form": "sulfate",
        "source": "action",
    }
    assert Record.from_dict(record.as_dict()) == record


@pytest.mark.parametrize(
    "record",
    [
        FULL,
        topical(utc(2026, 2, 1, 7)),
        bath(utc(2026, 3, 29, 1, 30)),
        oral(utc(2026, 1, 1), None),
    ],
)
def test_record_round_trip(record: Record) -> None:
    assert Record.from_dict(record.as_dict()) == record
    assert Record.from_dict(json.loads(json.dumps(record.as_dict()))) == record


def test_record_from_dict_normalizes() -> None:
    record = Record.from_dict(
        valid_dict(
            taken_at="2026-07-01T01:30:00+02:00",
            source=...,
            elemental_mg=70,
            compound_mg=500,
            minutes=0,
        )
    )
    assert record.taken_at == utc(2026, 6, 30, 23, 30)
    assert record.taken_at.tzinfo is UTC
    assert record.month == "2026-06"
    assert record.source is Source.ACTION
    assert record.kind is Kind.ORAL
    assert type(record.elemental_mg) is float
    assert record.elemental_mg == 70.0
    assert type(record.compound_mg) is float
    assert record.minutes == 0.0
    assert record.note is None
    assert record.salt_g is None


def test_record_properties() -> None:
    assert FULL.month == "2026-01"
    assert FULL.oral_mg == 70.5
    assert oral(utc(2026, 1, 1), None).oral_mg == 0.0
    assert topical(utc(2026, 1, 1)).oral_mg == 0.0
    not_oral = Record(
        id="X", taken_at=utc(2026, 1, 1), kind=Kind.TOPICAL, form="chloride", elemental_mg=50.0
    )
    assert not_oral.oral_mg == 0.0


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(None, id="none"),
        pytest.param([], id="list"),
        pytest.param("record", id="str"),
        pytest.param(valid_dict(id=...), id="id-missing"),
        pytest.param(valid_dict(id=""), id="id-empty"),
        pytest.param(valid_dict(id=5), id="id-int"),
        pytest.param(valid_dict(form=...), id="form-missing"),
        pytest.param(valid_dict(form=""), id="form-empty"),
        pytest.param(valid_dict(form=["glycinate"]), id="form-list"),
        pytest.param(valid_dict(kind=...), id="kind-missing"),
        pytest.param(valid_dict(kind="pill"), id="kind-bad"),
        pytest.param(valid_dict(kind="ORAL"), id="kind-case"),
        pytest.param(valid_dict(source="sms"), id="source-bad"),
        pytest.param(valid_dict(source=None), id="source-none"),
        pytest.param(valid_dict(source=["voice"]), id="source-list"),
        pytest.param(valid_dict(taken_at=...), id="taken-missing"),
        pytest.param(valid_dict(taken_at=1768465800), id="taken-int"),
        pytest.param(valid_dict(taken_at="yesterday"), id="taken-not-iso"),
        pytest.param(valid_dict(taken_at="2026-02-30T08:00:00+00:00"), id="taken-bad-date"),
        pytest.param(valid_dict(taken_at="2026-01-15T08:30:00"), id="taken-naive"),
        pytest.param(valid_dict(taken_at="2026-01-15"), id="taken-date-only"),
        *(
            pytest.param(valid_dict(**{key: value}), id=f"{key}-{label}")
            for key in ("elemental_mg", "compound_mg", "salt_g", "minutes")
            for label, value in (
                ("true", True),
                ("false", False),
                ("str", "70"),
                ("nan", math.nan),
                ("inf", math.inf),
                ("-inf", -math.inf),
                ("list", [70]),
            )
        ),
        pytest.param(valid_dict(note=5), id="note-int"),
        pytest.param(valid_dict(note=["a"]), id="note-list"),
        pytest.param(valid_dict(area=True), id="area-bool"),
    ],
)
def test_record_from_dict_invalid(data: Any) -> None:
    with pytest.raises(InvalidRecordError):
        Record.from_dict(data)


def test_record_from_dict_huge_int() -> None:
    with pytest.raises(InvalidRecordError):
        Record.from_dict(valid_dict(elemental_mg=10**400))


def test_errors_are_ledger_errors() -> None:
    err = MonthNotLoadedError("2026-01")
    assert err.month == "2026-01"
    assert str(err) == "2026-01"
    for cls in (InvalidRecordError, RecordNotFoundError, MonthNotLoadedError):
        assert issubclass(cls, LedgerError)


# -- DayTotal ----------------------------------------------------------------------------


def test_day_total_apply_and_empty() -> None:
    total = DayTotal()
    assert total.empty
    assert total.as_list() == [0.0, 0, 0, 0]
    total.apply(oral(utc(2026, 1, 1), 0.1), 1)
    total.apply(oral(utc(2026, 1, 1), 0.2), 1)
    assert total.oral_mg == 0.3  # rounded to 3 decimals, not 0.30000000000000004
    total.apply(topical(utc(2026, 1, 1)), 1)
    total.apply(bath(utc(2026, 1, 1)), 1)
    total.apply(oral(utc(2026, 1, 1), None), 1)
    assert total.as_list() == [0.3, 3, 1, 1]
    assert not total.empty
    total.apply(oral(utc(2026, 1, 1), 5.0), -1)  # never below zero
    total.apply(oral(utc(2026, 1, 1), 5.0), -1)
    total.apply(oral(utc(2026, 1, 1), 5.0), -1)
    assert total.as_list() == [0.0, 0, 1, 1]
    assert not total.empty
    total.apply(topical(utc(2026, 1, 1)), -1)
    assert not total.empty
    total.apply(bath(utc(2026, 1, 1)), -1)
    assert total.empty


def test_day_total_list_round_trip() -> None:
    total = DayTotal.from_list([150, 2, 1, 3])
    assert total == DayTotal(150.0, 2, 1, 3)
    assert type(total.oral_mg) is float
    assert DayTotal.from_list(total.as_list()) == total
    assert DayTotal.from_list([0.5, 1.0, 0, 0]) == DayTotal(0.5, 1, 0, 0)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "1234",
        (100.0, 1, 0, 0),
        {"oral_mg": 100.0},
        [],
        [100.0, 1, 0],
        [100.0, 1, 0, 0, 0, 0],
        [True, 1, 0, 0],
        [100.0, False, 0, 0],
        [100.0, "1", 0, 0],
        [100.0, 1, None, 0],
        [100.0, 1, 0, [0]],
    ],
)
def test_day_total_from_list_invalid(value: Any) -> None:
    with pytest.raises(InvalidRecordError):
        DayTotal.from_list(value)


@pytest.mark.parametrize(
    "value", [[math.nan, 1, 0, 0], [0.0, math.inf, 0, 0], [0.0, math.nan, 0, 0]]
)
def test_day_total_from_list_non_finite(value: list[float]) -> None:
    with pytest.raises(InvalidRecordError):
        DayTotal.from_list(value)


# -- Ledger: local days and DST ----------------------------------------------------------


def test_local_day() -> None:
    ledger = Ledger(tz=BERLIN)
    assert ledger.local_day(utc(2026, 1, 14, 22, 59)) == date(2026, 1, 14)
    assert ledger.local_day(utc(2026, 1, 14, 23, 0)) == date(2026, 1, 15)
    ny = Ledger(tz=NEW_YORK)
    assert ny.local_day(utc(2026, 1, 15, 4, 59)) == date(2026, 1, 14)
    assert ny.local_day(utc(2026, 1, 15, 5, 0)) == date(2026, 1, 15)


@pytest.mark.parametrize(
    ("tz", "day", "start", "end"),
    [
        (BERLIN, date(2026, 1, 15), utc(2026, 1, 14, 23), utc(2026, 1, 15, 23)),
        (BERLIN, date(2026, 7, 15), utc(2026, 7, 14, 22), utc(2026, 7, 15, 22)),
        (BERLIN, date(2026, 3, 29), utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),
        (BERLIN, date(2026, 10, 25), utc(2026, 10, 24, 22), utc(2026, 10, 25, 23)),
        (NEW_YORK, date(2026, 1, 15), utc(2026, 1, 15, 5), utc(2026, 1, 16, 5)),
        (NEW_YORK, date(2026, 3, 8), utc(2026, 3, 8, 5), utc(2026, 3, 9, 4)),
        (NEW_YORK, date(2026, 11, 1), utc(2026, 11, 1, 4), utc(2026, 11, 2, 5)),
    ],
)
def test_day_start_and_next_day_start(
    tz: ZoneInfo, day: date, start: datetime, end: datetime
) -> None:
    ledger = Ledger(tz=tz)
    assert ledger.day_start(day) == start
    assert ledger.day_start(day).tzinfo is UTC
    assert ledger.day_start(day + timedelta(days=1)) == end
    for moment in (start, start + HOUR, end - TICK):
        assert ledger.local_day(moment) == day
        assert ledger.next_day_start(moment) == end
    assert ledger.local_day(end) == day + timedelta(days=1)
    assert ledger.local_day(start - TICK) == day - timedelta(days=1)


@pytest.mark.parametrize(
    ("tz", "short_day", "long_day"),
    [
        (BERLIN, date(2026, 3, 29), date(2026, 10, 25)),
        (NEW_YORK, date(2026, 3, 8), date(2026, 11, 1)),
    ],
)
def test_day_lengths_over_a_year(tz: ZoneInfo, short_day: date, long_day: date) -> None:
    ledger = Ledger(tz=tz)
    lengths: dict[date, timedelta] = {}
    day = date(2026, 1, 1)
    while day.year == 2026:
        lengths[day] = ledger.next_day_start(ledger.day_start(day)) - ledger.day_start(day)
        day += timedelta(days=1)
    assert lengths[short_day] == timedelta(hours=23)
    assert lengths[long_day] == timedelta(hours=25)
    assert {d for d, length in lengths.items() if length != timedelta(hours=24)} == {
        short_day,
        long_day,
    }
    assert sum(lengths.values(), timedelta()) == timedelta(days=365)


def test_dose_at_2330_local_counts_on_local_day_new_york() -> None:
    record = oral(datetime(2026, 1, 14, 23, 30, tzinfo=NEW_YORK), 120.0)
    assert record.taken_at == utc(2026, 1, 15, 4, 30)  # next UTC day
    ledger = ledger_with(NEW_YORK, record)
    assert counts(ledger) == {date(2026, 1, 14): (120.0, 1, 0, 0)}
    assert ledger.day_total(date(2026, 1, 14)).oral_mg == 120.0
    assert ledger.day_total(date(2026, 1, 15)) == DayTotal()


def test_dose_at_2330_local_on_last_day_of_month_is_stored_in_next_utc_month() -> None:
    record = oral(datetime(2026, 1, 31, 23, 30, tzinfo=NEW_YORK), 80.0)
    ledger = ledger_with(NEW_YORK, record)
    assert ledger.month_counts == {"2026-02": 1}
    assert ledger.loaded_months() == ["2026-02"]
    assert counts(ledger) == {date(2026, 1, 31): (80.0, 1, 0, 0)}


def test_dose_after_midnight_berlin_is_previous_utc_day() -> None:
    record = oral(datetime(2026, 1, 15, 0, 30, tzinfo=BERLIN), 90.0)
    assert record.taken_at == utc(2026, 1, 14, 23, 30)
    ledger = ledger_with(BERLIN, record)
    assert counts(ledger) == {date(2026, 1, 15): (90.0, 1, 0, 0)}


def test_totals_across_local_midnight() -> None:
    ledger = ledger_with(
        BERLIN,
        oral(datetime(2026, 1, 14, 23, 59, tzinfo=BERLIN), 100.0),
        topical(datetime(2026, 1, 14, 22, 0, tzinfo=BERLIN)),
        oral(datetime(2026, 1, 15, 0, 1, tzinfo=BERLIN), 50.5),
        oral(datetime(2026, 1, 15, 12, 0, tzinfo=BERLIN), 25.25),
        bath(datetime(2026, 1, 15, 21, 0, tzinfo=BERLIN)),
        oral(datetime(2026, 1, 15, 13, 0, tzinfo=BERLIN), None),
    )
    assert counts(ledger) == {
        date(2026, 1, 14): (100.0, 1, 1, 0),
        date(2026, 1, 15): (75.75, 3, 0, 1),
    }


def test_totals_on_berlin_spring_forward_day() -> None:
    ledger = ledger_with(
        BERLIN,
        oral(utc(2026, 3, 28, 22, 30), 10.0),  # 23:30 CET, Mar 28
        oral(utc(2026, 3, 28, 23, 30), 20.0),  # 00:30 CET, Mar 29
        oral(utc(2026, 3, 29, 1, 30), 40.0),  # 03:30 CEST, Mar 29
        oral(utc(2026, 3, 29, 21, 30), 80.0),  # 23:30 CEST, Mar 29
        oral(utc(2026, 3, 29, 22, 30), 160.0),  # 00:30 CEST, Mar 30
    )
    assert counts(ledger) == {
        date(2026, 3, 28): (10.0, 1, 0, 0),
        date(2026, 3, 29): (140.0, 3, 0, 0),
        date(2026, 3, 30): (160.0, 1, 0, 0),
    }


def test_totals_on_berlin_fall_back_day() -> None:
    ledger = ledger_with(
        BERLIN,
        oral(utc(2026, 10, 24, 21, 30), 1.0),  # 23:30 CEST, Oct 24
        oral(utc(2026, 10, 24, 22, 30), 2.0),  # 00:30 CEST, Oct 25
        oral(utc(2026, 10, 25, 0, 30), 4.0),  # 02:30 CEST (first)
        oral(utc(2026, 10, 25, 1, 30), 8.0),  # 02:30 CET (repeated hour)
        oral(utc(2026, 10, 25, 22, 30), 16.0),  # 23:30 CET, Oct 25
        oral(utc(2026, 10, 25, 23, 30), 32.0),  # 00:30 CET, Oct 26
    )
    assert counts(ledger) == {
        date(2026, 10, 24): (1.0, 1, 0, 0),
        date(2026, 10, 25): (30.0, 4, 0, 0),
        date(2026, 10, 26): (32.0, 1, 0, 0),
    }


@pytest.mark.parametrize(
    ("tz", "day"),
    [
        (BERLIN, date(2026, 3, 29)),
        (BERLIN, date(2026, 10, 25)),
        (NEW_YORK, date(2026, 3, 8)),
        (NEW_YORK, date(2026, 11, 1)),
    ],
)
def test_dst_day_edges_count_on_the_right_day(tz: ZoneInfo, day: date) -> None:
    probe = Ledger(tz=tz)
    start, end = probe.day_start(day), probe.day_start(day + timedelta(days=1))
    ledger = ledger_with(
        tz,
        oral(start - timedelta(milliseconds=1), 1.0),
        oral(start, 2.0),
        oral(end - timedelta(milliseconds=1), 4.0),
        oral(end, 8.0),
    )
    assert counts(ledger) == {
        day - timedelta(days=1): (1.0, 1, 0, 0),
        day: (6.0, 2, 0, 0),
        day + timedelta(days=1): (8.0, 1, 0, 0),
    }


# -- Ledger: months ----------------------------------------------------------------------


def test_is_loaded_semantics() -> None:
    ledger = Ledger(tz=BERLIN)
    assert ledger.is_loaded("2026-01")  # a month without records always is
    assert ledger.loaded_months() == []
    assert ledger.month_records("2026-01") == []
    ledger.load_index({"months": {"2026-01": 2}})
    assert not ledger.is_loaded("2026-01")
    assert ledger.is_loaded("2026-02")
    with pytest.raises(MonthNotLoadedError) as err:
        ledger.month_records("2026-01")
    assert err.value.month == "2026-01"
    first, second = oral(utc(2026, 1, 20)), oral(utc(2026, 1, 10))
    ledger.load_month("2026-01", [first, second])
    assert ledger.is_loaded("2026-01")
    assert ledger.month_records("2026-01") == [second, first]  # sorted by time
    assert ledger.loaded_months() == ["2026-01"]
    ledger.unload_month("2026-01")
    assert not ledger.is_loaded("2026-01")
    assert ledger.loaded_months() == []
    ledger.unload_month("2026-05")  # unknown: no error
    assert ledger.loaded_months() == []


def test_add_into_unloaded_month_raises() -> None:
    ledger = Ledger(tz=BERLIN)
    ledger.load_index({"months": {"2026-01": 3}, "days": {"2026-01-10": [100, 1, 0, 0]}})
    before = ledger.index_dict()
    with pytest.raises(MonthNotLoadedError) as err:
        ledger.add(oral(utc(2026, 1, 15)))
    assert err.value.month == "2026-01"
    assert ledger.index_dict() == before  # nothing changed
    ledger.add(oral(utc(2026, 2, 1)))  # another, empty month is fine
    assert ledger.month_counts == {"2026-01": 3, "2026-02": 1}
    ledger.load_month("2026-01", [])
    record = oral(utc(2026, 1, 15), 50.0)
    ledger.add(record)
    assert ledger.month_counts == {"2026-01": 4, "2026-02": 1}
    assert ledger.month_records("2026-01") == [record]
    assert counts(ledger)[date(2026, 1, 15)] == (50.0, 1, 0, 0)


def test_add_keeps_month_sorted() -> None:
    ledger = Ledger(tz=BERLIN)
    records = [oral(utc(2026, 1, day)) for day in (5, 1, 20, 3, 31)]
    for record in records:
        ledger.add(record)
    assert ledger.month_records("2026-01") == sorted(records, key=lambda r: r.taken_at)
    assert ledger.month_counts == {"2026-01": 5}


def test_months_between() -> None:
    ledger = ledger_with(
        UTC,
        oral(utc(2025, 12, 31)),
        oral(utc(2026, 1, 15)),
        oral(utc(2026, 3, 1)),
    )
    assert ledger.months_between(None, None) == ["2025-12", "2026-01", "2026-03"]
    assert ledger.months_between(utc(2026, 1, 1), None) == ["2026-01", "2026-03"]
    assert ledger.months_between(None, utc(2026, 1, 31)) == ["2025-12", "2026-01"]
    assert ledger.months_between(utc(2026, 2, 1), utc(2026, 2, 28)) == []
    assert ledger.months_between(utc(2026, 1, 1), utc(2026, 3, 1)) == ["2026-01", "2026-03"]


# -- Ledger: remove ----------------------------------------------------------------------


def test_remove_updates_totals_and_deletes_empty_days() -> None:
    first = oral(utc(2026, 1, 15, 8), 100.0)
    second = oral(utc(2026, 1, 15, 20), 50.0)
    other = bath(utc(2026, 2, 1, 20))
    ledger = ledger_with(BERLIN, first, second, other)
    assert ledger.remove(second.id) == second
    assert counts(ledger) == {date(2026, 1, 15): (100.0, 1, 0, 0), date(2026, 2, 1): (0, 0, 0, 1)}
    assert ledger.month_counts == {"2026-01": 1, "2026-02": 1}
    assert ledger.month_records("2026-01") == [first]
    assert ledger.undo_stack == [first.id, other.id]
    assert ledger.remove(first.id) == first
    assert counts(ledger) == {date(2026, 2, 1): (0, 0, 0, 1)}
    assert ledger.month_counts == {"2026-02": 1}
    assert ledger.month_records("2026-01") == []
    assert ledger.remove(other.id) == other
    assert ledger.days == {}
    assert ledger.month_counts == {}
    assert ledger.undo_stack == []
    assert ledger.last == {}


def test_remove_one_of_several_kinds_keeps_day() -> None:
    dose = oral(utc(2026, 1, 15, 8), 100.0)
    oil = topical(utc(2026, 1, 15, 9))
    ledger = ledger_with(BERLIN, dose, oil)
    ledger.remove(dose.id)
    assert counts(ledger) == {date(2026, 1, 15): (0.0, 0, 1, 0)}


def test_remove_unknown_or_malformed_id() -> None:
    record = oral(utc(2026, 1, 15, 8))
    ledger = ledger_with(BERLIN, record)
    before = ledger.index_dict()
    for record_id in (
        new_record_id(utc(2026, 1, 15, 8)),  # well-formed, same month, not there
        new_record_id(utc(2025, 6, 1)),  # well-formed, month without records
        "",
        "not-an-id",
        "I" * 26,
    ):
        with pytest.raises(RecordNotFoundError):
            ledger.remove(record_id)
    assert ledger.index_dict() == before
    with pytest.raises(RecordNotFoundError):
        ledger.month_of_id("nope")
    assert ledger.month_of_id(record.id) == "2026-01"


def test_remove_from_unloaded_month_raises() -> None:
    record = oral(utc(2026, 1, 15, 8))
    ledger = ledger_with(BERLIN, record)
    ledger.unload_month("2026-01")
    with pytest.raises(MonthNotLoadedError):
        ledger.remove(record.id)
    assert ledger.month_counts == {"2026-01": 1}


def test_remove_record_no_longer_in_undo_stack() -> None:
    records = [oral(utc(2026, 1, 1) + timedelta(hours=i), 10.0) for i in range(UNDO_DEPTH + 3)]
    ledger = ledger_with(UTC, *records)
    assert records[0].id not in ledger.undo_stack
    ledger.remove(records[0].id)
    assert ledger.undo_stack == [record.id for record in records[3:]]
    assert ledger.month_counts == {"2026-01": UNDO_DEPTH + 2}


# -- Ledger: last ------------------------------------------------------------------------


def test_last_per_kind_on_add() -> None:
    ledger = Ledger(tz=BERLIN)
    newer = oral(utc(2026, 1, 15, 20))
    ledger.add(newer)
    assert ledger.last == {Kind.ORAL: newer}
    older = oral(utc(2026, 1, 15, 8))  # back-dated: does not replace the newer one
    ledger.add(older)
    assert ledger.last[Kind.ORAL] is newer
    oil = topical(utc(2026, 1, 10))
    soak = bath(utc(2026, 1, 11))
    ledger.add(oil)
    ledger.add(soak)
    assert ledger.last == {Kind.ORAL: newer, Kind.TOPICAL: oil, Kind.BATH: soak}
    newest = oral(utc(2026, 1, 16))
    ledger.add(newest)
    assert ledger.last[Kind.ORAL] is newest
    assert ledger.months_to_search_for_last(Kind.ORAL) == []


def test_last_recomputed_after_remove() -> None:
    a = oral(utc(2026, 1, 10))
    b = oral(utc(2026, 1, 12))
    c = oral(utc(2026, 1, 14))
    oil = topical(utc(2026, 1, 20))
    ledger = ledger_with(BERLIN, a, c, b, oil)
    assert ledger.last[Kind.ORAL] is c
    ledger.remove(b.id)  # not the newest: unchanged
    assert ledger.last[Kind.ORAL] is c
    ledger.remove(c.id)
    assert ledger.last[Kind.ORAL] is a
    assert ledger.last[Kind.TOPICAL] is oil
    ledger.remove(a.id)  # no oral left anywhere
    assert Kind.ORAL not in ledger.last
    assert ledger.refresh_last(Kind.ORAL)
    assert Kind.ORAL not in ledger.last
    assert ledger.months_to_search_for_last(Kind.ORAL) == ["2026-01"]
    assert ledger.last == {Kind.TOPICAL: oil}


def test_refresh_last_with_previous_in_unloaded_older_month() -> None:
    older = oral(utc(2025, 12, 20))
    dec_oil = topical(utc(2025, 12, 21))
    newest = oral(utc(2026, 1, 15))
    jan_oil = topical(utc(2026, 1, 16))
    ledger = ledger_with(BERLIN, older, dec_oil, newest, jan_oil)
    december = list(ledger.month_records("2025-12"))
    ledger.unload_month("2025-12")
    assert ledger.remove(newest.id) == newest
    assert Kind.ORAL not in ledger.last  # cleared: December must be loaded first
    assert ledger.months_to_search_for_last(Kind.ORAL) == ["2026-01", "2025-12"]
    assert ledger.refresh_last(Kind.ORAL) is False
    assert Kind.ORAL not in ledger.last
    ledger.load_month("2025-12", december)
    assert ledger.refresh_last(Kind.ORAL) is True
    assert ledger.last[Kind.ORAL] == older
    assert ledger.last[Kind.TOPICAL] is jan_oil
    assert ledger.months_to_search_for_last(Kind.ORAL) == []


def test_refresh_last_finds_newest_in_newest_loaded_month() -> None:
    ledger = ledger_with(
        BERLIN,
        oral(utc(2025, 11, 1)),
        oral(utc(2025, 12, 1)),
        expected := oral(utc(2025, 12, 31)),
        bath(utc(2026, 1, 2)),
    )
    del ledger.last[Kind.ORAL]
    ledger.unload_month("2025-11")  # not needed: December holds the answer
    assert ledger.refresh_last(Kind.ORAL) is True
    assert ledger.last[Kind.ORAL] is expected


# -- Ledger: undo ------------------------------------------------------------------------


def test_undo_target_prefers_undo_stack() -> None:
    ledger = Ledger(tz=BERLIN)
    assert ledger.undo_target() is None
    newer = oral(utc(2026, 1, 15, 20))
    older = oral(utc(2026, 1, 15, 8))
    ledger.add(newer)
    ledger.add(older)  # logged last, though older
    assert ledger.undo_target() == older.id
    ledger.remove(older.id)
    assert ledger.undo_target() == newer.id
    ledger.remove(newer.id)
    assert ledger.undo_target() is None


def test_undo_depth_is_capped() -> None:
    records = [oral(utc(2026, 1, 1) + timedelta(minutes=i)) for i in range(UNDO_DEPTH + 5)]
    ledger = ledger_with(UTC, *records)
    assert UNDO_DEPTH == 20
    assert len(ledger.undo_stack) == UNDO_DEPTH
    assert ledger.undo_stack == [record.id for record in records[5:]]
    assert ledger.undo_target() == records[-1].id


def test_undo_target_falls_back_to_newest_by_time() -> None:
    dec = oral(utc(2025, 12, 31, 23))
    jan_new = bath(utc(2026, 1, 20))
    jan_old = oral(utc(2026, 1, 5))
    source = ledger_with(BERLIN, dec, jan_new, jan_old)
    index = source.index_dict()
    index["undo"] = []
    ledger = Ledger(tz=BERLIN)
    ledger.load_index(index)
    with pytest.raises(MonthNotLoadedError):
        ledger.undo_target()
    ledger.load_month("2026-01", [jan_old, jan_new])
    assert ledger.undo_target() == jan_new.id


def test_undo_target_loaded_but_empty_month() -> None:
    ledger = Ledger(tz=BERLIN)
    ledger.load_index({"months": {"2026-03": 1}})
    ledger.load_month("2026-03", [])
    assert ledger.undo_target() is None


# -- Ledger: questions -------------------------------------------------------------------


def test_average_oral_over_seven_days() -> None:
    today = date(2026, 1, 10)

    def at(day: int, hour: int = 12) -> datetime:
        return datetime(2026, 1, day, hour, tzinfo=BERLIN)

    ledger = ledger_with(
        BERLIN,
        oral(at(10), 100.0),
        oral(at(9), 150.0),
        oral(at(9, 23), 50.0),
        oral(at(4), 50.0),  # 7th day back: included
        oral(at(3), 1000.0),  # 8th day back: excluded
        oral(at(11), 500.0),  # after today: excluded
        topical(at(8)),
        bath(at(7)),
    )
    assert AVERAGE_DAYS == 7
    assert ledger.average_oral(today) == 50.0
    assert ledger.average_oral(today, days=2) == 150.0
    assert ledger.average_oral(today, days=3) == 100.0
    assert ledger.average_oral(date(2026, 1, 11), days=3) == 266.667
    assert Ledger(tz=BERLIN).average_oral(today) == 0.0


def test_records_between_bounds_across_months() -> None:
    records = [
        oral(utc(2026, 1, 31, 23, 59, 59, 999000)),
        oral(utc(2026, 2, 1)),
        topical(utc(2026, 2, 15)),
        bath(utc(2026, 2, 28, 23, 59)),
        oral(utc(2026, 3, 1)),
        oral(utc(2026, 4, 2)),
    ]
    ledger = ledger_with(NEW_YORK, *reversed(records))
    between = ledger.records_between
    assert list(between(utc(2026, 2, 1), utc(2026, 3, 1))) == records[1:4]
    assert (
        list(between(utc(2026, 1, 31, 23, 59, 59, 999000), utc(2026, 3, 1, 0, 0, 0, 1)))
        == (records[0:5])
    )
    assert list(between(None, None)) == records
    assert list(between(utc(2026, 2, 15), None)) == records[2:]
    assert list(between(None, utc(2026, 2, 15))) == records[:2]
    assert list(between(utc(2026, 2, 16), utc(2026, 2, 17))) == []
    assert list(between(utc(2026, 3, 2), utc(2026, 4, 1))) == []
    ledger.unload_month("2026-01")
    assert list(between(utc(2026, 2, 1), None)) == records[1:]
    with pytest.raises(MonthNotLoadedError):
        list(between(utc(2026, 1, 1), utc(2026, 2, 2)))


def test_days_between() -> None:
    ledger = ledger_with(
        BERLIN,
        oral(datetime(2026, 1, 12, 9, tzinfo=BERLIN), 10.0),
        oral(datetime(2026, 1, 10, 9, tzinfo=BERLIN), 20.0),
        bath(datetime(2026, 1, 11, 21, tzinfo=BERLIN)),
        oral(datetime(2026, 1, 14, 9, tzinfo=BERLIN), 40.0),
    )
    d10, d11, d12, d14 = (date(2026, 1, d) for d in (10, 11, 12, 14))
    assert [day for day, _ in ledger.days_between(None, None)] == [d10, d11, d12, d14]
    assert ledger.days_between(d11, d12) == [
        (d11, DayTotal(0.0, 0, 0, 1)),
        (d12, DayTotal(10.0, 1, 0, 0)),
    ]
    assert [day for day, _ in ledger.days_between(d12, None)] == [d12, d14]
    assert [day for day, _ in ledger.days_between(None, d11)] == [d10, d11]
    assert ledger.days_between(date(2026, 1, 13), date(2026, 1, 13)) == []


def test_day_total_missing_day_is_zero() -> None:
    ledger = Ledger(tz=BERLIN)
    total = ledger.day_total(date(2026, 1, 1))
    assert total == DayTotal()
    total.oral_mg = 5.0  # a fresh object, not stored
    assert ledger.days == {}


# -- Ledger: persistence -----------------------------------------------------------------


def build_history() -> tuple[Ledger, list[Record]]:
    records = [
        oral(utc(2025, 12, 31, 23, 30), 100.0, note="new year"),  # Berlin Jan 1
        oral(utc(2026, 1, 14, 23, 30), 70.5, compound_mg=500.0),  # Berlin Jan 15, NY Jan 14
        topical(utc(2026, 1, 15, 12)),
        oral(utc(2026, 1, 15, 12, 30), 50.0, source=Source.VOICE),
        bath(utc(2026, 1, 16, 3)),  # Berlin Jan 16, NY Jan 15
        oral(utc(2026, 2, 1, 2), 25.0),  # Berlin Feb 1, NY Jan 31
    ]
    return ledger_with(BERLIN, *records), records


def test_index_round_trip() -> None:
    ledger, records = build_history()
    stored = json.loads(json.dumps(ledger.index_dict()))
    assert stored == {
        "days": {
            "2026-01-01": [100.0, 1, 0, 0],
            "2026-01-15": [120.5, 2, 1, 0],
            "2026-01-16": [0.0, 0, 0, 1],
            "2026-02-01": [25.0, 1, 0, 0],
        },
        "months": {"2025-12": 1, "2026-01": 4, "2026-02": 1},
        "last": {
            "oral": records[5].as_dict(),
            "topical": records[2].as_dict(),
            "bath": records[4].as_dict(),
        },
        "undo": [record.id for record in records],
        # Berlin minutes from the day's start: 00:30; 00:30 and 13:30; 03:00
        "dose_minutes": {"2026-01-01": [30], "2026-01-15": [30, 810], "2026-02-01": [180]},
    }
    fresh = Ledger(tz=BERLIN)
    fresh.load_index(stored)
    assert fresh.days == ledger.days
    assert fresh.dose_minutes == ledger.dose_minutes
    assert fresh.month_counts == ledger.month_counts
    assert fresh.last == ledger.last
    assert fresh.undo_stack == ledger.undo_stack
    assert fresh.index_dict() == ledger.index_dict()
    assert fresh.loaded_months() == []
    assert not fresh.is_loaded("2026-01")


def test_load_index_defaults_and_undo_cap() -> None:
    ledger, _ = build_history()
    ledger.load_index({})
    assert (ledger.days, ledger.month_counts, ledger.last, ledger.undo_stack) == ({}, {}, {}, [])
    ids = [f"id{i}" for i in range(UNDO_DEPTH + 10)]
    ledger.load_index({"undo": ids})
    assert ledger.undo_stack == ids[-UNDO_DEPTH:]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"days": "2026-01-01"}, id="days-str"),
        pytest.param({"days": None}, id="days-none"),
        pytest.param({"days": {"15.01.2026": [1.0, 1, 0, 0]}}, id="days-bad-date"),
        pytest.param({"days": {"2026-01-15": [1.0, 1, 0]}}, id="days-bad-total"),
        pytest.param({"days": {"2026-01-15": "1,1,0,0"}}, id="days-total-str"),
        pytest.param({"months": ["2026-01"]}, id="months-list"),
        pytest.param({"months": {"2026-01": "many"}}, id="months-str"),
        pytest.param({"months": {"2026-01": None}}, id="months-none"),
        pytest.param({"last": {"pill": {}}}, id="last-bad-kind"),
        pytest.param({"last": {"oral": "record"}}, id="last-not-object"),
        pytest.param({"last": {"oral": {"id": "x"}}}, id="last-bad-record"),
        pytest.param({"last": 5}, id="last-int"),
        pytest.param({"undo": 5}, id="undo-int"),
        pytest.param({"undo": None}, id="undo-none"),
    ],
)
def test_load_index_rejects_malformed(changes: dict[str, Any]) -> None:
    ledger, _ = build_history()
    data = json.loads(json.dumps(ledger.index_dict())) | changes
    before = ledger.index_dict()
    with pytest.raises(InvalidRecordError):
        ledger.load_index(data)
    assert ledger.index_dict() == before  # all or nothing


@pytest.mark.parametrize(
    "data", [[], None, "index", {"days": {"2026-01-15": [0.0, math.inf, 0, 0]}}]
)
def test_load_index_rejects_non_mapping_and_overflow(data: Any) -> None:
    with pytest.raises(InvalidRecordError):
        Ledger(tz=BERLIN).load_index(data)


def test_rebuild_index_after_time_zone_change() -> None:
    ledger, records = build_history()
    assert counts(ledger) == {
        date(2026, 1, 1): (100.0, 1, 0, 0),
        date(2026, 1, 15): (120.5, 2, 1, 0),
        date(2026, 1, 16): (0.0, 0, 0, 1),
        date(2026, 2, 1): (25.0, 1, 0, 0),
    }
    dropped = records[3]
    kept = [record for record in records if record is not dropped]
    ledger.with_tz(NEW_YORK)
    assert ledger.tz is NEW_YORK
    ledger.rebuild_index(reversed(kept))  # any order
    assert counts(ledger) == {
        date(2025, 12, 31): (100.0, 1, 0, 0),
        date(2026, 1, 14): (70.5, 1, 0, 0),
        date(2026, 1, 15): (0.0, 0, 1, 1),
        date(2026, 1, 31): (25.0, 1, 0, 0),
    }
    assert ledger.month_counts == {"2025-12": 1, "2026-01": 3, "2026-02": 1}
    assert ledger.last == {Kind.ORAL: records[5], Kind.TOPICAL: records[2], Kind.BATH: records[4]}
    assert ledger.undo_stack == [record.id for record in kept]
    assert ledger.month_records("2026-01") == [records[1], records[2], records[4]]
    assert ledger.loaded_months() == ["2025-12", "2026-01", "2026-02"]
    # the rebuilt index is what a fresh ledger in New York computes
    fresh = ledger_with(NEW_YORK, *kept)
    assert ledger.index_dict() == fresh.index_dict()


def test_rebuild_index_back_to_berlin_restores_totals() -> None:
    ledger, records = build_history()
    original = ledger.index_dict()
    ledger.with_tz(NEW_YORK)
    ledger.rebuild_index(records)
    assert ledger.index_dict() != original
    ledger.with_tz(BERLIN)
    ledger.rebuild_index(records)
    assert ledger.index_dict() == original


def test_rebuild_index_empty() -> None:
    ledger, _ = build_history()
    ledger.rebuild_index([])
    assert (ledger.days, ledger.month_counts, ledger.last, ledger.undo_stack) == ({}, {}, {}, [])


# -- make_record -------------------------------------------------------------------------


def test_make_record_stores_utc() -> None:
    local = datetime(2026, 7, 1, 1, 30, 0, 456789, tzinfo=BERLIN)
    record = make_record(
        taken_at=local,
        kind=Kind.ORAL,
        form="malate",
        elemental_mg=77.5,
        compound_mg=500.0,
        note="morning",
    )
    assert record.taken_at == utc(2026, 6, 30, 23, 30, 0, 456789)
    assert record.taken_at.tzinfo is UTC
    assert record.month == "2026-06"
    assert record_id_time(record.id) == utc(2026, 6, 30, 23, 30, 0, 456000)
    assert (record.kind, record.form, record.source) == (Kind.ORAL, "malate", Source.ACTION)
    assert (record.elemental_mg, record.compound_mg, record.note) == (77.5, 500.0, "morning")
    assert (record.area, record.salt_g, record.minutes) == (None, None, None)
    button = make_record(taken_at=local, kind=Kind.BATH, form="sulfate", source=Source.BUTTON)
    assert button.source is Source.BUTTON
    assert button.id != record.id


def test_make_record_rejects_naive() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_record(taken_at=datetime(2026, 1, 15, 8, 30), kind=Kind.ORAL, form="glycinate")


def test_make_record_rejects_unknown_field() -> None:
    with pytest.raises(TypeError):
        make_record(taken_at=utc(2026, 1, 15), kind=Kind.ORAL, form="glycinate", dose=1)


# -- refills and medicines -----------------------------------------------------------------


def test_refills_and_medicines_make_no_day_total() -> None:
    """Neither is intake: a day with only a refill or a medicine has no total, before and after
    another record of that day is removed, and after a rebuild."""
    refill = make_record(
        taken_at=utc(2026, 6, 9, 8),
        kind=Kind.REFILL,
        form="glycinate",
        product="Pure glycinate",
        product_id="glyc",
        units=60.0,
    )
    medicine = make_record(taken_at=utc(2026, 6, 10, 8), kind=Kind.MEDICINE, form="quinolone")
    dose = oral(utc(2026, 6, 10, 9))
    ledger = ledger_with(BERLIN, refill, medicine, dose)
    assert counts(ledger) == {date(2026, 6, 10): (100.0, 1, 0, 0)}
    assert ledger.first_day() == date(2026, 6, 10)
    assert ledger.product_usage("glyc").refilled == 60.0
    ledger.remove(dose.id)
    assert counts(ledger) == {}
    assert ledger.first_day() is None
    ledger.rebuild_index([refill, medicine])
    assert counts(ledger) == {}
    assert ledger.product_usage("glyc").net == 60.0
    assert ledger.last[Kind.MEDICINE] == medicine
    ledger.remove(medicine.id)
    ledger.remove(refill.id)
    assert ledger.product_usage("glyc").net == 0.0


@pytest.mark.parametrize(
    "minutes",
    [[True], [1.5], ["30"], [None], [25 * 60], [-1], [30, float("nan")], 720, "30", {"30": 1}],
)
def test_index_with_bad_dose_minutes_is_refused(minutes: Any) -> None:
    ledger = Ledger(tz=BERLIN)
    with pytest.raises(InvalidRecordError):
        ledger.load_index({"dose_minutes": {"2026-01-01": minutes}})
    ledger.load_index({"dose_minutes": {"2026-01-01": [810, 30], "2026-01-02": []}})
    assert ledger.dose_minutes == {date(2026, 1, 1): [30, 810], date(2026, 1, 2): []}
