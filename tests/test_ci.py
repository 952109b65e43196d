"""CI runs every test: what the suite needs gets installed, and no skip goes unnoticed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tests.conftest
from tests import pdf_tools

ROOT = Path(__file__).resolve().parent.parent
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ci_installs_poppler_for_the_pdf_tests():
    for tool in ("pdftoppm", "pdftotext", "pdffonts"):
        assert tool in CI, f".ci/run does not check for {tool}"
    assert "missing+=(poppler-utils)" in CI


@pytest.mark.parametrize("required", [False, True])
def test_without_poppler_a_pdf_test_skips_locally_and_fails_in_ci(monkeypatch, required):
    monkeypatch.setattr(pdf_tools, "POPPLER", None)
    monkeypatch.setattr(tests.conftest, "REQUIRE_SERVICES", required)
    ran = []
    test = pdf_tools.needs_poppler(lambda: ran.append(True))
    outcome = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(outcome):
        test()
    assert not ran


# Ways to skip that do not ask `need` whether this run requires every service.
BYPASS = re.compile(r"pytest\.skip\(|importorskip|mark\.skip(if)?\b")
# The one skip allowed: `need` itself, outside CI.
ALLOWED = {("tests/conftest.py", "pytest.skip(reason)")}


def test_every_skip_in_the_suite_goes_through_need():
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path == Path(__file__).resolve():
            continue
        where = str(path.relative_to(ROOT))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BYPASS.search(line) and (where, line.strip()) not in ALLOWED:
                offenders.append(f"{where}:{number}: {line.strip()}")
    assert not offenders, "skip through tests.conftest.need instead:\n" + "\n".join(offenders)
