"""Spoken answers: short sentences from the knowledge base and a person's figures.

Pure Python, no Home Assistant imports. The words come from ``responses/<language>.yaml``
(passed in as ``texts``); the facts (forms, fractions, interactions, limits) come from
``knowledge``. Adding a language needs a new response file, not code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .knowledge import (
    FORMS,
    UPPER_LIMIT_ADULT_MG,
    UPPER_LIMIT_EU_ADULT_MG,
    Form,
    find_form,
    match_medicine,
    normalize,
)

GOALS = ("nerve_pain", "sleep", "spasm", "daytime", "stomach")
SAFETY_TOPICS = (
    "limit",
    "side_effects",
    "kidney",
    "antibiotics",
    "heart",
    "gabapentin",
    "split",
    "overdose",
    "pregnancy",
)
BATH_TOPICS = ("epsom_help", "epsom_amount", "topical")


@dataclass(frozen=True, slots=True)
class Dose:
    """A logged or planned dose, as spoken."""

    amount_mg: float
    form: str
    at: datetime  # local time


class Answers:
    """The answers of one language."""

    def __init__(self, texts: Mapping[str, Any]) -> None:
        """Use the texts of one response file."""
        self.texts = texts

    # -- helpers ------------------------------------------------------------------------
    def say(self, key: str, **values: Any) -> str:
        """One text with its placeholders filled; numbers in the language's style."""
        node: Any = self.texts
        for part in key.split("."):
            node = node[part]
        return str(node).format(**{name: self._value(value) for name, value in values.items()})

    def _value(self, value: Any) -> Any:
        if isinstance(value, float | int) and not isinstance(value, bool):
            return self.number(value)
        return value

    def number(self, value: float) -> str:
        """A number as spoken: no trailing zeros, the language's decimal mark."""
        text = f"{round(value, 1):g}"
        return text.replace(".", str(self.texts.get("decimal_mark", ".")))

    def with_doctor(self, text: str) -> str:
        """A health answer, ending with the advice to ask a doctor or pharmacist."""
        return f"{text} {self.texts['doctor']}"

    def form_name(self, form: Form) -> str:
        """The spoken name of a form."""
        return str(self.texts["form_names"].get(form.key, form.key))

    def spoken_list(self, names: Sequence[str], joiner: str = "and") -> str:
        """Names as a spoken list: "a, b and c" (or "a, b or c")."""
        if len(names) == 1:
            return names[0]
        return f"{', '.join(names[:-1])} {self.texts[joiner]} {names[-1]}"

    def form_list(self, forms: Sequence[Form] = FORMS) -> str:
        """Forms as a spoken list."""
        return self.spoken_list([self.form_name(form) for form in forms])

    def time(self, moment: datetime) -> str:
        """A local time of day."""
        return f"{moment:%H:%M}"

    def when(self, moment: datetime, today: date) -> str:
        """A past day: yesterday, or so many days ago."""
        days = (today - moment.date()).days
        if days == 1:
            return str(self.texts["yesterday"])
        return self.say("days_ago", days=days)

    # -- forms --------------------------------------------------------------------------
    def unknown_form(self, text: str) -> str:
        """A form that is not known, with the list of known ones."""
        return self.say("unknown_form", form=text, forms=self.form_list())

    def form_info(self, text: str) -> str:
        """What a form is good for (a health answer: it ends with the doctor advice)."""
        if (form := find_form(text)) is None:
            return self.unknown_form(text)
        return self.with_doctor(self._info(form))

    def _info(self, form: Form) -> str:
        if form.key in self.texts["forms"]:
            return self.say(f"forms.{form.key}")
        return self.say(
            "form_unknown_use",
            name=self.form_name(form).capitalize(),
            percent=round(form.elemental_fraction * 100, 1),
        )

    def compare(self, text: str, other_text: str) -> str:
        """Two forms side by side."""
        for value in (text, other_text):
            if find_form(value) is None:
                return self.unknown_form(value)
        form, other = find_form(text), find_form(other_text)
        assert form is not None
        assert other is not None
        if form.key == other.key:
            return self.with_doctor(self.say("compare_same", info=self._info(form)))
        return self.with_doctor(
            self.say(
                "compare",
                name_a=self.form_name(form).capitalize(),
                short_a=self._short(form),
                name_b=self.form_name(other).capitalize(),
                short_b=self._short(other),
            )
        )

    def _short(self, form: Form) -> str:
        if form.key in self.texts["short"]:
            return self.say(f"short.{form.key}")
        return self.say("short_unknown", percent=round(form.elemental_fraction * 100, 1))

    def goal(self, goal: str) -> str:
        """Which form for a goal."""
        return self.with_doctor(self.say(f"goals.{goal}"))

    # -- safety -------------------------------------------------------------------------
    def safety(self, topic: str, name: str | None = None, own_limit: float | None = None) -> str:
        """The daily limit, side effects, kidney disease, antibiotics, heart medication, ...

        Every one ends with the advice to ask a doctor or pharmacist (facts.md).
        """
        limits = {"limit": UPPER_LIMIT_ADULT_MG, "eu_limit": UPPER_LIMIT_EU_ADULT_MG}
        if topic == "limit" and name is not None and own_limit is not None:
            text = self.say("safety.limit_person", name=name, own=own_limit, **limits)
        else:
            text = self.say(f"safety.{topic}", **limits)
        return self.with_doctor(text)

    def amount_check(
        self, amount_mg: float, limit: float, name: str | None = None, taken_mg: float = 0
    ) -> str:
        """An amount a day against a person's limit (or the adults' upper limit)."""
        values = {"amount": amount_mg, "limit": limit, "name": name or "", "taken": taken_mg}
        who = "_person" if name else ""
        if amount_mg > limit:
            return self.with_doctor(self.say(f"amount_over{who}", **values))
        text = self.say(f"amount_within{who}", **values)
        if taken_mg > 0 and amount_mg + taken_mg > limit:
            text = f"{text} {self.say('amount_with_today', **values)}"
        return self.with_doctor(text)

    def evidence(self) -> str:
        """What the studies show about magnesium and sciatica."""
        return self.with_doctor(self.say("evidence"))

    def interaction(self, medicine: str, topics: Mapping[str, Sequence[str]]) -> str:
        """How far apart from a medicine, or what to do with a condition."""
        query = normalize(medicine)
        for topic, words in topics.items():
            if query in {normalize(word) for word in words}:
                return self.safety(topic)
        if self.texts.get("capitalize_names"):
            medicine = medicine[:1].upper() + medicine[1:]
        found = match_medicine(medicine)
        if found.ambiguous:  # never a guess between two medicines: ask which
            names = [self.drug_name(name) for name in found.candidates]
            return self.say("medicine_ambiguous", medicines=self.spoken_list(names, "or"))
        if found.interaction is None:  # never "no interaction": no advice, and who to ask
            return self.say("unknown_medicine", medicine=medicine)
        return self.with_doctor(
            self.say(f"interactions.{found.interaction.key}", medicine=medicine)
        )

    def drug_name(self, name: str) -> str:
        """A medicine's name as the language writes it."""
        return str((self.texts.get("drug_names") or {}).get(name, name))

    def bath(self, topic: str) -> str:
        """Epsom baths and topical magnesium (health answers: they end with the doctor advice)."""
        return self.with_doctor(self.say(f"baths.{topic}"))

    # -- the person's own magnesium ---------------------------------------------------------
    def today(self, name: str, oral_mg: float, doses: int, limit: float) -> str:
        """How much today."""
        remaining = max(0.0, limit - oral_mg)
        if doses == 0:
            return self.say("today_none", name=name, limit=limit)
        if oral_mg > limit:
            return self.say("today_over", name=name, oral=oral_mg, limit=limit)
        key = "today_one" if doses == 1 else "today"
        return self.say(key, name=name, oral=oral_mg, doses=doses, remaining=remaining, limit=limit)

    def remaining(self, name: str, oral_mg: float, limit: float) -> str:
        """How much is left under the limit."""
        remaining = max(0.0, limit - oral_mg)
        if remaining <= 0:
            return self.say("remaining_none", name=name, limit=limit)
        return self.say("remaining", name=name, remaining=remaining, limit=limit)

    def next_dose(
        self, name: str, upcoming: Dose | None, today: date, *, limit_reached: bool
    ) -> str:
        """When the next planned dose is."""
        if upcoming is None:
            return self.say("next_dose_none", name=name)
        time = self.time(upcoming.at)
        if upcoming.at.date() == today:
            if limit_reached:
                return self.say("next_dose_limit", name=name, time=time)
            key = "next_dose"
        else:
            key = "next_dose_tomorrow"
        return self.say(
            key, name=name, amount=upcoming.amount_mg, form=self._name(upcoming.form), time=time
        )

    def spacing_wait(
        self, medicine: str, medicine_at: datetime, allowed_from: datetime, today: date
    ) -> str:
        """When magnesium is next allowed, and which medicine holds it back (local times)."""
        key = "spacing_wait" if allowed_from.date() == today else "spacing_wait_tomorrow"
        return self.with_doctor(self.say(key, **self._spacing(medicine, medicine_at, allowed_from)))

    def spacing_logged(self, medicine: str, medicine_at: datetime, allowed_from: datetime) -> str:
        """A dose was logged too close to a medicine (local times)."""
        return self.with_doctor(
            self.say("spacing_logged", **self._spacing(medicine, medicine_at, allowed_from))
        )

    def _spacing(
        self, medicine: str, medicine_at: datetime, allowed_from: datetime
    ) -> dict[str, str]:
        return {
            "medicine": self.say(f"medicine_names.{medicine}"),
            "medicine_time": self.time(medicine_at),
            "time": self.time(allowed_from),
        }

    def last_dose(self, name: str, last: Dose | None, today: date) -> str:
        """What the last dose was."""
        if last is None:
            return self.say("last_dose_none", name=name)
        values = {"name": name, "amount": last.amount_mg, "form": self._name(last.form)}
        if last.at.date() == today:
            return self.say("last_dose", time=self.time(last.at), **values)
        return self.say("last_dose_day", when=self.when(last.at, today), **values)

    def last_bath(self, name: str, last: datetime | None, today: date) -> str:
        """When the last Epsom bath was."""
        if last is None:
            return self.say("last_bath_none", name=name)
        if last.date() == today:
            return self.say("last_bath", name=name, time=self.time(last))
        return self.say("last_bath_day", name=name, when=self.when(last, today))

    def slot_taken(
        self,
        name: str,
        slot: str,
        *,
        taken: Dose | None,
        planned: Dose | None,
        skipped: bool,
    ) -> str:
        """Whether the morning or evening dose was taken."""
        slot_name = self.say(f"slot_names.{slot}")
        if taken is not None:
            return self.say(
                "slot_taken",
                name=name,
                slot=slot_name,
                time=self.time(taken.at),
                amount=taken.amount_mg,
                form=self._name(taken.form),
            )
        if skipped:
            return self.say("slot_skipped", name=name, slot=slot_name)
        if planned is None:
            return self.say("slot_off", name=name, slot=slot_name)
        return self.say(
            "slot_not_taken",
            name=name,
            slot=slot_name,
            amount=planned.amount_mg,
            form=self._name(planned.form),
            time=self.time(planned.at),
        )

    # -- commands -----------------------------------------------------------------------
    def logged(
        self,
        form: str,
        *,
        elemental_mg: float,
        compound_mg: float | None,
        oral_mg: float,
        limit: float,
        slot: str | None = None,
    ) -> str:
        """A logged dose, with the day's total and what is left (or that it is over)."""
        values: dict[str, Any] = {
            "form": self._name(form),
            "amount": elemental_mg,
            "oral": oral_mg,
            "remaining": max(0.0, limit - oral_mg),
            "limit": limit,
        }
        if oral_mg > limit:
            return self.with_doctor(self.say("logged_over", **values))
        if slot is not None:
            return self.say("planned_logged", slot=self.say(f"slot_names.{slot}"), **values)
        if compound_mg is not None:
            return self.say("logged_compound", compound=compound_mg, **values)
        return self.say("logged", **values)

    def unit(self, unit: str, units: float) -> str:
        """A product's unit, singular for one and plural otherwise."""
        names = self.texts["unit_names"].get(unit) or [unit, unit]
        return str(names[0] if units == 1 else names[1])

    def logged_product(
        self,
        product: str,
        *,
        unit: str,
        units: float,
        elemental_mg: float,
        oral_mg: float,
        limit: float,
        stock: float | None,
    ) -> str:
        """A logged dose of a product, with the day's total and the stock left (when counted)."""
        if stock is None:  # a product whose stock nobody counted: the dose as any other
            plain = {"amount": elemental_mg, "oral": oral_mg, "limit": limit, "form": product}
            if oral_mg > limit:
                return self.with_doctor(self.say("logged_over", **plain))
            return self.say("logged", remaining=max(0.0, limit - oral_mg), **plain)
        values: dict[str, Any] = {
            "product": product,
            "units": units,
            "unit": self.unit(unit, units),
            "amount": elemental_mg,
            "oral": oral_mg,
            "remaining": max(0.0, limit - oral_mg),
            "limit": limit,
            "stock": stock,
            "stock_unit": self.unit(unit, stock),
        }
        if oral_mg > limit:
            return self.with_doctor(self.say("logged_product_over", **values))
        return self.say("logged_product", **values)

    def undone(self, kind: str, form: str, amount_mg: float | None) -> str:
        """What undo removed."""
        if kind == "oral" and amount_mg is not None:
            what = self.say("undone_dose", amount=amount_mg, form=self._name(form))
        elif kind == "bath":
            what = self.say("undone_bath")
        else:
            what = self.say("undone_other", form=form)
        return self.say("undone", what=what)

    def _name(self, form_key: str) -> str:
        form = find_form(form_key)
        return self.form_name(form) if form else form_key
