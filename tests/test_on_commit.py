"""Events leave with the commit of their unit of work, and only then; redraws too."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from facilitator.cafe import notes
from facilitator.cafe.participants import get_participant
from facilitator.store.models import Contribution, Workshop
from facilitator.web import on_commit


@pytest.fixture
def redraws(monkeypatch):
    asked: list[int] = []
    monkeypatch.setattr(
        on_commit, "request_wall", lambda _app, workshop_id: asked.append(workshop_id)
    )
    return asked


def post_directly(helpers, links, phone, text: str, fail_after: bool = False) -> None:
    """Post through the domain alone, as a job or a bot would: no adapter calls notify."""
    table = phone.snapshot()["seat"]["table"]
    with helpers.session() as session:
        workshop = session.scalar(select(Workshop).where(Workshop.join_code == links.join_code))
        author = get_participant(session, workshop, phone.public_id)
        notes.post_note(session, workshop, author, str(uuid.uuid4()), text, table)
        if fail_after:
            raise RuntimeError("the rest of the work failed")


def notes_stored(helpers) -> int:
    with helpers.session() as session:
        return session.scalar(select(func.count()).select_from(Contribution))


def test_a_committed_action_reaches_the_screens_without_the_caller_notifying(
    helpers, links, redraws
):
    phone = helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    facilitator.emit("round.start", {}, callback=True)
    phone.received(), facilitator.get_received()
    post_directly(helpers, links, phone, "Een buurtfeest in de zomer")
    posted = [e["args"][0]["data"]["note"]["text"] for e in phone.received("note.posted")]
    assert posted == ["Een buurtfeest in de zomer"]
    assert [e["name"] for e in facilitator.get_received()] == ["note.posted"]
    assert redraws == [helpers.workshop(links.join_code).id]


def test_work_rolled_back_sends_nothing_and_asks_for_no_wall(helpers, links, redraws):
    phone = helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    facilitator.emit("round.start", {}, callback=True)
    phone.received(), facilitator.get_received()
    with pytest.raises(RuntimeError):
        post_directly(helpers, links, phone, "never stored", fail_after=True)
    assert notes_stored(helpers) == 0
    assert phone.received() == [] and facilitator.get_received() == []
    assert redraws == []
    # The session that failed left nothing queued for the next one.
    post_directly(helpers, links, phone, "stored")
    assert [e["args"][0]["data"]["note"]["text"] for e in phone.received("note.posted")] == [
        "stored"
    ]


def test_events_are_sent_after_the_rows_are_visible_to_everyone(
    helpers, links, monkeypatch, redraws
):
    phone = helpers.join(links.join_code)
    helpers.staff(links).emit("round.start", {}, callback=True)
    seen_at_send: list[int] = []
    original = on_commit.notify

    def notify_and_look(sent):
        sent = list(sent)
        if any(e.name == "note.posted" for e in sent):
            seen_at_send.append(notes_stored(helpers))  # another session, another connection
        original(sent)

    monkeypatch.setattr(on_commit, "notify", notify_and_look)
    assert phone.post("Samen koken met de buren")["ok"]
    assert seen_at_send == [1]


def test_a_resend_and_a_read_ask_for_no_redraw(helpers, links, redraws):
    phone = helpers.join(links.join_code)
    helpers.staff(links).emit("round.start", {}, callback=True)
    client_id = str(uuid.uuid4())
    assert phone.post("Een moestuin", client_id=client_id)["ok"]
    assert len(redraws) == 1
    assert phone.post("Een moestuin", client_id=client_id)["duplicate"] is True
    phone.snapshot()
    assert len(redraws) == 1
