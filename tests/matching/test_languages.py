"""The matcher speaks the reader's language: it is given a `Words`, and stays pure."""

from __future__ import annotations

from datetime import date

from housing_service.matching import Household, Matcher
from housing_service.matching.wording import fit_words
from housing_service.translation import words_for
from housing_service.vocabulary import ChildAgeBracket, HouseholdType

from .coalition import NOW, TODAY, bed, emergency_stay, profile, site, unit

FAMILIES = frozenset({HouseholdType.ADULTS_WITH_CHILDREN})


def _answer(sites, survivor, code):
    return Matcher(sites).suggest(emergency_stay(), survivor, frozenset(), TODAY, NOW, words=words_for(code))


def test_reasons_explanations_and_exclusions_come_in_the_readers_language():
    family = profile(household=Household(1, (ChildAgeBracket.CHILD, ChildAgeBracket.INFANT)))
    beds_only = site(21, "Beds Only", households_served=FAMILIES, spaces=(bed("Bed 1"),))
    taken = site(
        22, "Taken Unit", households_served=FAMILIES, spaces=(unit("Unit 1", 3, (date(2025, 1, 1), None)),)
    )
    spanish = _answer([beds_only, taken], family, "es")
    assert "1 sin unidad para 3" in spanish.excluded_text and "1 lleno" in spanish.excluded_text
    assert spanish.explanation.startswith(
        "Ningún lugar adecuado en vivienda de transición está libre para el vie, 21 mar 2025."
    )
    vietnamese = _answer([beds_only, taken], family, "vi")
    assert "1 nơi đã hết chỗ" in vietnamese.excluded_text
    assert "nhà ở chuyển tiếp" in vietnamese.explanation
    english = _answer([beds_only, taken], family, "en")
    assert "1 with no unit for 3" in english.excluded_text


def test_a_candidates_reasons_and_its_words_in_spanish():
    survivor = profile(languages=("es", "en"))
    place = site(31, "Casa", languages=frozenset({"es"}), spaces=(bed("Bed 1"),))
    answer = _answer([place], survivor, "es")
    (candidate,) = answer.candidates
    assert any(
        reason.text == "El personal habla español, la lengua materna de la persona sobreviviente"
        for reason in candidate.met
    )
    words = fit_words(candidate, best=True, words=words_for("es"))
    assert words.startswith("El que mejor encaja: el personal habla español") and words.endswith("una cama")
