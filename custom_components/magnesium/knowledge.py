"""What the integration knows about magnesium forms, limits and interactions.

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
SOURCE_FRACTION = "Stoichiometry of the usual hydrate sold (facts.md, Forms)"

# Tolerable upper intake level of supplemental (oral) elemental magnesium, mg/day.
UPPER_LIMIT_ADULT_MG = 350
UPPER_LIMIT_CHILD_4_8_MG = 110
UPPER_LIMIT_CHILD_1_3_MG = 65
UPPER_LIMIT_EU_ADULT_MG = 250
LIMIT_SOURCES = (SOURCE_ODS, SOURCE_IOM)
EU_LIMIT_SOURCES = (SOURCE_SCF, SOURCE_BFR)

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
    """A statement and where it comes from."""

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
    fraction_source: str = SOURCE_FRACTION

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


_NOT_IN_FOUNDING = "Not covered by the founding document."

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
                "Calming and supports nerve health; often recommended for nerve "
                "discomfort because it is well absorbed.",
                SOURCE_FOUNDING,
            ),
            Claim("Gentle on digestion; good for evening use and sleep.", SOURCE_FOUNDING),
        ),
    ),
    Form(
        key="malate",
        name="Magnesium malate",
        aliases=("dimagnesium malate",),
        elemental_fraction=0.155,
        routes=(Route.ORAL,),
        timing=Timing.MORNING,
        uses=(
            Claim(
                "Supports energy production; may help the muscle fatigue and spasms "
                "that come with sciatica.",
                SOURCE_FOUNDING,
            ),
            Claim("Mildly invigorating, so often preferred in the daytime.", SOURCE_FOUNDING),
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
                SOURCE_FIROZ,
            ),
            Claim(
                "Mostly acts as a laxative; considered ineffective for relief of nerve pain.",
                SOURCE_FOUNDING,
            ),
        ),
        cautions=(Claim("Often a laxative.", SOURCE_FOUNDING),),
    ),
    Form(
        key="citrate",
        name="Magnesium citrate",
        aliases=("trimagnesium citrate", "zitrat"),
        elemental_fraction=0.113,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim("Well absorbed, as an organic salt.", SOURCE_PARDO),),
        cautions=(Claim("Laxative at higher doses.", SOURCE_PARDO),),
        fraction_note="11.3% as commonly hydrated; 16.2% anhydrous.",
    ),
    Form(
        key="taurate",
        name="Magnesium taurate",
        aliases=("taurinate",),
        elemental_fraction=0.089,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim(_NOT_IN_FOUNDING, SOURCE_FOUNDING),),
    ),
    Form(
        key="threonate",
        name="Magnesium L-threonate",
        aliases=("l-threonate", "l threonate", "magtein"),
        elemental_fraction=0.083,
        routes=(Route.ORAL,),
        timing=Timing.EVENING,
        uses=(Claim(_NOT_IN_FOUNDING, SOURCE_FOUNDING),),
        fraction_note="8.3%; branded product labels give 7.2%.",
    ),
    Form(
        key="lactate",
        name="Magnesium lactate",
        aliases=("laktat",),
        elemental_fraction=0.120,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim(_NOT_IN_FOUNDING, SOURCE_FOUNDING),),
    ),
    Form(
        key="aspartate",
        name="Magnesium aspartate",
        aliases=(),
        elemental_fraction=0.085,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim(_NOT_IN_FOUNDING, SOURCE_FOUNDING),),
    ),
    Form(
        key="carbonate",
        name="Magnesium carbonate",
        aliases=(),
        elemental_fraction=0.288,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim("Inorganic, with lower absorption.", SOURCE_PARDO),),
    ),
    Form(
        key="hydroxide",
        name="Magnesium hydroxide",
        aliases=("milk of magnesia",),
        elemental_fraction=0.417,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim("Inorganic; used as a laxative or antacid.", SOURCE_PARDO),),
        cautions=(Claim("Laxative.", SOURCE_PARDO),),
    ),
    Form(
        key="orotate",
        name="Magnesium orotate",
        aliases=(),
        elemental_fraction=0.072,
        routes=(Route.ORAL,),
        timing=Timing.ANY,
        uses=(Claim(_NOT_IN_FOUNDING, SOURCE_FOUNDING),),
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
                SOURCE_FOUNDING,
            ),
            Claim(
                "Absorption through the skin is scientifically unproven: a relaxation aid, "
                "not a way to reach a dose.",
                SOURCE_GROBER,
            ),
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
                "Epsom baths relax muscles and reduce tension; complementary to oral magnesium.",
                SOURCE_FOUNDING,
            ),
            Claim(
                "About two cups (300-500 g) in a standard warm bath, for 12-20 minutes.",
                SOURCE_LABELS,
            ),
            Claim(
                "Absorption through the skin is scientifically unproven: a relaxation aid, "
                "not a way to reach a dose.",
                SOURCE_GROBER,
            ),
        ),
    ),
)

FORMS_BY_KEY: dict[str, Form] = {form.key: form for form in FORMS}
ORAL_FORM_KEYS: tuple[str, ...] = tuple(form.key for form in FORMS if form.oral)
TOPICAL_FORM_KEYS: tuple[str, ...] = tuple(form.key for form in FORMS if form.topical)

# Units a product is sold and taken in. Capsules, tablets and sprays are counted whole; a
# scoop of powder or millilitres of a liquid may be measured in fractions.
UNITS: tuple[str, ...] = ("capsule", "tablet", "scoop", "ml", "spray")
COUNTABLE_UNITS: frozenset[str] = frozenset({"capsule", "tablet", "spray"})


@dataclass(frozen=True, slots=True)
class Interaction:
    """Spacing or caution advice for a medicine or condition."""

    key: str
    name: str
    examples: tuple[str, ...]
    advice: str
    hours_before: float | None  # the medicine at least this long before magnesium
    hours_after: float | None  # ... or at least this long after magnesium
    source: str
    aliases: tuple[str, ...] = ()  # other names people use (also in other languages)
    # Spacing as data: magnesium is not taken from ``mg_blocked_before`` hours before the
    # medicine until ``mg_blocked_after`` hours after it (None: no spacing, ask a doctor).
    mg_blocked_before: float | None = None
    mg_blocked_after: float | None = None

    @property
    def spaced(self) -> bool:
        """Whether the advice is a spacing between the medicine and magnesium."""
        return self.mg_blocked_before is not None


INTERACTIONS: tuple[Interaction, ...] = (
    Interaction(
        key="quinolone",
        name="quinolone antibiotics",
        examples=("ciprofloxacin", "levofloxacin"),
        advice="Take the antibiotic at least 2 hours before or 4 to 6 hours after magnesium.",
        hours_before=2,
        hours_after=4,
        source=SOURCE_ODS,
        mg_blocked_before=6,  # 4-6 h: the safe end
        mg_blocked_after=2,
    ),
    Interaction(
        key="tetracycline",
        name="tetracyclines",
        examples=("doxycycline", "minocycline"),
        advice="Take the antibiotic at least 2 hours before or 4 hours after magnesium.",
        hours_before=2,
        hours_after=4,
        source=SOURCE_ODS,
        mg_blocked_before=4,
        mg_blocked_after=2,
    ),
    Interaction(
        key="bisphosphonate",
        name="bisphosphonates",
        examples=("alendronate",),
        advice="Keep them at least 2 hours apart from magnesium.",
        hours_before=2,
        hours_after=2,
        source=SOURCE_ODS,
        aliases=("alendronsaure",),
        mg_blocked_before=2,
        mg_blocked_after=2,
    ),
    Interaction(
        key="gabapentin",
        name="gabapentin",
        examples=(),
        advice="Take gabapentin at least 2 hours after magnesium.",
        hours_before=None,
        hours_after=2,
        source=SOURCE_ODS,
        mg_blocked_before=2,  # magnesium up to the moment of the gabapentin, not after it
        mg_blocked_after=0,
    ),
    Interaction(
        key="diuretic",
        name="diuretics and proton-pump inhibitors",
        examples=(),
        advice="They can change magnesium levels; ask a doctor.",
        hours_before=None,
        hours_after=None,
        source=SOURCE_ODS,
        aliases=("diuretika", "entwasserungstabletten", "protonenpumpenhemmer"),
    ),
    Interaction(
        key="kidney",
        name="kidney disease",
        examples=(),
        advice="Magnesium can build up; do not supplement without a doctor.",
        hours_before=None,
        hours_after=None,
        source=SOURCE_ODS,
    ),
)

SPACED_INTERACTIONS: tuple[Interaction, ...] = tuple(item for item in INTERACTIONS if item.spaced)
"""The medicines whose times open a window in which magnesium waits (facts.md, Interactions).

If the medicine is taken at T, magnesium is held back from T - ``mg_blocked_before`` to
T + ``mg_blocked_after``:

* quinolone antibiotics: the antibiotic at least 2 h before or 4-6 h after magnesium, so
  magnesium waits from 6 h before (the safe end of 4-6 h) until 2 h after it;
* tetracyclines: at least 2 h before or 4 h after magnesium: from 4 h before until 2 h after;
* bisphosphonates: at least 2 h apart: from 2 h before until 2 h after;
* gabapentin: taken at least 2 h after magnesium: from 2 h before until the gabapentin is
  taken (magnesium after it is not restricted by facts.md).

Diuretics, proton-pump inhibitors and kidney disease are not a spacing: they are the
"ask a doctor" notice.
"""
INTERACTIONS_BY_KEY: dict[str, Interaction] = {item.key: item for item in INTERACTIONS}

SIDE_EFFECTS = Claim(
    "Diarrhoea, nausea and abdominal cramping, mostly from high doses or low-absorption "
    "forms: reduce the dose or switch to glycinate. Very high levels can cause low blood "
    "pressure, muscle weakness or an irregular heartbeat: seek medical help.",
    SOURCE_FOUNDING,
)

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


def find_interaction(text: str | None) -> Interaction | None:
    """Find an interaction by medicine class or example name."""
    if not text:
        return None
    query = normalize(text)
    if not query:
        return None
    for item in INTERACTIONS:
        names = [normalize(name) for name in (item.key, item.name, *item.examples, *item.aliases)]
        if query in names or (len(query) >= 3 and any(query in name for name in names)):
            return item
    return None
