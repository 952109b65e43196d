"""The workshop's title per language: the organiser gives it, every screen reads its own."""

from __future__ import annotations

import pytest

from facilitator.cafe.views import title_in
from facilitator.errors import DomainError
from facilitator.organise.demo import template
from facilitator.organise.specs import clean_spec
from tests.test_organiser import create, edit_form, html, load, organiser, post_form, spec_of

TITLES = {"nl": "Zorgzame buurten", "fr": "Quartiers solidaires"}


def test_the_organiser_gives_the_title_in_each_language_and_gets_it_back(app):
    alice = organiser(app)
    code = create(alice)
    fields = edit_form(alice, code)
    # Offered for each of the workshop's languages, the demo's own filled in.
    assert fields["title-nl"] == ["Zorgzame buurten in Vlaanderen en Brussel"]
    fields |= {"title": ["Caring neighbourhoods"], "title-nl": [TITLES["nl"]]}
    fields |= {"title-fr": [TITLES["fr"]], "title-en": [""]}
    response = post_form(alice, code, fields)
    assert response.status_code == 302, html(response)
    assert load(app, code).titles == TITLES
    assert spec_of(app, code)["titles"] == TITLES
    again = edit_form(alice, code)
    assert (again["title-nl"], again["title-fr"]) == ([TITLES["nl"]], [TITLES["fr"]])


def test_a_title_too_long_in_one_language_is_refused():
    spec = dict(template()) | {"titles": {"nl": "x" * 201}}
    with pytest.raises(DomainError) as refused:
        clean_spec(spec)
    assert refused.value.details["field"] == "title-nl"
    assert clean_spec(dict(template()) | {"titles": {"de": "Titel"}})["titles"] == {}


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("nl", "Zorgzame buurten"),
        ("fr", "Quartiers solidaires"),
        ("en", "Caring"),
        (None, "Caring"),
    ],
)
def test_a_reader_sees_their_language_or_the_default(language, shown):
    class Workshop:
        title, titles = "Caring", TITLES

    assert title_in(Workshop(), language) == shown  # type: ignore[arg-type]


def test_phones_and_the_projector_show_the_title_in_their_language(app, helpers):
    links = helpers.make_workshop(title="Caring", titles=TITLES)
    dutch = helpers.join(links.join_code, language="nl")
    french = helpers.join(links.join_code, language="fr")
    assert TITLES["nl"] in dutch.http.get(f"/w/{links.join_code}").get_data(as_text=True)
    assert TITLES["fr"] in french.http.get(f"/w/{links.join_code}").get_data(as_text=True)
    english = app.test_client().get(f"/j/{links.join_code}", headers={"Accept-Language": "en"})
    assert "<h1>Caring</h1>" in english.get_data(as_text=True)
    assert dutch.snapshot()["workshop"]["titles"] == TITLES
