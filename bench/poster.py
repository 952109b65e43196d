"""How long the printable harvest poster takes, and how much memory, for a big workshop.

The document: `tests/sample_document.py` at 200 participants, 12 tables, 3 rounds, 2,000
notes (nl/fr/en labelled notes plus real Polis statements) and 36 generated 1600x1200
tablecloth JPEGs, built once in the parent (photos written to a temporary folder). Each
case (paper, orientation, format) runs in a fresh spawned child, as in the app's worker
pool, so its peak RSS (`ru_maxrss`) is its own: RSS after loading the modules and the
document, then after rendering. In each child the poster is rendered once cold (first
call: font and wordcloud caches empty) and then `--repeats` times; the table gives the
cold wall time, the median wall and CPU (`process_time`) time of the warm runs (CPU time
tells the poster's own cost on a busy machine), the wall time of each progress step of
the last run, and the size of the output. Target: under 10 s for an A1 poster.
Run: `.venv/bin/python -m bench.poster` (add `--out /tmp` to keep the posters).
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import commit, in_child, peak_rss_mib

CASES = (("A1", "portrait", "pdf"), ("A1", "portrait", "png"), ("A1", "landscape", "pdf"))
STEPS = ("layout", "cloud", "photos", "charts", "writing")


def build_document(folder: Path) -> Any:
    """The big sample workshop (its photos are written under `folder`)."""
    from tests.sample_document import sample_document

    return sample_document(folder, people=200, tables=12, rounds=3, notes=2000, photos=36)


def run_case(document: bytes, case: tuple[str, str, str], repeats: int, out: str | None) -> dict:
    """Child process: render one poster `1 + repeats` times; return times and memory."""
    from facilitator.exports.poster import render_poster

    doc = pickle.loads(document)
    rss_loaded = peak_rss_mib()
    size, orientation, fmt = case
    times: list[float] = []
    cpu: list[float] = []
    marks: list[tuple[str, float]] = []

    def mark(step: str, _percent: int) -> None:
        marks.append((step, time.perf_counter()))

    for _ in range(1 + repeats):
        marks.clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        data = render_poster(doc, size, orientation, fmt, mark)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    steps = {step: later - at for (step, at), (_, later) in zip(marks, marks[1:], strict=False)}
    if out:
        Path(out, f"poster_{size}_{orientation}.{fmt}").write_bytes(data)
    return {
        "case": f"{size} {orientation} {fmt.upper()}",
        "cold": times[0],
        "warm": statistics.median(times[1:]) if repeats else times[0],
        "cpu": statistics.median(cpu[1:]) if repeats else cpu[0],
        "steps": steps,
        "bytes": len(data),
        "rss_loaded_mib": rss_loaded,
        "rss_peak_mib": peak_rss_mib(),
    }


def run_analysis(document: bytes) -> dict:
    """Child process: the text analysis an export does first (themes, cloud terms)."""
    import dataclasses

    from facilitator.exports.collect import with_analysis

    doc = dataclasses.replace(pickle.loads(document), themes=(), cloud_terms=())
    rss_loaded = peak_rss_mib()
    start, start_cpu = time.perf_counter(), time.process_time()
    analysed = with_analysis(doc)
    return {
        "wall": time.perf_counter() - start,
        "cpu": time.process_time() - start_cpu,
        "themes": len(analysed.themes),
        "terms": len(analysed.cloud_terms),
        "rss_loaded_mib": rss_loaded,
        "rss_peak_mib": peak_rss_mib(),
    }


def report(rows: list[dict]) -> str:
    """A Markdown table of the results."""
    lines = [
        "| poster | cold | warm (median) | warm CPU | " + " | ".join(STEPS) + " | output "
        "| RSS after load | peak RSS |",
        "| --- | ---: | ---: | ---: | "
        + " | ".join("---:" for _ in STEPS)
        + " | ---: | ---: | ---: |",
    ]
    for r in rows:
        steps = " | ".join(f"{r['steps'].get(step, 0.0):.2f} s" for step in STEPS)
        lines.append(
            f"| {r['case']} | {r['cold']:.2f} s | {r['warm']:.2f} s | {r['cpu']:.2f} s | {steps} "
            f"| {r['bytes'] / 1024:,.0f} KiB | {r['rss_loaded_mib']:.0f} MiB "
            f"| {r['rss_peak_mib']:.0f} MiB |"
        )
    return "\n".join(lines)


def main() -> None:
    """Build the document once, run every case in its own child, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="warm runs per case")
    parser.add_argument("--out", default=None, help="folder to write the posters to")
    args = parser.parse_args()
    print(f"commit {commit()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="poster-bench-") as folder:
        started = time.perf_counter()
        document = pickle.dumps(build_document(Path(folder)))
        print(f"document built in {time.perf_counter() - started:.1f} s (not timed below)")
        rows = [in_child(run_case, document, case, args.repeats, args.out) for case in CASES]
        analysis = in_child(run_analysis, document)
    print(report(rows))
    print(
        f"\nanalysis before drawing (as an export job does it, cold, 2,000 notes): "
        f"{analysis['wall']:.2f} s wall, {analysis['cpu']:.2f} s CPU, {analysis['themes']} "
        f"themes, {analysis['terms']} cloud terms, peak RSS {analysis['rss_peak_mib']:.0f} MiB"
    )
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
