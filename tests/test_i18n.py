"""Every visible string in Dutch, French and English, from the first one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "facilitator" / "translations"
# Words that are the same in the other language on purpose.
SAME_ON_PURPOSE = {
    "nl": {
        "Facilitator",
        "Routes",
        "Workshop",
        "Workshops",
        "%(num)d workshop",
        "workshops",
        "{count} workshop",
        "{count} workshops",
        "{count} project",
        "Sorry",
        "Nederlands",
        "Français",
        "English",
        "+1 min",
        "+5 min",
        "{count} min",
    },
    "fr": {
        "Table {table}",
        "Tables",
        "{count} notes",
        "1 note",
        "+1 min",
        "+5 min",
        "{count} min",
        "{count} note",  # plural entries are known by their singular
        "note",
        "table",
        "Pause",
        "Nederlands",
        "Français",
        "English",
    },
}
PLACEHOLDER = re.compile(r"%\(\w+\)\w|\{\w+\}")


def catalogue(language: str):
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open(encoding="utf-8") as f:
        return read_po(f)


def source_messages() -> set[str]:
    method_map = [("facilitator/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "lazy_gettext": None}
    found = extract_from_dir(str(ROOT), method_map=method_map, keywords=keywords)
    return {message for _file, _line, message, _comments, _context in found}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_string_in_the_code_is_translated(language):
    translated = {m.id: m.string for m in catalogue(language) if m.id}
    missing = sorted(m for m in source_messages() if not translated.get(m))
    assert not missing, f"run `make extract-messages` and translate: {missing}"


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_translations_are_real_and_keep_their_placeholders(language):
    for message in catalogue(language):
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, message.id
        # A plural entry (ngettext) has a tuple of msgids and one msgstr per plural form.
        ids = message.id if message.pluralizable else (message.id,)
        forms = message.string if message.pluralizable else (message.string,)
        for form in forms:
            assert form, f"{language}: {message.id!r} lacks a plural form"
            assert sorted(PLACEHOLDER.findall(ids[-1])) == sorted(PLACEHOLDER.findall(form))
        if ids[0] not in SAME_ON_PURPOSE[language]:
            assert tuple(forms) != ids[: len(forms)], f"{language}: {ids!r} is an English copy"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "Doe mee aan een workshop"), ("fr", "Rejoindre un atelier"), ("en", "Join a workshop")],
)
def test_the_home_page_speaks_the_browsers_language(app, language, expected):
    client = app.test_client()
    html = client.get("/", headers={"Accept-Language": f"{language},en;q=0.5"}).get_data(
        as_text=True
    )
    assert expected in html and f'lang="{language}"' in html


def test_the_language_links_switch_the_page(app, links):
    html = app.test_client().get(f"/j/{links.join_code}?lang=fr").get_data(as_text=True)
    assert "Votre langue" in html


def test_the_scripts_texts_come_translated(app, helpers, links):
    phone = helpers.join(links.join_code, language="nl")
    html = phone.http.get(f"/w/{links.join_code}").get_data(as_text=True)
    assert '"you_are_at_table": "Je zit aan tafel {table}"' in html


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_every_count_the_browser_shows_has_both_forms_in_the_readers_language(app, language):
    """`Common.count` picks `key_one` or `key` by Intl.PluralRules: both forms must be
    translated, carry the count alike, and differ where the language says they do."""
    from flask_babel import force_locale

    from facilitator.web.i18n import js_strings

    with app.test_request_context(), force_locale(language):
        strings = js_strings()
    ones = [key for key in strings if key.endswith("_one")]
    assert len(ones) >= 15
    for one in ones:
        other = strings[one.removesuffix("_one")]
        assert ("{count}" in strings[one]) == ("{count}" in strings[one.removesuffix("_one")])
        assert "1" not in strings[one], (language, one, strings[one])  # "0 note" in French
        assert strings[one] and other
    assert strings["notes_count_one"] != strings["notes_count"]


def test_the_browser_picks_the_plural_form_by_the_pages_language():
    script = (ROOT / "static" / "js" / "common.js").read_text()
    assert "new Intl.PluralRules(document.documentElement.lang" in script
    assert "n === 1 ?" not in script


@pytest.mark.parametrize(
    ("language", "words"), [("nl", "Geen antwoord"), ("fr", "ne répond pas"), ("en", "No answer")]
)
def test_a_phone_that_got_no_answer_says_so_not_something_went_wrong(app, language, words):
    """A timed-out emit on a weak Wi-Fi is told apart from a refusal, in the reader's language."""
    from flask_babel import force_locale

    from facilitator.web.i18n import js_strings

    with app.test_request_context(), force_locale(language):
        strings = js_strings()
    assert words in strings["no_answer"]
    assert strings["no_answer"] != strings["error_generic"]
    scripts = Path(__file__).resolve().parents[1] / "static" / "js"
    for name in ("participant.js", "facilitator.js", "themes_console.js"):
        source = (scripts / name).read_text(encoding="utf-8")
        assert 'err ? t("error_generic")' not in source and "no_answer" in source, name
