"""Client events are checked against their payload classes before any handler runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_babel import force_locale

from facilitator.errors import DomainError
from facilitator.web.extensions import socketio
from facilitator.web.i18n import error_message
from facilitator.web.sockets import schemas

BEYOND_64_BITS = 2**64
CONNECTION_EVENTS = {"connect", "disconnect"}


def registered_events() -> set[str]:
    return {name for name, _fn, _ns in socketio.handlers} - CONNECTION_EVENTS


def test_every_handler_has_a_payload_class_and_every_class_a_handler() -> None:
    assert registered_events() == set(schemas.SCHEMAS)


def test_every_client_event_is_documented_with_its_fields() -> None:
    protocol = (Path(__file__).resolve().parent.parent / "docs" / "PROTOCOL.md").read_text()
    for name in schemas.SCHEMAS:
        assert f"`{name}`" in protocol, f"{name} is not in docs/PROTOCOL.md"


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("sync", {"last_seq": BEYOND_64_BITS}),
        ("sync", {"last_seq": -1}),
        ("sync", {"last_seq": True}),
        ("sync", {"last_seq": "5"}),
        ("note.post", {"client_id": "x", "text": "hi"}),  # no table
        ("note.post", {"client_id": "x", "text": "hi", "table": 1.5}),
        ("note.vote", {"note": BEYOND_64_BITS}),
        ("note.vote", {"note": 1, "up": 1}),
        ("note.hide", {"note": "1"}),
        ("note.restore", {}),
        ("phase.start", {"phase": BEYOND_64_BITS}),
        ("spotlight.set", {"table": BEYOND_64_BITS}),
        ("spotlight.set", {"table": "²"}),
        ("ballot.dots", {"ballot": BEYOND_64_BITS, "dots": {}}),
        ("ballot.open", {}),
        ("seat.move", {"participants": ["x"] * 101, "table": 1}),
        ("seat.move", {"participants": "x", "table": 1}),
        ("participant.remove", {"participant": "x" * 33}),
        ("plan.apply", {"expected": 1, "seating": {"x" * 33: 1}}),
        ("plan.apply", {"expected": 1, "seating": {"abc": True}}),
        ("plan.apply", {"expected": 1}),
        ("plan.preview", {"together": [["a"]]}),
        ("plan.preview", {"apart": [["a", "b", "c"]]}),
        ("plan.preview", {"together": None}),
        ("projector.show", {"view": 3}),
        ("projector.show", {"view": "wall", "show_names": "yes"}),
        ("commitment.post", {"client_id": "x", "text": "t", "theme": None, "signed": 1}),
    ],
)
def test_payloads_that_do_not_fit_are_bad_requests(event: str, payload: dict) -> None:
    with pytest.raises(DomainError) as refused:
        schemas.parse(event, payload)
    assert refused.value.code == "bad_request"


def test_defaults_and_raw_fields() -> None:
    assert schemas.parse("sync", {}).last_seq == 0
    preview = schemas.parse("plan.preview", {})
    assert (preview.locks, preview.together, preview.apart) == (None, [], [])
    # Raw fields are the domain's to check (bad_client_id, empty_text...): missing is None.
    post = schemas.parse("note.post", {"table": 2, "extra": "ignored"})
    assert (post.client_id, post.text, post.table) == (None, None, 2)
    assert schemas.parse("spotlight.set", {"table": None}).table is None
    assert schemas.parse("note.vote", {"note": 7}).up is True


def test_the_largest_64_bit_number_is_still_a_number() -> None:
    assert schemas.parse("sync", {"last_seq": 2**63 - 1}).last_seq == 2**63 - 1
    assert schemas.parse("note.hide", {"note": -(2**63)}).note == -(2**63)


@pytest.mark.parametrize(
    ("event", "payload", "role"),
    [
        ("sync", {"last_seq": BEYOND_64_BITS}, "participant"),
        ("note.vote", {"note": BEYOND_64_BITS}, "participant"),
        ("ballot.dots", {"ballot": BEYOND_64_BITS, "dots": {}}, "participant"),
        ("note.hide", {"note": BEYOND_64_BITS}, "facilitator"),
        ("phase.start", {"phase": BEYOND_64_BITS}, "facilitator"),
        ("spotlight.set", {"table": BEYOND_64_BITS}, "facilitator"),
    ],
)
def test_huge_numbers_get_a_translated_refusal_not_a_traceback(
    app, helpers, links, event, payload, role
) -> None:
    phone = helpers.join(links.join_code, language="nl")
    client = helpers.staff(links) if role == "facilitator" else phone.socket
    ack = client.emit(event, payload, callback=True)
    assert ack["ok"] is False and ack["error"] == "bad_request"
    with app.test_request_context(), force_locale("en"):
        english = error_message("bad_request")
    if role == "participant":  # the phone said Dutch
        assert ack["message"] and ack["message"] != english
    else:
        assert ack["message"] == english
