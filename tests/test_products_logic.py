"""Products, stock and run-out: the pure rules, without Home Assistant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.magnesium.ledger import (
    InvalidRecordError,
    Kind,
    Ledger,
    ProductUsage,
    Record,
    Source,
)
from custom_components.magnesium.products import (
    Product,
    dose_record,
    find_products,
    outlook,
    refill_record,
    tidy,
)

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 6, 10)
NOON = datetime(2026, 6, 10, 12, tzinfo=BERLIN)

CAPSULES = Product(
    id="glyc",
    name="Doctor's Best glycinate",
    form="glycinate",
    amount_mg=100,
    unit="capsule",
    stock=60,
)
POWDER = Product(
    id="citr",
    name="Citrate powder",
    form="citrate",
    amount_mg=1000,
    unit="scoop",
    basis="compound",
    stock=30,
)


def usage(days: dict[int, float], taken: float | None = None, refilled: float = 0) -> ProductUsage:
    """Use on days before TODAY (0 is today)."""
    per_day = {TODAY - timedelta(days=offset): units for offset, units in days.items()}
    total = sum(per_day.values()) if taken is None else taken
    return ProductUsage(taken=total, refilled=refilled, days=per_day)


def test_a_unit_as_the_label_gives_it() -> None:
    assert CAPSULES.elemental_per_unit == 100
    assert CAPSULES.elemental_mg(2) == 200
    assert CAPSULES.compound_mg(2) is None
    # the compound's weight, converted with citrate's elemental share (16.2 %)
    assert POWDER.elemental_per_unit == 162
    assert POWDER.elemental_mg(1.5) == 243
    assert POWDER.compound_mg(1.5) == 1500


def test_units_are_whole_where_they_are_counted() -> None:
    assert CAPSULES.countable
    assert not POWDER.countable
    assert CAPSULES.valid_units(2)
    assert not CAPSULES.valid_units(1.5)
    assert POWDER.valid_units(1.5)
    for bad in (0, -1, float("nan"), float("inf"), 101):
        assert not CAPSULES.valid_units(bad)
        assert not POWDER.valid_units(bad)
    # the most units within an amount
    assert CAPSULES.units_for(150) == 1
    assert CAPSULES.units_for(200) == 2
    assert CAPSULES.units_for(99) == 0
    assert POWDER.units_for(150) == 0.9  # 162 mg a scoop
    assert POWDER.units_for(250) == 1.5
    assert CAPSULES.units_for(0) == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": " ", "form": "glycinate", "amount_mg": 100, "unit": "capsule"},
        {"name": "x", "form": "kryptonite", "amount_mg": 100, "unit": "capsule"},
        {"name": "x", "form": "glycinate", "amount_mg": 0, "unit": "capsule"},
        {"name": "x", "form": "glycinate", "amount_mg": float("nan"), "unit": "capsule"},
        {"name": "x", "form": "glycinate", "amount_mg": "lots", "unit": "capsule"},
        {"name": "x", "form": "glycinate", "amount_mg": 100, "unit": "bucket"},
        {"name": "x", "form": "glycinate", "amount_mg": 100, "unit": "capsule", "basis": "?"},
    ],
)
def test_damaged_product_data_is_left_out(data: dict[str, Any]) -> None:
    assert Product.from_data("x", data) is None


def test_product_data_round_trip() -> None:
    assert Product.from_data("citr", POWDER.as_data()) == POWDER


def test_stock_is_counted_plus_refills_minus_taken_since_the_count() -> None:
    assert CAPSULES.stock_now(ProductUsage()) == 60
    assert CAPSULES.stock_now(ProductUsage(taken=10, refilled=120)) == 170
    # counted again at 30 when 10 had been taken: only what came after counts
    recounted = Product.from_data("glyc", {**CAPSULES.as_data(), "stock": 30, "stock_offset": -10})
    assert recounted is not None
    assert recounted.stock_now(ProductUsage(taken=12)) == 28


def test_run_out_from_the_last_14_days() -> None:
    # two a day for the last 14 days (and more before, which does not count)
    steady = usage(dict.fromkeys(range(20), 2), taken=40)
    view = outlook(CAPSULES, steady, TODAY)
    assert view.stock == 20
    assert view.daily_units == 2
    assert view.days_left == 10
    assert view.run_out == TODAY + timedelta(days=10)
    assert not view.low
    # started three days ago: averaged over three days, not fourteen
    view = outlook(CAPSULES, usage({0: 3, 1: 3, 2: 3}), TODAY)
    assert view.daily_units == 3
    assert view.stock == 51
    assert view.run_out == TODAY + timedelta(days=17)
    # a gap inside the window counts as a day without use
    view = outlook(CAPSULES, usage({0: 2, 3: 2}), TODAY)
    assert view.daily_units == 1
    # no use in 14 days: no date, not low
    view = outlook(CAPSULES, usage({15: 2}), TODAY)
    assert (view.daily_units, view.days_left, view.run_out, view.low) == (0, None, None, False)


def test_low_below_the_threshold_and_when_used_up() -> None:
    # 12 left at 2 a day: 6 days, below the default 7
    view = outlook(CAPSULES, usage({0: 2, 1: 2}, taken=48), TODAY)
    assert (view.stock, view.days_left, view.low) == (12, 6.0, True)
    # 14 left: exactly 7 days is not below
    view = outlook(CAPSULES, usage({0: 2, 1: 2}, taken=46), TODAY)
    assert (view.days_left, view.low) == (7.0, False)
    # 13.96 left (a liquid, say) is 6.98 days: shown as 7.0, and low all the same
    view = outlook(CAPSULES, usage({0: 2, 1: 2}, taken=46.04), TODAY)
    assert (view.days_left, view.low) == (7.0, True)
    # used up (or more logged than counted): low, running out today
    view = outlook(CAPSULES, usage({}, taken=61), TODAY)
    assert (view.stock, view.days_left, view.run_out, view.low) == (-1, 0.0, TODAY, True)
    # a threshold of the product's own
    longer = Product.from_data("glyc", {**CAPSULES.as_data(), "low_days": 10})
    assert longer is not None
    assert outlook(longer, usage({0: 2, 1: 2}, taken=46), TODAY).low


def test_tidy_numbers() -> None:
    assert tidy(20.0) == 20
    assert isinstance(tidy(20.0), int)
    assert tidy(2.5) == 2.5


def test_find_products_by_name_words_or_form() -> None:
    products = [CAPSULES, POWDER]
    assert find_products(products, "Doctor's Best glycinate") == [CAPSULES]
    assert find_products(products, "doctors best glycinate") == [CAPSULES]
    assert find_products(products, "glyc") == [CAPSULES]  # the id
    assert find_products(products, "glycinate") == [CAPSULES]  # a word of the name
    assert find_products(products, "magnesium glycinate") == [CAPSULES]
    assert find_products(products, "bisglycinate") == [CAPSULES]  # the form's alias
    assert find_products(products, "citrate powder") == [POWDER]
    assert find_products(products, "zinc") == []
    assert find_products(products, "") == []
    assert find_products(products, None) == []
    other = Product(id="b", name="Cheap glycinate", form="glycinate", amount_mg=50, unit="tablet")
    assert find_products([CAPSULES, other], "glycinate") == [CAPSULES, other]
    assert find_products([CAPSULES, other], "cheap glycinate") == [other]


def test_ledger_keeps_each_products_use_in_the_index() -> None:
    ledger = Ledger(tz=BERLIN)
    dose = dose_record(CAPSULES, 2, NOON, Source.VOICE, note="with dinner")
    refill = refill_record(CAPSULES, 120, NOON + timedelta(minutes=1))
    plain = Record(id="01KTQYDM405GDENXYQ3M2BRC68", taken_at=NOON, kind=Kind.ORAL, form="malate")
    for record in (dose, refill, plain):
        ledger.add(record)
    assert (dose.product, dose.product_id, dose.units) == ("Doctor's Best glycinate", "glyc", 2)
    assert (dose.elemental_mg, dose.form, dose.note) == (200, "glycinate", "with dinner")
    assert refill.kind is Kind.REFILL
    used = ledger.product_usage("glyc")
    assert (used.taken, used.refilled, used.days) == (2, 120, {TODAY: 2})
    assert CAPSULES.stock_now(used) == 178
    # a refill is neither an intake nor a side effect
    total = ledger.day_total(TODAY)
    assert (total.oral_doses, total.side_effects) == (2, 0)
    # undone: the stock goes back
    ledger.remove(refill.id)
    ledger.remove(dose.id)
    used = ledger.product_usage("glyc")
    assert (used.taken, used.refilled, used.days) == (0, 0, {})
    assert ledger.product_usage("unknown") == ProductUsage()


def test_product_use_round_trips_and_rebuilds() -> None:
    ledger = Ledger(tz=BERLIN)
    records = [
        dose_record(CAPSULES, 2, NOON - timedelta(days=1), Source.ACTION),
        dose_record(POWDER, 1.5, NOON, Source.ACTION),
        refill_record(CAPSULES, 60, NOON),
    ]
    for record in records:
        ledger.add(record)
    stored = ledger.index_dict()
    assert stored["products"]["citr"] == {
        "taken": 1.5,
        "refilled": 0.0,
        "days": {"2026-06-10": 1.5},
    }
    fresh = Ledger(tz=BERLIN)
    fresh.load_index(stored)
    assert fresh.products == ledger.products
    # records keep the product's fields
    assert [Record.from_dict(record.as_dict()) for record in records] == records
    # rebuilt from the records (a time zone change or a repair): the same use
    rebuilt = Ledger(tz=BERLIN)
    rebuilt.rebuild_index(records)
    assert rebuilt.products == ledger.products
    # an index without products (version 2) loads with none
    del stored["products"]
    fresh.load_index(stored)
    assert fresh.products == {}


def test_product_use_per_day_moves_to_the_yearly_files_and_back() -> None:
    ledger = Ledger(tz=BERLIN)
    old = NOON - timedelta(days=200)  # 2025-11-22
    ledger.add(dose_record(CAPSULES, 2, old, Source.ACTION))
    ledger.add(dose_record(CAPSULES, 1, NOON, Source.ACTION))
    since = date(2026, 1, 1)
    year = ledger.archive_dict(since, 2025)
    assert year == {
        "days": {"2025-11-22": [200.0, 1, 0, 0]},
        "dose_minutes": {"2025-11-22": [720]},
        "products": {"glyc": {"2025-11-22": 2.0}},
    }
    assert ledger.archive_dict(since, 2024) == {"days": {}, "dose_minutes": {}}
    assert ledger.index_dict(since)["products"]["glyc"]["days"] == {"2026-06-10": 1.0}
    full = ledger.index_dict()
    ledger.drop_days(since)
    assert ledger.product_usage("glyc").days == {date(2026, 6, 10): 1.0}
    assert ledger.product_usage("glyc").taken == 3.0  # the totals stay
    # a damaged year changes nothing
    for damaged in (
        [1, 2],
        {"days": {"2025-11-22": "much"}},
        {"products": {"glyc": {"2025-11-22": "two"}}},
        {"products": {"glyc": {"someday": 2.0}}},
        {"products": {"glyc": [2.0]}},
        {"dose_minutes": {"2025-11-22": [-1]}},
        {"dose_minutes": {"2025-11-22": 720}},
    ):
        with pytest.raises(InvalidRecordError):
            ledger.load_archive(damaged, since)  # type: ignore[arg-type]
        assert len(ledger.days) == 1
    assert ledger.first_day() == date(2025, 11, 22)  # moved out of memory, still the first
    assert ledger.dose_times(date(2025, 11, 22)) == []
    ledger.load_archive(json.loads(json.dumps(year)), since)
    assert ledger.dose_times(date(2025, 11, 22)) == [old.astimezone(UTC)]
    assert {**ledger.index_dict(), "archived_first": None} == {**full, "archived_first": None}
    # the first day survives the index being stored and read again
    fresh = Ledger(tz=BERLIN)
    fresh.load_index(json.loads(json.dumps(ledger.index_dict(since))))
    assert fresh.first_day() == date(2025, 11, 22)
    assert min(fresh.days) == date(2026, 6, 10)
    # a product the index no longer knows keeps its archived days
    ledger.load_archive({"products": {"gone": {"2025-11-22": 1.0}}}, since)
    assert ledger.product_usage("gone").days == {date(2025, 11, 22): 1.0}


@pytest.mark.parametrize(
    "products",
    [
        {"glyc": "not an object"},
        {"glyc": {"taken": "lots"}},
        {"glyc": {"days": ["2026-06-10"]}},
        {"glyc": {"days": {"2026-06-10": "two"}}},
        {"glyc": {"days": {"yesterday": 2}}},
    ],
)
def test_damaged_product_use_is_refused(products: dict[str, Any]) -> None:
    ledger = Ledger(tz=BERLIN)
    with pytest.raises(InvalidRecordError):
        ledger.load_index({"days": {}, "months": {}, "products": products})


def test_records_of_a_product_without_units_do_not_count() -> None:
    ledger = Ledger(tz=BERLIN)
    record = Record(
        id="01KTQYDM405GDENXYQ3M2BRC68",
        taken_at=NOON.astimezone(UTC),
        kind=Kind.ORAL,
        form="glycinate",
        elemental_mg=100,
        product="x",
        product_id="x",
    )
    ledger.add(record)
    assert ledger.products == {}
