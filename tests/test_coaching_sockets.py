"""The coaching phase over Socket.IO: cards drawn and dealt by the facilitator, phones
answering the self-scan, bad input refused in the reader's language, nothing stored twice."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, update

from facilitator.organise.demo import template
from facilitator.store.models import Round, SelfScanAnswer, Workshop
from tests.conftest import Helpers, close_app, make_app

COACHING_PHASE = {
    "kind": "coaching",
    "minutes": 20,
    "title": {"nl": "Zelfscan", "fr": "Auto-évaluation", "en": "Self-scan"},
}


def answer(phone, area="connection", score=3, note=None, client_id=None):
    payload = {"client_id": client_id or str(uuid.uuid4()), "area": area, "score": score}
    if note is not None:
        payload["note"] = note
    return phone.socket.emit("selfscan.answer", payload, callback=True)


def stored(helpers) -> int:
    with helpers.session() as s:
        return s.scalar(select(func.count(SelfScanAnswer.id))) or 0


@pytest.fixture
def room(helpers):
    """A workshop whose agenda has a coaching phase, started; four phones and a projector."""
    return coaching_room(helpers)


def coaching_room(helpers):
    """The room of the fixture, for an app of a test's own settings."""
    phases = [*template()["phases"], COACHING_PHASE]
    links = helpers.make_workshop(phases=phases)
    facilitator = helpers.staff(links)
    agenda = facilitator.emit("sync", {"last_seq": 0}, callback=True)["snapshot"]["agenda"]
    phase = next(p for p in agenda["phases"] if p["kind"] == "coaching")
    assert facilitator.emit("phase.start", {"phase": phase["id"]}, callback=True)["ok"]
    phones = [helpers.join(links.join_code, language=lang) for lang in ("nl", "fr", "en", "nl")]
    projector = helpers.staff(links, "projector")
    facilitator.get_received()
    return links, facilitator, projector, phones


def test_phones_answer_and_the_projector_sees_the_profile_fill(helpers, room):
    _links, _facilitator, projector, phones = room
    projector.get_received()
    for phone, score in zip(phones[:3], (2, 4, 3), strict=True):
        ack = answer(phone, score=score)
        assert ack["ok"] and ack["duplicate"] is False and ack["answer"]["score"] == score
    profiles = [e for e in projector.get_received() if e["name"] == "selfscan.profile"]
    assert len(profiles) == 3
    first = next(a for a in profiles[0]["args"][0]["data"]["profile"]["areas"])
    assert (first["answers"], first["shown"], first["mean"]) == (1, False, None)
    last = profiles[-1]["args"][0]["data"]["profile"]
    area = next(a for a in last["areas"] if a["key"] == "connection")
    assert (area["shown"], area["mean"], area["counts"]) == (True, 3.0, [0, 1, 1, 1, 0])
    assert [e for e in phones[3].received() if e["name"] == "selfscan.profile"] == []
    view = projector.emit("coaching.view", {}, callback=True)["coaching"]
    assert view["profile"] == last


def test_a_replayed_answer_is_acknowledged_once_and_stored_once(helpers, room):
    _links, _facilitator, projector, phones = room
    client_id = str(uuid.uuid4())
    first = answer(phones[0], score=4, client_id=client_id)
    projector.get_received()
    again = answer(phones[0], score=4, client_id=client_id)
    assert again["ok"] and again["duplicate"] is True and again["answer"] == first["answer"]
    assert projector.get_received() == [] and stored(helpers) == 1
    assert answer(phones[1], client_id=client_id)["error"] == "answer_id_taken"


def test_a_changed_answer_replaces_the_earlier_one(helpers, room):
    _links, _facilitator, _projector, phones = room
    answer(phones[0], score=1)
    assert answer(phones[0], score=5)["answer"]["score"] == 5
    with helpers.session() as s:
        assert s.scalars(select(SelfScanAnswer.score)).all() == [5]
    mine = phones[0].socket.emit("coaching.view", {}, callback=True)["coaching"]["mine"]
    assert mine["connection"]["score"] == 5


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"score": 0}, "bad_score"),
        ({"score": 6}, "bad_score"),
        ({"score": "3"}, "bad_score"),
        ({"score": 3.0}, "bad_score"),
        ({"score": True}, "bad_score"),
        ({"score": None}, "bad_score"),
        ({"area": None}, "unknown_area"),
        ({"area": "nowhere"}, "unknown_area"),
        ({"area": ["connection"]}, "unknown_area"),
        ({"note": "x" * 501}, "selfscan_note_too_long"),
        ({"note": 12}, "bad_selfscan_note"),
        ({"client_id": "not-a-uuid"}, "bad_answer_id"),
        ({"client_id": None}, "bad_answer_id"),
    ],
)
def test_bad_answers_are_refused_with_a_sentence_and_nothing_is_stored(helpers, room, change, code):
    _links, _facilitator, _projector, phones = room
    payload = {"client_id": str(uuid.uuid4()), "area": "connection", "score": 3} | change
    ack = phones[0].socket.emit("selfscan.answer", payload, callback=True)
    assert ack["ok"] is False and ack["error"] == code
    assert ack["message"].endswith(".") and len(ack["message"]) > 10
    assert stored(helpers) == 0


def test_a_missing_area_is_refused(helpers, room):
    _links, _facilitator, _projector, phones = room
    payload = {"client_id": str(uuid.uuid4()), "score": 3}
    assert phones[0].socket.emit("selfscan.answer", payload, callback=True)["error"] == (
        "unknown_area"
    )


def test_the_note_limit_is_said_in_the_readers_language(helpers, room):
    _links, _facilitator, _projector, phones = room
    nl, fr = phones[0], phones[1]
    dutch = answer(nl, note="x" * 501)["message"]
    french = answer(fr, note="x" * 501)["message"]
    assert "500" in dutch and "500" in french and dutch != french
    assert "zelfscan" in dutch.lower() and "autodiagnostic" in french.lower()
    assert answer(nl, note="x" * 500)["ok"]


def test_a_closed_workshop_takes_no_answer_nor_card(helpers, room):
    links, facilitator, _projector, phones = room
    client_id = str(uuid.uuid4())
    answer(phones[0], client_id=client_id)
    with helpers.session() as s:
        s.execute(
            update(Workshop).where(Workshop.join_code == links.join_code).values(status="closed")
        )
    assert answer(phones[1])["error"] == "workshop_closed"
    assert answer(phones[0], client_id=client_id)["duplicate"] is True  # its ack again
    assert stored(helpers) == 1
    for event, payload in (
        ("coaching.draw", {}),
        ("coaching.deal", {}),
        ("coaching.to_question", {"area": "access"}),
    ):
        assert facilitator.emit(event, payload, callback=True)["error"] == "workshop_closed"


def test_only_participants_answer_and_only_facilitators_draw(helpers, room):
    _links, facilitator, projector, phones = room
    payload = {"client_id": str(uuid.uuid4()), "area": "connection", "score": 3}
    assert facilitator.emit("selfscan.answer", payload, callback=True)["error"] == "unauthorized"
    assert projector.emit("selfscan.answer", payload, callback=True)["error"] == "unauthorized"
    for event in ("coaching.draw", "coaching.deal", "coaching.to_question"):
        assert projector.emit(event, {}, callback=True)["error"] == "unauthorized"
        assert phones[0].socket.emit(event, {}, callback=True)["error"] == "unauthorized"
    assert stored(helpers) == 0


def test_the_facilitator_draws_and_deals_and_every_screen_gets_the_cards(helpers, room):
    _links, facilitator, projector, phones = room
    projector.get_received()
    assert facilitator.emit("coaching.draw", {"area": "governance"}, callback=True)["ok"]
    [drawn] = phones[1].received("coaching.drawn")
    [card] = drawn["args"][0]["data"]["draws"]
    assert card["area"] == "governance" and card["table"] is None and card["text"]["fr"]
    assert facilitator.emit("coaching.deal", {}, callback=True)["ok"]
    dealt = [e for e in projector.get_received() if e["name"] == "coaching.drawn"][-1]
    assert [d["table"] for d in dealt["args"][0]["data"]["draws"]] == [1, 2, 3, 4]
    view = phones[0].socket.emit("coaching.view", {}, callback=True)["coaching"]
    assert view["draws"] == dealt["args"][0]["data"]["draws"]
    bad = facilitator.emit("coaching.draw", {"area": "nowhere"}, callback=True)
    assert bad["error"] == "unknown_area"


def test_a_card_or_an_area_becomes_the_next_rounds_question(helpers, room):
    links, facilitator, _projector, phones = room
    facilitator.emit("coaching.draw", {}, callback=True)
    card = phones[0].socket.emit("coaching.view", {}, callback=True)["coaching"]["draws"][0]
    ack = facilitator.emit("coaching.to_question", {"draw": card["id"]}, callback=True)
    assert ack["ok"] and ack["round"] == 1 and ack["question"]["nl"] == card["text"]["nl"]
    assert phones[0].snapshot()["round"]["question"]["nl"] == card["text"]["nl"]
    by_area = facilitator.emit("coaching.to_question", {"area": "access"}, callback=True)
    assert by_area["ok"] and "accessible" in by_area["question"]["en"].lower()
    both = facilitator.emit(
        "coaching.to_question", {"draw": card["id"], "area": "access"}, callback=True
    )
    assert both["error"] == "bad_request"
    assert facilitator.emit("coaching.to_question", {}, callback=True)["error"] == "bad_request"
    wrong = facilitator.emit("coaching.to_question", {"draw": "1"}, callback=True)
    assert wrong["error"] == "bad_request"
    with helpers.session() as s:
        questions = s.scalars(select(Round.question).order_by(Round.number)).all()
    assert questions[0]["nl"] == by_area["question"]["nl"]


def test_another_workshops_card_is_refused(helpers, room):
    _links, facilitator, _projector, _phones = room
    other = helpers.make_workshop()
    other_facilitator = helpers.staff(other)
    other_facilitator.emit("coaching.draw", {}, callback=True)
    other_card = other_facilitator.emit("coaching.view", {}, callback=True)["coaching"]["draws"][0]
    ack = facilitator.emit("coaching.to_question", {"draw": other_card["id"]}, callback=True)
    assert ack["error"] == "unknown_card" and ack["message"]
    with helpers.session() as s:
        assert other_card["text"]["nl"] not in str(s.scalars(select(Round.question)).all())


def test_a_phone_that_enters_the_phase_asks_for_the_coaching_state(helpers, room):
    _links, _facilitator, _projector, phones = room
    view = phones[1].socket.emit("coaching.view", {}, callback=True)
    assert view["ok"] and len(view["coaching"]["areas"]) == 7
    assert view["coaching"]["areas"][0]["title"]["fr"] == "Le lien entre les habitants"
    assert "profile" not in view["coaching"]


def test_demo_bots_answer_the_self_scan_during_the_coaching_phase(app, helpers, room):
    import random

    from facilitator.organise.demo import seat_bots
    from facilitator.web import bots
    from facilitator.web.work import unit_of_work

    links, _facilitator, projector, _phones = room
    with app.app_context():
        with unit_of_work(app) as s:
            seat_bots(s, s.scalar(select(Workshop).where(Workshop.join_code == links.join_code)), 4)
        rng = random.Random(7)
        for _ in range(40):
            with unit_of_work(app) as s:
                bots._post_one(s, links.join_code, rng)
    with helpers.session() as s:
        rows = s.execute(select(SelfScanAnswer.participant_id, SelfScanAnswer.area_key)).all()
    assert len(rows) == len(set(rows)) and 20 <= len(rows) <= 28  # 4 bots x 7 areas at most
    view = projector.emit("coaching.view", {}, callback=True)["coaching"]
    shown = [a for a in view["profile"]["areas"] if a["shown"]]
    assert len(shown) >= 5 and len({a["mean"] for a in shown}) > 1


def test_a_phone_answering_too_fast_is_asked_to_wait_and_resends_pass(app, helpers, room):
    app.config["SELFSCAN_ANSWERS_PER_MINUTE"] = 3
    _links, _facilitator, _projector, phones = room
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for client_id, value in zip(ids, (1, 2, 3), strict=True):
        assert answer(phones[0], score=value, client_id=client_id)["ok"]
    refused = answer(phones[0], score=4)
    assert refused["error"] == "too_many_answers"
    assert refused["message"] == "Je antwoordt heel snel. Wacht even, het wordt verstuurd."
    assert answer(phones[0], score=3, client_id=ids[-1])["duplicate"] is True  # counted once
    assert answer(phones[1], score=4)["ok"]  # another phone has its own allowance
    with helpers.session() as s:
        assert sorted(s.scalars(select(SelfScanAnswer.score)).all()) == [3, 4]


def test_the_answer_limit_is_a_setting_said_in_the_phones_language(tmp_path, sqlite_url):
    """FACILITATOR_SELFSCAN_ANSWERS_PER_MINUTE=2: the third new answer is refused, in
    French on a French phone."""
    from facilitator.config import SETTINGS

    assert next(s for s in SETTINGS if s.name == "SELFSCAN_ANSWERS_PER_MINUTE").default == 60
    app = make_app(sqlite_url, tmp_path, SELFSCAN_ANSWERS_PER_MINUTE=2)
    try:
        _links, _facilitator, _projector, phones = coaching_room(Helpers(app))
        french = phones[1]
        assert answer(french, score=1)["ok"] and answer(french, area="access", score=2)["ok"]
        refused = answer(french, score=5)
        assert refused["ok"] is False and refused["error"] == "too_many_answers"
        assert (
            refused["message"] == "Vous répondez très vite. Patientez un instant, ce sera envoyé."
        )
        assert answer(phones[2], score=4)["ok"]
    finally:
        close_app(app)


def test_the_facilitator_can_keep_the_projector_on_the_coaching_screen(room):
    _links, facilitator, projector, _phones = room
    ack = facilitator.emit(
        "projector.show", {"view": "coaching", "show_names": True}, callback=True
    )
    assert ack["ok"]
    state = projector.emit("sync", {"last_seq": 0}, callback=True)["snapshot"]["projector"]
    assert state["view"] == "coaching"
