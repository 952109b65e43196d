"""The projector's harvest wall: drawn off the hub, coalesced, cached by content."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from facilitator.harvest.base import Note
from facilitator.harvest.wall import cloud_digest_of, digest_of, find_wall_themes, render_wall
from facilitator.web.jobs import wall as harvest_service

LABELLED = Path(__file__).parent / "data" / "labelled_notes.json"
PNG = b"\x89PNG\r\n\x1a\n"


def labelled_notes(count=60):
    data = json.loads(LABELLED.read_text(encoding="utf-8"))
    items = data["notes"] if isinstance(data, dict) else data
    return [
        Note(id=i, text=item["text"], language=item.get("language"))
        for i, item in enumerate(items[:count])
    ]


def test_a_wall_has_a_cloud_and_themes_quoting_their_notes():
    notes = labelled_notes()
    texts = {note.id: note.text for note in notes}
    wall = render_wall(notes, ["nl", "fr", "en"])
    assert wall.png.startswith(PNG) and wall.notes == 60
    assert 1 <= len(wall.themes) <= 6
    for theme in wall.themes:
        assert theme["label"] and theme["notes"] >= 1
        assert theme["quote"] in texts.values()
        for quote in theme["quotes"].values():
            assert quote["text"] == texts[quote["id"]]


# Six long Dutch notes on one subject, about 400 characters each (many lines on a screen).
CARERS = (
    "De mantelzorgers in onze buurt raken uitgeput en hebben dringend ondersteuning nodig: "
    "een vaste buurtwerker, respijtzorg in het weekend, erkenning door de huisartsen en het "
    "OCMW, en een plek waar mantelzorgers elkaar ontmoeten en hun verhaal kwijt kunnen "
    "zonder afspraak, dicht bij huis en zonder lange formulieren in te vullen. {extra}"
)
EXTRAS = (
    "Ook betaalbare thuiszorg en vervoer naar het ziekenhuis zouden veel verschil maken.",
    "Een telefoonnummer dat altijd opneemt wanneer het even niet meer gaat, ook 's nachts.",
    "Jonge mantelzorgers op school worden vergeten, leerkrachten weten vaak van niets.",
    "Werkgevers moeten verlof voor mantelzorg makkelijker toestaan, zonder loonverlies.",
    "Vrijwilligers kunnen een namiddag overnemen zodat mantelzorgers kunnen uitrusten.",
    "Het aanvragen van premies is te ingewikkeld, een buurtloket zou daarbij helpen.",
)
LONG_NOTES = [
    Note(id=i, text=CARERS.format(extra=extra), language="nl") for i, extra in enumerate(EXTRAS)
]


def test_a_long_note_reaches_the_wall_whole_as_its_themes_quote():
    """The server cuts nothing: each screen fits a quote itself (pages, or whole themes
    left out and counted), so a reader never meets a quote ending in "…"."""
    notes = LONG_NOTES
    assert all(len(note.text) >= 400 for note in notes)
    [theme] = find_wall_themes(notes, ["nl"]).themes
    assert theme["quote"] in {note.text for note in notes}
    assert theme["quotes"]["nl"]["text"] == notes[theme["quotes"]["nl"]["id"]].text
    assert "…" not in theme["quote"]


def test_the_digest_names_the_content():
    notes = labelled_notes(10)
    assert digest_of(notes, ["nl"]) == digest_of(list(notes), ["nl"])
    changed = [*notes[:-1], Note(id=notes[-1].id, text="iets anders", language="nl")]
    assert digest_of(changed, ["nl"]) != digest_of(notes, ["nl"])


def test_a_vote_or_a_theme_change_leaves_the_cloud_as_it_is():
    notes = labelled_notes(10)
    voted = [*notes[:-1], Note(notes[-1].id, notes[-1].text, notes[-1].language, upvotes=3)]
    assert cloud_digest_of(voted, ["nl"]) == cloud_digest_of(notes, ["nl"])
    renamed = [{"kind": "rename", "notes": [1], "title": "x"}]
    assert digest_of(notes, ["nl"], None, renamed) != digest_of(notes, ["nl"])
    changed = [*notes[:-1], Note(id=notes[-1].id, text="iets anders", language="nl")]
    assert cloud_digest_of(changed, ["nl"]) != cloud_digest_of(notes, ["nl"])


def drawing_of(notes):
    return harvest_service.Drawing(notes, ["nl", "fr", "en"], {}, [])


def test_under_a_stream_of_notes_the_themes_follow_each_note_and_the_cloud_lags(app, monkeypatch):
    coming = [True]
    monkeypatch.setattr(harvest_service, "_more_notes_coming", lambda _wid: coming[0])
    notes = labelled_notes(20)
    folder = harvest_service.wall_path(app, 7, "x").parent
    told = []

    def clouds():
        return len(list(folder.glob("*.png")))

    with app.app_context():
        first = harvest_service._drawn(app, 7, "all", drawing_of(notes[:10]), told.append)
        assert clouds() == 1  # no cloud yet: drawn even though more notes come
        second = harvest_service._drawn(app, 7, "all", drawing_of(notes[:11]), told.append)
        assert second["notes"] == 11 and second["digest"] == first["digest"]
        assert clouds() == 1  # the stream goes on: the themes are new, the cloud waits
        coming[0] = False  # the stream pauses: the cloud catches up at once
        third = harvest_service._drawn(app, 7, "all", drawing_of(notes[:12]), told.append)
        assert third["notes"] == 12 and third["digest"] != first["digest"]
        assert clouds() == 2
        image = harvest_service.wall_path(app, 7, third["digest"])
        assert image.read_bytes().startswith(PNG)
    # While the third cloud was drawn, the staff screens already had its themes, shown
    # beside the last cloud; no early word before the first cloud or while it waited.
    assert [(t["notes"], t["digest"]) for t in told] == [(12, first["digest"])]


def test_a_cloud_older_than_its_lag_is_redrawn_even_while_notes_come(app, monkeypatch):
    monkeypatch.setattr(harvest_service, "_more_notes_coming", lambda _wid: True)
    monkeypatch.setattr(harvest_service, "CLOUD_LAG_SECONDS", 0.0)
    notes = labelled_notes(12)
    told = []
    with app.app_context():
        first = harvest_service._drawn(app, 7, "all", drawing_of(notes[:10]), told.append)
        time.sleep(0.01)
        second = harvest_service._drawn(app, 7, "all", drawing_of(notes[:11]), told.append)
    assert second["digest"] != first["digest"]


def test_a_few_notes_draw_a_cloud_without_themes():
    wall = render_wall([Note(1, "Buren helpen buren", "nl")], ["nl"])
    assert wall.png.startswith(PNG) and wall.themes == []


def test_a_burst_of_requests_draws_at_most_twice(app, monkeypatch):
    draws = []

    def slow_draw(_app, workshop_id):
        draws.append(workshop_id)
        time.sleep(0.3)

    monkeypatch.setattr(harvest_service, "_draw_once", slow_draw)
    for _ in range(200):
        harvest_service.request_wall(app, 7)
    deadline = time.monotonic() + 5
    while harvest_service.any_drawing() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert draws == [7, 7]  # one running, one waiting: not 200
    assert not harvest_service._drawings.is_busy(7)


def wait_for(client, name, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for event in client.get_received():
            if event["name"] == name:
                return event["args"][0]["data"]
        time.sleep(0.1)
    raise AssertionError(f"no {name} within {seconds} s")


def walls_until(client, done, seconds=20):
    """Every `harvest.updated` the client gets, until one satisfies `done`."""
    walls, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = client.get_received()
        walls += [e["args"][0]["data"] for e in got if e["name"] == "harvest.updated"]
        if walls and done(walls[-1]):
            return walls
        time.sleep(0.1)
    raise AssertionError(f"no such wall within {seconds} s: {walls}")


def test_the_projector_gets_a_new_wall_after_a_note(app, helpers, links):
    projector = helpers.staff(links, "projector")
    phone = helpers.join(links.join_code, language="fr")
    phone.post("Les aidants proches ont besoin de répit")
    wall = wait_for(projector, "harvest.updated")
    assert wall["notes"] == 1 and len(wall["digest"]) == 32
    http = app.test_client()
    http.get(f"/p/{links.join_code}/{links.projector_secret}")
    image = http.get(f"/p/{links.join_code}/harvest/{wall['digest']}.png")
    assert image.status_code == 200 and image.data.startswith(PNG)
    image.close()
    # Phones show the workshop's cloud between rounds; someone outside the workshop cannot.
    seen_by_phone = phone.http.get(f"/p/{links.join_code}/harvest/{wall['digest']}.png")
    assert seen_by_phone.status_code == 200
    seen_by_phone.close()
    outsider = app.test_client().get(f"/p/{links.join_code}/harvest/{wall['digest']}.png")
    assert outsider.status_code == 403
    assert http.get(f"/p/{links.join_code}/harvest/{'0' * 32}.png").status_code == 404
    assert http.get(f"/p/{links.join_code}/harvest/..%2Fsecret.png").status_code == 404


def test_a_hidden_note_leaves_the_wall(app, helpers, links):
    projector = helpers.staff(links, "projector")
    facilitator = helpers.staff(links)
    phone = helpers.join(links.join_code)
    note = phone.post("Something rude")["note"]
    first = wait_for(projector, "harvest.updated")
    facilitator.emit("note.hide", {"note": note["id"]}, callback=True)
    # The themes may come first, beside the old cloud; then the new cloud.
    walls = walls_until(projector, lambda w: w["notes"] == 0 and w["digest"] != first["digest"])
    assert walls[-1]["notes"] == 0 and walls[-1]["digest"] != first["digest"]


def test_requests_from_many_threads_never_draw_one_workshop_twice_at_once(app, monkeypatch):
    active, overlaps = [0], []
    lock = threading.Lock()

    def draw(_app, _workshop_id):
        with lock:
            active[0] += 1
            overlaps.append(active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1

    monkeypatch.setattr(harvest_service, "_draw_once", draw)
    threads = [
        threading.Thread(target=harvest_service.request_wall, args=(app, 9)) for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The vectors come first, in the background: wait for the drawings that follow them.
    deadline = time.monotonic() + 20
    while (harvest_service.any_drawing() or not overlaps) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert overlaps and max(overlaps) == 1


def test_phones_get_the_rooms_cloud_between_rounds_not_during_one(app, helpers, links):
    facilitator = helpers.staff(links)
    projector = helpers.staff(links, "projector")
    phone = helpers.join(links.join_code)
    assert facilitator.emit("round.start", {}, callback=True)["ok"]
    phone.post("Buren helpen buren met boodschappen")
    assert wait_for(projector, "harvest.updated")["notes"] == 1
    time.sleep(0.5)
    assert not [e for e in phone.received() if e["name"] == "harvest.updated"]
    assert facilitator.emit("round.end", {}, callback=True)["ok"]
    wall = wait_for(phone.socket, "harvest.updated")
    assert wall["scope"] == "all" and wall["notes"] == 1
    assert phone.socket.emit("sync", {"last_seq": 1}, callback=True)["harvest"] == wall
