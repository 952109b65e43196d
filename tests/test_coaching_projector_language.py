"""The projector's coaching screen speaks one language: its words come in every language
of the app (#coaching-i18n), for static/js/coaching_projector.js to show them in the
harvest language the facilitator picks, as the cards' and areas' titles are."""

from __future__ import annotations

import json
import re

from flask import Flask
from flask_babel import force_locale

from facilitator.web.i18n import coaching_room_strings, js_strings
from tests.conftest import Helpers


def _screen_words(app: Flask, helpers: Helpers, page_language: str) -> dict:
    links = helpers.make_workshop()
    client = app.test_client()
    client.get(f"/p/{links.join_code}/{links.projector_secret}")
    page = client.get(f"/p/{links.join_code}?lang={page_language}").get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="coaching-i18n">(.*?)</script>', page)
    assert found, "the projector page carries no coaching texts"
    return json.loads(found.group(1))


def test_an_english_projector_carries_the_coaching_words_in_dutch_and_french(app, helpers):
    words = _screen_words(app, helpers, "en")
    assert set(words) == {"nl", "fr", "en"}
    assert words["fr"]["coaching_title"] == "L'autodiagnostic de la salle"
    assert words["nl"]["coaching_title"] == "De zelfscan van de zaal"
    assert words["en"]["coaching_title"] == "The room's self-scan"
    assert words["fr"]["card_for_room"] == "Carte pour toute la salle"
    assert words["nl"]["card_for_room"] == "Kaart voor de hele zaal"


def test_every_coaching_word_is_translated_in_each_language(app):
    with app.test_request_context():
        english = coaching_room_strings()
        for language in ("nl", "fr"):
            with force_locale(language):
                translated = coaching_room_strings()
            assert set(translated) == set(english)
            same = {key for key in english if translated[key] == english[key]}
            assert same == set(), (language, same)


def test_the_phones_and_console_still_get_the_card_words_in_their_own_language(app):
    with app.test_request_context("/?lang=fr"):
        strings = js_strings()
    assert strings["card_for_table"] == "Carte pour la table {table}"
    assert strings["card_for_room"] == "Carte pour toute la salle"
