"""Colours of the harvest views: light, warm colours for the projector's dark green wall."""

from __future__ import annotations

from dataclasses import dataclass

PROJECTOR_BACKGROUND = "#0f2a22"
PROJECTOR_TEXT = "#f4efe6"
# Light colours of distinct hues, warm first, each readable on #0f2a22; adjacent entries
# differ in hue so that neighbouring lines and words stay apart.
PROJECTOR_PALETTE: tuple[str, ...] = (
    "#ffd166",  # warm yellow
    "#f28482",  # coral
    "#a8dadc",  # pale teal
    "#f4a261",  # sandy orange
    "#f4efe6",  # cream
    "#c3b1e1",  # lavender
    "#b5e48c",  # light green
)
POSTER_BACKGROUND = "#ffffff"
POSTER_TEXT = "#1d2b26"
POSTER_PALETTE: tuple[str, ...] = (
    "#1b5e4a",
    "#c8553d",
    "#2a6f97",
    "#b08900",
    "#7b2d6b",
    "#4a4e69",
    "#9c6644",
)


@dataclass(frozen=True, slots=True)
class Look:
    """Background, text colour and series colours of a chart or cloud."""

    background: str
    text: str
    palette: tuple[str, ...]
    grid: str


PROJECTOR = Look(PROJECTOR_BACKGROUND, PROJECTOR_TEXT, PROJECTOR_PALETTE, "#2e4d43")
POSTER = Look(POSTER_BACKGROUND, POSTER_TEXT, POSTER_PALETTE, "#d9d9d9")
