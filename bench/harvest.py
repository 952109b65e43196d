"""How long the harvest takes (terms, word cloud, themes) for 200, 2,000 and 10,000 notes.

Notes: the three Polis conversations in shared/data/polis (real English statements, CC BY
4.0, The Computational Democracy Project) plus tests/data/labelled_notes.json (Dutch,
French and English), shuffled with a fixed seed and repeated to reach the larger sizes
(the run prints how many distinct texts there are). Each size runs in a fresh spawned
child process, as in the app's worker pool, and reports its peak RSS (`ru_maxrss`) after
loading and after our steps (terms, cloud, themes), before the baselines run. In each
child:
- `cold`: the first note analysed (loads py3langid's model);
- `terms`: analyse every note and count the scope's terms and phrases;
- `cloud`: the projector's 1920x1080 PNG, end to end (layout at 960x540 with scale=2,
  drawing, PNG encoding); `layout`: its layout alone;
- `themes`: TF-IDF + NMF with k chosen, labels and representatives (on analysed notes);
- `plain`: `WordCloud(width=1920, height=1080).generate_from_frequencies(same words)`,
  layout only, the baseline the projector cloud must beat by 4x; `plain PNG`: the same
  plus `to_image()` and PNG encoding, for the same output as ours;
- `scale 1`: our settings on a full 1920x1080 layout canvas, to isolate the scale trick.
Medians of `--repeats` runs (clouds: twice as many). Run: `.venv/bin/python -m bench.harvest`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from bench.measure import ROOT, commit, in_child, peak_rss_mib, timed

POLIS = ROOT.parent / "shared" / "data" / "polis"
LABELLED = ROOT / "tests" / "data" / "labelled_notes.json"
SIZES = (200, 2_000, 10_000)


def pool_of_texts() -> list[tuple[str, str]]:
    """(text, author language) of every distinct note, in a fixed shuffled order."""
    texts: list[tuple[str, str]] = []
    for path in sorted(POLIS.glob("*.comments.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            texts += [
                (r["comment-body"], "en") for r in csv.DictReader(handle) if r["comment-body"]
            ]
    labelled = json.loads(LABELLED.read_text(encoding="utf-8"))["notes"]
    texts += [(n["text"], n["language"]) for n in labelled]
    random.Random(2026).shuffle(texts)
    return texts


def encode(image: Any) -> bytes:
    """PNG bytes of a PIL image, with Pillow's default settings."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def run_size(size: int, repeats: int, out_dir: str | None) -> dict[str, Any]:
    """Child process: time the harvest of `size` notes; return seconds and peak memory."""
    from wordcloud import WordCloud

    from facilitator.harvest.base import Note
    from facilitator.harvest.cloud import CloudConfig, layout, render_png
    from facilitator.harvest.terms import count_terms, frequencies
    from facilitator.harvest.text import analyse_note, analyse_notes
    from facilitator.harvest.themes import themes_of

    pool = pool_of_texts()
    notes = [Note(i, pool[i % len(pool)][0], pool[i % len(pool)][1], i % 7) for i in range(size)]
    rss_start = peak_rss_mib()
    start = time.perf_counter()
    analyse_note(notes[0])
    cold = time.perf_counter() - start

    def terms() -> tuple[list, list]:
        analysed = analyse_notes(notes)
        return analysed, count_terms(analysed)

    terms_s, _, (analysed, term_list) = timed(terms, repeats)
    words = frequencies(term_list, limit=CloudConfig().max_words)
    themes_s, _, themes = timed(lambda: themes_of(analysed), repeats)
    clouds = 2 * repeats
    cloud_s, _, png = timed(lambda: render_png(words), clouds)
    layout_s, _, _ = timed(lambda: layout(words, CloudConfig()), clouds)
    rss_ours = peak_rss_mib()
    plain_s, _, plain = timed(
        lambda: WordCloud(width=1920, height=1080).generate_from_frequencies(words), clouds
    )
    plain_png_s, _, _ = timed(lambda: encode(plain.to_image()), clouds)
    full_s, _, _ = timed(lambda: render_png(words, CloudConfig(scale=1)), clouds)
    if out_dir:
        Path(out_dir, f"harvest_cloud_fast_{size}.png").write_bytes(png)
        plain.to_file(str(Path(out_dir, f"harvest_cloud_plain_{size}.png")))
    return {
        "size": size,
        "cold": cold,
        "terms": terms_s,
        "cloud": cloud_s,
        "themes": themes_s,
        "k": len(themes.themes),
        "layout": layout_s,
        "plain": plain_s,
        "plain_png": plain_s + plain_png_s,
        "full": full_s,
        "words": len(words),
        "rss_start_mib": rss_start,
        "rss_peak_mib": rss_ours,
    }


def report(rows: list[dict[str, Any]]) -> str:
    """Markdown tables of the results."""
    lines = [
        "| notes | cold start | terms | cloud PNG | themes (k) | total "
        "| RSS after load | peak RSS |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        total = r["terms"] + r["cloud"] + r["themes"]
        lines.append(
            f"| {r['size']:,} | {r['cold'] * 1000:.0f} ms | {r['terms'] * 1000:.0f} ms "
            f"| {r['cloud'] * 1000:.0f} ms | {r['themes'] * 1000:.0f} ms ({r['k']}) "
            f"| {total * 1000:.0f} ms | {r['rss_start_mib']:.0f} MiB "
            f"| {r['rss_peak_mib']:.0f} MiB |"
        )
    lines += [
        "",
        "| notes | words | ours: layout | ours: PNG | plain: layout | plain: PNG "
        "| layout / layout | plain layout / our PNG | PNG / PNG | ours at scale 1: PNG |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['words']} | {r['layout'] * 1000:.0f} ms "
            f"| {r['cloud'] * 1000:.0f} ms | {r['plain'] * 1000:.0f} ms "
            f"| {r['plain_png'] * 1000:.0f} ms | {r['plain'] / r['layout']:.1f} "
            f"| {r['plain'] / r['cloud']:.1f} | {r['plain_png'] / r['cloud']:.1f} "
            f"| {r['full'] * 1000:.0f} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run every size in its own child and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="/tmp", help="folder for the two cloud PNGs")
    args = parser.parse_args()
    print(f"commit {commit()}, load average {os.getloadavg()[0]:.2f}, {len(pool_of_texts())} texts")
    started = time.perf_counter()
    rows = [in_child(run_size, size, args.repeats, args.out) for size in args.sizes]
    print(report(rows))
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
