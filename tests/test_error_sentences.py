"""Every refusal code raised in the source reads as its own sentence in nl, fr and en."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from facilitator.web.i18n import ERROR_MESSAGES, error_message

SOURCE = Path(__file__).resolve().parent.parent / "facilitator"
RAISERS = {"DomainError", "ArchiveError", "ConnectionRefusedError", "fail", "_refuse"}
CODE_KEYWORDS = {"bad", "broken", "empty", "too_long"}


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _default_codes(args: ast.arguments) -> set[str]:
    """Defaults of code parameters (clean_text's `empty="empty_text"`)."""
    named = args.kwonlyargs + args.args[len(args.args) - len(args.defaults) :]
    defaults = list(args.kw_defaults) + list(args.defaults)
    pairs = zip(args.kwonlyargs + named[len(args.kwonlyargs) :], defaults, strict=False)
    return {
        d.value
        for a, d in pairs
        if a.arg in CODE_KEYWORDS and isinstance(d, ast.Constant) and isinstance(d.value, str)
    }


def raised_codes() -> set[str]:
    """String codes given to the raisers, and to clean_text's code keywords."""
    codes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                codes |= _default_codes(node.args)
            if not isinstance(node, ast.Call):
                continue
            if _name(node.func) in RAISERS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    codes.add(first.value)
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg in CODE_KEYWORDS and isinstance(value, ast.Constant):
                    if isinstance(value.value, str):
                        codes.add(value.value)
    return codes


def test_the_collector_finds_the_known_codes() -> None:
    codes = raised_codes()
    assert {"empty_text", "text_too_long", "too_many_notes", "not_your_table"} <= codes


@pytest.mark.parametrize("lang", ["en", "nl", "fr"])
def test_every_raised_code_has_its_own_sentence(app, lang: str) -> None:
    missing = sorted(code for code in raised_codes() if code not in ERROR_MESSAGES)
    assert missing == []
    with app.test_request_context(f"/?lang={lang}"):
        generic = error_message("server_error")
        fallback = error_message("no_such_code_anywhere")
        for code in raised_codes() - {"server_error"}:
            sentence = error_message(code)
            assert sentence not in {generic, ""}, code
            if code != "bad_request":
                assert sentence != fallback, code
