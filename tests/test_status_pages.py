"""403/404/500 read as the app's own pages, in the reader's language."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "Page not found"), ("nl", "niet gevonden"), ("fr", "introuvable")]
)
def test_a_missing_page_is_the_apps_page_in_the_readers_language(app, lang, words):
    answer = app.test_client().get("/no/such/page", headers={"Accept-Language": lang})
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"
    assert words in answer.get_data(as_text=True)


def test_a_wrong_staff_link_is_refused_in_french(app, links):
    client = app.test_client()
    answer = client.get(f"/f/{links.join_code}/wrongsecret", headers={"Accept-Language": "fr"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 403
    assert "Ce lien n’ouvre pas cette page" in body
    assert "This link does not open" not in body and "Join a workshop" not in body


def test_a_crash_shows_the_page_without_a_traceback(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret detail")

    answer = app.test_client().get("/boom-for-test")
    assert answer.status_code == 500
    body = answer.get_data(as_text=True)
    assert "secret detail" not in body and "Traceback" not in body
    assert "Something broke on our side" in body
