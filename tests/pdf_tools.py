"""Poppler's command-line tools, to read back the PDFs the exports make."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="needs poppler-utils")


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
