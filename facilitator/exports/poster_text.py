"""Measuring, wrapping and shortening poster text, in millimetres, without drawing it.

Widths come from FreeType (the same DejaVu Sans files matplotlib embeds in the PDF),
measured once at 100 pt and scaled, so a line that fits here fits on the page. A small
safety factor absorbs hinting in the PNG renderer. Emoji and symbols DejaVu lacks are
drawn (and measured) with Symbola from Debian's fonts-symbola, as in the report.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import matplotlib
from matplotlib.font_manager import FontProperties, fontManager, get_font
from matplotlib.ft2font import LoadFlags

MM_PER_PT = 25.4 / 72
ELLIPSIS = "…"
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONTS = {
    "regular": str(_FONT_DIR / "DejaVuSans.ttf"),
    "bold": str(_FONT_DIR / "DejaVuSans-Bold.ttf"),
    "oblique": str(_FONT_DIR / "DejaVuSans-Oblique.ttf"),
}
SYMBOLS = Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")  # fonts-symbola
_FAMILY, _SYMBOLS_FAMILY = "DejaVu Sans", "Symbola"
ASCENT = 1901 / 2048  # DejaVu Sans hhea ascender, in em
DESCENT = 483 / 2048
LINE_PITCH = 1.24  # line height in em: ascent + descent (1.16) plus a little air
_SAFETY = 1.03  # measured width x this must fit: PNG hinting may widen a line slightly
_MEASURE_PT = 100.0
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _dejavu_covers() -> frozenset[int]:
    """Code points every DejaVu style draws."""
    maps = [set(get_font(path).get_charmap()) for path in FONTS.values()]
    return frozenset(set.intersection(*maps))


@lru_cache(maxsize=1)
def _symbols_cover() -> frozenset[int]:
    """Code points Symbola adds (none where the package is missing)."""
    if not SYMBOLS.exists():
        return frozenset()
    return frozenset(get_font(str(SYMBOLS)).get_charmap()) - _dejavu_covers()


def clean(text: str, symbols: bool = True) -> str:
    """One line of printable text: whitespace collapsed, glyphs no font draws dropped
    (never printed as boxes). Emoji's joiners and variation selectors go without a gap.
    `symbols=False` keeps DejaVu's glyphs only (the word cloud is laid out with it)."""
    covered = _dejavu_covers() | (_symbols_cover() if symbols else frozenset())
    kept = "".join(ch if ord(ch) in covered else _gap(ch) for ch in text)
    return _SPACES.sub(" ", kept).strip()


def _gap(char: str) -> str:
    return "" if unicodedata.category(char) in ("Mn", "Cf") else " "


@cache
def font_properties() -> dict[str, FontProperties]:
    """The poster's three styles as matplotlib draws them: DejaVu Sans, falling back to
    Symbola for what it lacks (matplotlib picks per glyph from the family list)."""
    families = [_FAMILY]
    if SYMBOLS.exists():
        fontManager.addfont(str(SYMBOLS))
        families.append(_SYMBOLS_FAMILY)
        # Symbola has one weight: matplotlib warns on every bold lookup that it uses it.
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    return {
        "regular": FontProperties(family=families),
        "bold": FontProperties(family=families, weight="bold"),
        "oblique": FontProperties(family=families, style="oblique"),
    }


@lru_cache(maxsize=4096)
def _advance(char: str, font: str) -> float:
    """Advance width of one character at 100 pt, in points (unhinted), in the font that
    draws it."""
    drawn_by_symbols = ord(char) in _symbols_cover()
    face = get_font(str(SYMBOLS) if drawn_by_symbols else FONTS[font])
    face.set_size(_MEASURE_PT, 72)
    glyph = face.load_char(ord(char), flags=LoadFlags.NO_HINTING)
    return glyph.linearHoriAdvance / 65536


@lru_cache(maxsize=20_000)
def _width_at_100(text: str, font: str) -> float:
    """Width of `text` at 100 pt in points: the sum of advances. Kerning only ever
    tightens DejaVu's pairs, so this errs on the wide side (and is ~50x faster than
    laying the line out with FreeType)."""
    return sum(_advance(char, font) for char in text)


def text_width(text: str, font: str, size_pt: float) -> float:
    """Width of one line of text in millimetres."""
    return _width_at_100(text, font) * size_pt / _MEASURE_PT * MM_PER_PT


def line_height(size_pt: float) -> float:
    """Distance between baselines, in millimetres."""
    return size_pt * LINE_PITCH * MM_PER_PT


def baseline_offset(size_pt: float) -> float:
    """From the top of a line's box down to its baseline, in millimetres."""
    lead = (LINE_PITCH - ASCENT - DESCENT) / 2
    return size_pt * (ASCENT + lead) * MM_PER_PT


def fits(text: str, font: str, size_pt: float, width_mm: float) -> bool:
    """Whether one line fits the width, with the safety margin."""
    return text_width(text, font, size_pt) * _SAFETY <= width_mm


def _split_long_word(word: str, font: str, size_pt: float, width_mm: float) -> list[str]:
    """Cut a word wider than the box (a URL, say) into pieces that fit."""
    pieces, current = [], ""
    for ch in word:
        if current and not fits(current + ch, font, size_pt, width_mm):
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current] if current else pieces


_GLUE_BEFORE = frozenset("?!:;»%")  # French spacing: "projet ?" must not orphan the "?"
_GLUE_AFTER = frozenset("«")


def _words(text: str) -> list[str]:
    """Words to wrap, with lone punctuation kept on the line of its neighbour."""
    words: list[str] = []
    glue_next = False
    for word in clean(text).split(" "):
        if words and (glue_next or (len(word) == 1 and word in _GLUE_BEFORE)):
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
        glue_next = word in _GLUE_AFTER
    return words


def wrap(text: str, font: str, size_pt: float, width_mm: float) -> list[str]:
    """Greedy word wrap by measured width; never returns a line wider than the box."""
    lines: list[str] = []
    current = ""
    for word in _words(text):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if fits(candidate, font, size_pt, width_mm):
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _split_long_word(word, font, size_pt, width_mm)
        lines.extend(pieces[:-1])
        current = pieces[-1] if pieces else ""
    if current:
        lines.append(current)
    return lines


def shorten_line(line: str, font: str, size_pt: float, width_mm: float) -> str:
    """End a line with "…", dropping whole words until it fits (characters if one word)."""
    words = line.split(" ")
    while len(words) > 1:
        candidate = " ".join(words).rstrip(",;:.!?-–—") + ELLIPSIS
        if fits(candidate, font, size_pt, width_mm):
            return candidate
        words.pop()
    word = words[0]
    while word and not fits(word + ELLIPSIS, font, size_pt, width_mm):
        word = word[:-1]
    return word + ELLIPSIS


def wrap_clamped(
    text: str, font: str, size_pt: float, width_mm: float, max_lines: int
) -> list[str]:
    """Wrap, keep at most `max_lines`, and mark a cut with "…" on a word boundary."""
    if max_lines < 1:
        return []
    # Long notes: wrap only the start, enough for the lines we may show (keeps it fast).
    budget = max_lines * max(20, int(width_mm / (size_pt * MM_PER_PT * 0.45)))
    source = clean(text)
    cut = len(source) > budget
    if cut:
        source = source[:budget].rsplit(" ", 1)[0] or source[:budget]
    lines = wrap(source, font, size_pt, width_mm)
    if len(lines) > max_lines or cut:
        kept = lines[:max_lines]
        if kept:
            kept[-1] = shorten_line(kept[-1], font, size_pt, width_mm)
        return kept
    return lines


def fit_label(text: str, font: str, size_pt: float, width_mm: float, separator: str = " · ") -> str:
    """One line for a label of terms ("a · b · c"): drop whole terms from the end, so a
    theme keeps its strongest words; a single term too long is shortened with "…"."""
    terms = [term for term in clean(text).split(separator.strip()) if term.strip()]
    terms = [term.strip() for term in terms]
    while terms:
        candidate = separator.join(terms)
        if fits(candidate, font, size_pt, width_mm):
            return candidate
        if len(terms) == 1:
            return shorten_line(candidate, font, size_pt, width_mm)
        terms.pop()
    return ""
