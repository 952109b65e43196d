"""How long the plenary report takes, as HTML and as PDF, for a big workshop.

The document: `tests.sample_document` with 200 participants, 12 tables, 3 rounds, 2,000
notes (the labelled nl/fr/en set plus real Polis statements, CC BY 4.0) and 36 generated
1600x1200 tablecloth JPEGs. It is built once in the parent (photos drawn to a temporary
folder) and handed to each case, which runs in a fresh spawned child process, as in the
app's worker pool, so its peak RSS (`ru_maxrss` of the child) is its own. In each child:
- `model`: the sections gathered and every photo downscaled to 900 px JPEG;
- `total`: `render_report_html` or `render_report_pdf`, end to end (model included);
- `both`: HTML then PDF in one worker, as when an organiser asks for both (the photos
  are downscaled once and reused).
The photo cache is cleared before every run, so each run pays for the photos. Medians of
`--repeats` runs, as wall time and as the child's CPU time (steadier on a busy machine).
Run: `.venv/bin/python -m bench.report`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.measure import ROOT, commit, in_child, peak_rss_mib, timed

CASES = ("html", "pdf", "both")
SIZE = {"people": 200, "tables": 12, "rounds": 3, "notes": 2_000, "photos": 36}


def run_case(case: str, doc: Any, repeats: int, out_dir: str | None) -> dict[str, Any]:
    """Child process: render the report `case` times; return seconds, sizes and memory."""
    from facilitator.exports.report import (
        _downscaled,
        build_model,
        render_report_html,
        render_report_pdf,
    )

    rss_start = peak_rss_mib()
    clear = _downscaled.cache_clear
    model_s, model_cpu, _ = timed(lambda: build_model(doc), repeats, clear)
    renders: dict[str, Callable[[], Any]] = {
        "html": lambda: render_report_html(doc),
        "pdf": lambda: render_report_pdf(doc),
        "both": lambda: (render_report_html(doc), render_report_pdf(doc)),
    }
    total_s, total_cpu, result = timed(renders[case], repeats, clear)
    html, pdf = {"html": (result, None), "pdf": (None, result), "both": result}[case]
    if out_dir and case == "both":
        Path(out_dir, "report_bench.html").write_text(html, encoding="utf-8")
        Path(out_dir, "report_bench.pdf").write_bytes(pdf)
    return {
        "case": case,
        "model": model_s,
        "model_cpu": model_cpu,
        "total": total_s,
        "total_cpu": total_cpu,
        "html_bytes": len(html.encode("utf-8")) if html else 0,
        "pdf_bytes": len(pdf) if pdf else 0,
        "pages": len(re.findall(rb"/Type /Page\b", pdf)) if pdf else 0,
        "rss_start_mib": rss_start,
        "rss_peak_mib": peak_rss_mib(),
    }


def report(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of the results."""
    lines = [
        "| case | model (photos): wall / CPU | total: wall / CPU | HTML | PDF (pages) "
        "| RSS after load | peak RSS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        html = f"{r['html_bytes'] / 2**20:.1f} MiB" if r["html_bytes"] else "-"
        pdf = f"{r['pdf_bytes'] / 2**20:.1f} MiB ({r['pages']})" if r["pdf_bytes"] else "-"
        lines.append(
            f"| {r['case']} | {r['model']:.2f} s / {r['model_cpu']:.2f} s "
            f"| {r['total']:.2f} s / {r['total_cpu']:.2f} s "
            f"| {html} | {pdf} | {r['rss_start_mib']:.0f} MiB | {r['rss_peak_mib']:.0f} MiB |"
        )
    return "\n".join(lines)


def main() -> None:
    """Build the document once, run every case in its own child and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="/tmp", help="folder for the HTML and PDF made")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.sample_document import sample_document

    print(f"commit {commit()}, load average {os.getloadavg()[0]:.2f}, {SIZE}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as photos:
        doc = sample_document(Path(photos), **SIZE)
        rows = [in_child(run_case, case, doc, args.repeats, args.out) for case in args.cases]
    print(report(rows))
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
