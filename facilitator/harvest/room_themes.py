"""Themes of a room that speaks several languages: by meaning, titled in each language.

With vectors of meaning (harvest/meaning.py):
1. Centre by language. Raw multilingual vectors still sit closer to other sentences of
   their own language than to their translation, so each language's mean vector within
   the scope is subtracted (a language with fewer than `min_language_notes` notes gets
   the scope's overall mean instead: the mean of two notes is mostly their subject),
   and the vectors are normalised again. A note's language is the detected one, else
   its author's (harvest/language.py); notes in other scripts are centred with their
   author's language and themed with the rest.
2. Cluster: k-means on the centred vectors for each k in `k_min..k_max` whose every
   theme holds at least `smallest_theme` notes; the k with the best silhouette (cosine,
   on a sample for large scopes) wins. Themes whose centres are closer than
   `merge_cosine` are then merged: they say the same thing.
3. Quotes: each theme's most central note overall, and per language, ties to upvotes.
4. Titles: for each language the theme has notes in, the best short run of words from
   its own notes in that language: the span (at most `title_words` content words, the
   stop words between them kept, as written) whose words weigh most for this theme
   against the scope's other notes in that language. First letter upper case.
Then the facilitator's changes (overrides) are applied in order.

Without vectors, themes come from today's word-based finder (themes.py) and are titled
and quoted the same way, so every screen gets the same shape in both modes.

Deterministic: k-means with a fixed seed; ties broken by input order.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from facilitator.harvest.base import Note, TextConfig
from facilitator.harvest.meaning import vector_from_bytes
from facilitator.harvest.text import AnalysedNote, analyse_notes


@dataclass(frozen=True)
class RoomConfig:
    """Settings of the room's theme finder (measured in bench/theme_quality.py)."""

    k_min: int = 2
    k_max: int = 8
    min_theme_share: float = 0.04
    min_theme_notes: int = 3
    min_language_notes: int = 3
    merge_cosine: float = 0.2
    title_words: int = 5
    restarts: int = 10
    centre: bool = True  # off only to measure what centring brings
    seed: int = 0


@dataclass
class RoomTheme:
    """One theme: its notes, titles and quotes by language; `as_dict` is JSON-ready."""

    note_ids: list[Hashable]
    titles: dict[str, str]
    quotes: dict[str, dict[str, Any]]
    quote: dict[str, Any]
    languages: dict[str, int]
    key: str
    renamed: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The theme as screens, events and exports carry it."""
        return {
            "key": self.key,
            "notes": len(self.note_ids),
            "note_ids": list(self.note_ids),
            "languages": dict(self.languages),
            "titles": dict(self.titles),
            "quotes": {code: dict(quote) for code, quote in self.quotes.items()},
            "quote": dict(self.quote),
            "renamed": self.renamed,
        }


@dataclass(frozen=True)
class RoomThemes:
    """The themes of a scope, largest first, and how they were found."""

    mode: str
    themes: tuple[RoomTheme, ...]
    unthemed: tuple[Hashable, ...] = field(default=())


# --- finding groups -----------------------------------------------------------------


def centred(vectors: np.ndarray, languages: Sequence[str], config: RoomConfig) -> np.ndarray:
    """Each vector minus its language's mean in the scope (small languages: the overall
    mean), normalised again."""
    overall = vectors.mean(axis=0)
    out = vectors.copy()
    for language in sorted(set(languages)):
        rows = np.array([i for i, code in enumerate(languages) if code == language])
        mean = vectors[rows].mean(axis=0) if rows.size >= config.min_language_notes else overall
        out[rows] -= mean
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 1e-9, norms, 1.0)


def smallest_theme(n_notes: int, config: RoomConfig) -> int:
    """How many notes every theme must hold for a number of themes to be considered."""
    return max(config.min_theme_notes, math.ceil(config.min_theme_share * n_notes))


def _kmeans(points: np.ndarray, k: int, config: RoomConfig) -> np.ndarray:
    from sklearn.cluster import KMeans

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate points: fewer distinct clusters
        # Restarts matter on a few hundred notes (NMI 0.56 with 4, 0.64 with 10 on the
        # labelled set); on thousands one start is already stable and each costs seconds.
        restarts = config.restarts if len(points) <= 1000 else max(2, config.restarts // 4)
        model = KMeans(n_clusters=k, n_init=restarts, random_state=config.seed)
        return np.asarray(model.fit_predict(points))


def cluster(points: np.ndarray, config: RoomConfig) -> np.ndarray:
    """A theme number per point: the most themes, within `k_min..k_max`, whose every
    theme holds at least `smallest_theme` notes (themes saying the same thing are merged
    after). Silhouette is nearly flat on short notes (measured), so it cannot pick k."""
    n = len(points)
    floor = smallest_theme(n, config)
    for k in range(min(config.k_max, n // floor), config.k_min - 1, -1):
        labels = _kmeans(points, k, config)
        if np.bincount(labels, minlength=k).min() >= floor:
            return labels
    return np.zeros(n, dtype=int)


def merge_close(points: np.ndarray, labels: np.ndarray, config: RoomConfig) -> np.ndarray:
    """Merge themes whose centres are closer than `merge_cosine` (closest pair first)."""
    labels = labels.copy()
    while True:
        groups = sorted(set(labels.tolist()))
        if len(groups) < 2:
            return labels
        centres = np.stack([points[labels == g].mean(axis=0) for g in groups])
        centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9)
        similar = centres @ centres.T
        np.fill_diagonal(similar, -1.0)
        i, j = np.unravel_index(int(np.argmax(similar)), similar.shape)
        if similar[i, j] < config.merge_cosine:
            return labels
        labels[labels == groups[j]] = groups[i]


# --- titles and quotes ------------------------------------------------------------------


def _weights(members: Sequence[AnalysedNote], language_notes: Sequence[AnalysedNote]) -> dict:
    """How much each content word (stem key) speaks for these notes against the scope's
    other notes in the same language: share of members using it x its rarity (a word
    only one member uses counts less: a title speaks for several notes)."""
    used = Counter(key for note in members for key in set(note.keys))
    seen = Counter(key for note in language_notes for key in set(note.keys))
    total = len(language_notes)

    def shared(count: int) -> bool:
        return count > 1 or len(members) == 1

    raw = {
        key: (count / len(members))
        * math.log(1 + total / seen[key])
        * (1.0 if shared(count) else 0.35)
        for key, count in used.items()
    }
    top = max(raw.values(), default=1.0) or 1.0
    return {key: weight / top for key, weight in raw.items()}  # the best word weighs 1


@dataclass(frozen=True)
class _Word:
    start: int  # offsets in the normalised text
    end: int
    key: str | None  # the stem key of a content word; None for a stop word
    after_break: bool  # punctuation (or the start) before it


def _words(text: str, language: str, languages: tuple[str, ...]) -> tuple[str, list[_Word]]:
    """The note's Latin-script words with their offsets, content words keyed."""
    from facilitator.harvest.lexicon import is_stop, stem_key, stop_set
    from facilitator.harvest.tokens import _TOKEN_RE, normalise

    shown = normalise(text)
    stops = stop_set(language, languages)
    words: list[_Word] = []
    broken = True
    for match in _TOKEN_RE.finditer(shown):
        word = match.group("word")
        if word is None:
            broken = True
            continue
        form = word.lower()
        head, sep, tail = form.partition("'")
        if sep and len(tail) > 1 and len(head) <= 6:
            form = tail  # "l'isolement": the word is "isolement"
        content = form in TITLE_WORDS or (
            len(form) >= 2 and not is_stop(form, stops) and form not in TITLE_STOPS
        )
        key = stem_key(form, language) if content else None
        words.append(_Word(match.start(), match.end(), key, broken))
        broken = False
    return shown, words


# Words that may sit inside a title but not begin or end one, beyond the stop lists; and
# words the stop lists drop that a title needs ("older people", not "older").
TITLE_STOPS = frozenset("zijn is est sont are was waren".split())
TITLE_WORDS = frozenset("people person persons mensen gens personnes elderly".split())
TITLE_WORD_WEIGHT = 0.01  # above its cost: "older people" rather than "older"
ONE_WORD_COST = 0.5  # one word is a tag: a title has two or more
WORD_COST = 0.25  # of the best word's weight (1): read on tests/data/labelled_notes.json
# Measured with bench.theme_quality (title agreement across languages).
TITLE_NOTES = 3  # titles come from this many of the theme's most central notes
CLAUSE_BONUS = 0.3  # for each end of a title where its clause ends
CLAUSE_WORDS = 10  # a title has at most this many words


def _candidates(words: list[_Word], most: int) -> list[tuple[int, int]]:
    """Runs of words that read as a phrase: they end with a content word and start with
    one or at the start of a clause (its article kept: "Les habitants...", "Tout le
    monde..."), hold at most `most` content words (a whole clause: `most` + 2, at most
    CLAUSE_WORDS words) and two stop words in a row, cross no punctuation."""
    runs = []
    for first, word in enumerate(words):
        if word.key is None and not word.after_break:
            continue
        content, gap = 0, 0
        for last in range(first, len(words)):
            if last > first and words[last].after_break:
                break
            if words[last].key is None:
                gap += 1
                if gap > 2 and not word.after_break:
                    break
                continue
            gap = 0
            content += 1
            whole = word.after_break and _clause_end(words, last)
            if content > most + (2 if whole else 0) or last - first >= CLAUSE_WORDS:
                break
            if content <= most or whole:
                runs.append((first, last))
            if word.after_break and not whole:
                # "...moet meer erkend worden": a clause may end on a stop word or two.
                end = _end_of_clause(words, last)
                if end - last <= 2 and end - first < CLAUSE_WORDS:
                    runs.append((first, end))
    return runs


def _end_of_clause(words: list[_Word], index: int) -> int:
    """The last word of the clause the word is in."""
    while not _clause_end(words, index):
        index += 1
    return index


def _clause_end(words: list[_Word], index: int) -> bool:
    """Whether the word ends its clause (punctuation or the note's end follows)."""
    return index + 1 == len(words) or words[index + 1].after_break


def _as_title(text: str) -> str:
    """First letter upper case; a leading partitive or "that" elision ("d'", "qu'") goes."""
    head, sep, tail = text.partition("'")
    if sep and head.lower() in ("d", "qu", "j") and tail:
        text = tail
    return text[:1].upper() + text[1:]


def title_of(
    members: Sequence[tuple[Note, AnalysedNote]],
    language_notes: Sequence[AnalysedNote],
    languages: tuple[str, ...],
    config: RoomConfig,
) -> str:
    """The best short run of words of these notes (all in one language) as a title."""
    weights = _weights([analysed for _note, analysed in members], language_notes)
    best: tuple[float, str] | None = None
    # From the theme's most central notes only: in every language they say what the
    # theme's centre says, so its titles in nl, fr and en say the same thing.
    for note, analysed in members[:TITLE_NOTES]:
        shown, words = _words(note.text, analysed.language, languages)
        for first, last in _candidates(words, config.title_words):
            keys = [w.key for w in words[first : last + 1] if w.key is not None]
            if len(set(keys)) < len(keys):
                continue  # "zorg zorg zorg" is not a title
            # Each word must earn its place: a word few of the notes share costs more
            # than it brings, so the title keeps to the words the notes have in common.
            gains = [weights.get(key, WORD_COST + TITLE_WORD_WEIGHT) - WORD_COST for key in keys]
            score = sum(gains) - (ONE_WORD_COST if len(keys) == 1 else 0.0)
            # A title that starts and ends where its clause does reads as written, not
            # cut ("Organisaties werken nog te veel naast elkaar", not "...werken").
            score += CLAUSE_BONUS * (words[first].after_break + _clause_end(words, last))
            if best is None or score > best[0] + 1e-9:
                best = (score, _as_title(shown[words[first].start : words[last].end]))
    return best[1] if best else ""


def _centrality(points: np.ndarray | None, rows: Sequence[int]) -> dict[int, float]:
    if points is None:
        return dict.fromkeys(rows, 0.0)
    centre = points[list(rows)].mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-9)
    return {row: round(float(points[row] @ centre), 6) for row in rows}


def _most_central(
    rows: Sequence[int], closeness: Mapping[int, float], notes: Sequence[Note]
) -> int:
    return min(rows, key=lambda r: (-closeness[r], -notes[r].upvotes, r))


def _beyond_titles(
    rows: Sequence[int],
    notes: Sequence[Note],
    analysed: Sequence[AnalysedNote],
    titles: Mapping[str, str],
) -> Sequence[int]:
    """The rows whose note says more than the title in its language (a quote that only
    repeats the title above it tells the reader nothing new); all of them where none does."""
    said = {code: _bare(title) for code, title in titles.items()}
    return [r for r in rows if _bare(notes[r].text) != said.get(analysed[r].language)] or rows


def _bare(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def build_theme(
    rows: Sequence[int],
    notes: Sequence[Note],
    analysed: Sequence[AnalysedNote],
    points: np.ndarray | None,
    languages: Sequence[str],
    config: RoomConfig,
) -> RoomTheme:
    """A theme of these notes (row numbers): titles and quotes by language."""
    closeness = _centrality(points, rows)
    by_language: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_language[analysed[row].language].append(row)
    order = [code for code in languages if code in by_language]
    order += sorted(code for code in by_language if code not in order)
    titles, quotes = {}, {}
    for code in order:
        members = sorted(by_language[code], key=lambda r: (-closeness[r], r))
        scope = [a for a in analysed if a.language == code]
        pairs = [(notes[r], analysed[r]) for r in members]
        title = title_of(pairs, scope, tuple(languages), config)
        if title:
            titles[code] = title
        central = _most_central(_beyond_titles(members, notes, analysed, titles), closeness, notes)
        quotes[code] = {"id": notes[central].id, "text": notes[central].text}
    central = _most_central(_beyond_titles(rows, notes, analysed, titles), closeness, notes)
    core = sorted(rows, key=lambda r: (-closeness[r], r))[:3]
    key = hashlib.sha1(repr(sorted(str(notes[r].id) for r in core)).encode()).hexdigest()[:8]
    return RoomTheme(
        note_ids=[notes[r].id for r in sorted(rows)],
        titles=titles,
        quotes=quotes,
        quote={
            "id": notes[central].id,
            "text": notes[central].text,
            "language": analysed[central].language,
        },
        languages={code: len(by_language[code]) for code in order},
        key=f"t-{key}",
    )


# --- the facilitator's changes ----------------------------------------------------------


def _best_match(groups: list[set[Hashable]], ids: set[Hashable]) -> int | None:
    """The group these notes are (at least half) the same as, if any."""
    best, best_score = None, 0.5 - 1e-9
    for index, group in enumerate(groups):
        union = group | ids
        score = len(group & ids) / len(union) if union else 0.0
        if score > best_score:
            best, best_score = index, score
    return best


def apply_overrides(
    groups: list[set[Hashable]], overrides: Sequence[Mapping[str, Any]], present: set[Hashable]
) -> tuple[list[set[Hashable]], dict[int, str]]:
    """The groups after the facilitator's changes, and the titles they gave (by group)."""
    groups = [set(g) for g in groups]
    titles: dict[int, str] = {}
    for change in overrides:
        kind = change.get("kind")
        ids = set(change.get("note_ids") or ()) & present
        if kind == "rename" and ids:
            match = _best_match(groups, ids)
            if match is not None:
                titles[match] = str(change["title"])
        elif kind == "merge":
            a = _best_match(groups, set(change.get("a") or ()) & present)
            b = _best_match(groups, set(change.get("b") or ()) & present)
            if a is not None and b is not None and a != b:
                groups[a] |= groups[b]
                groups[b] = set()
                if b in titles:
                    titles.setdefault(a, titles.pop(b))
        elif kind == "split" and ids:
            for group in groups:
                group -= ids
            groups.append(ids)
            if change.get("title"):
                titles[len(groups) - 1] = str(change["title"])
    return groups, titles


# --- the whole -----------------------------------------------------------------------


def _groups_by_meaning(
    rows: list[int], vectors: np.ndarray, languages: Sequence[str], config: RoomConfig
) -> tuple[list[list[int]], np.ndarray]:
    points = centred(vectors, languages, config) if config.centre else vectors
    labels = merge_close(points, cluster(points, config), config)
    groups = [[rows[i] for i in np.flatnonzero(labels == g)] for g in sorted(set(labels.tolist()))]
    return groups, points


def _groups_by_words(
    rows: list[int], analysed: Sequence[AnalysedNote], text_config: TextConfig
) -> list[list[int]]:
    from facilitator.harvest.themes import themes_of

    usable = [analysed[r] for r in rows]
    position = {note.id: r for r, note in zip(rows, usable, strict=True)}
    found = themes_of(usable, text_config=text_config)
    return [[position[i] for i in theme.note_ids] for theme in found.themes]


def find_room_themes(
    notes: Sequence[Note],
    vectors: Mapping[Hashable, bytes] | None,
    languages: Sequence[str],
    overrides: Sequence[Mapping[str, Any]] = (),
    limit: int = 8,
    config: RoomConfig | None = None,
) -> RoomThemes:
    """The scope's themes, largest first (at most `limit`), by meaning where every note
    has a vector, else by words; with the facilitator's changes applied."""
    config = config or RoomConfig()
    known = tuple(code for code in languages if code in ("nl", "fr", "en", "de", "es", "it"))
    text_config = TextConfig(languages=known or ("nl", "fr", "en"))
    analysed = analyse_notes(notes, text_config)
    with_vector = [r for r, note in enumerate(notes) if vectors and note.id in vectors]
    by_meaning = bool(vectors) and len(with_vector) >= max(1, len(notes) // 2)
    points_all: np.ndarray | None = None
    if by_meaning:
        rows = with_vector
        matrix = np.stack([vector_from_bytes(vectors[notes[r].id]) for r in rows])
        groups, points = _groups_by_meaning(
            rows, matrix, [analysed[r].language for r in rows], config
        )
        points_all = np.zeros((len(notes), matrix.shape[1]), dtype=np.float32)
        points_all[rows] = points
    else:
        rows = [r for r, note in enumerate(analysed) if note.tokens]
        groups = _groups_by_words(rows, analysed, text_config) if rows else []
    id_groups = [{notes[r].id for r in g} for g in groups]
    present = {notes[r].id for r in rows}
    id_groups, renamed = apply_overrides(id_groups, overrides, present)
    row_of = {notes[r].id: r for r in rows}
    themes = []
    for index, ids in enumerate(id_groups):
        if not ids:
            continue
        members = sorted(row_of[i] for i in ids)
        theme = build_theme(members, notes, analysed, points_all, languages, config)
        if index in renamed:
            theme.titles = dict.fromkeys(theme.titles or {languages[0]: ""}, renamed[index])
            theme.renamed = True
        themes.append(theme)
    themes.sort(key=lambda t: (-len(t.note_ids), t.key))
    themed_ids = {i for t in themes for i in t.note_ids}
    unthemed = tuple(n.id for n in notes if n.id not in themed_ids)
    return RoomThemes("meaning" if by_meaning else "words", tuple(themes[:limit]), unthemed)


def theme_text_for(theme: Mapping[str, Any], reader: str) -> dict[str, Any]:
    """A theme for one reader: title and quote in their language where the theme has
    notes in it, else in the theme's first language (the `..._language` says which)."""
    titles = theme.get("titles") or {}
    quotes = theme.get("quotes") or {}
    title_language = reader if reader in titles else next(iter(titles), None)
    quote_language = reader if reader in quotes else None
    quote = quotes.get(quote_language) if quote_language else None
    central = theme.get("quote") or {}
    if quote is None:
        quote, quote_language = central, central.get("language")
    return {
        "title": titles.get(title_language, "") if title_language else "",
        "title_language": title_language,
        "quote": str((quote or {}).get("text", "")),
        "quote_language": quote_language,
    }
