"""Poppler's command-line tools, to read back the PDFs the exports make."""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import need

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")


def needs_poppler(test: Callable[..., Any]) -> Callable[..., Any]:
    """Run `test` only with poppler's tools: skipped without them, failed in CI.

    Through `need`, not a skip mark: a mark skips under
    FACILITATOR_REQUIRE_SERVICES=1 too, and CI would pass without reading a single PDF.
    """

    @functools.wraps(test)  # pytest reads the wrapped signature for its fixtures
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not POPPLER:
            need("poppler-utils (pdftotext, pdffonts) is not installed")
        return test(*args, **kwargs)

    return checked


def _run(tool: str, options: list[str], pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "export.pdf"
    path.write_bytes(pdf)
    args = [tool, *options, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext reads it (UTF-8), line breaks and all."""
    return _run("pdftotext", ["-enc", "UTF-8"], pdf, tmp_path)


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[str]:
    """One line of pdffonts per font in the PDF (its two header lines dropped)."""
    return _run("pdffonts", [], pdf, tmp_path).splitlines()[2:]
