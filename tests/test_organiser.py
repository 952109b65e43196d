"""The organiser's screens: accounts, ownership, templates, editing, life cycle, deletion."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from werkzeug.datastructures import MultiDict
from werkzeug.security import check_password_hash

from facilitator import cli
from facilitator.cafe.rounds import start_round
from facilitator.cafe.workshops import get_by_code
from facilitator.errors import DomainError
from facilitator.organise import admin as workshop_admin
from facilitator.organise.users import authenticate, create_user
from facilitator.store.db import session_scope
from facilitator.store.models import (
    Ballot,
    CafeTable,
    Commitment,
    Contribution,
    Dot,
    ExportJob,
    Participant,
    Photo,
    Round,
    Seat,
    User,
    Vote,
    Workshop,
)
from facilitator.web.auth import ORGANISER_COOKIE
from tests.conftest import Helpers, close_app, make_app

PASSWORD = "correct horse battery"


# --- helpers -------------------------------------------------------------------------------


def add_user(app: Flask, name: str = "alice", password: str = PASSWORD) -> int:
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        return create_user(session, name, password).id


def login(app: Flask, name: str = "alice", password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/o/login", data={"username": name, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def organiser(app: Flask, name: str = "alice") -> FlaskClient:
    add_user(app, name)
    return login(app, name)


def create(client: FlaskClient, source: str = "caring", **form: str) -> str:
    response = client.post("/o/new", data={"source": source} | form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[-1]


def load(app: Flask, code: str) -> Workshop:
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        return get_by_code(session, code)


def spec_of(app: Flask, code: str) -> dict[str, Any]:
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        return workshop_admin.workshop_spec(session, get_by_code(session, code))


class FormReader(HTMLParser):
    """The fields a browser would send from the edit form (checked boxes only)."""

    def __init__(self, form_test_id: str) -> None:
        super().__init__()
        self.wanted, self.inside, self.fields = form_test_id, False, []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("data-test") == self.wanted
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def edit_form(client: FlaskClient, code: str) -> dict[str, Any]:
    """The edit form as the page shows it, as a dict of lists (like a MultiDict)."""
    page = client.get(f"/o/w/{code}")
    assert page.status_code == 200
    reader = FormReader("edit-form")
    reader.feed(page.get_data(as_text=True))
    fields: dict[str, Any] = {}
    for name, value in reader.fields:
        fields.setdefault(name, []).append(value)
    return fields


def post_form(client: FlaskClient, code: str, fields: dict[str, Any], action: str = "save"):
    data = MultiDict([(k, v) for k, values in fields.items() for v in values])
    data.add("action", action)
    return client.post(f"/o/w/{code}", data=data)


def html(response: Any) -> str:
    return response.get_data(as_text=True)


# --- accounts and logging in ---------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FACILITATOR_SESSIONS_DIR", str(tmp_path / "sessions"))
    monkeypatch.setenv("FACILITATOR_EXPORTS_DIR", str(tmp_path / "exports"))
    monkeypatch.setenv("FACILITATOR_SECRET_KEY", "cli-test-" + "x" * 32)
    monkeypatch.setenv("FACILITATOR_ASYNC_MODE", "threading")
    return url


def cli_users(tmp_path: Path) -> list[tuple[str, str]]:
    app = make_app(f"sqlite:///{tmp_path}/cli.sqlite3", tmp_path)
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        rows = session.execute(select(User.username, User.password_hash)).all()
    close_app(app)
    return [tuple(row) for row in rows]


def test_create_user_on_the_command_line_stores_only_a_hash(cli_env, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["create-user", "Alice", "--password-stdin"]) == 0
    assert "Organiser 'alice' created" in capsys.readouterr().out
    [(name, stored)] = cli_users(tmp_path)
    assert name == "alice"
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert check_password_hash(stored, PASSWORD)

    # The same name again, a short password, and two different typed passwords: refused.
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["create-user", "alice", "--password-stdin"]) == 1
    assert "already a user" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["create-user", "bob", "--password-stdin"]) == 1
    assert "at least 10" in capsys.readouterr().err
    typed = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert cli.main(["create-user", "carol"]) == 1
    assert [name for name, _ in cli_users(tmp_path)] == ["alice"]
    # Typed twice the same: created.
    typed = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert cli.main(["create-user", "carol"]) == 0
    assert sorted(name for name, _ in cli_users(tmp_path)) == ["alice", "carol"]


def test_usernames_and_passwords_are_checked(app):
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        for name, password, code in [
            ("al", PASSWORD, "bad_username"),
            ("a" * 81, PASSWORD, "bad_username"),
            ("al ice", PASSWORD, "bad_username"),
            ("alice", "123456789", "bad_password"),
        ]:
            with pytest.raises(DomainError) as refused:
                create_user(session, name, password)
            assert refused.value.code == code
        create_user(session, "alice", PASSWORD)
        with pytest.raises(DomainError, match="username_taken"):
            create_user(session, " ALICE ", PASSWORD)
        assert authenticate(session, "Alice", PASSWORD) is not None
        assert authenticate(session, "alice", PASSWORD.upper()) is None
        assert authenticate(session, "nobody", PASSWORD) is None


def test_login_sets_a_signed_httponly_cookie(app):
    add_user(app)
    client = app.test_client()
    assert client.get("/o/").status_code == 302  # not logged in: to the login page
    response = client.post("/o/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/o/")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("fo_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and PASSWORD not in cookie
    page = client.get("/o/")
    assert page.status_code == 200 and "alice" in html(page)
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong password!"), ("nobody", PASSWORD), ("", "")]
)
def test_a_wrong_login_says_so_without_telling_which_part(app, username, password):
    add_user(app)
    client = app.test_client()
    response = client.post("/o/login", data={"username": username, "password": password})
    assert response.status_code == 400
    assert "Wrong username or password." in html(response)
    assert not any(c.startswith("fo_session=") for c in response.headers.getlist("Set-Cookie"))
    assert client.get("/o/").status_code == 302


def test_failed_logins_are_limited_per_address(app):
    add_user(app)
    app.config["LOGINS_PER_MINUTE"] = 3
    client = app.test_client()
    for _ in range(3):
        assert (
            client.post("/o/login", data={"username": "alice", "password": "x"}).status_code == 400
        )
    # Even the right password waits now: the address is guessing.
    blocked = client.post("/o/login", data={"username": "alice", "password": PASSWORD})
    assert blocked.status_code == 429 and "Too many login attempts" in html(blocked)
    other = app.test_client()
    ok = other.post(
        "/o/login",
        data={"username": "alice", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.99"},
    )
    assert ok.status_code == 302


def test_logout_ends_the_session(app):
    client = organiser(app)
    assert client.post("/o/logout").status_code == 302
    assert client.get("/o/").status_code == 302


def test_a_forged_or_foreign_token_is_not_an_organiser(app, helpers):
    user_id = add_user(app)
    links = helpers.make_workshop()
    # A participant's and a facilitator's cookies of the same app, signed with the same key.
    phone = app.test_client()
    phone.post(f"/j/{links.join_code}", data={"language": "en"})
    phone.get(f"/f/{links.join_code}/{links.facilitator_secret}")
    assert phone.get("/o/").status_code == 302
    code = links.join_code
    tokens = [phone.get_cookie(f"fp_{code}").value, phone.get_cookie(f"ff_{code}").value]
    for token in [*tokens, str(user_id), "eyJyb2xlIjoib3JnYW5pc2VyIiwidXNlciI6MX0.x.y"]:
        client = app.test_client()
        client.set_cookie(ORGANISER_COOKIE, token)
        assert client.get("/o/").status_code == 302, token


# --- ownership --------------------------------------------------------------------------


def test_the_list_shows_only_my_workshops(app, helpers):
    alice, bob = organiser(app, "alice"), organiser(app, "bob")
    mine = create(alice, title="Alice's café")
    create(bob, title="Bob's café")
    helpers.make_workshop(title="Nobody's demo")  # made outside the organiser screens
    page = html(alice.get("/o/"))
    assert "Alice&#39;s café" in page and mine in page
    assert "Bob" not in page and "Nobody" not in page
    assert load(app, mine).owner_id is not None


def test_another_organiser_cannot_see_or_touch_my_workshop(app):
    alice, bob = organiser(app, "alice"), organiser(app, "bob")
    code = create(alice)
    before = load(app, code)
    for path in (f"/o/w/{code}", f"/o/w/{code}/delete", f"/o/w/{code.lower()}"):
        assert bob.get(path).status_code == 403, path
    for path, data in [
        (f"/o/w/{code}", {"title": "Taken over", "action": "save"}),
        (f"/o/w/{code}/status", {"to": "open"}),
        (f"/o/w/{code}/invite", {}),
        (f"/o/w/{code}/projector", {}),
        (f"/o/w/{code}/delete", {"confirm": before.title}),
        ("/o/new", {"source": "copy", "copy_of": code}),
    ]:
        response = bob.post(path, data=data)
        assert response.status_code == 403, path
        assert before.join_code not in html(response) or path == "/o/new"
    after = load(app, code)
    assert (after.title, after.status) == (before.title, before.status)
    assert after.facilitator_secret_hash == before.facilitator_secret_hash
    assert after.projector_secret_hash == before.projector_secret_hash
    assert bob.get("/o/w/ZZZZZZ").status_code == 404
    assert bob.get(f"/o/w/{'A' * 40}").status_code == 404


def test_workshops_without_an_owner_belong_to_nobody(app, helpers):
    alice = organiser(app)
    links = helpers.make_workshop()
    assert alice.get(f"/o/w/{links.join_code}").status_code == 403


def test_participant_and_facilitator_cookies_open_no_organiser_page(app):
    alice = organiser(app)
    code = create(alice)
    alice.post(f"/o/w/{code}/status", data={"to": "open"})
    link = re.search(r'value="(http[^"]+/f/[^"]+)"', html(alice.post(f"/o/w/{code}/invite")))
    staff = app.test_client()
    assert staff.get(link.group(1).split("5000", 1)[1]).status_code == 302
    staff.post(f"/j/{code}", data={"language": "en"})
    for path in (f"/o/w/{code}", "/o/", "/o/new", f"/o/w/{code}/delete"):
        response = staff.get(path)
        assert response.status_code == 302 and "/o/login" in response.headers["Location"]
    assert staff.post(f"/o/w/{code}/invite").status_code == 302
    assert (
        staff.post(f"/o/w/{code}/delete", data={"confirm": load(app, code).title}).status_code
        == 302
    )
    assert load(app, code).id


# --- creating workshops ---------------------------------------------------------------------


def test_create_from_the_caring_neighbourhoods_template(app):
    alice = organiser(app)
    code = create(alice)
    workshop = load(app, code)
    assert workshop.status == "draft" and workshop.title.startswith("Caring Neighbourhoods")
    spec = spec_of(app, code)
    assert [p["kind"] for p in spec["phases"]] == [
        "welcome",
        "presentation",
        "coaching",
        "cafe",
        "plenary",
        "conclusion",
    ]
    assert len(spec["phases"][3]["rounds"]) == 3
    assert spec["tables"] | {"names": []} == {"count": 6, "capacity": 5, "names": []}
    page = html(alice.get(f"/o/w/{code}"))
    assert "What is the biggest challenge for residents" in page
    assert f"http://192.0.2.10:5000/j/{code}" in page and "<svg" in page


def test_create_a_blank_workshop_with_a_title(app):
    alice = organiser(app)
    code = create(alice, "blank", title="  Buurtcafé Gent  ")
    assert load(app, code).title == "Buurtcafé Gent"
    spec = spec_of(app, code)
    assert len(spec["phases"]) == 1 and len(spec["phases"][0]["rounds"]) == 1
    assert spec["tables"]["count"] == 4
    # Its question is still empty, so it cannot be opened yet.
    refused = alice.post(f"/o/w/{code}/status", data={"to": "open"})
    assert refused.status_code == 400 and "every round a question" in html(refused)
    assert load(app, code).status == "draft"


def test_copy_an_earlier_workshop(app, helpers):
    alice = organiser(app)
    original = create(alice)
    fields = edit_form(alice, original)
    fields |= {"place": ["Antwerpen"], "held_on": ["2026-05-22"], "t2-name": ["De Linde"]}
    fields["p3-r0-q-en"] = ["A question of our own?"]
    assert post_form(alice, original, fields).status_code == 302
    with session_scope(app.extensions["facilitator.sessions"]) as s:
        get_by_code(s, original).status = "open"  # a draft takes nobody in
    helpers.join(original)  # people and notes are not copied
    copy_code = create(alice, "copy", copy_of=original)
    assert copy_code != original
    copied, source = spec_of(app, copy_code), spec_of(app, original)
    assert copied["title"] == "Copy of " + source["title"]
    assert copied["held_on"] == "" and copied["place"] == "Antwerpen"
    assert copied["phases"] == source["phases"] and copied["tables"] == source["tables"]
    assert copied["tables"]["names"][1] == "De Linde"
    with session_scope(app.extensions["facilitator.sessions"]) as s:
        workshop_id = get_by_code(s, copy_code).id
        people = select(func.count(Participant.id)).where(Participant.workshop_id == workshop_id)
        assert s.scalar(people) == 0
    assert load(app, copy_code).status == "draft"


def test_an_unknown_template_is_refused(app):
    alice = organiser(app)
    assert alice.post("/o/new", data={"source": "nope"}).status_code == 400
    assert alice.post("/o/new", data={"source": "copy", "copy_of": "ZZZZZZ"}).status_code == 404
    assert "Caring Neighbourhoods" in html(alice.get("/o/new"))


# --- editing -------------------------------------------------------------------------------


def test_edit_everything_through_the_form(app):
    alice = organiser(app)
    code = create(alice)
    fields = edit_form(alice, code)
    assert fields["title"] == [load(app, code).title]
    fields |= {
        "title": ["Zorgzame buurten Leuven"],
        "place": ["Leuven, De Wilg"],
        "held_on": ["2026-03-14"],
        "languages": ["nl", "en"],
        "p0-minutes": ["20"],
        "p0-title-nl": ["Welkom"],
        "p3-r1-q-nl": ["Wat moet er veranderen?"],
        "p3-r2-remove": ["1"],  # two rounds only
        "p5-remove": ["1"],  # and no conclusion
        "tables-count": ["8"],
        "tables-capacity": ["4"],
        "t1-name": ["Het Atrium"],
    }
    response = post_form(alice, code, fields)
    assert response.status_code == 302, html(response)
    assert "Saved." in html(alice.get(f"/o/w/{code}"))
    workshop = load(app, code)
    assert (workshop.title, workshop.place, workshop.held_on) == (
        "Zorgzame buurten Leuven",
        "Leuven, De Wilg",
        "2026-03-14",
    )
    assert workshop.languages == "nl,en"
    spec = spec_of(app, code)
    assert [p["kind"] for p in spec["phases"]] == [
        "welcome",
        "presentation",
        "coaching",
        "cafe",
        "plenary",
    ]
    assert spec["phases"][0] == {
        "kind": "welcome",
        "minutes": 20,
        "title": {
            "nl": "Welkom",
            "en": "Setting the scene: caring neighbourhoods in Flanders and Brussels",
        },
    }
    rounds = spec["phases"][3]["rounds"]
    assert len(rounds) == 2 and rounds[1]["question"]["nl"] == "Wat moet er veranderen?"
    assert "fr" not in rounds[0]["question"]  # French is no longer a workshop language
    assert spec["tables"] == {
        "count": 8,
        "capacity": 4,
        "names": ["Het Atrium", "", "", "", "", "", "", ""],
    }
    with session_scope(app.extensions["facilitator.sessions"]) as s:
        workshop_id = get_by_code(s, code).id
        numbers = s.scalars(select(Round.number).where(Round.workshop_id == workshop_id)).all()
        assert sorted(numbers) == [1, 2]
    # The saved form comes back as saved.
    again = edit_form(alice, code)
    assert again["p0-title-nl"] == ["Welkom"] and "p0-title-fr" not in again


def test_adding_a_phase_and_a_round_shows_them_before_saving(app):
    alice = organiser(app)
    code = create(alice, "blank", title="Buurtcafé")
    fields = edit_form(alice, code)
    fields["p0-r0-q-en"] = ["What do you need?"]
    page = post_form(alice, code, fields, action="add_round-0")
    assert page.status_code == 200 and "What do you need?" in html(page)
    assert 'name="p0-r1-minutes"' in html(page)
    assert len(spec_of(app, code)["phases"][0]["rounds"]) == 1  # nothing saved yet
    reader = FormReader("edit-form")
    reader.feed(html(page))
    fields = {}
    for name, value in reader.fields:
        fields.setdefault(name, []).append(value)
    fields["p0-r1-q-nl"] = ["Wat heb je nodig?"]
    page = post_form(alice, code, fields, action="add_phase")
    assert 'name="p1-kind"' in html(page)
    reader = FormReader("edit-form")
    reader.feed(html(page))
    fields = {}
    for name, value in reader.fields:
        fields.setdefault(name, []).append(value)
    fields["p1-title-en"] = ["Harvest together"]
    assert post_form(alice, code, fields).status_code == 302
    spec = spec_of(app, code)
    assert [len(p.get("rounds", [])) for p in spec["phases"]] == [2, 0]
    assert spec["phases"][1]["title"] == {"en": "Harvest together"}
    assert alice.post(f"/o/w/{code}/status", data={"to": "open"}).status_code == 302


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ["x" * 201]}, "a title of at most 200 characters"),
        ({"title": ["   "]}, "a title of at most 200 characters"),
        ({"languages": ["de"]}, "Dutch, French and English"),
        ({"languages": []}, "Dutch, French and English"),
        ({"p0-minutes": ["-5"]}, "Minutes must be a whole number"),
        ({"p3-r0-minutes": ["0"]}, "Minutes must be a whole number"),
        ({"p3-r0-minutes": ["ten"]}, "Minutes must be a whole number"),
        ({"p1-minutes": ["1.5"]}, "Minutes must be a whole number"),
        ({"tables-count": ["0"]}, "number of tables from 1 to 200"),
        ({"tables-count": None}, "number of tables from 1 to 200"),
        ({"tables-capacity": ["1"]}, "A table seats 2 to 50 people"),
        ({"held_on": ["2026-02-30"]}, "a real date"),
        ({"p0-kind": ["party"]}, "what kind of agenda item"),
        ({"p4-kind": ["cafe"], "p3-kind": ["plenary"]}, "Only a World Café item can have rounds"),
        ({"p3-r0-q-nl": [""], "p3-r0-q-fr": [""], "p3-r0-q-en": [" "]}, "Every round needs"),
        ({"p1-title-en": ["x" * 501]}, "Every agenda item needs a title"),
        ({"t1-name": ["x" * 61]}, "A table name can be at most 60"),
        (
            {"p3-r0-remove": ["1"], "p3-r1-remove": ["1"], "p3-r2-remove": ["1"]},
            "at least one café round",
        ),
    ],
)
def test_a_bad_edit_says_what_is_wrong_and_changes_nothing(app, change, message):
    alice = organiser(app)
    code = create(alice)
    fields = edit_form(alice, code)
    fields["t1-name"] = ["Het Atrium"]
    fields["place"] = ["Gent"]
    before = spec_of(app, code)
    for name, value in change.items():
        if value is None:
            fields.pop(name)
        else:
            fields[name] = value
    response = post_form(alice, code, fields)
    assert response.status_code == 400
    page = html(response)
    assert message in page, page[:3000]
    assert 'role="alert"' in page
    assert 'aria-invalid="true"' in page or 'href="#phases"' in page  # the field is marked
    # What was typed is shown again, so nothing is lost...
    assert 'value="Gent"' in page and ('value="Het Atrium"' in page or "t1-name" in change)
    # ...and nothing was saved.
    assert spec_of(app, code) == before


def test_bad_types_given_to_the_domain_are_refused(app):
    alice = organiser(app)
    code = create(alice)
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        workshop = get_by_code(session, code)
        good = workshop_admin.workshop_spec(session, workshop)
        for bad, expected in [
            (good | {"title": ["list"]}, "bad_title"),
            (good | {"languages": "nl"}, "bad_languages"),
            (good | {"phases": {}}, "bad_agenda"),
            (good | {"tables": {"count": True, "capacity": 5}}, "bad_tables"),
            (good | {"tables": {"count": 2.5, "capacity": 5}}, "bad_tables"),
            (good | {"tables": [6, 5]}, "bad_tables"),
            ({k: v for k, v in good.items() if k != "title"}, "bad_title"),
            ("nonsense", "bad_request"),
        ]:
            with pytest.raises(DomainError) as refused:
                workshop_admin.update_workshop(session, workshop, bad)  # type: ignore[arg-type]
            assert refused.value.code == expected
        workshop_admin.update_workshop(session, workshop, good)  # the good one passes


def test_edit_after_a_round_started_is_refused(app, helpers):
    alice = organiser(app)
    code = create(alice)
    alice.post(f"/o/w/{code}/status", data={"to": "open"})
    helpers.join(code)
    fields = edit_form(alice, code)
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        start_round(session, get_by_code(session, code))
    before = spec_of(app, code)
    fields["title"] = ["Too late"]
    response = post_form(alice, code, fields)
    assert response.status_code == 400
    assert "A round has started" in html(response)
    assert spec_of(app, code) == before
    page = html(alice.get(f"/o/w/{code}"))
    assert "disabled" in page and 'data-test="save"' not in page


def test_people_who_joined_keep_their_seats_and_language(app, helpers):
    alice = organiser(app)
    code = create(alice)
    alice.post(f"/o/w/{code}/status", data={"to": "open"})
    helpers.join(code, language="fr")
    fields = edit_form(alice, code)
    fields["languages"] = ["nl", "en"]
    response = post_form(alice, code, fields)
    assert response.status_code == 400 and "joined in a language you removed" in html(response)
    fields = edit_form(alice, code)
    fields |= {"tables-count": ["10"], "p3-r0-q-en": ["New wording?"]}
    assert post_form(alice, code, fields).status_code == 302
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        workshop = get_by_code(session, code)
        seats = session.scalar(
            select(func.count(Seat.id)).where(Seat.round_id == workshop.current_round_id)
        )
        assert seats == 1
    # A full table cannot shrink below the people sitting at it.
    for _ in range(2):
        helpers.join(code)
    fields = edit_form(alice, code) | {"tables-count": ["1"]}
    response = post_form(alice, code, fields)
    assert response.status_code == 400 and "People sit or wrote at a table" in html(response)


# --- links and life cycle ---------------------------------------------------------------------


def link_in(response: Any) -> str:
    match = re.search(
        r'data-test="new-link-url" value="([^"]+)"|value="([^"]+)" data-test="new-link-url"',
        html(response),
    )
    assert match, html(response)[:2000]
    url = match.group(1) or match.group(2)
    assert url.startswith("http://192.0.2.10:5000/")
    return url.removeprefix("http://192.0.2.10:5000")


def test_inviting_a_facilitator_gives_a_working_link_and_retires_the_old_one(app):
    alice = organiser(app)
    code = create(alice)
    before = load(app, code)
    first = link_in(alice.post(f"/o/w/{code}/invite"))
    assert first.startswith(f"/f/{code}/")
    facilitator = app.test_client()
    assert facilitator.get(first).status_code == 302
    assert facilitator.get(f"/f/{code}").status_code == 200
    second = link_in(alice.post(f"/o/w/{code}/invite"))
    assert second != first
    assert app.test_client().get(first).status_code == 403
    assert app.test_client().get(second).status_code == 302
    # Only the facilitator secret changed: the projector keeps its link.
    assert load(app, code).projector_secret_hash == before.projector_secret_hash
    # The link is shown once: the page itself never carries it again.
    assert second not in html(alice.get(f"/o/w/{code}"))


def test_a_new_projector_link_retires_only_the_old_projector_link(app):
    alice = organiser(app)
    code = create(alice)
    facilitator = link_in(alice.post(f"/o/w/{code}/invite"))
    first = link_in(alice.post(f"/o/w/{code}/projector"))
    second = link_in(alice.post(f"/o/w/{code}/projector"))
    assert second.startswith(f"/p/{code}/")
    assert app.test_client().get(first).status_code == 403
    assert app.test_client().get(second).status_code == 302
    assert app.test_client().get(facilitator).status_code == 302


def test_open_close_and_reopen(app):
    alice = organiser(app)
    code = create(alice)
    assert alice.post(f"/o/w/{code}/status", data={"to": "closed"}).status_code == 400
    assert load(app, code).status == "draft"
    assert alice.post(f"/o/w/{code}/status", data={"to": "open"}).status_code == 302
    assert load(app, code).status == "open"
    assert app.test_client().post(f"/j/{code}", data={"language": "en"}).status_code == 302
    assert alice.post(f"/o/w/{code}/status", data={"to": "closed"}).status_code == 302
    assert load(app, code).status == "closed"
    refused = app.test_client().post(f"/j/{code}", data={"language": "en"})
    assert refused.status_code == 400 and "This workshop is closed." in html(refused)
    page = html(alice.get(f"/o/w/{code}"))
    assert "Re-open the workshop to change it." in page and 'data-test="status-open"' in page
    for bad in ("draft", "running", "deleted", ""):
        assert alice.post(f"/o/w/{code}/status", data={"to": bad}).status_code == 400
    assert alice.post(f"/o/w/{code}/status", data={"to": "open"}).status_code == 302
    assert app.test_client().post(f"/j/{code}", data={"language": "en"}).status_code == 302


def test_transitions_in_the_domain():
    workshop = Workshop(status="draft")
    assert workshop_admin.allowed_statuses(workshop) == ("open",)
    workshop.status = "open"
    assert workshop_admin.allowed_statuses(workshop) == ("closed",)
    workshop.status = "closed"
    assert workshop_admin.allowed_statuses(workshop) == ("open",)


# --- deleting -------------------------------------------------------------------------------


def fill(app: Flask, code: str) -> int:
    """Put rows in every table and files in every folder of a workshop; returns its id."""
    helpers = Helpers(app)
    for language in ("nl", "fr"):
        response = app.test_client().post(f"/j/{code}", data={"language": language})
        assert response.status_code == 302
    with helpers.session() as s:
        workshop = get_by_code(s, code)
        people = s.scalars(select(Participant).where(Participant.workshop_id == workshop.id)).all()
        seat = s.scalar(select(Seat).where(Seat.participant_id == people[0].id))
        notes = [
            Contribution(
                workshop_id=workshop.id,
                client_id=f"{code}-{kind}",
                kind=kind,
                text="Buren kennen elkaar",
                round_id=seat.round_id,
                table_id=seat.table_id,
                participant_id=people[0].id,
            )
            for kind in ("note", "photo")
        ]
        s.add_all(notes)
        s.flush()
        s.add(Vote(contribution_id=notes[0].id, participant_id=people[1].id))
        s.add(Photo(contribution_id=notes[1].id, width=10, height=10, size_bytes=100))
        s.add(
            Commitment(
                workshop_id=workshop.id,
                client_id=f"{code}-c",
                participant_id=people[0].id,
                text="I will",
            )
        )
        ballot = Ballot(workshop_id=workshop.id, dots_per_person=3, options=[{"key": "t1"}])
        s.add(ballot)
        s.flush()
        s.add(Dot(ballot_id=ballot.id, participant_id=people[0].id, option="t1", dots=2))
        s.add(ExportJob(workshop_id=workshop.id, kind="poster", options={}, key=f"poster-{code}"))
        workshop_id = workshop.id
    sessions, exports = Path(app.config["SESSIONS_DIR"]), Path(app.config["EXPORTS_DIR"])
    for folder in (
        sessions / "photos" / str(workshop_id),
        exports / str(workshop_id),
        exports / "harvest" / str(workshop_id),
    ):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "file.bin").write_bytes(b"x" * 100)
        (folder / "sub").mkdir(exist_ok=True)
        (folder / "sub" / "nested.jpg").write_bytes(b"y")
    return workshop_id


def row_counts(app: Flask) -> dict[str, int]:
    """Rows per table of the whole database (users aside), straight from the store."""
    engine = app.extensions["facilitator.engine"]
    from facilitator.store.models import Base

    with engine.connect() as conn:
        return {
            table.name: conn.execute(text(f"SELECT COUNT(*) FROM {table.name}")).scalar_one()
            for table in Base.metadata.sorted_tables
            if table.name != "users"
        }


def test_delete_removes_every_row_photo_and_export_and_nothing_else(app_any_store):
    app = app_any_store
    alice = organiser(app)
    other = create(alice, title="Another workshop")
    alice.post(f"/o/w/{other}/status", data={"to": "open"})
    other_id = fill(app, other)
    before = row_counts(app)
    code = create(alice)
    alice.post(f"/o/w/{code}/status", data={"to": "open"})
    workshop_id = fill(app, code)
    filled = row_counts(app)
    grew = {name for name in filled if filled[name] > before[name]}
    expected = {
        "workshops",
        "phases",
        "rounds",
        "cafe_tables",
        "participants",
        "seats",
        "contributions",
        "events",
        "votes",
        "photos",
        "commitments",
        "ballots",
        "dots",
        "export_jobs",
    }
    assert expected <= grew, f"the test fills every table: {expected - grew} stayed empty"

    page = alice.get(f"/o/w/{code}/delete")
    assert page.status_code == 200 and "Delete for good" in html(page)
    wrong = alice.post(f"/o/w/{code}/delete", data={"confirm": "caring"})
    assert wrong.status_code == 400 and "Type the workshop" in html(wrong)
    assert row_counts(app) == filled
    title = load(app, code).title
    done = alice.post(f"/o/w/{code}/delete", data={"confirm": f" {title} "})
    assert done.status_code == 302 and done.headers["Location"].endswith("/o/")
    assert "all its data are deleted" in html(alice.get("/o/"))

    # Every table is back to what the other workshop alone had: nothing of this one is left.
    assert row_counts(app) == before
    with session_scope(app.extensions["facilitator.sessions"]) as s:
        assert s.get(Workshop, workshop_id) is None
        for model in (Participant, Contribution, CafeTable, Round, Commitment, Ballot, ExportJob):
            assert not s.scalar(select(func.count()).where(model.workshop_id == workshop_id))
    sessions, exports = Path(app.config["SESSIONS_DIR"]), Path(app.config["EXPORTS_DIR"])
    for root in (sessions / "photos", exports, exports / "harvest"):
        assert not (root / str(workshop_id)).exists()
        assert (root / str(other_id) / "file.bin").exists()  # the other workshop keeps its files
    assert alice.get(f"/o/w/{code}").status_code == 404
    assert app.test_client().get(f"/j/{code}").status_code == 404
    assert alice.get(f"/o/w/{other}").status_code == 200


def test_deleting_a_workshop_without_files_works(app):
    alice = organiser(app)
    code = create(alice, "blank", title="Empty")
    assert alice.post(f"/o/w/{code}/delete", data={"confirm": "Empty"}).status_code == 302
    assert alice.get(f"/o/w/{code}").status_code == 404


# --- CSRF and languages --------------------------------------------------------------------


def test_organiser_forms_need_a_csrf_token(tmp_path, sqlite_url):
    app = make_app(sqlite_url, tmp_path, WTF_CSRF_ENABLED=True)
    add_user(app)
    client = app.test_client()
    data = {"username": "alice", "password": PASSWORD}
    assert client.post("/o/login", data=data).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', html(client.get("/o/login"))).group(1)
    assert client.post("/o/login", data=data | {"csrf_token": token}).status_code == 302
    # Logged in, but a forged form from elsewhere (no token) still cannot act.
    assert client.post("/o/new", data={"source": "caring"}).status_code == 400
    assert client.post("/o/logout").status_code == 400
    with session_scope(app.extensions["facilitator.sessions"]) as s:
        assert s.scalar(select(func.count(Workshop.id))) == 0
    page = html(client.get("/o/new"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/o/new", data={"source": "caring", "csrf_token": token}).status_code == 302
    close_app(app)


def test_the_pages_follow_the_chosen_language(app):
    alice = organiser(app)
    code = create(alice)
    page = alice.get(f"/o/w/{code}?lang=fr")
    assert 'lang="fr"' in html(page)
    assert "lang=fr" in page.headers.get("Set-Cookie", "")
    assert 'lang="fr"' in html(alice.get("/o/"))  # remembered


def test_a_draft_workshop_refuses_joins_until_it_opens(app, helpers):
    links = helpers.make_workshop()
    with helpers.session() as session:
        from facilitator.cafe.workshops import get_by_code

        get_by_code(session, links.join_code).status = "draft"
    refused = app.test_client().post(f"/j/{links.join_code}", data={"language": "en"})
    assert refused.status_code == 400 and "not opened yet" in refused.get_data(as_text=True)
    with helpers.session() as session:
        from facilitator.cafe.workshops import get_by_code

        get_by_code(session, links.join_code).status = "open"
    assert helpers.join(links.join_code).public_id
