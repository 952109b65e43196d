"""Themes by meaning against today's themes by words, and what meaning costs.

Quality, in one run, on two sets in tests/data:
- `labelled_notes.json` (184 notes, 8 subjects, nl/fr/en): NMI and ARI of each mode's
  themes against the subjects (a note the mode leaves unthemed counts as its own class);
- `parallel_notes.json` (the same note in nl, fr and en, 30 entries on 15 subjects):
  the share of the 90 translation pairs (nl-fr, nl-en, fr-en of one entry) that land in
  one theme, and of same-subject pairs within one language.
Modes: `meaning` (centred by language, the product), `meaning, not centred`, `words`
(the TF-IDF/NMF finder, today's). All through `find_room_themes` with `limit` high.

Titles: each set's themes (meaning mode) with their titles, and how often a theme's titles
in two languages say the same thing: a title's nearest title in the other language, by
the model's vectors, is its own theme's (a share of the 6 ordered language pairs x themes).

Cost: one vector per short note (p50/p99 ms of single-note calls, one thread); themes for
200 / 2,000 / 10,000 notes (the labelled notes' vectors, repeated with a little noise:
clustering cost depends on the count, not on the words); the process's peak RSS with the
model loaded; the cold start (import, hash check and load in a fresh process).

Run: `.venv/bin/python -m bench.theme_quality [--sizes 200,2000,10000] [--embed 200]`
(`--quality-only` skips the cost and cold-start parts).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from itertools import combinations, permutations
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from facilitator.harvest import meaning
from facilitator.harvest.base import Note
from facilitator.harvest.room_themes import RoomConfig, find_room_themes

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LANGUAGES = ("nl", "fr", "en")
MODES = {
    "meaning": RoomConfig(),
    # Raw vectors are all alike (cosine > 0.8), so the merge step is off for this one.
    "meaning, not centred": RoomConfig(centre=False, merge_cosine=1.01),
    "words": None,
}


def labelled() -> tuple[list[Note], dict[str, str]]:
    items = json.loads((DATA / "labelled_notes.json").read_text(encoding="utf-8"))["notes"]
    notes = [Note(i["id"], i["text"], i["language"], i.get("upvotes", 0)) for i in items]
    return notes, {i["id"]: i["theme"] for i in items}


def parallel() -> tuple[list[Note], dict[str, tuple[int, str]]]:
    """The parallel notes, and for each id its entry number and subject."""
    entries = json.loads((DATA / "parallel_notes.json").read_text(encoding="utf-8"))["subjects"]
    notes, where = [], {}
    for number, entry in enumerate(entries):
        for language in LANGUAGES:
            note_id = f"p{number}-{language}"
            notes.append(Note(note_id, entry[language], language))
            where[note_id] = (number, entry["subject"])
    return notes, where


def themes_of(notes: Sequence[Note], vectors: dict, mode: str) -> dict:
    """Note id -> theme number under one mode."""
    config = MODES[mode]
    found = find_room_themes(
        notes, None if config is None else vectors, LANGUAGES, limit=99, config=config
    )
    assert found.mode == ("words" if config is None else "meaning"), found.mode
    return {note_id: k for k, theme in enumerate(found.themes) for note_id in theme.note_ids}


def agreement(notes: Sequence[Note], truth: dict, found: dict) -> tuple[float, float, int]:
    ids = [note.id for note in notes]
    labels = [found.get(i, f"alone-{i}") for i in ids]
    expected = [truth[i] for i in ids]
    themes = len(set(found.values()))
    return (
        normalized_mutual_info_score(expected, labels),
        adjusted_rand_score(expected, labels),
        themes,
    )


def shares(notes: Sequence[Note], where: dict, found: dict) -> tuple[float, float]:
    """Translation pairs in one theme; same-subject pairs of one language in one theme."""
    together = lambda a, b: a in found and found.get(a) == found.get(b)  # noqa: E731
    by_entry: dict[int, list[str]] = {}
    for note in notes:
        by_entry.setdefault(where[note.id][0], []).append(note.id)
    translations = [pair for ids in by_entry.values() for pair in combinations(ids, 2)]
    within = [
        (a.id, b.id)
        for a, b in combinations(notes, 2)
        if a.language == b.language and where[a.id][1] == where[b.id][1]
    ]
    share = lambda pairs: sum(together(a, b) for a, b in pairs) / len(pairs)  # noqa: E731
    return share(translations), share(within)


def _title_vectors(texts: list[str]) -> np.ndarray:
    return np.stack([meaning.vector_from_bytes(raw) for raw in meaning.embed(texts)])


def title_agreement(themes: Sequence[Any]) -> tuple[int, int]:
    """Whether a theme's titles in two languages say the same thing: for each ordered pair
    of languages, each title's nearest title (model vectors, cosine) among the other
    language's titles of all themes; a hit when that is its own theme's. (hits, tries)"""
    hits = tries = 0
    for first, second in permutations(LANGUAGES, 2):
        both = [t for t in themes if first in t.titles and second in t.titles]
        if len(both) < 2:
            continue
        a = _title_vectors([t.titles[first] for t in both])
        b = _title_vectors([t.titles[second] for t in both])
        hits += int(((a @ b.T).argmax(axis=1) == np.arange(len(both))).sum())
        tries += len(both)
    return hits, tries


def titles(notes: Sequence[Note], vectors: dict, name: str) -> None:
    """The titles of the product's themes, and how often they agree across languages."""
    found = find_room_themes(notes, vectors, LANGUAGES, limit=99)
    hits, tries = title_agreement(found.themes)
    print(f"{name}: titles agree across languages {hits}/{tries} ({hits / max(tries, 1):.0%})")
    for theme in found.themes:
        print(
            f"  [{len(theme.note_ids)}] " + " | ".join(f"{k}: {v}" for k, v in theme.titles.items())
        )


def quality() -> None:
    notes, truth = labelled()
    pnotes, where = parallel()
    vectors = dict(zip([n.id for n in notes], meaning.embed([n.text for n in notes]), strict=True))
    pvectors = dict(
        zip([n.id for n in pnotes], meaning.embed([n.text for n in pnotes]), strict=True)
    )
    print("mode                   labelled: NMI   ARI  themes | parallel: translations  within")
    for mode in MODES:
        nmi, ari, k = agreement(notes, truth, themes_of(notes, vectors, mode))
        across, within = shares(pnotes, where, themes_of(pnotes, pvectors, mode))
        print(f"{mode:<22} {nmi:14.3f} {ari:5.3f} {k:6d} | {across:20.1%} {within:7.1%}")
    titles(notes, vectors, "labelled set")
    titles(pnotes, pvectors, "parallel set")


def cost(sizes: Sequence[int], samples: int) -> None:
    notes, _truth = labelled()
    texts = [note.text for note in notes]
    times = []
    for i in range(samples):
        start = time.perf_counter()
        meaning.embed([texts[i % len(texts)]])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * len(times)) - 1)]
    print(f"vector per note: p50 {statistics.median(times):.1f} ms, p99 {p99:.1f} ms ({samples})")
    base = np.stack([meaning.vector_from_bytes(v) for v in meaning.embed(texts)])
    rng = np.random.default_rng(0)
    for size in sizes:
        rows = rng.integers(0, len(notes), size)
        noisy = base[rows] + rng.normal(0, 0.01, (size, base.shape[1])).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        scaled = [Note(i, notes[r].text, notes[r].language) for i, r in enumerate(rows)]
        vectors = {i: noisy[i].astype("<f4").tobytes() for i in range(size)}
        start = time.perf_counter()
        found = find_room_themes(scaled, vectors, LANGUAGES, limit=8)
        took = time.perf_counter() - start
        print(f"themes of {size:>6,} notes: {took:6.2f} s ({len(found.themes)} themes)")


# Peak RSS from /proc (VmHWM): getrusage's ru_maxrss survives exec, so a child would
# report its parent's peak.
PEAK = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])//1024"
COLD = (
    "import time; t = time.perf_counter();"
    "from facilitator.harvest import meaning; m = meaning.mode(); meaning.embed(['buren']);"
    f"print(round(time.perf_counter() - t, 2), {PEAK}, m.name)"
)


def cold_start() -> None:
    out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True)
    seconds, rss_mb, name = out.stdout.split()
    bare = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, numpy; "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"cold start (import, hash check, load, first vector): {seconds} s; mode {name}")
    print(f"peak RSS with the model loaded: {rss_mb} MB (Python with numpy alone: {bare} MB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,2000,10000")
    parser.add_argument("--embed", type=int, default=200, help="single-note calls to time")
    parser.add_argument("--quality-only", action="store_true", help="skip cost and cold start")
    args = parser.parse_args()
    if meaning.mode().name != "meaning":
        print(f"the model cannot load here: {meaning.mode().detail}", file=sys.stderr)
        return 1
    quality()
    if args.quality_only:
        return 0
    cost([int(size) for size in args.sizes.split(",")], args.embed)
    cold_start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
