"""What the integration knows about magnesium forms, limits and interactions.

Over 400 lines: the facts.md tables (forms, interactions, sources of every health text) are data,
kept in one place so the source test reads them all.

Pure data and lookups, no Home Assistant imports. Every figure and claim comes from the
project's knowledge base (facts.md and the founding document on magnesium forms for
sciatica relief); each form names the source of its claims. Nothing here may say more
than those sources: magnesium "may help", it never "treats".
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from enum import StrEnum
import re
import unicodedata


class Route(StrEnum):
    """How a form is taken."""

    ORAL = "oral"
    TOPICAL = "topical"
    BATH = "bath"


class Timing(StrEnum):
    """Best time of day for a form."""

    MORNING = "morning"
    EVENING = "evening"
    ANY = "any"
    NONE = "none"  # no recommended time (not advised for the purpose)


# Every health text names the row of facts.md it says: "facts.md: <section> / <row>", where the
# section is a heading of facts.md (without its note in brackets) and the row is the first cell
# of one of its table rows or words that stand in that section (tests/test_sources.py checks
# each one against facts.md). The citations are what facts.md names as the row's source.
INTRO = "facts.md: Magnesium facts for the integration"
LIMITS = "facts.md: Limits"
FORMS_SECTION = "facts.md: Forms"
DOSING = "facts.md: Dosing advice from the founding document"
INTERACTIONS_SECTION = "facts.md: Interactions"
SCIATICA = "facts.md: Sciatica itself"
EVIDENCE = "facts.md: Evidence, honestly"


def facts_row(section: str, row: str) -> str:
    """The reference of one row of a section of facts.md."""
    return f"{section} / {row}"


SOURCE_FOUNDING = "Founding document: magnesium forms for sciatica relief"
SOURCE_ODS = "NIH Office of Dietary Supplements (ODS), magnesium fact sheet"
SOURCE_IOM = "US Institute of Medicine 1997"
SOURCE_SCF = "EU Scientific Committee on Food 2001"
SOURCE_BFR = "German Federal Institute for Risk Assessment (BfR)"
SOURCE_FIROZ = "Firoz & Graber 2001"
SOURCE_PARDO = "Pardo et al. 2021 (review)"
SOURCE_GROBER = "Gröber et al. 2017"
SOURCE_LABELS = "Common product labels"
SOURCE_YOUSEF = "Yousef & Al-deeb 2013 (RCT)"
SOURCE_NHS = "NHS pages on sciatica"

# Tolerable upper intake level (UL) of supplemental elemental magnesium, mg/day: magnesium
# from supplements and magnesium-containing medicines (antacids, laxatives); food does not
# count. It depends on age (facts.md, Limits).
UPPER_LIMIT_ADULT_MG = 350
UPPER_LIMIT_CHILD_4_8_MG = 110
UPPER_LIMIT_CHILD_1_3_MG = 65
UPPER_LIMIT_EU_ADULT_MG = 250  # a maximum for adults (readily dissociable salts), not advice
LIMIT_SOURCES = (SOURCE_ODS, SOURCE_IOM)
EU_LIMIT_SOURCES = (SOURCE_SCF, SOURCE_BFR)


class AgeGroup(StrEnum):
    """The age groups of facts.md's limits (the first cell of each row)."""

    ADULT = "adult"  # adults and children 9+
    CHILD_4_8 = "child_4_8"
    CHILD_1_3 = "child_1_3"


@dataclass(frozen=True, slots=True)
class Limit:
    """The tolerable upper intake level of one age group."""

    group: AgeGroup
    mg: int
    source: str
    cites: str


LIMITS_BY_AGE: dict[AgeGroup, Limit] = {
    AgeGroup.ADULT: Limit(
        AgeGroup.ADULT,
        UPPER_LIMIT_ADULT_MG,
        facts_row(LIMITS, "adults and children 9+"),
        f"{SOURCE_ODS}; {SOURCE_IOM}",
    ),
    AgeGroup.CHILD_4_8: Limit(
        AgeGroup.CHILD_4_8,
        UPPER_LIMIT_CHILD_4_8_MG,
        facts_row(LIMITS, "children 4\u20138"),
        SOURCE_ODS,
    ),
    AgeGroup.CHILD_1_3: Limit(
        AgeGroup.CHILD_1_3,
        UPPER_LIMIT_CHILD_1_3_MG,
        facts_row(LIMITS, "children 1\u20133"),
        SOURCE_ODS,
    ),
}
EU_LIMIT = Limit(
    AgeGroup.ADULT,
    UPPER_LIMIT_EU_ADULT_MG,
    facts_row(LIMITS, "EU adults (readily dissociable salts, added Mg)"),
    f"{SOURCE_SCF}; {SOURCE_BFR}",
)


def upper_limit(group: AgeGroup | str) -> int:
    """The upper limit (mg/day) of an age group: a limit set for a person may not exceed it."""
    return LIMITS_BY_AGE[AgeGroup(group)].mg


# Recommended total intake (food and supplements), mg/day, ODS.
RDA_MG = {
    ("men", "19-30"): 400,
    ("men", "31+"): 420,
    ("women", "19-30"): 310,
    ("women", "31+"): 320,
}

EPSOM_BATH_SALT_G = (300, 500)  # "about two cups" in a standard bath, common product labels
EPSOM_BATH_MINUTES = (12, 20)

DOCTOR_ADVICE = (
    "Talk to a doctor or pharmacist first, especially with kidney disease or when taking "
    "antibiotics or heart medication."
)


@dataclass(frozen=True, slots=True)
class Claim:
    """A statement and the row of facts.md it comes from."""

    text: str
    source: str


@dataclass(frozen=True, slots=True)
class Form:
    """A magnesium compound as sold."""

    key: str
    name: str
    aliases: tuple[str, ...]
    elemental_fraction: float
    routes: tuple[Route, ...]
    timing: Timing
    uses: tuple[Claim, ...]
    cautions: tuple[Claim, ...] = ()
    fraction_note: str | None = None
    # medicines of this form (antacids, laxatives): they count toward the limit too
    medicines: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The row of facts.md (Forms) this form's fraction, route and timing come from."""
        return facts_row(FORMS_SECTION, FORM_ROWS[self.key])

    @property
    def oral(self) -> bool:
        """Whether the form is taken by mouth (counts toward the daily limit)."""
        return Route.ORAL in self.routes

    @property
    def topical(self) -> bool:
        """Whether the form is applied to the skin."""
        return Route.TOPICAL in self.routes

    @property
    def bath(self) -> bool:
        """Whether the form is used in a bath."""
        return Route.BATH in self.routes

    def elemental_from_compound(self, compound_mg: float) -> float:
        """Elemental magnesium in a given weight of the compound."""
        return compound_mg * self.elemental_fraction


# the first cell of each form's row in facts.md's Forms table
FORM_ROWS: dict[str, str] = {
    "glycinate": "glycinate (bisglycinate)",
    "malate": "malate",
    "oxide": "oxide",
    "citrate": "citrate",
    "taurate": "taurate",
    "threonate": "L-threonate",
    "lactate": "lactate",
    "aspartate": "aspartate",
    "carbonate": "carbonate",
    "hydroxide": "hydroxide",
    "orotate": "orotate",
    "chloride": "chloride (hexahydrate)",
    "sulfate": "sulfate (Epsom salt, heptahydrate)",
}
_BIOAVAILABILITY = facts_row(FORMS_SECTION, "Bioavailability")
_TRANSDERMAL = facts_row(FORMS_SECTION, "Transdermal absorption from baths and oils")
_EPSOM_LABELS = facts_row(FORMS_SECTION, "Epsom bath: about two cups")
_EPSOM_CAUTIONS = facts_row(FORMS_SECTION, "Label cautions")
_NOT_IN_FOUNDING = "Not covered by the founding document."


def _row(key: str) -> str:
    return facts_row(FORMS_SECTION, FORM_ROWS[key])


FORMS: tuple[Form, ...] = (
    Form(
        key="glycinate",
        name="Magnesium glycinate",
        aliases=("bisglycinate", "glycinate chelate", "diglycinate"),
        elemental_fraction=0.141,
        routes=(Route.ORAL,),
        timing=Timing.EVENING,
        uses=(
            Claim(
                "Often recommended for nerve discomfort; well absorbed and gentle on digestion.",
                _row("glycinate"),
            ),
            Claim("Often taken in the evening and for sleep.", _row("glycinate")),
        ),
    ),
    Form(
        key="malate",
        name="Magnesium malate",
        # "dimagnesium malate" is another salt, with more magnesium than malate's 15.5%:
        # facts.md has no fraction for it, so it is not counted as malate
        aliases=(),
        elemental_fraction=0.155,
        routes=(Route.ORAL,),
        timing=Timing.MORNING,
        uses=(
            Claim(
                "Supports energy production; may help the muscle fatigue and spasms "
                "that come with sciatica.",
                _row("malate"),
            ),
        ),
    ),
    Form(
        key="oxide",
        name="Magnesium oxide",
        aliases=("magnesia",),
        elemental_fraction=0.603,
        routes=(Route.ORAL,),
        timing=Timing.NONE,
        uses=(
            Claim(
                "High in elemental magnesium but poorly absorbed (about 4% fractional absorption).",
                _row("oxide"),
            ),
            Claim(
                "Often a laxative; generally considered ineffective for nerve pain.",
                _row("oxide"),
            ),
        ),
        cautions=(Claim("Often a laxative.", _row("oxide")),),
    ),
    Form(
        key="citrate",
        name="Magnesium citrate",
        # sold as the anhydrous salt (16.2%), the nonahydrate (11.9%) and magnesium hydrogen
        # citrate (11.3%): all convert with the highest fraction (facts.md, Forms)
        aliases=(
            "trimagnesium citrate",
            "trimagnesium dicitrate",
            "magnesium hydrogen citrate",
            "hydrogen citrate",
            "zitrat",
        ),
        elemental_fraction=0.162,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim("Well absorbed, as an organic salt.", _row("citrate")),),
        cautions=(Claim("Laxative at higher doses.", _row("citrate")),),
        fraction_note=(
            "16.2% (trimagnesium dicitrate, anhydrous); the nonahydrate is 11.9% and magnesium "
            "hydrogen citrate 11.3%: converted with 16.2%, the highest, so a count is never low."
        ),
    ),
    Form(
        key="taurate",
        name="Magnesium taurate",
        aliases=("taurinate",),
        elemental_fraction=0.089,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim(_NOT_IN_FOUNDING, _row("taurate")),),
    ),
    Form(
        key="threonate",
        name="Magnesium L-threonate",
        aliases=("l-threonate", "l threonate", "magtein"),
        elemental_fraction=0.083,
        routes=(Route.ORAL,),
        timing=Timing.EVENING,
        uses=(Claim(_NOT_IN_FOUNDING, _row("threonate")),),
        fraction_note="8.3%; branded product labels give 7.2%.",
    ),
    Form(
        key="lactate",
        name="Magnesium lactate",
        aliases=("laktat",),
        elemental_fraction=0.120,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim(_NOT_IN_FOUNDING, _row("lactate")),),
    ),
    Form(
        key="aspartate",
        name="Magnesium aspartate",
        aliases=(),
        elemental_fraction=0.085,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim(_NOT_IN_FOUNDING, _row("aspartate")),),
    ),
    Form(
        key="carbonate",
        name="Magnesium carbonate",
        aliases=("carbonate antacid", "magnesium carbonate antacid"),
        elemental_fraction=0.288,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(
            Claim("Inorganic, with lower absorption.", _row("carbonate")),
            Claim(
                "Used in antacids; magnesium from such medicines counts toward the limit.",
                facts_row(LIMITS, "The UL covers magnesium from supplements"),
            ),
        ),
        medicines=("antacid",),
    ),
    Form(
        key="hydroxide",
        name="Magnesium hydroxide",
        aliases=("milk of magnesia", "magnesiamilch", "hydroxide antacid"),
        elemental_fraction=0.417,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(
            Claim("Inorganic; used as a laxative or antacid.", _row("hydroxide")),
            Claim(
                "Milk of magnesia and magnesium antacids count toward the limit.",
                facts_row(LIMITS, "The UL covers magnesium from supplements"),
            ),
        ),
        cautions=(Claim("Laxative.", _row("hydroxide")),),
        medicines=("antacid", "laxative"),
    ),
    Form(
        key="orotate",
        name="Magnesium orotate",
        aliases=(),
        elemental_fraction=0.072,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim(_NOT_IN_FOUNDING, _row("orotate")),),
    ),
    Form(
        key="chloride",
        name="Magnesium chloride",
        aliases=("magnesium oil", "chloride hexahydrate", "mg oil", "magnesiumöl"),
        elemental_fraction=0.120,
        routes=(Route.TOPICAL, Route.ORAL),
        timing=Timing.ANY,
        uses=(
            Claim(
                "Oils, gels and lotions on the skin over painful areas may relax muscles "
                "locally; complementary to oral magnesium.",
                _row("chloride"),
            ),
            Claim(
                "Absorption through the skin is scientifically unproven: a relaxation aid, "
                "not a way to reach a dose.",
                _TRANSDERMAL,
            ),
        ),
        cautions=(
            Claim(
                "Taken by mouth it is one of the forms that most often cause diarrhoea.",
                _row("chloride"),
            ),
            Claim("Not on broken or irritated skin.", _EPSOM_CAUTIONS),
        ),
    ),
    Form(
        key="sulfate",
        name="Magnesium sulfate (Epsom salt)",
        aliases=(
            "epsom",
            "epsom salt",
            "epsom salts",
            "sulphate",
            "heptahydrate",
            "bittersalz",
            "bittersalze",
        ),
        elemental_fraction=0.099,
        routes=(Route.BATH,),
        timing=Timing.EVENING,
        uses=(
            Claim(
                "A warm Epsom bath may help relax muscles; complementary to oral magnesium.",
                _row("sulfate"),
            ),
            Claim(
                "About two cups (300-500 g) in a standard warm bath, for 12-20 minutes.",
                _EPSOM_LABELS,
            ),
            Claim(
                "Absorption through the skin is scientifically unproven: a relaxation aid, "
                "not a way to reach a dose.",
                _TRANSDERMAL,
            ),
        ),
        cautions=(
            Claim(
                "Not on broken or irritated skin; with diabetes ask a doctor before hot soaks.",
                _EPSOM_CAUTIONS,
            ),
        ),
    ),
)

FORMS_BY_KEY: dict[str, Form] = {form.key: form for form in FORMS}
ORAL_FORM_KEYS: tuple[str, ...] = tuple(form.key for form in FORMS if form.oral)
TOPICAL_FORM_KEYS: tuple[str, ...] = tuple(form.key for form in FORMS if form.topical)
# Forms sold as medicines (antacids, laxatives): logged as these forms, they count toward the
# limit like supplements (facts.md, Limits: the UL covers supplements and medicines).
MEDICINE_FORM_KEYS: tuple[str, ...] = tuple(form.key for form in FORMS if form.medicines)

# Fractions a release used before, by form: records logged by the compound's weight with one
# of them are recounted once with today's fraction (tracker.py, at the first start).
FORMER_FRACTIONS: dict[str, tuple[float, ...]] = {"citrate": (0.113,)}

# Units a product is sold and taken in. Capsules, tablets and sprays are counted whole; a
# scoop of powder or millilitres of a liquid may be measured in fractions.
UNITS: tuple[str, ...] = ("capsule", "tablet", "scoop", "ml", "spray")
COUNTABLE_UNITS: frozenset[str] = frozenset({"capsule", "tablet", "spray"})


@dataclass(frozen=True, slots=True)
class Interaction:
    """Spacing or caution advice for a medicine or condition (a row of facts.md)."""

    key: str
    name: str
    examples: tuple[str, ...]  # the medicines of the row, each a name of its own
    advice: str
    source: str  # the row of facts.md
    cites: str  # what facts.md names as the row's source
    aliases: tuple[str, ...] = ()  # other names people use (also in other languages)
    # Spacing as data: magnesium is not taken from ``mg_blocked_before`` hours before the
    # medicine until ``mg_blocked_after`` hours after it (None: no spacing, ask a doctor).
    mg_blocked_before: float | None = None
    mg_blocked_after: float | None = None

    @property
    def spaced(self) -> bool:
        """Whether the advice is a spacing between the medicine and magnesium."""
        return self.mg_blocked_before is not None


def _interaction_row(row: str) -> str:
    return facts_row(INTERACTIONS_SECTION, row)


INTERACTIONS: tuple[Interaction, ...] = (
    Interaction(
        key="quinolone",
        name="quinolone antibiotics",
        examples=("ciprofloxacin", "levofloxacin", "ofloxacin", "norfloxacin"),
        advice="Take the antibiotic at least 2 hours before or 4 to 6 hours after magnesium.",
        source=_interaction_row("quinolone antibiotics"),
        cites="ODS; ciprofloxacin label (2 h before / 6 h after)",
        aliases=("chinolone", "gyrasehemmer"),
        mg_blocked_before=6,  # 4-6 h: the safe end
        mg_blocked_after=2,
    ),
    Interaction(
        key="moxifloxacin",
        name="moxifloxacin",
        examples=("moxifloxacin",),
        advice="Take moxifloxacin at least 4 hours before or 8 hours after magnesium.",
        source=_interaction_row("moxifloxacin"),
        cites="Avelox label",
        mg_blocked_before=8,
        mg_blocked_after=4,
    ),
    Interaction(
        key="tetracycline",
        name="tetracyclines",
        examples=("doxycycline", "minocycline", "tetracycline", "demeclocycline"),
        advice="Take the antibiotic at least 2 hours before or 4 to 6 hours after magnesium.",
        source=_interaction_row("tetracyclines"),
        cites="ODS",
        aliases=("tetrazykline", "doxycyclin", "minocyclin", "tetracyclin", "demeclocyclin"),
        mg_blocked_before=6,  # the same as quinolones: 4-6 h, the safe end
        mg_blocked_after=2,
    ),
    Interaction(
        key="bisphosphonate",
        name="bisphosphonates",
        examples=("alendronate", "risedronate", "ibandronate"),
        advice="Keep them at least 2 hours apart from magnesium; often taken weekly or monthly.",
        source=_interaction_row("bisphosphonates"),
        cites="ODS",
        aliases=(
            "bisphosphonate",
            "bisphosphonat",
            "alendronsaure",
            "risedronsaure",
            "ibandronsaure",
        ),
        mg_blocked_before=2,
        mg_blocked_after=2,
    ),
    Interaction(
        key="levothyroxine",
        name="levothyroxine",
        examples=("levothyroxine",),
        advice="Keep levothyroxine at least 4 hours apart from magnesium.",
        source=_interaction_row("levothyroxine"),
        cites="levothyroxine labels (Synthroid: 4 h from products that bind it)",
        aliases=("levothyroxin", "l-thyroxin", "l-thyroxine", "thyroxine", "thyroxin"),
        mg_blocked_before=4,
        mg_blocked_after=4,
    ),
    Interaction(
        key="dolutegravir",
        name="dolutegravir",
        examples=("dolutegravir",),
        advice="Take dolutegravir 2 hours before or 6 hours after magnesium.",
        source=_interaction_row("dolutegravir"),
        cites="Tivicay label",
        mg_blocked_before=6,
        mg_blocked_after=2,
    ),
    Interaction(
        key="gabapentin",
        name="gabapentin",
        examples=("gabapentin",),
        advice="Take gabapentin at least 2 hours after magnesium; keep 2 hours apart either way.",
        source=_interaction_row("gabapentin"),
        cites="Neurontin label (not ODS)",
        mg_blocked_before=2,
        mg_blocked_after=2,
    ),
    Interaction(
        key="diuretic",
        name="diuretics and proton-pump inhibitors",
        examples=(),
        advice=(
            "Diuretics and long-term proton-pump inhibitors can change magnesium levels; "
            "ask a doctor."
        ),
        source=_interaction_row("diuretics, long-term proton-pump inhibitors"),
        cites="ODS",
        aliases=(
            "diuretics",
            "proton pump inhibitors",
            "diuretika",
            "entwasserungstabletten",
            "protonenpumpenhemmer",
        ),
    ),
    Interaction(
        key="kidney",
        name="kidney disease",
        examples=(),
        advice="Magnesium can build up; do not supplement without a doctor.",
        source=_interaction_row("kidney disease"),
        cites="ODS; founding document",
    ),
)

SPACED_INTERACTIONS: tuple[Interaction, ...] = tuple(item for item in INTERACTIONS if item.spaced)
"""The medicines whose times open a window in which magnesium waits (facts.md, Interactions).

If the medicine is taken at T, magnesium is held back from T - ``mg_blocked_before`` to
T + ``mg_blocked_after``, the "magnesium waits" column of facts.md's table. Diuretics,
proton-pump inhibitors and kidney disease are not a spacing: they are the "ask a doctor"
notice.
"""
INTERACTIONS_BY_KEY: dict[str, Interaction] = {item.key: item for item in INTERACTIONS}

SIDE_EFFECTS = Claim(
    "Diarrhoea, nausea and stomach cramps, mostly from high doses or low-absorption "
    "forms: reduce the dose or switch to glycinate. Very high amounts can cause lethargy, "
    "muscle weakness, low blood pressure, urine retention, difficulty breathing, an irregular "
    "heartbeat and cardiac arrest: seek medical help at once.",
    facts_row(EVIDENCE, "Signs of too much"),
)

# Where each health text of the responses (responses/<language>.yaml, by key) and of the
# notices (strings.json, by "section.key") comes from in facts.md. A health text without an
# entry here fails tests/test_sources.py.
_DOCTOR = facts_row(INTRO, "Every answer about health ends")
_LIMIT_TEXT = (
    facts_row(LIMITS, "adults and children 9+"),
    facts_row(LIMITS, "EU adults (readily dissociable salts, added Mg)"),
    facts_row(LIMITS, "The UL covers magnesium from supplements"),
    facts_row(LIMITS, "Pregnancy and breastfeeding"),
)
TEXT_SOURCES: dict[str, str | tuple[str, ...]] = {
    # responses
    "doctor": _DOCTOR,
    **{f"forms.{key}": _row(key) for key in ("glycinate", "malate", "oxide", "citrate")},
    "forms.carbonate": (_row("carbonate"), facts_row(LIMITS, "The UL covers magnesium")),
    "forms.hydroxide": (_row("hydroxide"), facts_row(LIMITS, "The UL covers magnesium")),
    "forms.chloride": (_row("chloride"), _TRANSDERMAL, _EPSOM_CAUTIONS),
    "forms.sulfate": (_row("sulfate"), _TRANSDERMAL, _EPSOM_CAUTIONS),
    **{f"short.{key}": _row(key) for key in ("glycinate", "malate", "oxide", "citrate")},
    **{f"short.{key}": _row(key) for key in ("carbonate", "hydroxide", "chloride", "sulfate")},
    "form_unknown_use": FORMS_SECTION,
    "short_unknown": FORMS_SECTION,
    "goals.nerve_pain": (
        _row("glycinate"),
        facts_row(EVIDENCE, "no trial has tested magnesium taken by mouth for sciatica"),
    ),
    "goals.sleep": _row("glycinate"),
    "goals.spasm": _row("malate"),
    "goals.daytime": _row("malate"),
    "goals.stomach": (
        facts_row(DOSING, "Take with food if the stomach is sensitive"),
        _row("oxide"),
    ),
    "safety.limit": _LIMIT_TEXT,
    "safety.limit_person": (*_LIMIT_TEXT, facts_row(LIMITS, "the user may set a lower one")),
    "safety.side_effects": (
        facts_row(DOSING, "GI side effects"),
        facts_row(EVIDENCE, "Signs of too much"),
    ),
    "safety.kidney": _interaction_row("kidney disease"),
    "safety.antibiotics": _interaction_row("quinolone antibiotics"),
    "safety.heart": (
        facts_row(DOSING, "heart medication"),
        _interaction_row("diuretics, long-term proton-pump inhibitors"),
    ),
    "safety.gabapentin": _interaction_row("gabapentin"),
    "safety.split": (
        facts_row(DOSING, "Start low and increase gradually"),
        facts_row(DOSING, "Take with food if the stomach is sensitive"),
    ),
    "safety.overdose": facts_row(EVIDENCE, "Signs of too much"),
    "safety.pregnancy": facts_row(LIMITS, "Pregnancy and breastfeeding"),
    **{f"interactions.{item.key}": item.source for item in INTERACTIONS},
    "unknown_medicine": facts_row(INTERACTIONS_SECTION, "A medicine the integration does not know"),
    "medicine_ambiguous": facts_row(INTERACTIONS_SECTION, "Never match by a bare prefix"),
    "amount_over": facts_row(LIMITS, "adults and children 9+"),
    "amount_over_person": facts_row(LIMITS, "the user may set a lower one"),
    "amount_within": facts_row(LIMITS, "adults and children 9+"),
    "amount_within_person": facts_row(LIMITS, "the user may set a lower one"),
    "amount_with_today": facts_row(LIMITS, "the user may set a lower one"),
    "evidence": facts_row(EVIDENCE, "no trial has tested magnesium taken by mouth for sciatica"),
    "baths.epsom_help": (_row("sulfate"), _TRANSDERMAL, _EPSOM_CAUTIONS),
    "baths.epsom_amount": (_EPSOM_LABELS, _EPSOM_CAUTIONS),
    "baths.topical": (_row("chloride"), _TRANSDERMAL, _EPSOM_CAUTIONS),
    "bath_logged": _row("sulfate"),
    "topical_logged": facts_row(LIMITS, "topical products and Epsom baths are logged"),
    "logged_over": facts_row(LIMITS, "the user may set a lower one"),
    "logged_product_over": facts_row(LIMITS, "the user may set a lower one"),
    "today_over": facts_row(LIMITS, "the user may set a lower one"),
    "spacing_wait": INTERACTIONS_SECTION,
    "spacing_wait_tomorrow": INTERACTIONS_SECTION,
    "spacing_logged": INTERACTIONS_SECTION,
    "spacing_allowed": INTERACTIONS_SECTION,
    # notices (strings.json)
    "common.bath": (_EPSOM_LABELS, _row("sulfate"), _EPSOM_CAUTIONS),
    "common.side_effects": facts_row(DOSING, "GI side effects"),
    "common.spacing_moved": INTERACTIONS_SECTION,
    "common.spacing_conflict": INTERACTIONS_SECTION,
    "common.spacing_medicine_conflict": INTERACTIONS_SECTION,
    "common.slot_limit_reached": facts_row(LIMITS, "the user may set a lower one"),
    "issues.side_effects": (
        facts_row(DOSING, "GI side effects"),
        facts_row(EVIDENCE, "Signs of too much"),
    ),
    "issues.ask_doctor": (
        _interaction_row("kidney disease"),
        _interaction_row("diuretics, long-term proton-pump inhibitors"),
    ),
    "issues.recounted_citrate": facts_row(FORMS_SECTION, "convert with the highest fraction"),
}


_WORD_RE = re.compile(r"[^a-z0-9]+")
_FILLER = ("magnesium", "mag", "mg")
_GLUED = "magnesium"


def normalize(text: str) -> str:
    """Lower-case, strip accents and punctuation, drop the word "magnesium"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [word for word in _WORD_RE.split(folded.lower()) if word]
    if len(words) > 1:
        words = [word for word in words if word not in _FILLER] or words
    # German writes the compound as one word: "Magnesiumglycinat"
    words = [
        word.removeprefix(_GLUED)
        if word.startswith(_GLUED) and len(word) > len(_GLUED) + 2
        else word
        for word in words
    ]
    return " ".join(words)


def _build_alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for form in FORMS:
        for name in (form.key, form.name, *form.aliases):
            index[normalize(name)] = form.key
            index[normalize(name).replace(" ", "")] = form.key
    return index


_ALIASES: dict[str, str] = _build_alias_index()


def find_form(text: str | None) -> Form | None:
    """Find a form by key, name or alias, tolerant of case, spacing and small typos."""
    if not text:
        return None
    query = normalize(text)
    if not query or query in _FILLER:
        return None
    for candidate in (query, query.replace(" ", "")):
        if key := _ALIASES.get(candidate):
            return FORMS_BY_KEY[key]
    matches = get_close_matches(query, list(_ALIASES), n=1, cutoff=0.8)
    if matches:
        return FORMS_BY_KEY[_ALIASES[matches[0]]]
    return None


def get_form(key: str) -> Form:
    """Return the form with this key (raises KeyError for an unknown key)."""
    return FORMS_BY_KEY[key]


# Other spellings of a row's medicines (German names among them): each names its medicine.
MEDICINE_SPELLINGS: dict[str, str] = {
    "doxycyclin": "doxycycline",
    "minocyclin": "minocycline",
    "tetracyclin": "tetracycline",
    "demeclocyclin": "demeclocycline",
    "alendronsaure": "alendronate",
    "risedronsaure": "risedronate",
    "ibandronsaure": "ibandronate",
    "levothyroxin": "levothyroxine",
    "l-thyroxin": "levothyroxine",
    "l-thyroxine": "levothyroxine",
    "thyroxine": "levothyroxine",
    "thyroxin": "levothyroxine",
}


def _medicine_names() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Medicine names and row names, normalized.

    The first maps each medicine's name (and other spellings) to (its row's key, the
    medicine); the second each row's key, class name and other names to the row's key.
    """
    medicines: dict[str, tuple[str, str]] = {}
    rows: dict[str, str] = {}
    for item in INTERACTIONS:
        for example in item.examples:
            medicines[normalize(example)] = (item.key, example)
        for alias in item.aliases:
            if (medicine := MEDICINE_SPELLINGS.get(alias)) is not None:
                medicines[normalize(alias)] = (item.key, medicine)
            else:
                rows[normalize(alias)] = item.key
        rows[normalize(item.key)] = item.key
        rows[normalize(item.name)] = item.key
    return medicines, rows


_MEDICINES, _ROWS = _medicine_names()


@dataclass(frozen=True, slots=True)
class MedicineMatch:
    """What a medicine's name names: one interaction, or several medicines to choose from."""

    interaction: Interaction | None
    candidates: tuple[str, ...] = ()  # the medicines a part of a name could be (two or more)

    @property
    def ambiguous(self) -> bool:
        """Whether the name could be more than one medicine (ask which)."""
        return len(self.candidates) > 1


def match_medicine(text: str | None) -> MedicineMatch:
    """The interaction a medicine's name names; never by a part that names two medicines.

    A full name (or another spelling of it) names its row, as does the row's class name. A
    part of a medicine's name (three letters or more), or the start of a class name, names a
    medicine only when it is part of one medicine's names: "cipro" is
    ciprofloxacin, "levo" is levothyroxine or levofloxacin, so it names none and gives both
    as candidates (facts.md, Interactions: ask).
    """
    if not text:
        return MedicineMatch(None)
    query = normalize(text)
    if not query:
        return MedicineMatch(None)
    if (found := _MEDICINES.get(query)) is not None:
        return MedicineMatch(INTERACTIONS_BY_KEY[found[0]])
    if (key := _ROWS.get(query)) is not None:
        return MedicineMatch(INTERACTIONS_BY_KEY[key])
    if len(query) < 3:
        return MedicineMatch(None)
    medicines: dict[str, str] = {}  # medicine (or row) -> its row's key
    for name, (key, medicine) in _MEDICINES.items():
        if query in name:
            medicines.setdefault(medicine, key)
    for name, key in _ROWS.items():
        if name.startswith(query):
            medicines.setdefault(key, key)
    if len(medicines) == 1:
        return MedicineMatch(INTERACTIONS_BY_KEY[next(iter(medicines.values()))])
    return MedicineMatch(None, tuple(sorted(medicines)))


def find_interaction(text: str | None) -> Interaction | None:
    """The interaction a medicine's name names; None when unknown or when it could be two."""
    return match_medicine(text).interaction
