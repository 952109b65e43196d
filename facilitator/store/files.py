"""Files written whole or not at all: first to `<name>.part`, then one rename."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """Yield a `.part` path to write; it replaces `path` only if the block succeeds.

    A reader (a download, the projector, a second worker) never sees half a file, and a
    failure leaves no `.part` behind.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        yield partial
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_atomically(path: str | Path, data: bytes | str) -> Path:
    """Write bytes (or UTF-8 text) to `path` whole; returns the path."""
    with replacing(path) as partial:
        if isinstance(data, str):
            partial.write_text(data, encoding="utf-8")
        else:
            partial.write_bytes(data)
    return Path(path)
