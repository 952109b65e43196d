"""Themes of a scope: TF-IDF on Snowball keys, NMF, top terms as labels, a central note.

How k is chosen: the most themes, within `k_min..k_max`, whose every theme holds at least
`min_theme_share` of the notes (and `min_theme_notes`). Silhouette, Calinski-Harabasz and
Davies-Bouldin all grow steadily with k on short sparse notes (measured on the Polis
statements and tests/data/labelled_notes.json), so they cannot pick k; theme size can.

What it cannot do: it does not translate. Notes in different languages land together
only through words they share after stemming and accent folding: names (OCMW, CPAS,
Molenbeek), loan words (budget, project), or the same stem ("participation" in English
and French). "eenzaamheid", "isolement" and "loneliness" stay apart, so a mixed workshop
often gets one theme per language for the same subject. It reads words, not meaning:
irony, negation ("not more benches") and synonyms are invisible to it.

Deterministic: NMF with the NNDSVDa start and a fixed seed, ties broken by input order.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer

from facilitator.harvest.base import HarvestInputError, Note, TextConfig
from facilitator.harvest.terms import display_forms, phrase_forms
from facilitator.harvest.text import AnalysedNote, analyse_notes


@dataclass(frozen=True, slots=True)
class ThemeConfig:
    """Settings of the theme finder."""

    k_min: int = 2
    k_max: int = 8
    min_theme_share: float = 0.04
    min_theme_notes: int = 3
    label_terms: int = 3
    seed: int = 0
    max_iter: int = 1000

    def __post_init__(self) -> None:
        if not 1 <= self.k_min <= self.k_max or self.min_theme_notes < 1 or self.label_terms < 1:
            raise HarvestInputError(
                "need 1 <= k_min <= k_max, min_theme_notes and label_terms >= 1"
            )


@dataclass(frozen=True, slots=True)
class Theme:
    """A group of notes, its top terms (display forms) and its most central note."""

    label: str
    terms: tuple[str, ...]
    note_ids: tuple[Hashable, ...]
    representative: Hashable


@dataclass(frozen=True, slots=True)
class Themes:
    """The themes of a scope, largest first; `unthemed` notes had no content words."""

    themes: tuple[Theme, ...]
    unthemed: tuple[Hashable, ...]
    converged: bool = True


def _identity(keys: list[str]) -> list[str]:
    """Analyzer for the vectorizer: notes arrive already tokenised and stemmed."""
    return keys


def vectorise(notes: Sequence[AnalysedNote]) -> tuple[csr_matrix, list[str]]:
    """TF-IDF matrix (rows l2-normalised) of the notes' stem keys, and the key of each column."""
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    matrix = vectorizer.fit_transform([note.keys for note in notes])
    return csr_matrix(matrix), [str(key) for key in vectorizer.get_feature_names_out()]


def _factorise(
    matrix: csr_matrix, k: int, config: ThemeConfig
) -> tuple[np.ndarray, np.ndarray, bool]:
    """NMF into k themes: note weights W, term weights H, and whether it converged."""
    model = NMF(n_components=k, init="nndsvda", random_state=config.seed, max_iter=config.max_iter)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        weights = model.fit_transform(matrix)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return weights, model.components_, converged


def smallest_theme(n_notes: int, config: ThemeConfig) -> int:
    """How many notes every theme must hold for a theme count to be accepted."""
    return max(config.min_theme_notes, int(np.ceil(config.min_theme_share * n_notes)))


def candidate_ks(n_notes: int, n_terms: int, config: ThemeConfig) -> list[int]:
    """Theme counts to try, largest first, that the notes could fill."""
    top = min(config.k_max, n_notes // smallest_theme(n_notes, config), n_terms)
    return list(range(top, config.k_min - 1, -1))


def _cluster(matrix: csr_matrix, config: ThemeConfig) -> tuple[np.ndarray, np.ndarray, bool]:
    """Assign each note to a theme: the largest k whose themes are all big enough."""
    n_notes, n_terms = matrix.shape
    floor = smallest_theme(n_notes, config)
    for k in candidate_ks(n_notes, n_terms, config):
        weights, terms, converged = _factorise(matrix, k, config)
        labels = weights.argmax(axis=1)
        if np.bincount(labels, minlength=k).min() >= floor:
            return labels, terms, converged
    # Too few notes for two themes: one theme, labelled by its summed term weights.
    return np.zeros(n_notes, dtype=int), np.asarray(matrix.sum(axis=0)), True


def _representative(matrix: csr_matrix, members: np.ndarray, notes: Sequence[AnalysedNote]) -> int:
    """Index of the member closest (cosine) to the theme's centroid; ties: most upvoted, first."""
    rows = matrix[members]
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid) or 1.0
    closeness = np.round(rows @ (centroid / norm), 9)
    indices = [int(member) for member in members]
    best = min(
        range(len(indices)), key=lambda i: (-closeness[i], -notes[indices[i]].upvotes, indices[i])
    )
    return indices[best]


def _top_terms(
    weights: np.ndarray,
    keys: list[str],
    shown: dict[str, str],
    phrases: dict[tuple[str, str], str],
    n: int,
) -> tuple[str, ...]:
    """The n heaviest terms of a theme in display form; two that make a phrase show as one."""
    order = [j for j in np.argsort(-weights, kind="stable")[: 3 * n] if weights[j] > 0]
    top = [keys[j] for j in order]
    terms: list[str] = []
    used: set[str] = set()
    for key in top:
        if key in used:
            continue
        used.add(key)
        partner = next((o for o in top if o not in used and _pair(key, o, phrases)), None)
        if partner is None:
            terms.append(shown.get(key, key))
        else:
            used.add(partner)
            terms.append(_pair(key, partner, phrases) or key)
        if len(terms) == n:
            break
    return tuple(terms)


def _pair(first: str, second: str, phrases: dict[tuple[str, str], str]) -> str | None:
    """The display of the phrase made of two keys, in either order, if the scope has one."""
    return phrases.get((first, second)) or phrases.get((second, first))


def themes_of(
    notes: Sequence[AnalysedNote],
    config: ThemeConfig | None = None,
    text_config: TextConfig | None = None,
) -> Themes:
    """Cluster analysed notes into themes, labelled and each with a representative note."""
    config = config or ThemeConfig()
    usable = [note for note in notes if note.tokens]
    unthemed = tuple(note.id for note in notes if not note.tokens)
    if not usable:
        return Themes((), unthemed)
    matrix, keys = vectorise(usable)
    labels, term_weights, converged = _cluster(matrix, config)
    shown = display_forms(usable)
    phrases = phrase_forms(usable, text_config)
    themes = []
    for theme in range(term_weights.shape[0]):
        members = np.flatnonzero(labels == theme)
        if members.size == 0:
            continue
        terms = _top_terms(term_weights[theme], keys, shown, phrases, config.label_terms)
        themes.append(
            Theme(
                label=" · ".join(terms),
                terms=terms,
                note_ids=tuple(usable[i].id for i in members),
                representative=usable[_representative(matrix, members, usable)].id,
            )
        )
    themes.sort(key=lambda t: (-len(t.note_ids), t.label))
    return Themes(tuple(themes), unthemed, converged)


def find_themes(
    notes: Sequence[Note],
    config: ThemeConfig | None = None,
    text_config: TextConfig | None = None,
) -> Themes:
    """Analyse raw notes of one scope and return their themes."""
    return themes_of(analyse_notes(notes, text_config), config, text_config)
