"""Unit tests of the magnesium knowledge base (pure Python, no Home Assistant)."""

from __future__ import annotations

import pytest

from custom_components.magnesium.knowledge import (
    DOCTOR_ADVICE,
    EPSOM_BATH_MINUTES,
    EPSOM_BATH_SALT_G,
    EU_LIMIT_SOURCES,
    FORMS,
    FORMS_BY_KEY,
    INTERACTIONS,
    LIMIT_SOURCES,
    ORAL_FORM_KEYS,
    RDA_MG,
    SIDE_EFFECTS,
    SOURCE_BFR,
    SOURCE_FOUNDING,
    SOURCE_IOM,
    SOURCE_ODS,
    SOURCE_SCF,
    TOPICAL_FORM_KEYS,
    UPPER_LIMIT_ADULT_MG,
    UPPER_LIMIT_CHILD_1_3_MG,
    UPPER_LIMIT_CHILD_4_8_MG,
    UPPER_LIMIT_EU_ADULT_MG,
    Form,
    Route,
    Timing,
    find_form,
    find_interaction,
    get_form,
    normalize,
)

# Elemental fraction of each form, copied from /work/shared/knowledge/facts.md (Forms), as
# exact decimal literals: the module must carry the same numbers, not a rounding of them.
FACTS_FRACTIONS: dict[str, float] = {
    "glycinate": 0.141,
    "malate": 0.155,
    "oxide": 0.603,
    "citrate": 0.113,  # as commonly hydrated (16.2% anhydrous)
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
    assert SIDE_EFFECTS.source == SOURCE_FOUNDING
    assert "switch to glycinate" in SIDE_EFFECTS.text


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
    assert get_form("citrate").fraction_note == "11.3% as commonly hydrated; 16.2% anhydrous."
    assert get_form("threonate").fraction_note == "8.3%; branded product labels give 7.2%."
    assert get_form("glycinate").fraction_note is None


@pytest.mark.parametrize(
    ("key", "compound_mg", "elemental_mg"),
    [
        ("glycinate", 500, 70.5),
        ("oxide", 500, 301.5),
        ("sulfate", 1000, 99.0),
        ("citrate", 1000, 113.0),
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
        assert form.fraction_source
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
        ("magnesia", "oxide"),
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
    table = {
        item.key: (item.examples, item.hours_before, item.hours_after) for item in INTERACTIONS
    }
    assert table == {
        "quinolone": (("ciprofloxacin", "levofloxacin"), 2, 4),
        "tetracycline": (("doxycycline", "minocycline"), 2, 4),
        "bisphosphonate": (("alendronate",), 2, 2),
        "gabapentin": ((), None, 2),
        "diuretic": ((), None, None),
        "kidney": ((), None, None),
    }
    assert all(item.source == SOURCE_ODS for item in INTERACTIONS)
    assert all(item.advice for item in INTERACTIONS)


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
        # part of a name
        ("cipro", "quinolone"),
    ],
)
def test_find_interaction(text: str, key: str) -> None:
    item = find_interaction(text)
    assert item is not None
    assert item.key == key


@pytest.mark.parametrize("text", [None, "", "omeprazole", "ibuprofen", "PPI", "magnesium"])
def test_find_interaction_unknown_or_empty(text: str | None) -> None:
    assert find_interaction(text) is None


@pytest.mark.parametrize("text", [" ", "!!!", "-"])
def test_find_interaction_blank_after_normalize(text: str) -> None:
    assert find_interaction(text) is None
