"""Card sets: the shipped default, a copy, editing per language, and who sees which set."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from facilitator.coaching import cards
from facilitator.errors import DomainError
from facilitator.organise.users import create_user
from facilitator.store.db import session_scope
from facilitator.web.auth import ORGANISER_COOKIE, issue_organiser_token
from tests.conftest import Helpers


def test_the_default_set_has_seven_areas_of_three_to_five_cards_in_every_language():
    content = cards.default_set()
    assert len(content["areas"]) == 7
    for area in content["areas"]:
        assert set(area["title"]) == set(cards.LANGUAGES)
        assert 3 <= len(area["cards"]) <= 5
        assert {card["kind"] for card in area["cards"]} == set(cards.KINDS)
        for card in area["cards"]:
            assert all(card["text"][lang].strip() for lang in cards.LANGUAGES)
            assert len(max(card["text"].values(), key=len)) <= cards.CARD_MAX
    titles = [area["title"]["en"] for area in content["areas"]]
    assert "Co-creation" in titles and "Flexible and adaptive governance" in titles


def test_text_in_falls_back_to_a_language_that_has_the_text():
    assert cards.text_in({"fr": "Bonjour"}, "nl") == "Bonjour"
    assert cards.text_in({"nl": "Hallo", "fr": "Bonjour"}, "fr") == "Bonjour"
    assert cards.text_in({}, "en") == ""


def _user(helpers: Helpers, name: str) -> int:
    with helpers.session() as session:
        return create_user(session, name, "correct horse battery").id


def test_a_copy_is_independent_of_its_original(helpers: Helpers):
    alice = _user(helpers, "alice")
    with helpers.session() as session:
        first = cards.create_set(session, alice, cards.DEFAULT)
        copy = cards.create_set(session, alice, str(first.id))
        original, copied = cards.set_content(session, first), cards.set_content(session, copy)
        area = copied["areas"][0]
        form = _form(copied) | {f"area-{area['id']}-en": "Neighbours who know each other"}
        cards.update_set(session, copy, form)
        assert cards.set_content(session, first) == original
        assert cards.set_content(session, copy)["areas"][0]["title"]["en"] == (
            "Neighbours who know each other"
        )
        assert copied["name"]["en"].endswith("(2)")


def _form(content: dict) -> dict[str, str]:
    """The edit form exactly as the page fills it in."""
    form = {f"name-{lang}": text for lang, text in content["name"].items()}
    for area in content["areas"]:
        form |= {f"area-{area['id']}-{lang}": t for lang, t in area["title"].items()}
        for card in area["cards"]:
            form[f"card-{card['id']}-kind"] = card["kind"]
            form |= {f"card-{card['id']}-{lang}": t for lang, t in card["text"].items()}
    return form


def test_editing_refuses_bad_input_and_removes_an_emptied_card(helpers: Helpers):
    alice, bob = _user(helpers, "alice"), _user(helpers, "bob")
    with helpers.session() as session:
        card_set = cards.create_set(session, alice, cards.DEFAULT)
        content = cards.set_content(session, card_set)
        area, card = content["areas"][0], content["areas"][0]["cards"][0]
        bad = {
            "bad_set_name": {f"name-{lang}": "" for lang in cards.LANGUAGES},
            "bad_area_title": {f"area-{area['id']}-{lang}": "" for lang in cards.LANGUAGES},
            "bad_card_text": {f"card-{card['id']}-fr": "x" * (cards.CARD_MAX + 1)},
            "bad_card_kind": {f"card-{card['id']}-kind": "joke"},
        }
        for code, change in bad.items():
            with pytest.raises(DomainError) as refused:
                cards.update_set(session, card_set, _form(content) | change)
            assert refused.value.code == code
        emptied = {f"card-{card['id']}-{lang}": "" for lang in cards.LANGUAGES}
        cards.update_set(session, card_set, _form(content) | emptied)
        left = cards.set_content(session, card_set)["areas"][0]["cards"]
        assert card["id"] not in [c["id"] for c in left] and len(left) == len(area["cards"]) - 1
        with pytest.raises(DomainError, match="unknown_card_set"):
            cards.owned_set(session, bob, card_set.id)
        with pytest.raises(DomainError, match="unknown_card_set"):
            cards.create_set(session, bob, str(card_set.id))  # a copy of someone else's set
        with pytest.raises(DomainError, match="bad_card_source"):
            cards.create_set(session, alice, "the best one")
        with pytest.raises(DomainError, match="unknown_area"):
            cards.add_card(session, card_set, -1)


def test_an_area_holds_at_most_ten_cards_and_a_set_twelve_areas(helpers: Helpers):
    alice = _user(helpers, "alice")
    with helpers.session() as session:
        card_set = cards.create_set(session, alice, cards.DEFAULT)
        area_id = cards.set_content(session, card_set)["areas"][0]["id"]
        for _ in range(cards.MAX_CARDS - 4):
            cards.add_card(session, card_set, area_id)
        with pytest.raises(DomainError, match="too_many_cards"):
            cards.add_card(session, card_set, area_id)
        for _ in range(cards.MAX_AREAS - 7):
            cards.add_area(session, card_set)
        with pytest.raises(DomainError, match="too_many_areas"):
            cards.add_area(session, card_set)


def _browser(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    client.set_cookie(ORGANISER_COOKIE, issue_organiser_token(app.config["SECRET_KEY"], user_id))
    return client


def test_an_organiser_starts_from_the_default_then_edits_in_french(app: Flask, helpers: Helpers):
    alice = _user(helpers, "alice")
    client = _browser(app, alice)
    created = client.post("/o/coaching/new", data={"source": "default"})
    assert created.status_code == 302
    page = client.get(created.headers["Location"] + "?lang=fr").get_data(as_text=True)
    assert "Le lien entre les habitants" in page and "Question de réflexion" in page
    set_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        content = cards.set_content(session, cards.owned_set(session, alice, set_id))
    area = content["areas"][0]
    form = _form(content) | {f"area-{area['id']}-fr": "Voisins", "action": f"add_card-{area['id']}"}
    assert client.post(f"/o/coaching/{set_id}", data=form).status_code == 302
    page = client.get(f"/o/coaching/{set_id}?lang=fr").get_data(as_text=True)
    assert 'value="Voisins"' in page
    assert page.count('data-test="card"') == sum(len(a["cards"]) for a in content["areas"]) + 1
    refused = client.post(f"/o/coaching/{set_id}?lang=fr", data={"name-fr": "x" * 500})
    assert refused.status_code == 400
    assert "Donnez au jeu un nom de 120 caractères au plus." in refused.get_data(as_text=True)
    listing = client.get("/o/coaching/?lang=nl").get_data(as_text=True)
    assert "Zorgzame buurten: standaardset" in listing
