"""Themes of different workshops that say the same thing, by their meaning.

Each workshop theme found by meaning keeps the mean of its notes' vectors (harvest/
meaning.py's `mean_meaning`). Raw, those means sit closer to any theme of their own
language than to their translation (loneliness in Dutch is nearer housing in Dutch than
loneliness in French), so, as the room's themes do (room_themes.py), each language's
mean theme is subtracted first; then two themes of different workshops are the same
where their cosine is at least SAME_THEME_COSINE.

Measured on tests/data/labelled_notes.json (8 human themes x nl, fr, en; a workshop's
theme taken as the mean of one human theme's notes in one language, centred): the same
theme in two languages has a cosine of 0.33 to 0.77 (mean 0.61), two different themes
at most 0.27 (mean -0.11; within one language at most 0.18). Raw, uncentred, the two
overlap (same 0.93 to 0.97, different up to 0.97). On rooms of 24 notes (the test's
nl and fr workshops) loneliness met at 0.31, different subjects stayed under 0.22.

Plain numbers in, groups out: a few thousand themes take milliseconds (one product).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from threadpoolctl import ThreadpoolController

from facilitator.harvest.room_themes import RoomConfig, centred

SAME_THEME_COSINE = 0.3
# A language's mean is subtracted from two themes on: the mean of one theme is that
# theme itself, and nothing of it would be left.
MIN_LANGUAGE_THEMES = 2


_controller: list[ThreadpoolController] = []  # found once: looking costs milliseconds


def _blas() -> ThreadpoolController:
    if not _controller:
        _controller.append(ThreadpoolController())
    return _controller[0]


def same_meaning_groups(
    vectors: Sequence[np.ndarray], languages: Sequence[str], owners: Sequence[int]
) -> list[int]:
    """A group number per theme: themes of different owners (workshops) whose
    language-centred vectors are at least SAME_THEME_COSINE alike are in one group, and
    so are the themes alike to those (single linkage)."""
    if len(vectors) < 2:
        return list(range(len(vectors)))
    config = RoomConfig(min_language_notes=MIN_LANGUAGE_THEMES)
    points = centred(np.stack(vectors).astype(np.float32), list(languages), config)
    # One BLAS thread: the web process must not spin up threads on a shared machine
    # (the product of 680 themes took 18 ms so, 28 ms to seconds with OpenBLAS's own).
    with _blas().limit(limits=1, user_api="blas"):
        similar = points @ points.T
    owner = np.asarray(owners)
    close = (similar >= SAME_THEME_COSINE) & (owner[:, None] != owner[None, :])
    _count, labels = connected_components(csr_matrix(close), directed=False)
    return [int(label) for label in labels]
