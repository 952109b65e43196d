"""The report as one self-contained HTML page, rendered with Jinja (nothing external)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from facilitator.exports.document import HarvestDocument
from facilitator.exports.report_model import Progress, _capitalised, _step, build_model

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every user text is escaped unless the template says otherwise
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["capitalised"] = _capitalised
    return env


def render_report_html(doc: HarvestDocument, progress: Progress | None = None) -> str:
    """The report as one HTML file with everything inline: no request leaves the page."""
    model = build_model(doc, progress)
    _step(progress, "writing", 60)
    html = _environment().get_template("report.html").render(m=model, doc=doc)
    _step(progress, "done", 100)
    return html
