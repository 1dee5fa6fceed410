"""Unit tests of the magnesium knowledge base (pure Python, no Home Assistant)."""

from __future__ import annotations

import pytest

from custom_components.magnesium.knowledge import (
    DOCTOR_ADVICE,
    EPSOM_BATH_MINUTES,
    EPSOM_BATH_SALT_G,
    EU_LIMIT,
    EU_LIMIT_SOURCES,
    FORMS,
    FORMS_BY_KEY,
    INTERACTIONS,
    INTERACTIONS_BY_KEY,
    LIMIT_SOURCES,
    LIMITS_BY_AGE,
    MEDICINE_FORM_KEYS,
    ORAL_FORM_KEYS,
    RDA_MG,
    SIDE_EFFECTS,
    SOURCE_BFR,
    SOURCE_IOM,
    SOURCE_ODS,
    SOURCE_SCF,
    TOPICAL_FORM_KEYS,
    UPPER_LIMIT_ADULT_MG,
    UPPER_LIMIT_CHILD_1_3_MG,
    UPPER_LIMIT_CHILD_4_8_MG,
    UPPER_LIMIT_EU_ADULT_MG,
    AgeGroup,
    Form,
    Route,
    Timing,
    find_form,
    find_interaction,
    get_form,
    match_medicine,
    normalize,
    upper_limit,
)

# Elemental fraction of each form, copied from /work/shared/knowledge/facts.md (Forms), as
# exact decimal literals: the module must carry the same numbers, not a rounding of them.
FACTS_FRACTIONS: dict[str, float] = {
    "glycinate": 0.141,
    "malate": 0.155,
    "oxide": 0.603,
    # trimagnesium dicitrate, anhydrous: the highest of the salts sold (the nonahydrate is
    # 11.9%, magnesium hydrogen citrate 11.3%): facts.md converts with the highest
    "citrate": 0.162,
    "taurate": 0.089,
    "threonate": 0.083,  # L-threonate (7.2% per branded labels)
    "lactate": 0.120,
    "aspartate": 0.085,
    "carbonate": 0.288,
    "hydroxide": 0.417,
    "orotate": 0.072,
    "chloride": 0.120,
    "sulfate": 0.099,
}

# Routes from facts.md: chloride is topical or oral, sulfate is bath only, the rest oral.
ORAL_ONLY = frozenset({Route.ORAL})
FACTS_ROUTES: dict[str, frozenset[Route]] = dict.fromkeys(FACTS_FRACTIONS, ORAL_ONLY) | {
    "chloride": frozenset({Route.TOPICAL, Route.ORAL}),
    "sulfate": frozenset({Route.BATH}),
}

# Timing from facts.md ("—" for oxide: no recommended time).
FACTS_TIMING: dict[str, Timing] = dict.fromkeys(FACTS_FRACTIONS, Timing.ANY) | {
    "glycinate": Timing.EVENING,
    "malate": Timing.MORNING,
    "oxide": Timing.NONE,
    "threonate": Timing.EVENING,
    "sulfate": Timing.EVENING,
}


# -- limits and constants --------------------------------------------------------------


def test_upper_limits_match_facts() -> None:
    assert UPPER_LIMIT_ADULT_MG == 350
    assert UPPER_LIMIT_CHILD_4_8_MG == 110
    assert UPPER_LIMIT_CHILD_1_3_MG == 65
    assert UPPER_LIMIT_EU_ADULT_MG == 250
    assert LIMIT_SOURCES == (SOURCE_ODS, SOURCE_IOM)
    assert EU_LIMIT_SOURCES == (SOURCE_SCF, SOURCE_BFR)


def test_rda_matches_facts() -> None:
    assert RDA_MG == {
        ("men", "19-30"): 400,
        ("men", "31+"): 420,
        ("women", "19-30"): 310,
        ("women", "31+"): 320,
    }


def test_epsom_bath_and_advice() -> None:
    assert EPSOM_BATH_SALT_G == (300, 500)
    assert EPSOM_BATH_MINUTES == (12, 20)
    assert "doctor or pharmacist" in DOCTOR_ADVICE
    assert SIDE_EFFECTS.source == "facts.md: Evidence, honestly / Signs of too much"
    assert "switch to glycinate" in SIDE_EFFECTS.text
    # the full list of signs of too much (facts.md, Evidence), and never bare "cramping"
    for sign in (
        "Diarrhoea",
        "nausea",
        "stomach cramps",
        "lethargy",
        "muscle weakness",
        "low blood pressure",
        "urine retention",
        "difficulty breathing",
        "irregular heartbeat",
        "cardiac arrest",
    ):
        assert sign in SIDE_EFFECTS.text, sign
    assert "cramping" not in SIDE_EFFECTS.text


def test_limit_per_age_group() -> None:
    """facts.md, Limits: the upper limit depends on age; a child's is never 350 mg."""
    assert {group.value: limit.mg for group, limit in LIMITS_BY_AGE.items()} == {
        "adult": 350,
        "child_4_8": 110,
        "child_1_3": 65,
    }
    assert upper_limit("child_1_3") == 65
    assert upper_limit(AgeGroup.CHILD_4_8) == 110
    assert upper_limit(AgeGroup.ADULT) == 350
    assert LIMITS_BY_AGE[AgeGroup.CHILD_4_8].source == "facts.md: Limits / children 4\u20138"
    assert EU_LIMIT.mg == 250
    with pytest.raises(ValueError, match="teenager"):
        upper_limit("teenager")


# -- forms -----------------------------------------------------------------------------


def test_forms_are_exactly_those_of_facts() -> None:
    assert [form.key for form in FORMS] == list(FACTS_FRACTIONS)
    assert set(FORMS_BY_KEY) == set(FACTS_FRACTIONS)
    assert len(FORMS_BY_KEY) == len(FORMS)


@pytest.mark.parametrize(("key", "fraction"), list(FACTS_FRACTIONS.items()))
def test_elemental_fraction_matches_facts(key: str, fraction: float) -> None:
    assert get_form(key).elemental_fraction == fraction


@pytest.mark.parametrize(("key", "routes"), list(FACTS_ROUTES.items()))
def test_routes_match_facts(key: str, routes: frozenset[Route]) -> None:
    form = get_form(key)
    assert frozenset(form.routes) == routes
    assert len(form.routes) == len(routes)
    assert form.oral is (Route.ORAL in routes)
    assert form.topical is (Route.TOPICAL in routes)
    assert form.bath is (Route.BATH in routes)


@pytest.mark.parametrize(("key", "timing"), list(FACTS_TIMING.items()))
def test_timing_matches_facts(key: str, timing: Timing) -> None:
    assert get_form(key).timing is timing


def test_chloride_is_oral_and_topical_sulfate_only_bath() -> None:
    chloride = get_form("chloride")
    assert (chloride.oral, chloride.topical, chloride.bath) == (True, True, False)
    sulfate = get_form("sulfate")
    assert (sulfate.oral, sulfate.topical, sulfate.bath) == (False, False, True)


def test_route_key_lists() -> None:
    assert ORAL_FORM_KEYS == (
        "glycinate",
        "malate",
        "oxide",
        "citrate",
        "taurate",
        "threonate",
        "lactate",
        "aspartate",
        "carbonate",
        "hydroxide",
        "orotate",
        "chloride",
    )
    assert TOPICAL_FORM_KEYS == ("chloride",)
    assert "sulfate" not in ORAL_FORM_KEYS


def test_fraction_notes() -> None:
    assert get_form("citrate").fraction_note == (
        "16.2% (trimagnesium dicitrate, anhydrous); the nonahydrate is 11.9% and magnesium "
        "hydrogen citrate 11.3%: converted with 16.2%, the highest, so a count is never low."
    )
    assert get_form("threonate").fraction_note == "8.3%; branded product labels give 7.2%."
    assert get_form("glycinate").fraction_note is None


@pytest.mark.parametrize(
    ("key", "compound_mg", "elemental_mg"),
    [
        ("glycinate", 500, 70.5),
        ("oxide", 500, 301.5),
        ("sulfate", 1000, 99.0),
        ("citrate", 1000, 162.0),
        ("taurate", 1000, 89.0),
        ("threonate", 1000, 83.0),
        ("lactate", 1000, 120.0),
        ("aspartate", 1000, 85.0),
        ("carbonate", 1000, 288.0),
        ("hydroxide", 1000, 417.0),
        ("orotate", 1000, 72.0),
        ("chloride", 1000, 120.0),
        ("malate", 1000, 155.0),
        ("malate", 0, 0.0),
    ],
)
def test_elemental_from_compound(key: str, compound_mg: float, elemental_mg: float) -> None:
    assert get_form(key).elemental_from_compound(compound_mg) == pytest.approx(
        elemental_mg, abs=1e-9
    )


def test_every_form_has_sourced_claims_that_never_promise_a_cure() -> None:
    for form in FORMS:
        assert isinstance(form, Form)
        assert form.name.startswith("Magnesium ")
        assert form.uses, form.key
        assert form.source.startswith("facts.md: Forms / ")
        for claim in (*form.uses, *form.cautions):
            assert claim.text
            assert claim.source
            lowered = claim.text.lower()
            assert "treat" not in lowered
            assert "cure" not in lowered


def test_get_form_unknown_key_raises() -> None:
    with pytest.raises(KeyError):
        get_form("unobtainium")
    with pytest.raises(KeyError):
        get_form("Glycinate")  # keys are exact; find_form is the tolerant lookup


# -- normalize -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Magnesium Glycinate", "glycinate"),
        ("  MAGNESIUM   glycinate  ", "glycinate"),
        ("Magnésium glycinaté", "glycinate"),
        ("Magnesium L-Threonate", "l threonate"),
        ("mg oil", "oil"),
        ("magnesium", "magnesium"),  # a lone filler word is kept
        ("Mg", "mg"),
        ("magnesium mg", "magnesium mg"),  # only fillers: all kept
        ("Epsom-Salt!", "epsom salt"),
        ("500 mg citrate", "500 citrate"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# -- find_form -------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.key)
def test_find_form_by_key_name_and_every_alias(form: Form) -> None:
    assert find_form(form.key) is form
    assert find_form(form.name) is form
    assert find_form(form.name.upper()) is form
    for alias in form.aliases:
        assert find_form(alias) is form, alias


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # aliases
        ("bisglycinate", "glycinate"),
        ("Magnesium bisglycinate", "glycinate"),
        ("bis-glycinate", "glycinate"),
        ("Epsom salt", "sulfate"),
        ("epsom", "sulfate"),
        ("Epsom Salts", "sulfate"),
        ("epsomsalt", "sulfate"),
        ("sulphate", "sulfate"),
        ("Magnesium L-Threonate", "threonate"),
        ("L threonate", "threonate"),
        ("lthreonate", "threonate"),
        ("MagTein", "threonate"),
        ("magnesium oil", "chloride"),
        ("Mg oil", "chloride"),
        ("milk of magnesia", "hydroxide"),
        ("Magnesiamilch", "hydroxide"),
        ("magnesia", "oxide"),
        ("trimagnesium citrate", "citrate"),
        ("trimagnesium dicitrate", "citrate"),
        ("magnesium hydrogen citrate", "citrate"),
        # case and spacing
        ("MALATE", "malate"),
        ("Magnesium CITRATE", "citrate"),
        ("  glycinate  ", "glycinate"),
        ("gly cinate", "glycinate"),
        ("Magnesium-Malate", "malate"),
        # accents
        ("Magnésium glycinaté", "glycinate"),
        # small typos
        ("Glycinat", "glycinate"),
        ("malat", "malate"),
        ("citrat", "citrate"),
        ("Taurat", "taurate"),
        ("threonat", "threonate"),
        ("Chlorid", "chloride"),
        ("sulfat", "sulfate"),
        ("oxid", "oxide"),
    ],
)
def test_find_form_tolerant(text: str, key: str) -> None:
    form = find_form(text)
    assert form is not None
    assert form.key == key


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "!!!", "xyz", "zinc", "vitamin d", "calcium citrate", "Mg", "magnesium mg"],
)
def test_find_form_unknown_or_empty(text: str | None) -> None:
    assert find_form(text) is None


def test_find_form_bare_magnesium_is_not_oxide() -> None:
    assert find_form("magnesium") is None


def test_find_form_mag_abbreviation() -> None:
    form = find_form("mag citrate")
    assert form is not None
    assert form.key == "citrate"


# -- interactions ----------------------------------------------------------------------


def test_interactions_match_facts() -> None:
    """The rows of facts.md's Interactions table, written out here from facts.md."""
    table = {item.key: (item.examples, item.source) for item in INTERACTIONS}
    assert table == {
        "quinolone": (
            ("ciprofloxacin", "levofloxacin", "ofloxacin", "norfloxacin"),
            "facts.md: Interactions / quinolone antibiotics",
        ),
        "moxifloxacin": (("moxifloxacin",), "facts.md: Interactions / moxifloxacin"),
        "tetracycline": (
            ("doxycycline", "minocycline", "tetracycline", "demeclocycline"),
            "facts.md: Interactions / tetracyclines",
        ),
        "bisphosphonate": (
            ("alendronate", "risedronate", "ibandronate"),
            "facts.md: Interactions / bisphosphonates",
        ),
        "levothyroxine": (("levothyroxine",), "facts.md: Interactions / levothyroxine"),
        "dolutegravir": (("dolutegravir",), "facts.md: Interactions / dolutegravir"),
        "gabapentin": (("gabapentin",), "facts.md: Interactions / gabapentin"),
        "diuretic": ((), "facts.md: Interactions / diuretics, long-term proton-pump inhibitors"),
        "kidney": ((), "facts.md: Interactions / kidney disease"),
    }
    assert all(item.advice and item.cites for item in INTERACTIONS)
    assert INTERACTIONS_BY_KEY["moxifloxacin"].cites == "Avelox label"
    assert INTERACTIONS_BY_KEY["gabapentin"].cites == "Neurontin label (not ODS)"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # class keys and names
        ("quinolone", "quinolone"),
        ("Quinolone antibiotics", "quinolone"),
        ("tetracyclines", "tetracycline"),
        ("Bisphosphonates", "bisphosphonate"),
        ("gabapentin", "gabapentin"),
        ("Gabapentin", "gabapentin"),
        ("diuretics", "diuretic"),
        ("proton-pump inhibitors", "diuretic"),
        ("proton pump inhibitor", "diuretic"),
        ("kidney disease", "kidney"),
        ("Kidney", "kidney"),
        # example medicines
        ("Ciprofloxacin", "quinolone"),
        ("levofloxacin", "quinolone"),
        ("doxycycline", "tetracycline"),
        ("MINOCYCLINE", "tetracycline"),
        ("alendronate", "bisphosphonate"),
        ("ofloxacin", "quinolone"),
        ("Norfloxacin", "quinolone"),
        ("moxifloxacin", "moxifloxacin"),
        ("tetracycline", "tetracycline"),
        ("demeclocycline", "tetracycline"),
        ("risedronate", "bisphosphonate"),
        ("ibandronate", "bisphosphonate"),
        ("Alendronsäure", "bisphosphonate"),
        ("levothyroxine", "levothyroxine"),
        ("L-Thyroxin", "levothyroxine"),
        ("dolutegravir", "dolutegravir"),
        # part of a name that names one medicine
        ("cipro", "quinolone"),
        ("moxi", "moxifloxacin"),
        ("thyrox", "levothyroxine"),
        ("doxy", "tetracycline"),
    ],
)
def test_find_interaction(text: str, key: str) -> None:
    item = find_interaction(text)
    assert item is not None
    assert item.key == key


@pytest.mark.parametrize(
    "text", [None, "", "omeprazole", "ibuprofen", "PPI", "magnesium", "antibiotic"]
)
def test_find_interaction_unknown_or_empty(text: str | None) -> None:
    assert find_interaction(text) is None
    assert match_medicine(text).candidates == ()


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("levo", ("levofloxacin", "levothyroxine")),
        ("Levo", ("levofloxacin", "levothyroxine")),
        ("floxacin", ("ciprofloxacin", "levofloxacin", "moxifloxacin", "norfloxacin", "ofloxacin")),
        ("dron", ("alendronate", "ibandronate", "risedronate")),
        ("cycline", ("demeclocycline", "doxycycline", "minocycline", "tetracycline")),
    ],
)
def test_a_part_that_names_two_medicines_names_none(text: str, candidates: tuple[str, ...]) -> None:
    """facts.md, Interactions: never match by a bare prefix that names two medicines: ask."""
    found = match_medicine(text)
    assert found.interaction is None
    assert found.ambiguous
    assert found.candidates == candidates
    assert find_interaction(text) is None


def test_dimagnesium_malate_is_not_counted_as_malate() -> None:
    """Another salt, with more magnesium than malate's 15.5%: facts.md has no fraction for it."""
    assert find_form("dimagnesium malate") is None
    assert find_form("Dimagnesiummalat") is None


def test_medicines_with_magnesium_are_oral_forms_that_count() -> None:
    """facts.md, Limits: antacids and laxatives with magnesium count toward the limit."""
    assert MEDICINE_FORM_KEYS == ("carbonate", "hydroxide")
    assert all(get_form(key).oral for key in MEDICINE_FORM_KEYS)
    assert find_form("milk of magnesia") is get_form("hydroxide")


@pytest.mark.parametrize("text", [" ", "!!!", "-"])
def test_find_interaction_blank_after_normalize(text: str) -> None:
    assert find_interaction(text) is None
