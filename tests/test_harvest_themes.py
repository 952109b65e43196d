"""Themes: quality against human labels and baselines in the same run, edges, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from facilitator.harvest.base import HarvestInputError, Note
from facilitator.harvest.text import analyse_notes
from facilitator.harvest.themes import ThemeConfig, Themes, find_themes, themes_of

LABELLED = Path(__file__).parent / "data" / "labelled_notes.json"


@pytest.fixture(scope="module")
def labelled() -> tuple[list[Note], list[str]]:
    """The hand-labelled nl/fr/en notes and their theme labels."""
    data = json.loads(LABELLED.read_text(encoding="utf-8"))
    notes = [Note(n["id"], n["text"], n["language"], n["upvotes"]) for n in data["notes"]]
    return notes, [n["theme"] for n in data["notes"]]


def assignment(themes: Themes, notes: list[Note]) -> list[int]:
    """Theme number of each note, in input order (-1 for unthemed)."""
    where = {nid: i for i, theme in enumerate(themes.themes) for nid in theme.note_ids}
    return [where.get(note.id, -1) for note in notes]


def raw_word_baseline(notes: list[Note], k: int) -> list[int]:
    """Same NMF and k on raw words: no stemming, no stop words, no language handling."""
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform([n.text for n in notes])
    model = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=1000)
    return [int(label) for label in model.fit_transform(matrix).argmax(axis=1)]


def test_labelled_set_is_balanced_and_mixed(labelled: tuple[list[Note], list[str]]) -> None:
    notes, labels = labelled
    assert 120 <= len(notes) <= 200
    assert 6 <= len(set(labels)) <= 8
    for theme in set(labels):
        languages = {n.language for n, label in zip(notes, labels, strict=True) if label == theme}
        assert languages == {"nl", "fr", "en"}
    assert max(len(n.text) for n in notes) <= 280


def test_themes_beat_raw_words_and_random_grouping(
    labelled: tuple[list[Note], list[str]],
) -> None:
    notes, labels = labelled
    themes = find_themes(notes)
    ours = assignment(themes, notes)
    k = len(themes.themes)
    raw = raw_word_baseline(notes, k)
    rng = np.random.default_rng(0)
    randoms = [rng.integers(0, k, len(notes)) for _ in range(5)]
    nmi = normalized_mutual_info_score(labels, ours)
    ari = adjusted_rand_score(labels, ours)
    nmi_raw = normalized_mutual_info_score(labels, raw)
    ari_raw = adjusted_rand_score(labels, raw)
    nmi_random = float(np.mean([normalized_mutual_info_score(labels, r) for r in randoms]))
    print(f"k={k} NMI {nmi:.3f} raw {nmi_raw:.3f} random {nmi_random:.3f}")
    print(f"k={k} ARI {ari:.3f} raw {ari_raw:.3f}")
    assert 6 <= k <= 8
    assert themes.converged and themes.unthemed == ()
    assert nmi >= nmi_raw + 0.10
    assert nmi >= nmi_random + 0.15
    assert ari >= ari_raw + 0.04


def test_themes_are_deterministic(labelled: tuple[list[Note], list[str]]) -> None:
    notes, _ = labelled
    assert find_themes(notes) == find_themes(notes)


def test_labels_use_display_forms_from_the_notes(labelled: tuple[list[Note], list[str]]) -> None:
    notes, _ = labelled
    corpus = " ".join(n.text for n in notes).lower()
    for theme in find_themes(notes).themes:
        assert len(theme.terms) == 3
        assert theme.label == " · ".join(theme.terms)
        for term in theme.terms:
            assert term.lower() in corpus
    labels = " ".join(theme.label for theme in find_themes(notes).themes)
    assert "aidants proches" in labels  # a phrase, not "aid" or "aidants · proches"


def test_every_note_is_in_one_theme_and_the_representative_is_a_member(
    labelled: tuple[list[Note], list[str]],
) -> None:
    notes, _ = labelled
    themes = find_themes(notes)
    ids = [nid for theme in themes.themes for nid in theme.note_ids]
    assert sorted(ids) == sorted(n.id for n in notes)
    for theme in themes.themes:
        assert theme.representative in theme.note_ids
    sizes = [len(theme.note_ids) for theme in themes.themes]
    assert sizes == sorted(sizes, reverse=True)


def test_shared_names_bring_languages_together() -> None:
    texts = [
        ("nl", "Het OCMW van Molenbeek moet sneller antwoorden"),
        ("fr", "Le CPAS de Molenbeek et l'OCMW, même combat"),
        ("en", "Molenbeek OCMW waiting lists are too long"),
        ("nl", "Wachtlijsten bij het OCMW Molenbeek"),
        ("fr", "À Molenbeek, l'OCMW ne répond pas"),
        ("nl", "Flagey plein: meer bomen en schaduw"),
        ("fr", "Place Flagey : des arbres et de l'ombre"),
        ("en", "Flagey square needs trees and shade"),
        ("fr", "Flagey sans voitures le dimanche, avec des arbres"),
        ("nl", "Flagey autovrij op zondag, met bomen"),
    ]
    notes = [Note(i, text, language) for i, (language, text) in enumerate(texts)]
    themes = find_themes(notes, ThemeConfig(min_theme_notes=3))
    groups = sorted(sorted(theme.note_ids) for theme in themes.themes)  # type: ignore[type-var]
    assert groups == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]


def test_representative_is_central_then_most_upvoted() -> None:
    texts = ["bancs publics", "bancs publics", "bancs publics ombre", "bancs", "arbres bancs"]
    notes = [
        Note(i, text, "fr", upvotes)
        for i, (text, upvotes) in enumerate(zip(texts, [1, 5, 9, 0, 0], strict=True))
    ]
    themes = find_themes(notes)
    assert len(themes.themes) == 1
    assert themes.themes[0].representative == 1  # central like note 0, but more upvoted


@pytest.mark.parametrize("count", [0, 1, 3])
def test_few_notes_give_at_most_one_theme(count: int) -> None:
    notes = [Note(i, f"bancs et arbres au parc {i}", "fr") for i in range(count)]
    themes = find_themes(notes)
    assert len(themes.themes) == min(count, 1)


def test_notes_without_content_words_are_unthemed() -> None:
    notes = [Note("a", "😀"), Note("b", "   "), Note("c", "de het een"), Note("d", "Привет")]
    assert find_themes(notes) == Themes((), ("a", "b", "c", "d"))
    mixed = [*notes, Note("e", "bancs"), Note("f", "bancs publics")]
    themes = find_themes(mixed)
    assert themes.unthemed == ("a", "b", "c", "d")
    assert [theme.note_ids for theme in themes.themes] == [("e", "f")]


def test_themes_of_reuses_analysed_notes(labelled: tuple[list[Note], list[str]]) -> None:
    notes, _ = labelled
    analysed = analyse_notes(notes)
    assert themes_of(analysed) == find_themes(notes)


def test_impossible_settings_are_refused() -> None:
    with pytest.raises(HarvestInputError):
        ThemeConfig(k_min=5, k_max=3)
