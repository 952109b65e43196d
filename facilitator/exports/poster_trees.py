"""The poster's layouts: trees of named sections with weights, for each orientation.

The design comes first; the next ones give the text sections more of the page at the
expense of the cloud, the photos and the charts (which scale). `poster._layout` tries
them in order, each with its boxes shared by what they hold (`poster_shares`).
"""

from __future__ import annotations

from facilitator.exports.poster_layout import Split, column, row

PORTRAITS = (
    column(
        (0.1, row((1.9, "title"), (1, "numbers"))),
        (0.25, "questions"),
        (0.245, row((1.05, "cloud"), (1, "themes"))),
        (0.2, row((1.1, "agenda"), (0.9, "priorities"), (1.1, "commitments"))),
        (0.205, row((1.45, "photos"), (1, "participation"))),
    ),
    column(
        (0.1, row((1.9, "title"), (1, "numbers"))),
        (0.22, "questions"),
        (0.26, row((0.9, "cloud"), (1.2, "themes"))),
        (0.27, row((1.05, "agenda"), (1.05, "priorities"), (1.1, "commitments"))),
        (0.15, row((1.45, "photos"), (1, "participation"))),
    ),
    column(
        (0.1, row((1.9, "title"), (1, "numbers"))),
        (0.17, "questions"),
        (0.28, row((0.75, "cloud"), (1.3, "themes"))),
        (0.31, row((1, "agenda"), (1.1, "priorities"), (1.1, "commitments"))),
        (0.14, row((1.45, "photos"), (1, "participation"))),
    ),
    # A long vote: the priorities take a column as high as the agenda, the commitments
    # and the photos together.
    column(
        (0.1, row((1.9, "title"), (1, "numbers"))),
        (0.17, "questions"),
        (0.28, row((0.75, "cloud"), (1.3, "themes"))),
        (
            0.45,
            row(
                (
                    1.45,
                    column(
                        (0.55, row((1, "agenda"), (1, "commitments"))),
                        (0.45, row((1, "photos"), (1.2, "participation"))),
                    ),
                ),
                (1, "priorities"),
            ),
        ),
    ),
)
TITLE_ROW = row((2.7, "title"), (1.5, "numbers"))
# Landscape: the title row over four columns of two sections each.
LANDSCAPE_PAIRS = (("questions", "agenda"), ("cloud", "photos"), ("themes", "participation"))
LANDSCAPE_PAIRS += (("priorities", "commitments"),)


def landscape(*columns: tuple[float, float, float]) -> Split:
    """A landscape layout: each column's (width, top share, bottom share)."""
    parts = tuple(
        (width, column((top, first), (bottom, second)))
        for (width, top, bottom), (first, second) in zip(columns, LANDSCAPE_PAIRS, strict=True)
    )
    return column((0.125, TITLE_ROW), (0.875, row(*parts)))


LANDSCAPES = (
    landscape((1.3, 0.62, 0.38), (1.2, 0.52, 0.48), (1, 0.52, 0.48), (0.95, 0.45, 0.55)),
    landscape((1.3, 0.62, 0.38), (1, 0.5, 0.5), (1.15, 0.66, 0.34), (1.1, 0.5, 0.5)),
    landscape((1.25, 0.6, 0.4), (0.95, 0.5, 0.5), (1.25, 0.72, 0.28), (1.25, 0.52, 0.48)),
)
PORTRAIT, LANDSCAPE = PORTRAITS[0], LANDSCAPES[0]
TEXT_SECTIONS = ("questions", "agenda", "themes", "priorities", "commitments")
