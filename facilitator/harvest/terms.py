"""Term frequencies of a scope: words grouped by stem, shown in their most frequent form,
and two-word phrases kept when they recur and stick together (normalised PMI).

A word inside a kept phrase counts for the phrase only, so "informele zorg" does not
also inflate "zorg". Counts are of notes (one note, one vote), with occurrences beside.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from facilitator.harvest.base import Note, Term, TextConfig
from facilitator.harvest.text import AnalysedNote, analyse_notes

K = TypeVar("K", bound=Hashable)
Pair = tuple[str, str]


@dataclass
class _Tally:
    """Running counts of one term while a scope is read."""

    kind: Literal["word", "phrase"]
    notes: set[int] = field(default_factory=set)
    occurrences: int = 0
    shown: Counter[str] = field(default_factory=Counter)


def _pairs(note: AnalysedNote) -> list[tuple[int, Pair, str]]:
    """Candidate phrases of a note: (index of the first word, keys, displayed span)."""
    found = []
    for i in range(1, len(note.tokens)):
        first, second = note.tokens[i - 1], note.tokens[i]
        if second.bridge is None or first.key == second.key:
            continue
        # "Bowling Green" opening a sentence keeps its capital: the second word shows it.
        head = first.written if first.initial and second.shown[:1].isupper() else first.shown
        span = " ".join(part for part in (head, second.bridge, second.shown) if part)
        found.append((i - 1, (first.key, second.key), span))
    return found


def npmi(pair_count: int, first: int, second: int, total: int) -> float:
    """Normalised pointwise mutual information in [-1, 1]: 1 when always together."""
    if pair_count <= 0 or total <= 0:
        return -1.0
    p_pair = pair_count / total
    if p_pair >= 1.0:
        return 1.0
    pmi = math.log(p_pair / ((first / total) * (second / total)))
    return pmi / -math.log(p_pair)


def _phrase_candidates(
    notes: Sequence[AnalysedNote], config: TextConfig
) -> tuple[dict[Pair, float], dict[Pair, Counter[str]]]:
    """One pass over a scope: the pairs that count as phrases (with NPMI) and their spans."""
    words: Counter[str] = Counter()
    pair_total: Counter[Pair] = Counter()
    pair_notes: Counter[Pair] = Counter()
    spans: dict[Pair, Counter[str]] = defaultdict(Counter)
    for note in notes:
        words.update(note.keys)
        pairs = _pairs(note)
        pair_notes.update({pair for _, pair, _ in pairs})
        for _, pair, span in pairs:
            pair_total[pair] += 1
            spans[pair][span] += 1
    total = sum(words.values())
    phrases = {}
    for pair, seen in pair_notes.items():
        if seen < config.min_phrase_notes:
            continue
        strength = npmi(pair_total[pair], words[pair[0]], words[pair[1]], total)
        if strength >= config.min_phrase_npmi:
            phrases[pair] = strength
    return phrases, spans


def find_phrases(notes: Sequence[AnalysedNote], config: TextConfig) -> dict[Pair, float]:
    """The pairs of a scope that count as phrases, with their strength (NPMI)."""
    return _phrase_candidates(notes, config)[0]


def _read_note(
    index: int, note: AnalysedNote, phrases: Mapping[Pair, float], tallies: dict[str, _Tally]
) -> None:
    """Add one note's phrases (strongest first, no word used twice) and its other words."""
    used: set[int] = set()
    chosen = [(-phrases[p], start, p, span) for start, p, span in _pairs(note) if p in phrases]
    for _, start, pair, span in sorted(chosen):
        if start in used or start + 1 in used:
            continue
        used.update((start, start + 1))
        _add(tallies, " ".join(pair), "phrase", index, span)
    for position, token in enumerate(note.tokens):
        if position not in used:
            _add(tallies, token.key, "word", index, token.shown)


def _read_all(notes: Sequence[AnalysedNote], phrases: Mapping[Pair, float]) -> dict[str, _Tally]:
    """Tally every note of a scope with the given phrases."""
    tallies: dict[str, _Tally] = {}
    for index, note in enumerate(notes):
        _read_note(index, note, phrases, tallies)
    return tallies


def _add(
    tallies: dict[str, _Tally], key: str, kind: Literal["word", "phrase"], index: int, shown: str
) -> None:
    """Count one occurrence of a term in note number `index`."""
    tally = tallies.get(key)
    if tally is None:
        tally = tallies[key] = _Tally(kind)
    tally.notes.add(index)
    tally.occurrences += 1
    tally.shown[shown] += 1


def _display(shown: Counter[str]) -> str:
    """The most frequent spelling; ties go to the alphabetically first (deterministic)."""
    return min(shown.items(), key=lambda item: (-item[1], item[0]))[0]


def _tally_scope(
    notes: Sequence[AnalysedNote], config: TextConfig
) -> tuple[dict[Pair, float], dict[str, _Tally]]:
    """The scope's kept phrases and the tallies of all its terms."""
    phrases = find_phrases(notes, config)
    tallies = _read_all(notes, phrases)
    # A phrase mostly eaten by stronger overlapping ones ("loneliness of older" beside
    # "older people") falls below the floor: give its notes back to their words.
    weak = {
        pair
        for pair in phrases
        if len(tallies.get(" ".join(pair), _Tally("phrase")).notes) < config.min_phrase_notes
    }
    if weak:
        phrases = {pair: s for pair, s in phrases.items() if pair not in weak}
        tallies = _read_all(notes, phrases)
    return phrases, tallies


def count_terms(notes: Sequence[AnalysedNote], config: TextConfig | None = None) -> list[Term]:
    """The terms of one scope, most mentioned first (notes, then occurrences, then name)."""
    _, tallies = _tally_scope(notes, config or TextConfig())
    terms = [
        Term(key, _display(t.shown), len(t.notes), t.occurrences, t.kind)
        for key, t in tallies.items()
    ]
    terms.sort(key=lambda term: (-term.notes, -term.occurrences, term.display, term.key))
    return terms


def phrase_forms(
    notes: Sequence[AnalysedNote], config: TextConfig | None = None
) -> dict[Pair, str]:
    """The scope's phrases: (first key, second key) -> most frequent spelling (one pass)."""
    phrases, spans = _phrase_candidates(notes, config or TextConfig())
    return {pair: _display(spans[pair]) for pair in phrases}


def terms_by_scope(
    scopes: Mapping[K, Sequence[AnalysedNote]], config: TextConfig | None = None
) -> dict[K, list[Term]]:
    """Term frequencies for each scope (table, round, question, workshop) of analysed notes."""
    return {scope: count_terms(notes, config) for scope, notes in scopes.items()}


def harvest_terms(notes: Iterable[Note], config: TextConfig | None = None) -> list[Term]:
    """Analyse raw notes and count their terms in one call (one scope)."""
    config = config or TextConfig()
    return count_terms(analyse_notes(notes, config), config)


def frequencies(terms: Iterable[Term], limit: int | None = None) -> dict[str, int]:
    """Display form -> number of notes, for a word cloud (merging equal display forms)."""
    merged: Counter[str] = Counter()
    for term in terms:
        merged[term.display] += term.notes
    ranked = sorted(merged.items(), key=lambda item: (-item[1], item[0]))
    return dict(ranked[:limit] if limit is not None else ranked)


def display_forms(notes: Iterable[AnalysedNote]) -> dict[str, str]:
    """Stem key -> its most frequent spelling among the notes (words only, no phrases)."""
    shown: dict[str, Counter[str]] = defaultdict(Counter)
    for note in notes:
        for token in note.tokens:
            shown[token.key][token.shown] += 1
    return {key: _display(counts) for key, counts in shown.items()}
