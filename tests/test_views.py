"""HTTP views: joining, secret links, cookies, the QR code, vendored assets."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from facilitator.store.models import Participant
from tests.conftest import close_app, make_app


def count_people(helpers):
    with helpers.session() as s:
        return s.scalar(select(func.count(Participant.id)))


def test_the_code_form_leads_to_the_join_page(app, links):
    client = app.test_client()
    response = client.get(f"/join?code={links.join_code.lower()}")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/j/{links.join_code}"
    )
    assert client.get("/join?code=NOPE99").status_code == 404
    assert client.get("/join?code=").status_code == 400


def test_joining_sets_a_signed_httponly_cookie_and_seats_the_person(app, helpers, links):
    client = app.test_client()
    response = client.post(f"/j/{links.join_code}", data={"language": "nl", "name": "An"})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("fp_"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get(f"/w/{links.join_code}")
    assert page.status_code == 200
    assert b'lang="nl"' in page.data
    assert count_people(helpers) == 1
    # The join link again: back to the table, not a second person.
    assert client.get(f"/j/{links.join_code}").status_code == 302
    assert client.post(f"/j/{links.join_code}", data={"language": "nl"}).status_code == 302
    assert count_people(helpers) == 1


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Please choose one of the workshop"),
        ({"language": "de"}, "Please choose one of the workshop"),
        ({"language": "en", "name": "x" * 41}, "Your name is too long"),
        ({"language": "en", "role": "king"}, "Please choose a role"),
    ],
)
def test_bad_join_forms_are_shown_again_with_the_reason(app, helpers, links, form, message):
    response = app.test_client().post(f"/j/{links.join_code}", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_people(helpers) == 0


def test_a_full_workshop_says_so(app, helpers):
    links = helpers.make_workshop(tables={"count": 1, "capacity": 1})
    helpers.join(links.join_code)
    response = app.test_client().post(f"/j/{links.join_code}", data={"language": "fr"})
    assert response.status_code == 400
    # The form comes back in the language the person picked on it.
    assert "Toutes les tables sont" in response.get_data(as_text=True)


def test_an_unknown_workshop_is_a_404(app):
    client = app.test_client()
    for path in ("/j/ZZZZZZ", "/w/ZZZZZZ", "/f/ZZZZZZ", "/p/ZZZZZZ", "/j/" + "A" * 40):
        assert client.get(path).status_code == 404, path


def test_the_participant_page_needs_the_cookie(app, links):
    response = app.test_client().get(f"/w/{links.join_code}")
    assert response.status_code == 302 and f"/j/{links.join_code}" in response.headers["Location"]


def test_a_cookie_of_another_workshop_does_not_open_this_one(app, helpers, links):
    other = helpers.make_workshop()
    phone = helpers.join(links.join_code)
    assert phone.http.get(f"/w/{other.join_code}").status_code == 302


@pytest.mark.parametrize("role", ["f", "p"])
def test_staff_pages_need_their_secret_link(app, links, role):
    client = app.test_client()
    assert client.get(f"/{role}/{links.join_code}").status_code == 403
    assert client.get(f"/{role}/{links.join_code}/wrong-secret").status_code == 403
    assert client.get(f"/{role}/{links.join_code}/{'x' * 200}").status_code == 403


def test_the_projector_link_does_not_open_the_facilitator_page(app, links):
    client = app.test_client()
    assert client.get(f"/f/{links.join_code}/{links.projector_secret}").status_code == 403
    assert client.get(f"/p/{links.join_code}/{links.projector_secret}").status_code == 302
    assert client.get(f"/f/{links.join_code}").status_code == 403


def test_the_facilitator_link_sets_a_cookie_and_drops_the_secret(app, links):
    client = app.test_client()
    response = client.get(f"/f/{links.join_code}/{links.facilitator_secret}")
    assert response.headers["Location"].endswith(f"/f/{links.join_code}")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("ff_"))
    assert "HttpOnly" in cookie and links.facilitator_secret not in cookie
    assert client.get(f"/f/{links.join_code}").status_code == 200


def test_the_projector_shows_a_qr_code_of_the_public_join_link(app, links):
    client = app.test_client()
    client.get(f"/p/{links.join_code}/{links.projector_secret}")
    html = client.get(f"/p/{links.join_code}").get_data(as_text=True)
    assert "<svg" in html and 'data-test="qr"' in html
    assert f"http://192.0.2.10:5000/j/{links.join_code}" in html


def test_join_posts_need_a_csrf_token(tmp_path, sqlite_url):
    app = make_app(sqlite_url, tmp_path, WTF_CSRF_ENABLED=True)
    from tests.conftest import Helpers

    links = Helpers(app).make_workshop()
    client = app.test_client()
    assert client.post(f"/j/{links.join_code}", data={"language": "en"}).status_code == 400
    page = client.get(f"/j/{links.join_code}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    ok = client.post(f"/j/{links.join_code}", data={"language": "en", "csrf_token": token})
    assert ok.status_code == 302
    close_app(app)


def test_the_socket_io_client_is_served_from_npm_not_a_cdn(app, links):
    client = app.test_client()
    response = client.get("/vendor/socket.io.min.js")
    assert response.status_code == 200 and b"socket.io" in response.data.lower()
    response.close()
    for name in ("../package.json", "axe.min.js", "socket.io.js"):
        assert client.get(f"/vendor/{name}").status_code == 404
    client.get(f"/p/{links.join_code}/{links.projector_secret}")
    html = client.get(f"/p/{links.join_code}").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html), "no external requests"


def test_the_participant_page_is_light(app, helpers, links):
    phone = helpers.join(links.join_code)
    html = phone.http.get(f"/w/{links.join_code}").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    total = 0
    for src in scripts:
        response = phone.http.get(src)
        total += len(response.data)
        response.close()
    # Socket.IO, common, the outbox, the coaching store and self-scan, the phone
    assert len(scripts) == 6
    # Socket.IO's client (~46 KB) and our own: the tablecloth and plenary cards brought it
    # from ~65 to ~91 KB, the one outbox with backoff and the late-note card to ~103 KB,
    # themes and votes in the reader's language to ~105 KB, screen-reader announcements,
    # the move dialog's focus and the "written on paper" byline to ~110 KB, the coaching
    # phase's self-scan to ~120 KB, a reload without network (the last state kept, the
    # service worker registered) and commitments' language to ~124 KB; compressed on the
    # wire, cached after the first load (and by the service worker), and no framework.
    assert total < 126_000, f"{total} bytes of script on the phone"


def test_one_address_cannot_flood_the_tables_with_joins(app, helpers, links):
    app.config["JOINS_PER_MINUTE"] = 2
    responses = [
        app.test_client().post(f"/j/{links.join_code}", data={"language": "en"}) for _ in range(3)
    ]
    assert [r.status_code for r in responses] == [302, 302, 429]
    assert "Too many people joined" in responses[-1].get_data(as_text=True)
    assert count_people(helpers) == 2


def test_people_can_say_they_speak_more_languages(app, helpers, links):
    phone = app.test_client()
    form = {"language": "fr", "also_speaks": ["nl", "fr"]}
    assert phone.post(f"/j/{links.join_code}", data=form).status_code == 302
    with helpers.session() as s:
        assert s.scalar(select(Participant.spoken)) == "fr,nl"
    bad = app.test_client().post(
        f"/j/{links.join_code}", data={"language": "fr", "also_speaks": "de"}
    )
    assert bad.status_code == 400
