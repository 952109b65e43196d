"""The facilitator turns the projector's page: `projector.turn` -> `projector.page`,
sent to the workshop's staff screens only, never stored; bad steps are refused."""

from __future__ import annotations

from sqlalchemy import func, select

from facilitator.store.models import Event


def pages(received):
    return [e["args"][0]["data"] for e in received if e["name"] == "projector.page"]


def test_the_console_turns_the_projector_page_both_ways(helpers, links, factory):
    projector = helpers.staff(links, "projector")
    phone = helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    projector.get_received()
    phone.received()
    with factory() as session:
        stored = session.scalar(select(func.count()).select_from(Event))
    assert facilitator.emit("projector.turn", {"step": 1}, callback=True)["ok"]
    assert facilitator.emit("projector.turn", {"step": -1}, callback=True)["ok"]
    assert pages(projector.get_received()) == [{"step": 1}, {"step": -1}]
    assert pages(phone.received()) == []  # phones have no pages to turn
    with factory() as session:  # sent, not stored
        assert session.scalar(select(func.count()).select_from(Event)) == stored


def test_a_bad_step_is_refused_in_the_reader_s_language(helpers, links):
    projector = helpers.staff(links, "projector")
    facilitator = helpers.staff(links)
    projector.get_received()
    for bad in (0, 2, -2, True, "1", None, [1], 1.5):
        ack = facilitator.emit("projector.turn", {"step": bad}, callback=True)
        assert ack["ok"] is False and ack["error"] == "bad_page_step", (bad, ack)
        assert "page" in ack["message"], ack
    ack = facilitator.emit("projector.turn", {}, callback=True)
    assert ack["error"] == "bad_page_step"
    assert facilitator.emit("projector.turn", "next", callback=True)["error"] == "bad_request"
    assert pages(projector.get_received()) == []


def test_only_the_facilitator_turns_pages(helpers, links):
    phone = helpers.join(links.join_code)
    projector = helpers.staff(links, "projector")
    for client in (phone.socket, projector):
        assert client.emit("projector.turn", {"step": 1}, callback=True)["error"] == "unauthorized"
