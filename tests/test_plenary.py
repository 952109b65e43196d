"""The plenary: spotlight, dot-voting, commitments and the final summary, over sockets."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlalchemy import func, select

from facilitator.store.models import Commitment, Contribution, Dot, Event
from facilitator.web.jobs import wall as harvest_service
from tests.js_reducer import apply_events

THEMES = [
    {"label": "eenzaamheid · ouderen", "notes": 5, "quote": "Eenzaamheid is onzichtbaar"},
    {"label": "aidants · répit", "notes": 4, "quote": "Les aidants ont besoin de répit"},
]


def seed_wall(app, workshop_id, themes=THEMES):
    """A drawn whole-workshop wall, as the harvest service leaves it on disk."""
    data = {"digest": "a" * 32, "themes": themes, "notes": 9, "scope": "all"}
    path = harvest_service.wall_path(app, workshop_id, data["digest"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    (path.parent / "latest-all.json").write_text(json.dumps(data))


def insight(phone, text):
    table = phone.snapshot()["seat"]["table"]
    payload = {"client_id": str(uuid.uuid4()), "text": text, "table": table}
    return phone.socket.emit("insight.post", payload, callback=True)


def named(received, name):
    return [e["args"][0]["data"] for e in received if e["name"] == name]


@pytest.fixture
def room(app, helpers):
    links = helpers.make_workshop(tables={"count": 2, "capacity": 5})
    host = helpers.join(links.join_code, host="yes", name="Anne")
    guest = helpers.join(links.join_code, name="Karim")
    facilitator = helpers.staff(links)
    projector = helpers.staff(links, "projector")
    facilitator.emit("round.start", {}, callback=True)
    assert insight(host, "Zorg begint bij elkaar kennen")["ok"]
    workshop_id = helpers.workshop(links.join_code).id
    # A key insight redraws the wall: let that drawing end, then put the seeded one there.
    deadline = time.monotonic() + 30
    while harvest_service.is_drawing(workshop_id) and time.monotonic() < deadline:
        time.sleep(0.05)
    seed_wall(app, workshop_id)
    for screen in (host.socket, guest.socket, facilitator, projector):
        screen.get_received()
    return links, host, guest, facilitator, projector


def open_vote(facilitator, dots=3):
    ack = facilitator.emit("ballot.open", {"dots": dots}, callback=True)
    assert ack["ok"], ack
    return ack["ballot"]


def dots(phone, ballot, allocation):
    return phone.socket.emit("ballot.dots", {"ballot": ballot, "dots": allocation}, callback=True)


def test_a_vote_on_themes_and_insights_with_live_totals(room):
    _links, host, guest, facilitator, projector = room
    ballot = open_vote(facilitator)
    kinds = [(o["key"], o["kind"]) for o in ballot["options"]]
    assert kinds[:2] == [("t1", "theme"), ("t2", "theme")] and kinds[2][1] == "insight"
    assert ballot["options"][2]["text"] == "Zorg begint bij elkaar kennen"
    assert named(guest.received(), "ballot.updated")[0]["ballot"]["id"] == ballot["id"]
    assert dots(host, ballot["id"], {"t1": 2, "t2": 1}) == {
        "ok": True,
        "mine": {"t1": 2, "t2": 1},
        "left": 0,
    }
    assert dots(guest, ballot["id"], {"t1": 1})["left"] == 2
    tally = named(projector.get_received(), "ballot.tally")[-1]
    assert tally == {"ballot": ballot["id"], "totals": {"t1": 3, "t2": 1}, "voters": 2}
    # Moving dots replaces the allocation: nobody's dots count twice.
    assert dots(guest, ballot["id"], {"t2": 3})["mine"] == {"t2": 3}
    staff = facilitator.emit("sync", {}, callback=True)["snapshot"]["ballot"]
    assert staff["totals"] == {"t1": 2, "t2": 4} and staff["voters"] == 2
    assert guest.snapshot()["my_dots"] == {"t2": 3}


def test_a_resent_allocation_changes_nothing(helpers, room):
    _links, host, _guest, facilitator, _projector = room
    ballot = open_vote(facilitator)
    first = dots(host, ballot["id"], {"t1": 2})
    with helpers.session() as s:
        events_before = s.scalar(select(func.count(Event.id)))
    assert dots(host, ballot["id"], {"t1": 2}) == first
    with helpers.session() as s:
        assert s.scalar(select(func.count(Event.id))) == events_before
        assert s.scalar(select(func.count(Dot.id))) == 1


@pytest.mark.parametrize(
    ("allocation", "error"),
    [
        ({"t1": 4}, "too_many_dots"),
        ({"t1": 2, "t2": 2}, "too_many_dots"),
        ({"x9": 1}, "unknown_option"),
        ({"t1": -1}, "bad_request"),
        ({"t1": "2"}, "bad_request"),
        ({"t1": True}, "bad_request"),
        (["t1"], "bad_request"),
        (None, "bad_request"),
        ({f"k{i}": 1 for i in range(40)}, "bad_request"),
    ],
)
def test_bad_dots_are_refused_and_the_earlier_ones_stay(helpers, room, allocation, error):
    _links, host, _guest, facilitator, _projector = room
    ballot = open_vote(facilitator)
    assert dots(host, ballot["id"], {"t2": 1})["ok"]
    ack = dots(host, ballot["id"], allocation)
    assert (ack["ok"], ack["error"]) == (False, error) and ack["message"]
    assert host.snapshot()["my_dots"] == {"t2": 1}


def test_wrong_ballot_closed_ballot_and_wrong_role(helpers, room):
    _links, host, guest, facilitator, projector = room
    ballot = open_vote(facilitator)
    other = helpers.make_workshop()
    other_facilitator = helpers.staff(other)
    other_phone = helpers.join(other.join_code)
    other_facilitator.emit("round.start", {}, callback=True)
    assert insight(other_phone, "x")["error"] == "not_host"
    assert dots(host, ballot["id"] + 999, {"t1": 1})["error"] == "unknown_ballot"
    assert dots(other_phone, ballot["id"], {"t1": 1})["error"] == "unknown_ballot"
    assert dots(host, "1", {"t1": 1})["error"] == "bad_request"
    assert facilitator.emit("ballot.dots", {"ballot": ballot["id"], "dots": {}}, callback=True)[
        "error"
    ] == ("unauthorized")
    for screen in (host.socket, projector):
        assert screen.emit("ballot.open", {"dots": 3}, callback=True)["error"] == "unauthorized"
        assert screen.emit("ballot.close", {}, callback=True)["error"] == "unauthorized"
    assert dots(host, ballot["id"], {"t1": 3})["ok"]
    closed = facilitator.emit("ballot.close", {}, callback=True)["ballot"]
    assert closed["status"] == "closed" and closed["totals"] == {"t1": 3}
    assert named(guest.received(), "ballot.updated")[-1]["ballot"]["status"] == "closed"
    # Frozen: late dots are refused and the results do not move.
    assert dots(guest, ballot["id"], {"t2": 1})["error"] == "ballot_closed"
    assert facilitator.emit("ballot.close", {}, callback=True)["error"] == "no_open_ballot"
    assert guest.snapshot()["ballot"]["totals"] == {"t1": 3}


@pytest.mark.parametrize("bad", [0, 11, "3", None, True, -1])
def test_the_number_of_dots_is_checked(room, bad):
    facilitator = room[3]
    ack = facilitator.emit("ballot.open", {"dots": bad}, callback=True)
    assert not ack["ok"] and ack["error"] in {"bad_dots", "bad_request"}


def test_nothing_to_vote_on_before_any_harvest(helpers):
    links = helpers.make_workshop()
    facilitator = helpers.staff(links)
    ack = facilitator.emit("ballot.open", {"dots": 3}, callback=True)
    assert ack["error"] == "nothing_to_vote_on"


def test_an_insight_taken_off_the_wall_gets_no_more_dots(helpers, room):
    _links, host, _guest, facilitator, _projector = room
    ballot = open_vote(facilitator)
    key = ballot["options"][2]["key"]
    assert facilitator.emit("note.hide", {"note": int(key[1:])}, callback=True)["error"] == (
        "unknown_note"
    )  # insights are not moderated as notes; the database flag still guards the vote
    with helpers.session() as s:
        s.get(Contribution, int(key[1:])).hidden = True
    assert dots(host, ballot["id"], {key: 1})["error"] == "note_hidden"


def commit(phone, text, **extra):
    payload = {"client_id": str(uuid.uuid4()), "text": text} | extra
    return phone.socket.emit("commitment.post", payload, callback=True)


def test_commitments_signed_or_not_with_a_theme(room):
    _links, host, guest, facilitator, projector = room
    signed = commit(host, "Ik bel elke week mijn buurvrouw", signed=True, theme=THEMES[0]["label"])
    assert signed["ok"] and signed["commitment"]["signed_as"] == "Anne"
    assert signed["commitment"]["theme"] == THEMES[0]["label"]
    quiet = commit(guest, "I will start a coffee morning")
    assert quiet["commitment"]["signed_as"] is None and quiet["commitment"]["theme"] is None
    shown = named(projector.get_received(), "commitment.posted")
    assert [c["commitment"]["text"] for c in shown] == [
        "Ik bel elke week mijn buurvrouw",
        "I will start a coffee morning",
    ]
    staff = facilitator.emit("sync", {}, callback=True)["snapshot"]["commitments"]
    assert len(staff) == 2
    assert [c["text"] for c in guest.snapshot()["my_commitments"]] == [
        "I will start a coffee morning"
    ]


def test_a_commitment_carries_its_authors_language_to_every_screen(helpers, room):
    """Screens set `lang=` on a commitment (hyphenation, screen readers): the language
    reaches them with it, in the ack, the live event, the snapshots and the summary."""
    links, _host, guest, facilitator, projector = room
    lotte = helpers.join(links.join_code, name="Lotte", language="nl")
    dutch = commit(lotte, "Ik organiseer een gemeenschappelijke buurtmaaltijd")
    english = commit(guest, "I will start a coffee morning")
    assert dutch["commitment"]["language"] == "nl"
    assert english["commitment"]["language"] == "en"
    languages = {"Ik organiseer een gemeenschappelijke buurtmaaltijd": "nl"}
    languages["I will start a coffee morning"] = "en"
    shown = [c["commitment"] for c in named(projector.get_received(), "commitment.posted")]
    staff = facilitator.emit("sync", {}, callback=True)["snapshot"]["commitments"]
    summary = projector.emit("summary.view", {}, callback=True)["summary"]["commitments"]
    for seen in (shown, staff, summary):
        assert {c["text"]: c["language"] for c in seen} == languages
    [mine] = lotte.snapshot()["my_commitments"]
    assert mine["language"] == "nl"
    # A resend answers with the stored one, language and all.
    again = commit(lotte, mine["text"], client_id=mine["client_id"])
    assert again["duplicate"] and again["commitment"]["language"] == "nl"


def test_a_resent_commitment_is_stored_once(helpers, room):
    host = room[1]
    client_id = str(uuid.uuid4())
    first = commit(host, "Ik organiseer een buurtfeest", client_id=client_id)
    again = commit(host, "Ik organiseer een buurtfeest", client_id=client_id)
    assert again["duplicate"] and again["commitment"]["id"] == first["commitment"]["id"]
    assert commit(room[2], "something else", client_id=client_id)["error"] == "client_id_taken"
    with helpers.session() as s:
        assert s.scalar(select(func.count(Commitment.id))) == 1


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"text": "x" * 281}, "text_too_long"),
        ({"text": "   "}, "empty_text"),
        ({"text": 5}, "bad_text"),
        ({"text": "ok", "theme": 3}, "bad_request"),
        ({"text": "ok", "theme": "t" * 121}, "bad_request"),
        ({"text": "ok", "signed": "yes"}, "bad_request"),
        ({"text": "ok", "client_id": "nope"}, "bad_client_id"),
    ],
)
def test_bad_commitments_are_refused(helpers, room, payload, error):
    host = room[1]
    ack = host.socket.emit(
        "commitment.post", {"client_id": str(uuid.uuid4())} | payload, callback=True
    )
    assert (ack["ok"], ack["error"]) == (False, error)
    assert room[3].emit("commitment.post", {"text": "x"}, callback=True)["error"] == (
        "unauthorized"
    )
    with helpers.session() as s:
        assert s.scalar(select(func.count(Commitment.id))) == 0


def test_the_spotlight_shows_one_table_and_phones_follow(room):
    _links, host, guest, facilitator, projector = room
    host.post("Buren kennen elkaar niet meer")
    ack = facilitator.emit("spotlight.set", {"table": 1}, callback=True)
    assert ack["ok"]
    update = named(guest.received(), "projector.updated")
    assert update[0]["view"] == "spotlight" and update[0]["spotlight"] == 1
    view = guest.socket.emit("spotlight.view", {}, callback=True)["spotlight"]
    assert view["table"] == 1
    assert [i["text"] for i in view["insights"]] == ["Zorg begint bij elkaar kennen"]
    assert [n["text"] for n in view["notes"]] == ["Buren kennen elkaar niet meer"]
    assert projector.emit("sync", {}, callback=True)["snapshot"]["projector"]["scope"] == "t:1"
    assert facilitator.emit("spotlight.set", {"table": 9}, callback=True)["error"] == (
        "unknown_table"
    )
    assert facilitator.emit("spotlight.set", {"table": "1"}, callback=True)["error"] == (
        "bad_request"
    )
    assert host.socket.emit("spotlight.set", {"table": 2}, callback=True)["error"] == (
        "unauthorized"
    )
    assert facilitator.emit("spotlight.set", {"table": None}, callback=True)["ok"]
    assert projector.emit("spotlight.view", {}, callback=True)["spotlight"] is None
    assert projector.emit("sync", {}, callback=True)["snapshot"]["projector"]["scope"] == "all"


def test_the_summary_has_priorities_commitments_and_numbers(room):
    _links, host, guest, facilitator, projector = room
    # No note here: a note redraws the wall, which would replace the seeded themes.
    ballot = open_vote(facilitator)
    dots(host, ballot["id"], {"t2": 3})
    dots(guest, ballot["id"], {"t1": 1, "t2": 1})
    facilitator.emit("ballot.close", {}, callback=True)
    commit(guest, "I will join the neighbourhood council", signed=True)
    summary = projector.emit("summary.view", {}, callback=True)["summary"]
    assert [(p["key"], p["dots"]) for p in summary["priorities"][:2]] == [("t2", 4), ("t1", 1)]
    assert summary["numbers"] == {
        "people": 2,
        "authors": 1,
        "tables": 2,
        "notes": 0,
        "insights": 1,
        "languages": ["en"],
    }
    assert summary["themes"] == THEMES
    assert [c["signed_as"] for c in summary["commitments"]] == ["Karim"]
    assert host.socket.emit("summary.view", {}, callback=True)["error"] == "unauthorized"


def test_replaying_the_plenary_gives_the_fresh_snapshot(room):
    _links, host, guest, facilitator, projector = room
    staff_before = projector.emit("sync", {}, callback=True)["snapshot"]
    phone_before = guest.snapshot()
    ballot = open_vote(facilitator)
    dots(guest, ballot["id"], {"t1": 2})
    dots(host, ballot["id"], {"t2": 1})
    commit(guest, "I will call my neighbour", signed=True)
    dots(guest, ballot["id"], {"t1": 1, "t2": 2})
    facilitator.emit("ballot.close", {}, callback=True)
    facilitator.emit("spotlight.set", {"table": 2}, callback=True)
    for before, screen in ((staff_before, projector), (phone_before, guest.socket)):
        ack = screen.emit("sync", {"last_seq": before["seq"]}, callback=True)
        state = apply_events(before, ack["events"])
        fresh = screen.emit("sync", {"last_seq": 0}, callback=True)["snapshot"]
        for key in ("server_time",):
            state.pop(key), fresh.pop(key)
        assert state == fresh
