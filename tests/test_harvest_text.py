"""Tokens, stop words, stems, language detection, phrases and term counts (nl, fr, en)."""

from __future__ import annotations

import unicodedata

import pytest

from facilitator.harvest.base import HarvestInputError, Note, TextConfig, TextTooLong
from facilitator.harvest.language import detect_language
from facilitator.harvest.terms import count_terms, frequencies, harvest_terms, terms_by_scope
from facilitator.harvest.text import analyse_note, analyse_notes
from facilitator.harvest.tokens import tokenise


def forms(text: str) -> list[str]:
    """Lowercase word forms of a text."""
    return [token.form for token in tokenise(text)]


def shown(text: str, language: str = "fr") -> list[str]:
    """Displayed content words of one note."""
    return [token.shown for token in analyse_note(Note(1, text, language)).tokens]


def notes(*texts: str, language: str | None = None) -> list[Note]:
    """Numbered notes from texts."""
    return [Note(i, text, language) for i, text in enumerate(texts)]


def by_display(terms_list: list) -> dict[str, int]:
    """Display form -> number of notes."""
    return {term.display: term.notes for term in terms_list}


# Tokens


def test_french_elisions_are_removed() -> None:
    assert forms("l'isolement d'aide qu'il jusqu'au") == ["isolement", "aide", "il", "au"]


def test_typographic_apostrophes_behave_like_straight_ones() -> None:
    assert forms("l\u2019isolement d\u2019aide") == ["isolement", "aide"]


def test_hyphenated_words_stay_whole_and_dangling_hyphens_go() -> None:
    assert forms("porte-à-porte, café-rencontre") == ["porte-à-porte", "café-rencontre"]
    assert forms("zorg- en welzijnsorganisaties") == ["zorg", "en", "welzijnsorganisaties"]


def test_english_and_dutch_possessive_s_is_removed() -> None:
    assert forms("people's carers' auto's") == ["people", "carers", "auto"]


def test_decomposed_accents_are_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "âgées bénévoles")
    assert forms(decomposed) == ["âgées", "bénévoles"]


def test_sentence_start_capital_is_not_shown_but_acronyms_and_names_are() -> None:
    assert shown("Bénévoles du CPAS. Réunion avec Molenbeek") == [
        "bénévoles",
        "CPAS",
        "réunion",
        "Molenbeek",
    ]


# Stop words and stems


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nl", "De buren helpen elkaar niet meer", ["buren", "helpen", "elkaar"]),
        ("fr", "Les aidants proches sont épuisés", ["aidants", "proches", "épuisés"]),
        ("en", "The family carers are exhausted", ["family", "carers", "exhausted"]),
    ],
)
def test_stop_words_of_each_language_are_dropped(
    language: str, text: str, expected: list[str]
) -> None:
    assert shown(text, language) == expected


def test_domain_words_the_generic_english_list_drops_are_kept() -> None:
    assert shown("Old people alone at home need help", "en") == [
        "old",
        "people",
        "alone",
        "home",
        "help",
    ]


def test_filler_words_are_dropped() -> None:
    assert shown("OK, etc. Meer bankjes nodig!", "nl") == ["bankjes"]


def test_short_stop_words_of_other_workshop_languages_are_dropped() -> None:
    # an English note quoting a Dutch name: "de" and "het" are not terms
    assert shown("Meeting at de Vaartkapoen and het buurthuis", "en") == [
        "meeting",
        "Vaartkapoen",
        "buurthuis",
    ]


@pytest.mark.parametrize(
    ("language", "texts", "display"),
    [
        ("nl", ["De buren helpen", "Buren kennen elkaar", "mijn buur", "onze buren"], "buren"),
        ("fr", ["aidants épuisés", "un aidant seul", "les aidants", "aidants"], "aidants"),
        ("en", ["volunteers wanted", "a volunteer", "volunteers", "volunteers!"], "volunteers"),
    ],
)
def test_inflections_group_under_the_most_frequent_surface_form(
    language: str, texts: list[str], display: str
) -> None:
    terms = harvest_terms(notes(*texts, language=language))
    top = terms[0]
    assert (top.display, top.notes) == (display, len(texts))


def test_accents_do_not_split_a_stem() -> None:
    terms = harvest_terms(notes("école du quartier", "ecole fermée", "l'école", language="fr"))
    assert by_display(terms)["école"] == 3


# Phrases


@pytest.mark.parametrize(
    ("language", "texts", "phrase"),
    [
        (
            "nl",
            [
                "Informele zorg is zwaar",
                "informele zorg verdient erkenning",
                "zorg voor ouderen",
                "wie helpt bij informele zorg?",
            ],
            "informele zorg",
        ),
        (
            "fr",
            [
                "Les soins à domicile manquent",
                "soins à domicile et aidants",
                "les soins coûtent cher",
                "visites à domicile",
            ],
            "soins à domicile",
        ),
        (
            "en",
            [
                "Family carers are tired",
                "support family carers",
                "my family helps",
                "carers need respite",
                "family carers group",
            ],
            "family carers",
        ),
    ],
)
def test_recurring_word_pairs_become_phrases(language: str, texts: list[str], phrase: str) -> None:
    terms = harvest_terms(notes(*texts, language=language))
    phrases = {t.display: t.notes for t in terms if t.kind == "phrase"}
    assert phrase in phrases
    assert phrases[phrase] >= 2


def test_a_name_opening_a_sentence_keeps_its_capitals_in_a_phrase() -> None:
    texts = ["Bowling Green needs parking", "parking in Bowling Green", "we love Bowling Green"]
    terms = harvest_terms(notes(*texts, language="en"))
    assert terms[0].display == "Bowling Green"
    assert "parking" in by_display(terms)


def test_a_word_inside_a_phrase_counts_for_the_phrase_only() -> None:
    texts = ["informele zorg is zwaar", "informele zorg erkennen", "zorg voor ouderen"]
    counts = by_display(harvest_terms(notes(*texts, language="nl")))
    assert counts["informele zorg"] == 2
    assert counts["zorg"] == 1


def test_a_pair_seen_once_or_across_punctuation_is_not_a_phrase() -> None:
    texts = ["Buurt, zorg en meer", "buurt. Zorg!", "groene buurt"]
    terms = harvest_terms(notes(*texts, language="nl"))
    assert all(t.kind == "word" for t in terms)


# Language detection


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Veel ouderen in onze straat zien dagenlang niemand", "nl"),
        ("L'isolement des personnes âgées est le premier problème", "fr"),
        ("Family carers are exhausted and rarely ask for help", "en"),
    ],
)
def test_detects_each_workshop_language(text: str, language: str) -> None:
    other = {"nl": "fr", "fr": "en", "en": "nl"}[language]
    assert detect_language(text, other, TextConfig()) == language


def test_short_notes_take_the_authors_language() -> None:
    assert detect_language("Trop de zorg", "nl", TextConfig()) == "nl"
    assert detect_language("bancs!", "fr", TextConfig()) == "fr"


def test_unknown_or_missing_author_language_falls_back_to_the_first_workshop_language() -> None:
    config = TextConfig(languages=("fr", "nl"))
    assert detect_language("ok", None, config) == "fr"
    assert detect_language("ok", "ar", config) == "fr"


def test_detection_is_restricted_to_the_workshop_languages() -> None:
    config = TextConfig(languages=("nl", "fr"))
    german = "Die Nachbarn helfen sich gegenseitig nicht mehr im Viertel"
    assert detect_language(german, "fr", config) in {"nl", "fr"}


def test_unknown_workshop_language_is_refused() -> None:
    with pytest.raises(HarvestInputError, match="languages"):
        TextConfig(languages=("nl", "xx"))


# Bad input


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😀🙏🏽👍",
        "de het een les des the and of",
        "Одиночество пожилых людей",
        "عزلة كبار السن في الحي",
        "高齢者の孤独",
        "12 34 !!! ...",
    ],
)
def test_notes_without_latin_content_words_contribute_nothing(text: str) -> None:
    analysed = analyse_note(Note(1, text, "en"))
    assert analysed.tokens == ()
    assert harvest_terms([Note(1, text, "en")]) == []


def test_latin_words_among_other_scripts_still_count() -> None:
    assert shown("Привет OCMW 😀 بانك bancs", "fr") == ["OCMW", "bancs"]


def test_an_over_long_paste_is_refused_with_a_clear_error() -> None:
    paste = "word " * 10_000
    with pytest.raises(TextTooLong) as caught:
        analyse_note(Note("n-7", paste, "en"))
    assert isinstance(caught.value, ValueError)
    assert caught.value.note_id == "n-7"
    assert caught.value.limit == TextConfig().max_chars
    assert "'n-7'" in str(caught.value) and "at most 2000" in str(caught.value)


def test_a_batch_is_refused_before_any_note_is_analysed() -> None:
    batch = notes("short note", "x" * 301, language="en")
    with pytest.raises(TextTooLong):
        analyse_notes(batch, TextConfig(max_chars=300))
    assert len(analyse_notes(batch[:1], TextConfig(max_chars=300))) == 1


# Counting


def test_counts_are_per_note_with_occurrences_beside() -> None:
    terms = harvest_terms(notes("bancs bancs bancs", "des bancs", language="fr"))
    assert [(t.display, t.notes, t.occurrences) for t in terms] == [("bancs", 2, 4)]


def test_terms_per_scope_and_determinism() -> None:
    table_1 = analyse_notes(notes("Meer bankjes", "bankjes en bomen", language="nl"))
    table_2 = analyse_notes(notes("des bancs", "plus de bancs publics", language="fr"))
    first = terms_by_scope({"table 1": table_1, "table 2": table_2})
    again = terms_by_scope({"table 1": table_1, "table 2": table_2})
    assert first == again
    assert first["table 1"][0].display == "bankjes"
    assert first["table 2"][0].display == "bancs"


def test_frequencies_for_a_cloud_are_ranked_and_limited() -> None:
    terms = count_terms(analyse_notes(notes("a b", "bancs arbres", "bancs", language="fr")))
    assert frequencies(terms) == {"bancs": 2, "arbres": 1}
    assert frequencies(terms, limit=1) == {"bancs": 2}
