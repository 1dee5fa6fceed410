"""Products a person keeps: what one unit holds, the stock, and when it runs out.

Pure Python, no Home Assistant imports. A product is kept as a config subentry; its stock is
never stored as a running number that could drift: it is the counted stock plus the units
refilled minus the units taken since it was counted, all from the ledger's index
(``ProductUsage``), so undoing a dose or a refill puts the stock right again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
import math
import re
from typing import Any

from .knowledge import COUNTABLE_UNITS, UNITS, Form, find_form, get_form, normalize
from .ledger import Kind, ProductUsage, Record, Source, make_record

CONF_NAME = "name"
CONF_FORM = "form"
CONF_AMOUNT_MG = "amount_mg"
CONF_BASIS = "basis"
CONF_UNIT = "unit"
CONF_STOCK = "stock"
CONF_STOCK_OFFSET = "stock_offset"
CONF_LOW_DAYS = "low_days"

BASIS_ELEMENTAL = "elemental"
BASIS_COMPOUND = "compound"

DEFAULT_LOW_DAYS = 7
MAX_LOW_DAYS = 90
RUN_OUT_DAYS = 14  # the run-out date follows the use of the last two weeks
MAX_UNITS_PER_DOSE = 100.0
MAX_STOCK = 100000.0


@dataclass(frozen=True, slots=True)
class Product:
    """A magnesium product as the label describes it, with its counted stock."""

    id: str
    name: str
    form: str
    amount_mg: float  # magnesium per unit as printed: elemental, or the compound's weight
    unit: str
    basis: str = BASIS_ELEMENTAL
    stock: float | None = 0.0  # units counted when added or last edited; None: not counted
    stock_offset: float = 0.0  # refilled minus taken (``ProductUsage.net``) at that moment
    low_days: int = DEFAULT_LOW_DAYS

    @property
    def countable(self) -> bool:
        """Whether units are counted whole (capsules, tablets, sprays)."""
        return self.unit in COUNTABLE_UNITS

    @property
    def elemental_per_unit(self) -> float:
        """Elemental magnesium in one unit (mg)."""
        if self.basis == BASIS_COMPOUND:
            return round(get_form(self.form).elemental_from_compound(self.amount_mg), 3)
        return self.amount_mg

    def elemental_mg(self, units: float) -> float:
        """Elemental magnesium in so many units (mg)."""
        return round(units * self.elemental_per_unit, 3)

    def compound_mg(self, units: float) -> float | None:
        """The compound's weight in so many units, when the label gives the compound."""
        return round(units * self.amount_mg, 3) if self.basis == BASIS_COMPOUND else None

    def stock_now(self, usage: ProductUsage) -> float | None:
        """Units left: counted stock, plus refills, minus units taken since it was counted.

        None while the stock was never counted.
        """
        if self.stock is None:
            return None
        return round(self.stock + usage.net - self.stock_offset, 3)

    def units_for(self, amount_mg: float) -> float:
        """The most units that stay within an amount (whole units when countable)."""
        per_unit = self.elemental_per_unit
        if per_unit <= 0 or amount_mg <= 0:
            return 0.0
        exact = amount_mg / per_unit + 1e-9
        return float(math.floor(exact)) if self.countable else math.floor(exact * 10) / 10

    def valid_units(self, units: float) -> bool:
        """Whether one dose of so many units makes sense for this product."""
        if not math.isfinite(units) or units <= 0 or units > MAX_UNITS_PER_DOSE:
            return False
        return not self.countable or float(units).is_integer()

    def as_data(self) -> dict[str, Any]:
        """The subentry data of the product."""
        return {
            CONF_NAME: self.name,
            CONF_FORM: self.form,
            CONF_AMOUNT_MG: self.amount_mg,
            CONF_BASIS: self.basis,
            CONF_UNIT: self.unit,
            CONF_STOCK: self.stock,
            CONF_STOCK_OFFSET: self.stock_offset,
            CONF_LOW_DAYS: self.low_days,
        }

    @classmethod
    def from_data(cls, product_id: str, data: Mapping[str, Any]) -> Product | None:
        """Read a subentry's data; None when it does not describe a usable product."""
        try:
            product = cls(
                id=product_id,
                name=str(data[CONF_NAME]).strip(),
                form=get_form(str(data[CONF_FORM])).key,
                amount_mg=float(data[CONF_AMOUNT_MG]),
                unit=str(data[CONF_UNIT]),
                basis=str(data.get(CONF_BASIS, BASIS_ELEMENTAL)),
                stock=None if data.get(CONF_STOCK) is None else float(data[CONF_STOCK]),
                stock_offset=float(data.get(CONF_STOCK_OFFSET, 0.0)),
                low_days=int(data.get(CONF_LOW_DAYS, DEFAULT_LOW_DAYS)),
            )
        except (KeyError, TypeError, ValueError):
            return None
        if (
            not product.name
            or product.unit not in UNITS
            or product.basis not in (BASIS_ELEMENTAL, BASIS_COMPOUND)
            or not math.isfinite(product.amount_mg)
            or product.amount_mg <= 0
        ):
            return None
        return product


def dose_record(
    product: Product,
    units: float,
    taken_at: datetime,
    source: Source,
    note: str | None = None,
) -> Record:
    """The record of so many units of a product taken: its form, elemental mg and units."""
    return make_record(
        taken_at=taken_at,
        kind=Kind.ORAL,
        form=product.form,
        source=source,
        elemental_mg=product.elemental_mg(units),
        compound_mg=product.compound_mg(units),
        product=product.name,
        product_id=product.id,
        units=units,
        note=note,
    )


def refill_record(
    product: Product, units: float, taken_at: datetime, note: str | None = None
) -> Record:
    """The record of so many units added to a product's stock."""
    return make_record(
        taken_at=taken_at,
        kind=Kind.REFILL,
        form=product.form,
        product=product.name,
        product_id=product.id,
        units=units,
        note=note,
    )


@dataclass(frozen=True, slots=True)
class Outlook:
    """A product's stock now and how long it lasts at the recent rate of use."""

    stock: float | None  # None: never counted
    daily_units: float  # average units a day over the recent use
    days_left: float | None  # None while there is stock and no recent use, or no count
    run_out: date | None
    low: bool


def outlook(product: Product, usage: ProductUsage, today: date) -> Outlook:
    """Stock, use per day and run-out date, from the last ``RUN_OUT_DAYS`` local days.

    The average runs from the first day with use in that window (a product started three
    days ago is averaged over three days, not fourteen) to today. Fourteen index lookups,
    whatever the length of history.
    """
    window = [usage.taken_on(today - timedelta(days=offset)) for offset in range(RUN_OUT_DAYS)]
    used = [offset for offset, units in enumerate(window) if units > 0]
    daily = round(sum(window) / (max(used) + 1), 3) if used else 0.0
    stock = product.stock_now(usage)
    days_left: float | None
    if stock is None:  # not counted: neither low nor running out
        return Outlook(None, tidy(daily), None, None, False)
    if stock <= 0:
        days_left, run_out, low = 0.0, today, True
    elif daily > 0:
        days_left = round(stock / daily, 1)
        run_out = today + timedelta(days=math.floor(stock / daily))
        low = stock / daily < product.low_days  # before rounding: 6.96 days is fewer than 7
    else:
        days_left, run_out, low = None, None, False
    return Outlook(tidy(stock), tidy(daily), days_left, run_out, low)


def tidy(value: float) -> float:
    """A whole number as an int (20, not 20.0), else the float."""
    return int(value) if float(value).is_integer() else value


# Words around a product's name that are not part of it ("two capsules of my glycinate")
_NOT_NAME = frozenset(
    {
        "a",
        "an",
        "the",
        "my",
        "our",
        "his",
        "her",
        "their",
        "of",
        "von",
        "vom",
        "dem",
        "den",
        "der",
        "die",
        "das",
        "mein",
        "meine",
        "meinem",
        "meinen",
        "meiner",
        "sein",
        "seine",
        "seinem",
        "ihr",
        "ihre",
        "ihrem",
    }
)


def find_products(products: Iterable[Product], text: str | None) -> list[Product]:
    """The products a name means: the exact name, else every word of it, else its form.

    "Doctor's Best glycinate", "doctors best glycinate", "my glycinate", "glycinate",
    "bisglycinate" and "Glycinatkapseln" all find that product when no other product matches
    as well; several matches are all returned, so the caller can ask which one.
    """
    if not text or not text.strip():
        return []
    items = list(products)
    words = [word for word in _name_words(text) if word not in _NOT_NAME]
    query = " ".join(words)
    exact = [
        item
        for item in items
        if item.id == text.strip() or (query and _squash(normalize(item.name)) == _squash(query))
    ]
    if exact:
        return exact
    by_words = [item for item in items if words and set(words) <= set(_name_words(item.name))]
    if by_words:
        return by_words
    forms = {form.key for word in (query, *words) if (form := _form_of(word)) is not None}
    return [item for item in items if item.form in forms]


def _form_of(word: str) -> Form | None:
    """The form a word names, also at its start ("Citratpulver", "glycinatkapseln")."""
    if (form := find_form(word)) is not None:
        return form
    for end in range(len(word) - 1, 4, -1):
        if (form := find_form(word[:end])) is not None and len(word[:end]) >= 5:
            return form
    return None


def _name_words(text: str) -> list[str]:
    """A name's words, a possessive joined to its word ("Doctor's", "doctors": "doctors")."""
    return _POSSESSIVE.sub(r"\1s", normalize(text)).split()


_POSSESSIVE = re.compile(r"(\w) s\b")


def _squash(text: str) -> str:
    return text.replace(" ", "")
